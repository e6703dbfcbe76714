import Foundation
import SimKernel

/// An owner's or hybrid's expansion of one tier, waiting for the used market to clear: it takes
/// the used units it won at its bid, then orders new units for the rest.
struct PendingExpansion {
    var firm: ProviderID
    var tier: TierID
    /// The supply line new units would come from (of `tier`, or of the substitute the firm turns
    /// to when it cannot buy `tier` new); nil when it buys used units only.
    var supply: SupplyID?
    /// Units wanted in all, used or new (of `tier`).
    var units: Int

    /// Whether a new unit clears the firm's hurdle (else it wants used units only).
    var newPays: Bool
    /// Its bid's place in `usedBids[tier]`, if it bid.
    var bid: Int?
    /// The tier ordered new (`tier`, or its substitute) and the units of it that match one of `tier`.
    var orderTier: TierID
    var ratio: Double = 1
}

extension Market {
    /// The scrap value of a unit of tier `b`: the floor of every used price.
    func scrapValue(_ b: TierID) -> Double { scenario.usedMarket.scrapShare * scenario.tiers[b].purchaseCost }

    /// V_sec, what one unit of a cohort fetches at day `t`: the used price in force (a unit of the
    /// reference age) times the cohort's remaining-life factor, and never less than scrap. (What
    /// the firm paid — a backlog premium, say — sets its book value, not what the unit fetches.)
    @inline(__always)
    func usedValue(_ c: Cohort, at t: Double) -> Double {
        Swift.max(scrapValue(c.tier), usedPrice[c.tier] * remainingLife[c.tier].factor(age: ageYears(c, at: t)))
    }

    /// Units of tier `b` offered in the used market now.
    func usedInventory(_ b: TierID) -> Int { usedLots[b].reduce(0) { $0 + $1.units } }

    /// δ(D) = δ_max·D/(D + D_½): the discount on the sellers' ask with D units of tier `b` for sale,
    /// market depth D_½ a share of the tier's installed base.
    @inline(__always)
    func inventoryDiscount(tier b: TierID, units d: Int) -> Double {
        guard d > 0 else { return 0 }
        var base = 0
        for j in providers.indices where providers[j].active { base += providers[j].fleet.installed[b] }
        let half = Swift.max(1, scenario.exit.marketDepthShare * Double(base))
        return scenario.exit.fireSaleMaxDiscount * Double(d) / (Double(d) + half)
    }

    /// The month's time-averaged leased share of the tier's capacity over all firms; nil when no
    /// firm held the tier.
    func marketUtilisation(_ b: TierID) -> Double? {
        var leased = 0.0, capacity = 0.0
        for j in providers.indices {
            leased += providers[j].month.leasedArea[b]
            capacity += providers[j].month.installedArea[b]
        }
        return capacity > 0 ? Swift.min(1, leased / capacity) : nil
    }

    /// Power per running unit-hour of tier `b` at the sites that hold it (weighted by installed
    /// units; the first region when nobody holds it).
    func typicalPowerPerHour(_ b: TierID) -> Double {
        var units = 0, cost = 0.0
        for j in providers.indices where providers[j].active && providers[j].fleet.installed[b] > 0 {
            units += providers[j].fleet.installed[b]
            cost += Double(providers[j].fleet.installed[b]) * powerPerHour(firm: j, tier: b)
        }
        if units > 0 { return cost / Double(units) }
        guard let r = scenario.regions.ids.first else { return 0 }
        let mult = siteTable[r][Swift.min(currentMonth, siteTable[r].count - 1)]
        return scenario.tiers[b].powerKW * scenario.regions[r].pue * mult.pue * scenario.regions[r].electricityPrice * mult.electricity
    }

    /// V_fund: a unit of the reference age capitalised by the market — the rent index times the
    /// market's utilisation of the tier, net of power (idle units draw `idle_power_share`), over
    /// the unit's remaining physical life at ρ_used, the rent falling with the technology frontier;
    /// at least scrap.
    @inline(__always)
    func fundamentalUsedValue(_ b: TierID) -> Double {
        let u = marketUtilisation(b) ?? scenario.pricing.targetUtilisation
        let net = priceIndex[b] * u - typicalPowerPerHour(b) * powerDraw(utilisation: u)
        return Swift.max(scrapValue(b), net * daysPerMonth * hoursPerDay * remainingLife[b].referenceMonths)
    }

    /// What firm `j` would pay for a unit of tier `b` of the reference age: the unit's value in use to
    /// it over the unit's remaining life (``inUseRents(firm:tier:utilisation:)``: the flows of the
    /// impairment test, expected rents net of power and opex at its cost of capital) plus scrap at
    /// the end, over its hurdle; and, when it can buy the tier new, no more than a new unit is worth
    /// to it in the same terms — the new price scaled by remaining life, plus the rent the used unit
    /// earns while a new one would be in the backlog and in transit.
    func usedBidLimit(firm j: ProviderID, tier b: TierID, newPrice: Double?, leadYears: Double, utilisation u: Double) -> Double {
        let tier = scenario.tiers[b]
        let rho = providers[j].spec.costOfCapital
        let life = remainingLife[b]
        let months = Swift.max(1, Int(((life.life - life.reference) * 12).rounded()))
        let value = inUseRents(firm: j, tier: b, utilisation: u).presentValue(months: 1, through: months)
            + scrapValue(b) / pow(1 + rho, Double(months) / 12)
        var limit = value / scenario.expansion.hurdle
        if let newPrice {
            let whole = RemainingLife.annuity(q: life.q, years: tier.physicalLifeYears)
            let share = whole > 0 ? life.referenceMonths / whole : 0
            let power = powerPerHour(firm: j, tier: b)
            let waiting = Swift.max(0, providers[j].leasing.listPrice[b] * u - power) * daysPerMonth * hoursPerDay * leadYears * 12
            limit = Swift.min(limit, newPrice * share + waiting)
        }
        return Swift.max(0, limit)
    }

    /// Puts cohorts up for sale as lots of `seller`; `booked` when the units stay on an active
    /// seller's books until they sell.
    mutating func offer(_ cohorts: [Cohort], seller: ProviderID, booked: Bool) {
        for c in cohorts where c.units > 0 {
            usedLots[c.tier].append(UsedLot(units: c.units, purchaseDay: c.purchaseDay, unitCost: c.unitCost,
                                            seller: seller.index, booked: booked))
            monthTier[c.tier].usedOffered += c.units
        }
    }

    /// Takes `n` of firm `j`'s free owned units of tier `b` out of its fleet, oldest first.
    mutating func takeFreeUnits(firm j: ProviderID, tier b: TierID, units n: Int, at t: Double) -> [Cohort] {
        var left = Swift.min(n, Swift.max(0, providers[j].free(b)), providers[j].fleet.installed[b])
        guard left > 0 else { return [] }
        changeLeased(firm: j, tier: b, by: 0, at: t)
        var taken: [Cohort] = [], kept: [Cohort] = []
        for var c in providers[j].fleet.cohorts {
            if c.tier == b && left > 0 {
                let k = Swift.min(left, c.units)
                var part = c
                part.units = k
                taken.append(part)
                c.units -= k
                left -= k
            }
            if c.units > 0 { kept.append(c) }
        }
        providers[j].fleet.cohorts = kept
        providers[j].fleet.installed[b] -= taken.reduce(0) { $0 + $1.units }
        return taken
    }

    /// The monthly call auction of every tier, after the month's exits have put their units up:
    /// lots past their physical life are scrapped (retired); the rest clear against the month's
    /// bids at the sellers' common ask, max(scrap, V_fund·(1 − δ(D))), D the units for sale
    /// (``UsedClearing/clear(lots:bids:ask:)``). A buyer pays the uniform price times each unit's
    /// remaining-life factor and takes the units at once (no lead time; installed as power
    /// allows). A seller is paid only for units that sell: an active firm's proceeds are asset
    /// sales against the units' book value; an exited firm's go to its lenders first. Then the
    /// used price for next month: the clearing price when units traded, else the larger of the ask
    /// and the best bid (a bid above the ask leaves no trade only when nothing is for sale: then
    /// the units that exist are worth what a buyer offers); never below scrap.
    mutating func clearUsedMarket(month m: Int, at t: Double, records: inout ProviderTable<FirmMonthRecord?>,
                                  liquidation: inout ProviderTable<Double>) -> TierTable<[Int]> {
        var filled = TierTable<[Int]>(repeating: [], count: tierCount)
        for b in tierIDs {
            let physical = scenario.tiers[b].physicalLifeYears
            var kept: [UsedLot] = []
            for lot in usedLots[b] {
                let age = Swift.max(0, (t - lot.purchaseDay) / daysPerYear)
                if age >= physical {
                    monthTier[b].retired += lot.units
                    continue
                }
                kept.append(lot)
            }
            usedLots[b] = kept
            let inventory = usedInventory(b)
            let delta = inventoryDiscount(tier: b, units: inventory)
            usedDiscount[b] = delta
            let ask = Swift.max(scrapValue(b), fundamentalUsedValue(b) * (1 - delta))
            // A bid stands only while its firm is in the market (an entrant bids a month ahead and may leave first).
            let bids = usedBids[b].map { bid in
                let f = ProviderID(bid.firm)
                return providers[f].active && providers[f].exitPending == nil ? bid : UsedBid(firm: bid.firm, units: 0, limit: bid.limit)
            }
            filled[b] = Array(repeating: 0, count: bids.count)
            let result = UsedClearing.clear(lots: usedLots[b], bids: bids, ask: ask)
            if let price = result.price {
                for f in result.fills {
                    let lot = usedLots[b][f.lot]
                    let cohort = Cohort(tier: b, units: f.units, purchaseDay: lot.purchaseDay, unitCost: 0)
                    let unitPrice = Swift.max(scrapValue(b), price * remainingLife[b].factor(age: ageYears(cohort, at: t)))
                    let paid = Double(f.units) * unitPrice
                    // The buyer.
                    let buyer = ProviderID(bids[f.bid].firm)
                    var bought = cohort
                    bought.unitCost = unitPrice
                    providers[buyer].fleet.unpowered.append(bought)
                    planInvestment(firm: buyer, tier: b, units: f.units)
                    providers[buyer].month.capex += paid
                    filled[b][f.bid] += f.units
                    // The seller.
                    let seller = ProviderID(lot.seller)
                    var sold = cohort
                    sold.unitCost = lot.unitCost
                    let book = lot.booked ? Double(f.units) * bookValue(sold, at: t) : 0
                    if var r = records[seller] {
                        r.assetSales += paid
                        r.bookValueDisposed += book
                        var cash = paid
                        if !providers[seller].active {
                            let repay = Swift.min(providers[seller].ledger.debt, paid)
                            providers[seller].ledger.debt -= repay
                            r.debtRepaid += repay
                            r.debt = providers[seller].ledger.debt
                            cash -= repay
                        }
                        r.cashEnd += cash
                        providers[seller].ledger.cash += cash
                        records[seller] = r
                    } else {
                        liquidation[seller] += paid
                    }
                    usedLots[b][f.lot].units -= f.units
                }
                usedLots[b].removeAll { $0.units == 0 }
                monthTier[b].usedSold += result.unitsSold
                usedPrice[b] = price
            } else {
                // No trade: the units are worth what they earn (the ask), or more where a buyer
                // bids more — which, with no trade, happens only when nothing is for sale.
                usedPrice[b] = Swift.max(ask, bids.filter { $0.units > 0 }.map(\.limit).max() ?? 0)
            }
            usedBids[b] = []
        }
        return filled
    }

    /// The expansions of the month's reviews, after the used market cleared: each firm installs
    /// the used units it won, orders new units for the rest of what it wanted (when a new unit
    /// pays), and adds power (colocation or a build) for what will not fit.
    mutating func finishExpansions(filled: TierTable<[Int]>, at t: Double, calendar: inout EventCalendar<MarketEvent>) {
        var firms: [ProviderID] = []
        var powerNeedKW: [ProviderID: Double] = [:]
        for e in pendingExpansions {
            let got = e.bid.map { filled[e.tier][$0] } ?? 0
            if firms.last != e.firm { firms.append(e.firm) }
            guard let k = e.supply, e.newPays, e.units > got, providers[e.firm].active else { continue }
            // Units of the tier ordered that match what the used market did not give (⌈·⌉ for a substitute).
            let units = e.orderTier == e.tier ? e.units - got : Int((Double(e.units - got) * e.ratio - 1e-9).rounded(.up))
            let placed = placeOrder(provider: e.firm, supply: k, units: units, at: t)
            powerNeedKW[e.firm, default: 0] += Double(placed) * unitFacilityKW(e.firm, tier: e.orderTier)
        }
        pendingExpansions = []
        for j in firms {
            installUnpowered(j, at: t)
            var waitingKW = 0.0
            for c in providers[j].fleet.unpowered { waitingKW += Double(c.units) * unitFacilityKW(j, tier: c.tier) }
            let building = providers[j].power.builds.reduce(0.0) { $0 + $1.mw * 1000 }
            let short = powerUsedKW(j) + waitingKW + (powerNeedKW[j] ?? 0) - powerCapacityKW(j) - building
            if short > 0 { addPower(j, kw: short, at: t, calendar: &calendar) }
        }
    }

    /// The units identity of every tier at the close of month `m` (see ``FleetMonthRecord``).
    mutating func recordFleet(month m: Int) {
        for b in tierIDs {
            var r = FleetMonthRecord(month: m, tier: b.index)
            let tm = monthTier[b]
            r.stockStart = fleetStock[b]
            r.shipped = tm.shipped
            r.greyImported = tm.greyImported
            r.retired = tm.retired
            r.soldToUsers = tm.soldToUsers
            r.usedSold = tm.usedSold
            for k in supplies.indices where scenario.chipSupply[k].tier == b {
                r.inTransit += supplies[k].inTransit
                r.backlog += supplies[k].backlogUnits
            }
            for j in providers.indices where providers[j].active {
                r.atFirms += providers[j].fleet.installed[b]
                for c in providers[j].fleet.unpowered where c.tier == b { r.atFirms += c.units }
            }
            r.usedInventory = usedInventory(b)
            r.stockEnd = r.inTransit + r.atFirms + r.usedInventory
            fleetStock[b] = r.stockEnd
            fleetRecords[b].append(r)
        }
    }
}
