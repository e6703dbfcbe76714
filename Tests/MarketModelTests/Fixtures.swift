@testable import MarketModel
import Stochastics

/// Scenarios built in code, so model tests need no YAML.
enum Fixtures {
    static let h100 = HardwareTier(name: "h100", tflops: 989, eta: 1, portingPenalty: 0, powerKW: 1.3,
                                   purchaseCost: 250_000, lifeYears: 5, physicalLifeYears: 7, usedDecline: 0.2,
                                   referencePrice: 20)
    static let domestic = HardwareTier(name: "ascend-910b", tflops: 376, eta: 0.6, portingPenalty: 0.5, powerKW: 0.9,
                                       purchaseCost: 120_000, lifeYears: 5, physicalLifeYears: 7, usedDecline: 0.25,
                                       referencePrice: 9)
    static let region = Region(name: "east", jurisdiction: "cn", electricityPrice: 0.6, pue: 1.4)

    static func segment(name: String = "s", rate: Double, tier: TierID = 0, substitutes: [TierID] = [],
                        units: Distribution = .constant(value: 1), term: Distribution = .exponential(mean: 1),
                        reservation: Distribution = .constant(value: 1000), beta: Distribution = .constant(value: 5),
                        wait: Distribution = .constant(value: 0), takeOrPay: Double = 0, defaultHazard: Double = 0,
                        recovery: Double = 0.4, renew: Double = 0, outside: Bool = false,
                        growth: DemandGrowth = .exponential(rate: 0)) -> Segment {
        Segment(name: name, rate: rate, growth: growth, tier: tier, substitutes: substitutes, units: units,
                termMonths: term, reservationPrice: reservation, priceSensitivity: beta, maxWaitDays: wait,
                takeOrPayShare: takeOrPay, defaultHazard: defaultHazard, recoveryRate: recovery,
                renewProbability: renew, outsideOption: outside)
    }

    static func provider(name: String, units: Int, tier: TierID = 0, price: Double? = nil, pricing: PricingPolicy = .fixed,
                         cash: Double = 1e12, debt: Double = 0, softBudget: Bool = true, visibility: Double = 1,
                         fixedOpex: Double = 0, opexPerUnit: Double = 0, parentSupport: Double = 0,
                         ltv: Double = 0.65, minCash: Double = 0, rate: Double = 0.1, reputation: Double = 0,
                         ageMonths: Int = 0) -> ProviderSpec {
        ProviderSpec(name: name, model: .owner, region: 0, jurisdiction: "cn", cash: cash, debt: debt,
                     fleet: [FleetCohort(tier: tier, units: units, ageMonths: ageMonths)],
                     initialPrices: price.map { [tier: $0] } ?? [:], pricing: pricing, visibility: visibility,
                     reputation: reputation, costOfCapital: 0.1, fixedOpexMonthly: fixedOpex,
                     opexPerUnitMonthly: opexPerUnit, ltvCap: ltv, minCash: minCash, parentSupport: parentSupport,
                     softBudget: softBudget, floatingRate: false, interestRate: rate)
    }

    /// The Erlang loss system: C units, offered load A Erlangs (arrivals per month = A with
    /// mean term one month), no waiting, no outside option, fixed price, no exit.
    static func erlang(units: Int, load: Double, months: Int) -> Scenario {
        var s = Scenario(name: "erlang", start: YearMonth(year: 2024, month: 1), horizonMonths: months, currency: "CNY",
                         tiers: [h100], regions: [region],
                         segments: [segment(rate: load * 12)],
                         providers: [provider(name: "solo", units: units, price: 10)])
        s.contracts.cancelHazard = 0
        s.contracts.cancelHazardSlope = 0
        s.pricing.termDiscounts = []
        s.tiers[0].physicalLifeYears = 100   // no retirement over the horizon
        return s
    }
}
