extension GeneratedProgram {
    /// The referral rows in the order they are written: by time, ties by person (tree
    /// referrals, one per referred person) and then by extra referral. A value below `count`
    /// is the tree referral into that person; `count + e` is `extras[e]`.
    /// - Complexity: O(r + m) for r referrals over m minutes (a counting sort, stable).
    public func referralOrder() -> [Int] {
        var last: Int32 = 0
        for i in 0..<count where parent[i] >= 0 { last = max(last, reached[i]) }
        for x in extras { last = max(last, x.time) }
        // Times of referrals are never negative: advocates start at minute 0 or later. A span
        // of minutes far longer than the rows (year-long delays) is sorted by comparison instead.
        let rows = count - cascades + extras.count
        if Int(last) > 8 * rows + 4_000_000 {
            var keys: [UInt64] = []
            keys.reserveCapacity(rows)
            for i in 0..<count where parent[i] >= 0 { keys.append(UInt64(reached[i]) << 32 | UInt64(i)) }
            for (e, x) in extras.enumerated() { keys.append(UInt64(x.time) << 32 | UInt64(count + e)) }
            keys.sort()
            return keys.map { Int($0 & 0xFFFF_FFFF) }
        }
        var start = [Int](repeating: 0, count: Int(last) + 2)
        for i in 0..<count where parent[i] >= 0 { start[Int(reached[i]) + 1] += 1 }
        for x in extras { start[Int(x.time) + 1] += 1 }
        for t in 1..<start.count { start[t] += start[t - 1] }
        var order = [Int](repeating: 0, count: start[start.count - 1])
        for i in 0..<count where parent[i] >= 0 {
            order[start[Int(reached[i])]] = i
            start[Int(reached[i])] += 1
        }
        for (e, x) in extras.enumerated() {
            order[start[Int(x.time)]] = count + e
            start[Int(x.time)] += 1
        }
        return order
    }

    /// The people who converted, by conversion time and then by person.
    public func conversionOrder() -> [Int] {
        var keys: [(Int32, Int)] = []
        for i in 0..<count where conversionTime[i] != Self.noConversion { keys.append((conversionTime[i], i)) }
        keys.sort { $0 < $1 }
        return keys.map(\.1)
    }

    /// Formats `rows` rows on several threads into chunks after `header` (the first chunk):
    /// `body` appends the rows of one range, in order.
    func formatted(_ rows: Int, header: String, _ body: (inout ExportBytes, Range<Int>) -> Void) -> [[UInt8]] {
        let parts = Parallel.ranges(rows, parts: rows < 20_000 ? 1 : Parallel.threads * 4)
        let pieces = Parallel.pieces(parts) { range in
            var out = ExportBytes()
            out.bytes.reserveCapacity(range.count * 80)
            body(&out, range)
            return out.bytes
        }
        return [Array(header.utf8)] + pieces
    }

    /// The program's columns as buffers, for the formatting loops (valid inside `body` only).
    struct Columns {
        let parent: UnsafeBufferPointer<Int32>
        let reached: UnsafeBufferPointer<Int32>
        let conversionTime: UnsafeBufferPointer<Int32>
        let channel: UnsafeBufferPointer<UInt8>
        let campaign: UnsafeBufferPointer<UInt8>
        let valueCents: UnsafeBufferPointer<Int64>
        let extras: UnsafeBufferPointer<ExtraReferral>
        let order: UnsafeBufferPointer<Int>
        let campaigns: NameTable.Pointers
        let channels: NameTable.Pointers
    }

    func withColumns<R>(order: [Int], campaigns: NameTable, channels: NameTable, _ body: (Columns) -> R) -> R {
        parent.withUnsafeBufferPointer { parent in
            reached.withUnsafeBufferPointer { reached in
                conversionTime.withUnsafeBufferPointer { conversionTime in
                    channel.withUnsafeBufferPointer { channel in
                        campaign.withUnsafeBufferPointer { campaign in
                            valueCents.withUnsafeBufferPointer { valueCents in
                                extras.withUnsafeBufferPointer { extras in
                                    order.withUnsafeBufferPointer { order in
                                        campaigns.withPointers { campaigns in
                                            channels.withPointers { channels in
                                                body(
                                                    Columns(
                                                        parent: parent, reached: reached, conversionTime: conversionTime, channel: channel,
                                                        campaign: campaign, valueCents: valueCents, extras: extras, order: order,
                                                        campaigns: campaigns, channels: channels))
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /// The referral export (`events.csv`) in `vendor`'s layout.
    /// - Complexity: O(r) for r referrals.
    public func eventsCSV(vendor: GeneratorVendor = .canonical) -> [UInt8] { Self.join(eventsChunks(vendor: vendor)) }

    /// `eventsCSV` in the pieces the threads formatted.
    func eventsChunks(vendor: GeneratorVendor) -> [[UInt8]] {
        let order = referralOrder()
        let campaigns = NameTable(parameters.campaigns.map(\.name))
        let channels = NameTable(parameters.channels.map(\.name))
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
        return formatted(order.count, header: header) { out, range in
            withColumns(order: order, campaigns: campaigns, channels: channels) { col in
                for k in range {
                    let r = col.order[k]
                    let source: Int, target: Int, time: Int32, ch: Int
                    let tree = r < n
                    if tree {
                        (source, target, time, ch) = (Int(col.parent[r]), r, col.reached[r], Int(col.channel[r]))
                    } else {
                        let x = col.extras[r - n]
                        (source, target, time, ch) = (Int(x.source), Int(x.target), x.time, Int(x.channel))
                    }
                    let c = Int(col.campaign[source])
                    // The friend's order rides on the row that first reached them (the tree referral).
                    let hasOrder = tree && col.conversionTime[target] != Self.noConversion
                    switch vendor {
                    case .canonical:
                        out.id(source)
                        out.comma()
                        out.id(target)
                        out.comma()
                        out.time(time, startDay: day, style: .iso)
                        out.comma()
                        out.append(name: ch, of: col.channels)
                        out.comma()
                        out.append(name: c, of: col.campaigns)
                    case .friendbuy:
                        out.id(source)
                        out.append(",cus_")
                        out.decimal(1000 + source)
                        out.comma()
                        Self.referralCode(source, to: &out)
                        out.comma()
                        out.id(target)
                        out.comma()
                        out.time(time, startDay: day, style: .friendbuy)
                        out.comma()
                        out.append(name: c, of: col.campaigns)
                        out.comma()
                        out.append(name: ch, of: col.channels)
                    case .referralcandy:
                        out.append("Person ")
                        out.decimal(source + 1)
                        out.comma()
                        out.id(source)
                        out.append(",Person ")
                        out.decimal(target + 1)
                        out.comma()
                        out.id(target)
                        out.comma()
                        out.time(time, startDay: day, style: .referralcandy)
                        out.comma()
                        out.append(name: c, of: col.campaigns)
                        out.comma()
                        out.append(name: ch, of: col.channels)
                        out.comma()
                        // A UTM source column that must not be taken for the sharer.
                        switch (source &* 7 &+ target) % 4 {
                        case 1: out.append("google")
                        case 2: out.append("facebook")
                        case 3: out.append("newsletter")
                        default: break
                        }
                        if hasOrder {
                            out.append(",Purchased,")
                            out.time(col.conversionTime[target], startDay: day, style: .referralcandy)
                            out.comma()
                            out.money(col.valueCents[target], style: .dollars)
                        } else {
                            out.append(",Pending,,")
                        }
                    case .mentionme:
                        out.id(source)
                        out.comma()
                        out.id(target)
                        out.comma()
                        out.time(time, startDay: day, style: .mentionme)
                        out.comma()
                        out.append(name: ch, of: col.channels)
                        out.comma()
                        // The promotion point, which must not be taken for the channel.
                        switch source % 3 {
                        case 0: out.append("account")
                        case 1: out.append("email-campaign")
                        default: out.append("post-purchase")
                        }
                        out.comma()
                        out.append(name: c, of: col.campaigns)
                        out.comma()
                        if hasOrder {
                            out.time(col.conversionTime[target], startDay: day, style: .mentionme)
                            out.comma()
                            out.money(col.valueCents[target], style: .pounds)
                        } else {
                            out.comma()
                        }
                    }
                    out.newline()
                }
            }
        }
    }

    /// Friendbuy's five-character referral code of an advocate (stable per person).
    static func referralCode(_ person: Int, to out: inout ExportBytes) {
        let alphabet: StaticString = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789"
        var rng = SplitMix64(seed: UInt64(person))
        var v = rng.next()
        for _ in 0..<5 {
            out.bytes.append(alphabet.utf8Start[Int(v % UInt64(alphabet.utf8CodeUnitCount))])
            v /= UInt64(alphabet.utf8CodeUnitCount)
        }
    }

    /// The conversions (`conversions.csv`) in `vendor`'s layout: every conversion, referred
    /// ones with the campaign that brought the person in, unreferred ones with none.
    public func conversionsCSV(vendor: GeneratorVendor = .canonical) -> [UInt8] { Self.join(conversionsChunks(vendor: vendor)) }

    /// `conversionsCSV` in the pieces the threads formatted.
    func conversionsChunks(vendor: GeneratorVendor) -> [[UInt8]] {
        let order = conversionOrder()
        let campaigns = NameTable(parameters.campaigns.map(\.name))
        let day = parameters.startDay
        let header: String
        switch vendor {
        case .canonical: header = "user,timestamp,value,campaign\n"
        case .friendbuy: header = "Order ID,Customer Email,Order Date,Order Amount,Currency,Campaign Name\n"
        case .referralcandy: header = "Customer Email,Order Date,Order Total,Campaign Name\n"
        case .mentionme: header = "Customer Email,Order Date,Order Value,Campaign\n"
        }
        return formatted(order.count, header: header) { out, range in
            withColumns(order: order, campaigns: campaigns, channels: NameTable([])) { col in
                for k in range {
                    let i = col.order[k]
                    switch vendor {
                    case .canonical:
                        out.id(i)
                        out.comma()
                        out.time(col.conversionTime[i], startDay: day, style: .iso)
                        out.comma()
                        out.money(col.valueCents[i], style: .plain)
                    case .friendbuy:
                        out.bytes.append(0x23)
                        out.decimal(4100 + k)
                        out.comma()
                        out.id(i)
                        out.comma()
                        out.time(col.conversionTime[i], startDay: day, style: .friendbuy)
                        out.comma()
                        out.money(col.valueCents[i], style: .thousands)
                        out.append(",USD")
                    case .referralcandy:
                        out.id(i)
                        out.comma()
                        out.time(col.conversionTime[i], startDay: day, style: .referralcandy)
                        out.comma()
                        out.money(col.valueCents[i], style: .dollars)
                    case .mentionme:
                        out.id(i)
                        out.comma()
                        out.time(col.conversionTime[i], startDay: day, style: .mentionme)
                        out.comma()
                        out.money(col.valueCents[i], style: .pounds)
                    }
                    out.comma()
                    if col.parent[i] >= 0 { out.append(name: Int(col.campaign[i]), of: col.campaigns) }
                    out.newline()
                }
            }
        }
    }
}
