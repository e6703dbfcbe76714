import Foundation
import SimKernel
import Stochastics

/// The wholesale market: owners let idle units to sublessors, and overseas lines rent out
/// finite capacity from abroad. Every unit a sublessor rents in is backed by one of them.
extension Market {
    /// Owner `a`'s wholesale price for tier `b`: w = I_b·(1 − m_w·clamp((1 − u)/(1 − u*), 0, 2)),
    /// u its utilisation of the tier last month, floored at its price floor. At u = u*, w = (1 − m_w)·I_b.
    func wholesaleQuote(owner a: ProviderID, tier b: TierID, at t: Double) -> Double {
        let uStar = scenario.pricing.targetUtilisation
        let u = providers[a].leasing.utilisation[b]
        let slack = uStar < 1 ? Swift.min(2, Swift.max(0, (1 - u) / (1 - uStar))) : 1
        let w = priceIndex[b] * (1 - scenario.sublease.wholesaleDiscount * slack)
        return Swift.max(w, priceFloor(firm: a, tier: b, at: t))
    }

    /// Units of tier `b` owner `a` offers to sublessors now: what keeps its units let to
    /// sublessors at most a share s_w of its units not leased to tenants, and no more than it has free.
    /// Active owners and hybrids offer (soft-budget ones too); a firm about to exit offers nothing.
    @inline(__always)
    func wholesaleOffer(owner a: ProviderID, tier b: TierID) -> Int {
        guard providers[a].active, providers[a].exitPending == nil,
              providers[a].spec.model == .owner || providers[a].spec.model == .hybrid else { return 0 }
        let free = providers[a].free(b)
        guard free > 0 else { return 0 }
        let out = providers[a].leasing.wholesaleOut[b]
        let cap = Int((scenario.sublease.wholesaleShare * Double(free + out)).rounded(.down)) - out
        return Swift.max(0, Swift.min(free, cap))
    }

    /// Sublessor `s` rents up to `n` units of tier `b`: from owners' offers, cheapest first
    /// (ties in firm order), then from overseas lines, cheapest first; only offers priced below
    /// `maxPrice`. `price` (a seeded contract's) replaces the owners' quotes when given.
    /// Returns the units rented.
    @discardableResult
    mutating func acquireRentIn(firm s: ProviderID, tier b: TierID, units n: Int, maxPrice: Double = .infinity,
                                price fixed: Double? = nil, start: Double, end: Double, at t: Double,
                                calendar: inout EventCalendar<MarketEvent>) -> Int {
        guard n > 0 else { return 0 }
        var offers: [(owner: ProviderID, price: Double, units: Int)] = []
        for a in providers.indices where a != s {
            let q = wholesaleOffer(owner: a, tier: b)
            guard q > 0 else { continue }
            let w = wholesaleQuote(owner: a, tier: b, at: t)
            if w < maxPrice { offers.append((a, w, q)) }
        }
        offers.sort { $0.price < $1.price || ($0.price == $1.price && $0.owner < $1.owner) }
        var left = n
        for o in offers where left > 0 {
            let k = Swift.min(left, o.units)
            letWholesale(owner: o.owner, sublessor: s, tier: b, units: k, price: fixed ?? o.price,
                         start: start, end: end, at: t, calendar: &calendar)
            left -= k
        }
        guard left > 0 else { return n }
        let lines = scenario.sublease.overseas
        let open = lines.indices.filter { k in
            lines[k].tier == b && overseasRented[k] < lines[k].units && lines[k].price < maxPrice
                && !isBanned(tier: b, jurisdiction: lines[k].jurisdiction, month: currentMonth)
        }.sorted { lines[$0].price < lines[$1].price || (lines[$0].price == lines[$1].price && $0 < $1) }
        for k in open where left > 0 {
            let q = Swift.min(left, lines[k].units - overseasRented[k])
            overseasRented[k] += q
            rentIn(firm: s, tier: b, units: q, price: lines[k].price, backing: .overseas(k), end: end, at: t)
            left -= q
        }
        return n - left
    }

    /// A take-or-pay lease in owner `a`'s book with sublessor `s` as lessee, billed in the owner's
    /// book; the sublessor's rent-in names it.
    mutating func letWholesale(owner a: ProviderID, sublessor s: ProviderID, tier b: TierID, units n: Int, price: Double,
                               start: Double, end: Double, at t: Double, calendar: inout EventCalendar<MarketEvent>) {
        let id = book(Lease(lessee: .sublessor(s), provider: a, tier: b, units: n, price: price, start: start, end: end,
                            billedUntil: t, takeOrPay: true, cancelThreshold: .infinity, defaultThreshold: .infinity),
                      at: t, calendar: &calendar)
        providers[a].leasing.wholesaleOut[b] += n
        rentIn(firm: s, tier: b, units: n, price: price, backing: .lease(id), end: end, at: t)
    }

    /// A sublessor holding fewer units of tier `b` than it sublets rents the difference (owners,
    /// then overseas) for a new term; what it cannot rent, it gives up by ending its newest sublets
    /// until leased ≤ capacity: those tenants re-enter the market with their remaining terms.
    /// A firm about to exit does neither (its exit returns all its tenants).
    mutating func coverShortfall(firm s: ProviderID, tier b: TierID, at t: Double, calendar: inout EventCalendar<MarketEvent>) {
        guard providers[s].active, providers[s].exitPending == nil else { return }
        let short = providers[s].leasing.leased[b] - providers[s].capacity(b)
        guard short > 0 else { return }
        let got = acquireRentIn(firm: s, tier: b, units: short, start: t,
                                end: t + scenario.sublease.rentInTermMonths * daysPerMonth, at: t, calendar: &calendar)
        guard got < short else { return }
        let sublets = providers[s].leasing.book.filter { leases[$0].tier == b && leases[$0].tenant != nil }
            .sorted { leases[$0].start > leases[$1].start || (leases[$0].start == leases[$1].start && $0 > $1) }
        for l in sublets where providers[s].leasing.leased[b] > providers[s].capacity(b) {
            let lease = leases[l]
            bill(lease: l, until: t)
            endLease(l, at: t, calendar: &calendar)
            guard let i = lease.tenant else { continue }
            tenants[i].nextTermMonths = Swift.max(1 / daysPerMonth, (lease.end - t) / daysPerMonth)
            calendar.schedule(.tenantReturned(tenant: i), at: t, priority: Priority.arrival)
        }
    }

    /// Wholesale lease `l` has ended (its term, or its owner's exit): its sublessor loses the
    /// units and covers what it still sublets.
    mutating func wholesaleEnded(_ l: LeaseID, at t: Double, calendar: inout EventCalendar<MarketEvent>) {
        guard case .sublessor(let s) = leases[l].lessee,
              let k = providers[s].fleet.rentIns.firstIndex(where: { $0.backing == .lease(l) }) else { return }
        let b = leases[l].tier
        changeLeased(firm: s, tier: b, by: 0, at: t)
        providers[s].fleet.rentedIn[b] -= providers[s].fleet.rentIns[k].units
        providers[s].fleet.rentIns.remove(at: k)
        coverShortfall(firm: s, tier: b, at: t, calendar: &calendar)
    }
}
