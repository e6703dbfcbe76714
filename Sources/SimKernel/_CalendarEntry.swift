/// One scheduled event as stored in the calendar's heap.
///
/// Laid out as (time, sequence, priority, slot, payload) so that a one-byte payload makes a
/// 32-byte entry: eight time-ordered entries share four cache lines.
@usableFromInline
@frozen
internal struct _CalendarEntry<Payload> {
    @usableFromInline var time: SimTime
    @usableFromInline var sequence: UInt64
    @usableFromInline var priority: Int32
    @usableFromInline var slot: UInt32
    @usableFromInline var payload: Payload

    @inlinable
    init(time: SimTime, sequence: UInt64, priority: Int32, slot: UInt32, payload: Payload) {
        self.time = time
        self.sequence = sequence
        self.priority = priority
        self.slot = slot
        self.payload = payload
    }

    /// The calendar's total order: earlier time first, then lower priority value, then
    /// earlier insertion. Sequences are unique, so no two entries compare equal.
    @inlinable
    @inline(__always)
    static func precedes(_ a: Self, _ b: Self) -> Bool {
        a.time < b.time
            || (a.time == b.time
                && (a.priority < b.priority || (a.priority == b.priority && a.sequence < b.sequence)))
    }
}

extension _CalendarEntry: Sendable where Payload: Sendable {}
