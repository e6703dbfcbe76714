import Foundation
import SimKernel
import Stochastics

extension Market {
    /// Prepares month `m`: counters reset, month index set.
    mutating func beginMonth(_ m: Int) {
        currentMonth = m
        for b in tierIDs { monthTier[b] = TierMonth() }
        entriesThisMonth = 0
        beginSupplyMonth(m)
        updateVisibility()
    }

    /// Age in years of a cohort at day `t`.
    func ageYears(_ c: Cohort, at t: Double) -> Double { Swift.max(0, (t - c.purchaseDay) / daysPerYear) }

    /// Book value of one unit of a cohort at day `t` (straight line over the depreciation life).
    func bookValue(_ c: Cohort, at t: Double) -> Double {
        let life = scenario.tiers[c.tier].lifeYears
        return c.unitCost * Swift.max(0, 1 - ageYears(c, at: t) / life)
    }

    /// Marked-to-market collateral of a firm's fleet at day `t`.
    @inline(__always)
    func collateral(_ j: ProviderID, at t: Double) -> Double {
        var v = 0.0
        for c in providers[j].fleet.cohorts { v += Double(c.units) * usedValue(c, at: t) }
        return v
    }

    /// The annual interest rate a firm pays in month `m`.
    func interestRate(_ j: ProviderID, month m: Int) -> Double {
        let spec = providers[j].spec
        return spec.floatingRate ? baseRateByMonth[m] + spec.interestRate : spec.interestRate
    }

    /// The monthly close: bill, apply cancellation and default clocks, pay costs, depreciate,
    /// service debt, sweep on covenant breach, draw, take parent support, check insolvency,
    /// hold reviews, settle exits with their fire sales, record, and reprice for next month.
    mutating func closeMonth(_ m: Int, at t: Double, calendar: inout EventCalendar<MarketEvent>) {
        let days = monthStart[m + 1] - monthStart[m]
        var pending = ProviderTable<FirmMonthRecord?>(repeating: nil, count: providers.count)
        for j in providers.indices where providers[j].active {
            contractEvents(firm: j, month: m, at: t, days: days, calendar: &calendar)
        }
        massDefaults(month: m, at: t, calendar: &calendar)
        allocateShipments(month: m, at: t, calendar: &calendar)
        for j in providers.indices where providers[j].active {
            settleRentIns(firm: j, at: t, calendar: &calendar)
            supplyCosts(j, at: t)
            retireUnits(j, at: t)
            installUnpowered(j, at: t)
        }
        accrueChipShortfalls(month: m, at: t)
        for j in providers.indices where providers[j].active {
            pending[j] = accounts(firm: j, month: m, at: t, days: days)
        }
        for j in providers.indices where providers[j].active && providers[j].exitPending == nil
            && (m + j.index) % 3 == 2 {
            if pending[j] != nil { pending[j]!.impairment = testImpairment(firm: j, at: t) }
            review(firm: j, month: m, at: t)
            guard providers[j].exitPending == nil, providers[j].spec.supply.expands else { continue }
            switch providers[j].spec.model {
            case .owner, .hybrid: expand(firm: j, month: m, at: t)
            case .sublessor: expandSublessor(firm: j, month: m, at: t, calendar: &calendar)
            case .broker: break
            }
        }
        settleExits(month: m, at: t, records: &pending, calendar: &calendar)
        var liquidation = ProviderTable<Double>(repeating: 0, count: providers.count)
        let filled = clearUsedMarket(month: m, at: t, records: &pending, liquidation: &liquidation)
        finishExpansions(filled: filled, at: t, calendar: &calendar)
        // Units bought since the accounts — at the review, used or new, or an entrant's used first
        // order — are paid this month.
        for j in providers.indices where providers[j].active && providers[j].month.capex > 0 {
            guard var r = pending[j] else { continue }
            let extra = providers[j].month.capex
            providers[j].month.capex = 0
            r.capex += extra
            r.cashEnd -= extra
            providers[j].ledger.cash -= extra
            restoreCashFloor(firm: j, record: &r, at: t)
            pending[j] = r
        }
        recordSupply(month: m)
        recordMarket(month: m, at: t)
        recordFleet(month: m)
        for j in providers.indices {
            if var r = pending[j].take() {   // moved out: the record is not copied
                // The unit columns and the book value at month end: after the used market and the
                // review's purchases (the flows are final by now, so the margins do not change).
                finishRecord(&r, firm: j)
                firmRecords[j].append(r)
            } else if m >= firms[j].entryMonth {
                firmRecords[j].append(exitedRecord(firm: j, month: m, proceeds: liquidation[j]))
            }
        }
        for b in tierIDs {
            let tm = monthTier[b]
            signedRent[b] = tm.shortUnits > 0 ? tm.shortValue / Double(tm.shortUnits)
                : tm.signedUnits > 0 ? tm.signedValue / Double(tm.signedUnits) : priceIndex[b]
            closedUtilisation[b] = marketUtilisation(b) ?? scenario.pricing.targetUtilisation
        }
        signedRentPath.append(signedRent)
        // The trend's window is at most 36 months (the schema's range): older closes are not read.
        if signedRentPath.count > 37 { signedRentPath.removeFirst(signedRentPath.count - 37) }
        reprice(month: m, at: t)
        for j in providers.indices { resetMonth(firm: j, at: t) }
        if m + 1 < scenario.horizonMonths {
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
    mutating func contractEvents(firm j: ProviderID, month m: Int, at t: Double, days: Double,
                                 calendar: inout EventCalendar<MarketEvent>) {
        let contracts = scenario.contracts
        // Contracts that end at this close, with the recovery rate of a default (nil: a cancellation).
        var ended: [(lease: LeaseID, defaultRecovery: Double?)] = []
        var largest = 0.0
        for l in providers[j].leasing.book {
            bill(lease: l, until: t)
            largest = Swift.max(largest, leases[l].billedThisMonth)
            leases[l].billedThisMonth = 0
            let lease = leases[l]
            guard case .tenant(let i) = lease.lessee else { continue }
            let exposed = Swift.min(days, t - lease.start) / daysPerYear
            if lease.takeOrPay {
                let seg = tenants[i].segment
                leases[l].defaultHazard += scenario.segments[seg].defaultHazard * defaultShock[seg][m] * exposed
                if leases[l].defaultHazard >= lease.defaultThreshold { ended.append((l, scenario.segments[seg].recoveryRate)) }
            } else {
                let index = priceIndex[lease.tier]
                let over = index > 0 ? Swift.max(0, lease.price / index - 1) : 0
                leases[l].cancelHazard += (contracts.cancelHazard + contracts.cancelHazardSlope * over) * exposed
                if leases[l].cancelHazard >= lease.cancelThreshold { ended.append((l, nil)) }
            }
        }
        providers[j].month.largestLeaseRent = largest
        guard !ended.isEmpty else { return }
        for (l, defaultRecovery) in ended {
            let lease = leases[l]
            let remainingHours = Swift.max(0, lease.end - t) * hoursPerDay
            if let recoveryRate = defaultRecovery {
                let claim = Double(lease.units) * lease.price * remainingHours
                providers[j].month.claimsBooked += claim
                providers[j].month.claimsRecovered += claim * recoveryRate
            } else {
                let monthlyRent = Double(lease.units) * lease.price * daysPerMonth * hoursPerDay
                let fee = Swift.min(contracts.cancelFeeMonths * monthlyRent, Double(lease.units) * lease.price * remainingHours)
                providers[j].month.cancelFees += fee
            }
            endLease(l, at: t, calendar: &calendar)
        }
        retryWaiting(freedBy: j, at: t, calendar: &calendar)
    }

    /// The firm's accounts for month `m` (before exits settle).
    mutating func accounts(firm j: ProviderID, month m: Int, at t: Double, days: Double) -> FirmMonthRecord {
        let site = sitePower(firm: j, month: m)
        let spec = providers[j].spec
        for b in tierIDs { changeLeased(firm: j, tier: b, by: 0, at: t) }
        var r = FirmMonthRecord(firm: j.index, month: m)
        r.cashStart = providers[j].ledger.cash
        r.rentRevenue = providers[j].month.rentRevenue
        r.cancelFees = providers[j].month.cancelFees
        r.claimsBooked = providers[j].month.claimsBooked
        r.claimsRecovered = providers[j].month.claimsRecovered
        r.commissionRevenue = providers[j].month.commission
        r.serverSales = providers[j].month.serverSales
        r.voucherIncome = collectVouchers(firm: j, month: m)
        r.cancellationPenalties = providers[j].month.cancellationPenalties
        r.ordersWrittenOff = providers[j].month.ordersWrittenOff
        r.revenue = providers[j].month.rentRevenue + providers[j].month.cancelFees + providers[j].month.claimsRecovered + providers[j].month.commission + providers[j].month.serverSales + r.voucherIncome
            - r.cancellationPenalties
        r.leasesSigned = providers[j].month.leasesSigned
        r.colocationCost = providers[j].month.colocationCost
        r.buildOverrun = providers[j].month.buildOverrun
        r.rentInCost = providers[j].month.rentInCost
        r.refunds = providers[j].month.refunds
        r.capex = providers[j].month.capex - providers[j].month.refunds
        r.bookValueDisposed = 0
        if providers[j].ledger.equityAtEntry > 0 {
            r.equityRaised = providers[j].ledger.equityAtEntry
            providers[j].ledger.equityAtEntry = 0
        }

        var power = 0.0, installedDays = 0.0, leasedDays = 0.0, ownedDays = 0.0
        let idle = scenario.pricing.idlePowerShare
        for b in tierIDs {
            let area = providers[j].month.installedArea[b]
            let unitHours = (providers[j].month.leasedArea[b] + idle * (area - providers[j].month.leasedArea[b])) * hoursPerDay
            // Power on the owned share of the capacity only: the lessor of rented-in units pays theirs.
            let owned = area > 0 ? providers[j].month.ownedArea[b] / area : 1
            power += unitHours * owned * scenario.tiers[b].powerKW * site.pue * site.price
            installedDays += area
            leasedDays += providers[j].month.leasedArea[b]
            ownedDays += providers[j].month.ownedArea[b]
        }
        r.powerCost = power
        r.fixedOpex = spec.fixedOpexMonthly + spec.opexPerUnitMonthly * ownedDays / days
        r.utilisation = installedDays > 0 ? leasedDays / installedDays : nil

        let mid = t - days / 2
        var depreciation = 0.0
        for c in providers[j].fleet.cohorts {
            let life = scenario.tiers[c.tier].lifeYears
            if ageYears(c, at: mid) < life { depreciation += Double(c.units) * c.unitCost / (life * 12) }
        }
        depreciation += providers[j].power.facilityCost / (scenario.dataCentres.facilityLifeYears * 12)
        r.depreciation = depreciation
        r.bookValueSold = providers[j].month.bookValueSold

        // Debt service: interest, scheduled straight-line repayment.
        var debt = providers[j].ledger.debt
        let debtAtStart = debt
        r.interest = debt * interestRate(j, month: m) / 12
        var monthsLeft = providers[j].ledger.debtMonthsLeft
        let scheduled = debt > 0 ? debt / Double(Swift.max(1, monthsLeft)) : 0
        monthsLeft = Swift.max(0, monthsLeft - 1)
        var repaid = scheduled
        debt -= scheduled
        var cash = providers[j].ledger.cash + r.revenue + r.equityRaised - r.powerCost - r.colocationCost - r.rentInCost - r.fixedOpex
            - r.interest - r.capex - scheduled
        providers[j].month.capex = 0
        providers[j].month.refunds = 0

        // Covenant: debt above LTV × marked collateral sweeps cash above the floor into repayment.
        let marked = collateral(j, at: t)
        let limit = spec.ltvCap * marked
        if debt > limit {
            let sweep = Swift.min(debt - limit, Swift.max(0, cash - spec.minCash))
            repaid += sweep
            debt -= sweep
            cash -= sweep
        }
        r.debtRepaid = repaid
        r.cashEnd = cash
        r.debt = debt
        accrueDrivers(firm: j, record: r, debtAtStart: debtAtStart, scheduledRepayment: scheduled,
                      site: site.price * site.pue, days: days)
        providers[j].ledger.cash = cash
        providers[j].ledger.debt = debt
        providers[j].ledger.debtMonthsLeft = monthsLeft
        restoreCashFloor(firm: j, record: &r, at: t)
        // A firm still in breach after the sweep puts idle units up for sale to pay the excess down.
        // Offering units for sale may change the cohorts the collateral is marked on.
        let offered = providers[j].ledger.debt > limit
        if offered { offerForDistress(firm: j, excess: providers[j].ledger.debt - limit, at: t) }
        cash = providers[j].ledger.cash
        debt = providers[j].ledger.debt

        var backlog = 0.0
        for l in providers[j].leasing.book {
            let lease = leases[l]
            backlog += Double(lease.units) * lease.price * Swift.max(0, lease.end - t) * hoursPerDay
        }
        providers[j].history.lastBacklog = backlog
        // The collateral marked above, unless units were offered since (the same value otherwise:
        // nothing between changes the cohorts, their used prices or t).
        let markedNow = offered ? collateral(j, at: t) : marked
        providers[j].history.lastLeverage = markedNow > 0 ? debt / markedNow : nil

        let ocf = r.revenue - r.powerCost - r.colocationCost - r.rentInCost - r.fixedOpex
        providers[j].history.ocf.append(ocf - r.interest)
        if cash < 0 && !spec.softBudget { providers[j].exitPending = .insolvent }
        return r
    }

    /// Margins, net income and the unit columns of a record whose flows are final.
    func finishRecord(_ r: inout FirmMonthRecord, firm j: ProviderID) {
        let costOfRevenue = r.powerCost + r.colocationCost + r.rentInCost + r.depreciation + r.bookValueSold
        if r.revenue > 0 {
            r.grossMargin = (r.revenue - costOfRevenue) / r.revenue
            r.ebitdaMargin = (r.revenue - r.powerCost - r.colocationCost - r.rentInCost - r.fixedOpex) / r.revenue
        } else {
            r.grossMargin = nil
            r.ebitdaMargin = nil
        }
        r.netIncome = r.revenue - costOfRevenue - r.fixedOpex - r.interest - r.impairment - r.ordersWrittenOff
            - (r.bookValueDisposed - r.assetSales)
        r.bookValue = carryingAmount(firm: j, at: monthStart[r.month + 1])
        var f = TierFigures(tiers: tierCount)
        for b in tierIDs {
            let t = b.index
            f[.installed, t] = providers[j].fleet.installed[b]
            f[.leased, t] = providers[j].leasing.leased[b]
            f[.rentedIn, t] = providers[j].fleet.rentedIn[b]
            f[.wholesaleOut, t] = providers[j].leasing.wholesaleOut[b]
            f[.onOrder, t] = providers[j].fleet.onOrder[b]
            if providers[j].capacity(b) > 0 { f.setPrice(t, providers[j].leasing.listPrice[b]) }
        }
        for x in providers[j].fleet.rentIns { if case .overseas = x.backing { f[.rentedOverseas, x.tier.index] += x.units } }
        for c in providers[j].fleet.unpowered { f[.unpowered, c.tier.index] += c.units }
        r.perTier = f
        r.ownedMW = providers[j].power.ownedMW
        r.buildingMW = providers[j].power.builds.reduce(0) { $0 + $1.mw }
        r.colocationKW = providers[j].power.colocationKW
        r.colocationPrice = colocationPrice(providers[j].spec.region, addingKW: 0)
        r.status = providers[j].active && providers[j].exitPending == nil ? .active : .exited
    }

    /// The row of a firm that exited in an earlier month: no flows but its liquidator's sales.
    ///
    /// `proceeds` are what its liquidator's units fetched in the used market this month: they
    /// repay the lenders first, and any rest is the firm's cash (the units' book value left the
    /// books at exit, so the proceeds are a gain).
    mutating func exitedRecord(firm j: ProviderID, month m: Int, proceeds: Double) -> FirmMonthRecord {
        var r = FirmMonthRecord(firm: j.index, month: m)
        r.cashStart = providers[j].ledger.cash
        if proceeds > 0 {
            let repay = Swift.min(providers[j].ledger.debt, proceeds)
            providers[j].ledger.debt -= repay
            providers[j].ledger.cash += proceeds - repay
            r.assetSales = proceeds
            r.debtRepaid = repay
            r.netIncome = proceeds
        }
        r.cashEnd = providers[j].ledger.cash
        r.debt = providers[j].ledger.debt
        r.status = .exited
        r.perTier = TierFigures(tiers: tierCount)
        return r
    }

    /// Keeps the closed month's figures the reviews and outcomes need, and starts the firm's next
    /// month from zero, its integrals from day `t`.
    mutating func resetMonth(firm j: ProviderID, at t: Double) {
        for b in tierIDs where providers[j].month.installedArea[b] > 0 {
            providers[j].leasing.utilisation[b] = providers[j].month.leasedArea[b] / providers[j].month.installedArea[b]
        }
        let rent = providers[j].month.rentRevenue
        providers[j].history.takeOrPayRent.append(providers[j].month.takeOrPayRent)
        providers[j].history.rent.append(rent)
        providers[j].history.lastTopShare = rent > 0 ? providers[j].month.largestLeaseRent / rent : nil
        // Kept while the firm is in the market (and for the close it leaves at): the trailing year it had.
        if providers[j].exit.map({ $0.month == currentMonth }) ?? true {
            providers[j].history.rentByTier.append(providers[j].month.rentByTier)
            if providers[j].history.rentByTier.count > 12 { providers[j].history.rentByTier.removeFirst() }
            providers[j].history.starvation.append((Double(providers[j].month.refusedUnbuyable),
                                                     averageLeased(firm: j, at: t)))
            if providers[j].history.starvation.count > 12 { providers[j].history.starvation.removeFirst() }
        }
        providers[j].month.reset(from: t)
    }
}

extension Market {
    /// The one rule that keeps a firm's cash floor, after its monthly accounts and after paying
    /// for units bought at its review: below `min_cash`, it draws on its loan up to `ltv_cap` ×
    /// the marked collateral (re-amortising the balance over `finance.debt_term_months`), then
    /// takes parent support up to what is left of it (without limit for a soft-budget firm).
    mutating func restoreCashFloor(firm j: ProviderID, record r: inout FirmMonthRecord, at t: Double) {
        let spec = providers[j].spec
        var cash = providers[j].ledger.cash
        guard cash < spec.minCash else { return }
        let limit = spec.ltvCap * collateral(j, at: t)
        if providers[j].ledger.debt < limit {
            let draw = Swift.min(limit - providers[j].ledger.debt, spec.minCash - cash)
            r.debtDrawn += draw
            providers[j].ledger.debt += draw
            providers[j].ledger.debtMonthsLeft = scenario.finance.debtTermMonths
            cash += draw
        }
        if cash < spec.minCash {
            let available = spec.softBudget ? Double.infinity : providers[j].ledger.parentSupportLeft
            let equity = Swift.min(available, spec.minCash - cash)
            if equity > 0 {
                r.equityRaised += equity
                cash += equity
                if !spec.softBudget { providers[j].ledger.parentSupportLeft -= equity }
            }
        }
        providers[j].ledger.cash = cash
        r.cashEnd = cash
        r.debt = providers[j].ledger.debt
    }

    /// A firm whose debt still exceeds its limit after the covenant sweep puts idle owned units
    /// up for sale, oldest first and the tier with the most idle units first, enough at today's
    /// used values to cover the excess; they stay on its books until they sell.
    mutating func offerForDistress(firm j: ProviderID, excess: Double, at t: Double) {
        var left = excess
        let tiers = tierIDs.sorted { providers[j].free($0) != providers[j].free($1) ? providers[j].free($0) > providers[j].free($1) : $0 < $1 }
        for b in tiers where left > 0 && providers[j].free(b) > 0 && providers[j].fleet.installed[b] > 0 {
            let value = providers[j].fleet.cohorts.first { $0.tier == b }.map { usedValue($0, at: t) } ?? scrapValue(b)
            let n = Int((left / Swift.max(value, 1e-9)).rounded(.up))
            let taken = takeFreeUnits(firm: j, tier: b, units: n, at: t)
            for c in taken { left -= Double(c.units) * usedValue(c, at: t) }
            offer(taken, seller: j, booked: true)
        }
    }
}
