import Foundation
import MarketModel
import ScenarioModule
import Stochastics
import Synchronization

/// The sink of a sweep: the rows of each chunk of points are formatted in memory (as a run's
/// files would be) and, when the chunk's last point ends, appended to the partial folder's files
/// and journalled (``SweepJournal``). One pipeline runs every remaining point, so the workers
/// never wait for a chunk to drain: writing a chunk overlaps with the next chunk's replications.
final class ChunkCommitter: ResultSink {
    /// Thrown from ``endPoint(_:)`` to stop after `stopAfter` chunks.
    struct Stop: Error, CustomStringConvertible { var description: String { "stopped" } }

    let points: [ExperimentPoint]
    let chunks: [Range<Int>]
    let journal: SweepJournal
    let monthly: Bool
    let uniformTiers: Bool
    let stopAfter: Int?
    let dataFiles: [String]
    /// Called with the number of points recorded in the journal whenever it grows.
    var onSaved: ((Int) -> Void)?

    /// The chunk being filled, and the position (in `points`) of the next point to end.
    private var next: Int
    private var position: Int
    private var files: ResultFiles?
    private var configuration: RunConfiguration?
    private var events = 0
    private var started = ContinuousClock.now
    /// Replication seconds of the chunk being filled (the runner reports them before the sinks).
    var seconds = RunSeconds()
    /// Chunks finished and appended by this process, in order.
    private(set) var finished: [SweepJournal.Chunk] = []
    /// How many chunks this process appended.
    var ran: Int { finished.count }
    /// Points recorded in the journal so far, counting from the first point of the sweep.
    private(set) var committedPoints: Int

    init(points: [ExperimentPoint], chunks: [Range<Int>], from chunk: Int, journal: SweepJournal, monthly: Bool,
         uniformTiers: Bool, stopAfter: Int?) {
        self.points = points; self.chunks = chunks; self.journal = journal; self.monthly = monthly
        self.uniformTiers = uniformTiers; self.stopAfter = stopAfter
        self.dataFiles = ResultFiles(directory: nil, monthly: monthly).writtenFileNames
        next = chunk
        position = chunks[chunk].lowerBound
        committedPoints = chunks[chunk].lowerBound
    }

    private func startChunk() throws {
        let f = ResultFiles(directory: nil, monthly: monthly)
        try f.begin(points: Array(points[chunks[next]]), configuration: configuration!)
        files = f
        events = 0
        seconds = RunSeconds()
        started = ContinuousClock.now
    }

    func begin(points _: [ExperimentPoint], configuration: RunConfiguration) throws {
        self.configuration = configuration
        try startChunk()
    }

    func preparer() -> (@Sendable (ReplicationResult, ExperimentPoint, Int) throws -> any Sendable)? {
        guard monthly, let configuration else { return nil }
        // The monthly rows depend on a point's tier columns; with uniform tiers every point has the
        // same, so a sink begun with the first point formats any point's rows as its chunk's would.
        // Otherwise the sweep is one chunk, whose sink has every point.
        let template = ResultFiles(directory: nil, monthly: true)
        let remaining = Array(points[chunks[next].lowerBound...])
        try? template.begin(points: uniformTiers ? [remaining[0]] : remaining, configuration: configuration)
        return template.preparer()
    }

    func consume(_ result: ReplicationResult, point: ExperimentPoint, replication: Int) throws {
        try consume(result, point: point, replication: replication, prepared: nil)
    }

    func consume(_ result: ReplicationResult, point: ExperimentPoint, replication: Int, prepared: (any Sendable)?) throws {
        try files!.consume(result, point: point, replication: replication, prepared: prepared)
        events += result.events
    }

    func endPoint(_ point: ExperimentPoint) throws {
        try files!.endPoint(point)
        position += 1
        guard position == chunks[next].upperBound else { return }
        let f = files!
        try f.finish()
        files = nil
        let range = chunks[next]
        let chunk = SweepJournal.Chunk(first: range.lowerBound, count: range.count, events: events,
                                       wallSeconds: (ContinuousClock.now - started).seconds, seconds: seconds)
        try journal.append(chunk, bytes: dataFiles.map { f.bytes(of: $0) }, withHeader: next == 0)
        finished.append(chunk)
        next += 1
        if try journal.sync(force: false) > 0 { saved() }
        guard next < chunks.count else { return }
        if let stopAfter, ran >= stopAfter {
            try syncAll()
            throw Stop()
        }
        try startChunk()
    }

    /// Records every appended chunk in the journal now.
    func syncAll() throws {
        if try journal.sync(force: true) > 0 { saved() }
    }

    private func saved() {
        committedPoints = chunks[next - 1].upperBound
        onSaved?(committedPoints)
    }
}

/// A sweep point's scenario, loaded when its first replication runs and dropped when the point
/// ends, so a sweep holds only the scenarios of the points in flight.
final class LazyPoint: Sendable {
    let index: Int
    let base: ScenarioBase
    let overrides: [String]
    let contentHash: String
    let particles: ParticleDraws?
    private let loaded = Mutex<ExperimentPoint?>(nil)

    init(index: Int, base: ScenarioBase, overrides: [String], contentHash: String, particles: ParticleDraws? = nil) {
        self.index = index; self.base = base; self.overrides = overrides; self.contentHash = contentHash
        self.particles = particles
    }

    /// The point with its scenario (loading it on first use).
    /// - Throws: the scenario's diagnostics, or ``SweepError`` when it no longer resolves to the
    ///   scenario that was validated (the base file changed while the sweep ran).
    func point() throws -> ExperimentPoint {
        try loaded.withLock { (p: inout ExperimentPoint?) throws -> ExperimentPoint in
            if let p { return p }
            let doc = try base.document(overrides: overrides)
            guard doc.contentHash == contentHash else {
                throw SweepError(.baseChanged(point: index, hash: doc.contentHash, validated: contentHash), file: base.path)
            }
            let made = ExperimentPoint(index: index, document: try particles.map { try doc.withParticles($0) } ?? doc,
                                       overrides: overrides)
            p = made
            return made
        }
    }

    func release() { loaded.withLock { $0 = nil } }
}

/// FNV-1a over strings: a short fingerprint of the sweep's point scenarios for the journal.
struct FNV1a {
    private(set) var state: UInt64 = 0xcbf2_9ce4_8422_2325

    mutating func add(_ s: String) {
        for b in s.utf8 { state ^= UInt64(b); state &*= 0x100_0000_01b3 }
        state ^= 0x0a
        state &*= 0x100_0000_01b3
    }

    var hex: String {
        let h = String(state, radix: 16)
        return String(repeating: "0", count: 16 - h.count) + h
    }
}
