import Foundation

/// One campaign of a generated referral program: its name and the true mean number of
/// friends each of its people shares with (the offspring mean of its cascades).
public struct GeneratedCampaign: Sendable, Equatable {
    public var name: String
    /// Mean invitations per person, in [0, 1): below one, so every cascade ends.
    public var offspringMean: Double

    public init(name: String, offspringMean: Double) {
        self.name = name
        self.offspringMean = offspringMean
    }
}

/// One share channel of a generated referral program.
public struct GeneratedChannel: Sendable, Equatable {
    public var name: String
    /// Probability that a person first reached on this channel converts.
    public var conversionRate: Double
    /// Median delay, in hours, of a hop on this channel (share to share, and share to
    /// purchase); delays are log-normal around it.
    public var medianHours: Double

    public init(name: String, conversionRate: Double, medianHours: Double) {
        self.name = name
        self.conversionRate = conversionRate
        self.medianHours = medianHours
    }

    /// The default channels, named for what people compare, with their conversion rates and
    /// median delays.
    public static let defaults: [GeneratedChannel] = [
        GeneratedChannel(name: "facebook", conversionRate: 0.08, medianHours: 6),
        GeneratedChannel(name: "twitter", conversionRate: 0.04, medianHours: 2),
        GeneratedChannel(name: "linkedin", conversionRate: 0.06, medianHours: 12),
        GeneratedChannel(name: "blog", conversionRate: 0.12, medianHours: 48),
        GeneratedChannel(name: "email", conversionRate: 0.20, medianHours: 24),
        GeneratedChannel(name: "event", conversionRate: 0.30, medianHours: 72),
    ]
}

/// The platform whose column names and conventions a generated export follows.
public enum GeneratorVendor: String, Sendable, CaseIterable {
    /// The toolkit's own layout: `source,target,timestamp,channel,campaign`, ISO 8601 UTC.
    case canonical
    /// Friendbuy: Advocate Email, Advocate Customer ID, Referral Code, Friend Email, Created On
    /// `2024-03-04 09:33:00 UTC`; purchases with Order Amount `1,234.50`.
    case friendbuy
    /// ReferralCandy: names and e-mails, Date Created `2024-03-04 9:33:00`, a UTM Source column,
    /// the friend's first order (`$1,234.50`) on their first referral row.
    case referralcandy
    /// Mention Me: referrer/referee, Share Method, Situation, UK dates `04/03/2024 09:33`,
    /// order values in pounds (`£1,234.50`).
    case mentionme
}

/// Everything the generative model needs; written to `truth.json`.
public struct GeneratorParameters: Sendable, Equatable {
    /// People to generate (advocates and everyone their cascades reach).
    public var people: Int
    public var campaigns: [GeneratedCampaign]
    public var channels: [GeneratedChannel]
    public var seed: UInt64
    /// Shape k of the gamma-distributed sharing propensity: the number of invitations is
    /// negative binomial with this dispersion (smaller: heavier tail).
    public var dispersion: Double
    /// Share of referred people who are referred a second time, later, by someone else.
    public var repeatRate: Double
    /// Share of referred people who later refer one of their own ancestors (closing a cycle).
    public var cycleRate: Double
    /// Share of advocates (cascade roots) who converted on their own, unreferred.
    public var unreferredRate: Double
    /// Median and log-scale spread of conversion values (log-normal).
    public var valueMedian: Double
    public var valueSigma: Double
    /// Log-scale spread of every delay (log-normal around each channel's median).
    public var delaySigma: Double
    /// Advocates start sharing uniformly over this many days from `startDay`.
    public var days: Int
    /// The first day, as days since 1970-01-01 (default 2024-03-01).
    public var startDay: Int

    public init(
        people: Int, campaigns: [GeneratedCampaign] = GeneratorParameters.defaultCampaigns,
        channels: [GeneratedChannel] = GeneratedChannel.defaults, seed: UInt64 = 1, dispersion: Double = 0.5,
        repeatRate: Double = 0.05, cycleRate: Double = 0.01, unreferredRate: Double = 0.2, valueMedian: Double = 60,
        valueSigma: Double = 0.7, delaySigma: Double = 1, days: Int = 30, startDay: Int = 19783
    ) {
        self.people = people
        self.campaigns = campaigns
        self.channels = channels
        self.seed = seed
        self.dispersion = dispersion
        self.repeatRate = repeatRate
        self.cycleRate = cycleRate
        self.unreferredRate = unreferredRate
        self.valueMedian = valueMedian
        self.valueSigma = valueSigma
        self.delaySigma = delaySigma
        self.days = days
        self.startDay = startDay
    }

    /// Two campaigns that differ in how much people share.
    public static let defaultCampaigns = [
        GeneratedCampaign(name: "spring", offspringMean: 0.5), GeneratedCampaign(name: "summer", offspringMean: 0.75),
    ]

    /// Parses `name:mean,name:mean` (such as `spring:0.6,summer:0.8`).
    /// - Throws: `GeneratorError.badSpec` naming the part that is wrong.
    public static func campaigns(_ spec: String) throws(GeneratorError) -> [GeneratedCampaign] {
        var found: [GeneratedCampaign] = []
        for part in spec.split(separator: ",", omittingEmptySubsequences: false) {
            let fields = part.split(separator: ":", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            guard fields.count == 2, !fields[0].isEmpty, let mean = Double(fields[1]), mean >= 0, mean < 1 else {
                throw .badSpec(
                    option: "--campaigns", part: String(part),
                    expected: "name:mean with a mean in [0, 1), such as spring:0.6,summer:0.8")
            }
            guard !found.contains(where: { $0.name == fields[0] }) else {
                throw .badSpec(option: "--campaigns", part: String(part), expected: "each campaign named once")
            }
            found.append(GeneratedCampaign(name: fields[0], offspringMean: mean))
        }
        guard found.count <= 200 else { throw .badSpec(option: "--campaigns", part: spec, expected: "at most 200 campaigns") }
        return found
    }

    /// Parses `name[:rate[:hours]],…` (such as `email,facebook:0.1,event:0.3:72`); a default
    /// channel's name alone takes its default rate and delay, another name 0.1 and 24 hours.
    /// - Throws: `GeneratorError.badSpec` naming the part that is wrong.
    public static func channels(_ spec: String) throws(GeneratorError) -> [GeneratedChannel] {
        var found: [GeneratedChannel] = []
        for part in spec.split(separator: ",", omittingEmptySubsequences: false) {
            let fields = part.split(separator: ":", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            let expected = "name[:rate[:hours]] with a rate in [0, 1] and hours > 0, such as email:0.2:24"
            guard (1...3).contains(fields.count), !fields[0].isEmpty,
                !fields[0].contains(where: { $0 == ">" || $0 == "\"" || $0 == "\n" })
            else { throw .badSpec(option: "--channels", part: String(part), expected: expected) }
            var channel =
                GeneratedChannel.defaults.first { $0.name == fields[0] }
                ?? GeneratedChannel(name: fields[0], conversionRate: 0.1, medianHours: 24)
            if fields.count > 1 {
                guard let rate = Double(fields[1]), rate >= 0, rate <= 1 else {
                    throw .badSpec(option: "--channels", part: String(part), expected: expected)
                }
                channel.conversionRate = rate
            }
            if fields.count > 2 {
                guard let hours = Double(fields[2]), hours > 0, hours <= 24 * 365 else {
                    throw .badSpec(option: "--channels", part: String(part), expected: expected)
                }
                channel.medianHours = hours
            }
            guard !found.contains(where: { $0.name == channel.name }) else {
                throw .badSpec(option: "--channels", part: String(part), expected: "each channel named once")
            }
            found.append(channel)
        }
        guard found.count <= 200 else { throw .badSpec(option: "--channels", part: spec, expected: "at most 200 channels") }
        return found
    }

    /// Checks every parameter's range.
    /// - Throws: `GeneratorError.badParameter`.
    public func validate() throws(GeneratorError) {
        func check(_ ok: Bool, _ name: String, _ value: String, _ expected: String) throws(GeneratorError) {
            if !ok { throw .badParameter(name: name, value: value, expected: expected) }
        }
        try check(people >= 1 && people <= 200_000_000, "--people", "\(people)", "between 1 and 200000000")
        try check(!campaigns.isEmpty, "--campaigns", "", "at least one campaign")
        try check(!channels.isEmpty, "--channels", "", "at least one channel")
        for c in campaigns {
            try check(c.offspringMean >= 0 && c.offspringMean < 1, "--campaigns", "\(c.offspringMean)", "a mean in [0, 1)")
        }
        try check(dispersion > 0 && dispersion <= 1000, "--dispersion", "\(dispersion)", "in (0, 1000]")
        for (name, rate) in [("--repeat-rate", repeatRate), ("--cycle-rate", cycleRate), ("--unreferred-rate", unreferredRate)] {
            try check(rate >= 0 && rate <= 1, name, "\(rate)", "a share in [0, 1]")
        }
        try check(valueMedian > 0 && valueMedian <= 1e6, "--value-median", "\(valueMedian)", "in (0, 1000000]")
        try check(valueSigma >= 0 && valueSigma <= 3, "--value-sigma", "\(valueSigma)", "in [0, 3]")
        try check(delaySigma >= 0 && delaySigma <= 3, "--delay-sigma", "\(delaySigma)", "in [0, 3]")
        try check(days >= 1 && days <= 3650, "--days", "\(days)", "between 1 and 3650")
    }
}

/// Why a generator setting is refused (exit 64, bad usage).
public enum GeneratorError: Error, CustomStringConvertible, Equatable, Sendable {
    case badSpec(option: String, part: String, expected: String)
    case badParameter(name: String, value: String, expected: String)

    public var exitCode: Int32 { 64 }

    public var description: String {
        switch self {
        case .badSpec(let option, let part, let expected): "\(option): '\(part)' is not \(expected)."
        case .badParameter(let name, let value, let expected): "\(name) must be \(expected), not '\(value)'."
        }
    }
}

extension GeneratorError: InfluenceError {}
