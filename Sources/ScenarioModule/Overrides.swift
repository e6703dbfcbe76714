/// `--set KEY.PATH=VALUE`: replaces one value of the file's tree before it is decoded, so an
/// override is checked exactly like the file. VALUE is a YAML scalar or flow value
/// (`--set 'demand.segments[0].units={dist: pareto, shape: 1.5, scale: 8}'`); list entries are
/// addressed by index or by name. Problems are reported at `<command line>:--set #k`.
enum Overrides {
    private enum Level {
        /// A map of the fixed keys listed under this schema path.
        case fixed(String)
        case list(SchemaEntry)
        case keyed(SchemaEntry)
        /// The keys of a distribution written as a map.
        case distribution
    }

    /// Applies override number `k` (from 1) to `root`.
    static func apply(_ argument: String, number k: Int, to root: inout YNode, sink: inout DiagnosticSink) {
        guard let (kp, value, at1) = parse(argument, number: k, sink: &sink) else { return }
        let ctx = Context(value: value, at: at1)
        _ = ctx.assign(&root, kp.components[...], level: .fixed(""), concrete: "", sink: &sink)
    }

    /// Override number `k` read into its key path and its value's located node (the text added to
    /// the sink's sources as `<command line>:--set #k`); nil (reported) when either is malformed.
    static func parse(_ argument: String, number k: Int,
                      sink: inout DiagnosticSink) -> (KeyPath, YNode, SourceLocation)? {
        let src = sink.sources.add(name: "\(Diagnostic.commandLinePrefix):--set #\(k)", text: argument)
        let at1 = SourceLocation(source: src, line: 1, column: 1)
        guard let eq = argument.firstIndex(of: "=") else {
            sink.error(at1, "", "expected KEY.PATH=VALUE, got '\(YNode.clip(argument))'")
            return nil
        }
        let keyText = String(argument[..<eq]).trimmingSpaces
        let valueText = String(argument[argument.index(after: eq)...])
        guard let kp = KeyPath(keyText) else {
            sink.error(at1, "", "malformed key path '\(YNode.clip(keyText))'; expected a.b.c, a.b[2].c or a.b[name].c")
            return nil
        }
        let offset = argument[..<eq].unicodeScalars.count + 1
        let value: YNode
        // A number needs no YAML parser: a plain token of digits, signs, points and exponents is the
        // scalar of its own text, as Yams would read it (calibrations set thousands of such values).
        if !valueText.isEmpty, valueText.utf8.allSatisfy({ ($0 >= 48 && $0 <= 57) || $0 == 43 || $0 == 45 || $0 == 46 || $0 == 101 || $0 == 69 }),
           valueText.utf8.contains(where: { $0 >= 48 && $0 <= 57 }) {
            return (kp, YNode(value: .scalar(valueText, plain: true), loc: SourceLocation(source: src, line: 1, column: offset + 1)), at1)
        }
        switch YAMLReader.read(valueText, source: src, columnOffset: offset, keyPath: keyText, sink: &sink) {
        case .failed: return nil
        case .empty: value = YNode(value: .scalar("", plain: true), loc: SourceLocation(source: src, line: 1, column: offset + 1))
        case .node(let n): value = n
        }
        return (kp, value, at1)
    }

    private struct Context {
        let value: YNode
        let at: SourceLocation

        init(value: YNode, at: SourceLocation) { self.value = value; self.at = at }

        /// Sets `value` at `comps` below `node`; false (reported) when the path does not lead anywhere.
        func assign(_ node: inout YNode, _ comps: ArraySlice<KeyPath.Component>, level: Level, concrete: String,
                             sink: inout DiagnosticSink) -> Bool {
            guard let c = comps.first else { node = value; return true }
            let rest = comps.dropFirst()
            switch (level, c) {
            case (.fixed(let prefix), .key(let k)):
                let kids = (ScenarioSchema.children[prefix] ?? []).map { ScenarioSchema.entries[$0] }
                guard let e = kids.first(where: { $0.key == k }) else {
                    sink.error(at, concrete, "unknown key '\(k)'\(Suggest.hint(k, in: kids.map(\.key)))")
                    return false
                }
                let next: Level
                switch e.type {
                case .section: next = .fixed(e.keyPath)
                case .list, .namedList: next = .list(e)
                case .keyedBy: next = .keyed(e)
                case .number, .integer, .distribution: next = .distribution
                default: next = .fixed(e.keyPath)
                }
                return setKey(&node, k, rest, next: next, concrete: concrete, sink: &sink)
            case (.keyed(let e), .key(let k)):
                return setKey(&node, k, rest, next: .distribution, concrete: concrete, sink: &sink, keyedBy: e)
            case (.distribution, .key(let k)):
                if case .scalar = node.value, !node.isNull {
                    sink.error(at, concrete, "'\(concrete)' is a number in the file; set it whole, as \(concrete)={dist: NAME, …}")
                    return false
                }
                guard rest.isEmpty else {
                    sink.error(at, KeyPath.join(concrete, k), "a distribution parameter has no keys of its own")
                    return false
                }
                return setKey(&node, k, rest, next: .distribution, concrete: concrete, sink: &sink)
            case (.list(let e), .index(let i)):
                guard case .list(var items) = node.value else {
                    sink.error(at, concrete, "cannot address an entry: '\(concrete)' is not a list in the file (got \(node.got))")
                    return false
                }
                guard i < items.count else {
                    sink.error(at, concrete, "index \(i) is out of range: '\(concrete)' has \(items.count) \(items.count == 1 ? "entry" : "entries")")
                    return false
                }
                guard assign(&items[i], rest, level: .fixed(e.keyPath + "[]"), concrete: "\(concrete)[\(i)]", sink: &sink) else { return false }
                node.value = .list(items)
                return true
            case (.list(let e), .name(let n)):
                guard case .list(var items) = node.value else {
                    sink.error(at, concrete, "cannot address an entry: '\(concrete)' is not a list in the file (got \(node.got))")
                    return false
                }
                var names: [String] = []
                var found: Int? = nil
                for (i, item) in items.enumerated() {
                    if case .map(let ps) = item.value, let p = ps.first(where: { $0.key == "name" }), case .scalar(let s, _) = p.value.value {
                        names.append(s)
                        if s == n && found == nil { found = i }
                    }
                }
                guard let i = found else {
                    let kind = ScenarioSchema.singular(e.keyPath)
                    sink.error(at, concrete, "no \(kind) named '\(n)'\(Suggest.hint(n, in: names)); the \(kind)s are \(names.prefix(10).joined(separator: ", "))")
                    return false
                }
                guard assign(&items[i], rest, level: .fixed(e.keyPath + "[]"), concrete: "\(concrete)[\(n)]", sink: &sink) else { return false }
                node.value = .list(items)
                return true
            case (.list, .key(let k)):
                sink.error(at, concrete, "'\(concrete)' is a list: address an entry as \(concrete)[0] or \(concrete)[NAME], then .\(k)")
                return false
            case (_, .index), (_, .name):
                sink.error(at, concrete, "'\(concrete)' is not a list; remove the [\u{2026}]")
                return false
            }
        }

        private func setKey(_ node: inout YNode, _ k: String, _ rest: ArraySlice<KeyPath.Component>, next: Level,
                                     concrete: String, sink: inout DiagnosticSink, keyedBy: SchemaEntry? = nil) -> Bool {
            if node.isNull { node = YNode(value: .map([]), loc: value.loc) }
            guard case .map(var pairs) = node.value else {
                sink.error(at, concrete, "cannot set '\(KeyPath.join(concrete, k))': '\(concrete.isEmpty ? "the file" : concrete)' is not a map (got \(node.got))")
                return false
            }
            let sub = KeyPath.join(concrete, k)
            let i = pairs.firstIndex(where: { $0.keyIsScalar && $0.key == k })
            var child = i.map { pairs[$0].value } ?? YNode(value: .scalar("", plain: true), loc: value.loc)
            guard assign(&child, rest, level: next, concrete: sub, sink: &sink) else { return false }
            if let i {
                pairs[i].value = child
            } else {
                pairs.append(YPair(key: k, keyLoc: value.loc, keyIsScalar: true, value: child))
            }
            node.value = .map(pairs)
            return true
        }
    }
}

extension String {
    var trimmingSpaces: String {
        var s = Substring(self)
        while s.first == " " { s = s.dropFirst() }
        while s.last == " " { s = s.dropLast() }
        return String(s)
    }
}
