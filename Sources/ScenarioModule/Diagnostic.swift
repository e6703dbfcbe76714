// Errors in scenario input, reported like a compiler's: where, which key, expected, got.

/// One problem found in a scenario file or a `--set` override.
///
/// Rendered (``description``) as
/// ```
/// Scenarios/baseline.yaml:14:13: error: providers[idc-operator].fleet[0].units: expected an integer in [0, 1e7], got '-4'
///       units: -4
///              ^
/// ```
/// A diagnostic about a `--set` override names `<command line>:--set #k` (k counted from 1)
/// as its file, line 1, and the column within the override's text.
public struct Diagnostic: Sendable, Equatable, CustomStringConvertible {
    /// The file as given, or `<command line>:--set #k`.
    public let file: String
    /// Line, from 1.
    public let line: Int
    /// Column in Unicode scalars, from 1.
    public let column: Int
    /// The concrete key path the problem is about (`demand.segments[llm-training].rate`),
    /// or `(top level)` for the document itself.
    public let keyPath: String
    /// What is wrong: usually "expected …, got …".
    public let message: String
    /// The source line, for the caret (nil when the text is not available).
    public let sourceLine: String?

    public init(file: String, line: Int, column: Int, keyPath: String, message: String, sourceLine: String? = nil) {
        self.file = file
        self.line = line
        self.column = column
        self.keyPath = keyPath
        self.message = message
        self.sourceLine = sourceLine
    }

    /// Whether the diagnostic is about a `--set` override rather than the file.
    public var isCommandLine: Bool { file.hasPrefix(Diagnostic.commandLinePrefix) }

    static let commandLinePrefix = "<command line>"
    static let topLevel = "(top level)"

    /// The header line: `file:line:col: error: key.path: message`.
    public var header: String {
        let place = isCommandLine ? file : "\(file):\(line):\(column)"
        let key = keyPath.isEmpty ? "" : "\(keyPath): "
        return "\(place): error: \(key)\(message)"
    }

    /// The header, then the source line and a caret under the column (when the line is known).
    public var description: String {
        guard let src = sourceLine, !src.isEmpty else { return header }
        let (shown, caretColumn) = Diagnostic.excerpt(src, column: column)
        var pad = ""
        // Keep tabs so the caret lines up under tab-indented text.
        for (i, ch) in shown.unicodeScalars.enumerated() where i < caretColumn - 1 {
            pad.unicodeScalars.append(ch == "\t" ? "\t" : " ")
        }
        return header + "\n" + shown + "\n" + pad + "^"
    }

    /// A printable window of at most 160 scalars around `column`; control characters shown as `?`.
    static func excerpt(_ line: String, column: Int) -> (String, Int) {
        let scalars = Array(line.unicodeScalars)
        let col = max(1, min(column, scalars.count + 1))
        var lo = 0, hi = scalars.count
        if hi > 160 {
            lo = max(0, col - 1 - 80)
            hi = min(scalars.count, lo + 160)
        }
        var out = String.UnicodeScalarView()
        for s in scalars[lo..<hi] {
            if s == "\t" { out.append(s) } else if s.value < 0x20 || s.value == 0x7F || (0x80..<0xA0).contains(s.value)
                        || (0xE000...0xF8FF).contains(s.value) || s.value == 0xFFFD || s.value == 0xFEFF {
                out.append("?")
            } else { out.append(s) }
        }
        return (String(out), col - lo)
    }
}

/// All problems found in one scenario and its overrides; thrown by ``ScenarioLoader``.
public struct ScenarioDiagnostics: Error, Sendable, CustomStringConvertible {
    /// Sorted: the file's problems by line and column, then those of the files it extends
    /// (parent, grandparent, …), then the overrides' in order.
    public let diagnostics: [Diagnostic]
    /// The scenario file as given.
    public let file: String

    /// Problems found but not kept (beyond ``DiagnosticSink/limit``).
    public let omitted: Int

    /// - Parameter files: the order of the files (`file` first, then the files it extends); files
    ///   not listed follow in the order they first appear.
    public init(diagnostics: [Diagnostic], file: String, omitted: Int = 0, files: [String] = []) {
        self.diagnostics = ScenarioDiagnostics.sorted(diagnostics, files: [file] + files)
        self.file = file
        self.omitted = omitted
    }

    init(_ sink: DiagnosticSink, file: String) {
        self.init(diagnostics: sink.items, file: file, omitted: sink.omitted, files: sink.sources.texts.map(\.name))
    }

    /// The closing line: `suanli: 2 errors in FILE; nothing was run.`
    public var summary: String {
        let n = diagnostics.count + omitted
        let shown = omitted > 0 ? " (\(diagnostics.count) shown)" : ""
        return "suanli: \(n) error\(n == 1 ? "" : "s") in \(file)\(shown); nothing was run."
    }

    /// Every diagnostic with its caret, then the closing line.
    public var description: String {
        (diagnostics.map(\.description) + [summary]).joined(separator: "\n")
    }

    static func sorted(_ ds: [Diagnostic], files: [String] = []) -> [Diagnostic] {
        var seen = Set<String>()
        var unique: [Diagnostic] = []
        for d in ds where seen.insert("\(d.file)\u{0}\(d.line)\u{0}\(d.column)\u{0}\(d.keyPath)\u{0}\(d.message)").inserted {
            unique.append(d)
        }
        var order: [String: Int] = [:]
        for f in files + unique.map(\.file) where order[f] == nil { order[f] = order.count }
        func rank(_ d: Diagnostic) -> (Int, Int, Int, Int) {
            if d.isCommandLine {
                let k = Int(d.file.split(separator: "#").last ?? "") ?? 0
                return (1, k, d.line, d.column)
            }
            return (0, order[d.file] ?? 0, d.line, d.column)
        }
        return unique.enumerated().sorted { a, b in
            let ra = rank(a.element), rb = rank(b.element)
            return ra != rb ? ra < rb : a.offset < b.offset
        }.map(\.element)
    }
}

/// Collects diagnostics while decoding; never stops at the first.
struct DiagnosticSink {
    var sources: SourceSet
    private(set) var items: [Diagnostic] = []
    /// Problems beyond ``limit``, counted but not kept.
    private(set) var omitted = 0
    /// Most diagnostics kept: a file with thousands of problems is not a scenario.
    static let limit = 200

    init(sources: SourceSet) { self.sources = sources }

    /// Whether there is room for more detail (suggestions cost an edit distance each).
    var wantsDetail: Bool { items.count < DiagnosticSink.limit }

    mutating func error(_ loc: SourceLocation, _ keyPath: String, _ message: String) {
        guard items.count < DiagnosticSink.limit else { omitted += 1; return }
        let src = sources[loc.source]
        items.append(Diagnostic(file: src.name, line: loc.line, column: loc.column,
                                keyPath: keyPath.isEmpty ? Diagnostic.topLevel : keyPath,
                                message: message, sourceLine: src.line(loc.line)))
    }

    var isEmpty: Bool { items.isEmpty }
    var count: Int { items.count }
}
