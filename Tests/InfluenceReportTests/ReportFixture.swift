import Foundation
import InfluenceModel
import InfluenceReport

/// The bundled sample export, read and measured by the library itself.
enum ReportFixture {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let referrals = root.appendingPathComponent("notebooks-data/referrals.csv").path
    static let conversions = root.appendingPathComponent("notebooks-data/conversions.csv").path

    /// The sample's export, read once.
    static let export: Export = {
        do {
            return try Export.read(events: [referrals], conversions: [conversions])
        } catch {
            fatalError("the sample cannot be read: \(error)")
        }
    }()

    /// The sample's report.
    static let report: ReferralReport = {
        do {
            return try ReferralReport(
                events: export.events, conversions: export.conversions, options: .init(title: "Brightleaf referrals"))
        } catch {
            fatalError("the sample's report fails: \(error)")
        }
    }()

    /// A report of an export given as text.
    static func report(events: String, conversions: String? = nil, title: String = "Report") throws -> ReferralReport {
        let e = try ReferralEvents.parse(bytes: Array(events.utf8), file: "events.csv")
        let c = try conversions.map { text throws(InputError) in try Conversions.parse(bytes: Array(text.utf8), file: "conversions.csv") }
        return try ReferralReport(events: e, conversions: c, options: .init(title: title))
    }
}
