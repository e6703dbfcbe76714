import Analysis
import Foundation
import ScenarioModule
import Stochastics

/// A sweep file with its design laid out: point `p` is the base scenario with the overrides
/// `path_j=values[p][j]`.
public struct Sweep: Sendable {
    public let file: SweepFile
    /// Each point's values, one per parameter (``SweepFile/parameters`` order).
    public let values: [[String]]
    /// The base scenario, read and parsed once: each point is its tree with the point's overrides.
    public let base: ScenarioBase
    /// A posterior's particles every point draws from (`--posterior`); nil: none.
    public var particles: ParticleDraws?
    /// The layout `sobol.csv` or `morris.csv` is computed on; nil for the other designs.
    public let analysisDesign: GlobalSensitivity.Design?

    public init(file: SweepFile) {
        self.file = file
        (self.values, self.analysisDesign) = SweepDesign.layout(of: file)
        self.base = ScenarioBase(path: file.basePath)
    }

    /// The files the analyses write into a complete sweep folder.
    public var analysisFiles: [String] {
        FolderAnalysis.fileNames(design: analysisDesign) + (robustnessLayout == nil ? [] : [RobustnessAnalysis.file])
    }

    /// What `robustness.csv` is computed on: the levers' combinations against the worlds; nil
    /// without levers.
    public var robustnessLayout: RobustnessAnalysis.Layout? {
        guard file.leverCount > 0, let r = file.robustness, let direction = Robustness.Direction(rawValue: r.direction) else { return nil }
        let combinations = SweepDesign.grid(file.parameters.prefix(file.leverCount).map { $0.values ?? [] })
        return RobustnessAnalysis.Layout(levers: Array(parameterPaths.prefix(file.leverCount)), combinations: combinations,
                                         worlds: pointCount / max(1, combinations.count), kind: r.kind, entity: r.entity,
                                         metric: r.metric, direction: direction, threshold: r.threshold)
    }

    /// Checks that the robustness outcome names a firm, tier or entrant template of `point` (the
    /// base with its overrides), so that a long sweep does not fail at its end.
    /// - Throws: ``SweepError`` located at the outcome in the sweep file, naming those there are.
    func checkRobustnessOutcome(_ point: ExperimentPoint) throws(SweepError) {
        guard let r = file.robustness else { return }
        let known = switch r.kind {
        case "firm": point.firmNames
        case "template": point.templateNames
        default: ["all"] + point.tierNames
        }
        let metrics = RunOutcomes.metrics(kind: r.kind, entity: r.entity)
        var problems: [String] = []
        if !known.contains(r.entity) {
            problems.append("no \(r.kind) '\(r.entity)' in the base scenario; expected one of " + known.joined(separator: ", "))
        }
        if !metrics.contains(r.metric) {
            problems.append("no \(r.kind) outcome '\(r.metric)'; expected one of " + metrics.joined(separator: ", "))
        }
        guard problems.isEmpty else {
            throw SweepError(.robustnessOutcome(details: problems.map { "\(r.location): error: robustness.outcome: " + $0 + "\n" }.joined()),
                             file: file.path)
        }
    }

    /// Writes the analyses (`sensitivity.csv`, `sobol.csv` or `morris.csv`, `robustness.csv`) into the
    /// complete sweep folder `folder`.
    /// - Throws: ``SweepError`` when the folder's files cannot be analysed.
    func writeAnalyses(folder: String) throws(SweepError) {
        do {
            _ = try FolderAnalysis.write(folder: folder, design: analysisDesign, seed: file.seed)
            if let layout = robustnessLayout { try RobustnessAnalysis.write(folder: folder, layout: layout, seed: file.seed) }
        } catch {
            throw SweepError(.analysisInput(reason: error.reason), file: error.file)
        }
    }

    /// Reads the sweep file at `path` and lays out its design.
    /// - Throws: the file's diagnostics (`file:line:col: error: …`).
    public static func load(path: String) throws(ScenarioDiagnostics) -> Sweep {
        Sweep(file: try SweepFile.load(path: path))
    }

    public var pointCount: Int { values.count }
    public var parameterPaths: [String] { file.parameters.map(\.path) }

    /// The `--set` overrides of point `p`.
    public func overrides(point p: Int) -> [String] {
        zip(file.parameters, values[p]).map { "\($0.path)=\($1)" }
    }

    /// The configuration the sweep file asks for, on `threads` workers.
    public func configuration(threads: Int) -> RunConfiguration {
        RunConfiguration(replications: file.replications, masterSeed: file.seed,
                         commonRandomNumbers: file.commonRandomNumbers, threads: threads)
    }

    /// The points of shard `shard` of `shards` (point `p` belongs to shard `p mod shards`), ascending.
    public func pointIndices(shard: Int = 0, of shards: Int = 1) -> [Int] {
        Array(stride(from: shard, to: pointCount, by: shards))
    }

    /// Loads every point in `indices` as a scenario (the base with the point's overrides),
    /// validating each exactly as `suanli run --set …` would.
    /// - Throws: ``SweepError`` with every failing point's diagnostics.
    public func documents(_ indices: [Int]) throws(SweepError) -> [ScenarioDocument] {
        var docs: [ScenarioDocument] = []
        var problems = PointProblems()
        for p in indices {
            do { docs.append(try document(point: p)) } catch {
                problems.add(point: p, overrides: overrides(point: p), diagnostics: error.description)
            }
        }
        guard problems.isEmpty else { throw problems.error(of: indices.count, in: file.path) }
        return docs
    }

    /// Point `p`'s document: the base with its overrides, and the posterior's particles if any.
    /// - Throws: the point's diagnostics.
    public func document(point p: Int) throws(ScenarioDiagnostics) -> ScenarioDocument {
        let doc = try base.document(overrides: overrides(point: p))
        return try particles.map { draws throws(ScenarioDiagnostics) in try doc.withParticles(draws) } ?? doc
    }

    /// Loads and validates the points of `indices` on `threads` workers, as ``documents(_:)`` does,
    /// and hands each document to `body` in point order on the calling thread; none is kept, so
    /// memory does not grow with the number of points. Once a point fails, `body` is called no
    /// more, but every point is still checked, so that all failing points are reported.
    /// - Throws: ``SweepError`` with every failing point's diagnostics (after `body` saw the valid
    ///   points before the first failing one: the caller discards what it made of them), or what
    ///   `body` threw.
    public func forEachDocument(_ indices: [Int], threads: Int,
                                _ body: (_ point: Int, _ document: ScenarioDocument) throws(SweepError) -> Void) throws(SweepError) {
        enum Loaded: Sendable { case document(ScenarioDocument), problem(String) }
        let sweep = self
        let sets = indices.map { self.overrides(point: $0) }
        @Sendable func load(_ k: Int) -> Loaded {
            do throws(ScenarioDiagnostics) { return .document(try sweep.document(point: indices[k])) } catch {
                return .problem(error.description)
            }
        }
        var problems = PointProblems()
        var failure: SweepError?
        do {
            try OrderedPipeline(threads: threads).run(count: indices.count, work: { k in load(k) }, consume: { k, loaded in
                switch loaded {
                case .problem(let text): problems.add(point: indices[k], overrides: sets[k], diagnostics: text)
                case .document(let doc):
                    guard problems.isEmpty, failure == nil else { return }
                    do throws(SweepError) { try body(indices[k], doc) } catch { failure = error }
                }
            })
        } catch { throw SweepError.io("load the points of", file.path, error) }
        guard problems.isEmpty else { throw problems.error(of: indices.count, in: file.path) }
        if let failure { throw failure }
    }

    /// The experiment points of `indices` (their real point indices), seeded by `configuration`.
    public func experimentPoints(_ indices: [Int], configuration: RunConfiguration) throws(SweepError) -> [ExperimentPoint] {
        let docs = try documents(indices)
        return zip(indices, docs).map { p, doc in
            ExperimentPoint(index: p, document: doc, overrides: overrides(point: p))
        }
    }

    /// What `suanli sweep --list` prints: a line about the sweep, then one row per point with its values.
    public func listing(indices: [Int]? = nil) -> String {
        let rows = (indices ?? Array(0..<pointCount)).map { [String($0)] + values[$0] }
        let header = ["point"] + parameterPaths
        var widths = header.map(\.count)
        for r in rows { for (i, c) in r.enumerated() { widths[i] = max(widths[i], c.count) } }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { i, c in
                i == cells.count - 1 ? c : c + String(repeating: " ", count: widths[i] - c.count)
            }.joined(separator: "  ")
        }
        var s = "sweep \(file.name): \(file.design.rawValue), \(pointCount) point\(pointCount == 1 ? "" : "s") × "
            + "\(file.replications) replication\(file.replications == 1 ? "" : "s"), base \(file.basePath), seed \(file.seed)"
            + (file.commonRandomNumbers ? "" : ", common random numbers off") + "\n"
        s += line(header) + "\n"
        for r in rows { s += line(r) + "\n" }
        return s
    }
}

/// The points of a sweep that are not valid scenarios, grouped by their diagnostics: a fault of the base
/// scenario (or a value shared by many points) is reported once with the points it affects, not once a point.
struct PointProblems {
    private var groups: [(diagnostics: String, points: [Int], example: [String])] = []
    private var index: [String: Int] = [:]
    private(set) var count = 0

    var isEmpty: Bool { count == 0 }

    mutating func add(point: Int, overrides: [String], diagnostics: String) {
        count += 1
        if let g = index[diagnostics] {
            groups[g].points.append(point)
        } else {
            index[diagnostics] = groups.count
            groups.append((diagnostics, [point], overrides))
        }
    }

    /// The error of these problems: ``SweepError/Cause/invalidPoints(failing:total:details:)`` with ``report()``.
    func error(of total: Int, in file: String) -> SweepError {
        SweepError(.invalidPoints(failing: count, total: total, details: report()), file: file)
    }

    /// Each group (in order of first appearance): `point P (its values):` or `points 0–9, 12 (10 points; the
    /// first: point 0 (its values)):`, then the diagnostics.
    func report() -> String {
        var text = ""
        for g in groups {
            let first = "point \(g.points[0]) (" + g.example.joined(separator: " ") + ")"
            if g.points.count == 1 {
                text += first + ":\n"
            } else {
                text += "points \(Self.ranges(g.points)) (\(g.points.count) points; the first: \(first)):\n"
            }
            text += g.diagnostics + (g.diagnostics.hasSuffix("\n") ? "" : "\n")
        }
        return text
    }

    /// Ascending point indices as runs: `0–999`, or `3, 7–9, 12` (at most 20 runs, then `…`).
    static func ranges(_ points: [Int]) -> String {
        var runs: [String] = []
        var i = 0
        while i < points.count {
            var j = i
            while j + 1 < points.count, points[j + 1] == points[j] + 1 { j += 1 }
            runs.append(j > i ? "\(points[i])–\(points[j])" : "\(points[i])")
            i = j + 1
        }
        return runs.count > 20 ? runs.prefix(20).joined(separator: ", ") + ", …" : runs.joined(separator: ", ")
    }
}
