/// The largest counts a run, a comparison or a sweep accepts, from a flag or a file. Above them a
/// request is refused before anything is allocated or started: a count that large is a typo (an
/// extra zero, a unit mix-up), and honouring it would exhaust memory or time rather than fail
/// with a message. Documented in README.md ("Limits").
public enum RunLimits {
    /// Replications of one scenario or one sweep point.
    public static let maxReplications = 1_000_000
    /// Worker threads of one process.
    public static let maxThreads = 1_024
    /// Points of one sweep design (a grid's product of value counts, a random or Sobol design's `points`).
    public static let maxPoints = 1_000_000
    /// Runs of one sweep: points × replications.
    public static let maxRuns = 1_000_000_000
}
