import CGSL
import Foundation

/// A zero-mean multivariate normal distribution given by its covariance: the perturbation kernel
/// of ABC-SMC. The Cholesky factor comes from GSL (`gsl_linalg_cholesky_decomp1`); draws are
/// `L·z` with `z` standard normal from `gsl_ran_gaussian_ziggurat`, and the density is evaluated
/// by forward substitution with the same factor.
public struct MultivariateNormal: Sendable, Equatable {
    /// Dimension.
    public let dimension: Int
    /// The lower-triangular Cholesky factor `L` (row-major, `dimension²`), with `L·Lᵀ` the covariance.
    public let cholesky: [Double]
    /// log of the density's normalising constant: −(d/2)·log 2π − Σ log Lᵢᵢ.
    private let logNormaliser: Double

    /// The distribution with covariance `covariance` (row-major, `dimension²`, symmetric).
    ///
    /// A covariance that is not positive definite (a parameter that did not vary, or two that moved
    /// together exactly) is replaced by its diagonal, each variance at least `floor`: the kernel
    /// must still move every coordinate.
    public init(covariance: [Double], dimension d: Int, floor: [Double]) {
        precondition(d >= 1 && covariance.count == d * d && floor.count == d)
        var a = covariance
        var ok = a.allSatisfy(\.isFinite)
        if ok {
            ok = a.withUnsafeMutableBufferPointer { buf -> Bool in
                var view = gsl_matrix_view_array(buf.baseAddress, d, d)
                return gsl_linalg_cholesky_decomp1(&view.matrix) == GSL_SUCCESS
            }
        }
        if ok {
            // GSL leaves Lᵀ in the upper triangle; keep L only.
            for i in 0..<d { for j in (i + 1)..<d { a[i * d + j] = 0 } }
            ok = (0..<d).allSatisfy { a[$0 * d + $0] > 0 && a[$0 * d + $0].isFinite }
        }
        if !ok {
            a = Array(repeating: 0, count: d * d)
            for i in 0..<d {
                let v = covariance[i * d + i]
                a[i * d + i] = (v.isFinite ? max(v, floor[i]) : floor[i]).squareRoot()
            }
        }
        dimension = d
        cholesky = a
        var s = 0.0
        for i in 0..<d { s += log(a[i * d + i]) }
        logNormaliser = -0.5 * Double(d) * log(2 * Double.pi) - s
    }

    /// `mean + L·z`, `z` drawn from `stream`.
    public func sample(mean: [Double], _ stream: RandomStream) -> [Double] {
        let d = dimension
        var z = [Double](repeating: 0, count: d)
        for i in 0..<d { z[i] = gsl_ran_gaussian_ziggurat(stream.rng, 1) }
        var x = mean
        for i in 0..<d {
            var s = 0.0
            for j in 0...i { s += cholesky[i * d + j] * z[j] }
            x[i] += s
        }
        return x
    }

    /// The log density of `x − mean`.
    public func logDensity(_ x: [Double], mean: [Double]) -> Double {
        let d = dimension
        // Solve L·y = x − mean; the exponent is −|y|²/2.
        var y = [Double](repeating: 0, count: d)
        var q = 0.0
        for i in 0..<d {
            var s = x[i] - mean[i]
            for j in 0..<i { s -= cholesky[i * d + j] * y[j] }
            y[i] = s / cholesky[i * d + i]
            q += y[i] * y[i]
        }
        return logNormaliser - 0.5 * q
    }
}
