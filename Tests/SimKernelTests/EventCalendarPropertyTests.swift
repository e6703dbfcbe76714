import SimKernel
import Stochastics
import Testing

/// Random schedule / cancel / pop sequences, checked step by step against a sorted-array
/// reference model of the calendar's contract.
@Suite("EventCalendar against a reference model")
struct EventCalendarPropertyTests {
    /// The contract, written the slow and obvious way.
    private struct ReferenceCalendar {
        struct Entry { var time: SimTime; var priority: Int32; var sequence: Int; var event: Int }
        var pending: [Entry] = []    // kept sorted by (time, priority, sequence)
        var now: SimTime = 0
        var popped = 0

        mutating func schedule(_ event: Int, at time: SimTime, priority: Int32, sequence: Int) {
            let entry = Entry(time: time, priority: priority, sequence: sequence, event: event)
            let index = pending.firstIndex {
                ($0.time, $0.priority, $0.sequence) > (time, priority, sequence)
            } ?? pending.endIndex
            pending.insert(entry, at: index)
        }

        mutating func cancel(event: Int) -> Bool {
            guard let index = pending.firstIndex(where: { $0.event == event }) else { return false }
            pending.remove(at: index)
            return true
        }

        mutating func pop() -> (time: SimTime, event: Int)? {
            guard !pending.isEmpty else { return nil }
            let entry = pending.removeFirst()
            now = entry.time
            popped += 1
            return (entry.time, entry.event)
        }
    }

    /// Runs `steps` random operations from `seed`; returns the first disagreement, if any.
    private func disagreement(seed: UInt64, steps: Int, cancelWeight: Int) -> String? {
        var rng = SplitMix64(seed: seed)
        var calendar = EventCalendar<Int>()
        var reference = ReferenceCalendar()
        var handles: [EventHandle] = []   // index = event id, including popped and cancelled

        for step in 0..<steps {
            let roll = Int.random(in: 0..<(10 + cancelWeight), using: &rng)
            if roll < 5 {
                // Coarse times and few priorities, so that ties are common.
                let delay = Double(Int.random(in: 0..<8, using: &rng)) * 0.25
                let priority = Int32.random(in: -1...1, using: &rng)
                let event = handles.count
                let time = calendar.now + delay
                handles.append(calendar.schedule(event, at: time, priority: priority))
                reference.schedule(event, at: time, priority: priority, sequence: event)
            } else if roll < 10 {
                let got = calendar.pop()
                let expected = reference.pop()
                if got?.event != expected?.event || got?.time != expected?.time {
                    return "seed \(seed), step \(step): popped \(String(describing: got)), expected \(String(describing: expected))"
                }
            } else if !handles.isEmpty {
                let event = Int.random(in: 0..<handles.count, using: &rng)
                let got = calendar.cancel(handles[event])
                let expected = reference.cancel(event: event)
                if got != expected {
                    return "seed \(seed), step \(step): cancel(\(event)) returned \(got), expected \(expected)"
                }
            }
            if calendar.now != reference.now || calendar.eventCount != reference.popped
                || calendar.pendingCount != reference.pending.count
                || calendar.peek()?.event != reference.pending.first?.event {
                return "seed \(seed), step \(step): now \(calendar.now)/\(reference.now), "
                    + "popped \(calendar.eventCount)/\(reference.popped), "
                    + "pending \(calendar.pendingCount)/\(reference.pending.count), "
                    + "next \(String(describing: calendar.peek()?.event))/\(String(describing: reference.pending.first?.event))"
            }
            if step % 64 == 0 { calendar.validateInvariants() }
        }
        calendar.validateInvariants()
        return nil
    }

    @Test("Random operations match the reference", arguments: [0, 3, 12])
    func randomOperationsMatchTheReference(cancelWeight: Int) {
        for seed in UInt64(0)..<300 {
            if let message = disagreement(seed: seed, steps: 400, cancelWeight: cancelWeight) {
                Issue.record("\(message) (cancel weight \(cancelWeight))")
                return
            }
        }
    }

    @Test func longRunsStayConsistent() {
        for seed in UInt64(1_000)..<1_004 {
            if let message = disagreement(seed: seed, steps: 20_000, cancelWeight: 4) {
                Issue.record(Comment(rawValue: message))
                return
            }
        }
    }

    @Test func sameOperationsGiveTheSameOrder() {
        func trace(seed: UInt64) -> [Int] {
            var rng = SplitMix64(seed: seed)
            var calendar = EventCalendar<Int>()
            for event in 0..<500 {
                calendar.schedule(event, at: Double(Int.random(in: 0..<20, using: &rng)))
            }
            var order: [Int] = []
            while let next = calendar.pop() { order.append(next.event) }
            return order
        }
        #expect(trace(seed: 7) == trace(seed: 7))
        #expect(trace(seed: 7) != trace(seed: 8))
    }
}
