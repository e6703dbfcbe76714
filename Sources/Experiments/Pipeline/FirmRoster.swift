import MarketModel

/// The firms of one replication, by firm index: ``ReplicationResult/firms`` when the model
/// fills it (the scenario's providers, then entrants in order of entry), otherwise the point's
/// providers. Firm indices outside the roster get the name `firm-<index>`.
struct FirmRoster {
    struct Entry {
        var name: String
        var businessModel: String
        /// nil for firms present at the start.
        var template: String?
        /// 0 for firms present at the start.
        var entryMonth: Int
        /// The population of a firm declared as one of many (`providers[].count` > 1), nil otherwise.
        var population: String? = nil
        /// What the firm's outcomes are pooled under: its template, or its population; nil for a
        /// firm declared by itself.
        var group: String? { template ?? population }
    }

    let entries: [Entry]

    init(_ result: ReplicationResult, point: ExperimentPoint) {
        if result.firms.isEmpty {
            entries = point.firmNames.indices.map {
                Entry(name: point.firmNames[$0], businessModel: $0 < point.firmModels.count ? point.firmModels[$0] : "",
                      template: nil, entryMonth: 0)
            }
        } else {
            entries = result.firms.map {
                Entry(name: $0.name, businessModel: $0.model.rawValue, template: $0.template,
                      entryMonth: $0.template == nil ? 0 : $0.entryMonth, population: $0.population)
            }
        }
    }

    subscript(_ f: Int) -> Entry {
        f >= 0 && f < entries.count ? entries[f] : Entry(name: "firm-\(f)", businessModel: "", template: nil, entryMonth: 0)
    }
}
