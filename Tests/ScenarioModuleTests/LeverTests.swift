import Foundation
import Testing
import MarketModel
@testable import ScenarioModule

/// `levers:`: read beside the scenario (presentation, outside its text and hash), checked with
/// located messages, inherited whole, offered by the tool when absent, and values checked against them.
@Suite struct LeverTests {
    static let levers = """
    levers:
      - key: demand.segments[training].rate
        label: Training tenants
        unit: a year
        min: 4
        max: 40
        step: 2
      - key: shocks[0].capacity_factor
        label: Ban
        kind: switch
        on: 0
        off: 1
      - key: shocks[0].from
        label: Ban from
        min: 2024-03
        max: 2025-12

    """
    static let withShock = minimal + """
    shocks:
      - {kind: supply, tier: h800, jurisdiction: cn, from: 2024-06, capacity_factor: 1}

    """

    @Test("levers are read with their values, and the scenario's text and hash do not change")
    func readOutsideTheHash() throws {
        let plain = try ScenarioLoader.load(yaml: Self.withShock, path: "t.yaml")
        let document = try ScenarioLoader.load(yaml: Self.withShock + Self.levers, path: "t.yaml")
        #expect(document.contentHash == plain.contentHash)
        #expect(document.resolvedYAML == plain.resolvedYAML)
        #expect(plain.levers.isEmpty)
        #expect(document.levers.map(\.key) == ["demand.segments[training].rate", "shocks[0].capacity_factor", "shocks[0].from"])
        let rate = document.levers[0]
        #expect(rate.kind == .number && rate.min == 4 && rate.max == 40 && rate.step == 2 && rate.value == 12 && rate.declared)
        #expect(rate.label == "Training tenants" && rate.unit == "a year")
        let ban = document.levers[1]
        #expect(ban.kind == .toggle && ban.on == 0 && ban.off == 1 && ban.value == 1)
        let from = document.levers[2]
        #expect(from.kind == .month, "a month key is a month lever without saying so")
        #expect(from.value == Double(YearMonth(year: 2024, month: 6).ordinal) && from.text(from.max) == "2025-12" && from.step == 1)
        #expect(from.override(from.min) == "shocks[0].from=2024-03")
        // An override moves the value the lever shows.
        let moved = try ScenarioLoader.load(yaml: Self.withShock + Self.levers, path: "t.yaml", overrides: ["demand.segments[training].rate=20"])
        #expect(moved.levers[0].value == 20)
    }

    @Test("a value outside its lever is refused at the lever's bound in the file, with the line and a caret")
    func refusals() throws {
        let text = Self.withShock + Self.levers
        let document = try ScenarioLoader.load(yaml: text, path: "t.yaml")
        let rate = document.levers[0]
        #expect(rate.refusal(40) == nil && rate.refusal(4) == nil && rate.refusal(17.5) == nil)
        let high = try #require(rate.refusal(41))
        let lines = text.components(separatedBy: "\n")
        let maxLine = try #require(lines.firstIndex(of: "    max: 40")) + 1
        #expect(high.header == "t.yaml:\(maxLine):10: error: levers[0].max: demand.segments[training].rate = 41 is above the lever's maximum 40")
        #expect(high.description.hasSuffix("    max: 40\n         ^"))
        let low = try #require(rate.refusal(3))
        #expect(low.header.hasPrefix("t.yaml:\(maxLine - 1):10: error: levers[0].min: ") && low.message.contains("below the lever's minimum 4"))
        #expect(rate.refusal(.nan) != nil)
        let ban = document.levers[1]
        #expect(ban.refusal(0) == nil && ban.refusal(1) == nil)
        #expect(ban.refusal(0.5)?.message.contains("neither the switch's on value 0 nor its off value 1") == true)
        let from = document.levers[2]
        #expect(from.refusal(Double(YearMonth(year: 2026, month: 1).ordinal))?.message == "shocks[0].from = 2026-01 is above the lever's maximum 2025-12")
    }

    @Test("problems in levers are reported with the scenario's other problems, each at its line")
    func locatedErrors() throws {
        let cases: [(String, String)] = [
            ("levers: 3", "levers: expected a list of maps"),
            ("levers:\n  - key: demand.segments[nope].rate\n    min: 1\n    max: 2", "levers[0].key: expected the key path of a number or month of this scenario"),
            ("levers:\n  - key: demand.segments[training].rate\n    min: 5\n    max: 2", "levers[0].max: expected max above min (5), got 2"),
            ("levers:\n  - key: demand.segments[training].rate\n    min: -1\n    max: 2", "levers[0].min: demand.segments[training].rate takes values in"),
            ("levers:\n  - key: demand.segments[training].rate\n    max: 2", "levers[0]: missing required key 'min'"),
            ("levers:\n  - key: demand.segments[training].rate\n    min: 1\n    max: 2\n    colour: red", "levers[0]: unknown key 'colour'"),
            ("levers:\n  - key: demand.segments[training].rate\n    min: 1\n    max: 2\n    step: 5", "levers[0].step: expected a number in (0, max − min]"),
            ("levers:\n  - key: shocks[0].from\n    kind: number\n    min: 1\n    max: 2", "levers[0].kind: shocks[0].from is a month: expected kind month"),
            ("levers:\n  - key: shocks[0].from\n    min: 2024-13\n    max: 2025-01", "levers[0].min: expected a month YYYY-MM, got '2024-13'"),
            ("levers:\n  - key: shocks[0].capacity_factor\n    kind: switch\n    on: 1\n    off: 1", "levers[0].on: on and off are both 1"),
            ("levers:\n  - key: shocks[0].capacity_factor\n    kind: switch\n    min: 0\n    on: 0\n    off: 1", "levers[0].min: a switch has on and off, not min"),
            ("levers:\n  - key: providers[cloud].fleet[0].units\n    min: 1\n    max: 2\n    step: 0.5", "levers[0].step: expected a whole number of units, got 0.5"),
        ]
        for (levers, expected) in cases {
            let text = Self.withShock + levers + "\n"
            let found = headers(text)
            #expect(found.count == 1 && found[0].contains(expected), "\(levers): \(found)")
            // At the line of the lever's text.
            let line = try #require(found.first.flatMap { Int($0.split(separator: ":")[1]) })
            #expect(line > text.components(separatedBy: "\n").firstIndex { $0.hasPrefix("levers:") }! , "\(found)")
        }
        // Reported together with an ordinary problem of the scenario.
        let both = headers(Self.withShock.replacingValue(at: "providers[cloud].cash", with: "-1") + "levers: 3\n")
        #expect(both.count == 2)
    }

    @Test("a file that extends another has its parent's levers unless it declares its own, which replace them whole")
    func inherited() throws {
        let dir = try scratchFolder([
            "parent.yaml": Self.withShock + Self.levers,
            "child.yaml": "extends: parent.yaml\nname: child\n",
            "own.yaml": "extends: parent.yaml\nname: own\nlevers:\n  - {key: \"demand.segments[training].rate\", min: 1, max: 3}\n",
        ])
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let child = try ScenarioLoader.load(path: dir + "/child.yaml")
        #expect(child.levers.count == 3 && child.levers[0].lowPlace?.file == dir + "/parent.yaml")
        let own = try ScenarioLoader.load(path: dir + "/own.yaml")
        #expect(own.levers.map(\.key) == ["demand.segments[training].rate"] && own.levers[0].label == "demand.segments[training].rate")
        #expect(own.levers[0].step == 0.02, "the default step is a hundredth of the range")
    }

    @Test("without levers the tool offers each shock's start and numbers, each segment's growth, each region's power price")
    func suggested() throws {
        let document = try ScenarioLoader.load(yaml: Self.withShock, path: "t.yaml")
        let offered = document.offeredLevers
        #expect(offered.allSatisfy { !$0.declared })
        #expect(offered.map(\.key) == ["shocks[0].from", "shocks[0].capacity_factor", "demand.segments[training].growth.rate",
                                       "regions[east].electricity_price"])
        for lever in offered {
            #expect(lever.min < lever.max && lever.step > 0)
            if let v = lever.value { #expect(lever.refusal(v) == nil, "\(lever.key): its own value \(v) is a value of the lever") }
        }
        let declared = try ScenarioLoader.load(yaml: Self.withShock + Self.levers, path: "t.yaml")
        #expect(declared.offeredLevers == declared.levers)
    }

    @Test("every shipped scenario's levers load, and each lever's own value is inside it")
    func shipped() throws {
        for file in shippedScenarios() where !file.contains("/validation/") && !file.contains("/posteriors/") {
            let document = try ScenarioLoader.load(path: packageRoot.appendingPathComponent(file).path)
            for lever in document.offeredLevers {
                guard let v = lever.value else { continue }
                #expect(lever.refusal(v) == nil, "\(file): \(lever.key) = \(lever.text(v)) is outside its lever")
            }
        }
        let baseline = try ScenarioLoader.load(path: packageRoot.appendingPathComponent("Scenarios/baseline.yaml").path)
        #expect(baseline.levers.count >= 6)
    }
}
