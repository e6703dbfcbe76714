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
        var h = hasher(replication: replication, kind: kind)
        h.mix(entity)
        h.mix(second)
        return h.value
    }

    /// The seed for a key whose entity is a number (a tenant id), without formatting it.
    @inlinable
    public func seed(replication: Int, kind: String, index: UInt64, second: String = "") -> UInt64 {
        var h = hasher(replication: replication, kind: kind)
        h.mix(index: index)
        h.mix(second)
        return h.value
    }

    /// The hash state after (master seed, point, replication, kind): a model that derives
    /// many keys of one kind mixes the rest of each key into a copy of it, so the kind's
    /// string is hashed once per replication rather than once per key.
    /// `hasher(r, k)` then `.mix(index: i)` then `.mix(s)` equals `seed(replication: r, kind: k, index: i, second: s)`.
    @inlinable
    public func hasher(replication: Int, kind: String) -> KeyHasher {
        var h = KeyHasher(masterSeed)
        if let point {
            h.mix(index: UInt64(bitPattern: Int64(point)))
        } else {
            h.mixWord(KeyHasher.commonTag)
        }
        h.mix(index: UInt64(bitPattern: Int64(replication)))
        h.mix(kind)
        return h
    }

    /// A new stream for a key.
    public func stream(replication: Int, kind: String, entity: String = "", second: String = "") -> RandomStream {
        RandomStream(seed: seed(replication: replication, kind: kind, entity: entity, second: second),
                     generator: generator)
    }
}

/// SplitMix64-based incremental hash over the components of a key: strings and numbers.
///
/// Every word is added to the state with the golden-ratio increment and mixed with
/// SplitMix64's finaliser. So that two different keys never hash the same word sequence,
/// every component starts with a tag word that says what follows: a string is the word
/// `"STR" | byte count` and then its bytes in little-endian words; a number is the word
/// ``indexTag`` and then the number. A tag's top three bytes (`STR`, `IDX`, `CRN`) tell
/// the kinds apart and a string's tag carries its length, so the word sequence of a key
/// can be read back into its components: the encoding is injective (`("ab","c")` ≠
/// `("a","bc")`, and no number equals any string). Collisions are then only those of the
/// 64-bit hash itself. Callers add components only through ``mix(index:)`` and ``mix(_:)``.
@frozen
public struct KeyHasher: Sendable {
    public var value: UInt64

    @inlinable
    public init(_ seed: UInt64) { value = suanli_splitmix64_mix(seed &+ 0x9e37_79b9_7f4a_7c15) }

    /// The tag word before a number (`IDX`).
    public static let indexTag: UInt64 = 0x4944_5800_0000_0000
    /// The tag word of a seed plan under common random numbers (no sweep point; `CRN`).
    public static let commonTag: UInt64 = 0x4352_4e00_0000_0000
    /// The top bytes of a string's tag word (`STR`); its low 40 bits are the byte count.
    public static let stringTag: UInt64 = 0x5354_5200_0000_0000

    /// Mixes a number as a key component: its tag, then the number.
    @inlinable
    public mutating func mix(index i: UInt64) {
        mixWord(KeyHasher.indexTag)
        mixWord(i)
    }

    /// A uniform on [0, 1) for key `self` and entity `entity` (a hash of its own) in one mixing
    /// round: the SplitMix64 finaliser of `value + golden·(entity + 1)`, its top 53 bits. For a draw
    /// made for every entity of a large set at each event (one per firm of a tenant's round),
    /// where a keyed substream costs three rounds. Distinct entities of one key give distinct
    /// inputs, so their uniforms are as independent as SplitMix64's outputs.
    @inlinable
    public func uniform(entity: UInt64) -> Double {
        let word = suanli_splitmix64_mix(value &+ 0x9e37_79b9_7f4a_7c15 &* (entity &+ 1))
        return Double(word >> 11) * 0x1.0p-53
    }

    /// Mixes one raw word: a tag, or a payload word after its tag. Not public, so that every
    /// component a caller adds is tagged.
    @inlinable
    mutating func mixWord(_ word: UInt64) {
        value = suanli_splitmix64_mix(value &+ 0x9e37_79b9_7f4a_7c15 &+ word)
    }

    @inlinable
    public mutating func mix(_ s: String) {
        KeyHasher.forEachWord(of: s) { mixWord($0) }
    }

    /// Mixes a string as ``mix(_:)-(String)`` does, from its words worked out once.
    @inlinable
    public mutating func mix(_ key: StringKey) {
        for w in key.words { mixWord(w) }
    }

    /// The words a string is mixed as: its tag word (``stringTag`` with the byte count), then its
    /// UTF-8 bytes eight to a word, little-endian, the last word padded with zeros.
    @inlinable
    static func forEachWord(of s: String, _ body: (UInt64) -> Void) {
        var s = s
        s.withUTF8 { bytes in
            precondition(bytes.count < 1 << 40, "a key string of a terabyte")
            body(UInt64(bytes.count) | KeyHasher.stringTag)
            var i = 0
            while i < bytes.count {
                var word: UInt64 = 0
                var k = 0
                while k < 8 && i + k < bytes.count {
                    word |= UInt64(bytes[i + k]) << (8 * UInt64(k))
                    k += 1
                }
                body(word)
                i += 8
            }
        }
    }

    /// A key string's words, for a string mixed in a hot loop (the outside option of every choice
    /// round): mixing it gives what mixing the string gives.
    public struct StringKey: Sendable {
        @usableFromInline let words: [UInt64]

        public init(_ s: String) {
            var words: [UInt64] = []
            KeyHasher.forEachWord(of: s) { words.append($0) }
            self.words = words
        }
    }
}
