import Foundation
import Testing
@testable import MarketModel
import Stochastics

@Suite struct PolicyTests {
    func market(months: Int = 24) -> Scenario {
        var s = duopoly(priceA: 20, priceB: 20, months: months)
        s.segments[0].termMonths = .constant(value: 3)
        return s
    }

    @Test func vouchersPayTheirShareAfterTheLagWithinTheBudget() throws {
        var s = market()
        let from = YearMonth(year: 2024, month: 4), to = YearMonth(year: 2024, month: 10)
        s.policy.vouchers = [VoucherProgramme(name: "east", region: 0, segments: [0], share: 0.5, from: from, to: to,
                                              budget: 3_000_000, lagMonths: 2)]
        let m = try simulate(s, seed: 3)
        let rows = m.firmRecords[0] + m.firmRecords[1]
        let income = rows.reduce(0) { $0 + $1.voucherIncome }
        // The budget runs out: income equals the budget exactly, and nothing is paid before from + lag.
        #expect(abs(income - 3_000_000) < 1e-6)
        #expect(rows.filter { $0.month < 5 }.allSatisfy { $0.voucherIncome == 0 })
        #expect(rows.contains { $0.month == 5 && $0.voucherIncome > 0 })
        #expect(m.leases.contains { $0.voucher == 0 })
        for r in rows { #expect(cashIdentityError(r) < 1e-9) }
        // Cheaper for tenants: a voucher market signs more leases in the programme's months.
        let base = try simulate(market(), seed: 3)
        let signed = { (mm: Market) in (mm.firmRecords[0] + mm.firmRecords[1]).filter { (3..<9).contains($0.month) }
            .reduce(0) { $0 + $1.leasesSigned } }
        #expect(signed(m) > signed(base))
    }

    @Test func electricityAndPUEShocksScalePowerCostFromTheirMonth() throws {
        var s = market(months: 12)
        s.providers[0].pricing = .fixed
        s.providers[1].pricing = .fixed
        let base = try simulate(s, seed: 5)
        s.policy.siteShocks = [SiteShock(region: 0, from: YearMonth(year: 2024, month: 7), electricityMultiplier: 2),
                               SiteShock(region: 0, from: YearMonth(year: 2024, month: 10), pueMultiplier: 1.5)]
        let shocked = try simulate(s, seed: 5)
        for m in 0..<12 {
            let factor = m < 6 ? 1.0 : (m < 9 ? 2.0 : 1.5 * 2.0)
            let a = base.firmRecords[0][m].powerCost, b = shocked.firmRecords[0][m].powerCost
            #expect(abs(b - factor * a) < 1e-9 * b, "month \(m): \(b) vs \(factor)×\(a)")
        }
    }

    @Test func floatingLoansFollowBaseRateShocks() throws {
        var s = market(months: 12)
        s.providers[0].debt = 1e8
        s.providers[0].floatingRate = true
        s.providers[0].interestRate = 0.02
        s.finance.baseRate = 0.03
        s.shocks = [.baseRate(from: YearMonth(year: 2024, month: 6), rate: 0.08)]
        let m = try simulate(s, seed: 1)
        for r in m.firmRecords[0] {
            let rate = r.month < 5 ? 0.05 : 0.10
            #expect(r.interest > 0 && abs(r.interest - (r.debt + r.debtRepaid - r.debtDrawn) * rate / 12) < 1e-6 * r.interest)
        }
    }

    @Test func aPriceCapHoldsListPricesFromItsMonth() throws {
        var s = duopoly(priceA: 30, priceB: 30, months: 12)
        s.providers[0].pricing = .adaptive
        s.providers[1].pricing = .adaptive
        s.policy.priceCaps = [PriceCap(tier: nil, from: YearMonth(year: 2024, month: 5), to: nil, cap: 12)]
        let m = try simulate(s, seed: 2)
        for rows in m.firmRecords {
            for r in rows where r.month >= 4 { #expect((r.listPrice[0] ?? 0) <= 12 + 1e-12) }
            #expect(rows[2].listPrice[0]! > 12)
        }
    }

    @Test func aMassDefaultEndsTheStatedShareOfContracts() throws {
        var s = market(months: 12)
        s.segments[0].termMonths = .constant(value: 24)
        s.segments[0].takeOrPayShare = 1
        s.policy.massDefaults = [MassDefault(segment: 0, at: YearMonth(year: 2024, month: 6), share: 0.3)]
        let m = try simulate(s, seed: 8)
        let close = m.monthStart[6]
        let inForce = m.leases.filter { $0.start < close && $0.end > close && $0.tenant != nil }
        let ended = inForce.filter { !$0.active && $0.billedUntil == close }
        let share = Double(ended.count) / Double(inForce.count)
        // 99.9% binomial band around 0.3.
        let half = 3.29 * (0.3 * 0.7 / Double(inForce.count)).squareRoot()
        #expect(inForce.count > 100 && abs(share - 0.3) < half, "share \(share) of \(inForce.count)")
        let claims = (m.firmRecords[0] + m.firmRecords[1]).filter { $0.month == 5 }.reduce(0) { $0 + $1.claimsBooked }
        #expect(claims > 0)
    }
}
