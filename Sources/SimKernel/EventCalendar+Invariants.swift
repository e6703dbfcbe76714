extension EventCalendar {
    /// Whether the calendar checks its invariants after every mutation: true when the
    /// module was compiled with `-D SIMKERNEL_INTERNAL_CHECKS`.
    ///
    /// When true, the documented complexities do not hold: every operation costs O(*n*).
    public static var isConsistencyCheckingEnabled: Bool {
        #if SIMKERNEL_INTERNAL_CHECKS
        return true
        #else
        return false
        #endif
    }

    /// Stops the process if the calendar's internal structure is inconsistent.
    ///
    /// Checks the heap order, that the first entry is live, the stale count, that every
    /// live slot is named by exactly one heap entry, and that the free list covers exactly
    /// the free slots. Meant for tests; also run after every mutation when the module is
    /// compiled with `-D SIMKERNEL_INTERNAL_CHECKS`.
    ///
    /// - Complexity: O(*n* + *s*), *n* heap entries and *s* slots.
    public func validateInvariants() {
        let heap = _heap
        for i in heap.indices.dropFirst() {
            let parent = (i - 1) / 2
            precondition(_CalendarEntry.precedes(heap[parent], heap[i]),
                         "EventCalendar: heap order broken between \(parent) and \(i)")
            precondition(heap[i].time >= _now, "EventCalendar: entry \(i) lies before now")
        }
        if let first = heap.first {
            precondition(_isLive(first), "EventCalendar: first entry is stale")
        }
        var liveEntries = 0
        var entriesPerSlot = [Int](repeating: 0, count: _slots.count)
        for entry in heap where _isLive(entry) {
            liveEntries += 1
            entriesPerSlot[Int(entry.slot)] += 1
        }
        precondition(liveEntries == heap.count - _staleCount,
                     "EventCalendar: stale count \(_staleCount) disagrees with \(heap.count - liveEntries)")
        var freeSlots = Set<Int>()
        var next = _freeHead
        while next != .max {
            let slot = Int(next)
            precondition(slot < _slots.count, "EventCalendar: free list names slot \(slot) out of range")
            precondition(_slots[slot] & Self._freeTag != 0, "EventCalendar: free list names live slot \(slot)")
            precondition(freeSlots.insert(slot).inserted, "EventCalendar: free list has a cycle at \(slot)")
            next = UInt32(truncatingIfNeeded: _slots[slot])
        }
        for slot in _slots.indices {
            let isFree = _slots[slot] & Self._freeTag != 0
            precondition(isFree == freeSlots.contains(slot), "EventCalendar: slot \(slot) is free but unlisted")
            precondition(isFree || entriesPerSlot[slot] == 1,
                         "EventCalendar: live slot \(slot) is named by \(entriesPerSlot[slot]) live entries")
        }
    }

    #if SIMKERNEL_INTERNAL_CHECKS
    @inlinable
    @inline(never)
    internal func _checkInvariants() {
        validateInvariants()
    }
    #else
    @inlinable
    @inline(__always)
    internal func _checkInvariants() {}
    #endif
}
