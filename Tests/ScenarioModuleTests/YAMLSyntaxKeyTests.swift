import Foundation
import Testing
import ScenarioModule

/// A YAML syntax error is reported under the key whose value holds it, or under none (the top
/// level) when no key holds it; never under the last key that happens to come before it.
@Suite("YAML syntax errors name the key that holds them")
struct YAMLSyntaxKeyTests {
    /// The key path of the only diagnostic of `yaml` (with `overrides`), which must be a syntax error.
    static func key(_ yaml: String, overrides: [String] = [], sourceLocation: SourceLocation = #_sourceLocation) -> String? {
        let d = diagnostics(yaml, overrides: overrides)?.diagnostics ?? []
        #expect(d.count == 1, "\(d.map(\.header))", sourceLocation: sourceLocation)
        guard let first = d.first else { return nil }
        #expect(first.message.contains("not valid YAML"), "\(first.header)", sourceLocation: sourceLocation)
        return first.keyPath
    }

    @Test("an unclosed flow list is reported under its key, not the key before it")
    func unclosedFlowList() {
        // The case: reported as `start` before.
        #expect(Self.key(minimal.replacingLine(of: "horizon_months", with: "horizon_months: [1, 2")) == "horizon_months")
        #expect(Self.key(minimal.replacingLine(of: "tiers[a800].power_kw", with: "    power_kw: [0.8")) == "tiers[a800].power_kw")
        // Inside a flow map: the closed-off text before the list says which key it is.
        #expect(Self.key(minimal.replacingLine(of: "providers[cloud].fleet[0]", with: "      - {tier: h800, units: [64}")) == "providers[cloud].fleet[0].units")
        let header = diagnostics(minimal.replacingLine(of: "horizon_months", with: "horizon_months: [1, 2"))?.diagnostics.first?.header ?? ""
        #expect(header.contains(": error: horizon_months: not valid YAML: "), "\(header)")
        #expect(header.contains("(while parsing a flow sequence at line 3, column 17)"), "\(header)")
    }

    @Test("an unclosed quote is reported under its key")
    func unclosedQuote() {
        #expect(Self.key(minimal.replacingLine(of: "providers[cloud].cash", with: "    cash: \"1e8")) == "providers[cloud].cash")
        #expect(Self.key(minimal.replacingLine(of: "regions[east].jurisdiction", with: "    jurisdiction: 'cn")) == "regions[east].jurisdiction")
    }

    @Test("a broken line inside a list item names the item, not the key above it")
    func brokenLineInItem() {
        // `purchase_cost 140000` has no colon: the a800 tier holds it, not its power_kw line above.
        #expect(Self.key(minimal.replacingLine(of: "tiers[a800].purchase_cost", with: "    purchase_cost 140000")) == "tiers[a800]")
    }

    @Test("a problem no key holds is reported at the top level")
    func topLevel() {
        #expect(Self.key(minimal + "\tfoo: 1\n") == "(top level)")
        #expect(Self.key(minimal + "---\nname: b\n") == "(top level)")
        #expect(Self.key("name: [unclosed\n") == "name")
        #expect(Self.key("[unclosed\n") == "(top level)")
    }

    @Test("in a --set value, the key it sets joined with the key inside it")
    func overrides() {
        #expect(Self.key(minimal, overrides: ["providers[0].cash={dist: uniform, min: 1"]) == "providers[0].cash")
        #expect(Self.key(minimal, overrides: ["demand={segments: [1, 2}"]) == "demand.segments")
    }
}
