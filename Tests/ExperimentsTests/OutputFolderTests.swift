import Analysis
import Experiments
import Foundation
import MarketModel
import Testing

@Suite("Output folder atomicity")
struct OutputFolderTests {
    static func entries(_ dir: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []).sorted()
    }

    /// What a complete run folder of the synthetic point holds: it draws `demand.growth` per
    /// replication, so the run ranks that draw in sensitivity.csv too.
    static let completeFolder = (["manifest.json", Sensitivity.file] + ResultFiles.fileNames).sorted()

    static func run(_ point: ExperimentPoint, to path: String) throws -> ExperimentReport {
        try Experiment.run(points: [point], configuration: RunConfiguration(replications: 6, masterSeed: 1, threads: 2),
                           outputPath: path, version: "test")
    }

    @Test("a successful run leaves exactly the complete folder")
    func success() throws {
        let root = scratchFolder()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let report = try Self.run(syntheticPoint(), to: root + "/Results/synthetic")
        #expect(report.outputPath == root + "/Results/synthetic")
        #expect(Self.entries(root + "/Results") == ["synthetic"])
        #expect(Self.entries(report.outputPath) == Self.completeFolder)
        #expect(report.summaries.count == 1 && report.summaries[0].firms.count == 2)
    }

    @Test("a failing run leaves no folder, no temporary folder and no parent it made")
    func failure() throws {
        let root = scratchFolder()
        defer { try? FileManager.default.removeItem(atPath: root) }
        do {
            _ = try Self.run(syntheticPoint(failAt: 3), to: root + "/Results/deep/synthetic")
            Issue.record("expected a failure")
        } catch {
            let text = String(describing: error)
            #expect(text.contains("point 0, replication 3"), "\(text)")
            #expect(text.contains("max_events"), "\(text)")
        }
        #expect(Self.entries(root).isEmpty, "left behind: \(Self.entries(root))")
    }

    @Test("an existing folder is replaced only on success")
    func replaceOnlyOnSuccess() throws {
        let root = scratchFolder()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let out = root + "/synthetic"
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        _ = FileManager.default.createFile(atPath: out + "/manifest.json", contents: Data("{}".utf8))
        // An earlier run's file (a user's own file would stop the replacement: OutputFolderReplaceTests).
        _ = FileManager.default.createFile(atPath: out + "/outcomes.csv", contents: Data())
        #expect(throws: ExperimentError.self) { try Self.run(syntheticPoint(failAt: 0), to: out) }
        #expect(Self.entries(root) == ["synthetic"])
        #expect(Self.entries(out) == ["manifest.json", "outcomes.csv"])
        _ = try Self.run(syntheticPoint(), to: out + "/")
        #expect(Self.entries(root) == ["synthetic"])
        #expect(Self.entries(out) == Self.completeFolder)
    }

    @Test("a folder that is not a results folder is never replaced")
    func refuseForeignFolder() throws {
        let root = scratchFolder()
        defer { try? FileManager.default.removeItem(atPath: root) }
        _ = FileManager.default.createFile(atPath: root + "/notes.txt", contents: Data("keep".utf8))
        #expect(throws: ExperimentError.self) { try Self.run(syntheticPoint(), to: root) }
        #expect(Self.entries(root) == ["notes.txt"])
        let file = root + "/notes.txt"
        #expect(throws: ExperimentError.self) { try Self.run(syntheticPoint(), to: file) }
    }
}
