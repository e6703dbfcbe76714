import Analysis
import ArgumentParser
import Foundation

/// `suanli discover SWEEP_DIR --outcome CONDITION`: scenario discovery by PRIM over a sweep's runs.
struct DiscoverCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "discover",
        abstract: "Find the region of a sweep's parameter space where an outcome condition holds (PRIM).",
        discussion: """
            Reads a complete sweep folder (an unsharded sweep or a merge). A case is one (point, replication) run, \
            of interest when --outcome holds: KIND[NAME].METRIC OP VALUE with KIND firm (survived), market \
            (entries; with --monthly, units_lost_total and final_price_index per tier or all) or template \
            (entries, survivors), OP one of == != < <= > >=; e.g. 'firm[small-gpu-cloud].survived == 0'. PRIM \
            (Friedman & Fisher 1999, as EMA Workbench computes it) peels the alpha share of cases at a time, then \
            pastes; every box of the trajectory goes into boxes.csv with its coverage, density, mass, limits and \
            quasi-p-values, and the chosen box is marked: the densest with coverage >= --min-coverage whose every \
            limit has a quasi-p-value <= --max-qp. With no case of interest it says so and writes nothing. \
            Columns: Results/README.md.
            """
    )

    @Argument(help: ArgumentHelp("The sweep folder.", valueName: "sweep-dir"))
    var folder: String

    @Option(help: ArgumentHelp("The condition that makes a run a case of interest.", valueName: "condition"))
    var outcome: String

    @Option(help: ArgumentHelp("Folder for boxes.csv (default: the sweep folder).", valueName: "dir"))
    var out: String?

    @Option(help: ArgumentHelp("Share of a box's cases each peel removes.", valueName: "share"))
    var alpha = 0.05

    @Option(help: ArgumentHelp("Share of the cases just outside a limit each paste adds.", valueName: "share"))
    var pasteAlpha = 0.05

    @Option(help: ArgumentHelp("The smallest share of all cases a box may hold.", valueName: "share"))
    var massMin = 0.05

    @Option(help: ArgumentHelp("The chosen box's least coverage.", valueName: "share"))
    var minCoverage = 0.5

    @Option(name: .customLong("max-qp"), help: ArgumentHelp("The largest quasi-p-value of a limit of the chosen box.", valueName: "p"))
    var maxQuasiP = 0.05

    @Option(help: ArgumentHelp("Also write the cases PRIM saw (parameters and y) to this CSV file.", valueName: "file"))
    var cases: String?

    func validate() throws {
        for (flag, v) in [("--alpha", alpha), ("--paste-alpha", pasteAlpha)] where !(v > 0 && v < 0.5) {
            throw ValidationError("\(flag) must be in (0, 0.5), got \(v)")
        }
        for (flag, v) in [("--mass-min", massMin), ("--min-coverage", minCoverage), ("--max-qp", maxQuasiP)] where !(v >= 0 && v <= 1) {
            throw ValidationError("\(flag) must be in [0, 1], got \(v)")
        }
        try CommandChecks.outputFolder(out)
    }

    func run() throws {
        do {
            let condition = try ScenarioDiscovery.Condition.parse(outcome)
            let data = try ScenarioDiscovery.cases(folder: folder, condition: condition)
            if let cases {
                try Self.writeAtomically(ScenarioDiscovery.casesCSV(data), to: cases)
            }
            let interesting = data.interest.filter { $0 }.count
            guard interesting > 0 else {
                print("no case of interest: \(condition) holds in none of the \(data.interest.count) runs; no box written")
                return
            }
            let steps = PRIM.trajectory(inputs: data.inputs, interest: data.interest,
                                        parameters: PRIM.Parameters(peelAlpha: alpha, pasteAlpha: pasteAlpha, massMin: massMin))
            let chosen = PRIM.chosen(steps, minCoverage: minCoverage, maxQuasiP: maxQuasiP)
            let folderOut = out ?? folder
            try FileManager.default.createDirectory(atPath: folderOut, withIntermediateDirectories: true)
            let path = folderOut + "/" + ScenarioDiscovery.file
            try Self.writeAtomically(ScenarioDiscovery.boxesCSV(condition: condition, cases: data, steps: steps, chosen: chosen), to: path)
            print(Self.summary(condition: condition, cases: data, steps: steps, chosen: chosen, interesting: interesting,
                               minCoverage: minCoverage, maxQuasiP: maxQuasiP))
            print("results: \(path)")
        } catch let error as AnalysisError {
            Failure.write("suanli: error: \(error)")
            throw ExitCode.failure
        }
    }

    /// Writes `text` to `path` through a temporary file beside it, renamed into place.
    static func writeAtomically(_ text: String, to path: String) throws(AnalysisError) {
        let temporary = (path as NSString).deletingLastPathComponent.isEmpty ? ".\(path).tmp-\(getpid())"
            : (path as NSString).deletingLastPathComponent + "/." + (path as NSString).lastPathComponent + ".tmp-\(getpid())"
        guard FileManager.default.createFile(atPath: temporary, contents: Data(text.utf8)),
              rename(temporary, path) == 0 else {
            try? FileManager.default.removeItem(atPath: temporary)
            throw AnalysisError(file: path, reason: "cannot write the file")
        }
    }

    /// What `discover` prints: the cases, the trajectory's length and the chosen box's limits.
    static func summary(condition: ScenarioDiscovery.Condition, cases: ScenarioDiscovery.Cases, steps: [PRIM.Step], chosen: Int?,
                        interesting: Int, minCoverage: Double, maxQuasiP: Double) -> String {
        func f(_ x: Double) -> String { String(format: "%.3g", x) }
        var text = "\(condition): \(interesting) of \(cases.interest.count) runs (\(f(Double(interesting) / Double(cases.interest.count) * 100))%); "
            + "PRIM trajectory of \(steps.count) boxes\n"
        guard let c = chosen else {
            return text + "no box has coverage ≥ \(f(minCoverage)) with every limit's quasi-p-value ≤ \(f(maxQuasiP)); "
                + "see the trajectory in boxes.csv (or lower --min-coverage)"
        }
        let s = steps[c]
        text += "chosen box \(c): coverage \(f(s.coverage)), density \(f(s.density)), mass \(f(s.mass)) "
            + "(\(s.casesOfInterest) of \(s.cases) runs inside)\n"
        let width = s.restricted.map { cases.parameters[$0].count }.max() ?? 0
        for j in s.restricted {
            let name = cases.parameters[j].padding(toLength: width, withPad: " ", startingAt: 0)
            let qp = [s.quasiPLower[j].map { "lower qp \(f($0))" }, s.quasiPUpper[j].map { "upper qp \(f($0))" }].compactMap { $0 }
            text += "  \(name)  [\(f(s.lower[j])), \(f(s.upper[j]))]  " + qp.joined(separator: ", ") + "\n"
        }
        return String(text.dropLast())
    }
}
