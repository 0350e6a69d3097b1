/// A column the toolkit reads, with the header words it answers to.
///
/// Headers are matched loosely: case, spaces, `_`, `-`, punctuation and camelCase are
/// ignored, so `Referrer Email`, `referrer_email` and `ReferrerEmail` are the same words.
/// A header matches a role when it contains one of the role's phrases and every other word
/// is one the role allows around it (`email`, `id`, `customer`, …). The match is ranked:
/// a referral-specific phrase beats a generic one (`source`, `from`, `medium`), allowed
/// context the role prefers (`order` for a conversion's date) raises it, a name qualifier
/// (`Referrer Name`) lowers it. Anything else in the header keeps the column out: `utm_source`
/// is never the sharer, `Referrer Reward Amount` never the value.
public struct ColumnRole: Sendable, Hashable, CustomStringConvertible {
    /// The canonical header name, also the name shown in messages.
    public let name: String
    /// The flag that names the column explicitly, such as `--source-column`.
    public let flag: String
    let phrases: [Phrase]
    /// Words allowed around a phrase.
    let context: Set<String>
    /// Allowed words that make the match stronger.
    let preferred: Set<String>
    /// Allowed words that make it weaker (a person's name is not their id).
    let weak: Set<String>

    struct Phrase: Sendable {
        let words: [String]
        let rank: Int
    }

    /// Ranks of phrases: referral-specific, the canonical generic name, other generic names.
    static let specific = 3, canonical = 2, generic = 1

    init(
        _ name: String, flag: String, specific: [String], canonical: [String] = [], generic: [String] = [],
        context: Set<String> = [], preferred: Set<String> = [], weak: Set<String> = []
    ) {
        self.name = name
        self.flag = flag
        func phrases(_ list: [String], _ rank: Int) -> [Phrase] { list.map { Phrase(words: HeaderWords.split($0), rank: rank) } }
        self.phrases = phrases(specific, Self.specific) + phrases(canonical, Self.canonical) + phrases(generic, Self.generic)
        self.context = context
        self.preferred = preferred
        self.weak = weak
    }

    public var description: String { name }
    public static func == (a: ColumnRole, b: ColumnRole) -> Bool { a.name == b.name }
    public func hash(into hasher: inout Hasher) { hasher.combine(name) }

    /// The header names a role answers to, for help texts.
    public var examples: [String] { phrases.prefix(6).map { $0.words.joined(separator: " ") } }

    /// How well `words` names this role: `nil` when it does not.
    func rank(_ words: [String]) -> Int? {
        var best: Int?
        for phrase in phrases {
            guard let at = HeaderWords.find(phrase.words, in: words) else { continue }
            var rest = words
            rest.removeSubrange(at..<at + phrase.words.count)
            guard
                rest.allSatisfy({ context.contains($0) || preferred.contains($0) || weak.contains($0) || HeaderWords.currency.contains($0) }
                )
            else { continue }
            var rank = phrase.rank
            if rest.contains(where: preferred.contains) { rank += 1 }
            if rest.contains(where: weak.contains) { rank -= 2 }
            best = max(best ?? rank, rank)
        }
        return best
    }

    private static let idWords: Set<String> = [
        "email", "e", "mail", "id", "uid", "uuid", "identifier", "customer", "user", "account", "handle", "username", "code",
        "address", "key", "number", "no", "contact", "member", "profile", "ref",
    ]
    private static let nameWords: Set<String> = ["name", "first", "last", "full", "display", "nickname"]
    private static let timeWords: Set<String> = [
        "utc", "gmt", "local", "iso", "at", "on", "stamp", "and", "created", "creation",
        "date", "time", "joined", "signed", "up", "registered", "subscribed",
    ]

    public static let source = ColumnRole(
        "source", flag: "--source-column",
        specific: [
            "referrer", "referring", "referred by", "referrer customer", "sharer", "shared by", "inviter", "invited by",
            "invite sender", "sender", "advocate", "ambassador", "promoter", "introducer", "parent",
        ],
        canonical: ["source"], generic: ["from"], context: idWords, weak: nameWords)
    public static let target = ColumnRole(
        "target", flag: "--target-column",
        specific: [
            "referred", "referee", "invitee", "invited", "recipient", "friend", "receiver", "new customer", "new user",
            "child",
        ],
        canonical: ["target"], generic: ["to", "customer", "user", "member", "contact", "email", "e mail"], context: idWords,
        weak: nameWords)
    /// A sharer's display name (`Referrer Name`): shown beside their id in reports, never an id.
    public static let sourceName = ColumnRole(
        "source_name", flag: "--source-name-column",
        specific: [
            "referrer name", "referrer full name", "referring customer name", "sharer name", "advocate name",
            "advocate full name", "inviter name", "sender name", "ambassador name", "promoter name",
        ],
        context: ["customer", "display"])
    public static let timestamp = ColumnRole(
        "timestamp", flag: "--timestamp-column",
        specific: [
            "timestamp", "time", "date", "datetime", "date time", "created", "creation", "referred at", "referred on",
            "shared at", "shared on", "invited at", "invited on", "sent at", "sent on", "occurred at", "when",
        ],
        context: timeWords.union(["referral", "share", "invite", "invitation", "event", "signup", "sent"]),
        preferred: ["referral", "share", "invite", "invitation"])
    public static let channel = ColumnRole(
        "channel", flag: "--channel-column",
        specific: ["channel", "share channel", "share method", "share type", "shared via", "platform", "social network", "network"],
        generic: ["medium", "method", "via"],
        context: ["share", "sharing", "referral", "social", "name", "type", "invite"])
    public static let campaign = ColumnRole(
        "campaign", flag: "--campaign-column",
        specific: ["campaign", "program", "programme"],
        context: ["id", "code", "key", "slug", "title", "referral"], preferred: ["name"])
    /// A row's weight. `Referral Count` and `Number of referrals` are not weights: in a
    /// per-customer feed they count the referrals a person made, so they are never taken.
    public static let weight = ColumnRole(
        "weight", flag: "--weight-column",
        specific: ["weight", "count", "times", "quantity", "qty"])

    private static let buyerWords = idWords.subtracting(["code"])
    private static let orderWords: Set<String> = [
        "order", "purchase", "purchased", "sale", "transaction", "conversion",
        "converted", "checkout", "ordered", "paid", "payment",
    ]
    public static let user = ColumnRole(
        "user", flag: "--user-column",
        specific: [
            "user", "customer", "buyer", "purchaser", "client", "member", "shopper", "converter", "friend", "referred",
            "referee", "invitee", "recipient", "new customer",
        ],
        generic: ["email", "e mail"], context: buyerWords, weak: nameWords)
    public static let value = ColumnRole(
        "value", flag: "--value-column",
        specific: ["value", "revenue", "amount", "total", "order total", "subtotal", "sales", "sale", "price", "gmv", "spend"],
        context: orderWords.union([
            "net", "gross", "referee", "friend", "referred", "customer", "first", "incl", "excl", "tax",
            "vat", "currency", "total", "value", "amount",
        ]))
    public static let conversionTimestamp = ColumnRole(
        "timestamp", flag: "--conversion-timestamp-column",
        specific: ["timestamp", "time", "date", "datetime", "date time", "created", "creation", "when"],
        context: timeWords.union(orderWords).union(["event", "signup", "referral", "referee", "friend"]),
        preferred: orderWords)
    public static let conversionCampaign = ColumnRole(
        "campaign", flag: "--conversion-campaign-column",
        specific: ["campaign", "program", "programme"],
        context: ["id", "code", "key", "slug", "title", "referral"], preferred: ["name"])
}

/// Splitting header names into lower-case words.
enum HeaderWords {
    /// Currency codes and symbols that may sit in a money column's header (`Order Total (USD)`).
    static let currency: Set<String> = [
        "usd", "eur", "gbp", "jpy", "cad", "aud", "chf", "inr", "brl", "sek", "nok", "dkk", "pln",
        "mxn", "nzd", "cny", "hkd", "sgd", "zar", "in", "cents",
    ]

    /// The words of a header: letters and digits, split at everything else and at a lower-case
    /// letter followed by an upper-case one (`referrerEmail`), lower-cased.
    static func split(_ header: String) -> [String] {
        var words: [String] = []
        var current = ""
        var previousLower = false
        for ch in header {
            if ch.isLetter || ch.isNumber {
                if ch.isUppercase, previousLower, !current.isEmpty {
                    words.append(current)
                    current = ""
                }
                current += ch.lowercased()
                previousLower = ch.isLowercase || ch.isNumber
            } else {
                if !current.isEmpty { words.append(current) }
                current = ""
                previousLower = false
            }
        }
        if !current.isEmpty { words.append(current) }
        return words
    }

    /// Where `phrase` starts as consecutive words of `words`.
    static func find(_ phrase: [String], in words: [String]) -> Int? {
        guard !phrase.isEmpty, phrase.count <= words.count else { return nil }
        for start in 0...(words.count - phrase.count) where Array(words[start..<start + phrase.count]) == phrase {
            return start
        }
        return nil
    }
}
