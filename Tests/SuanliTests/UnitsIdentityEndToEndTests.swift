import Foundation
import Testing

/// The units identity of Results/README.md, checked on the CSVs the tool writes, as the cash
/// identity is: in every fleet_monthly row the flows close the stock and the places hold it,
/// each month opens with the previous month's stock, and the units at firms are the firms'
/// own units in firms_monthly.csv.
@Suite("Units identity in fleet_monthly.csv")
struct UnitsIdentityEndToEndTests {
    static let scenarios = shippedScenarios()

    @Test("stock_end = stock_start + shipped + grey_imported − retired − sold_to_users = in_transit + at_firms + used_inventory; at_firms = Σ firms' units",
          arguments: scenarios)
    func unitsIdentity(scenario: String) throws {
        try withTemporaryDirectory { tmp in
            let out = tmp.file("out")
            // Every firm's rows, populations' included: the units at firms sum over all of them.
            try runScenario(packageFile(scenario).path, out: out, replications: 3, seed: 11, threads: 2, members: true)
            let fleet = try CSVTable(url: out.appendingPathComponent("fleet_monthly.csv"))
            let firms = try CSVTable(url: out.appendingPathComponent("firms_monthly.csv"))
            let col = { (name: String) throws -> Int in try fleet.index(name) }
            let (iRep, iMonth, iTier) = try (col("replication"), col("month"), col("tier"))
            let names = ["stock_start", "shipped", "grey_imported", "retired", "sold_to_users", "stock_end",
                         "in_transit", "at_firms", "used_inventory", "used_sold", "backlog"]
            let idx = try Dictionary(uniqueKeysWithValues: names.map { ($0, try col($0)) })
            #expect(!fleet.rows.isEmpty, "\(scenario): fleet_monthly.csv has rows")

            // Units at firms by (replication, month, tier), from firms_monthly.csv.
            var atFirms: [String: Int] = [:]
            let fRep = try firms.index("replication"), fMonth = try firms.index("month")
            let tiers = Set(fleet.rows.map { $0[iTier] })
            for row in firms.rows {
                for tier in tiers {
                    let units = try Int(row[firms.index("units_" + tier)]) ?? 0
                    let unpowered = try Int(row[firms.index("unpowered_" + tier)]) ?? 0
                    atFirms[row[fRep] + "/" + row[fMonth] + "/" + tier, default: 0] += units + unpowered
                }
            }

            var failures = 0
            func fail(_ message: String) {
                failures += 1
                if failures <= 5 { Issue.record(Comment(rawValue: "\(scenario): \(message)")) }
            }
            var previous: [String: Int] = [:]   // (replication, tier) → last stock_end
            for row in fleet.rows {
                var v: [String: Int] = [:]
                for (name, i) in idx {
                    guard let x = Int(row[i]) else { fail("\(name) = '\(row[i])' is not a whole number"); continue }
                    if x < 0 { fail("\(name) = \(x) < 0 in \(row[iRep])/\(row[iMonth])/\(row[iTier])") }
                    v[name] = x
                }
                let at = "\(row[iRep])/\(row[iMonth])/\(row[iTier])"
                let flows = v["stock_start"]! + v["shipped"]! + v["grey_imported"]! - v["retired"]! - v["sold_to_users"]!
                if flows != v["stock_end"]! { fail("\(at): flows give \(flows), stock_end is \(v["stock_end"]!)") }
                let places = v["in_transit"]! + v["at_firms"]! + v["used_inventory"]!
                if places != v["stock_end"]! { fail("\(at): places hold \(places), stock_end is \(v["stock_end"]!)") }
                if let firmsUnits = atFirms[at], firmsUnits != v["at_firms"]! {
                    fail("\(at): firms_monthly.csv has \(firmsUnits) units at firms, fleet_monthly.csv \(v["at_firms"]!)")
                }
                let key = row[iRep] + "/" + row[iTier]
                if let last = previous[key], last != v["stock_start"]! {
                    fail("\(at): stock_start \(v["stock_start"]!) but last month's stock_end was \(last)")
                }
                previous[key] = v["stock_end"]!
            }
            #expect(failures == 0, "\(scenario): \(failures) rows break the units identity")
        }
    }
}
