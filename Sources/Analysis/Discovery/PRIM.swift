import Stochastics

/// The Patient Rule Induction Method (Friedman & Fisher 1999) for scenario discovery (Bryant &
/// Lempert 2010): a box in the space of inputs where the cases of interest are dense. Ported from
/// EMA Workbench 2.5.3's `prim.Prim` for continuous inputs and a binary outcome, so that the same
/// cases give the same trajectory, limits and quasi-p-values (`Tests/peers/ema_prim.py`):
///
/// - **Start**: the box spanning every input's minimum and maximum over all cases.
/// - **Peeling**: for every input (in order) the box's cases above its upper α-quantile, then
///   those below its lower α-quantile (``quantile(_:_:)``, EMA's tie-aware midpoint) are candidate
///   peels; the one with the largest objective (EMA's "lenient 1": the rise in the share of cases of
///   interest per case removed), ties to fewer restricted inputs, then to the earlier candidate, is
///   taken while the new box keeps at least `massMin` of all cases, is smaller, and the objective is
///   positive.
/// - **Pasting**: from the last peeled box, for every restricted input the cases just outside one
///   of its limits (within the other limits) are candidate pastes, the limit moved by their
///   α-quantile toward the initial box; the best is taken while the box grows, keeps `massMin` of
///   the cases, and its share of cases of interest rises.
/// - Each step of the trajectory records coverage (the share of all cases of interest inside),
///   density (the share of cases inside that are of interest), mass (the share of all cases
///   inside), the limits and, for every limit that restricts, a quasi-p-value: the one-sided
///   binomial probability of at least the box's cases of interest among its cases, were the
///   density that of the box with that one limit removed (EMA's `calculate_qp`).
///
/// EMA's final check (a box whose density is under a threshold is dropped for the initial box)
/// is left to the caller: ``chosen(_:minCoverage:maxQuasiP:)`` states the rule used here.
public enum PRIM {
    public struct Parameters: Sendable, Equatable {
        /// Share of a box's cases each peel removes (EMA's `peel_alpha`).
        public var peelAlpha: Double
        /// Share of the cases just outside a limit each paste adds (EMA's `paste_alpha`).
        public var pasteAlpha: Double
        /// The smallest share of all cases a box may hold (EMA's `mass_min`).
        public var massMin: Double

        public init(peelAlpha: Double = 0.05, pasteAlpha: Double = 0.05, massMin: Double = 0.05) {
            self.peelAlpha = peelAlpha; self.pasteAlpha = pasteAlpha; self.massMin = massMin
        }
    }

    /// Which phase made a step.
    public enum Phase: String, Sendable { case initial, peel, paste }

    /// One box of the trajectory.
    public struct Step: Sendable, Equatable {
        public var phase: Phase
        public var lower: [Double]
        public var upper: [Double]
        /// Cases inside, and cases of interest inside.
        public var cases: Int
        public var casesOfInterest: Int
        public var coverage: Double
        public var density: Double
        public var mass: Double
        /// The inputs whose limits differ from the initial box, in input order.
        public var restricted: [Int]
        /// Per input: the quasi-p-value of its lower and upper limit (nil where the limit does not restrict).
        public var quasiPLower: [Double?]
        public var quasiPUpper: [Double?]

        public init(phase: Phase, lower: [Double], upper: [Double], cases: Int, casesOfInterest: Int, coverage: Double,
                    density: Double, mass: Double, restricted: [Int], quasiPLower: [Double?], quasiPUpper: [Double?]) {
            self.phase = phase; self.lower = lower; self.upper = upper; self.cases = cases
            self.casesOfInterest = casesOfInterest; self.coverage = coverage; self.density = density; self.mass = mass
            self.restricted = restricted; self.quasiPLower = quasiPLower; self.quasiPUpper = quasiPUpper
        }
    }

    /// EMA Workbench's quantile (`prim_util.get_quantile`, after sdtoolkit): with the sorted values
    /// and i = (n − 1)·q, the midpoint of the order statistics ⌊i⌋ and ⌈i⌉, moved past ties —
    /// downward for q > 0.5, upward otherwise — so the value falls between two distinct data values.
    /// - Precondition: `values` is not empty and 0 < q < 1.
    public static func quantile(_ values: [Double], _ q: Double) -> Double {
        precondition(!values.isEmpty && q > 0 && q < 1, "a PRIM quantile of \(values.count) values at \(q)")
        let d = values.sorted()
        let i = Double(d.count - 1) * q
        var lo = Int(i.rounded(.down)), hi = Int(i.rounded(.up))
        if q > 0.5 {
            while d[lo] == d[hi] && lo > 0 { lo -= 1 }
        } else {
            while d[lo] == d[hi] && hi < d.count - 1 { hi += 1 }
        }
        return (d[lo] + d[hi]) / 2
    }

    /// The trajectory of boxes for `inputs` (one array per input, a value per case) and `interest`
    /// (whether each case is of interest).
    /// - Precondition: every input has a value per case, and there is at least one case.
    public static func trajectory(inputs x: [[Double]], interest y: [Bool], parameters: Parameters = Parameters()) -> [Step] {
        let n = y.count, d = x.count
        precondition(n > 0 && x.allSatisfy { $0.count == n }, "PRIM needs a value of every input for every case")
        let initLower = x.map { $0.min()! }, initUpper = x.map { $0.max()! }
        let totalInterest = y.filter { $0 }.count
        func restricted(_ lo: [Double], _ hi: [Double]) -> [Int] {
            (0..<d).filter { lo[$0] != initLower[$0] || hi[$0] != initUpper[$0] }
        }
        func interest(_ cases: [Int]) -> Int { cases.reduce(0) { $0 + (y[$1] ? 1 : 0) } }
        func mean(_ cases: [Int]) -> Double { cases.isEmpty ? 0 : Double(interest(cases)) / Double(cases.count) }
        /// EMA's "lenient 1" objective.
        func objective(_ old: [Int], _ new: [Int]) -> Double {
            let a = mean(old), b = mean(new)
            guard a != b, old.count != new.count else { return 0 }
            return (b - a) / Double(abs(old.count - new.count))
        }
        /// The cases of all inside the closed box on the inputs `dims`.
        func inBox(_ lo: [Double], _ hi: [Double], _ dims: [Int]) -> [Int] {
            (0..<n).filter { i in dims.allSatisfy { lo[$0] <= x[$0][i] && x[$0][i] <= hi[$0] } }
        }
        func step(_ phase: Phase, _ lo: [Double], _ hi: [Double], _ cases: [Int]) -> Step {
            let k = interest(cases)
            let dims = restricted(lo, hi)
            var qpLower = [Double?](repeating: nil, count: d), qpUpper = qpLower
            for j in dims {
                for side in 0..<2 {
                    var l = lo, h = hi
                    if side == 0 {
                        guard lo[j] != initLower[j] else { continue }
                        l[j] = initLower[j]
                    } else {
                        guard hi[j] != initUpper[j] else { continue }
                        h[j] = initUpper[j]
                    }
                    let relaxed = inBox(l, h, dims)
                    let p = Double(interest(relaxed)) / Double(relaxed.count)
                    let qp = Stats.binomialUpperTail(atLeast: k, trials: cases.count, p: p)
                    if side == 0 { qpLower[j] = qp } else { qpUpper[j] = qp }
                }
            }
            return Step(phase: phase, lower: lo, upper: hi, cases: cases.count, casesOfInterest: k,
                        coverage: totalInterest > 0 ? Double(k) / Double(totalInterest) : 0,
                        density: cases.isEmpty ? 0 : Double(k) / Double(cases.count),
                        mass: Double(cases.count) / Double(n), restricted: dims, quasiPLower: qpLower, quasiPUpper: qpUpper)
        }
        struct Candidate { var score: Double; var free: Int; var lower: [Double]; var upper: [Double]; var cases: [Int] }
        /// The best candidate: the largest score, then the most unrestricted inputs, then the earliest.
        func best(_ candidates: [Candidate]) -> Candidate? {
            var top: Candidate?
            for c in candidates where top == nil || (c.score, c.free) > (top!.score, top!.free) { top = c }
            return top
        }
        var lo = initLower, hi = initUpper
        var cases = Array(0..<n)
        var out = [step(.initial, lo, hi, cases)]
        // Peeling.
        while true {
            var candidates: [Candidate] = []
            for j in 0..<d {
                let values = cases.map { x[j][$0] }
                for side in [1, 0] {   // upper, then lower, as EMA
                    let v = quantile(values, side == 1 ? 1 - parameters.peelAlpha : parameters.peelAlpha)
                    var l = lo, h = hi
                    let kept: [Int]
                    if side == 1 { h[j] = v; kept = cases.filter { x[j][$0] <= v } } else { l[j] = v; kept = cases.filter { x[j][$0] >= v } }
                    candidates.append(Candidate(score: objective(cases, kept), free: d - restricted(l, h).count,
                                                lower: l, upper: h, cases: kept))
                }
            }
            guard let c = best(candidates) else { break }
            let massNew = Double(c.cases.count) / Double(n)
            guard massNew >= parameters.massMin, massNew < Double(cases.count) / Double(n), c.score > 0 else { break }
            lo = c.lower; hi = c.upper; cases = c.cases
            out.append(step(.peel, lo, hi, cases))
        }
        // Pasting.
        while true {
            let dims = restricted(lo, hi)
            guard !dims.isEmpty else { break }
            var candidates: [Candidate] = []
            for j in dims {
                for side in [0, 1] {   // lower, then upper, as EMA
                    var sl = lo, sh = hi
                    if side == 0 { sl[j] = initLower[j]; sh[j] = lo[j] } else { sl[j] = hi[j]; sh[j] = initUpper[j] }
                    let data = inBox(sl, sh, dims).map { x[j][$0] }
                    var l = lo, h = hi
                    if side == 0 {
                        l[j] = data.isEmpty ? initLower[j] : quantile(data, 1 - parameters.pasteAlpha)
                    } else {
                        h[j] = data.isEmpty ? initUpper[j] : quantile(data, parameters.pasteAlpha)
                    }
                    let inside = inBox(l, h, dims)
                    candidates.append(Candidate(score: objective(cases, inside), free: d - restricted(l, h).count,
                                                lower: l, upper: h, cases: inside))
                }
            }
            guard let c = best(candidates) else { break }
            let massNew = Double(c.cases.count) / Double(n)
            guard massNew >= parameters.massMin, massNew > Double(cases.count) / Double(n), c.score > 0,
                  mean(c.cases) > mean(cases) else { break }
            lo = c.lower; hi = c.upper; cases = c.cases
            out.append(step(.paste, lo, hi, cases))
        }
        return out
    }

    /// The step this tool reports as the box: among the steps with coverage ≥ `minCoverage` whose
    /// every restricting limit has a quasi-p-value ≤ `maxQuasiP` (a restriction the data support),
    /// the one of highest density; ties to the larger coverage, then the earlier step. The initial
    /// box (no restriction) never counts. nil when no step qualifies.
    public static func chosen(_ steps: [Step], minCoverage: Double = 0.5, maxQuasiP: Double = 0.05) -> Int? {
        var pick: Int?
        for (i, s) in steps.enumerated() where !s.restricted.isEmpty && s.coverage >= minCoverage {
            let qps = s.restricted.flatMap { [s.quasiPLower[$0], s.quasiPUpper[$0]] }.compactMap { $0 }
            guard qps.allSatisfy({ $0 <= maxQuasiP }) else { continue }
            if let p = pick, (s.density, s.coverage) <= (steps[p].density, steps[p].coverage) { continue }
            pick = i
        }
        return pick
    }
}
