import Foundation

/// A sweep file (`Scenarios/sweeps/*.yaml`): a base scenario and the parameters to vary.
///
/// ```yaml
/// base: ../validation/erlang-loss.yaml      # relative to the sweep file
/// design: grid                              # grid | random | latin-hypercube | sobol | morris
/// points: 16                                # random and latin-hypercube only
/// base_points: 64                           # sobol only: N, a power of two (N·(k + 2) points)
/// trajectories: 20                          # morris only: r (r·(k + 1) points)
/// levels: 4                                 # morris only: p, even (default 4)
/// candidates: 100                           # morris only, optional: Campolongo's improved sampling
/// replications: 4
/// seed: 1
/// common_random_numbers: true               # default
/// parameters:
///   - {path: providers[lessor].fleet[0].units, values: [8, 10]}
///   - {path: demand.segments[tenants].rate, range: [48, 120]}
/// ```
/// Each point is the base with `--set path=value` overrides, so it is validated exactly like a
/// scenario (done by the experiments layer). This type only reads and checks the file itself;
/// problems are reported as ``ScenarioDiagnostics`` (`file:line:col: error: …`).
public struct SweepFile: Sendable {
    public enum Design: String, Sendable, CaseIterable {
        case grid
        case random
        case latinHypercube = "latin-hypercube"
        /// Saltelli's design for Sobol indices.
        case sobol
        /// Morris's elementary-effects trajectories.
        case morris
    }

    /// The most parameters of a `sobol` design: GSL's Sobol sequence has at most 40 dimensions
    /// and the design needs two per parameter.
    public static let maxSobolParameters = 20

    /// One varied key.
    public struct Parameter: Sendable, Equatable {
        /// A concrete scenario key path (`demand.segments[llm-training].rate`).
        public var path: String
        /// The values of a `values:` list, as written.
        public var values: [String]?
        /// The `range: [lo, hi]`.
        public var range: ClosedRange<Double>?
        /// Whether the key holds an integer (range draws are rounded).
        public var integer: Bool

        public init(path: String, values: [String]? = nil, range: ClosedRange<Double>? = nil, integer: Bool = false) {
            self.path = path; self.values = values; self.range = range; self.integer = integer
        }
    }

    /// The file as given.
    public let path: String
    /// The sweep's name: `name:` if given, else the file name without `.yaml`.
    public let name: String
    /// The base scenario's path, resolved against the sweep file's folder.
    public let basePath: String
    public let design: Design
    /// Points of a `random` or `latin-hypercube` design; nil for the others.
    public let points: Int?
    /// N, the base rows of a `sobol` design (a power of two); nil for the others.
    public let basePoints: Int?
    /// r, the trajectories of a `morris` design; nil for the others.
    public let trajectories: Int?
    /// p, the grid levels of a `morris` design (even); nil for the others.
    public let levels: Int?
    /// Candidate trajectories of a `morris` design with Campolongo's improved sampling; nil: none.
    public let candidates: Int?
    /// How many of ``parameters`` are levers (a firm's own choices, `levers:`), listed first; the
    /// rest are the uncertainties (`uncertainties:`). 0 for a sweep of `parameters:`.
    public let leverCount: Int
    /// What `robustness.csv` measures; given exactly when there are levers.
    public let robustness: Robustness?

    /// A sweep's `robustness:` map: the outcome, which way it is good, and the threshold a world's
    /// outcome must meet to count as satisficing.
    public struct Robustness: Sendable, Equatable {
        /// `KIND[NAME].METRIC`, as written.
        public var outcome: String
        public var kind: String
        public var entity: String
        public var metric: String
        /// `maximize` or `minimize`.
        public var direction: String
        public var threshold: Double
        /// Where `outcome` is written (`file:line:col`), for errors found against the base scenario.
        public var location: String

        public init(outcome: String, kind: String, entity: String, metric: String, direction: String, threshold: Double,
                    location: String) {
            self.outcome = outcome; self.kind = kind; self.entity = entity; self.metric = metric
            self.direction = direction; self.threshold = threshold; self.location = location
        }
    }
    public let replications: Int
    public let seed: UInt64
    public let commonRandomNumbers: Bool
    public let parameters: [Parameter]
    /// SHA-256 (lowercase hex) of the file's text.
    public let contentHash: String

    public init(path: String, name: String, basePath: String, design: Design, points: Int?, replications: Int,
                seed: UInt64, commonRandomNumbers: Bool, parameters: [Parameter], contentHash: String,
                basePoints: Int? = nil, trajectories: Int? = nil, levels: Int? = nil, candidates: Int? = nil,
                leverCount: Int = 0, robustness: Robustness? = nil) {
        self.path = path; self.name = name; self.basePath = basePath; self.design = design; self.points = points
        self.basePoints = basePoints; self.trajectories = trajectories; self.levels = levels; self.candidates = candidates
        self.leverCount = leverCount; self.robustness = robustness
        self.replications = replications; self.seed = seed; self.commonRandomNumbers = commonRandomNumbers
        self.parameters = parameters; self.contentHash = contentHash
    }

    /// SHA-256 of `text` as 64 lowercase hex digits.
    public static func hash(_ text: String) -> String { SHA256.hex(text.utf8) }

    static let keys = ["name", "description", "base", "parameters", "levers", "uncertainties", "robustness", "design", "points",
                       "base_points", "trajectories", "levels", "candidates", "replications", "seed", "common_random_numbers"]

    /// The combinations of the levers' values (1 without levers); nil past `Int.max`.
    public var leverCombinations: Int? { Self.product(parameters.prefix(leverCount).map { $0.values?.count ?? 0 }) }

    /// The number of points of the design, computed from the file without laying it out; nil when a
    /// grid's value counts multiply past `Int.max`.
    public var pointCount: Int? {
        switch design {
        case .grid: Self.product(parameters.map { $0.values?.count ?? 0 })
        case .random, .latinHypercube: leverCombinations.flatMap { c in
            (points ?? 1).multipliedReportingOverflow(by: c).overflow ? nil : (points ?? 1) * c }
        case .sobol: (basePoints ?? 1).multipliedReportingOverflow(by: parameters.count + 2).overflow ? nil
            : (basePoints ?? 1) * (parameters.count + 2)
        case .morris: (trajectories ?? 1).multipliedReportingOverflow(by: parameters.count + 1).overflow ? nil
            : (trajectories ?? 1) * (parameters.count + 1)
        }
    }

    /// Reads and checks the sweep file at `path`.
    /// - Throws: ``ScenarioDiagnostics`` listing every problem.
    public static func load(path: String) throws(ScenarioDiagnostics) -> SweepFile {
        try load(yaml: ScenarioLoader.readText(path, kind: "a sweep"), path: path)
    }

    /// Reads and checks sweep YAML; `path` names it in diagnostics and anchors `base`.
    /// - Throws: ``ScenarioDiagnostics`` listing every problem.
    public static func load(yaml: String, path: String) throws(ScenarioDiagnostics) -> SweepFile {
        let yaml = yaml.unicodeScalars.first == "\u{FEFF}" ? String(yaml.unicodeScalars.dropFirst()) : yaml
        var sources = SourceSet()
        let src = sources.add(name: path, text: yaml)
        var sink = DiagnosticSink(sources: sources)
        let top = SourceLocation(source: src, line: 1, column: 1)
        let root: YNode
        switch YAMLReader.read(yaml, source: src, sink: &sink) {
        case .failed: throw ScenarioDiagnostics(sink, file: path)
        case .empty:
            sink.error(top, "", "expected a map of sweep keys (base, parameters, design, replications, seed, …), got an empty file")
            throw ScenarioDiagnostics(sink, file: path)
        case .node(let n): root = n
        }
        guard case .map(let pairs) = root.value else {
            sink.error(root.loc, "", "expected a map of sweep keys (base, parameters, design, …), got \(root.got)")
            throw ScenarioDiagnostics(sink, file: path)
        }
        var seen: [String: YPair] = [:]
        for p in pairs {
            if !keys.contains(p.key) {
                sink.error(p.keyLoc, p.key, "unknown sweep key; expected one of " + keys.joined(separator: ", "))
            } else if let first = seen[p.key] {
                sink.error(p.keyLoc, p.key, "duplicate key (first at line \(first.keyLoc.line))")
            } else {
                seen[p.key] = p
            }
        }

        func scalar(_ n: YNode) -> String? { if case .scalar(let s, _) = n.value, !n.isNull { return s } else { return nil } }
        /// The integer at `key` in `min … max`; nil (reported) when missing without a default, or
        /// not such an integer. `what` names the limit's reason when the value is above `max`.
        func integer(_ key: String, min: Int, max: Int, what: String, default d: Int?) -> Int? {
            guard let p = seen[key] else {
                if d == nil { sink.error(top, key, "missing; expected an integer ≥ \(min)") }
                return d
            }
            let s = scalar(p.value)
            // Digits too many for an Int are above the limit too.
            let tooLarge = s.map { !$0.isEmpty && $0.unicodeScalars.allSatisfy { ("0"..."9").contains($0) } } == true
            guard let s, let v = Int(s) ?? (tooLarge ? Int.max : nil), v >= min else {
                sink.error(p.value.loc, key, "expected an integer ≥ \(min), got \(p.value.got)")
                return nil
            }
            guard v <= max else {
                sink.error(p.value.loc, key, "expected an integer from \(min) to \(max) (\(what)), got \(p.value.got)")
                return nil
            }
            return v
        }

        // name
        var name = URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent
        if let p = seen["name"] {
            if let s = scalar(p.value), Self.isName(s) { name = s } else {
                sink.error(p.value.loc, "name", "expected a name (a letter, then letters, digits, - or _), got \(p.value.got)")
            }
        }
        // base
        var basePath = ""
        if let p = seen["base"] {
            if let s = scalar(p.value) {
                basePath = s.hasPrefix("/") ? s : Self.resolve(s, besides: path)
                if !FileManager.default.fileExists(atPath: basePath) {
                    sink.error(p.value.loc, "base", "no scenario file at '\(basePath)' (base is relative to the sweep file)")
                }
            } else {
                sink.error(p.value.loc, "base", "expected the path of a scenario file, got \(p.value.got)")
            }
        } else {
            sink.error(top, "base", "missing; expected the path of the base scenario, relative to the sweep file")
        }
        // design
        var design = Design.grid
        if let p = seen["design"] {
            if let s = scalar(p.value), let d = Design(rawValue: s) { design = d } else {
                sink.error(p.value.loc, "design", "expected grid, random, latin-hypercube, sobol or morris, got \(p.value.got)")
            }
        }
        var points: Int? = nil
        var basePoints: Int? = nil, trajectories: Int? = nil, levels: Int? = nil, candidates: Int? = nil
        /// Reports `key` when present: it belongs to other designs (`why`).
        func refuse(_ key: String, _ why: String) {
            if let p = seen[key] { sink.error(p.keyLoc, key, why) }
        }
        switch design {
        case .grid:
            refuse("points", "a grid has one point per combination of values; points is for random and latin-hypercube designs")
        case .random, .latinHypercube:
            points = integer("points", min: 1, max: RunLimits.maxPoints, what: "the most points a design may have",
                             default: nil)
        case .sobol, .morris:
            refuse("points", "a \(design.rawValue) design has " + (design == .sobol ? "N·(k + 2) points (N = base_points)"
                   : "r·(k + 1) points (r = trajectories)") + "; points is for random and latin-hypercube designs")
        }
        if design != .sobol { refuse("base_points", "base_points is for sobol designs") }
        if design != .morris {
            for key in ["trajectories", "levels", "candidates"] { refuse(key, "\(key) is for morris designs") }
        }
        if design == .sobol, let n = integer("base_points", min: 2, max: RunLimits.maxPoints,
                                              what: "the most points a design may have", default: nil) {
            if n & (n - 1) != 0 {
                sink.error(seen["base_points"]!.value.loc, "base_points",
                           "expected a power of two (the Sobol sequence is balanced at powers of two), got \(n)")
            } else {
                basePoints = n
            }
        }
        if design == .morris {
            trajectories = integer("trajectories", min: 2, max: RunLimits.maxPoints,
                                   what: "the most points a design may have", default: nil)
            levels = integer("levels", min: 2, max: 1000, what: "a grid of at most 1,000 levels", default: 4)
            if let l = levels, l % 2 != 0 {
                sink.error(seen["levels"]!.value.loc, "levels",
                           "expected an even number of levels (each step moves a parameter by half of them), got \(l)")
                levels = nil
            }
            if seen["candidates"] != nil {
                candidates = integer("candidates", min: 2, max: 1000, what: "the greedy choice compares every pair of candidates",
                                     default: nil)
                if let c = candidates, let r = trajectories, c <= r {
                    sink.error(seen["candidates"]!.value.loc, "candidates",
                               "expected more candidates than trajectories (\(r)) to choose the most spread out from, got \(c)")
                }
            }
        }
        let replications = integer("replications", min: 1, max: RunLimits.maxReplications,
                                   what: "the most replications a point may have", default: nil) ?? 1
        var seed: UInt64 = 1
        if let p = seen["seed"] {
            if let s = scalar(p.value), let v = UInt64(s) { seed = v } else {
                sink.error(p.value.loc, "seed", "expected an integer in 0 … 2^64 − 1, got \(p.value.got)")
            }
        }
        var crn = true
        if let p = seen["common_random_numbers"] {
            switch scalar(p.value) {
            case "true"?: crn = true
            case "false"?: crn = false
            default: sink.error(p.value.loc, "common_random_numbers", "expected true or false, got \(p.value.got)")
            }
        }
        // parameters, or levers and uncertainties
        var parameters: [Parameter] = []
        var leverCount = 0
        /// The parameters listed under `key`, each checked for `design`; nil (reported) when missing or empty.
        func list(_ key: String, design: Design, what: String) -> [Parameter]? {
            guard let p = seen[key] else {
                sink.error(top, key, "missing; expected a list of " + what)
                return nil
            }
            guard case .list(let items) = p.value.value, !items.isEmpty else {
                sink.error(p.value.loc, key, "expected a non-empty list of \(what), got \(p.value.got)")
                return nil
            }
            var out: [Parameter] = []
            for (i, item) in items.enumerated() {
                if let param = parameter(item, index: i, design: design, list: key, sink: &sink) {
                    if (parameters + out).contains(where: { $0.path == param.path }) {
                        sink.error(item.loc, "\(key)[\(i)].path", "'\(param.path)' is varied twice")
                    }
                    out.append(param)
                }
            }
            return out
        }
        if seen["levers"] != nil || seen["uncertainties"] != nil {
            if let p = seen["parameters"] {
                sink.error(p.keyLoc, "parameters", "give parameters, or levers and uncertainties, not both")
            }
            if design == .sobol || design == .morris {
                sink.error(seen["design"]!.value.loc, "design", "levers and uncertainties take a grid, random or latin-hypercube "
                           + "design of the uncertainties, got \(design.rawValue)")
            }
            let levers = list("levers", design: .grid, what: "{path, values: [...]} (a firm's own choices; every combination runs)") ?? []
            parameters = levers
            let uncertainties = list("uncertainties", design: design,
                                     what: design == .grid ? "{path, values: [...]}" : "{path, range: [lo, hi]}") ?? []
            parameters += uncertainties
            leverCount = levers.count
        } else {
            parameters = list("parameters", design: design, what: "{path, values: [...]} or {path, range: [lo, hi]}") ?? []
        }
        // robustness
        var robustness: Robustness?
        if let p = seen["robustness"] {
            if leverCount == 0 && seen["levers"] == nil {
                sink.error(p.keyLoc, "robustness", "robustness measures the choices of levers: give levers and uncertainties")
            }
            robustness = Self.robustness(p.value, path: path, sink: &sink)
        } else if seen["levers"] != nil {
            sink.error(top, "robustness", "missing; expected {outcome: KIND[NAME].METRIC, direction: maximize | minimize, "
                       + "threshold: NUMBER} (what robustness.csv measures)")
        }
        if design == .sobol, parameters.count > maxSobolParameters, case .list(let items)? = seen["parameters"]?.value.value {
            sink.error(items[maxSobolParameters].loc, "parameters[\(maxSobolParameters)]",
                       "a sobol design takes at most \(maxSobolParameters) parameters (GSL's Sobol sequence has at most 40 "
                       + "dimensions and the design needs two per parameter), got \(parameters.count): screen them with a "
                       + "morris design first")
        }
        // The design's size, checked before anything the size of the design is made.
        let counts = parameters.map { $0.values?.count ?? 0 }
        if sink.isEmpty, design == .grid, leverCount == 0, case .list(let items)? = seen["parameters"]?.value.value {
            if let over = Self.firstOverLimit(counts) {
                let product = Self.product(counts).map(String.init) ?? "more than \(Int.max)"
                var at = items[over].loc
                if case .map(let pairs) = items[over].value, let v = pairs.first(where: { $0.key == "values" }) {
                    at = v.value.loc
                }
                let factors = counts.prefix(12).map(String.init).joined(separator: " × ") + (counts.count > 12 ? " × …" : "")
                sink.error(at, "parameters[\(over)].values",
                           "the grid has " + factors + " = \(product) points "
                           + "(the product of the parameters' value counts; over the limit from this parameter on); "
                           + "expected at most \(RunLimits.maxPoints) points: use fewer values, or a random or "
                           + "latin-hypercube design")
            }
        }
        let designPoints: Int? = switch design {
        case .grid: Self.product(counts)
        case .random, .latinHypercube: points.map { n in
            Self.product(counts.prefix(leverCount).map { $0 }).map { n.multipliedReportingOverflow(by: $0).overflow ? Int.max : n * $0 } ?? Int.max }
        case .sobol: basePoints.map { $0.multipliedReportingOverflow(by: parameters.count + 2).overflow ? Int.max : $0 * (parameters.count + 2) }
        case .morris: trajectories.map { $0.multipliedReportingOverflow(by: parameters.count + 1).overflow ? Int.max : $0 * (parameters.count + 1) }
        }
        if sink.isEmpty, leverCount > 0, (designPoints ?? Int.max) > RunLimits.maxPoints {
            let combinations = Self.product(counts.prefix(leverCount).map { $0 }).map(String.init) ?? "more than \(Int.max)"
            sink.error(seen["levers"]!.value.loc, "levers", "the levers' \(combinations) combinations × the worlds of the "
                       + "uncertainties = " + (designPoints.map(String.init) ?? "more than \(Int.max)")
                       + " points; expected at most \(RunLimits.maxPoints)")
        }
        if sink.isEmpty, design == .sobol || design == .morris, let n = designPoints, n > RunLimits.maxPoints {
            let key = design == .sobol ? "base_points" : "trajectories"
            sink.error(seen[key]!.value.loc, key, "the design has \(n) points; expected at most \(RunLimits.maxPoints)")
        }
        if sink.isEmpty, let n = designPoints {
            let (runs, overflow) = n.multipliedReportingOverflow(by: replications)
            if overflow || runs > RunLimits.maxRuns {
                let at = seen["replications"].map { ($0.value.loc, "replications") } ?? (top, "replications")
                sink.error(at.0, at.1, "\(n) point\(n == 1 ? "" : "s") × \(replications) replications = "
                           + (overflow ? "more than \(Int.max)" : "\(runs)") + " runs; expected at most "
                           + "\(RunLimits.maxRuns) runs in one sweep: use fewer replications or fewer points")
            }
        }
        guard sink.isEmpty else { throw ScenarioDiagnostics(sink, file: path) }
        return SweepFile(path: path, name: name, basePath: basePath, design: design, points: points,
                         replications: replications, seed: seed, commonRandomNumbers: crn, parameters: parameters,
                         contentHash: hash(yaml), basePoints: basePoints, trajectories: trajectories, levels: levels,
                         candidates: candidates, leverCount: leverCount, robustness: robustness)
    }

    /// The `robustness:` map at `node`; nil (reported) when it is not one.
    private static func robustness(_ node: YNode, path: String, sink: inout DiagnosticSink) -> Robustness? {
        let expected = "expected {outcome: KIND[NAME].METRIC, direction: maximize | minimize, threshold: NUMBER}"
        guard case .map(let pairs) = node.value else {
            sink.error(node.loc, "robustness", expected + ", got \(node.got)")
            return nil
        }
        var outcome: (text: String, kind: String, entity: String, metric: String, at: SourceLocation)?
        var direction = "maximize", threshold: Double?
        var ok = true
        for p in pairs {
            let s: String? = { if case .scalar(let v, _) = p.value.value, !p.value.isNull { return v } else { return nil } }()
            switch p.key {
            case "outcome":
                if let s, let open = s.firstIndex(of: "["), let close = s.lastIndex(of: "]"), open < close,
                   s[s.index(after: close)...].hasPrefix("."), s.index(close, offsetBy: 2) <= s.endIndex {
                    let kind = String(s[..<open]), entity = String(s[s.index(after: open)..<close])
                    let metric = String(s[s.index(close, offsetBy: 2)...])
                    if ["firm", "market", "template"].contains(kind), !entity.isEmpty, !metric.isEmpty {
                        outcome = (s, kind, entity, metric, p.value.loc)
                        continue
                    }
                }
                sink.error(p.value.loc, "robustness.outcome", "expected KIND[NAME].METRIC with KIND firm, market or template "
                           + "(e.g. firm[small-gpu-cloud].survived), got \(p.value.got)")
                ok = false
            case "direction":
                if let s, ["maximize", "minimize"].contains(s) { direction = s } else {
                    sink.error(p.value.loc, "robustness.direction", "expected maximize or minimize, got \(p.value.got)")
                    ok = false
                }
            case "threshold":
                if let s, let v = Double(s), v.isFinite { threshold = v } else {
                    sink.error(p.value.loc, "robustness.threshold", "expected a number, got \(p.value.got)")
                    ok = false
                }
            default:
                sink.error(p.keyLoc, "robustness." + p.key, "unknown key; expected outcome, direction or threshold")
                ok = false
            }
        }
        guard ok else { return nil }
        guard let outcome else { sink.error(node.loc, "robustness.outcome", "missing; " + expected); return nil }
        guard let threshold else { sink.error(node.loc, "robustness.threshold", "missing; " + expected); return nil }
        return Robustness(outcome: outcome.text, kind: outcome.kind, entity: outcome.entity, metric: outcome.metric,
                          direction: direction, threshold: threshold,
                          location: "\(path):\(outcome.at.line):\(outcome.at.column)")
    }

    private static func parameter(_ node: YNode, index i: Int, design: Design, list: String = "parameters",
                                  sink: inout DiagnosticSink) -> Parameter? {
        let key = "\(list)[\(i)]"
        guard case .map(let pairs) = node.value else {
            sink.error(node.loc, key, "expected {path: KEY.PATH, values: [...]} or {path: KEY.PATH, range: [lo, hi]}, got \(node.got)")
            return nil
        }
        var path: String?, values: [String]?, range: ClosedRange<Double>?
        var ok = true
        for p in pairs {
            switch p.key {
            case "path":
                if case .scalar(let s, _) = p.value.value, !p.value.isNull {
                    if let schema = ScenarioSchema.schemaPath(of: s), let e = ScenarioSchema.entry(schema) {
                        switch e.type {
                        case .section, .list, .namedList, .keyedBy, .reserved:
                            sink.error(p.value.loc, key + ".path", "'\(s)' is not a single value; vary one of its keys")
                            ok = false
                        default: path = s
                        }
                    } else {
                        sink.error(p.value.loc, key + ".path", "no scenario key '\(s)' (see docs/scenario-format.md)")
                        ok = false
                    }
                } else {
                    sink.error(p.value.loc, key + ".path", "expected a scenario key path, got \(p.value.got)")
                    ok = false
                }
            case "values":
                if case .list(let items) = p.value.value, !items.isEmpty {
                    var vs: [String] = []
                    for item in items {
                        if case .scalar(let s, _) = item.value, !item.isNull { vs.append(s) } else {
                            sink.error(item.loc, key + ".values", "expected a scalar value, got \(item.got)")
                            ok = false
                        }
                    }
                    values = vs
                } else {
                    sink.error(p.value.loc, key + ".values", "expected a non-empty list of values, got \(p.value.got)")
                    ok = false
                }
            case "range":
                if case .list(let items) = p.value.value, items.count == 2,
                   case .scalar(let a, _) = items[0].value, case .scalar(let b, _) = items[1].value,
                   let lo = Double(a), let hi = Double(b), lo.isFinite, hi.isFinite, lo <= hi {
                    range = lo...hi
                } else {
                    sink.error(p.value.loc, key + ".range", "expected [lo, hi] with lo ≤ hi, got \(p.value.got)")
                    ok = false
                }
            default:
                sink.error(p.keyLoc, key + "." + p.key, "unknown key; expected path, values or range")
                ok = false
            }
        }
        guard ok else { return nil }
        guard let path else {
            sink.error(node.loc, key + ".path", "missing; expected the scenario key path to vary")
            return nil
        }
        if values != nil && range != nil {
            sink.error(node.loc, key, "give values or range, not both"); return nil
        }
        switch design {
        case .grid where values == nil:
            sink.error(node.loc, key + ".values", "a grid needs a values list for every parameter"); return nil
        case .random, .latinHypercube, .sobol, .morris:
            if range == nil {
                sink.error(node.loc, key + ".range", "a \(design.rawValue) design needs range: [lo, hi] for every parameter")
                return nil
            }
        default: break
        }
        var isInteger = false
        if let schema = ScenarioSchema.schemaPath(of: path), let e = ScenarioSchema.entry(schema), e.type == .integer {
            isInteger = true
        }
        return Parameter(path: path, values: values, range: range, integer: isInteger)
    }

    /// The number of points of a grid with these value counts (their product); nil when it
    /// exceeds `Int.max`. Computed without overflow and without laying the grid out.
    public static func product(_ counts: [Int]) -> Int? {
        var n = 1
        for c in counts {
            let (next, overflow) = n.multipliedReportingOverflow(by: c)
            if overflow { return nil }
            n = next
        }
        return n
    }

    /// The index of the first count that takes the running product above ``RunLimits/maxPoints``.
    static func firstOverLimit(_ counts: [Int]) -> Int? {
        var n = 1
        for (i, c) in counts.enumerated() {
            let (next, overflow) = n.multipliedReportingOverflow(by: c)
            if overflow || next > RunLimits.maxPoints { return i }
            n = next
        }
        return nil
    }

    static func isName(_ s: String) -> Bool {
        guard let f = s.unicodeScalars.first, f.properties.isAlphabetic, s.unicodeScalars.count <= 64 else { return false }
        return s.unicodeScalars.allSatisfy { $0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "-" || $0 == "_" }
    }
}

extension SweepFile {
    /// `relative` joined to the folder of `file`, with `.` and `..` resolved; relative when `file` is.
    static func resolve(_ relative: String, besides file: String) -> String {
        let folder = (file as NSString).deletingLastPathComponent
        let joined = folder.isEmpty ? relative : folder + "/" + relative
        var parts: [String] = []
        for c in joined.split(separator: "/", omittingEmptySubsequences: true).map(String.init) {
            if c == "." { continue }
            if c == "..", let last = parts.last, last != ".." { parts.removeLast(); continue }
            parts.append(c)
        }
        return (file.hasPrefix("/") ? "/" : "") + parts.joined(separator: "/")
    }
}
