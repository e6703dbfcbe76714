extension EventCalendar: CustomStringConvertible {
    /// A one-line summary: the clock, the pending and processed counts, the next time.
    ///
    /// - Complexity: O(1).
    public var description: String {
        let next = nextEventTime.map { "\($0)" } ?? "none"
        return "EventCalendar(now: \(now), pending: \(pendingCount), processed: \(eventCount), next: \(next))"
    }
}

extension EventCalendar: CustomDebugStringConvertible {
    /// The pending events in the order they would be popped, one per line.
    ///
    /// - Complexity: O(*n* log *n*).
    public var debugDescription: String {
        var lines = [description]
        let pending = _heap.filter(_isLive).sorted(by: _CalendarEntry.precedes)
        for entry in pending {
            lines.append("  t=\(entry.time) priority=\(entry.priority) seq=\(entry.sequence): \(entry.payload)")
        }
        return lines.joined(separator: "\n")
    }
}
