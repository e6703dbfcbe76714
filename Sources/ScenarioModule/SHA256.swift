import Crypto

/// SHA-256 digests for the content hashes of scenarios and sweep files (``ScenarioDocument/contentHash``),
/// from swift-crypto; not for secrets.
enum SHA256 {
    /// The digest of `bytes` as 64 lowercase hex digits.
    static func hex(_ bytes: some Sequence<UInt8>) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(64)
        for byte in Crypto.SHA256.hash(data: Array(bytes)) {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}
