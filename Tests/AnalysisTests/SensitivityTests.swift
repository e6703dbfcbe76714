import Analysis
import Foundation
import Stochastics
import Testing

@Suite("Sensitivity (standardised regression and partial rank correlation coefficients)")
struct SensitivityTests {
    /// `sensitivity.csv` fits consecutive series over the same runs from sums they share (the
    /// parameters' cross products and ranks); every row must be the bytes a fit of its series
    /// alone gives. Five series over 60 runs of six parameters (one constant, one a copy of
    /// another), one series with runs missing (a run set of its own, between two that share).
    @Test func seriesSharingTheirRunsGiveTheBytesOfEachAlone() {
        var g = SplitMix64(seed: 31)
        func u() -> Double { Double(g.next() >> 11) * 0x1p-53 }
        let points = 30, replications = 2
        var pointValues: [Int: [Double?]] = [:]
        for p in 0..<points {
            let a = u(), b = u()
            pointValues[p] = [a, b, 0.5, a, u() * 3, Double(p % 4)]
        }
        let parameters = ["a", "b", "constant", "copy of a", "c", "d"]
        let runs = (0..<points).flatMap { p in (0..<replications).map { RunOutcomes.Run(point: p, replication: $0) } }
        var series: [RunOutcomes.Series] = []
        for k in 0..<5 {
            let values: [Double?] = runs.indices.map { i in
                let x = pointValues[runs[i].point]!
                if k == 2 && i % 7 == 3 { return nil }
                let y = Double(k + 1) * x[0]! - x[1]! * x[4]! + 0.2 * u()
                return k == 4 ? (y > 0.3 ? 1 : 0) : y
            }
            series.append(RunOutcomes.Series(kind: "market", entity: "s\(k)", metric: "m", values: values))
        }
        let together = RunOutcomes(parameters: parameters, pointValues: pointValues, runs: runs, series: series)
        let rows = Sensitivity.csv(together).split(separator: "\n", omittingEmptySubsequences: false)
        var alone: [Substring] = []
        for s in series {
            let one = RunOutcomes(parameters: parameters, pointValues: pointValues, runs: runs, series: [s])
            let lines = Sensitivity.csv(one).split(separator: "\n", omittingEmptySubsequences: false)
            if alone.isEmpty { alone.append(lines[0]) }
            alone.append(contentsOf: lines.dropFirst().filter { !$0.isEmpty })
        }
        alone.append("")
        #expect(rows == alone)
        #expect(rows.filter { $0.contains(",s0,") && !$0.contains(",,,,,,") }.count >= 3, "fits with intervals")
    }

    @Test func srcRecoversAKnownLinearRelation() {
        // y = 3·x1 − 1·x2 + 0·x3 + small deterministic noise, x's on a 5×4×3 grid (uncorrelated).
        var x1: [Double] = [], x2: [Double] = [], x3: [Double] = [], y: [Double] = []
        var i = 0
        for a in 0..<5 { for b in 0..<4 { for c in 0..<3 {
            x1.append(Double(a)); x2.append(Double(b) * 2); x3.append(Double(c))
            y.append(3 * Double(a) - Double(b) * 2 + 0.01 * sin(Double(i) * 1.7))
            i += 1
        } } }
        func sd(_ v: [Double]) -> Double {
            let m = v.reduce(0, +) / Double(v.count)
            return (v.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(v.count - 1)).squareRoot()
        }
        let fit = Sensitivity.src(x: [x1, x2, x3], y: y)
        let expected = [3 * sd(x1) / sd(y), -1 * sd(x2) / sd(y), 0]
        for j in 0..<3 {
            let c = fit[j]!
            #expect(abs(c.src - expected[j]) < 1e-3, "parameter \(j): \(c.src) vs \(expected[j])")
            #expect(c.low <= c.src && c.src <= c.high)
            #expect(c.low <= expected[j] && expected[j] <= c.high)
            #expect(c.high - c.low < 0.01)
        }
    }

    @Test func constantOutcomeOrParameterGivesNoCoefficient() {
        let x = [1.0, 2, 3, 4, 5]
        #expect(Sensitivity.src(x: [x], y: [2, 2, 2, 2, 2]) == [nil])
        let fit = Sensitivity.src(x: [x, [7, 7, 7, 7, 7]], y: [1, 3, 2, 5, 4])
        #expect(fit[0] != nil && fit[1] == nil)
    }

    /// An outcome that one parameter fixes exactly (a fixed price is the final price index): the fit is
    /// exact, so every standard error is 0 and rounding noise in the other coefficient would otherwise
    /// come out as an effect of 10⁻¹⁶ whose zero-width interval excludes 0.
    @Test func anExactFitGivesTheUnusedParameterAZeroCoefficientWhoseIntervalHoldsZero() throws {
        var price: [Double] = [], opex: [Double] = [], y: [Double] = []
        for p in [4.0, 6, 8, 10] { for o in [2.5e5, 1e6] { for _ in 0..<4 { price.append(p); opex.append(o); y.append(p) } } }
        let fit = Sensitivity.src(x: [price, opex], y: y)
        let onPrice = try #require(fit[0]), onOpex = try #require(fit[1])
        #expect(abs(onPrice.src - 1) < 1e-12)
        #expect(onOpex.src == 0, "rounding noise reported as an effect: \(onOpex.src)")
        #expect(onOpex.low <= 0 && 0 <= onOpex.high, "[\(onOpex.low), \(onOpex.high)]")
    }

    /// x1 on −3…3 crossed with x2 on 0…2 (21 runs, uncorrelated).
    private static let grid: (x1: [Double], x2: [Double]) = {
        var x1: [Double] = [], x2: [Double] = []
        for a in -3...3 { for b in 0...2 { x1.append(Double(a)); x2.append(Double(b)) } }
        return (x1, x2)
    }()

    @Test func prccIsOneForAMonotoneCurveWhereSRCIsNot() throws {
        let (x1, x2) = Self.grid
        let y = x1.map { $0 * $0 * $0 }
        let p = Sensitivity.prcc(x: [x1, x2], y: y)
        let s = Sensitivity.src(x: [x1, x2], y: y)
        let c = try #require(p[0])
        #expect(abs(c.prcc - 1) < 1e-12 && abs(c.low - 1) < 1e-6 && abs(c.high - 1) < 1e-12, "\(c)")
        let linear = try #require(s[0]).src
        #expect(linear < 0.95, "SRC sees only the straight-line part of x³: \(linear)")
        // rank(y) is rank(x1): once x1's ranks are removed nothing is left of y's, so x2 has no PRCC.
        #expect(p[1] == nil)
        // A decreasing curve: −1, alone (Spearman) and beside x2.
        let down = x1.map { -exp($0) }
        #expect(try #require(Sensitivity.prcc(x: [x1], y: down)[0]).prcc == -1)
        #expect(abs(try #require(Sensitivity.prcc(x: [x1, x2], y: down)[0]).prcc + 1) < 1e-12)
    }

    @Test func prccWithOneParameterIsSpearmansRhoWithAverageRanksForTies() throws {
        let x: [Double] = [3, 1, 4, 1, 5, 9, 2, 6]
        let y: [Double] = [0, 1, 1, 0, 0, 1, 0, 1]
        // By hand: rank(x) = (4, 1.5, 5, 1.5, 6, 8, 3, 7) (the two 1s share ranks 1 and 2),
        // rank(y) = (2.5, 6.5, 6.5, 2.5, 2.5, 6.5, 2.5, 6.5) (four 0s share 1…4, four 1s 5…8); both
        // have mean 4.5, so dx = (−0.5, −3, 0.5, −3, 1.5, 3.5, −1.5, 2.5), dy = ±2:
        // Σdx·dy = 14, Σdx² = 41.5, Σdy² = 32.
        let rho = 14 / (41.5 * 32).squareRoot()
        let c = try #require(Sensitivity.prcc(x: [x], y: y)[0])
        #expect(abs(c.prcc - rho) < 1e-14, "\(c.prcc) vs \(rho)")
        // Its interval: Fisher's z with se = 1/√(8 − 3), nothing held fixed.
        let z = atanh(rho), se = 1 / 5.0.squareRoot()
        #expect(abs(c.low - tanh(z - 1.959_964 * se)) < 1e-6 && abs(c.high - tanh(z + 1.959_964 * se)) < 1e-6)
    }

    @Test func prccIsNearZeroForAnEffectThatFallsAndRises() throws {
        let (x1, x2) = Self.grid   // x1 symmetric about its mean 0
        let y = x1.map { $0 * $0 }
        let p = Sensitivity.prcc(x: [x1, x2], y: y)
        let c = try #require(p[0])
        #expect(abs(c.prcc) < 1e-12 && c.low < 0 && 0 < c.high, "\(c)")
        // The interval holds one other parameter fixed: se = 1/√(21 − 3 − 1).
        let half = 1.959_964 / 17.0.squareRoot()
        #expect(abs(c.low - tanh(-half)) < 1e-6 && abs(c.high - tanh(half)) < 1e-6, "\(c)")
        let other = try #require(p[1])
        #expect(abs(other.prcc) < 1e-12 && other.low < 0 && 0 < other.high, "x2 does nothing: \(other)")
    }

    /// PRCC comes from the Gram matrix of the ranks (Schur complements, no regression run); it must
    /// equal the definition (the correlation of the residuals of rank(x_j) and rank(y) on the other ranks), computed
    /// here with GSL's least squares, on a pseudo-random design of 12 parameters and 60 runs where y
    /// depends monotonically on three of them; a parameter that copies another is left out.
    @Test func prccFromTheRanksGramMatrixEqualsTheResidualDefinition() throws {
        let n = 60, k = 12
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next() -> Double {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Double(state >> 11) * 0x1.0p-53
        }
        let x = (0..<k).map { _ in (0..<n).map { _ in next() } }
        let y = (0..<n).map { i in exp(2 * x[0][i]) - 3 * x[1][i] * x[1][i] + x[2][i] + 0.3 * next() }
        let fast = Sensitivity.prcc(x: x, y: y)
        let centre = Double(n + 1) / 2
        let rx = x.map { Stats.averageRanks($0).map { $0 - centre } }, ry = Stats.averageRanks(y).map { $0 - centre }
        for j in 0..<k {
            let others = rx.indices.filter { $0 != j }.map { rx[$0] }
            let ex = try #require(Stats.leastSquares(columns: others, y: rx[j])?.residuals)
            let ey = try #require(Stats.leastSquares(columns: others, y: ry)?.residuals)
            let rho = try #require(Stats.correlation(ex, ey))
            let got = try #require(fast[j])
            #expect(abs(got.prcc - rho) < 1e-12, "parameter \(j): \(got.prcc) against \(rho)")
        }
        let first = try #require(fast[0]), second = try #require(fast[1])
        #expect(first.prcc > 0.5 && second.prcc < -0.5)
        // A copy of parameter 0 is left out (a linear combination of an earlier parameter); the others'
        // coefficients are those without it.
        let copied = Sensitivity.prcc(x: x + [x[0]], y: y)
        #expect(copied[k] == nil && copied[0] == fast[0] && copied[1] == fast[1])
        #expect(Sensitivity.src(x: x + [x[1].map { 2 * $0 + 1 }], y: y)[k] == nil)
        // Ten distinct values in 40 runs, as draws per replication under common random numbers with ten
        // replications: at most nine centred columns are independent, so 12 such columns keep 9.
        let perReplication = (0..<12).map { _ in (0..<10).map { _ in next() } }.map { v in (0..<40).map { v[$0 % 10] } }
        #expect(Sensitivity.independent(perReplication).count == 9)
    }

    @Test func prccIsNilForAConstantParameterOutcomeOrTooFewRuns() {
        let x: [Double] = [1, 2, 3, 4, 5, 6], y: [Double] = [1, 3, 2, 5, 4, 6]
        let p = Sensitivity.prcc(x: [x, [7, 7, 7, 7, 7, 7]], y: y)
        #expect(p[0] != nil && p[1] == nil)
        #expect(Sensitivity.prcc(x: [x], y: [2, 2, 2, 2, 2, 2]) == [nil])
        #expect(Sensitivity.prcc(x: [x, []], y: y)[1] == nil)                      // not numeric
        // n − 3 − p < 1: four runs with one other parameter held fixed.
        #expect(Sensitivity.prcc(x: [[1, 2, 3, 4], [1, 0, 0, 1]], y: [1, 2, 4, 3]) == [nil, nil])
        #expect(Sensitivity.prcc(x: [[1, 2, 3, 4]], y: [1, 2, 4, 3])[0] != nil)  // n − 3 = 1
    }
}
