import Foundation
import Testing

/// One (C, A) pair of the M/M/C/C check: C units, A erlangs (rate = 12·A a year, mean term 1 month).
struct ErlangCase: Sendable, CustomTestStringConvertible {
    let units: Int
    let load: Double
    var rate: Double { load * 12 }
    var testDescription: String { "C = \(units), A = \(formatted(load))" }
}

/// `suanli run Scenarios/validation/erlang-loss.yaml` must reproduce Erlang's loss formula and
/// Little's law through the whole tool: scenario file, `--set`, the market model, the CSV files.
@Suite("Erlang B and Little's law through `suanli run`", .serialized)
struct ErlangEndToEndTests {
    /// Fixed before the first run; never tuned.
    static let seed: UInt64 = 20_251_127
    static let replications = 40
    /// 14 years: longer than the shipped 10 for tighter intervals, but inside the tier's
    /// physical life of 15 years, so no unit retires and C stays fixed.
    static let horizonMonths = 168
    /// Months dropped from every replication: the firm starts with no tenants.
    static let warmUpMonths = 12

    @Test("blocking ≈ Erlang B and mean units leased ≈ A(1 − B), at 99.9%",
          arguments: [ErlangCase(units: 10, load: 5), ErlangCase(units: 7, load: 2.5), ErlangCase(units: 100, load: 90)])
    func erlangLoss(_ c: ErlangCase) throws {
        try withTemporaryDirectory { tmp in
            let out = tmp.file("out")
            try runScenario(packageFile("Scenarios/validation/erlang-loss.yaml").path, out: out,
                            replications: Self.replications, seed: Self.seed, threads: 2,
                            overrides: ["providers[lessor].fleet[0].units=\(c.units)",
                                        "demand.segments[tenants].rate=\(c.rate)",
                                        "horizon_months=\(Self.horizonMonths)"])

            // Blocking: Σ lost / Σ arrived per replication after the warm-up, over the `all` rows.
            let market = try CSVTable(url: out.appendingPathComponent("market_monthly.csv"))
            let (mRep, mMonth, mTier, mArrived, mLost) = try (market.index("replication"), market.index("month"),
                market.index("tier"), market.index("tenants_arrived"), market.index("tenants_lost"))
            var arrived = [Int](repeating: 0, count: Self.replications)
            var lost = [Int](repeating: 0, count: Self.replications)
            var monthsSeen = 0
            for row in market.rows where row[mTier] == "all" {
                let r = try #require(Int(row[mRep]))
                let m = try #require(monthIndex(row[mMonth], from: "2024-01"))
                guard m >= Self.warmUpMonths else { continue }
                arrived[r] += try #require(Int(row[mArrived]))
                lost[r] += try #require(Int(row[mLost]))
                monthsSeen += 1
            }
            #expect(monthsSeen == Self.replications * (Self.horizonMonths - Self.warmUpMonths))
            #expect(arrived.allSatisfy { $0 > 0 })
            let blocking = MeanInterval(zip(lost, arrived).map { Double($0) / Double($1) })
            let b = erlangB(load: c.load, servers: c.units)

            // Little: time-averaged units leased = utilisation × units, month by month (equal months).
            let firms = try CSVTable(url: out.appendingPathComponent("firms_monthly.csv"))
            let (fRep, fMonth, fUtil, fUnits, fStatus) = try (firms.index("replication"), firms.index("month"),
                firms.index("utilisation"), firms.index("units_gpu"), firms.index("status"))
            var leasedSum = [Double](repeating: 0, count: Self.replications)
            var leasedMonths = [Int](repeating: 0, count: Self.replications)
            for row in firms.rows {
                #expect(row[fUnits] == String(c.units), "the fleet stays at C units")
                #expect(row[fStatus] == "active", "the lessor never exits")
                let r = try #require(Int(row[fRep]))
                let m = try #require(monthIndex(row[fMonth], from: "2024-01"))
                guard m >= Self.warmUpMonths else { continue }
                let u = try #require(Double(row[fUtil]), "utilisation '\(row[fUtil])'")
                leasedSum[r] += u * Double(c.units)
                leasedMonths[r] += 1
            }
            let leased = MeanInterval(zip(leasedSum, leasedMonths).map { $0 / Double($1) })
            let little = c.load * (1 - b)

            print("Erlang \(c.testDescription): blocking \(blocking) vs Erlang B \(formatted(b)); "
                + "units leased \(leased) vs A(1 − B) \(formatted(little))")
            #expect(blocking.contains(b, level: 0.999),
                    "blocking \(blocking), 99.9% ± \(formatted(blocking.halfWidth(level: 0.999))), Erlang B \(formatted(b))")
            #expect(leased.contains(little, level: 0.999),
                    "units leased \(leased), 99.9% ± \(formatted(leased.halfWidth(level: 0.999))), A(1 − B) \(formatted(little))")
        }
    }

    @Test("the statistics helpers: Student t quantiles and Erlang B against textbook values")
    func helpers() {
        #expect(abs(studentTQuantile(0.975, degreesOfFreedom: 39) - 2.022691) < 1e-5)
        #expect(abs(studentTQuantile(0.9995, degreesOfFreedom: 39) - 3.558120) < 1e-5)
        #expect(abs(studentTQuantile(0.975, degreesOfFreedom: 1) - 12.7062) < 1e-3)
        #expect(abs(studentTQuantile(0.9995, degreesOfFreedom: 1e6) - 3.2905) < 1e-3)
        // the values quoted in erlang-loss.yaml's header
        #expect(abs(erlangB(load: 5, servers: 10) - 0.0184) < 5e-5)
        #expect(abs(erlangB(load: 10, servers: 10) - 0.2146) < 5e-5)
        #expect(abs(erlangB(load: 2.5, servers: 7) - 0.00998) < 5e-6)
        #expect(abs(erlangB(load: 100, servers: 110) - 0.0275) < 5e-5)
        #expect(erlangB(load: 3, servers: 0) == 1)
    }
}
