import Foundation
import Tables

/// `suanli discover`: in which region of a sweep's parameter space an outcome condition holds
/// (PRIM over the runs of a complete sweep folder), written to `boxes.csv`.
public enum ScenarioDiscovery {
    public static let file = "boxes.csv"

    /// An outcome and a condition on it: `KIND[ENTITY].METRIC OP VALUE`, such as
    /// `firm[small-gpu-cloud].survived == 0`, `market[h800].final_price_index < 20` or
    /// `template[crossover].entries >= 1` (the outcomes of ``RunOutcomes``, with template series).
    public struct Condition: Sendable, Equatable, CustomStringConvertible {
        public enum Comparison: String, Sendable, CaseIterable {
            case equal = "==", notEqual = "!=", lessOrEqual = "<=", greaterOrEqual = ">=", less = "<", greater = ">"
        }
        public var kind: String
        public var entity: String
        public var metric: String
        public var comparison: Comparison
        public var value: Double

        public var description: String {
            "\(kind)[\(entity)].\(metric) \(comparison.rawValue) \(CSVFormat.double(value))"
        }

        /// Whether `x` meets the condition.
        public func holds(_ x: Double) -> Bool {
            switch comparison {
            case .equal: x == value
            case .notEqual: x != value
            case .lessOrEqual: x <= value
            case .greaterOrEqual: x >= value
            case .less: x < value
            case .greater: x > value
            }
        }

        /// Parses `KIND[ENTITY].METRIC OP VALUE` (spaces around OP optional).
        /// - Throws: an ``AnalysisError`` (file `--outcome`) saying what was expected.
        public static func parse(_ text: String) throws(AnalysisError) -> Condition {
            let expected = "expected KIND[NAME].METRIC OP VALUE with KIND firm, market or template and OP one of "
                + Comparison.allCases.map(\.rawValue).joined(separator: " ") + " (e.g. 'firm[small-gpu-cloud].survived == 0'), got '\(text)'"
            // The longest operator first, so `<=` is not read as `<`.
            let ops = Comparison.allCases.sorted { $0.rawValue.count > $1.rawValue.count }
            guard let op = ops.first(where: { text.contains($0.rawValue) }),
                  let range = text.range(of: op.rawValue) else { throw AnalysisError(file: "--outcome", reason: expected) }
            let left = text[..<range.lowerBound].trimmingCharacters(in: .whitespaces)
            let right = text[range.upperBound...].trimmingCharacters(in: .whitespaces)
            guard let value = Double(right), value.isFinite,
                  let open = left.firstIndex(of: "["), let close = left.lastIndex(of: "]"), open < close,
                  left[left.index(after: close)...].hasPrefix(".") else {
                throw AnalysisError(file: "--outcome", reason: expected)
            }
            let kind = String(left[..<open]), entity = String(left[left.index(after: open)..<close])
            let metric = String(left[left.index(close, offsetBy: 2)...])
            guard ["firm", "market", "template"].contains(kind), !entity.isEmpty, !metric.isEmpty else {
                throw AnalysisError(file: "--outcome", reason: expected)
            }
            return Condition(kind: kind, entity: entity, metric: metric, comparison: op, value: value)
        }
    }

    /// The cases PRIM sees: one per (point, replication) run holding the outcome, with the sweep
    /// parameters' values and whether the condition holds.
    public struct Cases: Sendable {
        public var parameters: [String]
        /// `inputs[j][i]`: parameter j in case i.
        public var inputs: [[Double]]
        public var interest: [Bool]
        public var runs: [RunOutcomes.Run]
    }

    /// The cases of `condition` in the complete sweep folder `folder`.
    /// - Throws: ``AnalysisError`` when the folder is not a sweep, has no such outcome (naming those
    ///   it has), or a parameter is not numeric.
    public static func cases(folder: String, condition: Condition) throws(AnalysisError) -> Cases {
        let outcomes = try RunOutcomes.read(folder: folder, templates: true)
        let k = outcomes.sweepParameterCount
        guard k > 0 else {
            throw AnalysisError(file: folder, reason: "no points.csv: not a sweep folder (run `suanli sweep`, or merge its shards)")
        }
        guard let series = outcomes.series.first(where: {
            $0.kind == condition.kind && $0.entity == condition.entity && $0.metric == condition.metric
        }) else {
            let known = outcomes.series.map { "\($0.kind)[\($0.entity)].\($0.metric)" }
            throw AnalysisError(file: folder, reason: "no outcome \(condition.kind)[\(condition.entity)].\(condition.metric) in "
                                + "this folder; expected one of " + known.joined(separator: ", ")
                                + (outcomes.series.contains { $0.kind == "market" && $0.metric == "final_price_index" } ? ""
                                   : " (prices and units lost need a sweep run with --monthly)"))
        }
        var inputs = [[Double]](repeating: [], count: k)
        var interest: [Bool] = []
        var runs: [RunOutcomes.Run] = []
        for (i, run) in outcomes.runs.enumerated() {
            guard let y = series.values[i], let values = outcomes.parameterValues(at: i) else { continue }
            for j in 0..<k {
                guard let v = values[j] else {
                    throw AnalysisError(file: folder + "/" + FolderFiles.points,
                                        reason: "parameter \(outcomes.parameters[j]) is not a number at point \(run.point); "
                                        + "PRIM needs numeric parameters")
                }
                inputs[j].append(v)
            }
            interest.append(condition.holds(y))
            runs.append(run)
        }
        return Cases(parameters: Array(outcomes.parameters.prefix(k)), inputs: inputs, interest: interest, runs: runs)
    }

    /// The cases as CSV: one column per parameter, then `y` (1 where the condition holds) — the input
    /// of EMA Workbench's `prim.Prim` and of `Tests/peers/ema_prim.py`.
    public static func casesCSV(_ cases: Cases) -> String {
        var text = (cases.parameters + ["y"]).map { CSVValue.text($0).formatted }.joined(separator: ",") + "\n"
        for i in cases.interest.indices {
            text += (cases.inputs.map { CSVFormat.double($0[i]) } + [cases.interest[i] ? "1" : "0"]).joined(separator: ",") + "\n"
        }
        return text
    }

    /// The bytes of `boxes.csv`: the trajectory, one row per step and restricted parameter (one row
    /// with an empty parameter for a step that restricts none), the chosen step's rows marked.
    public static func boxesCSV(condition: Condition, cases: Cases, steps: [PRIM.Step], chosen: Int?) -> String {
        var text = AnalysisSchemas.boxes.columns.map(\.name).joined(separator: ",") + "\n"
        for (i, s) in steps.enumerated() {
            let head: [CSVValue] = [.text(condition.description), .int(i), .text(s.phase.rawValue), .text(i == chosen ? "true" : "false"),
                                    .double(s.coverage), .double(s.density), .double(s.mass), .int(s.cases),
                                    .int(s.casesOfInterest), .int(s.restricted.count)]
            let dims: [Int?] = s.restricted.isEmpty ? [nil] : s.restricted
            for j in dims {
                var fields = head
                if let j {
                    fields += [.text(cases.parameters[j]), .double(s.lower[j]), .double(s.upper[j]),
                               .number(s.quasiPLower[j]), .number(s.quasiPUpper[j])]
                } else {
                    fields += Array(repeating: CSVValue.empty, count: 5)
                }
                text += fields.map(\.formatted).joined(separator: ",") + "\n"
            }
        }
        return text
    }
}
