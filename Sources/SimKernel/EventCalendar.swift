/// A future-event list: payloads scheduled at simulated times, handed back in a total order.
///
/// Events leave the calendar ordered by `(time, priority, sequence)`: earlier time first;
/// at equal times, the lower `priority` value first; at equal time and priority, the event
/// scheduled first (its insertion sequence). The order is total, so a run that schedules
/// the same events in the same order pops them in the same order: a replication is a
/// function of its seed.
///
/// The calendar also owns the clock. ``pop()`` sets ``now`` to the popped event's time
/// before returning it, so a handler reading ``now`` sees the event's time; scheduling
/// before ``now`` is a programming error and stops the process.
///
/// Storage is a binary min-heap on a `ContiguousArray`, plus a slot table that gives every
/// pending event a ``EventHandle``. Cancellation is lazy: a cancelled entry stays in the
/// heap, recognised as stale by a generation check, until it reaches the top or until
/// stale entries outnumber live ones and the heap is compacted. The first entry of the heap
/// is always live, so ``peek()`` is O(1). Once the arrays have grown to the peak number of
/// pending events, scheduling and popping allocate nothing.
///
/// Payloads should be small value types (an enum carrying typed indices): they are moved
/// through the heap on every operation.
public struct EventCalendar<Payload> {
    /// The binary min-heap of entries, live and stale; `_heap[0]` is live whenever the heap
    /// is not empty.
    @usableFromInline
    internal var _heap: ContiguousArray<_CalendarEntry<Payload>>

    /// For each slot: the sequence of the live event occupying it, or, when the slot is
    /// free, ``_freeTag`` combined with the index of the next free slot.
    @usableFromInline
    internal var _slots: ContiguousArray<UInt64>

    /// The first free slot, or `UInt32.max` when every slot is occupied.
    @usableFromInline
    internal var _freeHead: UInt32

    /// The number of cancelled entries still in the heap.
    @usableFromInline
    internal var _staleCount: Int

    /// The sequence number the next scheduled event receives.
    @usableFromInline
    internal var _nextSequence: UInt64

    @usableFromInline
    internal var _now: SimTime

    @usableFromInline
    internal var _eventCount: Int

    /// Set by ``requestStop()``; consumed by the run loop.
    @usableFromInline
    internal var _stopRequested: Bool

    /// Marks a free slot in ``_slots``. Sequences stay below 2⁶³, so a live slot never has it.
    @inlinable
    internal static var _freeTag: UInt64 { 1 << 63 }

    /// Creates an empty calendar whose clock reads `startTime`.
    ///
    /// - Parameters:
    ///   - startTime: the initial value of ``now``, in days; must be finite.
    ///   - minimumCapacity: the number of pending events to reserve room for.
    /// - Complexity: O(`minimumCapacity`).
    @inlinable
    public init(startTime: SimTime = 0, minimumCapacity: Int = 0) {
        precondition(startTime.isFinite, "EventCalendar: start time must be finite, got \(startTime)")
        _heap = []
        _slots = []
        _heap.reserveCapacity(minimumCapacity)
        _slots.reserveCapacity(minimumCapacity)
        _freeHead = .max
        _staleCount = 0
        _nextSequence = 0
        _now = startTime
        _eventCount = 0
        _stopRequested = false
    }
}

extension EventCalendar: Sendable where Payload: Sendable {}

// MARK: - Clock and counts

extension EventCalendar {
    /// The current simulated time: the time of the last popped event, or the start time,
    /// or the end time of the last ``Simulation/run(calendar:until:maxEvents:)`` that
    /// stopped on its time limit.
    ///
    /// - Complexity: O(1).
    @inlinable
    public var now: SimTime { _now }

    /// The number of events popped so far (by ``pop()`` or the run loop).
    ///
    /// Cancelled events are not counted.
    /// - Complexity: O(1).
    @inlinable
    public var eventCount: Int { _eventCount }

    /// The number of events scheduled and neither popped nor cancelled.
    ///
    /// - Complexity: O(1).
    @inlinable
    public var pendingCount: Int { _heap.count &- _staleCount }

    /// Whether no event is pending.
    ///
    /// - Complexity: O(1).
    @inlinable
    public var isEmpty: Bool { _heap.isEmpty }

    /// Reserves room for `minimumCapacity` pending events, so that scheduling up to that
    /// many does not reallocate.
    ///
    /// - Parameters:
    ///   - minimumCapacity: the number of pending events to make room for.
    /// - Complexity: O(`minimumCapacity`) at most.
    @inlinable
    public mutating func reserveCapacity(_ minimumCapacity: Int) {
        _heap.reserveCapacity(minimumCapacity)
        _slots.reserveCapacity(minimumCapacity)
    }
}

// MARK: - Scheduling

extension EventCalendar {
    /// Schedules `event` at the absolute time `time`.
    ///
    /// Scheduling at exactly ``now`` is allowed: the event runs after every pending event
    /// of the same time and a lower or equal priority value.
    ///
    /// - Parameters:
    ///   - event: the payload handed back by ``pop()``.
    ///   - time: when the event happens, in days; must be finite and not before ``now``
    ///     (a violated precondition stops the process).
    ///   - priority: orders events of equal time, lower values first; default 0.
    /// - Returns: a handle that can ``cancel(_:)`` the event until it is popped.
    /// - Complexity: O(log *n*), *n* the number of entries in the heap; amortised O(1)
    ///   allocations, none once the calendar has held that many events before.
    @inlinable
    @discardableResult
    public mutating func schedule(_ event: Payload, at time: SimTime, priority: Int32 = 0) -> EventHandle {
        precondition(time >= _now && time.isFinite,
                     "EventCalendar: cannot schedule at t = \(time), before now = \(_now) or not finite")
        let sequence = _nextSequence
        _nextSequence &+= 1
        let slot = _acquireSlot(for: sequence)
        _insert(_CalendarEntry(time: time, sequence: sequence, priority: priority, slot: slot, payload: event))
        _checkInvariants()
        return EventHandle(slot: slot, sequence: sequence)
    }

    /// Schedules `event` at `delay` days after ``now``.
    ///
    /// - Parameters:
    ///   - event: the payload handed back by ``pop()``.
    ///   - delay: days from ``now``; must be finite and ≥ 0 (a violated precondition stops
    ///     the process).
    ///   - priority: orders events of equal time, lower values first; default 0.
    /// - Returns: a handle that can ``cancel(_:)`` the event until it is popped.
    /// - Complexity: O(log *n*), as ``schedule(_:at:priority:)``.
    @inlinable
    @discardableResult
    public mutating func schedule(_ event: Payload, after delay: SimTime, priority: Int32 = 0) -> EventHandle {
        precondition(delay >= 0, "EventCalendar: cannot schedule after a negative delay \(delay)")
        return schedule(event, at: _now + delay, priority: priority)
    }
}

// MARK: - Cancelling

extension EventCalendar {
    /// Whether the event named by `handle` is still pending.
    ///
    /// - Parameters:
    ///   - handle: a handle returned by this calendar's `schedule`.
    /// - Returns: `true` if the event was neither popped nor cancelled.
    /// - Complexity: O(1).
    @inlinable
    public func isPending(_ handle: EventHandle) -> Bool {
        let slot = Int(handle.slot)
        return slot < _slots.count && _slots[slot] == handle.sequence
    }

    /// Cancels a pending event, so that it is never popped.
    ///
    /// Cancelling an event that was already popped or cancelled, or a handle this calendar
    /// did not issue, does nothing and returns `false`.
    ///
    /// - Parameters:
    ///   - handle: a handle returned by this calendar's `schedule`.
    /// - Returns: `true` if a pending event was cancelled.
    /// - Complexity: O(1) to check the handle's generation; amortised O(log *n*) to discard
    ///   stale entries, with an occasional O(*n*) compaction when stale entries outnumber
    ///   live ones (each entry is compacted away at most once).
    @inlinable
    @discardableResult
    public mutating func cancel(_ handle: EventHandle) -> Bool {
        guard isPending(handle) else { return false }
        _releaseSlot(handle.slot)
        _staleCount &+= 1
        _discardStaleFirst()
        if _staleCount > 32 && _staleCount > _heap.count &- _staleCount {
            _compact()
        }
        _checkInvariants()
        return true
    }
}

// MARK: - Popping

extension EventCalendar {
    /// The next event and its time, without removing it.
    ///
    /// - Returns: the first pending event in `(time, priority, sequence)` order, or `nil`
    ///   if none is pending.
    /// - Complexity: O(1).
    @inlinable
    public func peek() -> (time: SimTime, event: Payload)? {
        guard let first = _heap.first else { return nil }
        return (first.time, first.payload)
    }

    /// The time of the next event, or `nil` if none is pending.
    ///
    /// - Complexity: O(1).
    @inlinable
    public var nextEventTime: SimTime? { _heap.first?.time }

    /// Removes the next event, sets ``now`` to its time and counts it in ``eventCount``.
    ///
    /// - Returns: the first pending event in `(time, priority, sequence)` order and its
    ///   time, or `nil` (clock unchanged) if none is pending.
    /// - Complexity: O(log *n*), plus amortised O(log *n*) per cancelled entry discarded.
    @inlinable
    public mutating func pop() -> (time: SimTime, event: Payload)? {
        guard !_heap.isEmpty else { return nil }
        let entry = _popLive()
        return (entry.time, entry.payload)
    }

    /// Asks the run loop to return before it processes another event.
    ///
    /// Meant for a handler that has reached its stopping condition: the run loop returns
    /// ``RunOutcome/stopRequested`` and clears the request. Pending events stay pending.
    /// - Complexity: O(1).
    @inlinable
    public mutating func requestStop() {
        _stopRequested = true
    }

    /// Whether ``requestStop()`` was called and no run loop has consumed the request yet.
    ///
    /// - Complexity: O(1).
    @inlinable
    public var isStopRequested: Bool { _stopRequested }
}

// MARK: - Internals

extension EventCalendar {
    /// Removes the (live) first entry, frees its slot, discards stale entries that reach
    /// the top, and advances the clock and the event count. The heap must not be empty.
    @inlinable
    @inline(__always)
    internal mutating func _popLive() -> _CalendarEntry<Payload> {
        let entry = _removeFirst()
        _releaseSlot(entry.slot)
        if _staleCount != 0 { _discardStaleFirst() }
        _now = entry.time
        _eventCount &+= 1
        _checkInvariants()
        return entry
    }

    /// Moves the clock forward to `time` without popping anything.
    @inlinable
    internal mutating func _advanceClock(to time: SimTime) {
        if time > _now { _now = time }
    }
}
