import Foundation
import SimKernel
import Stochastics

extension Market {
    /// Prepares month `m`: counters reset, month index set.
    mutating func beginMonth(_ m: Int) {
        currentMonth = m
        for b in monthTier.indices { monthTier[b] = TierMonth() }
        entriesThisMonth = 0
        beginSupplyMonth(m)
        updateVisibility()
    }

    /// Age in years of a cohort at day `t`.
    func ageYears(_ c: Cohort, at t: Double) -> Double { Swift.max(0, (t - c.purchaseDay) / daysPerYear) }

    /// Used-market value V_sec of one unit of a cohort at day `t`: the tier's list cost·(1−δ_sec)^age,
    /// times this month's fire-sale factor for the tier. (What the firm paid — a backlog premium,
    /// say — sets its book value, not what the unit fetches.)
    func usedValue(_ c: Cohort, at t: Double) -> Double {
        let tier = scenario.tiers[c.tier]
        return tier.purchaseCost * pow(1 - tier.usedDecline, ageYears(c, at: t)) * usedPriceFactor[c.tier]
    }

    /// Book value of one unit of a cohort at day `t` (straight line over the depreciation life).
    func bookValue(_ c: Cohort, at t: Double) -> Double {
        let life = scenario.tiers[c.tier].lifeYears
        return c.unitCost * Swift.max(0, 1 - ageYears(c, at: t) / life)
    }

    /// Marked-to-market collateral of a firm's fleet at day `t`.
    func collateral(_ j: Int, at t: Double) -> Double {
        var v = 0.0
        for c in providers[j].cohorts { v += Double(c.units) * usedValue(c, at: t) }
        return v
    }

    /// The annual interest rate a firm pays in month `m`.
    func interestRate(_ j: Int, month m: Int) -> Double {
        let spec = providers[j].spec
        return spec.floatingRate ? baseRateByMonth[m] + spec.interestRate : spec.interestRate
    }

    /// The monthly close: bill, apply cancellation and default clocks, pay costs, depreciate,
    /// service debt, sweep on covenant breach, draw, take parent support, check insolvency,
    /// hold reviews, settle exits with their fire sales, record, and reprice for next month.
    mutating func closeMonth(_ m: Int, at t: Double, calendar: inout EventCalendar<MarketEvent>) {
        let days = monthStart[m + 1] - monthStart[m]
        var pending: [FirmMonthRecord?] = Array(repeating: nil, count: providers.count)
        for j in providers.indices where providers[j].active {
            contractEvents(firm: j, month: m, at: t, days: days, calendar: &calendar)
        }
        massDefaults(month: m, at: t, calendar: &calendar)
        allocateShipments(month: m, at: t, calendar: &calendar)
        for j in providers.indices where providers[j].active {
            settleRentIns(firm: j, at: t)
            supplyCosts(j)
            retireUnits(j, at: t)
            installUnpowered(j, at: t)
        }
        for j in providers.indices where providers[j].active {
            pending[j] = accounts(firm: j, month: m, at: t, days: days)
        }
        for j in providers.indices where providers[j].active && providers[j].exitPending == nil
            && (m + j) % 3 == 2 {
            review(firm: j, month: m, at: t)
            guard providers[j].exitPending == nil, providers[j].spec.supply.expands else { continue }
            switch providers[j].spec.model {
            case .owner, .hybrid: expand(firm: j, month: m, at: t, calendar: &calendar)
            case .sublessor: expandSublessor(firm: j, month: m, at: t)
            case .broker: break
            }
            // Orders placed at the review are paid this month.
            if var r = pending[j], providers[j].capex > 0 {
                let extra = providers[j].capex
                providers[j].capex = 0
                r.capex += extra
                var cash = providers[j].cash - extra
                // A permitted draw up to the LTV limit keeps the cash floor.
                let spec = providers[j].spec
                let limit = spec.ltvCap * collateral(j, at: t)
                if cash < spec.minCash && providers[j].debt < limit {
                    let draw = Swift.min(limit - providers[j].debt, spec.minCash - cash)
                    r.debtDrawn += draw
                    providers[j].debt += draw
                    providers[j].debtMonthsLeft = scenario.finance.debtTermMonths
                    cash += draw
                }
                r.cashEnd = cash
                r.debt = providers[j].debt
                providers[j].cash = cash
                pending[j] = r
            }
        }
        settleExits(month: m, at: t, records: &pending, calendar: &calendar)
        recordSupply(month: m)
        recordMarket(month: m, at: t, records: pending)
        for j in providers.indices {
            if let r = pending[j] {
                firmRecords[j].append(r)
            } else if m >= firms[j].entryMonth {
                firmRecords[j].append(exitedRecord(firm: j, month: m))
            }
        }
        reprice(month: m, at: t)
        for j in providers.indices { resetMonth(firm: j, at: t) }
        if m + 1 < scenario.horizonMonths {
            for b in usedPriceFactor.indices { usedPriceFactor[b] = 1 }
            beginMonth(m + 1)
            enter(month: m, at: t, calendar: &calendar)
        }
    }

    /// Bills every lease to the month end and advances its cancellation and default clocks;
    /// a contract whose integrated hazard passes its clock ends at the close.
    ///
    /// Cancellation (non-take-or-pay): h_c0 + h_c1·max(0, p/I − 1) per year, paying
    /// `cancel_fee_months` of rent. Default (take-or-pay): the segment's hazard times active
    /// default shocks; the remaining payments become a claim recovered at the recovery rate.
    mutating func contractEvents(firm j: Int, month m: Int, at t: Double, days: Double,
                                 calendar: inout EventCalendar<MarketEvent>) {
        let contracts = scenario.contracts
        var ended: [(lease: Int, defaulted: Bool)] = []
        var largest = 0.0
        for id in providers[j].book {
            let l = Int(id)
            bill(lease: l, until: t)
            largest = Swift.max(largest, leases[l].billedThisMonth)
            leases[l].billedThisMonth = 0
            let lease = leases[l]
            guard lease.lessee < 0 else { continue }
            let exposed = Swift.min(days, t - lease.start) / daysPerYear
            if lease.takeOrPay {
                let seg = Int(tenants[Int(lease.tenant)].segment)
                leases[l].defaultHazard += scenario.segments[seg].defaultHazard * defaultShock[seg][m] * exposed
                if leases[l].defaultHazard >= lease.defaultThreshold { ended.append((l, true)) }
            } else {
                let index = priceIndex[Int(lease.tier)]
                let over = index > 0 ? Swift.max(0, lease.price / index - 1) : 0
                leases[l].cancelHazard += (contracts.cancelHazard + contracts.cancelHazardSlope * over) * exposed
                if leases[l].cancelHazard >= lease.cancelThreshold { ended.append((l, false)) }
            }
        }
        providers[j].largestLeaseRent = largest
        guard !ended.isEmpty else { return }
        for (l, defaulted) in ended {
            let lease = leases[l]
            let seg = scenario.segments[Int(tenants[Int(lease.tenant)].segment)]
            let remainingHours = Swift.max(0, lease.end - t) * hoursPerDay
            if defaulted {
                let claim = Double(lease.units) * lease.price * remainingHours
                providers[j].claimsBooked += claim
                providers[j].claimsRecovered += claim * seg.recoveryRate
            } else {
                let monthlyRent = Double(lease.units) * lease.price * daysPerMonth * hoursPerDay
                let fee = Swift.min(contracts.cancelFeeMonths * monthlyRent, Double(lease.units) * lease.price * remainingHours)
                providers[j].cancelFees += fee
            }
            endLease(l, at: t, calendar: &calendar)
        }
        retryWaiting(at: t, calendar: &calendar)
    }

    /// The firm's accounts for month `m` (before exits settle).
    mutating func accounts(firm j: Int, month m: Int, at t: Double, days: Double) -> FirmMonthRecord {
        let site = sitePower(firm: j, month: m)
        let spec = providers[j].spec
        for b in 0..<tierCount { providers[j].changeLeased(tier: b, by: 0, at: t) }
        var r = FirmMonthRecord(firm: j, month: m)
        r.cashStart = providers[j].cash
        r.rentRevenue = providers[j].rentRevenue
        r.cancelFees = providers[j].cancelFees
        r.claimsBooked = providers[j].claimsBooked
        r.claimsRecovered = providers[j].claimsRecovered
        r.commissionRevenue = providers[j].commission
        r.serverSales = providers[j].serverSales
        r.voucherIncome = collectVouchers(firm: j, month: m)
        r.revenue = providers[j].rentRevenue + providers[j].cancelFees + providers[j].claimsRecovered + providers[j].commission + providers[j].serverSales + r.voucherIncome
        r.leasesSigned = providers[j].leasesSigned
        r.colocationCost = providers[j].colocationCost
        r.rentInCost = providers[j].rentInCost
        r.refunds = providers[j].refunds
        r.capex = providers[j].capex - providers[j].refunds
        r.bookValueDisposed = 0
        if providers[j].equityAtEntry > 0 {
            r.equityRaised = providers[j].equityAtEntry
            providers[j].equityAtEntry = 0
        }

        var power = 0.0, installedDays = 0.0, leasedDays = 0.0
        let idle = scenario.pricing.idlePowerShare
        for b in 0..<tierCount {
            let unitHours = (providers[j].leasedArea[b] + idle * (providers[j].installedArea[b] - providers[j].leasedArea[b])) * hoursPerDay
            power += unitHours * scenario.tiers[b].powerKW * site.pue * site.price
            installedDays += providers[j].installedArea[b]
            leasedDays += providers[j].leasedArea[b]
        }
        r.powerCost = power
        r.fixedOpex = spec.fixedOpexMonthly + spec.opexPerUnitMonthly * installedDays / days
        r.utilisation = installedDays > 0 ? leasedDays / installedDays : nil

        let mid = t - days / 2
        var depreciation = 0.0
        for c in providers[j].cohorts {
            let life = scenario.tiers[c.tier].lifeYears
            if ageYears(c, at: mid) < life { depreciation += Double(c.units) * c.unitCost / (life * 12) }
        }
        depreciation += providers[j].facilityCost / (scenario.dataCentres.facilityLifeYears * 12)
        r.depreciation = depreciation
        r.bookValueSold = providers[j].bookValueSold

        // Debt service: interest, scheduled straight-line repayment.
        var debt = providers[j].debt
        r.interest = debt * interestRate(j, month: m) / 12
        var monthsLeft = providers[j].debtMonthsLeft
        let scheduled = debt > 0 ? debt / Double(Swift.max(1, monthsLeft)) : 0
        monthsLeft = Swift.max(0, monthsLeft - 1)
        var repaid = scheduled
        debt -= scheduled
        var cash = providers[j].cash + r.revenue + r.equityRaised - r.powerCost - r.colocationCost - r.rentInCost - r.fixedOpex
            - r.interest - r.capex - scheduled
        providers[j].capex = 0
        providers[j].refunds = 0

        // Covenant: debt above LTV × marked collateral sweeps cash above the floor into repayment.
        let limit = spec.ltvCap * collateral(j, at: t)
        if debt > limit {
            let sweep = Swift.min(debt - limit, Swift.max(0, cash - spec.minCash))
            repaid += sweep
            debt -= sweep
            cash -= sweep
        }
        // Permitted draws up to the LTV limit, then parent support, to restore the cash floor.
        if cash < spec.minCash && debt < limit {
            let draw = Swift.min(limit - debt, spec.minCash - cash)
            r.debtDrawn = draw
            debt += draw
            cash += draw
            monthsLeft = scenario.finance.debtTermMonths
        }
        if cash < spec.minCash {
            let available = spec.softBudget ? Double.infinity : providers[j].parentSupportLeft
            let equity = Swift.min(available, spec.minCash - cash)
            if equity > 0 {
                r.equityRaised += equity
                cash += equity
                if !spec.softBudget { providers[j].parentSupportLeft -= equity }
            }
        }
        r.debtRepaid = repaid
        r.cashEnd = cash
        r.debt = debt
        providers[j].cash = cash
        providers[j].debt = debt
        providers[j].debtMonthsLeft = monthsLeft

        var backlog = 0.0
        for id in providers[j].book {
            let lease = leases[Int(id)]
            backlog += Double(lease.units) * lease.price * Swift.max(0, lease.end - t) * hoursPerDay
        }
        providers[j].lastBacklog = backlog
        let marked = collateral(j, at: t)
        providers[j].lastLeverage = marked > 0 ? debt / marked : nil

        finishRecord(&r, firm: j)
        let ocf = r.revenue - r.powerCost - r.colocationCost - r.rentInCost - r.fixedOpex
        providers[j].ocfHistory.append(ocf - r.interest)
        if cash < 0 && !spec.softBudget { providers[j].exitPending = .insolvent }
        return r
    }

    /// Margins, net income and the unit columns of a record whose flows are final.
    func finishRecord(_ r: inout FirmMonthRecord, firm j: Int) {
        let costOfRevenue = r.powerCost + r.colocationCost + r.rentInCost + r.depreciation + r.bookValueSold
        if r.revenue > 0 {
            r.grossMargin = (r.revenue - costOfRevenue) / r.revenue
            r.ebitdaMargin = (r.revenue - r.powerCost - r.colocationCost - r.rentInCost - r.fixedOpex) / r.revenue
        } else {
            r.grossMargin = nil
            r.ebitdaMargin = nil
        }
        r.netIncome = r.revenue - costOfRevenue - r.fixedOpex - r.interest - (r.bookValueDisposed - r.assetSales)
        r.units = providers[j].installed
        r.unitsLeased = providers[j].leased
        r.unitsRentedIn = providers[j].rentedIn
        r.unitsOnOrder = providers[j].onOrder
        r.unitsUnpowered = Array(repeating: 0, count: tierCount)
        for c in providers[j].unpowered { r.unitsUnpowered[c.tier] += c.units }
        r.ownedMW = providers[j].ownedMW
        r.buildingMW = providers[j].builds.reduce(0) { $0 + $1.mw }
        r.colocationKW = providers[j].colocationKW
        r.listPrice = (0..<tierCount).map { providers[j].capacity($0) > 0 ? providers[j].listPrice[$0] : nil }
        r.status = providers[j].active && providers[j].exitPending == nil ? .active : .exited
    }

    /// The row of a firm that exited in an earlier month: flows 0, cash frozen.
    func exitedRecord(firm j: Int, month m: Int) -> FirmMonthRecord {
        var r = FirmMonthRecord(firm: j, month: m)
        r.cashStart = providers[j].cash
        r.cashEnd = providers[j].cash
        r.debt = providers[j].debt
        r.status = .exited
        r.units = Array(repeating: 0, count: tierCount)
        r.unitsLeased = r.units
        r.unitsRentedIn = r.units
        r.unitsOnOrder = r.units
        r.unitsUnpowered = r.units
        r.listPrice = Array(repeating: nil, count: tierCount)
        return r
    }

    /// Clears a firm's month accumulators after the close.
    mutating func resetMonth(firm j: Int, at t: Double) {
        providers[j].takeOrPayTrailing.append(providers[j].takeOrPayRent)
        providers[j].rentTrailing.append(providers[j].rentRevenue)
        providers[j].lastTopShare = providers[j].rentRevenue > 0 ? providers[j].largestLeaseRent / providers[j].rentRevenue : nil
        providers[j].rentByTierHistory.append(providers[j].rentByTier)
        if providers[j].rentByTierHistory.count > 12 { providers[j].rentByTierHistory.removeFirst() }
        providers[j].rentRevenue = 0
        providers[j].takeOrPayRent = 0
        providers[j].colocationCost = 0
        providers[j].rentInCost = 0
        providers[j].commission = 0
        providers[j].serverSales = 0
        providers[j].bookValueSold = 0
        providers[j].cancelFees = 0
        providers[j].claimsBooked = 0
        providers[j].claimsRecovered = 0
        providers[j].leasesSigned = 0
        providers[j].largestLeaseRent = 0
        for b in 0..<tierCount {
            providers[j].rentByTier[b] = 0
            providers[j].leasedArea[b] = 0
            providers[j].installedArea[b] = 0
            providers[j].lastChange[b] = t
        }
    }
}
