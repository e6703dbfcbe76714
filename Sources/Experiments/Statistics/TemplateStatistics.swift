import MarketModel
import Tables

/// What the replications of one point say about the entrants made from one template, pooled:
/// how many enter, how long they last, why they leave and what they end with.
///
/// Entrants are named `<template>-<n>` afresh in every replication, so two entrants with the
/// same name in different replications are different firms: only the template ties them
/// together. Fed once per replication, in replication order, with that replication's entrants
/// of the template (possibly none); keeps a few numbers per entrant, not the monthly rows.
///
/// Definitions (month indices are 0-based from the scenario start; an entrant entering in
/// month e and exiting in month x, or still active at the horizon H):
/// - survival curve, calendar time: entered(t) = entrants with e ≤ t, exited(t) = those with
///   x ≤ t; S(t) = (entered(t) − exited(t)) / entered(t), with a Wilson band on entered(t)
///   trials; at risk in t = entered(t) − exited(t − 1); hazard = exits in t / at risk.
/// - age since entry: a = x − e for an exit, censored after age H − 1 − e for a survivor;
///   Kaplan–Meier S(a) = Π_{k ≤ a} (1 − d_k / n_k), n_k the entrants observed at age k, d_k
///   those exiting at age k; the median is the first age with S(a) ≤ 0.5.
public struct TemplateTracker: Sendable {
    public let name: String
    public let businessModel: String
    /// `template` (entrants pooled by template) or `population` (a population's firms, present
    /// at the start: each "enters" in month 0): the `kind` of its rows in summary.csv and survival.csv.
    public let kind: String
    public let horizonMonths: Int
    /// Turns exit days into months.
    public let calendar: MonthCalendar
    private(set) var replications = 0
    /// Entrants of the template in each replication, in replication order.
    private(set) var entriesPerReplication: [Double] = []
    private(set) var entriesByMonth: [Int]
    private(set) var exitsByMonth: [Int]
    /// Exits at each age since entry (months).
    private(set) var exitsByAge: [Int]
    /// Entrants whose last observed age (exit age, or H − 1 − e for survivors) is a.
    private(set) var lastAgeCounts: [Int]
    private(set) var profitable = 0
    private(set) var reasons: [Int]
    private(set) var drivers: [Int]
    private(set) var exitTimesMonths: [Double] = []
    /// Per replication: firms, survivors and survivors profitable in their final year (for the
    /// intervals of a population, clustered by replication).
    private(set) var byReplication: [(firms: Int, survivors: Int, profitable: Int)] = []
    /// For a population, per replication: its firms' exits by month (for the survival curve's band),
    /// and by reason and by driver (for the exit shares' intervals).
    private(set) var exitsByReplication: [[Int]] = []
    private(set) var reasonsByReplication: [[Int]] = []
    private(set) var driversByReplication: [[Int]] = []
    private(set) var finalCash: [Double] = []
    private(set) var cumulativeProfit: [Double] = []
    private(set) var irr: [Double] = []

    public init(name: String, businessModel: String, start: YearMonth, horizonMonths: Int, kind: String = "template") {
        self.name = name; self.businessModel = businessModel; self.kind = kind
        self.horizonMonths = max(horizonMonths, 0)
        calendar = MonthCalendar(start: start, months: self.horizonMonths)
        entriesByMonth = Array(repeating: 0, count: self.horizonMonths)
        exitsByMonth = Array(repeating: 0, count: self.horizonMonths)
        exitsByAge = Array(repeating: 0, count: self.horizonMonths)
        lastAgeCounts = Array(repeating: 0, count: self.horizonMonths)
        reasons = Array(repeating: 0, count: ExitReason.allCases.count)
        drivers = Array(repeating: 0, count: ExitDriver.allCases.count)
    }

    /// Adds one replication: its entrants of this template, each with its entry month and outcome.
    /// - Throws: ``OutputError`` when an entrant enters outside the horizon, exits without an
    ///   exit month, or exits before it entered.
    /// - Complexity: O(entrants).
    public mutating func add(_ entrants: [(name: String, entryMonth: Int, outcome: FirmOutcome)]) throws {
        replications += 1
        entriesPerReplication.append(Double(entrants.count))
        byReplication.append((entrants.count, entrants.filter { $0.outcome.survived }.count,
                              entrants.filter { $0.outcome.survived && $0.outcome.profitableFinalYear }.count))
        if kind == "population" {
            var exits = Array(repeating: 0, count: horizonMonths)
            var byReason = Array(repeating: 0, count: ExitReason.allCases.count)
            var byDriver = Array(repeating: 0, count: ExitDriver.allCases.count)
            for (_, _, o) in entrants where !o.survived {
                if let m = o.exitMonth, m >= 0 { exits[min(m, horizonMonths - 1)] += 1 }
                ExitCounts.add(o.exitReason, to: &byReason)
                ExitCounts.add(o.exitDriver, to: &byDriver)
            }
            exitsByReplication.append(exits)
            reasonsByReplication.append(byReason)
            driversByReplication.append(byDriver)
        }
        for (firm, e, o) in entrants {
            guard e >= 0, e < horizonMonths else {
                throw OutputError(message: "entrant '\(firm)' (template '\(name)') entered in month index \(e), "
                    + "outside the horizon 0..<\(horizonMonths)")
            }
            entriesByMonth[e] += 1
            if o.survived {
                if o.profitableFinalYear { profitable += 1 }
                lastAgeCounts[horizonMonths - 1 - e] += 1
            } else {
                guard let m = o.exitMonth else {
                    throw OutputError(message: "entrant '\(firm)' (template '\(name)') exited without an exit month")
                }
                guard m >= e else {
                    throw OutputError(message: "entrant '\(firm)' (template '\(name)') exited in month index \(m), "
                        + "before it entered (month index \(e))")
                }
                let x = min(m, horizonMonths - 1)
                exitsByMonth[x] += 1
                exitsByAge[x - e] += 1
                lastAgeCounts[x - e] += 1
                ExitCounts.add(o.exitReason, to: &reasons)
                ExitCounts.add(o.exitDriver, to: &drivers)
                exitTimesMonths.append(calendar.months(atDay: o.exitDay, inMonth: x) - Double(e))
            }
            finalCash.append(o.finalCash)
            cumulativeProfit.append(o.cumulativeProfit)
            if let x = o.irr, x.isFinite { irr.append(x) }
        }
    }

    /// Entrants over all replications.
    public var entrants: Int { entriesByMonth.reduce(0, +) }
    public var exits: Int { exitsByMonth.reduce(0, +) }

    /// Entrants per replication: mean with t-interval, percentiles (replications without
    /// entrants count as 0).
    public var entries: SampleEstimate { SampleEstimate(entriesPerReplication) }

    /// P(active at the horizon | entered): the share of entrants still active at the horizon, Wilson
    /// interval; for a population, the share of its firms, with the interval clustered by
    /// replication (``ProportionEstimate/init(clustered:)``): its firms share each replication's market.
    public var survival: ProportionEstimate {
        kind == "population" ? ProportionEstimate(clustered: byReplication.map { ($0.survivors, $0.firms) })
            : ProportionEstimate(successes: entrants - exits, trials: entrants)
    }

    /// Share of entrants that survived and were profitable over their final year (as the model
    /// flags it); for a population, clustered by replication as ``survival``.
    public var profitableFinalYear: ProportionEstimate {
        kind == "population" ? ProportionEstimate(clustered: byReplication.map { ($0.profitable, $0.firms) })
            : ProportionEstimate(successes: profitable, trials: entrants)
    }

    /// Share of entrants' exits with `reason` (nil estimate without exits); for a population,
    /// clustered by replication as ``survival``.
    public func exitShare(_ reason: ExitReason) -> ProportionEstimate {
        guard kind == "population" else { return ExitCounts.share(reason, of: reasons, exits: exits) }
        let r = ExitReason.allCases.firstIndex(of: reason)!
        return ProportionEstimate(clustered: zip(reasonsByReplication, byReplication).map { ($0[r], $1.firms - $1.survivors) })
    }

    /// The most frequent exit reason (ties go to the earlier of insolvent, starved, losing); nil without exits.
    public var mainExitReason: ExitReason? { ExitCounts.main(reasons) }

    /// Share of exits with `driver` (nil estimate without exits); for a population, clustered by
    /// replication as ``survival``.
    public func exitDriverShare(_ driver: ExitDriver) -> ProportionEstimate {
        guard kind == "population" else { return ExitCounts.share(driver, of: drivers, exits: exits) }
        let d = ExitDriver.allCases.firstIndex(of: driver)!
        return ProportionEstimate(clustered: zip(driversByReplication, byReplication).map { ($0[d], $1.firms - $1.survivors) })
    }

    /// The most frequent exit driver (ties go to the earlier of chips, datacentre, price, debt, defaults);
    /// nil without exits.
    public var mainExitDriver: ExitDriver? { ExitCounts.main(drivers) }

    /// The calendar-time survival curve (see the type's definitions), one point per month of the horizon.
    /// - Complexity: O(horizon).
    public var survivalCurve: [FirmTracker.SurvivalPoint] {
        var out: [FirmTracker.SurvivalPoint] = []
        out.reserveCapacity(horizonMonths)
        var entered = 0, exited = 0
        // A population's firms all enter at the start; the band is clustered by replication.
        var survivors = byReplication.map(\.firms)
        for t in 0..<horizonMonths {
            entered += entriesByMonth[t]
            let atRisk = entered - exited
            exited += exitsByMonth[t]
            let survival: ProportionEstimate
            if kind == "population" {
                for r in survivors.indices { survivors[r] -= exitsByReplication[r][t] }
                survival = ProportionEstimate(clustered: zip(survivors, byReplication).map { ($0, $1.firms) })
            } else {
                survival = ProportionEstimate(successes: entered - exited, trials: entered)
            }
            out.append(FirmTracker.SurvivalPoint(month: t, atRisk: atRisk, exits: exitsByMonth[t],
                                                 survivors: entered - exited, survival: survival))
        }
        return out
    }

    /// Kaplan–Meier survival by age since entry: S(a) for a = 0 … until no entrant is observed.
    /// - Complexity: O(horizon).
    public var survivalByAge: [Double] {
        var observed = entrants
        var s = 1.0
        var out: [Double] = []
        for a in 0..<horizonMonths where observed > 0 {
            s *= 1 - Double(exitsByAge[a]) / Double(observed)
            out.append(s)
            observed -= lastAgeCounts[a]
        }
        return out
    }

    /// Median months from entry to exit: the first age a with Kaplan–Meier S(a) ≤ 0.5, as the
    /// months elapsed at its end (a + 1); nil when S stays above 0.5 as long as entrants are observed.
    public var medianTimeToExit: Double? {
        survivalByAge.firstIndex { $0 <= 0.5 }.map { Double($0 + 1) }
    }

    /// Months from the start of the entry month to the exit, among entrants that exited
    /// (months from the start, as ``MonthCalendar`` counts them, less the entry month's index).
    public var timeToExit: SampleEstimate { SampleEstimate(exitTimesMonths) }
    public var finalCashEstimate: SampleEstimate { SampleEstimate(finalCash) }
    public var cumulativeProfitEstimate: SampleEstimate { SampleEstimate(cumulativeProfit) }
    /// Over entrants whose IRR exists.
    public var irrEstimate: SampleEstimate { SampleEstimate(irr) }
}
