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

    /// A jurisdiction named by a supply entry or shock: one some region or firm is in.
    private mutating func jurisdiction(_ n: RNode, in known: [String]) {
        guard let s = n.text, !known.contains(s) else { return }
        let hint = sink.wantsDetail ? Suggest.hint(s, in: known) : ""
        sink.error(n.loc, n.path, "unknown jurisdiction '\(YNode.clip(s))'\(hint); the jurisdictions of the regions and firms are \(known.prefix(10).joined(separator: ", "))")
    }

    /// A provider's name: not `market`, and not one an entrant will take (`<template>-<k>`).
    private mutating func checkName(_ n: RNode, templates: [String]) {
        guard let name = n.text else { return }
        if name == ScenarioSchema.marketLessor {
            sink.error(n.loc, n.path, "the name '\(name)' is reserved (a rent_in lessor of market means the market); choose another")
            return
        }
        for t in templates where name.hasPrefix(t + "-") {
            let k = name.dropFirst(t.count + 1)
            if let first = k.first, first != "0", k.allSatisfy({ $0.isASCII && $0.isNumber }) {
                sink.error(n.loc, n.path, "the name '\(name)' is left to entrants of template '\(t)' (named \(t)-1, \(t)-2, …); choose another")
            }
        }
    }

    /// Initial prices name known tiers.
    private mutating func checkPrices(_ p: RNode, tierNames: [String]?) {
        guard let tierNames else { return }
        for f in p["prices"].fields where !tierNames.contains(f.key) {
            let shown = tierNames.filter { !$0.isEmpty }
            let hint = sink.wantsDetail ? Suggest.hint(f.key, in: shown) : ""
            sink.error(f.keyLoc, f.node.path, "unknown tier '\(YNode.clip(f.key))'\(hint); the tiers are \(shown.prefix(10).joined(separator: ", "))")
        }
    }

    /// A broker's affiliates: at least one, each an owner or hybrid present at the start, none
    /// twice; no other firm has any.
    private mutating func checkAffiliates(_ p: RNode, providerNames: [String]?, modelOf: [String: String]) {
        let a = p["affiliates"]
        let model = p["model"].text ?? "owner"
        guard model == "broker" else {
            if !a.items.isEmpty {
                sink.error(a.loc, a.path, "only a broker has affiliates; this firm's model is \(model)")
            }
            return
        }
        if a.items.isEmpty, !a.isNull, providerNames != nil {
            sink.error(a.loc, a.path, "a broker needs at least one affiliate: an owner or hybrid whose free units it resells")
        }
        var seen: [String: SourceLocation] = [:]
        for n in a.items {
            reference(n, in: providerNames, kind: "provider")
            guard let name = n.text else { continue }
            if let f = seen[name] {
                sink.error(n.loc, n.path, "provider '\(name)' is listed twice" + (f.line == n.loc.line ? "" : " (lines \(f.line) and \(n.loc.line))"))
            } else if let m = modelOf[name], m != "owner" && m != "hybrid" {
                sink.error(n.loc, n.path, "'\(name)' is a \(m); a broker's affiliates are owners or hybrids")
            }
            seen[name] = n.loc
        }
    }

    /// Rent-in contracts at the start: sublessors only; each from the market or from an owner or
    /// hybrid holding the tier, within the units it has not leased at the start; elapsed < term.
    private mutating func checkRentIns(_ providers: [RNode], tierNames: [String]?, providerNames: [String]?,
                                       modelOf: [String: String], rentInTerm: Double?) {
        // Units of each (lessor, tier) not under lease at the start: nil inside when some are drawn per replication.
        var free: [String: Int?] = [:]
        for p in providers {
            guard let name = p["name"].text else { continue }
            for c in p["fleet"].items {
                guard let t = c["tier"].text else { continue }
                let key = name + "\u{0}" + t
                if case .integer(let u) = c["units"].value, let share = c["leased_share"].constant, let known = free[key] ?? 0 {
                    free[key] = known + u - Int((Double(u) * share).rounded())
                } else {
                    free[key] = .some(nil)
                }
            }
        }
        var rented: [String: Int] = [:]
        for p in providers {
            let rentIn = p["rent_in"]
            let model = p["model"].text ?? "owner"
            if model != "sublessor", !rentIn.items.isEmpty {
                sink.error(rentIn.loc, rentIn.path, "only a sublessor rents capacity in; this firm's model is \(model)")
                continue
            }
            for r in rentIn.items {
                reference(r["tier"], in: tierNames, kind: "tier")
                let term = r["term_months"].isNull ? rentInTerm : r["term_months"].constant
                if let e = r["elapsed_months"].constant, let term, e >= term {
                    sink.error(r["elapsed_months"].loc, r["elapsed_months"].path,
                               "expected less than term_months (\(NumberText.format(term))), got '\(NumberText.format(e))'")
                }
                let lessor = r["lessor"]
                guard let l = lessor.text, l != ScenarioSchema.marketLessor, let providerNames else { continue }
                guard providerNames.contains(l) else {
                    let hint = sink.wantsDetail ? Suggest.hint(l, in: providerNames) : ""
                    let known = providerNames.prefix(10).joined(separator: ", ")
                    sink.error(lessor.loc, lessor.path, "unknown lessor '\(YNode.clip(l))'\(hint); expected market or a provider (\(known))")
                    continue
                }
                if let m = modelOf[l], m != "owner" && m != "hybrid" {
                    sink.error(lessor.loc, lessor.path, "'\(l)' is a \(m); a lessor is an owner or hybrid (or market)")
                    continue
                }
                guard let t = r["tier"].text, tierNames?.contains(t) == true else { continue }
                let key = l + "\u{0}" + t
                guard let available = free[key] else {
                    sink.error(lessor.loc, lessor.path, "'\(l)' holds no \(t) units at the start, so it cannot lease them out")
                    continue
                }
                guard let available, case .integer(let u) = r["units"].value else { continue }
                rented[key, default: 0] += u
                if rented[key]! > available {
                    sink.error(r["units"].loc, r["units"].path,
                               "'\(l)' has \(available) \(t) units not leased at the start, but rent_in from it adds up to \(rented[key]!)")
                }
            }
        }
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

        // Firms: providers, then entrant templates (which share their keys).
        let providers = root["providers"].items
        let entrants = root["entrants"].items
        let providerNames = names(root["providers"])
        let templateNames = entrants.compactMap { $0["name"].text }
        var modelOf: [String: String] = [:]
        for p in providers { if let n = p["name"].text, modelOf[n] == nil { modelOf[n] = p["model"].text ?? "owner" } }
        var jurisdictions: [String] = []
        for n in root["regions"].items.map({ $0["jurisdiction"] }) + (providers + entrants).map({ $0["jurisdiction"] }) {
            if let j = n.text, !jurisdictions.contains(j) { jurisdictions.append(j) }
        }
        let jurisdictionsKnown = !root["regions"].isNull
        for p in providers {
            checkName(p["name"], templates: templateNames)
            for c in p["fleet"].items { reference(c["tier"], in: tierNames, kind: "tier") }
            if p["model"].text == "broker", !p["fleet"].items.isEmpty {
                sink.error(p["fleet"].loc, p["fleet"].path, "a broker holds no units: its fleet must be empty (it resells its affiliates' units)")
            }
        }
        for f in providers + entrants {
            reference(f["region"], in: regionNames, kind: "region")
            checkPrices(f, tierNames: tierNames)
            checkAffiliates(f, providerNames: providerNames, modelOf: modelOf)
        }
        checkRentIns(providers, tierNames: tierNames, providerNames: providerNames, modelOf: modelOf,
                     rentInTerm: root["sublease"]["rent_in_term_months"].constant)

        // Chip supply: known tiers and jurisdictions, each pair once.
        var supplied: [String: SourceLocation] = [:]
        for c in root["supply"].items {
            reference(c["tier"], in: tierNames, kind: "tier")
            if jurisdictionsKnown { jurisdiction(c["jurisdiction"], in: jurisdictions) }
            guard let t = c["tier"].text, let j = c["jurisdiction"].text else { continue }
            let key = t + "\u{0}" + j
            if let f = supplied[key] {
                sink.error(c.loc, c.path, "the supply of \(t) to \(j) is listed twice" + (f.line == c.loc.line ? "" : " (lines \(f.line) and \(c.loc.line))"))
            } else {
                supplied[key] = c.loc
            }
        }
        let supplyKnown = !root["supply"].isNull

        // Entrant templates: brokers order nothing; a sublessor rents its first_order in from the market
        // (and needs one: without capacity it sees no demand, so its expansion rule would never start);
        // every tier an owner or hybrid orders can be bought where the entrant is.
        for e in entrants {
            let debt = e["debt"]
            if !debt.isNull, (debt.constant ?? 1) != 0 {
                sink.error(debt.loc, debt.path, "an entrant starts without debt, expected 0: it raises its cash as equity at entry and borrows by the finance rules (up to ltv_cap of its units' value) once it holds units; a loan at entry would have no collateral and be swept back at once")
            }
            let firstOrder = e["first_order"]
            for o in firstOrder.items { reference(o["tier"], in: tierNames, kind: "tier") }
            if e["model"].text == "broker", !firstOrder.items.isEmpty {
                sink.error(firstOrder.loc, firstOrder.path, "a broker orders no units: its first_order must be empty (it resells its affiliates' units)")
                continue
            }
            if e["model"].text == "sublessor" {
                if firstOrder.items.isEmpty {
                    sink.error(firstOrder.loc, firstOrder.path, "a sublessor entrant needs a first_order, the units it rents in from the market at entry: with no capacity it is asked for nothing, so it would never rent any in")
                }
                continue
            }
            let region = root["regions"].items.first { $0["name"].text != nil && $0["name"].text == e["region"].text }
            guard supplyKnown, let j = e["jurisdiction"].text ?? region?["jurisdiction"].text else { continue }
            for o in firstOrder.items {
                guard let t = o["tier"].text, tierNames?.contains(t) == true, supplied[t + "\u{0}" + j] == nil else { continue }
                sink.error(o["tier"].loc, o["tier"].path, "no supply of \(t) to \(j), so an entrant could never receive it; add {tier: \(t), jurisdiction: \(j), …} under supply")
            }
        }

        // Entry: a positive rate needs a template.
        let maxRate = root["entry"]["max_rate"]
        if entrants.isEmpty, !root["entrants"].isNull, !maxRate.isNull, maxRate.constant.map({ $0 > 0 }) ?? true {
            sink.error(maxRate.loc, maxRate.path, "entry needs at least one template under entrants when max_rate is above 0; add one, or set max_rate to 0")
        }

        // Shocks: inside the horizon, `to` after `from`; supply shocks may predate the start.
        let start = root["start"].month
        var horizon: Int? = nil
        if case .integer(let h) = root["horizon_months"].value { horizon = h }
        /// `from` inside the horizon (or, for supply shocks, no later than its last month); `to` after `from`, at most its end.
        func dates(_ n: RNode, mayPredate: Bool = false) {
            guard let start, let horizon else { return }
            let last = start.adding(months: horizon - 1), end = start.adding(months: horizon)
            let from = n["from"]
            if let f = from.month, mayPredate, f > last {
                sink.error(from.loc, from.path, "expected a month no later than \(last) (the last of the horizon; a supply shock may predate the start), got '\(f)'")
            } else if let f = from.month, !mayPredate, f < start || f > last {
                sink.error(from.loc, from.path, "expected a month from \(start) to \(last) (inside the horizon), got '\(f)'")
            }
            let to = n["to"]
            if let t = to.month {
                if let f = from.month, t <= f {
                    sink.error(to.loc, to.path, "expected a month after from (\(f)), got '\(t)'")
                } else if t > end {
                    sink.error(to.loc, to.path, "expected a month no later than \(end) (the end of the horizon), got '\(t)'")
                }
            }
        }
        let regionNodes = root["regions"].items
        for s in root["shocks"].items {
            reference(s["segment"], in: segmentNames, kind: "segment")
            let kind = s["kind"].text
            let isSupply = kind == "supply" || kind == "export_ban"
            if isSupply {
                reference(s["tier"], in: tierNames, kind: "tier")
                if jurisdictionsKnown { jurisdiction(s["jurisdiction"], in: jurisdictions) }
            }
            if kind == "electricity" || kind == "pue" {
                reference(s["region"], in: regionNames, kind: "region")
                let m = s["multiplier"]
                if kind == "pue", let k = m.constant, let name = s["region"].text,
                   let pue = regionNodes.first(where: { $0["name"].text == name })?["pue"].constant, pue * k < 1 {
                    let product = NumberText.format((pue * k * 10_000).rounded() / 10_000)
                    sink.error(m.loc, m.path, "the PUE of \(name) would be \(NumberText.format(pue)) × \(NumberText.format(k)) = \(product), below 1 (a site cannot draw less power than its IT load)")
                }
            }
            dates(s, mayPredate: isSupply)
        }

        // Policy: vouchers name a region and eligible segments; caps a tier; dates inside the horizon.
        for v in root["policy"]["vouchers"].items {
            reference(v["region"], in: regionNames, kind: "region")
            var seen: [String: SourceLocation] = [:]
            for g in v["segments"].items {
                reference(g, in: segmentNames, kind: "segment")
                guard let name = g.text else { continue }
                if let f = seen[name] {
                    sink.error(g.loc, g.path, "segment '\(name)' is listed twice" + (f.line == g.loc.line ? "" : " (lines \(f.line) and \(g.loc.line))"))
                }
                seen[name] = g.loc
            }
            dates(v)
        }
        for c in root["policy"]["price_caps"].items {
            reference(c["tier"], in: tierNames, kind: "tier")
            dates(c)
        }

        // Hype: dates increase down the list and fall before the end (earlier than the start is fine).
        var previousHype: (YearMonth, SourceLocation)? = nil
        for h in root["entry"]["hype"].items {
            let from = h["from"]
            guard let f = from.month else { continue }
            if let start, let horizon, f > start.adding(months: horizon - 1) {
                sink.error(from.loc, from.path, "expected a month no later than \(start.adding(months: horizon - 1)) (the last of the horizon), got '\(f)'")
            } else if let (pm, pl) = previousHype, f <= pm {
                sink.error(from.loc, from.path, "expected a month after \(pm) (line \(pl.line)): hype dates increase down the list, got '\(f)'")
            }
            previousHype = (f, from.loc)
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

    /// `providers[].jurisdiction` and `entrants[].jurisdiction` from the region; `tiers[].physical_life_years` = life + 2
    /// when the life is fixed; `providers[].rent_in[].term_months` = sublease.rent_in_term_months when that is fixed.
    private func fillComputed(_ root: inout RNode) {
        let regions = root["regions"].items
        for list in ["providers", "entrants"] {
            for (i, p) in root[list].items.enumerated() where p["jurisdiction"].isNull {
                guard let r = regions.first(where: { $0["name"].text == p["region"].text }), let j = r["jurisdiction"].text else { continue }
                root.update([.key(list), .index(i), .key("jurisdiction")][...]) { $0.value = .text(j) }
            }
        }
        if let term = root["sublease"]["rent_in_term_months"].constant {
            for (i, p) in root["providers"].items.enumerated() {
                for (k, r) in p["rent_in"].items.enumerated() where r["term_months"].isNull {
                    root.update([.key("providers"), .index(i), .key("rent_in"), .index(k), .key("term_months")][...]) { $0.value = .number(term) }
                }
            }
        }
        for (i, t) in root["tiers"].items.enumerated() where t["physical_life_years"].isNull {
            guard let life = t["life_years"].constant else { continue }
            root.update([.key("tiers"), .index(i), .key("physical_life_years")][...]) { $0.value = .number(life + 2) }
        }
    }
}
