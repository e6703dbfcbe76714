// The scenario as written: a small YAML tree whose every node knows its file, line and column.

/// A place in one of the texts being read (the file, or one `--set` override).
struct SourceLocation: Sendable, Hashable {
    /// Index into the ``SourceSet``.
    var source: Int
    var line: Int
    var column: Int
}

/// The texts a scenario is read from, for diagnostics with source lines.
struct SourceSet: Sendable {
    struct Text: Sendable {
        /// The name diagnostics show: the file as given, or `<command line>:--set #k`.
        let name: String
        let lines: [String]
        func line(_ n: Int) -> String? { n >= 1 && n <= lines.count ? lines[n - 1] : nil }
    }

    private(set) var texts: [Text] = []

    mutating func add(name: String, text: String) -> Int {
        var lines: [String] = []
        for l in text.split(separator: "\n", omittingEmptySubsequences: false) {
            lines.append(l.hasSuffix("\r") ? String(l.dropLast()) : String(l))
        }
        texts.append(Text(name: name, lines: lines))
        return texts.count - 1
    }

    subscript(i: Int) -> Text { texts[i] }
}

/// One node of the YAML tree as written. Keys are kept in file order, duplicates included
/// (the decoder reports them with both lines).
struct YNode: Sendable {
    enum Value: Sendable {
        /// A scalar's text; `plain` is false for quoted and block scalars.
        case scalar(String, plain: Bool)
        case map([YPair])
        case list([YNode])
    }
    var value: Value
    var loc: SourceLocation

    /// A plain `~`, `null` or empty scalar.
    var isNull: Bool {
        if case .scalar(let s, true) = value { return s.isEmpty || s == "~" || s == "null" || s == "Null" || s == "NULL" }
        return false
    }

    /// How the node reads in "got …": the scalar's text quoted, or "a map" / "a list".
    var got: String {
        switch value {
        case .scalar(let s, let plain):
            if plain && isNull { return "null" }
            return plain ? "'" + YNode.clip(s) + "'" : "the string \"" + YNode.clip(s) + "\""
        case .map(let p): return p.isEmpty ? "an empty map" : "a map"
        case .list(let l): return l.isEmpty ? "an empty list" : "a list"
        }
    }

    static func clip(_ s: String) -> String {
        var out = ""
        for (i, u) in s.unicodeScalars.enumerated() {
            if i == 40 { out += "…"; break }
            out.unicodeScalars.append(u.value < 0x20 || u.value == 0x7F ? "?" : u)
        }
        return out
    }
}

struct YPair: Sendable {
    /// The key's text; empty when the key is not a scalar (``keyIsScalar``).
    var key: String
    var keyLoc: SourceLocation
    var keyIsScalar: Bool
    var value: YNode
}
