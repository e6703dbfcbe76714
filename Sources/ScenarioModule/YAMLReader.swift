import Yams

/// Reads YAML text into a located ``YNode`` tree through Yams' composer, with bounds that
/// keep hostile input cheap: a size cap, a nesting cap, a node budget, no anchors or aliases.
///
/// Yams rejects a mapping with a repeated key without saying where the second copy is, so the
/// reader renames the first copy in a scratch copy of the text to a same-length placeholder
/// (private-use characters, which keeps every column) and parses again; the decoder then sees
/// both copies and reports both lines.
enum YAMLReader {
    /// Largest text accepted, in UTF-8 bytes.
    static let maxBytes = 1 << 20
    /// Largest number of nodes in one document.
    static let maxNodes = 100_000
    /// Deepest nesting of maps and lists.
    static let maxDepth = 32
    /// Widest indentation (columns) of a line that starts a node.
    static let maxIndent = 120

    enum Outcome {
        case node(YNode)
        /// An empty document (no node at all).
        case empty
        /// Reported to the sink already.
        case failed
    }

    /// Reads `text` (source `source` in `sink.sources`).
    /// - Parameters:
    ///   - columnOffset: added to columns on line 1 (a `--set` value inside its argument).
    ///   - keyPath: where the text sits in a scenario (a `--set` value: the key it sets); problems
    ///     are reported at this path joined with the nearest key inside the text.
    static func read(_ text: String, source: Int, columnOffset: Int = 0, keyPath: String = "",
                     sink: inout DiagnosticSink) -> Outcome {
        func loc(_ line: Int, _ col: Int) -> SourceLocation {
            SourceLocation(source: source, line: max(1, line), column: max(1, col + (line == 1 ? columnOffset : 0)))
        }
        func key(_ nearest: String?) -> String {
            guard let nearest, !nearest.isEmpty else { return keyPath }
            return keyPath.isEmpty ? nearest : keyPath + "." + nearest
        }
        if text.utf8.count > maxBytes {
            sink.error(loc(1, 1), key(nil), "the file is larger than \(maxBytes / 1024) KiB; expected a scenario of a few hundred lines")
            return .failed
        }
        let scan = prescan(text)
        if !scan.problems.isEmpty {
            // Name the keys from a copy without the offending anchors and aliases.
            var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { Array($0.unicodeScalars) }
            for p in scan.problems where p.line <= lines.count && p.column <= lines[p.line - 1].count {
                let ch = lines[p.line - 1][p.column - 1]
                if ch == "&" || ch == "*" { lines[p.line - 1][p.column - 1] = " " }
            }
            let blanked = lines.map { String(String.UnicodeScalarView($0)) }.joined(separator: "\n")
            for p in scan.problems.prefix(20) {
                sink.error(loc(p.line, p.column), key(nearestKeyPath(blanked, beforeLine: p.line, column: p.column)), p.message)
            }
            return .failed
        }

        // Parse, renaming repeated keys until Yams accepts the text.
        var work = text
        var placeholders: [String: String] = [:]
        let hasPrivateUse = text.unicodeScalars.contains { (0xE000...0xF8FF).contains($0.value) }
        var root: Node?
        attempts: for _ in 0...200 {
            do {
                root = try Yams.compose(yaml: work, .basic)
                break attempts
            } catch let error as YamlError {
                if case .duplicatedKeysInMapping(let dups, let context) = error, !hasPrivateUse, let key = dups.first,
                   let renamed = rename(key: key, at: context.mark, in: work, counter: placeholders.count) {
                    work = renamed.text
                    placeholders[renamed.placeholder] = key
                    continue attempts
                }
                let (line, col, message) = describe(error, text: work, columnOffset: columnOffset)
                sink.error(loc(line, col), key(nearestKeyPath(text, beforeLine: line, column: col)), message)
                return .failed
            } catch {
                sink.error(loc(1, 1), key(nil), "not valid YAML: \(error)")
                return .failed
            }
        }
        guard let root else { return .empty }

        var converter = Converter(source: source, columnOffset: columnOffset, placeholders: placeholders)
        let node = converter.convert(root, depth: 0)
        if let (l, message) = converter.problem {
            sink.error(l, key(nearestKeyPath(text, beforeLine: l.line)), message)
            return .failed
        }
        return .node(node)
    }

    // MARK: Yams errors

    /// Line, column and message of a Yams error.
    static func describe(_ error: YamlError, text: String, columnOffset: Int = 0) -> (Int, Int, String) {
        switch error {
        case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _),
             .composer(let context, let problem, let mark, _):
            var msg = "not valid YAML: \(problem)"
            if let c = context, !c.text.isEmpty, c.mark.line != mark.line || c.mark.column != mark.column {
                let col = c.mark.column + (c.mark.line == 1 ? columnOffset : 0)
                msg += " (\(c.text) at line \(c.mark.line), column \(col))"
            } else if let c = context, !c.text.isEmpty {
                msg += " (\(c.text))"
            }
            if problem.contains("Maximum nesting level") { msg = "not valid YAML: nested too deeply" }
            return (mark.line, mark.column, msg)
        case .reader(let problem, let offset, let value, _):
            let (l, c) = lineColumn(ofUTF8Offset: offset ?? 0, in: text)
            let hex = String(UInt8(truncatingIfNeeded: value), radix: 16, uppercase: true)
            let what = value >= 0 ? " (byte 0x\(hex.count < 2 ? "0" + hex : hex))" : ""
            return (l, c, "not a text file or not valid YAML: \(problem)\(what)")
        case .duplicatedKeysInMapping(let dups, let context):
            return (context.mark.line, context.mark.column,
                    "duplicate key '\(dups.first ?? "")' in one map (write each key once)")
        case .memory: return (1, 1, "not valid YAML: out of memory")
        default: return (1, 1, "not valid YAML: \(error)")
        }
    }

    static func lineColumn(ofUTF8Offset offset: Int, in text: String) -> (Int, Int) {
        var line = 1, col = 1, bytes = 0
        for s in text.unicodeScalars {
            if bytes >= offset { break }
            bytes += String(s).utf8.count
            if s == "\n" { line += 1; col = 1 } else { col += 1 }
        }
        return (line, col)
    }

    /// Replaces the key that starts at `mark` with a same-length placeholder.
    static func rename(key: String, at mark: Mark, in text: String, counter: Int) -> (text: String, placeholder: String)? {
        let k = key.unicodeScalars.count
        guard k >= 1 else { return nil }
        var digits: [UInt32] = []
        var n = counter
        repeat { digits.append(UInt32(n % 6400)); n /= 6400 } while n > 0
        guard digits.count <= k else { return nil }
        var ph = String.UnicodeScalarView()
        for _ in 0..<(k - digits.count) { ph.append(Unicode.Scalar(0xE000)!) }
        for d in digits.reversed() { ph.append(Unicode.Scalar(0xE000 + d)!) }
        let placeholder = String(ph)

        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { Array(String($0).unicodeScalars) }
        guard mark.line >= 1, mark.line <= lines.count else { return nil }
        var line = lines[mark.line - 1]
        var start = mark.column - 1
        guard start >= 0, start < line.count else { return nil }
        if line[start] == "\"" || line[start] == "'" { start += 1 }
        let keyScalars = Array(key.unicodeScalars)
        guard start + k <= line.count, Array(line[start..<(start + k)]) == keyScalars else { return nil }
        line.replaceSubrange(start..<(start + k), with: Array(placeholder.unicodeScalars))
        lines[mark.line - 1] = line
        var out = String.UnicodeScalarView()
        for (i, l) in lines.enumerated() {
            if i > 0 { out.append("\n") }
            out.append(contentsOf: l)
        }
        return (String(out), placeholder)
    }

    // MARK: Conversion

    struct Converter {
        let source: Int
        let columnOffset: Int
        let placeholders: [String: String]
        var nodes = 0
        var problem: (SourceLocation, String)?
        private var containers = Set<SourceLocation>()

        init(source: Int, columnOffset: Int, placeholders: [String: String]) {
            self.source = source
            self.columnOffset = columnOffset
            self.placeholders = placeholders
        }

        func loc(_ mark: Mark?) -> SourceLocation {
            let line = mark?.line ?? 1, col = mark?.column ?? 1
            return SourceLocation(source: source, line: max(1, line), column: max(1, col + (line == 1 ? columnOffset : 0)))
        }

        mutating func fail(_ l: SourceLocation, _ message: String) {
            if problem == nil { problem = (l, message) }
        }

        mutating func convert(_ node: Node, depth: Int) -> YNode {
            let l = loc(node.mark)
            nodes += 1
            if problem != nil { return YNode(value: .scalar("", plain: true), loc: l) }
            if nodes > YAMLReader.maxNodes {
                fail(l, "more than \(YAMLReader.maxNodes) YAML nodes; a scenario needs far fewer")
                return YNode(value: .scalar("", plain: true), loc: l)
            }
            if depth > YAMLReader.maxDepth {
                fail(l, "nested deeper than \(YAMLReader.maxDepth) levels")
                return YNode(value: .scalar("", plain: true), loc: l)
            }
            switch node {
            case .scalar(let s):
                return YNode(value: .scalar(s.string, plain: s.style == .plain), loc: l)
            case .alias:
                fail(l, "anchors and aliases are not supported in scenario files; write the value out")
                return YNode(value: .scalar("", plain: true), loc: l)
            case .mapping(let m):
                // A container met twice is an alias expansion: stop before it multiplies.
                let key = SourceLocation(source: 2 * source + 1, line: l.line, column: l.column)
                if !containers.insert(key).inserted {
                    fail(l, "anchors and aliases are not supported in scenario files; write the value out")
                    return YNode(value: .scalar("", plain: true), loc: l)
                }
                var pairs: [YPair] = []
                for (k, v) in m {
                    let kl = loc(k.mark)
                    let value = convert(v, depth: depth + 1)
                    if case .scalar(let ks) = k {
                        let name = placeholders[ks.string] ?? ks.string
                        pairs.append(YPair(key: name, keyLoc: kl, keyIsScalar: true, value: value))
                    } else {
                        nodes += 1
                        pairs.append(YPair(key: "", keyLoc: kl, keyIsScalar: false, value: value))
                    }
                }
                return YNode(value: .map(pairs), loc: l)
            case .sequence(let s):
                let key = SourceLocation(source: 2 * source, line: l.line, column: l.column)
                if !containers.insert(key).inserted {
                    fail(l, "anchors and aliases are not supported in scenario files; write the value out")
                    return YNode(value: .scalar("", plain: true), loc: l)
                }
                var items: [YNode] = []
                for v in s { items.append(convert(v, depth: depth + 1)) }
                return YNode(value: .list(items), loc: l)
            }
        }
    }

    // MARK: Pre-scan

    struct Problem { let line: Int; let column: Int; let message: String }

    /// A lexical pass before Yams sees the text: finds anchors (`&a`) and aliases (`*a`) where
    /// a node starts, nesting beyond ``maxDepth``, and indentation beyond ``maxIndent``.
    /// Quoted scalars, block scalars and comments are skipped.
    static func prescan(_ text: String) -> (problems: [Problem], maxFlowDepth: Int) {
        var problems: [Problem] = []
        var inDouble = false, inSingle = false
        var flow = 0, maxFlow = 0
        var blockParentIndent: Int? = nil
        var lineNo = 0
        for rawLine in text.split(separator: "\n", omittingEmptySubsequences: false) {
            lineNo += 1
            if problems.count >= 20 { break }
            let line = Array(rawLine.unicodeScalars)
            var indent = 0
            while indent < line.count && line[indent] == " " { indent += 1 }
            let blank = indent == line.count || line[indent] == "\r"
            if let parent = blockParentIndent {
                if blank || indent > parent { continue }
                blockParentIndent = nil
            }
            if !inDouble && !inSingle && flow == 0 && !blank && line[indent] != "#" && indent > maxIndent {
                problems.append(Problem(line: lineNo, column: indent + 1,
                                        message: "indented more than \(maxIndent) columns; nesting this deep is not a scenario"))
                return (problems, maxFlow)
            }
            var prev: Unicode.Scalar? = nil      // previous non-space character on this line
            var spaceSincePrev = false
            var onlyIndicators = true            // everything so far on the line is `- ` or `? `
            var compact = 0
            var i = 0
            while i < line.count {
                let ch = line[i]
                if inDouble {
                    if ch == "\\" { i += 2; continue }
                    if ch == "\"" { inDouble = false; prev = ch; spaceSincePrev = false; onlyIndicators = false }
                    i += 1; continue
                }
                if inSingle {
                    if ch == "'" {
                        if i + 1 < line.count && line[i + 1] == "'" { i += 2; continue }
                        inSingle = false; prev = ch; spaceSincePrev = false; onlyIndicators = false
                    }
                    i += 1; continue
                }
                if ch == " " || ch == "\t" || ch == "\r" { spaceSincePrev = true; i += 1; continue }
                if ch == "#" && (prev == nil || spaceSincePrev) { break }
                let next: Unicode.Scalar? = i + 1 < line.count ? line[i + 1] : nil
                let nextIsSpace = next == nil || next == " " || next == "\t" || next == "\r"
                let atStart: Bool
                switch prev {
                case nil: atStart = true
                case "-"?, "?"?: atStart = spaceSincePrev && onlyIndicators
                case ":"?: atStart = spaceSincePrev || flow > 0
                case "["?, "{"?: atStart = flow > 0
                case ","?: atStart = flow > 0
                default: atStart = false
                }
                if atStart {
                    if (ch == "-" || ch == "?") && nextIsSpace && onlyIndicators {
                        compact += 1
                        if compact > 8 {
                            problems.append(Problem(line: lineNo, column: i + 1, message: "nested deeper than 8 compact '- ' levels on one line"))
                            break
                        }
                        prev = ch; spaceSincePrev = false; i += 1; continue
                    }
                    onlyIndicators = false
                    switch ch {
                    case "\"": inDouble = true
                    case "'": inSingle = true
                    case "&", "*":
                        if !nextIsSpace {
                            problems.append(Problem(line: lineNo, column: i + 1,
                                                    message: "anchors and aliases ('\(ch)…') are not supported in scenario files; write the value out"))
                        }
                    case "|", ">":
                        if flow == 0 { blockParentIndent = indent }
                    case "[", "{":
                        flow += 1
                        maxFlow = max(maxFlow, flow)
                        if flow > maxDepth {
                            problems.append(Problem(line: lineNo, column: i + 1, message: "nested deeper than \(maxDepth) levels"))
                            return (problems, maxFlow)
                        }
                    default: break
                    }
                } else {
                    onlyIndicators = false
                    if flow > 0 && (ch == "[" || ch == "{") {
                        flow += 1
                        maxFlow = max(maxFlow, flow)
                        if flow > maxDepth {
                            problems.append(Problem(line: lineNo, column: i + 1, message: "nested deeper than \(maxDepth) levels"))
                            return (problems, maxFlow)
                        }
                    }
                }
                if flow > 0 && (ch == "]" || ch == "}") { flow -= 1 }
                prev = ch
                spaceSincePrev = false
                i += 1
            }
        }
        return (problems, maxFlow)
    }

    // MARK: Where a syntax error is

    /// The key path of the last key before `line`, found by parsing the text above it;
    /// nil when that does not parse either. Lists of maps with a `name` are addressed by name.
    static func nearestKeyPath(_ text: String, beforeLine line: Int, column: Int = 1) -> String? {
        guard text.utf8.count <= maxBytes else { return nil }
        let all = text.split(separator: "\n", omittingEmptySubsequences: false)
        // First the text up to the problem itself (the key on its own line, if any).
        if column > 1, line >= 1, line <= all.count {
            let partial = String(String.UnicodeScalarView(all[line - 1].unicodeScalars.prefix(column - 1)))
            if let path = lastKeyPath((all.prefix(line - 1) + [Substring(partial)]).joined(separator: "\n")) { return path }
        }
        guard line > 1 else { return nil }
        // The lines just above may be part of the problem: step back a few times.
        for cut in stride(from: line - 1, through: max(1, line - 8), by: -1) {
            let head = all.prefix(cut).joined(separator: "\n")
            if let path = lastKeyPath(head) { return path }
        }
        return nil
    }

    private static func lastKeyPath(_ head: String) -> String? {
        if !prescan(head).problems.isEmpty { return nil }
        guard let root = try? Yams.compose(yaml: head, .basic) else { return nil }
        var converter = Converter(source: 0, columnOffset: 0, placeholders: [:])
        let node = converter.convert(root, depth: 0)
        if converter.problem != nil { return nil }
        var best: (SourceLocation, String)?
        func visit(_ n: YNode, _ path: String) {
            switch n.value {
            case .scalar: return
            case .map(let pairs):
                for p in pairs where p.keyIsScalar {
                    let sub = path.isEmpty ? p.key : path + "." + p.key
                    if best == nil || (p.keyLoc.line, p.keyLoc.column) >= (best!.0.line, best!.0.column) { best = (p.keyLoc, sub) }
                    visit(p.value, sub)
                }
            case .list(let items):
                for (i, item) in items.enumerated() {
                    var label = String(i)
                    if case .map(let pairs) = item.value, let nm = pairs.first(where: { $0.key == "name" }),
                       case .scalar(let s, _) = nm.value.value, KeyPath.isName(s) {
                        label = s
                    }
                    visit(item, path + "[" + label + "]")
                }
            }
        }
        visit(node, "")
        return best?.1
    }
}
