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
    }

    /// Planned net rent of a unit of tier `b` per hour at firm `j`: the planned rent at the target
    /// utilisation, less power at the planned price (an idle unit draws the idle share); never below 0.
    @inline(__always)
    func plannedMargin(firm j: ProviderID, tier b: TierID) -> Double {
        let u = scenario.pricing.targetUtilisation
        let rent = providers[j].plan.rent(b, fallback: providers[j].leasing.listPrice[b])
        let power = scenario.tiers[b].powerKW * providers[j].plan.sitePrice * (u + scenario.pricing.idlePowerShare * (1 - u))
        return Swift.max(0, rent * u - power)
    }

    /// Adds month `m`'s shortfalls against plan to firm `j`'s drivers, from its accounts of the month
    /// (`record`, before exits settle) and its state at the close `t`:
    /// - price: rent revenue less the planned rent at the target utilisation on the capacity it had;
    /// - datacentre: power at the planned price less power paid, less the planned margin of units
    ///   delivered and waiting for power;
    /// - chips: less the planned margin of units past their expected delivery and not delivered
    ///   (late, or cancelled by a ban);
    /// - debt: interest at the planned rate less interest paid, less repayments beyond the schedule;
    /// - defaults: claims recovered less claims booked.
    mutating func accrueDrivers(firm j: ProviderID, record r: FirmMonthRecord, debtAtStart: Double, scheduledRepayment: Double,
                                site: Double, month m: Int, at t: Double, days: Double) {
        let u = scenario.pricing.targetUtilisation
        let start = monthStart[m]
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

        // Unit-days this month past the expected delivery: max(0, t − max(start, expected)).
        func overdue(_ expected: Double) -> Double { Swift.max(0, t - Swift.max(start, expected)) }
        var missing = 0.0
        for k in supplies.indices {
            let b = scenario.chipSupply[k].tier
            for o in supplies[k].backlog where o.provider == j && o.expectedDay < t {
                missing += Double(o.units) * overdue(o.expectedDay) * hoursPerDay * plannedMargin(firm: j, tier: b)
            }
        }
        for id in inTransit where shipments[id].provider == j && shipments[id].expectedDay < t {
            let s = shipments[id]
            missing += Double(s.units) * overdue(s.expectedDay) * hoursPerDay * plannedMargin(firm: j, tier: scenario.chipSupply[s.supply].tier)
        }
        for x in providers[j].plan.lost where x.day < t {
            missing += Double(x.units) * overdue(x.day) * hoursPerDay * plannedMargin(firm: j, tier: x.tier)
        }
        d.chips -= missing

        d.debt -= r.interest - debtAtStart * providers[j].plan.rate / 12
        d.debt -= Swift.max(0, r.debtRepaid - scheduledRepayment)

        d.defaults -= r.claimsBooked - r.claimsRecovered
        providers[j].drivers = d
    }
}
