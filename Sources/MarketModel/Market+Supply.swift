import Foundation
import SimKernel
import Stochastics

/// An order waiting in a vendor's backlog.
struct ChipOrder {
    var provider: ProviderID
    var units: Int
    var orderDay: Double
    /// Price per unit, paid when the order was placed.
    var price: Double
    /// The delivery day the firm expected when it ordered (its plan; see the exit drivers).
    var expectedDay: Double
}

/// Units shipped and on their way to a firm.
struct Shipment {
    var provider: ProviderID
    var supply: SupplyID
    var units: Int
    var orderDay: Double
    var price: Double
    var expectedDay: Double
}

/// One supply entry's running state.
struct SupplyState {
    var backlog: ContiguousArray<ChipOrder> = []
    var backlogUnits = 0
    var inTransit = 0
    var quota = 0.0            // fractional capacity carried to the next month
    var factor = 1.0           // capacity multiplier in force
    var markup = 0.0           // the vendor's price markup in force (a relaxed ban's licence fee)
    var grey = false           // banned, selling through grey imports
    var record: SupplyMonthRecord
    var records: [SupplyMonthRecord] = []
    var leadTimeSum = 0.0
    /// `supplyCapacity` of the month in `capacityMonth` (set when the month begins).
    var capacity = 0.0
    var capacityMonth = -1
    let transit: RandomStream
}

extension Market {
    /// The supply entry selling `tier` to `jurisdiction`, if any.
    func supplyIndex(tier b: TierID, jurisdiction: String) -> SupplyID? {
        scenario.chipSupply.ids.first { scenario.chipSupply[$0].tier == b && scenario.chipSupply[$0].jurisdiction == jurisdiction }
    }

    /// The supply shock in force for a supply entry in month `m` (an index into `supplyShocks`):
    /// the latest dated at or before the month (a shock dated before the start is in force from
    /// the start; file order breaks ties, a drawn relaxation after the shocks it undoes).
    @inline(__always)
    func supplyShockInForce(_ k: SupplyID, month m: Int) -> Int? {
        let spec = scenario.chipSupply[k]
        let ym = scenario.start.adding(months: m)
        var found: Int? = nil
        for (i, shock) in supplyShocks.enumerated() where shock.tier == spec.tier && shock.jurisdiction == spec.jurisdiction
            && shock.from <= ym && (found.map { shock.from >= supplyShocks[$0].from } ?? true) {
            found = i
        }
        return found
    }

    /// Capacity multiplier of a supply entry in month `m` (1 with no shock in force).
    @inline(__always)
    func supplyFactor(_ k: SupplyID, month m: Int) -> Double {
        supplyShockInForce(k, month: m).map { supplyShocks[$0].capacityFactor } ?? 1
    }

    /// This replication's supply shocks: the scenario's, then the reversal of each shock whose
    /// relaxation it drew (probability p, from its own keyed stream, so drawing it shifts no other).
    static func drawSupplyShocks(_ scenario: Scenario, plan: SeedPlan, replication: Int) -> [SupplyShock] {
        var shocks = scenario.supplyShocks
        for shock in scenario.supplyShocks {
            let r = shock.relaxation
            guard r.probability > 0, let from = r.from else { continue }
            let stream = plan.stream(replication: replication, kind: "relax", entity: scenario.tiers[shock.tier].name,
                                     second: "\(shock.jurisdiction)/\(shock.from)")
            guard stream.uniform() < r.probability else { continue }
            shocks.append(SupplyShock(tier: shock.tier, jurisdiction: shock.jurisdiction, from: from, capacityFactor: 1,
                                      priceMarkup: r.priceMarkup))
        }
        return shocks
    }

    /// Month index (from the start) in which a tier is released; nil when always available.
    @inline(__always)
    func releaseMonth(tier b: TierID) -> Int? {
        scenario.tiers[b].release.map { $0.ordinal - scenario.start.ordinal }
    }

    /// Whether tier `b` is released by month `m`.
    @inline(__always)
    func isReleased(tier b: TierID, month m: Int) -> Bool { releaseMonth(tier: b).map { m >= $0 } ?? true }

    /// The vendor's list price of a tier in month `m`: purchase cost·(1 − decline)^(years since the
    /// successor's release, or since the start when that is later; 0 before it).
    ///
    /// The month's prices are cached; another month's is computed, inline, by a static function of
    /// the tier's fields. (A non-mutating method of `Market` called out of line from a mutating one
    /// costs a copy of the whole market to pass it; these run inside the choice and the reviews.)
    @inline(__always)
    func vendorPrice(tier b: TierID, month m: Int) -> Double {
        m == vendorPriceMonth ? vendorPriceNow[b] : computeVendorPrice(tier: b, month: m)
    }

    @inline(__always)
    func computeVendorPrice(tier b: TierID, month m: Int) -> Double {
        Self.vendorPrice(cost: scenario.tiers[b].purchaseCost, decline: scenario.tiers[b].priceDecline,
                         successorRelease: scenario.tiers[b].successor.map { releaseMonth(tier: $0) ?? 0 }, month: m)
    }

    /// The vendor's price of a tier costing `cost`, declining by `decline` a year from the release
    /// month of its successor (nil: no successor) or the start, whichever is later.
    static func vendorPrice(cost: Double, decline: Double, successorRelease: Int?, month m: Int) -> Double {
        guard let release = successorRelease, decline > 0 else { return cost }
        let since = m - Swift.max(0, release)
        guard since > 0 else { return cost }
        return cost * pow(1 - decline, Double(since) / 12)
    }

    /// Units the vendor can ship this month (grey imports while banned, when allowed); none before
    /// the tier's release. Cached for the month; another month's is computed by a static function
    /// (see ``vendorPrice(tier:month:)``).
    @inline(__always)
    func supplyCapacity(_ k: SupplyID, month m: Int) -> Double {
        supplies[k].capacityMonth == m ? supplies[k].capacity : computeSupplyCapacity(k, month: m)
    }

    @inline(__always)
    func computeSupplyCapacity(_ k: SupplyID, month m: Int) -> Double {
        Self.supplyCapacity(monthly: scenario.chipSupply[k].monthlyCapacity, growth: scenario.chipSupply[k].capacityGrowth,
                            greyShare: scenario.chipSupply[k].greyPremium != nil ? scenario.chipSupply[k].greyShare : nil,
                            factor: supplies[k].factor, released: isReleased(tier: scenario.chipSupply[k].tier, month: m),
                            month: m)
    }

    /// A supply line's capacity in month `m`: `monthly` grown at `growth` a year, times the shock's
    /// `factor`; while banned (factor 0), the grey share when grey imports are allowed; 0 before release.
    static func supplyCapacity(monthly: Double, growth: Double, greyShare: Double?, factor: Double, released: Bool,
                               month m: Int) -> Double {
        guard released else { return 0 }
        let base = monthly * pow(1 + growth, Double(m) / 12)
        if factor == 0 { return greyShare.map { base * $0 } ?? 0 }
        return base * factor
    }

    /// Chip price = the vendor's price (``vendorPrice(tier:month:)``)·(1 + the markup of the shock in
    /// force)·(1 + premium·backlog/monthly capacity), times the grey premium while banned.
    @inline(__always)
    func chipPrice(_ k: SupplyID, month m: Int) -> Double {
        let spec = scenario.chipSupply[k]
        let cap = supplyCapacity(k, month: m)
        let backlog = Double(supplies[k].backlogUnits)
        let ratio = cap > 0 ? Swift.min(spec.maxBacklogMonths, backlog / cap) : (backlog > 0 ? spec.maxBacklogMonths : 0)
        let grey = supplies[k].grey ? (spec.greyPremium ?? 1) : 1
        return vendorPrice(tier: spec.tier, month: m) * (1 + supplies[k].markup) * (1 + spec.premium * ratio) * grey
    }

    /// Whether a jurisdiction can no longer buy a tier (banned with no grey imports).
    func isBanned(tier b: TierID, jurisdiction: String, month m: Int) -> Bool {
        guard let k = supplyIndex(tier: b, jurisdiction: jurisdiction) else { return false }
        return supplyFactor(k, month: m) == 0 && scenario.chipSupply[k].greyPremium == nil
    }

    /// Expected lead time, days, for an order of `units` placed now: queueing in the backlog at
    /// this month's capacity plus the mean transit time.
    @inline(__always)
    func expectedLeadTimeDays(_ k: SupplyID, units: Int, month m: Int) -> Double {
        let cap = supplyCapacity(k, month: m)
        let queue = cap > 0 ? Double(supplies[k].backlogUnits + units) / cap * daysPerMonth : 3650
        return queue + (scenario.chipSupply[k].transitDays.mean ?? 30)
    }

    /// Starts a month for the supply side: shocks take effect, and a ban cancels its
    /// backlog and refunds what was paid for it.
    mutating func beginSupplyMonth(_ m: Int) {
        for b in tierIDs { vendorPriceNow[b] = computeVendorPrice(tier: b, month: m) }
        vendorPriceMonth = m
        for k in supplies.indices {
            let spec = scenario.chipSupply[k]
            supplies[k].record = SupplyMonthRecord(month: m, tier: spec.tier.index, jurisdiction: spec.jurisdiction)
            supplies[k].leadTimeSum = 0
            let shock = supplyShockInForce(k, month: m)
            let factor = shock.map { supplyShocks[$0].capacityFactor } ?? 1
            let banned = factor == 0 && supplies[k].factor != 0
            supplies[k].factor = factor
            supplies[k].markup = shock.map { supplyShocks[$0].priceMarkup } ?? 0
            supplies[k].grey = factor == 0 && spec.greyPremium != nil
            if banned && !supplies[k].grey, let shock { cancelBacklog(k, terms: supplyShocks[shock]) }
            supplies[k].capacity = computeSupplyCapacity(k, month: m)
            supplies[k].capacityMonth = m
        }
    }

    /// Cancels every order in a supply entry's backlog: at a firm's exit (`provider`), its own
    /// orders, refunded in full; at a ban (`terms`), every order, on the ban's terms — the vendor
    /// refunds `refundShare` of the prepayment (the rest is written off: a charge in the firm's
    /// net income), and the firm pays the tenants it had pre-let the units to `penaltyMonths` of
    /// its list rent per unit (it reduces revenue).
    mutating func cancelBacklog(_ k: SupplyID, provider only: ProviderID? = nil, terms: SupplyShock? = nil) {
        var kept: ContiguousArray<ChipOrder> = []
        let tier = scenario.chipSupply[k].tier
        let refundShare = terms?.refundShare ?? 1
        for order in supplies[k].backlog {
            let j = order.provider
            if let only, only != j {
                kept.append(order)
                continue
            }
            let paid = Double(order.units) * order.price
            let refund = paid * refundShare
            providers[j].month.refunds += refund
            if let terms {
                // A ban (not the firm's own exit) takes units the firm planned for good.
                providers[j].plan.lost.append((tier, order.units, order.expectedDay))
                let penalty = Double(order.units) * terms.penaltyMonths * providers[j].leasing.listPrice[tier] * daysPerMonth * hoursPerDay
                providers[j].month.ordersWrittenOff += paid - refund
                providers[j].month.cancellationPenalties += penalty
                supplies[k].record.writtenOff += paid - refund
            }
            providers[j].fleet.onOrder[tier] -= order.units
            supplies[k].record.cancelledUnits += order.units
            supplies[k].record.refunded += refund
            supplies[k].backlogUnits -= order.units
        }
        supplies[k].backlog = kept
    }

    /// Places an order, paid in full now at this month's chip price; returns the units ordered.
    @discardableResult
    mutating func placeOrder(provider j: ProviderID, supply k: SupplyID, units: Int, at t: Double) -> Int {
        guard units > 0, supplyCapacity(k, month: currentMonth) > 0 else { return 0 }
        let price = chipPrice(k, month: currentMonth)
        let expected = t + expectedLeadTimeDays(k, units: units, month: currentMonth)
        supplies[k].backlog.append(ChipOrder(provider: j, units: units, orderDay: t, price: price, expectedDay: expected))
        planInvestment(firm: j, tier: scenario.chipSupply[k].tier, units: units)
        supplies[k].backlogUnits += units
        supplies[k].record.orderedUnits += units
        providers[j].month.capex += Double(units) * price
        providers[j].fleet.onOrder[scenario.chipSupply[k].tier] += units
        return units
    }

    /// Ships this month's capacity from every backlog by its allocation policy; each shipped
    /// batch arrives after its own drawn transit and installation time.
    mutating func allocateShipments(month m: Int, at t: Double, calendar: inout EventCalendar<MarketEvent>) {
        for k in supplies.indices {
            let cap = supplyCapacity(k, month: m)
            supplies[k].record.capacityUnits = cap
            supplies[k].quota += cap
            var available = Int(supplies[k].quota.rounded(.down))
            supplies[k].quota -= Double(available)
            available = Swift.min(available, supplies[k].backlogUnits)
            guard available > 0 else {
                if supplies[k].backlogUnits == 0 { supplies[k].quota = Swift.min(supplies[k].quota, 1) }
                continue
            }
            var give = Array(repeating: 0, count: supplies[k].backlog.count)
            let backlog = supplies[k].backlog
            switch scenario.chipSupply[k].allocation {
            case .inOrder:
                var left = available
                for (i, o) in backlog.enumerated() where left > 0 {
                    give[i] = Swift.min(o.units, left)
                    left -= give[i]
                }
            case .proRata:
                let total = backlog.reduce(0) { $0 + $1.units }
                var left = available
                for (i, o) in backlog.enumerated() {
                    give[i] = Swift.min(o.units, o.units * available / total)
                    left -= give[i]
                }
                for (i, o) in backlog.enumerated() where left > 0 && give[i] < o.units {
                    give[i] += 1
                    left -= 1
                }
            case .largestFirst:
                let order = backlog.indices.sorted { backlog[$0].units != backlog[$1].units ? backlog[$0].units > backlog[$1].units : $0 < $1 }
                var left = available
                for i in order where left > 0 {
                    give[i] = Swift.min(backlog[i].units, left)
                    left -= give[i]
                }
            }
            var kept: ContiguousArray<ChipOrder> = []
            for (i, o) in backlog.enumerated() {
                if give[i] > 0 {
                    let transit = Swift.max(0, scenario.chipSupply[k].transitDays.sample(supplies[k].transit))
                    let s = shipments.nextID
                    shipments.append(Shipment(provider: o.provider, supply: k, units: give[i], orderDay: o.orderDay, price: o.price,
                                             expectedDay: o.expectedDay))
                    calendar.schedule(.shipmentArrived(shipment: s), at: t + transit, priority: Priority.lease)
                    inTransit.append(s)
                    supplies[k].record.shippedUnits += give[i]
                    if supplies[k].grey {
                        monthTier[scenario.chipSupply[k].tier].greyImported += give[i]
                    } else {
                        monthTier[scenario.chipSupply[k].tier].shipped += give[i]
                    }
                    supplies[k].inTransit += give[i]
                    supplies[k].backlogUnits -= give[i]
                }
                if give[i] < o.units {
                    var rest = o
                    rest.units -= give[i]
                    kept.append(rest)
                }
            }
            supplies[k].backlog = kept
        }
    }

    /// Power a firm has, kW of facility power (owned MW plus colocation).
    func powerCapacityKW(_ j: ProviderID) -> Double { providers[j].power.ownedMW * 1000 + providers[j].power.colocationKW }

    /// Facility kW one unit of tier `b` draws at firm `j` (kW × PUE).
    func unitFacilityKW(_ j: ProviderID, tier b: TierID) -> Double {
        scenario.tiers[b].powerKW * scenario.regions[providers[j].spec.region].pue
    }

    /// Facility kW the firm's installed units draw.
    @inline(__always)
    func powerUsedKW(_ j: ProviderID) -> Double {
        var kw = 0.0
        for b in tierIDs { kw += Double(providers[j].fleet.installed[b]) * unitFacilityKW(j, tier: b) }
        return kw
    }

    /// Installs waiting units, oldest first, as far as power allows.
    mutating func installUnpowered(_ j: ProviderID, at t: Double) {
        guard !providers[j].fleet.unpowered.isEmpty else { return }
        var free = powerCapacityKW(j) - powerUsedKW(j)
        var still: [Cohort] = []
        for var c in providers[j].fleet.unpowered {
            let per = unitFacilityKW(j, tier: c.tier)
            let n = Swift.min(c.units, per > 0 ? Int((free / per + 1e-9).rounded(.down)) : c.units)
            if n > 0 {
                changeLeased(firm: j, tier: c.tier, by: 0, at: t)
                var installedPart = c
                installedPart.units = n
                providers[j].fleet.cohorts.append(installedPart)
                providers[j].fleet.installed[c.tier] += n
                free -= Double(n) * per
                c.units -= n
            }
            if c.units > 0 { still.append(c) }
        }
        providers[j].fleet.unpowered = still
    }

    /// A shipment reaches its firm: units join the fleet, installed if power allows.
    mutating func shipmentArrived(_ s: ShipmentID, at t: Double, calendar: inout EventCalendar<MarketEvent>) {
        let ship = shipments[s]
        if let i = inTransit.firstIndex(of: s) { inTransit.remove(at: i) }
        let k = ship.supply, j = ship.provider
        let tier = scenario.chipSupply[k].tier
        supplies[k].inTransit -= ship.units
        supplies[k].record.deliveredUnits += ship.units
        supplies[k].leadTimeSum += Double(ship.units) * (t - ship.orderDay)
        monthTier[tier].deliveredUnits += ship.units
        monthTier[tier].leadTimeSum += Double(ship.units) * (t - ship.orderDay)
        guard providers[j].active else {
            // Units arriving for a firm that has exited are its liquidator's to sell.
            offer([Cohort(tier: tier, units: ship.units, purchaseDay: t, unitCost: ship.price)], seller: j, booked: false)
            return
        }
        providers[j].fleet.onOrder[tier] -= ship.units
        providers[j].fleet.unpowered.append(Cohort(tier: tier, units: ship.units, purchaseDay: t, unitCost: ship.price))
        installUnpowered(j, at: t)
        retryWaiting(freedBy: j, at: t, calendar: &calendar)
    }

    /// Adds `kw` of facility power for firm `j`: colocation from its region while there is any and
    /// either the scenario prefers it, it costs no more than a build a month (capex·capital recovery
    /// at the firm's ρ over the facility life), or the firm cannot finance the build; what is left
    /// is built (capex paid monthly as it goes, a drawn build time and cost overrun) when the firm
    /// can finance it (headroom ≥ its planned cost), else the units wait for power.
    mutating func addPower(_ j: ProviderID, kw: Double, at t: Double, calendar: inout EventCalendar<MarketEvent>) {
        guard kw > 0 else { return }
        let dc = scenario.dataCentres
        let region = providers[j].spec.region
        var left = kw
        let colo = Swift.min(left, Swift.max(0, colocationCapacityKW(region) - colocationUsedKW[region]))
        let mw = Swift.max(dc.minBuildMW, left / 1000)
        let canBuild = headroom(j, at: t) >= mw * dc.costPerMW
        if colo > 0 {
            let price = colocationPrice(region, addingKW: colo)
            let buildMonthly = dc.costPerMW / 1000 * capitalRecovery(providers[j].spec.costOfCapital, years: dc.facilityLifeYears) / 12
            if scenario.expansion.preferColocation || price <= buildMonthly || !canBuild {
                rentColocation(j, kw: colo, price: price, at: t)
                left -= colo
            }
        }
        guard left > 1e-9 else { return }
        let size = Swift.max(dc.minBuildMW, left / 1000)
        guard headroom(j, at: t) >= size * dc.costPerMW else { return }
        startBuild(j, mw: size, at: t, calendar: &calendar)
    }

    /// Starts a build of `mw` MW: a drawn build time and cost overrun (the keyed stream of
    /// (firm, build number): build time first, then overrun), capex paid monthly as it goes.
    mutating func startBuild(_ j: ProviderID, mw: Double, at t: Double, calendar: inout EventCalendar<MarketEvent>) {
        let dc = scenario.dataCentres
        var h = buildBase
        h.mix(index: providerKey[j])
        h.mix(index: UInt64(providers[j].power.builds.count))
        scratch.reseed(h.value)
        let months = Swift.max(1, dc.buildMonths.sample(scratch).rounded())
        let overrun = Swift.max(0, dc.buildOverrun.sample(scratch))
        let cost = mw * dc.costPerMW * (1 + overrun)
        let done = t + months * daysPerMonth
        let b = BuildID(providers[j].power.builds.count)
        providers[j].power.builds.append(Build(mw: mw, capexLeft: cost, capexPerMonth: cost / months,
                                               overrunShare: overrun / (1 + overrun), cost: cost, plannedMW: mw))
        calendar.schedule(.buildCompleted(provider: j, build: b), at: done, priority: Priority.lease)
    }

    /// kW of colocation region `r` has for the modelled firms (∞ when unlimited).
    @inline(__always)
    func colocationCapacityKW(_ r: RegionID) -> Double { scenario.regions[r].colocationMW.map { $0 * 1000 } ?? .infinity }

    /// The price of a new colocation contract of `kw` in region `r`: the base·(1 + γ·o/(1 − o)), o the
    /// occupancy with the contract (at most 0.95); the base without a capacity.
    func colocationPrice(_ r: RegionID, addingKW kw: Double) -> Double {
        let base = scenario.colocationBasePrice(region: r)
        let capacity = colocationCapacityKW(r)
        guard capacity.isFinite, capacity > 0 else { return base }
        let o = Swift.min(0.95, (colocationUsedKW[r] + kw) / capacity)
        return base * (1 + scenario.dataCentres.colocationPriceSlope * o / (1 - o))
    }

    /// Firm `j` rents `kw` of colocation at `price` for the scenario's term from day `t`.
    mutating func rentColocation(_ j: ProviderID, kw: Double, price: Double, at t: Double) {
        let end = scenario.dataCentres.colocationTermMonths.map { t + $0 * daysPerMonth } ?? .infinity
        providers[j].power.colocation.append(ColocationContract(kw: kw, price: price, end: end))
        colocationUsedKW[providers[j].spec.region] += kw
    }

    /// Colocation contracts of firm `j` that end by day `t`: renewed at the price of the day for the
    /// kW its units (installed and waiting) still need beyond its owned power and other contracts;
    /// the rest goes back to the region.
    mutating func renewColocation(_ j: ProviderID, at t: Double) {
        guard providers[j].power.colocation.contains(where: { $0.end <= t }) else { return }
        var waiting = 0.0
        for c in providers[j].fleet.unpowered { waiting += Double(c.units) * unitFacilityKW(j, tier: c.tier) }
        let need = powerUsedKW(j) + waiting - providers[j].power.ownedMW * 1000
        let region = providers[j].spec.region
        let ended = providers[j].power.colocation.filter { $0.end <= t }
        providers[j].power.colocation.removeAll { $0.end <= t }
        var held = providers[j].power.colocationKW
        for c in ended {
            colocationUsedKW[region] -= c.kw
            let renew = Swift.min(c.kw, Swift.max(0, need - held))
            guard renew > 1e-9 else { continue }
            rentColocation(j, kw: renew, price: colocationPrice(region, addingKW: renew), at: t)
            held += renew
        }
    }

    /// An exiting firm's colocation goes back to its region (its landlord's claim is not modelled).
    mutating func releaseColocation(_ j: ProviderID) {
        colocationUsedKW[providers[j].spec.region] -= providers[j].power.colocationKW
        providers[j].power.colocation = []
    }

    /// A build completes: its MW power the waiting units.
    mutating func buildCompleted(provider j: ProviderID, build b: BuildID, at t: Double, calendar: inout EventCalendar<MarketEvent>) {
        guard providers[j].active, providers[j].power.builds.indices.contains(b.index), providers[j].power.builds[b].mw > 0 else { return }
        let build = providers[j].power.builds[b]
        providers[j].power.ownedMW += build.mw
        providers[j].month.capex += build.capexLeft          // anything unpaid is settled on completion
        providers[j].month.buildOverrun += build.capexLeft * build.overrunShare
        providers[j].power.facilityCost += build.mw * scenario.dataCentres.costPerMW
        providers[j].power.builds[b].capexLeft = 0
        providers[j].power.builds[b].mw = 0
        installUnpowered(j, at: t)
        retryWaiting(freedBy: j, at: t, calendar: &calendar)
    }

    /// Monthly supply-side costs of a firm: build capex as it goes (its overrun share apart, for the
    /// exit drivers), colocation rent by contract; contracts that end are renewed or released.
    mutating func supplyCosts(_ j: ProviderID, at t: Double) {
        for b in providers[j].power.builds.indices where providers[j].power.builds[b].capexLeft > 0 {
            let pay = Swift.min(providers[j].power.builds[b].capexLeft, providers[j].power.builds[b].capexPerMonth)
            providers[j].power.builds[b].capexLeft -= pay
            providers[j].month.capex += pay
            providers[j].month.buildOverrun += pay * providers[j].power.builds[b].overrunShare
        }
        for c in providers[j].power.colocation { providers[j].month.colocationCost += c.kw * c.price }
        renewColocation(j, at: t)
    }

    /// Retires free units at their physical life (they leave the market, counted as retired).
    mutating func retireUnits(_ j: ProviderID, at t: Double) {
        // Most months no cohort is due and none is empty: the fleet stays as it is (not rebuilt).
        let due = providers[j].fleet.cohorts.contains { c in
            c.units <= 0 || ageYears(c, at: t) >= scenario.tiers[c.tier].physicalLifeYears
        }
        guard due else { return }
        var kept: [Cohort] = []
        for var c in providers[j].fleet.cohorts {
            if ageYears(c, at: t) >= scenario.tiers[c.tier].physicalLifeYears {
                let n = Swift.min(c.units, providers[j].free(c.tier))
                if n > 0 {
                    changeLeased(firm: j, tier: c.tier, by: 0, at: t)
                    providers[j].fleet.installed[c.tier] -= n
                    monthTier[c.tier].retired += n
                    c.units -= n
                }
            }
            if c.units > 0 { kept.append(c) }
        }
        providers[j].fleet.cohorts = kept
    }

    /// Closes the month's supply records.
    mutating func recordSupply(month m: Int) {
        for k in supplies.indices {
            var r = supplies[k].record
            r.inTransitUnits = supplies[k].inTransit
            r.backlogUnits = supplies[k].backlogUnits
            r.chipPrice = chipPrice(k, month: m)
            r.leadTimeDays = r.deliveredUnits > 0 ? supplies[k].leadTimeSum / Double(r.deliveredUnits) : nil
            if r.capacityUnits == 0 { r.capacityUnits = supplyCapacity(k, month: m) }
            supplies[k].records.append(r)
        }
    }
}
