import Foundation
import Stochastics
import Tables

/// `sobol.csv` and `morris.csv`: global sensitivity of every outcome of `sensitivity.csv` to the
/// parameters of a sweep laid out as a Saltelli or Morris design.
///
/// The outcome of a point is its mean over the point's replications, so replication noise adds
/// variance no parameter explains: it inflates total indices (every ST_j by about the noise
/// share; ``noiseShare(noiseVariance:replications:means:)``) and elementary effects. Each row
/// reports that share. The bootstrap draws from the sweep seed's `bootstrap` stream, one per
/// outcome (`SeedPlan(masterSeed: seed).stream(replication: 0, kind: "bootstrap", entity:
/// "kind/entity/metric")`), so the files do not depend on how many outcomes there are or in
/// which order they are computed.
public enum GlobalSensitivity {
    public static let sobolFile = "sobol.csv"
    public static let morrisFile = "morris.csv"
    /// Bootstrap resamples of both files.
    public static let resamples = 1000

    /// The layout of a sweep's points, as the analysis reads it.
    public enum Design: Sendable, Equatable {
        case sobol(SaltelliDesign)
        case morris(MorrisDesign, steps: [[MorrisDesign.Step]])

        var pointCount: Int {
            switch self {
            case .sobol(let d): d.pointCount
            case .morris(let d, let steps): steps.count * (d.parameters + 1)
            }
        }
    }

    /// The share of the variance of the point means that is replication noise: the noise variance
    /// (``RunOutcomes/pointMeans(points:)``: the point × replication interaction, which common
    /// random numbers do not cancel) divided by the R replications, over the variance of the point
    /// means (divisor n − 1); nil with one replication or constant means. Capped at 1.
    public static func noiseShare(noiseVariance: Double?, replications: Int, means: [Double]) -> Double? {
        guard let w = noiseVariance, replications > 1, means.count > 1 else { return nil }
        let m = means.reduce(0, +) / Double(means.count)
        let v = means.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(means.count - 1)
        guard v > 0 else { return nil }
        return min(1, w / Double(replications) / v)
    }

    /// The file `design` gives and its bytes, from the runs of `outcomes`.
    /// - Throws: ``AnalysisError`` when the folder's points do not match the design.
    public static func csv(_ outcomes: RunOutcomes, design: Design, seed: UInt64, folder: String) throws(AnalysisError)
        -> (file: String, text: String) {
        let k: Int
        switch design {
        case .sobol(let d): k = d.parameters
        case .morris(let d, _): k = d.parameters
        }
        guard outcomes.sweepParameterCount == k else {
            throw AnalysisError(file: folder + "/" + FolderFiles.points,
                                reason: "expected \(k) parameter columns for the design, found \(outcomes.sweepParameterCount)")
        }
        let points = design.pointCount
        let seen = Set(outcomes.runs.map(\.point))
        guard seen.count == points, seen.allSatisfy({ $0 >= 0 && $0 < points }) else {
            throw AnalysisError(file: folder + "/" + FolderFiles.outcomes,
                                reason: "expected runs of the points 0 … \(points - 1) of the design, found \(seen.count) points")
        }
        let plan = SeedPlan(masterSeed: seed)
        let means = outcomes.pointMeans(points: points)
        let parameters = Array(outcomes.parameters.prefix(k))
        var text: String
        switch design {
        case .sobol(let d):
            text = AnalysisSchemas.sobol.columns.map(\.name).joined(separator: ",") + "\n"
            for (s, m) in zip(outcomes.series, means) {
                let complete = m.means.allSatisfy { $0 != nil }
                let ys = m.means.compactMap { $0 }
                let stream = plan.stream(replication: 0, kind: "bootstrap", entity: s.kind + "/" + s.entity + "/" + s.metric)
                let indices = complete ? SobolIndices.estimate(outputs: ys, parameters: k, resamples: resamples, stream: stream) : nil
                let noise = complete ? noiseShare(noiseVariance: m.noiseVariance, replications: m.replications, means: ys) : nil
                for j in 0..<k {
                    var fields = [s.kind, s.entity, s.metric, parameters[j]].map { CSVValue.text($0) }
                    if let x = indices?[j] {
                        fields += [x.s1, x.s1Low, x.s1High, x.st, x.stLow, x.stHigh].map { CSVValue.double($0) }
                    } else {
                        fields += Array(repeating: CSVValue.empty, count: 6)
                    }
                    fields += [.int(d.basePoints), .int(m.replications), .number(noise)]
                    text += fields.map(\.formatted).joined(separator: ",") + "\n"
                }
            }
            return (sobolFile, text)
        case .morris(let d, let steps):
            text = AnalysisSchemas.morris.columns.map(\.name).joined(separator: ",") + "\n"
            for (s, m) in zip(outcomes.series, means) {
                let complete = m.means.allSatisfy { $0 != nil }
                let ys = m.means.compactMap { $0 }
                let stream = plan.stream(replication: 0, kind: "bootstrap", entity: s.kind + "/" + s.entity + "/" + s.metric)
                let effects = complete ? MorrisScreening.estimate(outputs: ys, design: d, steps: steps, resamples: resamples,
                                                                  stream: stream) : nil
                let noise = complete ? noiseShare(noiseVariance: m.noiseVariance, replications: m.replications, means: ys) : nil
                for j in 0..<k {
                    var fields = [s.kind, s.entity, s.metric, parameters[j]].map { CSVValue.text($0) }
                    if let e = effects?[j] {
                        fields += [.double(e.muStar), .double(e.mu), e.sigma.isNaN ? .empty : .double(e.sigma),
                                   .double(e.muStarLow), .double(e.muStarHigh)]
                    } else {
                        fields += Array(repeating: CSVValue.empty, count: 5)
                    }
                    fields += [.int(steps.count), .int(d.levels), .int(m.replications), .number(noise)]
                    text += fields.map(\.formatted).joined(separator: ",") + "\n"
                }
            }
            return (morrisFile, text)
        }
    }
}

/// Every analysis of a complete sweep folder, written into it.
public enum FolderAnalysis {
    /// Writes `sensitivity.csv` and, for a Saltelli or Morris design, `sobol.csv` or `morris.csv`
    /// into `folder` from its other files (read once).
    /// - Returns: the names of the files written.
    /// - Throws: ``AnalysisError``.
    public static func write(folder: String, design: GlobalSensitivity.Design?, seed: UInt64) throws(AnalysisError) -> [String] {
        let outcomes = try RunOutcomes.read(folder: folder)
        try FolderFiles.write(Sensitivity.csv(outcomes), file: Sensitivity.file, folder: folder)
        guard let design else { return [Sensitivity.file] }
        let (file, text) = try GlobalSensitivity.csv(outcomes, design: design, seed: seed, folder: folder)
        try FolderFiles.write(text, file: file, folder: folder)
        return [Sensitivity.file, file]
    }

    /// The names `write` gives for `design`.
    public static func fileNames(design: GlobalSensitivity.Design?) -> [String] {
        switch design {
        case nil: [Sensitivity.file]
        case .sobol?: [Sensitivity.file, GlobalSensitivity.sobolFile]
        case .morris?: [Sensitivity.file, GlobalSensitivity.morrisFile]
        }
    }
}
