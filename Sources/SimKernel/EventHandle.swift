/// Identifies one scheduled event, so that it can be cancelled before it happens.
///
/// A handle names a slot in the calendar's slot table and the generation that slot had
/// when the event was scheduled. The generation is the event's insertion sequence number,
/// unique over the calendar's lifetime, so a handle goes stale for good as soon as its
/// event is popped or cancelled, even when the slot is reused.
///
/// Handles are meaningful only to the calendar that issued them. A handle from another
/// calendar is harmless (cancelling it normally returns `false`) but is not guaranteed to
/// be recognised as foreign.
@frozen
public struct EventHandle: Hashable, Sendable {
    /// Index into the calendar's slot table.
    @usableFromInline
    internal let slot: UInt32

    /// The insertion sequence of the event; also the generation of its slot.
    @usableFromInline
    internal let sequence: UInt64

    @inlinable
    internal init(slot: UInt32, sequence: UInt64) {
        self.slot = slot
        self.sequence = sequence
    }
}
