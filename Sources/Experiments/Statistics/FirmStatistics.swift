import MarketModel
import Stochastics
import Tables

/// What the replications of one point say about one firm: survival curve, exit reasons,
/// profitability and money figures.
///
/// Fed one ``FirmOutcome`` per replication, in replication order; keeps a few numbers per
/// replication (not the monthly rows).
public struct FirmTracker: Sendable {
    public let name: String
    public let businessModel: String
    /// `firm`, or `template` for entrants pooled by template.
    public let entityKind: String
    public let horizonMonths: Int
    /// Turns exit days into months.
    public let calendar: MonthCalendar
    private(set) var replications = 0
    private(set) var exitsByMonth: [Int]
    private(set) var profitable = 0
    private(set) var reasons: [Int]
    private(set) var drivers: [Int]
    private(set) var exitTimesMonths: [Double] = []
    private(set) var finalCash: [Double] = []
    private(set) var cumulativeProfit: [Double] = []
    private(set) var irr: [Double] = []

    public init(name: String, businessModel: String, entityKind: String = "firm", start: YearMonth, horizonMonths: Int) {
        self.name = name; self.businessModel = businessModel; self.entityKind = entityKind
        self.horizonMonths = horizonMonths
        calendar = MonthCalendar(start: start, months: horizonMonths)
        exitsByMonth = Array(repeating: 0, count: max(horizonMonths, 0))
        reasons = Array(repeating: 0, count: ExitReason.allCases.count)
        drivers = Array(repeating: 0, count: ExitDriver.allCases.count)
    }

    /// Adds one replication's outcome.
    /// - Throws: ``OutputError`` when an exited firm has no exit month.
    public mutating func add(_ o: FirmOutcome) throws {
        replications += 1
        if o.survived {
            if o.profitableFinalYear { profitable += 1 }
        } else {
            guard let m = o.exitMonth else {
                throw OutputError(message: "firm '\(name)' exited without an exit month")
            }
            let month = min(max(m, 0), horizonMonths - 1)
            if month >= 0 { exitsByMonth[month] += 1 }
            ExitCounts.add(o.exitReason, to: &reasons)
            ExitCounts.add(o.exitDriver, to: &drivers)
            exitTimesMonths.append(calendar.months(atDay: o.exitDay, inMonth: month))
        }
        finalCash.append(o.finalCash)
        cumulativeProfit.append(o.cumulativeProfit)
        if let x = o.irr, x.isFinite { irr.append(x) }
    }

    public var exits: Int { exitsByMonth.reduce(0, +) }
    public var survivors: Int { replications - exits }

    /// P(active at the horizon), Wilson interval.
    public var survival: ProportionEstimate { ProportionEstimate(successes: survivors, trials: replications) }

    /// P(survived and profitable over the final year), over all replications: an exited firm
    /// counts as not profitable.
    public var profitableFinalYear: ProportionEstimate { ProportionEstimate(successes: profitable, trials: replications) }

    /// Share of exits with `reason` among all exits (nil estimate without exits).
    public func exitShare(_ reason: ExitReason) -> ProportionEstimate {
        ExitCounts.share(reason, of: reasons, exits: exits)
    }

    /// The most frequent exit reason (ties go to the earlier of insolvent, starved, losing); nil without exits.
    public var mainExitReason: ExitReason? { ExitCounts.main(reasons) }

    /// Share of exits with `driver` (nil estimate without exits).
    public func exitDriverShare(_ driver: ExitDriver) -> ProportionEstimate {
        ExitCounts.share(driver, of: drivers, exits: exits)
    }

    /// The most frequent exit driver (ties go to the earlier of chips, datacentre, price, debt, defaults);
    /// nil without exits.
    public var mainExitDriver: ExitDriver? { ExitCounts.main(drivers) }

    /// One survival point: month `t` (0-based).
    public struct SurvivalPoint: Sendable, Equatable {
        public var month: Int
        public var atRisk: Int
        public var exits: Int
        /// Survivors at the end of the month (successes of the Wilson interval).
        public var survivors: Int
        public var survival: ProportionEstimate
        public var hazard: Double? { atRisk > 0 ? Double(exits) / Double(atRisk) : nil }
    }

    /// S(t) for every month of the horizon: the share of replications in which the firm is
    /// still active at the end of month t, with a Wilson band; at risk = active at the start.
    /// - Complexity: O(horizon).
    public var survivalCurve: [SurvivalPoint] {
        var out: [SurvivalPoint] = []
        out.reserveCapacity(horizonMonths)
        var alive = replications
        for t in 0..<horizonMonths {
            let atRisk = alive
            alive -= exitsByMonth[t]
            out.append(SurvivalPoint(month: t, atRisk: atRisk, exits: exitsByMonth[t], survivors: alive,
                                     survival: ProportionEstimate(successes: alive, trials: replications)))
        }
        return out
    }

    /// The median exit month: the first month t with S(t) ≤ 0.5, nil ("> horizon") if none.
    /// Its interval uses the Wilson band: the first month where the band's lower end reaches
    /// 0.5 (low) and where its upper end does (high, nil if beyond the horizon).
    public var medianExitMonth: (month: Int?, low: Int?, high: Int?) {
        let curve = survivalCurve
        func first(_ f: (SurvivalPoint) -> Double?) -> Int? {
            curve.first { (f($0) ?? 1) <= 0.5 }?.month
        }
        return (first { $0.survival.estimate }, first { $0.survival.low }, first { $0.survival.high })
    }

    /// Time to exit in months among exiters: the months before the exit month plus the share of it
    /// elapsed at `exit_day` (see ``MonthCalendar``).
    public var timeToExit: SampleEstimate { SampleEstimate(exitTimesMonths) }
    public var finalCashEstimate: SampleEstimate { SampleEstimate(finalCash) }
    public var cumulativeProfitEstimate: SampleEstimate { SampleEstimate(cumulativeProfit) }
    /// Over replications where the IRR exists.
    public var irrEstimate: SampleEstimate { SampleEstimate(irr) }
}

/// Exit counts by reason or by driver, in `allCases` order: the shares and the most frequent one
/// that firm and template statistics both report.
enum ExitCounts {
    /// Counts a case.
    static func add<E: CaseIterable & Equatable>(_ e: E?, to counts: inout [Int]) {
        if let e, let i = Array(E.allCases).firstIndex(of: e) { counts[i] += 1 }
    }

    /// Share of exits with `e` among `exits` (nil estimate without exits).
    static func share<E: CaseIterable & Equatable>(_ e: E, of counts: [Int], exits: Int) -> ProportionEstimate {
        ProportionEstimate(successes: counts[Array(E.allCases).firstIndex(of: e)!], trials: exits)
    }

    /// The most frequent case (ties go to the earlier in `allCases`); nil without exits.
    static func main<E: CaseIterable & Equatable>(_ counts: [Int]) -> E? {
        var best: (E, Int)?
        for (i, r) in E.allCases.enumerated() where counts[i] > 0 && counts[i] > (best?.1 ?? 0) {
            best = (r, counts[i])
        }
        return best?.0
    }
}
