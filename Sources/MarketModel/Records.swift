// What one replication hands to the experiments layer: plain rows, in canonical order
// (firms in scenario order, months ascending). The CSV schemas in Experiments name the
// columns and units; every money figure is in the scenario's currency.

/// A firm's status in a month.
public enum FirmStatus: String, Sendable {
    case active
    case exited
}

/// Why a firm exited.
public enum ExitReason: String, Sendable, CaseIterable {
    case insolvent
    case starved
    case losing
}

/// What drove an exit: the part of the firm's cash flow that fell furthest short of what it planned
/// when it invested (docs/MODEL.md, 5.11).
public enum ExitDriver: String, Sendable, CaseIterable {
    /// Units it planned and did not get: orders late beyond their expected delivery, or cancelled by a ban.
    case chips
    /// Power dearer than planned, and units delivered without power.
    case datacentre
    /// Rent below the planned rent at the planned utilisation, on the capacity it had.
    case price
    /// Interest above the planned rate, and repayments forced beyond the schedule (covenant sweeps).
    case debt
    /// Tenants' defaults: claims not recovered.
    case defaults
}

/// The five contributions of ``ExitDriver``, cumulative since the firm's plan began (its start or
/// entry), in currency; negative is a shortfall against the plan.
public struct DriverContributions: Sendable, Equatable {
    public var chips = 0.0
    public var datacentre = 0.0
    public var price = 0.0
    public var debt = 0.0
    public var defaults = 0.0

    public init() {}

    public subscript(driver: ExitDriver) -> Double {
        switch driver {
        case .chips: chips
        case .datacentre: datacentre
        case .price: price
        case .debt: debt
        case .defaults: defaults
        }
    }

    /// The driver with the lowest contribution (the largest shortfall; ties go to the earlier of
    /// chips, datacentre, price, debt, defaults).
    public var main: ExitDriver {
        var best = ExitDriver.chips
        for d in ExitDriver.allCases where self[d] < self[best] { best = d }
        return best
    }
}

/// One firm in one month: the cash identity and the accounts.
///
/// Invariant (checked by tests): `cashEnd == cashStart + revenue + assetSales + debtDrawn +
/// equityRaised − powerCost − colocationCost − rentInCost − fixedOpex − interest − capex −
/// debtRepaid`, up to floating-point rounding.
public struct FirmMonthRecord: Sendable, Equatable {
    public var firm: Int
    public var month: Int           // 0-based month index from the scenario start
    public var cashStart = 0.0
    public var revenue = 0.0
    public var assetSales = 0.0
    public var debtDrawn = 0.0
    public var equityRaised = 0.0
    public var powerCost = 0.0
    public var colocationCost = 0.0
    public var rentInCost = 0.0
    public var fixedOpex = 0.0
    public var interest = 0.0
    public var capex = 0.0
    public var debtRepaid = 0.0
    public var cashEnd = 0.0
    public var depreciation = 0.0
    /// Book value of units dumped this month (fire sales at exit).
    public var bookValueDisposed = 0.0
    /// Book value of units sold to tenants this month (hybrids; in cost of revenue).
    public var bookValueSold = 0.0
    /// Impairment charged at the quarterly test (IAS 36, CAS 8): book value written down to the
    /// recoverable amount; a reversal (IFRS only) is negative. Non-cash: below gross profit, not in cash.
    public var impairment = 0.0
    /// Carrying amount of the firm's owned units (installed and waiting for power) at month end.
    public var bookValue = 0.0
    /// Net income: gross profit − fixed opex − interest − impairment − orders written off −
    /// (book − proceeds) on disposals.
    public var netIncome = 0.0
    /// Prepayments of orders a ban cancelled that the vendor did not refund: a charge in net
    /// income (the cash left with the order, in `capex`).
    public var ordersWrittenOff = 0.0
    /// Penalties paid to tenants the firm had pre-let units of a ban-cancelled order to; they
    /// reduce revenue (consideration payable to a customer, IFRS 15).
    public var cancellationPenalties = 0.0
    /// The cost-overrun part of the build capex paid this month (in `capex`).
    public var buildOverrun = 0.0
    /// The price of a new kW of colocation in the firm's region at month end, per kW-month.
    public var colocationPrice: Double?
    /// (revenue − cost of revenue)/revenue; nil when revenue is 0.
    public var grossMargin: Double?
    /// (revenue − power − colocation − rent-in − fixed opex)/revenue; nil when revenue is 0.
    public var ebitdaMargin: Double?
    public var debt = 0.0
    /// Time-averaged leased share of installed units; nil without units.
    public var utilisation: Double?
    public var status: FirmStatus = .active
    /// Rent billed on contracts (part of revenue).
    public var rentRevenue = 0.0
    /// Claims booked on defaulted contracts (remaining payments).
    public var claimsBooked = 0.0
    /// Cash recovered on claims (part of revenue).
    public var claimsRecovered = 0.0
    /// Cancellation fees received (part of revenue).
    public var cancelFees = 0.0
    /// Contracts signed this month.
    public var leasesSigned = 0
    /// The figures by tier at month end (units installed, leased, waiting for power, on order,
    /// rented in, rented overseas, let wholesale, and the list price), in one allocation; the
    /// per-tier arrays below are views of it.
    public var perTier = TierFigures()
    /// Units by tier at month end (installed), indexed like `Scenario.tiers`.
    public var units: [Int] {
        get { perTier.values(.installed) }
        set { perTier.set(.installed, newValue) }
    }
    /// Units leased out at month end, by tier.
    public var unitsLeased: [Int] {
        get { perTier.values(.leased) }
        set { perTier.set(.leased, newValue) }
    }
    /// List price by tier at month end (currency per accelerator-hour); nil where the firm offers none.
    public var listPrice: [Double?] {
        get { (0..<perTier.tierCount).map { perTier.price($0) } }
        set { perTier.setPrices(newValue) }
    }
    /// Units delivered but waiting for power, by tier (month end).
    public var unitsUnpowered: [Int] {
        get { perTier.values(.unpowered) }
        set { perTier.set(.unpowered, newValue) }
    }
    /// Units ordered and not yet delivered, by tier (month end).
    public var unitsOnOrder: [Int] {
        get { perTier.values(.onOrder) }
        set { perTier.set(.onOrder, newValue) }
    }
    /// Units rented in (sublessors), by tier (month end).
    public var unitsRentedIn: [Int] {
        get { perTier.values(.rentedIn) }
        set { perTier.set(.rentedIn, newValue) }
    }
    /// Units of `unitsRentedIn` rented from overseas lines, by tier (month end).
    public var unitsRentedOverseas: [Int] {
        get { perTier.values(.rentedOverseas) }
        set { perTier.set(.rentedOverseas, newValue) }
    }
    /// Units the firm lets to sublessors (owners and hybrids; part of `unitsLeased`), by tier (month end).
    public var unitsWholesaleOut: [Int] {
        get { perTier.values(.wholesaleOut) }
        set { perTier.set(.wholesaleOut, newValue) }
    }
    /// Commission revenue (brokers; part of revenue).
    public var commissionRevenue = 0.0
    /// Server sales to tenants (hybrids; part of revenue).
    public var serverSales = 0.0
    /// Voucher income received (part of revenue).
    public var voucherIncome = 0.0
    /// Refunds of paid, undelivered chips after a ban (negative capex).
    public var refunds = 0.0
    /// IT MW owned (built) at month end.
    public var ownedMW = 0.0
    /// MW under construction at month end.
    public var buildingMW = 0.0
    /// kW of colocation rented at month end.
    public var colocationKW = 0.0

    public init(firm: Int, month: Int) {
        self.firm = firm
        self.month = month
    }
}

/// A firm-month's figures by tier, in one array: a block of `tierCount` counts for each
/// ``Figure``, then the list prices (their bit patterns; ``noPrice`` where the firm offers none).
///
/// One allocation a firm-month, where eight arrays were eight: the simulating thread made them
/// and the writing thread freed them, and with hundreds of firms that was most of the writer's
/// work (docs/decisions/0022).
public struct TierFigures: Sendable, Equatable {
    /// The counts kept by tier.
    public enum Figure: Int, CaseIterable, Sendable {
        case installed, leased, unpowered, onOrder, rentedIn, rentedOverseas, wholesaleOut
    }

    /// The number of tiers (0 for a record that has none set).
    public private(set) var tierCount = 0
    private var storage: [Int] = []

    /// The bit pattern that stands for "no price" (a NaN payload no arithmetic produces).
    static let noPrice = Int(bitPattern: 0x7FF4_5355_414E_4C49)
    private static var blocks: Int { Figure.allCases.count + 1 }

    /// No tiers.
    public init() {}

    /// `tiers` tiers, every count 0 and no prices.
    public init(tiers: Int) {
        tierCount = tiers
        storage = Array(repeating: 0, count: Self.blocks * tiers)
        for t in 0..<tiers { storage[Figure.allCases.count * tiers + t] = Self.noPrice }
    }

    /// The count of `figure` for tier `t`.
    public subscript(figure: Figure, t: Int) -> Int {
        get { storage[figure.rawValue * tierCount + t] }
        set { storage[figure.rawValue * tierCount + t] = newValue }
    }

    /// The list price of tier `t`; nil where the firm offers none.
    public func price(_ t: Int) -> Double? {
        let bits = storage[Figure.allCases.count * tierCount + t]
        return bits == Self.noPrice ? nil : Double(bitPattern: UInt64(bitPattern: Int64(bits)))
    }

    /// Sets the list price of tier `t` (nil: none offered).
    public mutating func setPrice(_ t: Int, _ price: Double?) {
        storage[Figure.allCases.count * tierCount + t] =
            price.map { Int(Int64(bitPattern: $0.bitPattern)) } ?? Self.noPrice
    }

    /// The counts of `figure` by tier.
    public func values(_ figure: Figure) -> [Int] {
        Array(storage[figure.rawValue * tierCount ..< (figure.rawValue + 1) * tierCount])
    }

    /// Sets the counts of `figure`; the first figure set on an empty record fixes the tier count.
    /// - Precondition: `values` has one count per tier.
    public mutating func set(_ figure: Figure, _ values: [Int]) {
        if storage.isEmpty { self = TierFigures(tiers: values.count) }
        precondition(values.count == tierCount, "\(values.count) values for \(tierCount) tiers")
        for (t, v) in values.enumerated() { self[figure, t] = v }
    }

    /// Sets every tier's list price.
    /// - Precondition: `prices` has one entry per tier.
    public mutating func setPrices(_ prices: [Double?]) {
        if storage.isEmpty { self = TierFigures(tiers: prices.count) }
        precondition(prices.count == tierCount, "\(prices.count) prices for \(tierCount) tiers")
        for (t, p) in prices.enumerated() { setPrice(t, p) }
    }
}

/// Market figures for one month and one tier (`tier == nil`: market-wide).
public struct MarketMonthRecord: Sendable, Equatable {
    public var month: Int
    public var tier: Int?
    /// Capacity-weighted mean of active list prices (currency per accelerator-hour).
    public var priceIndex: Double?
    /// Units-weighted mean price of contracts signed this month.
    public var signedPriceIndex: Double?
    /// Units-weighted mean price of contracts of at most three months signed this month.
    public var shortTermPrice: Double?
    /// The used price in force for next month: what a unit of the reference age fetches (currency).
    public var usedPrice: Double?
    /// δ on the sellers' ask at this month's clearing, from the units for sale.
    public var fireSaleDiscount = 0.0
    public var tenantsArrived = 0
    public var tenantsLost = 0
    public var tenantsSigned = 0
    public var unitsRequested = 0
    public var unitsLost = 0
    public var unitsWaitingEnd = 0
    public var unitsInstalled = 0
    public var unitsLeased = 0
    public var eflopsFP16 = 0.0
    public var activeFirms = 0
    public var exits = 0
    /// Units put up for sale in the used market this month.
    public var usedOffered = 0
    /// Units that changed hands in the used market this month.
    public var usedSold = 0
    /// Units for sale at month end.
    public var usedInventory = 0
    public var hhiUnits: Double?
    public var hhiRevenue: Double?
    /// Units-weighted chip price over jurisdictions with supply (currency per unit).
    public var chipPrice: Double?
    /// Units in vendor backlogs at month end.
    public var backlogUnits = 0
    /// Mean lead time (order to delivery) of units delivered this month, days; nil if none.
    public var leadTimeDays: Double?
    public var unitsDeliveredUnpowered = 0
    /// Firms entering this month.
    public var entries = 0
    /// eflops_fp16 over the indicative national target × leasing coverage share (tier `all` only).
    public var nationalTargetShare: Double?

    public init(month: Int, tier: Int?) {
        self.month = month
        self.tier = tier
    }
}

/// One tier's supply to one jurisdiction in one month.
///
/// Invariant: inTransit(end) = inTransit(start) + shipped − delivered − cancelled in transit
/// (cancellations hit the backlog; units already shipped still arrive).
public struct SupplyMonthRecord: Sendable, Equatable {
    public var month: Int
    public var tier: Int
    public var jurisdiction: String
    public var capacityUnits = 0.0
    public var orderedUnits = 0
    public var shippedUnits = 0
    public var deliveredUnits = 0
    public var inTransitUnits = 0
    public var backlogUnits = 0
    public var cancelledUnits = 0
    /// Money refunded for cancelled, paid orders.
    public var refunded = 0.0
    /// Prepayments of orders a ban cancelled that the vendor kept (cancelled orders' value − refunded).
    public var writtenOff = 0.0
    public var chipPrice = 0.0
    /// Mean order-to-delivery time of units delivered this month, days.
    public var leadTimeDays: Double?
    public init(month: Int, tier: Int, jurisdiction: String) {
        self.month = month; self.tier = tier; self.jurisdiction = jurisdiction
    }
}

/// Who a firm is: present at the start, or an entrant from a template.
public struct FirmInfo: Sendable, Equatable {
    public var name: String
    public var model: BusinessModel
    /// The entrant template, nil for firms present at the start.
    public var template: String?
    /// The population of a firm present at the start that was declared as one of many
    /// (`providers[].count` > 1), nil otherwise.
    public var population: String? = nil
    /// Month of entry (0 for firms present at the start).
    public var entryMonth: Int
    public init(name: String, model: BusinessModel, template: String?, entryMonth: Int) {
        self.name = name; self.model = model; self.template = template; self.entryMonth = entryMonth
    }
}

/// One firm's fate in one replication.
public struct FirmOutcome: Sendable, Equatable {
    public var firm: Int
    public var survived = true
    public var exitDay: Double?
    public var exitMonth: Int?
    public var exitReason: ExitReason?
    /// For an exit, the main driver of the shortfall against plan (``DriverContributions/main``).
    public var exitDriver: ExitDriver?
    /// The contributions up to the exit, or to the horizon for a survivor.
    public var drivers = DriverContributions()
    public var finalCash = 0.0
    public var cumulativeProfit = 0.0
    /// Profit (net income) over the final 12 months the firm was active is > 0 and it survived.
    public var profitableFinalYear = false
    public var irr: Double?
    public var npv = 0.0
    public var moic: Double?
    public var trailingUtilisation: Double?
    public var leverage: Double?
    public var takeOrPayShare: Double?
    public var topCustomerShare: Double?
    public var contractedBacklog = 0.0
    public var bannedTierRevenueShare: Double?
    /// The starvation test's share over the firm's last 12 months in the market: units turned away
    /// for want of chips it cannot buy over those units plus units leased (monthly averages).
    public var refusedUnbuyableShare: Double?
    public var monthsOfCash: Double?

    public init(firm: Int) { self.firm = firm }
}

/// Everything one replication produced.
public struct ReplicationResult: Sendable {
    public var replication: Int
    /// Per-replication parameter draws: (key path, value), in declaration order. The model does not
    /// draw them and leaves this empty; the runner that instantiated the scenario attaches them.
    public var parameters: [(key: String, value: Double)]
    /// Each firm's rows, months ascending, firms in index order: the arrays the model kept, not
    /// copied into one (a `china-market-2024` replication has 12,000 rows of 500 bytes).
    public var firmMonthsByFirm: [[FirmMonthRecord]]
    /// firm-major, then month: ``firmMonthsByFirm`` joined (a copy; iterate the groups where it matters).
    public var firmMonths: [FirmMonthRecord] { firmMonthsByFirm.flatMap { $0 } }
    /// month-major, then tier (nil = all, first).
    public var marketMonths: [MarketMonthRecord]
    public var outcomes: [FirmOutcome]
    public var events: Int
    /// Every firm of this replication, in index order: the scenario's providers, then entrants
    /// in order of entry. `firm` indices in the records point here.
    public var firms: [FirmInfo] = []
    /// tier-major, then jurisdiction (scenario order of supply entries), then month.
    public var supplyMonths: [SupplyMonthRecord] = []
    /// tier-major, then month: the units identity of every tier.
    public var fleetMonths: [FleetMonthRecord] = []

    public init(replication: Int, parameters: [(key: String, value: Double)], firmMonths: [FirmMonthRecord],
                marketMonths: [MarketMonthRecord], outcomes: [FirmOutcome], events: Int) {
        self.replication = replication; self.parameters = parameters; firmMonthsByFirm = [firmMonths]
        self.marketMonths = marketMonths; self.outcomes = outcomes; self.events = events
    }

    /// A result whose firm rows come as one array a firm (firm-major, months ascending).
    public init(replication: Int, parameters: [(key: String, value: Double)], firmMonthsByFirm: [[FirmMonthRecord]],
                marketMonths: [MarketMonthRecord], outcomes: [FirmOutcome], events: Int) {
        self.init(replication: replication, parameters: parameters, firmMonths: [], marketMonths: marketMonths,
                  outcomes: outcomes, events: events)
        self.firmMonthsByFirm = firmMonthsByFirm
    }
}

/// A replication that could not finish.
public enum ReplicationError: Error, Sendable, CustomStringConvertible {
    case eventBudgetExceeded(limit: Int, month: Int)

    public var description: String {
        switch self {
        case .eventBudgetExceeded(let limit, let month):
            "the replication exceeded limits.max_events (\(limit)) in month \(month); raise the limit or shrink the scenario"
        }
    }
}
