@testable import Experiments
import Foundation
import ScenarioModule
import Testing
import Tables

/// Replacing an existing output folder: atomically (the path never misses a complete folder), and
/// never over a file Suanli did not write.
@Suite("Output folder replacement")
struct OutputFolderReplaceTests {
    static func entries(_ dir: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []).sorted()
    }

    static func text(_ path: String) -> String {
        String(decoding: FileManager.default.contents(atPath: path) ?? Data(), as: UTF8.self)
    }

    static func write(_ path: String, _ text: String) {
        _ = FileManager.default.createFile(atPath: path, contents: Data(text.utf8))
    }

    static func run(_ point: ExperimentPoint, to path: String, seed: UInt64 = 1) throws -> ExperimentReport {
        try Experiment.run(points: [point], configuration: RunConfiguration(replications: 4, masterSeed: seed, threads: 2),
                           outputPath: path, version: "test")
    }

    @Test("replacing an earlier run leaves the new run's files and nothing beside them")
    func replaceLeavesTheNewContent() throws {
        let root = scratchFolder()
        defer { try? FileManager.default.removeItem(atPath: root) }
        _ = try Self.run(syntheticPoint(), to: root + "/out", seed: 1)
        _ = try Self.run(syntheticPoint(), to: root + "/reference", seed: 2)
        let before = Self.text(root + "/out/outcomes.csv")
        #expect(before != Self.text(root + "/reference/outcomes.csv"), "the two seeds give different outcomes")
        Self.write(root + "/out/report.html", "<html>an old report</html>")   // written by `suanli report`: replaced too

        _ = try Self.run(syntheticPoint(), to: root + "/out", seed: 2)
        #expect(Self.entries(root) == ["out", "reference"], "no temporary or set-aside folder is left")
        #expect(Self.entries(root + "/out") == Self.entries(root + "/reference"))
        for file in ResultFiles.fileNames {
            #expect(Self.text(root + "/out/" + file) == Self.text(root + "/reference/" + file), "\(file)")
        }
    }

    @Test("a user's file in the output folder is never deleted, and nothing runs")
    func refuseAForeignFile() throws {
        let root = scratchFolder()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let out = root + "/out"
        _ = try Self.run(syntheticPoint(), to: out)
        Self.write(out + "/thesis.tex", "\\chapter{Results}")
        let before = Self.entries(out)
        // The point fails at its first replication: had the run started, that would be the error.
        do {
            _ = try Self.run(syntheticPoint(failAt: 0), to: out)
            Issue.record("expected the output folder to be refused")
        } catch {
            let text = String(describing: error)
            #expect(text.contains("output folder '\(out)' holds results of an earlier run and an entry Suanli did not write: "
                                  + "'thesis.tex'; replacing the folder would delete it: choose another output folder, or move it "
                                  + "out of the folder"), "\(text)")
            #expect(!text.contains("replication"), "refused before anything ran: \(text)")
        }
        #expect(Self.entries(root) == ["out"])
        #expect(Self.entries(out) == before)
        #expect(Self.text(out + "/thesis.tex") == "\\chapter{Results}")
    }

    @Test("the refusal names a few foreign entries, subfolders included, and counts the rest")
    func nameAFewForeignEntries() throws {
        let root = scratchFolder()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let out = root + "/out"
        try FileManager.default.createDirectory(atPath: out + "/figures", withIntermediateDirectories: true)
        for f in ["manifest.json", "outcomes.csv", "a.txt", "b.txt", "c.txt", "d.txt"] { Self.write(out + "/" + f, f) }
        #expect(OutputFolder.foreignEntries(of: out) == ["a.txt", "b.txt", "c.txt", "d.txt", "figures/"])
        do {
            _ = try OutputFolder.create(at: out)
            Issue.record("expected a refusal")
        } catch {
            #expect(error.message.contains("and 5 entries Suanli did not write: 'a.txt', 'b.txt', 'c.txt' and 2 more; "
                                           + "replacing the folder would delete them"), "\(error.message)")
        }
        // A folder named like a result file is not one.
        try FileManager.default.removeItem(atPath: out + "/figures")
        for f in ["a.txt", "b.txt", "c.txt", "d.txt"] { try FileManager.default.removeItem(atPath: out + "/" + f) }
        try FileManager.default.createDirectory(atPath: out + "/summary.csv", withIntermediateDirectories: false)
        #expect(OutputFolder.foreignEntries(of: out) == ["summary.csv/"])
        // What Suanli writes, a killed report's temporary page included, is not foreign.
        try FileManager.default.removeItem(atPath: out + "/summary.csv")
        for f in ["report.html", ".report.html.tmp-4242", "compare.csv", "points.csv", "sensitivity.csv"] {
            Self.write(out + "/" + f, f)
        }
        #expect(OutputFolder.foreignEntries(of: out) == [])
    }

    @Test("a file put into the output folder while the run went on stops the replacement")
    func recheckAtCommit() throws {
        let root = scratchFolder()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let out = root + "/out"
        _ = try Self.run(syntheticPoint(), to: out)
        let before = Self.entries(out)
        let folder = try OutputFolder.create(at: out)
        Self.write(folder.temporaryPath + "/manifest.json", "{}")
        Self.write(out + "/notes.md", "mine")
        #expect(throws: OutputError.self) { try folder.commit() }
        #expect(Self.entries(out) == (before + ["notes.md"]).sorted())
        #expect(Self.entries(root) == ["out"], "the new output was discarded")
    }

    @Test("a sweep into a folder holding a user's file is refused before it runs")
    func sweepRefusesBeforeRunning() throws {
        let root = scratchFolder()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let smoke = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Scenarios/sweeps/smoke.yaml").path
        let out = root + "/out"
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: false)
        Self.write(out + "/manifest.json", "{}")
        Self.write(out + "/draft.docx", "mine")
        let sweep = try Sweep.load(path: smoke)
        #expect(throws: SweepError.self) { try SweepRun.run(sweep, outputPath: out, threads: 1, version: "test") }
        #expect(Self.entries(root) == ["out"], "no partial sweep folder: nothing ran")
        #expect(Self.entries(out) == ["draft.docx", "manifest.json"])
    }

    #if os(Linux) || os(macOS)
    @Test("the exchange of two paths is atomic and really used here")
    func exchangeSwapsBothPaths() throws {
        let root = scratchFolder()
        defer { try? FileManager.default.removeItem(atPath: root) }
        for name in ["a", "b"] {
            try FileManager.default.createDirectory(atPath: root + "/" + name, withIntermediateDirectories: false)
            Self.write(root + "/" + name + "/which", name)
        }
        #expect(OutputFolder.exchange(root + "/a", root + "/b") == .exchanged)
        // Both paths exist right after: each holds the other's folder.
        #expect(Self.text(root + "/a/which") == "b")
        #expect(Self.text(root + "/b/which") == "a")
        #expect(Self.entries(root) == ["a", "b"])
        // A missing side is not exchanged (the caller renames instead).
        #expect(OutputFolder.exchange(root + "/a", root + "/missing") == .unsupported)
        #expect(Self.text(root + "/a/which") == "b")
    }
    #endif
}
