import Experiments
import Foundation
import Hummingbird
import Logging
import MarketModel
import ScenarioModule
import Synchronization

/// How `suanli serve` was started.
public struct ExplorerConfiguration: Sendable {
    public var host: String
    /// 0: any free port (the one bound is passed to `onRunning`).
    public var port: Int
    /// The served folder, as given.
    public var scenarios: String
    /// Runs at once (a cancelled run counts until its thread has stopped).
    public var maxRuns: Int
    /// Chart.js 3, served as `/vendor/chart.js`.
    public var chartJS: String
    /// The tool version the manifests record.
    public var version: String
    /// Worker threads of each run.
    public var threads: Int
    /// The token every API request must carry; nil: none (loopback).
    public var token: String?

    public init(host: String = "127.0.0.1", port: Int = 8080, scenarios: String = "Scenarios", maxRuns: Int = 2,
                chartJS: String = ExplorerServer.debianChartJS, version: String, threads: Int, token: String? = nil) {
        self.host = host; self.port = port; self.scenarios = scenarios; self.maxRuns = maxRuns
        self.chartJS = chartJS; self.version = version; self.threads = threads; self.token = token
    }

    /// Whether `host` is a loopback address (no token is needed there).
    public static func isLoopback(_ host: String) -> Bool {
        ["127.0.0.1", "localhost", "::1", "[::1]"].contains(host.lowercased()) || host.hasPrefix("127.")
    }
}

/// The what-if explorer: one page and a small JSON API (docs/explorer.md) over Hummingbird.
/// Comparisons run on threads of their own (``Comparison/run``'s pipeline), never on the
/// server's concurrency pool; their files go to a temporary folder removed at ``shutdown()``.
public final class ExplorerServer: Sendable {
    public static let debianChartJS = "/usr/share/javascript/chart.js/chart.min.js"
    public static let maxBody = 64 * 1024
    public static let maxReplications = 2000
    public static let defaultReplications = 200
    /// Finished runs kept (their results and files) before the oldest are discarded.
    static let keptRuns = 16

    public let configuration: ExplorerConfiguration
    let catalog: ScenarioCatalog
    /// The server's temporary folder: every run writes inside it and nothing else is written.
    public let temporaryFolder: String
    private let runs = Mutex<(byID: [String: ExplorerRun], order: [String], next: Int)>(([:], [], 1))
    private let active = Atomic<Int>(0)

    /// - Throws: when the served folder is missing or the temporary folder cannot be made.
    public init(configuration: ExplorerConfiguration) throws {
        self.configuration = configuration
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: configuration.scenarios, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw ExplorerError("--scenarios \(configuration.scenarios): no such folder; expected a folder of scenario files")
        }
        catalog = ScenarioCatalog(folder: configuration.scenarios)
        let random = String(UInt64.random(in: 0...UInt64.max), radix: 36)
        let folder = FileManager.default.temporaryDirectory
            .appendingPathComponent("suanli-serve-\(ProcessInfo.processInfo.processIdentifier)-\(random)").path
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        } catch {
            throw ExplorerError("cannot make the temporary folder \(folder): \(error.localizedDescription)")
        }
        temporaryFolder = folder
    }

    /// Serves until the task is cancelled; `onRunning` gets the bound port.
    public func run(onRunning: @escaping @Sendable (Int) -> Void) async throws {
        var logger = Logger(label: "suanli-serve")
        logger.logLevel = .error
        let app = Application(
            router: router(),
            configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "suanli"),
            onServerRunning: { channel in onRunning(channel.localAddress?.port ?? 0) },
            logger: logger)
        try await app.runService(gracefulShutdownSignals: [])
    }

    /// Cancels every run and removes the temporary folder.
    public func shutdown() {
        let all = runs.withLock { Array($0.byID.values) }
        for run in all where run.phase == .running {
            run.cancelled.store(true, ordering: .relaxed)
            run.end(.cancelled)
        }
        try? FileManager.default.removeItem(atPath: temporaryFolder)
    }

    // MARK: Routes

    func router() -> Router<BasicRequestContext> {
        let router = Router()
        router.get("/") { request, _ in self.page(request, PackageResources.index_html, "text/html; charset=utf-8") }
        router.get("/app.js") { request, _ in self.page(request, PackageResources.app_js, "text/javascript; charset=utf-8") }
        router.get("/app.css") { request, _ in self.page(request, PackageResources.app_css, "text/css; charset=utf-8") }
        router.get("/vendor/chart.js") { request, _ in
            if let refused = self.hostRefusal(request) { return refused }
            guard let data = FileManager.default.contents(atPath: self.configuration.chartJS) else {
                return Self.problem(.notFound, "Chart.js is not at \(self.configuration.chartJS): install Debian's libjs-chart.js, or start with --chart-js FILE")
            }
            return Response(status: .ok, headers: [.contentType: "text/javascript; charset=utf-8"],
                            body: .init(byteBuffer: ByteBuffer(bytes: data)))
        }
        router.get("/api/scenarios") { request, _ in
            if let refused = self.refusal(request) { return refused }
            let listing = self.catalog.listing()
            return Self.json(.object([("scenarios", .array(listing.names.map { name in
                let document = listing.byName[name]!.document
                return .object([("name", .string(name)), ("description", .string(document.scenarioDescription)),
                                ("levers", .array(document.offeredLevers.map(Self.json)))])
            }))]))
        }
        router.get("/api/scenarios/{name}") { request, context in
            if let refused = self.refusal(request) { return refused }
            let name = context.parameters.get("name") ?? ""
            guard let entry = self.catalog.entry(named: name) else { return Self.unknownScenario(name) }
            let d = entry.document
            let point = ExperimentPoint(index: 0, document: d)
            return Self.json(.object([
                ("name", .string(d.name)), ("description", .string(d.scenarioDescription)), ("file", .string(entry.file)),
                ("start", .string(point.start.description)), ("horizon_months", .int(point.horizonMonths)),
                ("currency", .string(d.currency)), ("tiers", .array(point.tierNames.map { .string($0) })),
                ("firms", .array(point.firmNames.map { .string($0) })),
                ("levers", .array(d.offeredLevers.map(Self.json))), ("resolved_yaml", .string(d.resolvedYAML)),
            ]))
        }
        router.post("/api/runs") { request, _ in
            if let refused = self.refusal(request) { return refused }
            var request = request
            let body: ByteBuffer
            do { body = try await request.collectBody(upTo: Self.maxBody) } catch {
                return Self.problem(.contentTooLarge, "the request body is larger than \(Self.maxBody / 1024) KiB; expected {scenario, levers, replications, seed}")
            }
            return await self.start(Data(body.readableBytesView))
        }
        router.get("/api/runs/{id}") { request, context in
            if let refused = self.refusal(request) { return refused }
            guard let run = self.run(context) else { return Self.unknownRun(context) }
            return Self.json(run.json())
        }
        router.get("/api/runs/{id}/events") { request, context in
            if let refused = self.refusal(request) { return refused }
            guard let run = self.run(context) else { return Self.unknownRun(context) }
            return Response(status: .ok, headers: [.contentType: "text/event-stream", .cacheControl: "no-store"],
                            body: .init(asyncSequence: run.events()))
        }
        router.delete("/api/runs/{id}") { request, context in
            if let refused = self.refusal(request) { return refused }
            guard let run = self.run(context) else { return Self.unknownRun(context) }
            self.discard(run)
            return Self.json(run.json())
        }
        router.get("/api/runs/{id}/files") { request, context in
            if let refused = self.refusal(request) { return refused }
            guard let run = self.run(context) else { return Self.unknownRun(context) }
            guard run.phase == .done else { return Self.problem(.conflict, "run \(run.id) is \(run.phase.rawValue): it has no files") }
            return Self.json(.object([("files", .array(run.files.map { .string($0) }))]))
        }
        router.get("/api/runs/{id}/files/{file}") { request, context in
            if let refused = self.refusal(request) { return refused }
            guard let run = self.run(context) else { return Self.unknownRun(context) }
            let file = context.parameters.get("file") ?? ""
            // Only a name the run listed: nothing else of the folder, let alone outside it.
            guard run.phase == .done, run.files.contains(file),
                  let data = FileManager.default.contents(atPath: run.folder + "/" + file) else {
                return Self.problem(.notFound, "run \(run.id) has no file '\(Self.clip(file))'; GET /api/runs/\(run.id)/files lists them")
            }
            let type = file.hasSuffix(".json") ? "application/json" : "text/csv; charset=utf-8"
            return Response(status: .ok, headers: [.contentType: type, .contentDisposition: "attachment; filename=\"\(file)\""],
                            body: .init(byteBuffer: ByteBuffer(bytes: data)))
        }
        return router
    }

    // MARK: Runs

    private func run(_ context: BasicRequestContext) -> ExplorerRun? {
        let id = context.parameters.get("id") ?? ""
        return runs.withLock { $0.byID[id] }
    }

    /// `POST /api/runs`.
    func start(_ body: Data) async -> Response {
        let request: RunRequest
        do { request = try RunRequest(body, catalog: catalog) } catch {
            return Self.problem(error.status, error.message, diagnostics: error.diagnostics)
        }
        // A superseded run cancelled just before this one may still be stopping: wait a little.
        var waited = 0
        while true {
            let taken = active.add(1, ordering: .relaxed).newValue
            if taken <= configuration.maxRuns { break }
            active.subtract(1, ordering: .relaxed)
            guard waited < 150 else {
                return Self.problem(.tooManyRequests, "\(configuration.maxRuns) runs are running (--max-runs); cancel one (DELETE /api/runs/ID) or wait")
            }
            waited += 1
            try? await Task.sleep(for: .milliseconds(20))
        }
        let run: ExplorerRun = runs.withLock { r in
            let id = String(r.next)
            r.next += 1
            let run = ExplorerRun(id: id, scenario: request.scenario, replications: request.replications, seed: request.seed,
                                  levers: request.levers, overrides: request.overrides, folder: temporaryFolder + "/run-" + id)
            r.byID[id] = run
            r.order.append(id)
            return run
        }
        prune()
        let (base, variant, threads, version) = (request.base, request.variant, configuration.threads, configuration.version)
        let thread = Thread { [self] in
            execute(run, base: base, variant: variant, threads: threads, version: version)
            active.subtract(1, ordering: .relaxed)
        }
        thread.name = "suanli-run-\(run.id)"
        thread.start()
        return Self.json(run.json(), status: .accepted)
    }

    /// Runs `suanli compare FILE FILE --set-variant …` into the run's folder (on the run's thread).
    private func execute(_ run: ExplorerRun, base: ScenarioDocument, variant: ScenarioDocument, threads: Int, version: String) {
        let clock = ContinuousClock(), started = clock.now
        let configuration = RunConfiguration(replications: run.replications, masterSeed: run.seed, threads: threads)
        let digest = RunDigest()
        do {
            let report = try Comparison.run(
                base: ExperimentPoint(index: 0, document: base, overrides: []),
                variant: ExperimentPoint(index: 1, document: variant, overrides: run.overrides),
                configuration: configuration, outputPath: run.folder, version: version,
                progress: RunProgress(run: run), extraSinks: [digest, CancelSink(run: run)])
            let files = ((try? FileManager.default.contentsOfDirectory(atPath: run.folder)) ?? []).sorted()
            let seconds = (clock.now - started) / .seconds(1)
            run.end(.done, result: digest.json(rows: report.rows), seconds: seconds, files: files)
        } catch {
            if run.cancelled.load(ordering: .relaxed) { run.end(.cancelled) } else { run.end(.failed, error: "\(error)") }
        }
        // Cancelled or discarded while it finished: its files go too.
        if run.phase != .done { try? FileManager.default.removeItem(atPath: run.folder) }
    }

    /// `DELETE`: cancels a running run, or discards a finished one's files.
    private func discard(_ run: ExplorerRun) {
        if run.phase == .running {
            run.cancelled.store(true, ordering: .relaxed)
            run.end(.cancelled)
        } else {
            run.end(.discarded)
            try? FileManager.default.removeItem(atPath: run.folder)
        }
    }

    /// Keeps the newest ``keptRuns`` finished runs.
    private func prune() {
        let old: [ExplorerRun] = runs.withLock { r in
            let finished = r.order.filter { r.byID[$0]?.phase != .running }
            guard finished.count > Self.keptRuns else { return [] }
            let drop = Set(finished.prefix(finished.count - Self.keptRuns))
            r.order.removeAll { drop.contains($0) }
            defer { for id in drop { r.byID[id] = nil } }
            return drop.compactMap { r.byID[$0] }
        }
        for run in old { discard(run) }
    }

    // MARK: Safety

    /// With a token, every API request must carry it; on loopback, the Host header must be a
    /// loopback name (a page of another site cannot reach the API through DNS rebinding). The
    /// answer that refuses the request (401, 403), or nil to serve it.
    private func refusal(_ request: Request) -> Response? {
        if let refused = hostRefusal(request) { return refused }
        guard let token = configuration.token else { return nil }
        let header = request.headers[.authorization]
        let query = request.uri.queryParameters.get("token")
        guard header == "Bearer " + token || query == token else {
            return Self.problem(.unauthorized, "this server needs the token it printed at start: Authorization: Bearer TOKEN, or ?token=TOKEN")
        }
        return nil
    }

    private func hostRefusal(_ request: Request) -> Response? {
        guard configuration.token == nil, let authority = request.head.authority else { return nil }
        var host = authority
        if host.hasPrefix("[") { host = String(host.prefix { $0 != "]" }) + "]" } else if let colon = host.lastIndex(of: ":") {
            host = String(host[..<colon])
        }
        guard ExplorerConfiguration.isLoopback(host) else {
            return Self.problem(.forbidden, "this server answers loopback names only (Host: \(Self.clip(authority)))")
        }
        return nil
    }

    private func page(_ request: Request, _ bytes: [UInt8], _ type: String) -> Response {
        if let refused = hostRefusal(request) { return refused }
        var headers: HTTPFields = [.contentType: type, .cacheControl: "no-store"]
        headers[.contentSecurityPolicy] = "default-src 'self'; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; connect-src 'self'"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    // MARK: Answers

    static func json(_ value: JSONValue, status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: [.contentType: "application/json; charset=utf-8", .cacheControl: "no-store"],
                 body: .init(byteBuffer: ByteBuffer(string: value.text())))
    }

    static func problem(_ status: HTTPResponse.Status, _ message: String, diagnostics: [String] = []) -> Response {
        json(.object([("error", .string(message)), ("diagnostics", .array(diagnostics.map { .string($0) }))]), status: status)
    }

    static func unknownScenario(_ name: String) -> Response {
        problem(.notFound, "no scenario named '\(clip(name))' in the served folder; GET /api/scenarios lists them")
    }

    static func unknownRun(_ context: BasicRequestContext) -> Response {
        problem(.notFound, "no run '\(clip(context.parameters.get("id") ?? ""))'")
    }

    static func clip(_ s: String) -> String { s.count > 80 ? String(s.prefix(80)) + "…" : s }

    static func json(_ lever: Lever) -> JSONValue {
        func value(_ v: Double?) -> JSONValue {
            guard let v else { return .null }
            return lever.kind == .month ? .string(lever.text(v)) : .double(v)
        }
        var members: [(String, JSONValue)] = [
            ("key", .string(lever.key)), ("label", .string(lever.label)), ("unit", .string(lever.unit)),
            ("kind", .string(lever.kind.rawValue)), ("min", value(lever.min)), ("max", value(lever.max)),
            ("step", .double(lever.step)), ("value", value(lever.value)), ("declared", .bool(lever.declared)),
        ]
        if lever.kind == .toggle { members += [("on", value(lever.on)), ("off", value(lever.off))] }
        return .object(members)
    }
}

/// A problem starting `suanli serve`.
public struct ExplorerError: Error, CustomStringConvertible {
    public var description: String
    init(_ description: String) { self.description = description }
}
