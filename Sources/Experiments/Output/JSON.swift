import Tables
/// A JSON value whose objects keep their key order, so a manifest is written the same way
/// every time.
public indirect enum JSONValue: Sendable, Equatable {
    case object([(String, JSONValue)])
    case array([JSONValue])
    case string(String)
    case int(Int)
    case uint(UInt64)
    /// Written in shortest round-trip form; NaN and infinities become `null`.
    case double(Double)
    case bool(Bool)
    case null

    public static func == (a: JSONValue, b: JSONValue) -> Bool { a.text() == b.text() }

    /// The value as text, indented by two spaces, with a trailing newline at top level.
    public func text() -> String {
        var out = ""
        write(to: &out, indent: 0)
        out.append("\n")
        return out
    }

    /// The value on one line, without spaces or a trailing newline (a JSON Lines record).
    public func compactText() -> String {
        var out = ""
        write(to: &out, indent: nil)
        return out
    }

    /// Writes the value; `indent` nil writes it on one line.
    private func write(to out: inout String, indent: Int?) {
        let pad = indent.map { String(repeating: "  ", count: $0 + 1) } ?? ""
        let end = indent.map { String(repeating: "  ", count: $0) } ?? ""
        let open = indent == nil ? "" : "\n", separator = indent == nil ? "," : ",\n", colon = indent == nil ? ":" : ": "
        let inner = indent.map { $0 + 1 }
        switch self {
        case .object(let members):
            if members.isEmpty { out.append("{}"); return }
            out.append("{" + open)
            for (i, (k, v)) in members.enumerated() {
                out.append(pad)
                Self.quote(k, into: &out)
                out.append(colon)
                v.write(to: &out, indent: inner)
                out.append(i < members.count - 1 ? separator : open)
            }
            out.append(end + "}")
        case .array(let items):
            if items.isEmpty { out.append("[]"); return }
            out.append("[" + open)
            for (i, v) in items.enumerated() {
                out.append(pad)
                v.write(to: &out, indent: inner)
                out.append(i < items.count - 1 ? separator : open)
            }
            out.append(end + "]")
        case .string(let s): Self.quote(s, into: &out)
        case .int(let i): out.append(String(i))
        case .uint(let u): out.append(String(u))
        case .double(let x): out.append(x.isFinite ? CSVFormat.double(x) : "null")
        case .bool(let b): out.append(b ? "true" : "false")
        case .null: out.append("null")
        }
    }

    private static func quote(_ s: String, into out: inout String) {
        out.append("\"")
        for u in s.unicodeScalars {
            switch u {
            case "\"": out.append("\\\"")
            case "\\": out.append("\\\\")
            case "\n": out.append("\\n")
            case "\r": out.append("\\r")
            case "\t": out.append("\\t")
            default:
                if u.value < 0x20 {
                    let hex = String(u.value, radix: 16)
                    out.append("\\u" + String(repeating: "0", count: 4 - hex.count) + hex)
                } else {
                    out.unicodeScalars.append(u)
                }
            }
        }
        out.append("\"")
    }
}
