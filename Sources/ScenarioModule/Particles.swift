import Foundation
import MarketModel
import Stochastics

/// Whole parameter vectors with weights (a calibration's posterior), to be drawn one per replication.
public struct ParticleDraws: Sendable {
    /// Where they came from (a `posterior.csv`), for messages and the manifest.
    public var source: String
    /// The scenario key paths, one per value of a particle.
    public var paths: [String]
    /// `values[i][j]`: particle i's value of `paths[j]`.
    public var values: [[Double]]
    public var weights: [Double]

    public init(source: String, paths: [String], values: [[Double]], weights: [Double]) {
        self.source = source; self.paths = paths; self.values = values; self.weights = weights
    }
}

/// A posterior's keys as typed patches of a document's draft, and its particles.
struct ParticleKeys: Sendable {
    var source: String
    var keys: [DrawnKey]
    var values: [[Double]]
    var cumulative: [Double]

    /// A particle index drawn with probability proportional to its weight (one uniform draw).
    func draw(_ stream: RandomStream) -> Int {
        let u = stream.uniform() * cumulative[cumulative.count - 1]
        var lo = 0, hi = cumulative.count - 1
        while lo < hi {
            let mid = (lo + hi) / 2
            if cumulative[mid] > u { hi = mid } else { lo = mid + 1 }
        }
        return lo
    }
}

extension ScenarioDocument {
    /// The document with a posterior's particles: each replication draws one particle by weight from
    /// `plan.stream(replication: r, kind: "posterior")` and writes its values into the scenario, after the
    /// keys drawn per replication (a key the posterior holds is no longer drawn); the values go to
    /// `params.csv` after those draws. The stream is keyed by the replication only, so with common random
    /// numbers every point of a run (a base and its variant) draws the same particle.
    /// - Throws: ``ScenarioDiagnostics`` naming `draws.source` for a key path that is not a number key
    ///   of this scenario.
    public func withParticles(_ draws: ParticleDraws) throws(ScenarioDiagnostics) -> ScenarioDocument {
        var problems: [Diagnostic] = []
        var keys: [DrawnKey] = []
        for (j, path) in draws.paths.enumerated() {
            let here = "column \(j + 3) of \(draws.source)"
            guard let kp = KeyPath(path), let target = ScenarioPatch.resolve(kp.components[...], in: tree),
                  case let e = ScenarioSchema.entries[target.entry], e.type == SchemaEntry.ValueType.number
                    || e.type == SchemaEntry.ValueType.integer,
                  let binding = e.binding, let range = e.range else {
                problems.append(Diagnostic(file: draws.source, line: 1, column: 1, keyPath: path,
                                           message: "\(here): not a number key of scenario '\(name)' (\(self.path)); a posterior "
                                               + "can be used only with scenarios that have every key it fitted"))
                continue
            }
            var context = BindContext()
            context.at = target.at
            context.key = target.key
            if binding.usesNames { context.names = NameTables(draft.scenario) }
            keys.append(DrawnKey(path: target.path, distribution: .constant(value: 0), range: range,
                                 integer: e.type == SchemaEntry.ValueType.integer, binding: binding, context: context, order: j))
        }
        if draws.values.isEmpty || draws.values.count != draws.weights.count
            || draws.values.contains(where: { $0.count != draws.paths.count })
            || draws.weights.contains(where: { !($0 >= 0) || !$0.isFinite }) || !(draws.weights.reduce(0, +) > 0) {
            problems.append(Diagnostic(file: draws.source, line: 1, column: 1, keyPath: "",
                                       message: "expected particles with a value for each key and weights ≥ 0 that sum to more than 0"))
        }
        guard problems.isEmpty else { throw ScenarioDiagnostics(diagnostics: problems, file: draws.source) }
        var copy = self
        copy.fixed = nil
        copy.drawnKeys.removeAll { d in keys.contains { $0.path == d.path } }
        var c = 0.0
        copy.particles = ParticleKeys(source: draws.source, keys: keys, values: draws.values,
                                      cumulative: draws.weights.map { c += $0; return c })
        return copy
    }
}
