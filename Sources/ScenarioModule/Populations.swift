import MarketModel
import Stochastics

/// Populations: a provider entry with `count: N` (N > 1) declares N similar firms, each a copy of
/// the entry named `<entry>-<k>` (k = 1 … N), with its keys written `{dist: …, per: firm}` drawn
/// for each firm.
extension ScenarioDraft {
    /// Whether some provider entry declares more than one firm.
    var hasPopulations: Bool { providerCount.contains { $0 > 1 } }
    /// Whether some population draws its firms' sites (`regions`).
    var drawsSites: Bool { providerRegions.indices.contains { providerCount[$0] > 1 && !providerRegions[$0].isEmpty } }

    /// Replaces each population by its firms, every replication afresh.
    ///
    /// Firms declared by themselves (`count` 1) come first, in file order, so their indices (and
    /// the names a run's firm-level outputs carry) do not depend on any population; then each
    /// population's firms, populations in file order, members k = 1 … N. References between firms
    /// (`rent_in[].lessor`, `affiliates`) follow the firms they name (the checks refuse a reference
    /// to a population). Member k's value of a key drawn `per: firm` is `draw(key, k)`; each is
    /// written through the key's binding into a fresh copy of the entry, so the firm's other keys,
    /// and its defaults computed from them, are the entry's. With `regions`, firm k's site is the
    /// region whose cumulative weight share first exceeds `site(entry, k)`, a uniform on [0, 1).
    /// - Complexity: O(firms × keys drawn per firm).
    mutating func expandPopulations(memberKeys: [DrawnKey], draw: (DrawnKey, Int) -> Double,
                                    site: (Int, Int) -> Double) {
        guard hasPopulations || !memberKeys.isEmpty else { return }
        let declared = scenario.providers
        var newIndex = Array(repeating: 0, count: declared.count)
        var specs: [ProviderSpec] = []
        var jurisdictions: [String?] = []
        var terms: [[Double?]] = []
        let total = providerCount.reduce(0, +)
        specs.reserveCapacity(total)
        jurisdictions.reserveCapacity(total)
        terms.reserveCapacity(total)
        for i in declared.indices where providerCount[i] == 1 {
            // A firm declared by itself is its entry's one firm: k = 1.
            for key in memberKeys where key.context.at.first == i { key.apply(draw(key, 1), to: &self) }
            newIndex[i] = specs.count
            specs.append(scenario.providers[i])
            jurisdictions.append(providerJurisdiction[i])
            terms.append(rentInTerm[i])
        }
        for i in declared.indices where providerCount[i] > 1 {
            let keys = memberKeys.filter { $0.context.at.first == i }
            let jurisdiction = providerJurisdiction[i], term = rentInTerm[i]
            newIndex[i] = specs.count
            for k in 1...providerCount[i] {
                scenario.providers[i] = declared[i]
                providerJurisdiction[i] = jurisdiction
                rentInTerm[i] = term
                for key in keys { key.apply(draw(key, k), to: &self) }
                var member = scenario.providers[i]
                member.name = "\(declared[i].name)-\(k)"
                member.population = declared[i].name
                if !providerRegions[i].isEmpty {
                    let total = providerRegions[i].reduce(0) { $0 + $1.weight }
                    let u = site(i, k) * total
                    var sum = 0.0
                    member.region = providerRegions[i].last!.region
                    for w in providerRegions[i] {
                        sum += w.weight
                        if u < sum { member.region = w.region; break }
                    }
                }
                specs.append(member)
                jurisdictions.append(providerJurisdiction[i])
                terms.append(rentInTerm[i])
            }
        }
        func remap(_ spec: inout ProviderSpec) {
            for c in spec.supply.rentIn.indices {
                if let l = spec.supply.rentIn[c].lessor { spec.supply.rentIn[c].lessor = ProviderID(newIndex[l.index]) }
            }
            spec.supply.affiliates = spec.supply.affiliates.map { ProviderID(newIndex[$0.index]) }
        }
        for j in specs.indices { remap(&specs[j]) }
        for t in scenario.entrants.indices { remap(&scenario.entrants[t].provider) }
        scenario.providers = specs
        providerJurisdiction = jurisdictions
        rentInTerm = terms
        providerCount = Array(repeating: 1, count: specs.count)
        providerRegions = Array(repeating: [], count: specs.count)
    }
}
