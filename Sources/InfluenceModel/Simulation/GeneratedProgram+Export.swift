extension GeneratedProgram {
    /// The referral rows in the order they are written: by time, ties by person (tree
    /// referrals, one per referred person) and then by extra referral. A value below `count`
    /// is the tree referral into that person; `count + e` is `extras[e]`.
    /// - Complexity: O(r log r) for r referrals.
    public func referralOrder() -> [Int] {
        var keys: [UInt64] = []
        keys.reserveCapacity(count + extras.count)
        for i in 0..<count where parent[i] >= 0 { keys.append(UInt64(reached[i]) << 36 | UInt64(i)) }
        for (e, x) in extras.enumerated() { keys.append(UInt64(x.time) << 36 | UInt64(count + e)) }
        keys.sort()
        return keys.map { Int($0 & (1 << 36 - 1)) }
    }

    /// The people who converted, by conversion time and then by person.
    public func conversionOrder() -> [Int] {
        var keys: [(Int32, Int)] = []
        for i in 0..<count where conversionTime[i] != Self.noConversion { keys.append((conversionTime[i], i)) }
        keys.sort { $0 < $1 }
        return keys.map(\.1)
    }

    /// Formats `count` rows on several threads into one byte array after `header`.
    func formatted(_ rows: Int, header: String, _ row: (inout ExportBytes, Int) -> Void) -> [UInt8] {
        let parts = Parallel.ranges(rows, parts: rows < 20_000 ? 1 : Parallel.threads * 4)
        var pieces = [[UInt8]](repeating: [], count: parts.count)
        pieces.withUnsafeMutableBufferPointer { slots in
            let shared = SharedBuffer(slots)
            Parallel.forEach(parts.count) { p in
                var out = ExportBytes()
                out.bytes.reserveCapacity(parts[p].count * 80)
                for k in parts[p] { row(&out, k) }
                shared[p] = out.bytes
            }
        }
        var all = Array(header.utf8)
        all.reserveCapacity(all.count + pieces.reduce(0) { $0 + $1.count })
        for piece in pieces { all.append(contentsOf: piece) }
        return all
    }

    /// The referral export (`events.csv`) in `vendor`'s layout.
    /// - Complexity: O(r log r) for r referrals.
    public func eventsCSV(vendor: GeneratorVendor = .canonical) -> [UInt8] {
        let order = referralOrder()
        let campaigns = parameters.campaigns.map { ExportBytes.field($0.name) }
        let channels = parameters.channels.map { ExportBytes.field($0.name) }
        let day = parameters.startDay
        let n = count
        let header: String
        switch vendor {
        case .canonical: header = "source,target,timestamp,channel,campaign\n"
        case .friendbuy:
            header = "Advocate Email,Advocate Customer ID,Referral Code,Friend Email,Created On,Campaign Name,Share Channel\n"
        case .referralcandy:
            header =
                "Referrer Name,Referrer Email,Friend Name,Friend Email,Date Created,Campaign Name,Share Channel,Source,Status,Order Date,Order Total\n"
        case .mentionme:
            header = "Referrer Email,Referee Email,Referral Date,Share Method,Situation,Campaign,Referee Order Date,Referee Order Value\n"
        }
        let utm = [Array("".utf8), Array("google".utf8), Array("facebook".utf8), Array("newsletter".utf8)]
        let situations = [Array("account".utf8), Array("email-campaign".utf8), Array("post-purchase".utf8)]
        let (cus, person, commaPerson) = (Array(",cus_".utf8), Array("Person ".utf8), Array(",Person ".utf8))
        let (purchased, pending) = (Array(",Purchased,".utf8), Array(",Pending,".utf8))
        return formatted(order.count, header: header) { out, k in
            let r = order[k]
            let source: Int, target: Int, time: Int32, ch: Int
            let tree = r < n
            if tree {
                (source, target, time, ch) = (Int(parent[r]), r, reached[r], Int(channel[r]))
            } else {
                let x = extras[r - n]
                (source, target, time, ch) = (Int(x.source), Int(x.target), x.time, Int(x.channel))
            }
            let c = Int(campaign[source])
            // The friend's order rides on the row that first reached them (the tree referral).
            let hasOrder = tree && conversionTime[target] != Self.noConversion
            switch vendor {
            case .canonical:
                out.id(source)
                out.comma()
                out.id(target)
                out.comma()
                out.time(time, startDay: day, style: .iso)
                out.comma()
                out.append(channels[ch])
                out.comma()
                out.append(campaigns[c])
            case .friendbuy:
                out.id(source)
                out.append(cus)
                out.decimal(1000 + source)
                out.comma()
                out.append(Self.referralCode(source))
                out.comma()
                out.id(target)
                out.comma()
                out.time(time, startDay: day, style: .friendbuy)
                out.comma()
                out.append(campaigns[c])
                out.comma()
                out.append(channels[ch])
            case .referralcandy:
                out.append(person)
                out.decimal(source + 1)
                out.comma()
                out.id(source)
                out.append(commaPerson)
                out.decimal(target + 1)
                out.comma()
                out.id(target)
                out.comma()
                out.time(time, startDay: day, style: .referralcandy)
                out.comma()
                out.append(campaigns[c])
                out.comma()
                out.append(channels[ch])
                out.comma()
                out.append(utm[(source &* 7 &+ target) % utm.count])
                out.append(hasOrder ? purchased : pending)
                if hasOrder {
                    out.time(conversionTime[target], startDay: day, style: .referralcandy)
                    out.comma()
                    out.money(valueCents[target], style: .dollars)
                } else {
                    out.comma()
                }
            case .mentionme:
                out.id(source)
                out.comma()
                out.id(target)
                out.comma()
                out.time(time, startDay: day, style: .mentionme)
                out.comma()
                out.append(channels[ch])
                out.comma()
                out.append(situations[source % situations.count])
                out.comma()
                out.append(campaigns[c])
                out.comma()
                if hasOrder {
                    out.time(conversionTime[target], startDay: day, style: .mentionme)
                    out.comma()
                    out.money(valueCents[target], style: .pounds)
                } else {
                    out.comma()
                }
            }
            out.newline()
        }
    }

    static let codeAlphabet = Array("ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789".utf8)

    /// Friendbuy's five-character referral code of an advocate (stable per person).
    static func referralCode(_ person: Int) -> [UInt8] {
        let alphabet = codeAlphabet
        var rng = SplitMix64(seed: UInt64(person))
        var v = rng.next()
        var code: [UInt8] = []
        for _ in 0..<5 {
            code.append(alphabet[Int(v % UInt64(alphabet.count))])
            v /= UInt64(alphabet.count)
        }
        return code
    }

    /// The conversions (`conversions.csv`) in `vendor`'s layout: every conversion, referred
    /// ones with the campaign that brought the person in, unreferred ones with none.
    public func conversionsCSV(vendor: GeneratorVendor = .canonical) -> [UInt8] {
        let order = conversionOrder()
        let campaigns = parameters.campaigns.map { ExportBytes.field($0.name) }
        let day = parameters.startDay
        let header: String
        switch vendor {
        case .canonical: header = "user,timestamp,value,campaign\n"
        case .friendbuy: header = "Order ID,Customer Email,Order Date,Order Amount,Currency,Campaign Name\n"
        case .referralcandy: header = "Customer Email,Order Date,Order Total,Campaign Name\n"
        case .mentionme: header = "Customer Email,Order Date,Order Value,Campaign\n"
        }
        let usd = Array(",USD".utf8)
        return formatted(order.count, header: header) { out, k in
            let i = order[k]
            let referred = parent[i] >= 0
            switch vendor {
            case .canonical:
                out.id(i)
                out.comma()
                out.time(conversionTime[i], startDay: day, style: .iso)
                out.comma()
                out.money(valueCents[i], style: .plain)
            case .friendbuy:
                out.bytes.append(0x23)
                out.decimal(4100 + k)
                out.comma()
                out.id(i)
                out.comma()
                out.time(conversionTime[i], startDay: day, style: .friendbuy)
                out.comma()
                out.money(valueCents[i], style: .thousands)
                out.append(usd)
            case .referralcandy:
                out.id(i)
                out.comma()
                out.time(conversionTime[i], startDay: day, style: .referralcandy)
                out.comma()
                out.money(valueCents[i], style: .dollars)
            case .mentionme:
                out.id(i)
                out.comma()
                out.time(conversionTime[i], startDay: day, style: .mentionme)
                out.comma()
                out.money(valueCents[i], style: .pounds)
            }
            out.comma()
            if referred { out.append(campaigns[Int(campaign[i])]) }
            out.newline()
        }
    }
}
