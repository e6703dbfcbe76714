import CGSL

extension Distribution {
    /// One entry of the distribution table.
    public struct Spec: Sendable {
        public let name: String
        public let aliases: [String]
        /// Parameter names and their meanings, in the order written in docs.
        public let parameters: [(name: String, meaning: String)]
        public let doc: String
    }

    /// Every distribution a scenario may name, with its parameters and their meanings.
    public static let catalogue: [Spec] = [
        Spec(name: "constant", aliases: [], parameters: [("value", "the value")],
             doc: "always the same value"),
        Spec(name: "uniform", aliases: ["flat"], parameters: [("min", "lower bound"), ("max", "upper bound, > min")],
             doc: "uniform on [min, max) (gsl_ran_flat)"),
        Spec(name: "exponential", aliases: [], parameters: [("mean", "mean, > 0 (not the rate)")],
             doc: "exponential (gsl_ran_exponential)"),
        Spec(name: "gamma", aliases: [], parameters: [("shape", "shape k, > 0"), ("scale", "scale θ, > 0; mean kθ")],
             doc: "gamma (gsl_ran_gamma)"),
        Spec(name: "lognormal", aliases: [], parameters: [("mu", "mean of ln X"), ("sigma", "standard deviation of ln X, > 0")],
             doc: "lognormal; median e^mu (gsl_ran_lognormal)"),
        Spec(name: "normal", aliases: ["gaussian"], parameters: [("mean", "mean"), ("sd", "standard deviation, > 0")],
             doc: "normal (gsl_ran_gaussian_ziggurat)"),
        Spec(name: "truncnormal", aliases: ["truncated_normal"],
             parameters: [("mean", "mean before truncation"), ("sd", "standard deviation before truncation, > 0"),
                          ("min", "lower bound"), ("max", "upper bound, > min")],
             doc: "normal truncated to [min, max], by inverse CDF (gsl_cdf_ugaussian_Pinv/Qinv)"),
        Spec(name: "weibull", aliases: [], parameters: [("scale", "scale λ, > 0"), ("shape", "shape k, > 0")],
             doc: "Weibull (gsl_ran_weibull)"),
        Spec(name: "pareto", aliases: [], parameters: [("shape", "tail index α, > 0"), ("scale", "minimum x_m, > 0")],
             doc: "Pareto type I, X ≥ scale (gsl_ran_pareto)"),
        Spec(name: "beta", aliases: [], parameters: [("a", "first shape, > 0"), ("b", "second shape, > 0")],
             doc: "beta on [0, 1] (gsl_ran_beta)"),
        Spec(name: "poisson", aliases: [], parameters: [("mean", "mean, ≥ 0")],
             doc: "Poisson counts (gsl_ran_poisson)"),
        Spec(name: "binomial", aliases: [], parameters: [("n", "trials, a whole number ≥ 0"), ("p", "success probability in [0, 1]")],
             doc: "binomial counts (gsl_ran_binomial)"),
        Spec(name: "negbinomial", aliases: ["negative_binomial"],
             parameters: [("n", "number of successes, > 0 (may be fractional)"), ("p", "success probability in (0, 1]")],
             doc: "failures before the n-th success (gsl_ran_negative_binomial)"),
        Spec(name: "discrete", aliases: [],
             parameters: [("values", "list of values"), ("weights", "list of weights ≥ 0, same length, sum > 0")],
             doc: "one of the values with probability proportional to its weight (gsl_ran_discrete)"),
        Spec(name: "empirical", aliases: ["piecewise_linear"],
             parameters: [("x", "increasing list of points"), ("cdf", "non-decreasing CDF at each point, from 0 to 1")],
             doc: "piecewise-linear CDF through the points; drawn by inverse CDF"),
    ]

    /// Looks up a distribution's entry by name or alias.
    public static func spec(named name: String) -> Spec? {
        catalogue.first { $0.name == name || $0.aliases.contains(name) }
    }

    /// Builds a distribution from its name and parameters, checking every parameter.
    /// - Throws: ``DistributionError`` naming the parameter and what it must be,
    ///   e.g. "gamma: shape must be > 0, got -2".
    public static func make(_ name: String, _ params: [String: DistributionParameter]) throws(DistributionError) -> Distribution {
        guard let spec = spec(named: name) else {
            let names = catalogue.map(\.name).joined(separator: ", ")
            throw DistributionError(parameter: nil, message: "unknown distribution '\(name)'; expected one of \(names)")
        }
        let n = spec.name
        for key in params.keys.sorted() where !spec.parameters.contains(where: { $0.name == key }) {
            let expected = spec.parameters.map(\.name).joined(separator: ", ")
            throw DistributionError(parameter: key, message: "\(n): unknown parameter '\(key)'; expected \(expected)")
        }
        func num(_ p: String) throws(DistributionError) -> Double {
            switch params[p] {
            case .number(let v)?:
                guard v.isFinite else { throw DistributionError(parameter: p, message: "\(n): \(p) must be a finite number, got \(v)") }
                return v
            case .list?: throw DistributionError(parameter: p, message: "\(n): \(p) must be a number, got a list")
            case nil: throw DistributionError(parameter: p, message: "\(n): missing parameter '\(p)'")
            }
        }
        func list(_ p: String) throws(DistributionError) -> [Double] {
            switch params[p] {
            case .list(let v)?:
                guard v.allSatisfy(\.isFinite) else { throw DistributionError(parameter: p, message: "\(n): \(p) must hold finite numbers") }
                return v
            case .number?: throw DistributionError(parameter: p, message: "\(n): \(p) must be a list of numbers, got a number")
            case nil: throw DistributionError(parameter: p, message: "\(n): missing parameter '\(p)'")
            }
        }
        func check(_ ok: Bool, _ p: String, _ rule: String, _ v: Double) throws(DistributionError) {
            if !ok { throw DistributionError(parameter: p, message: "\(n): \(p) must be \(rule), got \(fmt(v))") }
        }
        switch n {
        case "constant": return .constant(value: try num("value"))
        case "uniform":
            let a = try num("min"), b = try num("max")
            try check(b > a, "max", "> min (\(fmt(a)))", b)
            return .uniform(min: a, max: b)
        case "exponential":
            let m = try num("mean"); try check(m > 0, "mean", "> 0", m)
            return .exponential(mean: m)
        case "gamma":
            let k = try num("shape"), t = try num("scale")
            try check(k > 0, "shape", "> 0", k); try check(t > 0, "scale", "> 0", t)
            return .gamma(shape: k, scale: t)
        case "lognormal":
            let mu = try num("mu"), s = try num("sigma")
            try check(abs(mu) <= 700, "mu", "within [-700, 700]", mu); try check(s > 0 && s <= 20, "sigma", "in (0, 20]", s)
            return .lognormal(mu: mu, sigma: s)
        case "normal":
            let m = try num("mean"), s = try num("sd"); try check(s > 0, "sd", "> 0", s)
            return .normal(mean: m, sd: s)
        case "truncnormal":
            let m = try num("mean"), s = try num("sd"), lo = try num("min"), hi = try num("max")
            try check(s > 0, "sd", "> 0", s); try check(hi > lo, "max", "> min (\(fmt(lo)))", hi)
            // The interval must carry some mass in double precision (within ±37 sd of the mean).
            try check((lo - m) / s < 37, "min", "within 37 sd of the mean", lo)
            try check((hi - m) / s > -37, "max", "within 37 sd of the mean", hi)
            return .truncatedNormal(mean: m, sd: s, min: lo, max: hi)
        case "weibull":
            let a = try num("scale"), b = try num("shape")
            try check(a > 0, "scale", "> 0", a); try check(b > 0, "shape", "> 0", b)
            return .weibull(scale: a, shape: b)
        case "pareto":
            let a = try num("shape"), b = try num("scale")
            try check(a > 0, "shape", "> 0", a); try check(b > 0, "scale", "> 0", b)
            return .pareto(shape: a, scale: b)
        case "beta":
            let a = try num("a"), b = try num("b")
            try check(a > 0, "a", "> 0", a); try check(b > 0, "b", "> 0", b)
            return .beta(a: a, b: b)
        case "poisson":
            let m = try num("mean"); try check(m >= 0 && m <= 1e9, "mean", "in [0, 1e9]", m)
            return .poisson(mean: m)
        case "binomial":
            let nn = try num("n"), p = try num("p")
            try check(nn >= 0 && nn <= 4e9 && nn.rounded() == nn, "n", "a whole number in [0, 4e9]", nn)
            try check(p >= 0 && p <= 1, "p", "in [0, 1]", p)
            return .binomial(n: Int(nn), p: p)
        case "negbinomial":
            let nn = try num("n"), p = try num("p")
            try check(nn > 0 && nn <= 1e9, "n", "in (0, 1e9]", nn); try check(p > 0 && p <= 1, "p", "in (0, 1]", p)
            return .negativeBinomial(n: nn, p: p)
        case "discrete":
            let v = try list("values"), w = try list("weights")
            guard !v.isEmpty else { throw DistributionError(parameter: "values", message: "discrete: values must not be empty") }
            guard v.count == w.count else {
                throw DistributionError(parameter: "weights", message: "discrete: weights must have as many entries as values (\(v.count)), got \(w.count)")
            }
            if let bad = w.first(where: { $0 < 0 }) { try check(false, "weights", "≥ 0 each", bad) }
            try check(w.reduce(0, +) > 0, "weights", "a list with a positive sum", w.reduce(0, +))
            return .discrete(DiscreteTable(values: v, weights: w))
        case "empirical":
            let x = try list("x"), c = try list("cdf")
            guard x.count >= 2 else { throw DistributionError(parameter: "x", message: "empirical: x needs at least 2 points, got \(x.count)") }
            guard x.count == c.count else {
                throw DistributionError(parameter: "cdf", message: "empirical: cdf must have as many entries as x (\(x.count)), got \(c.count)")
            }
            for i in 1..<x.count where !(x[i] > x[i - 1]) {
                throw DistributionError(parameter: "x", message: "empirical: x must be increasing, got \(fmt(x[i])) after \(fmt(x[i - 1]))")
            }
            for i in 1..<c.count where c[i] < c[i - 1] {
                throw DistributionError(parameter: "cdf", message: "empirical: cdf must be non-decreasing, got \(fmt(c[i])) after \(fmt(c[i - 1]))")
            }
            try check(c.first == 0, "cdf", "0 at the first point", c[0])
            try check(c.last == 1, "cdf", "1 at the last point", c[c.count - 1])
            return .empirical(x: x, cdf: c)
        default:
            fatalError("catalogue entry \(n) without a builder")
        }
    }

    /// The distribution's name in the catalogue.
    public var name: String {
        switch self {
        case .constant: "constant"
        case .uniform: "uniform"
        case .exponential: "exponential"
        case .gamma: "gamma"
        case .lognormal: "lognormal"
        case .normal: "normal"
        case .truncatedNormal: "truncnormal"
        case .weibull: "weibull"
        case .pareto: "pareto"
        case .beta: "beta"
        case .poisson: "poisson"
        case .binomial: "binomial"
        case .negativeBinomial: "negbinomial"
        case .discrete: "discrete"
        case .empirical: "empirical"
        }
    }

    /// The parameters as written in a scenario file, in catalogue order.
    public var parameters: [(String, DistributionParameter)] {
        switch self {
        case .constant(let v): [("value", .number(v))]
        case .uniform(let a, let b): [("min", .number(a)), ("max", .number(b))]
        case .exponential(let m): [("mean", .number(m))]
        case .gamma(let k, let t): [("shape", .number(k)), ("scale", .number(t))]
        case .lognormal(let mu, let s): [("mu", .number(mu)), ("sigma", .number(s))]
        case .normal(let m, let s): [("mean", .number(m)), ("sd", .number(s))]
        case .truncatedNormal(let m, let s, let lo, let hi):
            [("mean", .number(m)), ("sd", .number(s)), ("min", .number(lo)), ("max", .number(hi))]
        case .weibull(let a, let b): [("scale", .number(a)), ("shape", .number(b))]
        case .pareto(let a, let b): [("shape", .number(a)), ("scale", .number(b))]
        case .beta(let a, let b): [("a", .number(a)), ("b", .number(b))]
        case .poisson(let m): [("mean", .number(m))]
        case .binomial(let n, let p): [("n", .number(Double(n))), ("p", .number(p))]
        case .negativeBinomial(let n, let p): [("n", .number(n)), ("p", .number(p))]
        case .discrete(let t): [("values", .list(t.values)), ("weights", .list(t.weights))]
        case .empirical(let x, let c): [("x", .list(x)), ("cdf", .list(c))]
        }
    }
}

@usableFromInline
func fmt(_ v: Double) -> String {
    if v.rounded() == v && abs(v) < 1e15 { return String(Int64(v)) }
    return v.description
}
