import Foundation
import Testing
@testable import Stochastics

@Suite("Keyed substreams")
struct SubstreamTests {
    /// The inline generator must give the reference's numbers bit for bit: every model output
    /// depends on it. Seeds from SplitMix64 (spread over all 64 bits) plus the edge words.
    @Test("a substream draws exactly what the GSL stream reseeded with its key draws", arguments: Generator.allCases)
    func matchesTheReference(_ g: Generator) {
        let reference = RandomStream(seed: 0, generator: g)
        let scratch = RandomStream(seed: 0, generator: g)
        var keys = SplitMix64(seed: 0x5B5_0001)
        var seeds: [UInt64] = [0, 1, UInt64.max, 0x9e37_79b9_7f4a_7c15]
        for _ in 0..<5_000 { seeds.append(keys.next()) }
        var mismatches = 0
        for (k, seed) in seeds.enumerated() {
            var sub = Substream(seed: seed, stream: scratch)
            reference.reseed(seed)
            // Each pattern the model uses, and a longer run of mixed draws.
            switch k % 4 {
            case 0:
                if sub.uniform().bitPattern != reference.uniform().bitPattern { mismatches += 1 }
                if sub.gumbel().bitPattern != reference.gumbel().bitPattern { mismatches += 1 }
            case 1:
                if sub.exponential(mean: 1).bitPattern != reference.exponential(mean: 1).bitPattern { mismatches += 1 }
                if sub.exponential(mean: 2.5).bitPattern != reference.exponential(mean: 2.5).bitPattern { mismatches += 1 }
            case 2:
                if sub.uniformPositive().bitPattern != reference.uniformPositive().bitPattern { mismatches += 1 }
            default:
                for _ in 0..<20 {
                    if sub.uniform().bitPattern != reference.uniform().bitPattern { mismatches += 1 }
                    if sub.gumbel().bitPattern != reference.gumbel().bitPattern { mismatches += 1 }
                }
            }
        }
        #expect(mismatches == 0)
    }

    /// The choice round tests visibility with `firstUniform` and makes the substream only for the
    /// firms that pass: the shortcut must be the substream's first draw, bit for bit.
    @Test("firstUniform is the substream's first uniform draw", arguments: Generator.allCases)
    func firstUniformIsTheFirstDraw(_ g: Generator) {
        let scratch = RandomStream(seed: 0, generator: g)
        var keys = SplitMix64(seed: 0x5B5_0002)
        var seeds: [UInt64] = [0, 1, UInt64.max, 0x9e37_79b9_7f4a_7c15, 0 &- 2 &* 0x9e37_79b9_7f4a_7c15]
        for _ in 0..<5_000 { seeds.append(keys.next()) }
        var mismatches = 0
        for seed in seeds {
            var sub = Substream(seed: seed, stream: scratch)
            let expected = sub.uniform()
            if Substream.firstUniform(seed: seed, stream: scratch).bitPattern != expected.bitPattern { mismatches += 1 }
        }
        #expect(mismatches == 0)
    }

    @Test("the inline path is taken for xoshiro256** and the stream is used otherwise", arguments: Generator.allCases)
    func choosesItsPath(_ g: Generator) {
        let scratch = RandomStream(seed: 0, generator: g)
        let sub = Substream(seed: 42, stream: scratch)
        #expect(sub.inline == (g == .xoshiro256ss))
    }
}
