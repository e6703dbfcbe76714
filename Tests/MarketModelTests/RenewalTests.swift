import Foundation
import Testing
@testable import MarketModel
import Stochastics

/// A renewal keeps what the contract had: the platform that arranged it and a voucher the
/// programme still pays (until session 10 a renewal went direct to the owner and lost its voucher).
@Suite struct RenewalTests {
    /// The contracts of the run that renewed `l`: the same tenant's next lease with the same firm and
    /// tier, starting when `l` ended (every continuing tenant renews in these fixtures:
    /// renewal probability 1 and a reservation price well above every quote).
    func renewal(of l: Lease, in m: Market) -> Lease? {
        guard let i = l.tenant else { return nil }
        return m.leases.first { $0.tenant == i && $0.start == l.end && $0.provider == l.provider && $0.tier == l.tier }
    }

    @Test func aRenewalKeepsThePlatformThatArrangedTheLease() throws {
        var s = BusinessModelTests().fourModels()
        s.segments[0].renewProbability = 1
        s.segments[0].buyShare = 0
        let m = try simulate(s, seed: 6)
        let horizon = m.monthStart[s.horizonMonths]
        var renewed = 0
        for l in m.leases where l.broker == 2 && l.end < horizon {
            guard let next = renewal(of: l, in: m) else { continue }
            renewed += 1
            #expect(next.broker == 2, "a brokered lease of tenant \(String(describing: l.tenant)) renewed without its platform")
        }
        try #require(renewed >= 5, "the fixture should renew brokered leases; renewed \(renewed)")
        // The platform's commission on the renewals is in its revenue: c/(1+c) of every brokered rent.
        let c = s.sublease.brokerCommission
        var paid = 0.0
        for l in m.leases where l.broker == 2 {
            paid += Double(l.units) * l.price * (Swift.min(l.end, l.billedUntil) - l.start) * hoursPerDay
        }
        let commission = m.firmRecords[2].reduce(0) { $0 + $1.commissionRevenue }
        #expect(abs(commission - paid * c / (1 + c)) < 1e-6 * commission)
    }

    @Test func aRenewalInsideAVoucherProgrammeKeepsTheVoucher() throws {
        var s = duopoly(priceA: 20, priceB: 20, months: 24)
        s.segments[0].termMonths = .constant(value: 3)
        s.segments[0].renewProbability = 1
        let from = YearMonth(year: 2024, month: 1), to = YearMonth(year: 2025, month: 7)
        s.policy.vouchers = [VoucherProgramme(name: "east", region: 0, segments: [0], share: 0.3, from: from, to: to,
                                              budget: 1e12, lagMonths: 0)]
        let m = try simulate(s, seed: 3)
        let closes = m.monthStart[18]   // the programme's last day (2025-07 is month 18)
        var renewed = 0
        for l in m.leases where l.voucher == 0 && l.end < closes {
            guard let next = renewal(of: l, in: m) else { continue }
            renewed += 1
            #expect(next.voucher == 0, "a voucher lease renewed inside the programme without its voucher")
        }
        try #require(renewed >= 5, "the fixture should renew voucher leases; renewed \(renewed)")
        // After the programme, renewals carry none.
        #expect(m.leases.allSatisfy { $0.start < closes || $0.voucher == nil })
    }
}
