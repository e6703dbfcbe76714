import MarketModel
import Stochastics

/// A scenario as its keys write it, before the values that depend on other keys are settled:
/// what the schema's bindings write into. ``finished()`` turns it into the `Scenario` the market
/// runs. A document keeps its decoded draft; a replication with draws copies it, writes its draws
/// through the same bindings, and finishes the copy.
public struct ScenarioDraft: Sendable {
    /// The typed scenario, every key that maps to one field written straight into it.
    public var scenario: Scenario
    /// `tiers[].physical_life_years` as written (nil: life_years + 2), by tier.
    var physicalLife: [Double?] = []
    /// `providers[].jurisdiction` as written (nil: the region's), by provider.
    var providerJurisdiction: [String?] = []
    /// `entrants[].jurisdiction` as written (nil: the region's), by template.
    var entrantJurisdiction: [String?] = []
    /// `providers[].rent_in[].term_months` as written (nil: sublease.rent_in_term_months), by provider and contract.
    var rentInTerm: [[Double?]] = []
    /// `providers[].count`: the firms each provider entry declares (1: a named firm; more: a population), by provider.
    var providerCount: [Int] = []
    /// `providers[].regions`: the sites a population's firms are drawn among, with weights, in file order, by provider.
    var providerRegions: [[(region: RegionID, weight: Double)]] = []
    /// `shocks[]`, one kind-tagged entry each, sorted into the market's lists by ``finished()``.
    var shocks: [ShockEntry] = []

    init() {
        scenario = Scenario(name: "", start: YearMonth(year: 2024, month: 1), horizonMonths: 0, currency: "",
                            tiers: [], regions: [], segments: [], providers: [])
    }

    /// One entry of `shocks`: the union of every kind's keys, as written.
    struct ShockEntry: Sendable {
        var kind = ""
        var segment: SegmentID? = nil
        var region: RegionID = 0
        var tier: TierID = 0
        var jurisdiction = ""
        var from: YearMonth? = nil
        var to: YearMonth? = nil
        var multiplier = 0.0
        var rate = 0.0
        var capacityFactor = 0.0
        var share = 0.0
        var refundShare = 1.0
        var penaltyMonths = 0.0
        var relaxProbability = 0.0
        var relaxFrom: YearMonth? = nil
        var relaxPriceMarkup = 0.0
    }

    /// The scenario the market runs: computed defaults filled in from the keys they depend on
    /// (which may have been drawn), shocks sorted by kind into the market's lists, term discounts
    /// in increasing order.
    /// - Complexity: O(size of the scenario).
    public func finished() -> Scenario {
        var s = scenario
        for i in s.tiers.indices {
            let life = s.tiers[i].lifeYears
            s.tiers[i].physicalLifeYears = physicalLife[i].map { max($0, life) } ?? life + 2
        }
        for i in s.segments.indices {
            if case .logistic = s.segments[i].growth {
                s.segments[i].rate = max(s.segments[i].rate, 1e-6)   // a drawn starting rate of 0 would make K/λ0 infinite
            }
        }
        func jurisdiction(of p: ProviderSpec, _ given: String?) -> String {
            given ?? (s.regions.indices.contains(p.region.index) ? s.regions[p.region].jurisdiction : "")
        }
        for i in s.providers.indices {
            s.providers[i].jurisdiction = jurisdiction(of: s.providers[i], providerJurisdiction[i])
            for k in s.providers[i].supply.rentIn.indices {
                s.providers[i].supply.rentIn[k].termMonths = rentInTerm[i][k] ?? s.sublease.rentInTermMonths
            }
        }
        for i in s.entrants.indices {
            s.entrants[i].provider.jurisdiction = jurisdiction(of: s.entrants[i].provider, entrantJurisdiction[i])
            s.entrants[i].provider.template = s.entrants[i].name
        }
        s.pricing.termDiscounts.sort { $0.months < $1.months }

        s.shocks = []
        s.supplyShocks = []
        s.policy.siteShocks = []
        s.policy.massDefaults = []
        for e in shocks {
            guard let from = e.from else { continue }
            switch e.kind {
            case "demand": s.shocks.append(.demand(segment: e.segment, from: from, to: e.to, multiplier: e.multiplier))
            case "default": s.shocks.append(.defaultHazard(segment: e.segment, from: from, to: e.to, multiplier: e.multiplier))
            case "base_rate": s.shocks.append(.baseRate(from: from, rate: e.rate))
            case "supply", "export_ban":
                let relax = SupplyShock.Relaxation(probability: e.relaxProbability, from: e.relaxFrom, priceMarkup: e.relaxPriceMarkup)
                s.supplyShocks.append(SupplyShock(tier: e.tier, jurisdiction: e.jurisdiction, from: from,
                                                  capacityFactor: e.kind == "supply" ? e.capacityFactor : 0,
                                                  refundShare: e.refundShare, penaltyMonths: e.penaltyMonths,
                                                  relaxation: relax))
            case "electricity": s.policy.siteShocks.append(SiteShock(region: e.region, from: from, electricityMultiplier: e.multiplier))
            case "pue": s.policy.siteShocks.append(SiteShock(region: e.region, from: from, pueMultiplier: e.multiplier))
            case "mass_default": s.policy.massDefaults.append(MassDefault(segment: e.segment, at: from, share: e.share))
            default: break
            }
        }
        return s
    }
}

// MARK: Blank list entries

/// The entries a list binding starts from: every field is then written by a key of the entry.
enum Blank {
    static let month = YearMonth(year: 2024, month: 1)
    static let tier = HardwareTier(name: "", tflops: 0, eta: 0, portingPenalty: 0, powerKW: 0, purchaseCost: 0,
                                   lifeYears: 0, physicalLifeYears: 0, usedDecline: 0, referencePrice: 0)
    static let region = Region(name: "", jurisdiction: "", electricityPrice: 0, pue: 0)
    static let segment = Segment(name: "", rate: 0, growth: .exponential(rate: 0), tier: 0, substitutes: [],
                                 units: .constant(value: 0), termMonths: .constant(value: 0),
                                 reservationPrice: .constant(value: 0), priceSensitivity: .constant(value: 0),
                                 maxWaitDays: .constant(value: 0), takeOrPayShare: 0, defaultHazard: 0, recoveryRate: 0,
                                 renewProbability: 0, outsideOption: false)
    static let provider = ProviderSpec(name: "", model: .owner, region: 0, jurisdiction: "", cash: 0, debt: 0, fleet: [],
                                       initialPrices: [:], pricing: .adaptive, visibility: 0, reputation: 0, costOfCapital: 0,
                                       fixedOpexMonthly: 0, opexPerUnitMonthly: 0, ltvCap: 0, minCash: 0, parentSupport: 0,
                                       softBudget: false, floatingRate: false, interestRate: 0)
    static let cohort = FleetCohort(tier: 0, units: 0, ageMonths: 0)
    static let rentIn = RentInSpec(tier: 0, units: 0, lessor: nil, price: nil, termMonths: 0)
    static let build = BuildSpec(mw: 0, monthsLeft: 0)
    static let entrant = EntrantTemplate(name: "", provider: provider, firstOrder: [], weight: 0)
    static let supply = ChipSupply(tier: 0, jurisdiction: "", monthlyCapacity: 0)
    static let overseas = OverseasLine(name: "", tier: 0, units: 0, price: 0, jurisdiction: "")
    static let voucher = VoucherProgramme(name: "", region: 0, segments: [], share: 0, from: month, to: nil, budget: 0, lagMonths: 0)
    static let priceCap = PriceCap(tier: nil, from: month, to: nil, cap: 0)
}
