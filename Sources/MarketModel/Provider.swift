import Foundation

/// A cohort of identical units bought on one day.
struct Cohort {
    var tier: TierID
    var units: Int
    /// Day of purchase (negative for units older than the start).
    var purchaseDay: Double
    /// Purchase cost per unit, less impairment: the base of straight-line depreciation and book value.
    var unitCost: Double
    /// The purchase cost per unit before any impairment (nil: never impaired): caps a reversal at the
    /// book value had no impairment been recognised.
    var unimpairedCost: Double? = nil
}

/// A firm's running state in one replication, in named parts:
///
/// - `ledger`: the balance sheet's money (cash, debt and its schedule, parent support, vouchers owed);
/// - `fleet`: units owned (installed, waiting for power, on order) and rented in;
/// - `power`: facility power owned, under construction and colocated;
/// - `leasing`: the contract book, units leased out and list prices;
/// - `month`: the month's flows and integrals, which become a `FirmMonthRecord` at the close and
///   start again from zero (one assignment, `resetMonth`);
/// - `quarter`: what the quarterly expansion review measures;
/// - `history`: trailing figures kept across closes (for reviews and outcomes);
/// - `exit`: set when the firm leaves the market (`exitPending` marks it during the close that settles it).
struct ProviderState {
    let spec: ProviderSpec
    /// The supply entry selling each tier to the firm's jurisdiction, if any.
    let supply: TierTable<SupplyID?>
    /// The capital recovery factor ρ/(1 − (1+ρ)^−life) of each tier at the firm's cost of capital
    /// (constant over the run: computed once, read by every month's pricing and valuation).
    let capitalRecovery: TierTable<Double>
    var ledger: Ledger
    var fleet: Fleet
    var power: Power
    var leasing: Leasing
    var month: MonthFlows
    var quarter: QuarterReview
    var history = History()
    /// What the firm planned when it last invested, and its cash flow's shortfalls against it.
    var plan: Plan
    var drivers = DriverContributions()
    /// Why the firm will exit at the end of the close in progress (set by accounts or the review).
    var exitPending: ExitReason? = nil
    /// When and why the firm left; nil while it is in the market.
    var exit: Exit? = nil

    /// Whether the firm is in the market.
    var active: Bool { exit == nil }

    init(spec: ProviderSpec, scenario: Scenario) {
        self.spec = spec
        supply = TierTable(scenario.tiers.ids.map { b in
            scenario.chipSupply.ids.first { scenario.chipSupply[$0].tier == b && scenario.chipSupply[$0].jurisdiction == spec.jurisdiction }
        })
        let n = scenario.tiers.count
        capitalRecovery = TierTable(scenario.tiers.ids.map { b in
            let rho = spec.costOfCapital, life = scenario.tiers[b].lifeYears
            return rho > 0 ? rho / (1 - pow(1 + rho, -life)) : 1 / life
        })
        plan = Plan(tierCount: n)
        ledger = Ledger(cash: spec.cash, debt: spec.debt, debtMonthsLeft: scenario.finance.debtTermMonths,
                        parentSupportLeft: spec.parentSupport)
        fleet = Fleet(tierCount: n)
        power = Power(ownedMW: spec.supply.ownedMW)
        if spec.supply.colocationKW > 0 {
            // The colocation it starts with: at the region's base price, for a term from the start.
            power.colocation = [ColocationContract(kw: spec.supply.colocationKW, price: scenario.colocationBasePrice(region: spec.region),
                                                   end: scenario.dataCentres.colocationTermMonths.map { $0 * daysPerMonth } ?? .infinity)]
        }
        for b in spec.supply.builds {
            let capex = b.capexLeft ?? b.mw * scenario.dataCentres.costPerMW
            power.builds.append(Build(mw: b.mw, capexLeft: capex, capexPerMonth: capex / Swift.max(1, b.monthsLeft),
                                      cost: capex, plannedMW: b.mw))
        }
        leasing = Leasing(leased: TierTable(repeating: 0, count: n),
                          listPrice: TierTable(scenario.tiers.ids.map { spec.initialPrices[$0] ?? scenario.tiers[$0].referencePrice }),
                          wholesaleOut: TierTable(repeating: 0, count: n),
                          utilisation: TierTable(repeating: scenario.pricing.targetUtilisation, count: n))
        month = MonthFlows(tierCount: n, from: 0)
        quarter = QuarterReview(tierCount: n)
        for c in spec.fleet where c.units > 0 {
            let tier = scenario.tiers[c.tier]
            fleet.cohorts.append(Cohort(tier: c.tier, units: c.units, purchaseDay: -Double(c.ageMonths) * daysPerMonth,
                                        unitCost: tier.purchaseCost))
            fleet.installed[c.tier] += c.units
        }
    }

    /// Units the firm can lease out: installed (owned, powered) plus rented in.
    func capacity(_ tier: TierID) -> Int { fleet.installed[tier] + fleet.rentedIn[tier] }

    /// Records a change of leased units of `tier` at day `t`, keeping the month's and the quarter's integrals.
    mutating func changeLeased(tier: TierID, by delta: Int, at t: Double) {
        let dt = t - month.lastChange[tier]
        month.leasedArea[tier] += Double(leasing.leased[tier]) * dt
        month.installedArea[tier] += Double(fleet.installed[tier] + fleet.rentedIn[tier]) * dt
        month.ownedArea[tier] += Double(fleet.installed[tier]) * dt
        quarter.leasedArea[tier] += Double(leasing.leased[tier]) * dt
        month.lastChange[tier] = t
        leasing.leased[tier] += delta
    }

    /// Free units of a tier now.
    func free(_ tier: TierID) -> Int { fleet.installed[tier] + fleet.rentedIn[tier] - leasing.leased[tier] }

    var totalInstalled: Int { fleet.installed.values.reduce(0, +) }
}

/// The money side of a firm's balance sheet.
struct Ledger {
    var cash: Double
    var debt: Double
    /// Months left of the straight-line repayment schedule (reset by a new draw).
    var debtMonthsLeft: Int
    /// Equity the parent can still inject.
    var parentSupportLeft: Double
    /// An entrant's capital, booked as equity raised in its first month's accounts.
    var equityAtEntry = 0.0
    /// Voucher income owed to the firm, by the month it is paid.
    var vouchersDue: [(month: Int, amount: Double)] = []
}

/// The units a firm holds.
struct Fleet {
    /// Owned, installed units by cohort.
    var cohorts: [Cohort] = []
    /// Owned, installed units by tier (the sum of `cohorts`).
    var installed: TierTable<Int> { didSet { updateHeld() } }
    /// Delivered units waiting for power, oldest first.
    var unpowered: [Cohort] = []
    /// Units ordered and not yet delivered, by tier.
    var onOrder: TierTable<Int>
    /// Capacity rented in (sublessors).
    var rentIns: [RentIn] = []
    /// Units rented in by tier (the sum of `rentIns`).
    var rentedIn: TierTable<Int> { didSet { updateHeld() } }
    /// The tiers the firm has capacity of (installed or rented in), bit b for tier b: kept with
    /// `installed` and `rentedIn`, so that a choice round passes over the tiers a firm does not
    /// hold without reading its tables. Tiers from the 64th on have no bit (``holds(_:)`` reads them).
    private(set) var held: UInt64 = 0

    init(tierCount n: Int) {
        installed = TierTable(repeating: 0, count: n)
        onOrder = TierTable(repeating: 0, count: n)
        rentedIn = TierTable(repeating: 0, count: n)
    }

    /// Whether the firm has capacity of tier `b` (installed or rented in).
    @inline(__always)
    func holds(_ b: TierID) -> Bool {
        b.index < 64 ? held & (1 << UInt64(b.index)) != 0 : installed[b] + rentedIn[b] > 0
    }

    private mutating func updateHeld() {
        var bits: UInt64 = 0
        for k in 0..<Swift.min(64, installed.count) where installed.values[k] + rentedIn.values[k] > 0 { bits |= 1 << UInt64(k) }
        held = bits
    }
}

/// A firm's facility power.
struct Power {
    var ownedMW: Double
    /// Its colocation contracts.
    var colocation: [ColocationContract] = []
    /// kW of colocation the firm holds.
    var colocationKW: Double { colocation.reduce(0) { $0 + $1.kw } }
    /// Builds under way and completed (a completed build keeps its place with 0 MW).
    var builds: [Build] = []
    /// Capex of completed builds, depreciated over the facility life.
    var facilityCost = 0.0
}

/// What a firm offers and has signed.
struct Leasing {
    /// Units leased out by tier (tenants' and sublessors' leases in the book).
    var leased: TierTable<Int>
    /// List price by tier for the month in progress (currency per unit-hour).
    var listPrice: TierTable<Double>
    /// Units let to sublessors by tier (part of `leased`).
    var wholesaleOut: TierTable<Int>
    /// Time-averaged utilisation by tier of the last closed month (u* before the first close):
    /// it sets the firm's wholesale price.
    var utilisation: TierTable<Double>
    /// Contract book: active leases (order is deterministic; removal swaps with the last).
    var book: ContiguousArray<LeaseID> = []
}

/// A firm's flows and integrals for the month in progress; they become its `FirmMonthRecord` at the close.
struct MonthFlows {
    // Integrals over the month by tier, from `lastChange` on: unit-days leased, and unit-days of
    // capacity (installed plus rented in).
    var leasedArea: TierTable<Double>
    var installedArea: TierTable<Double>
    /// Unit-days of owned, installed units (capacity less rented-in units): power and per-unit opex.
    var ownedArea: TierTable<Double>
    var lastChange: TierTable<Double>
    /// Units of each tier requested of this firm that it could not serve.
    var refused: TierTable<Int>
    /// Units turned away by a firm that quoted nothing, for a tier it cannot buy new (starvation).
    var refusedUnbuyable = 0

    var rentRevenue = 0.0
    var rentByTier: TierTable<Double>
    var takeOrPayRent = 0.0
    /// Rent billed this month on the firm's largest lease.
    var largestLeaseRent = 0.0
    var claimsBooked = 0.0
    var claimsRecovered = 0.0
    var cancelFees = 0.0
    var leasesSigned = 0
    /// Capex to pay at the close (orders, builds as they go, used units).
    var capex = 0.0
    /// Refunds of cancelled, paid orders.
    var refunds = 0.0
    /// A ban's cancelled orders: prepayments the vendor kept, and penalties to pre-let tenants.
    var ordersWrittenOff = 0.0
    var cancellationPenalties = 0.0
    /// The cost-overrun part of build capex paid this month.
    var buildOverrun = 0.0
    var colocationCost = 0.0
    var rentInCost = 0.0
    /// Brokers' commission.
    var commission = 0.0
    /// Hybrids' server sales, and the book value of the units sold.
    var serverSales = 0.0
    var bookValueSold = 0.0

    /// Zero flows, integrals starting at day `t`.
    init(tierCount n: Int, from t: Double) {
        leasedArea = TierTable(repeating: 0, count: n)
        installedArea = TierTable(repeating: 0, count: n)
        ownedArea = TierTable(repeating: 0, count: n)
        lastChange = TierTable(repeating: t, count: n)
        refused = TierTable(repeating: 0, count: n)
        rentByTier = TierTable(repeating: 0, count: n)
    }

    /// Zero flows again, integrals starting at day `t`, reusing the tables' storage (the same
    /// state as `MonthFlows(tierCount:from:)`).
    mutating func reset(from t: Double) {
        leasedArea.fill(0)
        installedArea.fill(0)
        ownedArea.fill(0)
        lastChange.fill(t)
        refused.fill(0)
        refusedUnbuyable = 0
        rentByTier.fill(0)
        rentRevenue = 0
        takeOrPayRent = 0
        largestLeaseRent = 0
        claimsBooked = 0
        claimsRecovered = 0
        cancelFees = 0
        leasesSigned = 0
        capex = 0
        refunds = 0
        ordersWrittenOff = 0
        cancellationPenalties = 0
        buildOverrun = 0
        colocationCost = 0
        rentInCost = 0
        commission = 0
        serverSales = 0
        bookValueSold = 0
    }
}

/// What the quarterly expansion review measures, by tier.
struct QuarterReview {
    /// Unit-days leased since the last review.
    var leasedArea: TierTable<Double>
    /// Units refused since the last review.
    var refused: TierTable<Int>
    /// D̂ of the previous review.
    var lastDemand: TierTable<Double>

    init(tierCount n: Int) {
        leasedArea = TierTable(repeating: 0, count: n)
        refused = TierTable(repeating: 0, count: n)
        lastDemand = TierTable(repeating: 0, count: n)
    }
}

/// Figures a firm keeps across closes.
struct History {
    /// OCF − interest by month (exit reviews, going-concern value).
    var ocf: [Double] = []
    /// Consecutive quarterly reviews with negative OCF − interest.
    var losingQuarters = 0
    /// Rent by tier of the last 12 closed months.
    var rentByTier: [TierTable<Double>] = []
    /// The last 12 closed months' units turned away for want of chips the firm cannot buy, and
    /// units leased on average (the starvation review takes 11 and the month in progress).
    var starvation: [(refused: Double, leased: Double)] = []
    /// Take-or-pay rent and all rent by month (outcomes).
    var takeOrPayRent: [Double] = []
    var rent: [Double] = []
    /// At the last close: the largest lease's share of rent, debt over marked collateral, and the contracted backlog.
    var lastTopShare: Double? = nil
    var lastLeverage: Double? = nil
    var lastBacklog = 0.0
}

/// When and why a firm left the market.
struct Exit {
    var day: Double
    var month: Int
    var reason: ExitReason
}

/// A data-centre build.
struct Build {
    /// MW it adds when complete (0 once completed: they have joined the firm's owned MW).
    var mw: Double
    /// Capex still to pay, and per month.
    var capexLeft: Double
    var capexPerMonth: Double
    /// The share of every payment that is cost overrun (overrun/(1 + overrun)).
    var overrunShare = 0.0
    /// Its whole cost, overrun included, and its MW as planned: the build's record, which no rule
    /// reads (`mw` and `capexLeft` fall to 0 on completion); DataCentreTests audits the overrun by them.
    var cost = 0.0
    var plannedMW = 0.0
}

/// kW of colocation at a price, paid to its end (∞: open-ended).
struct ColocationContract {
    var kw: Double
    /// Currency per kW-month.
    var price: Double
    var end: Double
}

/// Capacity a sublessor rents in.
struct RentIn {
    var tier: TierID
    var units: Int
    /// Price per unit-hour.
    var price: Double
    var end: Double
    var backing: Backing
    var billedUntil: Double

    /// Whom the units are rented from.
    enum Backing: Equatable {
        /// An owner: a lease in the owner's book, billed there.
        case lease(LeaseID)
        /// An overseas line (index into `sublease.overseas`): the sublessor bills itself at each close.
        case overseas(Int)
    }
}

/// What a firm planned when it invested (its start, its entry, each order and purchase): the
/// reference its exit drivers measure realised cash flows against (docs/MODEL.md, 5.11).
struct Plan {
    /// Units committed to, by tier, and their value at the firm's list price of the day: the
    /// planned rent of a tier is value / units.
    var units: TierTable<Double>
    var value: TierTable<Double>
    /// Electricity price × PUE of the firm's site at its last investment.
    var sitePrice = 0.0
    /// The firm's loan rate at its last investment.
    var rate = 0.0
    /// At its last investment, the mean price per kW-month of the colocation it held (the region's
    /// price of the day when it held none).
    var colocationPrice = 0.0
    /// Orders a ban cancelled: units the firm planned and will never get, from their expected delivery.
    var lost: [(tier: TierID, units: Int, day: Double)] = []

    init(tierCount n: Int) {
        units = TierTable(repeating: 0, count: n)
        value = TierTable(repeating: 0, count: n)
    }

    /// Planned rent per unit-hour of tier `b` (`fallback` when the firm never committed to it).
    func rent(_ b: TierID, fallback: Double) -> Double {
        units[b] > 0 ? value[b] / units[b] : fallback
    }

    /// Commits `n` units of tier `b` at rent `price`.
    mutating func commit(_ b: TierID, units n: Int, rent price: Double) {
        guard n > 0 else { return }
        units[b] += Double(n)
        value[b] += Double(n) * price
    }
}
