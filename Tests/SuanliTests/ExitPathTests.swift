import Foundation
import Testing

/// The exit-path validation scenarios, `Scenarios/validation/exit-<reason>.yaml`, must end their
/// firm under test (the first provider) by their one intended reason and no other.
@Suite("Exit paths through `suanli run`")
struct ExitPathTests {
    /// `exit-<reason>` for every exit-path scenario shipped.
    static func exitScenarios() -> [String] {
        shippedScenarios().compactMap { path -> String? in
            let name = URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent
            return path.hasPrefix("Scenarios/validation/") && name.hasPrefix("exit-") ? name : nil
        }
    }

    @Test("the insolvency and loss exit scenarios are shipped")
    func shipped() {
        #expect(Set(Self.exitScenarios()).isSuperset(of: ["exit-insolvent", "exit-losing"]), "\(Self.exitScenarios())")
    }

    @Test("each exit scenario's firms exit by its reason and no other", arguments: exitScenarios())
    func exitReason(scenario: String) throws {
        let reason = String(scenario.dropFirst("exit-".count))
        try withTemporaryDirectory { tmp in
            let out = tmp.file("out")
            let replications = 16
            try runScenario(packageFile("Scenarios/validation/\(scenario).yaml").path, out: out,
                            replications: replications, seed: 11)
            let outcomes = try CSVTable(url: out.appendingPathComponent("outcomes.csv"))
            // The firm under test is the scenario's first provider; any other (a buyer for the
            // units, say) is a bystander that must survive.
            let all = outcomes.records()
            let underTest = try #require(all.first?["firm"])
            let records = all.filter { $0["firm"] == underTest }
            #expect(records.count == replications, "one row per replication for \(underTest)")
            let bystanders = all.filter { $0["firm"] != underTest }
            #expect(bystanders.allSatisfy { $0["survived"] == "true" }, "bystanders that left: \(bystanders.filter { $0["survived"] != "true" }.count)")
            #expect(Set(records.map { $0["exit_reason"] ?? "?" }) == [reason], "exit reasons seen")
            var wrong = 0
            for r in records where r["exit_reason"] != reason || r["survived"] != "false"
                || r["exit_month"]?.isEmpty != false || r["exit_day"]?.isEmpty != false {
                wrong += 1
                if wrong <= 3 { Issue.record("replication \(r["replication"] ?? "?"): \(r)") }
            }
            #expect(wrong == 0, "\(wrong) of \(records.count) replications did not exit as \(reason)")
            // and the run summary says so too
            let summary = try CSVTable(url: out.appendingPathComponent("summary.csv")).records()
            let share = summary.first { $0["kind"] == "firm" && $0["entity"] == underTest && $0["metric"] == "exit_share_\(reason)" }
            #expect(share?["estimate"] == "1", "exit_share_\(reason) in summary.csv")
            // The market-wide counts: exits by reason and by driver per replication, averaged.
            func total(_ metric: String) -> Double? {
                summary.first { $0["kind"] == "market" && $0["entity"] == "all" && $0["metric"] == metric && $0["month"] == "" }
                    .flatMap { Double($0["estimate"] ?? "") }
            }
            let exits = all.filter { $0["survived"] == "false" }
            #expect(total("exits_by_reason_\(reason)") == Double(exits.filter { $0["exit_reason"] == reason }.count) / Double(replications))
            let drivers = ["chips", "datacentre", "price", "debt", "defaults"].compactMap { total("exits_by_driver_" + $0) }
            #expect(drivers.count == 5 && abs(drivers.reduce(0, +) * Double(replications) - Double(exits.count)) < 1e-9,
                    "exits by driver \(drivers) for \(exits.count) exits")
        }
    }
}
