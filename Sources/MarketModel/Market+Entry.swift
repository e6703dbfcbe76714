import Foundation
import SimKernel
import Stochastics

extension Market {
    /// m̄: revenue-weighted gross margin of active firms over the last two quarters.
    @inline(__always)
    func sectorMargin() -> Double? {
        var revenue = 0.0, gross = 0.0
        for j in providers.indices where providers[j].active {
            for r in firmRecords[j].suffix(6) {
                revenue += r.revenue
                gross += r.revenue - r.powerCost - r.colocationCost - r.rentInCost - r.depreciation - r.bookValueSold
            }
        }
        return revenue > 0 ? gross / revenue : nil
    }

    /// The hype multiplier H(t) in force in month `m`.
    @inline(__always)
    func hype(month m: Int) -> Double {
        let ym = scenario.start.adding(months: m)
        var h = 1.0, latest: YearMonth? = nil
        for step in scenario.entry.hype where step.from <= ym && (latest.map { step.from >= $0 } ?? true) {
            h = step.multiplier
            latest = step.from
        }
        return h
    }

    /// Entry at the close of month `m`: Poisson many entrants at λ_E = λ_max·H(t)·max(0, (m̄ − m*)/(1 − m*))
    /// a year; each is drawn from a template by weight, named `<template>-<k>`, raises its capital
    /// as equity in its first month and takes its first_order at once: ordered at the current lead
    /// time, or for a sublessor rented in from the market at the wholesale price.
    mutating func enter(month m: Int, at t: Double, calendar: inout EventCalendar<MarketEvent>) {
        let e = scenario.entry
        guard e.maxRate > 0, !scenario.entrants.isEmpty, let margin = sectorMargin() else { return }
        let rate = e.maxRate * hype(month: m) * Swift.max(0, (margin - e.marginThreshold) / (1 - e.marginThreshold))
        let count = rate > 0 ? entryStream.poisson(mean: rate / 12) : 0
        let totalWeight = scenario.entrants.reduce(0) { $0 + $1.weight }
        for _ in 0..<count {
            guard firms.count - scenario.providers.count < e.maxEntrants, totalWeight > 0 else { return }
            var u = entryStream.uniform() * totalWeight, k = scenario.entrants.count - 1
            for (i, tpl) in scenario.entrants.enumerated() {
                u -= tpl.weight
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
        state.power.colocationKW = 0
        state.ledger.cash = 0
        state.ledger.equityAtEntry = spec.cash
        state.month = MonthFlows(tierCount: tierCount, from: t)
        providers.append(state)
        activeIDs.append(j)
        if colo > 0 { rentColocation(j, kw: colo, price: colocationPrice(region, addingKW: colo), at: t) }
        planConditions(firm: j)
        firms.append(FirmInfo(name: spec.name, model: spec.model, template: tpl.name, entryMonth: m))
        var h = KeyHasher(0)
        h.mix(spec.name)
        providerKey.append(h.value)
        visibility.append(Swift.min(1, spec.visibility))
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
            let placed = placeOrder(provider: j, supply: s, units: order.units, at: t)
            kw += Double(placed) * unitFacilityKW(j, tier: order.tier)
        }
        let short = kw - powerCapacityKW(j)
        if short > 0 { addPower(j, kw: short, at: t, calendar: &calendar) }
    }
}
