/// SplitMix64 (Steele, Lea & Flood 2014) as a `RandomNumberGenerator`: a tiny, fast, seeded
/// generator for randomness that is not the model's — test inputs, fuzzing, shuffles, benchmark
/// keys. The model's streams come from ``RandomStream`` and the ``SeedPlan``.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    public var state: UInt64

    /// Starts at `seed`; the same seed gives the same sequence on every platform.
    @inlinable
    public init(seed: UInt64) { state = seed }

    @inlinable
    public mutating func next() -> UInt64 {
        state &+= 0x9e37_79b9_7f4a_7c15
        var z = state
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }

    /// A uniform draw on [0, 1) from the top 53 bits of the next word.
    @inlinable
    public mutating func nextUnit() -> Double { Double(next() >> 11) * 0x1.0p-53 }
}
