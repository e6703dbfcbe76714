import Stochastics

/// Writes a checked tree as YAML: every key, defaults included, in the schema's order, so the
/// same scenario always gives the same bytes (and the same ``ScenarioDocument/contentHash``).
enum ResolvedYAML {
    static func emit(_ root: RNode) -> String {
        var lines: [String] = []
        body(root.fields, indent: 0, into: &lines)
        return lines.joined(separator: "\n") + "\n"
    }

    private static func body(_ fields: [RField], indent: Int, into lines: inout [String]) {
        let pad = String(repeating: " ", count: indent)
        for f in fields {
            let key = pad + quote(f.key) + ":"
            switch f.node.value {
            case .map(let sub):
                if sub.isEmpty { lines.append(key + " {}") } else {
                    lines.append(key)
                    body(sub, indent: indent + 2, into: &lines)
                }
            case .list(let items):
                let isMaps = items.contains { if case .map = $0.value { return true } else { return false } }
                if items.isEmpty {
                    lines.append(key + " []")
                } else if isMaps {
                    lines.append(key)
                    for item in items {
                        var sub: [String] = []
                        body(item.fields, indent: indent + 4, into: &sub)
                        guard !sub.isEmpty else { continue }
                        let inner = String(repeating: " ", count: indent + 4)
                        sub[0] = pad + "  - " + sub[0].dropFirst(inner.count)
                        lines.append(contentsOf: sub)
                    }
                } else {
                    lines.append(key + " [" + items.map { scalar($0.value) }.joined(separator: ", ") + "]")
                }
            default:
                lines.append(key + " " + scalar(f.node.value))
            }
        }
    }

    static func scalar(_ v: RNode.Value) -> String {
        switch v {
        case .null: return "null"
        case .number(let x): return NumberText.format(x)
        case .integer(let i): return String(i)
        case .bool(let b): return b ? "true" : "false"
        case .text(let s): return quote(s)
        case .month(let m): return m.description
        case .distribution(.constant(let x)): return NumberText.format(x)
        case .distribution(let d): return flow(d, per: nil)
        case .drawn(let d, let scope): return flow(d, per: scope)
        case .map, .list: return "null"
        }
    }

    /// `{dist: pareto, shape: 1.5, scale: 8}` with `per: replication` (or `per: firm`) last when drawn so.
    static func flow(_ d: Distribution, per scope: DrawScope?) -> String {
        var parts = ["dist: " + d.name]
        for (name, p) in d.parameters {
            switch p {
            case .number(let x): parts.append(name + ": " + NumberText.format(x))
            case .list(let xs): parts.append(name + ": [" + xs.map(NumberText.format).joined(separator: ", ") + "]")
            }
        }
        if let scope { parts.append("per: " + scope.rawValue) }
        return "{" + parts.joined(separator: ", ") + "}"
    }

    private static let reserved: Set<String> = ["true", "false", "yes", "no", "on", "off", "y", "n", "null", "~"]

    /// Plain when safe (`h800`, `llm-training`), else double-quoted with escapes.
    static func quote(_ s: String) -> String {
        let safe = !s.isEmpty && s.unicodeScalars.first.map { ("a"..."z").contains($0) || ("A"..."Z").contains($0) } == true
            && s.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0) || $0 == "-" || $0 == "_" || $0 == "." }
            && !reserved.contains(s.lowercased())
        if safe { return s }
        var out = "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case "\r": out += "\\r"
            default:
                if u.value < 0x20 || u.value == 0x7F || (0x80..<0xA0).contains(u.value) || u.value == 0x2028 || u.value == 0x2029 || u.value == 0xFEFF {
                    let hex = String(u.value, radix: 16, uppercase: true)
                    out += "\\u" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
                } else {
                    out.unicodeScalars.append(u)
                }
            }
        }
        return out + "\""
    }
}
