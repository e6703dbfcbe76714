import SimKernel
import Testing

/// Programming errors that must stop the process rather than corrupt a run.
@Suite("Preconditions")
struct PreconditionTests {
    @Test func schedulingBeforeNowStopsTheProcess() async {
        await #expect(processExitsWith: .failure) {
            var calendar = EventCalendar<Int>()
            calendar.schedule(0, at: 5)
            _ = calendar.pop()
            calendar.schedule(1, at: 4.999)
        }
    }

    @Test func schedulingAfterANegativeDelayStopsTheProcess() async {
        await #expect(processExitsWith: .failure) {
            var calendar = EventCalendar<Int>()
            calendar.schedule(0, after: -1)
        }
    }

    @Test func schedulingAtANonFiniteTimeStopsTheProcess() async {
        await #expect(processExitsWith: .failure) {
            var calendar = EventCalendar<Int>()
            calendar.schedule(0, at: .nan)
        }
        await #expect(processExitsWith: .failure) {
            var calendar = EventCalendar<Int>()
            calendar.schedule(0, at: .infinity)
        }
    }

    @Test func runningUntilThePastStopsTheProcess() async {
        await #expect(processExitsWith: .failure) {
            struct Sink: Simulation {
                mutating func handle(_ event: Int, at time: SimTime, calendar: inout EventCalendar<Int>) {}
            }
            var model = Sink()
            var calendar = EventCalendar<Int>(startTime: 10)
            model.run(calendar: &calendar, until: 9)
        }
    }
}
