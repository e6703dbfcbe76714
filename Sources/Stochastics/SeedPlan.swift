import CXoshiro

/// Derives the seed of every random stream from a key, so that streams never shift
/// when others are added, removed or used differently.
///
/// A stream is keyed by (master seed, replication, stream kind, entity[, second entity])
/// — e.g. `(42, 7, "arrivals", "llm-training")` or `(42, 7, "choice", "1031", "owner-a")`.
/// The key is hashed with SplitMix64 over its UTF-8 bytes (a fixed function, never Swift's
/// per-process randomised `Hasher`), so the same key gives the same stream in every process
/// on every machine. The sweep point enters the key only when a sweep turns common random
/// numbers off (``point``), so by default a base and a variant see the same tenants and noise.
public struct SeedPlan: Sendable, Hashable {
    /// The user's master seed.
    public let masterSeed: UInt64
    /// The sweep point mixed into every key, or `nil` under common random numbers.
    public let point: Int?
    /// The generator used for streams made by ``stream(replication:kind:entity:second:)``.
    public let generator: Generator

    public init(masterSeed: UInt64, point: Int? = nil, generator: Generator = .default) {
        self.masterSeed = masterSeed
        self.point = point
        self.generator = generator
    }

    /// The 64-bit seed for a key.
    /// - Complexity: O(total UTF-8 length of the key).
    @inlinable
    public func seed(replication: Int, kind: String, entity: String = "", second: String = "") -> UInt64 {
        var h = KeyHasher(masterSeed)
        if let point { h.mix(0x5057_4545_5050_4f49 ^ UInt64(bitPattern: Int64(point))) }
        h.mix(UInt64(bitPattern: Int64(replication)))
        h.mix(kind)
        h.mix(entity)
        h.mix(second)
        return h.value
    }

    /// The seed for a key whose entity is a number (a tenant id), without formatting it.
    @inlinable
    public func seed(replication: Int, kind: String, index: UInt64, second: String = "") -> UInt64 {
        var h = hasher(replication: replication, kind: kind)
        h.mix(UInt64(0x1D) &+ index)   // tagged so that index n never equals a string key
        h.mix(second)
        return h.value
    }

    /// The hash state after (master seed, point, replication, kind): a model that derives
    /// many keys of one kind mixes the rest of each key into a copy of it, so the kind's
    /// string is hashed once per replication rather than once per key.
    /// `hasher(r, k)` then `.mix(0x1D + i)` then `.mix(s)` equals `seed(replication: r, kind: k, index: i, second: s)`.
    @inlinable
    public func hasher(replication: Int, kind: String) -> KeyHasher {
        var h = KeyHasher(masterSeed)
        if let point { h.mix(0x5057_4545_5050_4f49 ^ UInt64(bitPattern: Int64(point))) }
        h.mix(UInt64(bitPattern: Int64(replication)))
        h.mix(kind)
        return h
    }

    /// A new stream for a key.
    public func stream(replication: Int, kind: String, entity: String = "", second: String = "") -> RandomStream {
        RandomStream(seed: seed(replication: replication, kind: kind, entity: entity, second: second),
                     generator: generator)
    }
}

/// SplitMix64-based incremental hash over 64-bit words and UTF-8 strings.
///
/// Every word is added to the state with the golden-ratio increment and mixed with
/// SplitMix64's finaliser; strings are length-prefixed so `("ab","c")` ≠ `("a","bc")`.
@frozen
public struct KeyHasher: Sendable {
    public var value: UInt64

    @inlinable
    public init(_ seed: UInt64) { value = suanli_splitmix64_mix(seed &+ 0x9e37_79b9_7f4a_7c15) }

    @inlinable
    public mutating func mix(_ word: UInt64) {
        value = suanli_splitmix64_mix(value &+ 0x9e37_79b9_7f4a_7c15 &+ word)
    }

    @inlinable
    public mutating func mix(_ s: String) {
        var s = s
        s.withUTF8 { bytes in
            mix(UInt64(bytes.count) | 0x5354_5200_0000_0000)
            var i = 0
            while i < bytes.count {
                var word: UInt64 = 0
                var k = 0
                while k < 8 && i + k < bytes.count {
                    word |= UInt64(bytes[i + k]) << (8 * UInt64(k))
                    k += 1
                }
                mix(word)
                i += 8
            }
        }
    }
}
