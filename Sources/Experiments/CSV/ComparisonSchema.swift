import Tables
/// A row of `compare.csv`.
public struct ComparisonRow: Sendable, Equatable {
    /// `firm`, `template` or `market`.
    public var entityKind: String
    /// Firm or template name; `all` or a tier name for market rows.
    public var entity: String
    public var metric: String
    /// The printed table's name of the metric.
    public var label: String
    public var unit: String
    public var paired: PairedDifference

    public init(entityKind: String, entity: String, metric: String, label: String, unit: String,
                paired: PairedDifference) {
        self.entityKind = entityKind; self.entity = entity; self.metric = metric; self.label = label
        self.unit = unit; self.paired = paired
    }
}

extension OutputSchemas {
    // MARK: compare.csv

    public static let compare = CSVSchema<ComparisonRow>(
        file: "compare.csv",
        summary: "Written by `suanli compare` only (see \"Comparisons\" above). One row per entity and metric: the "
            + "base's and the variant's mean and the paired difference. For each replication r in which the metric "
            + "is defined in both, d_r = variant_r − base_r (for a `p_` metric the difference of the 0/1 indicators, "
            + "e.g. survived in the variant minus survived in the base); `diff` is the mean of the d_r and its "
            + "interval the paired t-interval, `diff` ∓ t(0.975, n − 1)·s_d/√n with s_d² the sample variance of the "
            + "d_r over the n pairs. Firms present at the start, entrant templates and tiers are matched by name; "
            + "one present in only one scenario has that scenario's mean and an empty `diff`, interval and "
            + "`sign_settled`.",
        rowOrder: "entity_kind (`firm`, `template`, `population`, then `market`); within a kind, the base scenario's entities in "
            + "its order, then those only in the variant in its order (market: `all`, then tiers); metrics in the "
            + "order listed below.",
        columns: [
            CSVColumn("entity_kind", "", "`firm` (present at the start), `template` (entrants pooled by template), "
                + "`population` (a population's firms pooled) or `market`.") { .text($0.entityKind) },
            CSVColumn("entity", "", "Firm, template or population name; for market rows `all` or a tier name.") { .text($0.entity) },
            CSVColumn("metric", "", "What is compared (see the metric lists below).") { .text($0.metric) },
            CSVColumn("base", "as the metric",
                      "Mean of the metric over the base's replications where it is defined (a share for `p_` "
                        + "metrics); empty when the entity is not in the base or the metric is never defined.") {
                .number($0.paired.base)
            },
            CSVColumn("variant", "as the metric", "The same for the variant.") { .number($0.paired.variant) },
            CSVColumn("diff", "as the metric",
                      "Mean of the paired differences d_r over the replications where the metric is defined in both: "
                        + "`variant` − `base` (up to rounding) for metrics defined in every replication. Empty when "
                        + "the entity is in only one scenario, or no replication has the metric in both.") {
                .number($0.paired.diff)
            },
            CSVColumn("diff_ci95_low", "as the metric",
                      "Lower end of the paired 95% t-interval of `diff`; empty with fewer than two pairs.") {
                .number($0.paired.low)
            },
            CSVColumn("diff_ci95_high", "as the metric", "Upper end of the paired 95% t-interval of `diff`.") {
                .number($0.paired.high)
            },
            CSVColumn("sign_settled", "true/false",
                      "`true` when the interval excludes 0 (at 95%, the variant moves the metric in the direction of "
                        + "`diff`), `false` when it contains 0; empty without an interval.") {
                $0.paired.signSettled.map(flag) ?? .empty
            },
        ])

    /// The documentation of the files only `suanli compare` writes, in the order of the data dictionary.
    public static var comparisonDocumentation: [FileDoc] { [compare.documentation] }
}
