import MarketModel

/// Checks that need more than one key: names that refer to other entries, dates inside the
/// horizon, orderings. Runs on the typed draft the ``Binder`` wrote, after binding, and reports
/// everything it finds at the places the binder recorded (``SourceMarks``).
///
/// A value is read from the draft only where its mark says it is the one written
/// (``SourceMarks/Mark/isFixed``): a key the decoder refused holds a blank, and a key drawn per
/// replication holds 0 until drawn, and neither is checked against other keys. A reference is
/// checked by the name written (its mark's `name`): the draft holds an index, and an unknown
/// name has none.
struct SemanticChecker {
    var sink: DiagnosticSink
    let draft: ScenarioDraft
    let marks: SourceMarks

    private var s: Scenario { draft.scenario }
    /// The names of the provider entries that declare a population (`count` > 1).
    private var populationNames: [String] {
        s.providers.indices.filter { draft.providerCount[$0] > 1 && !isNull(K.providerName, $0) }.map { s.providers[$0].name }
    }

    private func mark(_ e: Int, _ at: Int...) -> SourceMarks.Mark? { marks[e, at] }
    private func isNull(_ e: Int, _ at: Int...) -> Bool { marks[e, at]?.isNull ?? true }
    private func isFixed(_ e: Int, _ at: Int...) -> Bool { marks[e, at]?.isFixed ?? false }
    /// The written name of a reference.
    private func name(_ e: Int, _ at: Int...) -> String? { marks[e, at]?.name }

    /// Names of the entries of a named list, or nil when the list itself failed to decode
    /// (so that its problem is not repeated at every reference).
    private func names(_ list: Int, _ names: [String]) -> [String]? {
        isNull(list) ? nil : names
    }

    private mutating func reference(_ m: SourceMarks.Mark?, in names: [String]?, kind: String) {
        guard let names, let m, let s = m.name else { return }
        if names.contains(s) { return }
        let shown = names.filter { !$0.isEmpty }
        let known = shown.count > 10 ? shown.prefix(10).joined(separator: ", ") + ", …" : shown.joined(separator: ", ")
        let hint = sink.wantsDetail ? Suggest.hint(s, in: shown) : ""
        sink.error(m.loc, m.path, "unknown \(kind) '\(YNode.clip(s))'\(hint); the \(kind)s are \(known)")
    }

    /// A jurisdiction named by a supply entry or shock: one some region or firm is in.
    private mutating func jurisdiction(_ m: SourceMarks.Mark?, _ value: String, in known: [String]) {
        guard let m, !m.isNull, !known.contains(value) else { return }
        let hint = sink.wantsDetail ? Suggest.hint(value, in: known) : ""
        sink.error(m.loc, m.path, "unknown jurisdiction '\(YNode.clip(value))'\(hint); the jurisdictions of the regions and firms are \(known.prefix(10).joined(separator: ", "))")
    }

    /// A provider's name: not `market`, not one an entrant will take (`<template>-<k>`), not one a
    /// population's firms take (`<population>-<k>`); a population's name is no template's.
    private mutating func checkName(_ i: Int, templates: [String], populations: [String]) {
        guard let m = mark(K.providerName, i), !m.isNull else { return }
        let name = s.providers[i].name
        if name == ScenarioSchema.marketLessor {
            sink.error(m.loc, m.path, "the name '\(name)' is reserved (a rent_in lessor of market means the market); choose another")
            return
        }
        for t in templates where name.hasPrefix(t + "-") {
            let k = name.dropFirst(t.count + 1)
            if let first = k.first, first != "0", k.allSatisfy({ $0.isASCII && $0.isNumber }) {
                sink.error(m.loc, m.path, "the name '\(name)' is left to entrants of template '\(t)' (named \(t)-1, \(t)-2, …); choose another")
            }
        }
        for p in populations where name.hasPrefix(p + "-") {
            let k = name.dropFirst(p.count + 1)
            if let first = k.first, first != "0", k.allSatisfy({ $0.isASCII && $0.isNumber }) {
                sink.error(m.loc, m.path, "the name '\(name)' is left to the firms of population '\(p)' (named \(p)-1, \(p)-2, …); choose another")
            }
        }
        if draft.providerCount[i] > 1 && templates.contains(name) {
            sink.error(m.loc, m.path, "the population '\(name)' has the name of an entrant template, whose entrants would take its firms' names (\(name)-1, …); choose another")
        }
    }

    /// A population's sites (`regions`): known regions, and only for a population (a firm declared
    /// by itself has the one `region`).
    private mutating func checkSites(_ i: Int, regionNames: [String]?) {
        guard let sites = mark(K.providerRegions, i), !sites.keys.isEmpty else { return }
        if draft.providerCount[i] == 1 {
            sink.error(sites.loc, sites.path, "sites to draw from are for a population (count > 1); a firm declared by itself is at its region")
        }
        guard let regionNames else { return }
        for key in sites.keys where !regionNames.contains(key) {
            guard let value = marks[K.providerRegionWeight, [i], key] else { continue }
            let shown = regionNames.filter { !$0.isEmpty }
            let hint = sink.wantsDetail ? Suggest.hint(key, in: shown) : ""
            sink.error(value.keyLoc, value.path, "unknown region '\(YNode.clip(key))'\(hint); the regions are \(shown.prefix(10).joined(separator: ", "))")
        }
    }

    /// A rent_in lessor or a broker's affiliate names one firm: not a population (its firms are
    /// many, and drawn anew each replication).
    private mutating func checkNotPopulation(_ n: SourceMarks.Mark?, populations: [String], role: String) {
        guard let n, let name = n.name, populations.contains(name) else { return }
        sink.error(n.loc, n.path, "'\(name)' is a population (count > 1); \(role) names one firm declared by itself")
    }

    /// Initial prices name known tiers.
    private mutating func checkPrices(_ f: Firm, _ i: Int, tierNames: [String]?) {
        guard let tierNames, let prices = mark(f.keys.prices, i) else { return }
        for key in prices.keys where !tierNames.contains(key) {
            guard let value = marks[f.keys.price, [i], key] else { continue }
            let shown = tierNames.filter { !$0.isEmpty }
            let hint = sink.wantsDetail ? Suggest.hint(key, in: shown) : ""
            sink.error(value.keyLoc, value.path, "unknown tier '\(YNode.clip(key))'\(hint); the tiers are \(shown.prefix(10).joined(separator: ", "))")
        }
    }

    /// A broker's affiliates: at least one, each an owner or hybrid present at the start, none
    /// twice; no other firm has any.
    private mutating func checkAffiliates(_ f: Firm, _ i: Int, providerNames: [String]?, modelOf: [String: String]) {
        guard let a = mark(f.keys.affiliates, i) else { return }
        let model = f.spec(s, i).model.rawValue
        guard model == "broker" else {
            if a.count > 0 {
                sink.error(a.loc, a.path, "only a broker has affiliates; this firm's model is \(model)")
            }
            return
        }
        if a.count == 0, !a.isNull, providerNames != nil {
            sink.error(a.loc, a.path, "a broker needs at least one affiliate: an owner or hybrid whose free units it resells")
        }
        var seen: [String: SourceLocation] = [:]
        for k in 0..<a.count {
            let n = mark(f.keys.affiliates, i, k)
            reference(n, in: providerNames, kind: "provider")
            checkNotPopulation(n, populations: populationNames, role: "an affiliate")
            guard let n, let name = n.name else { continue }
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
    private mutating func checkRentIns(tierNames: [String]?, providerNames: [String]?,
                                       modelOf: [String: String], rentInTerm: Double?) {
        // Units of each (lessor, tier) not under lease at the start: nil inside when some are drawn per replication.
        var free: [String: Int?] = [:]
        for (i, p) in s.providers.enumerated() {
            guard !isNull(K.providerName, i) else { continue }
            for (k, c) in p.fleet.enumerated() {
                guard let t = name(K.fleetTier, i, k) else { continue }
                let key = p.name + "\u{0}" + t
                if isFixed(K.fleetUnits, i, k), isFixed(K.leasedShare, i, k), let known = free[key] ?? 0 {
                    free[key] = known + c.units - Int((Double(c.units) * c.leasedShare).rounded())
                } else {
                    free[key] = .some(nil)
                }
            }
        }
        var rented: [String: Int] = [:]
        for (i, p) in s.providers.enumerated() {
            guard let rentIn = mark(K.rentIn, i) else { continue }
            let model = p.model.rawValue
            if model != "sublessor", rentIn.count > 0 {
                sink.error(rentIn.loc, rentIn.path, "only a sublessor rents capacity in; this firm's model is \(model)")
                continue
            }
            for (k, r) in p.supply.rentIn.enumerated() {
                reference(mark(K.rentInTier, i, k), in: tierNames, kind: "tier")
                let termMark = mark(K.rentInTerm, i, k)
                let term = termMark?.isNull ?? true ? rentInTerm : (termMark!.isFixed ? draft.rentInTerm[i][k] : nil)
                if isFixed(K.rentInElapsed, i, k), let term, r.elapsedMonths >= term, let e = mark(K.rentInElapsed, i, k) {
                    sink.error(e.loc, e.path, "expected less than term_months (\(NumberText.format(term))), got '\(NumberText.format(r.elapsedMonths))'")
                }
                guard let lessor = mark(K.rentInLessor, i, k), let l = lessor.name, l != ScenarioSchema.marketLessor,
                      let providerNames else { continue }
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
                if populationNames.contains(l) {
                    checkNotPopulation(lessor, populations: populationNames, role: "a lessor")
                    continue
                }
                guard let t = name(K.rentInTier, i, k), tierNames?.contains(t) == true else { continue }
                let key = l + "\u{0}" + t
                guard let available = free[key] else {
                    sink.error(lessor.loc, lessor.path, "'\(l)' holds no \(t) units at the start, so it cannot lease them out")
                    continue
                }
                guard let available, isFixed(K.rentInUnits, i, k), let units = mark(K.rentInUnits, i, k) else { continue }
                rented[key, default: 0] += r.units
                if rented[key]! > available {
                    sink.error(units.loc, units.path,
                               "'\(l)' has \(available) \(t) units not leased at the start, but rent_in from it adds up to \(rented[key]!)")
                }
            }
        }
    }

    /// Generations: a tier's successor is a known tier other than itself, successors form no
    /// cycle, and a successor is released after its predecessor (when both have release months).
    private mutating func checkGenerations(tierNames: [String]?) {
        guard let tierNames else { return }
        var next: [Int?] = Array(repeating: nil, count: s.tiers.count)
        for i in s.tiers.indices {
            let m = mark(K.tierSuccessor, i)
            reference(m, in: tierNames, kind: "tier")
            guard let m, let n = m.name, let k = tierNames.firstIndex(of: n) else { continue }
            if k == i {
                sink.error(m.loc, m.path, "a tier cannot be its own successor ('\(n)')")
                continue
            }
            next[i] = k
            if let mine = month(s.tiers[i].release, K.tierRelease, i), let theirs = month(s.tiers[k].release, K.tierRelease, k),
               theirs <= mine {
                sink.error(m.loc, m.path, "the successor '\(n)' is released in \(theirs), expected after this tier's release (\(mine))")
            }
        }
        // A cycle is reported once, at its first tier.
        for i in s.tiers.indices {
            var seen: [Int] = [i]
            var at = next[i]
            while let k = at, !seen.contains(k) {
                seen.append(k)
                at = next[k]
            }
            guard let k = at, k == i, seen.min() == i, let m = mark(K.tierSuccessor, i) else { continue }
            let chain = (seen + [i]).map { s.tiers[$0].name }.joined(separator: " → ")
            sink.error(m.loc, m.path, "successors form a cycle (\(chain)); each generation's successor must be a later one")
        }
    }

    /// `from` inside the horizon (or, for supply shocks, no later than its last month); `to` after
    /// `from`, at most its end. `from` and `to` are nil when not written (or refused).
    private mutating func dates(from: YearMonth?, _ fromMark: SourceMarks.Mark?, to: YearMonth?, _ toMark: SourceMarks.Mark?,
                                horizon: (start: YearMonth, months: Int)?, mayPredate: Bool = false) {
        guard let (start, horizon) = horizon else { return }
        let last = start.adding(months: horizon - 1), end = start.adding(months: horizon)
        if let f = from, let m = fromMark, mayPredate, f > last {
            sink.error(m.loc, m.path, "expected a month no later than \(last) (the last of the horizon; a supply shock may predate the start), got '\(f)'")
        } else if let f = from, let m = fromMark, !mayPredate, f < start || f > last {
            sink.error(m.loc, m.path, "expected a month from \(start) to \(last) (inside the horizon), got '\(f)'")
        }
        if let t = to, let m = toMark {
            if let f = from, t <= f {
                sink.error(m.loc, m.path, "expected a month after from (\(f)), got '\(t)'")
            } else if t > end {
                sink.error(m.loc, m.path, "expected a month no later than \(end) (the end of the horizon), got '\(t)'")
            }
        }
    }

    /// A month key's value when written (nil when absent or refused).
    private func month(_ value: YearMonth?, _ e: Int, _ at: Int...) -> YearMonth? {
        (marks[e, at]?.isNull ?? true) ? nil : value
    }

    mutating func check() {
        let tierNames = names(K.tiers, s.tiers.map(\.name))
        let regionNames = names(K.regions, s.regions.map(\.name))
        let segmentNames = names(K.segments, s.segments.map(\.name))

        // Tiers: physical life at least the depreciation life.
        for (i, t) in s.tiers.enumerated() {
            if isFixed(K.lifeYears, i), isFixed(K.physicalLife, i), let phys = draft.physicalLife[i], phys < t.lifeYears,
               let m = mark(K.physicalLife, i) {
                sink.error(m.loc, m.path, "expected at least life_years (\(NumberText.format(t.lifeYears))), got '\(NumberText.format(phys))'")
            }
        }

        checkGenerations(tierNames: tierNames)

        // Segments.
        for (i, g) in s.segments.enumerated() {
            let tier = mark(K.segmentTier, i)
            reference(tier, in: tierNames, kind: "tier")
            var seen: [String: SourceLocation] = [:]
            for k in 0..<(mark(K.substitutes, i)?.count ?? 0) {
                let sub = mark(K.substitutes, i, k)
                reference(sub, in: tierNames, kind: "tier")
                guard let sub, let name = sub.name else { continue }
                if name == tier?.name {
                    sink.error(sub.loc, sub.path, "a substitute must differ from the segment's own tier '\(name)'")
                } else if let f = seen[name] {
                    sink.error(sub.loc, sub.path, "tier '\(name)' is listed twice" + (f.line == sub.loc.line ? "" : " (lines \(f.line) and \(sub.loc.line))"))
                }
                seen[name] = sub.loc
            }
            if case .logistic = g.growth, isFixed(K.segmentRate, i), g.rate <= 0, let m = mark(K.segmentRate, i) {
                sink.error(m.loc, m.path, "a logistic growth needs a starting rate > 0, got '\(NumberText.format(g.rate))'")
            }
            // An inference segment matches tiers by bandwidth and memory: every tier it accepts needs both.
            if g.workload == .inference, let tierNames {
                var marks: [SourceMarks.Mark] = []
                if let m = tier { marks.append(m) }
                for k in 0..<(mark(K.substitutes, i)?.count ?? 0) { if let m = mark(K.substitutes, i, k) { marks.append(m) } }
                for m in marks {
                    guard let n = m.name, let t = tierNames.firstIndex(of: n) else { continue }
                    let missing = [s.tiers[t].memoryGB == nil ? "memory_gb" : nil, s.tiers[t].bandwidthTBs == nil ? "bandwidth_tbs" : nil]
                        .compactMap { $0 }
                    guard !missing.isEmpty else { continue }
                    sink.error(m.loc, m.path, "an inference segment matches tiers by memory and bandwidth, but tier '\(n)' has no "
                        + missing.joined(separator: " or ") + "; give the tier " + missing.joined(separator: " and ")
                        + " or make the segment's workload training")
                }
            }
        }

        // Firms: providers, then entrant templates (which share their keys).
        let providerNames = names(K.providers, s.providers.map(\.name))
        let templateNames = s.entrants.indices.filter { !isNull(K.entrantName, $0) }.map { s.entrants[$0].name }
        var modelOf: [String: String] = [:]
        for (i, p) in s.providers.enumerated() where !isNull(K.providerName, i) && modelOf[p.name] == nil {
            modelOf[p.name] = p.model.rawValue
        }
        var jurisdictions: [String] = []
        let written = s.regions.indices.map { isNull(K.regionJurisdiction, $0) ? nil : s.regions[$0].jurisdiction }
            + draft.providerJurisdiction + draft.entrantJurisdiction
        for case let j? in written where !jurisdictions.contains(j) { jurisdictions.append(j) }
        let jurisdictionsKnown = !isNull(K.regions)
        let startMonth = isNull(K.start) ? nil : s.start
        for (i, p) in s.providers.enumerated() {
            checkName(i, templates: templateNames, populations: populationNames)
            checkSites(i, regionNames: regionNames)
            for k in p.fleet.indices {
                reference(mark(K.fleetTier, i, k), in: tierNames, kind: "tier")
                // No firm holds a tier at the start that is released after it.
                guard let start = startMonth, let m = mark(K.fleetTier, i, k), let t = m.name,
                      let ti = s.tiers.indices.first(where: { !isNull(K.tierName, $0) && s.tiers[$0].name == t }),
                      let release = month(s.tiers[ti].release, K.tierRelease, ti), release > start else { continue }
                sink.error(m.loc, m.path, "tier '\(t)' is released in \(release), after the start (\(start)), so no firm can hold it in its initial fleet; firms order it once it ships")
            }
            if p.model == .broker, !p.fleet.isEmpty, let m = mark(K.fleet, i) {
                sink.error(m.loc, m.path, "a broker holds no units: its fleet must be empty (it resells its affiliates' units)")
            }
        }
        for f in [Firm.provider, Firm.entrant] {
            for i in 0..<f.count(s) {
                reference(mark(f.keys.region, i), in: regionNames, kind: "region")
                checkPrices(f, i, tierNames: tierNames)
                checkAffiliates(f, i, providerNames: providerNames, modelOf: modelOf)
            }
        }
        checkRentIns(tierNames: tierNames, providerNames: providerNames, modelOf: modelOf,
                     rentInTerm: isFixed(K.subleaseTerm) ? s.sublease.rentInTermMonths : nil)

        // Overseas lines: known tiers (the jurisdiction abroad need not be a firm's or a region's).
        for i in s.sublease.overseas.indices { reference(mark(K.overseasTier, i), in: tierNames, kind: "tier") }

        // Chip supply: known tiers and jurisdictions, each pair once.
        var supplied: [String: SourceLocation] = [:]
        for (i, c) in s.chipSupply.enumerated() {
            reference(mark(K.supplyTier, i), in: tierNames, kind: "tier")
            if jurisdictionsKnown { jurisdiction(mark(K.supplyJurisdiction, i), c.jurisdiction, in: jurisdictions) }
            guard let t = name(K.supplyTier, i), !isNull(K.supplyJurisdiction, i), let item = mark(K.supply, i) else { continue }
            let key = t + "\u{0}" + c.jurisdiction
            if let f = supplied[key] {
                sink.error(item.loc, item.path, "the supply of \(t) to \(c.jurisdiction) is listed twice" + (f.line == item.loc.line ? "" : " (lines \(f.line) and \(item.loc.line))"))
            } else {
                supplied[key] = item.loc
            }
        }
        let supplyKnown = !isNull(K.supply)

        // Entrant templates: brokers order nothing; a sublessor rents its first_order in from the market
        // (and needs one: without capacity it sees no demand, so its expansion rule would never start);
        // every tier an owner or hybrid orders can be bought where the entrant is.
        for (i, e) in s.entrants.enumerated() {
            if let debt = mark(K.entrantDebt, i), !debt.isNull, (debt.isFixed ? e.provider.debt : 1) != 0 {
                sink.error(debt.loc, debt.path, "an entrant starts without debt, expected 0: it raises its cash as equity at entry and borrows by the finance rules (up to ltv_cap of its units' value) once it holds units; a loan at entry would have no collateral and be swept back at once")
            }
            let firstOrder = mark(K.firstOrder, i)
            for k in e.firstOrder.indices { reference(mark(K.firstOrderTier, i, k), in: tierNames, kind: "tier") }
            if e.provider.model == .broker, !e.firstOrder.isEmpty, let m = firstOrder {
                sink.error(m.loc, m.path, "a broker orders no units: its first_order must be empty (it resells its affiliates' units)")
                continue
            }
            if e.provider.model == .sublessor {
                if e.firstOrder.isEmpty, let m = firstOrder {
                    sink.error(m.loc, m.path, "a sublessor entrant needs a first_order, the units it rents in from the market at entry: with no capacity it is asked for nothing, so it would never rent any in")
                }
                continue
            }
            let regionName = name(Firm.entrant.keys.region, i)
            let region = s.regions.indices.first { !isNull(K.regionName, $0) && s.regions[$0].name == regionName }
            let regionJurisdiction = region.flatMap { isNull(K.regionJurisdiction, $0) ? nil : s.regions[$0].jurisdiction }
            guard supplyKnown, let j = draft.entrantJurisdiction[i] ?? regionJurisdiction else { continue }
            for k in e.firstOrder.indices {
                guard let t = name(K.firstOrderTier, i, k), tierNames?.contains(t) == true, supplied[t + "\u{0}" + j] == nil,
                      let m = mark(K.firstOrderTier, i, k) else { continue }
                sink.error(m.loc, m.path, "no supply of \(t) to \(j), so an entrant could never receive it; add {tier: \(t), jurisdiction: \(j), …} under supply")
            }
        }

        // Entry: a positive rate needs a template.
        if s.entrants.isEmpty, !isNull(K.entrants), let maxRate = mark(K.maxRate), !maxRate.isNull,
           maxRate.isFixed ? s.entry.maxRate > 0 : true {
            sink.error(maxRate.loc, maxRate.path, "entry needs at least one template under entrants when max_rate is above 0; add one, or set max_rate to 0")
        }

        // Shocks: inside the horizon, `to` after `from`; supply shocks may predate the start.
        let start = isNull(K.start) ? nil : s.start
        let horizon: (start: YearMonth, months: Int)? = start.flatMap { isFixed(K.horizon) ? ($0, s.horizonMonths) : nil }
        for (i, e) in draft.shocks.enumerated() {
            reference(mark(K.shockSegment, i), in: segmentNames, kind: "segment")
            let kind = e.kind
            let isSupply = kind == "supply" || kind == "export_ban"
            if isSupply {
                reference(mark(K.shockTier, i), in: tierNames, kind: "tier")
                if jurisdictionsKnown { jurisdiction(mark(K.shockJurisdiction, i), e.jurisdiction, in: jurisdictions) }
            }
            if kind == "electricity" || kind == "pue" {
                reference(mark(K.shockRegion, i), in: regionNames, kind: "region")
                if kind == "pue", isFixed(K.shockMultiplier, i), let m = mark(K.shockMultiplier, i), let name = name(K.shockRegion, i),
                   let r = s.regions.indices.first(where: { !isNull(K.regionName, $0) && s.regions[$0].name == name }),
                   isFixed(K.regionPUE, r) {
                    let pue = s.regions[r].pue, k = e.multiplier
                    if pue * k < 1 {
                        let product = NumberText.format((pue * k * 10_000).rounded() / 10_000)
                        sink.error(m.loc, m.path, "the PUE of \(name) would be \(NumberText.format(pue)) × \(NumberText.format(k)) = \(product), below 1 (a site cannot draw less power than its IT load)")
                    }
                }
            }
            dates(from: month(e.from, K.shockFrom, i), mark(K.shockFrom, i), to: month(e.to, K.shockTo, i), mark(K.shockTo, i),
                  horizon: horizon, mayPredate: isSupply)
            if isSupply {
                // A relaxation needs its month, after the shock and inside the horizon.
                let relaxFrom = month(e.relaxFrom, K.relaxFrom, i)
                if relaxFrom == nil, isFixed(K.relaxProbability, i) ? e.relaxProbability > 0 : !isNull(K.relaxProbability, i),
                   let m = mark(K.relaxProbability, i) {
                    sink.error(m.loc, m.path, "a relax_probability above 0 needs relax_from, the month the shock would be undone")
                }
                if let r = relaxFrom, let m = mark(K.relaxFrom, i), let (start, months) = horizon {
                    let last = start.adding(months: months - 1)
                    if let f = month(e.from, K.shockFrom, i), r <= f {
                        sink.error(m.loc, m.path, "expected a month after from (\(f)), got '\(r)'")
                    } else if r < start || r > last {
                        sink.error(m.loc, m.path, "expected a month from \(start) to \(last) (inside the horizon), got '\(r)'")
                    }
                }
            }
        }

        // Colocation: the providers' colocation_kw at the start fit in their region's colocation_mw.
        for (r, region) in s.regions.enumerated() {
            guard let cap = region.colocationMW, isFixed(K.colocationMW, r), let m = mark(K.colocationMW, r) else { continue }
            var kw = 0.0
            for i in s.providers.indices where name(Firm.provider.keys.region, i) == region.name {
                guard isFixed(K.providerColocation, i) else { continue }
                kw += s.providers[i].supply.colocationKW
            }
            if kw > cap * 1000 + 1e-9 {
                sink.error(m.loc, m.path, "the providers in \(region.name) start with \(NumberText.format(kw)) kW of colocation_kw, more than its \(NumberText.format(cap * 1000)) kW; raise colocation_mw or lower their colocation_kw")
            }
        }

        // Policy: vouchers name a region and eligible segments; caps a tier; dates inside the horizon.
        for (i, v) in s.policy.vouchers.enumerated() {
            reference(mark(K.voucherRegion, i), in: regionNames, kind: "region")
            var seen: [String: SourceLocation] = [:]
            for k in 0..<(mark(K.voucherSegments, i)?.count ?? 0) {
                let g = mark(K.voucherSegments, i, k)
                reference(g, in: segmentNames, kind: "segment")
                guard let g, let name = g.name else { continue }
                if let f = seen[name] {
                    sink.error(g.loc, g.path, "segment '\(name)' is listed twice" + (f.line == g.loc.line ? "" : " (lines \(f.line) and \(g.loc.line))"))
                }
                seen[name] = g.loc
            }
            dates(from: month(v.from, K.voucherFrom, i), mark(K.voucherFrom, i), to: month(v.to, K.voucherTo, i), mark(K.voucherTo, i),
                  horizon: horizon)
        }
        for (i, c) in s.policy.priceCaps.enumerated() {
            reference(mark(K.capTier, i), in: tierNames, kind: "tier")
            dates(from: month(c.from, K.capFrom, i), mark(K.capFrom, i), to: month(c.to, K.capTo, i), mark(K.capTo, i),
                  horizon: horizon)
        }

        // Entry premiums: dates increase down the list and fall before the end (earlier than the start is fine).
        var previousPremium: (YearMonth, SourceLocation)? = nil
        for (i, h) in s.entry.premium.enumerated() {
            guard let f = month(h.from, K.premiumFrom, i), let from = mark(K.premiumFrom, i) else { continue }
            if let (start, horizon) = horizon, f > start.adding(months: horizon - 1) {
                sink.error(from.loc, from.path, "expected a month no later than \(start.adding(months: horizon - 1)) (the last of the horizon), got '\(f)'")
            } else if let (pm, pl) = previousPremium, f <= pm {
                sink.error(from.loc, from.path, "expected a month after \(pm) (line \(pl.line)): premium dates increase down the list, got '\(f)'")
            }
            previousPremium = (f, from.loc)
        }

        // Term discounts: months increase down the list.
        var previous: (Double, SourceLocation)? = nil
        for (i, d) in s.pricing.termDiscounts.enumerated() {
            guard isFixed(K.discountMonths, i), let m = mark(K.discountMonths, i) else { continue }
            if let (pm, pl) = previous, d.months <= pm {
                sink.error(m.loc, m.path,
                           "expected months greater than \(NumberText.format(pm)) (line \(pl.line)): they increase down the list, got '\(NumberText.format(d.months))'")
            }
            previous = (d.months, m.loc)
        }
    }

    // MARK: The keys the checks read

    /// Schema entry indices of the keys the checks read (marks are found by entry).
    private enum K {
        static func i(_ keyPath: String) -> Int {
            guard let i = ScenarioSchema.index[keyPath] else { preconditionFailure("no schema key \(keyPath)") }
            return i
        }
        static let start = i("start"), horizon = i("horizon_months")
        static let tiers = i("tiers"), lifeYears = i("tiers[].life_years"), physicalLife = i("tiers[].physical_life_years")
        static let tierName = i("tiers[].name"), tierRelease = i("tiers[].release"), tierSuccessor = i("tiers[].successor")
        static let regions = i("regions"), regionName = i("regions[].name"), regionJurisdiction = i("regions[].jurisdiction")
        static let regionPUE = i("regions[].pue"), colocationMW = i("regions[].colocation_mw")
        static let providerColocation = i("providers[].colocation_kw")
        static let segments = i("demand.segments"), segmentTier = i("demand.segments[].tier")
        static let substitutes = i("demand.segments[].substitutes"), segmentRate = i("demand.segments[].rate")
        static let providers = i("providers"), providerName = i("providers[].name")
        static let providerRegions = i("providers[].regions"), providerRegionWeight = i("providers[].regions.*")
        static let fleet = i("providers[].fleet"), fleetTier = i("providers[].fleet[].tier")
        static let fleetUnits = i("providers[].fleet[].units"), leasedShare = i("providers[].fleet[].leased_share")
        static let rentIn = i("providers[].rent_in"), rentInTier = i("providers[].rent_in[].tier")
        static let rentInUnits = i("providers[].rent_in[].units"), rentInLessor = i("providers[].rent_in[].lessor")
        static let rentInTerm = i("providers[].rent_in[].term_months"), rentInElapsed = i("providers[].rent_in[].elapsed_months")
        static let entrants = i("entrants"), entrantName = i("entrants[].name"), entrantDebt = i("entrants[].debt")
        static let firstOrder = i("entrants[].first_order"), firstOrderTier = i("entrants[].first_order[].tier")
        static let overseasTier = i("sublease.overseas[].tier")
        static let subleaseTerm = i("sublease.rent_in_term_months"), maxRate = i("entry.max_rate")
        static let supply = i("supply"), supplyTier = i("supply[].tier"), supplyJurisdiction = i("supply[].jurisdiction")
        static let shockSegment = i("shocks[].segment"), shockTier = i("shocks[].tier"), shockRegion = i("shocks[].region")
        static let shockJurisdiction = i("shocks[].jurisdiction"), shockMultiplier = i("shocks[].multiplier")
        static let shockFrom = i("shocks[].from"), shockTo = i("shocks[].to")
        static let relaxFrom = i("shocks[].relax_from"), relaxProbability = i("shocks[].relax_probability")
        static let voucherRegion = i("policy.vouchers[].region"), voucherSegments = i("policy.vouchers[].segments")
        static let voucherFrom = i("policy.vouchers[].from"), voucherTo = i("policy.vouchers[].to")
        static let capTier = i("policy.price_caps[].tier"), capFrom = i("policy.price_caps[].from"), capTo = i("policy.price_caps[].to")
        static let premiumFrom = i("entry.premium[].from"), discountMonths = i("pricing.term_discounts[].months")
    }

    /// The keys providers and entrant templates share, under either list.
    private struct FirmKeys {
        let region, prices, price, affiliates: Int
        init(_ list: String) {
            region = K.i(list + "[].region"); prices = K.i(list + "[].prices"); price = K.i(list + "[].prices.*")
            affiliates = K.i(list + "[].affiliates")
        }
    }

    private enum Firm {
        case provider, entrant
        static let providerKeys = FirmKeys("providers"), entrantKeys = FirmKeys("entrants")
        var keys: FirmKeys { self == .provider ? Firm.providerKeys : Firm.entrantKeys }
        func count(_ s: Scenario) -> Int { self == .provider ? s.providers.count : s.entrants.count }
        func spec(_ s: Scenario, _ i: Int) -> ProviderSpec { self == .provider ? s.providers[i] : s.entrants[i].provider }
    }
}

extension ScenarioDraft {
    /// The value a key left to a computed default shows in the resolved scenario, when it is
    /// fixed before any draw: `tiers[].physical_life_years` = life + 2, a firm's jurisdiction its
    /// region's, its accounting standard `cas` in jurisdiction `cn` and `ifrs` elsewhere, `providers[].rent_in[].term_months` = `sublease.rent_in_term_months` (nil when
    /// what it is computed from is drawn per replication; ``finished()`` then settles it per
    /// replication). Read for a valid document only, whose references all resolve.
    func computedDefault(entry: Int, at: [Int], marks: SourceMarks) -> RNode.Value? {
        switch ScenarioSchema.entries[entry].keyPath {
        case "tiers[].physical_life_years":
            guard marks[SemanticChecker.lifeYearsEntry, at]?.isFixed == true else { return nil }
            return .number(scenario.tiers[at[0]].lifeYears + 2)
        case "providers[].jurisdiction":
            return .text(scenario.regions[scenario.providers[at[0]].region].jurisdiction)
        case "entrants[].jurisdiction":
            return .text(scenario.regions[scenario.entrants[at[0]].provider.region].jurisdiction)
        case "providers[].accounting":
            let given = providerJurisdiction[at[0]] ?? scenario.regions[scenario.providers[at[0]].region].jurisdiction
            return .text(given.lowercased() == "cn" ? AccountingStandard.cas.rawValue : AccountingStandard.ifrs.rawValue)
        case "entrants[].accounting":
            let given = entrantJurisdiction[at[0]] ?? scenario.regions[scenario.entrants[at[0]].provider.region].jurisdiction
            return .text(given.lowercased() == "cn" ? AccountingStandard.cas.rawValue : AccountingStandard.ifrs.rawValue)
        case "providers[].rent_in[].term_months":
            guard marks[SemanticChecker.subleaseTermEntry, []]?.isFixed == true else { return nil }
            return .number(scenario.sublease.rentInTermMonths)
        default:
            return nil
        }
    }
}

extension SemanticChecker {
    static var lifeYearsEntry: Int { K.lifeYears }
    static var subleaseTermEntry: Int { K.subleaseTerm }
}
