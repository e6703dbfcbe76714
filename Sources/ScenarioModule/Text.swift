import Foundation

// Small text utilities: key paths, names, numbers, edit distance.

/// A concrete key path such as `demand.segments[llm-training].rate` or `tiers[0].tflops`.
struct KeyPath: Sendable, Equatable {
    enum Component: Sendable, Equatable {
        case key(String)
        case index(Int)
        case name(String)
    }
    var components: [Component]

    /// Parses `a.b[2].c` / `a.b[name].c`; nil if malformed.
    init?(_ text: String) {
        var comps: [Component] = []
        var s = Substring(text)
        guard !s.isEmpty else { return nil }
        var expectKey = true
        while !s.isEmpty {
            if s.first == "[" {
                guard let close = s.firstIndex(of: "]") else { return nil }
                let inner = String(s[s.index(after: s.startIndex)..<close])
                if let i = Int(inner), i >= 0, inner.allSatisfy(\.isASCII) {
                    comps.append(.index(i))
                } else if KeyPath.isName(inner) {
                    comps.append(.name(inner))
                } else { return nil }
                s = s[s.index(after: close)...]
                expectKey = false
                if s.first == "." { s = s.dropFirst(); expectKey = true; if s.isEmpty { return nil } }
                continue
            }
            guard expectKey else { return nil }
            let end = s.firstIndex { $0 == "." || $0 == "[" } ?? s.endIndex
            let key = String(s[s.startIndex..<end])
            guard !key.isEmpty, key.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" || $0 == "*" }) else { return nil }
            comps.append(.key(key))
            s = s[end...]
            expectKey = false
            if s.first == "." { s = s.dropFirst(); expectKey = true; if s.isEmpty { return nil } }
        }
        components = comps
    }

    init(components: [Component]) { self.components = components }

    var description: String {
        var out = ""
        for c in components {
            switch c {
            case .key(let k): out += out.isEmpty ? k : "." + k
            case .index(let i): out += "[\(i)]"
            case .name(let n): out += "[\(n)]"
            }
        }
        return out
    }

    /// Whether `s` is a valid name for a tier, region, segment or provider: 1–64 characters,
    /// starting with a letter, then letters, digits, `-` or `_`.
    static func isName(_ s: String) -> Bool {
        guard let first = s.first, first.isLetter, s.count <= 64 else { return false }
        return s.allSatisfy { ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") && !$0.isWhitespace }
    }

    /// Appends a map key to a concrete path string.
    static func join(_ path: String, _ key: String) -> String { path.isEmpty ? key : path + "." + key }
}

/// Numbers as written in scenario files.
enum NumberText {
    enum Parsed: Equatable {
        case finite(Double)
        /// `.nan`, `.inf`, or a literal too large for a Double (1e400).
        case nonFinite
        case notANumber
    }

    /// Parses a plain YAML number: `12`, `-3.5`, `1e-4`, `1_000_000`, `.5`; `.inf`/`.nan` are non-finite.
    static func parse(_ raw: String) -> Parsed {
        let lower = raw.lowercased()
        if [".inf", "+.inf", "-.inf", ".nan", "inf", "-inf", "+inf", "nan", "infinity", "-infinity"].contains(lower) {
            return .nonFinite
        }
        var s = raw
        if s.contains("_") {
            // Underscores only between digits.
            let u = Array(s.unicodeScalars)
            for (i, c) in u.enumerated() where c == "_" {
                guard i > 0, i + 1 < u.count, ("0"..."9").contains(u[i - 1]), ("0"..."9").contains(u[i + 1]) else { return .notANumber }
            }
            s = s.replacingOccurrences(of: "_", with: "")
        }
        guard s.utf8.count <= 400 else { return .notANumber }
        // sign? (digits [. digits?] | . digits) ([eE] sign? digits)?
        var it = Array(s.utf8)[...]
        if let f = it.first, f == UInt8(ascii: "+") || f == UInt8(ascii: "-") { it = it.dropFirst() }
        func digits() -> Int {
            var n = 0
            while let c = it.first, c >= 48 && c <= 57 { it = it.dropFirst(); n += 1 }
            return n
        }
        var mantissa = digits()
        if it.first == UInt8(ascii: ".") { it = it.dropFirst(); mantissa += digits() }
        guard mantissa > 0 else { return .notANumber }
        if let e = it.first, e == UInt8(ascii: "e") || e == UInt8(ascii: "E") {
            it = it.dropFirst()
            if let f = it.first, f == UInt8(ascii: "+") || f == UInt8(ascii: "-") { it = it.dropFirst() }
            guard digits() > 0 else { return .notANumber }
        }
        guard it.isEmpty, let v = Double(s) else { return .notANumber }
        return v.isFinite ? .finite(v) : .nonFinite
    }

    /// Shortest text that reads back as the same Double: `12`, `0.1`, `2.5e7`, `1e15`, `1e-5`.
    static func format(_ v: Double) -> String {
        if v == 0 { return "0" }
        if v.rounded() == v && abs(v) < 1e7 { return String(Int64(v)) }
        if v.rounded() == v && abs(v) < 1e18 {
            let digits = String(Int64(abs(v)))
            var trimmed = Substring(digits)
            while trimmed.last == "0" { trimmed = trimmed.dropLast() }
            let exp = digits.count - 1
            let mant = trimmed.count == 1 ? String(trimmed) : String(trimmed.prefix(1)) + "." + trimmed.dropFirst()
            let sci = (v < 0 ? "-" : "") + mant + "e" + String(exp)
            return sci.count < digits.count ? sci : (v < 0 ? "-" : "") + digits
        }
        var s = v.description
        if s.hasSuffix(".0") { s.removeLast(2) }
        s = s.replacingOccurrences(of: "e+", with: "e")
        s = s.replacingOccurrences(of: "e-0", with: "e-")
        return s
    }
}

/// Edit distances and "did you mean" suggestions.
public enum Suggest {
    /// Optimal-string-alignment distance: insertions, deletions, substitutions and
    /// transpositions of neighbours each cost 1.
    /// - Complexity: O(|a|·|b|).
    public static func distance(_ a: String, _ b: String) -> Int {
        let x = Array(a.lowercased().unicodeScalars), y = Array(b.lowercased().unicodeScalars)
        if x.isEmpty { return y.count }
        if y.isEmpty { return x.count }
        if x.count > 64 || y.count > 64 { return max(x.count, y.count) }
        // Three rows of the dynamic programme: i−2, i−1, i.
        var before = [Int](repeating: 0, count: y.count + 1)
        var previous = Array(0...y.count)
        var current = [Int](repeating: 0, count: y.count + 1)
        for i in 1...x.count {
            current[0] = i
            for j in 1...y.count {
                let cost = x[i - 1] == y[j - 1] ? 0 : 1
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
                if i > 1 && j > 1 && x[i - 1] == y[j - 2] && x[i - 2] == y[j - 1] {
                    current[j] = min(current[j], before[j - 2] + 1)
                }
            }
            (before, previous, current) = (previous, current, before)
        }
        return previous[y.count]
    }

    /// The closest candidate, if close enough to be a likely typo.
    public static func closest(_ word: String, in candidates: [String]) -> String? {
        var best: (String, Int)?
        for c in candidates {
            let d = distance(word, c)
            if best == nil || d < best!.1 { best = (c, d) }
        }
        if let (c, d) = best {
            let limit = max(2, min(word.count, c.count) / 3)
            if d <= limit && d < max(word.count, c.count) { return c }
        }
        // A shortened or lengthened key: `horizon` for `horizon_months`.
        let w = word.lowercased()
        guard w.count >= 4 else { return nil }
        return candidates.first { $0.lowercased().hasPrefix(w) } ?? candidates.first { $0.count >= 4 && w.hasPrefix($0.lowercased()) }
    }

    /// ` (did you mean 'x'?)` or the empty string.
    static func hint(_ word: String, in candidates: [String]) -> String {
        closest(word, in: candidates).map { " (did you mean '\($0)'?)" } ?? ""
    }
}
