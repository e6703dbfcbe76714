import MarketModel
import Stochastics
import Yams

/// Decodes a ``YNode`` tree against ``ScenarioSchema/entries``: types, ranges, unknown and
/// duplicate keys, defaults. Reports every problem it meets to the sink and keeps going, so a
/// file's problems all appear at once.
struct Decoder {
    var sink: DiagnosticSink
    private let entries = ScenarioSchema.entries

    init(sink: DiagnosticSink) { self.sink = sink }

    // MARK: Top level

    mutating func decodeRoot(_ root: YNode) -> RNode {
        guard case .map = root.value else {
            let keys = (ScenarioSchema.children[""] ?? []).prefix(5).map { entries[$0].key }.joined(separator: ", ")
            sink.error(root.loc, "", "expected a map of scenario keys (\(keys), …), got \(root.got)")
            return .null(root.loc, "", -1)
        }
        return decodeMap(prefix: "", root, path: "", entry: -1)
    }

    // MARK: Any entry

    /// Decodes entry `ei` from `given` (nil when the key is absent from `parent`).
    mutating func decode(_ ei: Int, _ given: YNode?, path: String, parent: YNode, parentPath: String) -> RNode {
        let e = entries[ei]
        guard let node = given, !node.isNull else {
            switch e.defaultValue {
            case .required:
                if let n = given {
                    sink.error(n.loc, path, "expected \(e.expected), got null")
                } else {
                    sink.error(parent.loc, parentPath, "missing required key '\(e.key)'; expected \(e.expected)")
                }
                return .null(given?.loc ?? parent.loc, path, ei)
            case .none, .computed:
                return .null(given?.loc ?? parent.loc, path, ei)
            case .value(let text):
                let d = Decoder.defaultNode(text, at: given?.loc ?? parent.loc)
                return decode(ei, d, path: path, parent: parent, parentPath: parentPath)
            }
        }
        switch e.type {
        case .section:
            guard case .map = node.value else {
                sink.error(node.loc, path, "expected a map of \(keyList(e.keyPath)), got \(node.got)")
                return .null(node.loc, path, ei)
            }
            return decodeMap(prefix: e.keyPath, node, path: path, entry: ei)
        case .list, .namedList: return decodeList(ei, node, path: path)
        case .number, .integer: return decodeNumber(ei, node, path: path)
        case .distribution: return decodeDistribution(ei, node, path: path)
        case .keyedBy(let list): return decodeKeyed(ei, node, path: path, list: list)
        case .references: return decodeReferences(ei, node, path: path)
        case .reserved: return decodeReserved(ei, node, path: path)
        case .bool, .text, .name, .month, .choice, .reference: return decodeScalar(ei, node, path: path)
        }
    }

    /// "name, tflops, eta, …" — the keys of a map, for messages.
    private func keyList(_ prefix: String) -> String {
        let keys = (ScenarioSchema.children[prefix] ?? []).map { entries[$0].key }
        return keys.count > 6 ? keys.prefix(6).joined(separator: ", ") + ", …" : keys.joined(separator: ", ")
    }

    // MARK: Maps

    /// Drops repeated keys, reporting each repeat with the line of the first copy.
    private mutating func uniquePairs(_ pairs: [YPair], path: String) -> [YPair] {
        var first: [String: SourceLocation] = [:]
        var out: [YPair] = []
        for p in pairs {
            guard p.keyIsScalar else {
                sink.error(p.keyLoc, path, "expected a key name, got a map or list used as a key")
                continue
            }
            if let f = first[p.key] {
                let lines = f.source == p.keyLoc.source ? "at lines \(f.line) and \(p.keyLoc.line)" : "twice"
                sink.error(p.keyLoc, path, "duplicate key '\(YNode.clip(p.key))' \(lines) (write each key once)")
                continue
            }
            first[p.key] = p.keyLoc
            out.append(p)
        }
        return out
    }

    /// Decodes the fixed keys listed under `prefix` from a map node.
    mutating func decodeMap(prefix: String, _ node: YNode, path: String, entry ei: Int) -> RNode {
        guard case .map(let raw) = node.value else { return .null(node.loc, path, ei) }
        let pairs = uniquePairs(raw, path: path)
        let kids = ScenarioSchema.children[prefix] ?? []

        // A `kind` decides which other keys belong.
        var kind: String? = nil
        var kindKnown = true
        var kindNode: RNode? = nil
        if let ki = kids.first(where: { entries[$0].key == "kind" }) {
            let kn = decode(ki, pairs.first(where: { $0.key == "kind" })?.value, path: KeyPath.join(path, "kind"),
                            parent: node, parentPath: path)
            kind = kn.text
            kindKnown = kind != nil
            kindNode = kn
        }
        func applies(_ e: SchemaEntry) -> Bool { e.kinds.isEmpty || (kind.map { e.kinds.contains($0) } ?? false) }

        var suggested = Set<String>()   // a misspelt required key is not also reported missing
        for p in pairs {
            // `levers:` is presentation, read beside the scenario (``LeverReader``), never decoded into it.
            if path.isEmpty && p.key == "levers" { continue }
            guard let ki = kids.first(where: { entries[$0].key == p.key }) else {
                if let retired = ScenarioSchema.retiredKeys[KeyPath.join(path, p.key)] {
                    sink.error(p.keyLoc, path, "unknown key '\(YNode.clip(p.key))' (\(retired))")
                    continue
                }
                let candidates = kids.filter { applies(entries[$0]) }.map { entries[$0].key }
                let guess = sink.wantsDetail ? Suggest.closest(p.key, in: candidates) : nil
                if let guess { suggested.insert(guess) }
                sink.error(p.keyLoc, path, "unknown key '\(YNode.clip(p.key))'" + (guess.map { " (did you mean '\($0)'?)" } ?? ""))
                continue
            }
            let e = entries[ki]
            if kindKnown && !applies(e) {
                let kinds = e.kinds.count > 1 ? e.kinds.dropLast().joined(separator: ", ") + " or " + e.kinds.last! : e.kinds.joined()
                sink.error(p.keyLoc, path, "'\(p.key)' applies only when kind is \(kinds), not '\(kind ?? "")'")
            }
        }

        var fields: [RField] = []
        for ki in kids {
            let e = entries[ki]
            let pair = pairs.first(where: { $0.key == e.key })
            let sub = KeyPath.join(path, e.key)
            let value: RNode
            if e.key == "kind", let kn = kindNode {
                value = kn
            } else if !e.kinds.isEmpty && !(kindKnown && applies(e)) {
                continue
            } else if pair == nil && e.defaultValue == .required && suggested.contains(e.key) {
                value = .null(node.loc, sub, ki)
            } else {
                value = decode(ki, pair?.value, path: sub, parent: node, parentPath: path)
            }
            fields.append(RField(key: e.key, keyLoc: pair?.keyLoc ?? node.loc, node: value))
        }
        return RNode(value: .map(fields), loc: node.loc, path: path, entry: ei)
    }

    // MARK: Lists

    mutating func decodeList(_ ei: Int, _ node: YNode, path: String) -> RNode {
        let e = entries[ei]
        guard case .list(let items) = node.value else {
            sink.error(node.loc, path, "expected \(e.expected) (\(keyList(e.keyPath + "[]"))), got \(node.got)")
            return .null(node.loc, path, ei)
        }
        if let c = e.count, !c.contains(items.count) {
            let want = items.count < c.lowerBound ? "at least \(c.lowerBound) \(c.lowerBound == 1 ? "entry" : "entries")"
                                                  : "at most \(c.upperBound) entries"
            sink.error(node.loc, path, "expected \(want), got \(items.isEmpty ? "an empty list" : "\(items.count)")")
            if items.count > c.upperBound { return .null(node.loc, path, ei) }
        }
        // Entries with a unique, valid name are addressed by it.
        var labels = items.indices.map { String($0) }
        if e.type == .namedList {
            var seen: [String: SourceLocation] = [:]
            var names: [String?] = []
            for item in items {
                if case .map(let pairs) = item.value, let p = pairs.first(where: { $0.key == "name" && $0.keyIsScalar }),
                   case .scalar(let s, _) = p.value.value, KeyPath.isName(s) {
                    names.append(s)
                    if let f = seen[s] {
                        sink.error(p.value.loc, "\(path)[\(names.count - 1)].name",
                                   "duplicate \(ScenarioSchema.singular(e.keyPath)) name '\(s)' at lines \(f.line) and \(p.value.loc.line)")
                    } else {
                        seen[s] = p.value.loc
                    }
                } else {
                    names.append(nil)
                }
            }
            var counts: [String: Int] = [:]
            for n in names.compactMap({ $0 }) { counts[n, default: 0] += 1 }
            for (i, n) in names.enumerated() where n != nil && counts[n!] == 1 { labels[i] = n! }
        }
        var out: [RNode] = []
        for (i, item) in items.enumerated() {
            let sub = "\(path)[\(labels[i])]"
            guard case .map = item.value else {
                sink.error(item.loc, sub, "expected a map (\(keyList(e.keyPath + "[]"))), got \(item.got)")
                continue
            }
            out.append(decodeMap(prefix: e.keyPath + "[]", item, path: sub, entry: -1))
        }
        return RNode(value: .list(out), loc: node.loc, path: path, entry: ei)
    }

    // MARK: Numbers

    mutating func decodeNumber(_ ei: Int, _ node: YNode, path: String) -> RNode {
        let e = entries[ei]
        switch node.value {
        case .scalar(let s, let plain):
            guard let v = number(s, plain: plain, node: node, path: path, e) else { return .null(node.loc, path, ei) }
            return RNode(value: e.type == .integer ? .integer(Int(v)) : .number(v), loc: node.loc, path: path, entry: ei)
        case .map(let pairs) where pairs.contains(where: { $0.key == "dist" }):
            guard e.drawable else {
                sink.error(node.loc, path, "expected \(e.expected), got a distribution (this key shapes the run and cannot be drawn per replication)")
                return .null(node.loc, path, ei)
            }
            guard let (d, per) = parseDistribution(node, path: path, entry: e) else { return .null(node.loc, path, ei) }
            guard let per else {
                sink.error(node.loc, path, "a distribution here needs 'per: replication' (a number key is drawn once per replication)"
                           + (Self.perFirmAllowed(e) ? " or 'per: firm' (drawn for each firm of the provider's population)" : ""))
                return .null(node.loc, path, ei)
            }
            guard checkMean(d, e, node: node, path: path) else { return .null(node.loc, path, ei) }
            return RNode(value: .drawn(d, per), loc: node.loc, path: path, entry: ei)
        default:
            sink.error(node.loc, path, "expected \(e.expected), got \(node.got)")
            return .null(node.loc, path, ei)
        }
    }

    /// A plain scalar as a number inside the entry's range; nil (reported) otherwise.
    private mutating func number(_ s: String, plain: Bool, node: YNode, path: String, _ e: SchemaEntry) -> Double? {
        guard plain else {
            sink.error(node.loc, path, "expected \(e.expected), got \(node.got)")
            return nil
        }
        switch NumberText.parse(s) {
        case .finite(let v):
            if e.type == .integer && v.rounded() != v {
                sink.error(node.loc, path, "expected \(e.expected), got '\(YNode.clip(s))' (not a whole number)")
                return nil
            }
            if let r = e.range, !r.contains(v) {
                sink.error(node.loc, path, "expected \(e.expected), got '\(YNode.clip(s))'")
                return nil
            }
            return v
        case .nonFinite:
            sink.error(node.loc, path, "expected \(e.expected), got '\(YNode.clip(s))' (not a finite number)")
            return nil
        case .notANumber:
            sink.error(node.loc, path, "expected \(e.expected), got \(node.got)")
            return nil
        }
    }

    /// Distributions whose mean lies outside the key's range are almost surely mistakes
    /// (a price in the wrong unit); infinite or undefined means pass (pareto with α ≤ 1).
    private mutating func checkMean(_ d: Distribution, _ e: SchemaEntry, node: YNode, path: String) -> Bool {
        guard let r = e.range, let m = d.mean else { return true }
        if !r.contains(m) {
            sink.error(node.loc, path, "the distribution's mean \(m.isFinite ? NumberText.format(m) : "\(m)") lies outside the valid range \(r)")
            return false
        }
        return true
    }

    // MARK: Distributions

    mutating func decodeDistribution(_ ei: Int, _ node: YNode, path: String) -> RNode {
        let e = entries[ei]
        switch node.value {
        case .scalar(let s, let plain):
            guard let v = number(s, plain: plain, node: node, path: path, e) else { return .null(node.loc, path, ei) }
            return RNode(value: .distribution(.constant(value: v)), loc: node.loc, path: path, entry: ei)
        case .map(let pairs) where pairs.contains(where: { $0.key == "dist" }):
            guard let (d, per) = parseDistribution(node, path: path, entry: e) else { return .null(node.loc, path, ei) }
            guard checkMean(d, e, node: node, path: path) else { return .null(node.loc, path, ei) }
            return RNode(value: per.map { .drawn(d, $0) } ?? .distribution(d), loc: node.loc, path: path, entry: ei)
        case .map(let pairs):
            let hint = pairs.first.map { Suggest.closest($0.key, in: ["dist"]) != nil ? " (did you mean 'dist'?)" : "" } ?? ""
            sink.error(node.loc, path, "expected \(e.expected), got a map without 'dist'\(hint)")
            return .null(node.loc, path, ei)
        case .list:
            sink.error(node.loc, path, "expected \(e.expected), got \(node.got)")
            return .null(node.loc, path, ei)
        }
    }

    /// Whether a key may be drawn `per: firm`: a key of a provider entry, which a population
    /// (`providers[].count`) copies into each of its firms.
    static func perFirmAllowed(_ e: SchemaEntry) -> Bool { e.keyPath.hasPrefix("providers[].") }

    /// `{dist: NAME, param: value, …[, per: replication | firm]}` → the distribution and what it is
    /// drawn once for (nil: per tenant, for a distribution key).
    mutating func parseDistribution(_ node: YNode, path: String, entry e: SchemaEntry) -> (Distribution, DrawScope?)? {
        guard case .map(let raw) = node.value else { return nil }
        let pairs = uniquePairs(raw, path: path)
        let names = Distribution.catalogue.map(\.name)
        guard let distPair = pairs.first(where: { $0.key == "dist" }) else { return nil }
        guard case .scalar(let name, _) = distPair.value.value, !distPair.value.isNull else {
            sink.error(distPair.value.loc, path + ".dist", "expected the name of a distribution (\(names.joined(separator: ", "))), got \(distPair.value.got)")
            return nil
        }
        guard let spec = Distribution.spec(named: name) else {
            sink.error(distPair.value.loc, path + ".dist",
                       "unknown distribution '\(YNode.clip(name))'\(Suggest.hint(name, in: names)); expected one of \(names.joined(separator: ", "))")
            return nil
        }
        var ok = true
        var per: DrawScope? = nil
        var params: [String: DistributionParameter] = [:]
        var locs: [String: SourceLocation] = [:]
        let paramNames = spec.parameters.map(\.name)
        for p in pairs where p.key != "dist" {
            if p.key == "per" {
                let firm = Self.perFirmAllowed(e)
                if case .scalar("replication", _) = p.value.value {
                    per = .replication
                } else if case .scalar("firm", _) = p.value.value, firm {
                    per = .firm
                } else if case .scalar("firm", _) = p.value.value {
                    sink.error(p.value.loc, path + ".per", "expected 'replication' (drawn once per replication), got 'firm' "
                               + "(only keys of a provider entry, providers[], are drawn per firm)")
                    ok = false
                } else {
                    sink.error(p.value.loc, path + ".per", "expected 'replication' (drawn once per replication)"
                               + (firm ? " or 'firm' (drawn for each firm of the provider's population)" : "") + ", got \(p.value.got)")
                    ok = false
                }
                continue
            }
            guard paramNames.contains(p.key) else {
                sink.error(p.keyLoc, path, "unknown parameter '\(YNode.clip(p.key))' of \(spec.name)\(Suggest.hint(p.key, in: paramNames)); expected \(paramNames.joined(separator: ", "))")
                ok = false
                continue
            }
            locs[p.key] = p.value.loc
            let sub = path + "." + p.key
            switch p.value.value {
            case .scalar(let s, let plain):
                guard plain, case .finite(let v) = NumberText.parse(s) else {
                    let why = plain && NumberText.parse(s) == .nonFinite ? " (not a finite number)" : ""
                    sink.error(p.value.loc, sub, "expected a finite number, got \(p.value.got)\(why)")
                    ok = false
                    continue
                }
                params[p.key] = .number(v)
            case .list(let items):
                guard items.count <= 10_000 else {
                    sink.error(p.value.loc, sub, "expected at most 10000 numbers, got \(items.count)")
                    ok = false
                    continue
                }
                var values: [Double] = []
                for item in items {
                    if case .scalar(let s, true) = item.value, case .finite(let v) = NumberText.parse(s) {
                        values.append(v)
                    } else {
                        sink.error(item.loc, sub, "expected a finite number, got \(item.got)")
                        ok = false
                    }
                }
                params[p.key] = .list(values)
            case .map:
                sink.error(p.value.loc, sub, "expected a number or a list of numbers, got \(p.value.got)")
                ok = false
            }
        }
        guard ok else { return nil }
        do {
            return (try Distribution.make(spec.name, params), per)
        } catch {
            let loc = error.parameter.flatMap { locs[$0] } ?? node.loc
            sink.error(loc, error.parameter.map { path + "." + $0 } ?? path, error.message)
            return nil
        }
    }

    // MARK: Scalars

    mutating func decodeScalar(_ ei: Int, _ node: YNode, path: String) -> RNode {
        let e = entries[ei]
        guard case .scalar(let s, let plain) = node.value else {
            sink.error(node.loc, path, "expected \(e.expected), got \(node.got)")
            return .null(node.loc, path, ei)
        }
        func fail(_ extra: String = "") -> RNode {
            sink.error(node.loc, path, "expected \(e.expected), got \(node.got)\(extra)")
            return .null(node.loc, path, ei)
        }
        let value: RNode.Value
        switch e.type {
        case .bool:
            switch s.lowercased() {
            case "true" where plain: value = .bool(true)
            case "false" where plain: value = .bool(false)
            default: return fail()
            }
        case .text:
            if let c = e.count, !c.contains(s.count) {
                sink.error(node.loc, path, "expected text of at most \(c.upperBound) characters, got \(s.count)")
                return .null(node.loc, path, ei)
            }
            value = .text(s)
        case .name:
            guard KeyPath.isName(s) else { return fail() }
            value = .text(s)
        case .month:
            guard let m = YearMonth(s) else { return fail() }
            value = .month(m)
        case .choice(let options):
            guard options.contains(s) else { return fail(Suggest.hint(s, in: options)) }
            value = .text(s)
        case .reference:
            guard !s.isEmpty, s.count <= 200 else { return fail() }
            value = .text(s)
        default:
            return fail()
        }
        return RNode(value: value, loc: node.loc, path: path, entry: ei)
    }

    mutating func decodeReferences(_ ei: Int, _ node: YNode, path: String) -> RNode {
        let e = entries[ei]
        guard case .list(let items) = node.value else {
            sink.error(node.loc, path, "expected \(e.expected), got \(node.got)")
            return .null(node.loc, path, ei)
        }
        if let c = e.count, items.count > c.upperBound {
            sink.error(node.loc, path, "expected at most \(c.upperBound) entries, got \(items.count)")
            return .null(node.loc, path, ei)
        }
        var out: [RNode] = []
        for (i, item) in items.enumerated() {
            let sub = "\(path)[\(i)]"
            guard case .scalar(let s, _) = item.value, !item.isNull, !s.isEmpty, s.count <= 200 else {
                sink.error(item.loc, sub, "expected the name of a \(ScenarioSchema.singular(refList(e))), got \(item.got)")
                continue
            }
            out.append(RNode(value: .text(s), loc: item.loc, path: sub, entry: -1))
        }
        return RNode(value: .list(out), loc: node.loc, path: path, entry: ei)
    }

    private func refList(_ e: SchemaEntry) -> String {
        switch e.type {
        case .reference(let l), .references(let l), .keyedBy(let l): return l
        default: return ""
        }
    }

    mutating func decodeKeyed(_ ei: Int, _ node: YNode, path: String, list: String) -> RNode {
        let e = entries[ei]
        guard case .map(let raw) = node.value else {
            sink.error(node.loc, path, "expected \(e.expected), got \(node.got)")
            return .null(node.loc, path, ei)
        }
        let pairs = uniquePairs(raw, path: path)
        if let c = e.count, pairs.count > c.upperBound {
            sink.error(node.loc, path, "expected at most \(c.upperBound) entries, got \(pairs.count)")
            return .null(node.loc, path, ei)
        }
        guard let vi = ScenarioSchema.index[e.keyPath + ".*"] else { return .null(node.loc, path, ei) }
        var fields: [RField] = []
        for p in pairs {
            let sub = KeyPath.isName(p.key) ? KeyPath.join(path, p.key) : "\(path)[\(fields.count)]"
            let v = decode(vi, p.value, path: sub, parent: node, parentPath: path)
            fields.append(RField(key: p.key, keyLoc: p.keyLoc, node: v))
        }
        return RNode(value: .map(fields), loc: node.loc, path: path, entry: ei)
    }

    mutating func decodeReserved(_ ei: Int, _ node: YNode, path: String) -> RNode {
        let e = entries[ei]
        let wantsMap: Bool
        if case .value(let v) = e.defaultValue { wantsMap = v.hasPrefix("{") } else { wantsMap = false }
        switch node.value {
        case .list(let l) where !wantsMap:
            if !l.isEmpty {
                sink.error(l[0].loc, path, "not yet supported: '\(e.key)' is reserved for a later version and must be empty for now")
                return .null(node.loc, path, ei)
            }
            return RNode(value: .list([]), loc: node.loc, path: path, entry: ei)
        case .map(let p) where wantsMap:
            if let first = p.first {
                sink.error(first.keyLoc, path, "not yet supported: '\(e.key)' is reserved for a later version and must be empty for now")
                return .null(node.loc, path, ei)
            }
            return RNode(value: .map([]), loc: node.loc, path: path, entry: ei)
        default:
            sink.error(node.loc, path, "expected \(e.expected), got \(node.got)")
            return .null(node.loc, path, ei)
        }
    }

    // MARK: Defaults

    /// The default's YAML text as a node located at `loc`.
    static func defaultNode(_ text: String, at loc: SourceLocation) -> YNode {
        func relocate(_ n: YNode) -> YNode {
            switch n.value {
            case .scalar: return YNode(value: n.value, loc: loc)
            case .list(let l): return YNode(value: .list(l.map(relocate)), loc: loc)
            case .map(let ps):
                return YNode(value: .map(ps.map { YPair(key: $0.key, keyLoc: loc, keyIsScalar: $0.keyIsScalar, value: relocate($0.value)) }), loc: loc)
            }
        }
        if let tree = defaultTrees[text] { return relocate(tree) }
        return YNode(value: .scalar(text, plain: true), loc: loc)
    }

    /// Defaults that are maps or lists, parsed once.
    private static let defaultTrees: [String: YNode] = {
        var d: [String: YNode] = [:]
        for e in ScenarioSchema.entries {
            guard case .value(let text) = e.defaultValue else { continue }
            if text == "\"\"" { d[text] = YNode(value: .scalar("", plain: false), loc: SourceLocation(source: 0, line: 1, column: 1)); continue }
            guard text.hasPrefix("{") || text.hasPrefix("[") else { continue }
            if let root = try? Yams.compose(yaml: text, .basic) {
                var c = YAMLReader.Converter(source: 0, columnOffset: 0, placeholders: [:])
                d[text] = c.convert(root, depth: 0)
            }
        }
        return d
    }()
}
