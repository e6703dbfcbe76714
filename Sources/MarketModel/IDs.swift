// Typed positions in the market's lists. A tier, a region, a segment, a firm, a lease, a tenant
// and a shipment are each named by an `ID` of its own kind, so one cannot be passed where another
// is meant; "none" is an optional or an enum case, never a -1. An ID stores an `Int32`, so the
// calendar's events and the leases that carry IDs stay as small as the bare indices they replace.

/// The position of an entry of kind `Of` in its list (`TierID` is `ID<HardwareTier>`: a place in
/// `Scenario.tiers`). IDs are counted from 0 in list order; a range of them (`TierID(0)..<TierID(n)`)
/// walks a list in order. An integer literal is an ID, for fixtures (`FleetCohort(tier: 0, …)`).
public struct ID<Of>: Hashable, Comparable, Strideable, Sendable, ExpressibleByIntegerLiteral, CustomStringConvertible {
    /// The position, as stored.
    public let raw: Int32

    @inlinable public init(raw: Int32) { self.raw = raw }
    @inlinable public init(_ index: Int) { raw = Int32(index) }
    @inlinable public init(integerLiteral value: Int32) { raw = value }

    /// The position, for indexing an array.
    @inlinable public var index: Int { Int(raw) }

    @inlinable public static func < (a: ID, b: ID) -> Bool { a.raw < b.raw }
    @inlinable public func distance(to other: ID) -> Int { Int(other.raw) - Int(raw) }
    @inlinable public func advanced(by n: Int) -> ID { ID(raw: raw + Int32(n)) }
    public var description: String { String(raw) }
}

/// A hardware tier: a place in `Scenario.tiers`.
public typealias TierID = ID<HardwareTier>
/// A site: a place in `Scenario.regions`.
public typealias RegionID = ID<Region>
/// A tenant segment: a place in `Scenario.segments`.
public typealias SegmentID = ID<Segment>
/// A firm: a place in `Scenario.providers` for firms present at the start, then the entrants in
/// order of entry (the `firm` of the records).
public typealias ProviderID = ID<ProviderSpec>
/// A supply entry: a place in `Scenario.chipSupply`.
public typealias SupplyID = ID<ChipSupply>
/// A voucher programme: a place in `Scenario.policy.vouchers`.
public typealias VoucherID = ID<VoucherProgramme>
/// A contract in the market's list of leases (signed in order; ended ones stay, inactive).
typealias LeaseID = ID<Lease>
/// A tenant in the market's list of tenants.
typealias TenantID = ID<Tenant>
/// Shipped units in the market's list of shipments.
typealias ShipmentID = ID<Shipment>
/// A data-centre build in its firm's list of builds.
typealias BuildID = ID<Build>

extension Array {
    /// The entry an ID of this list's kind names (`scenario.tiers[b]` for `b: TierID`).
    @inlinable public subscript(id: ID<Element>) -> Element {
        _read { yield self[id.index] }
        _modify { yield &self[id.index] }
    }

    /// The IDs of this list's entries, in order.
    @inlinable public var ids: Range<ID<Element>> { ID(0)..<ID(count) }
}

extension ContiguousArray {
    /// The entry an ID of this list's kind names (`leases[l]` for `l: LeaseID`).
    subscript(id: ID<Element>) -> Element {
        _read { yield self[id.index] }
        _modify { yield &self[id.index] }
    }

    /// The ID the next appended entry gets.
    var nextID: ID<Element> { ID(count) }
}

/// Values by the IDs of one kind: a tier's units, a firm's visibility. Reads and writes like the
/// array it wraps, but only an ID of its kind indexes it; `values` is the plain array (for records).
struct Table<Of, Element>: RandomAccessCollection, MutableCollection {
    var values: [Element]

    init(_ values: [Element]) { self.values = values }
    init(repeating value: Element, count: Int) { values = Array(repeating: value, count: count) }

    var startIndex: ID<Of> { ID(raw: 0) }
    var endIndex: ID<Of> { ID(values.count) }
    var count: Int { values.count }

    subscript(id: ID<Of>) -> Element {
        _read { yield values[id.index] }
        _modify { yield &values[id.index] }
    }

    mutating func append(_ value: Element) { values.append(value) }

    /// Sets every value, in place (no new storage when the table is not shared).
    mutating func fill(_ value: Element) {
        for i in values.indices { values[i] = value }
    }
}

/// Values by tier.
typealias TierTable<Element> = Table<HardwareTier, Element>
/// Values by firm.
typealias ProviderTable<Element> = Table<ProviderSpec, Element>
