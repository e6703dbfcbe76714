import Foundation
import ScenarioModule
import Tables

/// `suanli merge`: the shards of one sweep into the folder the unsharded sweep writes.
///
/// Every CSV file of a sweep has its rows grouped by point in ascending point order (with a
/// `point` column), and shard `I` of `N` holds the points `p ≡ I (mod N)`; so the unsharded
/// file is the shared header followed by each point's rows taken from its shard in point order.
/// The CSV bytes equal the unsharded sweep's; `manifest.json` lists every point (reloaded from
/// the sweep file, which must be unchanged) and sums the shards' events and times.
public enum SweepMerge {
    /// What a shard folder's manifest says about it.
    public struct Shard: Sendable {
        public var folder: String
        public var version: String
        public var sweepFile: String
        public var sweepHash: String
        public var shard: Int
        public var shards: Int
        public var monthly: Bool
        public var files: [String]
        /// Each point's scenario content hash, by point index.
        public var pointHashes: [Int: String]
        var events: Int
        var threads: Int
        var wallSeconds: Double
        var seconds: (mean: Double, min: Double, max: Double, total: Double)
    }

    /// Reads a shard folder's manifest.
    /// - Throws: ``SweepError`` when the folder is not the output of `suanli sweep --shard`.
    public static func readShard(_ folder: String) throws(SweepError) -> Shard {
        let path = folder + "/manifest.json"
        guard let data = FileManager.default.contents(atPath: path),
              let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw SweepError(.notAResultsFolder, file: folder)
        }
        guard let sweep = object["sweep"] as? [String: Any], let shard = sweep["shard"] as? Int,
              let shards = sweep["shards"] as? Int, let file = sweep["file"] as? String,
              let hash = sweep["sweep_hash"] as? String else {
            throw SweepError(.notAShard, file: folder)
        }
        let runtime = object["runtime"] as? [String: Any] ?? [:]
        let secs = runtime["replication_seconds"] as? [String: Any] ?? [:]
        func number(_ v: Any?) -> Double { (v as? NSNumber)?.doubleValue ?? 0 }
        var hashes: [Int: String] = [:]
        for case let p as [String: Any] in object["points"] as? [Any] ?? [] {
            if let i = p["point"] as? Int, let h = p["content_hash"] as? String { hashes[i] = h }
        }
        return Shard(folder: folder, version: object["version"] as? String ?? "unknown", sweepFile: file, sweepHash: hash,
                     shard: shard, shards: shards, monthly: sweep["monthly"] as? Bool ?? false,
                     files: (object["files"] as? [String] ?? []).filter { $0 != "manifest.json" }, pointHashes: hashes,
                     events: (object["events"] as? NSNumber)?.intValue ?? 0,
                     threads: (runtime["threads"] as? NSNumber)?.intValue ?? 1, wallSeconds: number(runtime["wall_seconds"]),
                     seconds: (number(secs["mean"]), number(secs["min"]), number(secs["max"]), number(secs["total"])))
    }

    /// Checks that `shards` are all the shards of one sweep by one tool version.
    /// - Returns: the shards ordered by shard index.
    /// - Throws: ``SweepError`` naming the mismatch, duplicated shards or the missing ones.
    public static func check(_ shards: [Shard]) throws(SweepError) -> [Shard] {
        guard let first = shards.first else { throw SweepError(.noShards) }
        for s in shards.dropFirst() {
            if s.sweepHash != first.sweepHash || s.sweepFile != first.sweepFile {
                throw SweepError(.shardsDisagree(what: .sweepFile,
                                                 first: "'\(first.folder)' from \(first.sweepFile) (sweep hash \(first.sweepHash.prefix(12)))",
                                                 other: "'\(s.folder)' from \(s.sweepFile) (sweep hash \(s.sweepHash.prefix(12)))"))
            }
            if s.version != first.version {
                throw SweepError(.shardsDisagree(what: .version, first: "'\(first.folder)' from version \(first.version)",
                                                 other: "'\(s.folder)' from version \(s.version)"))
            }
            if s.shards != first.shards {
                throw SweepError(.shardsDisagree(what: .cut, first: "'\(first.folder)' is shard \(first.shard) of \(first.shards)",
                                                 other: "'\(s.folder)' shard \(s.shard) of \(s.shards)"))
            }
            if s.monthly != first.monthly {
                throw SweepError(.shardsDisagree(what: .monthly,
                                                 first: "'\(first.folder)' \(first.monthly ? "has" : "lacks") the monthly files",
                                                 other: "'\(s.folder)' \(s.monthly ? "has" : "lacks") them"))
            }
        }
        var byIndex: [Int: Shard] = [:]
        for s in shards {
            if let other = byIndex[s.shard] {
                throw SweepError(.duplicateShard(shard: s.shard, of: s.shards, first: other.folder, second: s.folder))
            }
            byIndex[s.shard] = s
        }
        let missing = (0..<first.shards).filter { byIndex[$0] == nil }
        guard missing.isEmpty else {
            throw SweepError(.missingShards(missing, of: first.shards), file: first.sweepFile)
        }
        return (0..<first.shards).map { byIndex[$0]! }
    }

    /// Merges the shard folders into `outputPath` (atomically).
    /// - Parameter progress: makes a reporter for each phase, given what it counts (`points checked`,
    ///   then `files merged`); nil for none.
    /// - Throws: ``SweepError``.
    public static func merge(shardFolders: [String], outputPath: String,
                             progress: ((_ label: String) -> any ProgressReporter)? = nil) throws(SweepError) -> SweepReport {
        var read: [Shard] = []
        for f in shardFolders { read.append(try readShard(f)) }
        let shards = try check(read)
        let first = shards[0]
        let sweep: Sweep
        do { sweep = try Sweep.load(path: first.sweepFile) } catch {
            throw SweepError(.sweepFileUnreadable(diagnostics: error.description), file: first.sweepFile)
        }
        guard sweep.file.contentHash == first.sweepHash else {
            throw SweepError(.sweepFileChanged(hash: sweep.file.contentHash, recorded: first.sweepHash), file: first.sweepFile)
        }
        let names = SweepRun.fileNames(monthly: first.monthly)
        for s in shards {
            let missing = names.filter { !s.files.contains($0) || !FileManager.default.fileExists(atPath: s.folder + "/" + $0) }
            if !missing.isEmpty {
                throw SweepError(.shardIncomplete(missing: missing), file: s.folder)
            }
        }
        let configuration = sweep.configuration(threads: shards.map(\.threads).max() ?? 1)
        let indices = Array(0..<sweep.pointCount)

        let folder: OutputFolder
        do { folder = try OutputFolder.create(at: outputPath) } catch {
            throw SweepError(.output(reason: error.message), file: outputPath)
        }
        do throws(SweepError) {
            // Every point is loaded again (on all cores) and checked against its shard's record; its
            // manifest entry is spooled beside the files and streamed into manifest.json, so memory
            // does not grow with the number of points.
            let spoolPath = folder.temporaryPath + "/." + SweepRun.manifestPointsSpool
            guard FileManager.default.createFile(atPath: spoolPath, contents: nil),
                  let spool = FileHandle(forWritingAtPath: spoolPath) else { throw SweepError.io("write", spoolPath) }
            defer { try? spool.close() }
            var count = 0
            let checking = progress?("points checked")
            checking?.start(total: sweep.pointCount)
            try sweep.forEachDocument(indices, threads: ProcessInfo.processInfo.activeProcessorCount) { (p, doc) throws(SweepError) in
                let recorded = shards[p % shards.count].pointHashes[p]
                guard recorded == doc.contentHash else {
                    throw SweepError(.pointChanged(point: p, shard: shards[p % shards.count].folder), file: sweep.file.basePath)
                }
                let point = ExperimentPoint(index: p, document: doc,
                                            overrides: sweep.overrides(point: p))
                let text = Manifest.pointJSON(point).text().dropLast().replacingOccurrences(of: "\n", with: "\n    ")
                do { try spool.write(contentsOf: Data(((count == 0 ? "" : ",\n") + "    " + text).utf8)) } catch {
                    throw SweepError.io("write", spoolPath, error)
                }
                count += 1
                checking?.update(done: count, total: sweep.pointCount)
            }
            checking?.finish(done: count, total: sweep.pointCount)
            let merging = progress?("files merged")
            merging?.start(total: names.count)
            for (i, name) in names.enumerated() {
                try interleave(files: shards.map { $0.folder + "/" + name }, points: sweep.pointCount, file: name,
                               folders: shards.map(\.folder), to: folder.temporaryPath + "/" + name)
                merging?.update(done: i + 1, total: names.count)
            }
            merging?.finish(done: names.count, total: names.count)
            let jobs = sweep.pointCount * sweep.file.replications
            let totals = RunTotals(jobs: jobs, events: shards.reduce(0) { $0 + $1.events },
                                   wallSeconds: shards.reduce(0) { $0 + $1.wallSeconds }, replicationSeconds: [])
            try sweep.writeAnalyses(folder: folder.temporaryPath)
            let files = ["manifest.json"] + names + sweep.analysisFiles
            var json = SweepRun.sweepManifest(
                Manifest(version: first.version, points: [], configuration: configuration, totals: totals).json,
                sweep: sweep, files: files, shard: nil, indices: indices, monthly: first.monthly,
                mergedFrom: shards.map(\.folder))
            if case .object(var members) = json, let r = members.firstIndex(where: { $0.0 == "runtime" }),
               case .object(var runtime) = members[r].1 {
                let total = shards.reduce(0) { $0 + $1.seconds.total }
                for (i, (k, _)) in runtime.enumerated() where k == "replication_seconds" {
                    runtime[i].1 = .object([
                        ("mean", .double(jobs > 0 ? total / Double(jobs) : 0)),
                        ("min", .double(shards.map(\.seconds.min).min() ?? 0)),
                        ("max", .double(shards.map(\.seconds.max).max() ?? 0)),
                        ("total", .double(total)),
                    ])
                }
                members[r].1 = .object(runtime)
                json = .object(members)
            }
            do {
                try SweepRun.writeManifest(json, pointsSpool: spoolPath, to: folder.temporaryPath + "/manifest.json")
                try FileManager.default.removeItem(atPath: spoolPath)
                try folder.commit()
            } catch { throw SweepError.io("write", folder.temporaryPath + "/manifest.json", error) }
            return SweepReport(outputPath: folder.path, points: indices, totals: totals, files: files)
        } catch {
            folder.discard()
            throw error
        }
    }

    /// The unsharded file from the shards' files (`inputs[i]` is shard i's): the common header,
    /// then for every point p in order the rows of p from shard p mod N.
    /// - Throws: ``SweepError`` when headers differ or a shard's rows are not its points in order.
    public static func interleave(_ inputs: [[UInt8]], points: Int, file: String, folders: [String]) throws(SweepError) -> [UInt8] {
        let n = inputs.count
        struct Group { var point: Int; var range: Range<Int> }
        var headers: [ArraySlice<UInt8>] = []
        var groups: [[Group]] = []
        var pointColumn = -1
        for (s, bytes) in inputs.enumerated() {
            let records = CSVRecords.records(bytes)
            guard let header = records.first else { throw SweepError(.malformedShardFile(reason: "it is empty"), file: folders[s] + "/" + file) }
            headers.append(bytes[header])
            if s == 0 {
                pointColumn = CSVRecords.fields(bytes[header]).firstIndex(of: "point") ?? -1
                guard pointColumn >= 0 else { throw SweepError(.malformedShardFile(reason: "it has no point column"), file: folders[s] + "/" + file) }
            } else if bytes[header] != headers[0] {
                throw SweepError(.malformedShardFile(reason: "different columns than in '\(folders[0])' (the points have "
                                                     + "different tier lists?); cannot merge"), file: folders[s] + "/" + file)
            }
            var gs: [Group] = []
            for r in records.dropFirst() {
                let fs = CSVRecords.fields(bytes[r])
                guard pointColumn < fs.count, let p = Int(fs[pointColumn]), p >= 0, p < points, p % n == s else {
                    throw SweepError(.malformedShardFile(reason: "a row of a point that is not in shard \(s) of \(n)"), file: folders[s] + "/" + file)
                }
                if let last = gs.last, last.point == p {
                    gs[gs.count - 1].range = last.range.lowerBound..<r.upperBound
                } else {
                    if let last = gs.last, last.point > p {
                        throw SweepError(.malformedShardFile(reason: "rows are not in point order"), file: folders[s] + "/" + file)
                    }
                    gs.append(Group(point: p, range: r))
                }
            }
            groups.append(gs)
        }
        var out = [UInt8](headers[0])
        var next = Array(repeating: 0, count: n)
        for p in 0..<points {
            let s = p % n
            if next[s] < groups[s].count, groups[s][next[s]].point == p {
                out.append(contentsOf: inputs[s][groups[s][next[s]].range])
                next[s] += 1
            }
        }
        return out
    }

    /// ``interleave(_:points:file:folders:)`` on files, a record at a time: the shards' files are
    /// read and the merged file written in blocks, so a merge's memory does not grow with its output.
    /// Same bytes, same errors.
    static func interleave(files: [String], points: Int, file: String, folders: [String], to output: String) throws(SweepError) {
        let n = files.count
        var streams: [CSVRecordStream] = []
        for (s, path) in files.enumerated() {
            guard let stream = CSVRecordStream(path: path) else { throw SweepError.io("read", folders[s] + "/" + file) }
            streams.append(stream)
        }
        guard FileManager.default.createFile(atPath: output, contents: nil),
              let out = FileHandle(forWritingAtPath: output) else { throw SweepError.io("write", output) }
        defer { try? out.close() }
        var buffer: [UInt8] = []
        func flush() throws(SweepError) {
            do { try out.write(contentsOf: Data(buffer)) } catch { throw SweepError.io("write", output, error) }
            buffer.removeAll(keepingCapacity: true)
        }
        var header: [UInt8] = []
        var pointColumn = -1
        for s in 0..<n {
            guard let h = streams[s].next() else { throw SweepError(.malformedShardFile(reason: "it is empty"), file: folders[s] + "/" + file) }
            if s == 0 {
                header = h
                pointColumn = CSVRecords.fields(h[...]).firstIndex(of: "point") ?? -1
                guard pointColumn >= 0 else { throw SweepError(.malformedShardFile(reason: "it has no point column"), file: folders[s] + "/" + file) }
            } else if h != header {
                throw SweepError(.malformedShardFile(reason: "different columns than in '\(folders[0])' (the points have "
                                                     + "different tier lists?); cannot merge"), file: folders[s] + "/" + file)
            }
        }
        buffer.append(contentsOf: header)
        /// The next record of shard `s` with its point, checked to belong to the shard.
        var peeked: [(record: [UInt8], point: Int)?] = Array(repeating: nil, count: n)
        var lastPoint = Array(repeating: -1, count: n)
        func peek(_ s: Int) throws(SweepError) -> (record: [UInt8], point: Int)? {
            if let p = peeked[s] { return p }
            guard let r = streams[s].next() else { return nil }
            let fs = CSVRecords.fields(r[...])
            guard pointColumn < fs.count, let p = Int(fs[pointColumn]), p >= 0, p < points, p % n == s else {
                throw SweepError(.malformedShardFile(reason: "a row of a point that is not in shard \(s) of \(n)"), file: folders[s] + "/" + file)
            }
            if p < lastPoint[s] { throw SweepError(.malformedShardFile(reason: "rows are not in point order"), file: folders[s] + "/" + file) }
            lastPoint[s] = p
            peeked[s] = (r, p)
            return peeked[s]
        }
        for p in 0..<points {
            let s = p % n
            while let next = try peek(s), next.point == p {
                buffer.append(contentsOf: next.record)
                peeked[s] = nil
                if buffer.count >= 1 << 20 { try flush() }
            }
        }
        // Every row was taken in order (a row left over would be out of order).
        for s in 0..<n where try peek(s) != nil {
            throw SweepError(.malformedShardFile(reason: "rows are not in point order"), file: folders[s] + "/" + file)
        }
        try flush()
    }
}
