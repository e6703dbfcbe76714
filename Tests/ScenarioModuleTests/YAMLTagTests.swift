import Foundation
import Testing
import ScenarioModule

/// YAML tags: the standard ones mean what YAML says they mean, every other tag is refused where it stands.
@Suite("YAML tags")
struct YAMLTagTests {
    /// `minimal` with its `cash: 1e8` line holding `value` instead.
    static func cash(_ value: String) -> String { minimal.replacingLine(of: "providers[cloud].cash", with: "    cash: " + value) }

    @Test("!!str makes a string: a tagged number is refused like a quoted one")
    func str() {
        let quoted = headers(Self.cash("'1e10'"))
        #expect(quoted == ["t.yaml:29:11: error: providers[cloud].cash: expected a number in [0, 1e15], got the string \"1e10\""])
        #expect(headers(Self.cash("!!str 1e10")) == quoted)
        #expect(headers(Self.cash("!<tag:yaml.org,2002:str> 1e10")) == quoted)
        // The non-specific tag `!` makes a scalar a string too.
        #expect(headers(Self.cash("! 1e10")) == quoted)
        #expect(headers(minimal.replacingLine(of: "providers[cloud].fleet[0]", with: "      - {tier: h800, units: !!str 64}"))
                == ["t.yaml:31:29: error: providers[cloud].fleet[0].units: expected an integer in [0, 1e7], got the string \"64\""])
        // A string where a string is expected is fine.
        #expect(headers(minimal.replacingLine(of: "name", with: "name: !!str tiny")) == [])
    }

    @Test("!!null makes a null, and only from a null's text")
    func null() {
        let untagged = headers(Self.cash("null"))
        #expect(untagged.count == 1 && untagged[0].hasPrefix("t.yaml:29:"), "\(untagged)")
        #expect(headers(Self.cash("!!null")) == headers(Self.cash("~")))
        #expect(headers(Self.cash("!!null ~")).map { $0.replacingOccurrences(of: ":29:11:", with: ":29:") }
                == untagged.map { $0.replacingOccurrences(of: ":29:11:", with: ":29:") })
        #expect(headers(Self.cash("!!null 5"))
                == ["t.yaml:29:11: error: providers[cloud].cash: the tag '!!null' expects an empty value, ~ or null, got '5'"])
    }

    @Test("!!int, !!float and !!bool check their text and leave the value as written")
    func numbersAndBooleans() {
        #expect(headers(Self.cash("!!int 100_000_000")) == [])
        #expect(headers(Self.cash("!!float 1e10")) == [])
        #expect(headers(Self.cash("!!int \"100000000\"")) == [], "the tag makes a quoted integer an integer")
        #expect(headers(Self.cash("!!int 1e10"))
                == ["t.yaml:29:11: error: providers[cloud].cash: the tag '!!int' expects an integer, got '1e10'"])
        #expect(headers(Self.cash("!!float lots"))
                == ["t.yaml:29:11: error: providers[cloud].cash: the tag '!!float' expects a number, got 'lots'"])
        // A tagged number still has to be in range.
        #expect(headers(Self.cash("!!float -1")) == headers(Self.cash("-1")))
        #expect(headers(minimal.insertingLine(after: "providers[cloud].cash", "    soft_budget: !!bool true")) == [])
        #expect(headers(minimal.insertingLine(after: "providers[cloud].cash", "    soft_budget: !!bool yes"))
                == ["t.yaml:30:18: error: providers[cloud].soft_budget: the tag '!!bool' expects true or false, got 'yes'"])
    }

    @Test("!!map and !!seq check the kind of node")
    func collections() {
        #expect(headers(minimal.replacingLine(of: "demand", with: "demand: !!map")) == [])
        #expect(headers(minimal.replacingLine(of: "tiers", with: "tiers: !!seq")) == [])
        let wrong = headers(minimal.replacingLine(of: "tiers", with: "tiers: !!map"))
        #expect(wrong.count == 1 && wrong[0].hasPrefix("t.yaml:5:") == true, "\(wrong)")
        #expect(wrong.first?.hasSuffix("error: tiers: the tag '!!map' marks a map, but this is a list") == true, "\(wrong)")
        #expect(headers(Self.cash("!!seq 5"))
                == ["t.yaml:29:11: error: providers[cloud].cash: the tag '!!seq' marks a list, but this is a single value, '5'"])
        #expect(headers(minimal.replacingLine(of: "providers[cloud].fleet[0]", with: "      - !!str {tier: h800, units: 64}"))
                == ["t.yaml:31:9: error: providers[cloud].fleet[0]: the tag '!!str' marks a single value, but this is a map"])
    }

    @Test("any other tag is refused with the tag and the key")
    func otherTags() {
        let expected = "expected no tag, or one of !!str, !!int, !!float, !!bool, !!null, !!map or !!seq"
        #expect(headers(Self.cash("!custom 5"))
                == ["t.yaml:29:11: error: providers[cloud].cash: unsupported YAML tag '!custom'; " + expected])
        #expect(headers(minimal.replacingLine(of: "start", with: "start: !!timestamp 2024-01"))
                == ["t.yaml:2:8: error: start: unsupported YAML tag '!!timestamp'; " + expected])
        let item = headers(minimal.replacingLine(of: "regions[east]", with: "  - !thing"))
        #expect(item.count == 1 && item[0].hasPrefix("t.yaml:17:5: error: regions[0]: unsupported YAML tag '!thing'; "), "\(item)")
        // A key is a name: a tag that makes it something else is refused, one that keeps it text is fine.
        #expect(headers(minimal.replacingLine(of: "name", with: "!!str name: tiny")) == [])
        #expect(headers(minimal.replacingLine(of: "name", with: "!!int 5: tiny"))
                == ["t.yaml:1:1: error: 5: the tag '!!int' cannot mark a key; a key is a name (write it without a tag)"])
        // In a --set value too, named by the key it sets.
        let set = diagnostics(minimal, overrides: ["providers[0].cash=!custom 5"])?.diagnostics.map(\.header) ?? []
        #expect(set == ["<command line>:--set #1: error: providers[0].cash: unsupported YAML tag '!custom'; " + expected])
    }
}
