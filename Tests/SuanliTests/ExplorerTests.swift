// `suanli serve` against a running server on loopback (docs/explorer.md): the listing and its levers,
// a compare whose files equal `suanli compare`'s byte for byte, server-sent events, cancelling, lever
// values refused with located messages, path traversal (plain and percent-encoded) and an over-large
// body refused, the token off loopback, and a clean stop on SIGINT that leaves no temporary files.
// Requests go through a raw socket, so the request target reaches the server exactly as written.

import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// MARK: - A server process

/// `suanli serve --port 0 …` started in the background; its first line says the port.
final class ServeProcess {
    let process = Process()
    let port: Int
    /// The address line's query (`?token=…`), empty on loopback.
    let query: String
    let temporary: TemporaryDirectory
    private let stdoutURL: URL
    private let stderrURL: URL

    /// - Parameter tmp: the server's TMPDIR (where its temporary folder goes), for checks.
    init(_ arguments: [String], tmp: URL) throws {
        temporary = try TemporaryDirectory(prefix: "suanli-serve-io")
        stdoutURL = temporary.file("stdout")
        stderrURL = temporary.file("stderr")
        try Data().write(to: stdoutURL)
        try Data().write(to: stderrURL)
        process.executableURL = try SuanliBinary.require()
        process.arguments = ["serve", "--port", "0"] + arguments
        process.currentDirectoryURL = packageRoot
        var environment = ProcessInfo.processInfo.environment
        environment["TMPDIR"] = tmp.path
        process.environment = environment
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = try FileHandle(forWritingTo: stdoutURL)
        process.standardError = try FileHandle(forWritingTo: stderrURL)
        try process.run()
        let start = ContinuousClock.now
        var line: Substring?
        while line == nil {
            let text = String(decoding: (try? Data(contentsOf: stdoutURL)) ?? Data(), as: UTF8.self)
            if let first = text.split(separator: "\n").first, text.contains("\n") { line = first; break }
            guard process.isRunning, seconds(since: start) < 60 else {
                process.terminate()
                let said = String(decoding: (try? Data(contentsOf: stderrURL)) ?? Data(), as: UTF8.self)
                throw ServeFailure("suanli serve did not print its address in 60 s; stderr:\n\(said)")
            }
            usleep(20_000)
        }
        // `suanli serve: http://127.0.0.1:PORT/` or `…/?token=T`
        guard let l = line, let range = l.range(of: ":", options: [], range: l.range(of: "http://")!.upperBound..<l.endIndex)
              ?? l.range(of: "]:") else {
            throw ServeFailure("unexpected first line: \(line ?? "")")
        }
        let rest = l[range.upperBound...]
        port = Int(rest.prefix { $0.isNumber }) ?? 0
        query = rest.firstIndex(of: "?").map { String(rest[$0...]) } ?? ""
        self.firstLine = String(l)
    }

    let firstLine: String
    var stderrText: String { String(decoding: (try? Data(contentsOf: stderrURL)) ?? Data(), as: UTF8.self) }

    /// Stops it with SIGINT (Ctrl-C) and returns its exit status.
    @discardableResult
    func stop() -> Int32 {
        if process.isRunning { kill(process.processIdentifier, SIGINT) }
        let start = ContinuousClock.now
        while process.isRunning && seconds(since: start) < 20 { usleep(10_000) }
        if process.isRunning { process.terminate(); process.waitUntilExit() }
        temporary.remove()
        return process.terminationStatus
    }

    deinit { if process.isRunning { process.terminate() } }

    func request(_ method: String, _ target: String, body: Data? = nil, headers: [String: String] = [:],
                 host: String? = nil) throws -> HTTPReply {
        try rawHTTP(method, target, port: port, body: body, headers: headers, host: host ?? "127.0.0.1:\(port)")
    }

    func json(_ method: String, _ target: String, body: Any? = nil, sourceLocation: SourceLocation = #_sourceLocation) throws -> (Int, [String: Any]) {
        let data = try body.map { try JSONSerialization.data(withJSONObject: $0) }
        let reply = try request(method, target, body: data, headers: data == nil ? [:] : ["Content-Type": "application/json"])
        let object = try #require((try? JSONSerialization.jsonObject(with: reply.body)) as? [String: Any],
                                  "\(method) \(target) → \(reply.status), not a JSON object: \(reply.text.prefix(500))",
                                  sourceLocation: sourceLocation)
        return (reply.status, object)
    }
}

struct ServeFailure: Error, CustomStringConvertible {
    var description: String
    init(_ d: String) { description = d }
}

// MARK: - A raw HTTP/1.1 client

struct HTTPReply {
    var status: Int
    /// Lower-cased names.
    var headers: [String: String]
    var body: Data
    var text: String { String(decoding: body, as: UTF8.self) }
}

/// Sends exactly `METHOD target HTTP/1.1` (no normalisation of `..` or percent escapes) with
/// `Connection: close`, and reads the reply to its end (chunked bodies decoded).
func rawHTTP(_ method: String, _ target: String, port: Int, body: Data?, headers: [String: String], host: String,
             timeout: Int = 180) throws -> HTTPReply {
    #if canImport(Glibc)
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    #else
    let fd = socket(AF_INET, SOCK_STREAM, 0)
    #endif
    guard fd >= 0 else { throw ServeFailure("socket() failed") }
    defer { close(fd) }
    var tv = timeval(tv_sec: timeout, tv_usec: 0)
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = in_port_t(UInt16(port).bigEndian)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    let connected = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
    }
    guard connected == 0 else { throw ServeFailure("cannot connect to 127.0.0.1:\(port)") }
    var head = "\(method) \(target) HTTP/1.1\r\nHost: \(host)\r\nConnection: close\r\n"
    for (k, v) in headers { head += "\(k): \(v)\r\n" }
    if let body { head += "Content-Length: \(body.count)\r\n" }
    head += "\r\n"
    var out = Data(head.utf8)
    if let body { out.append(body) }
    // The server may answer (413) and close before reading a large body: a failed send is not an error.
    out.withUnsafeBytes { raw in
        var sent = 0
        while sent < raw.count {
            #if canImport(Glibc)
            let n = send(fd, raw.baseAddress! + sent, raw.count - sent, Int32(MSG_NOSIGNAL))
            #else
            let n = send(fd, raw.baseAddress! + sent, raw.count - sent, 0)
            #endif
            if n <= 0 { return }
            sent += n
        }
    }
    var reply = Data()
    var buffer = [UInt8](repeating: 0, count: 65536)
    while true {
        let n = recv(fd, &buffer, buffer.count, 0)
        if n <= 0 { break }
        reply.append(contentsOf: buffer[0..<n])
    }
    guard let split = reply.range(of: Data("\r\n\r\n".utf8)) else {
        throw ServeFailure("\(method) \(target): no HTTP reply (\(reply.count) bytes)")
    }
    let headText = String(decoding: reply[..<split.lowerBound], as: UTF8.self)
    var lines = headText.components(separatedBy: "\r\n")
    let statusLine = lines.removeFirst().split(separator: " ")
    let status = statusLine.count > 1 ? Int(statusLine[1]) ?? 0 : 0
    var fields: [String: String] = [:]
    for l in lines {
        guard let colon = l.firstIndex(of: ":") else { continue }
        fields[l[..<colon].lowercased()] = l[l.index(after: colon)...].trimmingCharacters(in: .whitespaces)
    }
    var content = Data(reply[split.upperBound...])
    if fields["transfer-encoding"]?.lowercased() == "chunked" {
        var decoded = Data()
        var rest = content[...]
        while let lineEnd = rest.range(of: Data("\r\n".utf8)) {
            let size = Int(String(decoding: rest[..<lineEnd.lowerBound], as: UTF8.self).split(separator: ";")[0], radix: 16) ?? 0
            if size == 0 { break }
            let start = lineEnd.upperBound
            let end = rest.index(start, offsetBy: size, limitedBy: rest.endIndex) ?? rest.endIndex
            decoded.append(rest[start..<end])
            rest = rest[Swift.min(rest.endIndex, end + 2)...]
        }
        content = decoded
    }
    return HTTPReply(status: status, headers: fields, body: content)
}

/// The events of a server-sent-event text: (name, data).
func serverSentEvents(_ text: String) -> [(String, String)] {
    text.components(separatedBy: "\n\n").compactMap { block in
        var name = "message", data = ""
        for line in block.split(separator: "\n") {
            if line.hasPrefix("event: ") { name = String(line.dropFirst(7)) }
            if line.hasPrefix("data: ") { data += line.dropFirst(6) }
        }
        return block.isEmpty ? nil : (name, data)
    }
}

/// A manifest without its run-time part, as sorted JSON text.
func manifestWithoutRuntime(_ data: Data) throws -> String {
    var object = try #require((try JSONSerialization.jsonObject(with: data)) as? [String: Any])
    object["runtime"] = nil
    return String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]), as: UTF8.self)
}

/// A folder `served` in `dir` holding copies of the package's scenario files `files`.
func servedFolder(in dir: TemporaryDirectory, with files: [String]) throws -> URL {
    let served = dir.url.appendingPathComponent("served")
    try FileManager.default.createDirectory(at: served, withIntermediateDirectories: true)
    for file in files {
        try FileManager.default.copyItem(at: packageFile(file), to: served.appendingPathComponent((file as NSString).lastPathComponent))
    }
    return served
}

// MARK: - Tests

@Suite("suanli serve: the explorer's API on loopback", .serialized)
struct ExplorerAPITests {
    let scenarios = packageFile("Scenarios").path

    @Test("GET /api/scenarios lists the folder's scenarios by name with their levers; a scenario without levers is offered the tool's")
    func listing() throws {
        try withTemporaryDirectory { dir in
            // A folder with one scenario declaring no levers, and a file that is not a scenario.
            let served = try servedFolder(in: dir, with: ["Scenarios/validation/exit-losing.yaml"])
            try "not: [a scenario".write(to: served.appendingPathComponent("broken.yaml"), atomically: true, encoding: .utf8)
            let server = try ServeProcess(["--scenarios", served.path, "--quiet"], tmp: dir.url)
            defer { server.stop() }
            let (status, listing) = try server.json("GET", "/api/scenarios")
            #expect(status == 200)
            let list = try #require(listing["scenarios"] as? [[String: Any]])
            #expect(list.map { $0["name"] as? String } == ["exit-losing"])
            let levers = try #require(list.first?["levers"] as? [[String: Any]])
            #expect(!levers.isEmpty, "a scenario without levers: is offered the tool's")
            #expect(levers.allSatisfy { $0["declared"] as? Bool == false })

            let shipped = try ServeProcess(["--scenarios", scenarios, "--quiet"], tmp: dir.url)
            defer { shipped.stop() }
            let (_, all) = try shipped.json("GET", "/api/scenarios")
            let names = try #require(all["scenarios"] as? [[String: Any]]).compactMap { $0["name"] as? String }
            #expect(Set(["baseline", "export-ban-h20", "power-price-spike", "overbuild-price-war", "ai-demand-bust"]).isSubset(of: Set(names)))
            let (code, baseline) = try shipped.json("GET", "/api/scenarios/baseline")
            #expect(code == 200)
            let declared = try #require(baseline["levers"] as? [[String: Any]])
            #expect(declared.count >= 6 && declared.allSatisfy { $0["declared"] as? Bool == true })
            let growth = try #require(declared.first { $0["key"] as? String == "demand.segments[llm-training].growth.rate" })
            #expect(growth["value"] as? Double == 0.2 && growth["min"] as? Double == 0 && growth["max"] as? Double == 0.6)
            let ban = try #require(declared.first { $0["kind"] as? String == "month" })
            #expect(ban["value"] as? String == "2025-04")
            // Levers are presentation: the resolved scenario (and so its hash) does not hold them.
            let yaml = try #require(baseline["resolved_yaml"] as? String)
            #expect(!yaml.contains("levers"))
            let shown = try suanli(["show", packageFile("Scenarios/baseline.yaml").path])
            #expect(shown.stdout.hasSuffix(yaml), "the API's resolved scenario is `suanli show`'s")
            let (missing, problem) = try shipped.json("GET", "/api/scenarios/no-such-scenario")
            #expect(missing == 404 && (problem["error"] as? String)?.contains("no scenario named") == true)
        }
    }

    @Test("a run is `suanli compare FILE FILE --set-variant …`: the same CSV bytes and manifest; its events end with done")
    func compareEqualsTheCommandLine() throws {
        try withTemporaryDirectory { dir in
            let server = try ServeProcess(["--scenarios", scenarios, "--quiet"], tmp: dir.url)
            defer { server.stop() }
            let posted: [String: Any] = [
                "scenario": "baseline", "replications": 96, "seed": 7,
                "levers": ["demand.segments[llm-training].growth.rate": 0.4, "shocks[2].capacity_factor": 0, "shocks[2].from": "2025-01"],
            ]
            let (status, run) = try server.json("POST", "/api/runs", body: posted)
            #expect(status == 202, "\(run)")
            let id = try #require(run["id"] as? String)
            let overrides = try #require(run["overrides"] as? [String])
            // In the scenario's lever order, whatever the order posted.
            #expect(overrides == ["demand.segments[llm-training].growth.rate=0.4", "shocks[2].capacity_factor=0", "shocks[2].from=2025-01"])

            // The events: progress, then done with the run and its result. (The first event is progress
            // only while the run is still going when the request arrives: 192 runs of the baseline
            // take about half a second on two threads, against milliseconds for a loopback request.)
            let stream = try server.request("GET", "/api/runs/\(id)/events")
            #expect(stream.status == 200 && stream.headers["content-type"]?.hasPrefix("text/event-stream") == true)
            let events = serverSentEvents(stream.text)
            #expect(events.first?.0 == "progress")
            #expect(events.last?.0 == "done", "\(stream.text.suffix(300))")
            let done = try #require((try JSONSerialization.jsonObject(with: Data(events.last!.1.utf8))) as? [String: Any])
            #expect(done["state"] as? String == "done")
            let (_, finished) = try server.json("GET", "/api/runs/\(id)")
            #expect(finished["state"] as? String == "done" && finished["done"] as? Int == 192 && finished["total"] as? Int == 192)
            let result = try #require(finished["result"] as? [String: Any])

            // The files, against the command line with the same seed, replications and overrides.
            let (_, listed) = try server.json("GET", "/api/runs/\(id)/files")
            let files = try #require(listed["files"] as? [String])
            #expect(files.contains("compare.csv") && files.contains("manifest.json") && files.contains("firms_monthly.csv"))
            let file = packageFile("Scenarios/baseline.yaml").path
            let cli = dir.url.appendingPathComponent("cli")
            let compared = try suanli(["compare", file, file, "--seed", "7", "--replications", "96", "--out", cli.path, "--quiet"]
                                      + overrides.flatMap { ["--set-variant", $0] })
            #expect(compared.status == 0, "\(compared)")
            let cliFiles = try FileManager.default.contentsOfDirectory(atPath: cli.path).sorted()
            #expect(files == cliFiles)
            for name in files {
                let reply = try server.request("GET", "/api/runs/\(id)/files/\(name)")
                #expect(reply.status == 200)
                #expect(reply.headers["content-disposition"]?.contains("attachment") == true)
                let expected = try Data(contentsOf: cli.appendingPathComponent(name))
                if name == "manifest.json" {
                    #expect(try manifestWithoutRuntime(reply.body) == manifestWithoutRuntime(expected), "manifest.json differs beyond runtime")
                } else {
                    #expect(reply.body == expected, "\(name) differs from suanli compare's")
                }
            }

            // The page's survival rows are compare.csv's p_survive rows.
            let table = try CSVTable(url: cli.appendingPathComponent("compare.csv"))
            let survive = table.records().filter { $0["metric"] == "p_survive" }
            let rows = try #require(result["survival"] as? [[String: Any]])
            #expect(rows.map { $0["entity"] as? String } == survive.map { $0["entity"] })
            for (row, csv) in zip(rows, survive) {
                #expect((row["diff"] as? Double).map { abs($0 - Double(csv["diff"]!)!) <= 1e-12 } == true)
            }
            let months = try #require(result["months"] as? [String])
            #expect(months.count == 60 && months.first == "2024-01")
            let prices = try #require((result["prices"] as? [String: Any])?["base"] as? [String: Any])
            let h20 = try #require((prices["h20"] as? [String: Any])?["p50"] as? [Any])
            #expect(h20.count == 60)
        }
    }

    @Test("DELETE cancels a running run: it ends cancelled, has no files, and leaves nothing in the temporary folder")
    func cancel() throws {
        try withTemporaryDirectory { dir in
            let server = try ServeProcess(["--scenarios", scenarios, "--quiet"], tmp: dir.url)
            let (status, run) = try server.json("POST", "/api/runs", body: ["scenario": "baseline", "replications": 2000, "seed": 3])
            #expect(status == 202)
            let id = try #require(run["id"] as? String)
            let (code, cancelled) = try server.json("DELETE", "/api/runs/\(id)")
            #expect(code == 200 && cancelled["state"] as? String == "cancelled")
            let events = serverSentEvents(try server.request("GET", "/api/runs/\(id)/events").text)
            #expect(events.map(\.0) == ["cancelled"])
            let (filesStatus, _) = try server.json("GET", "/api/runs/\(id)/files")
            #expect(filesStatus == 409)
            // The run's thread stops at its next result and its folder is removed.
            let tmp = try #require(try FileManager.default.contentsOfDirectory(atPath: dir.url.path).first { $0.hasPrefix("suanli-serve-") })
            let runFolder = dir.url.appendingPathComponent(tmp).appendingPathComponent("run-\(id)")
            let start = ContinuousClock.now
            while seconds(since: start) < 30 {
                let left = (try? FileManager.default.contentsOfDirectory(atPath: dir.url.appendingPathComponent(tmp).path)) ?? []
                if left.isEmpty { break }
                usleep(50_000)
            }
            #expect(!FileManager.default.fileExists(atPath: runFolder.path))
            #expect(((try? FileManager.default.contentsOfDirectory(atPath: dir.url.appendingPathComponent(tmp).path)) ?? []).isEmpty)
            // A second run goes through: the cancelled one no longer holds a slot.
            let (again, second) = try server.json("POST", "/api/runs", body: ["scenario": "baseline", "replications": 2, "seed": 3])
            #expect(again == 202)
            let secondID = try #require(second["id"] as? String)
            #expect(serverSentEvents(try server.request("GET", "/api/runs/\(secondID)/events").text).last?.0 == "done")
            // Ctrl-C: exit 0, and the temporary folder is gone.
            #expect(server.stop() == 0)
            #expect(try FileManager.default.contentsOfDirectory(atPath: dir.url.path).filter { $0.hasPrefix("suanli-serve-") }.isEmpty)
        }
    }

    @Test("lever values outside their lever get the located message; values the key refuses get the command line's --set diagnostic")
    func badLeverValues() throws {
        try withTemporaryDirectory { dir in
            let server = try ServeProcess(["--scenarios", scenarios, "--quiet"], tmp: dir.url)
            defer { server.stop() }
            let key = "demand.segments[llm-training].growth.rate"
            let (status, problem) = try server.json("POST", "/api/runs", body: ["scenario": "baseline", "levers": [key: 0.9]])
            #expect(status == 400)
            let diagnostic = try #require((problem["diagnostics"] as? [String])?.first)
            // Located at the lever's `max:` in the file, as the command line locates a scenario's values.
            let text = try packageText("Scenarios/baseline.yaml")
            let leversLine = try #require(position(of: "\nlevers:\n", in: text)).line + 1
            let lines = text.components(separatedBy: "\n")
            let maxLine = try #require((leversLine..<lines.count).first { lines[$0].contains("max: 0.6") }) + 1
            let file = packageFile("Scenarios/baseline.yaml").path
            #expect(diagnostic.hasPrefix("\(file):\(maxLine):10: error: levers[0].max: \(key) = 0.9 is above the lever's maximum 0.6"),
                    "\(diagnostic)")
            #expect(diagnostic.contains("\n    max: 0.6\n         ^"), "the source line and a caret: \(diagnostic)")

            for (levers, fragment) in [
                ([key: "fast"], "expected a number"),
                (["shocks[2].from": "2025-4"], "expected a month"),
                (["shocks[2].from": "2023-01"], "below the lever's minimum 2024-06"),
                (["shocks[2].capacity_factor": 0.5], "neither the switch's on value"),
                (["tiers[h800].tflops": 1], "is not a lever of baseline"),
            ] as [([String: Any], String)] {
                let (code, answer) = try server.json("POST", "/api/runs", body: ["scenario": "baseline", "levers": levers])
                let said = (answer["error"] as? String ?? "") + ((answer["diagnostics"] as? [String]) ?? []).joined()
                #expect(code == 400 && said.contains(fragment), "\(levers): \(code) \(said)")
            }
            for body in [["scenario": "baseline", "replications": 0], ["scenario": "baseline", "replications": 2.5],
                         ["scenario": "baseline", "seed": -1], ["scenario": "baseline", "colour": "red"], ["levers": [:]]] as [[String: Any]] {
                let (code, _) = try server.json("POST", "/api/runs", body: body)
                #expect(code == 400, "\(body)")
            }
        }
        // A value inside its lever that the scenario refuses: the command line's own diagnostic.
        try withTemporaryDirectory { dir in
            let served = try servedFolder(in: dir, with: [])
            let scenario = served.appendingPathComponent("late.yaml").path
            try """
            extends: \(packageFile("Scenarios/baseline.yaml").path)
            name: late-default-wave
            levers:
              - key: shocks[3].from
                label: Default wave from
                min: 2024-01
                max: 2027-12

            """.write(toFile: scenario, atomically: true, encoding: .utf8)
            let server = try ServeProcess(["--scenarios", served.path, "--quiet"], tmp: dir.url)
            defer { server.stop() }
            let (status, problem) = try server.json("POST", "/api/runs", body: ["scenario": "late-default-wave", "levers": ["shocks[3].from": "2026-06"]])
            #expect(status == 400)
            let diagnostics = try #require(problem["diagnostics"] as? [String])
            let cli = try suanli(["compare", scenario, scenario, "--set-variant", "shocks[3].from=2026-06", "--replications", "1"])
            #expect(cli.status != 0)
            #expect(!diagnostics.isEmpty && diagnostics.allSatisfy { cli.stderr.contains($0) }, "API: \(diagnostics)\nCLI: \(cli.stderr)")
        }
    }

    @Test("names, never paths: traversal plain and percent-encoded is refused, and an over-large body gets 413")
    func safety() throws {
        try withTemporaryDirectory { dir in
            let served = try servedFolder(in: dir, with: ["Scenarios/validation/exit-losing.yaml"])
            // A scenario beside the served folder, which must stay out of reach.
            let secret = try String(contentsOf: packageFile("Scenarios/validation/exit-losing.yaml"), encoding: .utf8)
                .replacingOccurrences(of: "name: exit-losing", with: "name: secret")
            try secret.write(to: dir.url.appendingPathComponent("secret.yaml"), atomically: true, encoding: .utf8)
            #expect(secret.contains("name: secret"))
            let server = try ServeProcess(["--scenarios", served.path, "--quiet"], tmp: dir.url)
            defer { server.stop() }
            for target in ["/api/scenarios/../secret", "/api/scenarios/..%2Fsecret", "/api/scenarios/%2e%2e%2fsecret",
                           "/api/scenarios/%2E%2E/secret", "/api/scenarios/..%252Fsecret", "/api/scenarios/secret",
                           "/api/scenarios/..%2F..%2F..%2Fetc%2Fpasswd", "/../secret.yaml", "/%2e%2e/secret.yaml",
                           "/api/scenarios/%2Fetc%2Fpasswd", "/api/runs/1/files/..%2F..%2Fsecret.yaml"] {
                let reply = try server.request("GET", target)
                #expect((400..<500).contains(reply.status), "\(target) → \(reply.status)")
                #expect(!reply.text.contains("name: secret") && !reply.text.contains("root:x:0"), "\(target) leaked: \(reply.text.prefix(200))")
            }
            for name in ["../secret", "..%2Fsecret", "/etc/passwd", "secret"] {
                let (code, _) = try server.json("POST", "/api/runs", body: ["scenario": name])
                #expect(code == 404, "scenario \(name) → \(code)")
            }
            // A body over 64 KiB is refused before it is read whole.
            let big = Data(("{\"scenario\": \"exit-losing\", \"pad\": \"" + String(repeating: "x", count: 200_000) + "\"}").utf8)
            let reply = try server.request("POST", "/api/runs", body: big, headers: ["Content-Type": "application/json"])
            #expect(reply.status == 413, "\(reply.status) \(reply.text.prefix(200))")
            // Another site's name for this server (DNS rebinding) is refused on loopback.
            #expect(try server.request("GET", "/api/scenarios", host: "evil.example:\(server.port)").status == 403)
            #expect(try server.request("GET", "/api/scenarios").status == 200)
        }
    }

    @Test("off loopback a token is printed and required on every API request")
    func token() throws {
        try withTemporaryDirectory { dir in
            let server = try ServeProcess(["--host", "0.0.0.0", "--scenarios", scenarios, "--quiet"], tmp: dir.url)
            defer { server.stop() }
            #expect(server.query.hasPrefix("?token="), "\(server.firstLine)")
            let token = String(server.query.dropFirst("?token=".count))
            // 128 bits, always 32 hex digits (a word with leading zeros once made it shorter).
            #expect(token.count == 32 && token.allSatisfy(\.isHexDigit), "\(token)")
            #expect(try server.request("GET", "/api/scenarios").status == 401)
            #expect(try server.request("GET", "/api/scenarios?token=wrong").status == 401)
            #expect(try server.request("GET", "/api/scenarios?token=\(token)").status == 200)
            #expect(try server.request("GET", "/api/scenarios", headers: ["Authorization": "Bearer \(token)"]).status == 200)
            let (status, refused) = try server.json("POST", "/api/runs", body: ["scenario": "baseline"])
            #expect(status == 401 && (refused["error"] as? String)?.contains("token") == true, "errors keep the API's shape: \(refused)")
        }
    }

    @Test("usage errors: a port out of range, a missing folder")
    func usage() throws {
        let port = try suanli(["serve", "--port", "70000"])
        #expect(port.status == 64 && port.stderr.contains("--port must be in 0 … 65535"), "\(port)")
        let folder = try suanli(["serve", "--port", "0", "--scenarios", "/no/such/folder"])
        #expect(folder.status == 1 && folder.stderr.contains("--scenarios /no/such/folder: no such folder"), "\(folder)")
    }
}
