import Stochastics

/// A Morris design (Morris 1991) in the unit hypercube: `trajectories` one-at-a-time paths of
/// k + 1 points on a grid of `levels` levels {0, 1/(p − 1), …, 1}, each step moving one
/// parameter by Δ = p / (2(p − 1)) (half the levels), every parameter once per trajectory, in a
/// random order and a random direction — SALib's `SALib.sample.morris` layout (trajectory after
/// trajectory, k + 1 rows each), so the outputs of the same points can be fed to
/// `SALib.analyze.morris`.
///
/// With `candidates` (Campolongo et al. 2007's improved sampling) that many trajectories are
/// drawn and `trajectories` of them kept, chosen to spread over the space: greedily (Ruano et
/// al. 2012), the two farthest apart first, then each time the candidate whose summed squared
/// distance to those kept is largest, with Campolongo's distance between trajectories m and l,
/// Σ_i Σ_j ‖x_i^m − x_j^l‖. The kept ones stay in the order they were drawn.
public struct MorrisDesign: Sendable, Equatable {
    /// One step of a trajectory: the parameter it moves and whether up (+Δ) or down (−Δ).
    public struct Step: Sendable, Equatable {
        public var parameter: Int
        public var up: Bool
        public init(parameter: Int, up: Bool) { self.parameter = parameter; self.up = up }
    }

    /// r, the trajectories kept.
    public var trajectories: Int
    /// p, the grid's levels (even).
    public var levels: Int
    /// k, the parameters.
    public var parameters: Int
    /// Trajectories drawn before the spread-out ones are kept (Campolongo); nil: every drawn one is kept.
    public var candidates: Int?

    public init(trajectories: Int, levels: Int, parameters: Int, candidates: Int? = nil) {
        self.trajectories = trajectories; self.levels = levels; self.parameters = parameters; self.candidates = candidates
    }

    /// Δ = p / (2(p − 1)), the step in unit coordinates.
    public var delta: Double { Double(levels) / (2 * Double(levels - 1)) }
    /// r·(k + 1).
    public var pointCount: Int { trajectories * (parameters + 1) }

    /// The design: its points in order (trajectory after trajectory, k + 1 points each) and each
    /// trajectory's k steps.
    /// - Precondition: p ≥ 2 and even, k ≥ 1, r ≥ 1, candidates (if any) ≥ r.
    public func generate(stream: RandomStream) -> (points: [[Double]], steps: [[Step]]) {
        precondition(levels >= 2 && levels % 2 == 0 && parameters >= 1 && trajectories >= 1, "a Morris design needs p even ≥ 2, k ≥ 1, r ≥ 1")
        precondition(candidates.map { $0 >= trajectories } ?? true, "fewer Morris candidates than trajectories")
        let drawn = (0..<(candidates ?? trajectories)).map { _ in trajectory(stream) }
        let kept = candidates == nil ? Array(drawn.indices) : Self.spreadOut(drawn.map(\.points), keep: trajectories)
        return (kept.flatMap { drawn[$0].points }, kept.map { drawn[$0].steps })
    }

    /// One trajectory: a start on the grid's lower half (upper half when its first move is
    /// down), then one move per parameter in a random order.
    func trajectory(_ stream: RandomStream) -> (points: [[Double]], steps: [Step]) {
        let k = parameters, half = levels / 2
        let spacing = 1 / Double(levels - 1)
        var order = Array(0..<k)
        for i in stride(from: k - 1, to: 0, by: -1) { order.swapAt(i, stream.uniformInt(i + 1)) }
        var level = [Int](repeating: 0, count: k)
        var up = [Bool](repeating: true, count: k)
        for j in 0..<k {
            level[j] = stream.uniformInt(half)
            up[j] = stream.uniform() < 0.5
            if !up[j] { level[j] += half }
        }
        var x = level.map { Double($0) * spacing }
        var points = [x]
        var steps: [Step] = []
        for j in order {
            level[j] += up[j] ? half : -half
            x[j] = Double(level[j]) * spacing
            points.append(x)
            steps.append(Step(parameter: j, up: up[j]))
        }
        return (points, steps)
    }

    /// The indices of `keep` trajectories of `all`, chosen greedily to spread out, ascending.
    static func spreadOut(_ all: [[[Double]]], keep: Int) -> [Int] {
        let m = all.count
        guard keep < m else { return Array(0..<m) }
        var d = [[Double]](repeating: [Double](repeating: 0, count: m), count: m)
        for i in 0..<m {
            for j in (i + 1)..<m {
                var sum = 0.0
                for x in all[i] {
                    for y in all[j] {
                        var s = 0.0
                        for z in x.indices { s += (x[z] - y[z]) * (x[z] - y[z]) }
                        sum += s.squareRoot()
                    }
                }
                d[i][j] = sum; d[j][i] = sum
            }
        }
        var best = (0, 1)
        for i in 0..<m { for j in (i + 1)..<m where d[i][j] > d[best.0][best.1] { best = (i, j) } }
        var chosen = [best.0, best.1]
        var score = (0..<m).map { d[$0][best.0] * d[$0][best.0] + d[$0][best.1] * d[$0][best.1] }
        while chosen.count < keep {
            var next = -1
            for c in 0..<m where !chosen.contains(c) && (next < 0 || score[c] > score[next]) { next = c }
            chosen.append(next)
            for c in 0..<m { score[c] += d[c][next] * d[c][next] }
        }
        return chosen.sorted()
    }
}

/// Morris's elementary effects and their summaries (Morris 1991; μ* from Campolongo et al.
/// 2007). An elementary effect of parameter j in a trajectory is the change of the output over
/// the step that moves j, divided by Δ and signed by the step's direction: (f(x + Δe_j) − f(x))/Δ.
/// Per parameter: μ, the mean effect; μ*, the mean absolute effect (its size, direction aside);
/// σ, their sample standard deviation (divisor r − 1: non-linearity or interactions). As in
/// `SALib.analyze.morris`. The 95% interval of μ* is a percentile bootstrap over the
/// trajectories (SALib reports a normal interval from the bootstrap standard deviation).
public enum MorrisScreening {
    /// One parameter's summaries.
    public struct Effect: Sendable, Equatable {
        public var muStar: Double
        public var mu: Double
        /// NaN with a single trajectory.
        public var sigma: Double
        public var muStarLow: Double
        public var muStarHigh: Double
    }

    /// The summaries from `outputs` in the design's order (one per point) and the design's steps.
    public static func estimate(outputs y: [Double], design: MorrisDesign, steps: [[MorrisDesign.Step]],
                                resamples: Int = 1000, level: Double = 0.95, stream: RandomStream) -> [Effect] {
        let k = design.parameters, rows = k + 1
        precondition(y.count == steps.count * rows, "\(y.count) outputs for \(steps.count) trajectories of \(rows) points")
        let r = steps.count
        var ee = [[Double]](repeating: [Double](repeating: 0, count: r), count: k)
        for t in 0..<r {
            for (i, step) in steps[t].enumerated() {
                let change = y[t * rows + i + 1] - y[t * rows + i]
                ee[step.parameter][t] = (step.up ? change : -change) / design.delta
            }
        }
        let lo = (1 - level) / 2, hi = 1 - lo
        return (0..<k).map { j in
            let e = ee[j]
            let mu = e.reduce(0, +) / Double(r)
            let muStar = e.reduce(0) { $0 + abs($1) } / Double(r)
            let sigma = r > 1 ? (e.reduce(0) { $0 + ($1 - mu) * ($1 - mu) } / Double(r - 1)).squareRoot() : .nan
            var boot: [Double] = []
            boot.reserveCapacity(resamples)
            for _ in 0..<resamples {
                var s = 0.0
                for _ in 0..<r { s += abs(e[stream.uniformInt(r)]) }
                boot.append(s / Double(r))
            }
            boot.sort()
            return Effect(muStar: muStar, mu: mu, sigma: sigma, muStarLow: Stats.quantile(sorted: boot, lo) ?? muStar,
                          muStarHigh: Stats.quantile(sorted: boot, hi) ?? muStar)
        }
    }
}
