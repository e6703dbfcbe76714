import Foundation
import Testing

/// A single run whose scenario draws a parameter per replication ranks it in `sensitivity.csv`, as a
/// sweep ranks its parameters; a run that draws nothing writes no such file.
@Suite("sensitivity.csv for runs with per-replication draws")
struct RunSensitivityTests {
    @Test("the drawn price of small-owner ranks first for its survival, positive with its whole interval")
    func drawnPriceIsRanked() throws {
        try withTemporaryDirectory { tmp in
            let out = tmp.file("drawn")
            // With ¥1M a month of overhead the owner survives the year at ¥8 an hour or more (sweeps/smoke.yaml),
            // so a price drawn uniformly in 4…10 decides its fate.
            let run = try runScenario(packageFile("Scenarios/small-owner.yaml").path, out: out, replications: 40, seed: 1,
                                      threads: 2, overrides: [
                                          "providers[owner].prices.h800={dist: uniform, min: 4, max: 10, per: replication}",
                                          "providers[owner].fixed_opex_monthly=1e6"])
            #expect(run.status == 0, "\(run)")
            let manifest = try jsonObject(Data(contentsOf: out.appendingPathComponent("manifest.json")))
            #expect(((manifest["files"] as? [String]) ?? []).contains("sensitivity.csv"), "manifest.json lists it")

            let table = try CSVTable(url: out.appendingPathComponent("sensitivity.csv"))
            let documented = try #require(DataDictionaryEndToEndTests.documentedColumns(
                packageText("Results/README.md"))["sensitivity.csv"])
            #expect(table.header == documented, "the columns of Results/README.md, in order")
            let row = try #require(table.rows.first { $0[0] == "firm" && $0[1] == "owner" && $0[2] == "survived" },
                                   "a survival row for the owner")
            #expect(row[3] == "providers[owner].prices.h800")
            let src = try #require(Double(row[4])), low = try #require(Double(row[5])), high = try #require(Double(row[6]))
            #expect(src > 0 && low > 0 && low <= src && src <= high, "SRC \(src) [\(low), \(high)]")
            #expect(row[10] == "1" && row[11] == "40", "rank 1 of 1 over 40 runs: \(row)")

            // The same bytes on another thread count (the file is computed from the other files).
            let again = tmp.file("again")
            let second = try runScenario(packageFile("Scenarios/small-owner.yaml").path, out: again, replications: 40,
                                         seed: 1, threads: 1, overrides: [
                                             "providers[owner].prices.h800={dist: uniform, min: 4, max: 10, per: replication}",
                                             "providers[owner].fixed_opex_monthly=1e6"])
            #expect(second.status == 0, "\(second)")
            #expect(try Data(contentsOf: out.appendingPathComponent("sensitivity.csv"))
                    == Data(contentsOf: again.appendingPathComponent("sensitivity.csv")))
        }
    }

    @Test("a run that draws nothing per replication writes no sensitivity.csv")
    func noDrawsNoFile() throws {
        try withTemporaryDirectory { tmp in
            let out = tmp.file("plain")
            let run = try runScenario(packageFile("Scenarios/small-owner.yaml").path, out: out, replications: 4, seed: 1)
            #expect(run.status == 0, "\(run)")
            #expect(!FileManager.default.fileExists(atPath: out.appendingPathComponent("sensitivity.csv").path))
        }
    }
}
