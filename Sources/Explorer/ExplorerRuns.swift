import Experiments
import Foundation
import Hummingbird
import MarketModel
import ScenarioModule
import Synchronization

/// One what-if of the page: a comparison running on its own thread, its progress, its result.
final class ExplorerRun: Sendable {
    enum Phase: String, Sendable {
        case running, done, failed, cancelled, discarded
    }

    let id: String
    let scenario: String
    let replications: Int
    let seed: UInt64
    /// The lever values posted, in the scenario's lever order.
    let levers: [(String, JSONValue)]
    let overrides: [String]
    /// The run's output folder, inside the server's temporary folder.
    let folder: String

    private struct State: Sendable {
        var phase = Phase.running
        var done = 0
        var total = 0
        var error: String?
        var result: JSONValue?
        var seconds: Double?
        var files: [String] = []
        var listeners: [AsyncStream<ByteBuffer>.Continuation] = []
        var lastPercent = -1
    }
    private let state = Mutex(State())
    /// Set by a cancel; the run's sink throws at its next result.
    let cancelled = Atomic<Bool>(false)

    init(id: String, scenario: String, replications: Int, seed: UInt64, levers: [(String, JSONValue)],
         overrides: [String], folder: String) {
        self.id = id; self.scenario = scenario; self.replications = replications; self.seed = seed
        self.levers = levers; self.overrides = overrides; self.folder = folder
        state.withLock { $0.total = 2 * replications }
    }

    var phase: Phase { state.withLock { $0.phase } }
    var files: [String] { state.withLock { $0.files } }

    /// The `Run` object of docs/explorer.md.
    func json() -> JSONValue {
        state.withLock { s in
            var members: [(String, JSONValue)] = [
                ("id", .string(id)), ("scenario", .string(scenario)), ("state", .string(s.phase.rawValue)),
                ("done", .int(s.done)), ("total", .int(s.total)), ("replications", .int(replications)),
                ("seed", .uint(seed)), ("levers", .object(levers)), ("overrides", .array(overrides.map { .string($0) })),
                ("seconds", s.seconds.map { .double($0) } ?? .null),
            ]
            if let error = s.error { members.append(("error", .string(error))) }
            if let result = s.result { members.append(("result", result)) }
            return .object(members)
        }
    }

    // MARK: Events

    private static func event(_ name: String, _ data: JSONValue) -> ByteBuffer {
        ByteBuffer(string: "event: \(name)\ndata: \(data.compactText())\n\n")
    }

    /// The run's events as server-sent-event text: its progress now, then each percent, then the
    /// end; after the end, the end at once.
    func events() -> AsyncStream<ByteBuffer> {
        let (stream, continuation) = AsyncStream<ByteBuffer>.makeStream(bufferingPolicy: .bufferingNewest(32))
        let listening = state.withLock { s -> Bool in
            guard s.phase == .running else { return false }
            continuation.yield(Self.event("progress", .object([("done", .int(s.done)), ("total", .int(s.total))])))
            s.listeners.append(continuation)
            return true
        }
        if !listening {
            continuation.yield(endEvent())
            continuation.finish()
        }
        return stream
    }

    private func endEvent() -> ByteBuffer {
        let phase = self.phase
        switch phase {
        case .done: return Self.event("done", json())
        case .failed: return Self.event("failed", .object([("error", .string(state.withLock { $0.error } ?? "failed"))]))
        case .running, .cancelled, .discarded: return Self.event("cancelled", .object([]))
        }
    }

    func progress(done: Int, total: Int) {
        state.withLock { s in
            s.done = done
            s.total = total
            let percent = total > 0 ? 100 * done / total : 100
            guard percent != s.lastPercent, s.phase == .running else { return }
            s.lastPercent = percent
            let e = Self.event("progress", .object([("done", .int(done)), ("total", .int(total))]))
            for l in s.listeners { l.yield(e) }
        }
    }

    /// Ends the run (the first end wins: a cancel is not overwritten by the thread's failure).
    func end(_ phase: Phase, result: JSONValue? = nil, error: String? = nil, seconds: Double? = nil, files: [String] = []) {
        let listeners: [AsyncStream<ByteBuffer>.Continuation] = state.withLock { s in
            guard s.phase == .running || phase == .discarded else { return [] }
            s.phase = phase
            s.result = result
            s.error = error
            if let seconds { s.seconds = seconds }
            s.files = files
            defer { s.listeners = [] }
            return s.listeners
        }
        guard !listeners.isEmpty else { return }
        let e = endEvent()
        for l in listeners {
            l.yield(e)
            l.finish()
        }
    }
}

/// Reports the pipeline's progress to a run.
final class RunProgress: ProgressReporter {
    let run: ExplorerRun
    init(run: ExplorerRun) { self.run = run }
    func start(total: Int) { run.progress(done: 0, total: total) }
    func update(done: Int, total: Int) { run.progress(done: done, total: total) }
    func finish(done: Int, total: Int) {}
}

/// Stops a cancelled run at its next result: the pipeline stops, and the output folder is never completed.
final class CancelSink: ResultSink {
    struct Cancelled: Error, CustomStringConvertible {
        var description: String { "cancelled" }
    }
    let run: ExplorerRun
    init(run: ExplorerRun) { self.run = run }
    func consume(_ result: ReplicationResult, point: ExperimentPoint, replication: Int) throws {
        if run.cancelled.load(ordering: .relaxed) { throw Cancelled() }
    }
}
