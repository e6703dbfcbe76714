import Foundation
import SimKernel
import Stochastics

extension Market {
    /// The quarterly review: exit by losses when OCF − interest has been negative for N
    /// consecutive quarters and liquidation value L exceeds going-concern value G.
    ///
    /// G = present value at ρ of the trailing year's average monthly OCF over the fleet's
    /// remaining depreciation life, plus the discounted used value at its end;
    /// L = Σ V_sec·(1 − δ) with δ the used market's discount were the firm to add all its units to
    /// the inventory for sale.
    mutating func review(firm j: ProviderID, month m: Int, at t: Double) {
        let p = providers[j]
        let quarter = p.history.ocf.suffix(3).reduce(0, +)
        providers[j].history.losingQuarters = quarter < 0 ? p.history.losingQuarters + 1 : 0
        guard !p.spec.softBudget else { return }
        if isStarved(firm: j, at: t) && liquidationValue(firm: j, at: t) > goingConcernValue(firm: j, at: t) {
            providers[j].exitPending = .starved
            return
        }
        guard providers[j].history.losingQuarters >= scenario.exit.lossQuarters else { return }
        if liquidationValue(firm: j, at: t) > goingConcernValue(firm: j, at: t) {
            providers[j].exitPending = .losing
        }
    }

    /// Starvation's demand test: over the trailing year (the month in progress and the 11 before),
    /// the units the firm turned away for want of chips it cannot buy are at least s_ref of the
    /// demand made of it (those units plus the units it leased, on average over each month).
    @inline(__always)
    func isStarved(firm j: ProviderID, at t: Double) -> Bool {
        var refused = Double(providers[j].month.refusedUnbuyable), leased = averageLeased(firm: j, at: t)
        for h in providers[j].history.starvation.suffix(11) {
            refused += h.refused
            leased += h.leased
        }
        guard refused > 0 else { return false }
        return refused / (refused + leased) >= scenario.starvation.refusedShare
    }

    /// Units firm `j` has leased out on average over the month in progress, to day `t` (every tier).
    @inline(__always)
    func averageLeased(firm j: ProviderID, at t: Double) -> Double {
        let days = t - monthStart[currentMonth]
        guard days > 0 else { return 0 }
        var area = 0.0
        for b in tierIDs { area += providers[j].month.leasedArea[b] }
        return area / days
    }

    @inline(__always)
    func liquidationValue(firm j: ProviderID, at t: Double) -> Double {
        var value = 0.0
        for c in providers[j].fleet.cohorts {
            let delta = inventoryDiscount(tier: c.tier, units: providers[j].fleet.installed[c.tier] + usedInventory(c.tier))
            value += Double(c.units) * usedValue(c, at: t) * (1 - delta)
        }
        return value
    }

    @inline(__always)
    func goingConcernValue(firm j: ProviderID, at t: Double) -> Double {
        let p = providers[j]
        let trailing = p.history.ocf.suffix(12)
        let ocf = trailing.isEmpty ? 0 : trailing.reduce(0, +) / Double(trailing.count)
        var units = 0.0, remaining = 0.0
        for c in p.fleet.cohorts {
            units += Double(c.units)
            remaining += Double(c.units) * Swift.max(0, scenario.tiers[c.tier].lifeYears - ageYears(c, at: t))
        }
        let years = units > 0 ? remaining / units : 0
        let months = Int((years * 12).rounded())
        let monthly = pow(1 + p.spec.costOfCapital, 1.0 / 12)
        var g = 0.0, discount = 1.0
        for _ in 0..<months {
            discount /= monthly
            g += ocf * discount
        }
        var terminal = 0.0
        for c in p.fleet.cohorts { terminal += Double(c.units) * usedValue(c, at: t + years * daysPerYear) }
        return g + terminal * discount
    }

    /// Settles this month's exits: orders in backlogs are cancelled and refunded, every unit the
    /// firm owns (installed or waiting for power) goes to the used market as its liquidator's lots
    /// (sold, and paid to the lenders, only when a buyer takes them), and the exiting firms'
    /// tenants re-enter the market at once with their remaining terms.
    mutating func settleExits(month m: Int, at t: Double, records: inout ProviderTable<FirmMonthRecord?>,
                              calendar: inout EventCalendar<MarketEvent>) {
        let exiting = providers.indices.compactMap { j in
            providers[j].active ? providers[j].exitPending.map { (firm: j, reason: $0) } : nil
        }
        guard !exiting.isEmpty else { return }
        for (j, _) in exiting {
            for k in supplies.indices { cancelBacklog(k, provider: j) }
        }
        var returning: [(tenant: TenantID, remainingMonths: Double)] = []
        for (j, reason) in exiting {
            var r = records[j]!
            // The whole fleet leaves the books at exit (its units go to the liquidator), with the
            // units the firm had already put up for sale.
            var book = 0.0
            let fleet = providers[j].fleet.cohorts + providers[j].fleet.unpowered
            for c in fleet { book += Double(c.units) * bookValue(c, at: t) }
            for b in tierIDs {
                for i in usedLots[b].indices where usedLots[b][i].seller == j.index && usedLots[b][i].booked {
                    let lot = usedLots[b][i]
                    book += Double(lot.units) * bookValue(Cohort(tier: b, units: lot.units, purchaseDay: lot.purchaseDay, unitCost: lot.unitCost), at: t)
                    usedLots[b][i].booked = false
                }
            }
            for b in tierIDs where providers[j].fleet.installed[b] > 0 { monthTier[b].exits += 1 }
            for l in providers[j].leasing.book {
                let lease = leases[l]
                switch lease.lessee {
                case .sublessor:
                    // A sublessor renting from the exiting owner loses the capacity: it rents what it
                    // still sublets elsewhere, else ends its newest sublets (those tenants re-enter).
                    // (Records take their unit columns at month end, so they stay consistent.)
                    wholesaleEnded(l, at: t, calendar: &calendar)
                case .tenant(let i):
                    returning.append((i, Swift.max(1 / daysPerMonth, (lease.end - t) / daysPerMonth)))
                }
            }
            while let l = providers[j].leasing.book.last { endLease(l, at: t, calendar: &calendar) }
            let refund = providers[j].month.refunds
            providers[j].month.refunds = 0
            r.refunds += refund
            r.capex -= refund
            var cash = providers[j].ledger.cash + refund
            let repay = Swift.min(providers[j].ledger.debt, Swift.max(0, cash))
            cash -= repay
            r.bookValueDisposed += book
            r.debtRepaid += repay
            r.cashEnd = cash
            providers[j].ledger.cash = cash
            providers[j].ledger.debt -= repay
            offer(fleet, seller: j, booked: false)
            providers[j].fleet.cohorts = []
            providers[j].fleet.unpowered = []
            for b in tierIDs { providers[j].fleet.installed[b] = 0 }
            releaseColocation(j)
            providers[j].exit = Exit(day: t, month: m, reason: reason)
            activeIDs.removeAll { $0 == j }
            refreshConsiderationLanes()
            r.debt = providers[j].ledger.debt
            r.status = .exited
            records[j] = r
            settleRentInClaims(firm: j, at: t, records: &records, calendar: &calendar)
        }
        // The exiting firms' tenants re-enter with what remains of their terms.
        for (i, months) in returning {
            tenants[i].nextTermMonths = months
            calendar.schedule(.tenantReturned(tenant: i), at: t, priority: Priority.arrival)
        }
    }
}

extension Market {
    /// An exiting sublessor's rent-in ends: each lessor books the remaining payments as a
    /// claim, paid pro rata from the cash left after secured debt; the payment is the
    /// sublessor's rent-in cost and the lessor's recovered claim this month.
    mutating func settleRentInClaims(firm j: ProviderID, at t: Double, records: inout ProviderTable<FirmMonthRecord?>,
                                     calendar: inout EventCalendar<MarketEvent>) {
        var claims: [(lessor: ProviderID, lease: LeaseID, amount: Double)] = []
        for r in providers[j].fleet.rentIns {
            guard case .lease(let l) = r.backing, leases[l].active else { continue }
            let remaining = Double(leases[l].units) * leases[l].price * Swift.max(0, leases[l].end - t) * hoursPerDay
            claims.append((leases[l].provider, l, remaining))
        }
        // Overseas units go back to their lines (no claim: an assumption).
        for r in providers[j].fleet.rentIns { if case .overseas(let k) = r.backing { overseasRented[k] -= r.units } }
        providers[j].fleet.rentIns = []
        for b in tierIDs { providers[j].fleet.rentedIn[b] = 0 }
        if var r = records[j] {
            r.unitsRentedIn = Array(repeating: 0, count: tierCount)
            r.unitsRentedOverseas = r.unitsRentedIn
            records[j] = r
        }
        guard !claims.isEmpty else { return }
        let total = claims.reduce(0) { $0 + $1.amount }
        let pay = Swift.min(total, Swift.max(0, providers[j].ledger.cash))
        if var r = records[j] {
            r.rentInCost += pay
            r.cashEnd -= pay
            records[j] = r
        }
        providers[j].ledger.cash -= pay
        for c in claims {
            let share = total > 0 ? pay * c.amount / total : 0
            endLease(c.lease, at: t, calendar: &calendar)
            if var r = records[c.lessor] {
                r.claimsBooked += c.amount
                r.claimsRecovered += share
                r.revenue += share
                r.cashEnd += share
                providers[c.lessor].drivers.defaults -= c.amount - share
                records[c.lessor] = r
                providers[c.lessor].ledger.cash += share
            }
        }
    }
}
