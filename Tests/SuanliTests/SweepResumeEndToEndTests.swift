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

    init(_ arguments: [String], in dir: TemporaryDirectory, tag: String) throws {
        errURL = dir.file("stderr-\(tag)")
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

    /// Waits for the process (killed after `timeout` seconds) and returns its status.
    @discardableResult
    func wait(timeout: Double = 120) -> Int32 {
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
    /// Where a kill landed, read from the files it left.
    enum Phase: String { case starting, chunks, final, committed, finished }

    @Test("killed at any moment and restarted, a sweep ends with the bytes of an uninterrupted run")
    func killAndResume() throws {
        let dir = try TemporaryDirectory(prefix: "suanli-resume")
        defer { dir.remove() }
        // 32 points × 8 replications: chunks of 2 points, 16 chunks, about 2 s on two threads; --monthly
        // makes the final step (sensitivity.csv reads market_monthly.csv) long enough to be hit.
        let sweep = try writeErlangSweep(dir, units: [80, 100, 120, 140], rates: [480, 600, 720, 840, 960, 1080, 1200, 1320],
                                         replications: 8)
        func command(_ out: String) -> [String] { ["sweep", sweep, "--out", out, "--threads", "2", "--monthly"] }

        let reference = try Running(command("reference") + ["--quiet"], in: dir, tag: "ref")
        #expect(reference.wait() == 0, "\(reference.stderr)")
        #expect(reference.stderr.isEmpty, "--quiet prints nothing on standard error: \(reference.stderr)")
        let referenceSeconds = seconds(since: reference.started)
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
        /// Whether process `pid` has made its temporary output folder (the final step began).
        func temporaryOutputExists(_ pid: Int32) -> Bool { exists(dir.file(".out.tmp-\(pid)").path) }
        /// Where process `pid` was stopped, read from the partial folder first (a run after a finished
        /// one starts a new partial folder while the old output stays).
        func phase(_ pid: Int32) -> Phase {
            if temporaryOutputExists(pid) { return .final }
            guard exists(partial) else { return exists(out) ? .finished : .starting }
            if journalPoints(journalLines(partial)) == 32 { return exists(out) ? .committed : .final }
            let written = ((try? FileManager.default.contentsOfDirectory(atPath: partial)) ?? []).filter { $0.hasSuffix(".csv") }
                .compactMap { (try? FileManager.default.attributesOfItem(atPath: partial + "/" + $0))?[.size] as? Int }
            return written.reduce(0, +) > 0 ? .chunks : .starting
        }

        // Kill triggers: seeded moments spread over the measured run time, and moments read off the
        // files: right after a journal line lands, while chunk bytes are written but not yet
        // journalled, and while the output is being assembled (its temporary folder exists).
        enum Trigger { case after(Double), journalGrew, unjournalledBytes, finalStep, interrupt(Double) }
        var clock = SplitMix64(seed: 2024)
        var triggers: [Trigger] = (0..<6).map { _ in .after(0.05 + clock.nextUnit() * referenceSeconds * 1.1) }
        triggers.insert(.journalGrew, at: 2)
        triggers.insert(.unjournalledBytes, at: 4)
        triggers.insert(.interrupt(0.3 + clock.nextUnit() * referenceSeconds * 0.5), at: 5)
        triggers += [.finalStep, .finalStep, .finalStep]

        var landed: [Phase] = []
        var before = journalLines(partial)
        for (attempt, trigger) in triggers.enumerated() {
            let run = try Running(command("out"), in: dir, tag: "\(attempt)")
            var sig = SIGKILL
            poll: while run.process.isRunning {
                switch trigger {
                case .after(let t):
                    if seconds(since: run.started) >= t { break poll }
                case .interrupt(let t):
                    sig = SIGINT
                    if seconds(since: run.started) >= t { break poll }
                case .journalGrew:
                    let now = journalLines(partial)
                    if now.count > max(before.count, 1), now.starts(with: before) || before.isEmpty { break poll }
                case .unjournalledBytes:
                    let lines = journalLines(partial)
                    if lines.count > 1, unjournalledBytes(partial, lastLine: lines.last!) > 0 { break poll }
                case .finalStep:
                    if temporaryOutputExists(run.process.processIdentifier) { break poll }
                }
                usleep(500)
            }
            let stoppedAt = seconds(since: run.started)
            run.signal(sig)
            let status = run.wait()
            let interruptedAfter = seconds(since: run.started) - stoppedAt
            let p = status == 0 ? Phase.finished : phase(run.process.processIdentifier)
            landed.append(p)
            checkVisibleOutput("after attempt \(attempt) (\(p))")

            // A finished chunk is never run again: the journal a restart found is kept line for
            // line (its timings would differ if a chunk ran again), and the restart said so.
            let after = journalLines(partial)
            if !before.isEmpty, exists(partial), after.count > 1 {
                #expect(after.starts(with: before), "attempt \(attempt): the journal lost or rewrote recorded chunks")
            }
            // (Its first line on standard error, if it lived long enough to print one.)
            if journalPoints(before) > 0, let first = run.stderr.split(separator: "\n").first {
                #expect(first == "resuming: \(journalPoints(before)) of 32 points were done before",
                        "attempt \(attempt): \(run.stderr)")
            }
            if case .interrupt = trigger, status != 0 {
                #expect(status == 128 + SIGINT, "Ctrl-C exit status \(status)")
                #expect(interruptedAfter < 5, "Ctrl-C took \(interruptedAfter) s")
                let err = run.stderr
                #expect(err.contains("interrupted; "), "\(err)")
                #expect(err.contains("are saved in \(partial)"), "\(err)")
                #expect(err.contains("run the same command again"), "\(err)")
                #expect(err.contains("sweep \(sweep) --out out --threads 2 --monthly"), "\(err)")
            }
            before = status == 0 ? [] : after
        }
        // Whatever is left: run to the end.
        let last = try Running(command("out"), in: dir, tag: "last")
        #expect(last.wait() == 0, "\(last.stderr)")
        #expect(landed.contains(.final), "no kill landed in the final step: \(landed)")
        #expect(landed.contains(.chunks), "no kill landed while chunks ran: \(landed)")

        for f in files where f != "manifest.json" {
            #expect(bytes(out + "/" + f) == bytes(ref + "/" + f), "\(f) differs from the uninterrupted run")
        }
        #expect(try manifestWithoutRuntime(out) == manifestWithoutRuntime(ref))
        // No partial folder, lock, temporary or set-aside folder is left behind.
        let left = try FileManager.default.contentsOfDirectory(atPath: dir.url.path).filter { $0.hasPrefix(".") }
        #expect(left.isEmpty, "left behind: \(left)")
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
