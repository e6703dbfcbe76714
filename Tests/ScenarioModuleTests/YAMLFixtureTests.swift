import Foundation
import Testing
@testable import ScenarioModule

/// `YAMLFixture`, the helper tests edit fixtures with: it finds the line a key path names, edits
/// only that key or entry, and refuses a path that is missing or ambiguous. And the point of it: a
/// line added to a fixture moves the edits and the expected line numbers with it.
@Suite struct YAMLFixtureTests {
    /// The line (from 1) whose whole text is `text`, found by plain search, not by the outline.
    func lineOf(_ text: String, in yaml: String) -> Int? {
        yaml.split(separator: "\n", omittingEmptySubsequences: false).firstIndex { $0 == text }.map { $0 + 1 }
    }

    @Test func aKeyIsFound() throws {
        let fixture = YAMLFixture(minimal)
        #expect(try fixture.line(of: "horizon_months") == lineOf("horizon_months: 24", in: minimal))
        #expect(try fixture.line(of: "providers[cloud].cash") == lineOf("    cash: 1e8", in: minimal))
        #expect(try fixture.line(of: "demand.segments") == lineOf("  segments:", in: minimal))
        // Only that key's value changes; its indentation and key stay.
        #expect(minimal.replacingValue(at: "providers[cloud].cash", with: "2e8")
                == minimal.replacingOccurrences(of: "    cash: 1e8\n", with: "    cash: 2e8\n"))
        // A block value goes whole.
        #expect(minimal.replacingValue(at: "providers[cloud].fleet", with: "[]")
                == minimal.replacingOccurrences(of: "    fleet:\n      - {tier: h800, units: 64}\n", with: "    fleet: []\n"))
    }

    @Test func aNamedListEntry() throws {
        let fixture = YAMLFixture(minimal)
        #expect(try fixture.line(of: "tiers[a800]") == lineOf("  - name: a800", in: minimal))
        #expect(try fixture.line(of: "tiers[a800].tflops") == lineOf("    tflops: 312", in: minimal))
        #expect(try fixture.line(of: "tiers[a800].name") == lineOf("  - name: a800", in: minimal))
        #expect(try fixture.line(of: "demand.segments[training].tier") == lineOf("      tier: h800", in: minimal))
        // The entry is replaced whole, all its lines, and the new one indented to its '-'.
        let flat = minimal.replacingEntry(at: "tiers[a800]", with: "- {name: a800, tflops: 312, power_kw: 0.8, purchase_cost: 140000, reference_price: 12}")
        #expect(flat == minimal.replacingOccurrences(
            of: "  - name: a800\n    tflops: 312\n    power_kw: 0.8\n    purchase_cost: 140000\n    reference_price: 12\n",
            with: "  - {name: a800, tflops: 312, power_kw: 0.8, purchase_cost: 140000, reference_price: 12}\n"))
        #expect(try ScenarioLoader.load(yaml: flat, path: "t.yaml").contentHash == ScenarioLoader.load(yaml: minimal, path: "t.yaml").contentHash)
        // A key of an entry's map, the first one (on the '-' line) included, keeps the line's '- '.
        #expect(minimal.replacingValue(at: "providers[cloud].name", with: "hub")
                == minimal.replacingOccurrences(of: "  - name: cloud\n", with: "  - name: hub\n"))
        #expect(minimal.replacingEntry(at: "tiers[h800].tflops", with: "eta: 0.9")
                == minimal.replacingOccurrences(of: "    tflops: 989\n", with: "    eta: 0.9\n"))
    }

    @Test func anIndex() throws {
        let fixture = YAMLFixture(minimal)
        #expect(try fixture.line(of: "tiers[1]") == fixture.line(of: "tiers[a800]"))
        #expect(try fixture.line(of: "tiers[0].reference_price") == lineOf("    reference_price: 30", in: minimal))
        #expect(try fixture.line(of: "providers[0].fleet[0]") == lineOf("      - {tier: h800, units: 64}", in: minimal))
        #expect(minimal.replacingEntry(at: "providers[0].fleet[0]", with: "- tier: a800\n  units: 8")
                == minimal.replacingOccurrences(of: "      - {tier: h800, units: 64}\n", with: "      - tier: a800\n        units: 8\n"))
    }

    @Test func aFlowStyleEntry() throws {
        let fixture = YAMLFixture(supplied)
        let supply0 = lineOf("  - {tier: h20, jurisdiction: intl, monthly_capacity: 500, capacity_growth: 0.2, allocation: pro-rata, premium: 0.3, max_backlog_months: 12, transit_days: {dist: uniform, min: 20, max: 40}}", in: supplied)
        #expect(try fixture.line(of: "supply[0].transit_days.max") == supply0)
        #expect(try fixture.line(of: "entry.premium[1].share") == lineOf(supplied.split(separator: "\n").first { $0.hasPrefix("entry:") }.map(String.init) ?? "", in: supplied))
        #expect(try fixture.line(of: "providers[platform].affiliates[1]") == lineOf("    affiliates: [cloud, seller]", in: supplied))
        // Only the value's or the entry's columns change.
        #expect(supplied.replacingValue(at: "providers[cloud].fleet[0].units", with: "32")
                == supplied.replacingOccurrences(of: "      - {tier: h800, units: 64, leased_share: 0.5}\n", with: "      - {tier: h800, units: 32, leased_share: 0.5}\n"))
        #expect(supplied.replacingValue(at: "supply[0].transit_days.max", with: "50")
                == supplied.replacingOccurrences(of: "min: 20, max: 40}}", with: "min: 20, max: 50}}"))
        #expect(supplied.replacingEntry(at: "entry.premium[1]", with: "{from: 2024-08, share: 3}")
                == supplied.replacingOccurrences(of: "{from: 2024-07, share: 0.5}", with: "{from: 2024-08, share: 3}"))
        #expect(supplied.replacingEntry(at: "providers[platform].affiliates[0]", with: "seller")
                == supplied.replacingOccurrences(of: "affiliates: [cloud, seller]", with: "affiliates: [seller, seller]"))
        #expect(supplied.replacingEntry(at: "datacentres.min_build_mw", with: "min_build_mw: 3")
                == supplied.replacingOccurrences(of: "min_build_mw: 2}", with: "min_build_mw: 3}"))
    }

    @Test func insertingKeysAndEntries() throws {
        #expect(minimal.inserting("soft_budget: true", after: "providers[cloud].cash")
                == minimal.replacingOccurrences(of: "    cash: 1e8\n", with: "    cash: 1e8\n    soft_budget: true\n"))
        // After a key with a block value: after the whole value, at the key's indentation.
        #expect(minimal.inserting("pricing: {k_u: 0.2}", after: "tiers")
                == minimal.replacingOccurrences(of: "    reference_price: 12\n", with: "    reference_price: 12\npricing: {k_u: 0.2}\n"))
        // After an entry: a sibling entry, indented to its '-'.
        #expect(minimal.inserting("- name: inference\n  rate: 3\n  tier: a800\n  reservation_price: 14\n", after: "demand.segments[training]")
                == minimal.replacingOccurrences(of: "      reservation_price: 35\n",
                                                with: "      reservation_price: 35\n    - name: inference\n      rate: 3\n      tier: a800\n      reservation_price: 14\n"))
    }

    @Test func aMissingPathIsRefused() throws {
        let fixture = YAMLFixture(minimal)
        #expect(throws: FixturePathError(path: "providers[cloud].cassh", reason: "no key 'cassh' in 'providers[cloud]' (its keys are name, region, cash, fleet)")) {
            try fixture.line(of: "providers[cloud].cassh")
        }
        #expect(throws: FixturePathError(path: "tiers[h900].tflops", reason: "no entry named 'h900' in 'tiers' (its names are h800, a800)")) {
            try fixture.replacingValue(at: "tiers[h900].tflops", with: "1")
        }
        #expect(throws: FixturePathError(path: "tiers[2]", reason: "index 2 is out of range: 'tiers' has 2 entries")) {
            try fixture.replacingEntry(at: "tiers[2]", with: "- {name: x}")
        }
        #expect(throws: FixturePathError(path: "pricing", reason: "no key 'pricing' in the top level (its keys are name, start, horizon_months, currency, tiers, regions, demand, providers)")) {
            try fixture.inserting("k_u: 1", after: "pricing")
        }
        #expect(throws: FixturePathError(path: "name[0]", reason: "'name' is not a list, so it has no entry [0]")) { try fixture.line(of: "name[0]") }
        #expect(throws: FixturePathError(path: "tiers.tflops", reason: "'tiers' is not a map, so it has no key 'tflops'")) { try fixture.line(of: "tiers.tflops") }
        #expect(throws: FixturePathError(path: "tiers..name", reason: "malformed: an empty key")) { try fixture.line(of: "tiers..name") }
        // The edit must fit what the path names.
        #expect(throws: FixturePathError(path: "tiers[0]", reason: "it names a list entry, not a key; use replacingEntry(at:with:)")) {
            try fixture.replacingValue(at: "tiers[0]", with: "x")
        }
        #expect(throws: FixturePathError(path: "providers[cloud].fleet[0].units", reason: "it sits in a flow collection; lines can be inserted only after a block key or entry")) {
            try fixture.inserting("age_months: 3", after: "providers[cloud].fleet[0].units")
        }
        // A flow collection that does not close on its line is not read into.
        #expect(throws: FixturePathError(path: "x[0]", reason: "'x' is a flow collection that does not close on its line; the outline reads only one-line flow")) {
            try YAMLFixture("x: [1,\n  2]\ny: 3\n").line(of: "x[0]")
        }
        #expect(try YAMLFixture("x: [1,\n  2]\ny: 3\n").line(of: "y") == 3)
    }

    @Test func anAmbiguousPathIsRefused() {
        #expect(throws: FixturePathError(path: "name", reason: "key 'name' of the top level is written 2 times (lines 1, \(minimal.lineCount + 1)); the path is ambiguous")) {
            try YAMLFixture(minimal + "name: again\n").line(of: "name")
        }
        let twice = minimal.replacingValue(at: "tiers[a800].name", with: "h800")
        #expect(throws: FixturePathError(path: "tiers[h800].tflops", reason: "2 entries of 'tiers' are named 'h800' (lines \(minimal.line(of: "tiers[0]")), \(minimal.line(of: "tiers[1]"))); the path is ambiguous")) {
            try YAMLFixture(twice).replacingValue(at: "tiers[h800].tflops", with: "1")
        }
        // By index, each is still found.
        #expect(twice.line(of: "tiers[1].tflops") == minimal.line(of: "tiers[a800].tflops"))
    }

    /// The point of editing by key path: a comment line added near the top of `policied` moves every
    /// line below it, yet every malformed case built from it still edits the key it means, and expects
    /// the same diagnostics one line further down, which the loader then reports.
    @Test func anInsertedLineBreaksNothing() throws {
        let comment = "name: supplied\n# a line added near the top\n"
        let shifted = policied.replacingOccurrences(of: "name: supplied\n", with: comment)
        try #require(shifted.lineCount == policied.lineCount + 1)
        let before = PolicyKeysTests.makeCases(from: policied), after = PolicyKeysTests.makeCases(from: shifted)
        try #require(before.count == after.count && !before.isEmpty)
        for (b, a) in zip(before, after) {
            // The same edit, of the same key: the edited text is the old edited text with the comment.
            #expect(a.yaml == b.yaml.replacingOccurrences(of: "name: supplied\n", with: comment), "\(a.label)")
            // Every line number in the expectations moved down by one; nothing else changed.
            #expect(a.expected == b.expected.map(Self.movedDownOneLine), "\(a.label)")
            #expect(a.expected != b.expected, "\(a.label)")
            #expect(headers(a.yaml) == a.expected, "\(a.label)")
        }
    }

    /// A header with its line number, and the lines its message names, one greater.
    static func movedDownOneLine(_ header: String) -> String {
        header.replacing(#/^t\.yaml:(\d+):/#) { "t.yaml:\(Int($0.1)! + 1):" }
            .replacing(#/lines (\d+) and (\d+)/#) { "lines \(Int($0.1)! + 1) and \(Int($0.2)! + 1)" }
    }
}
