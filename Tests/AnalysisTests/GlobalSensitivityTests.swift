import Analysis
import Foundation
import Stochastics
import Testing

/// The Ishigami function on [−π, π]³ (Ishigami & Homma 1990), unit coordinates scaled.
private func ishigami(_ u: [Double], a: Double = 7, b: Double = 0.1) -> Double {
    let x = u.map { -Double.pi + 2 * Double.pi * $0 }
    return sin(x[0]) + a * sin(x[1]) * sin(x[1]) + b * pow(x[2], 4) * sin(x[0])
}

@Suite("Sobol indices (Saltelli design, Saltelli 2010 and Jansen estimators) and Morris screening")
struct GlobalSensitivityTests {
    @Test func sobolSequenceIsGSLsAndBalanced() {
        let p = SobolSequence.points(4, dimensions: 2)
        // GSL's sequence leaves out the origin: it starts at the second Sobol point.
        #expect(p[0] == [0.5, 0.5] && p[1] == [0.75, 0.25] && p[2] == [0.25, 0.75])
        // With the origin, the first 2^m points put one point in each of the 2^m equal intervals of every axis.
        let q = SobolSequence.points(63, dimensions: 6)
        for d in 0..<6 {
            let strata = Set(q.map { Int($0[d] * 64) })
            #expect(strata.count == 63 && !strata.contains(0))
        }
        #expect(SobolSequence.points(3, dimensions: 4, skip: 5) == Array(SobolSequence.points(8, dimensions: 4)[5...]))
    }

    @Test func saltelliLayoutIsSALibsOrder() {
        let design = SaltelliDesign(basePoints: 8, parameters: 3)
        let points = design.unitPoints()
        #expect(points.count == design.pointCount && design.pointCount == 8 * 5)
        let sequence = SobolSequence.points(8, dimensions: 6)
        for i in 0..<8 {
            let block = Array(points[(i * 5)..<(i * 5 + 5)])
            let a = Array(sequence[i][0..<3]), b = Array(sequence[i][3..<6])
            #expect(block[0] == a && block[4] == b)
            for j in 0..<3 {
                var ab = a
                ab[j] = b[j]
                #expect(block[1 + j] == ab, "AB_\(j + 1) of base row \(i) is A with column \(j + 1) from B")
            }
        }
        #expect(SaltelliDesign.maxParameters == 20)
    }

    @Test func ishigamiIndicesMatchTheirAnalyticValues() throws {
        // Analytic indices (a = 7, b = 0.1): V = a²/8 + bπ⁴/5 + b²π⁸/18 + 1/2, V1 = (1 + bπ⁴/5)²/2,
        // V2 = a²/8, V3 = 0, V13 = 8b²π⁸/225 (the only interaction).
        let a = 7.0, b = 0.1, pi4 = pow(Double.pi, 4), pi8 = pow(Double.pi, 8)
        let v = a * a / 8 + b * pi4 / 5 + b * b * pi8 / 18 + 0.5
        let v1 = 0.5 * pow(1 + b * pi4 / 5, 2), v2 = a * a / 8, v13 = 8 * b * b * pi8 / 225
        let s1 = [v1 / v, v2 / v, 0], st = [(v1 + v13) / v, v2 / v, v13 / v]
        #expect(abs(s1[0] - 0.3139) < 1e-3 && abs(s1[1] - 0.4424) < 1e-3 && abs(st[0] - 0.5576) < 1e-3 && abs(st[2] - 0.2437) < 1e-3)
        let stream = SeedPlan(masterSeed: 17).stream(replication: 0, kind: "bootstrap")
        let indices = try #require(SobolIndices.estimate(design: SaltelliDesign(basePoints: 4096, parameters: 3),
                                                         stream: stream) { ishigami($0) })
        for j in 0..<3 {
            let x = indices[j]
            #expect(x.s1Low <= s1[j] && s1[j] <= x.s1High, "S1_\(j + 1) = \(s1[j]) in [\(x.s1Low), \(x.s1High)] (estimate \(x.s1))")
            #expect(x.stLow <= st[j] && st[j] <= x.stHigh, "ST_\(j + 1) = \(st[j]) in [\(x.stLow), \(x.stHigh)] (estimate \(x.st))")
            #expect(x.s1Low <= x.s1 && x.s1 <= x.s1High && x.stLow <= x.st && x.st <= x.stHigh)
            // Intervals that say something: narrower than 0.1 at N = 4,096.
            #expect(x.s1High - x.s1Low < 0.1 && x.stHigh - x.stLow < 0.1)
        }
        // x3 alone explains nothing, with x1 a quarter of the variance.
        #expect(abs(indices[2].s1) < 0.02 && indices[2].stLow > 0.2)
    }

    @Test func sobolIndicesAreNilForAConstantOutputAndIgnoreScale() throws {
        let design = SaltelliDesign(basePoints: 16, parameters: 2)
        let stream = SeedPlan(masterSeed: 1).stream(replication: 0, kind: "bootstrap")
        #expect(SobolIndices.estimate(design: design, resamples: 10, stream: stream) { _ in 3 } == nil)
        func f(_ u: [Double]) -> Double { u[0] + 2 * u[1] * u[1] + u[0] * u[1] }
        let x = try #require(SobolIndices.estimate(design: design, resamples: 50,
                                                   stream: SeedPlan(masterSeed: 2).stream(replication: 0, kind: "b"), function: f))
        let y = try #require(SobolIndices.estimate(design: design, resamples: 50,
                                                   stream: SeedPlan(masterSeed: 2).stream(replication: 0, kind: "b")) { 1e6 + 1000 * f($0) })
        for j in 0..<2 {
            #expect(abs(x[j].s1 - y[j].s1) < 1e-9 && abs(x[j].st - y[j].st) < 1e-9 && abs(x[j].s1High - y[j].s1High) < 1e-9)
        }
    }

    @Test func morrisTrajectoriesMoveOneParameterByDeltaOnTheGrid() {
        let design = MorrisDesign(trajectories: 12, levels: 6, parameters: 4)
        let (points, steps) = design.generate(stream: SeedPlan(masterSeed: 5).stream(replication: 0, kind: "design"))
        #expect(points.count == design.pointCount && steps.count == 12)
        let delta = 6.0 / 10
        for t in 0..<12 {
            #expect(Set(steps[t].map(\.parameter)) == Set(0..<4), "every parameter moves once in trajectory \(t)")
            for (i, step) in steps[t].enumerated() {
                let x = points[t * 5 + i], y = points[t * 5 + i + 1]
                for j in 0..<4 {
                    let change = y[j] - x[j]
                    if j == step.parameter {
                        #expect(abs(change - (step.up ? delta : -delta)) < 1e-12)
                    } else {
                        #expect(change == 0)
                    }
                    // On the grid {0, 1/5, …, 1}.
                    #expect(abs(y[j] * 5 - (y[j] * 5).rounded()) < 1e-9 && y[j] >= 0 && y[j] <= 1)
                }
            }
        }
    }

    @Test func morrisRecoversLinearEffectsExactlyAndSeesInteractionsInSigma() {
        let design = MorrisDesign(trajectories: 10, levels: 4, parameters: 3)
        let (points, steps) = design.generate(stream: SeedPlan(masterSeed: 9).stream(replication: 0, kind: "design"))
        let linear = points.map { 4 * $0[0] - 2 * $0[1] + 0 * $0[2] }
        let e = MorrisScreening.estimate(outputs: linear, design: design, steps: steps, resamples: 100,
                                         stream: SeedPlan(masterSeed: 9).stream(replication: 0, kind: "bootstrap"))
        #expect(abs(e[0].mu - 4) < 1e-12 && abs(e[0].muStar - 4) < 1e-12 && abs(e[0].sigma) < 1e-12)
        #expect(abs(e[1].mu + 2) < 1e-12 && abs(e[1].muStar - 2) < 1e-12)
        #expect(e[2].muStar == 0 && e[2].muStarLow == 0 && e[2].muStarHigh == 0)
        // x0·x1: each one's effect depends on the other, so σ > 0; x2 still does nothing.
        let product = points.map { $0[0] * $0[1] }
        let f = MorrisScreening.estimate(outputs: product, design: design, steps: steps, resamples: 100,
                                         stream: SeedPlan(masterSeed: 9).stream(replication: 0, kind: "bootstrap"))
        #expect(f[0].sigma > 0.1 && f[1].sigma > 0.1 && f[2].muStar == 0)
        #expect(f[0].muStarLow <= f[0].muStar && f[0].muStar <= f[0].muStarHigh)
    }

    @Test func campolongoSamplingKeepsTheMostSpreadOutCandidates() {
        let plain = MorrisDesign(trajectories: 40, levels: 4, parameters: 3)
        let improved = MorrisDesign(trajectories: 8, levels: 4, parameters: 3, candidates: 40)
        let s = SeedPlan(masterSeed: 3)
        let all = plain.generate(stream: s.stream(replication: 0, kind: "design"))
        let kept = improved.generate(stream: s.stream(replication: 0, kind: "design"))
        #expect(kept.steps.count == 8 && kept.points.count == 32)
        // The kept trajectories are among the candidates (the same draws), in their drawn order.
        let trajectories = (0..<40).map { Array(all.points[($0 * 4)..<($0 * 4 + 4)]) }
        let indices = (0..<8).map { t in trajectories.firstIndex(of: Array(kept.points[(t * 4)..<(t * 4 + 4)])) }
        let found = indices.compactMap { $0 }
        #expect(found.count == 8 && found == found.sorted())
        // And spread more than the first 8 drawn: a larger summed distance.
        func spread(_ ts: [[[Double]]]) -> Double {
            var total = 0.0
            for i in ts.indices { for j in ts.indices where j > i {
                var d = 0.0
                for x in ts[i] { for y in ts[j] { d += zip(x, y).map { ($0 - $1) * ($0 - $1) }.reduce(0, +).squareRoot() } }
                total += d * d
            } }
            return total
        }
        let chosen = found.map { trajectories[$0] }
        #expect(spread(chosen) > spread(Array(trajectories.prefix(8))))
    }

    @Test func noiseShareIsWithinVarianceOverReplicationsOverTheMeansVariance() {
        #expect(GlobalSensitivity.noiseShare(withinVariance: 0.5, replications: 10, means: [0, 1, 0, 1]) == 0.05 / (1.0 / 3))
        #expect(GlobalSensitivity.noiseShare(withinVariance: 0.5, replications: 1, means: [0, 1]) == nil)
        #expect(GlobalSensitivity.noiseShare(withinVariance: 9, replications: 2, means: [0, 1]) == 1)
        #expect(GlobalSensitivity.noiseShare(withinVariance: 1, replications: 2, means: [3, 3]) == nil)
    }
}
