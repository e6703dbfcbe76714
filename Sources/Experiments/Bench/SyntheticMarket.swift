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

    /// The scenario file's text.
    public static func yaml(firms n: Int, months: Int = 48, considerationMax: Int? = nil) -> String {
        precondition(n >= 1 && months >= 1)
        let installed = (0..<n).reduce(0) { $0 + units(firm: $1) }
        // Offered load at u = 0.7: units in use = arrivals a month × units a tenant (mean 4) × term (mean 6 months).
        let perYear = 0.7 * Double(installed) / (4.0 * 6.0) * 12
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
                "      units: {dist: lognormal, mu: 1.04, sigma: 0.83}",   // mean 4, sd 4
                "      term_months: {dist: exponential, mean: 6}",
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
            let d = (ContinuousClock.now - start).components
            m.seconds.append(Double(d.seconds) + Double(d.attoseconds) * 1e-18)
            m.events += result.events
        }
        return m
    }
}
