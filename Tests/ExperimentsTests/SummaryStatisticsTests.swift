@testable import Experiments
import MarketModel
import Testing
import Tables

/// Summary statistics against values worked out by hand (Wilson and t formulas evaluated
/// separately; z = 1.959963984540054, t(0.975; 2) = 4.302652729749464, t(0.975; 8) =
/// 2.3060041350333704, t(0.975; 9) = 2.2621571627409915).
@Suite("Summary statistics")
struct SummaryStatisticsTests {
    static let tol = 1e-9

    /// Ten replications of two firms, `f` and `g`, over six months from 2025-11, and one tier.
    static func statistics() throws -> PointStatistics {
        let point = ExperimentPoint(index: 0, scenario: "hand", start: YearMonth(year: 2025, month: 11), horizonMonths: 6,
                                    tierNames: ["h100"], firmNames: ["f", "g"], firmModels: ["owner", "broker"]) { _, _ in
            fatalError("not run")
        }
        var stats = PointStatistics(point: point)
        let cash: [Double] = [3, -1, 4, 1, 5, 9, 2, 6, 5, 3]
        // f: exits in month 1 (rep 0, insolvent; rep 1, losing) and month 3 (rep 2, insolvent)
        let fExits: [Int: (month: Int, day: Double?, reason: ExitReason)] = [
            0: (1, 45.5, .insolvent), 1: (1, nil, .losing), 2: (3, 120, .insolvent)]
        // g: five exits by month 2, so S(2) = 0.5 exactly
        let gExits: [Int: (month: Int, reason: ExitReason)] = [
            0: (0, .starved), 1: (0, .insolvent), 2: (1, .starved), 3: (2, .starved), 4: (2, .insolvent)]
        for rep in 0..<10 {
            var f = FirmOutcome(firm: 0)
            if let e = fExits[rep] {
                f.survived = false; f.exitMonth = e.month; f.exitDay = e.day; f.exitReason = e.reason
                f.profitableFinalYear = rep == 0   // contradicts the exit: must not count
            } else {
                f.profitableFinalYear = rep <= 5   // reps 3, 4, 5
            }
            f.finalCash = cash[rep]
            f.irr = rep % 2 == 0 ? Double(rep) / 100 : nil
            var g = FirmOutcome(firm: 1)
            if let e = gExits[rep] { g.survived = false; g.exitMonth = e.month; g.exitDay = nil; g.exitReason = e.reason }
            var market: [MarketMonthRecord] = []
            for m in 0..<6 {
                for tier in [nil, 0] as [Int?] {
                    var r = MarketMonthRecord(month: m, tier: tier)
                    r.priceIndex = rep == 9 ? nil : Double(10 + rep)
                    r.unitsInstalled = 10
                    r.unitsLeased = rep
                    r.chipPrice = 100 + Double(rep)          // written on every row: summarised for the tier only
                    r.nationalTargetShare = Double(rep) / 100
                    r.leadTimeDays = rep < 4 ? 60 : nil
                    r.backlogUnits = 2 * rep
                    r.entries = rep % 2
                    market.append(r)
                }
            }
            try stats.add(ReplicationResult(replication: rep, parameters: [], firmMonths: [], marketMonths: market,
                                            outcomes: [f, g], events: 0))
        }
        return stats
    }

    static func row(_ rows: [SummaryRow], _ entity: String, _ metric: String, month: String? = nil) throws -> SummaryRow {
        try #require(rows.first { $0.entity == entity && $0.metric == metric && $0.month == month })
    }

    static func close(_ a: Double?, _ b: Double?) -> Bool {
        guard let a, let b else { return a == nil && b == nil }
        return abs(a - b) <= tol
    }

    @Test("P(survive) and P(profitable final year) with Wilson intervals; exits never count as profitable")
    func proportions() throws {
        let rows = try Self.statistics().summaryRows()
        let survive = try Self.row(rows, "f", "p_survive")
        #expect(survive.estimate == 0.7)
        #expect(Self.close(survive.low, 0.39677814746114537) && Self.close(survive.high, 0.8922087325936989))
        #expect(survive.p05 == nil && survive.p50 == nil && survive.p95 == nil && survive.month == nil)
        let profit = try Self.row(rows, "f", "p_profitable_final_year")
        #expect(profit.estimate == 0.3)
        #expect(Self.close(profit.low, 0.10779126740630099) && Self.close(profit.high, 0.6032218525388546))
        let gProfit = try Self.row(rows, "g", "p_profitable_final_year")
        #expect(gProfit.estimate == 0 && gProfit.low == 0)
    }

    @Test("exit-reason shares among exiters")
    func exitShares() throws {
        let rows = try Self.statistics().summaryRows()
        let insolvent = try Self.row(rows, "f", "exit_share_insolvent")
        #expect(Self.close(insolvent.estimate, 2.0 / 3))
        #expect(Self.close(insolvent.low, 0.2076596008020477) && Self.close(insolvent.high, 0.9385080552796037))
        let starved = try Self.row(rows, "f", "exit_share_starved")
        #expect(starved.estimate == 0 && starved.low == 0 && Self.close(starved.high, 0.5614970317550454))
        let summary = try Self.statistics().summary()
        #expect(summary.firms.map(\.mainExitReason) == [.insolvent, .starved])
    }

    @Test("means with t-intervals and GSL percentiles")
    func samples() throws {
        let rows = try Self.statistics().summaryRows()
        let cash = try Self.row(rows, "f", "final_cash")
        #expect(Self.close(cash.estimate, 3.7))
        #expect(Self.close(cash.low, 1.7035403904558113) && Self.close(cash.high, 5.696459609544189))
        // sorted: -1 1 2 3 3 4 5 5 6 9; GSL: x[⌊f(n−1)⌋] interpolated
        #expect(Self.close(cash.p05, -0.1) && Self.close(cash.p50, 3.5) && Self.close(cash.p95, 7.65))
        let exit = try Self.row(rows, "f", "time_to_exit_months")
        // months of 30, 31, 31, 28 days from 2025-11: day 45.5 is half-way through December, 1.5 months;
        // no day → the end of month index 1, 2; day 120 is the close of February (index 3), 4
        #expect(Self.close(exit.estimate, 2.5))
        #expect(Self.close(exit.low, -0.7862053038642158) && Self.close(exit.high, 5.786205303864216))
        #expect(Self.close(exit.p05, 1.55) && Self.close(exit.p50, 2) && Self.close(exit.p95, 3.8))
        let irr = try Self.row(rows, "f", "irr")   // 0, .02, .04, .06, .08 where it exists
        #expect(Self.close(irr.estimate, 0.04) && Self.close(irr.p50, 0.04))
        let price = try Self.row(rows, "all", "price_index", month: "2025-11")
        #expect(price.estimate == 14)   // 10…18: replication 9 has no index and is left out
        #expect(Self.close(price.low, 11.894915862570056) && Self.close(price.high, 16.105084137429944))
        let util = try Self.row(rows, "h100", "utilisation", month: "2026-04")
        #expect(Self.close(util.estimate, 0.45))
        let chip = try Self.row(rows, "h100", "chip_price", month: "2026-01")
        #expect(Self.close(chip.estimate, 104.5) && Self.close(chip.p50, 104.5))
        #expect(!rows.contains { $0.entity == "all" && $0.metric == "chip_price" })
        let share = try Self.row(rows, "all", "national_target_share", month: "2026-01")
        #expect(Self.close(share.estimate, 0.045))
        #expect(!rows.contains { $0.entity == "h100" && $0.metric == "national_target_share" })
        let lead = try Self.row(rows, "all", "lead_time_days", month: "2025-11")
        #expect(lead.estimate == 60 && lead.low == 60 && lead.high == 60)   // 4 replications with a delivery, all 60
        let backlog = try Self.row(rows, "h100", "backlog_units", month: "2025-11")
        #expect(Self.close(backlog.estimate, 9))
        let entries = try Self.row(rows, "all", "entries", month: "2025-11")
        #expect(entries.estimate == 0.5)
    }

    @Test("survival curve: at risk, exits, S(t) with Wilson band, hazard")
    func survivalCurve() throws {
        let rows = try Self.statistics().survivalRows().filter { $0.entity == "f" }
        #expect(rows.map(\.month) == ["2025-11", "2025-12", "2026-01", "2026-02", "2026-03", "2026-04"])
        #expect(rows.map(\.atRisk) == [10, 10, 8, 8, 7, 7])
        #expect(rows.map(\.exits) == [0, 2, 0, 1, 0, 0])
        #expect(rows.map(\.survival) == [1, 0.8, 0.8, 0.7, 0.7, 0.7])
        #expect(rows.map(\.hazard) == [0, 0.2, 0, 0.125, 0, 0])
        #expect(rows[0].survivalHigh == 1 && Self.close(rows[0].survivalLow, 0.7224672001371107))
        #expect(Self.close(rows[1].survivalLow, 0.49016247153664183))
        #expect(rows.allSatisfy { $0.entityKind == "firm" && $0.scenario == "hand" && $0.point == 0 })
    }

    @Test("median exit month: first month with S(t) ≤ 0.5, else empty (\"> horizon\")")
    func medianExitMonth() throws {
        let stats = try Self.statistics()
        let rows = stats.summaryRows()
        let g = try #require(rows.first { $0.entity == "g" && $0.metric == "median_exit_month" })
        #expect(g.month == "2026-01" && g.estimate == 3)      // S = 0.8, 0.7, 0.5
        #expect(g.low == 1)                                     // Wilson low of 8/10 = 0.490 ≤ 0.5 in month index 0
        #expect(g.high == nil)                                  // Wilson high stays above 0.5
        let f = try #require(rows.first { $0.entity == "f" && $0.metric == "median_exit_month" })
        #expect(f.month == nil && f.estimate == nil && f.high == nil)
        #expect(f.low == 2)                                     // Wilson low of 8/10 = 0.490 in month index 1
        #expect(stats.summary().firms.map(\.medianExitMonth) == [nil, "2026-01"])
    }

    @Test("summary rows come in the documented order")
    func order() throws {
        let rows = try Self.statistics().summaryRows()
        let firmMetrics = PointStatistics.firmMetrics.map(\.name)
        #expect(rows.prefix(firmMetrics.count).map(\.metric) == firmMetrics)
        #expect(rows.prefix(2 * firmMetrics.count).map(\.entity) == Array(repeating: "f", count: firmMetrics.count)
            + Array(repeating: "g", count: firmMetrics.count))
        // Then the market-wide counts over the horizon (no month), then the monthly market rows.
        let totals = rows.dropFirst(2 * firmMetrics.count).prefix(PointStatistics.marketTotals.count)
        #expect(totals.map(\.metric) == PointStatistics.marketTotals.map(\.name))
        #expect(totals.allSatisfy { $0.kind == "market" && $0.entity == "all" && $0.month == nil })
        let market = rows.dropFirst(2 * firmMetrics.count + PointStatistics.marketTotals.count)
        // national_target_share and entries have no tier rows, chip_price no `all` rows
        #expect(market.count == (2 * MarketMetric.all.count - 3) * 6)
        #expect(market.first?.entity == "all" && market.last?.entity == "h100")
        #expect(market.filter { $0.metric == "national_target_share" }.allSatisfy { $0.entity == "all" })
        #expect(market.filter { $0.metric == "chip_price" }.allSatisfy { $0.entity == "h100" })
        #expect(market.map(\.kind).allSatisfy { $0 == "market" })
        #expect(market.prefix(6).map(\.month) == ["2025-11", "2025-12", "2026-01", "2026-02", "2026-03", "2026-04"])
    }

    @Test("an exit without a month is a contract violation, named with its replication")
    func exitWithoutMonth() {
        let point = ExperimentPoint(index: 0, scenario: "x", start: YearMonth(year: 2025, month: 1), horizonMonths: 3,
                                    tierNames: [], firmNames: ["f"], firmModels: ["owner"]) { _, _ in fatalError() }
        var stats = PointStatistics(point: point)
        var o = FirmOutcome(firm: 0)
        o.survived = false
        #expect(throws: OutputError.self) {
            try stats.add(ReplicationResult(replication: 4, parameters: [], firmMonths: [], marketMonths: [],
                                            outcomes: [o], events: 0))
        }
    }

    @Test("market estimates read in blocks, on any number of threads, equal the figure-by-figure estimates")
    func blockedEstimates() throws {
        let stats = try Self.statistics()
        let market = stats.market
        for threads in [1, 2, 3, 64] {
            let all = market.allEstimates(threads: threads)
            for e in market.entities.indices {
                for k in market.metrics.indices where market.metrics[k].applies(toEntity: e) {
                    let s = market.slot[e * market.metrics.count + k]
                    for m in 0..<market.horizonMonths {
                        #expect(all[s * market.horizonMonths + m] == market.estimate(entity: e, metric: k, month: m))
                    }
                }
            }
            #expect(stats.summaryRows(threads: threads) == stats.summaryRows())
        }
    }
}
