import Foundation
import SimKernel
import Stochastics

extension Market {
    /// The capital-market premium P(t) in force in month `m` (0 before the first step).
    @inline(__always)
    func entryPremium(month m: Int) -> Double {
        let ym = scenario.start.adding(months: m)
        var p = 0.0
        for step in scenario.entry.premium where step.from <= ym { p = step.share }
        return p
    }

    /// π_k without the premium: template `k`'s expected return on the outlay of its first order if
    /// it entered at the close of month `m` — Σ NPV/Σ outlay over the order's tiers; nil when it could
    /// buy (or, a sublessor, rent) none of them.
    ///
    /// An owner's unit of tier b costs this month's chip price P (backlog premium included) and
    /// earns from the expected lead time on, over the tier's life: the rent signed in the month
    /// (``signedRent``: the short-term price, else the mean signed price, else the index),
    /// moving toward the entrant's long-run cost-recovery price at the expansion rule's κ and
    /// technology decline, times the market's utilisation of the tier over the month
    /// (``closedUtilisation``: u* when nobody held it),
    /// net of power (its region's price and PUE; the idle share on idle hours, as the accounts charge
    /// it), per-unit opex, its fixed opex spread over the
    /// order, and colocation at the price its space would cost now; discounted at its cost of
    /// capital, plus the used value at the end of life. A tier it cannot buy new is left out; the
    /// order is valued at the new price even where the entrant then finds it used
    /// (``bidForUsedFirstOrder(entrant:tier:supply:units:)``), so π_k is then a lower bound. A
    /// sublessor rents in at the lowest wholesale quote w (owners' offers,
    /// then overseas lines) for the rent-in term: its outlay is what that rent costs, its NPV what
    /// the units earn over it less that cost and its fixed opex — the signed rent moving toward w at
    /// κ (competition among sublessors takes the margin over the wholesale price away), times the
    /// market's utilisation. A template with no first order (a broker, which
    /// resells its affiliates' units) puts no capital into units: its return is 0, so the premium
    /// and the hurdles alone decide.
    func entryReturn(template k: Int, month m: Int, at t: Double) -> Double? {
        let tpl = scenario.entrants[k]
        guard !tpl.firstOrder.isEmpty else { return 0 }
        let spec = tpl.provider
        let e = scenario.expansion
        let hours = daysPerMonth * hoursPerDay
        let totalUnits = Swift.max(1, tpl.firstOrder.reduce(0) { $0 + $1.units })
        let fixedPerUnit = spec.fixedOpexMonthly / Double(totalUnits)
        let r = spec.region
        let mult = siteTable[r][Swift.min(m, siteTable[r].count - 1)]
        let electricity = scenario.regions[r].electricityPrice * mult.electricity
        let pue = scenario.regions[r].pue * mult.pue
        let rho = spec.costOfCapital
        var npv = 0.0, outlay = 0.0
        for order in tpl.firstOrder where order.units > 0 {
            let b = order.tier, n = Double(order.units)
            let tier = scenario.tiers[b]
            let u = closedUtilisation[b]
            let now = signedRent[b] > 0 ? signedRent[b] : tier.referencePrice
            if spec.model == .sublessor {
                guard let w = lowestWholesale(tier: b, jurisdiction: spec.jurisdiction, at: t) else { continue }
                let months = Swift.max(1, Int(scenario.sublease.rentInTermMonths.rounded()))
                let rents = ExpectedRents(now: now, longRun: w, utilisation: u, costPerHour: 0,
                                          costPerMonth: fixedPerUnit, hours: hours, rho: rho,
                                          techDecline: e.techDecline, kappa: e.kappa)
                let cost = ExpectedRents(now: w, longRun: w, utilisation: 1, costPerHour: 0, costPerMonth: 0, hours: hours,
                                         rho: rho, techDecline: 0, kappa: 0).presentValue(months: 1, through: months)
                npv += n * (rents.presentValue(months: 1, through: months) - cost)
                outlay += n * cost
                continue
            }
            guard let s = supplyIndex(tier: b, jurisdiction: spec.jurisdiction), supplyCapacity(s, month: m) > 0 else { continue }
            let price = chipPrice(s, month: m)
            let lead = expectedLeadTimeDays(s, units: order.units, month: m) / daysPerYear
            let power = tier.powerKW * pue * electricity
            let colocation = tier.powerKW * scenario.regions[r].pue * colocationPrice(r, addingKW: spec.supply.colocationKW)
            let perMonth = spec.opexPerUnitMonthly + fixedPerUnit + colocation
            let crf = capitalRecovery(rho, years: tier.lifeYears)
            let longRun = (price * crf / hoursPerYear + perMonth / hours) / scenario.pricing.targetUtilisation + power
            // The signed rent, carried along its trend over the lead time (``anticipatedRent(start:tier:leadYears:)``).
            // Power as the accounts charge it: full on busy hours, the idle share on the rest.
            let rents = ExpectedRents(now: anticipatedRent(start: now, tier: b, leadYears: lead), longRun: longRun,
                                      utilisation: u, costPerHour: power * powerDraw(utilisation: u),
                                      costPerMonth: perMonth,
                                      hours: hours, rho: rho, techDecline: e.techDecline, kappa: e.kappa, offsetYears: lead)
            let months = Swift.max(1, Int((tier.lifeYears * 12).rounded()))
            let terminal = endValue(price: price, tier: b, rho: rho, leadYears: lead)
            npv += n * (rents.presentValue(months: 1, through: months) + terminal - price)
            outlay += n * price
        }
        return outlay > 0 ? npv / outlay : nil
    }

    /// The lowest wholesale price a sublessor of `jurisdiction` could rent tier `b` at now: owners'
    /// quotes where they offer units, else open overseas lines; nil when nothing is offered.
    func lowestWholesale(tier b: TierID, jurisdiction: String, at t: Double) -> Double? {
        var best: Double? = nil
        for a in activeIDs where wholesaleOffer(owner: a, tier: b) > 0 {
            best = Swift.min(best ?? .infinity, wholesaleQuote(owner: a, tier: b, at: t))
        }
        if best != nil { return best }
        for (k, line) in scenario.sublease.overseas.enumerated()
        where line.tier == b && overseasRented[k] < line.units && !isBanned(tier: b, jurisdiction: line.jurisdiction, month: currentMonth) {
            best = Swift.min(best ?? .infinity, line.price)
        }
        return best
    }

    /// Entry at the close of month `m`: Poisson many entrants at
    /// λ_E = λ_max·Σ_k w_k/W·F((π_k + P(t) − π_mid)/σ) a year, F(x) = 1/(1 + e^−x)
    /// (``entryReturn(template:month:at:)``): potential entrants' hurdles are logistic around π_mid.
    /// Each entrant is drawn from a template with weight w_k·F(…), named
    /// `<template>-<k>`, raises its capital as equity in its first month and takes its first_order
    /// at once: bought used where units are offered, ordered new at the current lead time for the
    /// rest, or for a sublessor rented in from the market at the wholesale price.
    mutating func enter(month m: Int, at t: Double, calendar: inout EventCalendar<MarketEvent>) {
        let e = scenario.entry
        guard e.maxRate > 0, !scenario.entrants.isEmpty else { return }
        let totalWeight = scenario.entrants.reduce(0) { $0 + $1.weight }
        guard totalWeight > 0 else { return }
        let premium = entryPremium(month: m)
        var weights = [Double](repeating: 0, count: scenario.entrants.count)
        for k in scenario.entrants.indices where scenario.entrants[k].weight > 0 {
            guard let pi = entryReturn(template: k, month: m, at: t) else { continue }
            weights[k] = scenario.entrants[k].weight / (1 + exp(-(pi + premium - e.medianReturn) / e.returnSpread))
        }
        let weight = weights.reduce(0, +)
        let rate = e.maxRate * weight / totalWeight
        let count = rate > 0 ? entryStream.poisson(mean: rate / 12) : 0
        for _ in 0..<count {
            guard firms.count - scenario.providers.count < e.maxEntrants else { return }
            // The last template with weight when rounding leaves u ≥ 0 after every subtraction.
            var u = entryStream.uniform() * weight, k = weights.lastIndex { $0 > 0 } ?? 0
            for (i, w) in weights.enumerated() {
                u -= w
                if u < 0 { k = i; break }
            }
            addEntrant(template: k, month: m + 1, at: t, calendar: &calendar)
        }
    }

    /// Creates an entrant from template `k`, first active in month `m`.
    mutating func addEntrant(template k: Int, month m: Int, at t: Double, calendar: inout EventCalendar<MarketEvent>) {
        let tpl = scenario.entrants[k]
        templateCount[k] += 1
        var spec = tpl.provider
        spec.name = "\(tpl.name)-\(templateCount[k])"
        spec.template = tpl.name
        spec.fleet = []
        let j = ProviderID(providers.count)
        var state = ProviderState(spec: spec, scenario: scenario)
        // Its colocation: what the region still has, at the price of the day, for a term from entry.
        let region = spec.region
        let colo = Swift.min(spec.supply.colocationKW, Swift.max(0, colocationCapacityKW(region) - colocationUsedKW[region]))
        state.power.colocation = []
        state.ledger.cash = 0
        state.ledger.equityAtEntry = spec.cash
        state.month = MonthFlows(tierCount: tierCount, from: t)
        providers.append(state)
        activeIDs.append(j)
        noteFreeUnits(j)
        if colo > 0 { rentColocation(j, kw: colo, price: colocationPrice(region, addingKW: colo), at: t) }
        planConditions(firm: j)
        firms.append(FirmInfo(name: spec.name, model: spec.model, template: tpl.name, entryMonth: m))
        var h = KeyHasher(0)
        h.mix(spec.name)
        providerKey.append(h.value)
        visibility.append(Swift.min(1, spec.visibility))
        refreshConsiderationLanes()
        watchers.append([])
        brokersOf.append([])
        if spec.model == .broker { for a in spec.supply.affiliates { brokersOf[a].append(j) } }
        firmRecords.append([])
        entriesThisMonth += 1
        if spec.model == .sublessor {
            // A sublessor starts with capacity rented in from the wholesale market (owners' offers,
            // then overseas lines): with none it is asked for nothing, and its expansion rule, driven
            // by what it is asked for, would never start. It gets what is offered, at most its order.
            for order in tpl.firstOrder {
                acquireRentIn(firm: j, tier: order.tier, units: order.units, start: t,
                              end: t + scenario.sublease.rentInTermMonths * daysPerMonth, at: t, calendar: &calendar)
            }
            return
        }
        var kw = 0.0
        for order in tpl.firstOrder {
            guard let s = supplyIndex(tier: order.tier, jurisdiction: spec.jurisdiction) else { continue }
            let used = bidForUsedFirstOrder(entrant: j, tier: order.tier, supply: s, units: order.units)
            let placed = placeOrder(provider: j, supply: s, units: order.units - used, at: t)
            kw += Double(placed) * unitFacilityKW(j, tier: order.tier)
        }
        let short = kw - powerCapacityKW(j)
        if short > 0 { addPower(j, kw: short, at: t, calendar: &calendar) }
    }

    /// An owner's or hybrid entrant buys its first order used where the used market holds units
    /// at a price it accepts: it bids, in the next month's clearing, for as many of the order's
    /// units as are offered now (at most the order), at its ``usedBidLimit(firm:tier:newPrice:leadYears:utilisation:)``
    /// against this month's chip price and lead time, at the market's utilisation of the tier; what
    /// the clearing does not give it, it orders new then (``finishExpansions(filled:at:calendar:)``,
    /// as an expansion's rest). Prices are this month's (the entrant's first). Returns the units
    /// bid for (0 with nothing offered, or when its limit does not clear scrap): the rest of the
    /// order is placed new at once.
    mutating func bidForUsedFirstOrder(entrant j: ProviderID, tier b: TierID, supply k: SupplyID, units n: Int) -> Int {
        let m = currentMonth
        let offered = usedInventory(b)
        guard n > 0, offered > 0, supplyCapacity(k, month: m) > 0 else { return 0 }
        let lead = expectedLeadTimeDays(k, units: n, month: m) / daysPerYear
        let limit = usedBidLimit(firm: j, tier: b, newPrice: chipPrice(k, month: m), leadYears: lead,
                                 utilisation: closedUtilisation[b])
        guard limit > scrapValue(b) else { return 0 }
        let units = Swift.min(n, offered)
        pendingExpansions.append(PendingExpansion(firm: j, tier: b, supply: k, units: units, newPays: true,
                                                  bid: usedBids[b].count, orderTier: b))
        usedBids[b].append(UsedBid(firm: j.index, units: units, limit: limit))
        return units
    }
}

