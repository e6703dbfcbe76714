import MarketModel

/// `--set` overrides applied to a scenario already decoded and checked, as typed patches: what a
/// sweep does for each point instead of decoding its base again.
///
/// Each override `KEY.PATH=VALUE` is resolved against the base's tree by the rules of
/// ``Overrides`` (keys by the schema, list entries by index or name) to one key of the schema;
/// its value is decoded by the ``Decoder`` against that key alone (type and range), written
/// through the key's binding into a copy of the base's draft, and put in place of the key's node
/// in a copy of the tree (the resolved text and the content hash are emitted from the tree, as for
/// any document). The semantic checks then run on the patched draft.
///
/// Only an override of one value that names nothing else is patched: a number, a distribution,
/// a month, a choice other than a `kind`, text, a reference, or a price of a tier the firm already
/// prices. Anything that changes the structure the draft was bound with — a whole list, section
/// or keyed map, a list entry's `name` (other keys and paths name it), a `kind` (it decides
/// which keys a map has), one parameter of a distribution, a key the base leaves out — and any
/// override or point with a problem go the full way instead (``ScenarioLoader/checked(parsed:path:overrides:)``:
/// the tree with the overrides, decoded and checked again), so that a point gives exactly the
/// document or the diagnostics `suanli run --set …` gives.
enum ScenarioPatch {
    /// The base with `overrides` applied as patches, or nil when they cannot all be patched or
    /// something in them or in the patched scenario is wrong (the caller then goes the full way).
    static func apply(_ overrides: [String], to base: CheckedScenario, sink: DiagnosticSink) -> CheckedScenario? {
        var sink = sink
        var patched = base
        for (i, o) in overrides.enumerated() {
            guard let (kp, value, _) = Overrides.parse(o, number: i + 1, sink: &sink), sink.isEmpty,
                  let target = resolve(kp.components[...], in: patched.tree) else { return nil }
            var decoder = Decoder(sink: sink)
            let node = decoder.decode(target.entry, value, path: target.path, parent: value, parentPath: "")
            guard decoder.sink.isEmpty, let binding = node.schema?.binding else { return nil }
            write(node, at: target, binding: binding, into: &patched)
        }
        var checker = SemanticChecker(sink: sink, draft: patched.draft, marks: patched.marks)
        checker.check()
        return checker.sink.isEmpty ? patched : nil
    }

    /// Where an override writes: the key's entry and concrete path, the steps to its node in the
    /// tree and the binding context (list indices, keyed map's key).
    struct Target {
        var entry: Int
        var path: String
        var steps: [RNode.Step]
        var at: [Int]
        var key: String
    }

    /// Follows `comps` from `root` as ``Overrides`` would, to a key that can be patched; nil otherwise.
    static func resolve(_ comps: ArraySlice<KeyPath.Component>, in root: RNode) -> Target? {
        var node = root
        var prefix = ""                 // the schema path whose children the next key is one of
        var target = Target(entry: -1, path: "", steps: [], at: [], key: "")
        var comps = comps
        while let c = comps.first {
            comps = comps.dropFirst()
            guard case .key(let k) = c,
                  let ei = (ScenarioSchema.children[prefix] ?? []).first(where: { ScenarioSchema.entries[$0].key == k }),
                  let field = node.fields.first(where: { $0.key == k }), field.node.entry == ei else { return nil }
            let e = ScenarioSchema.entries[ei]
            node = field.node
            target.steps.append(.key(k))
            switch e.type {
            case .section:
                prefix = e.keyPath
                continue
            case .list, .namedList:
                guard let item = comps.first else { return nil }
                comps = comps.dropFirst()
                let items = node.items
                let index: Int?
                switch item {
                case .index(let i): index = i < items.count ? i : nil
                case .name(let n): index = items.firstIndex { $0.fields.first(where: { $0.key == "name" })?.node.text == n }
                case .key: index = nil
                }
                guard let index else { return nil }
                node = items[index]
                target.steps.append(.index(index))
                target.at.append(index)
                prefix = e.keyPath + "[]"
                continue
            case .keyedBy:
                guard case .key(let k)? = comps.first, comps.count == 1,
                      let value = node.fields.first(where: { $0.key == k }) else { return nil }
                comps = comps.dropFirst()
                node = value.node
                target.steps.append(.key(k))
                target.key = k
            case .number, .integer, .distribution, .bool, .text, .month, .reference:
                break
            case .name:
                // A list entry's name: other keys refer to it and paths are written with it.
                guard !e.keyPath.hasSuffix("[].name") else { return nil }
            case .choice:
                // A `kind` decides which keys its map has.
                guard e.key != "kind" else { return nil }
            case .references, .reserved:
                return nil
            }
            guard comps.isEmpty, node.entry >= 0 else { return nil }
            target.entry = node.entry
            target.path = node.path
            return target
        }
        return nil
    }

    /// Writes the decoded `node` at `target`: into the tree, through its binding into the draft,
    /// into the marks, and into the keys drawn per replication.
    private static func write(_ node: RNode, at target: Target, binding: Binding, into c: inout CheckedScenario) {
        c.tree.update(target.steps[...]) { $0 = node }
        var context = BindContext()
        context.at = target.at
        context.key = target.key
        if binding.usesNames { context.names = NameTables(c.draft.scenario) }
        binding.write(&c.draft, node.value, context)
        let old = c.marks[target.entry, target.at, target.key]
        var mark = SourceMarks.mark(node, keyLoc: old?.keyLoc ?? node.loc)
        mark.order = old?.order ?? 0
        c.marks[target.entry, target.at, target.key] = mark
        c.drawn.removeAll { $0.path == node.path }
        if case .drawn(let d, let scope) = node.value, let e = node.schema, let r = e.range {
            let key = DrawnKey(path: node.path, distribution: d, range: r, integer: e.type == .integer,
                               binding: binding, context: context, order: mark.order, scope: scope)
            c.drawn.insert(key, at: c.drawn.firstIndex { $0.order > mark.order } ?? c.drawn.endIndex)
        }
    }
}
