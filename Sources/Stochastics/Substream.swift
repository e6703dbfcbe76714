import CGSL
import CXoshiro
import Foundation

/// A keyed substream drawn a few numbers at a time: seeded from a key hash, it gives exactly
/// the numbers ``RandomStream`` would after `reseed(seed)`, with the same GSL formulas.
///
/// The model reseeds a scratch stream for every (tenant, round, firm) of a choice round and for
/// every lease it signs, then draws one to three numbers. For the default generator,
/// `xoshiro256**`, this type runs the generator inline in Swift (four words of state on the
/// stack) instead of calling GSL through function pointers; for the classic generators it
/// reseeds the stream and calls GSL. Either way the values are those of the reference
/// (`SubstreamTests` compares them draw for draw).
public struct Substream {
    @usableFromInline var s0: UInt64 = 0, s1: UInt64 = 0, s2: UInt64 = 0, s3: UInt64 = 0
    /// Whether the generator runs inline (`xoshiro256**`); otherwise draws come from `stream`.
    @usableFromInline let inline: Bool
    /// The scratch stream, reseeded for generators other than `xoshiro256**`. Unowned: a
    /// substream lives inside one call of its owner, who holds the stream (and retaining it at
    /// every key cost more than the draws).
    @usableFromInline unowned(unsafe) let stream: RandomStream

    /// The substream of `seed`, drawn inline when `stream` is `xoshiro256**`, else from `stream`
    /// reseeded with `seed`.
    @inlinable
    public init(seed: UInt64, stream: RandomStream) {
        self.stream = stream
        inline = stream.generator == .xoshiro256ss
        if inline {
            // xoshiro_set: SplitMix64 expands the seed into the four state words.
            var x = seed
            x &+= 0x9e37_79b9_7f4a_7c15; s0 = suanli_splitmix64_mix(x)
            x &+= 0x9e37_79b9_7f4a_7c15; s1 = suanli_splitmix64_mix(x)
            x &+= 0x9e37_79b9_7f4a_7c15; s2 = suanli_splitmix64_mix(x)
            x &+= 0x9e37_79b9_7f4a_7c15; s3 = suanli_splitmix64_mix(x)
            if (s0 | s1 | s2 | s3) == 0 { s0 = 1 }
        } else {
            stream.reseed(seed)
        }
    }

    /// The first uniform draw of the substream of `seed` (what `Substream(seed:stream:).uniform()`
    /// returns), without making the substream: `xoshiro256**`'s first output depends on its second
    /// state word only, so one SplitMix64 step gives it. A choice round tests each firm's
    /// visibility with it and makes the full substream only for the firms that pass.
    @inlinable
    public static func firstUniform(seed: UInt64, stream: RandomStream) -> Double {
        guard stream.generator == .xoshiro256ss else {
            stream.reseed(seed)
            return stream.uniform()
        }
        // s1 of xoshiro_set (the all-zero guard changes s0 only).
        let s1 = suanli_splitmix64_mix(seed &+ 2 &* 0x9e37_79b9_7f4a_7c15)
        let word = ((s1 &* 5) << 7 | (s1 &* 5) >> 57) &* 9
        return Double(word >> 11) * 0x1.0p-53
    }

    /// The next 64-bit output of `xoshiro256**` (inline path only).
    @inlinable
    mutating func nextWord() -> UInt64 {
        let result = ((s1 &* 5) << 7 | (s1 &* 5) >> 57) &* 9
        let t = s1 << 17
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= t
        s3 = s3 << 45 | s3 >> 19
        return result
    }

    /// A uniform draw on [0, 1) (`gsl_rng_uniform`).
    @inlinable
    public mutating func uniform() -> Double {
        if !inline { return stream.uniform() }
        return Double(nextWord() >> 11) * 0x1.0p-53
    }

    /// A uniform draw on (0, 1) (`gsl_rng_uniform_pos`: draws again on 0).
    @inlinable
    public mutating func uniformPositive() -> Double {
        if !inline { return stream.uniformPositive() }
        var x: Double
        repeat { x = Double(nextWord() >> 11) * 0x1.0p-53 } while x == 0
        return x
    }

    /// A standard Gumbel draw (`gsl_ran_gumbel1(r, 1, 1)` = (ln 1 − ln(−ln U))/1).
    @inlinable
    public mutating func gumbel() -> Double {
        if !inline { return stream.gumbel() }
        let x = uniformPositive()
        return (Foundation.log(1.0) - Foundation.log(-Foundation.log(x))) / 1.0
    }

    /// An exponential draw with the given mean (`gsl_ran_exponential`: −μ·ln(1 − U)).
    @inlinable
    public mutating func exponential(mean: Double) -> Double {
        if !inline { return stream.exponential(mean: mean) }
        let u = uniform()
        return -mean * Foundation.log1p(-u)
    }
}
