import Experiments
import MarketModel
import Testing

@Suite("Progress and the run table")
struct ReportingTests {
    @Test("progress line: count, percentage, rate, time left")
    func progressLine() {
        #expect(StandardErrorProgress.line(label: "replications", done: 0, total: 10, elapsed: 0) == "replications 0/10 (0%)")
        #expect(StandardErrorProgress.line(label: "replications", done: 120, total: 1000, elapsed: 4)
            == "replications 120/1000 (12%), 30.0/s, 30 s left")
        #expect(StandardErrorProgress.line(label: "replications", done: 10, total: 10000, elapsed: 2.5)
            == "replications 10/10000 (0%), 4.0/s, 41 min 38 s left")
        #expect(StandardErrorProgress.line(label: "replications", done: 500, total: 500, elapsed: 2)
            == "replications 500/500 (100%), 250/s")
    }

    @Test("run table: one line per firm")
    func table() {
        var f = FirmSummary(entityKind: "firm", name: "owner-a", businessModel: "owner", replications: 10,
                            survival: ProportionEstimate(successes: 7, trials: 10),
                            profitableFinalYear: ProportionEstimate(successes: 3, trials: 10),
                            mainExitReason: .insolvent, medianExitMonth: nil)
        f.mainExitDriver = .debt
        let g = f
        f.name = "b"
        var summary = PointSummary(point: 0, scenario: "s", intervalKind: "Monte Carlo", replications: 10, firms: [g, f])
        summary.exitsByDriver = [1, 0, 2, 3, 0]
        let lines = RunTable.text(summary).split(separator: "\n")
        #expect(lines.count == 5)
        #expect(lines[0] == "firm     model  P(survive) [95% CI]  P(profit final yr)  main exit  main driver  median exit")
        #expect(lines[1] == "owner-a  owner  0.70 [0.40, 0.89]    0.30                insolvent  debt         > horizon")
        #expect(lines[3] == "exits by driver: chips 17%, datacentre 0%, price 33%, debt 50%, defaults 0% (of 6 exits)")
        #expect(lines[4] == "intervals: Monte Carlo, 10 replications")
        // A driver with exits whose share rounds to 0 is not shown as 0%.
        summary.exitsByDriver = [0, 1, 207, 0, 0]
        #expect(RunTable.text(summary).split(separator: "\n")[3]
                == "exits by driver: chips 0%, datacentre <1%, price 100%, debt 0%, defaults 0% (of 208 exits)")
        // Without exits, no line of shares.
        summary.exitsByDriver = [0, 0, 0, 0, 0]
        #expect(!RunTable.text(summary).contains("exits by driver"))
    }

    @Test("run table: one line per entrant template, with entries per replication")
    func tableWithTemplates() {
        let f = FirmSummary(entityKind: "firm", name: "owner-a", businessModel: "owner", replications: 10,
                            survival: ProportionEstimate(successes: 7, trials: 10),
                            profitableFinalYear: ProportionEstimate(successes: 3, trials: 10),
                            mainExitReason: .insolvent, medianExitMonth: nil)
        let t = TemplateSummary(name: "neo", businessModel: "hybrid", entries: SampleEstimate([2, 0, 3, 1]),
                                survival: ProportionEstimate(successes: 3, trials: 6),
                                profitableFinalYear: ProportionEstimate(successes: 1, trials: 6),
                                mainExitReason: .losing, medianTimeToExit: 5)
        let text = RunTable.text(PointSummary(point: 0, scenario: "s", intervalKind: "Monte Carlo", replications: 10,
                                              firms: [f], templates: [t]))
        let lines = text.split(separator: "\n")
        #expect(lines.count == 5)
        #expect(lines[2] == "neo-*    hybrid  0.50 [0.19, 0.81]    0.17                losing     -            +5 mo")
        #expect(lines[3].hasPrefix("entrants per replication: neo 1.50 (rows <template>-*"))
        #expect(lines[4] == "intervals: Monte Carlo, 10 replications")
    }
}
