import Foundation

// Impairment of owned units (IAS 36; CAS 8 资产减值). The cash-generating unit is a firm's owned
// units of one tier, installed or waiting for power; the test runs at the firm's quarterly review
// (closeMonth, just before `review`), after the month's depreciation has been charged.

extension Market {
    /// The firm's units of tier `b` it owns: installed cohorts and delivered cohorts waiting for power.
    @inline(__always)
    private func ownedCohorts(firm j: ProviderID, tier b: TierID) -> [Cohort] {
        providers[j].fleet.cohorts.filter { $0.tier == b } + providers[j].fleet.unpowered.filter { $0.tier == b }
    }

    /// Carrying amount of the firm's owned units (installed and waiting for power) at day `t`.
    func carryingAmount(firm j: ProviderID, at t: Double) -> Double {
        var v = 0.0
        for c in providers[j].fleet.cohorts { v += Double(c.units) * bookValue(c, at: t) }
        for c in providers[j].fleet.unpowered { v += Double(c.units) * bookValue(c, at: t) }
        return v
    }

    /// The firm's trailing utilisation of tier `b`: the leased share of its capacity of the tier over
    /// the month in progress (the figure the expansion review uses); `fallback` without capacity.
    func trailingUtilisation(firm j: ProviderID, tier b: TierID, fallback: Double) -> Double {
        let area = providers[j].month.installedArea[b]
        return area > 0 ? providers[j].month.leasedArea[b] / area : fallback
    }

    /// Value in use of ONE unit of tier `b` at firm `j` with `remainingMonths` of physical life left:
    /// Σ_{m=1…M} [(p_e(m/12)·u − power·(u + s_idle·(1 − u)))·h − opex per unit-month] / (1 + ρ)^(m/12),
    /// with p_e the expected price of the expansion review (from the firm's list price toward the
    /// long-run cost-recovery price), u the expected utilisation (by default the firm's trailing
    /// utilisation of the tier), power charged as the accounts charge it (an idle unit draws the idle
    /// share), h the hours of a month, ρ the firm's cost of capital. No terminal value: a unit at its
    /// physical life is retired for nothing. May be negative.
    func valueInUse(firm j: ProviderID, tier b: TierID, remainingMonths: Int, utilisation: Double? = nil) -> Double {
        valueInUse(firm: j, tier: b, lives: [(remainingMonths, 1)], utilisation: utilisation)
    }

    /// Value in use of the firm's owned units of tier `b` at day `t`: each cohort's units times the
    /// value in use of one unit over the cohort's remaining physical life.
    func valueInUse(firm j: ProviderID, tier b: TierID, at t: Double) -> Double {
        let physical = scenario.tiers[b].physicalLifeYears
        let lives: [(months: Int, units: Int)] = ownedCohorts(firm: j, tier: b).map { c in
            (Int(((physical - ageYears(c, at: t)) * 12).rounded()), c.units)
        }
        return valueInUse(firm: j, tier: b, lives: lives)
    }

    /// Σ units × the value in use of one unit with the given months of life left.
    private func valueInUse(firm j: ProviderID, tier b: TierID, lives: [(months: Int, units: Int)],
                            utilisation: Double? = nil) -> Double {
        let u = utilisation ?? trailingUtilisation(firm: j, tier: b, fallback: scenario.pricing.targetUtilisation)
        let rents = inUseRents(firm: j, tier: b, utilisation: u)
        var v = 0.0
        for life in lives where life.months > 0 && life.units > 0 {
            v += Double(life.units) * rents.presentValue(months: 1, through: life.months)
        }
        return v
    }

    /// The net rents a unit of tier `b` earns in firm `j`'s use at utilisation `u`, the flows of value
    /// in use: expected price × u, less power as the accounts charge it (an idle unit draws the idle
    /// share) and opex per unit-month. The used-market bid limit values a unit on the same flows.
    func inUseRents(firm j: ProviderID, tier b: TierID, utilisation u: Double) -> ExpectedRents {
        let spec = providers[j].spec
        let chip = providers[j].supply[b].map { chipPrice($0, month: currentMonth) }
        return expectedRents(firm: j, tier: b, longRun: longRunPrice(firm: j, tier: b, chip: chip), utilisation: u,
                             costPerHour: powerPerHour(firm: j, tier: b) * powerDraw(utilisation: u),
                             costPerMonth: spec.opexPerUnitMonthly)
    }

    /// Recoverable amount of the firm's owned units of tier `b` at day `t`: the higher of fair value
    /// less costs of disposal (units at the used price `usedValue`; the model has no disposal cost
    /// outside a fire sale) and value in use (IAS 36 ¶18, CAS 8 ¶6).
    @inline(__always)
    func recoverableAmount(firm j: ProviderID, tier b: TierID, at t: Double) -> Double {
        var fair = 0.0
        for c in ownedCohorts(firm: j, tier: b) { fair += Double(c.units) * usedValue(c, at: t) }
        return Swift.max(fair, valueInUse(firm: j, tier: b, at: t))
    }

    /// The impairment test of every tier the firm owns, at day `t`; returns the net charge (reversals
    /// negative). Where the carrying amount exceeds the recoverable amount, each cohort's carrying
    /// amount is cut pro rata (its `unitCost` scaled, so straight-line depreciation runs on the
    /// lower base over the remaining life). Under IFRS (IAS 36 ¶114–117), where a tier written down
    /// before is now worth more than its carrying amount, the write-down is reversed up to the lower
    /// of the recoverable amount and the carrying amount had no impairment been recognised, each
    /// cohort restored in proportion to what it lost; under CAS 8 ¶17 never.
    mutating func testImpairment(firm j: ProviderID, at t: Double) -> Double {
        var charge = 0.0
        let reverses = providers[j].spec.accountingStandard == .ifrs
        for b in tierIDs {
            let cohorts = ownedCohorts(firm: j, tier: b)
            guard !cohorts.isEmpty else { continue }
            var book = 0.0, unimpaired = 0.0
            for c in cohorts {
                book += Double(c.units) * bookValue(c, at: t)
                var u = c
                u.unitCost = c.unimpairedCost ?? c.unitCost
                unimpaired += Double(c.units) * bookValue(u, at: t)
            }
            let tolerance = 1e-9 * Swift.max(1, book)
            guard book > tolerance || (reverses && unimpaired > book + tolerance) else { continue }
            // Without reversals, units whose fair value covers their carrying amount need no value in
            // use: the recoverable amount, the higher of the two, covers it too.
            if !reverses {
                var fair = 0.0
                for c in cohorts { fair += Double(c.units) * usedValue(c, at: t) }
                if book <= fair + tolerance { continue }
            }
            let recoverable = recoverableAmount(firm: j, tier: b, at: t)
            if book > recoverable + tolerance {
                let factor = Swift.max(0, recoverable) / book
                adjustCohorts(firm: j, tier: b) { c in
                    if c.unimpairedCost == nil { c.unimpairedCost = c.unitCost }
                    c.unitCost *= factor
                }
                charge += book - Swift.max(0, recoverable)
            } else if reverses && unimpaired > book + tolerance && recoverable > book + tolerance {
                let target = Swift.min(recoverable, unimpaired)
                let share = (target - book) / (unimpaired - book)
                adjustCohorts(firm: j, tier: b) { c in
                    guard let cost = c.unimpairedCost else { return }
                    if share >= 1 - 1e-12 {
                        c.unitCost = cost
                        c.unimpairedCost = nil
                    } else {
                        c.unitCost += share * (cost - c.unitCost)
                    }
                }
                charge -= target - book
            }
        }
        return charge
    }

    /// Applies `change` to every owned cohort of tier `b` (installed and waiting for power).
    private mutating func adjustCohorts(firm j: ProviderID, tier b: TierID, _ change: (inout Cohort) -> Void) {
        for k in providers[j].fleet.cohorts.indices where providers[j].fleet.cohorts[k].tier == b {
            change(&providers[j].fleet.cohorts[k])
        }
        for k in providers[j].fleet.unpowered.indices where providers[j].fleet.unpowered[k].tier == b {
            change(&providers[j].fleet.unpowered[k])
        }
    }
}
