import SimKernel
import Testing

/// Ticks every `period` days and records what it saw.
private struct Ticker: Simulation {
    enum Event: Equatable { case ticked(Int) }
    var period: SimTime = 1
    var seen: [(time: SimTime, index: Int)] = []
    var stopAt: Int? = nil

    mutating func handle(_ event: Event, at time: SimTime, calendar: inout EventCalendar<Event>) {
        guard case .ticked(let index) = event else { return }
        #expect(time == calendar.now)
        seen.append((time, index))
        if index == stopAt { calendar.requestStop() }
        calendar.schedule(.ticked(index + 1), after: period)
    }
}

/// Schedules nothing: it only counts the events it is handed.
private struct Sink: Simulation {
    var handled = 0
    mutating func handle(_ event: Int, at time: SimTime, calendar: inout EventCalendar<Int>) { handled += 1 }
}

@Suite("Run loop")
struct RunLoopTests {
    @Test func runUntilIncludesEventsAtTheLimit() {
        var model = Ticker()
        var calendar = EventCalendar<Ticker.Event>()
        calendar.schedule(.ticked(0), at: 0)
        let outcome = model.run(calendar: &calendar, until: 3)
        #expect(outcome == .reachedTime)
        #expect(model.seen.map(\.time) == [0, 1, 2, 3])
        #expect(calendar.now == 3)
        #expect(calendar.nextEventTime == 4)
    }

    @Test func runUntilAdvancesTheClockToTheLimit() {
        var model = Ticker(period: 10)
        var calendar = EventCalendar<Ticker.Event>()
        calendar.schedule(.ticked(0), at: 0)
        let outcome = model.run(calendar: &calendar, until: 2.5)
        #expect(outcome == .reachedTime)
        #expect(calendar.now == 2.5)
        #expect(model.seen.count == 1)
        // The next call picks up where this one stopped: events in (2.5, 20].
        let laterOutcome = model.run(calendar: &calendar, until: 20)
        #expect(laterOutcome == .reachedTime)
        #expect(model.seen.map(\.time) == [0, 10, 20])
    }

    @Test func runUntilOnAnEmptyCalendarReachesTheLimit() {
        var model = Sink()
        var calendar = EventCalendar<Int>()
        let outcome = model.run(calendar: &calendar, until: 5)
        #expect(outcome == .reachedTime)
        #expect(calendar.now == 5)
    }

    @Test func runWithoutLimitDrainsTheCalendar() {
        var model = Sink()
        var calendar = EventCalendar<Int>()
        for event in 0..<50 { calendar.schedule(event, at: Double(event % 7)) }
        let outcome = model.run(calendar: &calendar)
        #expect(outcome == .calendarEmpty)
        #expect(model.handled == 50)
        #expect(calendar.eventCount == 50)
        #expect(calendar.now == 6)   // the clock stays at the last event
    }

    @Test func budgetStopsTheRunAndReportsIt() {
        var model = Ticker()
        var calendar = EventCalendar<Ticker.Event>()
        calendar.schedule(.ticked(0), at: 0)
        let outcome = model.run(calendar: &calendar, maxEvents: 10)
        #expect(outcome == .eventBudgetExhausted)
        #expect(calendar.eventCount == 10)
        #expect(calendar.now == 9)
        #expect(calendar.pendingCount == 1)
        let laterOutcome = model.run(calendar: &calendar, maxEvents: 0)
        #expect(laterOutcome == .eventBudgetExhausted)
        #expect(calendar.eventCount == 10)
    }

    @Test func budgetIsNotReportedWhenItSufficesExactly() {
        var model = Sink()
        var calendar = EventCalendar<Int>()
        for event in 0..<10 { calendar.schedule(event, at: 1) }
        let outcome = model.run(calendar: &calendar, maxEvents: 10)
        #expect(outcome == .calendarEmpty)
        for event in 0..<3 { calendar.schedule(event, at: 2) }
        calendar.schedule(3, at: 9)
        let laterOutcome = model.run(calendar: &calendar, until: 5, maxEvents: 3)
        #expect(laterOutcome == .reachedTime)
    }

    @Test func handlerCanStopTheRun() {
        var model = Ticker(stopAt: 4)
        var calendar = EventCalendar<Ticker.Event>()
        calendar.schedule(.ticked(0), at: 0)
        let outcome = model.run(calendar: &calendar, until: 100)
        #expect(outcome == .stopRequested)
        #expect(model.seen.last?.index == 4)
        #expect(calendar.now == 4)
        #expect(!calendar.isStopRequested)   // consumed by the run loop
        #expect(calendar.pendingCount == 1)  // the follow-up tick is left pending
        // A later run resumes normally.
        let laterOutcome = model.run(calendar: &calendar, until: 6)
        #expect(laterOutcome == .reachedTime)
        #expect(model.seen.map(\.index) == [0, 1, 2, 3, 4, 5, 6])
    }

    @Test func stopRequestedBeforeARunProcessesNothing() {
        var model = Sink()
        var calendar = EventCalendar<Int>()
        calendar.schedule(0, at: 1)
        calendar.requestStop()
        let outcome = model.run(calendar: &calendar)
        #expect(outcome == .stopRequested)
        #expect(model.handled == 0)
    }

    @Test func stepProcessesOneEvent() {
        var model = Sink()
        var calendar = EventCalendar<Int>()
        calendar.schedule(0, at: 1)
        calendar.schedule(1, at: 2)
        let stepped = model.step(calendar: &calendar)
        #expect(stepped)
        #expect(calendar.now == 1)
        let steppedAgain = model.step(calendar: &calendar)
        #expect(steppedAgain)
        let steppedOnEmpty = model.step(calendar: &calendar)
        #expect(!steppedOnEmpty)
        #expect(model.handled == 2)
    }
}
