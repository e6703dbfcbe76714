import Experiments
import Foundation
import Testing

@Suite("JSON text of manifests and benchmark lines")
struct JSONTests {
    static let value = JSONValue.object([
        ("name", .string("a \"quoted\"\tname\u{1}")),
        ("n", .int(-3)), ("seed", .uint(UInt64.max)), ("x", .double(0.1)), ("nan", .double(.nan)),
        ("ok", .bool(true)), ("none", .null),
        ("list", .array([.int(1), .object([("k", .string("v"))]), .array([])])), ("empty", .object([])),
    ])

    @Test("pretty text: two-space indent, keys in order, escapes, a trailing newline")
    func pretty() {
        #expect(Self.value.text() == """
            {
              "name": "a \\"quoted\\"\\tname\\u0001",
              "n": -3,
              "seed": 18446744073709551615,
              "x": 0.1,
              "nan": null,
              "ok": true,
              "none": null,
              "list": [
                1,
                {
                  "k": "v"
                },
                []
              ],
              "empty": {}
            }

            """)
    }

    @Test("compact text: one line, the same values, and JSONSerialization reads it back")
    func compact() throws {
        let line = Self.value.compactText()
        #expect(line == #"{"name":"a \"quoted\"\tname\u0001","n":-3,"seed":18446744073709551615,"x":0.1,"nan":null,"#
                + #""ok":true,"none":null,"list":[1,{"k":"v"},[]],"empty":{}}"#)
        let parsed = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        #expect(parsed["name"] as? String == "a \"quoted\"\tname\u{1}")
        #expect((parsed["list"] as? [Any])?.count == 3)
    }
}
