import Foundation
import SimKernel
import Stochastics

extension Market {
    /// Capital recovery factor ρ/(1 − (1+ρ)^−life).
    @inline(__always)
    func capitalRecovery(_ rho: Double, years: Double) -> Double {
        rho > 0 ? rho / (1 - pow(1 + rho, -years)) : 1 / years
    }

    /// Expected price τ years ahead: p_e(τ) = p_LR(τ) + (p̂ − p_LR(0))·e^(−κτ), with
    /// p_LR(τ) = p_LR(0)·(1 − g_tech)^τ.
    func expectedPrice(now p: Double, longRun lr: Double, years tau: Double) -> Double {
        let e = scenario.expansion
        return lr * pow(1 - e.techDecline, tau) + (p - lr) * exp(-e.kappa * tau)
    }

    /// The rent an investment in tier `b` is valued from (p̂ of the expected price path):
    /// (w_s·s_b + (1 − w_s)·`start`)·(1 + θ·ĝ_b)^L̂, with s_b the rent signed in the month just closed
    /// (``signedRent``), `start` the firm's own rent of the tier, ĝ_b the annualised change of s_b over
    /// the last `expansion.trend_months` closes (clamped to −75%…+100% a year) and L̂ the lead time in
    /// years: the rent the market's trend points to when the unit starts earning. With w_s = θ = 0
    /// it is `start`.
    func anticipatedRent(start: Double, tier b: TierID, leadYears: Double) -> Double {
        let e = scenario.expansion
        let signed = signedRent[b]
        var p = e.signedWeight > 0 && signed > 0 ? e.signedWeight * signed + (1 - e.signedWeight) * start : start
        if e.trendWeight > 0 && leadYears > 0, let g = signedTrend(tier: b) {
            p *= pow(1 + e.trendWeight * g, leadYears)
        }
        return p
    }

    /// ĝ_b: the annualised change of the signed rent of tier `b` over the last `expansion.trend_months`
    /// closes (over the closes there are, early in a run), clamped to −75%…+100% a year; nil before
    /// the first close or when a rent in the window is not positive.
    func signedTrend(tier b: TierID) -> Double? {
        let path = signedRentPath
        guard path.count >= 2 else { return nil }
        let window = Swift.min(path.count - 1, Swift.max(1, Int(scenario.expansion.trendMonths.rounded())))
        let now = path[path.count - 1][b], then = path[path.count - 1 - window][b]
        guard now > 0, then > 0 else { return nil }
        let annual = pow(now / then, 12 / Double(window)) - 1
        return Swift.min(1, Swift.max(-0.75, annual))
    }

    /// NPV of one unit bought now at `price`, earning from the lead time on: Σ_m ((p_e·u_e − power·(u_e +
    /// s_idle·(1 − u_e)))·h_m − opex per unit-month) discounted at ρ — the flows of value in use
    /// (``inUseRents(firm:tier:utilisation:)``: power as the accounts charge it, an idle unit drawing the
    /// idle share) — plus the discounted used value at the end of its life. The path starts from
    /// ``anticipatedRent(start:tier:leadYears:)`` of `now` (the firm's list price of the tier when nil).
    func unitNPV(firm j: ProviderID, tier b: TierID, price: Double, leadYears: Double, utilisation u: Double,
                 now: Double? = nil) -> Double {
        let tier = scenario.tiers[b]
        let rho = providers[j].spec.costOfCapital
        let months = Int((tier.lifeYears * 12).rounded())
        let start = anticipatedRent(start: now ?? providers[j].leasing.listPrice[b], tier: b, leadYears: leadYears)
        let rents = expectedRents(firm: j, tier: b, longRun: longRunPrice(firm: j, tier: b, chip: price), utilisation: u,
                                  costPerHour: powerPerHour(firm: j, tier: b) * powerDraw(utilisation: u),
                                  costPerMonth: providers[j].spec.opexPerUnitMonthly, offsetYears: leadYears, now: start)
        return -price + rents.presentValue(months: 1, through: Swift.max(1, months))
            + endValue(price: price, tier: b, rho: rho, leadYears: leadYears)
    }

    /// The used value of a unit bought at `price` at the end of its depreciation life, discounted to
    /// now: P·(1 − δ_used)^life/(1 + ρ)^(L̂ + life) (the unit starts earning after the lead time L̂).
    @inline(__always)
    func endValue(price: Double, tier b: TierID, rho: Double, leadYears: Double) -> Double {
        let tier = scenario.tiers[b]
        return price * pow(1 - tier.usedDecline, tier.lifeYears) / pow(1 + rho, leadYears + tier.lifeYears)
    }

    /// Firm `j`'s expected net rents of one unit of tier `b` (``ExpectedRents``): from its list
    /// price toward `longRun` at the expansion rule's κ and technology decline, discounted at its
    /// cost of capital, starting `offsetYears` from now.
    func expectedRents(firm j: ProviderID, tier b: TierID, longRun lr: Double, utilisation u: Double,
                       costPerHour: Double, costPerMonth: Double, offsetYears: Double = 0, now: Double? = nil) -> ExpectedRents {
        let e = scenario.expansion
        return ExpectedRents(now: now ?? providers[j].leasing.listPrice[b], longRun: lr, utilisation: u,
                             costPerHour: costPerHour, costPerMonth: costPerMonth, hours: daysPerMonth * hoursPerDay,
                             rho: providers[j].spec.costOfCapital, techDecline: e.techDecline, kappa: e.kappa,
                             offsetYears: offsetYears)
    }

    /// Cash the firm can spend now: cash above its floor, its undrawn borrowing (loan-to-value cap
    /// times its fleet marked at the used price, less its debt) and the parent support it has left
    /// (its stated amount: a soft budget's unlimited rescue is for survival, not for investment).
    @inline(__always)
    func headroom(_ j: ProviderID, at t: Double) -> Double {
        let borrow = Swift.max(0, providers[j].spec.ltvCap * collateral(j, at: t) - providers[j].ledger.debt)
        return Swift.max(0, providers[j].ledger.cash - providers[j].month.capex + providers[j].month.refunds
                         - providers[j].month.cancellationPenalties - providers[j].spec.minCash + borrow
                         + providers[j].ledger.parentSupportLeft)
    }

    /// The quarterly expansion review of an owner or hybrid: per tier it could use, the units
    /// q = clamp(D̂·(1+g_D)^L̂/u* − K_installed − θ_s·K_pipeline, 0, headroom/P) it wants. It bids for
    /// them in the month's used market at its ``usedBidLimit(firm:tier:newPrice:leadYears:utilisation:)``
    /// and, when a new unit's NPV clears the hurdle, orders new units for whatever the used market
    /// does not give it (``finishExpansions(filled:at:calendar:)``, after the clearing). A tier it
    /// cannot buy new (banned, not yet released, no supply line) it can still buy used.
    mutating func expand(firm j: ProviderID, month m: Int, at t: Double) {
        let e = scenario.expansion
        let u = scenario.pricing.targetUtilisation
        let fleetArea = providers[j].month.installedArea.values.reduce(0, +)
        let fleetU = fleetArea > 0 ? providers[j].month.leasedArea.values.reduce(0, +) / fleetArea : u
        for b in tierIDs {
            // D̂: last quarter's units demanded of the firm (time-averaged leased + refused per month).
            let quarterDays = Swift.max(1, t - monthStart[Swift.max(0, m - 2)])
            let demand = providers[j].quarter.leasedArea[b] / quarterDays + Double(providers[j].quarter.refused[b]) / 3
            let previous = providers[j].quarter.lastDemand[b]
            providers[j].quarter.lastDemand[b] = demand
            providers[j].quarter.leasedArea[b] = 0
            providers[j].quarter.refused[b] = 0
            guard demand > 0 else { continue }
            // Expected utilisation: the firm's own of the tier; for a tier it does not hold yet (a
            // launch), that of its whole fleet — the tenants who asked for the tier are its own.
            let area = providers[j].month.installedArea[b]
            let trailingU = Swift.max(area > 0 ? providers[j].month.leasedArea[b] / area : fleetU, 0.05)
            // What to buy for the tenants who want b: of the tier itself and the substitutes they accept,
            // those it can buy new this month, the one whose unit has the highest expected return on its
            // price (NPV over price; ties: the tier itself, then the segments' order).
            let choice = orderChoice(firm: j, for: b, month: m, utilisation: trailingU)
            let orderTier = choice?.tier ?? b, ratio = choice?.ratio ?? 1
            let supply = choice?.supply
            let growth = previous > 0 ? Swift.min(2, Swift.max(-0.5, pow(demand / previous, 4) - 1)) : 0
            let price = supply.map { chipPrice($0, month: m) }
            let leadYears = supply.map { expectedLeadTimeDays($0, units: 0, month: m) / daysPerYear } ?? 0
            var installed = Double(providers[j].fleet.installed[b])
            var pipeline = Double(providers[j].fleet.onOrder[b] + providers[j].fleet.unpowered.filter { $0.tier == b }.reduce(0) { $0 + $1.units })
            if orderTier != b {
                installed += Double(providers[j].fleet.installed[orderTier]) / ratio
                pipeline += Double(providers[j].fleet.onOrder[orderTier]
                                   + providers[j].fleet.unpowered.filter { $0.tier == orderTier }.reduce(0) { $0 + $1.units }) / ratio
            }
            let target = demand * pow(1 + growth, leadYears) / u
            var q = Int(((target - installed - e.supplyLineWeight * pipeline) * e.orderFraction).rounded(.down))
            guard q > 0 else { continue }
            // The price of matching one unit of b new: a substitute's price times the units that match.
            let limit = usedBidLimit(firm: j, tier: b, newPrice: price.map { $0 * ratio }, leadYears: leadYears, utilisation: trailingU)
            let money = headroom(j, at: t)
            let unitPrice = price.map { $0 * ratio } ?? limit
            guard unitPrice > 0 else { continue }
            q = Swift.min(q, Int((money / unitPrice).rounded(.down)))
            guard q > 0 else { continue }
            let newPays = choice.map { $0.expectedReturn >= e.hurdle - 1 } ?? false
            var bid: Int? = nil
            if limit > scrapValue(b) {
                bid = usedBids[b].count
                usedBids[b].append(UsedBid(firm: j.index, units: q, limit: limit))
            }
            guard newPays || bid != nil else { continue }
            pendingExpansions.append(PendingExpansion(firm: j, tier: b, supply: supply, units: q, newPays: newPays, bid: bid,
                                                      orderTier: orderTier, ratio: ratio))
        }
    }

    /// The utilisation firm `j` expects of units of substitute tier `c`: its own over the last month
    /// when it holds some, else the market's (units leased over capacity, active firms), else
    /// `fallback`; at least 5%.
    func substituteUtilisation(firm j: ProviderID, tier c: TierID, fallback: Double) -> Double {
        let area = providers[j].month.installedArea[c]
        if area > 0 { return Swift.max(providers[j].month.leasedArea[c] / area, 0.05) }
        var leased = 0, capacity = 0
        for k in activeIDs {
            leased += providers[k].leasing.leased[c]
            capacity += providers[k].capacity(c)
        }
        return Swift.max(capacity > 0 ? Double(leased) / Double(capacity) : fallback, 0.05)
    }

    /// The tier firm `j` buys new for the tenants who want tier `b`, in month `m`: of `b` and the
    /// substitutes the segments that want `b` accept, those it can buy new this month (a supply line
    /// with capacity and a lead time within its patience, ``buyable(_:month:)``), the one whose unit
    /// has the highest expected return on its price, NPV over
    /// price (``unitNPV(firm:tier:price:leadYears:utilisation:now:)``: this month's chip price, the
    /// expected lead time). Each is valued as the firm would use it: `b` at `utilisation` (its own
    /// of b), a substitute at its own utilisation of it (the market's when it holds none) and, when it
    /// holds none, from the higher of the substitute's index and its own price of `b` per matching
    /// unit. Ties go to `b`, then the segments' order. nil when it can buy none of them. `ratio` is
    /// the units of the tier that match one of `b`.
    func orderChoice(firm j: ProviderID, for b: TierID, month m: Int, utilisation trailingU: Double)
        -> (tier: TierID, supply: SupplyID, ratio: Double, expectedReturn: Double)? {
        var best: (tier: TierID, supply: SupplyID, ratio: Double, expectedReturn: Double)? = nil
        func consider(_ c: TierID, _ k: SupplyID, _ ratio: Double) {
            let price = chipPrice(k, month: m)
            guard price > 0 else { return }
            let lead = expectedLeadTimeDays(k, units: 0, month: m) / daysPerYear
            let start: Double? = c != b && providers[j].fleet.installed[c] == 0
                ? Swift.max(priceIndex[c], providers[j].leasing.listPrice[b] / ratio) : nil
            let u = c == b ? trailingU : substituteUtilisation(firm: j, tier: c, fallback: trailingU)
            let r = unitNPV(firm: j, tier: c, price: price, leadYears: lead, utilisation: u, now: start) / price
            if best.map({ r > $0.expectedReturn }) ?? true { best = (c, k, ratio, r) }
        }
        if let k = providers[j].supply[b], buyable(k, month: m) { consider(b, k, 1) }
        for s in scenario.segments.ids where scenario.segments[s].tier == b {
            for c in scenario.segments[s].substitutes where c != b {
                guard let k = providers[j].supply[c], buyable(k, month: m) else { continue }
                consider(c, k, substitution[(s.index * tierCount + b.index) * tierCount + c.index])
            }
        }
        return best
    }

    /// The quarterly review of a sublessor: rent in from the wholesale market (owners, then
    /// overseas lines) when expected sublet income beats the wholesale price (the expansion rule
    /// with the wholesale price as the cost): only offers below p·max(u_trailing, u*)/H are taken.
    mutating func expandSublessor(firm j: ProviderID, month m: Int, at t: Double, calendar: inout EventCalendar<MarketEvent>) {
        let u = scenario.pricing.targetUtilisation
        for b in tierIDs {
            let quarterDays = Swift.max(1, t - monthStart[Swift.max(0, m - 2)])
            let demand = providers[j].quarter.leasedArea[b] / quarterDays + Double(providers[j].quarter.refused[b]) / 3
            providers[j].quarter.lastDemand[b] = demand
            providers[j].quarter.leasedArea[b] = 0
            providers[j].quarter.refused[b] = 0
            guard demand > 0 else { continue }
            let area = providers[j].month.installedArea[b]
            let trailingU = area > 0 ? providers[j].month.leasedArea[b] / area : u
            let maxPrice = providers[j].leasing.listPrice[b] * Swift.max(trailingU, u) / scenario.expansion.hurdle
            let q = Int((demand / u - Double(providers[j].fleet.rentedIn[b])).rounded(.down))
            guard q > 0 else { continue }
            acquireRentIn(firm: j, tier: b, units: q, maxPrice: maxPrice, start: t,
                          end: t + scenario.sublease.rentInTermMonths * daysPerMonth, at: t, calendar: &calendar)
        }
    }

    /// Adds rented-in capacity to a sublessor.
    mutating func rentIn(firm j: ProviderID, tier b: TierID, units: Int, price: Double, backing: RentIn.Backing, end: Double, at t: Double) {
        changeLeased(firm: j, tier: b, by: 0, at: t)
        providers[j].fleet.rentIns.append(RentIn(tier: b, units: units, price: price, end: end, backing: backing, billedUntil: t))
        providers[j].fleet.rentedIn[b] += units
        planInvestment(firm: j, tier: b, units: units)
    }

    /// Bills a sublessor's rent-in from overseas lines to day `t` (rent from an owner is billed in
    /// the owner's book) and ends expired overseas contracts, their units going back to the line;
    /// what the firm still sublets is then covered from the wholesale market (`coverShortfall`:
    /// the maturity mismatch is the sublessor's risk). Leases from owners end on their own day
    /// (`wholesaleEnded`).
    mutating func settleRentIns(firm j: ProviderID, at t: Double, calendar: inout EventCalendar<MarketEvent>) {
        var kept: [RentIn] = []
        var ended: [TierID] = []
        for var r in providers[j].fleet.rentIns {
            guard case .overseas(let k) = r.backing else { kept.append(r); continue }
            let until = Swift.min(t, r.end)
            providers[j].month.rentInCost += Double(r.units) * r.price * Swift.max(0, until - r.billedUntil) * hoursPerDay
            r.billedUntil = until
            if r.end <= t {
                changeLeased(firm: j, tier: r.tier, by: 0, at: t)
                providers[j].fleet.rentedIn[r.tier] -= r.units
                overseasRented[k] -= r.units
                if !ended.contains(r.tier) { ended.append(r.tier) }
                continue
            }
            kept.append(r)
        }
        providers[j].fleet.rentIns = kept
        for b in ended { coverShortfall(firm: j, tier: b, at: t, calendar: &calendar) }
    }
}
