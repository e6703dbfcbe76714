import ArgumentParser
import Dispatch
import Experiments
import Explorer
import Foundation
import Synchronization

/// `suanli serve`: the what-if explorer in the browser (docs/explorer.md).
struct ServeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve the what-if explorer: a page that runs base against variant live, on common random numbers.",
        discussion: """
            Serves one page and a JSON API (docs/explorer.md) on HOST:PORT and prints the address to open as its \
            first line. The page lists the scenarios of --scenarios by name, shows their levers (a scenario's \
            'levers:', else its shocks and a few keys the tool picks) and, each time a lever moves, runs the \
            scenario against itself with the lever values, exactly as 'suanli compare FILE FILE --set-variant …' \
            would: the paired change in P(survive) per firm with its 95% interval, the price fans, exits by reason \
            and driver and a firm's cash path, each chart as PNG and the run's CSV files to download. Bound to \
            127.0.0.1 unless --host says otherwise; then a token is printed and every API request must carry it. \
            Runs write to a temporary folder only, removed when the server stops (Ctrl-C).
            """
    )

    @Option(parsing: .unconditional, help: "Port to listen on (0: any free port).")
    var port: Int = 8080

    @Option(help: "Address to bind (default 127.0.0.1: this machine only). Any other needs the printed token.")
    var host: String = "127.0.0.1"

    @Option(help: ArgumentHelp("The folder of scenario files offered, by name.", valueName: "dir"))
    var scenarios: String = "Scenarios"

    @Option(name: .customLong("max-runs"), parsing: .unconditional, help: "Comparisons running at once (1 … 8).")
    var maxRuns: Int = 2

    @Option(name: .customLong("chart-js"),
            help: ArgumentHelp("Chart.js 3 (its UMD chart.min.js) for the page's charts (default: Debian's libjs-chart.js, or SUANLI_CHART_JS).",
                               valueName: "file"))
    var chartJS: String?

    @OptionGroup var workers: WorkerOptions

    func validate() throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port must be in 0 … 65535, got \(port)") }
        guard (1...8).contains(maxRuns) else { throw ValidationError("--max-runs must be in 1 … 8, got \(maxRuns)") }
        guard !host.trimmingCharacters(in: .whitespaces).isEmpty else { throw ValidationError("--host must name an address, got an empty value") }
    }

    func run() throws {
        let loopback = ExplorerConfiguration.isLoopback(host)
        // 128 random bits as 32 hex digits: each word zero-padded to 8, so every token has the same length.
        let token: String? = loopback ? nil : (0..<4).map { _ in
            let word = String(UInt32.random(in: 0...UInt32.max), radix: 16)
            return String(repeating: "0", count: 8 - word.count) + word
        }.joined()
        let chart = chartJS ?? ProcessInfo.processInfo.environment["SUANLI_CHART_JS"] ?? ExplorerServer.debianChartJS
        if !FileManager.default.fileExists(atPath: chart) {
            StandardError.write("suanli serve: warning: Chart.js is not at \(chart): the page will show tables but no charts "
                                + "(install Debian's libjs-chart.js, or pass --chart-js FILE)\n")
        }
        let server: ExplorerServer
        do {
            server = try ExplorerServer(configuration: ExplorerConfiguration(
                host: host, port: port, scenarios: scenarios, maxRuns: maxRuns, chartJS: chart, version: SuanliVersion.string,
                threads: workers.threads ?? ProcessInfo.processInfo.activeProcessorCount, token: token))
        } catch {
            Failure.write("suanli: error: \(error)")
            throw ExitCode.failure
        }
        let quiet = workers.quiet
        let shown = host.contains(":") && !host.hasPrefix("[") ? "[\(host)]" : host
        // Ctrl-C and SIGTERM: cancel the runs, remove the temporary folder, exit 0.
        Interrupt.onSignal { _ in
            server.shutdown()
            if !quiet { StandardError.write("\nsuanli serve: stopped; the runs' temporary files were removed\n") }
            Foundation.exit(0)
        }
        let failure = Mutex<String?>(nil)
        let finished = DispatchSemaphore(value: 0)
        Task.detached {
            do {
                try await server.run { port in
                    let address = "http://\(shown):\(port)/" + (token.map { "?token=\($0)" } ?? "")
                    // Unbuffered: whoever started the server reads the address from this line.
                    FileHandle.standardOutput.write(Data("suanli serve: \(address)\n".utf8))
                    if !quiet {
                        StandardError.write("suanli serve: serving \(server.configuration.scenarios) on \(address); Ctrl-C stops\n")
                    }
                }
            } catch {
                failure.withLock { $0 = "\(error)" }
            }
            finished.signal()
        }
        finished.wait()
        server.shutdown()
        if let message = failure.withLock({ $0 }) {
            Failure.write("suanli: error: cannot serve on \(host):\(port): \(message)")
            throw ExitCode.failure
        }
    }
}
