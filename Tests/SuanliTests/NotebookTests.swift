// The notebooks of Notebooks/ run headless, with their defaults (the committed examples) and on fresh
// results from the built `suanli`, without error, and every figure they save is a PNG of at least
// 100×100 pixels. They need the Python environment of scripts/setup-python.sh (`.venv/` at the package
// root, or `SUANLI_PYTHON`): without it these tests are skipped, except in CI (`CI` set), where
// `pythonEnvironmentInCI` fails and says how to create it.

import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

enum NotebookEnvironment {
    /// `SUANLI_PYTHON` if set, else `.venv/bin/python` at the package root if it exists; nil otherwise.
    static let python: URL? = {
        let env = ProcessInfo.processInfo.environment
        if let path = env["SUANLI_PYTHON"], !path.isEmpty { return URL(fileURLWithPath: path) }
        let venv = packageFile(".venv/bin/python")
        return FileManager.default.isExecutableFile(atPath: venv.path) ? venv : nil
    }()

    static var inCI: Bool { !(ProcessInfo.processInfo.environment["CI"] ?? "").isEmpty }

    static let missingMessage: Comment =
        "no Python environment for the notebooks (.venv/bin/python or SUANLI_PYTHON): run scripts/setup-python.sh"

    /// The notebooks, by file name, sorted.
    static let notebooks: [String] = {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: packageFile("Notebooks").path)) ?? []
        return names.filter { $0.hasSuffix(".ipynb") }.sorted()
    }()
}

/// Width and height of a PNG from its signature and IHDR chunk; nil if the bytes are not a PNG.
func pngSize(_ data: Data) -> (width: Int, height: Int)? {
    let b = [UInt8](data.prefix(24))
    guard b.count == 24, b[0..<8].elementsEqual([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]),
          b[12..<16].elementsEqual(Array("IHDR".utf8)) else { return nil }
    func be32(_ i: Int) -> Int { b[i..<i + 4].reduce(0) { $0 << 8 | Int($1) } }
    return (be32(16), be32(20))
}

/// What one run of a program did.
struct ProgramRun: CustomStringConvertible {
    let command: [String]
    let status: Int32
    let output: String
    let seconds: Double
    var description: String {
        "\(command.joined(separator: " ")) → exit \(status) in \(String(format: "%.1f", seconds)) s\n"
            + "--- output (last 6000 characters) ---\n\(output.suffix(6000))"
    }
}

/// Runs `executable arguments…` in `directory`, standard output and error to one file (no pipe to fill),
/// killed after `timeout` seconds.
func runProgram(_ executable: URL, _ arguments: [String], in directory: URL, timeout: Double,
                environment extra: [String: String] = [:]) throws -> ProgramRun {
    let scratch = try TemporaryDirectory(prefix: "suanli-nb-io")
    defer { scratch.remove() }
    let logURL = scratch.file("log")
    try Data().write(to: logURL)
    let log = try FileHandle(forWritingTo: logURL)
    defer { try? log.close() }
    let process = Process()
    process.executableURL = executable
    process.arguments = arguments
    process.currentDirectoryURL = directory
    process.environment = ProcessInfo.processInfo.environment.merging(extra) { _, new in new }
    process.standardInput = FileHandle.nullDevice
    process.standardOutput = log
    process.standardError = log
    let start = ContinuousClock.now
    try process.run()
    var timedOut = false
    while process.isRunning {
        if seconds(since: start) > timeout { timedOut = true; process.terminate(); break }
        usleep(10_000)
    }
    process.waitUntilExit()
    let output = String(decoding: (try? Data(contentsOf: logURL)) ?? Data(), as: UTF8.self)
    let command = [executable.path] + arguments
    if timedOut { throw ProcessTimeout(arguments: command, seconds: timeout) }
    return ProgramRun(command: command, status: process.terminationStatus, output: output,
                      seconds: seconds(since: start))
}

/// Executes `notebook` with papermill into `work` (figures to `work/figures`, `results_dir` overridden
/// when given) and checks: exit 0, no error output in the executed notebook, at least one PNG saved,
/// every PNG at least 100×100.
func executeNotebook(_ notebook: String, python: URL, work: URL, resultsDir: URL?,
                     sourceLocation: SourceLocation = #_sourceLocation) throws {
    let figures = work.appendingPathComponent("figures", isDirectory: true)
    let executed = work.appendingPathComponent(notebook)
    let notebooksDir = packageFile("Notebooks")
    var args = ["-m", "papermill", "--no-progress-bar", "--log-output", "-k", "python3", "--cwd", notebooksDir.path,
                notebooksDir.appendingPathComponent(notebook).path, executed.path,
                "-p", "figures_dir", figures.path]
    if let resultsDir { args += ["-p", "results_dir", resultsDir.path] }
    let run = try runProgram(python, args, in: notebooksDir, timeout: 600,
                             environment: ["MPLBACKEND": "Agg", "MPLCONFIGDIR": work.appendingPathComponent("mpl").path])
    try #require(run.status == 0, "\(notebook) failed:\n\(run)", sourceLocation: sourceLocation)

    // No cell may have produced an error output (papermill's exit status says so too; belt and braces).
    let json = try jsonObject(Data(contentsOf: executed), sourceLocation: sourceLocation)
    let cells = (json["cells"] as? [[String: Any]]) ?? []
    let errors = cells.flatMap { ($0["outputs"] as? [[String: Any]]) ?? [] }
        .filter { ($0["output_type"] as? String) == "error" }
    #expect(errors.isEmpty, "\(notebook): \(errors.count) cell(s) raised", sourceLocation: sourceLocation)

    let pngs = ((try? FileManager.default.contentsOfDirectory(atPath: figures.path)) ?? [])
        .filter { $0.lowercased().hasSuffix(".png") }.sorted()
    #expect(!pngs.isEmpty, "\(notebook) saved no PNG figure in \(figures.path)", sourceLocation: sourceLocation)
    for png in pngs {
        let data = try Data(contentsOf: figures.appendingPathComponent(png))
        let size = try #require(pngSize(data), "\(notebook): \(png) is not a PNG", sourceLocation: sourceLocation)
        #expect(size.width >= 100 && size.height >= 100,
                "\(notebook): \(png) is \(size.width)×\(size.height), smaller than 100×100", sourceLocation: sourceLocation)
    }
}

@Suite("Notebooks")
struct NotebookTests {
    @Test("the notebooks' Python environment exists in CI", .enabled(if: NotebookEnvironment.inCI))
    func pythonEnvironmentInCI() {
        #expect(NotebookEnvironment.python != nil, NotebookEnvironment.missingMessage)
    }

    @Test("the PNG header reader") func pngHeader() {
        var bytes: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13] + Array("IHDR".utf8)
        bytes += [0, 0, 0x03, 0x20, 0, 0, 0x01, 0x90]  // 800 × 400
        #expect(pngSize(Data(bytes))! == (800, 400))
        bytes[1] = 0
        #expect(pngSize(Data(bytes)) == nil)
        #expect(pngSize(Data([0x89, 0x50])) == nil)
    }

    @Test("every notebook is there") func notebooksPresent() {
        for expected in ["01-reading-results.ipynb", "02-who-survives.ipynb", "03-prices-and-capacity.ipynb",
                         "04-what-if.ipynb"] {
            #expect(NotebookEnvironment.notebooks.contains(expected), "Notebooks/\(expected) is missing")
        }
    }

    @Test("runs headless on the committed examples (its defaults)",
          .enabled(if: NotebookEnvironment.python != nil, NotebookEnvironment.missingMessage),
          arguments: NotebookEnvironment.notebooks)
    func defaults(notebook: String) throws {
        let python = try #require(NotebookEnvironment.python)
        let work = try TemporaryDirectory(prefix: "suanli-nb")
        defer { work.remove() }
        try executeNotebook(notebook, python: python, work: work.url, resultsDir: nil)
    }

    @Test("runs headless on fresh results of the built suanli",
          .enabled(if: NotebookEnvironment.python != nil, NotebookEnvironment.missingMessage))
    func freshResults() throws {
        let python = try #require(NotebookEnvironment.python)
        let work = try TemporaryDirectory(prefix: "suanli-nb-fresh")
        defer { work.remove() }
        let run = work.file("run")
        let compare = work.file("compare")
        try runScenario(packageFile("Scenarios/baseline.yaml").path, out: run, replications: 2, seed: 11, threads: 2)
        let cmp = try suanli(["compare", packageFile("Scenarios/baseline.yaml").path,
                              packageFile("Scenarios/export-ban-h20.yaml").path, "--replications", "2", "--seed", "11",
                              "--threads", "2", "--out", compare.path, "--quiet"], timeout: 300)
        try #require(cmp.status == 0, "\(cmp)")
        for notebook in NotebookEnvironment.notebooks {
            // A notebook whose default is a comparison folder reads the fresh comparison.
            let text = try String(contentsOf: packageFile("Notebooks/\(notebook)"), encoding: .utf8)
            let results = text.contains("Results/examples/compare-") ? compare : run
            let dir = work.file("nb-" + notebook)
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: false)
            try executeNotebook(notebook, python: python, work: dir, resultsDir: results)
        }
    }
}
