// The edges a new user hit: counts past the limits, an output place that cannot work, a sweep file
// given to validate, a sweep stopped by its event budget.

import Foundation
import Testing

@Suite("Edges: limits, output place, sweep files in validate, a sweep that stops")
struct EdgesEndToEndTests {
    static let erlang = packageFile("Scenarios/validation/erlang-loss.yaml").path
    static let smoke = packageFile("Scenarios/sweeps/smoke.yaml").path

    @Test("replications, threads and precision past their limits are refused as usage errors before anything is made",
          arguments: [
            (["run", erlang, "--replications", "10000000000"], "--replications must be at most 1000000, got 10000000000"),
            (["run", erlang, "--replications", "1000001"], "--replications must be at most 1000000, got 1000001"),
            (["compare", erlang, erlang, "--replications", "10000000000"], "--replications must be at most 1000000"),
            (["run", erlang, "--threads", "2305843009213693952"], "--threads must be at most 1024, got 2305843009213693952"),
            (["run", erlang, "--threads", "1000000000"], "--threads must be at most 1024, got 1000000000"),
            (["compare", erlang, erlang, "--threads", "1025"], "--threads must be at most 1024, got 1025"),
            (["sweep", smoke, "--threads", "1000000000"], "--threads must be at most 1024, got 1000000000"),
            (["run", erlang, "--replications", "5", "--precision", "0.1"], "--replications and --precision exclude each other"),
            (["run", erlang, "--max-replications", "50"], "--max-replications needs --precision"),
            (["compare", erlang, erlang, "--precision", "1.5"], "--precision must be a half-width in (0, 1), e.g. 0.05, got 1.5"),
            (["run", erlang, "--precision", "0.1", "--max-replications", "0"], "--max-replications must be in 1 … 1000000, got 0"),
          ])
    func limits(_ arguments: [String], _ message: String) throws {
        try withTemporaryDirectory { tmp in
            let result = try suanli(arguments + ["--out", "out", "--quiet"], in: tmp.url)
            #expect(result.status == usageErrorStatus, "\(result)")
            #expect(result.stderr.contains(message), "\(result)")
            #expect(tmp.contents().isEmpty, "nothing made: \(tmp.contents())")
        }
    }

    @Test("the largest accepted thread count runs, with no more workers than jobs")
    func maxThreadsRuns() throws {
        try withTemporaryDirectory { tmp in
            let result = try suanli(["run", Self.erlang, "--replications", "2", "--threads", "1024", "--out", "out",
                                     "--quiet"], in: tmp.url)
            #expect(result.status == 0, "\(result)")
            #expect(tmp.contents() == ["out"])
        }
    }

    @Test("an output place that cannot work is refused before the scenario runs",
          arguments: [["run", erlang], ["compare", erlang, erlang], ["sweep", smoke]])
    func outputPlace(_ command: [String]) throws {
        try withTemporaryDirectory { tmp in
            for out in [".", "..", "./", tmp.url.path, "notes.txt", "keep"] {
                _ = try tmp.write("notes.txt", "mine")
                try FileManager.default.createDirectory(at: tmp.file("keep"), withIntermediateDirectories: true)
                _ = try tmp.write("keep/thesis.tex", "mine")
                let result = try suanli(command + ["--out", out] + (command[0] == "sweep" ? [] : ["--replications", "2"]),
                                        in: tmp.url)
                #expect(result.status == usageErrorStatus, "--out \(out): \(result)")
                #expect(result.stderr.contains("output"), "--out \(out): \(result)")
                #expect(result.stdout.isEmpty, "nothing ran: \(result)")
                #expect(tmp.contents() == ["keep", "notes.txt"], "--out \(out): \(tmp.contents())")
                #expect(try String(contentsOf: tmp.file("keep/thesis.tex"), encoding: .utf8) == "mine")
            }
        }
    }

    @Test("validate recognises a sweep file and checks it as a sweep, points included")
    func validateSweep() throws {
        let ok = try suanli(["validate", Self.smoke], in: packageRoot)
        #expect(ok.status == 0, "\(ok)")
        #expect(ok.stdout.contains("\(Self.smoke): ok (sweep 'smoke': "), "\(ok)")
        #expect(!ok.stderr.contains("error"), "\(ok)")

        try withTemporaryDirectory { tmp in
            let bad = try tmp.write("bad.yaml", """
                base: \(Self.erlang)
                design: grid
                replications: 2
                seed: 1
                parameters:
                  - path: demand.segments[tenants].rate
                    values: [10, -5]
                """)
            let result = try suanli(["validate", bad.path], in: tmp.url)
            #expect(result.status == 1, "\(result)")
            #expect(result.stderr.contains("point 1 (demand.segments[tenants].rate=-5)"), "\(result)")
            #expect(result.stderr.contains("1 of 2 points of \(bad.path) are not valid scenarios"), "\(result)")
            #expect(!result.stderr.contains("unknown key 'base'"), "not read as a scenario: \(result)")
        }
    }

    @Test("a sweep stopped by limits.max_events says so and keeps its partial folder")
    func sweepStoppedByEventBudget() throws {
        try withTemporaryDirectory { tmp in
            let file = try tmp.write("budget.yaml", """
                base: \(Self.erlang)
                design: grid
                replications: 2
                seed: 1
                parameters:
                  - path: limits.max_events
                    values: [100000000, 50]
                """)
            let result = try suanli(["sweep", file.path, "--out", "res", "--threads", "1", "--quiet"], in: tmp.url)
            #expect(result.status == 1, "\(result)")
            #expect(result.stderr.contains("limits.max_events (50)"), "\(result)")
            let partial = tmp.file(".res.sweep-partial").path
            #expect(result.stderr.contains("the sweep stopped at this replication"), "\(result)")
            #expect(result.stderr.contains("kept in \(partial)"), "\(result)")
            #expect(tmp.contents() == [".res.sweep-partial", "budget.yaml"], "\(tmp.contents())")
        }
    }
}
