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

/// Runs `executable arguments…` in `directory` (``runProcess``) with this process's environment plus `extra`.
func runProgram(_ executable: URL, _ arguments: [String], in directory: URL, timeout: Double,
                environment extra: [String: String] = [:]) throws -> RunResult {
    try runProcess(executable, arguments, in: directory,
                   environment: ProcessInfo.processInfo.environment.merging(extra) { _, new in new },
                   timeout: timeout)
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
    let run = try oneKernelAtATime {
        try runProgram(python, args, in: notebooksDir, timeout: 600,
                       environment: ["MPLBACKEND": "Agg", "MPLCONFIGDIR": work.appendingPathComponent("mpl").path])
    }
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
                         "04-what-if.ipynb", "05-sweep-map.ipynb"] {
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
          .enabled(if: NotebookEnvironment.python != nil, NotebookEnvironment.missingMessage),
          arguments: NotebookEnvironment.notebooks)
    func freshResults(notebook: String) throws {
        let python = try #require(NotebookEnvironment.python)
        let work = try TemporaryDirectory(prefix: "suanli-nb-fresh")
        defer { work.remove() }
        let folders = try FreshResults.make(for: notebook, in: work)
        try #require(!folders.isEmpty)
        for (i, results) in folders.enumerated() {
            let dir = work.file("nb-\(i)")
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: false)
            try executeNotebook(notebook, python: python, work: dir, resultsDir: results)
        }
    }

    @Test("the committed notebooks are what build_notebooks.py writes",
          .enabled(if: NotebookEnvironment.python != nil, NotebookEnvironment.missingMessage))
    func generated() throws {
        let python = try #require(NotebookEnvironment.python)
        let work = try TemporaryDirectory(prefix: "suanli-nb-build")
        defer { work.remove() }
        let run = try runProgram(python, [packageFile("Notebooks/build_notebooks.py").path], in: work.url, timeout: 120)
        try #require(run.status == 0, "\(run)")
        let written = work.contents().filter { $0.hasSuffix(".ipynb") }
        #expect(written == NotebookEnvironment.notebooks, "build_notebooks.py writes \(written)")
        for name in written {
            let new = try Data(contentsOf: work.file(name))
            let old = try Data(contentsOf: packageFile("Notebooks/\(name)"))
            let same = new == old   // a Bool: a mismatch would otherwise be diffed byte by byte (minutes)
            #expect(same, "Notebooks/\(name) differs from what build_notebooks.py writes: edit the script and run `../.venv/bin/python build_notebooks.py` in Notebooks/")
        }
    }

    @Test("each notebook's default results folder is a committed example of the kind it reads")
    func defaultsAreExamples() throws {
        for notebook in NotebookEnvironment.notebooks {
            let found = try FreshResults.defaultResultsDir(of: notebook)
            let dir = try #require(found, "\(notebook) has no results_dir parameter")
            let folder = packageFile("Notebooks").appendingPathComponent(dir).standardizedFileURL
            #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent("manifest.json").path),
                    "\(notebook): results_dir \(dir) is not a results folder")
            let marker = ["compare": "compare.csv", "sweep": "points.csv", "run": "firms_monthly.csv"][
                FreshResults.kind(of: notebook).rawValue]!
            #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent(marker).path),
                    "\(notebook): \(dir) lacks \(marker)")
        }
    }
}

/// Fresh results for a notebook, of the kind its default `results_dir` is (a run, a comparison or a sweep),
/// written by the built `suanli` with another seed than the committed examples.
enum FreshResults {
    enum Kind: String { case run, compare, sweep }

    /// The default `results_dir` of `notebook`, from its cell tagged `parameters`.
    static func defaultResultsDir(of notebook: String) throws -> String? {
        let json = try jsonObject(Data(contentsOf: packageFile("Notebooks/\(notebook)")))
        for cell in (json["cells"] as? [[String: Any]]) ?? [] {
            let tags = ((cell["metadata"] as? [String: Any])?["tags"] as? [String]) ?? []
            guard tags.contains("parameters") else { continue }
            let source = (cell["source"] as? [String])?.joined() ?? (cell["source"] as? String) ?? ""
            for line in source.split(separator: "\n") where line.hasPrefix("results_dir") {
                return line.split(separator: "\"").dropFirst().first.map(String.init)
            }
        }
        return nil
    }

    static func kind(of notebook: String) -> Kind {
        let dir = (try? defaultResultsDir(of: notebook)) ?? nil
        let name = dir.map { URL(fileURLWithPath: $0).lastPathComponent } ?? ""
        return name.hasPrefix("compare-") ? .compare : name.hasPrefix("sweep-") ? .sweep : .run
    }

    /// The folders to run `notebook` on: one run (2 replications of the baseline, full horizon), one
    /// comparison (the baseline against export-ban-h20), or two sweeps (the smoke grid, and a Latin
    /// hypercube over the baseline with firms that exit, three parameters and --monthly so that the
    /// sensitivity ranking has intervals).
    static func make(for notebook: String, in work: TemporaryDirectory) throws -> [URL] {
        switch kind(of: notebook) {
        case .run:
            let run = work.file("run")
            try runScenario(packageFile("Scenarios/baseline.yaml").path, out: run, replications: 2, seed: 11, threads: 2)
            return [run]
        case .compare:
            let compare = work.file("compare")
            let cmp = try suanli(["compare", packageFile("Scenarios/baseline.yaml").path,
                                  packageFile("Scenarios/export-ban-h20.yaml").path, "--replications", "2", "--seed", "11",
                                  "--threads", "2", "--out", compare.path, "--quiet"], timeout: 300)
            try #require(cmp.status == 0, "\(cmp)")
            return [compare]
        case .sweep:
            let smoke = work.file("sweep-smoke")
            let a = try suanli(["sweep", packageFile("Scenarios/sweeps/smoke.yaml").path, "--threads", "2",
                                "--out", smoke.path, "--quiet"], timeout: 300)
            try #require(a.status == 0, "\(a)")
            let file = try work.write("lhs.yaml", """
                base: \(packageFile("Scenarios/baseline.yaml").path)
                design: latin-hypercube
                points: 6
                replications: 2
                seed: 5
                parameters:
                  - path: shocks[2].capacity_factor
                    range: [0, 1]
                  - path: demand.segments[llm-training].growth.rate
                    range: [0, 0.3]
                  - path: providers[server-maker-cloud].cash
                    range: [5e7, 4e8]

                """)
            let lhs = work.file("sweep-lhs")
            let b = try suanli(["sweep", file.path, "--threads", "2", "--monthly", "--out", lhs.path, "--quiet"],
                               timeout: 300)
            try #require(b.status == 0, "\(b)")
            // A Sobol and a Morris sweep of the smallest market that can fail: the notebook's global-sensitivity figures.
            var global: [URL] = []
            for (name, design) in [("sobol", "design: sobol\nbase_points: 16"), ("morris", "design: morris\ntrajectories: 8")] {
                let file = URL(fileURLWithPath: try writeSmallOwnerSweep(work, name: "\(name).yaml", design: design, replications: 3, seed: 5))
                let out = work.file("sweep-\(name)")
                let c = try suanli(["sweep", file.path, "--threads", "2", "--monthly", "--out", out.path, "--quiet"], timeout: 300)
                try #require(c.status == 0, "\(c)")
                global.append(out)
            }
            return [smoke, lhs] + global
        }
    }
}
