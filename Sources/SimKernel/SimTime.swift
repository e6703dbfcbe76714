/// Simulated time, in days since the start of a run.
///
/// A plain `Double`: the calendar compares times exactly, so two events scheduled at the
/// same computed time are simultaneous and fall back to priority and then insertion order.
/// Any other unit belongs in a name (`leadTimeWeeks`), never in a `SimTime`.
public typealias SimTime = Double
