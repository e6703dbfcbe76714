import Foundation
import Testing
@testable import ScenarioModule

/// The package root, found from this file's path.
let packageRoot: URL = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// Every shipped scenario file, relative to the package root, sorted (sweep and targets files are not scenarios).
func shippedScenarios() -> [String] {
    let dir = packageRoot.appendingPathComponent("Scenarios")
    guard let e = FileManager.default.enumerator(atPath: dir.path) else { return [] }
    var out: [String] = []
    while let f = e.nextObject() as? String {
        if f.hasSuffix(".yaml") && !f.hasPrefix("sweeps/") && !f.hasPrefix("targets/") { out.append("Scenarios/" + f) }
    }
    return out.sorted()
}

func read(_ relative: String) -> String {
    (try? String(contentsOf: packageRoot.appendingPathComponent(relative), encoding: .utf8)) ?? ""
}

/// Loads YAML text expecting diagnostics; returns them (empty if it loaded).
func diagnostics(_ yaml: String, path: String = "t.yaml", overrides: [String] = []) -> ScenarioDiagnostics? {
    do {
        _ = try ScenarioLoader.load(yaml: yaml, path: path, overrides: overrides)
        return nil
    } catch {
        return error
    }
}

/// The header lines (`file:line:col: error: …`) of the diagnostics, in order.
func headers(_ yaml: String, overrides: [String] = []) -> [String] {
    diagnostics(yaml, overrides: overrides)?.diagnostics.map(\.header) ?? []
}

/// A small valid scenario used as the base of most tests. Tests edit it by key path (`replacingValue(at:with:)`,
/// `inserting(_:after:)`, …) and compute expected line numbers with `line(of:)`, so a line may be added anywhere.
let minimal = """
name: tiny
start: 2024-01
horizon_months: 24
currency: CNY
tiers:
  - name: h800
    tflops: 989
    power_kw: 1.275
    purchase_cost: 280000
    reference_price: 30
  - name: a800
    tflops: 312
    power_kw: 0.8
    purchase_cost: 140000
    reference_price: 12
regions:
  - name: east
    jurisdiction: cn
    electricity_price: 0.65
demand:
  segments:
    - name: training
      rate: 12
      tier: h800
      reservation_price: 35
providers:
  - name: cloud
    region: east
    cash: 1e8
    fleet:
      - {tier: h800, units: 64}

"""

// MARK: - Editing fixtures by key path

/// A key path that names no place in a fixture, or more than one, or a place the edit cannot make.
struct FixturePathError: Error, Equatable, CustomStringConvertible {
    /// The key path as written.
    let path: String
    /// Why it was refused, with the lines involved (1-based).
    let reason: String

    var description: String { "fixture key path '\(path)': \(reason)" }
}

/// The outline of YAML fixture text: where each key and each list entry sits, so that tests edit a
/// fixture by key path instead of by line number, and inserting a line in a fixture breaks nothing.
///
/// A key path is written like a `--set` path: `providers[cloud].fleet[0].units`, where `[2]` is a
/// list entry by index (from 0) and `[cloud]` the list entry whose `name` is `cloud`.
///
/// It reads the styles the fixtures use, and no more: block maps (`key: value`, the value on the
/// key's line or indented below it), block lists (`- ` entries indented below their key, or at the
/// key's own indentation), an entry's map begun on its dash line (`- name: x` then its keys below),
/// and flow maps and lists (`{a: 1, b: [x, y]}`) that close on the line where they open. Blank and
/// comment lines are skipped; a comment after a value ends the value. Anything else (anchors,
/// multi-line flow, block scalars) is a scalar whose lines end where the indentation returns.
///
/// Every lookup fails with a `FixturePathError` when a key or entry is missing or appears twice: an
/// edit never lands on a line other than the one the path names. Tests call it through the `String`
/// methods of the same names (`minimal.replacingValue(at: "providers[cloud].cash", with: "-1")`,
/// `minimal.line(of: "providers[cloud].cash")`), which record a refused path and stop the tests.
struct YAMLFixture {
    /// One key of a map, or one entry of a list, and its value.
    struct Entry {
        /// The key; nil for a list entry.
        var key: String?
        /// The line (from 0) of the key, or of the entry's `-` (or first character, in a flow list).
        var line: Int
        /// The column (from 0) of the key, or of the entry's `-` (or first character, in a flow list).
        var column: Int
        /// The last line (from 0) of the key's or entry's value.
        var lastLine: Int
        /// Whether the entry sits inside a flow collection (all on `line`).
        var inFlow: Bool
        /// In a flow collection, the columns of the whole entry (`key: value`, or the list item).
        var span: Range<Int>
        /// The columns of a value written on `line` (a scalar or a flow collection); nil for a block value.
        var valueSpan: Range<Int>?
        /// For a key in block style, the column of its `:`.
        var colon: Int?
        /// The value.
        var value: Node
    }

    /// A value.
    indirect enum Node {
        case map([Entry])
        case list([Entry])
        /// A scalar's text (quotes removed), or the raw text of something the outline does not read.
        case scalar(String)
        /// A flow collection that does not close on its line.
        case openFlow
    }

    /// The text's lines, without their line ends.
    let lines: [[Character]]
    /// The top-level map.
    let root: Node

    init(_ text: String) {
        lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { Array($0) }
        root = Parser(lines: lines).document()
    }

    // MARK: Looking up a path

    /// The entry a key path names.
    func entry(at path: String) throws(FixturePathError) -> Entry {
        let steps = try Self.steps(of: path)
        var node = root
        var found: Entry?
        var walked = ""
        for step in steps {
            let here = walked.isEmpty ? "the top level" : "'\(walked)'"
            switch (step, node) {
            case (.key(let k), .map(let entries)):
                let matches = entries.filter { $0.key == k }
                guard matches.count == 1 else {
                    throw matches.isEmpty
                        ? FixturePathError(path: path, reason: "no key '\(k)' in \(here) (its keys are \(entries.compactMap(\.key).joined(separator: ", ")))")
                        : FixturePathError(path: path, reason: "key '\(k)' of \(here) is written \(matches.count) times (lines \(Self.lineList(matches))); the path is ambiguous")
                }
                found = matches[0]
                walked += (walked.isEmpty ? "" : ".") + k
            case (.index(let i), .list(let entries)):
                guard i < entries.count else {
                    throw FixturePathError(path: path, reason: "index \(i) is out of range: \(here) has \(entries.count) entries")
                }
                found = entries[i]
                walked += "[\(i)]"
            case (.name(let n), .list(let entries)):
                let matches = entries.filter { Self.name(of: $0) == n }
                guard matches.count == 1 else {
                    throw matches.isEmpty
                        ? FixturePathError(path: path, reason: "no entry named '\(n)' in \(here) (its names are \(entries.compactMap(Self.name).joined(separator: ", ")))")
                        : FixturePathError(path: path, reason: "\(matches.count) entries of \(here) are named '\(n)' (lines \(Self.lineList(matches))); the path is ambiguous")
                }
                found = matches[0]
                walked += "[\(n)]"
            case (_, .openFlow):
                throw FixturePathError(path: path, reason: "\(here) is a flow collection that does not close on its line; the outline reads only one-line flow")
            case (.key(let k), _):
                throw FixturePathError(path: path, reason: "\(here) is not a map, so it has no key '\(k)'")
            case (_, _):
                throw FixturePathError(path: path, reason: "\(here) is not a list, so it has no entry [\(step)]")
            }
            node = found!.value
        }
        guard let found else { throw FixturePathError(path: path, reason: "the path is empty") }
        return found
    }

    /// The line (from 1) where the key or list entry the path names sits.
    func line(of path: String) throws(FixturePathError) -> Int {
        try entry(at: path).line + 1
    }

    // MARK: Editing

    /// The text with the value of the key the path names replaced by `value`. In block style the
    /// key's line keeps its indentation and key (`    cash: ` + value), and the lines of an old block
    /// value below it go; in a flow collection only the value's columns change. A trailing comment
    /// on the key's line goes with the old value.
    func replacingValue(at path: String, with value: String) throws(FixturePathError) -> String {
        let e = try entry(at: path)
        guard e.key != nil else {
            throw FixturePathError(path: path, reason: "it names a list entry, not a key; use replacingEntry(at:with:)")
        }
        if e.inFlow {
            return try replacingColumns(e.valueSpan!, of: e.line, with: value, path: path)
        }
        let head = String(lines[e.line][...e.colon!])
        let more = value.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let indent = String(repeating: " ", count: e.column + 2)
        let new = [head + " " + more[0]] + more.dropFirst().map { $0.isEmpty ? $0 : indent + $0 }
        return replacingLines(e.line...e.lastLine, with: new)
    }

    /// The text with the list entry or key the path names replaced whole by `text` (an entry written
    /// from its `- `, a key from its name). In block style the first line of `text` takes the place
    /// of the entry's or key's first line from its column on, the other lines are indented to that
    /// column, and every line of the old entry or key goes; in a flow collection only its columns
    /// change (`text` is then one line: `{…}` for a list entry, `key: value` for a key).
    func replacingEntry(at path: String, with text: String) throws(FixturePathError) -> String {
        let e = try entry(at: path)
        if e.inFlow {
            return try replacingColumns(e.span, of: e.line, with: text, path: path)
        }
        var new = indented(text, to: e)
        new[0] = String(lines[e.line][..<e.column]) + text.prefix { $0 != "\n" }
        return replacingLines(e.line...e.lastLine, with: new)
    }

    /// The text with the lines of `text` inserted after the key or list entry the path names (after
    /// its whole value), each indented to that key or entry: a sibling key, or a sibling entry.
    /// A final line end in `text` is ignored.
    func inserting(_ text: String, after path: String) throws(FixturePathError) -> String {
        let e = try entry(at: path)
        guard !e.inFlow else {
            throw FixturePathError(path: path, reason: "it sits in a flow collection; lines can be inserted only after a block key or entry")
        }
        let new = indented(text.hasSuffix("\n") ? String(text.dropLast()) : text, to: e)
        return replacingLines((e.lastLine + 1)..<(e.lastLine + 1), with: new)
    }

    /// The lines of `text`, each indented to the column of `e` (empty lines stay empty).
    private func indented(_ text: String, to e: Entry) -> [String] {
        let indent = String(repeating: " ", count: e.column)
        return text.split(separator: "\n", omittingEmptySubsequences: false).map { $0.isEmpty ? "" : indent + $0 }
    }

    private func replacingColumns(_ columns: Range<Int>, of line: Int, with text: String, path: String) throws(FixturePathError) -> String {
        guard !text.contains("\n") else {
            throw FixturePathError(path: path, reason: "it sits in a flow collection on line \(line + 1); the new text must be one line")
        }
        var chars = lines[line]
        chars.replaceSubrange(columns, with: Array(text))
        return replacingLines(line...line, with: [String(chars)])
    }

    private func replacingLines<R: RangeExpression<Int>>(_ range: R, with new: [String]) -> String {
        var all = lines.map { String($0) }
        all.replaceSubrange(range, with: new)
        return all.joined(separator: "\n")
    }

    // MARK: Paths

    enum Step: CustomStringConvertible {
        case key(String), index(Int), name(String)
        var description: String {
            switch self { case .key(let k): k; case .index(let i): "\(i)"; case .name(let n): n }
        }
    }

    /// `a.b[2].c[name]` → key a, key b, index 2, key c, name.
    static func steps(of path: String) throws(FixturePathError) -> [Step] {
        var steps: [Step] = []
        var rest = Substring(path)
        while !rest.isEmpty {
            if rest.first == "[" {
                guard let close = rest.firstIndex(of: "]"), close > rest.index(after: rest.startIndex) else {
                    throw FixturePathError(path: path, reason: "malformed: expected [INDEX] or [NAME]")
                }
                let inside = String(rest[rest.index(after: rest.startIndex)..<close])
                steps.append(Int(inside).map(Step.index) ?? .name(inside))
                rest = rest[rest.index(after: close)...]
            } else {
                if !steps.isEmpty {
                    guard rest.first == "." else { throw FixturePathError(path: path, reason: "malformed: expected '.' or '[' after a step") }
                    rest = rest.dropFirst()
                }
                let key = rest.prefix { $0 != "." && $0 != "[" }
                guard !key.isEmpty else { throw FixturePathError(path: path, reason: "malformed: an empty key") }
                steps.append(.key(String(key)))
                rest = rest[key.endIndex...]
            }
        }
        guard !steps.isEmpty else { throw FixturePathError(path: path, reason: "the path is empty") }
        return steps
    }

    /// The `name` of a list entry that is a map with a scalar name.
    static func name(of e: Entry) -> String? {
        guard case .map(let keys) = e.value, let n = keys.first(where: { $0.key == "name" }), case .scalar(let s) = n.value else { return nil }
        return s
    }

    static func lineList(_ entries: [Entry]) -> String {
        entries.map { "\($0.line + 1)" }.joined(separator: ", ")
    }

    // MARK: Reading the outline

    private struct Parser {
        let lines: [[Character]]

        /// The top-level map (empty if the text has no keys).
        func document() -> Node {
            guard let first = next(after: -1) else { return .map([]) }
            return block(first, indent(first)).node
        }

        func indent(_ i: Int) -> Int { lines[i].prefix { $0 == " " }.count }

        /// The first line after `i` that is neither blank nor only a comment.
        func next(after i: Int) -> Int? {
            var j = i + 1
            while j < lines.count {
                let rest = lines[j].drop { $0 == " " }
                if !rest.isEmpty && rest.first != "#" { return j }
                j += 1
            }
            return nil
        }

        /// Whether a `- ` entry begins at column `c` of line `i`.
        func isDash(_ i: Int, _ c: Int) -> Bool {
            c < lines[i].count && lines[i][c] == "-" && (c + 1 == lines[i].count || lines[i][c + 1] == " ")
        }

        /// The column of the `:` ending a key that begins at column `c` of line `i`, if one does.
        func keyColon(_ i: Int, _ c: Int) -> Int? {
            let l = lines[i]
            guard c < l.count, !"{[\"'#&*!|>-?".contains(l[c]) else { return nil }
            var j = c
            while j < l.count && l[j] != " " {
                if l[j] == ":" && (j + 1 == l.count || l[j + 1] == " ") { return j > c ? j : nil }
                j += 1
            }
            return nil
        }

        /// The block node beginning at column `c` of line `i`, and its last line.
        func block(_ i: Int, _ c: Int) -> (node: Node, last: Int) {
            if isDash(i, c) { return list(i, c) }
            if keyColon(i, c) != nil { return map(i, c) }
            return inline(i, c, parentIndent: c - 1)
        }

        /// The list whose first `-` is at column `c` of line `i`.
        func list(_ i: Int, _ c: Int) -> (node: Node, last: Int) {
            var entries: [Entry] = []
            var j = i
            while true {
                var d = c + 1
                while d < lines[j].count && lines[j][d] == " " { d += 1 }
                let value: (node: Node, last: Int)
                var valueSpan: Range<Int>?
                if d >= lines[j].count || lines[j][d] == "#" {
                    value = below(j, parentIndent: c)
                } else if keyColon(j, d) != nil {
                    value = map(j, d)
                } else {
                    value = inline(j, d, parentIndent: c)
                    valueSpan = span(j, d)
                }
                entries.append(Entry(key: nil, line: j, column: c, lastLine: value.last, inFlow: false, span: c..<lines[j].count,
                                     valueSpan: valueSpan, colon: nil, value: value.node))
                guard let k = next(after: value.last), indent(k) == c, isDash(k, c) else { return (.list(entries), value.last) }
                j = k
            }
        }

        /// The map whose first key is at column `c` of line `i`; its other keys are at that indentation.
        func map(_ i: Int, _ c: Int) -> (node: Node, last: Int) {
            var entries: [Entry] = []
            var j = i
            while true {
                guard let colon = keyColon(j, c) else { return (.map(entries), entries.last?.lastLine ?? i) }
                let key = String(lines[j][c..<colon])
                var d = colon + 1
                while d < lines[j].count && lines[j][d] == " " { d += 1 }
                let value: (node: Node, last: Int)
                var valueSpan: Range<Int>?
                if d >= lines[j].count || lines[j][d] == "#" {
                    value = below(j, parentIndent: c, listAtSameIndent: true)
                } else {
                    value = inline(j, d, parentIndent: c)
                    valueSpan = span(j, d)
                }
                entries.append(Entry(key: key, line: j, column: c, lastLine: value.last, inFlow: false, span: c..<lines[j].count,
                                     valueSpan: valueSpan, colon: colon, value: value.node))
                guard let k = next(after: value.last), indent(k) == c, !isDash(k, c) else { return (.map(entries), value.last) }
                j = k
            }
        }

        /// The block value under line `i`: lines indented more than `parentIndent` (or, for a key,
        /// a list at the key's own indentation); a null scalar if there are none.
        func below(_ i: Int, parentIndent: Int, listAtSameIndent: Bool = false) -> (node: Node, last: Int) {
            guard let k = next(after: i) else { return (.scalar(""), i) }
            if indent(k) > parentIndent { return block(k, indent(k)) }
            if listAtSameIndent && indent(k) == parentIndent && isDash(k, parentIndent) { return list(k, parentIndent) }
            return (.scalar(""), i)
        }

        /// A value written on line `i` from column `d`: a one-line flow collection or a scalar. Lines
        /// below indented more than `parentIndent` continue it (a multi-line scalar or flow).
        func inline(_ i: Int, _ d: Int, parentIndent: Int) -> (node: Node, last: Int) {
            var last = i
            while let k = next(after: last), indent(k) > parentIndent { last = k }
            if lines[i][d] == "{" || lines[i][d] == "[" {
                guard let f = flow(i, d) else { return (.openFlow, last) }
                return (f.node, last)
            }
            return (.scalar(Self.unquoted(String(lines[i][span(i, d)]))), last)
        }

        /// The columns of the value from column `d` of line `i`, without a trailing comment or spaces.
        func span(_ i: Int, _ d: Int) -> Range<Int> {
            let l = lines[i]
            if l[d] == "{" || l[d] == "[", let f = flow(i, d) { return d..<f.end }
            var end = d
            var quote: Character?
            while end < l.count {
                let ch = l[end]
                if let q = quote { if ch == q { quote = nil } }
                else if ch == "\"" || ch == "'" { quote = ch }
                else if ch == "#" && end > d && l[end - 1] == " " { break }
                end += 1
            }
            while end > d && l[end - 1] == " " { end -= 1 }
            return d..<end
        }

        /// The flow collection opening at column `d` of line `i`, and the column after it closes;
        /// nil if it does not close on the line.
        func flow(_ i: Int, _ d: Int) -> (node: Node, end: Int)? {
            let l = lines[i]
            let isMap = l[d] == "{"
            let close: Character = isMap ? "}" : "]"
            var entries: [Entry] = []
            var p = d + 1
            func skipSpaces() { while p < l.count && l[p] == " " { p += 1 } }
            while true {
                skipSpaces()
                guard p < l.count else { return nil }
                if l[p] == close { return (isMap ? .map(entries) : .list(entries), p + 1) }
                let start = p
                var key: String?
                if isMap {
                    while p < l.count && !":,}".contains(l[p]) { p += 1 }
                    guard p < l.count else { return nil }
                    key = String(l[start..<p]).trimmingCharacters(in: .whitespaces)
                    if l[p] == ":" { p += 1; skipSpaces() }
                }
                let valueStart = p
                let value: Node
                if p < l.count && (l[p] == "{" || l[p] == "[") {
                    guard let f = flow(i, p) else { return nil }
                    value = f.node
                    p = f.end
                } else {
                    var quote: Character?
                    while p < l.count {
                        if let q = quote { if l[p] == q { quote = nil } }
                        else if l[p] == "\"" || l[p] == "'" { quote = l[p] }
                        else if ",]}".contains(l[p]) { break }
                        p += 1
                    }
                    value = .scalar(Self.unquoted(String(l[valueStart..<p]).trimmingCharacters(in: .whitespaces)))
                }
                var end = p
                while end > valueStart && l[end - 1] == " " { end -= 1 }
                entries.append(Entry(key: key, line: i, column: start, lastLine: i, inFlow: true, span: start..<end,
                                     valueSpan: valueStart..<end, colon: nil, value: value))
                skipSpaces()
                guard p < l.count else { return nil }
                if l[p] == "," { p += 1 } else if l[p] != close { return nil }
            }
        }

        static func unquoted(_ s: String) -> String {
            if s.count >= 2, let f = s.first, (f == "\"" || f == "'"), s.last == f { return String(s.dropFirst().dropLast()) }
            return s
        }
    }
}

extension String {
    /// The line (from 1) where the key or list entry a key path names sits in this YAML text, e.g.
    /// `minimal.line(of: "providers[cloud].cash")`. See `YAMLFixture` for the paths it reads; a path
    /// that is missing or ambiguous stops the tests.
    func line(of path: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) -> Int {
        fixture(sourceLocation) { () throws(FixturePathError) in try YAMLFixture(self).line(of: path) }
    }

    /// This YAML text with the value of a key replaced, e.g.
    /// `replacingValue(at: "providers[cloud].cash", with: "2e8")`. See `YAMLFixture.replacingValue(at:with:)`.
    func replacingValue(at path: String, with value: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) -> String {
        fixture(sourceLocation) { () throws(FixturePathError) in try YAMLFixture(self).replacingValue(at: path, with: value) }
    }

    /// This YAML text with a list entry (or a key, with its value) replaced whole, e.g.
    /// `replacingEntry(at: "policy.vouchers[0]", with: "- {name: v, …}")`. See `YAMLFixture.replacingEntry(at:with:)`.
    func replacingEntry(at path: String, with text: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) -> String {
        fixture(sourceLocation) { () throws(FixturePathError) in try YAMLFixture(self).replacingEntry(at: path, with: text) }
    }

    /// This YAML text with lines inserted after a key or entry, indented to it, e.g.
    /// `inserting("soft_budget: yes", after: "providers[cloud].cash")`. See `YAMLFixture.inserting(_:after:)`.
    func inserting(_ text: String, after path: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) -> String {
        fixture(sourceLocation) { () throws(FixturePathError) in try YAMLFixture(self).inserting(text, after: path) }
    }

    /// The number of lines of this text (a final line end does not begin another line).
    var lineCount: Int {
        split(separator: "\n", omittingEmptySubsequences: false).count - (hasSuffix("\n") ? 1 : 0)
    }
}

/// Runs a fixture lookup or edit; a path it refuses is a mistake in the test, so it is recorded and
/// stops the tests at once (the fixtures are built in static properties, where nothing can be thrown).
private func fixture<T>(_ location: Testing.SourceLocation, _ body: () throws(FixturePathError) -> T) -> T {
    do {
        return try body()
    } catch {
        Issue.record("\(error)", sourceLocation: location)
        fatalError("\(error) (\(location))")
    }
}

/// A malformed-input case whose expected headers name lines of its own text: `at(path)` is the line
/// (from 1) of `path` in `yaml`, so the expectations follow a line added anywhere in the fixture.
func malformedCase(_ label: String, _ yaml: String, _ expected: (_ at: (String) -> Int) -> [String])
    -> (label: String, yaml: String, expected: [String]) {
    (label, yaml, expected { yaml.line(of: $0) })
}

extension String {
    /// This YAML text with the one line where the key or entry at `path` sits (found by key path,
    /// never by number) replaced by `text` as written: for edits that must keep the rest of the
    /// line's block, such as a tag on a map's key or a syntax error on one line.
    func replacingLine(of path: String, with text: String) -> String {
        var lines = components(separatedBy: "\n")
        lines[line(of: path) - 1] = text
        return lines.joined(separator: "\n")
    }

    /// This YAML text with `text` as written as a new line after the line of the key at `path`.
    func insertingLine(after path: String, _ text: String) -> String {
        var lines = components(separatedBy: "\n")
        lines.insert(text, at: line(of: path))
        return lines.joined(separator: "\n")
    }
}
