import Experiments
import MarketModel
import ScenarioModule
import Stochastics
import Testing

/// A population's firms in the output files: pooled in summary.csv and survival.csv, and rows of
/// their own in firms_monthly.csv and outcomes.csv only when asked for (`members`).
@Suite("Populations in the outputs")
struct PopulationOutputTests {
    /// A named owner and a population of 4 small owners, drawn per firm, over 12 months.
    static let yaml = """
    name: pop
    start: 2024-01
    horizon_months: 12
    currency: CNY
    tiers:
      - {name: h800, tflops: 989, power_kw: 1.275, purchase_cost: 280000, reference_price: 30}
    regions:
      - {name: east, jurisdiction: cn, electricity_price: 0.65}
    demand:
      segments:
        - {name: training, rate: 40, tier: h800, reservation_price: 35}
    providers:
      - name: big
        region: east
        cash: 1e8
        fleet:
          - {tier: h800, units: 256}
      - name: small
        count: 4
        region: east
        cash: {dist: uniform, min: 1e5, max: 4e6, per: firm}
        debt: {dist: uniform, min: 1e6, max: 8e6, per: firm}
        fleet:
          - {tier: h800, units: {dist: uniform, min: 16, max: 64, per: firm}}

    """

    static func run(members: Bool, threads: Int = 1) throws -> [String: String] {
        let doc = try ScenarioLoader.load(yaml: Self.yaml, path: "pop.yaml")
        let point = ExperimentPoint(index: 0, document: doc)
        #expect(point.firmNames == ["big"])
        #expect(point.populationNames == ["small"])
        let files = ResultFiles(directory: nil)
        var configuration = RunConfiguration(replications: 6, masterSeed: 3, threads: threads)
        configuration.members = members
        _ = try ExperimentRunner.run(points: [point], configuration: configuration, sinks: [files])
        return Dictionary(uniqueKeysWithValues: ResultFiles.fileNames.map { ($0, files.text(of: $0)) })
    }

    static func rows(_ text: String) -> [[String]] {
        text.split(separator: "\n").dropFirst().map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
    }

    @Test func pooledByDefaultWithRowsOfTheirOwnWhenAsked() throws {
        let pooled = try Self.run(members: false)
        let all = try Self.run(members: true)
        // Without `members`: only the named firm's rows.
        #expect(Set(Self.rows(pooled["outcomes.csv"]!).map { $0[3] }) == ["big"])
        #expect(Set(Self.rows(pooled["firms_monthly.csv"]!).map { $0[4] }) == ["big"])
        // With it: every firm, the members' `template` column naming the population and no entry month.
        let outcomes = Self.rows(all["outcomes.csv"]!)
        #expect(outcomes.count == 6 * 5)
        let members = outcomes.filter { $0[3].hasPrefix("small-") }
        #expect(members.count == 6 * 4)
        #expect(members.allSatisfy { $0[5] == "small" && $0[6].isEmpty })
        #expect(Self.rows(all["firms_monthly.csv"]!).count == 6 * 5 * 12)
        // The pooled rows do not depend on the flag, and say what the members' rows say.
        #expect(pooled["summary.csv"] == all["summary.csv"])
        #expect(pooled["survival.csv"] == all["survival.csv"])
        let summary = Self.rows(pooled["summary.csv"]!).filter { $0[2] == "population" && $0[3] == "small" }
        let metric = Dictionary(summary.map { ($0[4], $0) }, uniquingKeysWith: { a, _ in a })
        #expect(Double(metric["entries"]![6]) == 4)
        let survivedShare = Double(members.filter { $0[7] == "true" }.count) / Double(members.count)
        #expect(abs(Double(metric["p_survive"]![6])! - survivedShare) < 1e-12)
        // Its interval is clustered by replication (the firms of one replication share its market):
        // p ∓ t(0.975, R − 1)·√(Σ_r (s_r − p·n_r)² / (R(R − 1)·n̄²)), here n_r = 4, R = 6, t = 2.5706.
        let p = survivedShare
        #expect(p > 0 && p < 1, "some firms of the population exit and some survive: p = \(p)")
        var sum = 0.0
        for r in 0..<6 {
            let s = Double(members.filter { $0[2] == String(r) && $0[7] == "true" }.count)
            sum += (s - p * 4) * (s - p * 4)
        }
        let half = 2.5705818366147395 * (sum / (6 * 5 * 16)).squareRoot()
        #expect(abs(Double(metric["p_survive"]![7])! - max(0, p - half)) < 1e-9)
        #expect(abs(Double(metric["p_survive"]![8])! - min(1, p + half)) < 1e-9)
        // So are its exit shares: the ratio estimator over replications of exits with the driver
        // among the exits (n_r varies).
        let exited = members.filter { $0[7] == "false" }
        let driver = "debt"
        let q = Double(exited.filter { $0[11] == driver }.count) / Double(exited.count)
        #expect(q > 0 && q < 1, "exits by debt and by other drivers: q = \(q)")
        let share = Dictionary(summary.map { ($0[4], $0) }, uniquingKeysWith: { a, _ in a })["exit_driver_share_" + driver]!
        #expect(abs(Double(share[6])! - q) < 1e-12)
        var e2 = 0.0
        for r in 0..<6 {
            let inRep = exited.filter { $0[2] == String(r) }
            let s = Double(inRep.filter { $0[11] == driver }.count), n = Double(inRep.count)
            e2 += (s - q * n) * (s - q * n)
        }
        let nBar = Double(exited.count) / 6
        let h = 2.5705818366147395 * (e2 / (6 * 5 * nBar * nBar)).squareRoot()
        #expect(abs(Double(share[7])! - max(0, q - h)) < 1e-9 && abs(Double(share[8])! - min(1, q + h)) < 1e-9)
        let survival = Self.rows(pooled["survival.csv"]!).filter { $0[2] == "population" }
        #expect(survival.count == 12)
        #expect(survival.first?[3] == "small")
        // The named firm keeps its own firm rows.
        #expect(Self.rows(pooled["summary.csv"]!).contains { $0[2] == "firm" && $0[3] == "big" })
    }

    @Test func sameBytesOnOneAndTwoThreads() throws {
        let one = try Self.run(members: true, threads: 1)
        let two = try Self.run(members: true, threads: 2)
        for (file, text) in one { #expect(text == two[file], "\(file) differs between 1 and 2 threads") }
    }

    /// `compare` pools a population's firms as `population` rows, labelled for firms, not entrants.
    @Test func comparedAsPopulationRows() throws {
        let doc = try ScenarioLoader.load(yaml: Self.yaml, path: "pop.yaml")
        let point = ExperimentPoint(index: 0, document: doc)
        var base = ComparisonTracker(point: point), variant = ComparisonTracker(point: point)
        for r in 0..<3 {
            let plan = SeedPlan(masterSeed: 3)
            base.add(try point.replicate(r, plan))
            variant.add(try point.replicate(r, plan))
        }
        let rows = PairedComparison.rows(base: base, variant: variant)
        let population = rows.filter { $0.entityKind == "population" }
        #expect(population.count == ComparisonMetrics.population.count)
        #expect(population.allSatisfy { $0.entity == "small" && !$0.label.contains("entrant") })
        #expect(population.first { $0.metric == "entries" }?.paired.base == 4)
        #expect(!rows.contains { $0.entityKind == "template" && $0.entity == "small" })
    }
}
