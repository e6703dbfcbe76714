import MarketModel
import Stochastics

/// A decoded, type-checked scenario value with every default filled in: the table's typed
/// mirror of the file. ``ScenarioDocument`` keeps one and builds a `Scenario` from it for
/// each replication.
/// What a drawn key is drawn once for: each replication, or each firm of a population in each replication.
enum DrawScope: String, Sendable {
    case replication
    case firm
}

struct RNode: Sendable {
    indirect enum Value: Sendable {
        case null
        case number(Double)
        case integer(Int)
        case bool(Bool)
        case text(String)
        case month(YearMonth)
        /// A distribution drawn per tenant (a constant when written as a number).
        case distribution(Distribution)
        /// `{dist: …, per: replication}`: drawn once per replication; `{dist: …, per: firm}`: drawn for
        /// each member of a provider's population (`providers[].count`), every replication.
        case drawn(Distribution, DrawScope)
        case map([RField])
        case list([RNode])
    }

    var value: Value
    /// Where it was written (for a default, the map that lacks it).
    var loc: SourceLocation
    /// Concrete key path, with names for named entries.
    var path: String
    /// Index of its schema entry (-1 for list entries, which have none of their own).
    var entry: Int

    static func null(_ loc: SourceLocation, _ path: String, _ entry: Int) -> RNode {
        RNode(value: .null, loc: loc, path: path, entry: entry)
    }

    var schema: SchemaEntry? { entry >= 0 ? ScenarioSchema.entries[entry] : nil }

    /// A field of a map (a null node when absent).
    subscript(key: String) -> RNode {
        if case .map(let fields) = value, let f = fields.first(where: { $0.key == key }) { return f.node }
        return .null(loc, KeyPath.join(path, key), -1)
    }

    var fields: [RField] {
        if case .map(let f) = value { return f }
        return []
    }

    var items: [RNode] {
        if case .list(let l) = value { return l }
        return []
    }

    var text: String? {
        if case .text(let s) = value { return s }
        return nil
    }

    var month: YearMonth? {
        if case .month(let m) = value { return m }
        return nil
    }

    var isNull: Bool {
        if case .null = value { return true }
        return false
    }

    /// The number when it is fixed (not drawn per replication).
    var constant: Double? {
        switch value {
        case .number(let v): return v
        case .integer(let i): return Double(i)
        case .distribution(.constant(let v)): return v
        default: return nil
        }
    }

    /// Every node in document order (parents before children).
    func walk(_ visit: (RNode) -> Void) {
        visit(self)
        switch value {
        case .map(let fs): for f in fs { f.node.walk(visit) }
        case .list(let l): for n in l { n.walk(visit) }
        default: break
        }
    }

    /// Replaces the node at `path` (a sequence of map keys and list indices).
    mutating func update(_ steps: ArraySlice<Step>, _ change: (inout RNode) -> Void) {
        guard let first = steps.first else { change(&self); return }
        switch (first, value) {
        case (.key(let k), .map(var fs)):
            if let i = fs.firstIndex(where: { $0.key == k }) {
                fs[i].node.update(steps.dropFirst(), change)
                value = .map(fs)
            }
        case (.index(let i), .list(var l)) where i < l.count:
            l[i].update(steps.dropFirst(), change)
            value = .list(l)
        default: break
        }
    }

    enum Step { case key(String), index(Int) }

    /// The tree with each key left to a computed default (null) holding `computed(entry, at)`
    /// when that gives a value (`at`: the indices of the list entries on its path).
    func filling(_ computed: (_ entry: Int, _ at: [Int]) -> Value?, at: [Int] = []) -> RNode {
        var out = self
        switch value {
        case .null:
            if let e = schema, case .computed = e.defaultValue, let v = computed(entry, at) { out.value = v }
        case .map(let fs):
            out.value = .map(fs.map { f in var f = f; f.node = f.node.filling(computed, at: at); return f })
        case .list(let l):
            out.value = .list(l.enumerated().map { i, n in n.filling(computed, at: at + [i]) })
        default:
            break
        }
        return out
    }
}

struct RField: Sendable {
    var key: String
    var keyLoc: SourceLocation
    var node: RNode
}
