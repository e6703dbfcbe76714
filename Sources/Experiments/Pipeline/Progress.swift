#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Receives progress from the pipeline's writer thread (never concurrently).
public protocol ProgressReporter: AnyObject {
    func start(total: Int)
    /// Starts a run of which `done` results were written before (a resumed sweep): rates count
    /// only what this process writes.
    func start(total: Int, done: Int)
    /// `done` results of `total` have been written.
    func update(done: Int, total: Int)
    /// The run ended (completed, failed or stopped) with `done` results written.
    func finish(done: Int, total: Int)
}

extension ProgressReporter {
    public func start(total: Int, done: Int) { start(total: total) }
}

/// Progress on standard error: `replications 120/1000 (12%), 35.2/s, 25 s left`, or for a
/// sweep (``init(runsPerPoint:isTerminal:logInterval:)``) `points 12/64 (18%), 35.2 runs/s, 25 s left`.
///
/// On a terminal one line is redrawn in place (at most 10 times a second); otherwise (a log
/// file, CI) a new line is printed at most every ``logInterval`` seconds, plus a final one.
public final class StandardErrorProgress: ProgressReporter {
    /// Seconds between lines when standard error is not a terminal.
    public let logInterval: Double
    private let isTerminal: Bool
    private let label: String
    /// Set for a sweep: results are counted in runs and shown in points.
    private let runsPerPoint: Int?
    private var startDone = 0
    private let clock = ContinuousClock()
    private var started: ContinuousClock.Instant
    private var lastDraw: ContinuousClock.Instant?
    private var drewLine = false

    /// - Parameters:
    ///   - label: the counted thing (`replications`).
    ///   - isTerminal: whether to redraw in place; by default whether fd 2 is a terminal.
    public init(label: String = "replications", isTerminal: Bool? = nil, logInterval: Double = 2) {
        self.label = label
        self.runsPerPoint = nil
        self.isTerminal = isTerminal ?? (isatty(2) != 0)
        self.logInterval = logInterval
        started = clock.now
    }

    /// Progress of a sweep of `runsPerPoint` replications per point: points done, runs per
    /// second and time left.
    public init(runsPerPoint: Int, isTerminal: Bool? = nil, logInterval: Double = 2) {
        self.label = "points"
        self.runsPerPoint = max(1, runsPerPoint)
        self.isTerminal = isTerminal ?? (isatty(2) != 0)
        self.logInterval = logInterval
        started = clock.now
    }

    public func start(total: Int) { start(total: total, done: 0) }

    public func start(total: Int, done: Int) {
        started = clock.now
        startDone = done
        lastDraw = nil
        if done > 0 {
            let (d, t, unit) = runsPerPoint.map { (done / $0, total / $0, "points") } ?? (done, total, label)
            emit("resuming: \(d) of \(t) \(unit) were done before\n")
        }
    }

    private func text(done: Int, total: Int, elapsed: Double) -> String {
        if let runsPerPoint {
            return Self.sweepLine(done: done, total: total, runsPerPoint: runsPerPoint, startDone: startDone, elapsed: elapsed)
        }
        return Self.line(label: label, done: done, total: total, elapsed: elapsed)
    }

    public func update(done: Int, total: Int) {
        let now = clock.now
        let gap = isTerminal ? 0.1 : logInterval
        if let lastDraw, (now - lastDraw).seconds < gap, done < total { return }
        if lastDraw == nil, !isTerminal, done < total, (now - started).seconds < gap { return }
        lastDraw = now
        draw(text(done: done, total: total, elapsed: (now - started).seconds))
    }

    public func finish(done: Int, total: Int) {
        if isTerminal {
            if drewLine { emit("\r\u{1B}[K") }
        } else if drewLine, done < total {
            emit(text(done: done, total: total, elapsed: (clock.now - started).seconds) + " (stopped)\n")
        }
        drewLine = false
    }

    private func draw(_ text: String) {
        drewLine = true
        emit(isTerminal ? "\r\u{1B}[K" + text : text + "\n")
    }

    private func emit(_ s: String) { StandardError.write(s) }

    /// The progress text, e.g. `replications 120/1000 (12%), 35.2/s, 25 s left`.
    public static func line(label: String, done: Int, total: Int, elapsed: Double) -> String {
        let pct = total > 0 ? 100 * done / total : 100
        var s = "\(label) \(done)/\(total) (\(pct)%)"
        guard done > 0, elapsed > 0 else { return s }
        let rate = Double(done) / elapsed
        s += ", " + formatRate(rate) + "/s"
        if done < total { s += ", " + formatDuration(Double(total - done) / rate) + " left" }
        return s
    }

    /// A sweep's progress text, e.g. `points 12/64 (18%), 35.2 runs/s, 25 s left`: `done` and
    /// `total` count runs (a point is done when all its runs are), `startDone` runs were done
    /// before this process started (they count as done, not in the rate).
    public static func sweepLine(done: Int, total: Int, runsPerPoint: Int, startDone: Int = 0, elapsed: Double) -> String {
        let pct = total > 0 ? 100 * done / total : 100
        var s = "points \(done / runsPerPoint)/\(total / runsPerPoint) (\(pct)%)"
        let ran = done - startDone
        guard ran > 0, elapsed > 0 else { return s }
        let rate = Double(ran) / elapsed
        s += ", " + formatRate(rate) + " runs/s"
        if done < total { s += ", " + formatDuration(Double(total - done) / rate) + " left" }
        return s
    }

    public static func formatRate(_ r: Double) -> String {
        if r >= 100 { return String(Int(r.rounded())) }
        let tenths = (r * 10).rounded()
        return "\(Int(tenths) / 10).\(Int(tenths) % 10)"
    }

    /// `42 s`, `3 min 05 s`, `2 h 07 min`.
    public static func formatDuration(_ seconds: Double) -> String {
        let s = Int(seconds.rounded(.up))
        if s < 60 { return "\(s) s" }
        if s < 3600 { return "\(s / 60) min \(pad2(s % 60)) s" }
        return "\(s / 3600) h \(pad2(s % 3600 / 60)) min"
    }

    private static func pad2(_ x: Int) -> String { x < 10 ? "0\(x)" : String(x) }
}

/// Unbuffered writes to file descriptor 2.
public enum StandardError {
    public static func write(_ s: String) {
        var s = s
        s.withUTF8 { b in
            var off = 0
            while off < b.count {
                #if canImport(Glibc)
                let n = Glibc.write(2, b.baseAddress! + off, b.count - off)
                #else
                let n = Darwin.write(2, b.baseAddress! + off, b.count - off)
                #endif
                if n <= 0 { return }
                off += n
            }
        }
    }
}
