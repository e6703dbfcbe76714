import Foundation
import MarketModel
import Stochastics

/// A targets file (`Scenarios/targets/*.yaml`): a base scenario, the keys to fit with their priors,
/// and what was observed, for `suanli calibrate`.
///
/// ```yaml
/// base: ../global-neocloud-2023.yaml        # relative to the targets file
/// particles: 400                            # ABC-SMC population
/// replications: 2                           # runs per particle (R)
/// budget: 20000                             # simulations (runs) at most
/// parameters:
///   - path: demand.segments[inference].growth.rate
///     prior: {dist: uniform, min: 0.2, max: 1.2}
/// observations:
///   - name: h100-rent                       # H100 1-month rent, $ per GPU-hour (source in a comment)
///     file: market_monthly
///     column: short_term_price
///     tier: h100
///     values: {2023-09: 4.2, 2024-03: 2.9}
///     sd: 0.3
/// ```
/// Every key is a row of ``keys`` (its meaning and what it expects), which the reader checks
/// against and `docs/targets-format.md` is written from. What needs the base scenario or the
/// output files (tier and firm names, columns, months inside the horizon) is checked by the
/// experiments layer, placed by the ``Mark``s kept here. Problems are reported all at once as
/// ``ScenarioDiagnostics`` (`file:line:col: error: key: expected …, got …`).
public struct TargetsFile: Sendable {
    /// Where a value was written, for diagnostics found after reading.
    public struct Mark: Sendable, Equatable {
        public var line: Int
        public var column: Int
        /// The source line, for the caret.
        public var text: String
        public init(line: Int, column: Int, text: String) { self.line = line; self.column = column; self.text = text }
    }

    /// One fitted key: a scenario key path and its prior.
    public struct Parameter: Sendable {
        public var path: String
        public var prior: Distribution
        /// The prior's text as written (`gamma(shape 4, scale 1)`), for the manifest and messages.
        public var priorText: String
        /// The prior truncated to these bounds (the key's valid range when none are given).
        public var lower: Double
        public var upper: Double
        /// Whether the key holds an integer: values are rounded when written into the scenario.
        public var integer: Bool
        public var mark: Mark
    }

    /// How an observation's values are read from a run.
    public enum Aggregate: String, Sendable, CaseIterable {
        case sum, mean, last
    }

    /// One observed metric: a column of `market_monthly.csv` or `firms_monthly.csv`, on one tier's
    /// rows (or `all`) or one firm's, by month or aggregated over months.
    public struct Observation: Sendable {
        public var name: String
        /// `market_monthly` or `firms_monthly`.
        public var file: String
        public var column: String
        /// The tier (`all` for the rows over every tier) of a market observation.
        public var tier: String?
        /// The firm of a firm observation.
        public var firm: String?
        /// The aggregate over `from … to` of a scalar observation; nil for a series.
        public var aggregate: Aggregate?
        public var from: YearMonth?
        public var to: YearMonth?
        /// Observed values: one per month of a series, one (month nil) for an aggregate.
        public var values: [(month: YearMonth?, value: Double)]
        /// The standard deviation of each value (the distance's scale).
        public var sds: [Double]
        /// Whether the observation enters the distance; false holds it out (shown in fit.csv only).
        public var fit: Bool
        public var marks: [String: Mark]
    }

    public let path: String
    public let name: String
    public let description: String
    public let basePath: String
    public let seed: UInt64
    public let particles: Int
    public let replications: Int
    public let budget: Int
    public let minTolerance: Double
    public let minAcceptance: Double
    public let maxGenerations: Int
    public let quantile: Double
    public let predictive: Int
    public let truncate: Bool
    public let parameters: [Parameter]
    public let observations: [Observation]
    /// SHA-256 of the file's text.
    public let contentHash: String
    /// The file's text (for diagnostics found later).
    let text: String

    /// A key of a targets file: where it may appear, what it expects, what it means.
    public struct Key: Sendable {
        /// `calibration` (top level), `parameters[]` or `observations[]`.
        public var section: String
        public var name: String
        public var expects: String
        public var doc: String
    }

    /// Every key a targets file may hold.
    public static let keys: [Key] = [
        Key(section: "calibration", name: "name", expects: "a name", doc: "The calibration's name; default the file name without `.yaml`."),
        Key(section: "calibration", name: "description", expects: "text", doc: "One line on what is fitted to what."),
        Key(section: "calibration", name: "base", expects: "a path", doc: "The scenario to fit, relative to the targets file."),
        Key(section: "calibration", name: "seed", expects: "an integer in 0 … 2^64 − 1", doc: "Master seed (default 1). Particles use independent random numbers: each proposal's runs are keyed by (seed, generation, proposal, replication)."),
        Key(section: "calibration", name: "particles", expects: "an integer in 10 … 100000", doc: "Particles in each generation's population (default 500)."),
        Key(section: "calibration", name: "replications", expects: "an integer in 1 … 64", doc: "Runs per particle, R (default 1). A particle's likelihood is estimated by the share of its R runs within the tolerance (pseudo-marginal ABC)."),
        Key(section: "calibration", name: "budget", expects: "an integer ≥ particles × replications", doc: "Most simulations (runs) the calibration may spend, the predictive runs not counted (default 100000). A generation the budget cannot finish is dropped: the posterior is the last finished one."),
        Key(section: "calibration", name: "min_tolerance", expects: "a number ≥ 0", doc: "Stop once a generation's tolerance is at most this (default 0)."),
        Key(section: "calibration", name: "min_acceptance", expects: "a number in [0, 1)", doc: "Stop once a generation accepted at most this share of its proposals (default 0.001)."),
        Key(section: "calibration", name: "max_generations", expects: "an integer in 1 … 1000", doc: "Most generations, the first (from the prior) included (default 30)."),
        Key(section: "calibration", name: "quantile", expects: "a number in (0, 1)", doc: "The next tolerance is this quantile of the last generation's distances (default 0.5), or the largest distance below the last tolerance when the quantile would not decrease it."),
        Key(section: "calibration", name: "predictive", expects: "an integer in 0 … 100000", doc: "Runs of the posterior predictive behind fit.csv, each a particle drawn by weight (default 200)."),
        Key(section: "calibration", name: "truncate", expects: "true or false", doc: "Cut the fitting runs at the last fitted observation's month (default true; not when the scenario dates events after it); the predictive runs the whole horizon."),
        Key(section: "calibration", name: "parameters", expects: "a non-empty list", doc: "The keys to fit."),
        Key(section: "calibration", name: "observations", expects: "a non-empty list", doc: "What was observed."),
        Key(section: "parameters[]", name: "path", expects: "a scenario key path holding a number", doc: "The key to fit, written as for `--set` (`demand.segments[inference].rate`)."),
        Key(section: "parameters[]", name: "prior", expects: "{dist: NAME, …} of a continuous distribution", doc: "The prior, any continuous distribution of the catalogue (docs/scenario-format.md, \"Distributions\"): uniform, exponential, gamma, lognormal, normal, truncnormal, weibull, pareto, beta, empirical."),
        Key(section: "parameters[]", name: "bounds", expects: "[lo, hi] with lo < hi", doc: "Truncates the prior; default the key's valid range."),
        Key(section: "observations[]", name: "name", expects: "a name", doc: "The observation's name in fit.csv."),
        Key(section: "observations[]", name: "file", expects: "market_monthly or firms_monthly", doc: "The results file whose column is observed."),
        Key(section: "observations[]", name: "column", expects: "a numeric column of that file", doc: "The column (Results/README.md lists them with their units)."),
        Key(section: "observations[]", name: "tier", expects: "a tier name or all", doc: "market_monthly: the tier's rows, or `all`."),
        Key(section: "observations[]", name: "firm", expects: "a provider name", doc: "firms_monthly: the firm's rows (a firm declared by name)."),
        Key(section: "observations[]", name: "values", expects: "a map YYYY-MM: number", doc: "A series: the value observed in each month."),
        Key(section: "observations[]", name: "value", expects: "a number", doc: "A scalar: the aggregate observed over `from … to`."),
        Key(section: "observations[]", name: "aggregate", expects: "sum, mean or last", doc: "How a scalar is made from the months `from … to` (a month where the run leaves the column empty makes a `mean` of the others, and `sum`/`last` empty)."),
        Key(section: "observations[]", name: "from", expects: "YYYY-MM", doc: "First month of an aggregate (default the scenario's start)."),
        Key(section: "observations[]", name: "to", expects: "YYYY-MM", doc: "Last month of an aggregate (default the horizon's last)."),
        Key(section: "observations[]", name: "sd", expects: "a number > 0", doc: "Standard deviation of each observed value: the distance's scale."),
        Key(section: "observations[]", name: "cv", expects: "a number > 0", doc: "Instead of sd: the standard deviation as a share of each observed value's size."),
        Key(section: "observations[]", name: "interval", expects: "[lo, hi], lo < hi", doc: "Instead of sd, for a scalar: a 90% interval; sd = (hi − lo) / (2 × 1.645)."),
        Key(section: "observations[]", name: "fit", expects: "true or false", doc: "false holds the observation out: in fit.csv against the predictive, not in the distance (default true)."),
    ]

    static func names(_ section: String) -> [String] { keys.filter { $0.section == section }.map(\.name) }

    /// Reads and checks the targets file at `path`.
    /// - Throws: ``ScenarioDiagnostics`` listing every problem.
    public static func load(path: String) throws(ScenarioDiagnostics) -> TargetsFile {
        try load(yaml: ScenarioLoader.readText(path, kind: "a targets"), path: path)
    }

    /// Reads and checks targets YAML; `path` names it in diagnostics and anchors `base`.
    /// - Throws: ``ScenarioDiagnostics`` listing every problem.
    public static func load(yaml: String, path: String) throws(ScenarioDiagnostics) -> TargetsFile {
        let yaml = yaml.unicodeScalars.first == "\u{FEFF}" ? String(yaml.unicodeScalars.dropFirst()) : yaml
        var reader = Reader(yaml: yaml, path: path)
        return try reader.read()
    }

    /// A diagnostic placed at `mark` (for checks made after reading, against the base scenario).
    public func diagnostic(_ mark: Mark, _ key: String, _ message: String) -> Diagnostic {
        Diagnostic(file: path, line: mark.line, column: mark.column, keyPath: key, message: message, sourceLine: mark.text)
    }

    /// The format as Markdown, from ``keys`` (docs/targets-format.md).
    public static func markdown() -> String {
        var s = "# Targets file format\n\n"
        s += "A targets file tells `suanli calibrate` which scenario to fit, which of its keys to fit with which priors, "
            + "and what was observed. Generated from the key table in `Sources/ScenarioModule/Calibration/TargetsFile.swift` "
            + "(`suanli explain --targets-markdown`); see docs/MODEL.md, \"Calibration\", for the method.\n"
        for section in ["calibration", "parameters[]", "observations[]"] {
            s += "\n## " + (section == "calibration" ? "Top level" : "`" + section + "`") + "\n\n| key | expects | meaning |\n|---|---|---|\n"
            for k in keys where k.section == section {
                s += "| `\(k.name)` | \(k.expects) | \(k.doc) |\n"
            }
        }
        return s
    }
}

// MARK: - Reading

extension TargetsFile {
    fileprivate struct Reader {
        let yaml: String
        let path: String
        var sink: DiagnosticSink
        let src: Int

        init(yaml: String, path: String) {
            self.yaml = yaml; self.path = path
            var sources = SourceSet()
            src = sources.add(name: path, text: yaml)
            sink = DiagnosticSink(sources: sources)
        }

        var top: SourceLocation { SourceLocation(source: src, line: 1, column: 1) }

        func mark(_ loc: SourceLocation) -> Mark {
            Mark(line: loc.line, column: loc.column, text: sink.sources[loc.source].line(loc.line) ?? "")
        }

        func scalar(_ n: YNode) -> String? { if case .scalar(let s, _) = n.value, !n.isNull { return s } else { return nil } }

        mutating func number(_ n: YNode, _ key: String, _ ok: (Double) -> Bool, _ expects: String) -> Double? {
            if let s = scalar(n), let v = Double(s), v.isFinite, ok(v) { return v }
            sink.error(n.loc, key, "expected \(expects), got \(n.got)")
            return nil
        }

        mutating func integer(_ n: YNode, _ key: String, _ range: ClosedRange<Int>) -> Int? {
            if let s = scalar(n), let v = Int(s), range.contains(v) { return v }
            sink.error(n.loc, key, "expected an integer in \(range.lowerBound) … \(range.upperBound), got \(n.got)")
            return nil
        }

        mutating func flag(_ n: YNode, _ key: String) -> Bool? {
            switch scalar(n) {
            case "true"?: return true
            case "false"?: return false
            default: sink.error(n.loc, key, "expected true or false, got \(n.got)"); return nil
            }
        }

        /// The pairs of a map, unknown and duplicate keys reported.
        mutating func pairs(_ node: YNode, _ prefix: String, allowed: [String]) -> [String: YPair]? {
            guard case .map(let pairs) = node.value else { return nil }
            var seen: [String: YPair] = [:]
            for p in pairs {
                let key = prefix.isEmpty ? p.key : prefix + "." + p.key
                if !allowed.contains(p.key) {
                    let near = Suggest.closest(p.key, in: allowed).map { " (did you mean '\($0)'?)" } ?? ""
                    sink.error(p.keyLoc, key, "unknown key\(near); expected one of " + allowed.joined(separator: ", "))
                } else if let first = seen[p.key] {
                    sink.error(p.keyLoc, key, "duplicate key (first at line \(first.keyLoc.line))")
                } else {
                    seen[p.key] = p
                }
            }
            return seen
        }

        mutating func read() throws(ScenarioDiagnostics) -> TargetsFile {
            let root: YNode
            switch YAMLReader.read(yaml, source: src, sink: &sink) {
            case .failed: throw ScenarioDiagnostics(sink, file: path)
            case .empty:
                sink.error(top, "", "expected a map of targets keys (base, parameters, observations, …), got an empty file")
                throw ScenarioDiagnostics(sink, file: path)
            case .node(let n): root = n
            }
            guard let seen = pairs(root, "", allowed: TargetsFile.names("calibration")) else {
                sink.error(root.loc, "", "expected a map of targets keys (base, parameters, observations, …), got \(root.got)")
                throw ScenarioDiagnostics(sink, file: path)
            }
            var name = URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent
            if let p = seen["name"] {
                if let s = scalar(p.value), SweepFile.isName(s) { name = s } else {
                    sink.error(p.value.loc, "name", "expected a name (a letter, then letters, digits, - or _), got \(p.value.got)")
                }
            }
            let description = seen["description"].flatMap { scalar($0.value) } ?? ""
            var basePath = ""
            if let p = seen["base"] {
                if let s = scalar(p.value) {
                    basePath = s.hasPrefix("/") ? s : SweepFile.resolve(s, besides: path)
                    if !FileManager.default.fileExists(atPath: basePath) {
                        sink.error(p.value.loc, "base", "no scenario file at '\(basePath)' (base is relative to the targets file)")
                    }
                } else {
                    sink.error(p.value.loc, "base", "expected the path of a scenario file, got \(p.value.got)")
                }
            } else {
                sink.error(top, "base", "missing; expected the path of the scenario to fit, relative to the targets file")
            }
            var seed: UInt64 = 1
            if let p = seen["seed"] {
                if let s = scalar(p.value), let v = UInt64(s) { seed = v } else {
                    sink.error(p.value.loc, "seed", "expected an integer in 0 … 2^64 − 1, got \(p.value.got)")
                }
            }
            let particles = seen["particles"].flatMap { integer($0.value, "particles", 10...100_000) } ?? 500
            let replications = seen["replications"].flatMap { integer($0.value, "replications", 1...64) } ?? 1
            var budget = 100_000
            if let p = seen["budget"] {
                if let v = integer(p.value, "budget", 1...RunLimits.maxRuns) {
                    if v < particles * replications {
                        sink.error(p.value.loc, "budget", "expected at least particles × replications = \(particles * replications) "
                                   + "simulations (one generation from the prior), got \(v)")
                    }
                    budget = v
                }
            }
            let minTolerance = seen["min_tolerance"].flatMap { number($0.value, "min_tolerance", { $0 >= 0 }, "a number ≥ 0") } ?? 0
            let minAcceptance = seen["min_acceptance"].flatMap {
                number($0.value, "min_acceptance", { $0 >= 0 && $0 < 1 }, "a number in [0, 1)")
            } ?? 0.001
            let maxGenerations = seen["max_generations"].flatMap { integer($0.value, "max_generations", 1...1000) } ?? 30
            let quantile = seen["quantile"].flatMap { number($0.value, "quantile", { $0 > 0 && $0 < 1 }, "a number in (0, 1)") } ?? 0.5
            let predictive = seen["predictive"].flatMap { integer($0.value, "predictive", 0...100_000) } ?? 200
            let truncate = seen["truncate"].flatMap { flag($0.value, "truncate") } ?? true

            var parameters: [Parameter] = []
            if let p = seen["parameters"] {
                if case .list(let items) = p.value.value, !items.isEmpty {
                    for (i, item) in items.enumerated() {
                        guard let param = parameter(item, index: i) else { continue }
                        if parameters.contains(where: { $0.path == param.path }) {
                            sink.error(item.loc, "parameters[\(i)].path", "'\(param.path)' is fitted twice")
                        }
                        parameters.append(param)
                    }
                } else {
                    sink.error(p.value.loc, "parameters", "expected a non-empty list of {path, prior}, got \(p.value.got)")
                }
            } else {
                sink.error(top, "parameters", "missing; expected a list of {path: KEY.PATH, prior: {dist: …}}")
            }
            var observations: [Observation] = []
            if let p = seen["observations"] {
                if case .list(let items) = p.value.value, !items.isEmpty {
                    for (i, item) in items.enumerated() {
                        guard let o = observation(item, index: i) else { continue }
                        if observations.contains(where: { $0.name == o.name }) {
                            sink.error(item.loc, "observations[\(i)].name", "'\(o.name)' names two observations")
                        }
                        observations.append(o)
                    }
                    if !observations.isEmpty && !observations.contains(where: \.fit) {
                        sink.error(p.value.loc, "observations", "every observation is held out (fit: false); expected at least one to fit")
                    }
                } else {
                    sink.error(p.value.loc, "observations", "expected a non-empty list of observations, got \(p.value.got)")
                }
            } else {
                sink.error(top, "observations", "missing; expected a list of {name, file, column, values or value, sd}")
            }
            guard sink.isEmpty else { throw ScenarioDiagnostics(sink, file: path) }
            return TargetsFile(path: path, name: name, description: description, basePath: basePath, seed: seed,
                               particles: particles, replications: replications, budget: budget,
                               minTolerance: minTolerance, minAcceptance: minAcceptance, maxGenerations: maxGenerations,
                               quantile: quantile, predictive: predictive, truncate: truncate, parameters: parameters,
                               observations: observations, contentHash: SweepFile.hash(yaml), text: yaml)
        }

        mutating func parameter(_ node: YNode, index i: Int) -> Parameter? {
            let key = "parameters[\(i)]"
            guard let seen = pairs(node, key, allowed: TargetsFile.names("parameters[]")) else {
                sink.error(node.loc, key, "expected {path: KEY.PATH, prior: {dist: …}}, got \(node.got)")
                return nil
            }
            var ok = true
            var path = "", integer = false, range: (Double, Double) = (-.infinity, .infinity)
            if let p = seen["path"] {
                if let s = scalar(p.value), let schema = ScenarioSchema.schemaPath(of: s), let e = ScenarioSchema.entry(schema) {
                    switch e.type {
                    case .number, .integer:
                        path = s
                        integer = e.type == .integer
                        if let r = e.range { range = (r.lowerOpen ? r.lower.nextUp : r.lower, r.upperOpen ? r.upper.nextDown : r.upper) }
                    default:
                        sink.error(p.value.loc, key + ".path", "'\(s)' does not hold a number; expected a key that does")
                        ok = false
                    }
                } else {
                    sink.error(p.value.loc, key + ".path", "expected a scenario key path holding a number, got \(p.value.got) "
                               + "(see docs/scenario-format.md)")
                    ok = false
                }
            } else {
                sink.error(node.loc, key + ".path", "missing; expected the scenario key path to fit")
                ok = false
            }
            var prior: Distribution?, priorText = ""
            if let p = seen["prior"] {
                (prior, priorText) = distribution(p.value, key + ".prior")
                if let d = prior, !d.isContinuous {
                    sink.error(p.value.loc, key + ".prior", "expected a continuous distribution (uniform, gamma, lognormal, normal, "
                               + "truncnormal, beta, …), got \(priorText): a prior needs a density")
                    prior = nil
                }
            } else {
                sink.error(node.loc, key + ".prior", "missing; expected {dist: NAME, …}")
            }
            var lower = range.0, upper = range.1
            if let p = seen["bounds"] {
                if case .list(let items) = p.value.value, items.count == 2, let a = scalar(items[0]).flatMap(Double.init),
                   let b = scalar(items[1]).flatMap(Double.init), a.isFinite, b.isFinite, a < b {
                    if a < range.0 || b > range.1 {
                        sink.error(p.value.loc, key + ".bounds", "expected bounds inside the key's range [\(range.0), \(range.1)], got \(p.value.got)")
                        ok = false
                    }
                    lower = Swift.max(a, range.0); upper = Swift.min(b, range.1)
                } else {
                    sink.error(p.value.loc, key + ".bounds", "expected [lo, hi] with lo < hi, got \(p.value.got)")
                    ok = false
                }
            }
            guard ok, let prior else { return nil }
            return Parameter(path: path, prior: prior, priorText: priorText, lower: lower, upper: upper, integer: integer,
                             mark: mark(seen["path"]!.value.loc))
        }

        mutating func distribution(_ node: YNode, _ key: String) -> (Distribution?, String) {
            guard case .map(let pairs) = node.value, let d = pairs.first(where: { $0.key == "dist" }), let name = scalar(d.value) else {
                sink.error(node.loc, key, "expected {dist: NAME, parameters…}, got \(node.got)")
                return (nil, "")
            }
            var params: [String: DistributionParameter] = [:]
            var text: [String] = []
            for p in pairs where p.key != "dist" {
                if let s = scalar(p.value), let v = Double(s) {
                    params[p.key] = .number(v); text.append("\(p.key) \(s)")
                } else if case .list(let items) = p.value.value {
                    let vs = items.compactMap { scalar($0).flatMap(Double.init) }
                    guard vs.count == items.count else {
                        sink.error(p.value.loc, key + "." + p.key, "expected a list of numbers, got \(p.value.got)")
                        return (nil, "")
                    }
                    params[p.key] = .list(vs); text.append("\(p.key) [" + vs.map { "\($0)" }.joined(separator: ", ") + "]")
                } else {
                    sink.error(p.value.loc, key + "." + p.key, "expected a number, got \(p.value.got)")
                    return (nil, "")
                }
            }
            do throws(DistributionError) {
                return (try Distribution.make(name, params), name + "(" + text.joined(separator: ", ") + ")")
            } catch {
                let at = error.parameter.flatMap { n in pairs.first { $0.key == n }?.value.loc } ?? d.value.loc
                sink.error(at, key + (error.parameter.map { "." + $0 } ?? ".dist"), error.message)
                return (nil, "")
            }
        }

        mutating func month(_ n: YNode, _ key: String) -> YearMonth? {
            if let s = scalar(n), let m = YearMonth(s) { return m }
            sink.error(n.loc, key, "expected a month YYYY-MM, got \(n.got)")
            return nil
        }

        mutating func observation(_ node: YNode, index i: Int) -> Observation? {
            let key = "observations[\(i)]"
            guard let seen = pairs(node, key, allowed: TargetsFile.names("observations[]")) else {
                sink.error(node.loc, key, "expected {name, file, column, values or value, sd}, got \(node.got)")
                return nil
            }
            let before = sink.count
            var marks: [String: Mark] = [:]
            for (k, p) in seen { marks[k] = mark(p.value.loc) }
            marks[""] = mark(node.loc)
            func required(_ k: String, _ what: String) -> YNode? {
                if let p = seen[k] { return p.value }
                sink.error(node.loc, key + "." + k, "missing; expected \(what)")
                return nil
            }
            var name = ""
            if let n = required("name", "the observation's name") {
                if let s = scalar(n), SweepFile.isName(s) { name = s } else {
                    sink.error(n.loc, key + ".name", "expected a name (a letter, then letters, digits, - or _), got \(n.got)")
                }
            }
            var file = ""
            if let n = required("file", "market_monthly or firms_monthly") {
                if let s = scalar(n), s == "market_monthly" || s == "firms_monthly" { file = s } else {
                    sink.error(n.loc, key + ".file", "expected market_monthly or firms_monthly, got \(n.got)")
                }
            }
            let column = required("column", "a numeric column of the file").flatMap { n -> String? in
                if let s = scalar(n) { return s }
                sink.error(n.loc, key + ".column", "expected a column name, got \(n.got)")
                return nil
            } ?? ""
            let tier = seen["tier"].flatMap { scalar($0.value) }
            let firm = seen["firm"].flatMap { scalar($0.value) }
            if file == "market_monthly" {
                if seen["firm"] != nil { sink.error(seen["firm"]!.keyLoc, key + ".firm", "market_monthly has no firm rows; expected tier") }
                if tier == nil { sink.error(node.loc, key + ".tier", "missing; expected a tier name or all") }
            } else if file == "firms_monthly" {
                if seen["tier"] != nil { sink.error(seen["tier"]!.keyLoc, key + ".tier", "firms_monthly rows are by firm; expected firm") }
                if firm == nil { sink.error(node.loc, key + ".firm", "missing; expected the name of a provider") }
            }
            var aggregate: Aggregate?
            if let p = seen["aggregate"] {
                if let s = scalar(p.value), let a = Aggregate(rawValue: s) { aggregate = a } else {
                    sink.error(p.value.loc, key + ".aggregate", "expected sum, mean or last, got \(p.value.got)")
                }
            }
            let from = seen["from"].flatMap { month($0.value, key + ".from") }
            let to = seen["to"].flatMap { month($0.value, key + ".to") }
            if let from, let to, to.ordinal < from.ordinal {
                sink.error(seen["to"]!.value.loc, key + ".to", "expected a month from \(from) on, got '\(to)'")
            }
            var values: [(month: YearMonth?, value: Double)] = []
            switch (seen["values"], seen["value"]) {
            case (let v?, nil):
                if seen["aggregate"] != nil || seen["from"] != nil || seen["to"] != nil {
                    sink.error(v.keyLoc, key + ".values", "a series (values) is compared month by month; aggregate, from and to are for a scalar value")
                }
                if case .map(let ps) = v.value.value, !ps.isEmpty {
                    for p in ps {
                        guard let m = YearMonth(p.key) else {
                            sink.error(p.keyLoc, key + ".values", "expected a month YYYY-MM, got '\(p.key)'"); continue
                        }
                        if values.contains(where: { $0.month == m }) {
                            sink.error(p.keyLoc, key + ".values." + p.key, "month given twice"); continue
                        }
                        if let x = number(p.value, key + ".values." + p.key, { _ in true }, "a number") { values.append((m, x)) }
                    }
                    values.sort { $0.month!.ordinal < $1.month!.ordinal }
                } else {
                    sink.error(v.value.loc, key + ".values", "expected a map of YYYY-MM: number, got \(v.value.got)")
                }
            case (nil, let v?):
                if aggregate == nil { sink.error(v.keyLoc, key + ".aggregate", "missing; a scalar value needs aggregate: sum, mean or last") }
                if let x = number(v.value, key + ".value", { _ in true }, "a number") { values = [(nil, x)] }
            case (_?, _?):
                sink.error(node.loc, key, "give values (a series) or value (an aggregate), not both")
            case (nil, nil):
                sink.error(node.loc, key + ".values", "missing; expected values {YYYY-MM: number} or value with aggregate")
            }
            var sds: [Double] = []
            let given = ["sd", "cv", "interval"].filter { seen[$0] != nil }
            if given.count > 1 {
                sink.error(node.loc, key, "give one of sd, cv or interval, got \(given.joined(separator: " and "))")
            } else if let p = seen["sd"] {
                if let s = number(p.value, key + ".sd", { $0 > 0 }, "a number > 0") { sds = values.map { _ in s } }
            } else if let p = seen["cv"] {
                if let c = number(p.value, key + ".cv", { $0 > 0 }, "a number > 0") {
                    sds = values.map { c * abs($0.value) }
                    if sds.contains(0) { sink.error(p.value.loc, key + ".cv", "an observed value is 0, so cv gives no scale; give sd") }
                }
            } else if let p = seen["interval"] {
                if values.count == 1, values[0].month == nil, case .list(let items) = p.value.value, items.count == 2,
                   let a = scalar(items[0]).flatMap(Double.init), let b = scalar(items[1]).flatMap(Double.init), a < b {
                    sds = [(b - a) / (2 * 1.6448536269514722)]
                } else {
                    sink.error(p.value.loc, key + ".interval", "expected [lo, hi] with lo < hi, for a scalar value, got \(p.value.got)")
                }
            } else {
                sink.error(node.loc, key + ".sd", "missing; expected the observation's uncertainty: sd, cv or interval")
            }
            let fit = seen["fit"].flatMap { flag($0.value, key + ".fit") } ?? true
            guard sink.count == before else { return nil }
            return Observation(name: name, file: file, column: column, tier: tier, firm: firm, aggregate: aggregate,
                               from: from, to: to, values: values, sds: sds, fit: fit, marks: marks)
        }
    }
}
