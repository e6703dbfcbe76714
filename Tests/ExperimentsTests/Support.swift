import Experiments
import Foundation
import MarketModel
import Stochastics

/// A point whose replications are random but deterministic functions of their seed plan,
/// with every kind of row filled in, so byte-identity and ordering tests mean something
/// before the market model lands.
///
/// With `entrants`, each replication adds 0–3 entrants of template `neo` (so the firm count
/// varies) and fills ``ReplicationResult/firms``; without, it leaves `firms` empty (the
/// fallback to the point's providers). Supply records come month-major (not canonical).
func syntheticPoint(index: Int = 0, scenario: String = "synthetic", firms: [String] = ["alpha", "beta, \"b\""],
                    tiers: [String] = ["h100", "ascend-910b"], horizon: Int = 6, failAt: Int? = nil,
                    entrants: Bool = false, maxDelayMicroseconds: UInt32 = 0) -> ExperimentPoint {
    ExperimentPoint(index: index, scenario: scenario, start: YearMonth(year: 2025, month: 11), horizonMonths: horizon,
                    tierNames: tiers, firmNames: firms, firmModels: firms.indices.map { $0 % 2 == 0 ? "owner" : "sublessor" },
                    templateNames: entrants ? ["neo"] : [], templateModels: entrants ? ["hybrid"] : [],
                    perReplicationKeys: ["demand.growth"]) { replication, plan in
        if maxDelayMicroseconds > 0 {
            let d = plan.stream(replication: replication, kind: "test-delay")
            usleep(UInt32(d.uniformInt(Int(maxDelayMicroseconds))))
        }
        if replication == failAt { throw ReplicationError.eventBudgetExceeded(limit: 10, month: 3) }
        let s = plan.stream(replication: replication, kind: "synthetic")
        var roster = firms.indices.map {
            FirmInfo(name: firms[$0], model: $0 % 2 == 0 ? .owner : .sublessor, template: nil, entryMonth: 0)
        }
        if entrants {
            for n in stride(from: 1, through: s.uniformInt(4), by: 1) {
                roster.append(FirmInfo(name: "neo-\(n)", model: .hybrid, template: "neo", entryMonth: s.uniformInt(horizon)))
            }
        }
        var firmMonths: [FirmMonthRecord] = []
        var outcomes: [FirmOutcome] = []
        for (f, info) in roster.enumerated() {
            let entry = info.entryMonth
            let exitMonth: Int? = s.uniform() < 0.4 ? entry + s.uniformInt(horizon - entry) : nil
            for m in entry..<horizon {
                var r = FirmMonthRecord(firm: f, month: m)
                r.cashStart = (s.uniform() * 1e7).rounded() / 100
                r.revenue = s.uniform() * 1e5
                r.cashEnd = r.cashStart + r.revenue
                r.grossMargin = s.uniform() < 0.2 ? nil : s.uniform() - 0.5
                r.utilisation = s.uniform()
                r.status = exitMonth.map { m >= $0 } == true ? .exited : .active
                r.leasesSigned = s.uniformInt(5)
                r.units = tiers.map { _ in s.uniformInt(100) }
                r.unitsLeased = r.units.map { $0 / 2 }
                r.listPrice = tiers.map { _ in s.uniform() < 0.3 ? nil : 10 + s.uniform() }
                r.unitsUnpowered = tiers.map { _ in s.uniformInt(4) }
                r.unitsOnOrder = tiers.map { _ in s.uniformInt(20) }
                r.unitsRentedIn = tiers.map { _ in f % 2 == 1 ? s.uniformInt(30) : 0 }
                r.commissionRevenue = s.uniform() * 100
                r.serverSales = info.model == .hybrid ? s.uniform() * 1e4 : 0
                r.refunds = s.uniform() < 0.1 ? s.uniform() * 1e3 : 0
                r.ownedMW = Double(s.uniformInt(8)) / 4
                r.buildingMW = s.uniform() < 0.2 ? 1.5 : 0
                r.colocationKW = Double(s.uniformInt(500))
                firmMonths.append(r)
            }
            var o = FirmOutcome(firm: f)
            if let exitMonth {
                o.survived = false
                o.exitMonth = exitMonth
                o.exitDay = Double(exitMonth) * 30.4 + 30
                o.exitReason = ExitReason.allCases[s.uniformInt(3)]
            } else {
                o.profitableFinalYear = s.uniform() < 0.5
            }
            o.finalCash = s.uniform() * 1e6 - 2e5
            o.cumulativeProfit = s.uniform() * 1e5
            o.irr = s.uniform() < 0.1 ? nil : s.uniform() - 0.2
            outcomes.append(o)
        }
        var market: [MarketMonthRecord] = []
        for m in 0..<horizon {
            for t in [nil] + tiers.indices.map(Optional.some) {
                var r = MarketMonthRecord(month: m, tier: t)
                r.priceIndex = s.uniform() < 0.1 ? nil : 12 + s.uniform()
                r.unitsInstalled = 100 + s.uniformInt(50)
                r.unitsLeased = s.uniformInt(r.unitsInstalled)
                r.tenantsLost = s.uniformInt(7)
                r.eflopsFP16 = s.uniform() * 3
                r.hhiUnits = s.uniform()
                r.chipPrice = t == nil ? nil : 2e5 * (1 + s.uniform())
                r.backlogUnits = s.uniformInt(300)
                r.leadTimeDays = s.uniform() < 0.3 ? nil : 30 + s.uniform() * 200
                r.unitsDeliveredUnpowered = s.uniformInt(10)
                r.entries = s.uniformInt(2)
                r.nationalTargetShare = t == nil ? s.uniform() / 10 : nil
                market.append(r)
            }
        }
        var supply: [SupplyMonthRecord] = []
        for m in 0..<horizon {   // month-major: the writer puts it in canonical order
            for t in tiers.indices {
                for j in ["us", "cn"] {
                    var r = SupplyMonthRecord(month: m, tier: t, jurisdiction: j)
                    r.capacityUnits = j == "cn" && m >= 3 ? 0 : 100 * (1 + Double(m) / 100)
                    r.orderedUnits = s.uniformInt(150)
                    r.shippedUnits = s.uniformInt(100)
                    r.deliveredUnits = s.uniformInt(100)
                    r.inTransitUnits = s.uniformInt(200)
                    r.backlogUnits = s.uniformInt(400)
                    r.cancelledUnits = j == "cn" && m == 3 ? s.uniformInt(50) : 0
                    r.refunded = Double(r.cancelledUnits) * 1e5
                    r.chipPrice = 2e5 * (1 + s.uniform())
                    r.leadTimeDays = s.uniform() < 0.2 ? nil : 40 + s.uniform() * 100
                    supply.append(r)
                }
            }
        }
        // Fleet rows that keep the units identity (their own stream, so the draws above are as before).
        let g = plan.stream(replication: replication, kind: "synthetic-fleet")
        var fleet: [FleetMonthRecord] = []
        for t in tiers.indices {   // tier-major, as the model records them
            var stock = 100
            for m in 0..<horizon {
                var r = FleetMonthRecord(month: m, tier: t)
                r.stockStart = stock
                r.shipped = g.uniformInt(30)
                r.retired = g.uniformInt(5)
                r.inTransit = g.uniformInt(r.shipped + 1)
                r.usedInventory = g.uniformInt(10)
                r.stockEnd = r.stockStart + r.shipped - r.retired
                r.atFirms = r.stockEnd - r.inTransit - r.usedInventory
                r.usedSold = g.uniformInt(r.usedInventory + 1)
                r.backlog = g.uniformInt(100)
                stock = r.stockEnd
                fleet.append(r)
            }
        }
        var result = ReplicationResult(replication: replication, parameters: [("demand.growth", s.uniform()), ("x.y", 1e-7)],
                                       firmMonths: firmMonths, marketMonths: market, outcomes: outcomes,
                                       events: 1000 + replication)
        result.supplyMonths = supply
        result.fleetMonths = fleet
        if entrants { result.firms = roster }
        return result
    }
}

/// A small scenario the real market can run.
func smallScenario(horizon: Int = 6) -> Scenario {
    let tier = HardwareTier(name: "h100", tflops: 989, eta: 1, portingPenalty: 0, powerKW: 1.2, purchaseCost: 250_000,
                            lifeYears: 5, physicalLifeYears: 7, usedDecline: 0.3, referencePrice: 15)
    let region = Region(name: "east", jurisdiction: "cn", electricityPrice: 0.6, pue: 1.3)
    func provider(_ name: String, _ model: BusinessModel) -> ProviderSpec {
        ProviderSpec(name: name, model: model, region: 0, jurisdiction: "cn", cash: 5e7, debt: 1e7,
                     fleet: [FleetCohort(tier: 0, units: 64, ageMonths: 6)], initialPrices: [:], pricing: .adaptive,
                     visibility: 0.5, reputation: 1, costOfCapital: 0.1, fixedOpexMonthly: 1e5,
                     opexPerUnitMonthly: 100, ltvCap: 0.5, minCash: 1e6, parentSupport: 0, softBudget: false,
                     floatingRate: true, interestRate: 0.02)
    }
    let segment = Segment(name: "llm", rate: 200, growth: .exponential(rate: 0.2), tier: 0, substitutes: [],
                          units: .constant(value: 8), termMonths: .constant(value: 6),
                          reservationPrice: .constant(value: 20), priceSensitivity: .constant(value: 1),
                          maxWaitDays: .constant(value: 0), takeOrPayShare: 0.5, defaultHazard: 0.01,
                          recoveryRate: 0.3, renewProbability: 0.5, outsideOption: true)
    return Scenario(name: "small", start: YearMonth(year: 2025, month: 1), horizonMonths: horizon, currency: "CNY",
                    tiers: [tier], regions: [region], segments: [segment],
                    providers: [provider("owner-a", .owner), provider("sub-b", .sublessor)])
}

/// A fresh folder under the system's temporary folder.
func scratchFolder(_ name: String = #function) -> String {
    let clean = name.filter { $0.isLetter || $0.isNumber }
    let path = NSTemporaryDirectory() + "suanli-exp-tests-" + clean + "-" + UUID().uuidString
    try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}

/// Runs points in memory and returns every file's bytes by name.
func runInMemory(_ points: [ExperimentPoint], replications: Int, threads: Int, seed: UInt64 = 7,
                 window: Int? = nil) throws -> [String: [UInt8]] {
    let files = ResultFiles(directory: nil)
    _ = try ExperimentRunner.run(points: points,
                                 configuration: RunConfiguration(replications: replications, masterSeed: seed,
                                                                 threads: threads, window: window),
                                 sinks: [files])
    return Dictionary(uniqueKeysWithValues: ResultFiles.fileNames.map { ($0, files.bytes(of: $0)) })
}

/// The median of `xs` (the mean of the middle two for an even count).
func median(_ xs: [Double]) -> Double {
    let s = xs.sorted()
    return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
}

/// The distribution-free 95% interval of a median from n values: the order statistics n/2 ∓ 1.96·√n/2
/// (the normal approximation to the binomial count of values below the median).
func medianInterval(_ xs: [Double]) -> (low: Double, high: Double) {
    let s = xs.sorted(), n = Double(s.count)
    let half = 1.96 * n.squareRoot() / 2
    let lo = Swift.max(0, Int((n / 2 - half).rounded(.down))), hi = Swift.min(s.count - 1, Int((n / 2 + half).rounded(.up)))
    return (s[lo], s[hi])
}
