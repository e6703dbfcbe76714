import CGSL

/// The Sobol low-discrepancy sequence in [0, 1)^d (GSL `gsl_qrng_sobol`, Antonov–Saleev
/// Gray-code order, Bratley & Fox 1988 direction numbers): deterministic, at most
/// ``maxDimensions`` dimensions.
public enum SobolSequence {
    /// The most dimensions GSL's generator supports.
    public static let maxDimensions = 40

    /// The first `count` points after skipping `skip`, each `dimensions` long. GSL's sequence
    /// leaves out the origin: its first point is (½, …, ½).
    /// - Precondition: 1 ≤ `dimensions` ≤ ``maxDimensions``.
    public static func points(_ count: Int, dimensions: Int, skip: Int = 0) -> [[Double]] {
        precondition((1...maxDimensions).contains(dimensions), "Sobol sequence of \(dimensions) dimensions; GSL supports 1 to \(maxDimensions)")
        guard let q = gsl_qrng_alloc(suanli_qrng_sobol(), UInt32(dimensions)) else {
            fatalError("gsl_qrng_alloc failed for \(dimensions) dimensions")
        }
        defer { gsl_qrng_free(q) }
        var x = [Double](repeating: 0, count: dimensions)
        for _ in 0..<skip { _ = gsl_qrng_get(q, &x) }
        var out: [[Double]] = []
        out.reserveCapacity(count)
        for _ in 0..<count {
            _ = gsl_qrng_get(q, &x)
            out.append(x)
        }
        return out
    }
}
