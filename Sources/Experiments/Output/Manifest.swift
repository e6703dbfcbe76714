import Foundation
import Tables

/// `manifest.json`: what was run, with which seeds, by which tool, and how long it took.
///
/// Everything outside the final `runtime` object is a function of the inputs (scenario,
/// overrides, seeds, replications, tool version); `runtime` holds the creation time, the git
/// revision, the thread count and the timings, which may differ between identical runs.
public struct Manifest: Sendable {
    public var version: String
    public var points: [ExperimentPoint]
    public var configuration: RunConfiguration
    public var totals: RunTotals
    public var gitRevision: String
    /// Files besides the standard ones (e.g. `compare.csv`), listed after them in `files`.
    public var extraFiles: [String]
    public var created: String
    /// How `--precision` chose the replications; nil for a fixed count.
    public var precision: PrecisionOutcome?

    public init(version: String, points: [ExperimentPoint], configuration: RunConfiguration, totals: RunTotals,
                extraFiles: [String] = [], precision: PrecisionOutcome? = nil,
                gitRevision: String = Manifest.gitRevision(), created: String = Date().ISO8601Format()) {
        self.version = version; self.points = points; self.configuration = configuration; self.totals = totals
        self.extraFiles = extraFiles; self.precision = precision; self.gitRevision = gitRevision; self.created = created
    }

    /// The `precision` object: the rule, the replications it needed and the figure that decided.
    static func precisionJSON(_ p: PrecisionOutcome) -> JSONValue {
        .object([
            ("half_width", .double(p.target.halfWidth)),
            ("max_replications", .int(p.target.maxReplications)),
            ("batch", .int(PrecisionTarget.batch)),
            ("replications_needed", .int(p.replications)),
            ("met", .bool(p.met)),
            ("deciding_figure", p.deciding.map { .string($0.name) } ?? .null),
            ("widest_half_width", p.deciding.map { .double($0.halfWidth) } ?? .null),
            ("note", .string("replications run in batches until every watched 95% half-width was at most half_width; "
                             + "intervals after sequential stopping are nominal")),
        ])
    }

    public var json: JSONValue {
        let secs = totals.replicationSeconds
        let mean = secs.isEmpty ? 0 : secs.reduce(0, +) / Double(secs.count)
        var members: [(String, JSONValue)] = [
            ("tool", .string("suanli")),
            ("version", .string(version)),
            ("points", .array(points.map(Self.pointJSON))),
            ("seed_plan", .object([
                ("master_seed", .uint(configuration.masterSeed)),
                ("common_random_numbers", .bool(configuration.commonRandomNumbers)),
                ("generator", .string(configuration.generator.rawValue)),
            ])),
            ("replications", .int(configuration.replications)),
        ]
        if let precision { members.append(("precision", Self.precisionJSON(precision))) }
        members += [
            ("output_options", .object([("members", .bool(configuration.members))])),
            ("events", .int(totals.events)),
            ("files", .array((["manifest.json"] + ResultFiles.fileNames + extraFiles).map(JSONValue.string))),
            ("runtime", .object([
                ("created", .string(created)),
                ("git_revision", .string(gitRevision)),
                ("threads", .int(configuration.threads)),
                ("wall_seconds", .double(totals.wallSeconds)),
                ("replication_seconds", .object([
                    ("mean", .double(mean)),
                    ("min", .double(secs.min() ?? 0)),
                    ("max", .double(secs.max() ?? 0)),
                    ("total", .double(secs.reduce(0, +))),
                ])),
            ])),
        ]
        return .object(members)
    }

    static func pointJSON(_ p: ExperimentPoint) -> JSONValue {
        var members: [(String, JSONValue)] = [
            ("point", .int(p.index)),
            ("scenario", .string(p.scenario)),
            ("interval_kind", .string(p.intervalKind)),
            ("per_replication_keys", .array(p.perReplicationKeys.map(JSONValue.string))),
            ("start", .string(p.start.description)),
            ("horizon_months", .int(p.horizonMonths)),
            ("tiers", .array(p.tierNames.map(JSONValue.string))),
            ("firms", .array(p.firmNames.map(JSONValue.string))),
            ("populations", .array(p.populationNames.indices.map { i in
                .object([("name", .string(p.populationNames[i])),
                         ("count", .int(i < p.populationCounts.count ? p.populationCounts[i] : 0))])
            })),
            ("templates", .array(p.templateNames.map(JSONValue.string))),
        ]
        if let posterior = p.posteriorSource {
            members.append(("posterior", .object([("file", .string(posterior)),
                                                  ("keys", .array(p.posteriorKeys.map(JSONValue.string)))])))
        }
        if let s = p.source {
            members += [
                ("path", .string(s.path)),
                ("overrides", .array(s.overrides.map(JSONValue.string))),
                ("content_hash", .string(s.contentHash)),
                ("resolved_yaml", .string(s.resolvedYAML)),
            ]
        }
        return .object(members)
    }

    /// Writes the manifest to `path`.
    public func write(to path: String) throws {
        guard FileManager.default.createFile(atPath: path, contents: Data(json.text().utf8)) else {
            throw OutputError(message: "cannot write \(path)")
        }
    }

    /// `git rev-parse HEAD`, started when made and read when asked: a run makes one before its
    /// replications, so the child (about 35 ms, most of it starting git) runs beside them rather
    /// than after the last.
    public final class RevisionProbe: @unchecked Sendable {
        private let process = Process()
        private let pipe = Pipe()
        private let lock = NSLock()
        private var result: String?

        public init() {
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = ["git", "rev-parse", "HEAD"]
            process.standardOutput = pipe
            process.standardError = FileHandle.nullDevice
            do { try process.run() } catch { result = "unknown" }
        }

        /// The revision, or `unknown` outside a git checkout (waits for git the first time).
        public var revision: String {
            lock.lock()
            defer { lock.unlock() }
            if let result { return result }
            let data = pipe.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            let text = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            let value = process.terminationStatus == 0 && !text.isEmpty ? text : "unknown"
            result = value
            return value
        }

        deinit { _ = revision }   // no child left unwaited for when a run fails first
    }

    /// `git rev-parse HEAD` in the current directory, or `unknown`.
    public static func gitRevision() -> String { RevisionProbe().revision }
}
