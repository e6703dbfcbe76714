import Experiments
import MarketModel
import Testing
import Tables

/// Entrants and supply lines through the whole sink, against values worked out by hand.
///
/// Four replications over six months from 2025-11 (month indices 0…5), one firm present at
/// the start (`f`) and templates `neo` (entrants in three replications) and `old` (never
/// enters). The firm count differs by replication: 3, 1, 4, 2.
///
/// | replication | entrant | entry | fate |
/// |---|---|---|---|
/// | 0 | neo-1 | 1 | exits in month 2, day 76.09375 (= 2.5 months), insolvent |
/// | 0 | neo-2 | 3 | survives |
/// | 2 | neo-1 | 0 | exits in month 4, day 136.96875 (= 4.5 months), losing |
/// | 2 | neo-2 | 2 | exits in month 2, no day, insolvent |
/// | 2 | neo-3 | 5 | survives |
/// | 3 | neo-1 | 2 | survives, profitable final year |
@Suite("Entrants and supply lines")
struct EntrantTests {
    static let tol = 1e-12

    struct Entrant {
        var entry: Int
        var exit: (month: Int, day: Double?, reason: ExitReason)?
        var profitable = false
    }

    static let entrants: [[Entrant]] = [
        [Entrant(entry: 1, exit: (2, 76.5, .insolvent)), Entrant(entry: 3, exit: nil)],
        [],
        [Entrant(entry: 0, exit: (4, 135.5, .losing)), Entrant(entry: 2, exit: (2, nil, .insolvent)),
         Entrant(entry: 5, exit: nil)],
        [Entrant(entry: 2, exit: nil, profitable: true)],
    ]

    /// Replication `rep` as the model would hand it over; firm-month records run from month 0 for
    /// every firm (the sink must drop an entrant's months before its entry).
    static func result(_ rep: Int) -> ReplicationResult {
        var firms = [FirmInfo(name: "f", model: .owner, template: nil, entryMonth: 0)]
        var outcomes = [FirmOutcome(firm: 0)]
        outcomes[0].finalCash = 100
        var cash = 1.0
        for (n, e) in entrants[rep].enumerated() {
            firms.append(FirmInfo(name: "neo-\(n + 1)", model: .hybrid, template: "neo", entryMonth: e.entry))
            var o = FirmOutcome(firm: n + 1)
            if let x = e.exit {
                o.survived = false; o.exitMonth = x.month; o.exitDay = x.day; o.exitReason = x.reason
            }
            o.profitableFinalYear = e.profitable
            o.finalCash = cash
            cash += 1
            outcomes.append(o)
        }
        var months: [FirmMonthRecord] = []
        for f in firms.indices {
            for m in 0..<6 {
                var r = FirmMonthRecord(firm: f, month: m)
                r.units = [f]
                r.unitsUnpowered = [m]
                r.unitsOnOrder = [10 + m]
                r.unitsRentedIn = [0]
                r.ownedMW = 1.5
                r.colocationKW = 250
                r.commissionRevenue = 7
                months.append(r)
            }
        }
        var market: [MarketMonthRecord] = []
        for m in 0..<6 {
            for t in [nil, 0] as [Int?] {
                var r = MarketMonthRecord(month: m, tier: t)
                r.chipPrice = 2e5                     // written on the tier rows only
                r.nationalTargetShare = 0.25          // written on the `all` rows only
                r.entries = entrants[rep].filter { $0.entry == m }.count
                market.append(r)
            }
        }
        var result = ReplicationResult(replication: rep, parameters: [], firmMonths: months, marketMonths: market,
                                       outcomes: outcomes.reversed(), events: 1)
        result.firms = firms
        return result
    }

    static var point: ExperimentPoint {
        ExperimentPoint(index: 0, scenario: "entry", start: YearMonth(year: 2025, month: 11), horizonMonths: 6,
                        tierNames: ["h100"], firmNames: ["f"], firmModels: ["owner"], templateNames: ["neo", "old"],
                        templateModels: ["hybrid", "owner"]) { rep, _ in result(rep) }
    }

    static func statistics() throws -> PointStatistics {
        var stats = PointStatistics(point: point)
        for rep in 0..<4 { try stats.add(result(rep)) }
        return stats
    }

    static func lines(_ files: [String: [UInt8]], _ file: String) -> [[String]] {
        String(decoding: files[file]!, as: UTF8.self).split(separator: "\n")
            .map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
    }

    static func close(_ a: Double?, _ b: Double?) -> Bool {
        guard let a, let b else { return a == nil && b == nil }
        return abs(a - b) <= tol
    }

    @Test("outcomes.csv: a row per firm of each replication, entrants with template and entry month")
    func outcomes() throws {
        let files = try runInMemory([Self.point], replications: 4, threads: 2)
        let rows = Self.lines(files, "outcomes.csv")
        let header = rows[0]
        let (rep, firm, model, template, entry, exit) = try (
            #require(header.firstIndex(of: "replication")), #require(header.firstIndex(of: "firm")),
            #require(header.firstIndex(of: "business_model")), #require(header.firstIndex(of: "template")),
            #require(header.firstIndex(of: "entry_month")), #require(header.firstIndex(of: "exit_month")))
        let body = rows.dropFirst()
        #expect(body.map { $0[rep] } == ["0", "0", "0", "1", "2", "2", "2", "2", "3", "3"])
        #expect(body.map { $0[firm] } == ["f", "neo-1", "neo-2", "f", "f", "neo-1", "neo-2", "neo-3", "f", "neo-1"])
        #expect(body.map { $0[model] } == ["owner"] + Array(repeating: "hybrid", count: 2) + ["owner", "owner"]
            + Array(repeating: "hybrid", count: 3) + ["owner", "hybrid"])
        #expect(body.map { $0[template] } == ["", "neo", "neo", "", "", "neo", "neo", "neo", "", "neo"])
        #expect(body.map { $0[entry] } == ["", "2025-12", "2026-02", "", "", "2025-11", "2026-01", "2026-04", "",
                                           "2026-01"])
        #expect(body.map { $0[exit] } == ["", "2026-01", "", "", "", "2026-03", "2026-01", "", "", ""])
    }

    @Test("firms_monthly.csv: entrants' rows from their entry month only, with template and the new columns")
    func firmsMonthly() throws {
        let files = try runInMemory([Self.point], replications: 4, threads: 2)
        let rows = Self.lines(files, "firms_monthly.csv")
        let header = rows[0]
        let col = { (name: String) in header.firstIndex(of: name)! }
        let body = rows.dropFirst()
        // 6 rows for f in every replication; entrants 5+3, 0, 6+4+1, 4
        #expect(body.count == 4 * 6 + 8 + 11 + 4)
        let rep0 = body.filter { $0[col("replication")] == "0" }
        #expect(rep0.map { $0[col("firm")] } == Array(repeating: "f", count: 6) + Array(repeating: "neo-1", count: 5)
            + Array(repeating: "neo-2", count: 3))
        #expect(rep0[6][col("month")] == "2025-12" && rep0[6][col("template")] == "neo")
        #expect(rep0[6][col("business_model")] == "hybrid" && rep0[0][col("template")] == "")
        #expect(rep0[11][col("month")] == "2026-02")
        #expect(rep0[6][col("unpowered_h100")] == "1" && rep0[6][col("on_order_h100")] == "11")
        #expect(rep0[6][col("rented_in_h100")] == "0" && rep0[6][col("units_h100")] == "1")
        #expect(rep0[0][col("owned_mw")] == "1.5" && rep0[0][col("colocation_kw")] == "250")
        #expect(rep0[0][col("commission_revenue")] == "7" && rep0[0][col("refunds")] == "0")
    }

    @Test("market_monthly.csv: chip price on tier rows only; national target share and entries on `all` rows only")
    func marketScopes() throws {
        let files = try runInMemory([Self.point], replications: 4, threads: 1)
        let rows = Self.lines(files, "market_monthly.csv")
        let header = rows[0]
        let (tier, chip, share, entries) = try (
            #require(header.firstIndex(of: "tier")), #require(header.firstIndex(of: "chip_price")),
            #require(header.firstIndex(of: "national_target_share")), #require(header.firstIndex(of: "entries")))
        for row in rows.dropFirst() {
            #expect(row[chip] == (row[tier] == "all" ? "" : "200000"))
            #expect(row[share] == (row[tier] == "all" ? "0.25" : ""))
            if row[tier] != "all" { #expect(row[entries] == "") }
        }
        #expect(rows.dropFirst().filter { $0[tier] == "all" }.map { Int($0[entries])! }.reduce(0, +) == 6)
    }

    @Test("template survival: entrants that entered by month t and are still active at its end, pooled")
    func templateSurvival() throws {
        let rows = try Self.statistics().survivalRows()
        #expect(rows.map(\.entityKind) == Array(repeating: "firm", count: 6) + Array(repeating: "template", count: 12))
        let neo = rows.filter { $0.entity == "neo" }
        #expect(neo.map(\.month) == ["2025-11", "2025-12", "2026-01", "2026-02", "2026-03", "2026-04"])
        // entered by t: 1, 2, 4, 5, 5, 6; exits: month 2 (two), month 4 (one)
        #expect(neo.map(\.atRisk) == [1, 2, 4, 3, 3, 3])
        #expect(neo.map(\.exits) == [0, 0, 2, 0, 1, 0])
        #expect(neo.map(\.survival) == [1, 1, 0.5, 0.6, 0.4, 0.5])
        #expect(neo.map(\.hazard) == [0, 0, 0.5, 0, 1.0 / 3, 0])
        // Wilson 95%: 1 of 1 → [0.20654931437723745, 1]; 2 of 4 → [0.15003898915214953, 0.8499610108478505]
        #expect(Self.close(neo[0].survivalLow, 0.20654931437723745) && neo[0].survivalHigh == 1)
        #expect(Self.close(neo[2].survivalLow, 0.15003898915214953)
            && Self.close(neo[2].survivalHigh, 0.8499610108478505))
        let old = rows.filter { $0.entity == "old" }
        #expect(old.count == 6)
        #expect(old.allSatisfy { $0.atRisk == 0 && $0.exits == 0 && $0.survival == nil && $0.hazard == nil })
        // the firm present at the start is unchanged: it never exits
        #expect(rows.filter { $0.entity == "f" }.allSatisfy { $0.survival == 1 && $0.atRisk == 4 })
    }

    @Test("template summary: entries per replication, P(survive | entered), exit shares, times to exit")
    func templateSummary() throws {
        let stats = try Self.statistics()
        let rows = stats.summaryRows().filter { $0.kind == "template" }
        #expect(rows.map(\.metric) == PointStatistics.templateMetrics.map(\.name)
            + PointStatistics.templateMetrics.map(\.name))
        #expect(rows.map(\.entity) == Array(repeating: "neo", count: PointStatistics.templateMetrics.count)
            + Array(repeating: "old", count: PointStatistics.templateMetrics.count))
        #expect(rows.allSatisfy { $0.month == nil })
        func row(_ entity: String, _ metric: String) throws -> SummaryRow {
            try #require(rows.first { $0.entity == entity && $0.metric == metric })
        }
        // entries 2, 0, 3, 1: mean 1.5, s = √(5/3), t(0.975; 3) = 3.182446305284263
        let entries = try row("neo", "entries")
        #expect(entries.estimate == 1.5)
        #expect(Self.close(entries.low, 1.5 - 3.182446305284263 * (5.0 / 3).squareRoot() / 2))
        #expect(Self.close(entries.high, 1.5 + 3.182446305284263 * (5.0 / 3).squareRoot() / 2))
        #expect(Self.close(entries.p05, 0.15) && entries.p50 == 1.5 && Self.close(entries.p95, 2.85))
        // 3 of 6 entrants survive: Wilson [0.18761630648265054, 0.8123836935173494]
        let survive = try row("neo", "p_survive")
        #expect(survive.estimate == 0.5)
        #expect(Self.close(survive.low, 0.18761630648265054) && Self.close(survive.high, 0.8123836935173494))
        #expect(try row("neo", "p_profitable_final_year").estimate == 1.0 / 6)
        // months from the start of the entry month: 2.5 − 1, 4.5 − 0, (2 − 2 + 1)
        let exit = try row("neo", "time_to_exit_months")
        #expect(Self.close(exit.estimate, 7.0 / 3) && exit.p50 == 1.5)
        // Kaplan–Meier by age: n = 6, 4, 3, 2, 1; d = 1, 1, 0, 0, 1 → 5/6, 0.625, 0.625, 0.625, 0
        #expect(stats.templates[0].survivalByAge.count == 5)
        #expect(Self.close(stats.templates[0].survivalByAge[1], 0.625) && stats.templates[0].survivalByAge[4] == 0)
        let median = try row("neo", "median_time_to_exit_months")
        #expect(median.estimate == 5 && median.low == nil && median.high == nil)
        #expect(Self.close(try row("neo", "exit_share_insolvent").estimate, 2.0 / 3))
        #expect(Self.close(try row("neo", "exit_share_losing").estimate, 1.0 / 3))
        #expect(try row("neo", "exit_share_starved").estimate == 0)
        let cash = try row("neo", "final_cash")   // 1, 2 (rep 0); 1, 2, 3 (rep 2); 1 (rep 3)
        #expect(Self.close(cash.estimate, 10.0 / 6) && cash.p50 == 1.5)
        // a template that never entered: zero entries, everything else undefined
        let old = try row("old", "entries")
        #expect(old.estimate == 0 && old.low == 0 && old.high == 0)
        #expect(try row("old", "p_survive").estimate == nil && row("old", "p_survive").low == nil)
        #expect(try row("old", "median_time_to_exit_months").estimate == nil)
        // the run table's template line
        let summary = stats.summary()
        #expect(summary.templates.map(\.name) == ["neo", "old"] && summary.replications == 4)
        #expect(summary.templates[0].mainExitReason == .insolvent && summary.templates[0].medianTimeToExit == 5)
    }

    @Test("a template the point does not declare is added, earlier replications counting no entries")
    func undeclaredTemplate() throws {
        var stats = PointStatistics(point: Self.point)
        try stats.add(Self.result(0))
        var r = Self.result(1)
        r.firms.append(FirmInfo(name: "ghost-1", model: .broker, template: "ghost", entryMonth: 4))
        r.outcomes.append(FirmOutcome(firm: 1))
        try stats.add(r)
        #expect(stats.templates.map(\.name) == ["neo", "old", "ghost"])
        let entries = try #require(stats.summaryRows().first { $0.entity == "ghost" && $0.metric == "entries" })
        #expect(entries.estimate == 0.5 && entries.p50 == 0.5)
        #expect(stats.templates[2].businessModel == "broker")
    }

    @Test("contract violations name the entrant and the replication", arguments: ["no outcome", "exit before entry",
                                                                                 "entry after horizon"])
    func violations(_ kind: String) {
        var r = Self.result(0)
        switch kind {
        case "no outcome": r.outcomes.removeAll { $0.firm == 2 }
        case "exit before entry": r.outcomes = r.outcomes.map { var o = $0; if o.firm == 1 { o.exitMonth = 0 }; return o }
        default: r.firms[2].entryMonth = 6
        }
        var stats = PointStatistics(point: Self.point)
        do {
            try stats.add(r)
            Issue.record("expected a contract violation (\(kind))")
        } catch let e as OutputError {
            #expect(e.message.contains("replication 0") && e.message.contains("neo-"), "\(e.message)")
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test("without `firms` the point's providers name the rows, and no template rows appear")
    func fallback() throws {
        var r = Self.result(1)
        r.firms = []
        let fixed = r
        let point = ExperimentPoint(index: 0, scenario: "plain", start: YearMonth(year: 2025, month: 11),
                                    horizonMonths: 6, tierNames: ["h100"], firmNames: ["f"],
                                    firmModels: ["owner"]) { _, _ in fixed }
        let files = try runInMemory([point], replications: 2, threads: 1)
        let outcomes = Self.lines(files, "outcomes.csv")
        #expect(outcomes.count == 3 && outcomes[1][3...6] == ["f", "owner", "", ""])
        #expect(Self.lines(files, "firms_monthly.csv").count == 1 + 2 * 6)
        #expect(!String(decoding: files["survival.csv"]!, as: UTF8.self).contains(",template,"))
    }

    @Test("supply_monthly.csv: canonical order from month-major records; header only without supply")
    func supplyOrder() throws {
        var records: [SupplyMonthRecord] = []
        for m in [2, 0, 1] {   // months out of order too
            for (t, j) in [(1, "cn"), (0, "us"), (0, "cn")] {
                var r = SupplyMonthRecord(month: m, tier: t, jurisdiction: j)
                r.capacityUnits = 12.5
                r.orderedUnits = 10 * t + m
                r.leadTimeDays = m == 0 ? nil : 45
                r.chipPrice = 1e5
                records.append(r)
            }
        }
        let supply = records
        let point = ExperimentPoint(index: 0, scenario: "supply", start: YearMonth(year: 2026, month: 1),
                                    horizonMonths: 3, tierNames: ["h20", "ascend-910b"], firmNames: [],
                                    firmModels: []) { rep, _ in
            var result = ReplicationResult(replication: rep, parameters: [], firmMonths: [], marketMonths: [],
                                           outcomes: [], events: 0)
            if rep == 0 { result.supplyMonths = supply }
            return result
        }
        let files = try runInMemory([point], replications: 2, threads: 2)
        let text = String(decoding: files["supply_monthly.csv"]!, as: UTF8.self)
        let lines = text.split(separator: "\n")
        #expect(lines.count == 1 + 9)
        let keys = lines.dropFirst().map { $0.split(separator: ",").prefix(6).joined(separator: ",") }
        // tier (scenario order), then supply line in order of first appearance (h20: us, then cn), then month
        #expect(keys == ["supply,0,0,2026-01,h20,us", "supply,0,0,2026-02,h20,us", "supply,0,0,2026-03,h20,us",
                         "supply,0,0,2026-01,h20,cn", "supply,0,0,2026-02,h20,cn", "supply,0,0,2026-03,h20,cn",
                         "supply,0,0,2026-01,ascend-910b,cn", "supply,0,0,2026-02,ascend-910b,cn",
                         "supply,0,0,2026-03,ascend-910b,cn"])
        #expect(lines[1] == "supply,0,0,2026-01,h20,us,12.5,0,0,0,0,0,0,0,0,100000,")
        #expect(lines[8] == "supply,0,0,2026-02,ascend-910b,cn,12.5,11,0,0,0,0,0,0,0,100000,45")
        // a run without supply lines still writes the file: the header alone
        let plain = ExperimentPoint(index: 0, scenario: "none", start: YearMonth(year: 2026, month: 1), horizonMonths: 1,
                                    tierNames: [], firmNames: [], firmModels: []) { rep, _ in
            ReplicationResult(replication: rep, parameters: [], firmMonths: [], marketMonths: [], outcomes: [],
                              events: 0)
        }
        let none = try runInMemory([plain], replications: 1, threads: 1)
        #expect(String(decoding: none["supply_monthly.csv"]!, as: UTF8.self)
            == OutputSchemas.supplyMonthly.header(tiers: []).joined(separator: ",") + "\n")
    }
}
