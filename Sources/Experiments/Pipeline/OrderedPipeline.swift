import Dispatch
import Foundation
import Synchronization

/// Runs `count` independent jobs on `threads` workers and hands their results, in job
/// order, to a consumer on the calling thread.
///
/// Workers claim jobs in increasing index order from a shared counter and park results in a
/// reorder buffer; the caller takes them out strictly in order `0, 1, 2, …`, so what it
/// writes never depends on which worker finished first. At most ``window`` jobs are claimed
/// but not yet consumed: a worker that runs that far ahead of the consumer waits, which
/// bounds memory to `window` results however slow the consumer is.
///
/// Failure: when a job throws, no further jobs are claimed, but jobs already claimed (all
/// those before it, since claims go in order) finish and are consumed in order; when the
/// consumer reaches the first failed index, ``run(count:work:consume:)`` throws
/// ``JobFailure`` for it. So the failure reported is the first in job order whatever the
/// timing, after at most ``window`` further results. When `consume` throws, the workers stop
/// claiming and its error is rethrown. Either way every worker has returned before `run` does.
public struct OrderedPipeline: Sendable {
    /// Worker count (≥ 1): `concurrentPerform` iterations, each a worker loop. Dispatch runs
    /// at most as many at once as the machine has cores.
    public let threads: Int
    /// Jobs claimed but not yet consumed, at most (≥ 1).
    public let window: Int

    /// - Parameters:
    ///   - threads: worker count, at least 1.
    ///   - window: reorder-buffer capacity; default `4 × threads` (at most `Int.max`).
    public init(threads: Int, window: Int? = nil) {
        precondition(threads >= 1, "threads must be ≥ 1")
        self.threads = threads
        let (fourTimes, overflow) = threads.multipliedReportingOverflow(by: 4)
        self.window = max(1, window ?? (overflow ? Int.max : fourTimes))
    }

    /// A job that threw, with its index.
    public struct JobFailure: Error, Sendable {
        public let index: Int
        public let error: any Error
    }

    private struct State<Output: Sendable>: Sendable {
        var nextClaim = 0
        var stop = false
        var slots: [Int: Result<Output, any Error>] = [:]
    }

    private enum Step<Output: Sendable>: Sendable {
        case deliver(Output)
        case fail(Int, any Error)
        case wait
    }

    /// Runs jobs `0..<count`.
    /// - Parameters:
    ///   - work: computes job `i`; called on worker threads, at most once per index.
    ///   - consume: receives `(i, work(i))` on the calling thread, for `i = 0, 1, …` in order.
    /// - Throws: ``JobFailure`` (first failing job in index order) or what `consume` threw.
    /// - Complexity: O(count) scheduling work besides the jobs; memory O(window) results.
    public func run<Output: Sendable>(count: Int, work: @escaping @Sendable (Int) throws -> Output,
                                      consume: (Int, Output) throws -> Void) throws {
        guard count > 0 else { return }
        let shared = Shared<Output>()
        // Semaphores start at 0 and are raised by signals: libdispatch traps if one is
        // destroyed below its initial value, which an aborted run could otherwise leave.
        // Never more workers, nor permits, than there are jobs.
        for _ in 0..<min(window, count) { shared.permits.signal() }
        let workers = min(threads, count)
        let done = DispatchSemaphore(value: 0)
        // The fan-out starts from a thread of its own: from a Dispatch pool thread (or a Swift
        // concurrency one) `concurrentPerform` may find the pool busy and run its iterations
        // one after another; from a plain thread it gets the calling thread plus pool threads,
        // up to the core count.
        let driver = Thread {
            DispatchQueue.concurrentPerform(iterations: workers) { _ in
                Self.workerLoop(shared: shared, count: count, work: work)
            }
            done.signal()
        }
        driver.stackSize = 8 << 20
        driver.start()

        func stopAndJoin() {
            shared.state.withLock { $0.stop = true }
            for _ in 0..<workers { shared.permits.signal() }
            done.wait()
        }

        var next = 0
        while next < count {
            let step: Step<Output> = shared.state.withLock { s in
                if let r = s.slots.removeValue(forKey: next) {
                    switch r {
                    case .success(let v): return .deliver(v)
                    case .failure(let e): return .fail(next, e)
                    }
                }
                return .wait
            }
            switch step {
            case .deliver(let v):
                do { try consume(next, v) } catch {
                    stopAndJoin()
                    throw error
                }
                next += 1
                shared.permits.signal()
            case .fail(let index, let error):
                stopAndJoin()
                throw JobFailure(index: index, error: error)
            case .wait:
                shared.ready.wait()
            }
        }
        done.wait()
    }

    private final class Shared<Output: Sendable>: Sendable {
        let state = Mutex(State<Output>())
        let permits = DispatchSemaphore(value: 0)
        let ready = DispatchSemaphore(value: 0)
    }

    private static func workerLoop<Output: Sendable>(shared: Shared<Output>, count: Int,
                                                     work: @Sendable (Int) throws -> Output) {
        while true {
            shared.permits.wait()
            let job: Int? = shared.state.withLock { s in
                guard !s.stop, s.nextClaim < count else { return nil }
                s.nextClaim += 1
                return s.nextClaim - 1
            }
            guard let i = job else {
                shared.permits.signal()   // pass the wake-up on to the next idle worker
                return
            }
            let r: Result<Output, any Error>
            do { r = .success(try work(i)) } catch { r = .failure(error) }
            shared.state.withLock { s in
                s.slots[i] = r
                if case .failure = r { s.stop = true }
            }
            shared.ready.signal()
        }
    }
}
