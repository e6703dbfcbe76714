/// The Erlang B formula: the probability that an arrival to an M/G/C/C loss system finds
/// all C units busy and is lost.
///
/// B(A, C) = (A^C / C!) / Σ_{k=0…C} A^k / k!, with offered load A = λ·h in erlangs
/// (arrival rate λ per day times mean holding time h in days). Computed by the stable
/// recursion B(0) = 1, B(m) = A·B(m−1) / (m + A·B(m−1)), which neither overflows nor loses
/// precision for any C and A; relative error stays within a few ulps times C.
/// By insensitivity, B depends on the holding-time distribution only through its mean.
///
/// - Parameters:
///   - servers: the number of units C, ≥ 0.
///   - load: the offered load A in erlangs, ≥ 0 and finite.
/// - Returns: the blocking probability, in [0, 1]; 1 when C = 0, 0 when A = 0 < C.
/// - Complexity: O(C).
public func erlangB(servers: Int, load: Double) -> Double {
    precondition(servers >= 0, "erlangB: servers must be ≥ 0, got \(servers)")
    precondition(load >= 0 && load.isFinite, "erlangB: load must be finite and ≥ 0, got \(load)")
    var blocking = 1.0
    for m in stride(from: 1, through: servers, by: 1) {
        let carried = load * blocking
        blocking = carried / (Double(m) + carried)
    }
    return blocking
}
