// The explorer's page in a real browser: `suanli serve` on loopback, headless Chromium driven by
// Selenium (Tests/SuanliTests/Browser/explorer_browser.py, with Debian's chromedriver and SE_OFFLINE so
// Selenium fetches nothing). The script opens the page, picks the baseline, moves a lever by keyboard,
// waits for the charts of the new run, checks the survival table against the API's JSON, that the
// console is clean and that no request left loopback, and keeps a screenshot. It reports the time from
// the lever change to the updated charts (200 paired replications), printed here for the benchmarks.

import Foundation
import Testing

enum ExplorerBrowserEnvironment {
    /// `SUANLI_CHROMEDRIVER` if set, else chromedriver on PATH.
    static let chromedriver = ReportEnvironment.executable(override: "SUANLI_CHROMEDRIVER", names: ["chromedriver"])

    static let chartJS = ProcessInfo.processInfo.environment["SUANLI_CHART_JS"] ?? "/usr/share/javascript/chart.js/chart.min.js"

    static var ready: Bool {
        ReportEnvironment.ready && chromedriver != nil && FileManager.default.fileExists(atPath: chartJS)
    }

    static let missing: Comment =
        "the explorer's browser test needs .venv with selenium (scripts/setup-python.sh), chromium, chromedriver and Chart.js (scripts/setup-browser.sh, as root)"

    /// Where the screenshot is kept: `SUANLI_ARTIFACTS`, else .build/test-artifacts.
    static var artifacts: URL {
        if let dir = ProcessInfo.processInfo.environment["SUANLI_ARTIFACTS"], !dir.isEmpty { return URL(fileURLWithPath: dir) }
        return packageFile(".build/test-artifacts")
    }
}

@Suite("suanli serve: the explorer's page in headless Chromium")
struct ExplorerBrowserTests {
    @Test("chromedriver and Chart.js exist in CI", .enabled(if: NotebookEnvironment.inCI))
    func presentInCI() {
        #expect(ExplorerBrowserEnvironment.ready, ExplorerBrowserEnvironment.missing)
    }

    @Test("pick the baseline, move a lever: the charts update, the table shows the API's values, nothing leaves loopback",
          .enabled(if: ExplorerBrowserEnvironment.ready))
    func leverToCharts() throws {
        try withTemporaryDirectory { dir in
            let server = try ServeProcess(["--scenarios", packageFile("Scenarios").path, "--quiet",
                                           "--chart-js", ExplorerBrowserEnvironment.chartJS], tmp: dir.url)
            defer { server.stop() }
            try FileManager.default.createDirectory(at: ExplorerBrowserEnvironment.artifacts, withIntermediateDirectories: true)
            let shot = ExplorerBrowserEnvironment.artifacts.appendingPathComponent("explorer.png")
            try? FileManager.default.removeItem(at: shot)
            var environment = ProcessInfo.processInfo.environment
            environment["SE_OFFLINE"] = "true"
            environment["SUANLI_CHROMEDRIVER"] = ExplorerBrowserEnvironment.chromedriver!.path
            if let chromium = ReportEnvironment.chromium { environment["SUANLI_CHROMIUM"] = chromium.path }
            let run = try runProcess(NotebookEnvironment.python!,
                                     [packageFile("Tests/SuanliTests/Browser/explorer_browser.py").path,
                                      "--url", "http://127.0.0.1:\(server.port)/", "--screenshot", shot.path,
                                      "--scenario", "baseline", "--replications", "200",
                                      "--lever-key", "demand.segments[llm-training].growth.rate"],
                                     in: dir.url, environment: environment, timeout: 300)
            try #require(run.status == 0, "the browser script failed:\n\(run)\n--- server ---\n\(server.stderrText.suffix(2000))")
            let line = try #require(run.stdout.split(separator: "\n").last { $0.hasPrefix("{") }, "no JSON line: \(run)")
            let report = try jsonObject(Data(line.utf8))
            #expect(report["ok"] as? Bool == true)
            let rows = try #require(report["survival_rows"] as? Int)
            #expect(rows >= 8, "a survival row per firm of the baseline")
            let ms = try #require(report["update_ms"] as? Int)
            #expect(ms > 0)
            // The figure of issue 19, for Benchmarks/README.md (not asserted: no test times the machine).
            print("explorer: lever change → updated charts for 200 paired baseline replications: \(ms) ms "
                  + "(run \(report["run_id"] ?? "?"), \(report["requests"] ?? "?") requests)")
            let png = try Data(contentsOf: shot)
            #expect(png.starts(with: [0x89, 0x50, 0x4E, 0x47]), "the screenshot is a PNG")
        }
    }
}
