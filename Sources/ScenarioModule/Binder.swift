import MarketModel
import Stochastics

/// Writes a checked tree into a ``ScenarioDraft`` through each node's schema binding, and records
/// the keys drawn once per replication as typed patches for ``ScenarioDocument/instantiate(replication:plan:)``.
///
/// Two passes in document order: the first writes every value that names nothing (sizing the
/// lists, writing names and numbers), the second the references (`tier: h800`, `lessor: …`),
/// resolved against the names the first pass wrote — a provider may name one listed after it.
struct Binder {
    private(set) var draft = ScenarioDraft()
    private(set) var drawn: [DrawnKey] = []
    private(set) var names = NameTables()
    /// Where each bound value was written, for the semantic checks' messages.
    private(set) var marks = SourceMarks()
    /// Nodes visited so far in this pass (both passes visit the same nodes in the same order).
    private var visited = 0

    /// With `recording`, every node written and where (for tests that write other values through
    /// the same bindings).
    private(set) var written: [(node: RNode, context: BindContext)] = []
    private let recording: Bool

    /// Binds `root`, a tree the decoder has passed (the semantic checks then run on the draft; a
    /// tree with problems the decoder reported binds too, its refused values as blanks).
    init(_ root: RNode, recording: Bool = false) {
        self.recording = recording
        walk(root, BindContext(), keyLoc: root.loc, references: false)
        names = NameTables(draft.scenario)
        var context = BindContext()
        context.names = names
        visited = 0
        walk(root, context, keyLoc: root.loc, references: true)
        // Document order, whichever pass wrote them (a drawn price needs its tier's name).
        drawn.sort { $0.order < $1.order }
    }

    private mutating func walk(_ n: RNode, _ context: BindContext, keyLoc: SourceLocation, references: Bool) {
        visited += 1
        if !references { marks.record(n, at: context.at, key: context.key, keyLoc: keyLoc, order: visited) }
        if let e = n.schema, let b = e.binding, b.usesNames == references {
            b.write(&draft, n.value, context)
            if recording { written.append((n, context)) }
            if case .drawn(let d, let scope) = n.value, let r = e.range {
                drawn.append(DrawnKey(path: n.path, distribution: d, range: r, integer: e.type == .integer,
                                      binding: b, context: context, order: visited, scope: scope))
            }
        }
        switch n.value {
        case .map(let fields):
            let keyed: Bool
            if let e = n.schema, case .keyedBy = e.type { keyed = true } else { keyed = false }
            for f in fields {
                var c = context
                if keyed { c.key = f.key }
                walk(f.node, c, keyLoc: f.keyLoc, references: references)
            }
        case .list(let items):
            // Entries have no schema entry of their own: their keys do (a list of references is
            // written whole by its own binding, and its names write nothing more).
            for (i, item) in items.enumerated() {
                var c = context
                c.at.append(i)
                if !references { marks.record(item: item, of: n, at: c.at) }
                walk(item, c, keyLoc: item.loc, references: references)
            }
        default:
            break
        }
    }
}

/// One key drawn once per replication (`{dist: …, per: replication}`), or once per firm of a
/// provider's population in each replication (`per: firm`): a typed patch — where it
/// writes, from which distribution, into which range.
struct DrawnKey: Sendable {
    /// Its concrete key path: the stream key of its draws and the `parameters` column.
    let path: String
    let distribution: Distribution
    let range: ValueRange
    let integer: Bool
    let binding: Binding
    let context: BindContext
    /// Its place in document order (the binder's visit count), which orders the draws.
    let order: Int
    /// Drawn once per replication, or for each firm of the population of provider `context.at[0]`.
    var scope: DrawScope = .replication

    /// The value drawn from `stream`: clamped into the key's valid range (an open end moves one
    /// ulp inwards), rounded to the nearest whole number for an integer key.
    func draw(_ stream: RandomStream) -> Double { fit(distribution.sample(stream)) }

    /// `v` clamped into the key's range and rounded for an integer key, as a draw is.
    func fit(_ v: Double) -> Double {
        var x = range.clamp(v)
        if integer {
            x = x.rounded()
            if !range.contains(x) { x = range.lowerOpen ? (range.lower + 1).rounded(.down) : range.lower }
        }
        return x
    }

    /// Writes `value` into `draft` as the key's binding writes a decoded value.
    func apply(_ value: Double, to draft: inout ScenarioDraft) {
        binding.write(&draft, integer ? .integer(Int(value)) : .number(value), context)
    }
}
