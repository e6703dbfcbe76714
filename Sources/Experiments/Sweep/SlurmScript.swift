import Foundation

/// The Slurm job scripts of a sharded sweep (`suanli sweep FILE --slurm --out OUT`): an array job
/// running one shard per task, a merge job after all succeed, a job that records failed shards,
/// and `submit.sh` that submits the three chained.
public struct SlurmScript: Sendable {
    /// Absolute path of the `suanli` binary.
    public var binary: String
    /// Absolute path of the sweep file.
    public var sweepFile: String
    /// Absolute path of the output folder.
    public var out: String
    public var shards: Int
    public var partition: String?
    public var time: String?
    public var throttle: Int?

    public init(binary: String, sweepFile: String, out: String, shards: Int, partition: String? = nil,
                time: String? = nil, throttle: Int? = nil) {
        self.binary = binary; self.sweepFile = sweepFile; self.out = out; self.shards = shards
        self.partition = partition; self.time = time; self.throttle = throttle
    }

    /// `path` made absolute against the current directory, `.` and `..` resolved.
    public static func absolute(_ path: String) -> String {
        let base = path.hasPrefix("/") ? URL(fileURLWithPath: path)
            : URL(fileURLWithPath: FileManager.default.currentDirectoryPath).appendingPathComponent(path)
        return base.standardizedFileURL.path
    }

    /// A word quoted for bash (single quotes).
    public static func quote(_ s: String) -> String { "'" + s.replacingOccurrences(of: "'", with: "'\\''") + "'" }

    func header(name: String, output: String) -> String {
        var s = "#!/bin/bash\n#SBATCH --job-name=\(name)\n#SBATCH --output=\(output)\n"
        if let partition { s += "#SBATCH --partition=\(partition)\n" }
        if let time { s += "#SBATCH --time=\(time)\n" }
        return s
    }

    /// `sweep.sbatch`: the array job, one shard per task.
    public var sweepScript: String {
        var s = header(name: "suanli-sweep", output: out + "/logs/%A_%a.out")
        s += "#SBATCH --array=0-\(shards - 1)" + (throttle.map { "%\($0)" } ?? "") + "\n"
        s += """
            set -euo pipefail
            SUANLI=\(Self.quote(binary))
            SWEEP=\(Self.quote(sweepFile))
            OUT=\(Self.quote(out))
            cd "$(dirname "$SWEEP")"
            exec "$SUANLI" sweep "$SWEEP" --shard "$SLURM_ARRAY_TASK_ID" --shards \(shards) \\
                --out "$OUT/shards/$SLURM_ARRAY_TASK_ID" --threads "${SLURM_CPUS_PER_TASK:-1}" --quiet

            """
        return s
    }

    /// `merge.sbatch`: merges `OUT/shards/*` into `OUT/merged` (submitted with `afterok` on the array).
    public var mergeScript: String {
        header(name: "suanli-merge", output: out + "/logs/merge_%j.out") + """
            set -euo pipefail
            SUANLI=\(Self.quote(binary))
            SWEEP=\(Self.quote(sweepFile))
            OUT=\(Self.quote(out))
            cd "$(dirname "$SWEEP")"
            shards=()
            for i in $(seq 0 \(shards - 1)); do shards+=("$OUT/shards/$i"); done
            exec "$SUANLI" merge "${shards[@]}" --out "$OUT/merged"

            """
    }

    /// `failed.sbatch`: after a failed array, writes `OUT/FAILED` naming the shards without a manifest.
    public var failedScript: String {
        header(name: "suanli-failed", output: out + "/logs/failed_%j.out") + """
            set -uo pipefail
            OUT=\(Self.quote(out))
            failed=()
            for i in $(seq 0 \(shards - 1)); do
                [ -f "$OUT/shards/$i/manifest.json" ] || failed+=("$i")
            done
            {
                echo "shards without manifest.json (failed or not run): ${failed[*]:-none}"
                if [ ${#failed[@]} -gt 0 ]; then
                    ids=$(IFS=,; echo "${failed[*]}")
                    echo "resubmit: sbatch --array=$ids $OUT/sweep.sbatch"
                    echo "then:     sbatch $OUT/merge.sbatch"
                fi
            } > "$OUT/FAILED"
            cat "$OUT/FAILED"

            """
    }

    /// `submit.sh`: submits the three scripts, chained, and prints the job ids.
    public var submitScript: String {
        """
        #!/bin/bash
        set -euo pipefail
        OUT=\(Self.quote(out))
        mkdir -p "$OUT/logs" "$OUT/shards"
        rm -f "$OUT/FAILED"
        array=$(sbatch --parsable "$OUT/sweep.sbatch")
        array=${array%%;*}
        merge=$(sbatch --parsable --dependency=afterok:$array --kill-on-invalid-dep=yes "$OUT/merge.sbatch")
        merge=${merge%%;*}
        failed=$(sbatch --parsable --dependency=afternotok:$array --kill-on-invalid-dep=yes "$OUT/failed.sbatch")
        failed=${failed%%;*}
        echo "array job:  $array (\(shards) shards)"
        echo "merge job:  $merge (after all shards succeed; results in $OUT/merged)"
        echo "failed job: $failed (if any shard fails; writes $OUT/FAILED)"
        echo "watch:      squeue -j $array,$merge,$failed"

        """
    }

    /// Writes the four scripts into `out` (created, with `logs/`), executable.
    /// - Returns: their paths.
    @discardableResult
    public func write() throws(SweepError) -> [String] {
        let fm = FileManager.default
        do { try fm.createDirectory(atPath: out + "/logs", withIntermediateDirectories: true) } catch {
            throw SweepError("cannot create \(out)/logs: \(error)")
        }
        var paths: [String] = []
        for (name, text) in [("sweep.sbatch", sweepScript), ("merge.sbatch", mergeScript),
                             ("failed.sbatch", failedScript), ("submit.sh", submitScript)] {
            let path = out + "/" + name
            guard fm.createFile(atPath: path, contents: Data(text.utf8), attributes: [.posixPermissions: 0o755]) else {
                throw SweepError("cannot write \(path)")
            }
            paths.append(path)
        }
        return paths
    }
}
