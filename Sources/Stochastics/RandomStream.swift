import CGSL

/// One stream of random numbers: owns a single `gsl_rng`, freed in `deinit`.
///
/// A stream is deliberately not `Sendable`: each replication creates its own streams
/// from its ``SeedPlan`` and never shares them between threads.
public final class RandomStream {
    /// The raw GSL generator, for calling `gsl_ran_*` functions directly.
    public let rng: UnsafeMutablePointer<gsl_rng>
    /// The generator algorithm.
    public let generator: Generator

    /// Creates a stream seeded with `seed`.
    /// - Parameters:
    ///   - seed: the seed; all 64 bits are used by `xoshiro256**`, only the low 32 by the
    ///     classic GSL generators (see ``Generator``).
    ///   - generator: the algorithm.
    /// - Complexity: one allocation of the generator state (32 bytes for `xoshiro256**`).
    public init(seed: UInt64, generator: Generator = .default) {
        disableGSLAbort()
        guard let r = gsl_rng_alloc(generator.gslType) else {
            fatalError("gsl_rng_alloc failed: out of memory")
        }
        rng = r
        self.generator = generator
        gsl_rng_set(r, UInt(truncatingIfNeeded: seed))
    }

    deinit { gsl_rng_free(rng) }

    /// Re-seeds the stream in place, as if newly created with `seed`.
    ///
    /// Lets a model reuse one stream for many keyed substreams without allocating.
    /// - Complexity: O(1) for `xoshiro256**`; O(state) for the others.
    @inlinable
    public func reseed(_ seed: UInt64) {
        gsl_rng_set(rng, UInt(truncatingIfNeeded: seed))
    }

    /// The next raw output of the generator (64 bits for `xoshiro256**`, 32 for the others).
    @inlinable
    public func next() -> UInt64 { UInt64(gsl_rng_get(rng)) }

    /// A uniform draw on [0, 1).
    @inlinable
    public func uniform() -> Double { gsl_rng_uniform(rng) }

    /// A uniform draw on (0, 1).
    @inlinable
    public func uniformPositive() -> Double { gsl_rng_uniform_pos(rng) }

    /// An exponential draw with the given mean (GSL takes the mean, not the rate).
    @inlinable
    public func exponential(mean: Double) -> Double { gsl_ran_exponential(rng, mean) }

    /// A standard Gumbel (type-1 extreme value, location 0, scale 1) draw: −ln(−ln U).
    @inlinable
    public func gumbel() -> Double { gsl_ran_gumbel1(rng, 1, 1) }

    /// A Bernoulli trial with success probability `p` (clamped to [0, 1]).
    @inlinable
    public func bernoulli(_ p: Double) -> Bool { uniform() < p }

    /// A uniform integer in 0..<n, by GSL's unbiased rejection method.
    /// - Precondition: 1 ≤ n ≤ the generator's range (2^64 − 1 for `xoshiro256**`,
    ///   2^32 − 1 for the classic generators).
    @inlinable
    public func uniformInt(_ n: Int) -> Int {
        precondition(n >= 1, "uniformInt: n must be ≥ 1")
        // GSL reports n beyond the range through its (disabled) error handler and returns 0.
        let type = rng.pointee.type.pointee
        precondition(UInt(n) <= type.max - type.min,
                     "uniformInt: n exceeds the range of \(generator)")
        return Int(gsl_rng_uniform_int(rng, UInt(n)))
    }

    /// A Poisson draw with the given mean.
    @inlinable
    public func poisson(mean: Double) -> Int { Int(gsl_ran_poisson(rng, mean)) }
}
