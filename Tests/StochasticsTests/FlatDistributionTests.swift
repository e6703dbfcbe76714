import Testing
import Stochastics

/// ``FlatDistribution`` holds the common kinds of ``Distribution`` flat for the model's hot loops;
/// its draws must be the distribution's own, draw for draw, or a seed would replay differently.
@Suite struct FlatDistributionTests {
    static let held: [Distribution] = [
        .constant(value: 3.5), .uniform(min: 2, max: 9), .exponential(mean: 6), .gamma(shape: 2.5, scale: 1.7),
        .lognormal(mu: 1.1, sigma: 0.8), .normal(mean: -2, sd: 3),
    ]

    @Test(arguments: held)
    func drawsWhatTheDistributionDraws(d: Distribution) {
        let a = RandomStream(seed: 0xF1A7), b = RandomStream(seed: 0xF1A7)
        let flat = FlatDistribution(d)
        for k in 0..<2_000 {
            let x = flat.sample(a)
            let y = d.sample(b)
            #expect(x == y, "draw \(k) of \(d)")
            if x != y { return }
        }
    }

    @Test func leavesTheOtherKindsToTheDistribution() throws {
        let others: [Distribution] = [
            .weibull(scale: 2, shape: 1.5), .pareto(shape: 3, scale: 1), .beta(a: 2, b: 5), .poisson(mean: 4),
            .binomial(n: 10, p: 0.3), .negativeBinomial(n: 3, p: 0.4),
            .truncatedNormal(mean: 0, sd: 1, min: -1, max: 2), .empirical(x: [0, 1, 2], cdf: [0, 0.5, 1]),
        ]
        let s = RandomStream(seed: 7)
        for d in others { #expect(FlatDistribution(d).sample(s) == nil, "\(d)") }
    }
}
