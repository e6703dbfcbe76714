import Stochastics

// The supply side and the business models beyond `owner`: validated input types.

/// How a tier's monthly shipments are shared among the orders in its backlog.
public enum AllocationPolicy: String, Sendable, CaseIterable {
    /// Oldest order first.
    case inOrder = "in-order"
    /// Every order gets the same share of what ships.
    case proRata = "pro-rata"
    /// The largest order first (vendors favour big buyers).
    case largestFirst = "largest-first"
}

/// The vendor supply of one tier to one jurisdiction.
public struct ChipSupply: Sendable {
    public var tier: TierID
    public var jurisdiction: String
    /// Units the vendor can ship per month at the start.
    public var monthlyCapacity: Double
    /// Annual growth of the capacity.
    public var capacityGrowth: Double
    public var allocation: AllocationPolicy
    /// Chip price = purchase_cost·(1 + premium·backlog/monthly capacity).
    public var premium: Double
    /// Cap on backlog/capacity in the price formula (keeps prices finite when capacity is 0).
    public var maxBacklogMonths: Double
    /// Transit and installation time after shipment, days.
    public var transitDays: Distribution
    /// Grey imports while banned: price multiple of the chip price, and share of the former capacity.
    public var greyPremium: Double?
    public var greyShare: Double

    public init(tier: TierID, jurisdiction: String, monthlyCapacity: Double, capacityGrowth: Double = 0,
                allocation: AllocationPolicy = .inOrder, premium: Double = 0.1, maxBacklogMonths: Double = 24,
                transitDays: Distribution = .constant(value: 30), greyPremium: Double? = nil, greyShare: Double = 0) {
        self.tier = tier; self.jurisdiction = jurisdiction; self.monthlyCapacity = monthlyCapacity
        self.capacityGrowth = capacityGrowth; self.allocation = allocation; self.premium = premium
        self.maxBacklogMonths = maxBacklogMonths; self.transitDays = transitDays
        self.greyPremium = greyPremium; self.greyShare = greyShare
    }
}

/// A dated change to a tier's supply to a jurisdiction.
public struct SupplyShock: Sendable {
    public var tier: TierID
    public var jurisdiction: String
    public var from: YearMonth
    /// Capacity multiplier from `from` on: 0 is an export ban (the backlog is cancelled on the
    /// ban's terms), between 0 and 1 a partial cut, 1 a recovery.
    public var capacityFactor: Double
    /// A ban's terms: the share of a cancelled order's prepayment the vendor refunds (the rest is
    /// written off), and the penalty a firm pays the tenants it had pre-let the cancelled units to,
    /// in months of its list rent per cancelled unit.
    public var refundShare: Double = 1
    public var penaltyMonths: Double = 0
    /// The vendor's price while this shock is in force, as a markup on its list price (a relaxed
    /// ban's licence fee passed on).
    public var priceMarkup: Double = 0
    /// A chance, drawn once per replication, that the shock is undone later (probability 0: never).
    public var relaxation = Relaxation()

    /// A later reversal of a supply shock: with `probability` (per replication), from `from` on the
    /// capacity returns to its unshocked path (factor 1) at `priceMarkup` over the vendor's price.
    /// Without `from` (or with probability 0) it never happens.
    public struct Relaxation: Sendable {
        public var probability: Double
        public var from: YearMonth?
        public var priceMarkup: Double
        public init(probability: Double = 0, from: YearMonth? = nil, priceMarkup: Double = 0) {
            self.probability = probability; self.from = from; self.priceMarkup = priceMarkup
        }
    }

    public init(tier: TierID, jurisdiction: String, from: YearMonth, capacityFactor: Double,
                refundShare: Double = 1, penaltyMonths: Double = 0, priceMarkup: Double = 0, relaxation: Relaxation = Relaxation()) {
        self.tier = tier; self.jurisdiction = jurisdiction; self.from = from; self.capacityFactor = capacityFactor
        self.refundShare = refundShare; self.penaltyMonths = penaltyMonths; self.priceMarkup = priceMarkup
        self.relaxation = relaxation
    }
}

/// Data-centre economics shared by all firms.
public struct DataCentreParameters: Sendable {
    /// Build cost per MW of facility power (units draw kW × PUE of it).
    public var costPerMW: Double = 80_000_000
    /// Build time, months.
    public var buildMonths: Distribution = .constant(value: 12)
    /// Facilities are depreciated over this life, years.
    public var facilityLifeYears: Double = 15
    /// Colocation price, currency per kW-month of facility power (a region's base price unless it sets its own).
    public var colocationPerKWMonth: Double = 600
    /// Smallest build, MW.
    public var minBuildMW: Double = 1
    /// γ: how a region's colocation price rises with its occupancy o, price = base·(1 + γ·o/(1 − o))
    /// (o capped at 0.95); 0 keeps it at the base.
    public var colocationPriceSlope: Double = 0
    /// Minimum term of a colocation contract, months: paid to its end, then renewed at the price of
    /// the day for what the firm still needs; nil: open-ended at the price of the day it was taken.
    public var colocationTermMonths: Double? = nil
    /// A build's cost overrun, as a share of its planned cost, drawn per build.
    public var buildOverrun: Distribution = .constant(value: 0)
    public init() {}
}

extension Scenario {
    /// The colocation price of region `r` at zero occupancy, per kW-month: its own, else
    /// `datacentres.colocation_per_kw_month` (also for a region index out of range).
    public func colocationBasePrice(region r: RegionID) -> Double {
        (regions.indices.contains(r.index) ? regions[r].colocationPrice : nil) ?? dataCentres.colocationPerKWMonth
    }
}

/// A data-centre build under way at the start.
public struct BuildSpec: Sendable {
    /// MW of facility power it adds when complete.
    public var mw: Double
    /// Months until it completes.
    public var monthsLeft: Double
    /// Capex still to pay, spread over the months left (nil: the whole build at `cost_per_mw`).
    public var capexLeft: Double?
    public init(mw: Double, monthsLeft: Double, capexLeft: Double? = nil) {
        self.mw = mw; self.monthsLeft = monthsLeft; self.capexLeft = capexLeft
    }
}

/// Expectations and expansion (quarterly reviews).
public struct ExpansionParameters: Sendable {
    /// Speed κ at which an expected price reverts to the long-run cost path, per year.
    public var kappa: Double = 1.0
    /// Annual decline g_tech of the long-run cost path.
    public var techDecline: Double = 0.24
    /// Supply-line weight θ_s: the share of the pipeline counted when ordering.
    public var supplyLineWeight: Double = 0.5
    /// Hurdle multiple H ≥ 1: order only if NPV ≥ (H − 1)·P_chip.
    public var hurdle: Double = 1.2
    /// Fraction of the gap ordered per review (smoothing).
    public var orderFraction: Double = 1.0
    /// Take colocation instead of building when power is short.
    public var preferColocation: Bool = true
    /// A firm's patience with a vendor's backlog, months: a tier whose expected lead time is longer
    /// counts as one it cannot buy new (it turns to a substitute, and refusals for it count toward
    /// starvation). nil: any lead time is waited out.
    public var patienceMonths: Double? = nil
    /// w_s: the weight of the rent signed in the market (the month's short-term price, else the mean
    /// signed price) against the firm's own list price in the rent an investment starts from.
    public var signedWeight: Double = 0
    /// θ: how much of the signed rent's recent trend a firm extrapolates over a unit's lead time
    /// (0: none; 1: all of it).
    public var trendWeight: Double = 0
    /// The window of that trend, months.
    public var trendMonths: Double = 6
    public init() {}
}

/// Sublessor and broker parameters shared by all firms.
public struct SubleaseParameters: Sendable {
    /// m_w: the wholesale discount. An owner at the target utilisation u* offers its idle units
    /// to sublessors at (1 − m_w)·index; idler owners offer cheaper (see `Market.wholesaleQuote`).
    public var wholesaleDiscount: Double = 0.25
    /// s_w: the share of an owner's idle units of each tier it offers to sublessors.
    public var wholesaleShare: Double = 0.5
    /// Finite capacity rented from abroad, used only when domestic offers run out.
    public var overseas: [OverseasLine] = []
    /// Term of rent-in contracts, months.
    public var rentInTermMonths: Double = 24
    /// Broker commission c (on contract value).
    public var brokerCommission: Double = 0.08
    /// Hybrid buy quote: chip price·(1 + markup).
    public var hybridMarkup: Double = 0.15
    public init() {}
}

/// A named, finite supply of capacity rented from abroad (its units are not in the domestic stock).
public struct OverseasLine: Sendable {
    public var name: String
    public var tier: TierID
    /// The most units that can be rented from the line at once.
    public var units: Int
    /// Price per unit-hour, all-in (the foreign operator pays power).
    public var price: Double
    /// Where the capacity sits: the line is closed while the tier is banned there.
    public var jurisdiction: String
    public init(name: String, tier: TierID, units: Int, price: Double, jurisdiction: String) {
        self.name = name; self.tier = tier; self.units = units; self.price = price; self.jurisdiction = jurisdiction
    }
}

/// A rent-in contract a sublessor holds at the start.
public struct RentInSpec: Sendable {
    public var tier: TierID
    public var units: Int
    /// The lessor, one of `Scenario.providers`, or nil for the market.
    public var lessor: ProviderID?
    /// Price per unit-hour; nil: (1 − m_w)·reference price.
    public var price: Double?
    public var termMonths: Double
    /// Months already elapsed at the start.
    public var elapsedMonths: Double
    public init(tier: TierID, units: Int, lessor: ProviderID?, price: Double?, termMonths: Double, elapsedMonths: Double = 0) {
        self.tier = tier; self.units = units; self.lessor = lessor; self.price = price
        self.termMonths = termMonths; self.elapsedMonths = elapsedMonths
    }
}

/// Per-firm settings of the supply side and the other business models.
public struct ProviderSupplySpec: Sendable {
    /// MW of facility power the firm owns at the start (units draw kW × PUE of it); with
    /// neither this nor colocation, the firm owns exactly what its initial fleet draws.
    public var ownedMW: Double = 0
    /// kW of facility power it rents as colocation at the start.
    public var colocationKW: Double = 0
    /// Data-centre builds under way at the start.
    public var builds: [BuildSpec] = []
    /// Whether the firm reviews expansion quarterly.
    public var expands: Bool = true
    /// Rent-in contracts at the start (sublessors).
    public var rentIn: [RentInSpec] = []
    /// Affiliated owners whose free units a broker resells.
    public var affiliates: [ProviderID] = []
    public init() {}
}

/// A template for firms that enter during the run.
public struct EntrantTemplate: Sendable {
    public var name: String
    /// The firm every entrant starts as: name replaced by `<template>-<k>`, fleet ordered at entry.
    public var provider: ProviderSpec
    /// First fleet ordered at entry: (tier, units).
    public var firstOrder: [(tier: TierID, units: Int)]
    /// Share of entries drawn from this template (weights normalised).
    public var weight: Double
    public init(name: String, provider: ProviderSpec, firstOrder: [(tier: TierID, units: Int)], weight: Double = 1) {
        self.name = name; self.provider = provider; self.firstOrder = firstOrder; self.weight = weight
    }
}

/// Entry: λ_E(t) = λ_max·Σ_k w_k/W·F((π_k(t) + P(t) − π_mid)/σ) firms per year, F the logistic
/// function, π_k(t) template k's expected return on its outlay if it entered now (NPV of its first
/// order at current expected rents, over the outlay), P(t) the capital-market premium in force.
public struct EntryParameters: Sendable {
    public var maxRate: Double = 0
    /// π_mid: the expected return on outlay at which half the potential entrants enter (their
    /// hurdles, or their optimism beyond the model's expectations, are logistic around it).
    public var medianReturn: Double = 0
    /// σ: the logistic scale of potential entrants' hurdles.
    public var returnSpread: Double = 0.1
    /// Dated capital-market premiums P(t): (from, share of the outlay), the latest in force applies
    /// (0 before the first): value an entrant gains beyond the project's NPV — a listed firm's
    /// re-rating on announcing compute leasing, a subsidy.
    public var premium: [(from: YearMonth, share: Double)] = []
    /// At most this many entrants in one replication.
    public var maxEntrants: Int = 200
    public init() {}
}

/// Starvation exit parameters.
public struct StarvationParameters: Sendable {
    /// s_ref: the share of the demand made of a firm over the trailing year (units leased, on
    /// average, plus units turned away) that it turned away for want of chips it cannot buy, at or
    /// above which a firm whose liquidation value exceeds its going-concern value is `starved`.
    public var refusedShare: Double = 0.25
    public init() {}
}

/// A regional compute-voucher programme: eligible tenants pay p·(1 − s); the provider
/// receives p, the voucher part as voucher income paid after a lag, while the budget lasts.
public struct VoucherProgramme: Sendable {
    public var name: String
    /// Firms sited there take part.
    public var region: RegionID
    /// Segments whose tenants are eligible (empty: all).
    public var segments: [SegmentID]
    /// Share s of the price the voucher pays.
    public var share: Double
    public var from: YearMonth
    public var to: YearMonth?
    /// Total budget (currency); signing stops being subsidised once committed vouchers reach it.
    public var budget: Double
    /// Months between the tenant's payment and the voucher income.
    public var lagMonths: Int
    public init(name: String, region: RegionID, segments: [SegmentID], share: Double, from: YearMonth, to: YearMonth?,
                budget: Double, lagMonths: Int) {
        self.name = name; self.region = region; self.segments = segments; self.share = share
        self.from = from; self.to = to; self.budget = budget; self.lagMonths = lagMonths
    }
}

/// A dated change to a region's electricity price or PUE: each multiplier given replaces the
/// one in force from `from` on; one left nil is left alone.
public struct SiteShock: Sendable {
    public var region: RegionID
    public var from: YearMonth
    public var electricityMultiplier: Double?
    public var pueMultiplier: Double?
    public init(region: RegionID, from: YearMonth, electricityMultiplier: Double? = nil, pueMultiplier: Double? = nil) {
        self.region = region; self.from = from
        self.electricityMultiplier = electricityMultiplier; self.pueMultiplier = pueMultiplier
    }
}

/// A price cap on list prices of a tier (nil: every tier) from a month on.
public struct PriceCap: Sendable {
    public var tier: TierID?
    public var from: YearMonth
    public var to: YearMonth?
    /// Currency per accelerator-hour.
    public var cap: Double
    public init(tier: TierID?, from: YearMonth, to: YearMonth?, cap: Double) {
        self.tier = tier; self.from = from; self.to = to; self.cap = cap
    }
}

/// A mass default: a share of a segment's active contracts (nil: every segment) defaults at a month's close.
public struct MassDefault: Sendable {
    public var segment: SegmentID?
    public var at: YearMonth
    public var share: Double
    public init(segment: SegmentID?, at: YearMonth, share: Double) { self.segment = segment; self.at = at; self.share = share }
}

/// Policy and other dated shocks of the what-if analyses.
public struct PolicyParameters: Sendable {
    public var vouchers: [VoucherProgramme] = []
    public var siteShocks: [SiteShock] = []
    public var priceCaps: [PriceCap] = []
    public var massDefaults: [MassDefault] = []
    public init() {}
}
