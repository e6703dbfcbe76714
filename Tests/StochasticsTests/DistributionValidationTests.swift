import Testing
@testable import Stochastics

/// One invalid distribution as a scenario might write it, with the exact error expected.
struct BadCase: Sendable, CustomTestStringConvertible {
    let name: String
    let params: [String: DistributionParameter]
    let parameter: String?
    let message: String
    init(_ name: String, _ params: [String: DistributionParameter], _ parameter: String?, _ message: String) {
        self.name = name
        self.params = params
        self.parameter = parameter
        self.message = message
    }
    var testDescription: String { message }
}

private func n(_ v: Double) -> DistributionParameter { .number(v) }
private func l(_ v: [Double]) -> DistributionParameter { .list(v) }

let badCases: [BadCase] = [
    // The issue's example.
    BadCase("gamma", ["shape": n(-2), "scale": n(30)], "shape", "gamma: shape must be > 0, got -2"),
    BadCase("gamma", ["shape": n(2), "scale": n(0)], "scale", "gamma: scale must be > 0, got 0"),
    BadCase("gamma", ["shape": n(0), "scale": n(1)], "shape", "gamma: shape must be > 0, got 0"),
    // Unknown distribution (the name is at fault: no parameter).
    BadCase("gama", ["shape": n(2)], nil,
            "unknown distribution 'gama'; expected one of constant, uniform, exponential, gamma, lognormal, normal, "
            + "truncnormal, weibull, pareto, beta, poisson, binomial, negbinomial, discrete, empirical"),
    BadCase("", [:], nil,
            "unknown distribution ''; expected one of constant, uniform, exponential, gamma, lognormal, normal, "
            + "truncnormal, weibull, pareto, beta, poisson, binomial, negbinomial, discrete, empirical"),
    BadCase("Gamma", ["shape": n(2), "scale": n(1)], nil,
            "unknown distribution 'Gamma'; expected one of constant, uniform, exponential, gamma, lognormal, normal, "
            + "truncnormal, weibull, pareto, beta, poisson, binomial, negbinomial, discrete, empirical"),
    // Unknown parameter (reported before anything else; the first in sorted order).
    BadCase("gamma", ["shape": n(2), "scale": n(3), "rate": n(1)], "rate", "gamma: unknown parameter 'rate'; expected shape, scale"),
    BadCase("gamma", ["shape": n(-2), "theta": n(3), "k": n(1)], "k", "gamma: unknown parameter 'k'; expected shape, scale"),
    BadCase("exponential", ["rate": n(2)], "rate", "exponential: unknown parameter 'rate'; expected mean"),
    BadCase("flat", ["lo": n(0), "max": n(1)], "lo", "uniform: unknown parameter 'lo'; expected min, max"),
    // Missing parameter.
    BadCase("gamma", ["shape": n(2)], "scale", "gamma: missing parameter 'scale'"),
    BadCase("normal", [:], "mean", "normal: missing parameter 'mean'"),
    BadCase("discrete", ["values": l([1, 2])], "weights", "discrete: missing parameter 'weights'"),
    BadCase("empirical", ["cdf": l([0, 1])], "x", "empirical: missing parameter 'x'"),
    // NaN and infinities.
    BadCase("normal", ["mean": n(.nan), "sd": n(1)], "mean", "normal: mean must be a finite number, got nan"),
    BadCase("exponential", ["mean": n(.infinity)], "mean", "exponential: mean must be a finite number, got inf"),
    BadCase("uniform", ["min": n(-.infinity), "max": n(0)], "min", "uniform: min must be a finite number, got -inf"),
    BadCase("constant", ["value": n(.nan)], "value", "constant: value must be a finite number, got nan"),
    BadCase("discrete", ["values": l([1, .nan]), "weights": l([1, 1])], "values", "discrete: values must hold finite numbers"),
    BadCase("empirical", ["x": l([0, .infinity]), "cdf": l([0, 1])], "x", "empirical: x must hold finite numbers"),
    // A list where a number is expected, and the reverse.
    BadCase("exponential", ["mean": l([1, 2])], "mean", "exponential: mean must be a number, got a list"),
    BadCase("binomial", ["n": l([10]), "p": n(0.5)], "n", "binomial: n must be a number, got a list"),
    BadCase("discrete", ["values": n(3), "weights": l([1])], "values", "discrete: values must be a list of numbers, got a number"),
    BadCase("empirical", ["x": l([0, 1]), "cdf": n(1)], "cdf", "empirical: cdf must be a list of numbers, got a number"),
    // Lengths that do not match.
    BadCase("discrete", ["values": l([1, 2, 3]), "weights": l([1, 1])], "weights",
            "discrete: weights must have as many entries as values (3), got 2"),
    BadCase("empirical", ["x": l([0, 1, 2]), "cdf": l([0, 1])], "cdf", "empirical: cdf must have as many entries as x (3), got 2"),
    BadCase("discrete", ["values": l([]), "weights": l([])], "values", "discrete: values must not be empty"),
    BadCase("empirical", ["x": l([1]), "cdf": l([1])], "x", "empirical: x needs at least 2 points, got 1"),
    // Discrete weights.
    BadCase("discrete", ["values": l([1, 2]), "weights": l([1, -1])], "weights", "discrete: weights must be ≥ 0 each, got -1"),
    BadCase("discrete", ["values": l([1, 2]), "weights": l([0, 0])], "weights", "discrete: weights must be a list with a positive sum, got 0"),
    // Empirical x and cdf.
    BadCase("empirical", ["x": l([0, 2, 2]), "cdf": l([0, 0.5, 1])], "x", "empirical: x must be increasing, got 2 after 2"),
    BadCase("empirical", ["x": l([0, 3, 1]), "cdf": l([0, 0.5, 1])], "x", "empirical: x must be increasing, got 1 after 3"),
    BadCase("empirical", ["x": l([0, 1, 2]), "cdf": l([0, 0.5, 0.3])], "cdf", "empirical: cdf must be non-decreasing, got 0.3 after 0.5"),
    BadCase("empirical", ["x": l([0, 1, 2]), "cdf": l([0, 0.5, 0.9])], "cdf", "empirical: cdf must be 1 at the last point, got 0.9"),
    BadCase("empirical", ["x": l([0, 1, 2]), "cdf": l([0.1, 0.5, 1])], "cdf", "empirical: cdf must be 0 at the first point, got 0.1"),
    BadCase("piecewise_linear", ["x": l([0, 1]), "cdf": l([0, 2])], "cdf", "empirical: cdf must be 1 at the last point, got 2"),
    // Range rules of every other distribution (messages use the canonical name, also for aliases).
    BadCase("uniform", ["min": n(3), "max": n(1)], "max", "uniform: max must be > min (3), got 1"),
    BadCase("flat", ["min": n(1.5), "max": n(1.5)], "max", "uniform: max must be > min (1.5), got 1.5"),
    BadCase("exponential", ["mean": n(0)], "mean", "exponential: mean must be > 0, got 0"),
    BadCase("lognormal", ["mu": n(0), "sigma": n(0)], "sigma", "lognormal: sigma must be in (0, 20], got 0"),
    BadCase("lognormal", ["mu": n(0), "sigma": n(25)], "sigma", "lognormal: sigma must be in (0, 20], got 25"),
    BadCase("lognormal", ["mu": n(800), "sigma": n(1)], "mu", "lognormal: mu must be within [-700, 700], got 800"),
    BadCase("normal", ["mean": n(0), "sd": n(-1)], "sd", "normal: sd must be > 0, got -1"),
    BadCase("gaussian", ["mean": n(0), "sd": n(0)], "sd", "normal: sd must be > 0, got 0"),
    BadCase("truncnormal", ["mean": n(0), "sd": n(1), "min": n(5), "max": n(4)], "max", "truncnormal: max must be > min (5), got 4"),
    BadCase("truncnormal", ["mean": n(0), "sd": n(0), "min": n(0), "max": n(1)], "sd", "truncnormal: sd must be > 0, got 0"),
    BadCase("truncnormal", ["mean": n(0), "sd": n(1), "min": n(40), "max": n(41)], "min", "truncnormal: min must be within 37 sd of the mean, got 40"),
    BadCase("truncated_normal", ["mean": n(0), "sd": n(1), "min": n(-100), "max": n(-50)], "max",
            "truncnormal: max must be within 37 sd of the mean, got -50"),
    BadCase("weibull", ["scale": n(0), "shape": n(1)], "scale", "weibull: scale must be > 0, got 0"),
    BadCase("weibull", ["scale": n(1), "shape": n(-0.5)], "shape", "weibull: shape must be > 0, got -0.5"),
    BadCase("pareto", ["shape": n(0), "scale": n(1)], "shape", "pareto: shape must be > 0, got 0"),
    BadCase("pareto", ["shape": n(2), "scale": n(-3)], "scale", "pareto: scale must be > 0, got -3"),
    BadCase("beta", ["a": n(1), "b": n(-1)], "b", "beta: b must be > 0, got -1"),
    BadCase("poisson", ["mean": n(-1)], "mean", "poisson: mean must be in [0, 1e9], got -1"),
    BadCase("poisson", ["mean": n(2e9)], "mean", "poisson: mean must be in [0, 1e9], got 2000000000"),
    BadCase("binomial", ["n": n(2.5), "p": n(0.5)], "n", "binomial: n must be a whole number in [0, 4e9], got 2.5"),
    BadCase("binomial", ["n": n(-1), "p": n(0.5)], "n", "binomial: n must be a whole number in [0, 4e9], got -1"),
    BadCase("binomial", ["n": n(10), "p": n(1.5)], "p", "binomial: p must be in [0, 1], got 1.5"),
    BadCase("negbinomial", ["n": n(0), "p": n(0.5)], "n", "negbinomial: n must be in (0, 1e9], got 0"),
    BadCase("negative_binomial", ["n": n(3), "p": n(0)], "p", "negbinomial: p must be in (0, 1], got 0"),
]

@Suite("Distribution validation and catalogue")
struct DistributionValidationTests {
    @Test("bad parameters are rejected with the exact message", arguments: badCases)
    func rejects(_ c: BadCase) {
        #expect(throws: DistributionError(parameter: c.parameter, message: c.message)) {
            try Distribution.make(c.name, c.params)
        }
    }

    @Test("the error's description is its message")
    func description() {
        do {
            _ = try Distribution.make("gamma", ["shape": .number(-2), "scale": .number(30)])
            Issue.record("expected an error")
        } catch {
            #expect(error.message == "gamma: shape must be > 0, got -2")
            #expect(error.parameter == "shape")
            #expect("\(error)" == "gamma: shape must be > 0, got -2")
        }
    }

    /// A valid value for each documented parameter of each catalogue entry.
    static let examples: [String: [String: DistributionParameter]] = [
        "constant": ["value": .number(-2.5)],
        "uniform": ["min": .number(-1), "max": .number(4)],
        "exponential": ["mean": .number(0.25)],
        "gamma": ["shape": .number(2), "scale": .number(30)],
        "lognormal": ["mu": .number(1), "sigma": .number(0.5)],
        "normal": ["mean": .number(10), "sd": .number(2)],
        "truncnormal": ["mean": .number(0), "sd": .number(1), "min": .number(-1), "max": .number(2)],
        "weibull": ["scale": .number(2), "shape": .number(1.5)],
        "pareto": ["shape": .number(2.5), "scale": .number(3)],
        "beta": ["a": .number(2), "b": .number(5)],
        "poisson": ["mean": .number(4)],
        "binomial": ["n": .number(20), "p": .number(0.3)],
        "negbinomial": ["n": .number(2.5), "p": .number(0.4)],
        "discrete": ["values": .list([1, 2, 3]), "weights": .list([0.2, 0.5, 0.3])],
        "empirical": ["x": .list([0, 1, 3]), "cdf": .list([0, 0.4, 1])],
    ]

    @Test("every catalogue entry builds from its documented parameters and round-trips",
          arguments: Distribution.catalogue.map(\.name))
    func roundTrip(_ name: String) throws {
        let spec = try #require(Distribution.spec(named: name))
        let example = try #require(Self.examples[name], "no example parameters for catalogue entry \(name)")
        // Exactly the documented parameter names, built from the spec (not from the example keys).
        let documented = spec.parameters.map(\.name)
        #expect(Set(example.keys) == Set(documented))
        var params: [String: DistributionParameter] = [:]
        for p in documented { params[p] = example[p] }
        #expect(params.count == documented.count)
        let d = try Distribution.make(name, params)
        #expect(d.name == name)
        #expect(d.parameters.map(\.0) == documented, "parameters in catalogue order")
        let again = try Distribution.make(d.name, Dictionary(uniqueKeysWithValues: d.parameters))
        #expect(again == d)
        // Every alias names the same entry and builds the same value.
        for alias in spec.aliases {
            #expect(Distribution.spec(named: alias)?.name == name)
            #expect(try Distribution.make(alias, params) == d)
        }
        // The documented parameters are all required: dropping any one is an error naming it.
        for p in documented {
            var fewer = params
            fewer[p] = nil
            #expect(throws: DistributionError(parameter: p, message: "\(name): missing parameter '\(p)'")) {
                try Distribution.make(name, fewer)
            }
        }
        // Draws are finite.
        let s = RandomStream(seed: 0xCA7A_1061)
        #expect((0..<100).allSatisfy { _ in d.sample(s).isFinite })
    }

    @Test("catalogue names and aliases are unique, and names match Distribution.name")
    func catalogueConsistency() {
        let all = Distribution.catalogue.flatMap { [$0.name] + $0.aliases }
        #expect(Set(all).count == all.count)
        #expect(Set(Distribution.catalogue.map(\.name)) == Set(Self.examples.keys))
        for spec in Distribution.catalogue {
            #expect(!spec.doc.isEmpty)
            #expect(spec.parameters.allSatisfy { !$0.meaning.isEmpty })
        }
    }

    @Test("round trip keeps edge values exactly")
    func edgeRoundTrips() throws {
        let cases: [Distribution] = [
            .binomial(n: 4_000_000_000, p: 1), .binomial(n: 0, p: 0), .poisson(mean: 0),
            .negativeBinomial(n: 1e-3, p: 1), .uniform(min: -1e300, max: 1e300), .lognormal(mu: -700, sigma: 20),
            .truncatedNormal(mean: 0, sd: 1, min: 36.5, max: 1e6), .constant(value: -0.0),
            .empirical(x: [0, 1e-9, 1], cdf: [0, 0, 1]),
        ]
        for d in cases {
            let again = try Distribution.make(d.name, Dictionary(uniqueKeysWithValues: d.parameters))
            #expect(again == d, "\(d)")
        }
    }
}
