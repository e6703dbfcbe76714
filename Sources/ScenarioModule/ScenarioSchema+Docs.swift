import Foundation
import Stochastics

extension ScenarioSchema {
    /// The default as people read it: `0.5`, `required`, `none`, `life_years + 2`.
    static func defaultText(_ e: SchemaEntry) -> String {
        switch e.defaultValue {
        case .required: return "required"
        case .value(let v): return v == "\"\"" ? "\"\" (empty)" : v
        case .none: return "none"
        case .computed(let how): return how
        }
    }

    /// Valid values: the range, the choices, the count of entries.
    static func validText(_ e: SchemaEntry) -> String {
        if let r = e.range { return e.type == .integer ? "integer in \(r)" : "\(r)" }
        switch e.type {
        case .choice(let options): return options.joined(separator: ", ")
        case .month: return "YYYY-MM"
        case .bool: return "true, false"
        case .name: return "letter, then letters, digits, -, _ (≤ 64)"
        case .reference(let l): return "a \(singular(l)) name"
        case .references(let l): return "\(singular(l)) names" + (e.count.map { ", ≤ \($0.upperBound)" } ?? "")
        case .reserved: return "empty"
        default:
            if let c = e.count { return c.lowerBound > 0 ? "\(c.lowerBound)–\(c.upperBound) entries" : "≤ \(c.upperBound) \(e.type == .text ? "characters" : "entries")" }
            return ""
        }
    }

    static func typeName(_ e: SchemaEntry) -> String {
        switch e.type {
        case .section: return "map"
        case .list: return "list of maps"
        case .namedList: return "list of named maps"
        case .number: return "number"
        case .integer: return "integer"
        case .bool: return "bool"
        case .text: return "text"
        case .name: return "name"
        case .month: return "month"
        case .choice: return "choice"
        case .distribution: return "distribution"
        case .reference(let l): return "\(singular(l)) name"
        case .references(let l): return "list of \(singular(l)) names"
        case .keyedBy(let l): return "map by \(singular(l))"
        case .reserved: return "reserved"
        }
    }

    // MARK: Markdown

    /// docs/scenario-format.md, generated from the table (regenerate with
    /// `suanli explain --markdown > docs/scenario-format.md`).
    public static func markdown() -> String {
        var out: [String] = []
        out.append("""
        # Scenario file format

        <!-- Generated from Sources/ScenarioModule/ScenarioSchema.swift by `suanli explain --markdown`; do not edit by hand. -->

        A scenario is one YAML file: the market at a start month (hardware tiers, sites, tenant
        segments, firms), dated shocks, and the model's parameters. `suanli validate FILE` checks a
        file without running it; `suanli explain KEY.PATH` prints one key's entry of the table below.

        **Key paths.** A key inside a map is written `a.b`; an entry of a list is `a[2]` (from 0) or,
        for lists whose entries have a `name`, `a[name]`: `demand.segments[llm-training].rate`. The
        table writes `[]` for "any entry" and `*` for "any key". Messages, `--set` and the names of
        per-replication draws use the concrete form.

        **Types.** Numbers are plain YAML numbers (`12`, `0.25`, `1.5e9`, `1_000`); quoted numbers,
        `.nan` and `.inf` are rejected. Every number has a finite valid range. Booleans are `true` or
        `false`. Months are `YYYY-MM`. Names start with a letter and hold letters, digits, `-` and
        `_`. Lists of tiers, regions, segments and providers refer to each other by name. Keys not in
        the table are errors, with a suggestion when one is close; a key written twice in one map is
        an error that names both lines. Anchors and aliases (`&a`, `*a`) are not accepted.

        **YAML tags.** A value needs no tag. The standard tags are honoured: `!!str` (and the bare
        `!`) makes the value text, as quotes do (so `!!str 12` is not a number); `!!int`, `!!float`
        and `!!bool` check that the text is an integer, a number, or `true`/`false`, and the value
        is then read like the same text untagged; `!!null` needs an empty value, `~` or `null`;
        `!!map` and `!!seq` check that the value is a map or a list. A key takes no tag but `!!str`
        or `!`. Any other tag (`!!timestamp`, `!!binary`, `!custom`, …) is refused, with the file,
        line and column where it is written.

        **Distributions.** Keys of type *distribution* are drawn per tenant: write a number for a
        constant, or `{dist: NAME, PARAMETER: VALUE, …}` with a distribution from the catalogue at
        the end of this page. Its mean must lie inside the key's valid range.

        **Drawn per replication.** Any number or integer key marked "yes" in the *drawn* column may
        instead be written `{dist: NAME, …, per: replication}` (a distribution key too: its constant
        is then drawn). It is drawn once per replication from the seed plan's `parameters` stream,
        keyed by the concrete key path (so adding one such key changes no other draw), clamped into
        the key's valid range (an open end moves one ulp inwards), rounded to the nearest whole
        number for integer keys, and recorded in `params.csv` as (key path, value) in the order of
        the resolved scenario: the order of this table, list entries in file order.

        **Overrides.** `--set KEY.PATH=VALUE` replaces one value before checking, with VALUE a YAML
        scalar or flow value: `--set 'demand.segments[0].units={dist: pareto, shape: 1.5, scale: 8}'`,
        `--set providers[idc-operator].cash=5e8`. Its problems are reported at
        `<command line>:--set #k`.

        **Inheritance.** A file may begin `extends: baseline.yaml` (a path relative to the file
        that says it) and then write only what differs from that file. Maps merge key by key;
        scalars, distributions and other values replace the inherited one; lists whose entries
        have a `name` (tiers, regions, segments, providers, entrants, vouchers) merge by name: an
        entry with an inherited name merges into it, a new name is appended, and
        `{name: X, remove: true}` deletes the inherited X. Other lists (shocks, supply, fleets,
        term discounts, entry premiums, price caps, …) replace the inherited list whole, so a file that
        changes one shock writes out all the shocks it keeps. A map whose `kind` changes (a growth
        from exponential to logistic) replaces the inherited map whole. The parent may extend
        another file in turn (at most 16 files in a chain); a cycle is an error that names the
        chain, and a parent that cannot be read is an error at the `extends` line. Problems in a
        value the file writes are reported at its own line, problems in an inherited value at the
        parent's file and line. `--set` applies to the merged scenario, and the resolved scenario
        has no `extends`.

        **Errors.** All problems are reported at once, sorted by line (the file's own, then its
        parent's), each as `FILE:LINE:COLUMN: error: KEY.PATH: expected …, got …` followed by the
        source line and a caret; nothing runs until the file is clean.

        **Resolved scenario.** Every run records the scenario with all defaults filled in, in the
        order of this table, and its SHA-256; loading that text gives the same scenario.
        `suanli show FILE [--set …]` prints it as a file of its own.

        **Levers.** A top-level `levers:` list names the keys `suanli serve` offers a strategist to
        move (docs/explorer.md): each entry has `key` (a number or month key path as `--set` takes
        it, named entries by name), `label`, `unit` (default: the key's), `kind` (`number`, the
        default; `month` for a month key; `switch`), `min` and `max` (numbers, or `YYYY-MM` for a
        month lever) and `step` (default a hundredth of the range; 1 for months and integers), or
        for a switch `on` and `off`. Bounds must be values the key accepts, `min < max`, and
        0 < `step` ≤ `max − min`; at most \(LeverReader.maxLevers) levers. Levers are presentation:
        they are not part of the scenario, its resolved text, its hash or its results, `--set`
        cannot change them, and a file that extends another inherits them whole unless it writes
        its own list.
        """)
        var group = ""
        for e in entries {
            var top = String(e.keyPath.prefix { $0 != "." && $0 != "[" })
            let heading: String
            if top == e.keyPath && !e.isContainer && e.type != .reserved {
                top = ""
                heading = "## The run"
            } else {
                heading = "## `\(top)`"
            }
            if top != group || out.count == 1 {
                group = top
                out.append("")
                out.append(heading)
                out.append("")
                out.append("| key | type | unit | default | valid | drawn | meaning |")
                out.append("|---|---|---|---|---|---|---|")
            }
            let kinds = e.kinds.isEmpty ? "" : " Only for kind \(e.kinds.joined(separator: ", "))."
            let drawn = e.drawable ? "yes" : ""
            let cells = ["`\(e.keyPath)`", typeName(e), e.unit, "`\(defaultText(e))`", validText(e), drawn, e.doc + kinds]
            out.append("| " + cells.map { $0.replacingPipes }.joined(separator: " | ") + " |")
        }
        out.append("")
        out.append("## Distributions")
        out.append("")
        out.append("| dist | parameters | meaning |")
        out.append("|---|---|---|")
        for s in Distribution.catalogue {
            let name = "`\(s.name)`" + (s.aliases.isEmpty ? "" : " (also " + s.aliases.map { "`\($0)`" }.joined(separator: ", ") + ")")
            let params = s.parameters.map { "`\($0.name)`: \($0.meaning)" }.joined(separator: "; ")
            out.append("| " + [name, params, s.doc].map { $0.replacingPipes }.joined(separator: " | ") + " |")
        }
        return out.joined(separator: "\n") + "\n"
    }

    // MARK: Explain

    /// The schema path for what a user typed: with or without indices or names
    /// (`demand.segments[0].rate`, `demand.segments.rate`, `demand.segments[].rate`).
    static func resolve(_ typed: String) -> String? {
        let cleaned = typed.replacingOccurrences(of: "[]", with: "").trimmingSpaces
        if cleaned.isEmpty || cleaned == "." { return "" }
        guard var p = schemaPath(of: cleaned) else { return nil }
        if p.hasSuffix("[]") { p.removeLast(2) }
        return p
    }

    /// What `suanli explain` prints for a key path: meaning, type, unit, default, valid values,
    /// and for a map or list its keys; nil for an unknown path.
    public static func explain(_ keyPath: String) -> String? {
        guard let p = resolve(keyPath) else { return nil }
        var out: [String] = []
        let kidsPrefix: String
        if p.isEmpty {
            out.append("A scenario file is a map with these keys:")
            kidsPrefix = ""
        } else {
            guard let e = entry(p) else { return nil }
            out.append(e.keyPath)
            out.append("  " + e.doc + (e.kinds.isEmpty ? "" : " Only for kind \(e.kinds.joined(separator: ", "))."))
            out.append("  type:    " + e.expected)
            if !e.unit.isEmpty { out.append("  unit:    " + e.unit) }
            out.append("  default: " + defaultText(e))
            let valid = validText(e)
            if !valid.isEmpty { out.append("  valid:   " + valid) }
            if e.drawable {
                out.append("  per replication: may be written {dist: NAME, …, per: replication} (clamped into the valid range\(e.type == .integer ? ", rounded" : ""))")
            }
            if e.type == .distribution {
                out.append("  distributions: " + Distribution.catalogue.map(\.name).joined(separator: ", "))
            }
            guard e.isContainer else { return out.joined(separator: "\n") + "\n" }
            kidsPrefix = childPrefix(of: e)
            out.append("  keys:")
        }
        let kids = (children[kidsPrefix] ?? []).map { entries[$0] }
        let width = (kids.map(\.key.count).max() ?? 0) + 2
        for k in kids {
            let pad = String(repeating: " ", count: max(1, width - k.key.count))
            let first = k.doc.split(separator: ".", maxSplits: 1).first.map(String.init) ?? k.doc
            out.append("    " + k.key + pad + "(\(defaultText(k))) " + first + ".")
        }
        return out.joined(separator: "\n") + "\n"
    }

    /// The known key path closest to what was typed, for "did you mean".
    public static func suggestion(for keyPath: String) -> String? {
        let cleaned = keyPath.replacingOccurrences(of: "[]", with: "")
        var generic = ""
        var depth = 0
        for ch in cleaned {
            if ch == "[" { depth += 1; continue }
            if ch == "]" { depth -= 1; continue }
            if depth == 0 { generic.append(ch) }
        }
        let candidates = entries.map { $0.keyPath.replacingOccurrences(of: "[]", with: "") }
        guard let best = Suggest.closest(generic, in: candidates) else {
            // A typo in the last component only.
            let last = generic.split(separator: ".").last.map(String.init) ?? generic
            return Suggest.closest(last, in: entries.map(\.key)).flatMap { k in entries.first { $0.key == k }?.keyPath }
        }
        return entries.first { $0.keyPath.replacingOccurrences(of: "[]", with: "") == best }?.keyPath
    }
}

extension String {
    fileprivate var replacingPipes: String { replacingOccurrences(of: "|", with: "\\|") }
}
