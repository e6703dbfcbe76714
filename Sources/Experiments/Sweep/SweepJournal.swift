import Foundation

/// The partial folder of a resumable sweep: the data files written so far and `journal.txt`,
/// which records each finished chunk of points with the files' sizes after it.
///
/// The journal's first line identifies the sweep (version, sweep hash, shard, `monthly`); a
/// folder left by another sweep is discarded. A chunk's bytes are appended and synced before its
/// line is, so after a kill the files are cut back to the sizes of the last complete line.
final class SweepJournal {
    struct Chunk {
        var first: Int
        var count: Int
        var events: Int
        var wallSeconds: Double
        var seconds: [Double]
        var sizes: [Int] = []

        var line: String {
            "chunk \(first) \(count) \(events) \(wallSeconds) " + sizes.map(String.init).joined(separator: ",") + " "
                + seconds.map { "\($0)" }.joined(separator: ",")
        }

        init(first: Int, count: Int, events: Int, wallSeconds: Double, seconds: [Double], sizes: [Int] = []) {
            self.first = first; self.count = count; self.events = events; self.wallSeconds = wallSeconds
            self.seconds = seconds; self.sizes = sizes
        }

        init?(line: String, files: Int) {
            let f = line.split(separator: " ", omittingEmptySubsequences: false)
            guard f.count == 7, f[0] == "chunk", let first = Int(f[1]), let count = Int(f[2]), let events = Int(f[3]),
                  let wall = Double(f[4]) else { return nil }
            let sizes = f[5].split(separator: ",").compactMap { Int($0) }
            let seconds = f[6].split(separator: ",").compactMap { Double($0) }
            guard sizes.count == files else { return nil }
            self.init(first: first, count: count, events: events, wallSeconds: wall, seconds: seconds, sizes: sizes)
        }
    }

    let folder: String
    let header: String
    private var files: [String] = []
    private var sizes: [Int] = []

    init(outputPath: String, header: String) {
        var trimmed = outputPath
        while trimmed.count > 1 && trimmed.hasSuffix("/") { trimmed.removeLast() }
        let url = URL(fileURLWithPath: trimmed)
        folder = url.deletingLastPathComponent().path + "/." + url.lastPathComponent + ".sweep-partial"
        self.header = header
    }

    private var journalPath: String { folder + "/journal.txt" }

    /// Opens (or starts) the partial folder and returns the chunks already finished.
    func open(files: [String]) throws -> [Chunk] {
        self.files = files
        let fm = FileManager.default
        var chunks: [Chunk] = []
        if let text = fm.contents(atPath: journalPath).map({ String(decoding: $0, as: UTF8.self) }) {
            let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            if lines.first == header, files.allSatisfy({ fm.fileExists(atPath: folder + "/" + $0) }) {
                // Only complete lines (ended by a newline) count.
                for line in lines.dropFirst().dropLast() {
                    guard let c = Chunk(line: line, files: files.count) else { break }
                    chunks.append(c)
                }
            }
        }
        if chunks.isEmpty {
            try? fm.removeItem(atPath: folder)
            try fm.createDirectory(atPath: folder, withIntermediateDirectories: true)
            for f in files { guard fm.createFile(atPath: folder + "/" + f, contents: nil) else { throw OutputError(message: "cannot create \(folder)/\(f)") } }
            sizes = files.map { _ in 0 }
        } else {
            sizes = chunks.last!.sizes
            for (f, size) in zip(files, sizes) {
                guard let h = FileHandle(forWritingAtPath: folder + "/" + f) else { throw OutputError(message: "cannot open \(folder)/\(f)") }
                try h.truncate(atOffset: UInt64(size))
                try h.close()
            }
        }
        let text = ([header] + chunks.map(\.line)).joined(separator: "\n") + "\n"
        guard fm.createFile(atPath: journalPath, contents: Data(text.utf8)) else { throw OutputError(message: "cannot write \(journalPath)") }
        return chunks
    }

    /// Appends a chunk's bytes (each file's header dropped unless `withHeader`) and records it.
    func append(_ chunk: Chunk, bytes: [[UInt8]], files: [String], withHeader: Bool) throws {
        var chunk = chunk
        for (i, f) in files.enumerated() {
            var data = bytes[i][...]
            if !withHeader, let nl = data.firstIndex(of: 10) { data = data[(nl + 1)...] }
            guard let h = FileHandle(forWritingAtPath: folder + "/" + f) else { throw OutputError(message: "cannot open \(folder)/\(f)") }
            try h.seek(toOffset: UInt64(sizes[i]))
            try h.write(contentsOf: Data(data))
            try h.synchronize()
            try h.close()
            sizes[i] += data.count
        }
        chunk.sizes = sizes
        guard let h = FileHandle(forWritingAtPath: journalPath) else { throw OutputError(message: "cannot open \(journalPath)") }
        try h.seekToEnd()
        try h.write(contentsOf: Data((chunk.line + "\n").utf8))
        try h.synchronize()
        try h.close()
    }

    /// Deletes the partial folder.
    func remove() { try? FileManager.default.removeItem(atPath: folder) }
}

/// Forwards a chunk's progress as progress of the whole sweep.
final class OffsetProgress: ProgressReporter {
    let inner: any ProgressReporter
    let total: Int
    var offset = 0
    init(_ inner: any ProgressReporter, total: Int) { self.inner = inner; self.total = total }
    func start(total: Int) {}
    func update(done: Int, total: Int) { inner.update(done: offset + done, total: self.total) }
    func finish(done: Int, total: Int) {}
}
