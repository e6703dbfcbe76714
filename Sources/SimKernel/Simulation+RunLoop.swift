extension Simulation {
    /// Pops events and hands them to ``handle(_:at:calendar:)`` until a stopping condition
    /// holds.
    ///
    /// Before each event the loop checks, in this order:
    /// 1. a stop request (``EventCalendar/requestStop()``): returns
    ///    ``RunOutcome/stopRequested`` and clears the request;
    /// 2. no pending event: with an infinite `endTime`, returns ``RunOutcome/calendarEmpty``;
    ///    with a finite one, sets the clock to `endTime` and returns
    ///    ``RunOutcome/reachedTime``;
    /// 3. the next event lies strictly after `endTime`: sets the clock to `endTime` and
    ///    returns ``RunOutcome/reachedTime``;
    /// 4. `maxEvents` events processed by this call: returns
    ///    ``RunOutcome/eventBudgetExhausted``, clock at the last event's time.
    ///
    /// The limit is inclusive: events at exactly `endTime`, including those that handlers
    /// schedule at `endTime` while the loop runs, are processed. Consecutive calls with
    /// limits T₁ < T₂ thus process the events in (T₁, T₂]. The budget is reported as
    /// exhausted only if an event was still due, so a run that needs exactly `maxEvents`
    /// events ends normally.
    ///
    /// - Parameters:
    ///   - calendar: the model's calendar.
    ///   - endTime: the last simulated time to process, in days; default: no limit.
    ///     Must not be NaN nor before `calendar.now`.
    ///   - maxEvents: the most events this call may process (≥ 0); default: no limit.
    ///     To cap a whole run across several calls, pass the remaining allowance,
    ///     `limit - calendar.eventCount`.
    /// - Returns: why the loop stopped.
    /// - Complexity: O(*k* log *n*) for *k* events processed, *n* pending, plus the
    ///   handlers' own cost.
    @inlinable
    @discardableResult
    public mutating func run(
        calendar: inout EventCalendar<Event>,
        until endTime: SimTime = .infinity,
        maxEvents: Int = .max
    ) -> RunOutcome {
        precondition(endTime >= calendar.now, "run: end time \(endTime) lies before now = \(calendar.now)")
        precondition(maxEvents >= 0, "run: maxEvents must be ≥ 0, got \(maxEvents)")
        var budget = maxEvents
        while true {
            if calendar._stopRequested {
                calendar._stopRequested = false
                return .stopRequested
            }
            guard let next = calendar._heap.first else {
                guard endTime < .infinity else { return .calendarEmpty }
                calendar._advanceClock(to: endTime)
                return .reachedTime
            }
            if next.time > endTime {
                calendar._advanceClock(to: endTime)
                return .reachedTime
            }
            if budget == 0 { return .eventBudgetExhausted }
            budget &-= 1
            let entry = calendar._popLive()
            handle(entry.payload, at: entry.time, calendar: &calendar)
        }
    }

    /// Processes the next event, if any.
    ///
    /// Ignores stop requests and time limits: it is the loop body of
    /// ``run(calendar:until:maxEvents:)`` on its own.
    /// - Parameters:
    ///   - calendar: the model's calendar.
    /// - Returns: `true` if an event was processed, `false` if none was pending.
    /// - Complexity: O(log *n*) plus the handler's cost.
    @inlinable
    @discardableResult
    public mutating func step(calendar: inout EventCalendar<Event>) -> Bool {
        guard !calendar._heap.isEmpty else { return false }
        let entry = calendar._popLive()
        handle(entry.payload, at: entry.time, calendar: &calendar)
        return true
    }
}
