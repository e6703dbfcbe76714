// The slot table behind `EventHandle`: one slot per pending event, holding the insertion
// sequence of its occupant (the slot's generation) or, when free, a link in the free list.
// A heap entry is live exactly when its slot still holds its sequence, so popping or
// cancelling an event (which frees its slot) makes every copy of its handle stale at once,
// and cancellation is a generation check, never a search.

extension EventCalendar {
    /// Whether `entry` is pending: its slot still holds its sequence.
    @inlinable
    @inline(__always)
    internal func _isLive(_ entry: _CalendarEntry<Payload>) -> Bool {
        _slots[Int(entry.slot)] == entry.sequence
    }

    /// Takes a slot off the free list (or appends one) and marks it occupied by `sequence`.
    @inlinable
    @inline(__always)
    internal mutating func _acquireSlot(for sequence: UInt64) -> UInt32 {
        let slot = _freeHead
        if slot != .max {
            _freeHead = UInt32(truncatingIfNeeded: _slots[Int(slot)])
            _slots[Int(slot)] = sequence
            return slot
        }
        precondition(_slots.count < Int(UInt32.max), "EventCalendar: more than 2³² − 1 pending events")
        _slots.append(sequence)
        return UInt32(truncatingIfNeeded: _slots.count &- 1)
    }

    /// Returns a slot to the free list; any entry still naming it becomes stale.
    @inlinable
    @inline(__always)
    internal mutating func _releaseSlot(_ slot: UInt32) {
        _slots[Int(slot)] = Self._freeTag | UInt64(_freeHead)
        _freeHead = slot
    }

    /// Pops stale entries off the top until the first entry is live or the heap is empty.
    @inlinable
    internal mutating func _discardStaleFirst() {
        while let first = _heap.first, !_isLive(first) {
            _ = _removeFirst()
            _staleCount &-= 1
        }
    }

    /// Drops every stale entry and rebuilds the heap.
    @inlinable
    internal mutating func _compact() {
        let slots = _slots
        _heap.removeAll { slots[Int($0.slot)] != $0.sequence }
        _staleCount = 0
        _heapify()
    }
}
