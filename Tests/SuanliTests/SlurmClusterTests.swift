// The Slurm job scripts of `suanli sweep --slurm` run under a real Slurm: each test starts a private
// one-node cluster (slurmctld, slurmd and munged, every file in a temporary folder) with
// scripts/slurm/start.sh, submits a sweep with `--submit`, waits for its jobs by polling squeue, checks
// what they left in OUT, and stops the cluster with scripts/slurm/stop.sh whatever happened.
//
// They need root (slurmd runs jobs as their owners) and Slurm and munge (scripts/setup-slurm.sh installs
// them). Without either they are skipped; in CI (`CI` set) as root, missing Slurm fails
// `slurmInstalledInCI`, which says how to install it.

import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

enum SlurmEnvironment {
    static let isRoot = getuid() == 0
    static var inCI: Bool { !(ProcessInfo.processInfo.environment["CI"] ?? "").isEmpty }

    /// The programs the cluster and the job scripts use.
    static let programs = ["munged", "slurmctld", "slurmd", "sbatch", "squeue", "sinfo", "scancel", "scontrol"]

    /// `name` on `PATH` or in the system folders daemons live in; nil if nowhere.
    static func find(_ name: String) -> URL? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
        let folders = path.split(separator: ":").map(String.init) + ["/usr/sbin", "/sbin", "/usr/bin", "/bin"]
        return folders.lazy.map { URL(fileURLWithPath: $0).appendingPathComponent(name) }
            .first { FileManager.default.isExecutableFile(atPath: $0.path) }
    }

    static let missing: [String] = programs.filter { find($0) == nil }

    static var available: Bool { isRoot && missing.isEmpty }

    static var skipReason: Comment {
        if !isRoot { return "the Slurm cluster tests need root (slurmd starts jobs as their owners); skipped" }
        return "Slurm is not installed (\(missing.joined(separator: ", ")) missing): run scripts/setup-slurm.sh as root; skipped"
    }
}

/// A private one-node Slurm cluster in `base` (scripts/slurm/start.sh), stopped by `stop()`.
struct LocalSlurmCluster {
    let base: URL
    var conf: URL { base.appendingPathComponent("slurm.conf") }
    var environment: [String: String] { ["SLURM_CONF": conf.path] }

    /// Starts it; fails (with the daemons' logs, which start.sh prints) if the node does not become idle.
    static func start(in base: URL, sourceLocation: SourceLocation = #_sourceLocation) throws -> LocalSlurmCluster {
        let cluster = LocalSlurmCluster(base: base)
        let run: RunResult
        do {
            run = try runProgram(URL(fileURLWithPath: "/bin/bash"), [packageFile("scripts/slurm/start.sh").path, base.path],
                                 in: packageRoot, timeout: 120)
        } catch {
            cluster.stop()
            throw error
        }
        if run.status != 0 { cluster.stop() }
        try #require(run.status == 0, "the Slurm cluster did not start:\n\(run)", sourceLocation: sourceLocation)
        return cluster
    }

    /// Cancels its jobs and stops its daemons (scripts/slurm/stop.sh); never throws.
    func stop() {
        _ = try? runProgram(URL(fileURLWithPath: "/bin/bash"), [packageFile("scripts/slurm/stop.sh").path, base.path],
                            in: packageRoot, timeout: 120)
    }

    /// Runs a Slurm client program against this cluster.
    func client(_ program: String, _ arguments: [String]) throws -> RunResult {
        let url = try #require(SlurmEnvironment.find(program), "\(program) not found")
        return try runProgram(url, arguments, in: base, timeout: 60, environment: environment)
    }

    /// The last lines of the daemons' logs and of every job log under `jobLogs`, for failure messages.
    func logs(jobLogs: URL? = nil) -> String {
        var files = ["munged", "slurmctld", "slurmd"].map { base.appendingPathComponent("log/\($0).log") }
        if let jobLogs {
            let names = ((try? FileManager.default.contentsOfDirectory(atPath: jobLogs.path)) ?? []).sorted()
            files += names.map { jobLogs.appendingPathComponent($0) }
        }
        return files.map { f in
            let text = (try? String(contentsOf: f, encoding: .utf8)) ?? "(none)"
            return "--- \(f.path) ---\n" + text.split(separator: "\n", omittingEmptySubsequences: false).suffix(30)
                .joined(separator: "\n")
        }.joined(separator: "\n")
    }

    /// The state Slurm gives a finished job (`scontrol -o show job ID`: COMPLETED, FAILED, CANCELLED …),
    /// nil if it does not know the job.
    func jobState(_ id: String) throws -> String? {
        let run = try client("scontrol", ["-o", "show", "job", id])
        guard run.status == 0, let range = run.output.range(of: #"JobState=[A-Z_]+"#, options: .regularExpression) else {
            return nil
        }
        return String(run.output[range].dropFirst("JobState=".count))
    }

    /// Polls `squeue -h -j IDS` until none of the jobs is queued or running.
    /// - Returns: whether they all left the queue within `timeout` seconds.
    func waitForJobs(_ ids: [String], timeout: Double) throws -> Bool {
        let start = ContinuousClock.now
        while seconds(since: start) < timeout {
            let q = try client("squeue", ["-h", "-j", ids.joined(separator: ","), "-o", "%i %T"])
            // A job Slurm has already forgotten is "Invalid job id": gone too.
            if q.status == 0 && q.output.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { return true }
            if q.status != 0 && q.output.contains("Invalid job id") { return true }
            usleep(200_000)
        }
        return false
    }
}

@Suite("Sweeps on a real one-node Slurm cluster", .serialized)
struct SlurmClusterTests {
    static let sweepFile = packageFile("Scenarios/sweeps/smoke.yaml").path
    static let shards = 4
    /// What `--slurm` writes into OUT besides the merged sweep.
    static let scriptEntries: Set<String> = ["sweep.sbatch", "merge.sbatch", "failed.sbatch", "submit.sh", "logs", "shards"]

    @Test("Slurm is installed where the tests run as root in CI",
          .enabled(if: SlurmEnvironment.inCI && SlurmEnvironment.isRoot))
    func slurmInstalledInCI() {
        #expect(SlurmEnvironment.missing.isEmpty,
                "CI runs as root but Slurm is not installed (\(SlurmEnvironment.missing.joined(separator: ", ")) missing): run scripts/setup-slurm.sh")
    }

    /// Runs `body` with a started cluster and a work folder, stopping the cluster and removing both
    /// whatever happens; prints the wall time.
    func withCluster(_ name: String, _ body: (LocalSlurmCluster, TemporaryDirectory) throws -> Void) throws {
        let started = ContinuousClock.now
        let work = try TemporaryDirectory(prefix: "suanli-slurm")
        defer {
            work.remove()
            print("SlurmClusterTests.\(name): \(String(format: "%.1f", seconds(since: started))) s wall time")
        }
        let cluster = try LocalSlurmCluster.start(in: work.file("cluster"))
        defer { cluster.stop() }
        try body(cluster, work)
    }

    /// `suanli sweep smoke.yaml --slurm --out OUT --shards 4 --submit`, run from a folder unrelated to the
    /// sweep (the scripts hold absolute paths), and the job ids it printed.
    func submit(_ cluster: LocalSlurmCluster, out: URL, elsewhere: URL) throws -> [String] {
        let binary = try SuanliBinary.require()
        let run = try runProgram(binary, ["sweep", Self.sweepFile, "--slurm", "--out", out.path,
                                          "--shards", String(Self.shards), "--submit"],
                                 in: elsewhere, timeout: 120, environment: cluster.environment)
        try #require(run.status == 0, "submitting failed:\n\(run)\n\(cluster.logs())")
        // "watch:      squeue -j ARRAY,MERGE,FAILED"
        let watch = try #require(run.output.split(separator: "\n").first { $0.hasPrefix("watch:") },
                                 "no `watch:` line in:\n\(run.output)")
        let ids = try #require(watch.split(separator: " ").last).split(separator: ",").map(String.init)
        #expect(ids.count == 3 && ids.allSatisfy { Int($0) != nil }, "job ids from `\(watch)`")
        for (label, id) in zip(["array job:", "merge job:", "failed job:"], ids) {
            #expect(run.output.contains("\(label)  \(id) ") || run.output.contains("\(label) \(id) "),
                    "`--submit` names the \(label) \(id):\n\(run.output)")
        }
        return ids
    }

    func wait(_ cluster: LocalSlurmCluster, _ ids: [String], out: URL) throws {
        let finished = try cluster.waitForJobs(ids, timeout: 300)
        try #require(finished, "jobs \(ids) still queued after 300 s:\n\(cluster.logs(jobLogs: out.appendingPathComponent("logs")))")
    }

    /// The unsharded sweep run locally, with the same (absolute) sweep file path.
    func localSweep(into local: URL) throws {
        let result = try suanli(["sweep", Self.sweepFile, "--out", local.path, "--quiet"], timeout: 300)
        try #require(result.status == 0, "\(result)")
    }

    func entries(_ url: URL) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: url.path)) ?? []).sorted()
    }

    @Test("a sweep submitted as a job array merges into OUT, byte for byte the unsharded sweep",
          .enabled(if: SlurmEnvironment.available, SlurmEnvironment.skipReason))
    func mergedEqualsUnsharded() throws {
        try withCluster("mergedEqualsUnsharded") { cluster, work in
            let out = work.file("out"), local = work.file("local"), elsewhere = work.file("elsewhere")
            try FileManager.default.createDirectory(at: elsewhere, withIntermediateDirectories: false)
            let ids = try submit(cluster, out: out, elsewhere: elsewhere)
            try localSweep(into: local)   // runs while the jobs do
            try wait(cluster, ids, out: out)
            let logs = { cluster.logs(jobLogs: out.appendingPathComponent("logs")) }

            let expected = entries(local)
            #expect(expected.contains("outcomes.csv") && expected.contains("sensitivity.csv"), "\(expected)")
            let written = entries(out)
            #expect(Set(written) == Set(expected).union(Self.scriptEntries),
                    "OUT holds the merged sweep, the scripts, logs/ and shards/ and nothing else (no FAILED, no temporary merge folder): \(written)\n\(logs())")
            for name in expected {
                let url = out.appendingPathComponent(name)
                try #require(FileManager.default.fileExists(atPath: url.path), "OUT lacks \(name)\n\(logs())")
                let merged = try Data(contentsOf: url)
                let whole = try Data(contentsOf: local.appendingPathComponent(name))
                if name == "manifest.json" {
                    var a = try jsonObject(merged), b = try jsonObject(whole)
                    // Run-time fields (times, threads, git revision) and the shard folders merged may differ.
                    let runtimes = (a.removeValue(forKey: "runtime"), b.removeValue(forKey: "runtime"))
                    #expect(runtimes.0 != nil && runtimes.1 != nil, "both manifests have a runtime object")
                    var sweepA = try #require(a["sweep"] as? [String: Any])
                    let from = sweepA.removeValue(forKey: "merged_from") as? [String]
                    #expect(from == (0..<Self.shards).map { out.appendingPathComponent("shards/\($0)").path })
                    a["sweep"] = sweepA
                    #expect(NSDictionary(dictionary: a).isEqual(to: b),
                            "OUT/manifest.json differs from the unsharded one outside runtime and merged_from")
                } else {
                    #expect(merged == whole, "OUT/\(name) differs from the unsharded sweep's")
                }
            }
            // The merge job ran; the failed job was cancelled, its afternotok dependency never satisfied.
            #expect(try cluster.jobState(ids[1]) == "COMPLETED", "merge job \(ids[1])\n\(logs())")
            #expect(try cluster.jobState(ids[2]) == "CANCELLED", "failed job \(ids[2])\n\(logs())")
            // One log per task, named by the array id and the task.
            let taskLogs = entries(out.appendingPathComponent("logs")).filter { $0.hasPrefix(ids[0] + "_") }
            #expect(taskLogs == (0..<Self.shards).map { "\(ids[0])_\($0).out" }, "\(taskLogs)")
        }
    }

    @Test("a shard that fails leaves no merged sweep and OUT/FAILED naming it",
          .enabled(if: SlurmEnvironment.available, SlurmEnvironment.skipReason))
    func failedShardIsNamed() throws {
        try withCluster("failedShardIsNamed") { cluster, work in
            let out = work.file("out"), elsewhere = work.file("elsewhere")
            let fm = FileManager.default
            try fm.createDirectory(at: elsewhere, withIntermediateDirectories: false)
            // Shard 2 writes OUT/shards/2 (a folder): a plain file there makes it fail after computing its points.
            try fm.createDirectory(at: out.appendingPathComponent("shards"), withIntermediateDirectories: true)
            try Data("not a folder\n".utf8).write(to: out.appendingPathComponent("shards/2"))
            let ids = try submit(cluster, out: out, elsewhere: elsewhere)
            try wait(cluster, ids, out: out)
            let logs = { cluster.logs(jobLogs: out.appendingPathComponent("logs")) }

            let written = entries(out)
            #expect(Set(written) == Self.scriptEntries.union(["FAILED"]),
                    "OUT holds no merged files (no manifest.json, outcomes.csv …), only the scripts, logs/, shards/ and FAILED: \(written)\n\(logs())")
            let failed = try String(contentsOf: out.appendingPathComponent("FAILED"), encoding: .utf8)
            let first = failed.split(separator: "\n").first.map(String.init) ?? ""
            #expect(first == "failed shards: 2", "OUT/FAILED names shard 2 and only it:\n\(failed)\n\(logs())")
            #expect(failed.contains("shard 2: FAILED"), "OUT/FAILED gives shard 2's Slurm state:\n\(failed)")
            #expect(failed.contains("\(ids[0])_2.out"), "OUT/FAILED points at shard 2's log:\n\(failed)")
            #expect(failed.contains("--array=2 sweep.sbatch"), "OUT/FAILED says how to resubmit shard 2:\n\(failed)")
            // The other shards ran to completion; shard 2's log says why it failed.
            for i in [0, 1, 3] {
                #expect(fm.fileExists(atPath: out.appendingPathComponent("shards/\(i)/manifest.json").path),
                        "shard \(i) completed\n\(logs())")
            }
            let log2 = (try? String(contentsOf: out.appendingPathComponent("logs/\(ids[0])_2.out"), encoding: .utf8)) ?? ""
            #expect(log2.contains("shards/2' exists and is not a folder"), "shard 2's log:\n\(log2)")
            // The merge job never ran: Slurm cancelled it when its afterok dependency failed.
            #expect(try cluster.jobState(ids[1]) == "CANCELLED", "merge job \(ids[1])\n\(logs())")
            #expect(!fm.fileExists(atPath: out.appendingPathComponent("logs/merge_\(ids[1]).out").path))
            #expect(try cluster.jobState(ids[2]) == "COMPLETED", "failed job \(ids[2])\n\(logs())")
        }
    }
}
