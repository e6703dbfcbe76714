import MarketModel
import Stochastics

/// How one schema key writes its decoded value into the typed scenario: the last column of the
/// schema table (``SchemaEntry/binding``). The decoder validates a value against its entry, then
/// the ``Binder`` hands it to the entry's binding; nothing reads a scenario value by a string key
/// after that.
///
/// A binding is a writable key path into a ``ScenarioDraft`` (``at(_:)``), into the entries of a
/// list (``at(_:_:)``, ``at(_:_:_:)``), or a small accessor where the value needs a name resolved
/// or a computed default kept open (``custom(names:_:)``). A list's own key resizes its array
/// (``list(_:blank:)``); sections and keyed maps have none (their keys do the writing).
public struct Binding: Sendable {
    /// Whether the value names entries of other lists (resolved in the binder's second pass,
    /// once every named list is bound).
    let usesNames: Bool
    let write: @Sendable (inout ScenarioDraft, RNode.Value, BindContext) -> Void

    init(usesNames: Bool = false, _ write: @escaping @Sendable (inout ScenarioDraft, RNode.Value, BindContext) -> Void) {
        self.usesNames = usesNames
        self.write = write
    }

    // MARK: Key paths

    /// A key of the scenario itself or of one of its sections.
    static func at<V: BindableValue>(_ kp: any WritableKeyPath<ScenarioDraft, V> & Sendable) -> Binding {
        Binding { d, v, _ in d[keyPath: kp] = V(bound: v) }
    }

    /// A key of each entry of a list (`tiers[].tflops`).
    static func at<E, V: BindableValue>(_ list: any WritableKeyPath<ScenarioDraft, [E]> & Sendable,
                                        _ kp: any WritableKeyPath<E, V> & Sendable) -> Binding {
        Binding { d, v, c in d[keyPath: list][c.at[0]][keyPath: kp] = V(bound: v) }
    }

    /// A key of each entry of a list inside each entry of a list (`providers[].fleet[].units`).
    static func at<E, F, V: BindableValue>(_ list: any WritableKeyPath<ScenarioDraft, [E]> & Sendable,
                                           _ inner: any WritableKeyPath<E, [F]> & Sendable,
                                           _ kp: any WritableKeyPath<F, V> & Sendable) -> Binding {
        Binding { d, v, c in d[keyPath: list][c.at[0]][keyPath: inner][c.at[1]][keyPath: kp] = V(bound: v) }
    }

    /// A list's own key: sizes the array to the entries written, each starting as `blank`
    /// (every key of an entry then writes its field).
    static func list<E: Sendable>(_ list: any WritableKeyPath<ScenarioDraft, [E]> & Sendable, blank: E) -> Binding {
        Binding { d, v, _ in d[keyPath: list] = Array(repeating: blank, count: v.count) }
    }

    /// A list inside each entry of a list (`providers[].fleet`).
    static func list<E, F: Sendable>(_ outer: any WritableKeyPath<ScenarioDraft, [E]> & Sendable,
                                     _ inner: any WritableKeyPath<E, [F]> & Sendable, blank: F) -> Binding {
        Binding { d, v, c in d[keyPath: outer][c.at[0]][keyPath: inner] = Array(repeating: blank, count: v.count) }
    }

    /// Anything else: a name to resolve (`names: true`), a tuple field, a value kept for ``ScenarioDraft/finished()``.
    static func custom(names: Bool = false,
                       _ write: @escaping @Sendable (inout ScenarioDraft, RNode.Value, BindContext) -> Void) -> Binding {
        Binding(usesNames: names, write)
    }
}

/// Where a value sits: the indices of the list entries on its path (outermost first), the key of a
/// keyed map's value, and the name tables of the named lists.
struct BindContext: Sendable {
    var at: [Int] = []
    var key: String = ""
    var names = NameTables()
}

/// Index by name of each named list a key can refer to, read from the typed draft.
struct NameTables: Sendable {
    var tiers: [String: Int] = [:]
    var regions: [String: Int] = [:]
    var segments: [String: Int] = [:]
    var providers: [String: Int] = [:]

    init() {}

    init(_ s: Scenario) {
        func table(_ names: [String]) -> [String: Int] {
            Dictionary(names.enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
        }
        tiers = table(s.tiers.map(\.name))
        regions = table(s.regions.map(\.name))
        segments = table(s.segments.map(\.name))
        providers = table(s.providers.map(\.name))
    }
}

/// A value type a key can be bound to, made from a decoded value. A key drawn per replication
/// (`.drawn`) reads as 0 until its draw is written over it.
protocol BindableValue: SendableMetatype {
    init(bound v: RNode.Value)
}

extension Double: BindableValue {
    init(bound v: RNode.Value) {
        switch v {
        case .number(let x): self = x
        case .integer(let i): self = Double(i)
        case .distribution(.constant(let x)): self = x
        default: self = 0
        }
    }
}

extension Int: BindableValue {
    init(bound v: RNode.Value) {
        if case .integer(let i) = v { self = i } else { self = Int(Double(bound: v)) }
    }
}

extension Bool: BindableValue {
    init(bound v: RNode.Value) {
        if case .bool(let b) = v { self = b } else { self = false }
    }
}

extension String: BindableValue {
    init(bound v: RNode.Value) {
        if case .text(let s) = v { self = s } else { self = "" }
    }
}

extension Distribution: BindableValue {
    init(bound v: RNode.Value) {
        if case .distribution(let d) = v { self = d } else { self = .constant(value: Double(bound: v)) }
    }
}

extension Optional: BindableValue where Wrapped: BindableValue {
    /// nil for an absent key (null), the value otherwise.
    init(bound v: RNode.Value) {
        if case .null = v { self = nil } else { self = Wrapped(bound: v) }
    }
}

extension YearMonth: BindableValue {
    init(bound v: RNode.Value) {
        if case .month(let m) = v { self = m } else { self = YearMonth(year: 2024, month: 1) }
    }
}

extension BusinessModel: BindableValue {
    init(bound v: RNode.Value) { self = BusinessModel(rawValue: String(bound: v)) ?? .owner }
}

extension AccountingStandard: BindableValue {
    init(bound v: RNode.Value) { self = AccountingStandard(rawValue: String(bound: v)) ?? .ifrs }
}

extension PricingPolicy: BindableValue {
    init(bound v: RNode.Value) { self = PricingPolicy(rawValue: String(bound: v)) ?? .adaptive }
}

extension Workload: BindableValue {
    init(bound v: RNode.Value) { self = Workload(rawValue: String(bound: v)) ?? .training }
}

extension AllocationPolicy: BindableValue {
    init(bound v: RNode.Value) { self = AllocationPolicy(rawValue: String(bound: v)) ?? .inOrder }
}

extension RNode.Value {
    /// Entries of a list (0 for anything else).
    var count: Int {
        if case .list(let l) = self { return l.count }
        return 0
    }

    /// The names in a list of references.
    var names: [String] {
        if case .list(let l) = self { return l.compactMap(\.text) }
        return []
    }
}

/// Bindings of the keys every firm has (``ScenarioSchema``'s `providers[]` and `entrants[]`
/// keys): into `providers[i]`, or into `entrants[i].provider` for a template.
struct FirmBindings {
    let entrant: Bool

    /// A field of the firm.
    func at<V: BindableValue>(_ kp: any WritableKeyPath<ProviderSpec, V> & Sendable) -> Binding {
        custom { p, v, _ in p[keyPath: kp] = V(bound: v) }
    }

    /// A field of the firm that needs more than a key path (a name to resolve, a list entry).
    func custom(names: Bool = false,
                _ write: @escaping @Sendable (inout ProviderSpec, RNode.Value, BindContext) -> Void) -> Binding {
        entrant
            ? .custom(names: names) { d, v, c in write(&d.scenario.entrants[c.at[0]].provider, v, c) }
            : .custom(names: names) { d, v, c in write(&d.scenario.providers[c.at[0]], v, c) }
    }

    /// `jurisdiction` as written: the region's is filled in by ``ScenarioDraft/finished()``.
    var jurisdiction: Binding {
        entrant
            ? .custom { d, v, c in d.entrantJurisdiction[c.at[0]] = String?(bound: v) }
            : .custom { d, v, c in d.providerJurisdiction[c.at[0]] = String?(bound: v) }
    }
}

extension DemandGrowth {
    /// The growth rate (exponential) or speed (logistic), whichever the kind.
    var rate: Double {
        get {
            switch self {
            case .exponential(let r), .logistic(let r, _): return r
            }
        }
        set {
            switch self {
            case .exponential: self = .exponential(rate: newValue)
            case .logistic(_, let k): self = .logistic(rate: newValue, ceiling: k)
            }
        }
    }

    /// The ceiling of a logistic growth (an exponential one has none and ignores it).
    var ceiling: Double {
        get {
            if case .logistic(_, let k) = self { return k }
            return 0
        }
        set {
            if case .logistic(let r, _) = self { self = .logistic(rate: r, ceiling: newValue) }
        }
    }
}

// MARK: References and the lists the draft keeps beside the scenario

extension Binding {
    /// A key naming an entry of another list (`tier: h800`), written as that entry's ID.
    /// An unknown name has already been refused by the semantic checker; it would read as 0.
    static func reference<E, Of>(_ list: any WritableKeyPath<ScenarioDraft, [E]> & Sendable,
                                 _ kp: any WritableKeyPath<E, ID<Of>> & Sendable,
                                 in table: any Swift.KeyPath<NameTables, [String: Int]> & Sendable) -> Binding {
        .custom(names: true) { d, v, c in d[keyPath: list][c.at[0]][keyPath: kp] = ID(c.names[keyPath: table][String(bound: v)] ?? 0) }
    }

    /// A key that may name an entry of another list (absent: nil, "every segment" or "every tier").
    static func optionalReference<E, Of>(_ list: any WritableKeyPath<ScenarioDraft, [E]> & Sendable,
                                         _ kp: any WritableKeyPath<E, ID<Of>?> & Sendable,
                                         in table: any Swift.KeyPath<NameTables, [String: Int]> & Sendable) -> Binding {
        .custom(names: true) { d, v, c in
            d[keyPath: list][c.at[0]][keyPath: kp] = String?(bound: v).flatMap { c.names[keyPath: table][$0] }.map(ID.init)
        }
    }

    /// A key listing entries of another list by name, written as their IDs.
    static func references<E, Of>(_ list: any WritableKeyPath<ScenarioDraft, [E]> & Sendable,
                                  _ kp: any WritableKeyPath<E, [ID<Of>]> & Sendable,
                                  in table: any Swift.KeyPath<NameTables, [String: Int]> & Sendable) -> Binding {
        .custom(names: true) { d, v, c in d[keyPath: list][c.at[0]][keyPath: kp] = v.names.compactMap { c.names[keyPath: table][$0].map(ID.init) } }
    }

    /// `tiers`: sizes the tiers and their physical lives as written.
    static let tiers = Binding { d, v, _ in
        d.scenario.tiers = Array(repeating: Blank.tier, count: v.count)
        d.physicalLife = Array(repeating: nil, count: v.count)
    }

    /// `providers`: sizes the providers, their jurisdictions and rent-in terms as written.
    static let providers = Binding { d, v, _ in
        d.scenario.providers = Array(repeating: Blank.provider, count: v.count)
        d.providerJurisdiction = Array(repeating: nil, count: v.count)
        d.rentInTerm = Array(repeating: [], count: v.count)
        d.providerCount = Array(repeating: 1, count: v.count)
        d.providerRegions = Array(repeating: [], count: v.count)
    }

    /// `entrants`: sizes the templates and their jurisdictions as written.
    static let entrants = Binding { d, v, _ in
        d.scenario.entrants = Array(repeating: Blank.entrant, count: v.count)
        d.entrantJurisdiction = Array(repeating: nil, count: v.count)
    }

    /// `providers[].rent_in`: sizes a provider's rent-in contracts and their terms as written.
    static let rentIn = Binding { d, v, c in
        d.scenario.providers[c.at[0]].supply.rentIn = Array(repeating: Blank.rentIn, count: v.count)
        d.rentInTerm[c.at[0]] = Array(repeating: nil, count: v.count)
    }
}

extension FirmBindings {
    /// A key of an entry of one of the firm's lists naming a tier (`fleet[].tier`, `rent_in[].tier`).
    func tier<E>(_ list: any WritableKeyPath<ProviderSpec, [E]> & Sendable, _ kp: any WritableKeyPath<E, TierID> & Sendable) -> Binding {
        custom(names: true) { p, v, c in p[keyPath: list][c.at[1]][keyPath: kp] = TierID(c.names.tiers[String(bound: v)] ?? 0) }
    }

    /// A key of the firm naming an entry of another list (`region: east`), written as its ID.
    func reference<Of>(_ kp: any WritableKeyPath<ProviderSpec, ID<Of>> & Sendable,
                       in table: any Swift.KeyPath<NameTables, [String: Int]> & Sendable) -> Binding {
        custom(names: true) { p, v, c in p[keyPath: kp] = ID(c.names[keyPath: table][String(bound: v)] ?? 0) }
    }

    /// One of the firm's lists (`fleet`): sized to the entries written, each starting as `blank`.
    func list<E: Sendable>(_ kp: any WritableKeyPath<ProviderSpec, [E]> & Sendable, blank: E) -> Binding {
        custom { p, v, _ in p[keyPath: kp] = Array(repeating: blank, count: v.count) }
    }

    /// A key of an entry of one of the firm's lists (`fleet[].units`).
    func item<E, V: BindableValue>(_ list: any WritableKeyPath<ProviderSpec, [E]> & Sendable, _ kp: any WritableKeyPath<E, V> & Sendable) -> Binding {
        custom { p, v, c in p[keyPath: list][c.at[1]][keyPath: kp] = V(bound: v) }
    }
}
