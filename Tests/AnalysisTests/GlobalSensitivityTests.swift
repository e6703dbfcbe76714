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

    @Test func noiseShareIsNoiseVarianceOverReplicationsOverTheMeansVariance() {
        #expect(GlobalSensitivity.noiseShare(noiseVariance: 0.5, replications: 10, means: [0, 1, 0, 1]) == 0.05 / (1.0 / 3))
        #expect(GlobalSensitivity.noiseShare(noiseVariance: 0.5, replications: 1, means: [0, 1]) == nil)
        #expect(GlobalSensitivity.noiseShare(noiseVariance: 9, replications: 2, means: [0, 1]) == 1)
        #expect(GlobalSensitivity.noiseShare(noiseVariance: 1, replications: 2, means: [3, 3]) == nil)
    }
}

@Suite("Scenario discovery: PRIM as EMA Workbench computes it")
struct PRIMTests {
    @Test func quantileIsEMAsTieAwareMidpoint() {
        let ramp = (0...20).map(Double.init)
        #expect(PRIM.quantile(ramp, 0.05) == 1.5 && PRIM.quantile(ramp, 0.95) == 18.5 && PRIM.quantile(ramp, 0.5) == 10.5)
        let tied: [Double] = [0, 0, 0, 0, 1, 2, 3, 3, 3, 3]
        #expect(PRIM.quantile(tied, 0.05) == 0.5 && PRIM.quantile(tied, 0.95) == 2.5)
        #expect(PRIM.quantile([2, 2, 2], 0.05) == 2 && PRIM.quantile([7], 0.95) == 7)
    }

    /// Three inputs uniform on [0, 1]; a case is of interest with probability 0.9 inside
    /// x0 > 0.6, x1 < 0.4 and 0.05 outside: PRIM's chosen box restricts x0 from below and x1 from
    /// above near those limits, and leaves x2 alone.
    @Test func recoversAKnownBox() throws {
        let stream = SeedPlan(masterSeed: 20_240_601).stream(replication: 0, kind: "prim")
        let n = 2000
        let x = (0..<3).map { _ in (0..<n).map { _ in stream.uniform() } }
        let y = (0..<n).map { i in stream.uniform() < (x[0][i] > 0.6 && x[1][i] < 0.4 ? 0.9 : 0.05) }
        let steps = PRIM.trajectory(inputs: x, interest: y)
        #expect(steps.first?.phase == .initial && steps.first?.mass == 1 && steps.first?.coverage == 1)
        #expect(steps.dropFirst().allSatisfy { $0.phase != .initial })
        // Peeling only shrinks, pasting only grows; the limits stay inside the data's range.
        for (a, b) in zip(steps, steps.dropFirst()) {
            #expect(b.phase == .peel ? b.mass < a.mass : b.mass > a.mass)
            #expect(b.mass >= 0.05)
        }
        let c = try #require(PRIM.chosen(steps))
        let box = steps[c]
        #expect(box.restricted == [0, 1], "restricted \(box.restricted)")
        #expect(abs(box.lower[0] - 0.6) < 0.03 && abs(box.upper[1] - 0.4) < 0.03, "x0 ≥ \(box.lower[0]), x1 ≤ \(box.upper[1])")
        #expect(box.quasiPLower[1] == nil && box.quasiPUpper[0] == nil)   // the sides that do not restrict
        #expect(try #require(box.quasiPLower[0]) < 1e-20 && (try #require(box.quasiPUpper[1])) < 1e-20)
        // 0.9 inside the true box, whose mass is 0.16: the density near 0.9, the coverage near 0.144/0.184.
        #expect(box.density > 0.8 && box.coverage > 0.6)
        // The last box of the trajectory restricts x2 too, by chance: its quasi-p-values are large, so it is not chosen.
        let last = try #require(steps.last)
        if last.restricted.contains(2) { #expect(c != steps.count - 1) }
    }

    @Test func chosenBoxRule() {
        func step(_ coverage: Double, _ density: Double, qp: Double?) -> PRIM.Step {
            PRIM.Step(phase: .peel, lower: [0.5], upper: [1], cases: 10, casesOfInterest: 5, coverage: coverage, density: density,
                      mass: 0.5, restricted: qp == nil ? [] : [0], quasiPLower: [qp], quasiPUpper: [nil])
        }
        let steps = [step(1, 0.2, qp: nil), step(0.9, 0.5, qp: 0.01), step(0.7, 0.8, qp: 0.2), step(0.6, 0.7, qp: 0.04),
                     step(0.4, 0.95, qp: 0.001), step(0.65, 0.7, qp: 0.0)]
        // Coverage ≥ 0.5 and every qp ≤ 0.05: steps 1, 3 and 5; the densest are 3 and 5, the larger coverage wins.
        #expect(PRIM.chosen(steps) == 5)
        #expect(PRIM.chosen(steps, minCoverage: 0.3) == 4)
        #expect(PRIM.chosen(steps, maxQuasiP: 0.5) == 2)
        #expect(PRIM.chosen(steps, minCoverage: 0.95) == nil)   // the initial box never counts
    }

    @Test func conditionsParseAndHold() throws {
        let c = try ScenarioDiscovery.Condition.parse("firm[small-gpu-cloud].survived == 0")
        #expect(c.kind == "firm" && c.entity == "small-gpu-cloud" && c.metric == "survived" && c.comparison == .equal && c.value == 0)
        #expect(c.holds(0) && !c.holds(1) && c.description == "firm[small-gpu-cloud].survived == 0")
        let p = try ScenarioDiscovery.Condition.parse("market[h800].final_price_index<=20.5")
        #expect(p.comparison == .lessOrEqual && p.value == 20.5 && p.holds(20.5) && !p.holds(21))
        #expect(try ScenarioDiscovery.Condition.parse("template[crossover].entries >= 1").holds(2))
        for bad in ["firm[x].survived", "firm.survived == 0", "desk[x].survived == 0", "firm[x].survived == no", "firm[].survived == 0"] {
            #expect(throws: AnalysisError.self, "\(bad)") { try ScenarioDiscovery.Condition.parse(bad) }
        }
    }
}

@Suite("Robustness of lever combinations across worlds: regret and satisficing")
struct RobustnessTests {
    /// Two combinations, three worlds, two replications each; world outcomes (means) c0: 2, 4, 1 and c1: 3, 2, 2.
    static let values: [[[Double]]] = [[[1, 3], [4, 4], [0, 2]], [[3, 3], [2, 2], [2, 2]]]

    @Test func aHandComputedTableWhenMaximizing() {
        let stream = SeedPlan(masterSeed: 1).stream(replication: 0, kind: "bootstrap")
        let r = Robustness.summarize(values: Self.values, direction: .maximize, threshold: 2, resamples: 0, stream: stream)
        let eps = 1e-12
        // c0: mean 7/3; sorted 1, 2, 4: p10 = 1.2, p90 = 3.6 (GSL's interpolation), worst 1.
        #expect(abs(r[0].mean - 7.0 / 3) < eps && abs(r[0].p10 - 1.2) < eps && abs(r[0].p90 - 3.6) < eps && r[0].worst == 1)
        #expect(abs(r[1].mean - 7.0 / 3) < eps && abs(r[1].p10 - 2) < eps && abs(r[1].p90 - 2.8) < eps && r[1].worst == 2)
        // Best per world: 3 (c1), 4 (c0), 2 (c1); regrets c0: 1, 0, 1 and c1: 0, 2, 0.
        #expect(abs(r[0].regretMean - 2.0 / 3) < eps && abs(r[0].regretP90 - 1) < eps)
        #expect(abs(r[1].regretMean - 2.0 / 3) < eps && abs(r[1].regretP90 - 1.6) < eps)
        // Worlds with outcome ≥ 2: c0 two of three, c1 all; best in one and two worlds.
        #expect(abs(r[0].satisficing - 2.0 / 3) < eps && r[1].satisficing == 1)
        #expect(abs(r[0].bestShare - 1.0 / 3) < eps && abs(r[1].bestShare - 2.0 / 3) < eps)
        // Without resamples the interval is the estimate.
        #expect(r[0].regretMeanLow == r[0].regretMean && r[0].regretMeanHigh == r[0].regretMean)
    }

    @Test func aHandComputedTableWhenMinimizing() {
        let stream = SeedPlan(masterSeed: 1).stream(replication: 0, kind: "bootstrap")
        let r = Robustness.summarize(values: Self.values, direction: .minimize, threshold: 2, resamples: 0, stream: stream)
        let eps = 1e-12
        #expect(r[0].worst == 4 && r[1].worst == 3)
        // Best (lowest) per world: 2 (c0), 2 (c1), 1 (c0); regrets c0: 0, 2, 0 and c1: 1, 0, 1.
        #expect(abs(r[0].regretMean - 2.0 / 3) < eps && abs(r[1].regretMean - 2.0 / 3) < eps)
        // Worlds with outcome ≤ 2: c0 two of three (2, 1), c1 two (2, 2).
        #expect(abs(r[0].satisficing - 2.0 / 3) < eps && abs(r[1].satisficing - 2.0 / 3) < eps)
    }

    @Test func regretIntervalResamplesPairedReplications() {
        // Combination 1 is combination 0 plus 1 in every replication: paired, its regret is exactly 1 in every
        // resample (the pairing removes the noise), and combination 0's is 0.
        let stream = SeedPlan(masterSeed: 4).stream(replication: 0, kind: "bootstrap")
        let noise = (0..<5).map { w in (0..<8).map { Double(($0 * 7 + w * 3) % 5) } }
        let values = [noise.map { $0.map { $0 + 1 } }, noise]
        let r = Robustness.summarize(values: values, direction: .maximize, threshold: 0, resamples: 200, stream: stream)
        #expect(r[0].regretMean == 0 && r[0].regretMeanLow == 0 && r[0].regretMeanHigh == 0)
        #expect(abs(r[1].regretMean - 1) < 1e-12 && abs(r[1].regretMeanLow - 1) < 1e-12 && abs(r[1].regretMeanHigh - 1) < 1e-12)
        // Unpaired noise of the same size: the best of two noisy means is biased upward, and the interval shows it.
        let shuffled = [noise, noise.map { Array($0.reversed()) }]
        let s = Robustness.summarize(values: shuffled, direction: .maximize, threshold: 0, resamples: 200,
                                     stream: SeedPlan(masterSeed: 4).stream(replication: 0, kind: "bootstrap"))
        #expect(s.allSatisfy { $0.regretMeanLow <= $0.regretMeanHigh && $0.regretMeanLow >= 0 })
    }
}

@Suite("Point means and the noise they keep")
struct PointMeansTests {
    /// 4 points × 5 replications of y = μ_p + ρ_r (+ ε): the replication effect ρ, common to every point as
    /// under common random numbers, is no noise between points; only the interaction ε is.
    @Test func theReplicationEffectIsNotNoiseTheInteractionIs() throws {
        let mu: [Double] = [0, 1, 2, 4], rho: [Double] = [-3, 5, 0, 2, 9]
        let runs = (0..<4).flatMap { p in (0..<5).map { RunOutcomes.Run(point: p, replication: $0) } }
        func outcomes(_ epsilon: (Int, Int) -> Double) -> RunOutcomes {
            RunOutcomes(parameters: ["x"], pointValues: [0: [0], 1: [1], 2: [2], 3: [3]], runs: runs,
                        series: [RunOutcomes.Series(kind: "firm", entity: "a", metric: "survived",
                                                    values: runs.map { mu[$0.point] + rho[$0.replication] + epsilon($0.point, $0.replication) })])
        }
        let clean = outcomes { _, _ in 0 }.pointMeans(points: 4)[0]
        let cleanNoise = try #require(clean.noiseVariance)
        #expect(clean.replications == 5 && abs(cleanNoise) < 1e-12)
        let means = clean.means.compactMap { $0 }
        #expect(zip(means, mu).allSatisfy { abs($0 - $1 - 2.6) < 1e-12 })   // each μ_p plus the mean ρ, 2.6
        #expect(GlobalSensitivity.noiseShare(noiseVariance: clean.noiseVariance, replications: 5, means: means) == 0)
        // An interaction ε = ±0.5 by the parity of p + r: its residual mean square, with (P − 1)(R − 1) = 12
        // degrees of freedom, is positive, and the noise share with it.
        let noisy = outcomes { p, r in (p + r) % 2 == 0 ? 0.5 : -0.5 }.pointMeans(points: 4)[0]
        #expect(try #require(noisy.noiseVariance) > 0.2)
        #expect(try #require(GlobalSensitivity.noiseShare(noiseVariance: noisy.noiseVariance, replications: 5,
                                                          means: noisy.means.compactMap { $0 })) > 0)
    }
}
