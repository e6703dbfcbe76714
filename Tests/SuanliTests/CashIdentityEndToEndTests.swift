import Foundation
import Testing

/// The cash identity of Results/README.md, checked on the CSV the tool writes: every
/// firms_monthly row closes, and each month opens with the previous month's closing cash.
@Suite("Cash identity in firms_monthly.csv")
struct CashIdentityEndToEndTests {
    static let inflows = ["revenue", "asset_sales", "debt_drawn", "equity_raised"]
    static let outflows = ["power_cost", "colocation_cost", "rent_in_cost", "fixed_opex", "interest", "capex",
                           "debt_repaid"]

    @Test("cash_end = cash_start + inflows − outflows (1e-9 relative); cash_start(m+1) = cash_end(m)",
          arguments: [("Scenarios/baseline.yaml", 6), ("Scenarios/validation/exit-insolvent.yaml", 4),
                      ("Scenarios/validation/exit-losing.yaml", 4)])
    func cashIdentity(scenario: String, replications: Int) throws {
        try withTemporaryDirectory { tmp in
            let out = tmp.file("out")
            try runScenario(packageFile(scenario).path, out: out, replications: replications, seed: 5, threads: 2)
            let firms = try CSVTable(url: out.appendingPathComponent("firms_monthly.csv"))
            let manifest = try jsonObject(Data(contentsOf: out.appendingPathComponent("manifest.json")))
            let point = try #require((manifest["points"] as? [[String: Any]])?.first)
            let horizon = try #require(point["horizon_months"] as? Int)
            let start = try #require(point["start"] as? String)
            // firms present at the start; entrants (rows named after their template) join later
            let firmNames = try #require(point["firms"] as? [String])

            let ins = try Self.inflows.map { try firms.index($0) }
            let outs = try Self.outflows.map { try firms.index($0) }
            let (iStart, iEnd) = try (firms.index("cash_start"), firms.index("cash_end"))
            let (iRep, iFirm, iMonth) = try (firms.index("replication"), firms.index("firm"), firms.index("month"))
            let initialRows = firms.rows.filter { firmNames.contains($0[iFirm]) }
            #expect(initialRows.count == replications * firmNames.count * horizon,
                    "a row per replication, initial firm and month")

            var failures = 0
            var worst = 0.0
            var previous: (key: String, month: Int, cashEnd: Double)? = nil
            for (n, row) in firms.rows.enumerated() {
                func value(_ i: Int) throws -> Double {
                    guard let v = Double(row[i]) else {
                        throw NotANumber(description: "row \(n + 2), \(firms.header[i]) = '\(row[i])' is not a number")
                    }
                    return v
                }
                let cashStart = try value(iStart), cashEnd = try value(iEnd)
                let inValues = try ins.map(value), outValues = try outs.map(value)
                let computed = cashStart + inValues.reduce(0, +) - outValues.reduce(0, +)
                // relative to the largest term: the scale of the rounding in the sum
                let scale = ([cashStart, cashEnd] + inValues + outValues).map(abs).max()!
                let error = abs(computed - cashEnd) / max(scale, 1)
                worst = max(worst, error)
                if error > 1e-9 {
                    failures += 1
                    if failures <= 5 {
                        let where_ = "row \(n + 2) (\(row[iFirm]), replication \(row[iRep]), \(row[iMonth]))"
                        Issue.record("\(where_): cash_end \(cashEnd) but the identity gives \(computed) (relative error \(error))")
                    }
                }

                let key = row[iRep] + "/" + row[iFirm]
                let month = try #require(monthIndex(row[iMonth], from: start))
                if let previous, previous.key != key {
                    #expect(previous.month == horizon - 1, "row \(n + 1): a firm's rows run to the horizon")
                }
                if let previous, previous.key == key {
                    #expect(month == previous.month + 1, "row \(n + 2): months are consecutive")
                    if cashStart != previous.cashEnd {
                        failures += 1
                        if failures <= 5 {
                            let where_ = "row \(n + 2) (\(row[iFirm]), replication \(row[iRep]), \(row[iMonth]))"
                            Issue.record("\(where_): cash_start \(cashStart) ≠ the previous month's cash_end \(previous.cashEnd)")
                        }
                    }
                } else if firmNames.contains(row[iFirm]) {
                    #expect(month == 0, "row \(n + 2): an initial firm's rows start at the first month")
                }
                previous = (key, month, cashEnd)
            }
            #expect(previous?.month == horizon - 1, "the last firm's rows run to the horizon")
            #expect(failures == 0, "\(failures) rows break the cash identity or its continuity; worst relative error \(worst)")
        }
    }
}

struct NotANumber: Error, CustomStringConvertible {
    let description: String
}
