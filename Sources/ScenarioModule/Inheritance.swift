import Foundation

/// `extends: FILE`: a scenario written as the differences from another.
///
/// The parent is read (and its own `extends` resolved) into a located tree, then the child's
/// tree is laid over it before `--set` overrides and decoding:
/// - maps merge key by key, recursively; a key the child writes replaces or merges into the
///   parent's, a key it does not write is inherited;
/// - scalars, distributions and lists replace the parent's value whole, except
/// - lists whose entries have a `name` (tiers, regions, segments, providers, entrants, vouchers)
///   merge by name: an entry with a known name merges into the inherited one, a new name is
///   appended, and `{name: X, remove: true}` deletes the inherited X;
/// - a map whose `kind` changes (a growth from exponential to logistic) replaces whole.
///
/// Every node keeps the file it was written in, so a problem in an inherited value is reported
/// at the parent's file and line, and one in the child's at the child's. Cycles, missing files
/// and chains deeper than ``maxDepth`` are errors at the `extends` line.
enum Inheritance {
    /// The key that names the parent.
    static let key = "extends"
    /// The most files in one chain (the file itself, its parent, grandparent, …).
    static let maxDepth = 16

    /// Resolves the `extends` of `root`, read from `path` (as diagnostics name it).
    /// - Parameter chain: the files being resolved below this one, outermost first, for cycles.
    /// - Returns: the merged tree, or nil when a parent could not be read (reported).
    static func resolve(_ root: YNode, path: String, chain: [(canonical: String, name: String)] = [],
                        sink: inout DiagnosticSink) -> YNode? {
        let here = chain + [(canonical: canonical(path), name: path)]
        guard case .map(let pairs) = root.value else { return root }
        let extendsPairs = pairs.filter { $0.keyIsScalar && $0.key == key }
        var own = root
        own.value = .map(pairs.filter { !($0.keyIsScalar && $0.key == key) })
        guard let first = extendsPairs.first else { return merge(nil, own, sink: &sink) }
        for dup in extendsPairs.dropFirst() {
            sink.error(dup.keyLoc, "", "duplicate key '\(key)' at lines \(first.keyLoc.line) and \(dup.keyLoc.line) (a scenario extends one file)")
        }
        let value = first.value
        guard case .scalar(let target, _) = value.value, !value.isNull, !target.isEmpty, !target.contains("\u{0}") else {
            sink.error(value.loc, key, "expected the path of the scenario file to extend (relative to this file), got \(value.got)")
            return nil
        }
        let parentPath = join(directory(of: path), target)
        let parentCanonical = canonical(parentPath)
        let shown = target == parentPath ? "'\(target)'" : "'\(target)' (\(parentPath))"
        if let i = here.firstIndex(where: { $0.canonical == parentCanonical }) {
            let cycle = (here[i...].map(\.name) + [parentPath]).joined(separator: " → ")
            sink.error(value.loc, key, "extends makes a cycle: \(cycle)")
            return nil
        }
        if here.count >= maxDepth {
            sink.error(value.loc, key, "extends chains at most \(maxDepth) files: \((here.map(\.name) + [parentPath]).joined(separator: " → "))")
            return nil
        }
        let parentText: String
        switch ScenarioLoader.readFile(parentPath) {
        case .text(let t):
            parentText = t.unicodeScalars.first == "\u{FEFF}" ? String(t.unicodeScalars.dropFirst()) : t
        case .failure(let why):
            sink.error(value.loc, key, "cannot read the file to extend, \(shown): \(why)")
            return nil
        case .notUTF8(let decoded, let line, let column):
            let src = sink.sources.add(name: parentPath, text: decoded)
            sink.error(SourceLocation(source: src, line: line, column: column), "", "not UTF-8 text (a scenario is a YAML text file)")
            return nil
        }
        let src = sink.sources.add(name: parentPath, text: parentText)
        let parent: YNode
        switch YAMLReader.read(parentText, source: src, sink: &sink) {
        case .failed:
            return nil
        case .empty:
            sink.error(SourceLocation(source: src, line: 1, column: 1), "",
                       "expected a map of scenario keys to extend, got an empty file")
            return nil
        case .node(let n):
            guard case .map = n.value else {
                sink.error(n.loc, "", "expected a map of scenario keys to extend, got \(n.got)")
                return nil
            }
            parent = n
        }
        guard let resolvedParent = resolve(parent, path: parentPath, chain: here, sink: &sink) else { return nil }
        return merge(resolvedParent, own, sink: &sink)
    }

    /// The child's tree over the parent's (nil: a file that extends nothing, checked for stray removes).
    private static func merge(_ parent: YNode?, _ child: YNode, sink: inout DiagnosticSink) -> YNode {
        var merger = Merger(sink: sink)
        let merged = merger.map(parent, child, prefix: "", path: "")
        sink = merger.sink
        return merged
    }

    // MARK: Paths

    /// The folder part of a path as written ("" for a bare file name).
    static func directory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "" }
        return path[..<slash].isEmpty ? "/" : String(path[..<slash])
    }

    /// `target` relative to `directory` (absolute targets as they are), with `.` and `x/..` removed.
    static func join(_ directory: String, _ target: String) -> String {
        let raw = target.hasPrefix("/") || directory.isEmpty ? target : (directory == "/" ? "/" : directory + "/") + target
        let absolute = raw.hasPrefix("/")
        var parts: [Substring] = []
        for part in raw.split(separator: "/", omittingEmptySubsequences: true) {
            if part == "." { continue }
            if part == "..", let last = parts.last, last != ".." { parts.removeLast(); continue }
            if part == "..", absolute { continue }
            parts.append(part)
        }
        let joined = parts.joined(separator: "/")
        return absolute ? "/" + joined : (joined.isEmpty ? "." : joined)
    }

    /// The file's absolute path with symbolic links resolved, to recognise a file met twice.
    static func canonical(_ path: String) -> String {
        URL(fileURLWithPath: path).standardizedFileURL.resolvingSymlinksInPath().path
    }

    // MARK: Merging

    /// Lays a child tree over its parent, guided by the schema table.
    struct Merger {
        var sink: DiagnosticSink
        private let entries = ScenarioSchema.entries

        init(sink: DiagnosticSink) { self.sink = sink }

        /// The child's map over the parent's (nil: nothing inherited), keys listed under `prefix`.
        mutating func map(_ parent: YNode?, _ child: YNode, prefix: String, path: String, keyed: SchemaEntry? = nil) -> YNode {
            guard case .map(let childPairs) = child.value else { return child }
            var out: [YPair] = []
            if let parent, case .map(let ps) = parent.value { out = ps }
            var inherited: [String: Int] = [:]   // the first inherited pair of each key
            for (i, p) in out.enumerated() where p.keyIsScalar && inherited[p.key] == nil { inherited[p.key] = i }
            var taken = Set<String>()
            let kids = ScenarioSchema.children[prefix] ?? []
            for p in childPairs {
                guard p.keyIsScalar else { out.append(p); continue }
                let e: SchemaEntry?
                if let keyed {
                    e = ScenarioSchema.entry(keyed.keyPath + ".*")
                } else {
                    e = kids.first { entries[$0].key == p.key }.map { entries[$0] }
                }
                let sub = KeyPath.join(path, p.key)
                // A key the child writes twice: keep both copies for the decoder to report.
                if !taken.insert(p.key).inserted {
                    out.append(p)
                    continue
                }
                if let i = inherited[p.key] {
                    out[i] = YPair(key: p.key, keyLoc: p.keyLoc, keyIsScalar: true, value: value(out[i].value, p.value, e, path: sub))
                } else {
                    out.append(YPair(key: p.key, keyLoc: p.keyLoc, keyIsScalar: true, value: value(nil, p.value, e, path: sub)))
                }
            }
            return YNode(value: .map(out), loc: child.loc)
        }

        /// The value the child writes over the inherited one (nil: none).
        mutating func value(_ parent: YNode?, _ child: YNode, _ e: SchemaEntry?, path: String) -> YNode {
            guard let e else { return child }
            switch e.type {
            case .section:
                guard case .map(let cps) = child.value else { return child }
                var inherited = parent
                if let p = parent, case .map(let pps) = p.value,
                   let pk = pps.first(where: { $0.key == "kind" }), let ck = cps.first(where: { $0.key == "kind" }),
                   case .scalar(let a, _) = pk.value.value, case .scalar(let b, _) = ck.value.value, a != b {
                    inherited = nil   // another kind: its keys differ, so nothing carries over
                }
                if let p = inherited, case .map = p.value {} else { inherited = nil }
                return map(inherited, child, prefix: e.keyPath, path: path)
            case .keyedBy:
                guard case .map = child.value else { return child }
                var inherited = parent
                if let p = inherited, case .map = p.value {} else { inherited = nil }
                return map(inherited, child, prefix: e.keyPath, path: path, keyed: e)
            case .namedList:
                return named(parent, child, e, path: path)
            case .list:
                // Replaced whole; entries of a list may hold named lists of their own (none today).
                guard case .list(let items) = child.value else { return child }
                return YNode(value: .list(items.enumerated().map { i, item in
                    map(nil, item, prefix: e.keyPath + "[]", path: "\(path)[\(i)]")
                }), loc: child.loc)
            default:
                return child
            }
        }

        /// The name of a list entry, and where it is written.
        private func name(_ item: YNode) -> (String, SourceLocation)? {
            guard case .map(let ps) = item.value, let p = ps.first(where: { $0.keyIsScalar && $0.key == "name" }),
                  case .scalar(let s, _) = p.value.value, !p.value.isNull else { return nil }
            return (s, p.value.loc)
        }

        /// A list of named entries merged by name.
        mutating func named(_ parent: YNode?, _ child: YNode, _ e: SchemaEntry, path: String) -> YNode {
            guard case .list(let items) = child.value else { return child }
            let kind = ScenarioSchema.singular(e.keyPath)
            var out: [YNode?] = []          // nil: removed
            var at: [String: Int] = [:]     // the first entry of each name in `out`
            var inheritedNames: [String] = []
            var original: [String: YNode] = [:]
            var inherits = false
            if let parent, case .list(let ps) = parent.value {
                out = ps
                inherits = true
                for (j, p) in ps.enumerated() {
                    guard let (n, _) = name(p) else { continue }
                    inheritedNames.append(n)
                    if at[n] == nil { at[n] = j; original[n] = p }
                }
            }
            var merged = Set<String>()
            for (i, item) in items.enumerated() {
                guard case .map(let pairs) = item.value, let (n, nameLoc) = name(item) else {
                    out.append(item)
                    continue
                }
                let sub = "\(path)[\(KeyPath.isName(n) ? n : String(i))]"
                if let removal = pairs.first(where: { $0.keyIsScalar && $0.key == "remove" }) {
                    guard case .scalar("true", true) = removal.value.value else {
                        sink.error(removal.value.loc, sub + ".remove",
                                   "expected true (remove: true deletes the inherited \(kind) '\(YNode.clip(n))'), got \(removal.value.got)")
                        continue
                    }
                    if let other = pairs.first(where: { !($0.keyIsScalar && ($0.key == "name" || $0.key == "remove")) }) {
                        sink.error(other.keyLoc, sub, "an entry that removes \(kind) '\(YNode.clip(n))' has no other keys; got '\(YNode.clip(other.key))'")
                        continue
                    }
                    guard inherits else {
                        sink.error(nameLoc, sub + ".name", "cannot remove \(kind) '\(YNode.clip(n))': nothing is inherited here (remove: true deletes an entry of the file named by extends)")
                        continue
                    }
                    guard let j = at[n] else {
                        let hint = sink.wantsDetail ? Suggest.hint(n, in: inheritedNames) : ""
                        let shown = inheritedNames.count > 10 ? inheritedNames.prefix(10).joined(separator: ", ") + ", …" : inheritedNames.joined(separator: ", ")
                        sink.error(nameLoc, sub + ".name", "cannot remove \(kind) '\(YNode.clip(n))': no inherited \(kind) has that name\(hint); the inherited \(kind)s are \(shown)")
                        continue
                    }
                    out[j] = nil
                    at[n] = nil
                    merged.remove(n)
                    continue
                }
                if merged.contains(n) {
                    // A name the child writes twice: a second entry, so the decoder reports both lines.
                    out.append(map(original[n], item, prefix: e.keyPath + "[]", path: sub))
                    continue
                }
                merged.insert(n)
                if let j = at[n], let inheritedEntry = out[j] {
                    out[j] = map(inheritedEntry, item, prefix: e.keyPath + "[]", path: sub)
                } else {
                    at[n] = out.count
                    out.append(map(nil, item, prefix: e.keyPath + "[]", path: sub))
                }
            }
            return YNode(value: .list(out.compactMap { $0 }), loc: child.loc)
        }
    }
}
