import CGSL
import Foundation
import Testing
@testable import Stochastics

@Suite("Statistics")
struct StatisticsTests {
    // MARK: Tally

    @Test("Tally agrees with a direct two-pass computation")
    func tallyVersusTwoPass() {
        let s = RandomStream(seed: 0x57A7_0001)
        for (offset, scale) in [(0.0, 1.0), (1e9, 1.0), (-3e6, 1e-3), (0.0, 1e12)] {
            let xs = (0..<10_000).map { _ in offset + scale * Distribution.gamma(shape: 2, scale: 3).sample(s) }
            var t = Tally()
            for x in xs { t.add(x) }
            // Independent reference: a two-pass sum in the simplest form.
            let n = Double(xs.count)
            let mean = xs.reduce(0, +) / n
            let variance = xs.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / (n - 1)
            // Welford's relative error grows with the condition number κ = |mean| / sd
            // (Chan, Golub & LeVeque 1983): allow 20·κ·ε on top of 1e-12.
            let kappa = abs(mean) / variance.squareRoot()
            let rel = 1e-12 + 20 * kappa * Double.ulpOfOne
            #expect(t.count == xs.count)
            #expect(abs(t.mean - mean) <= 1e-12 * Swift.max(abs(mean), scale))
            #expect(abs(t.variance - variance) <= rel * variance, "offset \(offset), κ \(kappa): \(t.variance) vs \(variance)")
            #expect(abs(t.standardDeviation - variance.squareRoot()) <= rel * variance.squareRoot())
        }
    }

    @Test("Tally textbook values and edge cases")
    func tallyEdges() throws {
        var t = Tally()
        #expect(t.count == 0 && t.mean == 0 && t.variance == 0 && t.halfWidth() == nil)
        t.add(3)
        #expect(t.count == 1 && t.mean == 3 && t.variance == 0 && t.halfWidth() == nil)
        var u = Tally()
        for x in [2.0, 4, 4, 4, 5, 5, 7, 9] { u.add(x) }
        #expect(u.mean == 5)
        #expect(abs(u.variance - 32.0 / 7) < 1e-14)
        // Adding in the same order gives the same bits.
        var v = Tally()
        for x in [2.0, 4, 4, 4, 5, 5, 7, 9] { v.add(x) }
        #expect(u == v)
    }

    @Test("halfWidth matches textbook Student-t intervals")
    func halfWidth() throws {
        var t = Tally()
        for x in [1.0, 2, 3, 4, 5] { t.add(x) }
        // s² = 2.5, s/√n = √0.5; t(0.975, 4) = 2.776445, t(0.995, 4) = 4.604095.
        let se: Double = 0.5.squareRoot()
        let h95 = try #require(t.halfWidth()), h99 = try #require(t.halfWidth(level: 0.99))
        #expect(abs(h95 - 2.776_445 * se) < 1e-5)
        #expect(abs(h99 - 4.604_095 * se) < 1e-5)
        var u = Tally()
        for x in [12.0, 15, 9, 11, 14, 10, 13, 16, 8, 12] { u.add(x) }
        // mean 12, s² = 60/9; t(0.975, 9) = 2.262157.
        #expect(abs(u.mean - 12) < 1e-14)
        let seU: Double = (60.0 / 9 / 10).squareRoot()
        let hU = try #require(u.halfWidth())
        #expect(abs(hU - 2.262_157 * seU) < 1e-5)
        // Quantile helpers.
        #expect(abs(Stats.zTwoSided(0.95) - 1.959_964) < 1e-6)
        #expect(abs(Stats.zTwoSided(0.999) - 3.290_527) < 1e-6)
        #expect(abs(Stats.tTwoSided(0.95, dof: 4) - 2.776_445) < 1e-6)
        #expect(abs(Stats.tTwoSided(0.95, dof: 9) - 2.262_157) < 1e-6)
        #expect(abs(Stats.tTwoSided(0.95, dof: 1_000_000) - 1.959_966) < 1e-5)
    }

    // MARK: Wilson

    @Test("Wilson score interval matches textbook values")
    func wilson() {
        func close(_ a: (low: Double, high: Double), _ b: (Double, Double), _ tol: Double = 1e-4) -> Bool {
            abs(a.low - b.0) < tol && abs(a.high - b.1) < tol
        }
        // 0 of 10 and 5 of 10 at 95%: (0, 0.2775) and (0.2366, 0.7634).
        #expect(close(Stats.wilson(successes: 0, n: 10), (0, 0.2775)))
        #expect(close(Stats.wilson(successes: 5, n: 10), (0.2366, 0.7634)))
        #expect(close(Stats.wilson(successes: 10, n: 10), (0.7225, 1)))
        // Newcombe (1998), Stat. Med. 17:857, Table II, method 3 (score without correction).
        #expect(close(Stats.wilson(successes: 81, n: 263), (0.2553, 0.3662)))
        #expect(close(Stats.wilson(successes: 15, n: 148), (0.0624, 0.1605)))
        #expect(close(Stats.wilson(successes: 0, n: 20), (0, 0.1611)))
        #expect(close(Stats.wilson(successes: 1, n: 29), (0.0061, 0.1718)))
        // No trials: the whole unit interval; the interval widens with the level.
        #expect(Stats.wilson(successes: 0, n: 0) == (0, 1))
        let w95 = Stats.wilson(successes: 30, n: 100), w99 = Stats.wilson(successes: 30, n: 100, level: 0.99)
        #expect(w99.low < w95.low && w99.high > w95.high)
        #expect(w95.low < 0.3 && w95.high > 0.3)
    }

    // MARK: Quantile

    @Test("quantile of sorted data interpolates between order statistics (GSL definition)")
    func quantile() {
        let xs = [1.0, 2, 3, 4, 5]
        #expect(Stats.quantile(sorted: xs, 0.5) == 3)
        #expect(Stats.quantile(sorted: xs, 0) == 1)
        #expect(Stats.quantile(sorted: xs, 1) == 5)
        #expect(Stats.quantile(sorted: xs, 0.25) == 2)
        #expect(abs(Stats.quantile(sorted: xs, 0.1)! - 1.4) < 1e-15)
        #expect(abs(Stats.quantile(sorted: [10, 20], 0.75)! - 17.5) < 1e-12)
        #expect(Stats.quantile(sorted: [7], 0.3) == 7)
        #expect(Stats.quantile(sorted: [], 0.5) == nil)
        // Median of an even count is the midpoint.
        #expect(Stats.quantile(sorted: [1, 2, 3, 10], 0.5) == 2.5)
    }

    @Test("quantiles by selection equal the quantiles of the sorted values, bit for bit")
    func quantilesBySelection() {
        var g = SplitMix64(seed: 7)
        let fractionSets: [[Double]] = [[0.05, 0.5, 0.95], [0, 0.25, 0.25, 1], [0.1, 0.9], [1], [0]]
        for trial in 0..<600 {
            let n = 1 + Int(g.next() % 64) + (trial % 50 == 0 ? 1000 : 0)
            // Few distinct values in some trials, so ties fall on the order statistics used.
            let distinct = trial % 3 == 0 ? 1 + Int(g.next() % 4) : 1_000_000
            let values = (0..<n).map { _ in Double(Int(g.next() % UInt64(distinct))) * 0.37 - 50 + g.nextUnit() * 1e-3 * Double(trial % 2) }
            let sorted = values.sorted()
            for fs in fractionSets {
                let got = Stats.quantiles(values, fs)!
                let want = fs.map { Stats.quantile(sorted: sorted, $0)! }
                #expect(got.map(\.bitPattern) == want.map(\.bitPattern), "n \(n) fractions \(fs)")
            }
        }
        #expect(Stats.quantiles([], [0.5]) == nil)
        // A NaN has no place in an order: the sorted path, with its answer.
        let withNaN = [3.0, .nan, 1, 2]
        #expect(Stats.quantiles(withNaN, [0.5])!.map(\.bitPattern)
                    == [Stats.quantile(sorted: withNaN.sorted(), 0.5)!.bitPattern])
    }

    // MARK: Kolmogorov–Smirnov

    @Test("KS critical values: 1.358/√n at 5%, 1.628/√n at 1%, 1.949/√n at 0.1%")
    func ksCritical() {
        for n in [1, 100, 20_000] {
            let r = Double(n).squareRoot()
            #expect(abs(Stats.kolmogorovSmirnovCritical(n: n, alpha: 0.05) * r - 1.358) < 5e-4)
            #expect(abs(Stats.kolmogorovSmirnovCritical(n: n, alpha: 0.01) * r - 1.628) < 5e-4)
            #expect(abs(Stats.kolmogorovSmirnovCritical(n: n, alpha: 0.001) * r - 1.949) < 5e-4)
        }
    }

    @Test("KS statistic of a small sample by hand")
    func ksStatistic() {
        // Uniform CDF, sample {0.1, 0.4, 0.7}: D = max(1/3 − 0.1, 2/3 − 0.4, 1 − 0.7, …) = 0.3.
        let d = Stats.kolmogorovSmirnov([0.7, 0.1, 0.4]) { min(max($0, 0), 1) }
        #expect(abs(d - 0.3) < 1e-12)
        // The lower deviation counts too: {0.9} gives D = 0.9.
        #expect(abs(Stats.kolmogorovSmirnov([0.9]) { $0 } - 0.9) < 1e-12)
    }

    // MARK: Least squares

    @Test("least squares by hand: y = 2·x1 − x2 + noise, (XᵀX)⁻¹ and the residual sum of squares")
    func leastSquaresByHand() throws {
        // Orthogonal columns: XᵀX = diag(4, 4), so b_j = x_jᵀy / 4 and (XᵀX)⁻¹ = diag(1/4, 1/4).
        let x1: [Double] = [1, 1, -1, -1], x2: [Double] = [1, -1, 1, -1]
        let noise: [Double] = [0.5, -0.5, -0.5, 0.5]   // orthogonal to both columns
        let y = (0..<4).map { 2 * x1[$0] - x2[$0] + noise[$0] }
        let fit = try #require(Stats.leastSquares(columns: [x1, x2], y: y))
        #expect(abs(fit.coefficients[0] - 2) < 1e-12 && abs(fit.coefficients[1] + 1) < 1e-12)
        #expect(fit.inverseGramDiagonal.allSatisfy { abs($0 - 0.25) < 1e-12 })
        #expect(abs(fit.residualSumOfSquares - 1) < 1e-12)   // Σ noise² = 4 × 0.25
        #expect(zip(fit.residuals, noise).allSatisfy { abs($0 - $1) < 1e-12 }, "the residuals are the noise: \(fit.residuals)")
    }

    @Test("least squares refuses rank-deficient, short and ragged designs")
    func leastSquaresRefuses() {
        let a: [Double] = [1, 2, 3, 4, 5], y: [Double] = [1, 0, 2, 1, 3]
        #expect(Stats.leastSquares(columns: [a, a.map { 2 * $0 }], y: y) == nil)   // collinear
        #expect(Stats.leastSquares(columns: [], y: y) == nil)
        #expect(Stats.leastSquares(columns: [[1, 2]], y: [1, 2]) != nil)           // one column, two rows: fits
        #expect(Stats.leastSquares(columns: [[1]], y: [1]) == nil)                 // no more rows than columns
        #expect(Stats.leastSquares(columns: [[1, 2, 3]], y: y) == nil)            // ragged
        #expect(Stats.leastSquares(columns: [a], y: y) != nil)
    }

    // MARK: Ranks and correlation

    @Test("average ranks: 1 for the smallest, ties share the mean of the ranks they span")
    func averageRanks() {
        #expect(Stats.averageRanks([]) == [])
        #expect(Stats.averageRanks([7]) == [1])
        #expect(Stats.averageRanks([5, 1, 5, 3]) == [3.5, 1, 3.5, 2])
        // 1 and 1 share ranks 1 and 2; the rest are distinct.
        #expect(Stats.averageRanks([3, 1, 4, 1, 5, 9, 2, 6]) == [4, 1.5, 5, 1.5, 6, 8, 3, 7])
        // A 0/1 outcome: four 0s share ranks 1…4 (2.5), four 1s ranks 5…8 (6.5).
        #expect(Stats.averageRanks([0, 1, 1, 0, 0, 1, 0, 1]) == [2.5, 6.5, 6.5, 2.5, 2.5, 6.5, 2.5, 6.5])
        #expect(Stats.averageRanks([2, 2, 2]) == [2, 2, 2])
        let many = (0..<1000).map { Double(($0 * 7919) % 1000) }   // a permutation of 0…999
        #expect(Stats.averageRanks(many) == many.map { $0 + 1 })
    }

    @Test("weighted average ranks are the ranks of the values repeated by their weights")
    func weightedAverageRanks() {
        let values: [Double] = [3, 1, 4, 1, 5, 9, 2, 6, 3], weights = [2, 1, 0, 3, 1, 4, 2, 1, 1]
        let ranks = Stats.averageRanks(values, weights: weights)
        // Expand each value by its weight, rank the expansion, and read back each value's rank.
        let expanded = values.indices.flatMap { repeatElement(values[$0], count: weights[$0]) }
        let expandedRanks = Stats.averageRanks(expanded)
        var position = 0
        for i in values.indices {
            if weights[i] == 0 { #expect(ranks[i].isNaN); continue }
            #expect(ranks[i] == expandedRanks[position], "value \(values[i])")
            position += weights[i]
        }
        #expect(Stats.averageRanks([5, 1, 5, 3], weights: [1, 1, 1, 1]) == Stats.averageRanks([5, 1, 5, 3]))
        #expect(Stats.averageRanks([], weights: []) == [])
    }

    @Test("Cholesky solve: a known system, the inverse's diagonal, and nil for a singular matrix")
    func choleskySolve() throws {
        // A = [[4, 2], [2, 3]]: A·[1, 2] = [8, 8]; A⁻¹ = [[3, −2], [−2, 4]]/8.
        let solved = try #require(Stats.choleskySolve([4, 2, 2, 3], order: 2, rhs: [[8, 8], [4, 2]], inverseDiagonal: true))
        #expect(abs(solved.solutions[0][0] - 1) < 1e-14 && abs(solved.solutions[0][1] - 2) < 1e-14)
        #expect(abs(solved.solutions[1][0] - 1) < 1e-14 && abs(solved.solutions[1][1]) < 1e-14)
        #expect(abs(solved.inverseDiagonal[0] - 3.0 / 8) < 1e-14 && abs(solved.inverseDiagonal[1] - 0.5) < 1e-14)
        #expect(Stats.choleskySolve([1, 2, 2, 4], order: 2, rhs: [[1, 1]]) == nil)   // rank 1
        #expect(Stats.choleskySolve([1, 0, 0, -1], order: 2, rhs: [[1, 1]]) == nil)  // not positive definite
        #expect(Stats.choleskySolve([4, 2, 2, 3], order: 2, rhs: [[1]]) == nil)     // a short right-hand side
    }

    @Test("Pearson correlation by hand, and nil where it is undefined")
    func correlation() throws {
        // dx = (−1.5, −0.5, 0.5, 1.5), dy = (−1, 1, −1, 1): Σdxdy = 2, Σdx² = 5, Σdy² = 4.
        let r = try #require(Stats.correlation([1, 2, 3, 4], [0, 2, 0, 2]))
        #expect(abs(r - 2 / (5.0 * 4).squareRoot()) < 1e-15)
        #expect(abs(try #require(Stats.correlation([1, 2, 3], [2, 4, 6])) - 1) < 1e-15)
        #expect(abs(try #require(Stats.correlation([1, 2, 3], [3, 2, 1])) + 1) < 1e-15)
        #expect(Stats.correlation([1, 2, 3], [5, 5, 5]) == nil)   // no variance
        #expect(Stats.correlation([1], [1]) == nil)
        #expect(Stats.correlation([1, 2], [1, 2, 3]) == nil)
    }

    @Test("Fisher z interval by hand: r = 0.5 from 30 observations, 2 others held fixed")
    func fisherInterval() throws {
        // se = 1/√(30 − 3 − 2) = 0.2; tanh(atanh(0.5) ∓ 1.959964 × 0.2).
        let ci = try #require(Stats.fisherInterval(r: 0.5, n: 30, controlled: 2))
        #expect(abs(ci.low - 0.156_028_36) < 1e-6 && abs(ci.high - 0.735_818_48) < 1e-6, "\(ci)")
        let plain = try #require(Stats.fisherInterval(r: -0.3, n: 50))
        let z = atanh(-0.3), se = 1 / 47.0.squareRoot()
        #expect(abs(plain.low - tanh(z - 1.959_964 * se)) < 1e-6 && abs(plain.high - tanh(z + 1.959_964 * se)) < 1e-6)
        #expect(Stats.fisherInterval(r: 1, n: 10)! == (1, 1))
        #expect(Stats.fisherInterval(r: -1, n: 10)! == (-1, -1))
        #expect(Stats.fisherInterval(r: 0.5, n: 4) != nil)                 // n − 3 = 1
        #expect(Stats.fisherInterval(r: 0.5, n: 5, controlled: 2) == nil)  // n − 3 − p = 0
        #expect(Stats.fisherInterval(r: 1.5, n: 50) == nil)
    }
}
