import SimKernel
import Testing

@Suite("EventCalendar order")
struct EventCalendarOrderTests {
    /// Pops everything, returning the payloads in order.
    private func drain(_ calendar: inout EventCalendar<Int>) -> [Int] {
        var popped: [Int] = []
        while let (_, event) = calendar.pop() { popped.append(event) }
        return popped
    }

    @Test func emptyCalendarHasNothingToPop() {
        var calendar = EventCalendar<Int>(startTime: 3)
        #expect(calendar.isEmpty)
        #expect(calendar.peek() == nil)
        #expect(calendar.nextEventTime == nil)
        let next = calendar.pop()
        #expect(next == nil)
        #expect(calendar.now == 3)
        #expect(calendar.eventCount == 0)
        #expect(calendar.pendingCount == 0)
    }

    @Test func eventsLeaveInTimeOrder() {
        var calendar = EventCalendar<Int>()
        for (event, time) in [(0, 5.0), (1, 1.5), (2, 9.0), (3, 0.0), (4, 2.25)] {
            calendar.schedule(event, at: time)
        }
        var times: [SimTime] = []
        while let (time, _) = calendar.pop() {
            #expect(calendar.now == time)
            times.append(time)
        }
        #expect(times == [0, 1.5, 2.25, 5, 9])
        #expect(calendar.eventCount == 5)
    }

    @Test func tiesAreBrokenByInsertionOrder() {
        var calendar = EventCalendar<Int>()
        for event in 0..<100 { calendar.schedule(event, at: 7) }
        #expect(drain(&calendar) == Array(0..<100))
    }

    @Test func priorityComesBeforeInsertionOrder() {
        var calendar = EventCalendar<Int>()
        calendar.schedule(0, at: 1, priority: 2)
        calendar.schedule(1, at: 1, priority: 0)
        calendar.schedule(2, at: 1, priority: 1)
        calendar.schedule(3, at: 1, priority: 0)
        calendar.schedule(4, at: 1, priority: -1)
        calendar.schedule(5, at: 0.5, priority: 9)   // time still comes first
        #expect(drain(&calendar) == [5, 4, 1, 3, 2, 0])
    }

    @Test func eventsScheduledAtNowRunAfterEarlierTies() {
        var calendar = EventCalendar<Int>()
        calendar.schedule(0, at: 2)
        calendar.schedule(1, at: 2)
        let next = calendar.pop()?.event
        #expect(next == 0)
        calendar.schedule(2, at: calendar.now)
        calendar.schedule(3, after: 0)
        #expect(drain(&calendar) == [1, 2, 3])
    }

    @Test func peekShowsWhatPopReturns() {
        var calendar = EventCalendar<Int>()
        calendar.schedule(10, at: 4)
        calendar.schedule(11, at: 3)
        #expect(calendar.peek()?.event == 11)
        #expect(calendar.peek()?.time == 3)
        #expect(calendar.nextEventTime == 3)
        #expect(calendar.pendingCount == 2)
        #expect(calendar.now == 0)   // peeking does not move the clock
        let next = calendar.pop()?.event
        #expect(next == 11)
        #expect(calendar.peek()?.event == 10)
    }

    @Test func scheduleAfterIsRelativeToNow() {
        var calendar = EventCalendar<Int>(startTime: 10)
        calendar.schedule(0, after: 2.5)
        let next = calendar.pop()?.time
        #expect(next == 12.5)
        calendar.schedule(1, after: 1)
        let following = calendar.pop()?.time
        #expect(following == 13.5)
    }

    @Test func countsTrackPopsAndPendingEvents() {
        var calendar = EventCalendar<Int>(minimumCapacity: 16)
        let handles = (0..<10).map { calendar.schedule($0, at: Double($0)) }
        #expect(calendar.pendingCount == 10)
        calendar.cancel(handles[5])
        #expect(calendar.pendingCount == 9)
        _ = calendar.pop()
        _ = calendar.pop()
        #expect(calendar.eventCount == 2)
        #expect(calendar.pendingCount == 7)
        #expect(drain(&calendar) == [2, 3, 4, 6, 7, 8, 9])
        #expect(calendar.eventCount == 9)   // the cancelled event is not counted
        calendar.validateInvariants()
    }

    @Test func descriptionSummarisesTheCalendar() {
        var calendar = EventCalendar<Int>()
        calendar.schedule(1, at: 2)
        calendar.schedule(2, at: 1)
        #expect(calendar.description == "EventCalendar(now: 0.0, pending: 2, processed: 0, next: 1.0)")
        #expect(calendar.debugDescription.split(separator: "\n").count == 3)
    }
}
