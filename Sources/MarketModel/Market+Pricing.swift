import Foundation
import Stochastics

extension Market {
    /// The share of full power a unit draws on average at utilisation `u`, as the accounts charge
    /// it: full power on busy hours, `pricing.idle_power_share` on idle ones — u + s_idle·(1 − u).
    @inline(__always)
    func powerDraw(utilisation u: Double) -> Double {
        u + scenario.pricing.idlePowerShare * (1 - u)
    }

    /// Hourly power cost of one running unit of tier `b` at firm `j` (kW·PUE·price per kWh).
    @inline(__always)
    func powerPerHour(firm j: ProviderID, tier b: TierID) -> Double {
        let site = sitePower(firm: j, month: currentMonth)
        return scenario.tiers[b].powerKW * site.pue * site.price
    }

    /// The price floor for owned units: power per hour + (ρ + δ_sec)·V_sec/(8,765.82 h a year), where V_sec is
    /// the units-weighted used-market value of the firm's units of the tier (renting a GPU out
    /// forgoes selling it).
    @inline(__always)
    func priceFloor(firm j: ProviderID, tier b: TierID, at t: Double) -> Double {
        // Rented-in units: the lessor pays their power, so the floor is what the firm pays for power: none.
        guard providers[j].fleet.installed[b] > 0 else { return 0 }
        var value = 0.0, units = 0
        for c in providers[j].fleet.cohorts where c.tier == b {
            value += Double(c.units) * usedValue(c, at: t)
            units += c.units
        }
        let vSec = units > 0 ? value / Double(units) : scenario.tiers[b].purchaseCost
        let rho = providers[j].spec.costOfCapital
        return powerPerHour(firm: j, tier: b) + (rho + scenario.tiers[b].usedDecline) * vSec / hoursPerYear
    }

    /// The long-run cost-recovery price p_LR(0) = (P·CRF(ρ, life)/(hours a year) + opex per unit-hour)/u*
    /// + power per hour, with CRF = ρ/(1 − (1+ρ)^−life); P is `chip`, else this month's vendor price.
    @inline(__always)
    func longRunPrice(firm j: ProviderID, tier b: TierID, chip: Double? = nil) -> Double {
        let crf = providers[j].capitalRecovery[b]
        let units = Swift.max(1, providers[j].totalInstalled)
        let opexHour = (providers[j].spec.opexPerUnitMonthly + providers[j].spec.fixedOpexMonthly / Double(units)) / (daysPerMonth * hoursPerDay)
        return ((chip ?? vendorPrice(tier: b, month: currentMonth)) * crf / hoursPerYear + opexHour) / scenario.pricing.targetUtilisation + powerPerHour(firm: j, tier: b)
    }

    /// Sets every active firm's list prices for the next month by its policy, then the
    /// price index I_t (capacity-weighted mean of active list prices) and visibility.
    mutating func reprice(month m: Int, at t: Double) {
        let pr = scenario.pricing
        let previousIndex = priceIndex
        var newPrices = ProviderTable(providers.map(\.leasing.listPrice))
        let spare = spareCapacityPrices()
        for j in providers.indices where providers[j].active {
            for b in tierIDs where providers[j].capacity(b) > 0 {
                let floor = priceFloor(firm: j, tier: b, at: t)
                var cap = pr.capMultiple * scenario.tiers[b].referencePrice
                if m + 1 < scenario.horizonMonths, let policy = policyCap(tier: b, month: m + 1) { cap = Swift.min(cap, policy) }
                var price = providers[j].leasing.listPrice[b]
                if providers[j].spec.softBudget && providers[j].spec.pricing != .fixed {
                    price = longRunPrice(firm: j, tier: b)
                } else {
                    switch providers[j].spec.pricing {
                    case .fixed:
                        continue
                    case .adaptive:
                        let area = providers[j].month.installedArea[b]
                        let u = area > 0 ? providers[j].month.leasedArea[b] / area : 0
                        let x = Double(providers[j].month.refused[b]) / Double(providers[j].capacity(b))
                        price = exp(log(price) + pr.kU * (u - pr.targetUtilisation) + pr.kX * x)
                        price = (1 - pr.indexWeight) * price + pr.indexWeight * previousIndex[b]
                        if u < pr.targetUtilisation && pr.rivalWeight > 0 {
                            price = edgeworthPrice(firm: j, tier: b, price: price, spare: spare[b])
                        }
                    case .costPlus:
                        price = (1 + pr.costPlusMarkup) * longRunPrice(firm: j, tier: b)
                    case .undercut:
                        var lowest = Double.infinity
                        for k in providers.indices where k != j && providers[k].active && providers[k].capacity(b) > 0 {
                            lowest = Swift.min(lowest, providers[k].leasing.listPrice[b])
                        }
                        if lowest.isFinite { price = (1 - pr.rivalDiscount) * lowest }
                    }
                }
                newPrices[j][b] = Swift.min(cap, Swift.max(floor, price))
            }
        }
        for j in providers.indices { providers[j].leasing.listPrice = newPrices[j] }
        freeScanStale = true   // the retries' price bounds (``scanFreeUnits()``)
        updatePriceIndex()
    }

    /// Per tier, the firms with spare capacity — units leased at the close below u* of their capacity —
    /// with their list prices and spare units u*·capacity − leased, cheapest first: the rivals that
    /// could take a firm's tenants.
    @inline(__always)
    func spareCapacityPrices() -> TierTable<SpareBook> {
        var out = TierTable<[(firm: ProviderID, price: Double, units: Double)]>(repeating: [], count: tierCount)
        let target = scenario.pricing.targetUtilisation
        for j in providers.indices where providers[j].active {
            for b in tierIDs where providers[j].capacity(b) > 0 {
                let units = target * Double(providers[j].capacity(b)) - Double(providers[j].leasing.leased[b])
                if units > 0 { out[b].append((j, providers[j].leasing.listPrice[b], units)) }
            }
        }
        var books = TierTable<SpareBook>(repeating: SpareBook(), count: tierCount)
        for b in tierIDs {
            out[b].sort { $0.price < $1.price }
            books[b] = SpareBook(out[b], firms: providers.count)
        }
        return books
    }

    /// The Bertrand–Edgeworth step of an adaptive firm `j` with spare capacity: the rivals with spare
    /// units whose undercut price (1 − ε)·p_k is below the firm's price p̂ can take its tenants; with F
    /// their spare units and c̄ their spare-weighted mean price, p̂ moves toward (1 − ε)·c̄ by
    /// θ = ω·min(1, F/(u*·K_j)) — the share of the firm's target book those units could serve.
    ///
    /// F and F·c̄ come from ``SpareBook/rivals(of:undercutBelow:factor:)``: a bisection and running
    /// sums, not a scan of every rival for every firm.
    @inline(__always)
    func edgeworthPrice(firm j: ProviderID, tier b: TierID, price: Double, spare book: SpareBook) -> Double {
        let pr = scenario.pricing
        let (units, value) = book.rivals(of: j, undercutBelow: price, factor: 1 - pr.rivalDiscount)
        guard units > 0 else { return price }
        let theta = pr.rivalWeight * Swift.min(1, units / (pr.targetUtilisation * Double(providers[j].capacity(b))))
        return price + theta * ((1 - pr.rivalDiscount) * value / units - price)
    }

    /// I_t: the capacity-weighted mean of active firms' list prices by tier (kept when no firm
    /// holds the tier). Computed at each close for the month ahead, and once at the start.
    mutating func updatePriceIndex() {
        for b in tierIDs {
            var weighted = 0.0, units = 0
            for j in providers.indices where providers[j].active && providers[j].capacity(b) > 0 {
                weighted += Double(providers[j].capacity(b)) * providers[j].leasing.listPrice[b]
                units += providers[j].capacity(b)
            }
            if units > 0 { priceIndex[b] = weighted / Double(units) }
        }
    }

    /// Visibility v_j = min(1, v_0 + v_1·capacity share) for the month ahead.
    mutating func updateVisibility() {
        var total = 0
        for j in providers.indices where providers[j].active { total += providers[j].totalInstalled }
        for j in providers.indices {
            guard providers[j].active else { visibility[j] = 0; continue }
            let share = total > 0 ? Double(providers[j].totalInstalled) / Double(total) : 0
            visibility[j] = Swift.min(1, providers[j].spec.visibility + scenario.pricing.visibilitySlope * share)
        }
        refreshConsiderationLanes()
    }
}

/// One tier's rivals with spare capacity at a close, cheapest first (``Market/spareCapacityPrices()``),
/// with running sums of their spare units and of units × price in that order, and each firm's place.
struct SpareBook {
    var prices: [Double] = []
    var units: [Double] = []
    /// `unitSums[i]`: the spare units of the first i firms, added one by one from 0.
    var unitSums: [Double] = [0]
    /// `valueSums[i]`: their spare units × list price, added the same way.
    var valueSums: [Double] = [0]
    /// By firm index: its place in the book, or −1.
    var position: [Int] = []

    init() {}

    init(_ sorted: [(firm: ProviderID, price: Double, units: Double)], firms: Int) {
        position = Array(repeating: -1, count: firms)
        prices.reserveCapacity(sorted.count)
        units.reserveCapacity(sorted.count)
        unitSums.reserveCapacity(sorted.count + 1)
        valueSums.reserveCapacity(sorted.count + 1)
        var u = 0.0, v = 0.0
        for (i, r) in sorted.enumerated() {
            position[r.firm.index] = i
            prices.append(r.price)
            units.append(r.units)
            u += r.units
            v += r.units * r.price
            unitSums.append(u)
            valueSums.append(v)
        }
    }

    /// F and F·c̄ of the rivals of firm `j` whose undercut price `factor`·p_k is below `price`: the
    /// cheapest ones up to the first that is not (found by bisection, since `factor` > 0 makes
    /// factor·p_k rise with p_k), less `j` itself. Both are sums in the cheapest-first order read
    /// from the running sums (continued past `j`'s place when it is among them), so each is the
    /// same number as a scan adding them one by one, to the bit.
    func rivals(of j: ProviderID, undercutBelow price: Double, factor: Double) -> (units: Double, value: Double) {
        var lo = 0, hi = prices.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if factor * prices[mid] < price { lo = mid + 1 } else { hi = mid }
        }
        let cut = lo
        let own = j.index < position.count ? position[j.index] : -1
        guard own >= 0 && own < cut else { return (unitSums[cut], valueSums[cut]) }
        var u = unitSums[own], v = valueSums[own]
        for k in (own + 1)..<cut {
            u += units[k]
            v += units[k] * prices[k]
        }
        return (u, v)
    }
}
