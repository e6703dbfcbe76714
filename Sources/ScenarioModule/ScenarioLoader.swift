import Foundation
import MarketModel
import Stochastics

/// A loaded, fully validated scenario with its defaults applied: what the experiments layer
/// runs. Values written `{dist: …, per: replication}` stay undrawn until
/// ``instantiate(replication:plan:)``.
public struct ScenarioDocument: Sendable {
    /// Scenario name (for `Results/<name>/` and the `scenario` CSV column).
    public let name: String
    /// The file as given.
    public let path: String

    /// The scenario as decoded, keys drawn per replication not yet drawn.
    let draft: ScenarioDraft
    /// The keys drawn once per replication, as typed patches of ``draft``, in document order.
    var drawnKeys: [DrawnKey]
    /// The keys drawn for each firm of a population (`per: firm`), in document order.
    let memberKeys: [DrawnKey]
    /// The scenario every replication runs when nothing is drawn (finished once).
    var fixed: Scenario?
    /// The decoded tree, where ``withParticles(_:)`` finds the keys of a posterior.
    let tree: RNode
    /// Whole parameter vectors drawn by weight each replication (``withParticles(_:)``); nil: none.
    var particles: ParticleKeys?
    /// The fully resolved scenario as YAML: every key, defaults included, in the schema's order.
    /// Loading it gives the same scenario (and the same text).
    public let resolvedYAML: String
    /// SHA-256 of ``resolvedYAML`` in lowercase hex: the same for any file that resolves to the same scenario.
    public let contentHash: String

    /// The file and the files it extends (parent, grandparent, …), as diagnostics name them.
    public let files: [String]

    /// The keys the file declares under `levers:` for `suanli serve` (its parent's when it declares
    /// none); presentation only, outside ``resolvedYAML`` and ``contentHash``.
    public let levers: [Lever]

    /// The scenario's `description:`.
    public var scenarioDescription: String { draft.scenario.description }
    /// The scenario's `currency:`.
    public var currency: String { draft.scenario.currency }

    /// ``levers``, or when there are none the tool's choice: each shock's start and numbers, each
    /// segment's demand growth and each region's electricity price (``Lever/declared`` false).
    public var offeredLevers: [Lever] {
        levers.isEmpty ? LeverReader.suggested(tree, start: draft.scenario.start, horizon: draft.scenario.horizonMonths) : levers
    }

    /// - Parameter text: false leaves ``resolvedYAML`` and ``contentHash`` empty (writing and hashing the
    ///   text costs more than a small replication; see ``ScenarioBase/unhashedDocument(overrides:)``).
    init(path: String, checked: CheckedScenario, text: Bool = true) {
        self.path = path
        self.files = checked.files.isEmpty ? [path] : checked.files
        draft = checked.draft
        tree = checked.tree
        levers = checked.levers
        drawnKeys = checked.drawn.filter { $0.scope == .replication }
        memberKeys = checked.drawn.filter { $0.scope == .firm }
        if drawnKeys.isEmpty && memberKeys.isEmpty && !draft.drawsSites {
            var expanded = draft
            expanded.expandPopulations(memberKeys: [], draw: { _, _ in 0 }, site: { _, _ in 0 })
            fixed = expanded.finished()
        } else {
            fixed = nil
        }
        name = draft.scenario.name
        resolvedYAML = text ? checked.resolvedYAML() : ""
        contentHash = text ? SHA256.hex(resolvedYAML.utf8) : ""
    }

    /// The resolved scenario as a file of its own (what `suanli show` prints): a comment saying
    /// where it came from, then ``resolvedYAML``. It has no `extends`, needs no other file, and
    /// loads to the same scenario, ``resolvedYAML`` and ``contentHash``, so it runs to the same bytes.
    /// - Parameter overrides: the `--set` arguments the document was loaded with, for the comment.
    public func standaloneYAML(overrides: [String] = []) -> String {
        /// Comment text on one line: control characters (a newline would end the comment) shown as `?`.
        func line(_ s: String) -> String {
            var out = String.UnicodeScalarView()
            for u in s.unicodeScalars {
                out.append(u.value < 0x20 || u.value == 0x7F || (0x80..<0xA0).contains(u.value) || u.value == 0x2028 || u.value == 0x2029 ? "?" : u)
            }
            return String(out)
        }
        var head = ["# The scenario '\(line(name))' fully resolved: every key, defaults included, in the order of docs/scenario-format.md.",
                    "# From \(line(path))" + (files.count > 1 ? ", which extends " + files.dropFirst().map(line).joined(separator: ", which extends ") : "") + "."]
        if !overrides.isEmpty {
            head.append("# With " + overrides.map { "--set '\(line($0))'" }.joined(separator: " ") + ".")
        }
        head.append("# Loading this file gives the same scenario (content hash \(contentHash)).")
        return head.joined(separator: "\n") + "\n\n" + resolvedYAML
    }

    /// Concrete key paths drawn once per replication, in the order of the resolved scenario
    /// (the schema's key order; list entries in file order).
    public var perReplicationKeys: [String] { drawnKeys.map(\.path) + posteriorKeys }
    /// The keys a posterior's particle sets each replication (``withParticles(_:)``), in its column order.
    public var posteriorKeys: [String] { particles?.keys.map(\.path) ?? [] }
    /// Where the particles came from (``ParticleDraws/source``); nil without.
    public var posteriorSource: String? { particles?.source }
    public var tierNames: [String] { draft.scenario.tiers.map(\.name) }
    public var regionNames: [String] { draft.scenario.regions.map(\.name) }
    /// The firms declared by themselves (`count` 1), in file order: a run's firms 0, 1, … (the
    /// firms of populations follow them).
    public var providerNames: [String] { named.map(\.name) }
    /// Each named firm's business model (`owner`, `sublessor`, `broker`, `hybrid`), in ``providerNames`` order.
    public var providerModels: [String] { named.map(\.model.rawValue) }
    /// The populations (provider entries with `count` > 1), in file order: name, business model and number of firms.
    public var populations: [(name: String, model: String, count: Int)] {
        draft.scenario.providers.indices.filter { draft.providerCount[$0] > 1 }.map {
            (draft.scenario.providers[$0].name, draft.scenario.providers[$0].model.rawValue, draft.providerCount[$0])
        }
    }
    private var named: [ProviderSpec] {
        draft.scenario.providers.indices.filter { draft.providerCount[$0] == 1 }.map { draft.scenario.providers[$0] }
    }
    public var segmentNames: [String] { draft.scenario.segments.map(\.name) }
    /// Each entrant template's name and business model, in file order.
    public var templateNames: [String] { draft.scenario.entrants.map(\.name) }
    public var templateModels: [String] { draft.scenario.entrants.map(\.provider.model.rawValue) }
    public var start: YearMonth { draft.scenario.start }
    public var horizonMonths: Int { draft.scenario.horizonMonths }

    /// One line for `suanli validate`: sizes, draws and the hash.
    public var summary: String {
        let shocks = draft.shocks.count
        // Units drawn per replication are not known yet: the draft holds 0 for them until drawn.
        let units = draft.scenario.providers.indices.reduce(0) { acc, i in
            acc + draft.providerCount[i] * draft.scenario.providers[i].fleet.reduce(0) { $0 + $1.units }
        }
        let firms = draft.providerCount.reduce(0, +)
        let drawnUnits = (drawnKeys + memberKeys).contains { $0.path.hasPrefix("providers[") && $0.path.hasSuffix(".units") }
        func n(_ k: Int, _ what: String) -> String { "\(k) \(what)\(k == 1 ? "" : "s")" }
        return "\(name): \(start) + \(n(horizonMonths, "month")), \(n(tierNames.count, "tier")), \(n(regionNames.count, "region")), "
            + "\(n(segmentNames.count, "segment")), \(n(firms, "provider")), \(n(units, "unit")) at start\(drawnUnits ? " besides those drawn" : ""), "
            + "\(n(shocks, "shock")), \(drawnKeys.count) drawn per replication"
            + (memberKeys.isEmpty ? "" : ", \(memberKeys.count) per firm") + "; hash \(contentHash.prefix(12))"
    }

    /// The scenario for one replication, with its per-replication draws.
    ///
    /// Each key written `{dist: …, per: replication}` is drawn from its own stream,
    /// `plan.stream(replication: r, kind: "parameters", entity: <concrete key path>)`, so adding,
    /// removing or reordering such keys never changes another key's draw. A draw is clamped into
    /// the key's valid range (open ends move one ulp inwards) and rounded to the nearest whole
    /// number for integer keys. Same replication and plan, same result.
    ///
    /// Then each population (`providers[].count` > 1) becomes its firms (see
    /// `ScenarioDraft.expandPopulations`), firm k's value of a key written `{dist: …, per: firm}`
    /// drawn, clamped and rounded alike, from `plan.stream(replication: r, kind: "firm-parameters",
    /// entity: <key path>, second: "k")`. These draws are not in the returned parameters.
    /// - Returns: the scenario and the (key path, value) of every draw, in ``perReplicationKeys`` order.
    /// - Complexity: O(size of the scenario, populations expanded).
    public func instantiate(replication: Int, plan: SeedPlan) -> (scenario: Scenario, parameters: [(key: String, value: Double)]) {
        if let fixed { return (fixed, []) }
        var copy = draft
        var parameters: [(key: String, value: Double)] = []
        for k in drawnKeys {
            let v = k.draw(plan.stream(replication: replication, kind: "parameters", entity: k.path))
            k.apply(v, to: &copy)
            parameters.append((key: k.path, value: v))
        }
        if let particles {
            // One particle a replication, by weight, from a stream keyed by the replication alone:
            // a base and a variant run with common random numbers draw the same particle.
            let i = particles.draw(plan.stream(replication: replication, kind: "posterior"))
            for (j, k) in particles.keys.enumerated() {
                let v = k.fit(particles.values[i][j])
                k.apply(v, to: &copy)
                parameters.append((key: k.path, value: v))
            }
        }
        // Each firm's draw of each key from its own stream, keyed (key path, firm number): adding
        // a firm to a population, or a key, changes no other firm's draws.
        let names = copy.scenario.providers.map(\.name)
        copy.expandPopulations(memberKeys: memberKeys, draw: { key, k in
            key.draw(plan.stream(replication: replication, kind: "firm-parameters", entity: key.path, second: String(k)))
        }, site: { i, k in
            plan.stream(replication: replication, kind: "firm-parameters", entity: "providers[\(names[i])].regions",
                        second: String(k)).uniform()
        })
        return (copy.finished(), parameters)
    }
}

/// A scenario decoded, bound and checked: its tree (for the resolved text), its typed draft and
/// the keys drawn per replication, and where each value was written.
struct CheckedScenario: Sendable {
    var tree: RNode
    var draft: ScenarioDraft
    var drawn: [DrawnKey]
    var marks: SourceMarks
    var files: [String]
    /// The file's `levers:` (presentation: not in the tree, the text or the hash).
    var levers: [Lever] = []

    /// The tree with each computed default left null in it as the draft settles it.
    func resolvedTree() -> RNode {
        tree.filling { entry, at in draft.computedDefault(entry: entry, at: at, marks: marks) }
    }

    /// The resolved text.
    func resolvedYAML() -> String { ResolvedYAML.emit(resolvedTree()) }
}

/// A scenario file read once and kept as its merged tree (YAML parsed, `extends` resolved) and,
/// when it is valid by itself, decoded and checked: documents are made from it with different
/// overrides. A sweep's base, whose points differ only by their `--set` values, is neither
/// re-read, re-parsed nor (for overrides of single values) re-decoded for each point: the
/// overrides are typed patches of its decoded draft (``ScenarioPatch``). A file that cannot be
/// read or parsed gives its diagnostics for every document asked of it.
public struct ScenarioBase: Sendable {
    /// The file as given.
    public let path: String
    private let parsed: Result<ParsedTree, ScenarioDiagnostics>
    /// The file decoded and checked without overrides; nil when it has problems of its own
    /// (every document is then made the full way, which reports them or the overrides' cure).
    private let checked: CheckedScenario?

    struct ParsedTree: Sendable {
        let root: YNode
        let sink: DiagnosticSink
    }

    /// Reads and parses the file at `path`, and decodes and checks it.
    public init(path: String) {
        self.path = path
        do throws(ScenarioDiagnostics) {
            let text = try ScenarioLoader.readText(path, kind: "a scenario")
            let (root, sink) = try ScenarioLoader.parse(yaml: text, path: path)
            parsed = .success(ParsedTree(root: root, sink: sink))
        } catch {
            parsed = .failure(error)
        }
        if case .success(let p) = parsed {
            checked = try? ScenarioLoader.checked(parsed: (p.root, p.sink), path: path, overrides: [])
        } else {
            checked = nil
        }
    }

    /// The scenario with `overrides` (`KEY.PATH=VALUE`) applied, decoded and checked exactly as
    /// ``ScenarioLoader/load(path:overrides:)`` would: the same document, or the same diagnostics.
    /// Overrides that ``ScenarioPatch`` can apply to the decoded base are patched; any other set
    /// of overrides, and any with a problem, is applied to the tree and decoded again.
    public func document(overrides: [String]) throws(ScenarioDiagnostics) -> ScenarioDocument {
        switch parsed {
        case .failure(let diagnostics): throw diagnostics
        case .success(let p):
            if let checked, let patched = ScenarioPatch.apply(overrides, to: checked, sink: p.sink) {
                return ScenarioDocument(path: path, checked: patched)
            }
            return try fullDocument(overrides: overrides)
        }
    }

    /// ``document(overrides:)`` without the resolved text and its hash (both empty): the same scenario
    /// and the same diagnostics, for runs that need only the scenario (a calibration's proposals, whose
    /// base document carries the text).
    public func unhashedDocument(overrides: [String]) throws(ScenarioDiagnostics) -> ScenarioDocument {
        switch parsed {
        case .failure(let diagnostics): throw diagnostics
        case .success(let p):
            if let checked, let patched = ScenarioPatch.apply(overrides, to: checked, sink: p.sink) {
                return ScenarioDocument(path: path, checked: patched, text: false)
            }
            return try fullDocument(overrides: overrides)
        }
    }

    /// The scenario with `overrides` applied to the tree and decoded again, never patched (what
    /// ``document(overrides:)`` falls back to; tests compare the two).
    func fullDocument(overrides: [String]) throws(ScenarioDiagnostics) -> ScenarioDocument {
        switch parsed {
        case .failure(let diagnostics): throw diagnostics
        case .success(let p):
            return ScenarioDocument(path: path, checked: try ScenarioLoader.checked(parsed: (p.root, p.sink), path: path, overrides: overrides))
        }
    }

    /// Whether `overrides` would be patched onto the decoded base (for tests).
    func patches(_ overrides: [String]) -> Bool {
        guard case .success(let p) = parsed, let checked else { return false }
        return ScenarioPatch.apply(overrides, to: checked, sink: p.sink) != nil
    }
}

/// Reads scenario files: YAML → located tree → `--set` overrides → decoded with the schema
/// table → cross-checked → ``ScenarioDocument``. Every problem is collected before anything is
/// thrown, and nothing in the input can crash or hang it.
public enum ScenarioLoader {
    /// Loads and validates the file at `path`, then applies `overrides` (`KEY.PATH=VALUE`).
    /// - Throws: ``ScenarioDiagnostics`` listing every problem, sorted by line.
    public static func load(path: String, overrides: [String] = []) throws(ScenarioDiagnostics) -> ScenarioDocument {
        try load(yaml: readText(path, kind: "a scenario"), path: path, overrides: overrides)
    }

    /// The text of a YAML file, or diagnostics naming it when it cannot be read or is not UTF-8.
    /// - Parameter kind: what the file should be, for the message ("a scenario", "a sweep").
    static func readText(_ path: String, kind: String) throws(ScenarioDiagnostics) -> String {
        switch readFile(path) {
        case .text(let text):
            return text
        case .failure(let why):
            var sources = SourceSet()
            let src = sources.add(name: path, text: "")
            var sink = DiagnosticSink(sources: sources)
            sink.error(SourceLocation(source: src, line: 1, column: 1), "", why)
            throw ScenarioDiagnostics(sink, file: path)
        case .notUTF8(let decoded, let line, let column):
            var sources = SourceSet()
            _ = sources.add(name: path, text: decoded)
            var sink = DiagnosticSink(sources: sources)
            sink.error(SourceLocation(source: 0, line: line, column: column), "", "not UTF-8 text (\(kind) is a YAML text file)")
            throw ScenarioDiagnostics(sink, file: path)
        }
    }

    /// What reading a scenario file gave.
    enum FileText {
        case text(String)
        /// Why it could not be read: "cannot read the file: no such file".
        case failure(String)
        /// Not UTF-8: the text decoded with replacements, and where the first bad byte is.
        case notUTF8(String, line: Int, column: Int)
    }

    /// Reads a regular file of at most ``YAMLReader/maxBytes`` (devices, pipes and folders are
    /// refused, and nothing larger is read whole).
    static func readFile(_ path: String) -> FileText {
        let resolved = URL(fileURLWithPath: path).resolvingSymlinksInPath().path
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: resolved, isDirectory: &isDir) else {
            return .failure("cannot read the file: no such file")
        }
        guard !isDir.boolValue else { return .failure("cannot read the file: it is a directory") }
        let attributes = try? FileManager.default.attributesOfItem(atPath: resolved)
        if let type = attributes?[.type] as? FileAttributeType, type != .typeRegular {
            return .failure("cannot read the file: not a regular file")
        }
        if let size = (attributes?[.size] as? NSNumber)?.intValue, size > YAMLReader.maxBytes {
            return .failure("the file is larger than \(YAMLReader.maxBytes / 1024) KiB; expected a scenario of a few hundred lines")
        }
        guard let handle = FileHandle(forReadingAtPath: resolved) else { return .failure("cannot read the file") }
        defer { try? handle.close() }
        guard let data = try? handle.read(upToCount: YAMLReader.maxBytes + 1) ?? Data() else { return .failure("cannot read the file") }
        if data.count > YAMLReader.maxBytes {
            return .failure("the file is larger than \(YAMLReader.maxBytes / 1024) KiB; expected a scenario of a few hundred lines")
        }
        guard let text = String(validating: data, as: UTF8.self) else {
            let (line, col) = firstInvalidUTF8(data)
            return .notUTF8(String(decoding: data, as: UTF8.self), line: line, column: col)
        }
        return .text(text)
    }

    /// Loads and validates YAML text; `path` names it in diagnostics and in the document, and an
    /// `extends` in it is read relative to `path`'s folder.
    /// - Throws: ``ScenarioDiagnostics`` listing every problem, sorted by line.
    public static func load(yaml: String, path: String, overrides: [String] = []) throws(ScenarioDiagnostics) -> ScenarioDocument {
        ScenarioDocument(path: path, checked: try checked(parsed: parse(yaml: yaml, path: path), path: path, overrides: overrides))
    }

    /// The decoded and checked tree of YAML text (computed defaults filled in), and the files it was read from.
    static func checkedTree(yaml: String, path: String, overrides: [String] = []) throws(ScenarioDiagnostics) -> (RNode, [String]) {
        let c = try checked(parsed: parse(yaml: yaml, path: path), path: path, overrides: overrides)
        return (c.resolvedTree(), c.files)
    }

    /// YAML text read into a located tree with its `extends` chain merged: everything of loading
    /// that does not depend on overrides, so a sweep does it once for all its points.
    static func parse(yaml: String, path: String) throws(ScenarioDiagnostics) -> (root: YNode, sink: DiagnosticSink) {
        // A byte-order mark is not part of the text (and editors do not count it as a column).
        let yaml = yaml.unicodeScalars.first == "\u{FEFF}" ? String(yaml.unicodeScalars.dropFirst()) : yaml
        var sources = SourceSet()
        let src = sources.add(name: path, text: yaml)
        var sink = DiagnosticSink(sources: sources)

        var root: YNode
        switch YAMLReader.read(yaml, source: src, sink: &sink) {
        case .failed:
            throw ScenarioDiagnostics(sink, file: path)
        case .empty:
            sink.error(SourceLocation(source: src, line: 1, column: 1), "",
                       "expected a map of scenario keys (name, start, horizon_months, currency, tiers, …), got an empty file")
            throw ScenarioDiagnostics(sink, file: path)
        case .node(let n):
            root = n
        }
        guard let merged = Inheritance.resolve(root, path: path, sink: &sink) else {
            throw ScenarioDiagnostics(sink, file: path)
        }
        return (merged, sink)
    }

    /// A parsed tree with `overrides` applied, decoded, bound into a draft and cross-checked on it.
    static func checked(parsed: (root: YNode, sink: DiagnosticSink), path: String,
                        overrides: [String]) throws(ScenarioDiagnostics) -> CheckedScenario {
        var (root, sink) = parsed
        for (i, o) in overrides.enumerated() {
            Overrides.apply(o, number: i + 1, to: &root, sink: &sink)
        }

        var decoder = Decoder(sink: sink)
        let tree = decoder.decodeRoot(root)
        let levers = LeverReader.read(root, tree: tree, sink: &decoder.sink)
        // A tree with problems binds too (refused values as blanks), so that the cross-key
        // problems are reported with the decoder's.
        let binder = Binder(tree)
        var checker = SemanticChecker(sink: decoder.sink, draft: binder.draft, marks: binder.marks)
        if checker.sink.isEmpty || !tree.isNull {
            checker.check()
        }
        guard checker.sink.isEmpty else {
            throw ScenarioDiagnostics(checker.sink, file: path)
        }
        let files = checker.sink.sources.texts.map(\.name).filter { !$0.hasPrefix(Diagnostic.commandLinePrefix) }
        return CheckedScenario(tree: tree, draft: binder.draft, drawn: binder.drawn, marks: binder.marks, files: files,
                               levers: levers)
    }

    /// Line and column of the first byte that is not valid UTF-8.
    static func firstInvalidUTF8(_ data: Data) -> (Int, Int) {
        var line = 1, col = 1
        let bytes = [UInt8](data)
        var i = 0
        while i < bytes.count {
            let b = bytes[i]
            let n: Int
            switch b {
            case 0x00...0x7F: n = 1
            case 0xC2...0xDF: n = 2
            case 0xE0...0xEF: n = 3
            case 0xF0...0xF4: n = 4
            default: return (line, col)
            }
            guard i + n <= bytes.count else { return (line, col) }
            if n > 1, String(validating: bytes[i..<(i + n)], as: UTF8.self) == nil { return (line, col) }
            if b == 0x0A { line += 1; col = 1 } else { col += 1 }
            i += n
        }
        return (line, col)
    }
}
