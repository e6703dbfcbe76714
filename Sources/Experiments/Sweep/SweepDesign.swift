import Analysis
import ScenarioModule
import Stochastics
import Tables

/// The designs of a sweep: which parameter values each point gets.
///
/// Random designs draw from the seed plan's `design` stream,
/// `SeedPlan(masterSeed: seed).stream(replication: 0, kind: "design")` (never mixed with a
/// point), so the same sweep file gives the same points on every machine.
public enum SweepDesign {
    /// The number of points of `file`'s design, computed without laying it out; nil when it
    /// does not fit an `Int` (a grid whose value counts multiply past `Int.max`).
    public static func pointCount(of file: SweepFile) -> Int? { file.pointCount }

    /// Each point's override values, one per parameter in file order, as written into the
    /// `--set` override and `points.csv`.
    ///
    /// - Precondition: the design has at most ``RunLimits/maxPoints`` points, which
    ///   ``SweepFile/load(path:)`` guarantees (it refuses larger designs with a located error
    ///   before any of them is laid out); a hand-made ``SweepFile`` must respect it too.
    public static func values(of file: SweepFile) -> [[String]] { layout(of: file).values }

    /// The design laid out: each point's override values (see ``values(of:)``) and, for a `sobol`
    /// or `morris` design, the layout the analysis reads (`sobol.csv`, `morris.csv`).
    ///
    /// Sobol points come from the Saltelli design (``SaltelliDesign``, GSL's Sobol sequence: no
    /// random numbers); Morris trajectories from the `design` stream.
    public static func layout(of file: SweepFile) -> (values: [[String]], analysis: GlobalSensitivity.Design?) {
        let count = pointCount(of: file)
        precondition(count.map { $0 <= RunLimits.maxPoints } == true,
                     "sweep design of \(count.map(String.init) ?? "more than Int.max") points; at most \(RunLimits.maxPoints)")
        let stream = SeedPlan(masterSeed: file.seed).stream(replication: 0, kind: "design")
        /// Unit points scaled to every parameter's range (designs without levers).
        func scaled(_ unit: [[Double]]) -> [[String]] {
            unit.map { u in
                file.parameters.enumerated().map { j, p in format(scale(u[j], to: p.range ?? 0...1), integer: p.integer) }
            }
        }
        switch file.design {
        case .grid:
            return (grid(file.parameters.map { $0.values ?? [] }), nil)
        case .random, .latinHypercube:
            // With levers: every combination of the levers' values against the same worlds, drawn
            // for the uncertainties (the parameters after the levers), combination after combination.
            let n = file.points ?? 1, k = file.parameters.count - file.leverCount
            let unit = file.design == .random ? random(points: n, dimensions: k, stream: stream)
                : latinHypercube(points: n, dimensions: k, stream: stream)
            let worlds = unit.map { u in
                file.parameters.dropFirst(file.leverCount).enumerated().map { j, p in
                    format(scale(u[j], to: p.range ?? 0...1), integer: p.integer)
                }
            }
            let combinations = grid(file.parameters.prefix(file.leverCount).map { $0.values ?? [] })
            return (combinations.flatMap { c in worlds.map { c + $0 } }, nil)
        case .sobol:
            let design = SaltelliDesign(basePoints: file.basePoints ?? 2, parameters: file.parameters.count)
            return (scaled(design.unitPoints()), .sobol(design))
        case .morris:
            let design = MorrisDesign(trajectories: file.trajectories ?? 2, levels: file.levels ?? 4,
                                      parameters: file.parameters.count, candidates: file.candidates)
            let (points, steps) = design.generate(stream: stream)
            return (scaled(points), .morris(design, steps: steps))
        }
    }

    /// Every combination of `lists`, the first list varying slowest.
    /// - Precondition: the product of the list sizes fits an `Int` (the caller bounds it; see
    ///   ``values(of:)``).
    public static func grid(_ lists: [[String]]) -> [[String]] {
        precondition(SweepFile.product(lists.map(\.count)) != nil, "a grid of more than Int.max points")
        var out: [[String]] = [[]]
        for list in lists {
            var next: [[String]] = []
            next.reserveCapacity(out.count * list.count)
            for prefix in out { for v in list { next.append(prefix + [v]) } }
            out = next
        }
        return out
    }

    /// `points` × `dimensions` independent uniform numbers in [0, 1), point by point.
    public static func random(points: Int, dimensions: Int, stream: RandomStream) -> [[Double]] {
        (0..<points).map { _ in (0..<dimensions).map { _ in stream.uniform() } }
    }

    /// A Latin hypercube in [0, 1)^dimensions: for each dimension, the `points` values fall one
    /// in each of the strata [k/n, (k+1)/n). Dimension by dimension: a random permutation of the
    /// strata (Fisher–Yates), then a uniform position within each stratum.
    public static func latinHypercube(points n: Int, dimensions: Int, stream: RandomStream) -> [[Double]] {
        var out = Array(repeating: Array(repeating: 0.0, count: dimensions), count: n)
        for j in 0..<dimensions {
            var perm = Array(0..<n)
            if n > 1 {
                for i in stride(from: n - 1, to: 0, by: -1) { perm.swapAt(i, stream.uniformInt(i + 1)) }
            }
            for i in 0..<n { out[i][j] = (Double(perm[i]) + stream.uniform()) / Double(n) }
        }
        return out
    }

    /// `u` in [0, 1) mapped linearly onto `range`.
    public static func scale(_ u: Double, to range: ClosedRange<Double>) -> Double {
        range.lowerBound + u * (range.upperBound - range.lowerBound)
    }

    /// A drawn value as override text: the shortest round-trip decimal, or a whole number for integer keys.
    public static func format(_ x: Double, integer: Bool) -> String {
        integer ? String(Int(x.rounded())) : CSVFormat.double(x)
    }
}
