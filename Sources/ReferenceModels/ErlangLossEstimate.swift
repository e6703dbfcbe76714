import Stochastics

/// What one run of ``ErlangLossSimulation`` measured, next to the exact answer.
///
/// Both estimates use the batch means method over the arrivals after the warm-up: the
/// counted arrivals are split into ``ErlangLossParameters/batches`` consecutive batches of
/// equal size; each batch gives a blocking fraction (lost ÷ arrivals in the batch) and a
/// time-average number of busy units (the busy-unit area over the batch's time span ÷
/// that span). The batch values are treated as independent, identically distributed, and
/// normal, which holds approximately when a batch spans many holding times; the half-width
/// is t₀.₉₇₅,ₖ₋₁ · s / √k for k batches with sample standard deviation s.
///
/// What does not hold exactly: the batches are weakly correlated at their boundaries, so
/// the interval is slightly narrow for small batches; the point estimate of mean busy units
/// is the ratio of totals, while its interval is built from the per-batch ratios.
public struct ErlangLossEstimate: Sendable, Hashable {
    /// The run's inputs.
    public var parameters: ErlangLossParameters
    /// Events popped from the calendar, up to and including the last arrival.
    public var events: Int
    /// The simulated time of the last arrival, in mean holding times.
    public var endTime: Double
    /// Arrivals after the warm-up.
    public var countedArrivals: Int
    /// Of those, arrivals that found every unit busy.
    public var lostArrivals: Int

    /// The estimated blocking probability: lost ÷ counted arrivals.
    public var blocking: Double
    /// The standard error of ``blocking`` from the batch means, s / √k.
    public var blockingStandardError: Double
    /// The estimated time-average number of busy units over the counted span.
    public var meanBusy: Double
    /// The standard error of ``meanBusy`` from the batch means.
    public var meanBusyStandardError: Double
    /// The exact blocking probability, ``erlangB(servers:load:)``.
    public var erlangB: Double

    /// The half-width of the two-sided t interval for the blocking probability.
    ///
    /// - Parameters:
    ///   - level: the confidence level, in (0, 1); default 0.95.
    /// - Returns: t_{(1+level)/2, k−1} × ``blockingStandardError``.
    public func blockingHalfWidth(level: Double = 0.95) -> Double {
        tQuantile(level) * blockingStandardError
    }

    /// The half-width of the two-sided t interval for the mean number of busy units.
    ///
    /// - Parameters:
    ///   - level: the confidence level, in (0, 1); default 0.95.
    /// - Returns: t_{(1+level)/2, k−1} × ``meanBusyStandardError``.
    public func meanBusyHalfWidth(level: Double = 0.95) -> Double {
        tQuantile(level) * meanBusyStandardError
    }

    /// The mean number of busy units implied by the exact blocking: A·(1 − B(A, C)), by
    /// Little's law (carried load = arrival rate that gets in × mean holding time).
    public var exactMeanBusy: Double { parameters.load * (1 - erlangB) }

    private func tQuantile(_ level: Double) -> Double {
        Stats.tTwoSided(level, dof: parameters.batches - 1)
    }
}
