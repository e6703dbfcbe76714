// End-to-end robustness of `suanli sweep`: killed at any moment and started again it ends with
// the bytes of an uninterrupted run; a second sweep into the same output is refused while the
// first runs; Ctrl-C stops it and says how to resume; memory does not grow with the sweep.

import Foundation
import Stochastics
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// MARK: - Helpers

/// A sweep file over the Erlang loss scenario, written into `dir` (base given by absolute path).
private func writeErlangSweep(_ dir: TemporaryDirectory, name: String = "resume.yaml", base: String? = nil,
                              units: [Int], rates: [Int], replications: Int) throws -> String {
    let basePath = base ?? packageFile("Scenarios/validation/erlang-loss.yaml").path
    let text = """
        base: \(basePath)
        design: grid
        replications: \(replications)
        seed: 5
        parameters:
          - path: providers[lessor].fleet[0].units
            values: [\(units.map(String.init).joined(separator: ", "))]
          - path: demand.segments[tenants].rate
            values: [\(rates.map(String.init).joined(separator: ", "))]
        """
    return try dir.write(name, text).path
}

private func bytes(_ path: String) -> [UInt8] { [UInt8](FileManager.default.contents(atPath: path) ?? Data()) }

private func exists(_ path: String) -> Bool { FileManager.default.fileExists(atPath: path) }

/// The manifest without its `runtime` object (the fields that vary between identical runs).
private func manifestWithoutRuntime(_ folder: String) throws -> NSDictionary {
    var json = try jsonObject(Data(bytes(folder + "/manifest.json")))
    json["runtime"] = nil
    return json as NSDictionary
}

/// The complete lines of a sweep journal (header and chunk lines), or [] when there is none.
private func journalLines(_ partial: String) -> [String] {
    let text = String(decoding: bytes(partial + "/journal.txt"), as: UTF8.self)
    return text.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init)
}

/// Points recorded in a journal's chunk lines.
private func journalPoints(_ lines: [String]) -> Int {
    lines.dropFirst().reduce(0) { $0 + (Int($1.split(separator: " ")[2]) ?? 0) }
}

/// Bytes in the partial folder's data files beyond the sizes its journal line `lastLine` records.
private func unjournalledBytes(_ partial: String, lastLine: String) -> Int {
    let fields = lastLine.split(separator: " ")
    guard fields.count == 7 else { return 0 }
    let recorded = fields[5].split(separator: ",").compactMap { Int($0) }.reduce(0, +)
    let names = ((try? FileManager.default.contentsOfDirectory(atPath: partial)) ?? []).filter { $0.hasSuffix(".csv") }
    let sizes = names.compactMap { (try? FileManager.default.attributesOfItem(atPath: partial + "/" + $0))?[.size] as? Int }
    return sizes.reduce(0, +) - recorded
}

/// A `suanli` process started in the background, its output going to files.
private final class Running {
    let process = Process()
    let errURL: URL
    let started = ContinuousClock.now

    /// - Parameter stopAt: the `SUANLI_TEST_STOP_AT` hook: the process kills itself (SIGKILL) when the
    ///   sweep reaches that step (`started`, `saved:N`, `assembling`, `committed`).
    init(_ arguments: [String], in dir: TemporaryDirectory, tag: String, stopAt: String? = nil) throws {
        errURL = dir.file("stderr-\(tag)")
        if let stopAt {
            var environment = ProcessInfo.processInfo.environment
            environment["SUANLI_TEST_STOP_AT"] = stopAt
            process.environment = environment
        }
        try Data().write(to: errURL)
        process.executableURL = try SuanliBinary.require()
        process.arguments = arguments
        process.currentDirectoryURL = dir.url
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        process.standardError = try FileHandle(forWritingTo: errURL)
        try process.run()
    }

    var stderr: String { String(decoding: (try? Data(contentsOf: errURL)) ?? Data(), as: UTF8.self) }

    func signal(_ sig: Int32) { kill(process.processIdentifier, sig) }

    /// Waits for the process (killed after `timeout` seconds, a guard against a hang on a loaded machine,
    /// not a bound the test asserts) and returns its status.
    @discardableResult
    func wait(timeout: Double = 900) -> Int32 {
        while process.isRunning {
            if seconds(since: started) > timeout { process.terminate() }
            usleep(1_000)
        }
        process.waitUntilExit()
        return process.terminationStatus
    }
}

/// A child's exit status and peak resident memory (KiB).
///
/// On Linux the peak is `VmHWM` of `/proc/<pid>/status`, read every millisecond while the child
/// runs (it only grows, so the last reading is the peak up to then). Not `wait4`'s `ru_maxrss`:
/// `posix_spawn` starts the child in this process's memory (vfork), and Linux carries that
/// memory's high-water mark over into the child's at exec, so a child smaller than this test
/// process would read as large as it.
/// Paths in `arguments` must be absolute: the child runs in this process's directory (changing it
/// would race with the tests running beside this one).
private func runMeasured(_ arguments: [String]) throws -> (status: Int32, maxRSSKiB: Int) {
    let binary = try SuanliBinary.require().path
    let argv = ([binary] + arguments).map { strdup($0) } + [nil]
    defer { for a in argv { free(a) } }
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
    posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
    var pid: pid_t = 0
    let rc = posix_spawn(&pid, binary, &actions, nil, argv, environ)
    try #require(rc == 0, "posix_spawn failed: \(rc)")
    var status: Int32 = 0
    var usage = rusage()
    var peak = 0
    #if os(Linux)
    /// VmHWM of the running child, in KiB.
    func highWater() -> Int? {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
              let line = text.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }) else { return nil }
        return Int(line.dropFirst(6).trimmingCharacters(in: .whitespaces).split(separator: " ").first ?? "")
    }
    while true {
        if let kib = highWater() { peak = max(peak, kib) }
        let r = wait4(pid, &status, WNOHANG, &usage)
        if r == pid || (r < 0 && errno != EINTR) { break }
        usleep(1_000)
    }
    #else
    while wait4(pid, &status, 0, &usage) < 0 && errno == EINTR {}
    peak = Int(usage.ru_maxrss) / 1024
    #endif
    let exited = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
    return (exited, peak)
}


// MARK: - Tests

@Suite("Sweeps: kill and resume, lock, Ctrl-C, memory", .serialized)
struct SweepResumeEndToEndTests {
    @Test("killed at every step and restarted, a sweep ends with the bytes of an uninterrupted run")
    func killAndResume() throws {
        let dir = try TemporaryDirectory(prefix: "suanli-resume")
        defer { dir.remove() }
        // 32 points × 8 replications: chunks of 2 points, 16 chunks; --monthly makes the final step
        // (sensitivity.csv reads market_monthly.csv) write more.
        let sweep = try writeErlangSweep(dir, units: [80, 100, 120, 140], rates: [480, 600, 720, 840, 960, 1080, 1200, 1320],
                                         replications: 8)
        func command(_ out: String) -> [String] { ["sweep", sweep, "--out", out, "--threads", "2", "--monthly"] }

        let reference = try Running(command("reference") + ["--quiet"], in: dir, tag: "ref")
        #expect(reference.wait() == 0, "\(reference.stderr)")
        #expect(reference.stderr.isEmpty, "--quiet prints nothing on standard error: \(reference.stderr)")
        let ref = dir.file("reference").path
        let files = try FileManager.default.contentsOfDirectory(atPath: ref).sorted()
        #expect(files.contains("market_monthly.csv") && files.contains("sensitivity.csv"))

        let out = dir.file("out").path
        let partial = dir.file(".out.sweep-partial").path
        /// Every file visible in the output folder equals the reference: nothing partial shows.
        func checkVisibleOutput(_ when: String) {
            guard exists(out) else { return }
            for f in files where f != "manifest.json" {
                #expect(bytes(out + "/" + f) == bytes(ref + "/" + f), "\(f) in the output differs \(when)")
            }
            #expect(exists(out + "/manifest.json"), "output without manifest \(when)")
        }

        // Kill points, each a step the sweep reports (SUANLI_TEST_STOP_AT): as it starts, after chunks
        // are journalled (early, in the middle, at the last chunk), while the output is assembled and
        // after it is committed but before the partial folder goes; and in between, a run to the end.
        // (A run that finds every point saved reports no `saved` step, so `saved:32` comes before `assembling`.)
        let steps = ["started", "saved:4", "saved:10", "saved:10", "saved:32", "assembling", "assembling",
                     "committed", nil, "saved:6", "assembling", nil]
        var before = journalLines(partial)
        for (attempt, step) in steps.enumerated() {
            let run = try Running(command("out"), in: dir, tag: "\(attempt)", stopAt: step)
            let status = run.wait()
            let pid = run.process.processIdentifier
            guard let step else {
                #expect(status == 0, "attempt \(attempt): \(run.stderr)")
                #expect(exists(out) && !exists(partial))
                checkVisibleOutput("after attempt \(attempt)")
                before = []
                continue
            }
            // The hook fired: the step was reached, and the process died there.
            #expect(run.process.terminationReason == .uncaughtSignal && status == SIGKILL,
                    "attempt \(attempt): \(step) was not reached (status \(status)): \(run.stderr)")
            checkVisibleOutput("after attempt \(attempt) (\(step))")
            let after = journalLines(partial)
            switch step {
            case "started":
                #expect(exists(partial + "/lock"), "attempt \(attempt): no partial folder at start")
            case "assembling":
                #expect(exists(dir.file(".out.tmp-\(pid)").path), "attempt \(attempt): no temporary output")
                #expect(journalPoints(after) == 32)
            case "committed":
                #expect(exists(out) && exists(partial), "attempt \(attempt): committed, partial folder not yet removed")
            default:
                let wanted = Int(step.split(separator: ":")[1])!
                #expect(journalPoints(after) >= wanted, "attempt \(attempt): \(journalPoints(after)) points journalled")
            }
            // A finished chunk is never run again: the journal a restart found is kept line for
            // line (its timings would differ if a chunk ran again), and the restart said so.
            if !before.isEmpty, exists(partial), after.count > 1 {
                #expect(after.starts(with: before), "attempt \(attempt): the journal lost or rewrote recorded chunks")
            }
            if journalPoints(before) > 0, let first = run.stderr.split(separator: "\n").first {
                #expect(first == "resuming: \(journalPoints(before)) of 32 points were done before",
                        "attempt \(attempt): \(run.stderr)")
            }
            before = after
        }
        // Ctrl-C once chunks are journalled: the process ends, removes nothing finished and says how to resume.
        let interrupted = try Running(command("out"), in: dir, tag: "interrupt")
        while interrupted.process.isRunning && journalPoints(journalLines(partial)) < 2 { usleep(500) }
        interrupted.signal(SIGINT)
        let status = interrupted.wait()
        if status != 0 {
            #expect(status == 128 + SIGINT, "Ctrl-C exit status \(status)")
            let err = interrupted.stderr
            #expect(err.contains("interrupted; "), "\(err)")
            #expect(err.contains("are saved in \(partial)"), "\(err)")
            #expect(err.contains("run the same command again"), "\(err)")
            #expect(err.contains("sweep \(sweep) --out out --threads 2 --monthly"), "\(err)")
        }
        // Whatever is left: run to the end.
        let last = try Running(command("out"), in: dir, tag: "last")
        #expect(last.wait() == 0, "\(last.stderr)")

        for f in files where f != "manifest.json" {
            #expect(bytes(out + "/" + f) == bytes(ref + "/" + f), "\(f) differs from the uninterrupted run")
        }
        #expect(try manifestWithoutRuntime(out) == manifestWithoutRuntime(ref))
        // No partial folder, lock, temporary or set-aside folder is left behind.
        let left = try FileManager.default.contentsOfDirectory(atPath: dir.url.path).filter { $0.hasPrefix(".") }
        #expect(left.isEmpty, "left behind: \(left)")
    }

    @Test("a Sobol sweep killed (SIGKILL) as it starts, once points are saved and as its output is assembled resumes to the same bytes")
    func killAndResumeSobol() throws {
        let dir = try TemporaryDirectory(prefix: "suanli-resume-sobol")
        defer { dir.remove() }
        // N = 8 base rows × (3 + 2) = 40 points over the smallest market that can fail.
        let sweep = try writeSmallOwnerSweep(dir, name: "sobol.yaml", design: "design: sobol\nbase_points: 8", replications: 3, seed: 9)
        func command(_ out: String) -> [String] { ["sweep", sweep, "--out", out, "--threads", "2", "--monthly", "--quiet"] }
        let reference = try Running(command("reference"), in: dir, tag: "ref")
        #expect(reference.wait() == 0, "\(reference.stderr)")
        let ref = dir.file("reference").path, out = dir.file("out").path
        let files = try FileManager.default.contentsOfDirectory(atPath: ref).sorted()
        #expect(files.contains("sobol.csv") && files.contains("sensitivity.csv"))
        for (attempt, step) in ["started", "saved:1", "assembling"].enumerated() {
            let run = try Running(command("out"), in: dir, tag: "\(attempt)", stopAt: step)
            let status = run.wait()
            #expect(run.process.terminationReason == .uncaughtSignal && status == SIGKILL,
                    "attempt \(attempt): \(step) was not reached (status \(status)): \(run.stderr)")
            #expect(!exists(out), "attempt \(attempt): an output folder after a kill at \(step)")
        }
        let last = try Running(command("out"), in: dir, tag: "last")
        #expect(last.wait() == 0, "\(last.stderr)")
        for f in files where f != "manifest.json" {
            #expect(bytes(out + "/" + f) == bytes(ref + "/" + f), "\(f) differs from the uninterrupted run")
        }
        #expect(try manifestWithoutRuntime(out) == manifestWithoutRuntime(ref))
    }

    @Test("a write the disk refuses names the file and keeps the partial folder; the same command then resumes")
    func writeFailure() throws {
        let dir = try TemporaryDirectory(prefix: "suanli-full")
        defer { dir.remove() }
        let sweep = try writeErlangSweep(dir, units: [80, 100, 120], rates: [480, 720, 960, 1200], replications: 8)
        func command(_ out: String) -> [String] { ["sweep", sweep, "--out", out, "--threads", "2", "--monthly", "--quiet"] }
        let reference = try Running(command("reference"), in: dir, tag: "ref")
        #expect(reference.wait() == 0, "\(reference.stderr)")

        // A partial folder with some chunks journalled.
        let partial = dir.file(".out.sweep-partial").path
        let first = try Running(command("out"), in: dir, tag: "first", stopAt: "saved:2")
        #expect(first.wait() == SIGKILL, "\(first.stderr)")
        let recorded = journalPoints(journalLines(partial))
        try #require(recorded >= 2 && recorded < 12, "\(recorded) points journalled")

        // Then a file-size limit just above the largest file there, so the next chunk's bytes do not fit:
        // the kernel refuses the write (EFBIG, SIGXFSZ ignored) as a full disk would (ENOSPC).
        let names = try FileManager.default.contentsOfDirectory(atPath: partial)
        let largest = names.compactMap { (try? FileManager.default.attributesOfItem(atPath: partial + "/" + $0))?[.size] as? Int }.max() ?? 0
        let blocks = largest / 512 + 2
        let binary = try SuanliBinary.require().path
        let script = "ulimit -f \(blocks) && trap '' XFSZ && exec " + ([binary] + command("out")).map { "'\($0)'" }.joined(separator: " ")
        let full = try runProcess(URL(fileURLWithPath: "/bin/sh"), ["-c", script], in: dir.url)
        #expect(full.status == 1, "\(full)")
        #expect(full.stderr.contains("suanli: error: cannot write \(partial)/"), "names the file: \(full)")
        #expect(full.stderr.contains("File too large"), "\(full)")
        #expect(!full.stderr.contains("NSCocoaErrorDomain"), "\(full)")
        #expect(full.stderr.contains("kept in \(partial)"), "\(full)")
        #expect(exists(partial) && !exists(dir.file("out").path))
        #expect(journalPoints(journalLines(partial)) >= recorded, "no journalled point was lost")

        let rest = try Running(command("out"), in: dir, tag: "rest")
        #expect(rest.wait() == 0, "\(rest.stderr)")
        for f in try FileManager.default.contentsOfDirectory(atPath: dir.file("reference").path) where f != "manifest.json" {
            #expect(bytes(dir.file("out/" + f).path) == bytes(dir.file("reference/" + f).path), "\(f) differs")
        }
    }

    @Test("a live sweep's lock refuses a second sweep into the same output; a dead one's is taken over")
    func lock() throws {
        let dir = try TemporaryDirectory(prefix: "suanli-lock")
        defer { dir.remove() }
        let sweep = packageFile("Scenarios/sweeps/smoke.yaml").path
        let partial = dir.file(".out.sweep-partial").path
        try FileManager.default.createDirectory(atPath: partial, withIntermediateDirectories: false)
        let lockPath = partial + "/lock"

        // Held by a live process (this one): refused, naming the folder's lock and the process.
        let fd = open(lockPath, O_RDWR | O_CREAT, 0o644)
        try #require(fd >= 0)
        #expect(flock(fd, LOCK_EX | LOCK_NB) == 0)
        _ = "\(getpid())\n".withCString { write(fd, $0, strlen($0)) }
        let refused = try suanli(["sweep", sweep, "--out", dir.file("out").path, "--quiet"])
        #expect(refused.status != 0, "\(refused)")
        #expect(refused.stderr.contains("already running in process \(getpid())"), "\(refused)")
        #expect(refused.stderr.contains(lockPath), "\(refused)")
        #expect(!exists(dir.file("out").path))
        close(fd)

        // Left by a dead process: its pid is in the file, but no process holds the lock.
        let dead = Process()
        dead.executableURL = URL(fileURLWithPath: "/bin/sh")
        dead.arguments = ["-c", "exit 0"]
        try dead.run()
        dead.waitUntilExit()
        try Data("\(dead.processIdentifier)\n".utf8).write(to: URL(fileURLWithPath: lockPath))
        let taken = try suanli(["sweep", sweep, "--out", dir.file("out").path, "--quiet"])
        #expect(taken.status == 0, "\(taken)")
        #expect(exists(dir.file("out/summary.csv").path))
        #expect(!exists(partial), "the partial folder and its lock are removed at the end")

        // Without --quiet: progress in points and runs per second (not a terminal: whole lines).
        let chatty = try suanli(["sweep", sweep, "--out", dir.file("chatty").path])
        #expect(chatty.status == 0, "\(chatty)")
        let last = chatty.stderr.split(separator: "\n").last.map(String.init) ?? ""
        #expect(last.hasPrefix("points 8/8 (100%), ") && last.hasSuffix(" runs/s"), "\(chatty)")
        #expect(!chatty.stderr.contains("\r"), "\(chatty)")
    }

    /// Two sweeps over a one-year Erlang loss system, where a replication is cheap so the sweep's own
    /// bookkeeping shows: 100 points × 10 replications and 1,000 × 10.
    private func writeSmallAndLargeSweeps(_ dir: TemporaryDirectory) throws -> (small: String, large: String) {
        let base = try dir.write("tiny.yaml", """
            extends: \(packageFile("Scenarios/validation/erlang-loss.yaml").path)
            name: tiny
            horizon_months: 12
            """).path
        let units = Array(8..<18)
        return (try writeErlangSweep(dir, name: "small.yaml", base: base, units: units, rates: Array(40..<50),
                                     replications: 10),
                try writeErlangSweep(dir, name: "large.yaml", base: base, units: units, rates: Array(40..<140),
                                     replications: 10))
    }

    @Test("peak memory does not grow with the number of points or replications")
    func flatMemory() throws {
        let dir = try TemporaryDirectory(prefix: "suanli-memory")
        defer { dir.remove() }
        let (small, large) = try writeSmallAndLargeSweeps(dir)
        let s = try runMeasured(["sweep", small, "--out", dir.file("small").path, "--threads", "2", "--quiet"])
        let l = try runMeasured(["sweep", large, "--out", dir.file("large").path, "--threads", "2", "--quiet"])
        #expect(s.status == 0 && l.status == 0)
        #expect(s.maxRSSKiB > 0)
        let points = try CSVTable(url: dir.file("large/points.csv"))
        #expect(points.rows.count == 1000)
        // 10× the points and runs (and ≈ 10× the output): within 1.3× the memory.
        #expect(Double(l.maxRSSKiB) <= 1.3 * Double(s.maxRSSKiB),
                "peak RSS \(s.maxRSSKiB) KiB for 100 × 10, \(l.maxRSSKiB) KiB for 1,000 × 10")
    }

    @Test("merge's peak memory does not grow with the number of points")
    func flatMergeMemory() throws {
        let dir = try TemporaryDirectory(prefix: "suanli-merge-memory")
        defer { dir.remove() }
        let (small, large) = try writeSmallAndLargeSweeps(dir)
        /// Runs `file` as three shards, then merges them measured; the merged summary's rows, for a check.
        func shardAndMerge(_ file: String, _ name: String) throws -> (rss: Int, status: Int32, points: Int) {
            var shards: [String] = []
            for i in 0..<3 {
                let out = dir.file("\(name)-\(i)").path
                let r = try suanli(["sweep", file, "--shard", "\(i)", "--shards", "3", "--out", out, "--threads", "2",
                                    "--quiet"])
                try #require(r.status == 0, "\(r)")
                shards.append(out)
            }
            let merged = try runMeasured(["merge"] + shards + ["--out", dir.file("\(name)-merged").path, "--quiet"])
            let points = try CSVTable(url: dir.file("\(name)-merged/points.csv")).rows.count
            return (merged.maxRSSKiB, merged.status, points)
        }
        let s = try shardAndMerge(small, "small")
        let l = try shardAndMerge(large, "large")
        #expect(s.status == 0 && l.status == 0)
        #expect(s.points == 100 && l.points == 1000)
        #expect(s.rss > 0)
        // 10× the points and runs to read and write: within 1.3× the memory.
        #expect(Double(l.rss) <= 1.3 * Double(s.rss),
                "merge peak RSS \(s.rss) KiB for 100 points × 10, \(l.rss) KiB for 1,000 × 10")

        // Without --quiet, each phase's progress on standard error (not a terminal: whole lines).
        let shards = (0..<3).map { dir.file("small-\($0)").path }
        let chatty = try suanli(["merge"] + shards + ["--out", dir.file("chatty").path])
        #expect(chatty.status == 0, "\(chatty)")
        let lines = chatty.stderr.split(separator: "\n").map(String.init)
        #expect(lines.contains { $0.hasPrefix("points checked 100/100 (100%)") }, "\(chatty)")
        #expect(lines.last?.hasPrefix("files merged 5/5 (100%)") == true, "\(chatty)")
    }
}
