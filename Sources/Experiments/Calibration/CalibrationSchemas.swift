import Tables
/// A row of `fit.csv`: one observed value against the posterior predictive.
public struct FitRow: Sendable, Equatable {
    public var observation: String
    /// `YYYY-MM` of a series value; nil for an aggregate.
    public var month: String?
    public var observed: Double
    public var sd: Double
    public var fitted: Bool
    /// Predictive runs that gave a value.
    public var runs: Int
    public var p05: Double?
    public var p25: Double?
    public var p50: Double?
    public var p75: Double?
    public var p95: Double?
    public var within90: Bool?
}

/// The files of a calibration folder: their columns, documented once (Results/README.md).
public enum CalibrationSchemas {
    public static let posterior = CSVSchema<(particle: Int, weight: Double, theta: [Double])>(
        file: "posterior.csv",
        summary: "The posterior: the last finished generation's particles. A weighted sample: a particle stands for "
            + "`weight` of the posterior's mass (weights sum to 1).",
        rowOrder: "particle (the order of acceptance).",
        columns: [
            CSVColumn("particle", "", "Particle index, from 0.") { .int($0.particle) },
            CSVColumn("weight", "share", "Normalised importance weight.") { .double($0.weight) },
            CSVColumn("<key path>", "as the key", "One column per fitted key, named by its key path (as in the targets file): "
                      + "the particle's value. An integer key's value is written as drawn; the scenario gets it rounded.") { _ in .empty },
        ])

    public static let generations = CSVSchema<GenerationRow>(
        file: "generations.csv",
        summary: "One row per finished generation of ABC-SMC.",
        rowOrder: "generation.",
        columns: [
            CSVColumn("generation", "", "Generation, from 0 (drawn from the prior, every proposal accepted).") { .int($0.generation) },
            CSVColumn("tolerance", "distance", "The generation's tolerance ε on the distance √Σ((simulated − observed)/sd)²; "
                      + "empty for generation 0.") { .number($0.tolerance) },
            CSVColumn("accepted", "count", "Particles accepted (the population size).") { .int($0.accepted) },
            CSVColumn("proposals", "count", "Proposals drawn until the last particle was accepted.") { .int($0.proposals) },
            CSVColumn("acceptance_rate", "share", "`accepted` / `proposals`.") { .double($0.acceptanceRate) },
            CSVColumn("ess", "particles", "Effective sample size of the weights, (Σw)² / Σw².") { .double($0.ess) },
            CSVColumn("simulations", "runs", "Runs of the generation (replications per particle × proposals simulated, "
                      + "those of its last batch after the last acceptance included).") { .int($0.simulations) },
            CSVColumn("cumulative_simulations", "runs", "Runs up to the end of the generation.") { .int($0.cumulativeSimulations) },
        ])

    public static let fit = CSVSchema<FitRow>(
        file: "fit.csv",
        summary: "One row per observed value: what was observed against the posterior predictive, runs over the whole "
            + "horizon each with a particle drawn by weight (`predictive` in the targets file). Held-out values "
            + "(`fit: false`) are here too: the out-of-sample check.",
        rowOrder: "observation (targets file order), month.",
        columns: [
            CSVColumn("observation", "", "The observation's name in the targets file.") { .text($0.observation) },
            CSVColumn("month", "YYYY-MM", "The month of a series value; empty for an aggregate.") { .string($0.month) },
            CSVColumn("observed", "as the column", "The observed value.") { .double($0.observed) },
            CSVColumn("sd", "as the column", "Its standard deviation (the distance's scale).") { .double($0.sd) },
            CSVColumn("fitted", "true/false", "Whether the value entered the distance (false: held out).") {
                .text($0.fitted ? "true" : "false")
            },
            CSVColumn("runs", "count", "Predictive runs that gave a value (a run leaves a value empty when, e.g., the "
                      + "firm has exited).") { .int($0.runs) },
            CSVColumn("predicted_p05", "as the column", "5% quantile of the predictive runs' values.") { .number($0.p05) },
            CSVColumn("predicted_p25", "as the column", "25% quantile.") { .number($0.p25) },
            CSVColumn("predicted_p50", "as the column", "Median.") { .number($0.p50) },
            CSVColumn("predicted_p75", "as the column", "75% quantile.") { .number($0.p75) },
            CSVColumn("predicted_p95", "as the column", "95% quantile.") { .number($0.p95) },
            CSVColumn("within_90", "true/false", "Whether the observed value lies in [p05, p95]; empty without runs.") {
                $0.within90.map { .text($0 ? "true" : "false") } ?? .empty
            },
        ])

    public static var documentation: [FileDoc] { [posterior.documentation, generations.documentation, fit.documentation] }

    /// Writes `rows` with `schema`'s header.
    static func write<Row>(_ schema: CSVSchema<Row>, _ rows: [Row], to path: String) throws {
        let w = try CSVWriter(.file(path))
        try schema.writeHeader(tiers: [], to: w)
        for r in rows { try schema.write(r, to: w) }
        try w.close()
    }

    /// Writes `posterior.csv`: `particle`, `weight`, then one column per key path.
    static func writePosterior(_ particles: [ABCSMC.Particle], paths: [String], to path: String) throws {
        let w = try CSVWriter(.file(path))
        try w.writeRow((["particle", "weight"] + paths).map(CSVValue.text))
        for (i, p) in particles.enumerated() {
            try w.writeRow([.int(i), .double(p.weight)] + p.theta.map(CSVValue.double))
        }
        try w.close()
    }
}
