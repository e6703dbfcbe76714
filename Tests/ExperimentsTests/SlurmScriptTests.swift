import Experiments
import Foundation
import Testing

/// The generated Slurm scripts' contents and syntax, and the logic of the merge and failed scripts run
/// by bash with stand-ins for `suanli` and `scontrol`. Under a real Slurm they are run end to end by
/// Tests/SuanliTests/SlurmClusterTests.swift.
@Suite("Slurm job scripts")
struct SlurmScriptTests {
    /// Runs `bash arguments…` with `environment` added; returns the exit status and the output.
    func bash(_ arguments: [String], environment extra: [String: String] = [:]) throws -> (status: Int32, output: String) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/bash")
        p.arguments = arguments
        p.environment = ProcessInfo.processInfo.environment.merging(extra) { _, new in new }
        let log = NSTemporaryDirectory() + "slurm-log-\(UUID().uuidString)"
        try #require(FileManager.default.createFile(atPath: log, contents: nil), "cannot create \(log)")
        defer { try? FileManager.default.removeItem(atPath: log) }
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
        p.standardOutput = handle
        p.standardError = handle
        try p.run()
        p.waitUntilExit()
        try handle.close()
        return (p.terminationStatus, (try? String(contentsOfFile: log, encoding: .utf8)) ?? "")
    }

    func bashSyntaxOK(_ path: String) throws -> Bool { try bash(["-n", path]).status == 0 }

    func scratch() -> String {
        let path = NSTemporaryDirectory() + "slurm-\(UUID().uuidString)"
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    func write(_ text: String, to path: String, executable: Bool = false) {
        let made = FileManager.default.createFile(atPath: path, contents: Data(text.utf8),
                                                  attributes: [.posixPermissions: executable ? 0o755 : 0o644])
        #expect(made, "cannot write \(path)")
    }

    func text(_ path: String) -> String? { try? String(contentsOfFile: path, encoding: .utf8) }

    /// The scripts with the command lines the tool hands them (as `suanli sweep --slurm` does) for `binary`.
    func script(binary: String, sweepFile: String, out: String, shards: Int, partition: String? = nil,
                time: String? = nil, throttle: Int? = nil) -> SlurmScript {
        let exe = SlurmScript.quote(binary)
        return SlurmScript(shardCommand: "exec \(exe) sweep \"$SWEEP\" --shard \"$SHARD\" --shards \"$SHARDS\" "
                               + "--out \"$SHARD_OUT\" --threads \"$THREADS\" --quiet",
                           mergeCommand: "\(exe) merge \"${SHARD_FOLDERS[@]}\" --out \"$MERGED\"",
                           sweepFile: sweepFile, out: out, shards: shards, partition: partition, time: time,
                           throttle: throttle)
    }

    @Test func scriptsHaveAbsolutePathsArrayThrottleAndValidSyntax() throws {
        let out = NSTemporaryDirectory() + "slurm-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: out) }
        let s = script(binary: "/opt/suanli/bin/suanli", sweepFile: "/data/sweeps/big sweep.yaml", out: out,
                            shards: 8, time: "01:00:00", throttle: 2)
        let paths = try s.write()
        #expect(paths.map { ($0 as NSString).lastPathComponent } == ["sweep.sbatch", "merge.sbatch", "failed.sbatch", "submit.sh"])
        let sweep = s.sweepScript
        #expect(sweep.hasPrefix("#!/bin/bash\n"))
        #expect(sweep.contains("#SBATCH --array=0-7%2\n"))
        #expect(sweep.contains("#SBATCH --output=\(out)/logs/%A_%a.out\n"))
        #expect(sweep.contains("#SBATCH --time=01:00:00\n"))
        #expect(!sweep.contains("--partition"))
        // The command given runs with the task's shard, shard folder and CPUs.
        #expect(sweep.contains("exec '/opt/suanli/bin/suanli' sweep \"$SWEEP\" --shard \"$SHARD\" --shards \"$SHARDS\""))
        #expect(sweep.contains("SWEEP='/data/sweeps/big sweep.yaml'"))
        #expect(sweep.contains("SHARD=\"$SLURM_ARRAY_TASK_ID\"\nSHARDS=8\n"))
        #expect(sweep.contains("SHARD_OUT=\"$OUT/shards/$SHARD\""))
        #expect(sweep.contains("THREADS=\"${SLURM_CPUS_PER_TASK:-1}\""))
        #expect(sweep.contains("--quiet"))
        // The merge builds its folder aside, then moves the files into OUT, manifest.json last.
        let merge = s.mergeScript
        #expect(merge.contains("'/opt/suanli/bin/suanli' merge \"${SHARD_FOLDERS[@]}\" --out \"$MERGED\""))
        let lastMove = try #require(merge.range(of: "mv -f \"$MERGED/manifest.json\" \"$OUT/manifest.json\""))
        let otherMoves = try #require(merge.range(of: "mv -f \"$f\" \"$OUT/\""))
        #expect(otherMoves.lowerBound < lastMove.lowerBound)
        #expect(s.failedScript.contains("> \"$OUT/FAILED\""))
        #expect(s.failedScript.contains("scontrol -o show job \"$array\""))
        let submit = s.submitScript
        #expect(submit.contains("--dependency=afterok:$array --kill-on-invalid-dep=yes \"$OUT/merge.sbatch\""))
        #expect(submit.contains("--dependency=\"afternotok:$array?afternotok:$merge\" --kill-on-invalid-dep=yes"))
        #expect(submit.contains("\"$OUT/failed.sbatch\" \"$array\" \"$merge\""))
        #expect(submit.contains("squeue -j $array,$merge,$failed"))
        for p in paths { #expect(try bashSyntaxOK(p), "\(p) fails bash -n") }
        #expect(FileManager.default.fileExists(atPath: out + "/logs"))
    }

    @Test func partitionOnlyWhenGivenAndNoThrottleSuffix() {
        let plain = script(binary: "/b", sweepFile: "/s.yaml", out: "/o", shards: 3)
        #expect(plain.sweepScript.contains("#SBATCH --array=0-2\n"))
        #expect(!plain.sweepScript.contains("--partition") && !plain.sweepScript.contains("--time"))
        let withPartition = script(binary: "/b", sweepFile: "/s.yaml", out: "/o", shards: 3, partition: "gpu")
        #expect(withPartition.sweepScript.contains("#SBATCH --partition=gpu\n"))
        #expect(withPartition.mergeScript.contains("#SBATCH --partition=gpu\n"))
        #expect(withPartition.failedScript.contains("#SBATCH --partition=gpu\n"))
        let spaced = script(binary: "/b", sweepFile: "/s.yaml", out: "/my results/o", shards: 3)
        #expect(spaced.sweepScript.contains("#SBATCH --output=\"/my results/o/logs/%A_%a.out\"\n"))
        #expect(spaced.mergeScript.contains("#SBATCH --output=\"/my results/o/logs/merge_%j.out\"\n"))
    }

    @Test func absoluteResolvesRelativePaths() {
        #expect(SlurmScript.absolute("/a/b/../c") == "/a/c")
        #expect(SlurmScript.absolute("x.yaml").hasPrefix("/"))
        #expect(SlurmScript.quote("it's") == "'it'\\''s'")
    }

    /// failed.sbatch names the tasks Slurm reports in any state but COMPLETED (lines as Slurm 22.05's
    /// `scontrol -o show job` prints them, shortened), with their state, exit code and log.
    @Test func failedScriptNamesTheTasksSlurmReportsFailed() throws {
        let dir = scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let out = dir + "/out", bin = dir + "/bin"
        try FileManager.default.createDirectory(atPath: bin, withIntermediateDirectories: true)
        let s = script(binary: "/b", sweepFile: "/s.yaml", out: out, shards: 4)
        try s.write()
        // Shard 1 left a complete folder from an earlier submission: Slurm's word counts, not the folder.
        try FileManager.default.createDirectory(atPath: out + "/shards/1", withIntermediateDirectories: true)
        write("{}", to: out + "/shards/1/manifest.json")
        func task(_ job: Int, _ i: Int, _ state: String, _ code: String) -> String {
            "JobId=\(job) ArrayJobId=10 ArrayTaskId=\(i) JobName=suanli-sweep UserId=u(1) JobState=\(state) "
                + "Reason=None Dependency=(null) Requeue=1 ExitCode=\(code) RunTime=00:00:01"
        }
        let lines = [task(10, 3, "COMPLETED", "0:0"), task(13, 2, "COMPLETED", "0:0"), task(12, 1, "TIMEOUT", "0:15"),
                     task(11, 0, "FAILED", "1:0")]
        write("#!/bin/bash\n[ \"$1 $2 $3 $4\" = '-o show job 10' ] || exit 1\ncat <<'EOF'\n"
              + lines.joined(separator: "\n") + "\nEOF\n", to: bin + "/scontrol", executable: true)
        let run = try bash([out + "/failed.sbatch", "10", "14"],
                           environment: ["PATH": bin + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "")])
        #expect(run.status == 0, "\(run.output)")
        let failed = try #require(text(out + "/FAILED"), "no FAILED written: \(run.output)")
        let rows = failed.split(separator: "\n").map(String.init)
        #expect(rows.first == "failed shards: 0 1", "\(failed)")
        #expect(rows.contains("shard 0: FAILED, exit code 1:0; log: \(out)/logs/10_0.out"), "\(failed)")
        #expect(rows.contains("shard 1: TIMEOUT, exit code 0:15; log: \(out)/logs/10_1.out"), "\(failed)")
        #expect(failed.contains("--array=0,1 sweep.sbatch"), "\(failed)")
    }

    /// Without Slurm's record of the tasks (scontrol absent or the jobs purged), a shard without
    /// `manifest.json` counts as failed; with every shard complete, FAILED blames the merge job.
    @Test func failedScriptFallsBackToShardFolders() throws {
        let dir = scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let out = dir + "/out", bin = dir + "/bin"
        try FileManager.default.createDirectory(atPath: bin, withIntermediateDirectories: true)
        write("#!/bin/bash\necho 'slurm_load_jobs error: Invalid job id specified' >&2\nexit 1\n", to: bin + "/scontrol",
              executable: true)
        let env = ["PATH": bin + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "")]
        let s = script(binary: "/b", sweepFile: "/s.yaml", out: out, shards: 3)
        try s.write()
        for i in [0, 2] {
            try FileManager.default.createDirectory(atPath: out + "/shards/\(i)", withIntermediateDirectories: true)
            write("{}", to: out + "/shards/\(i)/manifest.json")
        }
        _ = try bash([out + "/failed.sbatch", "20", "21"], environment: env)
        let failed = try #require(text(out + "/FAILED"))
        #expect(failed.hasPrefix("failed shards: 1\nshard 1: no \(out)/shards/1/manifest.json (failed or not run)\n"),
                "\(failed)")

        try FileManager.default.createDirectory(atPath: out + "/shards/1", withIntermediateDirectories: true)
        write("{}", to: out + "/shards/1/manifest.json")
        _ = try bash([out + "/failed.sbatch", "20", "21"], environment: env)
        let mergeFailed = try #require(text(out + "/FAILED"))
        #expect(mergeFailed.hasPrefix("failed shards: none\n"), "\(mergeFailed)")
        #expect(mergeFailed.contains("merge job 21 failed: see \(out)/logs/merge_21.out"), "\(mergeFailed)")
    }

    /// merge.sbatch moves the merged files into OUT (replacing an earlier merge's, clearing FAILED) and
    /// removes its temporary folder; when the merge fails, OUT gets no manifest.json. A stand-in for
    /// `suanli` writes the merged folder.
    @Test func mergeScriptMovesTheMergedFilesIntoOut() throws {
        let dir = scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let out = dir + "/out", fake = dir + "/suanli"
        write("""
            #!/bin/bash
            # suanli merge SHARD… --out DIR
            [ "$1" = merge ] || exit 2
            while [ "$1" != --out ]; do shift; done
            [ -n "${FAIL_MERGE:-}" ] && { echo "merge refused" >&2; exit 1; }
            mkdir "$2" && echo "point,x" > "$2/outcomes.csv" && echo '{"merged":true}' > "$2/manifest.json"

            """, to: fake, executable: true)
        let s = script(binary: fake, sweepFile: dir + "/s.yaml", out: out, shards: 2)
        try s.write()
        write("stale", to: out + "/outcomes.csv")
        write("failed shards: 1\n", to: out + "/FAILED")

        let failing = try bash([out + "/merge.sbatch"], environment: ["SLURM_JOB_ID": "7", "FAIL_MERGE": "1"])
        #expect(failing.status != 0)
        #expect(!FileManager.default.fileExists(atPath: out + "/manifest.json"))

        let run = try bash([out + "/merge.sbatch"], environment: ["SLURM_JOB_ID": "8", "FAIL_MERGE": ""])
        #expect(run.status == 0, "\(run.output)")
        #expect(text(out + "/outcomes.csv") == "point,x\n")
        #expect(text(out + "/manifest.json") == "{\"merged\":true}\n")
        #expect(!FileManager.default.fileExists(atPath: out + "/FAILED"))
        let left = try FileManager.default.contentsOfDirectory(atPath: out).sorted()
        #expect(left == ["failed.sbatch", "logs", "manifest.json", "merge.sbatch", "outcomes.csv", "submit.sh",
                         "sweep.sbatch"], "no temporary merge folder is left: \(left)")
    }
}
