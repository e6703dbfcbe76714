/// The text `suanli compare` prints: the largest changes first.
///
/// Ranking: rows whose figure changed in some replication, those with a settled sign (the
/// paired interval excludes 0) before the others; within each group by the standardized change
/// |diff| / spread, the spread √((s²_base + s²_variant)/2) being how much the figure varies from
/// replication to replication (a change of a figure that never varies ranks first); ties in
/// `compare.csv` order. The standardized change does not grow with the number of replications
/// (|t| would) and does not blow up for figures near 0 (a relative change would).
public enum ComparisonTable {
    /// The rows that changed, ranked as described above.
    public static func ranked(_ rows: [ComparisonRow]) -> [ComparisonRow] {
        rows.enumerated()
            .filter { $0.element.paired.changed }
            .sorted { a, b in
                let sa = a.element.paired.signSettled == true, sb = b.element.paired.signSettled == true
                if sa != sb { return sa }
                let ea = a.element.paired.standardizedChange ?? 0, eb = b.element.paired.standardizedChange ?? 0
                if ea != eb { return ea > eb }
                return a.offset < b.offset
            }
            .map(\.element)
    }

    /// The whole text: a heading, at most `top` ranked lines (all when `top` is nil), and the
    /// entities present in only one scenario.
    public static func text(_ rows: [ComparisonRow], replications: Int, top: Int? = 20) -> String {
        let changed = ranked(rows)
        var out = ""
        if changed.isEmpty {
            out += "no differences: every figure is the same in the base and the variant in each of the \(replications) "
                + "paired replications\n"
        } else {
            let settled = changed.filter { $0.paired.signSettled == true }.count
            out += "changes, variant − base, paired over \(replications) replications with 95% intervals; "
                + "\(settled) of \(changed.count) changed figures have a settled sign "
                + "(ranked: settled first, then by |diff| / spread across replications):\n"
            let shown = top.map { Array(changed.prefix(max($0, 0))) } ?? changed
            for row in shown { out += "  " + line(row) + "\n" }
            if shown.count < changed.count { out += "  … \(changed.count - shown.count) more in compare.csv\n" }
        }
        // entities of one scenario only: every row of theirs is empty on the other side
        var groups: [(label: String, rows: [ComparisonRow])] = []
        for r in rows {
            let label = entityLabel(r)
            if let last = groups.indices.last, groups[last].label == label { groups[last].rows.append(r) } else {
                groups.append((label, [r]))
            }
        }
        func absent(_ side: (PairedDifference) -> Double?, _ other: (PairedDifference) -> Double?) -> [String] {
            groups.filter { g in
                g.rows.allSatisfy { other($0.paired) == nil && $0.paired.pairs == 0 } && g.rows.contains { side($0.paired) != nil }
            }.map(\.label)
        }
        let baseOnly = absent({ $0.base }, { $0.variant }), variantOnly = absent({ $0.variant }, { $0.base })
        if !baseOnly.isEmpty { out += "only in the base (no diff): " + baseOnly.joined(separator: ", ") + "\n" }
        if !variantOnly.isEmpty { out += "only in the variant (no diff): " + variantOnly.joined(separator: ", ") + "\n" }
        return out
    }

    /// `small-gpu-cloud: P(survive) 0.81 → 0.42, −0.39 [−0.46, −0.32]`, with ` (sign not settled)`
    /// when the interval contains 0.
    public static func line(_ row: ComparisonRow) -> String {
        let p = row.paired
        let share = row.unit == "share"
        let levels = format([p.base, p.variant], share: share)
        let diffs = format([p.diff, p.low, p.high], share: share, signed: true)
        var s = "\(entityLabel(row)): \(row.label) \(levels[0]) → \(levels[1]), \(diffs[0])"
        if p.low != nil { s += " [\(diffs[1]), \(diffs[2])]" }
        if p.signSettled != true { s += " (sign not settled)" }
        return s
    }

    /// `firm` → its name, `template` → `name-*`, `market` → `market` or `market <tier>`.
    static func entityLabel(_ row: ComparisonRow) -> String {
        switch row.entityKind {
        case "template", "population": row.entity + "-*"
        case "market": row.entity == "all" ? "market" : "market " + row.entity
        default: row.entity
        }
    }

    /// Numbers on a common footing: the largest magnitude gets three significant digits, with a
    /// `k`, `M` or `B` suffix from 10⁴ on; shares get two decimals (three significant digits below 0.1); `−` for minus, and
    /// with `signed` a `+` for positive values; `-` for nil.
    public static func format(_ xs: [Double?], share: Bool = false, signed: Bool = false) -> [String] {
        let m = xs.compactMap { $0 }.filter(\.isFinite).map(abs).max() ?? 0
        var scale = 1.0, suffix = ""
        if !share {
            if m >= 1e9 { scale = 1e9; suffix = "B" } else if m >= 1e6 { scale = 1e6; suffix = "M" } else if m >= 1e4 {
                scale = 1e3; suffix = "k"
            }
        }
        let v = m / scale
        var decimals: Int
        if v == 0 || v >= 100 { decimals = 0 } else if v >= 10 { decimals = 1 } else if v >= 1 { decimals = 2 } else {
            var d = 2, t = v * 100
            while t < 100 && d < 6 { t *= 10; d += 1 }   // three significant digits below 1
            decimals = d
        }
        if share && v >= 0.1 { decimals = 2 }
        return xs.map { x in
            guard let x, x.isFinite else { return "-" }
            let text = fixed(abs(x) / scale, decimals: decimals)
            let zero = text.allSatisfy { $0 == "0" || $0 == "." }
            let sign = zero ? (signed ? "±" : "") : x < 0 ? "−" : signed ? "+" : ""
            return sign + text + suffix
        }
    }

    /// `x` (≥ 0) rounded to `decimals` places, without exponent.
    static func fixed(_ x: Double, decimals: Int) -> String {
        var p = 1.0
        for _ in 0..<decimals { p *= 10 }
        let n = (x * p).rounded()
        guard n < 9e15 else { return String(Int64(x.rounded())) }
        let i = Int64(n)
        let whole = i / Int64(p), frac = i % Int64(p)
        guard decimals > 0 else { return String(whole) }
        let f = String(frac)
        return "\(whole)." + String(repeating: "0", count: decimals - f.count) + f
    }
}
