import Stochastics

// The validated input of one replication. ScenarioModule builds it from a YAML file
// (all defaults filled in, all ranges checked, per-replication draws made); the market
// reads it and never sees YAML. Units are in the names or the doc comments.

/// A calendar month, Gregorian, in UTC.
public struct YearMonth: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var year: Int
    public var month: Int   // 1...12

    public init(year: Int, month: Int) {
        self.year = year
        self.month = month
    }

    /// Parses `YYYY-MM`.
    public init?(_ text: String) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0].count == 4, parts[1].count == 2,
              let y = Int(parts[0]), let m = Int(parts[1]), (1...12).contains(m), y >= 1900, y <= 2200 else { return nil }
        year = y
        month = m
    }

    /// Months since year 0, for differences.
    public var ordinal: Int { year * 12 + (month - 1) }
    public func adding(months: Int) -> YearMonth {
        let o = ordinal + months
        return YearMonth(year: o / 12, month: o % 12 + 1)
    }
    /// Days in this month (Gregorian).
    public var days: Int {
        switch month {
        case 2: return (year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }
    public var description: String {
        let y = String(year), m = month < 10 ? "0\(month)" : String(month)
        return "\(y)-\(m)"
    }
    public static func < (a: YearMonth, b: YearMonth) -> Bool { a.ordinal < b.ordinal }
}

/// How a firm makes money. All four exist from the start so later submodels slot in.
public enum BusinessModel: String, Sendable, CaseIterable {
    /// Buys units, installs them in its own or colocated data centres, leases them out.
    case owner
    /// Rents capacity in and sublets it.
    case sublessor
    /// A platform: holds no units, resells affiliated owners' capacity for a commission.
    case broker
    /// An owner that also sells servers outright to tenants who want to buy.
    case hybrid
}

/// The accounting standard a firm reports under, which decides whether an impairment may be reversed.
public enum AccountingStandard: String, Sendable, CaseIterable {
    /// IFRS (IAS 36 ¶114–117): a write-down is reversed when the recoverable amount recovers, up to
    /// the carrying amount had no impairment been recognised.
    case ifrs
    /// China's Accounting Standards for Business Enterprises (CAS 8 ¶17): never reversed.
    case cas
}

/// How a firm sets its list prices each month.
public enum PricingPolicy: String, Sendable, CaseIterable {
    /// ln p ← ln p + k_u(ū − u*) + k_x x̄; p ← (1−w)p + w I; clamp to [floor, cap].
    case adaptive
    /// p = (1 + markup) · p_LR(0), the long-run cost-recovery price.
    case costPlus = "cost-plus"
    /// p = (1 − ε) · lowest rival list price, floored.
    case undercut
    /// The initial price, unchanged (for validation).
    case fixed
}

/// One hardware tier of the catalogue (one accelerator with its share of server and network).
public struct HardwareTier: Sendable {
    public var name: String
    /// Dense FP16 TFLOPS per accelerator.
    public var tflops: Double
    /// Ecosystem efficiency η (1 for CUDA tiers, 0.5–0.7 domestic).
    public var eta: Double
    /// Utility penalty π for porting software to this tier.
    public var portingPenalty: Double
    /// kW per accelerator, server share included.
    public var powerKW: Double
    /// Purchase cost per accelerator, server and network share included (currency).
    public var purchaseCost: Double
    /// Depreciation life, years.
    public var lifeYears: Double
    /// Physical life, years (retirement).
    public var physicalLifeYears: Double
    /// Annual decline δ_sec of the used-market value: V(age) = cost·(1−δ_sec)^age.
    public var usedDecline: Double
    /// Reference rental price at release (currency per accelerator-hour).
    public var referencePrice: Double
    /// Release month: no supply line ships the tier, or takes orders for it, before it (nil: always available).
    public var release: YearMonth?
    /// The next generation: once it is released (or from the start, when it has no release month)
    /// the vendor's price of this tier declines by `priceDecline` a year.
    public var successor: TierID?
    /// Share per year the vendor's price of this tier falls once its successor is released.
    public var priceDecline: Double
    /// Memory per accelerator, GB, and its bandwidth, TB/s: what inference throughput follows
    /// (nil: not given; an inference segment needs both for every tier it accepts).
    public var memoryGB: Double? = nil
    public var bandwidthTBs: Double? = nil

    public init(name: String, tflops: Double, eta: Double, portingPenalty: Double, powerKW: Double,
                purchaseCost: Double, lifeYears: Double, physicalLifeYears: Double, usedDecline: Double,
                referencePrice: Double, release: YearMonth? = nil, successor: TierID? = nil, priceDecline: Double = 0.3) {
        self.name = name; self.tflops = tflops; self.eta = eta; self.portingPenalty = portingPenalty
        self.powerKW = powerKW; self.purchaseCost = purchaseCost; self.lifeYears = lifeYears
        self.physicalLifeYears = physicalLifeYears; self.usedDecline = usedDecline
        self.referencePrice = referencePrice; self.release = release
        self.successor = successor; self.priceDecline = priceDecline
    }

    /// Effective performance for training, E = TFLOPS · η.
    public var effective: Double { tflops * eta }
}

/// What a segment's tenants run, which decides how tiers substitute for one another.
public enum Workload: String, Sendable, CaseIterable {
    /// Compute-bound: a tier's worth is its effective TFLOPS (tflops·η).
    case training
    /// Memory-bound decoding: a tier's worth is its memory bandwidth, and the model and its cache
    /// must fit in its memory.
    case inference
}

/// A site where firms run data centres.
public struct Region: Sendable {
    public var name: String
    /// Export-control jurisdiction (`cn`, `intl`, …).
    public var jurisdiction: String
    /// Electricity price, currency per kWh.
    public var electricityPrice: Double
    /// Power usage effectiveness (facility kW per IT kW), ≥ 1.
    public var pue: Double
    /// Colocation capacity open to the modelled firms, MW of facility power (nil: unlimited).
    public var colocationMW: Double? = nil
    /// Colocation price at zero occupancy, currency per kW-month (nil: `datacentres.colocation_per_kw_month`).
    public var colocationPrice: Double? = nil

    public init(name: String, jurisdiction: String, electricityPrice: Double, pue: Double) {
        self.name = name; self.jurisdiction = jurisdiction; self.electricityPrice = electricityPrice; self.pue = pue
    }
}

/// Growth of a segment's arrival rate.
public enum DemandGrowth: Sendable {
    /// λ(t) = λ0 · (1 + rate)^(t/365).
    case exponential(rate: Double)
    /// λ(t) = K / (1 + (K/λ0 − 1) e^(−rate·t/365)), toward the ceiling K (arrivals per year).
    case logistic(rate: Double, ceiling: Double)
}

/// A tenant segment: who arrives, how often, wanting what.
public struct Segment: Sendable {
    public var name: String
    /// Arrival rate at the start, tenants per year.
    public var rate: Double
    public var growth: DemandGrowth
    /// The wanted tier.
    public var tier: TierID
    /// Acceptable substitute tiers (the wanted tier excluded).
    public var substitutes: [TierID]
    /// Units wanted N (rounded up, at least 1).
    public var units: Distribution
    /// Contract term in months (fractional allowed; ≥ 1/30 after drawing).
    public var termMonths: Distribution
    /// Reservation price r, currency per accelerator-hour (on-demand equivalent).
    public var reservationPrice: Distribution
    /// Price sensitivity β.
    public var priceSensitivity: Distribution
    /// Maximum wait, days (0: never waits).
    public var maxWaitDays: Distribution
    /// Share of tenants with take-or-pay contracts.
    public var takeOrPayShare: Double
    /// Default hazard of take-or-pay contracts, per year.
    public var defaultHazard: Double
    /// Share of a defaulted claim recovered.
    public var recoveryRate: Double
    /// Probability π_renew of renewing at the end of a contract.
    public var renewProbability: Double
    /// Whether tenants may walk away (outside option with Gumbel utility ε_0).
    public var outsideOption: Bool
    /// Share b_s of tenants who want to buy servers rather than rent (answered by hybrids).
    public var buyShare: Double = 0
    /// What its tenants run (how many units of another tier match theirs).
    public var workload: Workload = .training

    public init(name: String, rate: Double, growth: DemandGrowth, tier: TierID, substitutes: [TierID],
                units: Distribution, termMonths: Distribution, reservationPrice: Distribution,
                priceSensitivity: Distribution, maxWaitDays: Distribution, takeOrPayShare: Double,
                defaultHazard: Double, recoveryRate: Double, renewProbability: Double, outsideOption: Bool) {
        self.name = name; self.rate = rate; self.growth = growth; self.tier = tier; self.substitutes = substitutes
        self.units = units; self.termMonths = termMonths; self.reservationPrice = reservationPrice
        self.priceSensitivity = priceSensitivity; self.maxWaitDays = maxWaitDays; self.takeOrPayShare = takeOrPayShare
        self.defaultHazard = defaultHazard; self.recoveryRate = recoveryRate; self.renewProbability = renewProbability
        self.outsideOption = outsideOption
    }
}

/// A cohort of units a firm holds at the start.
public struct FleetCohort: Sendable {
    public var tier: TierID
    public var units: Int
    /// Age at the start, months.
    public var ageMonths: Int
    /// Share of the cohort's units under contract at the start (a book of leases part-way through their terms).
    public var leasedShare: Double
    /// The price per unit-hour of the cohort's leases in force at the start (a contract signed
    /// before it); nil: the firm's list price less each lease's term discount.
    public var leasePrice: Double?
    /// Months left at the start on the cohort's leases in force (a contract signed before it);
    /// nil: each lease is drawn part-way through its term.
    public var leaseMonthsLeft: Double?
    public init(tier: TierID, units: Int, ageMonths: Int, leasedShare: Double = 0, leasePrice: Double? = nil,
                leaseMonthsLeft: Double? = nil) {
        self.tier = tier; self.units = units; self.ageMonths = ageMonths; self.leasedShare = leasedShare
        self.leasePrice = leasePrice; self.leaseMonthsLeft = leaseMonthsLeft
    }
}

/// A firm as the scenario describes it.
public struct ProviderSpec: Sendable {
    public var name: String
    public var model: BusinessModel
    /// Its site; the jurisdiction is the region's unless overridden.
    public var region: RegionID
    public var jurisdiction: String
    /// Cash at the start (currency).
    public var cash: Double
    /// Debt at the start (currency), amortising over `finance.debtTermMonths`.
    public var debt: Double
    public var fleet: [FleetCohort]
    /// Initial list price by tier (currency per accelerator-hour); tiers absent use the reference price.
    public var initialPrices: [TierID: Double]
    public var pricing: PricingPolicy
    /// Visibility intercept v_0: the chance a tenant considers this firm, before the capacity-share term.
    public var visibility: Double
    public var reputation: Double
    /// Cost of capital ρ, per year.
    public var costOfCapital: Double
    /// Fixed operating cost, currency per month.
    public var fixedOpexMonthly: Double
    /// Operating cost per installed unit, currency per unit-month.
    public var opexPerUnitMonthly: Double
    /// Loan-to-value cap on the used-market value of the fleet.
    public var ltvCap: Double
    /// Cash floor kept before a covenant sweep or a draw.
    public var minCash: Double
    /// Equity the parent can still inject (currency).
    public var parentSupport: Double
    /// State-backed: prices at cost, never exits by losses.
    public var softBudget: Bool
    /// Whether loans float over the base rate (true) or keep their rate (false).
    public var floatingRate: Bool
    /// Spread over the base rate (floating) or the fixed rate, per year.
    public var interestRate: Double
    /// Power, rent-in, affiliates and expansion.
    public var supply = ProviderSupplySpec()
    /// The entrant template the firm came from (nil for firms present at the start).
    public var template: String? = nil
    /// The population the firm belongs to (`providers[].count` > 1: the entry's name, the firm
    /// named `<population>-<k>`); nil for a firm declared by itself and for entrants.
    public var population: String? = nil
    /// The accounting standard as written; nil: `cas` in jurisdiction `cn`, else `ifrs` (see `accountingStandard`).
    public var accounting: AccountingStandard? = nil

    /// The accounting standard the firm reports under: as written, else CAS for a firm whose
    /// jurisdiction is `cn` (case ignored) and IFRS otherwise.
    public var accountingStandard: AccountingStandard {
        accounting ?? (jurisdiction.lowercased() == "cn" ? .cas : .ifrs)
    }

    public init(name: String, model: BusinessModel, region: RegionID, jurisdiction: String, cash: Double, debt: Double,
                fleet: [FleetCohort], initialPrices: [TierID: Double], pricing: PricingPolicy, visibility: Double,
                reputation: Double, costOfCapital: Double, fixedOpexMonthly: Double, opexPerUnitMonthly: Double,
                ltvCap: Double, minCash: Double, parentSupport: Double, softBudget: Bool, floatingRate: Bool,
                interestRate: Double) {
        self.name = name; self.model = model; self.region = region; self.jurisdiction = jurisdiction
        self.cash = cash; self.debt = debt; self.fleet = fleet; self.initialPrices = initialPrices
        self.pricing = pricing; self.visibility = visibility; self.reputation = reputation
        self.costOfCapital = costOfCapital; self.fixedOpexMonthly = fixedOpexMonthly
        self.opexPerUnitMonthly = opexPerUnitMonthly; self.ltvCap = ltvCap; self.minCash = minCash
        self.parentSupport = parentSupport; self.softBudget = softBudget; self.floatingRate = floatingRate
        self.interestRate = interestRate
    }
}

/// Market-wide pricing parameters.
public struct PricingParameters: Sendable {
    /// Utilisation gain k_u.
    public var kU: Double = 0.15
    /// Refused-demand gain k_x.
    public var kX: Double = 0.10
    /// Weight w pulling a list price toward last month's index.
    public var indexWeight: Double = 0.2
    /// Target utilisation u*.
    public var targetUtilisation: Double = 0.8
    /// Price cap as a multiple of the tier's reference price.
    public var capMultiple: Double = 4
    /// Markup m of `cost-plus`.
    public var costPlusMarkup: Double = 0.2
    /// ε: how far below a rival's list price a firm prices when it competes for that rival's tenants
    /// (the `undercut` policy, and the adaptive rule's Bertrand–Edgeworth step).
    public var rivalDiscount: Double = 0.05
    /// ω: the weight of the adaptive rule's Bertrand–Edgeworth step (0: the plain index pull).
    public var rivalWeight: Double = 1
    /// Term discounts: (minimum term in months, discount), ascending by months.
    public var termDiscounts: [(months: Double, discount: Double)] = [(12, 0.1), (36, 0.2), (60, 0.25)]
    /// Visibility slope v_1 on capacity share.
    public var visibilitySlope: Double = 0.5
    /// The most providers a tenant considers in one round of quotes (nil: every firm it sees).
    public var considerationMax: Int? = nil
    /// Idle units draw this share of full power.
    public var idlePowerShare: Double = 0.3
    public init() {}
}

/// Contract-level parameters.
public struct ContractParameters: Sendable {
    /// Base cancellation hazard h_c0 of non-take-or-pay contracts, per year.
    public var cancelHazard: Double = 0.05
    /// Extra cancellation hazard h_c1 per unit of relative overpricing p/I − 1, per year.
    public var cancelHazardSlope: Double = 1.0
    /// Months of rent paid as a cancellation fee.
    public var cancelFeeMonths: Double = 1
    public init() {}
}

/// Financing parameters.
public struct FinanceParameters: Sendable {
    /// Base rate for floating loans, per year.
    public var baseRate: Double = 0.04
    /// Amortisation term of new and initial loans, months.
    public var debtTermMonths: Int = 60
    public init() {}
}

/// Exit and fire-sale parameters.
public struct ExitParameters: Sendable {
    /// N: consecutive quarters of OCF − interest < 0 before `losing` is considered.
    public var lossQuarters: Int = 4
    /// δ_max: the largest fire-sale discount.
    public var fireSaleMaxDiscount: Double = 0.5
    /// D_½ as a share of the tier's installed base.
    public var marketDepthShare: Double = 0.02
    public init() {}
}

/// The used market: how units are valued and what a unit fetches at worst.
public struct UsedMarketParameters: Sendable {
    /// ρ_used: the discount rate at which the market capitalises a unit's expected rents, per year.
    public var discountRate: Double = 0.15
    /// Scrap value of a unit as a share of its tier's purchase cost: the floor of every used price.
    public var scrapShare: Double = 0.05
    /// a_ref: the age, years, of the unit the used price is quoted for.
    public var referenceAgeYears: Double = 1
    public init() {}
}

/// A dated event that changes the world.
public enum Shock: Sendable {
    /// Multiplies a segment's arrival rate (nil: every segment) on [from, to).
    case demand(segment: SegmentID?, from: YearMonth, to: YearMonth?, multiplier: Double)
    /// Multiplies a segment's default hazard (nil: every segment) on [from, to).
    case defaultHazard(segment: SegmentID?, from: YearMonth, to: YearMonth?, multiplier: Double)
    /// Sets the base rate from a month on.
    case baseRate(from: YearMonth, rate: Double)
}

/// Safety limits.
public struct Limits: Sendable {
    /// A replication that processes more events stops with an error.
    public var maxEvents: Int = 100_000_000
    public init() {}
}

/// One replication's complete, validated input.
public struct Scenario: Sendable {
    public var name: String
    public var description: String
    public var start: YearMonth
    public var horizonMonths: Int
    public var currency: String
    public var tiers: [HardwareTier]
    public var regions: [Region]
    public var segments: [Segment]
    public var providers: [ProviderSpec]
    public var shocks: [Shock]
    public var pricing: PricingParameters
    public var contracts: ContractParameters
    public var finance: FinanceParameters
    public var exit: ExitParameters
    public var limits: Limits
    /// Vendor supply by tier and jurisdiction; a tier with no entry for a jurisdiction cannot be
    /// bought there, but only a ban (a supply shock to capacity 0 without grey imports) makes a
    /// jurisdiction "no longer able to buy" it for the starvation rule.
    public var chipSupply: [ChipSupply] = []
    public var supplyShocks: [SupplyShock] = []
    public var dataCentres = DataCentreParameters()
    public var expansion = ExpansionParameters()
    public var sublease = SubleaseParameters()
    public var usedMarket = UsedMarketParameters()
    public var entrants: [EntrantTemplate] = []
    public var entry = EntryParameters()
    public var starvation = StarvationParameters()
    /// Indicative national intelligent-compute target, EFLOPS (35% of 300 EFLOPS).
    public var nationalTargetEFLOPS: Double = 105
    /// Share of the national target the modelled leasing firms are meant to cover.
    public var leasingCoverageShare: Double = 0.1
    /// Vouchers, site shocks, price caps, mass defaults.
    public var policy = PolicyParameters()

    public init(name: String, description: String = "", start: YearMonth, horizonMonths: Int, currency: String,
                tiers: [HardwareTier], regions: [Region], segments: [Segment], providers: [ProviderSpec],
                shocks: [Shock] = [], pricing: PricingParameters = .init(), contracts: ContractParameters = .init(),
                finance: FinanceParameters = .init(), exit: ExitParameters = .init(), limits: Limits = .init()) {
        self.name = name; self.description = description; self.start = start; self.horizonMonths = horizonMonths
        self.currency = currency; self.tiers = tiers; self.regions = regions; self.segments = segments
        self.providers = providers; self.shocks = shocks; self.pricing = pricing; self.contracts = contracts
        self.finance = finance; self.exit = exit; self.limits = limits
    }
}
