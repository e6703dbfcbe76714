import Tables

/// The documentation of the files the analyses write, for the data dictionary (`Results/README.md`).
public enum AnalysisSchemas {
    /// `sensitivity.csv` (sweeps, and runs that draw parameters per replication): computed from the
    /// folder's other files, documented here as data.
    public static let sensitivity = FileDoc(
        file: "sensitivity.csv",
        summary: "Written by an unsharded `suanli sweep` and by `suanli merge` (never by a single shard), and by "
            + "`suanli run` when the scenario draws parameters per replication (`per: replication`; then the "
            + "parameters are those draws): for each outcome, the standardised regression coefficient (SRC) of "
            + "every parameter — the sweep's (`points.csv`), then the draws per replication (`params.csv`, keys in "
            + "order of first appearance). The outcome, one number per (point, replication) run, is regressed by "
            + "OLS on all parameters jointly, each standardised over the runs; SRC = b·sd(x)/sd(y). Beside it, over the "
            + "same runs, the partial rank correlation coefficient (PRCC; Marino et al. 2008) of every parameter: the "
            + "correlation of outcome and parameter after ranking both and removing the other parameters' ranks. SRC "
            + "measures straight-line effects; PRCC measures any monotone effect (an outcome that rises ever more "
            + "steeply, or levels off, with a parameter); neither catches one that rises and then falls. "
            + "Outcomes: per firm present at the start, `survived` "
            + "(1 if active at the horizon, else 0); for the market, `entries` (entrants in the run); and, when the "
            + "folder has `market_monthly.csv` (`--monthly`), `units_lost_total` (`all` row, summed over months) "
            + "and `final_price_index` per tier (`all` and each tier, last month).",
        rowOrder: "outcome (firms in order of first appearance in `outcomes.csv`, then `entries`, `units_lost_total`, "
            + "`final_price_index` by tier), then parameter (sweep file order, then the drawn keys).",
        columns: [
            ColumnDoc(name: "entity_kind", unit: "", doc: "`firm` or `market`."),
            ColumnDoc(name: "entity", unit: "", doc: "Firm name; for market rows a tier name or `all`."),
            ColumnDoc(name: "metric", unit: "", doc: "`survived`, `entries`, `units_lost_total` or `final_price_index`."),
            ColumnDoc(name: "parameter", unit: "", doc: "Parameter path, as in `points.csv`, or a drawn key, as in `params.csv`."),
            ColumnDoc(name: "src", unit: "ratio",
                      doc: "Standardised regression coefficient (below 10⁻¹⁰ in size: 0, the fit's rounding); empty when "
                        + "the outcome or the parameter does not vary, the parameter is not numeric or is (nearly) a linear "
                        + "combination of earlier parameters (as draws per replication are under common random numbers "
                        + "when there are no more replications than draws: each is then a function of the replication), "
                        + "or the fit is singular or has no residual degrees of freedom."),
            ColumnDoc(name: "src_ci95_low", unit: "ratio",
                      doc: "Lower end of the 95% Student t interval (OLS standard error, n − k − 1 degrees of freedom)."),
            ColumnDoc(name: "src_ci95_high", unit: "ratio", doc: "Upper end of the 95% interval."),
            ColumnDoc(name: "prcc", unit: "ratio",
                      doc: "Partial rank correlation coefficient, in [−1, 1]: the parameter and the outcome are "
                        + "replaced by their ranks over the runs (ties, such as the 0s and 1s of `survived`, share "
                        + "their average rank), each rank is regressed with an intercept on the ranks of the other "
                        + "used parameters, and this is the Pearson correlation of the two residuals (with one "
                        + "parameter, Spearman's rho). Empty when the outcome or the parameter does not vary, the "
                        + "parameter is not numeric, its ranks are (nearly) a linear combination of earlier parameters' "
                        + "ranks, a residual does not vary (the other parameters fix its rank), "
                        + "or n − 3 − p < 1 (n runs, p other parameters)."),
            ColumnDoc(name: "prcc_ci95_low", unit: "ratio",
                      doc: "Lower end of the 95% Fisher z interval: tanh(atanh(prcc) − 1.959964/√(n − 3 − p))."),
            ColumnDoc(name: "prcc_ci95_high", unit: "ratio",
                      doc: "Upper end of the 95% Fisher z interval: tanh(atanh(prcc) + 1.959964/√(n − 3 − p))."),
            ColumnDoc(name: "rank", unit: "", doc: "Rank of the parameter by |src| within the outcome, 1 the largest "
                        + "(ties by parameter order); empty when `src` is."),
            ColumnDoc(name: "runs", unit: "count", doc: "Runs (point, replication) in the fit: those where the outcome exists."),
        ],
        hasTierPatterns: false)

    static let outcomeColumns = [
        ColumnDoc(name: "entity_kind", unit: "", doc: "`firm` or `market`, as in `sensitivity.csv`."),
        ColumnDoc(name: "entity", unit: "", doc: "Firm name; for market rows a tier name or `all`."),
        ColumnDoc(name: "metric", unit: "", doc: "`survived`, `entries`, `units_lost_total` or `final_price_index`: the "
                    + "outcomes of `sensitivity.csv`, each averaged over the point's replications."),
        ColumnDoc(name: "parameter", unit: "", doc: "Parameter path, as in `points.csv`."),
    ]

    static let noiseColumns = [
        ColumnDoc(name: "replications", unit: "count", doc: "Replications per point (the most any point has)."),
        ColumnDoc(name: "noise_share", unit: "share",
                  doc: "Share of the variance of the point means that is replication noise: the variance of the point × "
                    + "replication interaction (the two-way residuals of the runs' outcomes; under common random numbers "
                    + "a replication's own effect moves every point alike and is no noise between points), divided by "
                    + "the replications, over the variance of the point means (capped at 1). Noise no parameter explains "
                    + "inflates every total index by about this share, and the elementary effects likewise; add "
                    + "replications when it is large. Empty with one replication, when points lack replications the "
                    + "others have, or when the point means do not vary."),
    ]

    /// `sobol.csv` (sweeps with `design: sobol`).
    public static let sobol = FileDoc(
        file: "sobol.csv",
        summary: "Written by an unsharded `suanli sweep` and by `suanli merge` when the sweep's design is `sobol`: "
            + "variance-based global sensitivity of every outcome of `sensitivity.csv` to each parameter. The design "
            + "is Saltelli's: N base rows of a 2k-dimensional Sobol sequence (GSL), each laid out as the points A, "
            + "AB₁ … AB_k, B (AB_j is A with parameter j taken from B), SALib's order. A point's outcome is its mean "
            + "over its replications; V is the variance of the outcomes at A and B. First order (Saltelli et al. 2010): "
            + "S1_j = mean(f_B·(f_AB_j − f_A))/V, the share of V parameter j explains alone. Total (Jansen 1999): "
            + "ST_j = mean((f_A − f_AB_j)²)/(2V), the share it explains with all its interactions; ST_j − S1_j is "
            + "interaction, and ST_j near 0 means the parameter can be fixed. Intervals: 95% percentile bootstrap "
            + "over the base rows (1,000 resamples).",
        rowOrder: "outcome (as in `sensitivity.csv`), then parameter (sweep file order).",
        columns: outcomeColumns + [
            ColumnDoc(name: "s1", unit: "share", doc: "First-order index; can fall a little below 0 or S1 sums above 1 "
                        + "by estimation error. Empty when the outcome does not vary over the A and B points, or a point "
                        + "lacks it."),
            ColumnDoc(name: "s1_ci95_low", unit: "share", doc: "Lower end of the 95% bootstrap interval of `s1`."),
            ColumnDoc(name: "s1_ci95_high", unit: "share", doc: "Upper end of the 95% bootstrap interval of `s1`."),
            ColumnDoc(name: "st", unit: "share", doc: "Total-order index (Jansen's estimator); empty as `s1`."),
            ColumnDoc(name: "st_ci95_low", unit: "share", doc: "Lower end of the 95% bootstrap interval of `st`."),
            ColumnDoc(name: "st_ci95_high", unit: "share", doc: "Upper end of the 95% bootstrap interval of `st`."),
            ColumnDoc(name: "base_points", unit: "count", doc: "N, the design's base rows; the sweep has N·(k + 2) points."),
        ] + noiseColumns,
        hasTierPatterns: false)

    /// `morris.csv` (sweeps with `design: morris`).
    public static let morris = FileDoc(
        file: "morris.csv",
        summary: "Written by an unsharded `suanli sweep` and by `suanli merge` when the sweep's design is `morris`: "
            + "elementary-effects screening (Morris 1991) of every outcome of `sensitivity.csv`. The design is r "
            + "trajectories of k + 1 points on a grid of p levels per parameter's range, each step moving one "
            + "parameter by Δ = p/(2(p − 1)) of its range (SALib's layout; with `candidates`, Campolongo's improved "
            + "sampling keeps the r most spread out). A point's outcome is its mean over its replications; an "
            + "elementary effect is the change of the outcome over a step, divided by Δ and signed by the step's "
            + "direction, so its unit is the outcome's per whole range of the parameter. Large `mu_star`: an "
            + "important parameter; large `sigma` beside it: non-linear, or interacting with others.",
        rowOrder: "outcome (as in `sensitivity.csv`), then parameter (sweep file order).",
        columns: outcomeColumns + [
            ColumnDoc(name: "mu_star", unit: "outcome per range",
                      doc: "μ*, the mean absolute elementary effect (Campolongo et al. 2007). Empty when a point lacks the outcome."),
            ColumnDoc(name: "mu", unit: "outcome per range", doc: "μ, the mean elementary effect (effects of both signs cancel)."),
            ColumnDoc(name: "sigma", unit: "outcome per range",
                      doc: "σ, the sample standard deviation of the elementary effects (divisor r − 1); empty with one trajectory."),
            ColumnDoc(name: "mu_star_ci95_low", unit: "outcome per range",
                      doc: "Lower end of the 95% percentile bootstrap interval of `mu_star` over the trajectories (1,000 resamples)."),
            ColumnDoc(name: "mu_star_ci95_high", unit: "outcome per range", doc: "Upper end of that interval."),
            ColumnDoc(name: "trajectories", unit: "count", doc: "r, the trajectories of the design."),
            ColumnDoc(name: "levels", unit: "count", doc: "p, the grid's levels."),
        ] + noiseColumns,
        hasTierPatterns: false)

    /// `boxes.csv` (`suanli discover`).
    public static let boxes = FileDoc(
        file: "boxes.csv",
        summary: "Written by `suanli discover SWEEP_DIR --outcome CONDITION` (into the sweep folder, or `--out`): "
            + "scenario discovery by PRIM (Friedman & Fisher 1999, as EMA Workbench 2.5 computes it) over the sweep's "
            + "parameters. A case is one (point, replication) run; it is of interest when the condition holds for its "
            + "outcome. From the box spanning every parameter's range, PRIM peels off the α share of cases (α = 0.05 by "
            + "default) at the limit whose removal raises the share of cases of interest most per case removed, while the "
            + "box keeps the minimum mass; then pastes back cases at a limit while that raises the share. Every box of "
            + "this peeling (and pasting) trajectory is listed; the chosen one is marked. The rule: among the boxes "
            + "with coverage ≥ the minimum coverage (0.5 by default) whose every restricting limit has a quasi-p-value "
            + "≤ the maximum (0.05), the densest; ties to the larger coverage, then the earlier box. None is chosen when "
            + "no box qualifies, and no file is written when no case is of interest.",
        rowOrder: "step, then restricted parameter (sweep file order); one row with an empty `parameter` for a box "
            + "that restricts none (the initial box).",
        columns: [
            ColumnDoc(name: "outcome", unit: "", doc: "The condition that makes a case of interest, as given to `--outcome`."),
            ColumnDoc(name: "step", unit: "", doc: "Index of the box on the trajectory, from 0 (the initial box)."),
            ColumnDoc(name: "phase", unit: "", doc: "`initial`, `peel` or `paste`."),
            ColumnDoc(name: "chosen", unit: "", doc: "`true` on the rows of the chosen box, else `false`."),
            ColumnDoc(name: "coverage", unit: "share", doc: "Cases of interest inside the box over all cases of interest."),
            ColumnDoc(name: "density", unit: "share", doc: "Cases of interest inside the box over all cases inside it."),
            ColumnDoc(name: "mass", unit: "share", doc: "Cases inside the box over all cases."),
            ColumnDoc(name: "cases", unit: "count", doc: "Runs inside the box."),
            ColumnDoc(name: "cases_of_interest", unit: "count", doc: "Runs inside the box where the condition holds."),
            ColumnDoc(name: "restricted_dimensions", unit: "count", doc: "Parameters whose range the box narrows."),
            ColumnDoc(name: "parameter", unit: "", doc: "A restricted parameter's path, as in `points.csv`; empty when none is restricted."),
            ColumnDoc(name: "lower", unit: "as the key",
                      doc: "The box's lower limit on the parameter (the smallest value over the cases when not restricted "
                        + "there); a peeled limit lies midway between two values the sweep took."),
            ColumnDoc(name: "upper", unit: "as the key", doc: "The box's upper limit on the parameter."),
            ColumnDoc(name: "qp_lower", unit: "probability",
                      doc: "Quasi-p-value of the lower limit: the one-sided binomial probability of at least `cases_of_interest` "
                        + "among `cases` were the density that of the box with this limit removed (EMA Workbench's "
                        + "`calculate_qp`); small values say the limit matters. Empty when the lower limit does not restrict."),
            ColumnDoc(name: "qp_upper", unit: "probability", doc: "Quasi-p-value of the upper limit, as `qp_lower`."),
        ],
        hasTierPatterns: false)

    /// `robustness.csv` (sweeps with `levers` and `uncertainties`).
    public static let robustness = FileDoc(
        file: "robustness.csv",
        summary: "Written by an unsharded `suanli sweep` and by `suanli merge` when the sweep file splits its parameters "
            + "into `levers` (a firm's own choices) and `uncertainties` (the world): every combination of the levers' values "
            + "runs against the same worlds, with common random numbers. For the sweep file's `robustness` outcome, one row "
            + "per combination, over the worlds, each world's outcome its mean over the replications: the mean, the 10th "
            + "and 90th percentiles and the worst; the regret — in each world, how far the combination falls short of the "
            + "best combination there — as a mean, with a 95% Monte Carlo interval, and a 90th percentile; and the share "
            + "of worlds meeting the threshold (satisficing). Regret from estimated means is biased upward: the best of "
            + "several noisy means overstates the best true mean, so a small regret whose interval reaches 0 is no regret "
            + "that the replications can tell apart.",
        rowOrder: "combination (the levers' values in grid order, the first lever varying slowest).",
        columns: [
            ColumnDoc(name: "combination", unit: "", doc: "Index of the combination, from 0: its points are combination × worlds + world."),
            ColumnDoc(name: "<lever path>", unit: "as the key", doc: "One column per lever, in the sweep file's order: its value in this combination."),
            ColumnDoc(name: "outcome", unit: "", doc: "The outcome measured, `KIND[NAME].METRIC` (`robustness.outcome`)."),
            ColumnDoc(name: "direction", unit: "", doc: "`maximize` or `minimize`: which way the outcome is good."),
            ColumnDoc(name: "threshold", unit: "as the outcome", doc: "The level a world's outcome must reach (maximize: ≥; minimize: ≤) to satisfice."),
            ColumnDoc(name: "mean", unit: "as the outcome", doc: "Mean over the worlds of the world's outcome (its mean over replications)."),
            ColumnDoc(name: "p10", unit: "as the outcome", doc: "10th percentile over the worlds (GSL's quantile)."),
            ColumnDoc(name: "p90", unit: "as the outcome", doc: "90th percentile over the worlds."),
            ColumnDoc(name: "worst", unit: "as the outcome", doc: "The worst world's outcome: the lowest when maximizing, the highest when minimizing."),
            ColumnDoc(name: "regret_mean", unit: "as the outcome",
                      doc: "Mean over the worlds of the regret: the best combination's outcome in that world minus this one's "
                        + "(reversed when minimizing), ≥ 0; 0 for a combination that is best in every world."),
            ColumnDoc(name: "regret_mean_ci95_low", unit: "as the outcome",
                      doc: "Lower end of the 95% percentile-bootstrap interval of `regret_mean`: each world's replications "
                        + "resampled, the same draw for every combination (1,000 resamples)."),
            ColumnDoc(name: "regret_mean_ci95_high", unit: "as the outcome", doc: "Upper end of that interval."),
            ColumnDoc(name: "regret_p90", unit: "as the outcome", doc: "90th percentile of the regret over the worlds."),
            ColumnDoc(name: "satisficing", unit: "share", doc: "Share of the worlds whose outcome meets the threshold."),
            ColumnDoc(name: "best_share", unit: "share", doc: "Share of the worlds where this combination is the best (ties count for each)."),
            ColumnDoc(name: "worlds", unit: "count", doc: "Worlds: the points of the uncertainties' design."),
            ColumnDoc(name: "replications", unit: "count", doc: "Replications per (combination, world)."),
        ],
        hasTierPatterns: false)
}
