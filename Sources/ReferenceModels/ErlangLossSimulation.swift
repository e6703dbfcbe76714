import CGSL
import SimKernel
import Stochastics

/// The Erlang loss system (M/M/C/C) on the bare kernel: the reference model that checks
/// the kernel against a closed form and measures its speed.
///
/// C identical units; Poisson arrivals at rate A per mean holding time; holding times
/// exponential with mean 1; an arrival that finds all C units busy is lost. The long-run
/// fraction of arrivals lost is Erlang's B(A, C) (``erlangB(servers:load:)``) and the
/// time-average number of busy units is A·(1 − B).
///
/// Inter-arrival and holding times come from two separate streams (kinds `"arrivals"` and
/// `"service"` of a ``SeedPlan``) through `gsl_ran_exponential`, so the arrival times do
/// not depend on how many arrivals are lost. The first arrival comes one inter-arrival
/// time after 0, to an empty system. The run stops right after the N-th arrival; holding
/// times still running then are left pending, not drained.
///
/// ```swift
/// var model = ErlangLossSimulation(parameters: ErlangLossParameters(servers: 10, load: 5, arrivals: 100_000),
///                                  seedPlan: SeedPlan(masterSeed: 42))
/// var calendar = model.makeCalendar()
/// model.run(calendar: &calendar)
/// let estimate = model.estimate(calendar: calendar)   // estimate.blocking ≈ 0.0184
/// ```
public struct ErlangLossSimulation: Simulation {
    /// What happens in the loss system; no payload is needed, since the units are identical.
    public enum Event: Sendable, Hashable {
        /// A customer arrived; it takes a free unit or is lost.
        case arrived
        /// A customer's holding time ended; its unit is free again.
        case departed
    }

    /// The run's inputs.
    public let parameters: ErlangLossParameters

    /// Units busy right now.
    public private(set) var busy = 0
    /// Arrivals so far, warm-up included.
    public private(set) var arrivalCount = 0
    /// Arrivals lost so far, warm-up included.
    public private(set) var lostCount = 0

    private let arrivalStream: RandomStream
    private let serviceStream: RandomStream
    private let meanInterarrival: Double
    /// ∫ busy dt from 0 to `lastChange`, in unit-days.
    private var busyArea = 0.0
    private var lastChange: SimTime = 0
    /// The arrival count at which the next batch boundary is recorded.
    private var nextBoundary: Int
    /// Cumulative counts at the end of the warm-up and at the end of each batch.
    private var boundaries: ContiguousArray<Boundary>

    private struct Boundary {
        var time: SimTime
        var busyArea: Double
        var lost: Int
    }

    /// Creates the model with explicit random streams.
    ///
    /// - Parameters:
    ///   - parameters: the system and run length.
    ///   - arrivals: the stream for inter-arrival times; owned by this model from now on.
    ///   - service: the stream for holding times; owned by this model from now on.
    /// - Complexity: O(batches).
    public init(parameters: ErlangLossParameters, arrivals: RandomStream, service: RandomStream) {
        self.parameters = parameters
        arrivalStream = arrivals
        serviceStream = service
        meanInterarrival = 1 / parameters.load
        boundaries = []
        boundaries.reserveCapacity(parameters.batches + 1)
        nextBoundary = parameters.warmUpArrivals
        if nextBoundary == 0 {
            boundaries.append(Boundary(time: 0, busyArea: 0, lost: 0))
            nextBoundary = parameters.batchSize
        }
    }

    /// Creates the model with streams derived from a seed plan: kinds `"arrivals"` and
    /// `"service"` of replication `replication`.
    ///
    /// - Parameters:
    ///   - parameters: the system and run length.
    ///   - seedPlan: the master seed and generator.
    ///   - replication: the replication number in the seed key; default 0.
    /// - Complexity: O(batches).
    public init(parameters: ErlangLossParameters, seedPlan: SeedPlan, replication: Int = 0) {
        self.init(parameters: parameters,
                  arrivals: seedPlan.stream(replication: replication, kind: "arrivals"),
                  service: seedPlan.stream(replication: replication, kind: "service"))
    }

    /// A calendar holding the first arrival, sized for C departures and one arrival.
    ///
    /// - Returns: a new calendar at time 0.
    /// - Complexity: O(C).
    public func makeCalendar() -> EventCalendar<Event> {
        var calendar = EventCalendar<Event>(minimumCapacity: parameters.servers + 1)
        calendar.schedule(.arrived, at: gsl_ran_exponential(arrivalStream.rng, meanInterarrival))
        return calendar
    }

    /// Applies one arrival or departure.
    ///
    /// - Parameters:
    ///   - event: what happened.
    ///   - time: when, in mean holding times.
    ///   - calendar: the model's calendar.
    /// - Complexity: O(log C), one calendar insertion at most per event.
    public mutating func handle(_ event: Event, at time: SimTime, calendar: inout EventCalendar<Event>) {
        busyArea += Double(busy) * (time - lastChange)
        lastChange = time
        switch event {
        case .departed:
            busy -= 1
        case .arrived:
            arrivalCount += 1
            if busy < parameters.servers {
                busy += 1
                calendar.schedule(.departed, at: time + gsl_ran_exponential(serviceStream.rng, 1))
            } else {
                lostCount += 1
            }
            if arrivalCount == nextBoundary {
                boundaries.append(Boundary(time: time, busyArea: busyArea, lost: lostCount))
                nextBoundary += parameters.batchSize
            }
            if arrivalCount < parameters.arrivals {
                calendar.schedule(.arrived, at: time + gsl_ran_exponential(arrivalStream.rng, meanInterarrival))
            } else {
                calendar.requestStop()
            }
        }
    }
}

// MARK: - Estimates

extension ErlangLossSimulation {
    /// Whether the N-th arrival has been handled.
    public var isFinished: Bool { arrivalCount >= parameters.arrivals }

    /// The blocking and busy-unit estimates by batch means, once the run has finished.
    ///
    /// - Parameters:
    ///   - calendar: the calendar the model ran on, for its event count.
    /// - Returns: the estimates; see ``ErlangLossEstimate`` for the method.
    /// - Complexity: O(batches + C).
    public func estimate(calendar: EventCalendar<Event>) -> ErlangLossEstimate {
        precondition(isFinished && boundaries.count == parameters.batches + 1,
                     "ErlangLossSimulation: estimate requested after \(arrivalCount) of \(parameters.arrivals) arrivals")
        let batchSize = Double(parameters.batchSize)
        var blockingBatches = Tally()
        var busyBatches = Tally()
        for (start, end) in zip(boundaries, boundaries.dropFirst()) {
            blockingBatches.add(Double(end.lost - start.lost) / batchSize)
            busyBatches.add((end.busyArea - start.busyArea) / (end.time - start.time))
        }
        let first = boundaries[0]
        let last = boundaries[boundaries.count - 1]
        let counted = parameters.batches * parameters.batchSize
        let batches = Double(parameters.batches)
        return ErlangLossEstimate(
            parameters: parameters,
            events: calendar.eventCount,
            endTime: last.time,
            countedArrivals: counted,
            lostArrivals: last.lost - first.lost,
            blocking: Double(last.lost - first.lost) / Double(counted),
            blockingStandardError: (blockingBatches.variance / batches).squareRoot(),
            meanBusy: (last.busyArea - first.busyArea) / (last.time - first.time),
            meanBusyStandardError: (busyBatches.variance / batches).squareRoot(),
            erlangB: erlangB(servers: parameters.servers, load: parameters.load)
        )
    }

    /// Runs a whole replication: builds the calendar, runs to the N-th arrival, estimates.
    ///
    /// - Parameters:
    ///   - parameters: the system and run length.
    ///   - seedPlan: the master seed and generator.
    ///   - replication: the replication number in the seed key; default 0.
    /// - Returns: the run's estimates.
    /// - Complexity: O(N log C).
    public static func simulate(
        _ parameters: ErlangLossParameters, seedPlan: SeedPlan, replication: Int = 0
    ) -> ErlangLossEstimate {
        var model = ErlangLossSimulation(parameters: parameters, seedPlan: seedPlan, replication: replication)
        var calendar = model.makeCalendar()
        model.run(calendar: &calendar)
        return model.estimate(calendar: calendar)
    }
}
