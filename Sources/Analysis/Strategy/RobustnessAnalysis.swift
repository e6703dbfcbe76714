import Foundation
import Stochastics
import Tables

/// `robustness.csv`: the measures of ``Robustness`` for every combination of a sweep's levers,
/// from the runs of its complete folder.
public enum RobustnessAnalysis {
    public static let file = "robustness.csv"

    /// How the sweep's points are laid out: combination c against world w is point c·worlds + w.
    public struct Layout: Sendable, Equatable {
        /// The levers' paths (the first columns of `points.csv`).
        public var levers: [String]
        /// Each combination's lever values, as written in the sweep file.
        public var combinations: [[String]]
        public var worlds: Int
        public var kind: String
        public var entity: String
        public var metric: String
        public var direction: Robustness.Direction
        public var threshold: Double

        public init(levers: [String], combinations: [[String]], worlds: Int, kind: String, entity: String, metric: String,
                    direction: Robustness.Direction, threshold: Double) {
            self.levers = levers; self.combinations = combinations; self.worlds = worlds; self.kind = kind
            self.entity = entity; self.metric = metric; self.direction = direction; self.threshold = threshold
        }

        var outcome: String { "\(kind)[\(entity)].\(metric)" }
    }

    /// The bytes of `robustness.csv` for the runs of `outcomes`.
    /// - Throws: ``AnalysisError`` when the folder lacks the outcome or a (combination, world) has
    ///   other replications than the rest.
    public static func csv(_ outcomes: RunOutcomes, layout: Layout, seed: UInt64, folder: String) throws(AnalysisError) -> String {
        guard let series = outcomes.series.first(where: { $0.kind == layout.kind && $0.entity == layout.entity && $0.metric == layout.metric }) else {
            throw AnalysisError(file: folder, reason: "no outcome \(layout.outcome) in the folder's files"
                                + (layout.kind == "market" && layout.metric != "entries" ? " (it needs --monthly)" : ""))
        }
        let c = layout.combinations.count, w = layout.worlds
        var values = [[[Double]]](repeating: [[Double]](repeating: [], count: w), count: c)
        for (i, run) in outcomes.runs.enumerated() {
            guard run.point >= 0, run.point < c * w, let y = series.values[i] else { continue }
            values[run.point / w][run.point % w].append(y)
        }
        let reps = values[0][0].count
        guard reps > 0, values.allSatisfy({ $0.allSatisfy { $0.count == reps } }) else {
            throw AnalysisError(file: folder + "/" + FolderFiles.outcomes,
                                reason: "expected \(layout.outcome) for every replication of the \(c * w) points")
        }
        let stream = SeedPlan(masterSeed: seed).stream(replication: 0, kind: "bootstrap", entity: "robustness/" + layout.outcome)
        let rows = Robustness.summarize(values: values, direction: layout.direction, threshold: layout.threshold, stream: stream)
        let fixed = AnalysisSchemas.robustness.columns.map(\.name).filter { $0 != "<lever path>" }
        var text = (["combination"] + layout.levers + fixed.dropFirst()).map { CSVValue.text($0).formatted }.joined(separator: ",") + "\n"
        for (k, r) in rows.enumerated() {
            var fields: [CSVValue] = [.int(k)] + layout.combinations[k].map { CSVValue.text($0) }
            fields += [.text(layout.outcome), .text(layout.direction.rawValue), .double(layout.threshold),
                       .double(r.mean), .double(r.p10), .double(r.p90), .double(r.worst),
                       .double(r.regretMean), .double(r.regretMeanLow), .double(r.regretMeanHigh), .double(r.regretP90),
                       .double(r.satisficing), .double(r.bestShare), .int(w), .int(reps)]
            text += fields.map(\.formatted).joined(separator: ",") + "\n"
        }
        return text
    }

    /// Writes `robustness.csv` into the complete sweep folder `folder`.
    public static func write(folder: String, layout: Layout, seed: UInt64) throws(AnalysisError) {
        let outcomes = try RunOutcomes.read(folder: folder, templates: layout.kind == "template")
        try FolderFiles.write(csv(outcomes, layout: layout, seed: seed, folder: folder), file: file, folder: folder)
    }
}
