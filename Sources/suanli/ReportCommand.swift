import ArgumentParser
import Dispatch
import Experiments
import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `suanli report DIR`: one self-contained HTML page of a run, comparison, sweep or calibration folder, made by executing
/// the matching report notebook (Notebooks/report/report-KIND.ipynb) and exporting it with nbconvert.
struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Render a results folder (run, comparison, sweep or calibration) as one self-contained HTML page.",
        discussion: """
            Detects what DIR holds from its manifest.json and files (kind calibration: a calibration, shown as its \
            posterior's marginals and pairs, the fit to the observations and the generations; compare.csv: a \
            comparison; points.csv or a 'sweep' object in the manifest: a sweep; otherwise a run), executes the matching notebook of \
            Notebooks/report/ on it with papermill and exports it with nbconvert, code hidden: a headline table \
            (P(survive) per firm with its interval; the largest paired differences; the sensitivity ranking and \
            the points), the survival chart, the price fan chart and, for a run, exits by month by reason and by \
            driver, the used price and each tier's units by place, as PNG images embedded in the page. The \
            page loads nothing from the network. It is written under a temporary name beside --out and renamed \
            into place only when complete. Needs the notebooks' Python environment: SUANLI_PYTHON, else \
            ./.venv/bin/python (scripts/setup-python.sh creates it).
            """
    )

    @Argument(help: ArgumentHelp("A results folder written by suanli run, compare, sweep or calibrate.", valueName: "dir"))
    var dir: String

    @Option(help: ArgumentHelp("The page to write (default: DIR/report.html).", valueName: "file"))
    var out: String?

    @Option(help: ArgumentHelp("The notebooks folder holding report/ (default: ./Notebooks).", valueName: "dir"))
    var notebooks: String = "Notebooks"

    @Flag(help: "Print no progress on standard error.")
    var quiet = false

    func validate() throws {
        if let out, out.trimmingCharacters(in: .whitespaces).isEmpty {
            throw ValidationError("--out must name a file, got an empty value")
        }
    }

    func run() throws {
        do {
            try render()
        } catch let error as ReportError {
            StandardError.write("suanli: error: \(error.message)\n")
            throw ExitCode.failure
        }
    }

    private func render() throws {
        let kind = try ResultsKind.detect(folder: dir)
        let python = try ReportPython.find()
        let reportDir = URL(fileURLWithPath: notebooks).appendingPathComponent("report")
        let script = reportDir.appendingPathComponent("render_report.py")
        let notebook = reportDir.appendingPathComponent("report-\(kind.rawValue).ipynb")
        for file in [script, notebook] where !FileManager.default.fileExists(atPath: file.path) {
            throw ReportError("\(file.path) not found: run suanli report from the package root, or pass "
                              + "--notebooks with the folder that holds report/")
        }

        let outURL = URL(fileURLWithPath: out ?? URL(fileURLWithPath: dir).appendingPathComponent("report.html").path)
        let parent = outURL.deletingLastPathComponent()
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: parent.path, isDirectory: &isDir), isDir.boolValue else {
            throw ReportError("cannot write \(outURL.path): the folder \(parent.path) does not exist")
        }
        if FileManager.default.fileExists(atPath: outURL.path, isDirectory: &isDir), isDir.boolValue {
            throw ReportError("cannot write \(outURL.path): it is a folder; give --out a file name")
        }
        let temporary = parent.appendingPathComponent(".\(outURL.lastPathComponent).tmp-\(getpid())")
        ReportInterrupt.install(removing: temporary.path)
        defer { ReportInterrupt.clear() }

        if !quiet { StandardError.write("report: \(dir) holds a \(kind.noun); rendering it with \(python.path)\n") }
        let status: Int32
        let log: String
        do {
            (status, log) = try runRenderer(python: python, script: script, kind: kind, temporary: temporary)
        } catch {
            try? FileManager.default.removeItem(at: temporary)
            throw ReportError("could not start \(python.path): \(error)")
        }
        guard status == 0, FileManager.default.fileExists(atPath: temporary.path) else {
            try? FileManager.default.removeItem(at: temporary)
            if quiet, !log.isEmpty { StandardError.write(String(log.suffix(8000))) }
            throw ReportError("rendering the report of \(dir) failed (\(script.lastPathComponent) exited with status "
                              + "\(status)); nothing was written to \(outURL.path)")
        }
        guard rename(temporary.path, outURL.path) == 0 else {
            let reason = String(cString: strerror(errno))
            try? FileManager.default.removeItem(at: temporary)
            throw ReportError("could not move the page into place at \(outURL.path): \(reason)")
        }
        print("report: \(outURL.path)")
    }

    /// Runs `python render_report.py KIND DIR TEMPORARY`: its output goes to standard error, or, with --quiet, to
    /// a log returned for printing on failure only.
    private func runRenderer(python: URL, script: URL, kind: ResultsKind, temporary: URL) throws -> (Int32, String) {
        let process = Process()
        process.executableURL = python
        var arguments = [script.path, kind.rawValue, URL(fileURLWithPath: dir).standardizedFileURL.path, temporary.path]
        if quiet { arguments.append("--quiet") }
        process.arguments = arguments
        var environment = ProcessInfo.processInfo.environment
        environment["MPLBACKEND"] = "Agg"
        environment["JUPYTER_PLATFORM_DIRS"] = environment["JUPYTER_PLATFORM_DIRS"] ?? "1"
        environment["PYDEVD_DISABLE_FILE_VALIDATION"] = "1"
        environment["PYTHONUNBUFFERED"] = "1"
        process.environment = environment
        process.standardInput = FileHandle.nullDevice
        var logURL: URL?
        if quiet {
            let url = FileManager.default.temporaryDirectory.appendingPathComponent("suanli-report-\(getpid()).log")
            guard FileManager.default.createFile(atPath: url.path, contents: nil) else {
                throw ReportError("cannot create the log file \(url.path)")
            }
            let handle = try FileHandle(forWritingTo: url)
            process.standardOutput = handle
            process.standardError = handle
            logURL = url
        } else {
            process.standardOutput = FileHandle.standardError
            process.standardError = FileHandle.standardError
        }
        defer { if let logURL { try? FileManager.default.removeItem(at: logURL) } }
        try process.run()
        ReportInterrupt.child(process.processIdentifier)
        process.waitUntilExit()
        let log = logURL.flatMap { try? String(contentsOf: $0, encoding: .utf8) } ?? ""
        return (process.terminationStatus, log)
    }
}

/// What a results folder holds, from its manifest.json and files.
enum ResultsKind: String {
    case run, compare, sweep, calibration

    var noun: String {
        switch self {
        case .run: "run"
        case .compare: "comparison"
        case .sweep: "sweep"
        case .calibration: "calibration"
        }
    }

    static let expectation = "a results folder of 'suanli run' (manifest.json, outcomes.csv, survival.csv, "
        + "summary.csv), 'suanli compare' (the same and compare.csv) or 'suanli sweep' (manifest.json, points.csv, "
        + "survival.csv, summary.csv), or a calibration folder of 'suanli calibrate' (manifest.json, posterior.csv, "
        + "generations.csv, fit.csv)"

    static func detect(folder: String) throws -> ResultsKind {
        let fm = FileManager.default
        var isDir: ObjCBool = false
        guard fm.fileExists(atPath: folder, isDirectory: &isDir) else {
            throw ReportError("'\(folder)' not found; expected \(expectation)")
        }
        guard isDir.boolValue else { throw ReportError("'\(folder)' is a file; expected \(expectation)") }
        let root = URL(fileURLWithPath: folder)
        func has(_ name: String) -> Bool { fm.fileExists(atPath: root.appendingPathComponent(name).path) }

        guard has("manifest.json") else {
            throw ReportError("'\(folder)' is not a results folder: it has no manifest.json; expected \(expectation)")
        }
        let manifestObject = fm.contents(atPath: root.appendingPathComponent("manifest.json").path)
            .flatMap { try? JSONSerialization.jsonObject(with: $0) } as? [String: Any]
        if manifestObject?["kind"] as? String == "calibration" {
            let missing = ["posterior.csv", "generations.csv", "fit.csv"].filter { !has($0) }
            guard missing.isEmpty else {
                throw ReportError("'\(folder)' looks like a calibration folder but lacks \(missing.joined(separator: ", ")); "
                                  + "expected \(expectation)")
            }
            return .calibration
        }
        guard let manifest = manifestObject, manifest["points"] is [Any] else {
            throw ReportError("'\(folder)/manifest.json' is not the manifest of a run, comparison or sweep (a JSON "
                              + "object with 'points'); expected \(expectation)")
        }
        let kind: ResultsKind
        if manifest["sweep"] != nil || has("points.csv") {
            kind = .sweep
        } else if has("compare.csv") {
            kind = .compare
        } else {
            kind = .run
        }
        let needed: [String] = switch kind {
        case .calibration: []
        case .run: ["outcomes.csv", "survival.csv", "summary.csv"]
        case .compare: ["compare.csv", "survival.csv", "summary.csv"]
        case .sweep: ["points.csv", "survival.csv", "summary.csv"]
        }
        let missing = needed.filter { !has($0) }
        if !missing.isEmpty {
            throw ReportError("'\(folder)' looks like a \(kind.noun) folder but lacks \(missing.joined(separator: ", ")); "
                              + "expected \(expectation)")
        }
        return kind
    }
}

/// The Python that runs the report notebooks: `SUANLI_PYTHON`, else `./.venv/bin/python`.
enum ReportPython {
    static func find() throws -> URL {
        let fm = FileManager.default
        if let path = ProcessInfo.processInfo.environment["SUANLI_PYTHON"], !path.isEmpty {
            guard fm.isExecutableFile(atPath: path) else {
                throw ReportError("SUANLI_PYTHON is '\(path)', which is not an executable file; point it at a Python "
                                  + "with Notebooks/requirements.txt installed, or unset it to use ./.venv/bin/python "
                                  + "(scripts/setup-python.sh creates it)")
            }
            return URL(fileURLWithPath: path)
        }
        let venv = ".venv/bin/python"
        guard fm.isExecutableFile(atPath: venv) else {
            throw ReportError("no Python for the report notebooks: ./.venv/bin/python does not exist (in "
                              + "\(fm.currentDirectoryPath)) and SUANLI_PYTHON is not set; create it with "
                              + "scripts/setup-python.sh from the package root, or set SUANLI_PYTHON to a Python "
                              + "with Notebooks/requirements.txt installed")
        }
        return URL(fileURLWithPath: venv)
    }
}

struct ReportError: Error {
    let message: String
    init(_ message: String) { self.message = message }
}

/// On SIGINT or SIGTERM while a page is being rendered: stop the renderer, remove the unfinished page, exit.
enum ReportInterrupt {
    private static let state = Mutex<(path: String?, child: pid_t?)>((nil, nil))

    static func install(removing path: String) {
        state.withLock { $0.path = path }
        Interrupt.onSignal { sig in
            let (path, child) = ReportInterrupt.state.withLock { ($0.path, $0.child) }
            if let child { kill(child, SIGTERM) }
            if let path { unlink(path) }
            StandardError.write("\nsuanli: interrupted; the unfinished page was removed\n")
            exit(128 + sig)
        }
    }

    static func child(_ pid: pid_t) { state.withLock { $0.child = pid } }

    static func clear() { state.withLock { $0.path = nil; $0.child = nil } }
}
