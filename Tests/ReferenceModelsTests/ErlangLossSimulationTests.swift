import ReferenceModels
import SimKernel
import Stochastics
import Testing

/// The simulated Erlang loss system against the exact Erlang B formula.
///
/// Seeds are fixed here, so each check is deterministic; the tolerances are what a
/// 99.9% interval would allow (t₀.₉₉₉₅,₂₉ ≈ 3.66 batch-means standard errors), so a
/// correct kernel and model would fail a check for about one seed in a thousand.
@Suite("Erlang loss simulation")
struct ErlangLossSimulationTests {
    /// Long enough for a tight interval, short enough for about a second in a debug build.
    static let arrivals = 200_000

    static let cases: [(servers: Int, load: Double, seed: UInt64)] = [
        (servers: 10, load: 5, seed: 20_261_127),
        (servers: 100, load: 90, seed: 20_261_128),
        (servers: 7, load: 2.5, seed: 20_261_129),
    ]

    static func estimate(servers: Int, load: Double, seed: UInt64, arrivals: Int = arrivals) -> ErlangLossEstimate {
        ErlangLossSimulation.simulate(
            ErlangLossParameters(servers: servers, load: load, arrivals: arrivals),
            seedPlan: SeedPlan(masterSeed: seed)
        )
    }

    @Test("Blocking and busy units lie within 99.9% intervals around Erlang B and A·(1 − B)", arguments: cases)
    func estimatesMatchTheExactValues(servers: Int, load: Double, seed: UInt64) {
        let estimate = Self.estimate(servers: servers, load: load, seed: seed)
        let context = "C = \(servers), A = \(load), seed \(seed)"

        let blockingTolerance = estimate.blockingHalfWidth(level: 0.999)
        #expect(abs(estimate.blocking - estimate.erlangB) <= blockingTolerance,
                """
                \(context): blocking \(estimate.blocking) ± \(blockingTolerance) (99.9%), \
                ± \(estimate.blockingHalfWidth()) (95%); Erlang B \(estimate.erlangB)
                """)
        // The interval is informative: it would expose a blocking 20% off.
        #expect(blockingTolerance < estimate.erlangB / 5, "\(context): 99.9% half-width \(blockingTolerance)")

        // Little's law: busy units = accepted arrival rate × mean holding time = A·(1 − B).
        let busyTolerance = estimate.meanBusyHalfWidth(level: 0.999)
        #expect(abs(estimate.meanBusy - estimate.exactMeanBusy) <= busyTolerance,
                """
                \(context): mean busy \(estimate.meanBusy) ± \(busyTolerance) (99.9%), \
                ± \(estimate.meanBusyHalfWidth()) (95%); A(1 − B) = \(estimate.exactMeanBusy)
                """)
    }

    @Test func runStopsRightAfterTheLastArrival() {
        let parameters = ErlangLossParameters(servers: 10, load: 8, arrivals: 5_000)
        var model = ErlangLossSimulation(parameters: parameters, seedPlan: SeedPlan(masterSeed: 3))
        var calendar = model.makeCalendar()
        let outcome = model.run(calendar: &calendar)
        #expect(outcome == .stopRequested)
        #expect(model.isFinished)
        #expect(model.arrivalCount == 5_000)
        // Departures still running are left pending, one per busy unit.
        #expect(calendar.pendingCount == model.busy)
        // Every pop is an arrival or the departure of an accepted arrival.
        let departed = model.arrivalCount - model.lostCount - model.busy
        let estimate = model.estimate(calendar: calendar)
        #expect(estimate.events == model.arrivalCount + departed)
        #expect(estimate.endTime == calendar.now)
    }

    @Test func sameSeedGivesTheSameRun() {
        let first = Self.estimate(servers: 10, load: 5, seed: 11, arrivals: 20_000)
        let second = Self.estimate(servers: 10, load: 5, seed: 11, arrivals: 20_000)
        let other = Self.estimate(servers: 10, load: 5, seed: 12, arrivals: 20_000)
        #expect(first == second)
        #expect(first.blocking != other.blocking || first.meanBusy != other.meanBusy)
    }

    @Test func everyGeneratorAgreesWithErlangB() {
        for generator in Generator.allCases {
            let estimate = ErlangLossSimulation.simulate(
                ErlangLossParameters(servers: 10, load: 5, arrivals: 50_000),
                seedPlan: SeedPlan(masterSeed: 5, generator: generator)
            )
            let tolerance = estimate.blockingHalfWidth(level: 0.999)
            #expect(abs(estimate.blocking - estimate.erlangB) <= tolerance,
                    "\(generator): blocking \(estimate.blocking) ± \(tolerance), Erlang B \(estimate.erlangB)")
        }
    }

    @Test func batchesCoverTheArrivalsAfterTheWarmUp() {
        let parameters = ErlangLossParameters(servers: 5, load: 3, arrivals: 1_007, batches: 10)
        #expect(parameters.batchSize == 95)
        #expect(parameters.warmUpArrivals == 1_007 - 950)   // N/20 = 50, plus the remainder 7
        let noWarmUp = ErlangLossParameters(servers: 5, load: 3, arrivals: 1_000, warmUpArrivals: 0, batches: 20)
        #expect(noWarmUp.warmUpArrivals == 0 && noWarmUp.batchSize == 50)
        var model = ErlangLossSimulation(parameters: noWarmUp, seedPlan: SeedPlan(masterSeed: 9))
        var calendar = model.makeCalendar()
        model.run(calendar: &calendar)
        let estimate = model.estimate(calendar: calendar)
        #expect(estimate.countedArrivals == 1_000)
        #expect(estimate.lostArrivals == model.lostCount)
    }
}
