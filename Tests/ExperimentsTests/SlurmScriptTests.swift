import Experiments
import Foundation
import Testing

@Suite("Slurm job scripts")
struct SlurmScriptTests {
    func bashSyntaxOK(_ path: String) throws -> Bool {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/bash")
        p.arguments = ["-n", path]
        try p.run()
        p.waitUntilExit()
        return p.terminationStatus == 0
    }

    @Test func scriptsHaveAbsolutePathsArrayThrottleAndValidSyntax() throws {
        let out = NSTemporaryDirectory() + "slurm-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: out) }
        let s = SlurmScript(binary: "/opt/suanli/bin/suanli", sweepFile: "/data/sweeps/big sweep.yaml", out: out,
                            shards: 8, time: "01:00:00", throttle: 2)
        let paths = try s.write()
        #expect(paths.map { ($0 as NSString).lastPathComponent } == ["sweep.sbatch", "merge.sbatch", "failed.sbatch", "submit.sh"])
        let sweep = s.sweepScript
        #expect(sweep.hasPrefix("#!/bin/bash\n"))
        #expect(sweep.contains("#SBATCH --array=0-7%2\n"))
        #expect(sweep.contains("#SBATCH --output=\(out)/logs/%A_%a.out\n"))
        #expect(sweep.contains("#SBATCH --time=01:00:00\n"))
        #expect(!sweep.contains("--partition"))
        #expect(sweep.contains("SUANLI='/opt/suanli/bin/suanli'"))
        #expect(sweep.contains("SWEEP='/data/sweeps/big sweep.yaml'"))
        #expect(sweep.contains("--shard \"$SLURM_ARRAY_TASK_ID\" --shards 8"))
        #expect(sweep.contains("--out \"$OUT/shards/$SLURM_ARRAY_TASK_ID\""))
        #expect(sweep.contains("${SLURM_CPUS_PER_TASK:-1}"))
        #expect(sweep.contains("--quiet"))
        #expect(s.mergeScript.contains("merge \"${shards[@]}\" --out \"$OUT/merged\""))
        #expect(s.failedScript.contains("\"$OUT/FAILED\""))
        #expect(s.submitScript.contains("--dependency=afterok:$array --kill-on-invalid-dep=yes"))
        #expect(s.submitScript.contains("--dependency=afternotok:$array"))
        #expect(s.submitScript.contains("squeue -j"))
        for p in paths { #expect(try bashSyntaxOK(p), "\(p) fails bash -n") }
        #expect(FileManager.default.fileExists(atPath: out + "/logs"))
    }

    @Test func partitionOnlyWhenGivenAndNoThrottleSuffix() {
        let plain = SlurmScript(binary: "/b", sweepFile: "/s.yaml", out: "/o", shards: 3)
        #expect(plain.sweepScript.contains("#SBATCH --array=0-2\n"))
        #expect(!plain.sweepScript.contains("--partition") && !plain.sweepScript.contains("--time"))
        let withPartition = SlurmScript(binary: "/b", sweepFile: "/s.yaml", out: "/o", shards: 3, partition: "gpu")
        #expect(withPartition.sweepScript.contains("#SBATCH --partition=gpu\n"))
        #expect(withPartition.mergeScript.contains("#SBATCH --partition=gpu\n"))
    }

    @Test func absoluteResolvesRelativePaths() {
        #expect(SlurmScript.absolute("/a/b/../c") == "/a/c")
        #expect(SlurmScript.absolute("x.yaml").hasPrefix("/"))
        #expect(SlurmScript.quote("it's") == "'it'\\''s'")
    }
}
