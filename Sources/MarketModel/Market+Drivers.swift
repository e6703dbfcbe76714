/// Why a firm exits: its realised cash flow measured against what it planned when it invested
/// (docs/MODEL.md, 5.11 "Exit drivers").
extension Market {
    /// Records an investment in firm `j`'s plan: `n` units of tier `b` at the firm's list price of
    /// the day; the site's power price and the loan rate of the day become the plan's.
    mutating func planInvestment(firm j: ProviderID, tier b: TierID, units n: Int) {
        providers[j].plan.commit(b, units: n, rent: providers[j].leasing.listPrice[b])
        planConditions(firm: j)
    }

    /// The plan's power price (electricity × PUE) and loan rate become those of the current month.
    mutating func planConditions(firm j: ProviderID) {
        let site = sitePower(firm: j, month: currentMonth)
        providers[j].plan.sitePrice = site.price * site.pue
        providers[j].plan.rate = interestRate(j, month: currentMonth)
        // What its space costs it: the mean price of the colocation it holds, else the region's price of the day.
        let kw = providers[j].power.colocationKW
        providers[j].plan.colocationPrice = kw > 0
            ? providers[j].power.colocation.reduce(0) { $0 + $1.kw * $1.price } / kw : colocationPrice(providers[j].spec.region, addingKW: 0)
    }

    /// Planned net rent of a unit of tier `b` per hour at firm `j`: the planned rent at the target
    /// utilisation, less power at the planned price (an idle unit draws the idle share); never below 0.
    @inline(__always)
    func plannedMargin(firm j: ProviderID, tier b: TierID) -> Double {
        let u = scenario.pricing.targetUtilisation
        let rent = providers[j].plan.rent(b, fallback: providers[j].leasing.listPrice[b])
        let power = scenario.tiers[b].powerKW * providers[j].plan.sitePrice * powerDraw(utilisation: u)
        return Swift.max(0, rent * u - power)
    }

    /// The chips part of month `m`'s shortfalls, for every active firm in one pass over the backlogs,
    /// the shipments in transit and the orders bans cancelled: less the planned margin of the
    /// unit-hours past their expected delivery day and not delivered (late, or lost to a ban).
    mutating func accrueChipShortfalls(month m: Int, at t: Double) {
        let start = monthStart[m]
        // Unit-days this month past the expected delivery: max(0, t − max(start, expected)).
        func overdue(_ expected: Double) -> Double { Swift.max(0, t - Swift.max(start, expected)) }
        var missing = ProviderTable(repeating: 0.0, count: providers.count)
        for k in supplies.indices {
            let b = scenario.chipSupply[k].tier
            for o in supplies[k].backlog where o.expectedDay < t && providers[o.provider].active {
                missing[o.provider] += Double(o.units) * overdue(o.expectedDay) * hoursPerDay * plannedMargin(firm: o.provider, tier: b)
            }
        }
        for id in inTransit where shipments[id].expectedDay < t && providers[shipments[id].provider].active {
            let s = shipments[id]
            missing[s.provider] += Double(s.units) * overdue(s.expectedDay) * hoursPerDay
                * plannedMargin(firm: s.provider, tier: scenario.chipSupply[s.supply].tier)
        }
        for j in activeIDs {
            for x in providers[j].plan.lost where x.day < t {
                missing[j] += Double(x.units) * overdue(x.day) * hoursPerDay * plannedMargin(firm: j, tier: x.tier)
            }
            providers[j].drivers.chips -= missing[j]
        }
    }

    /// Adds the month's other shortfalls against plan to firm `j`'s drivers, from its accounts of the
    /// month (`record`, before exits settle; `days` long) and its state at the close (chips:
    /// ``accrueChipShortfalls(month:at:)``):
    /// - price: rent revenue less the planned rent at the target utilisation on the capacity it had;
    /// - datacentre: power at the planned price less power paid, less the planned margin of units
    ///   delivered and waiting for power, less colocation paid above the planned price, less build
    ///   cost overruns;
    /// - debt: interest at the planned rate less interest paid, less repayments beyond the schedule;
    /// - defaults: claims recovered less claims booked;
    /// - chips (besides the shortfalls): prepayments a ban's cancellation wrote off, penalties to pre-let tenants.
    mutating func accrueDrivers(firm j: ProviderID, record r: FirmMonthRecord, debtAtStart: Double, scheduledRepayment: Double,
                                site: Double, days: Double) {
        let u = scenario.pricing.targetUtilisation
        var d = providers[j].drivers

        var plannedRent = 0.0
        for b in tierIDs where providers[j].month.installedArea[b] > 0 {
            let rent = providers[j].plan.rent(b, fallback: providers[j].leasing.listPrice[b])
            plannedRent += rent * u * providers[j].month.installedArea[b] * hoursPerDay
        }
        d.price += r.rentRevenue - plannedRent

        let planSite = providers[j].plan.sitePrice
        let plannedPower = site > 0 && site != planSite ? r.powerCost * planSite / site : r.powerCost
        d.datacentre -= r.powerCost - plannedPower
        for c in providers[j].fleet.unpowered {
            d.datacentre -= Double(c.units) * days * hoursPerDay * plannedMargin(firm: j, tier: c.tier)
        }
        // Colocation above the planned price for the kW held (scarce space renewed dearer), and build overruns.
        d.datacentre -= r.colocationCost - providers[j].plan.colocationPrice * providers[j].power.colocationKW
        d.datacentre -= r.buildOverrun

        d.debt -= r.interest - debtAtStart * providers[j].plan.rate / 12
        d.debt -= Swift.max(0, r.debtRepaid - scheduledRepayment)

        d.defaults -= r.claimsBooked - r.claimsRecovered
        // A ban's cancelled orders also cost what the vendor kept and the penalties to pre-let tenants.
        d.chips -= r.ordersWrittenOff + r.cancellationPenalties
        providers[j].drivers = d
    }
}
