import Foundation
#if canImport(Glibc)
import Glibc
private let posixWrite = Glibc.write
#elseif canImport(Darwin)
import Darwin
private let posixWrite = Darwin.write
#endif

/// Writes CSV rows (UTF-8, `\n` line ends, RFC 4180 quoting) to a file or to memory.
///
/// Buffered: bytes go to the file in blocks of ``blockSize``; call ``close()`` to flush.
/// Not thread-safe: one writer belongs to one thread at a time (the pipeline's writer).
public final class CSVWriter {
    /// Where the bytes go.
    public enum Destination {
        /// A new file at this path (an existing file is truncated).
        case file(String)
        /// Kept in ``bytes`` (for tests and small in-process runs).
        case memory
    }

    public static let blockSize = 1 << 20

    private var buffer: [UInt8] = []
    private let handle: FileHandle?
    private let name: String
    private var closed = false
    /// All bytes written, when the destination is `.memory`.
    public private(set) var bytes: [UInt8] = []
    /// Rows written so far, header included.
    public private(set) var rowCount = 0

    /// - Throws: when the file cannot be created.
    public init(_ destination: Destination) throws {
        switch destination {
        case .memory:
            handle = nil
            name = "memory"
        case .file(let path):
            name = path
            guard FileManager.default.createFile(atPath: path, contents: nil) else {
                throw OutputError(message: "cannot create \(path)")
            }
            guard let h = FileHandle(forWritingAtPath: path) else { throw OutputError(message: "cannot open \(path)") }
            handle = h
        }
        buffer.reserveCapacity(Self.blockSize + 4096)
    }

    /// The memory destination's bytes as text.
    public var text: String { String(decoding: bytes, as: UTF8.self) }

    /// Appends one row.
    /// - Complexity: O(total length of the fields).
    public func writeRow(_ values: [CSVValue]) throws {
        try writeRow { row in
            for (i, v) in values.enumerated() {
                if i > 0 { row.append(UInt8(ascii: ",")) }
                Self.append(v, to: &row)
            }
        }
    }

    /// Appends one row built by `body`, which appends the fields' bytes (use
    /// ``append(_:to:)`` and a comma between fields); the line end is added here.
    ///
    /// The row is built in a local buffer, so the per-field work does no access checks on
    /// the writer's state.
    public func writeRow(_ body: (inout [UInt8]) -> Void) throws {
        var row: [UInt8] = []
        swap(&row, &buffer)
        body(&row)
        row.append(10)
        swap(&row, &buffer)
        rowCount += 1
        if buffer.count >= Self.blockSize { try flush() }
    }

    /// Appends the formatted bytes of `value` (see ``CSVValue``) to `bytes`.
    @inlinable
    public static func append(_ value: CSVValue, to bytes: inout [UInt8]) {
        switch value {
        case .int(let i): appendInt(i, to: &bytes)
        case .double(let x): appendDouble(x, to: &bytes)
        case .text(let s): appendText(s, to: &bytes)
        case .empty: break
        }
    }

    /// Appends the decimal digits of `i`, written back to front into a 24-byte scratch and
    /// copied in one append (one uniqueness check, not one a digit).
    @usableFromInline
    static func appendInt(_ i: Int, to bytes: inout [UInt8]) {
        var m = i.magnitude
        if m < 10 {
            if i < 0 { bytes.append(UInt8(ascii: "-")) }
            bytes.append(UInt8(ascii: "0") + UInt8(m))
            return
        }
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)   // 24 bytes: a sign and 20 digits fit
        withUnsafeMutableBytes(of: &digits) { d in
            var n = d.count
            while m > 0 {
                n -= 1
                d[n] = UInt8(ascii: "0") + UInt8(truncatingIfNeeded: m % 10)
                m /= 10
            }
            if i < 0 { n -= 1; d[n] = UInt8(ascii: "-") }
            bytes.append(contentsOf: UnsafeRawBufferPointer(rebasing: d[n...]))
        }
    }

    /// Appends Swift's shortest round-trip form of `x` without making a `String` of it:
    /// `Double.write(to:)` hands its digits to the stream's `_writeASCII` (``ASCIIBytes``).
    @usableFromInline
    static func appendDouble(_ x: Double, to bytes: inout [UInt8]) {
        guard x.isFinite else { return }
        if x == 0 { bytes.append(UInt8(ascii: "0")); return }
        let start = bytes.count
        var sink = ASCIIBytes()
        swap(&sink.bytes, &bytes)   // the sink holds the only reference: no copy on append
        x.write(to: &sink)
        swap(&sink.bytes, &bytes)
        let n = bytes.count
        if n - start >= 2, bytes[n - 1] == UInt8(ascii: "0"), bytes[n - 2] == UInt8(ascii: ".") {
            bytes.removeLast(2)
        }
    }

    /// The bytes of `s` (in one copy when its UTF-8 is contiguous, as a native string's is),
    /// quoted per RFC 4180 when it holds a comma, a double quote, CR or LF.
    @usableFromInline
    static func appendText(_ s: String, to bytes: inout [UInt8]) {
        func special(_ b: UInt8) -> Bool {
            b == UInt8(ascii: ",") || b == UInt8(ascii: "\"") || b == 10 || b == 13
        }
        let copied: Bool? = s.utf8.withContiguousStorageIfAvailable { utf8 in
            guard !utf8.contains(where: special) else { return false }
            bytes.append(contentsOf: utf8)
            return true
        }
        if copied == true { return }
        guard s.utf8.contains(where: special) else { bytes.append(contentsOf: s.utf8); return }
        bytes.append(UInt8(ascii: "\""))
        for b in s.utf8 {
            bytes.append(b)
            if b == UInt8(ascii: "\"") { bytes.append(b) }
        }
        bytes.append(UInt8(ascii: "\""))
    }

    /// Appends rows already formatted elsewhere (by another writer with the same schema):
    /// `rows` complete lines, each ending in `\n`.
    public func appendFormatted(_ formatted: [UInt8], rows: Int) throws {
        buffer.append(contentsOf: formatted)
        rowCount += rows
        if buffer.count >= Self.blockSize { try flush() }
    }

    /// Writes buffered bytes out.
    public func flush() throws {
        guard !buffer.isEmpty else { return }
        if let handle {
            let fd = handle.fileDescriptor
            let failure: Int32? = buffer.withUnsafeBytes { raw in
                var offset = 0
                while offset < raw.count {
                    let n = posixWrite(fd, raw.baseAddress! + offset, raw.count - offset)
                    if n < 0 {
                        if errno == EINTR { continue }
                        return errno
                    }
                    offset += n
                }
                return nil
            }
            if let failure { throw OutputError(message: "cannot write \(name): \(String(cString: strerror(failure)))") }
        } else {
            bytes.append(contentsOf: buffer)
        }
        buffer.removeAll(keepingCapacity: true)
    }

    /// Flushes and closes the file; further writes are an error. Idempotent.
    public func close() throws {
        guard !closed else { return }
        closed = true
        try flush()
        if let handle {
            do { try handle.close() } catch { throw OutputError(message: "cannot close \(name): \(error)") }
        }
    }

    deinit { try? handle?.close() }
}

/// The stream `Double.write(to:)` formats into: it passes its ASCII digits to `_writeASCII`
/// (the standard library's hook for text already in ASCII), so no `String` is made; `write(_:)`
/// is the general path, for a standard library that does not call the hook.
struct ASCIIBytes: TextOutputStream {
    var bytes: [UInt8] = []

    mutating func _writeASCII(_ buffer: UnsafeBufferPointer<UInt8>) { bytes.append(contentsOf: buffer) }

    mutating func write(_ string: String) { bytes.append(contentsOf: string.utf8) }
}

/// A failure to write the output folder.
public struct OutputError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public init(message: String) { self.message = message }
    public var description: String { message }
}
