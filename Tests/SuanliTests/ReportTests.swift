// `suanli report DIR` renders a fresh run, comparison and sweep into one self-contained HTML page, and the
// page opens in real headless Chromium without console errors, loads nothing from the network and holds at
// least two embedded PNG figures of at least 100×100 pixels. It refuses folders that are not results and
// says how to get a Python, and a failed rendering leaves no page behind.
//
// The page tests need the notebooks' Python environment (scripts/setup-python.sh) and Chromium
// (scripts/setup-browser.sh, or SUANLI_CHROMIUM): without them they are skipped, except in CI (`CI` set),
// where `browserInCI` (and NotebookTests' `pythonEnvironmentInCI`) fail and name the script to run.

import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

enum ReportEnvironment {
    /// `SUANLI_CHROMIUM` if set, else `chromium` or `chromium-browser` on PATH; nil when none is found.
    static let chromium = executable(override: "SUANLI_CHROMIUM", names: ["chromium", "chromium-browser"])

    /// The executable the environment variable `override` names (nil if it is not one), else the
    /// first of `names` on PATH; nil when none is found.
    static func executable(override: String, names: [String]) -> URL? {
        let env = ProcessInfo.processInfo.environment
        if let path = env[override], !path.isEmpty {
            return FileManager.default.isExecutableFile(atPath: path) ? URL(fileURLWithPath: path) : nil
        }
        let dirs = (env["PATH"] ?? "/usr/local/bin:/usr/bin:/bin").split(separator: ":").map(String.init)
        for name in names {
            for dir in dirs {
                let candidate = URL(fileURLWithPath: dir).appendingPathComponent(name)
                if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            }
        }
        return nil
    }

    static let browserMissing: Comment =
        "no headless Chromium (chromium on PATH or SUANLI_CHROMIUM): run scripts/setup-browser.sh (as root)"

    static var ready: Bool { NotebookEnvironment.python != nil && chromium != nil }

    static var skipReason: Comment {
        NotebookEnvironment.python == nil ? NotebookEnvironment.missingMessage : browserMissing
    }
}

// MARK: - Running suanli with a chosen environment

/// Runs the built `suanli` in `directory` with exactly `environment` (the test's own, less `removing`, plus
/// `adding`); output to files, killed after `timeout` seconds.
func suanliWithEnvironment(_ arguments: [String], in directory: URL, adding: [String: String] = [:],
                           removing: [String] = [], timeout: Double = 600) throws -> RunResult {
    var environment = ProcessInfo.processInfo.environment
    for key in removing { environment.removeValue(forKey: key) }
    environment.merge(adding) { _, new in new }
    return try runProcess(try SuanliBinary.require(), arguments, in: directory, environment: environment,
                          timeout: timeout)
}

/// A folder that passes `suanli report`'s detection as a run (its CSVs are empty: only for tests that never
/// reach a real notebook).
func fakeRunFolder(in dir: TemporaryDirectory, name: String = "fake-run") throws -> URL {
    let folder = dir.file(name)
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: false)
    try Data(#"{"tool": "suanli", "points": [{"point": 0, "scenario": "fake"}]}"#.utf8)
        .write(to: folder.appendingPathComponent("manifest.json"))
    for csv in ["outcomes.csv", "survival.csv", "summary.csv"] {
        try Data().write(to: folder.appendingPathComponent(csv))
    }
    return folder
}

/// An executable shell script standing in for Python.
func fakePython(in dir: TemporaryDirectory, _ body: String) throws -> URL {
    let url = try dir.write("fake-python", "#!/bin/sh\n" + body + "\n")
    chmod(url.path, 0o755)
    return url
}

// MARK: - Opening a page in Chromium

/// What headless Chromium made of a page.
struct BrowserView {
    let dom: String
    let consoleMessages: [String]
    /// http(s) URLs the page itself asked for (the browser's own background requests left out).
    let pageRequests: [String]
    let screenshot: Data?
    let log: String

    /// The PNG images embedded in the DOM as data: URIs, decoded.
    var embeddedPNGs: [Data] {
        let pattern = #/<img\b[^>]*\bsrc="data:image/png;base64,([A-Za-z0-9+/=\s]+)"/#
        return dom.matches(of: pattern).compactMap {
            Data(base64Encoded: String($0.output.1).filter { !$0.isWhitespace })
        }
    }

    /// `src`/`href` attributes (and CSS `url(`) that point off the page: http(s) or protocol-relative.
    var externalReferences: [String] {
        let pattern = #/(?:\b(?:src|href)\s*=\s*["']?|url\(\s*["']?)((?:https?:)?//[^"'\s)>]+)/#
        return dom.matches(of: pattern).map { String($0.output.1) }
    }
}

/// Opens `page` in headless Chromium twice: `--dump-dom` (the DOM after load, with the console logged and a
/// network log) and `--screenshot`. Every host name resolves to nothing, so the page must stand alone.
func openInChromium(_ page: URL, chromium: URL, work: URL) throws -> BrowserView {
    let netLog = work.appendingPathComponent("net-log.json")
    let shot = work.appendingPathComponent("screenshot.png")
    let common = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-sync",
                  "--disable-background-networking", "--disable-component-update", "--disable-default-apps",
                  "--host-resolver-rules=MAP * ~NOTFOUND", "--virtual-time-budget=5000",
                  "--user-data-dir=" + work.appendingPathComponent("profile").path]
    let dumpLog = work.appendingPathComponent("dump.stderr")
    let dom = try runChromium(chromium, common + ["--enable-logging=stderr", "--v=0", "--log-net-log=" + netLog.path,
                                                  "--dump-dom", page.absoluteString],
                              stderr: dumpLog, in: work)
    let log = (try? String(contentsOf: dumpLog, encoding: .utf8)) ?? ""
    _ = try runChromium(chromium, common + ["--hide-scrollbars", "--window-size=1280,1600",
                                            "--screenshot=" + shot.path, page.absoluteString],
                        stderr: work.appendingPathComponent("shot.stderr"), in: work)
    // Console lines look like `[pid:tid:time:INFO:CONSOLE:12] "message", source: file:///… (12)` (older
    // builds: `INFO:CONSOLE(12)`).
    let console = log.split(separator: "\n").filter { $0.contains(":CONSOLE") }.map(String.init)
    return BrowserView(dom: dom, consoleMessages: console, pageRequests: pageRequests(netLog: netLog),
                       screenshot: try? Data(contentsOf: shot), log: log)
}

/// Runs Chromium and returns its standard output (its standard error is copied to `stderr`); fails the
/// test on a non-zero exit.
private func runChromium(_ chromium: URL, _ arguments: [String], stderr: URL, in work: URL) throws -> String {
    let run = try runProcess(chromium, arguments, in: work, timeout: 120)
    try Data(run.stderr.utf8).write(to: stderr)
    try #require(run.status == 0, "chromium \(arguments.joined(separator: " ")) exited \(run.status):\n\(run.stderr.suffix(3000))")
    return run.stdout
}

/// http(s) URLs requested on behalf of a file:// page in Chromium's net log: those whose network isolation
/// key is the file:// origin (the browser's own update and account checks have other keys).
private func pageRequests(netLog: URL) -> [String] {
    guard let data = try? Data(contentsOf: netLog), let json = try? jsonObject(data),
          let events = json["events"] as? [[String: Any]] else { return [] }
    var urls: [String] = []
    for event in events {
        guard let params = event["params"] as? [String: Any], let url = params["url"] as? String,
              url.hasPrefix("http"), let key = params["network_isolation_key"] as? String,
              key.contains("file://") else { continue }
        if !urls.contains(url) { urls.append(url) }
    }
    return urls
}

// MARK: - Tests

@Suite("suanli report", .serialized)
struct ReportTests {
    @Test("headless Chromium exists in CI", .enabled(if: NotebookEnvironment.inCI))
    func browserInCI() {
        #expect(ReportEnvironment.chromium != nil, ReportEnvironment.browserMissing)
    }

    @Test("the browser check itself catches console errors, network requests and missing images",
          .enabled(if: ReportEnvironment.chromium != nil, ReportEnvironment.browserMissing))
    func browserCheckCatchesFaults() throws {
        let chromium = try #require(ReportEnvironment.chromium)
        let work = try TemporaryDirectory(prefix: "suanli-report-browser")
        defer { work.remove() }
        let page = try work.write("bad.html", """
            <!DOCTYPE html><html><head><title>bad</title><script src="https://cdn.invalid/x.js"></script></head>
            <body><img src="https://example.invalid/x.png"><script>undefinedFunction()</script></body></html>
            """)
        let view = try openInChromium(page, chromium: chromium, work: work.url)
        #expect(view.consoleMessages.contains { $0.contains("undefinedFunction") }, "\(view.log.suffix(3000))")
        #expect(view.pageRequests.contains("https://cdn.invalid/x.js"), "\(view.pageRequests)")
        #expect(view.externalReferences.count == 2, "\(view.externalReferences)")
        #expect(view.embeddedPNGs.isEmpty)
        let shot = try #require(view.screenshot.flatMap(pngSize), "no screenshot")
        #expect(shot.width >= 100 && shot.height >= 100)
    }

    enum Kind: String, CaseIterable, CustomTestStringConvertible {
        case run, compare, sweep, sobol, morris, calibration
        var testDescription: String { rawValue }
    }

    @Test("renders a fresh result folder into a page that opens cleanly in headless Chromium",
          .enabled(if: ReportEnvironment.ready, ReportEnvironment.skipReason), arguments: Kind.allCases)
    func rendersAndOpens(kind: Kind) throws {
        let python = try #require(NotebookEnvironment.python)
        let chromium = try #require(ReportEnvironment.chromium)
        let work = try TemporaryDirectory(prefix: "suanli-report-\(kind.rawValue)")
        defer { work.remove() }
        let results = work.file("results")
        let baseline = packageFile("Scenarios/baseline.yaml").path
        let made: RunResult
        let expected: [String]  // text the page must show
        var absent: [String] = []   // text it must not show
        switch kind {
        case .run:
            made = try suanli(["run", baseline, "--replications", "3", "--seed", "3", "--threads", "2",
                               "--out", results.path, "--quiet"], timeout: 300)
            expected = ["Suanli report · baseline", "P(survive) [95% CI]", "small-gpu-cloud", "Survival", "Prices"]
        case .compare:
            made = try suanli(["compare", baseline, packageFile("Scenarios/export-ban-h20.yaml").path,
                               "--replications", "3", "--seed", "3", "--threads", "2", "--out", results.path,
                               "--quiet"], timeout: 300)
            expected = ["Suanli report · export-ban-h20 against baseline", "Largest paired differences",
                        "difference [95% CI]", "Survival", "Prices"]
        case .sweep:
            made = try suanli(["sweep", packageFile("Scenarios/sweeps/smoke.yaml").path, "--threads", "2",
                               "--out", results.path, "--quiet"], timeout: 300)
            // Scenario discovery on it: where does the owner fail?
            if made.status == 0 {
                let found = try suanli(["discover", results.path, "--outcome", "firm[owner].survived == 0"])
                try #require(found.status == 0, "\(found)")
            }
            expected = ["Suanli report · sweep smoke", "Sensitivity", "Points", "providers[owner].prices.h800",
                        "Survival", "Prices", "Scenario discovery", "firm[owner].survived == 0"]
            absent = ["Sobol indices", "Morris screening"]   // a grid: neither section
        case .sobol, .morris:
            // A Saltelli or Morris design over the smallest market that can fail, with the monthly files.
            let design = kind == .sobol ? "design: sobol\nbase_points: 16" : "design: morris\ntrajectories: 8\nlevels: 4"
            let file = try writeSmallOwnerSweep(work, name: "\(kind.rawValue).yaml", design: design, replications: 3, seed: 5)
            made = try suanli(["sweep", file, "--threads", "2", "--monthly", "--out", results.path, "--quiet"], timeout: 300)
            expected = kind == .sobol
                ? ["Suanli report · sweep sobol", "Sensitivity", "Sobol indices", "S1 [95% CI]", "ST [95% CI]", "Points"]
                : ["Suanli report · sweep morris", "Sensitivity", "Morris screening", "μ* [95% CI]", "σ/μ*", "Points"]
            absent = ["Scenario discovery"]   // no boxes.csv
        case .calibration:
            let targets = try work.write("targets.yaml", """
                base: \(packageFile("Scenarios/validation/poisson-rate.yaml").path)
                particles: 40
                budget: 400
                predictive: 20
                parameters:
                  - path: demand.segments[tenants].rate
                    prior: {dist: gamma, shape: 4, scale: 1}
                  - path: providers[lessor].fleet[0].units
                    prior: {dist: uniform, min: 2, max: 20}
                observations:
                  - {name: arrivals, file: market_monthly, column: tenants_arrived, tier: all, aggregate: sum, value: 20, sd: 2}
                """).path
            made = try suanli(["calibrate", targets, "--out", results.path, "--quiet"], timeout: 300)
            expected = ["Suanli report · calibration targets", "Posterior", "demand.segments[tenants].rate", "Fit",
                        "Generations"]
        }
        try #require(made.status == 0, "\(made)")
        let before = Set(try FileManager.default.contentsOfDirectory(atPath: results.path))

        // From the package root with the defaults (./Notebooks, DIR/report.html); the sweep with --quiet.
        var args = ["report", results.path]
        let isSweep = [.sweep, .sobol, .morris].contains(kind)
        if isSweep { args.append("--quiet") }
        let report = try oneKernelAtATime {
            try suanliWithEnvironment(args, in: packageRoot, adding: ["SUANLI_PYTHON": python.path])
        }
        try #require(report.status == 0, "\(report)")
        let page = results.appendingPathComponent("report.html")
        #expect(report.stdout == "report: \(page.path)\n", "\(report)")
        if isSweep {
            #expect(report.stderr.isEmpty, "--quiet printed on standard error:\n\(report.stderr)")
        } else {
            #expect(report.stderr.contains("holds a \(kind == .compare ? "comparison" : kind == .calibration ? "calibration" : "run")"), "\(report)")
        }
        let after = Set(try FileManager.default.contentsOfDirectory(atPath: results.path))
        #expect(after.subtracting(before) == ["report.html"], "left behind: \(after.subtracting(before))")

        let html = try String(contentsOf: page, encoding: .utf8)
        for text in expected {
            #expect(html.contains(text), "the page lacks '\(text)'")
        }
        for text in absent {
            #expect(!html.contains(text), "the page shows '\(text)'")
        }
        #expect(html.contains("<title>\(expected[0])</title>"), "the page's title does not name the scenario")
        for code in ["import matplotlib", "def read(name)", "results_dir = "] {
            #expect(!html.contains(code), "the page shows the notebook's code ('\(code)')")
        }

        let view = try openInChromium(page, chromium: chromium, work: work.url)
        #expect(view.consoleMessages.isEmpty, "console output while loading the page:\n\(view.consoleMessages.joined(separator: "\n"))")
        #expect(view.pageRequests.isEmpty, "the page requested \(view.pageRequests)")
        #expect(view.externalReferences.isEmpty, "the page refers to \(view.externalReferences)")
        #expect(view.dom.contains(expected[0]), "Chromium's DOM lacks the title")
        let images = view.embeddedPNGs
        #expect(images.count >= 2, "\(images.count) embedded PNG image(s); expected the survival and price charts")
        for (i, png) in images.enumerated() {
            let size = try #require(pngSize(png), "embedded image \(i) is not a PNG")
            #expect(size.width >= 100 && size.height >= 100, "embedded image \(i) is \(size.width)×\(size.height)")
        }
        let shot = try #require(view.screenshot.flatMap(pngSize), "Chromium took no screenshot")
        #expect(shot.width >= 100 && shot.height >= 100)
    }

    @Test("a folder that is not results: a clear error naming it, nothing written")
    func notAResultsFolder() throws {
        let dir = try TemporaryDirectory(prefix: "suanli-report-bad")
        defer { dir.remove() }
        let empty = dir.file("empty")
        try FileManager.default.createDirectory(at: empty, withIntermediateDirectories: false)
        let badManifest = dir.file("bad-manifest")
        try FileManager.default.createDirectory(at: badManifest, withIntermediateDirectories: false)
        try Data("not json".utf8).write(to: badManifest.appendingPathComponent("manifest.json"))
        let halfSweep = try fakeRunFolder(in: dir, name: "half-sweep")
        try Data("point\n0\n".utf8).write(to: halfSweep.appendingPathComponent("points.csv"))
        try FileManager.default.removeItem(at: halfSweep.appendingPathComponent("survival.csv"))
        let file = try dir.write("a-file.csv", "x\n")

        let cases: [(URL, [String])] = [
            (empty, ["is not a results folder", "no manifest.json"]),
            (dir.file("missing"), ["not found"]),
            (file, ["is a file"]),
            (badManifest, ["manifest.json' is not the manifest"]),
            (halfSweep, ["looks like a sweep folder but lacks survival.csv"]),
        ]
        for (folder, phrases) in cases {
            let r = try suanliWithEnvironment(["report", folder.path], in: dir.url,
                                              adding: ["SUANLI_PYTHON": "/bin/false"])
            #expect(r.status == 1, "\(r)")
            #expect(r.stderr.contains("'\(folder.path)"), "the error does not name the folder:\n\(r)")
            #expect(r.stderr.contains("expected a results folder of 'suanli run'"), "\(r)")
            for phrase in phrases { #expect(r.stderr.contains(phrase), "missing '\(phrase)':\n\(r)") }
            #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("report.html").path))
        }
    }

    @Test("no Python: says how to create it; a wrong SUANLI_PYTHON is named")
    func missingPython() throws {
        let dir = try TemporaryDirectory(prefix: "suanli-report-nopy")
        defer { dir.remove() }
        let folder = try fakeRunFolder(in: dir)
        // No SUANLI_PYTHON and no ./.venv in the working folder.
        let r = try suanliWithEnvironment(["report", folder.path], in: dir.url, removing: ["SUANLI_PYTHON"])
        #expect(r.status == 1, "\(r)")
        #expect(r.stderr.contains("./.venv/bin/python does not exist"), "\(r)")
        #expect(r.stderr.contains("scripts/setup-python.sh"), "\(r)")
        #expect(r.stderr.contains("SUANLI_PYTHON"), "\(r)")

        let wrong = dir.file("no-such-python").path
        let w = try suanliWithEnvironment(["report", folder.path], in: dir.url, adding: ["SUANLI_PYTHON": wrong])
        #expect(w.status == 1, "\(w)")
        #expect(w.stderr.contains("SUANLI_PYTHON is '\(wrong)'"), "\(w)")
        #expect(w.stderr.contains("scripts/setup-python.sh"), "\(w)")
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("report.html").path))
    }

    @Test("a failed rendering leaves no page and no temporary file; a finished one is renamed into place")
    func atomicWrite() throws {
        let dir = try TemporaryDirectory(prefix: "suanli-report-atomic")
        defer { dir.remove() }
        let folder = try fakeRunFolder(in: dir)
        let notebooks = packageFile("Notebooks").path
        let outDir = dir.file("out")
        try FileManager.default.createDirectory(at: outDir, withIntermediateDirectories: false)
        let page = outDir.appendingPathComponent("page.html")
        try Data("previous page\n".utf8).write(to: page)

        // The renderer writes half a page to the file it is given ($4), then fails.
        let failing = try fakePython(in: dir, #"printf '<html><body>half' > "$4"; echo 'cell 3 failed' >&2; exit 3"#)
        let r = try suanliWithEnvironment(["report", folder.path, "--out", page.path, "--notebooks", notebooks],
                                          in: dir.url, adding: ["SUANLI_PYTHON": failing.path])
        #expect(r.status == 1, "\(r)")
        #expect(r.stderr.contains("cell 3 failed"), "the renderer's own message is not passed on:\n\(r)")
        #expect(r.stderr.contains("nothing was written to \(page.path)"), "\(r)")
        #expect(try String(contentsOf: page, encoding: .utf8) == "previous page\n", "the old page was touched")
        #expect(try FileManager.default.contentsOfDirectory(atPath: outDir.path) == ["page.html"],
                "a temporary file was left behind")

        // With --quiet the renderer's output is held back, and shown only because it failed.
        let q = try suanliWithEnvironment(["report", folder.path, "--out", page.path, "--notebooks", notebooks,
                                           "--quiet"], in: dir.url, adding: ["SUANLI_PYTHON": failing.path])
        #expect(q.status == 1 && q.stderr.contains("cell 3 failed"), "\(q)")

        // A renderer that succeeds: its page replaces the old one, and the arguments are kind, DIR, temporary.
        let succeeding = try fakePython(in: dir, #"printf '%s\n' "$2" "$3" > "$4""#)
        let s = try suanliWithEnvironment(["report", folder.path, "--out", page.path, "--notebooks", notebooks,
                                           "--quiet"], in: dir.url, adding: ["SUANLI_PYTHON": succeeding.path])
        #expect(s.status == 0, "\(s)")
        #expect(s.stderr.isEmpty, "\(s)")
        #expect(try String(contentsOf: page, encoding: .utf8) == "run\n\(folder.path)\n")
        #expect(try FileManager.default.contentsOfDirectory(atPath: outDir.path) == ["page.html"])

        // Without the report notebooks (wrong --notebooks): says where they were looked for.
        let n = try suanliWithEnvironment(["report", folder.path, "--notebooks", dir.file("nowhere").path],
                                          in: dir.url, adding: ["SUANLI_PYTHON": succeeding.path])
        #expect(n.status == 1 && n.stderr.contains("--notebooks"), "\(n)")
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("report.html").path))
    }
}
