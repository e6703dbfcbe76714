import Foundation
import MarketModel
import ScenarioModule
import Stochastics

/// A market of `firms` owners built to measure how the model's cost grows with the number of firms
/// at a fixed demand per firm (`suanli bench market`): two accelerator tiers, a training segment
/// that wants the newer and accepts the older, an inference segment the other way round, and
/// owners of 32, 64 or 128 units (by turn) split between the tiers, priced adaptively, who never
/// exit (soft budgets) and never expand, so the market keeps its size. Tenants arrive at a rate
/// proportional to the units installed, for a utilisation of about 0.7 at the list prices. The
/// numbers are round figures of the baseline's kind (an H800-class and an A800-class tier), not a
/// calibration: the market is a yardstick.
public enum SyntheticMarket {
    /// Units of firm `k` (0-based): 32, 64, 128, 32, …
    public static func units(firm k: Int) -> Int { [32, 64, 128][k % 3] }

    /// A tenant's units: lognormal with this mean and standard deviation.
    static let tenantUnits = (mean: 4.0, sd: 4.0)
    /// A tenant's term, months: exponential with this mean.
    static let termMonths = 6.0
    /// The utilisation the arrival rate is set for.
    static let utilisation = 0.7

    /// The scenario file's text.
    public static func yaml(firms n: Int, months: Int = 48, considerationMax: Int? = nil) -> String {
        precondition(n >= 1 && months >= 1)
        let installed = (0..<n).reduce(0) { $0 + units(firm: $1) }
        // Offered load: units in use = arrivals a month × units a tenant × term in months.
        let perYear = utilisation * Double(installed) / (tenantUnits.mean * termMonths) * 12
        // The lognormal's parameters from its mean and standard deviation.
        let sigma2 = log(1 + (tenantUnits.sd * tenantUnits.sd) / (tenantUnits.mean * tenantUnits.mean))
        let mu = log(tenantUnits.mean) - sigma2 / 2
        var lines: [String] = [
            "name: synthetic-market-\(n)",
            "description: \(n) owners at a fixed demand per firm (suanli bench market).",
            "start: 2024-01",
            "horizon_months: \(months)",
            "currency: CNY",
            "tiers:",
            "  - {name: new, tflops: 989, power_kw: 1.275, purchase_cost: 280000, reference_price: 20, memory_gb: 80, bandwidth_tbs: 3.35}",
            "  - {name: old, tflops: 312, power_kw: 0.65, purchase_cost: 120000, reference_price: 8, memory_gb: 80, bandwidth_tbs: 2.0}",
            "regions:",
            "  - {name: site, jurisdiction: cn, electricity_price: 0.65, pue: 1.3}",
            "demand:",
            "  segments:",
        ]
        for (name, tier, other, workload, share) in [("training", "new", "old", "training", 0.6), ("inference", "old", "new", "inference", 0.4)] {
            lines += [
                "    - name: \(name)",
                "      workload: \(workload)",
                "      rate: \(perYear * share)",
                "      growth: {kind: exponential, rate: 0}",
                "      tier: \(tier)",
                "      substitutes: [\(other)]",
                "      units: {dist: lognormal, mu: \(mu), sigma: \(sigma2.squareRoot())}",
                "      term_months: {dist: exponential, mean: \(termMonths)}",
                "      reservation_price: 40",
                "      price_sensitivity: 4",
                "      max_wait_days: 14",
                "      take_or_pay_share: 0",
                "      default_hazard: 0",
                "      renew_probability: 0.3",
                "      outside_option: true",
            ]
        }
        lines.append("providers:")
        for k in 0..<n {
            let u = units(firm: k), newUnits = u / 2
            lines += [
                "  - name: firm-\(k + 1)",
                "    model: owner",
                "    region: site",
                "    cash: 1e9",
                "    soft_budget: true",
                "    pricing: adaptive",
                "    prices: {new: \(16 + k % 5), old: \(6 + k % 3)}",
                "    visibility: \(0.2 + 0.1 * Double(k % 4))",
                "    expands: false",
                "    fleet:",
                "      - {tier: new, units: \(newUnits), age_months: \(k % 12)}",
                "      - {tier: old, units: \(u - newUnits), age_months: \(24 + k % 12)}",
            ]
        }
        lines += ["shocks: []", "pricing:", "  visibility_slope: 0.5"]
        if let k = considerationMax { lines.append("  consideration_max: \(k)") }
        lines.append("limits: {max_events: 100000000}")
        return lines.joined(separator: "\n") + "\n"
    }

    /// One run's figures: replications on one thread, one after another.
    public struct Measurement: Sendable {
        public var firms: Int
        public var replications: Int
        public var events: Int
        /// Seconds of each replication (the model only: no result is written).
        public var seconds: [Double]

        /// The median seconds of a replication.
        public var medianSeconds: Double {
            let s = seconds.sorted()
            return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
        }
        public var eventsPerSecond: Double { Double(events) / seconds.reduce(0, +) }
    }

    /// Runs `replications` replications of the market of `firms` firms at master seed `seed`.
    public static func measure(firms n: Int, months: Int = 48, considerationMax: Int? = nil,
                               replications: Int, seed: UInt64) throws -> Measurement {
        let document = try ScenarioLoader.load(yaml: yaml(firms: n, months: months, considerationMax: considerationMax),
                                               path: "synthetic-market-\(n).yaml")
        let plan = SeedPlan(masterSeed: seed)
        var m = Measurement(firms: n, replications: replications, events: 0, seconds: [])
        for rep in 0..<replications {
            let scenario = document.instantiate(replication: rep, plan: plan).scenario
            let start = ContinuousClock.now
            let result = try MarketReplication.run(scenario, plan: plan, replication: rep)
            m.seconds.append((ContinuousClock.now - start).seconds)
            m.events += result.events
        }
        return m
    }
}
