import Foundation
import Testing

@Suite("`suanli bench kernel`")
struct BenchKernelTests {
    @Test("one JSON line; blocking within a 99.9% band of Erlang B")
    func benchKernel() throws {
        let result = try suanli(["bench", "kernel", "--servers", "10", "--load", "5", "--arrivals", "200000", "--seed", "1"])
        #expect(result.status == 0, "\(result)")
        #expect(result.stderr.isEmpty, "\(result)")
        let lines = result.stdout.split(separator: "\n", omittingEmptySubsequences: false)
        try #require(lines.count == 2 && lines[1].isEmpty, "exactly one line:\n\(result.stdout)")
        let json = try jsonObject(Data(lines[0].utf8))
        for key in ["events", "seconds", "events_per_second", "blocking", "ci95", "erlang_b"] {
            #expect(json[key] is NSNumber, "\(key) is a number in \(lines[0])")
        }
        let events = try #require((json["events"] as? NSNumber)?.intValue)
        let seconds = try #require((json["seconds"] as? NSNumber)?.doubleValue)
        let rate = try #require((json["events_per_second"] as? NSNumber)?.doubleValue)
        let blocking = try #require((json["blocking"] as? NSNumber)?.doubleValue)
        let ci95 = try #require((json["ci95"] as? NSNumber)?.doubleValue)
        let erlang = try #require((json["erlang_b"] as? NSNumber)?.doubleValue)
        #expect(events > 200_000, "an arrival and (mostly) a departure per tenant")
        #expect(seconds > 0 && abs(rate - Double(events) / seconds) <= 1e-9 * rate)
        #expect(abs(erlang - erlangB(load: 5, servers: 10)) < 1e-12)
        #expect(ci95 > 0 && ci95 < 0.01)
        // ci95 is a 95% half-width: widen it to 99.9%
        let band = ci95 * 3.2905 / 1.96
        print("bench kernel: blocking \(formatted(blocking)) ± \(formatted(ci95)) (95%), Erlang B \(formatted(erlang))")
        #expect(abs(blocking - erlang) <= band, "blocking \(blocking), 99.9% ± \(band), Erlang B \(erlang)")
    }

    @Test("bad bench arguments are usage errors", arguments: [
        (["--servers", "0"], "--servers must be an integer ≥ 1, got 0"),
        (["--arrivals", "10"], "--arrivals must be an integer ≥ 100, got 10"),
        (["--load", "nan"], "--load must be a finite number > 0"),
        (["--generator", "mt1993"], "unknown generator 'mt1993' (expected one of xoshiro256**, mt19937, taus2, ranlxd2); did you mean 'mt19937'?"),
    ])
    func badArguments(flags: [String], message: String) throws {
        let result = try suanli(["bench", "kernel"] + flags)
        #expect(result.status == usageErrorStatus, "\(result)")
        #expect(result.stderr.contains(message), "\(result)")
        #expect(result.stdout.isEmpty)
    }
}

@Suite("`suanli bench market`")
struct BenchMarketTests {
    @Test("one JSON line per number of firms; events grow with the market; progress unless --quiet")
    func benchMarket() throws {
        let result = try suanli(["bench", "market", "--firms", "2,8", "--replications", "2", "--months", "12", "--quiet"])
        #expect(result.status == 0, "\(result)")
        #expect(result.stderr.isEmpty, "\(result)")
        let lines = result.stdout.split(separator: "\n")
        try #require(lines.count == 2, "one line per number of firms:\n\(result.stdout)")
        var events: [Double] = []
        for (line, firms) in zip(lines, [2, 8]) {
            let json = try jsonObject(Data(line.utf8))
            #expect((json["firms"] as? NSNumber)?.intValue == firms)
            #expect((json["months"] as? NSNumber)?.intValue == 12 && (json["replications"] as? NSNumber)?.intValue == 2)
            #expect(json["consideration_max"] is NSNull)
            for key in ["events_per_replication", "ms_per_replication", "events_per_second"] {
                let x = try #require((json[key] as? NSNumber)?.doubleValue, "\(key) in \(line)")
                #expect(x > 0, "\(key) in \(line)")
            }
            events.append(try #require((json["events_per_replication"] as? NSNumber)?.doubleValue))
        }
        // Four times the firms, four times the units and the demand: more events (arrivals, leases).
        #expect(events[1] > 2 * events[0], "events per replication \(events)")
        let loud = try suanli(["bench", "market", "--firms", "1", "--replications", "1", "--months", "2", "--consideration-max", "1"])
        #expect(loud.status == 0 && loud.stderr.contains("bench market: 1 firms"), "\(loud)")
        let bad = try suanli(["bench", "market", "--firms", "10,x"])
        #expect(bad.status == usageErrorStatus && bad.stderr.contains("--firms must be a comma-separated list"), "\(bad)")
    }
}

@Suite("Progress on standard error")
struct ProgressTests {
    @Test("--quiet: nothing on stderr on success; without it, a final progress line")
    func quietAndProgress() throws {
        try withTemporaryDirectory { tmp in
            let scenario = packageFile("Scenarios/validation/erlang-loss.yaml").path
            let quiet = try runScenario(scenario, out: tmp.file("quiet"), replications: 5, seed: 1, quiet: true)
            #expect(quiet.stderr.isEmpty, "\(quiet)")
            #expect(quiet.stdout.contains("results: \(tmp.file("quiet").path)"), "\(quiet)")

            let chatty = try runScenario(scenario, out: tmp.file("chatty"), replications: 5, seed: 1, quiet: false)
            let lines = chatty.stderr.split(separator: "\n").map(String.init)
            // not a terminal: whole lines, no carriage returns or escape sequences
            #expect(!chatty.stderr.contains("\r") && !chatty.stderr.contains("\u{1B}"), "\(chatty)")
            #expect(lines.last?.hasPrefix("replications 5/5 (100%)") == true, "\(chatty)")
            #expect(chatty.stdout == quiet.stdout.replacingOccurrences(of: "/quiet", with: "/chatty"),
                    "--quiet changes only standard error")
        }
    }
}
