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
                sink.error(loc(p.line, p.column), key(holderKeyPath(blanked, line: p.line, column: p.column, closingFlows: false)),
                           p.message)
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
                // The problem belongs to the construct being read when it was found (a flow list, a
                // quoted scalar, …), which starts at the context's mark when Yams gives one.
                let start = constructStart(error) ?? (line, col)
                sink.error(loc(line, col), key(holderKeyPath(text, line: start.line, column: start.column)), message)
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
            sink.error(l, key(converter.problemPath), message)
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

    /// Where the construct that holds a Yams syntax error starts (the mark of its context, e.g.
    /// "while parsing a flow sequence"), when that is before the problem itself.
    static func constructStart(_ error: YamlError) -> (line: Int, column: Int)? {
        switch error {
        case .scanner(let context?, _, let mark, _), .parser(let context?, _, let mark, _),
             .composer(let context?, _, let mark, _):
            let c = context.mark
            guard !context.text.isEmpty, c.line >= 1, c.column >= 1, (c.line, c.column) < (mark.line, mark.column) else { return nil }
            return (c.line, c.column)
        default: return nil
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

    /// Turns Yams' node tree into ``YNode``s, checking the bounds and the tags on the way.
    ///
    /// Tags: an untagged node is read by its style (a plain scalar by its text, a quoted or block
    /// scalar as a string). Of the explicit tags, `!!str` (and the non-specific `!`) makes a
    /// string; `!!null` a null (its text must be empty, `~` or `null`); `!!int`, `!!float` and
    /// `!!bool` keep the node a plain scalar after checking that its text is an integer, a number,
    /// or `true`/`false`; `!!map` and `!!seq` check the node is a map or a list. Any other tag
    /// (`!!timestamp`, `!!binary`, `!custom`, …) is refused: a scenario means nothing by it.
    struct Converter {
        let source: Int
        let columnOffset: Int
        let placeholders: [String: String]
        var nodes = 0
        /// The first problem met, where it is.
        var problem: (SourceLocation, String)?
        /// The key path (inside the text) of the node that has ``problem``; empty at the top level.
        var problemPath = ""
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

        mutating func fail(_ l: SourceLocation, _ message: String, path: String = "") {
            if problem == nil { problem = (l, message); problemPath = path }
        }

        /// Converts `node`, which sits at key path `path` inside the text (for diagnostics).
        mutating func convert(_ node: Node, depth: Int, path: String = "") -> YNode {
            let l = loc(node.mark)
            let none = YNode(value: .scalar("", plain: true), loc: l)
            nodes += 1
            if problem != nil { return none }
            if nodes > YAMLReader.maxNodes {
                fail(l, "more than \(YAMLReader.maxNodes) YAML nodes; a scenario needs far fewer", path: path)
                return none
            }
            if depth > YAMLReader.maxDepth {
                fail(l, "nested deeper than \(YAMLReader.maxDepth) levels", path: path)
                return none
            }
            switch node {
            case .scalar(let s):
                switch Self.readScalar(s.string, tag: s.tag.rawValue, plain: s.style == .plain) {
                case .success(let value): return YNode(value: value, loc: l)
                case .failure(let problem):
                    fail(l, problem.description, path: path)
                    return none
                }
            case .alias:
                fail(l, "anchors and aliases are not supported in scenario files; write the value out", path: path)
                return none
            case .mapping(let m):
                // A container met twice is an alias expansion: stop before it multiplies.
                let key = SourceLocation(source: 2 * source + 1, line: l.line, column: l.column)
                if !containers.insert(key).inserted {
                    fail(l, "anchors and aliases are not supported in scenario files; write the value out", path: path)
                    return none
                }
                if let message = Self.checkCollectionTag(m.tag.rawValue, kind: .map) {
                    fail(l, message, path: path)
                    return none
                }
                var pairs: [YPair] = []
                for (k, v) in m {
                    let kl = loc(k.mark)
                    if case .scalar(let ks) = k {
                        let name = placeholders[ks.string] ?? ks.string
                        let sub = path.isEmpty ? name : path + "." + name
                        // A key is a name: only the tags that keep it text apply.
                        if ![Tag.Name.implicit.rawValue, Tag.Name.nonSpecific.rawValue, Tag.Name.str.rawValue]
                            .contains(ks.tag.rawValue) {
                            fail(kl, "the tag \(Self.shown(ks.tag.rawValue)) cannot mark a key; a key is a name "
                                 + "(write it without a tag)", path: sub)
                        }
                        let value = convert(v, depth: depth + 1, path: sub)
                        pairs.append(YPair(key: name, keyLoc: kl, keyIsScalar: true, value: value))
                    } else {
                        let value = convert(v, depth: depth + 1, path: path)
                        nodes += 1
                        pairs.append(YPair(key: "", keyLoc: kl, keyIsScalar: false, value: value))
                    }
                }
                return YNode(value: .map(pairs), loc: l)
            case .sequence(let s):
                let key = SourceLocation(source: 2 * source, line: l.line, column: l.column)
                if !containers.insert(key).inserted {
                    fail(l, "anchors and aliases are not supported in scenario files; write the value out", path: path)
                    return none
                }
                if let message = Self.checkCollectionTag(s.tag.rawValue, kind: .list) {
                    fail(l, message, path: path)
                    return none
                }
                var items: [YNode] = []
                for (i, v) in s.enumerated() {
                    items.append(convert(v, depth: depth + 1, path: path + "[" + Self.label(of: v, index: i) + "]"))
                }
                return YNode(value: .list(items), loc: l)
            }
        }

        /// How a list item is addressed in a key path: by its `name` if it is a map with one, else its index.
        static func label(of item: Node, index: Int) -> String {
            if case .mapping(let m) = item,
               let name = m.first(where: { if case .scalar(let k) = $0.key { k.string == "name" } else { false } }),
               case .scalar(let s) = name.value, KeyPath.isName(s.string) {
                return s.string
            }
            return String(index)
        }

        enum Kind { case map, list }

        /// The tag as written: `!!str` for the YAML core tags, the tag itself otherwise.
        static func shown(_ tag: String) -> String {
            let core = "tag:yaml.org,2002:"
            return "'" + (tag.hasPrefix(core) ? "!!" + tag.dropFirst(core.count) : tag) + "'"
        }

        static let supportedTags = "!!str, !!int, !!float, !!bool, !!null, !!map or !!seq"

        /// The problem with `tag` on a map or a list, if any.
        static func checkCollectionTag(_ tag: String, kind: Kind) -> String? {
            switch tag {
            case Tag.Name.implicit.rawValue, Tag.Name.nonSpecific.rawValue: return nil
            case Tag.Name.map.rawValue: return kind == .map ? nil : "the tag '!!map' marks a map, but this is a list"
            case Tag.Name.seq.rawValue: return kind == .list ? nil : "the tag '!!seq' marks a list, but this is a map"
            case Tag.Name.str.rawValue, Tag.Name.int.rawValue, Tag.Name.float.rawValue, Tag.Name.bool.rawValue,
                 Tag.Name.null.rawValue:
                return "the tag \(shown(tag)) marks a single value, but this is \(kind == .map ? "a map" : "a list")"
            default:
                return "unsupported YAML tag \(shown(tag)); expected no tag, or one of \(supportedTags)"
            }
        }

        /// A scalar's value under its tag (see ``Converter``), or why the tag does not fit it.
        static func readScalar(_ text: String, tag: String, plain: Bool) -> Result<YNode.Value, TagProblem> {
            func got() -> String { "'" + YNode.clip(text) + "'" }
            switch tag {
            case Tag.Name.implicit.rawValue:
                return .success(.scalar(text, plain: plain))
            case Tag.Name.str.rawValue, Tag.Name.nonSpecific.rawValue:
                return .success(.scalar(text, plain: false))
            case Tag.Name.null.rawValue:
                guard ["", "~", "null", "Null", "NULL"].contains(text) else {
                    return .failure(TagProblem("the tag '!!null' expects an empty value, ~ or null, got \(got())"))
                }
                return .success(.scalar(text, plain: true))
            case Tag.Name.int.rawValue:
                let digitsOnly = text.unicodeScalars.allSatisfy { ("0"..."9").contains($0) || $0 == "_" || $0 == "-" || $0 == "+" }
                guard digitsOnly, case .finite = NumberText.parse(text) else {
                    return .failure(TagProblem("the tag '!!int' expects an integer, got \(got())"))
                }
                return .success(.scalar(text, plain: true))
            case Tag.Name.float.rawValue:
                guard NumberText.parse(text) != .notANumber else {
                    return .failure(TagProblem("the tag '!!float' expects a number, got \(got())"))
                }
                return .success(.scalar(text, plain: true))
            case Tag.Name.bool.rawValue:
                guard text == "true" || text == "false" else {
                    return .failure(TagProblem("the tag '!!bool' expects true or false, got \(got())"))
                }
                return .success(.scalar(text, plain: true))
            case Tag.Name.map.rawValue, Tag.Name.seq.rawValue:
                return .failure(TagProblem("the tag \(shown(tag)) marks \(tag == Tag.Name.map.rawValue ? "a map" : "a list"), "
                                           + "but this is a single value, \(got())"))
            default:
                return .failure(TagProblem("unsupported YAML tag \(shown(tag)); expected no tag, or one of \(supportedTags)"))
            }
        }

        struct TagProblem: Error, CustomStringConvertible {
            let description: String
            init(_ description: String) { self.description = description }
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

    /// The key path of the key whose value holds position (`line`, `column`) of `text`: the text
    /// before that position is parsed (with the flow collections open there closed, when
    /// `closingFlows`), and of the last key read, and the keys holding it, the innermost one that
    /// can hold the position is named: the key itself when the position is on its line, else the
    /// innermost one indented less than the position. Nil (the top level, or unknown) when the
    /// position is not inside any key's value or the text before it does not parse either.
    static func holderKeyPath(_ text: String, line: Int, column: Int, closingFlows: Bool = true) -> String? {
        guard text.utf8.count <= maxBytes, line >= 1 else { return nil }
        let all = text.split(separator: "\n", omittingEmptySubsequences: false)
        guard line <= all.count else { return nil }
        let partial = String(String.UnicodeScalarView(all[line - 1].unicodeScalars.prefix(max(0, column - 1))))
        var head = (all.prefix(line - 1) + [Substring(partial)]).joined(separator: "\n")
        if closingFlows {
            guard let closers = openFlows(head) else { return nil }
            head += closers
        }
        guard let chain = lastKeyChain(head), let last = chain.last else { return nil }
        if last.loc.line == line { return last.path }
        // On a later line, block indentation decides: a key's value holds what is indented more
        // than the key, a list item what is indented at least as much as its content.
        return chain.last(where: { $0.isItem ? $0.loc.column <= column : $0.loc.column < column })?.path
    }

    /// The brackets that close the flow collections still open at the end of `head`, innermost
    /// first; nil when `head` ends inside a quoted scalar.
    static func openFlows(_ head: String) -> String? {
        var stack: [Unicode.Scalar] = []
        var inDouble = false, inSingle = false, inComment = false
        var prev: Unicode.Scalar = "\n"
        var it = Array(head.unicodeScalars)[...]
        while let ch = it.popFirst() {
            defer { prev = ch }
            if ch == "\n" { inComment = false; continue }
            if inComment { continue }
            if inDouble {
                if ch == "\\" { _ = it.popFirst() } else if ch == "\"" { inDouble = false }
                continue
            }
            if inSingle {
                if ch == "'" { if it.first == "'" { _ = it.popFirst() } else { inSingle = false } }
                continue
            }
            switch ch {
            case "#" where prev == " " || prev == "\t" || prev == "\n": inComment = true
            case "\"": inDouble = true
            case "'" where !stack.isEmpty || " \t\n:-[{,".unicodeScalars.contains(prev): inSingle = true
            case "[": stack.append("]")
            case "{": stack.append("}")
            case "]", "}": if !stack.isEmpty { stack.removeLast() }
            default: break
            }
        }
        guard !inDouble, !inSingle else { return nil }
        return String(String.UnicodeScalarView(stack.reversed()))
    }

    /// The last key of `head` (by position) and the keys that hold it, outermost first, with
    /// where each key is; nil when `head` does not parse. Lists of maps with a `name` are
    /// addressed by name.
    private static func lastKeyChain(_ head: String) -> [Holder]? {
        if !prescan(head).problems.isEmpty { return nil }
        guard let root = try? Yams.compose(yaml: head, .basic) else { return nil }
        var converter = Converter(source: 0, columnOffset: 0, placeholders: [:])
        let node = converter.convert(root, depth: 0)
        if converter.problem != nil { return nil }
        var best: [Holder]?
        func visit(_ n: YNode, _ path: String, _ chain: [Holder]) {
            switch n.value {
            case .scalar: return
            case .map(let pairs):
                for p in pairs where p.keyIsScalar {
                    let sub = path.isEmpty ? p.key : path + "." + p.key
                    let here = chain + [Holder(loc: p.keyLoc, path: sub, isItem: false)]
                    if best == nil || (p.keyLoc.line, p.keyLoc.column) >= (best!.last!.loc.line, best!.last!.loc.column) {
                        best = here
                    }
                    visit(p.value, sub, here)
                }
            case .list(let items):
                for (i, item) in items.enumerated() {
                    let sub = path + "[" + listLabel(item, index: i) + "]"
                    visit(item, sub, chain + [Holder(loc: item.loc, path: sub, isItem: true)])
                }
            }
        }
        visit(node, "", [])
        return best
    }

    /// A key, or a list item, that holds the last key of a text.
    struct Holder {
        let loc: SourceLocation
        let path: String
        let isItem: Bool
    }

    private static func listLabel(_ item: YNode, index: Int) -> String {
        if case .map(let pairs) = item.value, let nm = pairs.first(where: { $0.key == "name" }),
           case .scalar(let s, _) = nm.value.value, KeyPath.isName(s) {
            return s
        }
        return String(index)
    }
}
