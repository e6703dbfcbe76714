// Support for the end-to-end tests: they run the built `suanli` binary as a subprocess,
// as swift-argument-parser's own tests do, and read what it writes.

import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// MARK: - Where things are

/// The package root, found from this file's path (Tests/SuanliTests/Support.swift).
let packageRoot = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// A file of the package by its path relative to the root.
func packageFile(_ relative: String) -> URL { packageRoot.appendingPathComponent(relative) }

/// Every shipped scenario, relative to the package root, sorted (sweep and targets folders are
/// not single scenarios and are left out).
func shippedScenarios() -> [String] {
    let dir = packageFile("Scenarios")
    guard let e = FileManager.default.enumerator(atPath: dir.path) else { return [] }
    var out: [String] = []
    while let f = e.nextObject() as? String {
        if f.hasSuffix(".yaml") && !f.hasPrefix("sweeps/") && !f.hasPrefix("targets/") { out.append("Scenarios/" + f) }
    }
    return out.sorted()
}

/// The text of a shipped file.
func packageText(_ relative: String) throws -> String {
    try String(contentsOf: packageFile(relative), encoding: .utf8)
}

enum SuanliBinary {
    /// The `suanli` executable SwiftPM built next to this test bundle in `.build/<triple>/<config>/`
    /// (`SUANLI_BINARY` overrides). Nil when it cannot be found.
    static let url: URL? = {
        let fm = FileManager.default
        if let path = ProcessInfo.processInfo.environment["SUANLI_BINARY"], !path.isEmpty {
            return URL(fileURLWithPath: path)
        }
        var folders: [URL] = []
        #if os(macOS)
        for bundle in Bundle.allBundles where bundle.bundlePath.hasSuffix(".xctest") {
            folders.append(bundle.bundleURL.deletingLastPathComponent())
        }
        #endif
        folders.append(Bundle.main.bundleURL)
        if let exe = try? fm.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
            folders.append(URL(fileURLWithPath: exe).deletingLastPathComponent())
        }
        folders.append(URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent())
        for folder in folders {
            let candidate = folder.appendingPathComponent("suanli")
            var isDir: ObjCBool = false
            if fm.fileExists(atPath: candidate.path, isDirectory: &isDir), !isDir.boolValue,
               fm.isExecutableFile(atPath: candidate.path) {
                return candidate
            }
        }
        return nil
    }()

    static func require() throws -> URL {
        try #require(url, "the built `suanli` binary was not found next to the test bundle (\(Bundle.main.bundlePath)); set SUANLI_BINARY")
    }
}

// MARK: - Running the binary

/// What one run of the binary did.
struct RunResult: CustomStringConvertible {
    var program = "suanli"
    let arguments: [String]
    let status: Int32
    let stdout: String
    let stderr: String
    let seconds: Double

    /// Standard output, then standard error (for programs that log on either).
    var output: String { stdout + (stderr.isEmpty ? "" : "\n--- stderr ---\n" + stderr) }

    /// The command, its status and the last 4,000 characters of each stream (where a failure's
    /// traceback or summary is).
    var description: String {
        "\(program) \(arguments.joined(separator: " ")) → exit \(status) in \(String(format: "%.2f", seconds)) s\n"
            + "--- stdout ---\n\(stdout.suffix(4000))\n--- stderr ---\n\(stderr.suffix(4000))"
    }
}

struct ProcessTimeout: Error, CustomStringConvertible {
    var program = "suanli"
    let arguments: [String]
    let seconds: Double
    var description: String { "\(program) \(arguments.joined(separator: " ")) did not finish in \(seconds) s; killed" }
}

/// Runs `suanli arguments…` in `directory` and waits for it (killed after `timeout` seconds).
/// Standard output and error go to files, not pipes, so a chatty run cannot block on a full pipe.
func suanli(_ arguments: [String], in directory: URL? = nil, timeout: Double = 120) throws -> RunResult {
    try runProcess(try SuanliBinary.require(), arguments, in: directory, timeout: timeout)
}

/// Runs `executable arguments…` in `directory` (default: a scratch folder) with `environment` (default:
/// this process's) and waits for it; killed after `timeout` seconds (then `ProcessTimeout`). Standard
/// output and error go to files, not pipes, so a chatty program cannot block on a full pipe.
func runProcess(_ executable: URL, _ arguments: [String], in directory: URL? = nil,
                environment: [String: String]? = nil, timeout: Double = 120) throws -> RunResult {
    let scratch = try TemporaryDirectory(prefix: "suanli-io")
    defer { scratch.remove() }
    let outURL = scratch.url.appendingPathComponent("stdout")
    let errURL = scratch.url.appendingPathComponent("stderr")
    try Data().write(to: outURL)
    try Data().write(to: errURL)
    let out = try FileHandle(forWritingTo: outURL)
    let err = try FileHandle(forWritingTo: errURL)
    defer { try? out.close(); try? err.close() }

    let process = Process()
    process.executableURL = executable
    process.arguments = arguments
    process.currentDirectoryURL = directory ?? scratch.url
    if let environment { process.environment = environment }
    process.standardInput = FileHandle.nullDevice
    process.standardOutput = out
    process.standardError = err
    let start = ContinuousClock.now
    try process.run()
    while process.isRunning {
        if seconds(since: start) > timeout {
            process.terminate()
            process.waitUntilExit()
            throw ProcessTimeout(program: executable.lastPathComponent, arguments: arguments, seconds: timeout)
        }
        usleep(2_000)
    }
    process.waitUntilExit()
    let elapsed = seconds(since: start)
    let stdout = String(decoding: (try? Data(contentsOf: outURL)) ?? Data(), as: UTF8.self)
    let stderr = String(decoding: (try? Data(contentsOf: errURL)) ?? Data(), as: UTF8.self)
    return RunResult(program: executable.lastPathComponent, arguments: arguments, status: process.terminationStatus,
                     stdout: stdout, stderr: stderr, seconds: elapsed)
}

func seconds(since start: ContinuousClock.Instant) -> Double {
    let (s, atto) = (ContinuousClock.now - start).components
    return Double(s) + Double(atto) * 1e-18
}

/// `suanli run SCENARIO --out OUT --seed … --replications … --threads … --quiet --set …`, expecting success.
@discardableResult
func runScenario(_ scenario: String, out: URL, replications: Int, seed: UInt64, threads: Int = 1,
                 overrides: [String] = [], quiet: Bool = true, members: Bool = false,
                 sourceLocation: SourceLocation = #_sourceLocation) throws -> RunResult {
    var args = ["run", scenario, "--out", out.path, "--replications", String(replications), "--seed", String(seed),
                "--threads", String(threads)]
    for o in overrides { args += ["--set", o] }
    if members { args.append("--members") }
    if quiet { args.append("--quiet") }
    let result = try suanli(args)
    try #require(result.status == 0, "\(result)", sourceLocation: sourceLocation)
    return result
}

/// Exit status swift-argument-parser uses for usage errors (EX_USAGE).
let usageErrorStatus: Int32 = 64

// MARK: - Temporary folders

/// A fresh folder under the system's temporary directory; `remove()` deletes it.
struct TemporaryDirectory {
    let url: URL

    init(prefix: String = "suanli-test") throws {
        let base = FileManager.default.temporaryDirectory
        url = base.appendingPathComponent("\(prefix)-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: false)
    }

    func file(_ name: String) -> URL { url.appendingPathComponent(name) }

    /// Names in the folder, hidden ones included, sorted.
    func contents() -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: url.path)) ?? []).sorted()
    }

    func write(_ name: String, _ text: String) throws -> URL {
        let f = file(name)
        try Data(text.utf8).write(to: f)
        return f
    }

    func write(_ name: String, bytes: [UInt8]) throws -> URL {
        let f = file(name)
        try Data(bytes).write(to: f)
        return f
    }

    func remove() { try? FileManager.default.removeItem(at: url) }
}

/// Runs `body` with a fresh temporary folder and removes the folder afterwards.
func withTemporaryDirectory<T>(_ body: (TemporaryDirectory) throws -> T) throws -> T {
    let dir = try TemporaryDirectory()
    defer { dir.remove() }
    return try body(dir)
}

// MARK: - CSV

/// A CSV file read whole: header and rows of fields (RFC 4180 quoting).
struct CSVTable {
    let name: String
    let header: [String]
    let rows: [[String]]

    init(url: URL) throws {
        let text = try String(contentsOf: url, encoding: .utf8)
        let records = CSVTable.parse(text)
        name = url.lastPathComponent
        header = records.first ?? []
        rows = Array(records.dropFirst())
    }

    /// The index of `column`; fails the test if there is none.
    func index(_ column: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> Int {
        try #require(header.firstIndex(of: column), "\(name) has no column '\(column)'", sourceLocation: sourceLocation)
    }

    /// The rows as dictionaries keyed by column.
    func records() -> [[String: String]] {
        rows.map { row in
            var d: [String: String] = [:]
            for (i, h) in header.enumerated() where i < row.count { d[h] = row[i] }
            return d
        }
    }

    /// Records and fields: quoted fields may hold commas, doubled quotes and line breaks.
    static func parse(_ text: String) -> [[String]] {
        var records: [[String]] = []
        var record: [String] = []
        var field = String.UnicodeScalarView()
        var quoted = false
        var atFieldStart = true
        var scalars = text.unicodeScalars.makeIterator()
        var pending: Unicode.Scalar? = nil
        func next() -> Unicode.Scalar? {
            if let p = pending { pending = nil; return p }
            return scalars.next()
        }
        while let c = next() {
            if quoted {
                if c == "\"" {
                    if let d = next() {
                        if d == "\"" { field.append("\"") } else { quoted = false; pending = d }
                    } else { quoted = false }
                } else { field.append(c) }
                continue
            }
            switch c {
            case "\"" where atFieldStart:
                quoted = true; atFieldStart = false
            case ",":
                record.append(String(field)); field = .init(); atFieldStart = true
            case "\n":
                record.append(String(field)); field = .init(); atFieldStart = true
                records.append(record); record = []
            default:
                field.append(c); atFieldStart = false
            }
        }
        if !field.isEmpty || !record.isEmpty { record.append(String(field)); records.append(record) }
        return records
    }
}

/// `YYYY-MM` → months since `start` (also `YYYY-MM`).
func monthIndex(_ month: String, from start: String) -> Int? {
    func parts(_ s: String) -> (Int, Int)? {
        let p = s.split(separator: "-")
        guard p.count == 2, let y = Int(p[0]), let m = Int(p[1]) else { return nil }
        return (y, m)
    }
    guard let (y, m) = parts(month), let (y0, m0) = parts(start) else { return nil }
    return (y - y0) * 12 + (m - m0)
}

/// Line and column (Unicode scalars, from 1) of the first occurrence of `needle` in `text`.
func position(of needle: String, in text: String) -> (line: Int, column: Int)? {
    guard let range = text.range(of: needle) else { return nil }
    let before = text[..<range.lowerBound]
    let line = before.filter { $0 == "\n" }.count + 1
    let lineStart = before.lastIndex(of: "\n").map { text.index(after: $0) } ?? text.startIndex
    return (line, text[lineStart..<range.lowerBound].unicodeScalars.count + 1)
}

// MARK: - JSON

func jsonObject(_ data: Data, sourceLocation: SourceLocation = #_sourceLocation) throws -> [String: Any] {
    let any = try JSONSerialization.jsonObject(with: data)
    return try #require(any as? [String: Any], "not a JSON object", sourceLocation: sourceLocation)
}

// MARK: - Statistics

/// Sample mean and the Student t half-width at two-sided confidence `level` (n ≥ 2).
struct MeanInterval: CustomStringConvertible {
    let n: Int
    let mean: Double
    let standardError: Double

    init(_ xs: [Double]) {
        let count = xs.count
        let m = xs.reduce(0, +) / Double(max(count, 1))
        var ss = 0.0
        for x in xs { ss += (x - m) * (x - m) }
        n = count
        mean = m
        standardError = count > 1 ? (ss / Double(count - 1)).squareRoot() / Double(count).squareRoot() : .infinity
    }

    func halfWidth(level: Double) -> Double {
        studentTQuantile(0.5 + level / 2, degreesOfFreedom: Double(n - 1)) * standardError
    }

    func contains(_ x: Double, level: Double) -> Bool { abs(x - mean) <= halfWidth(level: level) }

    var description: String {
        "\(formatted(mean)) ± \(formatted(halfWidth(level: 0.95))) (95%, n = \(n))"
    }
}

func formatted(_ x: Double) -> String { String(format: "%.5g", x) }

/// Erlang's B(A, C) by the stable recursion B(A,0) = 1, B(A,m) = A·B(A,m−1) / (m + A·B(A,m−1)).
func erlangB(load a: Double, servers c: Int) -> Double {
    var b = 1.0
    if c >= 1 { for m in 1...c { b = a * b / (Double(m) + a * b) } }
    return b
}

/// The `p` quantile of Student's t with `df` degrees of freedom (bisection on the CDF).
func studentTQuantile(_ p: Double, degreesOfFreedom df: Double) -> Double {
    precondition(p > 0 && p < 1 && df > 0)
    if p < 0.5 { return -studentTQuantile(1 - p, degreesOfFreedom: df) }
    var lo = 0.0, hi = 1.0
    while studentTCDF(hi, df) < p { hi *= 2 }
    for _ in 0..<200 {
        let mid = (lo + hi) / 2
        if studentTCDF(mid, df) < p { lo = mid } else { hi = mid }
        if hi - lo < 1e-13 * max(1, hi) { break }
    }
    return (lo + hi) / 2
}

/// P(T ≤ t) for Student's t with `df` degrees of freedom.
func studentTCDF(_ t: Double, _ df: Double) -> Double {
    let x = df / (df + t * t)
    let tail = 0.5 * regularizedIncompleteBeta(x, a: df / 2, b: 0.5)
    return t >= 0 ? 1 - tail : tail
}

/// I_x(a, b) by the continued fraction (modified Lentz), using the symmetry for x > (a+1)/(a+b+2).
func regularizedIncompleteBeta(_ x: Double, a: Double, b: Double) -> Double {
    if x <= 0 { return 0 }
    if x >= 1 { return 1 }
    let lnFront = lgamma(a + b) - lgamma(a) - lgamma(b) + a * log(x) + b * log1p(-x)
    if x > (a + 1) / (a + b + 2) { return 1 - regularizedIncompleteBeta(1 - x, a: b, b: a) }
    let tiny = 1e-300
    var c = 1.0, d = 1 - (a + b) * x / (a + 1)
    if abs(d) < tiny { d = tiny }
    d = 1 / d
    var f = d
    for m in 1...400 {
        let m = Double(m)
        let even = m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m))
        d = 1 + even * d; if abs(d) < tiny { d = tiny }
        c = 1 + even / c; if abs(c) < tiny { c = tiny }
        d = 1 / d; f *= c * d
        let odd = -(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 2 * m + 1))
        d = 1 + odd * d; if abs(d) < tiny { d = tiny }
        c = 1 + odd / c; if abs(c) < tiny { c = tiny }
        d = 1 / d
        let delta = c * d
        f *= delta
        if abs(delta - 1) < 1e-15 { break }
    }
    return exp(lnFront) * f / a
}

/// Jupyter chooses a kernel's TCP ports by binding free ones and letting them go, so two kernels started at
/// the same moment by different processes can choose the same port and one fails with "Address already in
/// use". Tests that start a kernel (a notebook run, a real report) hold this lock for the whole run.
private let jupyterKernelLock = NSLock()

/// Runs `body` while no other test of this process runs a Jupyter kernel.
func oneKernelAtATime<T>(_ body: () throws -> T) rethrows -> T {
    jupyterKernelLock.lock()
    defer { jupyterKernelLock.unlock() }
    return try body()
}

/// A sweep file over the smallest market that can fail (`Scenarios/small-owner.yaml`): the owner's
/// price [4, 10], its overhead [2.5e5, 1e6] and the tenants' arrival rate [60, 180], with `design`
/// (its lines, e.g. `design: sobol\nbase_points: 16`), written as `name` into `dir`; its path.
func writeSmallOwnerSweep(_ dir: TemporaryDirectory, name: String, design: String, replications: Int, seed: Int) throws -> String {
    try dir.write(name, """
        base: \(packageFile("Scenarios/small-owner.yaml").path)
        \(design)
        replications: \(replications)
        seed: \(seed)
        parameters:
          - path: providers[owner].prices.h800
            range: [4, 10]
          - path: providers[owner].fixed_opex_monthly
            range: [2.5e5, 1e6]
          - path: demand.segments[tenants].rate
            range: [60, 180]
        """).path
}
