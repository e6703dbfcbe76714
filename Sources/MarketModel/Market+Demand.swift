import Foundation
import SimKernel
import Stochastics

extension Market {
    /// Base arrival rate of segment `s` at day `t`, tenants per year, before shocks.
    ///
    /// Exponential: λ0·(1+g)^(t/365). Logistic: K / (1 + (K/λ0 − 1)·e^(−g·t/365)).
    @inline(__always)
    func baseRate(segment s: SegmentID, at t: Double) -> Double {
        let rate = scenario.segments[s].rate
        switch scenario.segments[s].growth {
        case .exponential(let g):
            return g == 0 ? rate : rate * pow(1 + g, t / daysPerYear)
        case .logistic(let g, let k):
            guard rate > 0 else { return 0 }
            return k / (1 + (k / rate - 1) * exp(-g * t / daysPerYear))
        }
    }

    /// The segment's demand-shock multiplier in month `m` (product of active shocks).
    func shockMultiplier(segment s: SegmentID, month m: Int, defaults: Bool) -> Double {
        let ym = scenario.start.adding(months: m)
        var x = 1.0
        for shock in scenario.shocks {
            switch shock {
            case .demand(let seg, let from, let to, let mult) where !defaults:
                if (seg == nil || seg == s) && ym >= from && (to.map { ym < $0 } ?? true) { x *= mult }
            case .defaultHazard(let seg, let from, let to, let mult) where defaults:
                if (seg == nil || seg == s) && ym >= from && (to.map { ym < $0 } ?? true) { x *= mult }
            default: break
            }
        }
        return x
    }

    /// An upper bound of the segment's rate over month `m`, per day. Growth is monotone within
    /// a month and shocks change only at month starts, so the larger end value bounds it.
    func rateBound(segment s: SegmentID, month m: Int) -> Double { rateBounds[s][m] }

    /// The bound of every segment and month, computed once per replication.
    func computeRateBounds() -> Table<Segment, [Double]> {
        Table(scenario.segments.ids.map { s in
            (0..<scenario.horizonMonths).map { m in
                let a = baseRate(segment: s, at: monthStart[m]), b = baseRate(segment: s, at: monthStart[m + 1])
                return Swift.max(a, b) * demandShock[s][m] / daysPerYear
            }
        })
    }

    /// Schedules the segment's next candidate arrival after day `t` by thinning with a
    /// piecewise-constant bound: memorylessness lets the search restart at each month start.
    mutating func scheduleNextCandidate(segment s: SegmentID, from t0: Double, calendar: inout EventCalendar<MarketEvent>) {
        var t = t0
        var m = month(of: t, from: currentMonth)
        let horizon = scenario.horizonMonths
        let stream = arrivalStreams[s]
        while m < horizon {
            let end = monthStart[m + 1]
            let bound = rateBound(segment: s, month: m)
            if bound > 0 {
                let gap = stream.exponential(mean: 1 / bound)
                if t + gap < end {
                    calendar.schedule(.arrivalCandidate(segment: s), at: t + gap, priority: Priority.arrival)
                    return
                }
            }
            t = end
            m += 1
        }
    }

    /// A candidate arrival: accepted with probability λ(t)/bound (exact non-homogeneous
    /// Poisson arrivals by thinning), then the next candidate is scheduled.
    mutating func arrivalCandidate(segment s: SegmentID, at t: Double, calendar: inout EventCalendar<MarketEvent>) {
        let m = month(of: t, from: currentMonth)
        let bound = rateBound(segment: s, month: m)
        let rate = baseRate(segment: s, at: t) * demandShock[s][m] / daysPerYear
        let u = arrivalStreams[s].uniform()
        scheduleNextCandidate(segment: s, from: t, calendar: &calendar)
        guard u * bound < rate else { return }
        let id = newTenant(segment: s, at: t)
        tenantEnters(id, at: t, calendar: &calendar)
    }

    /// Draws a new tenant's attributes from its own keyed substream (segment, serial), so
    /// the k-th tenant of a segment is the same whatever happens elsewhere in the market.
    mutating func newTenant(segment s: SegmentID, at t: Double) -> TenantID {
        let serial = segmentSerial[s]
        segmentSerial[s] += 1
        var h = tenantBase[s]
        h.mix(index: serial)
        return drawTenant(segment: s, key: h.value, at: t)
    }

    /// Draws a tenant's attributes, in a fixed order, from the substream `key`.
    mutating func drawTenant(segment s: SegmentID, key: UInt64, at t: Double) -> TenantID {
        // The segment's draws are held flat (``TenantDraws``): a copy of a distribution costs a call
        // and a retain. The kinds not held flat are read in place from the segment.
        scratch.reseed(key)
        let draws = tenantDraws[s]
        let units = Swift.max(1, Int(Swift.min(1e7, draws.units.sample(scratch) ?? scenario.segments[s].units.sample(scratch)).rounded(.up)))
        let term = Swift.max(1.0 / daysPerMonth, draws.term.sample(scratch) ?? scenario.segments[s].termMonths.sample(scratch))
        let r = Swift.max(1e-9, draws.reservation.sample(scratch) ?? scenario.segments[s].reservationPrice.sample(scratch))
        let beta = draws.sensitivity.sample(scratch) ?? scenario.segments[s].priceSensitivity.sample(scratch)
        let wait = Swift.max(0, draws.wait.sample(scratch) ?? scenario.segments[s].maxWaitDays.sample(scratch))
        let takeOrPayShare = scenario.segments[s].takeOrPayShare, buyShare = scenario.segments[s].buyShare
        let top = scratch.uniform() < takeOrPayShare
        let buys = buyShare > 0 && scratch.uniform() < buyShare
        let id = tenants.nextID
        tenants.append(Tenant(segment: s, key: key, arrivalDay: t, units: units, termMonths: term, nextTermMonths: term, reservation: r,
                              beta: beta, maxWaitDays: wait, takeOrPay: top, wantsToBuy: buys))
        return id
    }

    /// The term in months the tenant keyed `key` of segment `s` would draw: the same first two
    /// draws as ``drawTenant(segment:key:at:)`` (units, then term), with no tenant made.
    mutating func peekTerm(segment s: SegmentID, key: UInt64) -> Double {
        scratch.reseed(key)
        _ = tenantDraws[s].units.sample(scratch) ?? scenario.segments[s].units.sample(scratch)
        return Swift.max(1.0 / daysPerMonth, tenantDraws[s].term.sample(scratch) ?? scenario.segments[s].termMonths.sample(scratch))
    }
}

extension Market {
    /// Seeds each firm's contract book at day 0 from its cohorts' `leased_share`: tenants of
    /// the segments that want (or accept) the tier, drawn from substreams keyed by
    /// (`initial/<firm>`, serial) so they shift no arriving tenant. Leases in force at an
    /// instant are length-biased, so a drawn tenant is kept with probability term/60 months;
    /// each is part-way through its term (elapsed share uniform) at the firm's list price
    /// less its term discount.
    mutating func seedInitialBook(calendar: inout EventCalendar<MarketEvent>) {
        for j in providers.indices {
            var target = TierTable(repeating: 0, count: tierCount)
            // Contracted prices of the starting book: leased-units-weighted over the cohorts that set one.
            var priced = TierTable(repeating: 0.0, count: tierCount), pricedValue = TierTable(repeating: 0.0, count: tierCount)
            var monthsLeft = TierTable<Double?>(repeating: nil, count: tierCount)
            for c in providers[j].spec.fleet {
                if let left = c.leaseMonthsLeft { monthsLeft[c.tier] = Swift.max(monthsLeft[c.tier] ?? 0, left) }
                target[c.tier] += Int((Double(c.units) * c.leasedShare).rounded())
                if let p = c.leasePrice {
                    priced[c.tier] += Double(c.units) * c.leasedShare
                    pricedValue[c.tier] += Double(c.units) * c.leasedShare * p
                }
            }
            var base = plan.hasher(replication: replication, kind: "initial/" + providers[j].spec.name)
            base.mix(index: 0)
            var serial: UInt64 = 0
            for b in tierIDs where target[b] > 0 {
                let segments = scenario.segments.ids.filter {
                    scenario.segments[$0].tier == b || scenario.segments[$0].substitutes.contains(b)
                }
                guard !segments.isEmpty else { continue }
                var left = Swift.min(target[b], providers[j].free(b))
                var guardCount = 0
                while left > 0 && guardCount < 1_000_000 {
                    guardCount += 1
                    var h = base
                    h.mix(index: serial)
                    serial += 1
                    // Pick the segment in proportion to its arrival rate.
                    scratch.reseed(h.value)
                    let total = segments.reduce(0.0) { $0 + scenario.segments[$1].rate }
                    var u = scratch.uniform() * total, s = segments[segments.count - 1]
                    for k in segments {
                        u -= scenario.segments[k].rate
                        if u < 0 { s = k; break }
                    }
                    let elapsed = scratch.uniform()
                    let keep = scratch.uniform()
                    var h2 = h
                    h2.mix(index: 1)
                    // Leases in force at a given instant are length-biased: keep a drawn
                    // tenant with probability term/60 months (the longest usual term). The term is
                    // the substream's second draw (``drawTenant(segment:key:at:)``), read here first
                    // so that a tenant turned away costs two draws, not a whole tenant.
                    guard keep * 60 < peekTerm(segment: s, key: h2.value) else { continue }
                    let i = drawTenant(segment: s, key: h2.value, at: 0)
                    let wantedTier = scenario.segments[s].tier
                    var n = unitsNeeded(tenants[i].units, segment: s, wanted: wantedTier, offered: b)
                    if n > left {
                        n = left
                        tenants[i].units = wantedTier == b ? n : tenants[i].units
                    }
                    // A contract signed before the start with known months left: its leases end then.
                    var months = tenants[i].termMonths
                    if let remaining = monthsLeft[b] { months = Swift.max(months, remaining) }
                    let price = priced[b] > 0 ? pricedValue[b] / priced[b]
                        : providers[j].leasing.listPrice[b] * (1 - termDiscount(months: months))
                    let start = monthsLeft[b].map { ($0 - months) * daysPerMonth } ?? -elapsed * months * daysPerMonth
                    let l = sign(tenant: i, provider: j, tier: b, units: n, price: price, months: months, at: 0,
                                 signedBeforeStart: true, calendar: &calendar)
                    leases[l].start = start
                    leases[l].end = start + months * daysPerMonth
                    if let handle = leases[l].endHandle { calendar.cancel(handle) }
                    leases[l].endHandle = leases[l].end < monthStart[scenario.horizonMonths]
                        ? calendar.schedule(.leaseExpired(lease: l), at: Swift.max(0, leases[l].end), priority: Priority.lease)
                        : nil
                    left -= n
                }
            }
        }
        seedRentIns(calendar: &calendar)
        for b in tierIDs { monthTier[b] = TierMonth() }
        for j in providers.indices { providers[j].month.leasesSigned = 0 }
    }

    /// Sublessors' rent-in contracts at the start, once the owners' tenants are placed: from a
    /// named owner, or from the wholesale market (`lessor: market`: owners' offers cheapest first
    /// at their price, else at the owner's wholesale quote, then overseas lines; when offers fall
    /// short the rent-in is smaller), each as a lease in the owner's book.
    mutating func seedRentIns(calendar: inout EventCalendar<MarketEvent>) {
        // Owners' wholesale quotes at the start follow their utilisation once their tenants are placed.
        for a in providers.indices {
            for b in tierIDs where providers[a].fleet.installed[b] > 0 {
                providers[a].leasing.utilisation[b] = Double(providers[a].leasing.leased[b]) / Double(providers[a].fleet.installed[b])
            }
        }
        for j in providers.indices {
            for spec in providers[j].spec.supply.rentIn {
                let b = spec.tier
                let price = spec.price ?? (1 - scenario.sublease.wholesaleDiscount) * scenario.tiers[b].referencePrice
                let start = -spec.elapsedMonths * daysPerMonth
                let end = start + spec.termMonths * daysPerMonth
                guard end > 0 else { continue }
                guard let a = spec.lessor else {
                    acquireRentIn(firm: j, tier: b, units: spec.units, price: spec.price, start: start, end: end, at: 0,
                                  calendar: &calendar)
                    continue
                }
                let units = Swift.min(spec.units, providers[a].free(b))
                guard units > 0 else { continue }
                letWholesale(owner: a, sublessor: j, tier: b, units: units, price: price, start: start, end: end, at: 0,
                             calendar: &calendar)
            }
        }
    }
}
