import Experiments
import Foundation
import Synchronization
import Stochastics
import Testing

@Suite("OrderedPipeline: the reorder buffer")
struct OrderedPipelineTests {
    struct Boom: Error, Equatable { let index: Int }

    /// Per-job delays drawn from a fixed seed: which worker finishes first varies; the order
    /// the consumer sees must not.
    static func delays(seed: UInt64, count: Int, maxMicroseconds: UInt64) -> [UInt32] {
        var g = SplitMix64(seed: seed)
        return (0..<count).map { _ in UInt32(g.next() % maxMicroseconds) }
    }

    @Test("results arrive in job order whatever the completion order", arguments: [1, 2, 3, 5])
    func canonicalOrder(threads: Int) throws {
        for seed: UInt64 in 1...4 {
            let count = 80
            let delays = Self.delays(seed: seed, count: count, maxMicroseconds: 1500)
            var seen: [Int] = []
            try OrderedPipeline(threads: threads, window: 3).run(count: count, work: { i in
                usleep(delays[i])
                return i * i
            }, consume: { i, v in
                #expect(v == i * i, "seed \(seed)")
                seen.append(i)
            })
            #expect(seen == Array(0..<count), "seed \(seed), threads \(threads)")
        }
    }

    @Test("a worker never runs more than `window` jobs ahead of the consumer")
    func boundedWindow() throws {
        for (threads, window) in [(2, 1), (3, 4), (4, 8)] {
            let consumed = Atomic<Int>(0)
            let worstLead = Atomic<Int>(0)
            try OrderedPipeline(threads: threads, window: window).run(count: 60, work: { i in
                let lead = i - consumed.load(ordering: .sequentiallyConsistent)
                worstLead.max(lead)
                return i
            }, consume: { _, _ in
                usleep(300)   // a slow writer, so workers would run ahead if allowed
                consumed.add(1, ordering: .sequentiallyConsistent)
            })
            #expect(worstLead.load(ordering: .sequentiallyConsistent) < window, "threads \(threads), window \(window)")
        }
    }

    @Test("the first failing job in job order is reported, whatever the timing")
    func firstFailureWins() {
        for seed: UInt64 in 1...6 {
            let delays = Self.delays(seed: seed, count: 50, maxMicroseconds: 2000)
            let started = Atomic<Int>(0)
            var consumed: [Int] = []
            do {
                try OrderedPipeline(threads: 3, window: 6).run(count: 50, work: { i in
                    started.add(1, ordering: .sequentiallyConsistent)
                    // the later failure is made to finish first
                    usleep(i == 21 ? 3000 : (i == 23 ? 0 : delays[i]))
                    if i == 21 || i == 23 || i == 40 { throw Boom(index: i) }
                    return i
                }, consume: { i, _ in consumed.append(i) })
                Issue.record("expected a failure (seed \(seed))")
            } catch let f as OrderedPipeline.JobFailure {
                #expect(f.index == 21, "seed \(seed)")
                #expect(f.error as? Boom == Boom(index: 21))
                #expect(consumed.allSatisfy { $0 < 21 })
                #expect(started.load(ordering: .sequentiallyConsistent) < 50, "workers stop claiming after a failure")
            } catch {
                Issue.record("unexpected error \(error)")
            }
        }
    }

    @Test("an error thrown by the consumer stops the workers and is rethrown")
    func consumerErrorPropagates() {
        let started = Atomic<Int>(0)
        #expect(throws: Boom(index: 5)) {
            try OrderedPipeline(threads: 2, window: 4).run(count: 1000, work: { i in
                started.add(1, ordering: .sequentiallyConsistent)
                return i
            }, consume: { i, _ in if i == 5 { throw Boom(index: 5) } })
        }
        // at most the consumed jobs plus the window can have started
        #expect(started.load(ordering: .sequentiallyConsistent) <= 6 + 4)
    }

    @Test("no jobs, no calls; more threads than jobs")
    func edges() throws {
        try OrderedPipeline(threads: 4).run(count: 0, work: { (i: Int) -> Int in
            Issue.record("work called")
            return i
        }, consume: { _, _ in Issue.record("consume called") })
        var seen: [Int] = []
        try OrderedPipeline(threads: 8).run(count: 3, work: { $0 }, consume: { i, _ in seen.append(i) })
        #expect(seen == [0, 1, 2])
        #expect(OrderedPipeline(threads: 3).window == 12)
    }
}

extension Atomic where Value == Int {
    /// Raises the value to at least `x`.
    func max(_ x: Int) {
        var current = load(ordering: .sequentiallyConsistent)
        while x > current {
            let (exchanged, original) = compareExchange(expected: current, desired: x, ordering: .sequentiallyConsistent)
            if exchanged { return }
            current = original
        }
    }
}

@Suite struct OrderedPipelineLimitTests {
    @Test("a huge thread count and window start no more workers or permits than there are jobs")
    func hugeThreadCount() throws {
        // 4 × threads overflows Int: the window saturates instead of trapping.
        let wide = OrderedPipeline(threads: Int.max / 2)
        #expect(wide.window == Int.max)
        // Raising Int.max permits (or starting Int.max/2 workers) would never end; three jobs need three.
        var seen: [Int] = []
        try wide.run(count: 3, work: { $0 * 10 }, consume: { i, v in
            #expect(v == i * 10)
            seen.append(i)
        })
        #expect(seen == [0, 1, 2])
    }
}
