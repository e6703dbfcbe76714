import CKeyedDraws
import Foundation
import SimKernel
import Stochastics

/// How a round of quotes ended for a tenant.
enum ChoiceResult {
    case signed
    /// No provider offered an acceptable quote.
    case noQuote
    /// Quotes existed but the outside option was better.
    case walkedAway
}

extension Market {
    /// The term discount d_term for a contract of `months`: the largest listed discount whose
    /// minimum term the contract reaches.
    @inline(__always)
    func termDiscount(months: Double) -> Double {
        var d = 0.0
        for step in scenario.pricing.termDiscounts where months + 1e-9 >= step.months { d = step.discount }
        return d
    }

    /// Units of tier `b` that match `n` units of tier `a` for the workload of segment `s` (the table
    /// `substitution`, from ``substitutionRatio(_:_:for:)``).
    @inline(__always)
    func unitsNeeded(_ n: Int, segment s: SegmentID, wanted a: TierID, offered b: TierID) -> Int {
        if a == b { return n }
        let x = Double(n) * substitution[(s.index * tierCount + a.index) * tierCount + b.index] - 1e-9
        // ⌈x⌉ without a libm call: x is far inside Int's range, and truncation rounds toward zero.
        let truncated = Double(Int(x))
        return Swift.max(1, Int(truncated < x ? truncated + 1 : truncated))
    }

    /// Units of tier `b` that match one of tier `a` for a workload. Training is compute-bound:
    /// E_a/E_b with E = TFLOPS·η. Inference (memory-bound decoding) runs at the memory bandwidth
    /// and must hold the model and its cache: the larger of B_a/B_b and M_a/M_b (η does not apply).
    /// Without the figures (tiers no inference segment accepts: the scenario check requires them
    /// otherwise), the training ratio.
    static func substitutionRatio(_ a: HardwareTier, _ b: HardwareTier, for workload: Workload) -> Double {
        switch workload {
        case .training:
            return a.effective / b.effective
        case .inference:
            guard let ba = a.bandwidthTBs, let bb = b.bandwidthTBs, let ma = a.memoryGB, let mb = b.memoryGB else {
                return a.effective / b.effective
            }
            return Swift.max(ba / bb, ma / mb)
        }
    }

    /// A tenant enters the market (first arrival, re-entry after a lease, or after its
    /// provider's exit): it tries to sign, else waits, else is lost.
    mutating func tenantEnters(_ i: TenantID, at t: Double, calendar: inout EventCalendar<MarketEvent>) {
        let tier = scenario.segments[tenants[i].segment].tier
        let units = tenants[i].units, wait = tenants[i].maxWaitDays
        monthTier[tier].tenantsArrived += 1
        monthTier[tier].unitsRequested += units
        switch chooseAndSign(i, at: t, countRefused: true, calendar: &calendar) {
        case .signed: return
        case .noQuote where wait > 0:
            tenants[i].waitHandle = calendar.schedule(.waitExpired(tenant: i), at: t + wait, priority: Priority.arrival)
            waiting.append(i)
            if scenario.pricing.considerationMax != nil { startWatching(i) }
        case .noQuote, .walkedAway:
            monthTier[tier].tenantsLost += 1
            monthTier[tier].unitsLost += units
        }
    }

    /// One round of quotes and logit choice for tenant `i`.
    ///
    /// Provider j is visible with probability v_j (when `pricing.consideration_max` bounds the set,
    /// only the visible firms kept by ``consideration(_:max:)`` are asked); for each acceptable tier b it has
    /// n = ⌈N·E_a/E_b⌉ free units of, it quotes c = n·p_jb·(1 − d_term)/N per wanted unit-hour;
    /// quotes with c > r are dropped; utility β(r − c)/r + rep_j − π_b + ε_j against ε_0.
    /// Visibility and ε_j come from the substream keyed (tenant, round, provider), so a base
    /// and a variant draw the same noise for the same tenant even when choices differ.
    ///
    /// Work is skipped where it cannot change the result, and since every draw comes from its own
    /// keyed substream, skipping one moves no other: ε_j is drawn only for a visible firm; ε_0 only
    /// once some quote exists (the first best quote beats the outside option exactly when the
    /// quote chosen against it would); and in a retry (`countRefused` false: no refusal is
    /// counted) a firm with nothing it could quote is passed over without its draws, as is, in any
    /// round, a firm holding none of the tenant's acceptable tiers that has no launch demand to count
    /// (``Fleet/held``).
    mutating func chooseAndSign(_ i: TenantID, at t: Double, countRefused: Bool,
                                calendar: inout EventCalendar<MarketEvent>) -> ChoiceResult {
        let s = tenants[i].segment
        let wanted = scenario.segments[s].tier
        let round = tenants[i].round
        let units = tenants[i].units
        let r = tenants[i].reservation
        let beta = tenants[i].beta
        let acceptable = acceptableTiers[s]
        let buyer = tenants[i].wantsToBuy
        tenants[i].round += 1
        // The units of each tier that match the request do not depend on the firm.
        for b in acceptable { needed[b] = unitsNeeded(units, segment: s, wanted: wanted, offered: b) }
        // A bounded set in a retry: the set the tenant began to wait with, not a new draw.
        let bounded = scenario.pricing.considerationMax != nil
        let fixedSet = bounded && !countRefused
        let watched = fixedSet ? waitSets[i] ?? [] : []
        if !countRefused {
            var any = false
            if fixedSet {
                any = watched.contains { canQuote(firm: $0, tiers: acceptable, buyer: buyer) }
            } else {
                for j in retryFirms where canQuote(firm: j, tiers: acceptable, buyer: buyer) {
                    any = true
                    break
                }
            }
            guard any else { return .noQuote }
        }
        var h = choiceBase
        h.mix(index: tenants[i].key)
        h.mix(index: round)
        let roundBase = h
        let d = termDiscount(months: tenants[i].nextTermMonths)
        let vouchers = !scenario.policy.vouchers.isEmpty
        // The best quote so far: its utility, the firm that would supply the units, the tier and
        // units, the broker that arranged it (if any), and whether it is an offer to sell.
        var bestUtility = -Double.infinity
        var best: (provider: ProviderID, tier: TierID, units: Int, via: ProviderID?, buy: Bool)? = nil
        var anyQuote = false
        // A bounded consideration set is drawn over every active firm on arrival, and its firms
        // (seen: no visibility draw) are asked in index order; a retry keeps the set it began to
        // wait with. Otherwise a retry counts no refusal, so it asks only the firms that had free
        // units when the retries began (in index order, as an arrival asks every active firm).
        let asked: [ProviderID]
        if fixedSet {
            considered.removeAll(keepingCapacity: true)
            for f in watched { considered.append((0, f)) }
            asked = watched
        } else if let k = scenario.pricing.considerationMax {
            consideration(roundBase, max: k)
            considered.sort { $0.firm.index < $1.firm.index }
            roundFirms.removeAll(keepingCapacity: true)
            for c in considered { roundFirms.append(c.firm) }
            asked = roundFirms
        } else {
            asked = countRefused ? activeIDs : retryFirms
        }
        let acceptBits = acceptableBits[s]
        let launchBits = countRefused ? acceptableSuccessorBits[s] : 0
        for j in asked where providers[j].active {
            let model = providers[j].spec.model
            // The tiers the firm holds (a broker's come from its affiliates: all asked).
            let heldBits = model == .broker ? ~0 : providers[j].fleet.held
            // A firm with no acceptable tier and no launch demand to count has nothing to say: its
            // draws (keyed) are not taken. (Tiers from the 64th on have no bit: always asked.)
            if heldBits & acceptBits == 0 && acceptBits != ~0
                && !(launchBits != 0 && (model == .owner || model == .hybrid)) { continue }
            if !countRefused && !canQuote(firm: j, tiers: acceptable, buyer: buyer) { continue }
            var hj = roundBase
            hj.mix(index: providerKey[j])
            if !bounded {
                guard Substream.firstUniform(seed: hj.value, stream: scratch) < visibility[j] else { continue }
            }
            // ε_j is the substream's second draw: taken only once the firm has a quote within r.
            var eps = Double.nan
            @inline(__always) func noise() -> Double {
                var draws = Substream(seed: hj.value, stream: scratch)
                _ = draws.uniform()
                return draws.gumbel()
            }
            let rep = providers[j].spec.reputation
            // Units of a tier it cannot buy new that it turned away, and whether it quoted at all.
            var unbuyable = 0, quoted = false
            for b in acceptable {
                // Who would supply the units: the firm itself, or (for a broker) its cheapest affiliate with room.
                let n: Int
                var owner = j, markup = 1.0
                if model == .broker {
                    n = needed[b]
                    var cheapest: ProviderID? = nil
                    markup = 1 + scenario.sublease.brokerCommission
                    for a in providers[j].spec.supply.affiliates where providers[a].active && providers[a].free(b) >= n {
                        if let c = cheapest, providers[c].leasing.listPrice[b] <= providers[a].leasing.listPrice[b] { continue }
                        cheapest = a
                    }
                    guard let cheapest else { continue }
                    owner = cheapest
                } else {
                    let holds = b.index < 64 ? heldBits & (1 << UInt64(b.index)) != 0 : providers[j].capacity(b) > 0
                    guard holds else {
                        if countRefused && isSuccessorTier[b] && (model == .owner || model == .hybrid) {
                            countLaunchDemand(firm: j, tier: b, units: needed[b],
                                              perWanted: Double(units), reservation: r, discount: d)
                        }
                        continue
                    }
                    let capacity = providers[j].capacity(b)
                    n = needed[b]
                    if capacity - providers[j].leasing.leased[b] < n {
                        // Refused demand signals scarcity only for requests the firm could serve with its whole capacity.
                        if countRefused && n <= capacity {
                            providers[j].month.refused[b] += n
                            providers[j].quarter.refused[b] += n
                            if !canBuyNew(firm: j, tier: b) { unbuyable = Swift.max(unbuyable, n) }
                        }
                        continue
                    }
                }
                let subsidy = vouchers ? voucher(segment: s, firm: owner).map { scenario.policy.vouchers[$0].share } ?? 0 : 0
                let c = Double(n) * providers[owner].leasing.listPrice[b] * markup * (1 - d) * (1 - subsidy) / Double(units)
                if c <= r {
                    anyQuote = true
                    quoted = true
                    if eps.isNaN { eps = noise() }
                    let u = beta * (r - c) / r + rep - scenario.tiers[b].portingPenalty + eps
                    if u > bestUtility {
                        bestUtility = u
                        best = (owner, b, n, model == .broker ? j : nil, false)
                    }
                }
                // A hybrid also answers tenants who want to buy: chip price·(1 + markup), annualised over life at ρ.
                if buyer && model == .hybrid && providers[j].fleet.installed[b] - providers[j].leasing.leased[b] >= n {
                    let price = buyQuote(firm: j, tier: b)
                    let perHour = price * providers[j].capitalRecovery[b] / hoursPerYear
                    let cb = Double(n) * perHour / Double(units)
                    if cb <= r {
                        anyQuote = true
                        quoted = true
                        if eps.isNaN { eps = noise() }
                        let u = beta * (r - cb) / r + rep - scenario.tiers[b].portingPenalty + eps
                        if u > bestUtility {
                            bestUtility = u
                            best = (j, b, n, nil, true)
                        }
                    }
                }
            }
            // Demand turned away for want of chips the firm cannot buy (the starvation test).
            if unbuyable > 0 && !quoted { providers[j].month.refusedUnbuyable += unbuyable }
        }
        guard anyQuote else { return .noQuote }
        if scenario.segments[s].outsideOption {
            var ho = roundBase
            ho.mix(outsideKey)
            var draws = Substream(seed: ho.value, stream: scratch)
            _ = draws.uniform()
            if !(bestUtility > draws.gumbel()) { best = nil }
        }
        guard let best else { return .walkedAway }
        if best.buy {
            sellUnits(firm: best.provider, tier: best.tier, units: best.units, price: buyQuote(firm: best.provider, tier: best.tier), at: t)
            monthTier[best.tier].tenantsSigned += 1
            return .signed
        }
        let markup = best.via != nil ? 1 + scenario.sublease.brokerCommission : 1
        let price = providers[best.provider].leasing.listPrice[best.tier] * markup * (1 - d)
        let l = sign(tenant: i, provider: best.provider, tier: best.tier, units: best.units, price: price,
                     months: tenants[i].nextTermMonths, at: t, calendar: &calendar)
        if let via = best.via {
            leases[l].broker = via
            providers[via].month.leasesSigned += 1
        }
        if vouchers, let k = voucher(segment: s, firm: best.provider) { leases[l].voucher = k }
        tenants[i].nextTermMonths = tenants[i].termMonths
        return .signed
    }

    /// Draws the round's consideration set when at most `max` firms are considered: every active
    /// firm j is seen when its visibility draw u_j is below v_j; of those seen, the `max` with the
    /// smallest u_j/v_j are kept. u_j is keyed by (tenant, round, firm) and nothing else
    /// (``considerationWord(seed:key:)``: a 32-bit mix of the round's seed and the firm's key, its
    /// top 24 bits as a uniform on [0, 1) in steps of 2⁻²⁴). Given that j is seen, u_j/v_j is
    /// uniform on [0, 1) and independent across firms, so the kept firms are a uniform random subset
    /// of the seen ones: a firm is considered with probability v_j·E[min(1, max/|seen|) | j seen].
    /// Adding a firm changes the set only where the new firm ranks among the kept (it then displaces
    /// the last). Leaves the kept firms, by key, in `considered`.
    /// - Complexity: O(active firms), eight at a time, in C (`suanli_consideration_scan`, with AVX2
    ///   where the machine has it and the same firms kept either way): the draws are mixed as
    ///   vectors and tested in Float against thresholds, first for keys below τ = 2·max / Σ v_j
    ///   (about 2·max firms pass, from which the kept ones are ranked exactly), and, in the rare
    ///   round where fewer than `max` keys are below τ, again with the running max-th key as the
    ///   bound. Which firms are kept does not depend on τ.
    mutating func consideration(_ roundBase: KeyHasher, max k: Int) {
        considered.removeAll(keepingCapacity: true)
        let n = activeIDs.count
        guard k > 0, n > 0 else { return }
        // The lanes follow the active firms (rebuilt at entry, exit and each month's start); the C
        // scan reads n of them, so never fewer.
        if laneVisibility.count != n || considerationScratch.count < n { refreshConsiderationLanes() }
        if considerationKept.count < k {
            considerationKept = Array(repeating: suanli_considered_t(), count: k)
        }
        let seed = Self.considerationSeed(roundBase)
        let tau = 2 * Double(k) / laneVisibilitySum
        let kept = laneKeys.withUnsafeBufferPointer { keys in
            laneThresholds.withUnsafeBufferPointer { thresholds in
                laneVisibility.withUnsafeBufferPointer { visibility in
                    considerationScratch.withUnsafeMutableBufferPointer { scratch in
                        considerationKept.withUnsafeMutableBufferPointer { out in
                            Int(suanli_consideration_scan(keys.baseAddress, thresholds.baseAddress, visibility.baseAddress,
                                                          Int32(n), seed, Int32(k), tau, scratch.baseAddress,
                                                          out.baseAddress))
                        }
                    }
                }
            }
        }
        for c in 0..<kept {
            considered.append((considerationKept[c].key, activeIDs[Int(considerationKept[c].position)]))
        }
    }

    /// The round's 32-bit seed for the consideration draw (both halves of its key).
    @inline(__always)
    static func considerationSeed(_ roundBase: KeyHasher) -> UInt32 {
        UInt32(truncatingIfNeeded: roundBase.value ^ (roundBase.value >> 32))
    }

    /// A firm's 32-bit key for the consideration draw (both halves of its provider key).
    @inline(__always)
    static func considerationKey(_ providerKey: UInt64) -> UInt32 {
        UInt32(truncatingIfNeeded: providerKey ^ (providerKey >> 32))
    }

    /// The 24-bit draw of firm key `key` in the round seeded `seed`: u = word·2⁻²⁴. The 32-bit
    /// mixer is Wellons's `lowbias32` (a bijection with near-ideal avalanche), applied to key ⊕ seed.
    @inline(__always)
    static func considerationWord(seed: UInt32, key: UInt32) -> UInt32 {
        var x = key ^ seed
        x ^= x >> 16; x &*= 0x7feb_352d
        x ^= x >> 15; x &*= 0x846c_a68b
        x ^= x >> 16
        return x >> 8
    }

    /// Rebuilds the consideration draw's lanes (``laneKeys`` and the rest) from the active firms
    /// and their visibilities.
    mutating func refreshConsiderationLanes() {
        guard scenario.pricing.considerationMax != nil else { return }
        let n = activeIDs.count, padded = (n + 7) / 8 * 8
        laneKeys = Array(repeating: 0, count: padded)
        laneThresholds = Array(repeating: 0, count: padded)
        laneVisibility = Array(repeating: 0, count: n)
        laneVisibilitySum = 0
        for (i, j) in activeIDs.enumerated() {
            let v = visibility[j]
            laneKeys[i] = Self.considerationKey(providerKey[j])
            laneThresholds[i] = Float(v * 0x1p24 * (1 + 0x1p-20))
            laneVisibility[i] = v
            laneVisibilitySum += v
        }
        if considerationScratch.count < n {
            considerationScratch = Array(repeating: suanli_considered_t(), count: n)
        }
    }

    /// Whether firm `j` can buy new units of tier `b` this month (a supply line to its jurisdiction
    /// with capacity: not banned without grey imports, released; and a lead time within the
    /// firm's patience, ``buyable(_:month:)``).
    @inline(__always)
    func canBuyNew(firm j: ProviderID, tier b: TierID) -> Bool {
        guard let k = providers[j].supply[b] else { return false }
        return buyable(k, month: currentMonth)
    }

    /// Whether supply line `k` sells in month `m`: capacity this month, and an expected lead time
    /// (backlog and transit) within `expansion.patience_months` when the scenario sets it.
    @inline(__always)
    func buyable(_ k: SupplyID, month m: Int) -> Bool {
        guard supplyCapacity(k, month: m) > 0 else { return false }
        guard let patience = scenario.expansion.patienceMonths else { return true }
        return expectedLeadTimeDays(k, units: 0, month: m) <= patience * daysPerMonth
    }

    /// Whether active firm `j` has the free units to quote the request whose matching units are in
    /// `needed`, in any of `tiers` (for a broker: through an affiliate; for a hybrid and a buyer:
    /// units to sell).
    /// A necessary condition of a quote, not a sufficient one (price and visibility decide).
    @inline(__always)
    func canQuote(firm j: ProviderID, tiers: [TierID], buyer: Bool) -> Bool {
        guard providers[j].active else { return false }
        let model = providers[j].spec.model
        for b in tiers {
            let n = needed[b]
            if model == .broker {
                for a in providers[j].spec.supply.affiliates where providers[a].active && providers[a].free(b) >= n { return true }
            } else {
                if providers[j].capacity(b) > 0 && providers[j].free(b) >= n { return true }
                if buyer && model == .hybrid && providers[j].fleet.installed[b] - providers[j].leasing.leased[b] >= n { return true }
            }
        }
        return false
    }

    /// Signs a lease at a locked price; its cancellation and default clocks are unit
    /// exponentials from the substream keyed (tenant, lease number).
    @discardableResult
    mutating func sign(tenant i: TenantID, provider j: ProviderID, tier b: TierID, units n: Int, price: Double, months: Double,
                       at t: Double, signedBeforeStart: Bool = false, calendar: inout EventCalendar<MarketEvent>) -> LeaseID {
        let tenant = tenants[i]
        var h = leaseBase
        h.mix(index: tenant.key)
        h.mix(index: tenant.round)
        var draws = Substream(seed: h.value, stream: scratch)
        let cancelClock = draws.exponential(mean: 1)
        let defaultClock = draws.exponential(mean: 1)
        let id = book(Lease(lessee: .tenant(i), provider: j, tier: b, units: n, price: price, start: t,
                            end: t + months * daysPerMonth, billedUntil: t, takeOrPay: tenant.takeOrPay,
                            cancelThreshold: cancelClock, defaultThreshold: defaultClock),
                      at: t, calendar: &calendar)
        // A lease of the book a firm starts with was signed before the first month: not counted in it.
        guard !signedBeforeStart else { return id }
        providers[j].month.leasesSigned += 1
        monthTier[b].tenantsSigned += 1
        monthTier[b].signedUnits += n
        monthTier[b].signedValue += Double(n) * price
        if months <= shortTermMonths + 1e-9 {
            monthTier[b].shortUnits += n
            monthTier[b].shortValue += Double(n) * price
        }
        return id
    }

    /// Puts a new lease in its provider's book and its end in the calendar (when before the
    /// horizon), and counts its units as leased from day `t`.
    mutating func book(_ lease: Lease, at t: Double, calendar: inout EventCalendar<MarketEvent>) -> LeaseID {
        let id = leases.nextID
        var lease = lease
        let j = lease.provider
        lease.positionInBook = providers[j].leasing.book.count
        if lease.end < monthStart[scenario.horizonMonths] {
            lease.endHandle = calendar.schedule(.leaseExpired(lease: id), at: lease.end, priority: Priority.lease)
        }
        leases.append(lease)
        providers[j].leasing.book.append(id)
        changeLeased(firm: j, tier: lease.tier, by: lease.units, at: t)
        return id
    }

    /// Records a change of firm `j`'s leased units of `tier` (or, with `delta` 0, of its capacity,
    /// about to change) at day `t`: ``ProviderState/changeLeased(tier:by:at:)``, and, where units may
    /// free up, notes the firm for the retries' next scan (``scanFreeUnits()``).
    @inline(__always)
    mutating func changeLeased(firm j: ProviderID, tier: TierID, by delta: Int, at t: Double) {
        providers[j].changeLeased(tier: tier, by: delta, at: t)
        if delta <= 0 { noteFreeUnits(j) }
    }

    /// Notes that firm `j`'s free units may grow (see ``freedSinceScan``).
    @inline(__always)
    mutating func noteFreeUnits(_ j: ProviderID) {
        guard !freeScanStale, freedSinceScan.last != j else { return }
        if freedSinceScan.count >= 16 {
            freeScanStale = true
            freedSinceScan.removeAll(keepingCapacity: true)
        } else {
            freedSinceScan.append(j)
        }
    }

    /// Bills a lease pro rata by contract-hours up to day `t`.
    mutating func bill(lease l: LeaseID, until t: Double) {
        let lease = leases[l]
        let hours = (t - lease.billedUntil) * hoursPerDay
        guard hours > 0 else { return }
        var amount = Double(lease.units) * lease.price * hours
        let j = lease.provider
        if let broker = lease.broker {
            let c = scenario.sublease.brokerCommission
            let fee = amount * c / (1 + c)
            providers[broker].month.commission += fee
            amount -= fee
        }
        if case .sublessor(let s) = lease.lessee { providers[s].month.rentInCost += amount }
        if let k = lease.voucher { amount -= accrueVoucher(k, lease: l, amount: amount) }
        providers[j].month.rentRevenue += amount
        providers[j].month.rentByTier[lease.tier] += amount
        if lease.takeOrPay { providers[j].month.takeOrPayRent += amount }
        leases[l].billedThisMonth += amount
        leases[l].billedUntil = t
    }

    /// Takes a lease out of its provider's book and frees its units at day `t`.
    mutating func endLease(_ l: LeaseID, at t: Double, calendar: inout EventCalendar<MarketEvent>) {
        let lease = leases[l]
        guard lease.active else { return }
        leases[l].active = false
        if let handle = lease.endHandle { calendar.cancel(handle) }
        let j = lease.provider
        let pos = lease.positionInBook
        let last = providers[j].leasing.book.removeLast()
        if last != l {
            providers[j].leasing.book[pos] = last
            leases[last].positionInBook = pos
        }
        changeLeased(firm: j, tier: lease.tier, by: -lease.units, at: t)
        if case .sublessor = lease.lessee { providers[j].leasing.wholesaleOut[lease.tier] -= lease.units }
    }

    /// A lease reaches its end: bill, free the units, then the tenant renews (with
    /// probability π_renew, at the provider's current price if within its reservation
    /// price), re-enters the market (wants to continue, price too high), or leaves.
    mutating func leaseExpired(_ l: LeaseID, at t: Double, calendar: inout EventCalendar<MarketEvent>) {
        guard leases[l].active else { return }
        leases[l].endHandle = nil
        bill(lease: l, until: t)
        endLease(l, at: t, calendar: &calendar)
        let lease = leases[l]
        guard case .tenant(let i) = lease.lessee else {
            // A sublessor's rent-in from this owner ends: it renews what it still sublets at once.
            wholesaleEnded(l, at: t, calendar: &calendar)
            retryWaiting(freedBy: lease.provider, at: t, calendar: &calendar)
            return
        }
        let tenant = tenants[i]
        var h = leaseBase
        h.mix(index: tenant.key)
        h.mix("renewal")
        h.mix(index: tenant.round)
        var draws = Substream(seed: h.value, stream: scratch)
        let wantsToContinue = draws.uniform() < scenario.segments[tenant.segment].renewProbability
        if wantsToContinue {
            let j = lease.provider, b = lease.tier
            let d = termDiscount(months: tenant.termMonths)
            // A renewal keeps what the contract had: the platform that arranged it (while it is in
            // the market: its commission is in the price) and a voucher, if the programme pays now.
            let via = lease.broker.flatMap { providers[$0].active ? $0 : nil }
            let markup = via != nil ? 1 + scenario.sublease.brokerCommission : 1
            let price = providers[j].leasing.listPrice[b] * markup * (1 - d)
            let k = scenario.policy.vouchers.isEmpty ? nil : voucher(segment: tenant.segment, firm: j)
            let subsidy = k.map { scenario.policy.vouchers[$0].share } ?? 0
            if providers[j].active && Double(lease.units) * price * (1 - subsidy) / Double(tenant.units) <= tenant.reservation
                && providers[j].free(b) >= lease.units {
                tenants[i].round += 1
                let renewed = sign(tenant: i, provider: j, tier: b, units: lease.units, price: price, months: tenant.termMonths,
                                   at: t, calendar: &calendar)
                if let via {
                    leases[renewed].broker = via
                    providers[via].month.leasesSigned += 1
                }
                if let k { leases[renewed].voucher = k }
            } else {
                tenantEnters(i, at: t, calendar: &calendar)
            }
        }
        retryWaiting(freedBy: lease.provider, at: t, calendar: &calendar)
    }

    /// Waiting tenants try again, first come first served, whenever units free up.
    ///
    /// A tenant whose request no active firm has the free units for, in any tier it accepts, is
    /// passed over: its round still counts, as ``chooseAndSign(_:at:countRefused:calendar:)`` would
    /// count it before finding no quote. The test reads bounds on every firm's free units and prices
    /// (``scanFreeUnits()``), kept from one pass to the next rather than rescanned at each lease end;
    /// signings during the pass only lower free units, so they stay bounds.
    ///
    /// `waiting` holds the waiting tenants in arrival order, and possibly some that stopped waiting
    /// (``waitExpired(_:at:)`` only clears the tenant's handle): they are dropped here, first (with
    /// none still waiting, the pass ends before any bound is read), and then with the tenants who
    /// sign, so leaving the queue costs no search and no shift.
    ///
    /// With a bounded consideration set (`pricing.consideration_max`), only the tenants watching
    /// `firm` (whose set holds it, or a broker it is an affiliate of) retry: see
    /// ``retryWatchers(of:at:calendar:)``.
    mutating func retryWaiting(freedBy firm: ProviderID, at t: Double, calendar: inout EventCalendar<MarketEvent>) {
        guard !waiting.isEmpty else { return }
        if scenario.pricing.considerationMax != nil {
            retryWatchers(of: firm, at: t, calendar: &calendar)
            for b in brokersOf[firm] { retryWatchers(of: b, at: t, calendar: &calendar) }
            return
        }
        // Tenants that stopped waiting leave first: with none still waiting there is nothing to scan for.
        var live = 0
        for k in waiting.indices where tenants[waiting[k]].waitHandle != nil {
            waiting[live] = waiting[k]
            live += 1
        }
        waiting.removeLast(waiting.count - live)
        guard live > 0 else { return }
        scanFreeUnits()
        // The largest voucher share: with it and no broker's markup, a quote is at least the bound below.
        let maxSubsidy = largestVoucherShare
        // Compaction: tenants still waiting after their turn are written back from the front, in order.
        var kept = 0
        for k in waiting.indices {
            let i = waiting[k]
            guard tenants[i].waitHandle != nil else { continue }   // stopped waiting
            let s = tenants[i].segment, units = tenants[i].units
            let wanted = scenario.segments[s].tier
            let r = tenants[i].reservation, buyer = tenants[i].wantsToBuy
            let d = termDiscount(months: tenants[i].nextTermMonths)
            var servable = false
            for b in acceptableTiers[s] {
                let n = unitsNeeded(units, segment: s, wanted: wanted, offered: b)
                guard n <= mostFree[b] else { continue }
                // The lowest quote any firm with free units could make, computed as the quote is
                // (rounding is monotone, so no quote is below it): above r, no firm can sign the tenant.
                // A buyer may still buy from a hybrid, at another price.
                if buyer || Self.quoteLowerBound(units: n, price: cheapestFree[b], discount: d, subsidy: maxSubsidy,
                                                 perWanted: units) <= r {
                    servable = true
                    break
                }
            }
            if servable && chooseAndSign(i, at: t, countRefused: false, calendar: &calendar) == .signed {
                if let handle = tenants[i].waitHandle { calendar.cancel(handle) }
                tenants[i].waitHandle = nil
                continue
            }
            if !servable { tenants[i].round += 1 }
            waiting[kept] = i
            kept += 1
        }
        waiting.removeLast(waiting.count - kept)
    }

    /// Before a pass of retries: bounds on what any active firm could quote. `mostFree[b]` is at least
    /// the free units of tier b at any active firm, `cheapestFree[b]` at most the lowest list price
    /// among firms with free units of b, and `retryFirms` (in index order) holds every active firm
    /// with a free unit of some tier, and every broker.
    ///
    /// The bounds are exact after a full scan, and are then kept by updating them with only the firms
    /// whose free units may have grown since (``freedSinceScan``: signings only lower free units, so
    /// the rest stay bounds); a change of list prices, or many such firms, asks for a full scan.
    /// Bounds that are not exact change nothing but the work: a tenant they let through is asked by
    /// ``chooseAndSign(_:at:countRefused:calendar:)``, which finds no quote, draws nothing that moves
    /// another draw, and counts the round as the pass would; a firm in `retryFirms` that cannot
    /// quote is passed over there.
    /// - Complexity: O(active firms × tiers) for a full scan, O(tiers + log firms) for each firm noted.
    mutating func scanFreeUnits() {
        if freeScanStale || rescanEveryRetry {
            for b in tierIDs {
                mostFree[b] = 0
                cheapestFree[b] = .infinity
            }
            retryFirms.removeAll(keepingCapacity: true)
            for j in activeIDs where addFreeUnits(of: j) { retryFirms.append(j) }
            freeScanStale = false
        } else {
            for j in freedSinceScan where providers[j].active && addFreeUnits(of: j) {
                // Into its place in index order, unless already listed.
                var lo = 0, hi = retryFirms.count
                while lo < hi {
                    let mid = (lo + hi) / 2
                    if retryFirms[mid] < j { lo = mid + 1 } else { hi = mid }
                }
                if lo == retryFirms.count || retryFirms[lo] != j { retryFirms.insert(j, at: lo) }
            }
        }
        freedSinceScan.removeAll(keepingCapacity: true)
    }

    /// Widens the retries' bounds by active firm `j`'s free units and prices; whether it belongs in
    /// `retryFirms` (a free unit of some tier, or a broker).
    @inline(__always)
    mutating func addFreeUnits(of j: ProviderID) -> Bool {
        var any = providers[j].spec.model == .broker
        for b in tierIDs {
            let free = providers[j].free(b)
            mostFree[b] = Swift.max(mostFree[b], free)
            if free > 0 {
                any = true
                cheapestFree[b] = Swift.min(cheapestFree[b], providers[j].leasing.listPrice[b])
            }
        }
        return any
    }

    /// The largest voucher share: with it and no broker's markup, a quote is at least
    /// ``quoteLowerBound(units:price:discount:subsidy:perWanted:)``.
    var largestVoucherShare: Double { scenario.policy.vouchers.reduce(0.0) { Swift.max($0, $1.share) } }

    /// The lowest quote per wanted unit-hour `units` units at list `price` could make, computed in
    /// the order ``chooseAndSign(_:at:countRefused:calendar:)`` computes a quote (markup 1, the
    /// largest `subsidy`): rounding is monotone, so no quote is below it, and above a tenant's
    /// reservation price no firm at that price can sign it.
    @inline(__always)
    static func quoteLowerBound(units n: Int, price: Double, discount d: Double, subsidy: Double, perWanted units: Int) -> Double {
        Double(n) * price * 1.0 * (1 - d) * (1 - subsidy) / Double(units)
    }

    /// A tenant begins to wait with a bounded consideration set: it keeps the firms of the round
    /// it just lost (``considered``), in index order, and is listed as a watcher of each.
    mutating func startWatching(_ i: TenantID) {
        tenants[i].waitSerial &+= 1
        let serial = tenants[i].waitSerial
        var set = considered.map(\.firm)
        set.sort { $0.index < $1.index }
        waitSets[i] = set
        for f in set { watchers[f].append(Watch(tenant: i, serial: serial)) }
    }

    /// Units freed at firm `j` (or at an affiliate of broker `j`), with a bounded consideration
    /// set: the tenants watching `j` retry, in the order they began to wait, each over its own set
    /// (``chooseAndSign(_:at:countRefused:calendar:)`` with `countRefused` false). A tenant retries
    /// only if `j` can now quote it: free units of an acceptable tier (for a broker, at an
    /// affiliate; for a hybrid and a buyer, units to sell) and, for an owner or sublessor, a list
    /// price whose quote could be within its reservation price. Its set is not redrawn, and a tenant
    /// whose set holds no firm that frees units waits until it gives up. Watchers that stopped
    /// waiting, or wait again with a new set, leave the list here.
    /// - Complexity: O(watchers of `j`), each retry O(its set × tiers).
    mutating func retryWatchers(of j: ProviderID, at t: Double, calendar: inout EventCalendar<MarketEvent>) {
        guard !watchers[j].isEmpty, providers[j].active else { return }
        let maxSubsidy = largestVoucherShare
        var kept = 0
        for k in watchers[j].indices {
            let w = watchers[j][k]
            let i = w.tenant
            guard tenants[i].waitHandle != nil, tenants[i].waitSerial == w.serial else { continue }   // not waiting on this set
            let s = tenants[i].segment, units = tenants[i].units
            let wanted = scenario.segments[s].tier
            let acceptable = acceptableTiers[s]
            for b in acceptable { needed[b] = unitsNeeded(units, segment: s, wanted: wanted, offered: b) }
            // (`buyer` read first: an argument read from the market itself made the compiler copy the
            // whole market, every table retained and released, before the call.)
            let buyer = tenants[i].wantsToBuy
            var servable = canQuote(firm: j, tiers: acceptable, buyer: buyer)
            if servable && providers[j].spec.model != .broker && !buyer {
                // The lowest quote j could make, computed as the quote is: above r, j cannot sign it.
                let r = tenants[i].reservation, d = termDiscount(months: tenants[i].nextTermMonths)
                servable = acceptable.contains { b in
                    providers[j].free(b) >= needed[b] && providers[j].capacity(b) > 0
                        && Self.quoteLowerBound(units: needed[b], price: providers[j].leasing.listPrice[b], discount: d,
                                                subsidy: maxSubsidy, perWanted: units) <= r
                }
            }
            if servable && chooseAndSign(i, at: t, countRefused: false, calendar: &calendar) == .signed {
                if let handle = tenants[i].waitHandle { calendar.cancel(handle) }
                tenants[i].waitHandle = nil
                waitSets[i] = nil
                continue
            }
            watchers[j][kept] = w
            kept += 1
        }
        watchers[j].removeLast(watchers[j].count - kept)
    }

    /// A waiting tenant gives up: lost demand.
    /// (It leaves `waiting` at the next retry: see ``retryWaiting(freedBy:at:calendar:)``; with a bounded set, from a firm's watchers when the list is next read, and from `waiting` at the monthly record.)
    mutating func waitExpired(_ i: TenantID, at t: Double) {
        guard tenants[i].waitHandle != nil else { return }
        tenants[i].waitHandle = nil
        if scenario.pricing.considerationMax != nil { waitSets[i] = nil }
        let tenant = tenants[i]
        let tier = scenario.segments[tenant.segment].tier
        monthTier[tier].tenantsLost += 1
        monthTier[tier].unitsLost += tenant.units
    }
}

extension Market {
    /// Launch demand for a new generation: an owner or hybrid that holds none of a successor tier
    /// (a tier some other tier names as its `successor`) but can buy it this month counts a
    /// request for it as refused, when its list price would have been within the tenant's
    /// reservation price. Without this, no firm that does not already hold the tier would ever see
    /// demand for it (refused demand counts only what a firm could serve with its capacity), so a
    /// generation released during the horizon would be bought only by entrants.
    mutating func countLaunchDemand(firm j: ProviderID, tier b: TierID, units n: Int, perWanted wanted: Double,
                                    reservation r: Double, discount d: Double) {
        // (The conditions are pure: the cheapest first, the division last.)
        let model = providers[j].spec.model
        guard model == .owner || model == .hybrid,
              isSuccessorTier[b],
              let k = providers[j].supply[b],
              supplyCapacity(k, month: currentMonth) > 0,
              Double(n) * providers[j].leasing.listPrice[b] * (1 - d) / wanted <= r else { return }
        providers[j].month.refused[b] += n
        providers[j].quarter.refused[b] += n
    }

    /// A hybrid's price for selling one unit of a tier: chip price·(1 + markup).
    @inline(__always)
    func buyQuote(firm j: ProviderID, tier b: TierID) -> Double {
        let chip = providers[j].supply[b].map { chipPrice($0, month: currentMonth) }
            ?? vendorPrice(tier: b, month: currentMonth)
        return chip * (1 + scenario.sublease.hybridMarkup)
    }

    /// A hybrid sells free units, oldest first: they leave its fleet at book value; the sale is
    /// revenue and the book value cost of revenue.
    mutating func sellUnits(firm j: ProviderID, tier b: TierID, units n: Int, price: Double, at t: Double) {
        changeLeased(firm: j, tier: b, by: 0, at: t)
        var left = n
        var kept: [Cohort] = []
        for var c in providers[j].fleet.cohorts {
            if c.tier == b && left > 0 {
                let k = Swift.min(left, c.units)
                providers[j].month.bookValueSold += Double(k) * bookValue(c, at: t)
                c.units -= k
                left -= k
            }
            if c.units > 0 { kept.append(c) }
        }
        providers[j].fleet.cohorts = kept
        providers[j].fleet.installed[b] -= n - left
        monthTier[b].soldToUsers += n - left
        providers[j].month.serverSales += Double(n - left) * price
    }
}
