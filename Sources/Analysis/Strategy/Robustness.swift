import Stochastics

/// How well each combination of a firm's own choices (levers) holds up across worlds
/// (uncertainties): the measures of decision making under deep uncertainty (Lempert et al. 2003;
/// Rhodium's regret and satisficing).
///
/// The input is one outcome per (combination, world, replication), the replications of a world
/// paired across combinations (common random numbers: the same tenants and noise). A world's
/// outcome for a combination is its mean over the replications. Per combination, over the worlds:
/// the mean, the 10th and 90th percentiles and the worst; the regret in a world, how far the
/// combination falls short of the best combination there (≥ 0), as a mean and 90th percentile;
/// and the share of worlds whose outcome meets the threshold (satisficing).
///
/// Regret from estimated means is biased upward: the best of several noisy means overstates the
/// best true mean. The Monte Carlo interval of the mean regret resamples each world's replications
/// (the same draw for every combination, keeping the pairing) and recomputes it; the regret of a
/// combination whose interval reaches 0 is not distinguishable from the best.
public enum Robustness {
    /// Which way the outcome is good.
    public enum Direction: String, Sendable, CaseIterable {
        case maximize, minimize
    }

    /// One combination's measures.
    public struct Summary: Sendable, Equatable {
        public var mean: Double
        public var p10: Double
        public var p90: Double
        /// The lowest world outcome when maximizing, the highest when minimizing.
        public var worst: Double
        public var regretMean: Double
        public var regretP90: Double
        /// 95% percentile-bootstrap interval of `regretMean` over the replications.
        public var regretMeanLow: Double
        public var regretMeanHigh: Double
        /// Share of worlds whose outcome is ≥ (maximize) or ≤ (minimize) the threshold.
        public var satisficing: Double
        /// Times this combination is the best (ties shared) over the worlds, as a share.
        public var bestShare: Double
    }

    /// The measures of every combination.
    /// - Parameters:
    ///   - values: `values[c][w][r]`, the outcome of combination c in world w, replication r; every
    ///     combination has the same worlds and, per world, the same replications.
    ///   - resamples: bootstrap resamples for the regret's interval (0: the interval is the estimate).
    /// - Precondition: at least one combination and one world, every cell non-empty, shapes equal.
    public static func summarize(values: [[[Double]]], direction: Direction, threshold: Double,
                                 resamples: Int = 1000, level: Double = 0.95, stream: RandomStream) -> [Summary] {
        let combinations = values.count
        precondition(combinations > 0 && !values[0].isEmpty, "robustness needs at least one combination and one world")
        let worlds = values[0].count
        precondition(values.allSatisfy { $0.count == worlds }, "every combination needs the same worlds")
        let reps = (0..<worlds).map { values[0][$0].count }
        precondition(values.allSatisfy { c in (0..<worlds).allSatisfy { c[$0].count == reps[$0] && reps[$0] > 0 } },
                     "every combination needs the same replications per world")
        let sign = direction == .maximize ? 1.0 : -1.0
        func mean(_ v: [Double]) -> Double { v.reduce(0, +) / Double(v.count) }
        /// Regret of every combination in every world, from the world outcomes `x[c][w]`.
        func regrets(_ x: [[Double]]) -> [[Double]] {
            (0..<worlds).reduce(into: [[Double]](repeating: [], count: combinations)) { out, w in
                let best = (0..<combinations).map { sign * x[$0][w] }.max()!
                for c in 0..<combinations { out[c].append(best - sign * x[c][w]) }
            }
        }
        let outcome = values.map { $0.map(mean) }
        let regret = regrets(outcome)
        // The bootstrap: each world's replications resampled, the same indices for every combination.
        var boot = [[Double]](repeating: [], count: combinations)
        var draw = [[Int]](repeating: [], count: worlds)
        for _ in 0..<resamples {
            for w in 0..<worlds { draw[w] = (0..<reps[w]).map { _ in stream.uniformInt(reps[w]) } }
            let x = values.map { c in (0..<worlds).map { w in draw[w].reduce(0) { $0 + c[w][$1] } / Double(reps[w]) } }
            for (c, r) in regrets(x).enumerated() { boot[c].append(mean(r)) }
        }
        let lo = (1 - level) / 2
        return (0..<combinations).map { c in
            let sorted = outcome[c].sorted(), sortedRegret = regret[c].sorted(), b = boot[c].sorted()
            let m = mean(regret[c])
            let met = outcome[c].filter { direction == .maximize ? $0 >= threshold : $0 <= threshold }.count
            let best = (0..<worlds).filter { regret[c][$0] <= 0 }.count
            return Summary(mean: mean(outcome[c]), p10: Stats.quantile(sorted: sorted, 0.1)!,
                           p90: Stats.quantile(sorted: sorted, 0.9)!,
                           worst: direction == .maximize ? sorted.first! : sorted.last!,
                           regretMean: m, regretP90: Stats.quantile(sorted: sortedRegret, 0.9)!,
                           regretMeanLow: Stats.quantile(sorted: b, lo) ?? m, regretMeanHigh: Stats.quantile(sorted: b, 1 - lo) ?? m,
                           satisficing: Double(met) / Double(worlds), bestShare: Double(best) / Double(worlds))
        }
    }
}
