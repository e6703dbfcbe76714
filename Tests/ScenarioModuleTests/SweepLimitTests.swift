import Foundation
import Testing
import ScenarioModule

/// Sweep files that ask for more than a machine can hold are refused at the line that asks, before
/// any of the design is laid out (RunLimits).
@Suite("Sweep size limits")
struct SweepLimitTests {
    static let base = packageRoot.appendingPathComponent("Scenarios/validation/erlang-loss.yaml").path

    /// The header lines of loading `yaml` as sweep file `s.yaml`; empty when it loads.
    static func headers(_ yaml: String) -> [String] {
        do {
            _ = try SweepFile.load(yaml: yaml, path: "s.yaml")
            return []
        } catch {
            return error.diagnostics.map(\.header)
        }
    }

    /// A sweep file: `design`, then `extra` lines, then `parameters` lines.
    static func sweep(design: String, _ extra: [String], parameters: [String]) -> String {
        (["base: \(base)", "design: \(design)"] + extra + ["parameters:"] + parameters).joined(separator: "\n") + "\n"
    }

    /// `count` distinct parameters (one demand segment each) with `values` values each.
    static func gridParameters(_ count: Int, values: Int) -> [String] {
        let list = "[" + (1...values).map(String.init).joined(separator: ", ") + "]"
        return (0..<count).map { "  - {path: \"demand.segments[s\($0)].rate\", values: \(list)}" }
    }

    @Test("replications above the limit are refused at their line")
    func replications() {
        let params = ["  - {path: \"demand.segments[s].rate\", values: [1, 2]}"]
        #expect(Self.headers(Self.sweep(design: "grid", ["replications: 1000000000000"], parameters: params))
                == ["s.yaml:3:15: error: replications: expected an integer from 1 to \(RunLimits.maxReplications) "
                    + "(the most replications a point may have), got '1000000000000'"])
        #expect(Self.headers(Self.sweep(design: "grid", ["replications: \(RunLimits.maxReplications + 1)"], parameters: params))
                .first?.hasPrefix("s.yaml:3:15: error: replications: expected an integer from 1 to") == true)
        // Too large for any integer: the same message, not a crash.
        #expect(Self.headers(Self.sweep(design: "grid", ["replications: 99999999999999999999999"], parameters: params))
                .first?.contains("expected an integer from 1 to \(RunLimits.maxReplications)") == true)
        #expect(Self.headers(Self.sweep(design: "grid", ["replications: \(RunLimits.maxReplications)"], parameters: params)) == [])
    }

    @Test("a random or latin-hypercube design above the limit is refused at its points line")
    func points() {
        for design in ["random", "latin-hypercube"] {
            let params = ["  - {path: \"demand.segments[s].rate\", range: [1, 2]}"]
            #expect(Self.headers(Self.sweep(design: design, ["points: 1000000000000", "replications: 1"], parameters: params))
                    == ["s.yaml:3:9: error: points: expected an integer from 1 to \(RunLimits.maxPoints) "
                        + "(the most points a design may have), got '1000000000000'"])
            #expect(Self.headers(Self.sweep(design: design, ["points: \(RunLimits.maxPoints)", "replications: 1"],
                                            parameters: params)) == [])
        }
    }

    @Test("a grid whose value counts multiply past the limit is refused at the parameter that pushes it over")
    func grid() {
        // 10 parameters × 10 values = 10^10 points: over 10^6 from the seventh parameter on (line 11).
        let tenByTen = Self.sweep(design: "grid", ["replications: 1"], parameters: Self.gridParameters(10, values: 10))
        #expect(Self.headers(tenByTen) == [
            "s.yaml:11:48: error: parameters[6].values: the grid has " + Array(repeating: "10", count: 10).joined(separator: " × ")
                + " = 10000000000 points (the product of the parameters' value counts; over the limit from this parameter "
                + "on); expected at most \(RunLimits.maxPoints) points: use fewer values, or a random or latin-hypercube design",
        ])
        // A product past Int.max is computed without overflow.
        let huge = Self.headers(Self.sweep(design: "grid", ["replications: 1"], parameters: Self.gridParameters(30, values: 10)))
        #expect(huge.count == 1)
        #expect(huge.first?.contains("= more than \(Int.max) points") == true, "\(huge)")
        #expect(huge.first?.contains("10 × 10 × 10 × 10 × 10 × 10 × 10 × 10 × 10 × 10 × 10 × 10 × … =") == true, "\(huge)")
        // Exactly the limit is accepted: 10^6.
        #expect(Self.headers(Self.sweep(design: "grid", ["replications: 1"], parameters: Self.gridParameters(6, values: 10))) == [])
    }

    @Test("points × replications above the run limit are refused at the replications line")
    func runs() {
        let params = ["  - {path: \"demand.segments[s].rate\", range: [1, 2]}"]
        let atLimit = RunLimits.maxRuns / RunLimits.maxReplications
        #expect(Self.headers(Self.sweep(design: "random", ["points: \(atLimit)", "replications: \(RunLimits.maxReplications)"],
                                        parameters: params)) == [])
        #expect(Self.headers(Self.sweep(design: "random", ["points: \(atLimit + 1)", "replications: \(RunLimits.maxReplications)"],
                                        parameters: params))
                == ["s.yaml:4:15: error: replications: \(atLimit + 1) points × \(RunLimits.maxReplications) replications = "
                    + "\((atLimit + 1) * RunLimits.maxReplications) runs; expected at most \(RunLimits.maxRuns) runs in one "
                    + "sweep: use fewer replications or fewer points"])
        // A grid's point count takes part too: 10^6 points × 1001 replications.
        let grid = Self.headers(Self.sweep(design: "grid", ["replications: 1001"], parameters: Self.gridParameters(6, values: 10)))
        #expect(grid == ["s.yaml:3:15: error: replications: 1000000 points × 1001 replications = 1001000000 runs; expected at "
                         + "most \(RunLimits.maxRuns) runs in one sweep: use fewer replications or fewer points"])
    }

    @Test("sobol and morris designs: their keys, checked where they are written")
    func globalDesigns() {
        /// The diagnostics of a sweep file of `design` with `extra` keys, one replication and `parameters`.
        func headers(design: String, _ extra: [String], parameters: [String]) -> [String] {
            Self.headers(Self.sweep(design: design, extra + ["replications: 1"], parameters: parameters))
        }
        let one = ["  - {path: \"demand.segments[s].rate\", range: [1, 2]}"]
        let two = one + ["  - {path: \"demand.segments[t].rate\", range: [1, 2]}"]
        #expect(headers(design: "sobol", ["base_points: 64"], parameters: two) == [])
        #expect(headers(design: "sobol", ["base_points: 48"], parameters: two)
                == ["s.yaml:3:14: error: base_points: expected a power of two (the Sobol sequence is balanced at powers of "
                    + "two), got 48"])
        #expect(headers(design: "sobol", [], parameters: two)
                == ["s.yaml:1:1: error: base_points: missing; expected an integer ≥ 2"])
        #expect(headers(design: "sobol", ["base_points: 8", "points: 8"], parameters: two)
                == ["s.yaml:4:1: error: points: a sobol design has N·(k + 2) points (N = base_points); points is for random "
                    + "and latin-hypercube designs"])
        #expect(headers(design: "grid", ["base_points: 8"],
                        parameters: ["  - {path: \"demand.segments[s].rate\", values: [1, 2]}"])
                == ["s.yaml:3:1: error: base_points: base_points is for sobol designs"])
        #expect(headers(design: "sobol", ["base_points: 8"],
                        parameters: ["  - {path: \"demand.segments[s].rate\", values: [1, 2]}"])
                == ["s.yaml:6:5: error: parameters[0].range: a sobol design needs range: [lo, hi] for every parameter"])
        // 21 parameters: refused at the 21st, naming GSL's limit.
        let many = (0..<21).map { "  - {path: \"demand.segments[s\($0)].rate\", range: [1, 2]}" }
        let refused = headers(design: "sobol", ["base_points: 8"], parameters: many)
        #expect(refused.count == 1 && refused.first?.hasPrefix("s.yaml:26:5: error: parameters[20]: a sobol design takes at most 20 parameters") == true,
                "\(refused)")
        #expect(headers(design: "sobol", ["base_points: 8"], parameters: Array(many.prefix(20))) == [])
        // The design's size: N·(k + 2) points within the limit.
        #expect(headers(design: "sobol", ["base_points: 262144"], parameters: two)
                == ["s.yaml:3:14: error: base_points: the design has 1048576 points; expected at most \(RunLimits.maxPoints)"])

        #expect(headers(design: "morris", ["trajectories: 10", "levels: 6", "candidates: 40"], parameters: two) == [])
        #expect(headers(design: "morris", ["trajectories: 10", "levels: 5"], parameters: two)
                == ["s.yaml:4:9: error: levels: expected an even number of levels (each step moves a parameter by half of "
                    + "them), got 5"])
        #expect(headers(design: "morris", ["trajectories: 10", "candidates: 10"], parameters: two)
                == ["s.yaml:4:13: error: candidates: expected more candidates than trajectories (10) to choose the most "
                    + "spread out from, got 10"])
        #expect(headers(design: "morris", ["levels: 4"], parameters: two)
                == ["s.yaml:1:1: error: trajectories: missing; expected an integer ≥ 2"])
        #expect(headers(design: "sobol", ["base_points: 8", "trajectories: 4"], parameters: two)
                == ["s.yaml:4:1: error: trajectories: trajectories is for morris designs"])
        #expect(headers(design: "morris", ["trajectories: 4", "levels: 4"], parameters: one) == [])
    }

    @Test("levers, uncertainties and robustness: checked where they are written")
    func leversAndUncertainties() {
        let lever = ["levers:", "  - {path: \"providers[a].ltv_cap\", values: [0.3, 0.6]}"]
        let world = ["uncertainties:", "  - {path: \"demand.segments[s].rate\", range: [1, 2]}"]
        /// A robustness map in block style (`[a]` inside a flow map is YAML's flow sequence).
        func robustness(_ outcome: String, direction: String = "maximize") -> [String] {
            ["robustness:", "  outcome: \(outcome)", "  direction: \(direction)", "  threshold: 0.8"]
        }
        let robust = robustness("firm[a].survived")
        func headers(_ lines: [String]) -> [String] {
            Self.headers((["base: \(Self.base)", "design: latin-hypercube", "points: 4", "replications: 1"] + lines).joined(separator: "\n") + "\n")
        }
        #expect(headers(lever + world + robust) == [])
        #expect(headers(lever + world) == ["s.yaml:1:1: error: robustness: missing; expected {outcome: KIND[NAME].METRIC, direction: "
                                           + "maximize | minimize, threshold: NUMBER} (what robustness.csv measures)"])
        #expect(headers(world + robust).contains("s.yaml:1:1: error: levers: missing; expected a list of {path, values: [...]} "
                                                 + "(a firm's own choices; every combination runs)"))
        #expect(headers(["levers:", "  - {path: \"providers[a].ltv_cap\", range: [0.3, 0.6]}"] + world + robust)
                == ["s.yaml:6:5: error: levers[0].values: a grid needs a values list for every parameter"])
        #expect(headers(lever + world + robustness("survived"))
                == ["s.yaml:10:12: error: robustness.outcome: expected KIND[NAME].METRIC with KIND firm, market or template "
                    + "(e.g. firm[small-gpu-cloud].survived), got 'survived'"])
        #expect(headers(lever + world + robustness("firm[a].survived", direction: "up"))
                == ["s.yaml:11:14: error: robustness.direction: expected maximize or minimize, got 'up'"])
        #expect(headers(lever + world + robust + ["parameters:", "  - {path: \"demand.segments[s].rate\", range: [1, 2]}"])
                .first == "s.yaml:13:1: error: parameters: give parameters, or levers and uncertainties, not both")
        #expect(headers(["parameters:", "  - {path: \"demand.segments[s].rate\", range: [1, 2]}"] + robust)
                == ["s.yaml:7:1: error: robustness: robustness measures the choices of levers: give levers and uncertainties"])
    }
}
