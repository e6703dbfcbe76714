import Experiments
import Foundation
import Testing
import Tables

/// Experiments is a library: it reports typed errors and events and leaves wording flags, signal
/// handling and ending the process to the command-line tool.
@Suite struct LibraryBoundaryTests {
    static let smokePath = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Scenarios/sweeps/smoke.yaml").path

    /// The package's Sources/Experiments folder.
    static let sources = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Sources/Experiments")

    @Test("the library's code installs no signal handler, never exits and writes no 'suanli:' message")
    func noCommandLineInTheLibrary() throws {
        let files = try #require(FileManager.default.enumerator(atPath: Self.sources.path)).compactMap { $0 as? String }
            .filter { $0.hasSuffix(".swift") }
        #expect(files.count > 20)
        for file in files {
            let text = try String(contentsOf: Self.sources.appendingPathComponent(file), encoding: .utf8)
            for (n, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
                let code = line.trimmingCharacters(in: .whitespaces)
                guard !code.hasPrefix("//") else { continue }
                for banned in ["exit(", "_exit(", "signal(SIG", "makeSignalSource", "\"suanli:", " suanli: "] {
                    #expect(!code.contains(banned), "\(file):\(n + 1): \(code)")
                }
            }
        }
    }

    @Test("a shard out of range is a typed cause, worded without flags")
    func typedShardError() throws {
        let sweep = try Sweep.load(path: Self.smokePath)
        do {
            _ = try SweepRun.run(sweep, outputPath: scratchFolder() + "/out", threads: 1, shard: 5, shards: 3, version: "test")
            Issue.record("shard 5 of 3 was accepted")
        } catch {
            guard case .shardOutOfRange(5, 3) = error.cause else { Issue.record("cause \(error.cause)"); return }
            #expect(!error.description.contains("--"), "\(error)")
        }
        do {
            _ = try SweepRun.run(sweep, outputPath: scratchFolder() + "/out", threads: 1, shard: 0, shards: 1000, version: "test")
            Issue.record("1000 shards were accepted")
        } catch {
            guard case .moreShardsThanPoints(1000, let points) = error.cause else { Issue.record("cause \(error.cause)"); return }
            #expect(points == sweep.pointCount)
            #expect(!error.description.contains("--"), "\(error)")
        }
    }

    @Test("a sweep reports its steps in order, and a stopped one names its partial folder")
    func events() throws {
        let folder = scratchFolder()
        let sweep = try Sweep.load(path: Self.smokePath)
        final class Log: @unchecked Sendable {
            let lock = NSLock()
            var names: [String] = []
            func add(_ e: SweepEvent) { lock.lock(); names.append(e.name); lock.unlock() }
        }
        let log = Log()
        do {
            _ = try SweepRun.run(sweep, outputPath: folder + "/out", threads: 1, version: "test", stopAfterChunks: 1,
                                 onEvent: { log.add($0) })
            Issue.record("did not stop")
        } catch {
            guard case .stopped(1) = error.cause else { Issue.record("cause \(error.cause)"); return }
            #expect(error.partialFolder == folder + "/.out.sweep-partial")
        }
        #expect(log.names.first == "started" && log.names.dropFirst().allSatisfy { $0 == "saved" } && log.names.count >= 2,
                "\(log.names)")
        let done = Log()
        _ = try SweepRun.run(sweep, outputPath: folder + "/out", threads: 1, version: "test", onEvent: { done.add($0) })
        #expect(done.names.first == "started")
        #expect(Array(done.names.suffix(2)) == ["assembling", "committed"], "\(done.names)")
    }

    @Test("the output place is checked without making anything")
    func outputPlace() throws {
        let folder = scratchFolder()
        try FileManager.default.createDirectory(atPath: folder + "/theirs", withIntermediateDirectories: true)
        #expect(FileManager.default.createFile(atPath: folder + "/theirs/notes.txt", contents: Data("x".utf8)))
        for bad in [".", "..", "/", folder + "/theirs", folder + "/theirs/notes.txt", FileManager.default.currentDirectoryPath] {
            #expect(throws: OutputError.self, "\(bad)") { try OutputFolder.checkPlace(bad) }
        }
        try OutputFolder.checkPlace(folder + "/new/out")
        #expect(!FileManager.default.fileExists(atPath: folder + "/new"))
    }
}
