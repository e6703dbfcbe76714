import Foundation
import Stochastics

/// One finished generation, as `generations.csv` writes it.
public struct GenerationRow: Sendable, Equatable {
    public var generation: Int
    /// nil for generation 0 (from the prior, every proposal accepted).
    public var tolerance: Double?
    public var accepted: Int
    /// Proposals drawn until the last particle was accepted.
    public var proposals: Int
    public var ess: Double
    /// Runs in the generation (R per proposal, the batch's proposals after the last acceptance too).
    public var simulations: Int
    /// Runs up to the end of the generation.
    public var cumulativeSimulations: Int

    public var acceptanceRate: Double { proposals > 0 ? Double(accepted) / Double(proposals) : 0 }
}

/// The ABC-SMC loop as a deterministic state machine over batches of proposals: it says which
/// parameter vectors to simulate next (``nextBatch()``) and takes their runs' distances
/// (``apply(_:distances:)``). Everything random is drawn from streams keyed by (seed, generation,
/// proposal), and batches have sizes that depend only on the state, so the same targets and seed give
/// the same batches, the same particles and the same bytes on any thread count; and a journal of the
/// batches' accepted proposals replays the state exactly (``Calibration`` resumes that way).
///
/// Within a generation, proposals are taken in order: the first N with a positive likelihood
/// estimate make the population, whichever batch they came in. A batch is sized to finish the
/// generation at the acceptance rate seen so far (at most 10 N proposals, and within the budget).
public struct CalibrationEngine: Sendable {
    public struct Settings: Sendable {
        public var priors: [ABCSMC.Prior]
        public var particles: Int
        public var replications: Int
        public var budget: Int
        public var minTolerance: Double
        public var minAcceptance: Double
        public var maxGenerations: Int
        public var quantile: Double
        public var seed: UInt64
        public init(priors: [ABCSMC.Prior], particles: Int, replications: Int, budget: Int, minTolerance: Double,
                    minAcceptance: Double, maxGenerations: Int, quantile: Double, seed: UInt64) {
            self.priors = priors; self.particles = particles; self.replications = replications; self.budget = budget
            self.minTolerance = minTolerance; self.minAcceptance = minAcceptance; self.maxGenerations = maxGenerations
            self.quantile = quantile; self.seed = seed
        }
    }

    /// Proposals to simulate: `thetas[j]` is proposal `first + j` of `generation`.
    public struct Batch: Sendable, Equatable {
        public var generation: Int
        public var first: Int
        public var thetas: [[Double]]
    }

    /// A proposal the batch accepted into the population (what the journal records).
    public struct Accepted: Sendable, Equatable {
        public var proposal: Int
        public var theta: [Double]
        public var distances: [Double]
    }

    public enum Failure: Error, Sendable, CustomStringConvertible {
        case noProposal(generation: Int, proposal: Int)
        public var description: String {
            switch self {
            case .noProposal(let g, let k):
                "generation \(g), proposal \(k): no parameter vector inside the priors' bounds could be drawn in 10000 tries "
                    + "(do the bounds hold any of the prior's mass?)"
            }
        }
    }

    public let settings: Settings
    public private(set) var generation = 0
    /// The tolerance of the current generation; nil in generation 0.
    public private(set) var tolerance: Double?
    /// The last finished generation's particles (weights summing to 1): the posterior at the end.
    public private(set) var population: [ABCSMC.Particle] = []
    public private(set) var rows: [GenerationRow] = []
    public private(set) var stop: ABCSMC.Stop?
    /// Runs so far.
    public private(set) var simulations = 0
    /// Batches so far.
    public private(set) var batches = 0
    private var kernel: MultivariateNormal?
    private var current: [(theta: [Double], logWeight: Double, distances: [Double])] = []
    private var proposals = 0
    private var acceptedAt = 0
    private var generationSimulations = 0

    public init(_ settings: Settings) { self.settings = settings }

    /// Particles accepted so far in the current generation.
    public var acceptedInGeneration: Int { current.count }
    /// Proposals simulated so far in the current generation.
    public var proposalsInGeneration: Int { proposals }

    /// The next proposals to simulate; nil once stopped (``stop`` says why). When the budget cannot
    /// pay for one more proposal, the unfinished generation is dropped and the engine stops.
    public mutating func nextBatch() throws(Failure) -> Batch? {
        guard stop == nil else { return nil }
        let n = settings.particles, r = settings.replications
        let need = n - current.count
        var size = need
        if generation > 0 {
            let rate = proposals > 0 ? Double(current.count + 1) / Double(proposals + 1)
                : max(rows.last?.acceptanceRate ?? 1, 1e-6)
            size = min(10 * n, max(need, Int((Double(need) / rate).rounded(.up))))
        }
        let affordable = (settings.budget - simulations) / r
        guard affordable >= 1 else {
            stop = .budget
            return nil
        }
        size = min(size, affordable)
        var thetas: [[Double]] = []
        thetas.reserveCapacity(size)
        for k in proposals..<(proposals + size) { thetas.append(try proposal(k)) }
        return Batch(generation: generation, first: proposals, thetas: thetas)
    }

    /// The parameter vector of proposal `k` of the current generation, from its own stream.
    func proposal(_ k: Int) throws(Failure) -> [Double] {
        let plan = SeedPlan(masterSeed: settings.seed)
        let stream = plan.stream(replication: k, kind: "abc-proposal", entity: "generation \(generation)")
        let theta: [Double]?
        if generation == 0 {
            theta = ABCSMC.samplePrior(settings.priors, stream)
        } else {
            theta = ABCSMC.propose(population, kernel: kernel!, priors: settings.priors, stream)
        }
        guard let theta else { throw .noProposal(generation: generation, proposal: k) }
        return theta
    }

    /// Takes the batch's runs' distances (`distances[j]`: the R distances of proposal `first + j`)
    /// and returns the proposals it accepted into the population. Finishes the generation, and stops
    /// or moves to the next one, once N particles are accepted.
    @discardableResult
    public mutating func apply(_ batch: Batch, distances: [[Double]]) -> [Accepted] {
        precondition(batch.generation == generation && batch.first == proposals && distances.count == batch.thetas.count)
        var accepted: [Accepted] = []
        for (j, d) in distances.enumerated() {
            proposals += 1
            simulations += settings.replications
            generationSimulations += settings.replications
            guard current.count < settings.particles else { continue }
            let likelihood = ABCSMC.likelihood(d, tolerance: tolerance)
            guard likelihood > 0 else { continue }
            let theta = batch.thetas[j]
            let logW = generation == 0 ? log(likelihood)
                : ABCSMC.logWeight(theta, likelihood: likelihood, priors: settings.priors, previous: population, kernel: kernel!)
            current.append((theta, logW, d))
            accepted.append(Accepted(proposal: batch.first + j, theta: theta, distances: d))
            if current.count == settings.particles { acceptedAt = proposals }
        }
        batches += 1
        if current.count == settings.particles { finishGeneration() }
        return accepted
    }

    private mutating func finishGeneration() {
        let weights = ABCSMC.normalise(logWeights: current.map(\.logWeight))
        population = zip(current, weights).map { ABCSMC.Particle(theta: $0.theta, weight: $1, distances: $0.distances) }
        let row = GenerationRow(generation: generation, tolerance: tolerance, accepted: current.count, proposals: acceptedAt,
                                ess: ABCSMC.effectiveSampleSize(weights), simulations: generationSimulations,
                                cumulativeSimulations: simulations)
        rows.append(row)
        current = []
        proposals = 0
        acceptedAt = 0
        generationSimulations = 0
        if let tolerance, tolerance <= settings.minTolerance { stop = .tolerance; return }
        if generation > 0, row.acceptanceRate <= settings.minAcceptance { stop = .acceptance; return }
        if generation + 1 >= settings.maxGenerations { stop = .generations; return }
        guard let next = ABCSMC.nextTolerance(population, previous: tolerance, quantile: settings.quantile) else {
            stop = .stalled; return
        }
        generation += 1
        tolerance = max(next, 0)
        kernel = ABCSMC.kernel(population, priors: settings.priors)
    }
}
