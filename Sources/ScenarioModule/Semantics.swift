import MarketModel

/// Checks that need more than one key: names that refer to other entries, dates inside the
/// horizon, orderings. Runs on the decoded tree and reports everything it finds; then fills
/// the computed defaults.
struct SemanticChecker {
    var sink: DiagnosticSink

    /// Names of the entries of a named list, or nil when the list itself failed to decode
    /// (so that its problem is not repeated at every reference).
    private func names(_ list: RNode) -> [String]? {
        if list.isNull { return nil }
        return list.items.map { $0["name"].text ?? "" }
    }

    private mutating func reference(_ n: RNode, in names: [String]?, kind: String) {
        guard let names, let s = n.text else { return }
        if names.contains(s) { return }
        let shown = names.filter { !$0.isEmpty }
        let known = shown.count > 10 ? shown.prefix(10).joined(separator: ", ") + ", …" : shown.joined(separator: ", ")
        let hint = sink.wantsDetail ? Suggest.hint(s, in: shown) : ""
        sink.error(n.loc, n.path, "unknown \(kind) '\(YNode.clip(s))'\(hint); the \(kind)s are \(known)")
    }

    mutating func check(_ root: inout RNode) {
        let tierNames = names(root["tiers"])
        let regionNames = names(root["regions"])
        let segmentNames = names(root["demand"]["segments"])

        // Tiers: physical life at least the depreciation life.
        for t in root["tiers"].items {
            if let life = t["life_years"].constant, let phys = t["physical_life_years"].constant, phys < life {
                sink.error(t["physical_life_years"].loc, t["physical_life_years"].path,
                           "expected at least life_years (\(NumberText.format(life))), got '\(NumberText.format(phys))'")
            }
        }

        // Segments.
        for s in root["demand"]["segments"].items {
            let tier = s["tier"]
            reference(tier, in: tierNames, kind: "tier")
            var seen: [String: SourceLocation] = [:]
            for sub in s["substitutes"].items {
                reference(sub, in: tierNames, kind: "tier")
                guard let name = sub.text else { continue }
                if name == tier.text {
                    sink.error(sub.loc, sub.path, "a substitute must differ from the segment's own tier '\(name)'")
                } else if let f = seen[name] {
                    sink.error(sub.loc, sub.path, "tier '\(name)' is listed twice" + (f.line == sub.loc.line ? "" : " (lines \(f.line) and \(sub.loc.line))"))
                }
                seen[name] = sub.loc
            }
            let g = s["growth"]
            if g["kind"].text == "logistic", let r = s["rate"].constant, r <= 0 {
                sink.error(s["rate"].loc, s["rate"].path, "a logistic growth needs a starting rate > 0, got '\(NumberText.format(r))'")
            }
        }

        // Providers.
        for p in root["providers"].items {
            reference(p["region"], in: regionNames, kind: "region")
            for c in p["fleet"].items { reference(c["tier"], in: tierNames, kind: "tier") }
            if let tierNames {
                for f in p["prices"].fields where !tierNames.contains(f.key) {
                    let shown = tierNames.filter { !$0.isEmpty }
                    let hint = sink.wantsDetail ? Suggest.hint(f.key, in: shown) : ""
                    sink.error(f.keyLoc, f.node.path, "unknown tier '\(YNode.clip(f.key))'\(hint); the tiers are \(shown.prefix(10).joined(separator: ", "))")
                }
            }
        }

        // Shocks: inside the horizon, `to` after `from`.
        let start = root["start"].month
        var horizon: Int? = nil
        if case .integer(let h) = root["horizon_months"].value { horizon = h }
        for s in root["shocks"].items {
            reference(s["segment"], in: segmentNames, kind: "segment")
            guard let start, let horizon else { continue }
            let last = start.adding(months: horizon - 1), end = start.adding(months: horizon)
            let from = s["from"]
            if let f = from.month, f < start || f > last {
                sink.error(from.loc, from.path, "expected a month from \(start) to \(last) (inside the horizon), got '\(f)'")
            }
            let to = s["to"]
            if let t = to.month {
                if let f = from.month, t <= f {
                    sink.error(to.loc, to.path, "expected a month after from (\(f)), got '\(t)'")
                } else if t > end {
                    sink.error(to.loc, to.path, "expected a month no later than \(end) (the end of the horizon), got '\(t)'")
                }
            }
        }

        // Term discounts: months increase down the list.
        var previous: (Double, SourceLocation)? = nil
        for d in root["pricing"]["term_discounts"].items {
            guard let m = d["months"].constant else { continue }
            if let (pm, pl) = previous, m <= pm {
                sink.error(d["months"].loc, d["months"].path,
                           "expected months greater than \(NumberText.format(pm)) (line \(pl.line)): they increase down the list, got '\(NumberText.format(m))'")
            }
            previous = (m, d["months"].loc)
        }

        fillComputed(&root)
    }

    /// `providers[].jurisdiction` from the region; `tiers[].physical_life_years` = life + 2 when the life is fixed.
    private func fillComputed(_ root: inout RNode) {
        let regions = root["regions"].items
        for (i, p) in root["providers"].items.enumerated() where p["jurisdiction"].isNull {
            guard let r = regions.first(where: { $0["name"].text == p["region"].text }), let j = r["jurisdiction"].text else { continue }
            root.update([.key("providers"), .index(i), .key("jurisdiction")][...]) { $0.value = .text(j) }
        }
        for (i, t) in root["tiers"].items.enumerated() where t["physical_life_years"].isNull {
            guard let life = t["life_years"].constant else { continue }
            root.update([.key("tiers"), .index(i), .key("physical_life_years")][...]) { $0.value = .number(life + 2) }
        }
    }
}
