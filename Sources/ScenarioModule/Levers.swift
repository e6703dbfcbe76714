import MarketModel
import Stochastics

/// A key a strategist moves in `suanli serve`'s page, declared under `levers:` in a scenario file.
///
/// Levers are presentation: they are read beside the scenario, never decoded into it, so they are
/// not part of the resolved scenario, its content hash or its results. A file that `extends`
/// another and declares none has its parent's (the `levers` list is replaced whole, as any list).
/// Month values are held as ``YearMonth/ordinal`` (months since year 0).
public struct Lever: Sendable, Equatable {
    public enum Kind: String, Sendable, CaseIterable {
        /// A slider from `min` to `max` by `step`.
        case number
        /// A slider over months.
        case month
        /// Two values: `on` and `off`.
        case toggle = "switch"
    }

    /// Where a lever's value was written, for located messages.
    public struct Place: Sendable, Equatable {
        public var file: String
        public var line: Int
        public var column: Int
        public var sourceLine: String?
        /// `levers[2].max`.
        public var keyPath: String
    }

    /// The key path, as `--set` takes it (`demand.segments[llm-training].growth.rate`).
    public var key: String
    public var label: String
    public var unit: String
    public var kind: Kind
    /// Bounds and step (months for a month lever); a switch has its `off` and `on` as bounds.
    public var min: Double
    public var max: Double
    public var step: Double
    public var on: Double?
    public var off: Double?
    /// The scenario's own value: the number, the mean of a drawn value, or the month; nil when
    /// the key has no single value (a distribution per tenant).
    public var value: Double?
    /// Whether the file declared it (false: offered by the tool, ``ScenarioDocument/suggestedLevers``).
    public var declared: Bool
    /// Where `min` and `max` (for a switch, `on` and `off`) are written; nil for a suggested lever.
    public var lowPlace: Place?
    public var highPlace: Place?

    /// A value as `--set` reads it: `0.25`, `2025-04`.
    public func text(_ v: Double) -> String {
        guard v.isFinite else { return "\(v)" }
        return kind == .month && abs(v) < 1e6 ? Lever.month(v).description : NumberText.format(v)
    }

    /// The `--set` argument that moves the key to `v`.
    public func override(_ v: Double) -> String { "\(key)=\(text(v))" }

    static func month(_ ordinal: Double) -> YearMonth {
        YearMonth(year: 0, month: 1).adding(months: Int(ordinal.rounded()))
    }

    /// Why `v` is not a value of this lever, located at the lever's bound in the scenario file as
    /// the command line reports a scenario's values (`file:line:col: error: levers[0].max: …`);
    /// nil when it is one.
    public func refusal(_ v: Double) -> Diagnostic? {
        let shown = text(v)
        if kind == .toggle {
            guard let on, let off, v != on, v != off else { return nil }
            return diagnostic(at: lowPlace, "\(key) = \(shown) is neither the switch's on value \(text(on)) nor its off value \(text(off))")
        }
        if !v.isFinite || v < min {
            return diagnostic(at: lowPlace, "\(key) = \(shown) is below the lever's minimum \(text(min))")
        }
        if v > max {
            return diagnostic(at: highPlace, "\(key) = \(shown) is above the lever's maximum \(text(max))")
        }
        if kind == .month && v.rounded() != v {
            return diagnostic(at: lowPlace, "\(key): expected a month YYYY-MM, got \(v)")
        }
        return nil
    }

    private func diagnostic(at place: Place?, _ message: String) -> Diagnostic {
        guard let place else {
            return Diagnostic(file: "<lever>", line: 1, column: 1, keyPath: key, message: message)
        }
        return Diagnostic(file: place.file, line: place.line, column: place.column, keyPath: place.keyPath,
                          message: message, sourceLine: place.sourceLine)
    }
}

/// Reads and checks `levers:` against the decoded scenario.
enum LeverReader {
    static let maxLevers = 32
    private static let keys = ["key", "label", "unit", "kind", "min", "max", "step", "on", "off"]

    /// The file's levers (none when it declares none); problems go to `sink` as the decoder's do.
    static func read(_ root: YNode, tree: RNode, sink: inout DiagnosticSink) -> [Lever] {
        guard case .map(let pairs) = root.value, let p = pairs.last(where: { $0.keyIsScalar && $0.key == "levers" }) else {
            return []
        }
        if p.value.isNull { return [] }
        guard case .list(let items) = p.value.value else {
            sink.error(p.value.loc, "levers", "expected a list of maps (key, label, min, max, …), got \(p.value.got)")
            return []
        }
        guard items.count <= maxLevers else {
            sink.error(p.value.loc, "levers", "expected at most \(maxLevers) levers, got \(items.count)")
            return []
        }
        let nodes = index(tree)
        var out: [Lever] = []
        for (i, item) in items.enumerated() {
            if let lever = read(item, number: i, nodes: nodes, sink: &sink) { out.append(lever) }
        }
        return out
    }

    /// Every value node of the tree by its concrete key path.
    static func index(_ tree: RNode) -> [String: RNode] {
        var nodes: [String: RNode] = [:]
        tree.walk { n in
            switch n.value {
            case .map, .list: break
            default: nodes[n.path] = n
            }
        }
        return nodes
    }

    private static func read(_ item: YNode, number i: Int, nodes: [String: RNode], sink: inout DiagnosticSink) -> Lever? {
        let path = "levers[\(i)]"
        guard case .map(let pairs) = item.value else {
            sink.error(item.loc, path, "expected a map (key, label, min, max, …), got \(item.got)")
            return nil
        }
        var fields: [String: YNode] = [:]
        for p in pairs {
            guard p.keyIsScalar, keys.contains(p.key) else {
                sink.error(p.keyLoc, path, "unknown key '\(YNode.clip(p.key))'\(Suggest.hint(p.key, in: keys)); expected one of \(keys.joined(separator: ", "))")
                continue
            }
            guard fields[p.key] == nil else {
                sink.error(p.keyLoc, path, "the key '\(p.key)' is written twice")
                continue
            }
            fields[p.key] = p.value
        }
        func text(_ k: String) -> String? {
            guard let n = fields[k] else { return nil }
            guard case .scalar(let s, _) = n.value, !n.isNull else {
                sink.error(n.loc, "\(path).\(k)", "expected text, got \(n.got)")
                return nil
            }
            return s
        }
        guard let keyNode = fields["key"] else {
            sink.error(item.loc, path, "missing required key 'key'; expected the key path of a number or month, as --set takes it")
            return nil
        }
        guard let key = text("key") else { return nil }
        guard let target = nodes[key], let targetValue = value(of: target) else {
            sink.error(keyNode.loc, "\(path).key",
                       "expected the key path of a number or month of this scenario, as --set takes it, with named entries by name (demand.segments[llm-training].growth.rate), got '\(YNode.clip(key))'")
            return nil
        }
        let isMonth: Bool
        if case .month = target.value { isMonth = true } else { isMonth = false }
        var kind: Lever.Kind = isMonth ? .month : .number
        if let k = text("kind") {
            guard let parsed = Lever.Kind(rawValue: k) else {
                sink.error(fields["kind"]!.loc, "\(path).kind", "expected one of number, month, switch, got '\(YNode.clip(k))'")
                return nil
            }
            kind = parsed
        }
        guard (kind == .month) == isMonth else {
            sink.error(fields["kind"]?.loc ?? keyNode.loc, "\(path).kind",
                       isMonth ? "\(key) is a month: expected kind month" : "\(key) is a number: expected kind number or switch, got month")
            return nil
        }
        let entry = target.schema
        let range = entry?.range
        let integral = entry?.type == .integer
        var failed = false
        /// A bound's value, checked against the key's own range.
        func bound(_ k: String) -> (Double, Lever.Place)? {
            guard let n = fields[k] else { return nil }
            let place = Lever.Place(file: sink.sources[n.loc.source].name, line: n.loc.line, column: n.loc.column,
                                    sourceLine: sink.sources[n.loc.source].line(n.loc.line), keyPath: "\(path).\(k)")
            guard case .scalar(let s, _) = n.value, !n.isNull else {
                sink.error(n.loc, "\(path).\(k)", "expected \(kind == .month ? "a month YYYY-MM" : "a number"), got \(n.got)")
                failed = true
                return nil
            }
            if kind == .month {
                guard let m = YearMonth(s) else {
                    sink.error(n.loc, "\(path).\(k)", "expected a month YYYY-MM, got '\(YNode.clip(s))'")
                    failed = true
                    return nil
                }
                return (Double(m.ordinal), place)
            }
            guard case .finite(let v) = NumberText.parse(s) else {
                sink.error(n.loc, "\(path).\(k)", "expected a number, got '\(YNode.clip(s))'")
                failed = true
                return nil
            }
            if let range, !range.contains(v) {
                sink.error(n.loc, "\(path).\(k)", "\(key) takes values in \(range), got \(NumberText.format(v))")
                failed = true
            } else if integral && v.rounded() != v {
                sink.error(n.loc, "\(path).\(k)", "\(key) is an integer, got \(NumberText.format(v))")
                failed = true
            }
            return (v, place)
        }
        func refuse(_ k: String, _ why: String) {
            sink.error(fields[k]?.loc ?? item.loc, fields[k] == nil ? path : "\(path).\(k)", why)
            failed = true
        }
        var lever = Lever(key: key, label: text("label") ?? key, unit: text("unit") ?? entry?.unit ?? "", kind: kind,
                          min: 0, max: 0, step: 1, on: nil, off: nil, value: targetValue, declared: true,
                          lowPlace: nil, highPlace: nil)
        if kind == .toggle {
            for k in ["min", "max", "step"] where fields[k] != nil { refuse(k, "a switch has on and off, not \(k)") }
            let on = bound("on"), off = bound("off")
            if fields["on"] == nil { refuse("on", "missing required key 'on'; expected the value when the switch is on") }
            if fields["off"] == nil { refuse("off", "missing required key 'off'; expected the value when the switch is off") }
            guard let on, let off, !failed else { return nil }
            guard on.0 != off.0 else {
                refuse("on", "on and off are both \(NumberText.format(on.0)): a switch needs two values")
                return nil
            }
            lever.on = on.0; lever.off = off.0
            lever.min = Swift.min(on.0, off.0); lever.max = Swift.max(on.0, off.0)
            lever.step = lever.max - lever.min
            lever.lowPlace = on.0 < off.0 ? on.1 : off.1
            lever.highPlace = on.0 < off.0 ? off.1 : on.1
            return lever
        }
        for k in ["on", "off"] where fields[k] != nil { refuse(k, "only a switch has \(k)") }
        let lo = bound("min"), hi = bound("max")
        if fields["min"] == nil { refuse("min", "missing required key 'min'; expected the lever's lowest value") }
        if fields["max"] == nil { refuse("max", "missing required key 'max'; expected the lever's highest value") }
        guard let lo, let hi, !failed else { return nil }
        guard lo.0 < hi.0 else {
            refuse("max", "expected max above min (\(lever.text(lo.0))), got \(lever.text(hi.0))")
            return nil
        }
        lever.min = lo.0; lever.max = hi.0
        lever.lowPlace = lo.1; lever.highPlace = hi.1
        lever.step = kind == .month || integral ? 1 : (hi.0 - lo.0) / 100
        if let n = fields["step"] {
            guard case .scalar(let s, _) = n.value, case .finite(let v) = NumberText.parse(s), v > 0, v <= hi.0 - lo.0 else {
                refuse("step", "expected a number in (0, max − min] (\(kind == .month ? "months" : NumberText.format(hi.0 - lo.0))), got \(n.got)")
                return nil
            }
            if (kind == .month || integral) && v.rounded() != v {
                refuse("step", "expected a whole number of \(kind == .month ? "months" : "units"), got \(NumberText.format(v))")
                return nil
            }
            lever.step = v
        }
        return lever
    }

    /// The single value a key holds: a number, a constant, the mean of a value drawn per
    /// replication or per firm, a month's ordinal; nil for anything else.
    static func value(of n: RNode) -> Double? {
        switch n.value {
        case .number(let v): return v
        case .integer(let i): return Double(i)
        case .distribution(.constant(let v)): return v
        case .drawn(let d, _): return d.mean
        case .month(let m): return Double(m.ordinal)
        default: return nil
        }
    }

    /// Levers for a scenario that declares none: each shock's dated start and its numbers, each
    /// segment's demand growth and each region's electricity price, bounded by the key's range
    /// and three times its value.
    static func suggested(_ tree: RNode, start: YearMonth, horizon: Int) -> [Lever] {
        let nodes = index(tree)
        var out: [Lever] = []
        func number(_ path: String, _ label: String) {
            guard let n = nodes[path], let v = value(of: n), let e = n.schema else { return }
            let range = e.range ?? ValueRange(0, Swift.max(1, 3 * v))
            let lo = Swift.max(range.lower, 0)
            let hi = Swift.min(range.upper, v > 0 ? 3 * v : lo + 1)
            guard hi > lo else { return }
            let integral = e.type == .integer
            out.append(Lever(key: path, label: label, unit: e.unit, kind: .number, min: lo, max: hi,
                             step: integral ? 1 : (hi - lo) / 100, on: nil, off: nil, value: v, declared: false,
                             lowPlace: nil, highPlace: nil))
        }
        for (i, shock) in tree["shocks"].items.enumerated() {
            let kind = shock["kind"].text ?? "shock"
            let what = shock["tier"].text ?? shock["segment"].text ?? shock["region"].text ?? ""
            let name = "Shock \(i) (\(kind)\(what.isEmpty ? "" : " " + what))"
            if let m = shock["from"].month {
                let lo = Double(Swift.min(m.ordinal, start.ordinal)), hi = Double(Swift.max(m.ordinal, start.ordinal + horizon))
                if hi > lo {
                    out.append(Lever(key: "shocks[\(i)].from", label: name + ": from", unit: "", kind: .month, min: lo, max: hi,
                                     step: 1, on: nil, off: nil, value: Double(m.ordinal), declared: false,
                                     lowPlace: nil, highPlace: nil))
                }
            }
            for k in ["multiplier", "capacity_factor"] { number("shocks[\(i)].\(k)", name + ": " + k.replacingOccurrences(of: "_", with: " ")) }
        }
        for seg in tree["demand"]["segments"].items {
            guard let s = seg["name"].text else { continue }
            number("demand.segments[\(s)].growth.rate", "Demand growth: \(s)")
        }
        for region in tree["regions"].items {
            guard let r = region["name"].text else { continue }
            number("regions[\(r)].electricity_price", "Electricity price: \(r)")
        }
        return Array(out.prefix(LeverReader.maxLevers))
    }
}
