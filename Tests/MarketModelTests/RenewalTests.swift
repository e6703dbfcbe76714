import Foundation
import Testing
@testable import MarketModel
import Stochastics

/// A renewal keeps what the contract had: the platform that arranged it and a voucher the
/// programme still pays (until session 10 a renewal went direct to the owner and lost its voucher).
@Suite struct RenewalTests {
    /// The leases picked by `keep` that were renewed, each with its renewal: the same tenant's next
    /// lease with the same firm and tier, starting when it ended (every continuing tenant renews in these fixtures:
    /// renewal probability 1 and a reservation price well above every quote).
    func renewals(in m: Market, of keep: (Lease) -> Bool) -> [(old: Lease, new: Lease)] {
        m.leases.filter(keep).compactMap { l in
            guard let i = l.tenant else { return nil }
            return m.leases.first { $0.tenant == i && $0.start == l.end && $0.provider == l.provider && $0.tier == l.tier }
                .map { (l, $0) }
        }
    }

    @Test func aRenewalKeepsThePlatformThatArrangedTheLease() throws {
        var s = BusinessModelTests().fourModels()
        s.segments[0].renewProbability = 1
        s.segments[0].buyShare = 0
        let m = try simulate(s, seed: 6)
        let horizon = m.monthStart[s.horizonMonths]
        let renewed = renewals(in: m) { $0.broker == 2 && $0.end < horizon }
        try #require(renewed.count >= 5, "the fixture should renew brokered leases; renewed \(renewed.count)")
        #expect(renewed.allSatisfy { $0.new.broker == 2 }, "a brokered lease renewed without its platform")
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
        let renewed = renewals(in: m) { $0.voucher == 0 && $0.end < closes }
        try #require(renewed.count >= 5, "the fixture should renew voucher leases; renewed \(renewed.count)")
        #expect(renewed.allSatisfy { $0.new.voucher == 0 }, "a voucher lease renewed inside the programme without its voucher")
        // After the programme, renewals carry none.
        #expect(m.leases.allSatisfy { $0.start < closes || $0.voucher == nil })
    }
}
