/// Where each value of a scenario was written, recorded by the ``Binder`` as it writes the typed
/// draft: the semantic checks read values from the draft and take the places of their messages
/// (file, line, column, key path) from here, so a message is as located as the decoder's.
///
/// A mark is found by the coordinates its binding writes to: the schema entry, the indices of
/// the list entries on its path (outermost first) and, in a keyed map, the key. An entry of a
/// list (which has no schema entry of its own) is marked under its list's entry, with its own
/// index appended.
struct SourceMarks: Sendable {
    /// What the decoded node held, beyond its typed value.
    enum State: Sendable, Equatable {
        /// Absent with no default, or refused by the decoder: the typed field holds a blank.
        case null
        /// `{dist: …, per: replication}`: the typed field holds 0 until a replication draws it.
        case drawn
        case value
    }

    struct Mark: Sendable {
        var loc: SourceLocation
        /// Where the key is written (the map's place for a key left to its default).
        var keyLoc: SourceLocation
        /// The concrete key path, with names for named entries.
        var path: String
        var state: State
        /// A reference (or one name of a list of references) as written: the typed scenario
        /// holds an index, and an unknown name has none.
        var name: String? = nil
        /// Entries of a list, as decoded.
        var count = 0
        /// Keys of a keyed map (`prices`), in file order.
        var keys: [String] = []
        /// Its place in document order (the binder's visit count).
        var order = 0

        var isNull: Bool { state == .null }
        /// Whether the typed value is the one written (not drawn per replication, not blank).
        var isFixed: Bool { state == .value }
    }

    struct Key: Hashable, Sendable {
        let entry: Int
        let at: [Int]
        let key: String
    }

    private(set) var table: [Key: Mark] = [:]

    subscript(entry: Int, at: [Int], key: String = "") -> Mark? {
        get { table[Key(entry: entry, at: at, key: key)] }
        set { table[Key(entry: entry, at: at, key: key)] = newValue }
    }

    /// Records `n`, reached through a binding context at `at` (with `key` in a keyed map); a list
    /// entry (no entry of its own) is recorded by its list, see ``record(item:of:at:)``.
    mutating func record(_ n: RNode, at: [Int], key: String, keyLoc: SourceLocation, order: Int) {
        guard n.entry >= 0 else { return }
        var m = Self.mark(n, keyLoc: keyLoc)
        m.order = order
        self[n.entry, at, key] = m
    }

    /// Records entry `at.last` of the list `list`.
    mutating func record(item n: RNode, of list: RNode, at: [Int]) {
        guard list.entry >= 0 else { return }
        self[list.entry, at] = Self.mark(n, keyLoc: n.loc)
    }

    static func mark(_ n: RNode, keyLoc: SourceLocation) -> Mark {
        var m = Mark(loc: n.loc, keyLoc: keyLoc, path: n.path, state: .value)
        switch n.value {
        case .null: m.state = .null
        case .drawn: m.state = .drawn
        case .list(let items): m.count = items.count
        case .map(let fields):
            if case .keyedBy = n.schema?.type { m.keys = fields.map(\.key) }
        case .text(let s):
            // A reference's own node, or a name in a list of references (entry -1, read by its list).
            if n.entry < 0 { m.name = s } else if case .reference = n.schema?.type { m.name = s }
        default: break
        }
        return m
    }
}
