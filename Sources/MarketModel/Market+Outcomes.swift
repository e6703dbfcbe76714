import Foundation
extension Market {
    /// Each firm's fate: exit, profits, equity returns and a snapshot at exit or horizon.
    func outcomes() -> [FirmOutcome] {
        providers.indices.map { j in
            let p = providers[j]
            let records = firmRecords[j]
            // Rows start at the firm's entry month (0 for firms present at the start).
            let entry = firms[j].entryMonth
            let activeRecords = p.exit.map { Array(records.prefix($0.month - entry + 1)) } ?? records
            var o = FirmOutcome(firm: j.index)
            o.survived = p.active
            o.exitDay = p.exit?.day
            o.exitMonth = p.exit?.month
            o.exitReason = p.exit?.reason
            o.drivers = p.drivers
            o.exitDriver = p.exit == nil ? nil : p.drivers.main
            o.finalCash = p.ledger.cash
            o.cumulativeProfit = activeRecords.reduce(0) { $0 + $1.netIncome }
            o.profitableFinalYear = p.active && activeRecords.suffix(12).reduce(0) { $0 + $1.netIncome } > 0
            let utils = activeRecords.suffix(3).compactMap(\.utilisation)
            o.trailingUtilisation = utils.isEmpty ? nil : utils.reduce(0, +) / Double(utils.count)
            o.leverage = p.history.lastLeverage
            let top = p.history.takeOrPayRent.prefix(activeRecords.count).suffix(12).reduce(0, +)
            let rent = p.history.rent.prefix(activeRecords.count).suffix(12).reduce(0, +)
            o.takeOrPayShare = rent > 0 ? top / rent : nil
            o.topCustomerShare = p.history.lastTopShare
            o.contractedBacklog = p.active ? p.history.lastBacklog : 0
            o.bannedTierRevenueShare = bannedTierRevenueShare(firm: j)
            let refused = p.history.starvation.reduce(0) { $0 + $1.refused }
            let leased = p.history.starvation.reduce(0) { $0 + $1.leased }
            o.refusedUnbuyableShare = refused + leased > 0 ? refused / (refused + leased) : nil
            let burn = -activeRecords.suffix(3).reduce(0) { $0 + $1.revenue - $1.powerCost - $1.colocationCost
                - $1.rentInCost - $1.fixedOpex - $1.interest } / Double(Swift.max(1, Swift.min(3, activeRecords.count)))
            o.monthsOfCash = burn > 0 ? Swift.max(0, p.ledger.cash) / burn : nil

            // Equity cash flows by month: the initial stake at book, parent injections, and
            // the terminal net asset value (limited liability: never below zero).
            let t = monthStart[Swift.min(scenario.horizonMonths, entry + activeRecords.count)]
            var initialBook = 0.0
            for c in p.spec.fleet {
                let tier = scenario.tiers[c.tier]
                initialBook += Double(c.units) * tier.purchaseCost * Swift.max(0, 1 - Double(c.ageMonths) / 12 / tier.lifeYears)
            }
            let stake = p.spec.cash + initialBook - p.spec.debt
            // An entrant's capital arrives as `equity_raised` in its first month; it is the stake at
            // entry, so it is not counted a second time among the later injections.
            let entryCapital = firms[j].template != nil ? p.spec.cash : 0
            var fleetValue = 0.0
            for c in p.fleet.cohorts { fleetValue += Double(c.units) * usedValue(c, at: t) }
            let terminal = Swift.max(0, p.ledger.cash + fleetValue - p.ledger.debt)
            var flows = [-stake]
            for (k, r) in activeRecords.enumerated() {
                let injected = r.equityRaised - (k == 0 ? entryCapital : 0)
                flows.append(-injected + (k == activeRecords.count - 1 ? terminal : 0))
            }
            if activeRecords.isEmpty { flows.append(terminal) }
            let invested = stake + activeRecords.reduce(0) { $0 + $1.equityRaised } - (activeRecords.isEmpty ? 0 : entryCapital)
            o.moic = invested > 0 ? terminal / invested : nil
            o.npv = presentValue(flows, rate: p.spec.costOfCapital)
            o.irr = stake > 0 ? internalRateOfReturn(flows) : nil
            return o
        }
    }
}

extension Market {
    /// The share of the firm's trailing-year rent (its last 12 months in the market) from tiers its
    /// jurisdiction can no longer buy at its exit month or the last month; nil without rent.
    func bannedTierRevenueShare(firm j: ProviderID) -> Double? {
        let p = providers[j]
        let month = p.exit?.month ?? scenario.horizonMonths - 1
        var total = 0.0, banned = 0.0
        for b in tierIDs {
            let rent = p.history.rentByTier.reduce(0) { $0 + $1[b] }
            total += rent
            if isBanned(tier: b, jurisdiction: p.spec.jurisdiction, month: month) { banned += rent }
        }
        return total > 0 ? banned / total : nil
    }
}

/// Present value of monthly flows (flow k at month k) at an annual rate.
func presentValue(_ flows: [Double], rate: Double) -> Double {
    let monthly = pow(1 + rate, 1.0 / 12)
    var v = 0.0, d = 1.0
    for f in flows {
        v += f * d
        d /= monthly
    }
    return v
}

/// The annual internal rate of return of monthly flows, by bisection on [−0.999, 100];
/// nil when the present value does not change sign there.
func internalRateOfReturn(_ flows: [Double]) -> Double? {
    var lo = -0.999, hi = 100.0
    var flo = presentValue(flows, rate: lo), fhi = presentValue(flows, rate: hi)
    guard flo.isFinite, fhi.isFinite, flo * fhi < 0 else { return nil }
    for _ in 0..<200 {
        let mid = (lo + hi) / 2
        let f = presentValue(flows, rate: mid)
        if (f < 0) == (flo < 0) { lo = mid; flo = f } else { hi = mid; fhi = f }
        if hi - lo < 1e-10 { break }
    }
    return (lo + hi) / 2
}
