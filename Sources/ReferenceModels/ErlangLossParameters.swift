/// The inputs of one run of the Erlang loss reference model, and how its output is batched.
///
/// Time is in mean holding times (the holding time has mean 1), so the arrival rate equals
/// the offered load `load`. Arrivals 1…`warmUpArrivals` are a warm-up and are not counted;
/// the rest are split into `batches` consecutive batches of `batchSize` arrivals each.
public struct ErlangLossParameters: Sendable, Hashable {
    /// The number of identical units, C ≥ 1.
    public let servers: Int
    /// The offered load A in erlangs (arrival rate × mean holding time), > 0.
    public let load: Double
    /// The number of arrivals N to simulate, warm-up included.
    public let arrivals: Int
    /// Leading arrivals left out of the estimates.
    public let warmUpArrivals: Int
    /// The number of batches for the batch-means confidence intervals, ≥ 2.
    public let batches: Int

    /// The arrivals in each batch: ⌊(N − warm-up) / batches⌋.
    public var batchSize: Int { (arrivals - warmUpArrivals) / batches }

    /// The default number of batches: 30, enough for a stable t interval (t₀.₉₇₅,₂₉ = 2.045).
    public static let defaultBatches = 30

    /// Creates parameters.
    ///
    /// - Parameters:
    ///   - servers: the number of units C, ≥ 1.
    ///   - load: the offered load A in erlangs, finite and > 0.
    ///   - arrivals: the number of arrivals N; at least `batches` after the warm-up.
    ///   - warmUpArrivals: leading arrivals to discard; default N / 20. The remainder of
    ///     the division into batches is added to the warm-up, so the batches cover exactly
    ///     the last `batches × batchSize` arrivals.
    ///   - batches: the number of batches, ≥ 2; default ``defaultBatches``.
    public init(servers: Int, load: Double, arrivals: Int, warmUpArrivals: Int? = nil, batches: Int = defaultBatches) {
        precondition(servers >= 1, "ErlangLossParameters: servers must be ≥ 1, got \(servers)")
        precondition(load > 0 && load.isFinite, "ErlangLossParameters: load must be finite and > 0, got \(load)")
        precondition(batches >= 2, "ErlangLossParameters: batches must be ≥ 2, got \(batches)")
        let warmUp = warmUpArrivals ?? arrivals / 20
        precondition(warmUp >= 0 && arrivals - warmUp >= batches,
                     "ErlangLossParameters: \(arrivals) arrivals leave fewer than \(batches) after a warm-up of \(warmUp)")
        let batchSize = (arrivals - warmUp) / batches
        self.servers = servers
        self.load = load
        self.arrivals = arrivals
        self.warmUpArrivals = arrivals - batches * batchSize
        self.batches = batches
    }
}
