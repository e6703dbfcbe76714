import Foundation

/// The partial folder of a resumable sweep: the data files written so far and `journal.txt`,
/// which records each finished chunk of points with the files' sizes after it.
///
/// The journal's first line identifies the sweep (version, sweep hash, the points' scenario
/// hashes, shard, `monthly`); a folder left by another sweep is discarded. Chunks' bytes are
/// appended to the data files as they finish; every quarter second or so (and at the end) the files
/// are synced and only then the chunks' lines are appended to the journal and synced, so after
/// a kill at any moment (or a crash of the machine) the files are cut back to the sizes of the
/// last complete line, and the chunks that lost their line (at most ``syncInterval`` of work)
/// run again. Syncing every chunk instead cost more than the simulation on small scenarios.
final class SweepJournal {
    struct Chunk: Equatable {
        var first: Int
        var count: Int
        var events: Int
        var wallSeconds: Double
        /// Replication seconds: sum, smallest and largest over the chunk's runs.
        var seconds: RunSeconds
        var sizes: [Int] = []

        var line: String {
            "chunk \(first) \(count) \(events) \(wallSeconds) " + sizes.map(String.init).joined(separator: ",")
                + " \(seconds.total),\(seconds.min),\(seconds.max)"
        }

        init(first: Int, count: Int, events: Int, wallSeconds: Double, seconds: RunSeconds, sizes: [Int] = []) {
            self.first = first; self.count = count; self.events = events; self.wallSeconds = wallSeconds
            self.seconds = seconds; self.sizes = sizes
        }

        init?(line: String, files: Int) {
            let f = line.split(separator: " ", omittingEmptySubsequences: false)
            guard f.count == 7, f[0] == "chunk", let first = Int(f[1]), let count = Int(f[2]), let events = Int(f[3]),
                  let wall = Double(f[4]) else { return nil }
            let sizes = f[5].split(separator: ",").compactMap { Int($0) }
            let s = f[6].split(separator: ",").compactMap { Double($0) }
            guard sizes.count == files, s.count == 3 else { return nil }
            self.init(first: first, count: count, events: events, wallSeconds: wall,
                      seconds: RunSeconds(total: s[0], min: s[1], max: s[2]), sizes: sizes)
        }
    }

    let folder: String
    let header: String
    private var files: [String] = []
    private var handles: [FileHandle] = []
    private var journal: FileHandle?
    private var sizes: [Int] = []
    private var pending: [String] = []
    private var lastSync = ContinuousClock.now
    /// How long written chunks may wait for their journal line.
    var syncInterval: Duration = .milliseconds(250)

    /// The partial folder of the sweep (or, with `kind` `calibrate`, the calibration) whose output is
    /// `outputPath`: `.<name>.<kind>-partial` beside it.
    static func folder(outputPath: String, kind: String = "sweep") -> String {
        var trimmed = outputPath
        while trimmed.count > 1 && trimmed.hasSuffix("/") { trimmed.removeLast() }
        let url = URL(fileURLWithPath: trimmed)
        return url.deletingLastPathComponent().path + "/." + url.lastPathComponent + "." + kind + "-partial"
    }

    init(outputPath: String, header: String, kind: String = "sweep") {
        folder = Self.folder(outputPath: outputPath, kind: kind)
        self.header = header
    }

    deinit { closeFiles() }

    private var journalPath: String { folder + "/journal.txt" }

    /// Opens (or starts) the partial folder and returns the chunks already finished. Starting
    /// afresh removes everything in the folder except the files named in `keep`.
    /// - Throws: ``SweepError`` naming the file that could not be made, cut back or written.
    func open(files: [String], keep: Set<String>) throws(SweepError) -> [Chunk] {
        do { return try openFiles(files: files, keep: keep) } catch let e as SweepError { throw e } catch {
            throw SweepError.io("open the partial sweep in", folder, error)
        }
    }

    private func openFiles(files: [String], keep: Set<String>) throws -> [Chunk] {
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
            try fm.createDirectory(atPath: folder, withIntermediateDirectories: true)
            for name in try fm.contentsOfDirectory(atPath: folder) where !keep.contains(name) {
                try fm.removeItem(atPath: folder + "/" + name)
            }
            for f in files { guard fm.createFile(atPath: folder + "/" + f, contents: nil) else { throw SweepError.io("create", folder + "/" + f) } }
            sizes = files.map { _ in 0 }
        } else {
            sizes = chunks.last!.sizes
        }
        closeFiles()
        for (f, size) in zip(files, sizes) {
            guard let h = FileHandle(forWritingAtPath: folder + "/" + f) else { throw SweepError.io("open", folder + "/" + f) }
            // Bytes past the last recorded chunk belong to a chunk that did not finish.
            do {
                try h.truncate(atOffset: UInt64(size))
                try h.seek(toOffset: UInt64(size))
            } catch { throw SweepError.io("cut back", folder + "/" + f, error) }
            handles.append(h)
        }
        let text = ([header] + chunks.map(\.line)).joined(separator: "\n") + "\n"
        let temporary = journalPath + ".new"
        guard fm.createFile(atPath: temporary, contents: Data(text.utf8)) else { throw SweepError.io("write", temporary) }
        guard rename(temporary, journalPath) == 0 else { throw SweepError.io("write", journalPath) }
        journal = FileHandle(forWritingAtPath: journalPath)
        try journal?.seekToEnd()
        lastSync = ContinuousClock.now
        return chunks
    }

    /// Appends a chunk's bytes (each file's header dropped unless `withHeader`); its journal
    /// line follows with the next ``sync(force:)`` that syncs.
    /// - Throws: ``SweepError`` naming the data file that refused the bytes (a full disk, say).
    func append(_ chunk: Chunk, bytes: [[UInt8]], withHeader: Bool) throws(SweepError) {
        var chunk = chunk
        for (i, h) in handles.enumerated() {
            var data = bytes[i][...]
            if !withHeader, let nl = data.firstIndex(of: 10) { data = data[(nl + 1)...] }
            do { try h.write(contentsOf: Data(data)) } catch { throw SweepError.io("write", folder + "/" + files[i], error) }
            sizes[i] += data.count
        }
        chunk.sizes = sizes
        pending.append(chunk.line + "\n")
    }

    /// Records the appended chunks in the journal, after syncing the data files, if `force` or
    /// ``syncInterval`` has passed since the last time.
    /// - Returns: how many chunks were recorded.
    /// - Throws: ``SweepError`` naming the file that could not be synced or written.
    @discardableResult
    func sync(force: Bool) throws(SweepError) -> Int {
        guard !pending.isEmpty, force || ContinuousClock.now - lastSync >= syncInterval else { return 0 }
        for (i, h) in handles.enumerated() {
            do { try h.synchronize() } catch { throw SweepError.io("write", folder + "/" + files[i], error) }
        }
        guard let journal else { throw SweepError.io("write", journalPath) }
        do {
            try journal.write(contentsOf: Data(pending.joined().utf8))
            try journal.synchronize()
        } catch { throw SweepError.io("write", journalPath, error) }
        let n = pending.count
        pending.removeAll()
        lastSync = ContinuousClock.now
        return n
    }

    /// Closes the files (the folder stays).
    func closeFiles() {
        for h in handles { try? h.close() }
        handles.removeAll()
        try? journal?.close()
        journal = nil
    }

    /// Deletes the partial folder.
    func remove() {
        closeFiles()
        try? FileManager.default.removeItem(atPath: folder)
    }
}

/// Replication seconds summed over runs, with the smallest and largest.
struct RunSeconds: Equatable {
    var total = 0.0
    var min = Double.infinity
    var max = 0.0
    var count = 0

    init() {}
    init(total: Double, min: Double, max: Double) { self.total = total; self.min = min; self.max = max }

    mutating func add(_ s: Double) {
        total += s; min = Swift.min(min, s); max = Swift.max(max, s); count += 1
    }

    mutating func add(_ other: RunSeconds) {
        total += other.total; min = Swift.min(min, other.min); max = Swift.max(max, other.max); count += other.count
    }
}

/// Forwards a run's progress as progress of the whole sweep, which started `offset` runs in.
final class OffsetProgress: ProgressReporter {
    let inner: any ProgressReporter
    let total: Int
    let offset: Int
    init(_ inner: any ProgressReporter, total: Int, offset: Int) { self.inner = inner; self.total = total; self.offset = offset }
    func start(total: Int) {}
    func update(done: Int, total: Int) { inner.update(done: offset + done, total: self.total) }
    func finish(done: Int, total: Int) {}
}
