import Foundation
import SimKernel
import Stochastics

extension Market {
    /// The (electricity, PUE) multipliers of a region in month `m`: for each, the latest site
    /// shock dated at or before the month.
    func siteMultipliers(region r: RegionID, month m: Int) -> (electricity: Double, pue: Double) {
        let ym = scenario.start.adding(months: m)
        var e = 1.0, p = 1.0
        var eFrom: YearMonth? = nil, pFrom: YearMonth? = nil
        for s in scenario.policy.siteShocks where s.region == r && s.from <= ym {
            if let x = s.electricityMultiplier, eFrom.map({ s.from >= $0 }) ?? true {
                e = x
                eFrom = s.from
            }
            if let x = s.pueMultiplier, pFrom.map({ s.from >= $0 }) ?? true {
                p = x
                pFrom = s.from
            }
        }
        return (e, p)
    }

    /// Electricity price (per kWh) and PUE of firm `j`'s site in month `m`, shocks applied.
    @inline(__always)
    func sitePower(firm j: ProviderID, month m: Int) -> (price: Double, pue: Double) {
        let r = providers[j].spec.region
        let region = scenario.regions[r]
        let mult = siteTable[r][Swift.min(m, siteTable[r].count - 1)]
        return (region.electricityPrice * mult.electricity, region.pue * mult.pue)
    }

    /// The price cap in force for tier `b` in month `m`, if any (the lowest of those that apply).
    @inline(__always)
    func policyCap(tier b: TierID, month m: Int) -> Double? {
        let ym = scenario.start.adding(months: m)
        var cap: Double? = nil
        for c in scenario.policy.priceCaps where (c.tier == nil || c.tier == b) && c.from <= ym && (c.to.map { ym < $0 } ?? true) {
            cap = Swift.min(cap ?? .infinity, c.cap)
        }
        return cap
    }

    /// The voucher programme a tenant of segment `s` signing with firm `j` now would get, if any:
    /// active this month, the firm sited in its region, the segment eligible, budget left.
    @inline(__always)
    func voucher(segment s: SegmentID, firm j: ProviderID) -> VoucherID? {
        let ym = scenario.start.adding(months: currentMonth)
        for k in scenario.policy.vouchers.ids {
            let v = scenario.policy.vouchers[k]
            if v.region == providers[j].spec.region && (v.segments.isEmpty || v.segments.contains(s))
                && v.from <= ym && (v.to.map { ym < $0 } ?? true) && voucherBudget[k] > 0 {
                return k
            }
        }
        return nil
    }

    /// The voucher part of an amount billed on a voucher lease: s of it while the programme runs
    /// and its budget lasts; owed to the provider after the programme's lag.
    mutating func accrueVoucher(_ k: VoucherID, lease l: LeaseID, amount: Double) -> Double {
        let v = scenario.policy.vouchers[k]
        let ym = scenario.start.adding(months: currentMonth)
        guard v.from <= ym && (v.to.map { ym < $0 } ?? true) else { return 0 }
        let part = Swift.min(voucherBudget[k], amount * v.share)
        guard part > 0 else { return 0 }
        voucherBudget[k] -= part
        let j = leases[l].provider
        providers[j].ledger.vouchersDue.append((month: currentMonth + v.lagMonths, amount: part))
        return part
    }

    /// Voucher income due this month (paid at the close).
    mutating func collectVouchers(firm j: ProviderID, month m: Int) -> Double {
        var paid = 0.0
        var kept: [(month: Int, amount: Double)] = []
        for due in providers[j].ledger.vouchersDue {
            if due.month <= m { paid += due.amount } else { kept.append(due) }
        }
        providers[j].ledger.vouchersDue = kept
        return paid
    }

    /// Mass defaults dated this month: each active tenant contract of the segment defaults with
    /// probability `share`, by a draw from its own keyed substream (so base and variant agree).
    mutating func massDefaults(month m: Int, at t: Double, calendar: inout EventCalendar<MarketEvent>) {
        let ym = scenario.start.adding(months: m)
        for (k, shock) in scenario.policy.massDefaults.enumerated() where shock.at == ym {
            for j in providers.indices where providers[j].active {
                var hit: [(lease: LeaseID, segment: SegmentID)] = []
                for id in providers[j].leasing.book {
                    guard let i = leases[id].tenant else { continue }
                    let tenant = tenants[i]
                    guard shock.segment == nil || shock.segment == tenant.segment else { continue }
                    var h = leaseBase
                    h.mix(index: tenant.key)
                    h.mix("mass-default")
                    h.mix(index: UInt64(k))
                    scratch.reseed(h.value)
                    if scratch.uniform() < shock.share { hit.append((id, tenant.segment)) }
                }
                for (l, segment) in hit {
                    let lease = leases[l]
                    bill(lease: l, until: t)
                    if lease.takeOrPay {
                        let seg = scenario.segments[segment]
                        let claim = Double(lease.units) * lease.price * Swift.max(0, lease.end - t) * hoursPerDay
                        providers[j].month.claimsBooked += claim
                        providers[j].month.claimsRecovered += claim * seg.recoveryRate
                    }
                    endLease(l, at: t, calendar: &calendar)
                }
            }
        }
    }
}
