import SimKernel
import Testing

@Suite("EventCalendar cancellation")
struct EventCalendarCancelTests {
    @Test func cancelledEventsAreNeverPopped() {
        var calendar = EventCalendar<Int>()
        let handles = (0..<6).map { calendar.schedule($0, at: Double($0 % 3)) }
        let cancelled = calendar.cancel(handles[0])   // the first entry: discarded at once
        #expect(cancelled)
        let cancelledAgain = calendar.cancel(handles[4])
        #expect(cancelledAgain)
        #expect(calendar.peek()?.event == 3)
        var popped: [Int] = []
        while let (_, event) = calendar.pop() { popped.append(event) }
        #expect(popped == [3, 1, 2, 5])
    }

    @Test func cancellingTwiceReturnsFalse() {
        var calendar = EventCalendar<Int>()
        let handle = calendar.schedule(1, at: 1)
        #expect(calendar.isPending(handle))
        let cancelled = calendar.cancel(handle)
        #expect(cancelled)
        #expect(!calendar.isPending(handle))
        let cancelledAgain = calendar.cancel(handle)
        #expect(!cancelledAgain)
        #expect(calendar.isEmpty)
    }

    @Test func cancellingAPoppedEventReturnsFalse() {
        var calendar = EventCalendar<Int>()
        let handle = calendar.schedule(1, at: 1)
        let other = calendar.schedule(2, at: 2)
        _ = calendar.pop()
        let cancelled = calendar.cancel(handle)
        #expect(!cancelled)
        #expect(calendar.isPending(other))
        #expect(calendar.pendingCount == 1)
    }

    @Test func staleHandleDoesNotCancelTheSlotsNextOccupant() {
        var calendar = EventCalendar<Int>()
        let first = calendar.schedule(1, at: 1)
        let cancelled = calendar.cancel(first)
        #expect(cancelled)
        let second = calendar.schedule(2, at: 1)   // reuses the freed slot
        let cancelledAgain = calendar.cancel(first)
        #expect(!cancelledAgain)
        #expect(calendar.isPending(second))
        let next = calendar.pop()?.event
        #expect(next == 2)
    }

    @Test func handleFromAnotherCalendarIsHarmless() {
        var other = EventCalendar<Int>()
        for event in 0..<5 { other.schedule(event, at: 1) }
        let foreign = other.schedule(99, at: 1)
        var calendar = EventCalendar<Int>()
        calendar.schedule(0, at: 1)
        let cancelled = calendar.cancel(foreign)
        #expect(!cancelled)
        #expect(calendar.pendingCount == 1)
        calendar.validateInvariants()
    }

    @Test func massCancellationCompactsTheHeap() {
        var calendar = EventCalendar<Int>()
        let handles = (0..<1_000).map { calendar.schedule($0, at: Double(1_000 - $0)) }
        for handle in handles where handles.firstIndex(of: handle)! % 10 != 0 {
            let cancelled = calendar.cancel(handle)
            #expect(cancelled)
        }
        calendar.validateInvariants()
        #expect(calendar.pendingCount == 100)
        var popped: [Int] = []
        while let (_, event) = calendar.pop() { popped.append(event) }
        #expect(popped == stride(from: 990, through: 0, by: -10).map { $0 })
    }
}
