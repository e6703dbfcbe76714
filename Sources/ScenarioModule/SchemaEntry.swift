// The types the schema table is made of.

/// A finite interval of valid values, with open or closed ends.
public struct ValueRange: Sendable, Equatable, CustomStringConvertible {
    public let lower: Double
    public let upper: Double
    public let lowerOpen: Bool
    public let upperOpen: Bool

    public init(_ lower: Double, _ upper: Double, lowerOpen: Bool = false, upperOpen: Bool = false) {
        precondition(lower.isFinite && upper.isFinite && lower <= upper, "schema ranges are finite")
        self.lower = lower; self.upper = upper; self.lowerOpen = lowerOpen; self.upperOpen = upperOpen
    }

    /// Whether `v` lies inside (false for NaN and infinities).
    public func contains(_ v: Double) -> Bool {
        guard v.isFinite else { return false }
        let okLow = lowerOpen ? v > lower : v >= lower
        let okHigh = upperOpen ? v < upper : v <= upper
        return okLow && okHigh
    }

    /// The nearest value inside: open ends move one ulp inwards; NaN goes to the lower end.
    public func clamp(_ v: Double) -> Double {
        let lo = lowerOpen ? lower.nextUp : lower
        let hi = upperOpen ? upper.nextDown : upper
        if v.isNaN { return lo }
        return Swift.min(hi, Swift.max(lo, v))
    }

    /// `[0, 1]`, `(0, 1e15]`.
    public var description: String {
        (lowerOpen ? "(" : "[") + NumberText.format(lower) + ", " + NumberText.format(upper) + (upperOpen ? ")" : "]")
    }
}

/// What a key holds when the file does not say.
public enum SchemaDefault: Sendable, Equatable {
    /// The key must be written.
    case required
    /// This value, as YAML text (`0.5`, `[]`, `{kind: exponential, rate: 0}`).
    case value(String)
    /// Absent means "none" (an optional month, an optional segment).
    case none
    /// Derived from other keys, as described (`life_years + 2`).
    case computed(String)
}

/// One row of the schema table: a key path with its type, unit, default, range and meaning.
public struct SchemaEntry: Sendable {
    /// What a key holds.
    public enum ValueType: Sendable, Equatable {
        /// A map of the fixed keys listed under it.
        case section
        /// A list of maps, each with the fixed keys listed under `path[]`.
        case list
        /// A list of maps, each with a unique `name`; entries may be addressed as `path[name]`.
        case namedList
        case number
        case integer
        case bool
        /// Free text.
        case text
        /// A name: a letter, then letters, digits, `-` or `_`; at most 64 characters.
        case name
        /// A calendar month `YYYY-MM`.
        case month
        case choice([String])
        /// A number (a constant) or `{dist: NAME, …}` drawn for each tenant.
        case distribution
        /// The name of an entry of the named list at this top-level path (`tiers`).
        case reference(String)
        /// A list of such names.
        case references(String)
        /// A map from names of entries of that list to values typed by the entry `path.*`.
        case keyedBy(String)
        /// Reserved for a later version: accepted only empty. The default gives the shape.
        case reserved
    }

    /// The key path, with `[]` for "any entry" and `*` for "any key" (`providers[].prices.*`).
    public let keyPath: String
    public let type: ValueType
    /// Unit of a number, or "" when it has none.
    public let unit: String
    public let defaultValue: SchemaDefault
    /// Valid values of a number or integer (and of a distribution's constant and mean).
    public let range: ValueRange?
    /// Allowed number of entries (lists, maps) or characters (text).
    public let count: ClosedRange<Int>?
    /// What the key means.
    public let doc: String
    /// Whether a number may be written `{dist: …, per: replication}`.
    public let drawable: Bool
    /// For keys of a map with a `kind`: the kinds the key belongs to (empty: all).
    public let kinds: [String]
    /// Where the value goes in the typed scenario (nil for sections and keyed maps, whose keys
    /// write their own values).
    public let binding: Binding?

    public init(_ keyPath: String, _ type: ValueType, unit: String = "", default defaultValue: SchemaDefault,
                range: ValueRange? = nil, count: ClosedRange<Int>? = nil, drawable: Bool? = nil,
                kinds: [String] = [], bind binding: Binding? = nil, doc: String) {
        self.keyPath = keyPath
        self.key = Self.lastComponent(keyPath)
        self.type = type
        self.unit = unit
        self.defaultValue = defaultValue
        self.range = range
        self.count = count
        self.doc = doc
        self.drawable = drawable ?? (type == .number || type == .integer || type == .distribution)
        self.kinds = kinds
        self.binding = binding
    }

    /// The last component (`rate` for `demand.segments[].rate`): kept, since the decoder matches
    /// every key of every map against it.
    public let key: String

    static func lastComponent(_ keyPath: String) -> String {
        var s = Substring(keyPath)
        if let dot = s.lastIndex(of: ".") { s = s[s.index(after: dot)...] }
        return String(s)
    }

    /// The path of the map that holds this key (`demand.segments[]`), "" at the top.
    public var parentPath: String {
        guard let dot = keyPath.lastIndex(of: ".") else { return "" }
        return String(keyPath[..<dot])
    }

    /// Whether the value is a map or list with entries of its own.
    public var isContainer: Bool {
        switch type {
        case .section, .list, .namedList, .keyedBy: return true
        default: return false
        }
    }

    /// "a number in [0, 1]", "one of owner, broker", "the name of a tier".
    public var expected: String {
        let r = range.map { " in \($0)" } ?? ""
        switch type {
        case .section: return "a map"
        case .list: return "a list of maps"
        case .namedList: return "a list of maps, each with a unique name"
        case .number: return "a number\(r)"
        case .integer: return "an integer\(r)"
        case .bool: return "true or false"
        case .text: return "text"
        case .name: return "a name (a letter, then letters, digits, '-' or '_'; at most 64)"
        case .month: return "a month YYYY-MM"
        case .choice(let options): return "one of " + options.joined(separator: ", ")
        case .distribution: return "a number\(r) or a distribution {dist: NAME, …}"
        case .reference(let list): return "the name of a \(ScenarioSchema.singular(list))"
        case .references(let list): return "a list of \(ScenarioSchema.singular(list)) names"
        case .keyedBy(let list): return "a map from \(ScenarioSchema.singular(list)) names to values"
        case .reserved:
            if case .value(let v) = defaultValue, v.hasPrefix("{") { return "an empty map (reserved)" }
            return "an empty list (reserved)"
        }
    }
}
