import Foundation

/// The Slurm job scripts of a sharded sweep (`suanli sweep FILE --slurm --out OUT`): an array job
/// running one shard per task into `OUT/shards/I`, a merge job after all succeed that puts the merged
/// sweep into `OUT`, a job that records failed shards in `OUT/FAILED`, and `submit.sh` that submits
/// the three chained. Tested against a real one-node Slurm (Tests/SuanliTests/SlurmClusterTests.swift).
///
/// The scripts do not know the tool that runs a shard or merges them: the caller gives both
/// command lines (bash), which may use these variables:
/// - in ``shardCommand``: `SWEEP` (the sweep file), `OUT`, `SHARD` (the task's shard index),
///   `SHARDS` (the shard count), `SHARD_OUT` (the shard's folder, `$OUT/shards/$SHARD`) and
///   `THREADS` (the task's CPUs);
/// - in ``mergeCommand``: `SWEEP`, `OUT`, `SHARD_FOLDERS` (a bash array of every shard's folder,
///   in shard order) and `MERGED` (the folder to merge into, which must not exist; it is then
///   moved into `OUT`).
/// Both run in the sweep file's folder.
public struct SlurmScript: Sendable {
    /// The command that runs shard `$SHARD` into `$SHARD_OUT` (bash; see above).
    public var shardCommand: String
    /// The command that merges `${SHARD_FOLDERS[@]}` into `$MERGED` (bash; see above).
    public var mergeCommand: String
    /// Absolute path of the sweep file.
    public var sweepFile: String
    /// Absolute path of the output folder.
    public var out: String
    public var shards: Int
    public var partition: String?
    public var time: String?
    public var throttle: Int?

    public init(shardCommand: String, mergeCommand: String, sweepFile: String, out: String, shards: Int,
                partition: String? = nil, time: String? = nil, throttle: Int? = nil) {
        self.shardCommand = shardCommand; self.mergeCommand = mergeCommand; self.sweepFile = sweepFile; self.out = out; self.shards = shards
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

    /// The `#SBATCH` lines of every script; `output` in double quotes if it holds white space (sbatch
    /// splits `#SBATCH` lines at white space outside quotes).
    func header(name: String, output: String) -> String {
        let output = output.contains(where: \.isWhitespace) ? "\"\(output)\"" : output
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
            SWEEP=\(Self.quote(sweepFile))
            OUT=\(Self.quote(out))
            SHARD="$SLURM_ARRAY_TASK_ID"
            SHARDS=\(shards)
            SHARD_OUT="$OUT/shards/$SHARD"
            THREADS="${SLURM_CPUS_PER_TASK:-1}"
            cd "$(dirname "$SWEEP")"
            \(shardCommand)

            """
        return s
    }

    /// `merge.sbatch`: merges `OUT/shards/*` into `OUT` itself (submitted with `afterok` on the array).
    ///
    /// The merge command builds the merged folder in `OUT/.merge-<job id>` (`$MERGED`; a merge does not
    /// write into a folder holding scripts and shards); its files then move into `OUT`, `manifest.json`
    /// last, so `OUT` holds a complete merged sweep once its `manifest.json` is there.
    public var mergeScript: String {
        header(name: "suanli-merge", output: out + "/logs/merge_%j.out") + """
            set -euo pipefail
            SWEEP=\(Self.quote(sweepFile))
            OUT=\(Self.quote(out))
            cd "$(dirname "$SWEEP")"
            SHARD_FOLDERS=()
            for i in $(seq 0 \(shards - 1)); do SHARD_FOLDERS+=("$OUT/shards/$i"); done
            MERGED="$OUT/.merge-${SLURM_JOB_ID:-$$}"
            rm -rf "$MERGED"
            \(mergeCommand)
            rm -f "$OUT/manifest.json" "$OUT/FAILED"
            for f in "$MERGED"/*; do
                [ "$(basename "$f")" = manifest.json ] || mv -f "$f" "$OUT/"
            done
            mv -f "$MERGED/manifest.json" "$OUT/manifest.json"
            rmdir "$MERGED"
            echo "merged sweep in $OUT"

            """
    }

    /// `failed.sbatch ARRAY MERGE`: runs when the array or the merge job fails (`afternotok` on either) and
    /// writes `OUT/FAILED`: its first line `failed shards: I J …` (or `none` when only the merge failed), then
    /// each failed shard's Slurm state and log, and the commands to resubmit them and merge.
    ///
    /// A shard has failed when Slurm reports its task in any state but COMPLETED (`scontrol show job ARRAY`
    /// knows finished tasks for `MinJobAge`, 300 s by default); for a task Slurm no longer knows, when its
    /// folder has no `manifest.json`.
    public var failedScript: String {
        header(name: "suanli-failed", output: out + "/logs/failed_%j.out") + """
            set -uo pipefail
            OUT=\(Self.quote(out))
            array="${1:-}"
            merge="${2:-}"
            declare -A state=() code=()
            if [ -n "$array" ]; then
                while read -r line; do
                    [[ $line =~ ArrayTaskId=([0-9]+)[[:space:]] ]] || continue
                    i=${BASH_REMATCH[1]}
                    [[ $line =~ JobState=([A-Z_]+) ]] && state[$i]=${BASH_REMATCH[1]}
                    [[ $line =~ ExitCode=([0-9:]+) ]] && code[$i]=${BASH_REMATCH[1]}
                done < <(scontrol -o show job "$array" 2>/dev/null)
            fi
            failed=()
            details=()
            for i in $(seq 0 \(shards - 1)); do
                if [ -n "${state[$i]:-}" ]; then
                    [ "${state[$i]}" = COMPLETED ] && continue
                    details+=("shard $i: ${state[$i]}, exit code ${code[$i]:-?}; log: $OUT/logs/${array}_$i.out")
                elif [ -f "$OUT/shards/$i/manifest.json" ]; then
                    continue
                else
                    details+=("shard $i: no $OUT/shards/$i/manifest.json (failed or not run)")
                fi
                failed+=("$i")
            done
            {
                echo "failed shards: ${failed[*]:-none}"
                for d in "${details[@]}"; do echo "$d"; done
                if [ ${#failed[@]} -gt 0 ]; then
                    ids=$(IFS=,; echo "${failed[*]}")
                    echo "resubmit them, then merge:"
                    echo "  cd $(printf %q "$OUT") && jid=\\$(sbatch --parsable --array=$ids sweep.sbatch) &&" \\
                        "sbatch --dependency=afterok:\\$jid --kill-on-invalid-dep=yes merge.sbatch"
                else
                    echo "every shard completed, but the merge job${merge:+ $merge} failed: see $OUT/logs/merge_${merge:-*}.out;"
                    echo "merge again with: sbatch $OUT/merge.sbatch"
                fi
            } > "$OUT/FAILED"
            cat "$OUT/FAILED"

            """
    }

    /// `submit.sh`: submits the three scripts, chained, and prints the job ids and how to watch them.
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
        failed=$(sbatch --parsable --dependency="afternotok:$array?afternotok:$merge" --kill-on-invalid-dep=yes \\
            "$OUT/failed.sbatch" "$array" "$merge")
        failed=${failed%%;*}
        echo "array job:  $array (\(shards) shards, logs in $OUT/logs/${array}_I.out)"
        echo "merge job:  $merge (after all shards succeed; merged results in $OUT)"
        echo "failed job: $failed (if a shard or the merge fails; writes $OUT/FAILED)"
        echo "watch:      squeue -j $array,$merge,$failed"

        """
    }

    /// Writes the four scripts into `out` (created, with `logs/`), executable.
    /// - Returns: their paths.
    @discardableResult
    public func write() throws(SweepError) -> [String] {
        let fm = FileManager.default
        do { try fm.createDirectory(atPath: out + "/logs", withIntermediateDirectories: true) } catch {
            throw SweepError.io("create", out + "/logs", error)
        }
        var paths: [String] = []
        for (name, text) in [("sweep.sbatch", sweepScript), ("merge.sbatch", mergeScript),
                             ("failed.sbatch", failedScript), ("submit.sh", submitScript)] {
            let path = out + "/" + name
            guard fm.createFile(atPath: path, contents: Data(text.utf8), attributes: [.posixPermissions: 0o755]) else {
                throw SweepError.io("write", path)
            }
            paths.append(path)
        }
        return paths
    }
}
