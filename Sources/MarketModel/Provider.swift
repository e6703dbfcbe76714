/// A cohort of identical units bought on one day.
struct Cohort {
    var tier: Int
    var units: Int
    /// Day of purchase (negative for units older than the start).
    var purchaseDay: Double
    /// Purchase cost per unit.
    var unitCost: Double
}

/// A firm's running state in one replication.
struct ProviderState {
    let spec: ProviderSpec
    let index: Int
    var active = true
    var exitDay: Double? = nil
    var exitMonth: Int? = nil
    var exitReason: ExitReason? = nil
    var exitPending: ExitReason? = nil

    var cash: Double
    var debt: Double
    var debtMonthsLeft: Int
    var parentSupportLeft: Double

    var cohorts: [Cohort] = []
    var installed: [Int]
    var leased: [Int]
    var listPrice: [Double]
    /// Contract book: active lease ids (order is deterministic; removal swaps with the last).
    var book: ContiguousArray<Int32> = []

    // Integrals over the month in progress, by tier: unit-days leased and installed.
    var leasedArea: [Double]
    var installedArea: [Double]
    var lastChange: [Double]
    /// Units of each tier requested of this firm that it could not serve, this month.
    var refused: [Int]

    // Flow accumulators for the month in progress (become a FirmMonthRecord at close).
    var rentRevenue = 0.0
    var rentByTier: [Double]
    var takeOrPayRent = 0.0
    var largestLeaseRent = 0.0
    var claimsBooked = 0.0
    var claimsRecovered = 0.0
    var cancelFees = 0.0
    var leasesSigned = 0

    // History for reviews and outcomes.
    var ocfHistory: [Double] = []           // OCF − interest by month
    var netIncomeHistory: [Double] = []
    var equityFlows: [Double] = []          // by month, from the equity holder's side
    var initialEquity: Double = 0
    var losingQuarters = 0
    var lastUtilisation: [Double?] = []
    // Supply side.
    var ownedMW = 0.0
    var colocationKW = 0.0
    var builds: [Build] = []
    var facilityCost = 0.0             // capex of completed builds, depreciated over the facility life
    var unpowered: [Cohort] = []
    var onOrder: [Int]
    var rentIns: [RentIn] = []
    var rentedIn: [Int]
    var quarterLeasedArea: [Double]    // unit-days leased this quarter, by tier
    var quarterRefused: [Int]
    var lastQuarterDemand: [Double]    // D̂ of the previous review, by tier
    var rentByTierHistory: [[Double]] = []
    // Month flows of the supply side.
    var capex = 0.0
    var refunds = 0.0
    var colocationCost = 0.0
    var rentInCost = 0.0
    var commission = 0.0
    var serverSales = 0.0
    var bookValueSold = 0.0
    var equityAtEntry = 0.0
    var vouchersDue: [(month: Int, amount: Double)] = []
    var voucherIncome = 0.0

    var lastTopShare: Double? = nil
    var lastLeverage: Double? = nil
    var lastBacklog = 0.0
    var takeOrPayTrailing: [Double] = []
    var rentTrailing: [Double] = []

    init(spec: ProviderSpec, index: Int, scenario: Scenario) {
        self.spec = spec
        self.index = index
        let n = scenario.tiers.count
        cash = spec.cash
        debt = spec.debt
        debtMonthsLeft = scenario.finance.debtTermMonths
        parentSupportLeft = spec.parentSupport
        installed = Array(repeating: 0, count: n)
        leased = Array(repeating: 0, count: n)
        leasedArea = Array(repeating: 0, count: n)
        installedArea = Array(repeating: 0, count: n)
        lastChange = Array(repeating: 0, count: n)
        refused = Array(repeating: 0, count: n)
        rentByTier = Array(repeating: 0, count: n)
        onOrder = Array(repeating: 0, count: n)
        rentedIn = Array(repeating: 0, count: n)
        quarterLeasedArea = Array(repeating: 0, count: n)
        quarterRefused = Array(repeating: 0, count: n)
        lastQuarterDemand = Array(repeating: 0, count: n)
        ownedMW = spec.supply.ownedMW
        colocationKW = spec.supply.colocationKW
        listPrice = scenario.tiers.indices.map { spec.initialPrices[$0] ?? scenario.tiers[$0].referencePrice }
        for c in spec.fleet where c.units > 0 {
            let tier = scenario.tiers[c.tier]
            cohorts.append(Cohort(tier: c.tier, units: c.units, purchaseDay: -Double(c.ageMonths) * daysPerMonth,
                                  unitCost: tier.purchaseCost))
            installed[c.tier] += c.units
        }
    }

    /// Units the firm can lease out: installed (owned, powered) plus rented in.
    func capacity(_ tier: Int) -> Int { installed[tier] + rentedIn[tier] }

    /// Records a change of leased units of `tier` at day `t`, keeping the month's integrals.
    mutating func changeLeased(tier: Int, by delta: Int, at t: Double) {
        let dt = t - lastChange[tier]
        leasedArea[tier] += Double(leased[tier]) * dt
        installedArea[tier] += Double(installed[tier] + rentedIn[tier]) * dt
        quarterLeasedArea[tier] += Double(leased[tier]) * dt
        lastChange[tier] = t
        leased[tier] += delta
    }

    /// Free units of a tier now.
    func free(_ tier: Int) -> Int { installed[tier] + rentedIn[tier] - leased[tier] }

    var totalInstalled: Int { installed.reduce(0, +) }
}

/// A data-centre build under way.
struct Build {
    var mw: Double
    var doneDay: Double
    /// Capex still to pay, and per month.
    var capexLeft: Double
    var capexPerMonth: Double
}

/// Capacity a sublessor rents in.
struct RentIn {
    var tier: Int
    var units: Int
    /// Price per unit-hour.
    var price: Double
    var end: Double
    /// The lease in the lessor's book, or -1 when rented from the market.
    var lease: Int32
    var billedUntil: Double
}
