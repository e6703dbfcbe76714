import CKeyedDraws
import Foundation
import SimKernel
import Stochastics

/// What happens in the market. Payloads carry only IDs (32-bit), so the calendar stays
/// small and allocation-free.
enum MarketEvent {
    /// A candidate arrival of the segment's thinned Poisson process.
    case arrivalCandidate(segment: SegmentID)
    /// A tenant (re-)enters the market now: after its lease ended, or its provider exited.
    case tenantReturned(tenant: TenantID)
    /// A lease reached its end date.
    case leaseExpired(lease: LeaseID)
    /// A waiting tenant's maximum wait ran out.
    case waitExpired(tenant: TenantID)
    /// The calendar month `month` closes (its last instant).
    case monthClosed(month: Int32)
    /// Shipped units reach their firm.
    case shipmentArrived(shipment: ShipmentID)
    /// A data-centre build completes.
    case buildCompleted(provider: ProviderID, build: BuildID)
}

/// Event priorities at equal times: the month close sees the month's last events first.
enum Priority {
    static let lease: Int32 = 0
    static let arrival: Int32 = 1
    static let close: Int32 = 2
}

/// One calendar for every rate and term: the average Gregorian year and month (365.2425 days,
/// a twelfth of it), so a rate per year, a term in months and an age in years agree.
let daysPerYear = 365.2425
let daysPerMonth = daysPerYear / 12
let hoursPerDay = 24.0
/// Hours in the average year (rates per year to rates per hour).
let hoursPerYear = daysPerYear * hoursPerDay
/// The longest contract counted in `short_term_price`, months (rental indices quote on-demand and
/// short reserved capacity).
let shortTermMonths = 3.0

/// One replication's market: all state, advanced by `handle` (see the `Market+…` extensions).
struct Market: Simulation {
    typealias Event = MarketEvent

    let scenario: Scenario
    let plan: SeedPlan
    let replication: Int
    let tierCount: Int
    /// Every tier, in catalogue order.
    let tierIDs: Range<TierID>

    // Calendar geometry: monthStart[m] is day of the start of month m; monthStart[H] is the horizon.
    var monthStart: [Double]
    var currentMonth = 0

    // Random streams: one per segment for arrivals (thinning), one scratch stream reseeded
    // for every keyed substream (tenant attributes, choice noise, lease clocks).
    var arrivalStreams: Table<Segment, RandomStream>
    let scratch: RandomStream
    var tenantBase: Table<Segment, KeyHasher>   // (rep, "tenant/<segment>")
    var choiceBase: KeyHasher        // (rep, "choice")
    /// The outside option's key in a choice round, its words worked out once.
    let outsideKey = KeyHasher.StringKey("outside")
    var leaseBase: KeyHasher         // (rep, "lease")
    var buildBase: KeyHasher         // (rep, "build")
    let entryStream: RandomStream    // (rep, "entry")
    var providerKey: ProviderTable<UInt64>      // hash of each provider's name

    // Entities.
    var tenants: ContiguousArray<Tenant> = []
    var leases: ContiguousArray<Lease> = []
    var providers: ProviderTable<ProviderState>
    var segmentSerial: Table<Segment, UInt64>
    /// Tenants waiting for units, first come first served.
    var waiting: ContiguousArray<TenantID> = []
    /// Scratch for `retryWaiting`: the most free units of each tier at any active firm (kept here so
    /// a retry, run at every lease end, allocates nothing).
    var mostFree: TierTable<Int>
    /// Scratch for `chooseAndSign`: the units of each acceptable tier that match the request.
    var needed: TierTable<Int>
    /// Active firms in index order (kept at entry and exit), and scratch for `retryWaiting`: the
    /// active firms with free units when the retries began.
    var activeIDs: [ProviderID] = []
    var retryFirms: [ProviderID] = []
    /// A round's consideration set when `pricing.consideration_max` bounds it: the firms kept,
    /// with their keys u_j/v_j (ascending; ``consideration(_:max:)``), sorted by firm in the round.
    var considered: [(key: Double, firm: ProviderID)] = []
    /// The consideration draw's lanes (``consideration(_:max:)``), in `activeIDs` order and padded
    /// to a multiple of eight: each active firm's 32-bit key, its visibility as a threshold on the
    /// 24-bit draw (v·2²⁴ as a Float, raised by 2⁻²⁰ of itself; 0 for padding or a firm nobody
    /// sees, which the exact test turns away), its visibility, and their sum. Rebuilt when the
    /// active firms or their visibilities change (a month's start, an entry, an exit), and only
    /// when the scenario bounds the sets.
    var laneKeys: [UInt32] = []
    var laneThresholds: [Float] = []
    var laneVisibility: [Double] = []
    var laneVisibilitySum = 0.0
    /// Scratch for the draw: the firms gathered (one entry per active firm) and the kept ones.
    var considerationScratch: [suanli_considered_t] = []
    var considerationKept: [suanli_considered_t] = []
    /// Scratch for `chooseAndSign`: the considered firms of a round, in index order (kept here so an
    /// arrival allocates no list of its own).
    var roundFirms: [ProviderID] = []
    /// With a bounded consideration set: per firm, the waiting tenants whose set holds it, in the
    /// order they began to wait (entries of tenants no longer waiting, or waiting again with
    /// another set, are dropped when the list is next read; ``retryWatchers(of:at:calendar:)``).
    var watchers: ProviderTable<ContiguousArray<Watch>> = ProviderTable(repeating: [], count: 0)
    /// With a bounded consideration set: each waiting tenant's set, the firms of the round in
    /// which it began to wait (by index), which it keeps asking while it waits.
    var waitSets: [TenantID: [ProviderID]] = [:]
    /// Per firm, the brokers it is an affiliate of: their quotes change when its free units do.
    var brokersOf: ProviderTable<[ProviderID]> = ProviderTable(repeating: [], count: 0)
    /// Scratch for `retryWaiting`: the lowest list price of each tier at an active firm with free units.
    var cheapestFree: TierTable<Double>
    /// Whether `mostFree`, `cheapestFree` and `retryFirms` must be scanned afresh before the next
    /// retries (list prices changed, or too many firms freed units to update them one by one).
    var freeScanStale = true
    /// Firms whose free units may have grown since the last scan (a lease ended, units arrived or
    /// were rented in, the firm entered): the next retries update the scan with these firms only.
    /// See ``scanFreeUnits()``.
    var freedSinceScan: [ProviderID] = []
    /// For tests: scan afresh before every pass of retries (the kept bounds must give the same market).
    var rescanEveryRetry = false
    /// For segment s and tiers a, b, at (s·T + a)·T + b: units of b that match one of a for the
    /// segment's workload (training: E_a/E_b; inference: the larger of the bandwidth and memory ratios).
    let substitution: [Double]
    var supplies: Table<ChipSupply, SupplyState>
    var shipments: ContiguousArray<Shipment> = []
    /// Shipments on their way (not yet arrived), in order of shipping.
    var inTransit: [ShipmentID] = []
    var firms: ProviderTable<FirmInfo>
    var templateCount: [Int] = []
    /// Per segment: the wanted tier, then its substitutes (the order quotes are asked in).
    let acceptableTiers: Table<Segment, [TierID]>
    /// Per tier: whether some tier names it as its `successor` (launch demand is counted for it).
    let isSuccessorTier: TierTable<Bool>
    /// Per segment: its acceptable tiers as bits (tier b: bit b; all bits when a tier index passes
    /// 63), and, of those, the successor tiers: a firm that holds none of the first and could not
    /// count launch demand for the second has nothing to say to the segment's tenants.
    let acceptableBits: Table<Segment, UInt64>
    let acceptableSuccessorBits: Table<Segment, UInt64>
    /// Per segment: its tenants' draws held flat (``FlatDistribution``): units, term, reservation
    /// price, price sensitivity, patience.
    let tenantDraws: Table<Segment, TenantDraws>
    var entriesThisMonth = 0

    // Market state.
    var priceIndex: TierTable<Double>        // index in force this month (computed at the last close)
    /// The rent a newcomer saw signed in the month just closed, per tier: the mean price of contracts
    /// of at most 3 months (the short-term price), else of all contracts signed; the price index when
    /// none was signed. Set at each close, read by entry and by investment (``anticipatedRent(start:tier:leadYears:)``).
    var signedRent: TierTable<Double>
    /// `signedRent` at the start (the price index) and after each close, oldest first, the last 37
    /// (the longest trend window, 36 months, and its start): the trend investment extrapolates.
    var signedRentPath: [TierTable<Double>] = []
    /// The market's utilisation of each tier over the month just closed (``marketUtilisation(_:)``;
    /// u* when no firm held the tier). Set at each close, read by entry.
    var closedUtilisation: TierTable<Double>
    /// The used price in force: what a unit of the reference age fetches (set at each close).
    var usedPrice: TierTable<Double>
    /// The vendor's list price of each tier in month `vendorPriceMonth` (the month in progress),
    /// so that the month's many valuations take no `pow` each (``vendorPrice(tier:month:)``).
    var vendorPriceNow: TierTable<Double>
    var vendorPriceMonth = -1
    /// δ on the sellers' ask at the last clearing (from the inventory's size).
    var usedDiscount: TierTable<Double>
    var visibility: ProviderTable<Double>    // this month
    /// Units offered in the used market, oldest offer first.
    var usedLots: TierTable<[UsedLot]>
    /// Bids of the month's expansion reviews, cleared at the close.
    var usedBids: TierTable<[UsedBid]>
    /// The expansions waiting for the used market to clear before they order new units.
    var pendingExpansions: [PendingExpansion] = []
    /// How a unit's value depends on its age, per tier.
    let remainingLife: TierTable<RemainingLife>
    /// Units in the market at the last close (the next month's `stock_start`), per tier.
    var fleetStock: TierTable<Int>
    /// This replication's supply shocks: the scenario's and the relaxations it drew.
    let supplyShocks: [SupplyShock]
    /// kW of colocation taken in each region.
    var colocationUsedKW = Table<Region, Double>([])
    /// Units rented from each overseas line now (at most its `units`).
    var overseasRented: [Int] = []
    var demandShock = Table<Segment, [Double]>([])   // [segment][month] product of demand-shock multipliers
    var defaultShock = Table<Segment, [Double]>([])  // [segment][month] product of default-hazard multipliers
    var baseRateByMonth: [Double] = []
    var rateBounds = Table<Segment, [Double]>([])    // [segment][month] thinning bound, per day
    var siteTable = Table<Region, [(electricity: Double, pue: Double)]>([])   // [region][month]
    var voucherBudget = Table<VoucherProgramme, Double>([])

    // Monthly observer accumulators.
    var monthTier: TierTable<TierMonth>

    // Output.
    var firmRecords: ProviderTable<[FirmMonthRecord]>   // per firm, per month
    var marketRecords: [MarketMonthRecord] = []
    var fleetRecords: TierTable<[FleetMonthRecord]>   // per tier, per month

    init(scenario: Scenario, plan: SeedPlan, replication: Int) {
        self.scenario = scenario
        self.plan = plan
        self.replication = replication
        tierCount = scenario.tiers.count
        tierIDs = scenario.tiers.ids
        var starts = [0.0]
        var ym = scenario.start
        for _ in 0..<scenario.horizonMonths {
            starts.append(starts[starts.count - 1] + Double(ym.days))
            ym = ym.adding(months: 1)
        }
        monthStart = starts
        arrivalStreams = Table(scenario.segments.map { plan.stream(replication: replication, kind: "arrivals", entity: $0.name) })
        scratch = RandomStream(seed: 0, generator: plan.generator)
        tenantBase = Table(scenario.segments.map { plan.hasher(replication: replication, kind: "tenant/" + $0.name) })
        choiceBase = plan.hasher(replication: replication, kind: "choice")
        leaseBase = plan.hasher(replication: replication, kind: "lease")
        buildBase = plan.hasher(replication: replication, kind: "build")
        entryStream = plan.stream(replication: replication, kind: "entry")
        supplyShocks = Market.drawSupplyShocks(scenario, plan: plan, replication: replication)
        supplies = Table(scenario.chipSupply.map { spec in
            SupplyState(record: SupplyMonthRecord(month: 0, tier: spec.tier.index, jurisdiction: spec.jurisdiction),
                        transit: plan.stream(replication: replication, kind: "transit",
                                             entity: scenario.tiers[spec.tier].name, second: spec.jurisdiction))
        })
        firms = Table(scenario.providers.map {
            var info = FirmInfo(name: $0.name, model: $0.model, template: $0.template, entryMonth: 0)
            info.population = $0.population
            return info
        })
        templateCount = Array(repeating: 0, count: scenario.entrants.count)
        providerKey = Table(scenario.providers.map {
            var h = KeyHasher(0)
            h.mix($0.name)
            return h.value
        })
        segmentSerial = Table(repeating: 0, count: scenario.segments.count)
        let accepted = scenario.segments.map { [$0.tier] + $0.substitutes }
        let successor = TierTable(scenario.tiers.ids.map { b in scenario.tiers.contains { $0.successor == b } })
        acceptableTiers = Table(accepted)
        isSuccessorTier = successor
        func bits(_ tiers: [TierID]) -> UInt64 {
            tiers.contains { $0.index >= 64 } ? ~0 : tiers.reduce(0) { $0 | 1 << UInt64($1.index) }
        }
        acceptableBits = Table(accepted.map { bits($0) })
        acceptableSuccessorBits = Table(accepted.map { bits($0.filter { successor[$0] }) })
        tenantDraws = Table(scenario.segments.map {
            TenantDraws(units: FlatDistribution($0.units), term: FlatDistribution($0.termMonths),
                        reservation: FlatDistribution($0.reservationPrice), sensitivity: FlatDistribution($0.priceSensitivity),
                        wait: FlatDistribution($0.maxWaitDays))
        })
        mostFree = TierTable(repeating: 0, count: scenario.tiers.count)
        needed = TierTable(repeating: 0, count: scenario.tiers.count)
        cheapestFree = TierTable(repeating: .infinity, count: scenario.tiers.count)
        substitution = scenario.segments.flatMap { seg in
            scenario.tiers.flatMap { a in scenario.tiers.map { b in Market.substitutionRatio(a, b, for: seg.workload) } }
        }
        providers = Table(scenario.providers.map { ProviderState(spec: $0, scenario: scenario) })
        activeIDs = Array(providers.indices)
        // A firm given no power owns exactly what its initial fleet draws.
        for j in providers.indices where providers[j].power.ownedMW == 0 && providers[j].power.colocationKW == 0 {
            let pue = scenario.regions[providers[j].spec.region].pue
            var kw = 0.0
            for c in providers[j].spec.fleet { kw += Double(c.units) * scenario.tiers[c.tier].powerKW * pue }
            providers[j].power.ownedMW = kw / 1000
        }
        var colocated = Table<Region, Double>(repeating: 0, count: scenario.regions.count)
        for p in providers where scenario.regions.indices.contains(p.spec.region.index) { colocated[p.spec.region] += p.power.colocationKW }
        colocationUsedKW = colocated
        priceIndex = TierTable(scenario.tiers.map(\.referencePrice))
        signedRent = priceIndex
        signedRentPath = [priceIndex]
        closedUtilisation = TierTable(repeating: scenario.pricing.targetUtilisation, count: scenario.tiers.count)
        usedPrice = TierTable(repeating: 0, count: scenario.tiers.count)
        vendorPriceNow = TierTable(repeating: 0, count: scenario.tiers.count)
        usedDiscount = TierTable(repeating: 0, count: scenario.tiers.count)
        remainingLife = TierTable(scenario.tiers.map {
            RemainingLife(discountRate: scenario.usedMarket.discountRate, decline: scenario.expansion.techDecline,
                          life: $0.physicalLifeYears, reference: scenario.usedMarket.referenceAgeYears)
        })
        usedLots = TierTable(repeating: [], count: scenario.tiers.count)
        usedBids = TierTable(repeating: [], count: scenario.tiers.count)
        fleetRecords = TierTable(repeating: [], count: scenario.tiers.count)
        var stock = TierTable(repeating: 0, count: scenario.tiers.count)
        for p in scenario.providers { for c in p.fleet where c.units > 0 { stock[c.tier] += c.units } }
        fleetStock = stock
        overseasRented = Array(repeating: 0, count: scenario.sublease.overseas.count)
        visibility = ProviderTable(repeating: 0, count: scenario.providers.count)
        watchers = ProviderTable(repeating: [], count: scenario.providers.count)
        brokersOf = ProviderTable(repeating: [], count: scenario.providers.count)
        for j in providers.indices where providers[j].spec.model == .broker {
            for a in providers[j].spec.supply.affiliates { brokersOf[a].append(j) }
        }
        monthTier = TierTable(repeating: TierMonth(), count: scenario.tiers.count)
        firmRecords = ProviderTable(repeating: [], count: scenario.providers.count)
        for f in firmRecords.indices { firmRecords[f].reserveCapacity(scenario.horizonMonths) }
        marketRecords.reserveCapacity(scenario.horizonMonths * (scenario.tiers.count + 1))
        let months = 0..<scenario.horizonMonths
        demandShock = Table(scenario.segments.ids.map { s in months.map { shockMultiplier(segment: s, month: $0, defaults: false) } })
        defaultShock = Table(scenario.segments.ids.map { s in months.map { shockMultiplier(segment: s, month: $0, defaults: true) } })
        rateBounds = computeRateBounds()
        siteTable = Table(scenario.regions.ids.map { r in months.map { siteMultipliers(region: r, month: $0) } })
        voucherBudget = Table(scenario.policy.vouchers.map(\.budget))
        baseRateByMonth = months.map { m in
            // The latest base-rate shock dated at or before the month (file order breaks ties).
            let ym = scenario.start.adding(months: m)
            var rate = scenario.finance.baseRate, latest: YearMonth? = nil
            for case .baseRate(let from, let r) in scenario.shocks where from <= ym && (latest.map { from >= $0 } ?? true) {
                rate = r
                latest = from
            }
            return rate
        }
    }

    @usableFromInline
    mutating func handle(_ event: MarketEvent, at time: SimTime, calendar: inout EventCalendar<MarketEvent>) {
        switch event {
        case .arrivalCandidate(let s): arrivalCandidate(segment: s, at: time, calendar: &calendar)
        case .tenantReturned(let t): tenantEnters(t, at: time, calendar: &calendar)
        case .leaseExpired(let l): leaseExpired(l, at: time, calendar: &calendar)
        case .waitExpired(let t): waitExpired(t, at: time)
        case .monthClosed(let m): closeMonth(Int(m), at: time, calendar: &calendar)
        case .shipmentArrived(let s): shipmentArrived(s, at: time, calendar: &calendar)
        case .buildCompleted(let j, let b): buildCompleted(provider: j, build: b, at: time, calendar: &calendar)
        }
    }

    /// Reserves room for the tenants the run is expected to make (the base arrival rates over the
    /// horizon, and a quarter more) and twice as many leases, so that the tables are not copied as
    /// they grow; at most 2¹⁸ tenants, so that a run stopped early by its event budget reserves no
    /// gigabytes. Only the memory changes: a run that makes more grows them as before.
    mutating func reserveForArrivals() {
        var expected = 0.0
        for m in 0..<scenario.horizonMonths {
            let mid = (monthStart[m] + monthStart[m + 1]) / 2
            for s in scenario.segments.ids { expected += baseRate(segment: s, at: mid) / 12 }
        }
        let n = Int(Swift.min(262_144, expected * 1.25))
        tenants.reserveCapacity(tenants.count + n)
        leases.reserveCapacity(leases.count + 2 * n)   // (renewals and re-entries sign more leases than tenants arrive)
    }

    /// Runs the whole horizon.
    mutating func simulate() throws(ReplicationError) -> Int {
        var calendar = EventCalendar<MarketEvent>(startTime: 0, minimumCapacity: 1024)
        updatePriceIndex()
        beginMonth(0)
        // The used price before any trade: the market's capitalised rent at the reference prices.
        for b in tierIDs { usedPrice[b] = fundamentalUsedValue(b) }
        // Each firm's plan starts with the fleet it holds, at its list prices and today's power and loan rate.
        for j in providers.indices {
            planConditions(firm: j)
            for c in providers[j].spec.fleet {
                providers[j].plan.commit(c.tier, units: c.units, rent: providers[j].leasing.listPrice[c.tier])
            }
        }
        // Builds under way at the start complete after their months left.
        for j in providers.indices {
            for (k, b) in providers[j].spec.supply.builds.enumerated() {
                calendar.schedule(.buildCompleted(provider: j, build: BuildID(k)), at: b.monthsLeft * daysPerMonth, priority: Priority.lease)
            }
        }
        seedInitialBook(calendar: &calendar)
        reserveForArrivals()
        for s in scenario.segments.ids { scheduleNextCandidate(segment: s, from: 0, calendar: &calendar) }
        for m in 0..<scenario.horizonMonths {
            calendar.schedule(.monthClosed(month: Int32(m)), at: monthStart[m + 1], priority: Priority.close)
        }
        let outcome = run(calendar: &calendar, until: monthStart[scenario.horizonMonths], maxEvents: scenario.limits.maxEvents)
        if outcome == .eventBudgetExhausted {
            throw ReplicationError.eventBudgetExceeded(limit: scenario.limits.maxEvents, month: currentMonth)
        }
        return calendar.eventCount
    }

    /// The month containing day `t` (the last month for t at the horizon), searching from `hint`.
    func month(of t: Double, from hint: Int) -> Int {
        var m = hint
        while m + 1 < scenario.horizonMonths && t >= monthStart[m + 1] { m += 1 }
        return m
    }
}

/// A tenant: drawn once from its keyed substream, kept while it leases or waits.
struct Tenant {
    var segment: SegmentID
    var key: UInt64            // its substream key
    var arrivalDay: Double     // first arrival
    var units: Int             // N, of the wanted tier
    var termMonths: Double     // as drawn; renewals keep it
    var nextTermMonths: Double // the term it asks for when it next enters (less after its provider's exit)
    var reservation: Double    // r, per accelerator-hour
    var beta: Double
    var maxWaitDays: Double
    var takeOrPay: Bool
    var wantsToBuy = false
    var round: UInt64 = 0      // choice rounds so far (each gets fresh noise)
    var waitHandle: EventHandle? = nil
    /// With a bounded consideration set: the count of its waits (`Watch.serial`; its set is in
    /// `Market.waitSets` while it waits, so that a tenant stays a plain value).
    var waitSerial: UInt32 = 0
}

/// A waiting tenant's entry in a firm's list of watchers: the tenant, and which of its waits.
struct Watch {
    var tenant: TenantID
    var serial: UInt32
}

/// A signed contract.
struct Lease {
    var lessee: Lessee
    var provider: ProviderID
    var tier: TierID
    var units: Int
    var price: Double          // locked, per unit-hour (what the tenant pays)
    var broker: ProviderID? = nil       // the platform that arranged it
    var voucher: VoucherID? = nil       // the voucher programme paying part of it
    var start: Double
    var end: Double
    var billedUntil: Double
    var takeOrPay: Bool
    var cancelThreshold: Double   // unit-exponential clock for the cancellation hazard
    var defaultThreshold: Double  // unit-exponential clock for the default hazard
    var cancelHazard = 0.0
    var defaultHazard = 0.0
    var active = true
    var positionInBook = 0
    var endHandle: EventHandle? = nil
    var billedThisMonth = 0.0

    /// Who rents the units.
    enum Lessee {
        /// A tenant of a segment.
        case tenant(TenantID)
        /// A sublessor renting in from the owner (its `RentIn` is backed by this lease).
        case sublessor(ProviderID)
    }

    /// The tenant, or nil for a sublessor's rent-in.
    var tenant: TenantID? {
        if case .tenant(let i) = lessee { return i }
        return nil
    }
}

/// Per-tier observer counts for the month in progress.
struct TierMonth {
    var tenantsArrived = 0
    var tenantsLost = 0
    var tenantsSigned = 0
    var unitsRequested = 0
    var unitsLost = 0
    var signedUnits = 0
    var signedValue = 0.0
    /// The same for contracts of at most `shortTermMonths` (what rental indices quote).
    var shortUnits = 0
    var shortValue = 0.0
    /// Units put up for sale in the used market (exits, distress, deliveries to exited firms).
    var usedOffered = 0
    var usedSold = 0
    var exits = 0
    /// Units the vendors shipped (normal channel, grey imports).
    var shipped = 0
    var greyImported = 0
    /// Units that left the market: physical life reached.
    var retired = 0
    /// Units hybrids sold to their customers.
    var soldToUsers = 0
    var deliveredUnits = 0
    var leadTimeSum = 0.0
}

/// A segment's tenant draws held flat, in the order ``Market/drawTenant(segment:key:at:)`` takes them.
struct TenantDraws {
    var units, term, reservation, sensitivity, wait: FlatDistribution
}
