import Foundation
extension Market {
    /// Market rows for month `m`: one market-wide row (`tier == nil`) then one per tier.
    mutating func recordMarket(month m: Int, at t: Double) {
        var all = MarketMonthRecord(month: m, tier: nil)
        var tierRows: [MarketMonthRecord] = []
        var totalInstalled = 0
        var firmUnits = ProviderTable(repeating: 0, count: providers.count)
        var firmRevenue = ProviderTable(repeating: 0.0, count: providers.count)
        for b in tierIDs {
            var row = MarketMonthRecord(month: m, tier: b.index)
            let tier = scenario.tiers[b]
            let tm = monthTier[b]
            var installed = 0, leased = 0, active = 0, revenue = 0.0
            for j in providers.indices where providers[j].active {
                installed += providers[j].fleet.installed[b]
                leased += providers[j].leasing.leased[b]
                if providers[j].fleet.installed[b] > 0 { active += 1 }
                revenue += providers[j].month.rentByTier[b]
                firmUnits[j] += providers[j].fleet.installed[b]
                firmRevenue[j] += providers[j].month.rentByTier[b]
            }
            // Herfindahl indexes over active firms (as `herfindahl`, without arrays).
            var hhiUnits = 0.0, hhiRevenue = 0.0
            let unitTotal = Double(installed)
            for j in providers.indices where providers[j].active {
                let x = Double(providers[j].fleet.installed[b]), y = providers[j].month.rentByTier[b]
                hhiUnits += (x / unitTotal) * (x / unitTotal)
                hhiRevenue += (y / revenue) * (y / revenue)
            }
            row.priceIndex = priceIndex[b]
            row.signedPriceIndex = tm.signedUnits > 0 ? tm.signedValue / Double(tm.signedUnits) : nil
            row.shortTermPrice = tm.shortUnits > 0 ? tm.shortValue / Double(tm.shortUnits) : nil
            row.usedPrice = usedPrice[b]
            row.fireSaleDiscount = usedDiscount[b]
            row.tenantsArrived = tm.tenantsArrived
            row.tenantsLost = tm.tenantsLost
            row.tenantsSigned = tm.tenantsSigned
            row.unitsRequested = tm.unitsRequested
            row.unitsLost = tm.unitsLost
            var firmLeased = 0, unpowered = 0
            for j in providers.indices where providers[j].active {
                for r in providers[j].fleet.rentIns where r.tier == b { if case .lease = r.backing { firmLeased += r.units } }
                for c in providers[j].fleet.unpowered where c.tier == b { unpowered += c.units }
            }
            row.unitsInstalled = installed
            row.unitsLeased = leased - firmLeased
            row.unitsDeliveredUnpowered = unpowered
            var capacity = 0.0, priced = 0.0
            for k in supplies.indices where scenario.chipSupply[k].tier == b {
                let cap = Swift.max(supplyCapacity(k, month: m), 1e-9)
                capacity += cap
                priced += cap * chipPrice(k, month: m)
                row.backlogUnits += supplies[k].backlogUnits
            }
            row.chipPrice = capacity > 0 ? priced / capacity : nil
            row.leadTimeDays = tm.deliveredUnits > 0 ? tm.leadTimeSum / Double(tm.deliveredUnits) : nil
            row.eflopsFP16 = Double(installed) * tier.tflops / 1e6
            row.activeFirms = active
            row.exits = tm.exits
            row.usedOffered = tm.usedOffered
            row.usedSold = tm.usedSold
            row.usedInventory = usedInventory(b)
            row.hhiUnits = unitTotal > 0 ? hhiUnits : nil
            row.hhiRevenue = revenue > 0 ? hhiRevenue : nil
            tierRows.append(row)

            all.tenantsArrived += tm.tenantsArrived
            all.tenantsLost += tm.tenantsLost
            all.tenantsSigned += tm.tenantsSigned
            all.unitsRequested += tm.unitsRequested
            all.unitsLost += tm.unitsLost
            all.unitsInstalled += installed
            all.unitsLeased += row.unitsLeased
            all.unitsDeliveredUnpowered += row.unitsDeliveredUnpowered
            all.backlogUnits += row.backlogUnits
            all.eflopsFP16 += row.eflopsFP16
            all.usedOffered += tm.usedOffered
            all.usedSold += tm.usedSold
            all.usedInventory += row.usedInventory
            totalInstalled += installed
        }
        var waitingUnits = TierTable(repeating: 0, count: tierCount)
        // With a bounded consideration set no pass over `waiting` drops those who stopped waiting: here.
        if scenario.pricing.considerationMax != nil { waiting.removeAll { tenants[$0].waitHandle == nil } }
        for i in waiting where tenants[i].waitHandle != nil {   // (tenants who stopped waiting leave at the next retry)
            let tenant = tenants[i]
            waitingUnits[scenario.segments[tenant.segment].tier] += tenant.units
        }
        for b in tierIDs { tierRows[b.index].unitsWaitingEnd = waitingUnits[b] }
        all.unitsWaitingEnd = waitingUnits.values.reduce(0, +)
        all.activeFirms = providers.reduce(0) { $0 + ($1.active ? 1 : 0) }
        all.exits = providers.reduce(0) { $0 + ($1.exit?.month == m ? 1 : 0) }
        let activeIdx = providers.indices.filter { providers[$0].active }
        all.hhiUnits = herfindahl(activeIdx.map { Double(firmUnits[$0]) })
        all.hhiRevenue = herfindahl(activeIdx.map { firmRevenue[$0] })
        var signedUnits = 0, signedValue = 0.0, shortUnits = 0, shortValue = 0.0
        for tm in monthTier {
            signedUnits += tm.signedUnits
            signedValue += tm.signedValue
            shortUnits += tm.shortUnits
            shortValue += tm.shortValue
        }
        all.signedPriceIndex = signedUnits > 0 ? signedValue / Double(signedUnits) : nil
        all.shortTermPrice = shortUnits > 0 ? shortValue / Double(shortUnits) : nil
        if totalInstalled > 0 {
            var weighted = 0.0
            for b in tierIDs { weighted += Double(tierRows[b.index].unitsInstalled) * priceIndex[b] }
            all.priceIndex = weighted / Double(totalInstalled)
        }
        all.entries = entriesThisMonth
        var delivered = 0, leadSum = 0.0
        for tm in monthTier {
            delivered += tm.deliveredUnits
            leadSum += tm.leadTimeSum
        }
        all.leadTimeDays = delivered > 0 ? leadSum / Double(delivered) : nil
        let target = scenario.nationalTargetEFLOPS * scenario.leasingCoverageShare
        all.nationalTargetShare = target > 0 ? all.eflopsFP16 / target : nil
        marketRecords.append(all)
        marketRecords.append(contentsOf: tierRows)
    }

    /// Herfindahl–Hirschman index Σ share² on [0, 1]; nil when the total is 0.
    func herfindahl(_ xs: [Double]) -> Double? {
        let total = xs.reduce(0, +)
        guard total > 0 else { return nil }
        return xs.reduce(0) { $0 + ($1 / total) * ($1 / total) }
    }
}
