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

    /// Capacity multiplier of a supply entry in month `m`: the latest shock dated at or before
    /// the month (a shock dated before the start is in force from the start).
    @inline(__always)
    func supplyFactor(_ k: SupplyID, month m: Int) -> Double {
        let spec = scenario.chipSupply[k]
        let ym = scenario.start.adding(months: m)
        var factor = 1.0, latest: YearMonth? = nil
        for shock in scenario.supplyShocks where shock.tier == spec.tier && shock.jurisdiction == spec.jurisdiction
            && shock.from <= ym && (latest.map { shock.from >= $0 } ?? true) {
            factor = shock.capacityFactor
            latest = shock.from
        }
        return factor
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
    @inline(__always)
    func vendorPrice(tier b: TierID, month m: Int) -> Double {
        let tier = scenario.tiers[b]
        guard let next = tier.successor, tier.priceDecline > 0 else { return tier.purchaseCost }
        let since = m - Swift.max(0, releaseMonth(tier: next) ?? 0)
        guard since > 0 else { return tier.purchaseCost }
        return tier.purchaseCost * pow(1 - tier.priceDecline, Double(since) / 12)
    }

    /// Units the vendor can ship this month (grey imports while banned, when allowed); none before
    /// the tier's release.
    @inline(__always)
    func supplyCapacity(_ k: SupplyID, month m: Int) -> Double {
        supplies[k].capacityMonth == m ? supplies[k].capacity : computeSupplyCapacity(k, month: m)
    }

    func computeSupplyCapacity(_ k: SupplyID, month m: Int) -> Double {
        let spec = scenario.chipSupply[k]
        guard isReleased(tier: spec.tier, month: m) else { return 0 }
        let base = spec.monthlyCapacity * pow(1 + spec.capacityGrowth, Double(m) / 12)
        if supplies[k].factor == 0 { return spec.greyPremium != nil ? base * spec.greyShare : 0 }
        return base * supplies[k].factor
    }

    /// Chip price = the vendor's price (``vendorPrice(tier:month:)``)·(1 + premium·backlog/monthly capacity),
    /// times the grey premium while banned.
    @inline(__always)
    func chipPrice(_ k: SupplyID, month m: Int) -> Double {
        let spec = scenario.chipSupply[k]
        let cap = supplyCapacity(k, month: m)
        let backlog = Double(supplies[k].backlogUnits)
        let ratio = cap > 0 ? Swift.min(spec.maxBacklogMonths, backlog / cap) : (backlog > 0 ? spec.maxBacklogMonths : 0)
        let grey = supplies[k].grey ? (spec.greyPremium ?? 1) : 1
        return vendorPrice(tier: spec.tier, month: m) * (1 + spec.premium * ratio) * grey
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
        for k in supplies.indices {
            let spec = scenario.chipSupply[k]
            supplies[k].record = SupplyMonthRecord(month: m, tier: spec.tier.index, jurisdiction: spec.jurisdiction)
            supplies[k].leadTimeSum = 0
            let factor = supplyFactor(k, month: m)
            let banned = factor == 0 && supplies[k].factor != 0
            supplies[k].factor = factor
            supplies[k].grey = factor == 0 && spec.greyPremium != nil
            if banned && !supplies[k].grey { cancelBacklog(k) }
            supplies[k].capacity = computeSupplyCapacity(k, month: m)
            supplies[k].capacityMonth = m
        }
    }

    /// Cancels every order in a supply entry's backlog, refunding each firm.
    mutating func cancelBacklog(_ k: SupplyID, provider only: ProviderID? = nil) {
        var kept: ContiguousArray<ChipOrder> = []
        for order in supplies[k].backlog {
            let j = order.provider
            if let only, only != j {
                kept.append(order)
                continue
            }
            // A ban (not the firm's own exit) takes units the firm planned for good.
            if only == nil { providers[j].plan.lost.append((scenario.chipSupply[k].tier, order.units, order.expectedDay)) }
            let refund = Double(order.units) * order.price
            providers[j].month.refunds += refund
            providers[j].fleet.onOrder[scenario.chipSupply[k].tier] -= order.units
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
                providers[j].changeLeased(tier: c.tier, by: 0, at: t)
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
        retryWaiting(at: t, calendar: &calendar)
    }

    /// Starts a build of `mw` MW (capex paid monthly as it goes) or rents colocation.
    mutating func addPower(_ j: ProviderID, kw: Double, at t: Double, calendar: inout EventCalendar<MarketEvent>) {
        guard kw > 0 else { return }
        let dc = scenario.dataCentres
        if scenario.expansion.preferColocation {
            providers[j].power.colocationKW += kw
            return
        }
        let mw = Swift.max(dc.minBuildMW, kw / 1000)
        var h = buildBase
        h.mix(index: providerKey[j])
        h.mix(index: UInt64(providers[j].power.builds.count))
        scratch.reseed(h.value)
        let months = Swift.max(1, dc.buildMonths.sample(scratch).rounded())
        let cost = mw * dc.costPerMW
        let done = t + months * daysPerMonth
        let b = BuildID(providers[j].power.builds.count)
        providers[j].power.builds.append(Build(mw: mw, capexLeft: cost, capexPerMonth: cost / months))
        calendar.schedule(.buildCompleted(provider: j, build: b), at: done, priority: Priority.lease)
    }

    /// A build completes: its MW power the waiting units.
    mutating func buildCompleted(provider j: ProviderID, build b: BuildID, at t: Double, calendar: inout EventCalendar<MarketEvent>) {
        guard providers[j].active, providers[j].power.builds.indices.contains(b.index), providers[j].power.builds[b].mw > 0 else { return }
        let build = providers[j].power.builds[b]
        providers[j].power.ownedMW += build.mw
        providers[j].month.capex += build.capexLeft          // anything unpaid is settled on completion
        providers[j].power.facilityCost += build.mw * scenario.dataCentres.costPerMW
        providers[j].power.builds[b].capexLeft = 0
        providers[j].power.builds[b].mw = 0
        installUnpowered(j, at: t)
        retryWaiting(at: t, calendar: &calendar)
    }

    /// Monthly supply-side costs of a firm: build capex as it goes, colocation rent.
    mutating func supplyCosts(_ j: ProviderID) {
        for b in providers[j].power.builds.indices where providers[j].power.builds[b].capexLeft > 0 {
            let pay = Swift.min(providers[j].power.builds[b].capexLeft, providers[j].power.builds[b].capexPerMonth)
            providers[j].power.builds[b].capexLeft -= pay
            providers[j].month.capex += pay
        }
        providers[j].month.colocationCost += providers[j].power.colocationKW * scenario.dataCentres.colocationPerKWMonth
    }

    /// Retires free units at their physical life (they leave the market, counted as retired).
    mutating func retireUnits(_ j: ProviderID, at t: Double) {
        var kept: [Cohort] = []
        for var c in providers[j].fleet.cohorts {
            if ageYears(c, at: t) >= scenario.tiers[c.tier].physicalLifeYears {
                let n = Swift.min(c.units, providers[j].free(c.tier))
                if n > 0 {
                    providers[j].changeLeased(tier: c.tier, by: 0, at: t)
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
