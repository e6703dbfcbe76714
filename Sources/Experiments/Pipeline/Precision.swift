import Foundation

/// `--precision H`: run replications in fixed batches until every reported survival probability
/// is known to ±H (95%), or a maximum is reached.
public struct PrecisionTarget: Sendable, Equatable {
    /// Replications per batch; the rule is checked after each whole batch (and at the maximum).
    public static let batch = 32
    /// `--max-replications` when not given.
    public static let defaultMaximum = 1_000

    /// H: the widest 95% half-width, (ci95_high − ci95_low)/2, the rule accepts.
    public var halfWidth: Double
    /// Replications at most; the last batch is shorter when this is not a multiple of ``batch``.
    public var maxReplications: Int

    public init(halfWidth: Double, maxReplications: Int = PrecisionTarget.defaultMaximum) {
        self.halfWidth = halfWidth; self.maxReplications = maxReplications
    }

    /// Whether the rule is checked after `n` replications: at the end of every batch and at the maximum.
    public func checks(after n: Int) -> Bool { n % Self.batch == 0 || n == maxReplications }
}

/// One figure the rule watches: a survival probability (or its paired difference) and the
/// half-width of its 95% interval.
public struct PrecisionFigure: Sendable, Equatable {
    /// What it is, e.g. `firm small-gpu-cloud P(survive)`.
    public var name: String
    public var halfWidth: Double

    public init(name: String, halfWidth: Double) { self.name = name; self.halfWidth = halfWidth }
}

/// How a sequentially stopped run ended.
public struct PrecisionOutcome: Sendable, Equatable {
    public var target: PrecisionTarget
    /// Replications run and written: the first batch end at which the rule held, or the maximum.
    public var replications: Int
    /// The widest figure at that point (nil when the rule watched none).
    public var deciding: PrecisionFigure?
    /// Whether every watched half-width was ≤ H (false: the maximum was reached first).
    public var met: Bool

    /// The sentence the printed table ends with.
    public var sentence: String {
        let widest = deciding.map { "the widest 95% half-width is \(Self.format($0.halfWidth)) (\($0.name))" }
            ?? "no survival probability to watch"
        let head = met
            ? "replications: \(replications), the first batch end where --precision \(Self.format(target.halfWidth)) held: \(widest)"
            : "replications: \(replications) (--max-replications) without reaching --precision \(Self.format(target.halfWidth)): \(widest)"
        return head + "; intervals after sequential stopping are nominal."
    }

    static func format(_ x: Double) -> String {
        var s = String(format: "%.4f", x)
        while s.hasSuffix("0") { s.removeLast() }
        if s.hasSuffix(".") { s.removeLast() }
        return s
    }
}

/// Which figures `--precision` watches, and the widest of them.
///
/// For `run`: the survival probability (`p_survive`) of every firm present at the start and of
/// every population (Wilson and cluster intervals, as `summary.csv` reports them), and that of
/// every entrant template whose entrants so far average at least ``minimumEntrantsPerReplication``
/// per replication. A template that rarely enters has few entrants and a wide interval that
/// would hold every run to the maximum for a figure nobody reads; it is left out (and says so by
/// its absence from the deciding figure). For `compare`: the paired difference of every firm's
/// `p_survive` (`compare.csv`'s t-interval), for firms in both scenarios.
public enum PrecisionRule {
    public static let minimumEntrantsPerReplication = 0.5

    /// The figures of one point's summary the rule watches.
    public static func figures(_ summary: PointSummary) -> [PrecisionFigure] {
        var out: [PrecisionFigure] = []
        for f in summary.firms {
            guard let low = f.survival.low, let high = f.survival.high else { continue }
            out.append(PrecisionFigure(name: "firm \(f.name) P(survive)", halfWidth: (high - low) / 2))
        }
        for t in summary.templates {
            guard let low = t.survival.low, let high = t.survival.high else { continue }
            if t.kind != "population" {
                guard let mean = t.entries.mean, mean >= minimumEntrantsPerReplication else { continue }
            }
            out.append(PrecisionFigure(name: "\(t.kind) \(t.name) P(survive)", halfWidth: (high - low) / 2))
        }
        return out
    }

    /// The figures of a comparison the rule watches: firms' paired differences of `p_survive`.
    public static func figures(_ rows: [ComparisonRow]) -> [PrecisionFigure] {
        rows.compactMap { r in
            guard r.entityKind == "firm", r.metric == "p_survive", let low = r.paired.low, let high = r.paired.high
            else { return nil }
            return PrecisionFigure(name: "firm \(r.entity) P(survive) difference", halfWidth: (high - low) / 2)
        }
    }

    /// The widest figure (the first of equals); nil for none.
    public static func widest(_ figures: [PrecisionFigure]) -> PrecisionFigure? {
        figures.reduce(nil) { best, f in best.map { f.halfWidth > $0.halfWidth ? f : $0 } ?? f }
    }
}

/// Stops a one-point run at the first batch end where ``PrecisionRule`` holds: asked on the
/// consuming thread after each replication whether to stop, it reads the summary of the
/// replications so far from the statistics the run's files are written from (so the figures it
/// judges are those the files report, and no second copy of them is kept).
public final class SequentialStop {
    public let target: PrecisionTarget
    private let summary: () -> PointSummary?
    /// Set once the run stops.
    public private(set) var outcome: PrecisionOutcome?

    /// - Parameter summary: the point's summary over the replications consumed so far.
    public init(target: PrecisionTarget, summary: @escaping () -> PointSummary?) {
        self.target = target
        self.summary = summary
    }

    /// Says whether the run stops after its `n`-th replication (the sinks have consumed it).
    public func stop(replications n: Int) -> Bool {
        guard target.checks(after: n), let summary = summary() else { return false }
        let widest = PrecisionRule.widest(PrecisionRule.figures(summary))
        let met = widest.map { $0.halfWidth <= target.halfWidth } ?? true
        guard met || n >= target.maxReplications else { return false }
        outcome = PrecisionOutcome(target: target, replications: n, deciding: widest, met: met)
        return true
    }
}

/// Thrown by a consumer to end a run early; not an error.
struct StopSignal: Error {}
