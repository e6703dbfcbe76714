// The binary min-heap under the calendar: entry i has children 2i + 1 and 2i + 2, and no
// child precedes its parent in `_CalendarEntry.precedes` order. Both sifts move a hole
// instead of swapping, so each level costs one comparison-and-move.

extension EventCalendar {
    /// Appends `entry` and sifts it up to its place.
    ///
    /// - Complexity: O(log *n*).
    @inlinable
    @inline(__always)
    internal mutating func _insert(_ entry: _CalendarEntry<Payload>) {
        _heap.append(entry)
        _heap.withUnsafeMutableBufferPointer { heap in
            var hole = heap.count &- 1
            while hole > 0 {
                let parent = (hole &- 1) &>> 1
                guard _CalendarEntry.precedes(entry, heap[parent]) else { break }
                heap[hole] = heap[parent]
                hole = parent
            }
            heap[hole] = entry
        }
    }

    /// Removes and returns the first entry, live or stale. The heap must not be empty.
    ///
    /// - Complexity: O(log *n*).
    @inlinable
    @inline(__always)
    internal mutating func _removeFirst() -> _CalendarEntry<Payload> {
        let last = _heap.removeLast()
        if _heap.isEmpty { return last }
        return _heap.withUnsafeMutableBufferPointer { heap in
            let first = heap[0]
            heap[Self._siftDown(last, from: 0, in: heap)] = last
            return first
        }
    }

    /// Moves the hole at `start` down past every child that precedes `entry`, and returns
    /// where the hole ends up; the caller stores `entry` there.
    @inlinable
    @inline(__always)
    internal static func _siftDown(
        _ entry: _CalendarEntry<Payload>,
        from start: Int,
        in heap: UnsafeMutableBufferPointer<_CalendarEntry<Payload>>
    ) -> Int {
        let count = heap.count
        var hole = start
        while true {
            var child = 2 &* hole &+ 1
            guard child < count else { break }
            let right = child &+ 1
            if right < count && _CalendarEntry.precedes(heap[right], heap[child]) {
                child = right
            }
            guard _CalendarEntry.precedes(heap[child], entry) else { break }
            heap[hole] = heap[child]
            hole = child
        }
        return hole
    }

    /// Restores the heap property over the whole array (Floyd's bottom-up construction).
    ///
    /// - Complexity: O(*n*).
    @inlinable
    internal mutating func _heapify() {
        _heap.withUnsafeMutableBufferPointer { heap in
            var i = heap.count / 2
            while i > 0 {
                i -= 1
                let entry = heap[i]
                heap[Self._siftDown(entry, from: i, in: heap)] = entry
            }
        }
    }
}
