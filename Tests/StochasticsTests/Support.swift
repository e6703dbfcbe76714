import CGSL
import Foundation
@testable import Stochastics

// Shared helpers for the Stochastics tests: confidence levels, moment formulas computed
// independently of the library, and reference generators.

/// Confidence levels used by every statistical assertion.
///
/// Each check asserts at 99.9% (two-sided z = 3.29). The 95% figure (z = 1.96) is reported
/// next to it: its tolerance is 1.96 / 3.29 = 0.596 of the asserted one. Seeds are fixed up
/// front (one per case, in the case tables), never tuned; with the seeds fixed the outcome
/// of every test is deterministic.
enum Confidence {
    static let assertZ = 3.29     // 99.9 %
    static let reportZ = 1.96     // 95 %
    static let alpha = 0.001      // KS and chi-square level
}

/// Prints diagnostic lines when `STOCHASTICS_VERBOSE` is set (used to write up tolerances).
func verbose(_ line: @autoclosure () -> String) {
    if ProcessInfo.processInfo.environment["STOCHASTICS_VERBOSE"] != nil { print(line()) }
}

/// A number with `digits` significant digits, for messages.
func g(_ x: Double, _ digits: Int = 6) -> String { String(format: "%.\(digits)g", x) }

/// Draws `n` values.
func draw(_ d: Distribution, n: Int, seed: UInt64, generator: Generator = .default) -> [Double] {
    let s = RandomStream(seed: seed, generator: generator)
    var xs = [Double]()
    xs.reserveCapacity(n)
    for _ in 0..<n { xs.append(d.sample(s)) }
    return xs
}

/// Mean and (n − 1) variance by a plain two-pass computation, independent of `Tally`.
func twoPass(_ xs: [Double]) -> (mean: Double, variance: Double) {
    let n = Double(xs.count)
    var sum = 0.0
    for x in xs { sum += x }
    let mean = sum / n
    var ss = 0.0, comp = 0.0
    for x in xs {
        ss += (x - mean) * (x - mean)
        comp += x - mean
    }
    // Corrected two-pass (Chan, Golub & LeVeque): removes the rounding error of `mean`.
    return (mean, (ss - comp * comp / n) / (n - 1))
}

// MARK: - Moments, computed independently of Distribution+Moments.swift

/// Central fourth moment from the raw moments E[X], E[X²], E[X³], E[X⁴].
func centralFourth(_ m1: Double, _ m2: Double, _ m3: Double, _ m4: Double) -> Double {
    m4 - 4 * m1 * m3 + 6 * m1 * m1 * m2 - 3 * m1 * m1 * m1 * m1
}

/// Mean, variance and central fourth moment of a probability mass function on 0, 1, 2, …
/// summed past twice the mean until the terms fall below 1e-20.
func pmfMoments(_ pmf: (UInt32) -> Double, mean guess: Double) -> (mean: Double, variance: Double, mu4: Double) {
    var ps = [Double]()
    var total = 0.0
    var k: UInt32 = 0
    var p = 1.0
    while Double(k) < 2 * guess + 10 || p > 1e-20 {
        p = pmf(k)
        ps.append(p)
        total += p
        k += 1
    }
    var m = 0.0
    for (i, p) in ps.enumerated() { m += Double(i) * p }
    m /= total
    var v = 0.0, q = 0.0
    for (i, p) in ps.enumerated() {
        let d = Double(i) - m
        v += d * d * p
        q += d * d * d * d * p
    }
    return (m, v / total, q / total)
}

/// Composite Simpson's rule on [a, b] with `intervals` (even) sub-intervals.
func simpson(_ a: Double, _ b: Double, intervals: Int = 4000, _ f: (Double) -> Double) -> Double {
    let h = (b - a) / Double(intervals)
    var s = f(a) + f(b)
    for i in 1..<intervals { s += (i % 2 == 1 ? 4 : 2) * f(a + Double(i) * h) }
    return s * h / 3
}

/// Mean, variance and central fourth moment of the normal truncated to [lo, hi], by
/// quadrature of the density (no use of the library's closed forms).
func truncatedNormalMoments(mean m: Double, sd s: Double, min lo: Double, max hi: Double)
    -> (mean: Double, variance: Double, mu4: Double) {
    // Unnormalised density relative to its value at the point of the interval nearest the
    // mean, so that far-tail intervals do not underflow.
    let anchor = Swift.min(Swift.max(m, lo), hi)
    let za = (anchor - m) / s
    let f: (Double) -> Double = { x in
        let z = (x - m) / s
        return exp(-(z * z - za * za) / 2)
    }
    let mass = simpson(lo, hi, f)
    let mu = simpson(lo, hi) { $0 * f($0) } / mass
    let v = simpson(lo, hi) { ($0 - mu) * ($0 - mu) * f($0) } / mass
    let q = simpson(lo, hi) { pow($0 - mu, 4) * f($0) } / mass
    return (mu, v, q)
}

/// The theoretical central fourth moment μ4 of a distribution, from formulas written out
/// here (not taken from the library), or by quadrature / pmf summation.
func fourthCentralMoment(_ d: Distribution) -> Double {
    switch d {
    case .constant: return 0
    case .uniform(let a, let b): return pow(b - a, 4) / 80
    case .exponential(let m): return 9 * pow(m, 4)
    case .gamma(let k, let t): return 3 * k * (k + 2) * pow(t, 4)       // σ⁴ (3 + 6/k)
    case .lognormal(let mu, let s):
        let raw = (1...4).map { r -> Double in let r = Double(r); return exp(r * mu + r * r * s * s / 2) }
        return centralFourth(raw[0], raw[1], raw[2], raw[3])
    case .normal(_, let s): return 3 * pow(s, 4)
    case .truncatedNormal(let m, let s, let lo, let hi):
        return truncatedNormalMoments(mean: m, sd: s, min: lo, max: hi).mu4
    case .weibull(let l, let k):
        let raw = (1...4).map { r in pow(l, Double(r)) * tgamma(1 + Double(r) / k) }
        return centralFourth(raw[0], raw[1], raw[2], raw[3])
    case .pareto(let a, let xm):
        precondition(a > 4, "no finite fourth moment")
        let raw = (1...4).map { r in a * pow(xm, Double(r)) / (a - Double(r)) }
        return centralFourth(raw[0], raw[1], raw[2], raw[3])
    case .beta(let a, let b):
        var raw = [Double](), p = 1.0
        for i in 0..<4 {
            p *= (a + Double(i)) / (a + b + Double(i))
            raw.append(p)
        }
        return centralFourth(raw[0], raw[1], raw[2], raw[3])
    case .poisson(let m):
        return pmfMoments({ gsl_ran_poisson_pdf($0, m) }, mean: m).mu4
    case .binomial(let n, let p):
        return pmfMoments({ $0 > UInt32(n) ? 0 : gsl_ran_binomial_pdf($0, p, UInt32(n)) }, mean: Double(n) * p).mu4
    case .negativeBinomial(let n, let p):
        return pmfMoments({ gsl_ran_negative_binomial_pdf($0, p, n) }, mean: n * (1 - p) / p).mu4
    case .discrete(let t):
        let w = t.weights.reduce(0, +)
        let mu = zip(t.values, t.weights).reduce(0) { $0 + $1.0 * $1.1 } / w
        return zip(t.values, t.weights).reduce(0) { $0 + pow($1.0 - mu, 4) * $1.1 } / w
    case .empirical(let x, let c):
        // A mixture of uniforms on [x[i-1], x[i]] with weights c[i] − c[i-1].
        var mu = 0.0
        for i in 1..<x.count { mu += (c[i] - c[i - 1]) * (x[i] + x[i - 1]) / 2 }
        var q = 0.0
        for i in 1..<x.count where c[i] > c[i - 1] {
            let a = x[i - 1] - mu, b = x[i] - mu
            q += (c[i] - c[i - 1]) * (pow(b, 5) - pow(a, 5)) / (5 * (b - a))
        }
        return q
    }
}

// MARK: - Reference generators, written from the published algorithms

/// SplitMix64 (Steele, Lea & Flood 2014), as published by Vigna (splitmix64.c).
struct SplitMix64Reference {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9e37_79b9_7f4a_7c15
        var z = state
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }
}

/// xoshiro256** 1.0 (Blackman & Vigna), transcribed from xoshiro256starstar.c.
struct Xoshiro256StarStarReference {
    var s: (UInt64, UInt64, UInt64, UInt64)

    init(state: (UInt64, UInt64, UInt64, UInt64)) { s = state }

    /// Seeded as Vigna recommends: the state is four consecutive SplitMix64 outputs.
    init(seed: UInt64) {
        var sm = SplitMix64Reference(state: seed)
        s = (sm.next(), sm.next(), sm.next(), sm.next())
    }

    private static func rotl(_ x: UInt64, _ k: UInt64) -> UInt64 { (x << k) | (x >> (64 - k)) }

    mutating func next() -> UInt64 {
        let result = Self.rotl(s.1 &* 5, 7) &* 9
        let t = s.1 << 17
        s.2 ^= s.0
        s.3 ^= s.1
        s.1 ^= s.2
        s.0 ^= s.3
        s.2 ^= t
        s.3 = Self.rotl(s.3, 45)
        return result
    }
}

/// The key hash documented in SeedPlan.swift, re-implemented from its description:
/// SplitMix64's finaliser over 64-bit words (golden-ratio increment), strings as a tagged
/// length word followed by their UTF-8 bytes packed little-endian into 8-byte words.
struct KeyHashReference {
    var value: UInt64
    static func mix64(_ z0: UInt64) -> UInt64 {
        var z = z0
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }
    init(_ seed: UInt64) { value = Self.mix64(seed &+ 0x9e37_79b9_7f4a_7c15) }
    mutating func word(_ w: UInt64) { value = Self.mix64(value &+ 0x9e37_79b9_7f4a_7c15 &+ w) }
    /// A number component: the `IDX` tag word, then the number.
    mutating func index(_ i: UInt64) {
        word(0x4944_5800_0000_0000)
        word(i)
    }
    /// The plan's prefix: the `CRN` tag (or the point as a number), then the replication as a number.
    mutating func plan(point: Int?, replication: Int) {
        if let point { index(UInt64(bitPattern: Int64(point))) } else { word(0x4352_4e00_0000_0000) }
        index(UInt64(bitPattern: Int64(replication)))
    }
    mutating func string(_ s: String) {
        let bytes = Array(s.utf8)
        word(UInt64(bytes.count) | 0x5354_5200_0000_0000)
        for chunk in stride(from: 0, to: bytes.count, by: 8) {
            var w: UInt64 = 0
            for (k, b) in bytes[chunk..<Swift.min(chunk + 8, bytes.count)].enumerated() {
                w |= UInt64(b) << (8 * UInt64(k))
            }
            word(w)
        }
    }
}
