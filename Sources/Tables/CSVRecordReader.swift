import Foundation

/// Reads a CSV file record by record in blocks, so a file larger than memory can be scanned.
/// A record's bytes include its line end; a line end inside quotes belongs to its field
/// (the same records as ``CSVRecords/records(_:)`` finds in the whole file).
public struct CSVRecordReader {
    public static let blockSize = 1 << 20

    /// Calls `body` with each record of the file at `path`, in order.
    /// - Returns: false when the file cannot be opened.
    public static func forEachRecord(path: String, _ body: (ArraySlice<UInt8>) throws -> Void) rethrows -> Bool {
        guard let handle = FileHandle(forReadingAtPath: path) else { return false }
        defer { try? handle.close() }
        var carry: [UInt8] = []
        var scanned = 0, quoted = false
        while true {
            let block = (try? handle.read(upToCount: blockSize)) ?? nil
            guard let block, !block.isEmpty else { break }
            carry.append(contentsOf: block)
            var start = 0
            var i = scanned
            while i < carry.count {
                let b = carry[i]
                if b == UInt8(ascii: "\"") { quoted.toggle() } else if b == 10 && !quoted {
                    try body(carry[start...i])
                    start = i + 1
                }
                i += 1
            }
            carry.removeFirst(start)
            scanned = carry.count
        }
        if !carry.isEmpty { try body(carry[...]) }
        return true
    }
}

/// The records of a CSV file pulled one at a time (line ends included, a line end inside quotes
/// belonging to its field), read in blocks.
public final class CSVRecordStream {
    private let handle: FileHandle
    private var buffer: [UInt8] = []
    private var start = 0
    private var scan = 0
    private var quoted = false
    private var atEnd = false

    public init?(path: String) {
        guard let h = FileHandle(forReadingAtPath: path) else { return nil }
        handle = h
    }

    deinit { try? handle.close() }

    /// The next record, or nil at the end of the file.
    public func next() -> [UInt8]? {
        while true {
            while scan < buffer.count {
                let b = buffer[scan]
                scan += 1
                if b == UInt8(ascii: "\"") { quoted.toggle() } else if b == 10 && !quoted {
                    defer { start = scan }
                    return Array(buffer[start..<scan])
                }
            }
            if atEnd {
                guard start < buffer.count else { return nil }
                defer { start = buffer.count }
                return Array(buffer[start...])
            }
            buffer.removeFirst(start)
            scan -= start
            start = 0
            if let block = (try? handle.read(upToCount: CSVRecordReader.blockSize)) ?? nil, !block.isEmpty {
                buffer.append(contentsOf: block)
            } else {
                atEnd = true
            }
        }
    }
}
