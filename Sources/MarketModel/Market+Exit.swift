import Foundation
import SimKernel
import Stochastics

extension Market {
    /// Fire-sale discount δ = δ_max·D/(D + D_½) for D units of tier `b` dumped this month,
    /// with market depth D_½ a share of the tier's installed base.
    func fireSaleDiscount(tier b: Int, dumped d: Int) -> Double {
        guard d > 0 else { return 0 }
        var base = 0
        for j in providers.indices where providers[j].active { base += providers[j].installed[b] }
        let half = Swift.max(1, scenario.exit.marketDepthShare * Double(base))
        return scenario.exit.fireSaleMaxDiscount * Double(d) / (Double(d) + half)
    }

    /// The quarterly review: exit by losses when OCF − interest has been negative for N
    /// consecutive quarters and liquidation value L exceeds going-concern value G.
    ///
    /// G = present value at ρ of the trailing year's average monthly OCF over the fleet's
    /// remaining depreciation life, plus the discounted used value at its end;
    /// L = Σ V_sec·(1 − δ) with δ the fire-sale discount were the firm to dump alone.
    mutating func review(firm j: Int, month m: Int, at t: Double) {
        let p = providers[j]
        let quarter = p.ocfHistory.suffix(3).reduce(0, +)
        providers[j].losingQuarters = quarter < 0 ? p.losingQuarters + 1 : 0
        guard !p.spec.softBudget else { return }
        if isStarved(firm: j, month: m) && liquidationValue(firm: j, at: t) > goingConcernValue(firm: j, at: t) {
            providers[j].exitPending = .starved
            return
        }
        guard providers[j].losingQuarters >= scenario.exit.lossQuarters else { return }
        if liquidationValue(firm: j, at: t) > goingConcernValue(firm: j, at: t) {
            providers[j].exitPending = .losing
        }
    }

    /// Starvation: at least s_dep of the trailing year's rent came from tiers the firm's
    /// jurisdiction can no longer buy, and its installed effective PFLOPS are below the minimum scale.
    func isStarved(firm j: Int, month m: Int) -> Bool {
        let p = providers[j]
        var total = 0.0, banned = 0.0
        for b in 0..<tierCount {
            let rent = p.rentByTierHistory.reduce(0) { $0 + $1[b] } + p.rentByTier[b]
            total += rent
            if isBanned(tier: b, jurisdiction: p.spec.jurisdiction, month: m) { banned += rent }
        }
        guard total > 0, banned / total >= scenario.starvation.dependenceShare else { return false }
        var pflops = 0.0
        for b in 0..<tierCount { pflops += Double(p.installed[b]) * scenario.tiers[b].effective / 1000 }
        return pflops < scenario.starvation.minScalePFLOPS
    }

    func liquidationValue(firm j: Int, at t: Double) -> Double {
        var value = 0.0
        for c in providers[j].cohorts {
            let delta = fireSaleDiscount(tier: c.tier, dumped: providers[j].installed[c.tier])
            value += Double(c.units) * usedValue(c, at: t) * (1 - delta)
        }
        return value
    }

    func goingConcernValue(firm j: Int, at t: Double) -> Double {
        let p = providers[j]
        let trailing = p.ocfHistory.suffix(12)
        let ocf = trailing.isEmpty ? 0 : trailing.reduce(0, +) / Double(trailing.count)
        var units = 0.0, remaining = 0.0
        for c in p.cohorts {
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
        for c in p.cohorts { terminal += Double(c.units) * usedValue(c, at: t + years * daysPerYear) }
        return g + terminal * discount
    }

    /// Settles this month's exits: one fire-sale discount per tier from all units dumped,
    /// proceeds pay secured debt first, a share φ of the units becomes used stock, and the
    /// exiting firms' tenants re-enter the market at once with their remaining terms.
    mutating func settleExits(month m: Int, at t: Double, records: inout [FirmMonthRecord?],
                              calendar: inout EventCalendar<MarketEvent>) {
        let exiting = providers.indices.filter { providers[$0].active && providers[$0].exitPending != nil }
        guard !exiting.isEmpty else { return }
        var dumped = Array(repeating: 0, count: tierCount)
        for j in exiting {
            // Undelivered units waiting for power are dumped with the rest; orders in backlogs are cancelled and refunded.
            for c in providers[j].unpowered { providers[j].cohorts.append(c) }
            providers[j].unpowered = []
            for k in supplies.indices { cancelBacklog(k, provider: j) }
            for c in providers[j].cohorts { dumped[c.tier] += c.units }
        }
        for b in 0..<tierCount {
            let delta = fireSaleDiscount(tier: b, dumped: dumped[b])
            usedPriceFactor[b] = 1 - delta
            monthTier[b].unitsDumped += dumped[b]
            usedStock[b] += Int((scenario.exit.usedStockShare * Double(dumped[b])).rounded())
        }
        var returning: [(tenant: Int32, remainingMonths: Double)] = []
        for j in exiting {
            var r = records[j]!
            var proceeds = 0.0, book = 0.0
            for c in providers[j].cohorts {
                proceeds += Double(c.units) * usedValue(c, at: t)
                book += Double(c.units) * bookValue(c, at: t)
            }
            for b in 0..<tierCount where providers[j].installed[b] > 0 { monthTier[b].exits += 1 }
            for id in providers[j].book {
                let lease = leases[Int(id)]
                if lease.lessee >= 0 {
                    // A sublessor renting from the exiting owner loses the capacity.
                    let s = Int(lease.lessee)
                    if let k = providers[s].rentIns.firstIndex(where: { $0.lease == id }) {
                        providers[s].changeLeased(tier: Int(lease.tier), by: 0, at: t)
                        providers[s].rentedIn[Int(lease.tier)] -= providers[s].rentIns[k].units
                        providers[s].rentIns.remove(at: k)
                    }
                    continue
                }
                returning.append((lease.tenant, Swift.max(1 / daysPerMonth, (lease.end - t) / daysPerMonth)))
            }
            while let id = providers[j].book.last { endLease(Int(id), at: t, calendar: &calendar) }
            let refund = providers[j].refunds
            providers[j].refunds = 0
            r.refunds += refund
            r.capex -= refund
            var cash = providers[j].cash + proceeds + refund
            let repay = Swift.min(providers[j].debt, Swift.max(0, cash))
            cash -= repay
            r.assetSales = proceeds
            r.bookValueDisposed = book
            r.debtRepaid += repay
            r.cashEnd = cash
            providers[j].cash = cash
            providers[j].debt -= repay
            providers[j].cohorts = []
            for b in 0..<tierCount { providers[j].installed[b] = 0 }
            providers[j].active = false
            providers[j].exitReason = providers[j].exitPending
            providers[j].exitDay = t
            providers[j].exitMonth = m
            finishRecord(&r, firm: j)
            r.debt = providers[j].debt
            r.status = .exited
            records[j] = r
            settleRentInClaims(firm: j, at: t, records: &records, calendar: &calendar)
        }
        // The exiting firms' tenants re-enter with what remains of their terms.
        for (i, months) in returning {
            tenants[Int(i)].nextTermMonths = months
            calendar.schedule(.tenantReturned(tenant: i), at: t, priority: Priority.arrival)
        }
    }
}

extension Market {
    /// An exiting sublessor's rent-in ends: each lessor books the remaining payments as a
    /// claim, paid pro rata from the cash left after secured debt; the payment is the
    /// sublessor's rent-in cost and the lessor's recovered claim this month.
    mutating func settleRentInClaims(firm j: Int, at t: Double, records: inout [FirmMonthRecord?],
                                     calendar: inout EventCalendar<MarketEvent>) {
        var claims: [(lessor: Int, lease: Int, amount: Double)] = []
        for r in providers[j].rentIns where r.lease >= 0 {
            let l = Int(r.lease)
            guard leases[l].active else { continue }
            let remaining = Double(leases[l].units) * leases[l].price * Swift.max(0, leases[l].end - t) * hoursPerDay
            claims.append((Int(leases[l].provider), l, remaining))
        }
        providers[j].rentIns = []
        for b in 0..<tierCount { providers[j].rentedIn[b] = 0 }
        guard !claims.isEmpty else { return }
        let total = claims.reduce(0) { $0 + $1.amount }
        let pay = Swift.min(total, Swift.max(0, providers[j].cash))
        if var r = records[j] {
            r.rentInCost += pay
            r.cashEnd -= pay
            records[j] = r
        }
        providers[j].cash -= pay
        for c in claims {
            let share = total > 0 ? pay * c.amount / total : 0
            endLease(c.lease, at: t, calendar: &calendar)
            if var r = records[c.lessor] {
                r.claimsBooked += c.amount
                r.claimsRecovered += share
                r.revenue += share
                r.cashEnd += share
                finishRecord(&r, firm: c.lessor)
                records[c.lessor] = r
                providers[c.lessor].cash += share
            }
        }
    }
}
