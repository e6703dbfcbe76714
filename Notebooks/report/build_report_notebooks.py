"""Writes the report notebooks of this folder (run: ../../.venv/bin/python build_report_notebooks.py).

`suanli report DIR` executes one of them on a results folder and exports it as one HTML page with the code
hidden (render_report.py): report-run.ipynb for `suanli run`, report-compare.ipynb for `suanli compare`,
report-sweep.ipynb for `suanli sweep`, report-calibration.ipynb for `suanli calibrate`. Each reads the folder's CSVs and manifest.json only (columns:
../../Results/README.md) and never re-implements the model: every estimate, interval and percentile shown is
one the folder already holds. Figures are shown as PNG outputs (so the page embeds them as data: URIs).

The .ipynb files are committed without outputs; edit the cells here and regenerate.
"""
import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

SETUP = '''import io, json, os
os.environ.setdefault("MPLBACKEND", "Agg")
import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt
import pandas as pd
from pathlib import Path
from IPython.display import HTML, Image, Markdown, display

RESULTS = Path(results_dir)
MANIFEST = json.loads((RESULTS / "manifest.json").read_text())
POINTS = MANIFEST.get("points", [])
REPLICATIONS = MANIFEST.get("replications")
SEED = (MANIFEST.get("seed_plan") or {}).get("master_seed")
pd.set_option("display.max_colwidth", 80)

def read(name):
    """One CSV of the results folder; empty fields become NaN, months stay text (YYYY-MM)."""
    return pd.read_csv(RESULTS / name, keep_default_na=False, na_values=[""],
                       dtype={"month": str, "exit_month": str, "entry_month": str, "template": str,
                              "entity": str, "scenario": str})

def month_ts(series):
    return pd.PeriodIndex(series, freq="M").to_timestamp()

def num(x, digits=2):
    """A number for a table: '–' when undefined, thousands as k/M/B for large magnitudes."""
    if x is None or pd.isna(x):
        return "–"
    x = float(x)
    for unit, size, from_ in (("B", 1e9, 1e9), ("M", 1e6, 1e6), ("k", 1e3, 1e4)):
        if abs(x) >= from_:
            return f"{x / size:,.{max(digits - 1, 0)}f}{unit}"
    text = f"{x:,.{digits}f}"
    return text[1:] if text.startswith("-") and float(text.replace(",", "")) == 0 else text  # no "-0.00"

def interval(est, lo, hi, digits=2):
    """'0.88 [0.80, 0.93]'; without an interval only the estimate."""
    if est is None or pd.isna(est):
        return "–"
    if pd.isna(lo) or pd.isna(hi):
        return num(est, digits)
    return f"{num(est, digits)} [{num(lo, digits)}, {num(hi, digits)}]"

def table(df, caption=None):
    """A table of the page (index dropped, '–' for missing values)."""
    html = df.to_html(index=False, na_rep="–", escape=True, border=0, classes="suanli-table")
    if caption:
        display(Markdown(caption))
    display(HTML(html))

def figure(fig):
    """Shows a figure as a PNG output (embedded in the exported page as a data: URI) and closes it."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=100, bbox_inches="tight")
    plt.close(fig)
    display(Image(data=buf.getvalue(), format="png"))

def empty_figure(ax, text):
    ax.text(0.5, 0.5, text, ha="center", va="center", transform=ax.transAxes)
    ax.set_axis_off()

def panels(n, ncols=3, width=4.2, height=2.8, sharey=True, sharex=True):
    """A grid of n small panels; the spare ones hidden."""
    ncols = max(1, min(ncols, n))
    nrows = -(-n // ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(width * ncols, height * nrows), squeeze=False,
                             sharex=sharex, sharey=sharey)
    flat = list(axes.flat)
    for ax in flat[n:]:
        ax.set_axis_off()
    return fig, flat[:n]

def summary_rows(summary, kind, metric, point=None):
    """Rows of summary.csv for one kind and metric (one point if given), keyed by entity."""
    s = summary[(summary["kind"] == kind) & (summary["metric"] == metric)]
    if point is not None:
        s = s[s["point"] == point]
    return s

def price_fan(summary, point):
    """The price index fan of summary.csv (market rows): per entity and month, p05/p50/p95 over replications."""
    s = summary[(summary["kind"] == "market") & (summary["metric"] == "price_index") & (summary["point"] == point)].copy()
    s = s.dropna(subset=["month"])
    s["date"] = month_ts(s["month"])
    return s

def describe_point(p):
    path = p.get("path") or "?"
    over = p.get("overrides") or []
    return f"`{path}`" + (f" with `{'`, `'.join(over)}`" if over else "")
'''

STYLE_NOTE = ("<small>Intervals are 95%: Wilson for shares, Student t for means; percentiles over replications. "
              "Columns and their units: `Results/README.md`.</small>")


def params(results):
    return new_code_cell(
        '# Parameters (papermill: -p results_dir DIR). A relative path is relative to Notebooks/report/.\n'
        f'results_dir = "{results}"',
        metadata={"tags": ["parameters"]})


def notebook(title, results, cells):
    nb = new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.metadata["language_info"] = {"name": "python"}
    intro = new_markdown_cell(title, metadata={"tags": ["remove-from-report"]})  # about the notebook, not the results
    nb.cells = [intro, params(results), new_code_cell(SETUP)]
    for kind, src, *tags in cells:
        cell = new_markdown_cell(src) if kind == "md" else new_code_cell(src)
        if tags:
            cell.metadata["tags"] = list(tags)
        nb.cells.append(cell)
    return nb


M, C = "md", "code"

# --- a run -------------------------------------------------------------------------------------------------

RUN_TITLE = '''point = POINTS[0] if POINTS else {}
TITLE = f"Suanli report · {point.get('scenario', RESULTS.name)}"
display(Markdown(f"# {TITLE}"))
display(Markdown(
    f"A run of {describe_point(point)}: {REPLICATIONS} replications, master seed {SEED}, "
    f"{point.get('start', '?')} + {point.get('horizon_months', '?')} months; "
    f"intervals: {point.get('interval_kind', 'Monte Carlo')}. "
    f"Results folder `{RESULTS.name}` (suanli {MANIFEST.get('version', '?')}, "
    f"revision {str((MANIFEST.get('runtime') or {}).get('git_revision', '?'))[:10]})."))'''

RUN_HEADLINE = '''summary = read("summary.csv")
outcomes = read("outcomes.csv")
models = outcomes.drop_duplicates("firm").set_index("firm")["business_model"]

def by_entity(kind, metric):
    return summary_rows(summary, kind, metric, point=0).set_index("entity")

surv, prof = by_entity("firm", "p_survive"), by_entity("firm", "p_profitable_final_year")
median = by_entity("firm", "median_exit_month")
def main_share(prefix):
    """The most frequent exit reason or driver of an entity, from its `<prefix><name>` share rows."""
    metrics = [m for m in summary["metric"].unique() if m.startswith(prefix)]
    def main(kind, entity):
        shares = {m[len(prefix):]: by_entity(kind, m)["estimate"].get(entity) for m in metrics}
        shares = {k: v for k, v in shares.items() if v is not None and not pd.isna(v) and v > 0}
        return max(shares, key=shares.get) if shares else "–"
    return main

main_reason, main_driver = main_share("exit_share_"), main_share("exit_driver_share_")

rows = []
for firm in surv.index:
    r = surv.loc[firm]
    m = median.loc[firm] if firm in median.index else None
    rows.append({
        "firm": firm,
        "model": models.get(firm, "–"),
        "P(survive) [95% CI]": interval(r["estimate"], r["ci95_low"], r["ci95_high"]),
        "P(profit final yr)": num(prof["estimate"].get(firm)),
        "main exit": main_reason("firm", firm),
        "main driver": main_driver("firm", firm),
        "median exit": m["month"] if m is not None and isinstance(m["month"], str) else "> horizon",
    })
table(pd.DataFrame(rows), "## Who survives\\nFirms present at the start, in scenario order.")

tsurv = by_entity("template", "p_survive")
if len(tsurv):
    entries = by_entity("template", "entries")
    trows = [{
        "entrant template": t,
        "entrants per replication": num(entries["estimate"].get(t)),
        "P(survive | entered) [95% CI]": interval(tsurv.loc[t, "estimate"], tsurv.loc[t, "ci95_low"], tsurv.loc[t, "ci95_high"]),
        "main exit": main_reason("template", t),
        "main driver": main_driver("template", t),
    } for t in tsurv.index]
    table(pd.DataFrame(trows), "Entrants, pooled by template over all replications.")'''

RUN_SURVIVAL = '''survival = read("survival.csv")
survival = survival[survival["point"] == 0].copy()
survival["date"] = month_ts(survival["month"])
entities = list(dict.fromkeys(zip(survival["entity_kind"], survival["entity"])))
display(Markdown("## Survival\\nS(t), the share of replications in which the firm is still active at the end of "
                 "month t (entrant templates: of the entrants that entered by then), with its 95% Wilson band "
                 "(`survival.csv`)."))
fig, axes = panels(max(1, len(entities)), ncols=3)
for ax, (kind, entity) in zip(axes, entities):
    g = survival[(survival["entity_kind"] == kind) & (survival["entity"] == entity)]
    colour = "tab:orange" if kind == "template" else "tab:blue"
    ax.fill_between(g["date"], g["survival_ci95_low"], g["survival_ci95_high"], step="post", alpha=0.2, color=colour)
    ax.step(g["date"], g["survival"], where="post", color=colour)
    ax.set_ylim(-0.02, 1.02)
    ax.set_title(entity + (" (entrant template)" if kind == "template" else ""), fontsize=9)
    ax.tick_params(labelsize=7)
if not entities:
    empty_figure(axes[0], "no survival curves in these results")
figure(fig)'''

RUN_FAN = '''fan = price_fan(summary, 0)
entities = list(dict.fromkeys(fan["entity"]))
display(Markdown("## Prices\\nThe price index per accelerator-hour by tier: median and 5–95% band over "
                 "replications (`summary.csv`, market rows)."))
fig, axes = panels(max(1, len(entities)), ncols=2, width=5.5, height=3.0, sharey=False)
for ax, entity in zip(axes, entities):
    g = fan[fan["entity"] == entity]
    ax.fill_between(g["date"], g["p05"], g["p95"], alpha=0.25, color="tab:blue", label="5–95%")
    ax.plot(g["date"], g["p50"], color="tab:blue", label="median")
    ax.set_title(f"price index — {entity}", fontsize=10); ax.tick_params(labelsize=8)
    ax.legend(fontsize=7)
if not entities:
    empty_figure(axes[0], "no price index in these results")
figure(fig)'''

RUN_USED = '''used = summary_rows(summary, "market", "used_price", 0).dropna(subset=["month"]).copy()
used["date"] = month_ts(used["month"])
used = used[used["entity"] != "all"]
fleet = read("fleet_monthly.csv") if (RESULTS / "fleet_monthly.csv").exists() else pd.DataFrame()
tiers = list(dict.fromkeys(list(used["entity"]) + (list(fleet["tier"]) if len(fleet) else [])))
display(Markdown("## The used market and where the accelerators are\\nLeft: the used price of a unit of the "
                 "reference age by tier, median and 5–95% band over replications (`summary.csv`). Right: the "
                 "tier's units at month end by place (at firms, in transit, for sale in the used market), the "
                 "mean over replications (`fleet_monthly.csv`)."))
fig, axes = panels(max(1, 2 * len(tiers)), ncols=2, width=5.5, height=2.8, sharey=False)
for k, tier in enumerate(tiers):
    ax = axes[2 * k]
    g = used[used["entity"] == tier]
    if len(g):
        ax.fill_between(g["date"], g["p05"], g["p95"], alpha=0.25, color="tab:green", label="5–95%")
        ax.plot(g["date"], g["p50"], color="tab:green", label="median")
        ax.legend(fontsize=7)
    ax.set_title(f"used price — {tier}", fontsize=10); ax.tick_params(labelsize=8)
    ax = axes[2 * k + 1]
    f = fleet[fleet["tier"] == tier].copy() if len(fleet) else pd.DataFrame()
    if len(f):
        f["date"] = month_ts(f["month"])
        m = f.groupby("date")[["at_firms", "in_transit", "used_inventory"]].mean()
        ax.stackplot(m.index, m["at_firms"], m["in_transit"], m["used_inventory"],
                     labels=["at firms", "in transit", "for sale"], alpha=0.8)
        ax.legend(fontsize=7, loc="upper left")
    else:
        empty_figure(ax, "no fleet_monthly.csv in these results")
    ax.set_title(f"units by place — {tier}", fontsize=10); ax.tick_params(labelsize=8)
if not tiers:
    empty_figure(axes[0], "no used prices in these results")
figure(fig)'''

RUN_EXITS = '''out = read("outcomes.csv")
exits = out[out["survived"].astype(str).str.lower() == "false"].copy()
display(Markdown("## Why firms exit, and when\\nExits of every firm and entrant over all replications by exit "
                 "month (`outcomes.csv`): left by reason (which test the firm failed), right by driver (the part "
                 "of its cash flow that fell furthest short of the plan it invested on: chips, data centres, "
                 "price, debt or tenants' defaults)."))
fig, axes = panels(2, ncols=2, width=6.0, height=3.0, sharey=True)
for ax, column, title in [(axes[0], "exit_reason", "exits by reason"), (axes[1], "exit_driver", "exits by driver")]:
    if len(exits) and column in exits.columns:
        counts = exits.groupby(["exit_month", column]).size().unstack(fill_value=0).sort_index()
        bottom = None
        for name in counts.columns:
            ax.bar(month_ts(pd.Series(counts.index)), counts[name], width=25, bottom=bottom, label=name)
            bottom = counts[name] if bottom is None else bottom + counts[name]
        ax.legend(fontsize=7)
    else:
        empty_figure(ax, "no exits in these results")
    ax.set_title(title, fontsize=10); ax.tick_params(labelsize=8)
figure(fig)'''

RUN_FIRMS = '''firms_path = RESULTS / "firms_monthly.csv"
display(Markdown("## Each firm's cash, debt and fleet\\nFor each firm present at the start: cash and debt at "
                 "month end, and the units it owns (installed and waiting for power, every tier), the median "
                 "and 5–95% band over replications, counting the replications in which it is still in the "
                 "market (`firms_monthly.csv`; a firm that has exited stops adding to its band)."))
if firms_path.exists():
    fm = read("firms_monthly.csv")
    fm = fm[(fm["point"] == 0) & (fm["status"] == "active")].copy()
    template = outcomes["template"].fillna("").astype(str)
    starters = list(dict.fromkeys(outcomes.loc[template == "", "firm"]))
    unit_cols = [c for c in fm.columns if c.startswith(("units_", "unpowered_"))]   # installed and waiting for power
    fm["fleet"] = fm[unit_cols].sum(axis=1) if unit_cols else 0
    fm["date"] = month_ts(fm["month"])
    firms = [f for f in starters if f in set(fm["firm"])]
    fig, axes = panels(max(1, 3 * len(firms)), ncols=3, width=4.2, height=2.3, sharey=False)
    for k, firm in enumerate(firms):
        g = fm[fm["firm"] == firm]
        for i, (column, label, scale) in enumerate([("cash_end", "cash", 1e6), ("debt", "debt", 1e6), ("fleet", "units owned", 1)]):
            ax = axes[3 * k + i]
            q = g.groupby("date")[column].quantile([0.05, 0.5, 0.95]).unstack() / scale
            ax.fill_between(q.index, q[0.05], q[0.95], alpha=0.25, color="tab:blue")
            ax.plot(q.index, q[0.5], color="tab:blue")
            unit = "" if scale == 1 else " (millions)"
            ax.set_title(f"{firm}: {label}{unit}", fontsize=9); ax.tick_params(labelsize=7)
    if not firms:
        empty_figure(axes[0], "no firm present at the start in these results")
    figure(fig)
else:
    display(Markdown("_No `firms_monthly.csv` in these results._"))'''


RUN_NOTE = '''display(Markdown(STYLE_NOTE))'''

nb_run = notebook("""# Report · a run

The page `suanli report` makes of a `suanli run` folder: who survives (P(survive) with its 95% interval,
the main exit reason and driver), survival curves, exits by reason and driver over time, each firm's cash, debt
and fleet (median and band), the price fan chart, the used price and each tier's units by place. It reads
`summary.csv`, `survival.csv`, `outcomes.csv`, `firms_monthly.csv`, `fleet_monthly.csv` and `manifest.json`
only.""", "../../Results/examples/baseline", [
    (C, RUN_TITLE, "report-title"),
    (C, RUN_HEADLINE),
    (C, RUN_SURVIVAL),
    (C, RUN_EXITS),
    (C, RUN_FIRMS),
    (C, RUN_FAN),
    (C, RUN_USED),
    (C, RUN_NOTE),
])

# --- a comparison ------------------------------------------------------------------------------------------

CMP_TITLE = '''base = POINTS[0] if POINTS else {}
variant = POINTS[1] if len(POINTS) > 1 else {}
TITLE = f"Suanli report · {variant.get('scenario', '?')} against {base.get('scenario', '?')}"
display(Markdown(f"# {TITLE}"))
display(Markdown(
    f"A comparison with common random numbers: base {describe_point(base)} (point 0), variant "
    f"{describe_point(variant)} (point 1); {REPLICATIONS} replications each, master seed {SEED}, "
    f"{base.get('start', '?')} + {base.get('horizon_months', '?')} months. A difference is the mean of the "
    f"paired differences variant − base over replications, with its 95% t-interval. "
    f"Results folder `{RESULTS.name}` (suanli {MANIFEST.get('version', '?')})."))'''

CMP_HEADLINE = '''cmp = read("compare.csv")
cmp["settled"] = cmp["sign_settled"].astype(str).str.lower().eq("true")
def diff_text(r):
    return interval(r["diff"], r["diff_ci95_low"], r["diff_ci95_high"])

ps = cmp[(cmp["entity_kind"] == "firm") & (cmp["metric"] == "p_survive")]
table(pd.DataFrame({
    "firm": ps["entity"],
    "P(survive) base": ps["base"].map(num),
    "P(survive) variant": ps["variant"].map(num),
    "difference [95% CI]": [diff_text(r) for _, r in ps.iterrows()],
    "sign settled": ps["settled"].map({True: "yes", False: "no"}),
}), "## Who survives\\nP(survive) of each firm present at the start in both scenarios, and the paired difference.")

# Largest paired differences: settled signs first, then by size relative to the base value.
scale = cmp["base"].abs().where(cmp["base"].abs() > 0)
cmp["relative"] = (cmp["diff"] / scale).abs()
moved = cmp[cmp["diff"].notna() & (cmp["diff"] != 0)].copy()
moved["order"] = moved["relative"].fillna(moved["diff"].abs())
moved = moved.sort_values(["settled", "order"], ascending=[False, False]).head(top)
table(pd.DataFrame({
    "kind": moved["entity_kind"], "entity": moved["entity"], "metric": moved["metric"],
    "base": moved["base"].map(num), "variant": moved["variant"].map(num),
    "difference [95% CI]": [diff_text(r) for _, r in moved.iterrows()],
    "relative": moved["relative"].map(lambda x: "–" if pd.isna(x) else f"{x:.0%}"),
    "sign settled": moved["settled"].map({True: "yes", False: "no"}),
}) if len(moved) else pd.DataFrame({"": ["no metric differs between the two scenarios"]}),
      f"## Largest paired differences\\nThe {top} largest changes in `compare.csv`: those whose interval excludes 0 "
      "first, each group by |difference| relative to the base value.")'''

CMP_SURVIVAL = '''survival = read("survival.csv")
survival["date"] = month_ts(survival["month"])
names = {p.get("point"): p.get("scenario") for p in POINTS}
entities = list(dict.fromkeys(zip(survival["entity_kind"], survival["entity"])))
display(Markdown("## Survival\\nS(t) of each firm and entrant template in the base (solid) and the variant (dashed), "
                 "with 95% Wilson bands (`survival.csv`)."))
fig, axes = panels(max(1, len(entities)), ncols=3)
for ax, (kind, entity) in zip(axes, entities):
    for pt, style, colour in ((0, "-", "tab:blue"), (1, "--", "tab:red")):
        g = survival[(survival["entity_kind"] == kind) & (survival["entity"] == entity) & (survival["point"] == pt)]
        if len(g):
            ax.step(g["date"], g["survival"], where="post", ls=style, color=colour, label=names.get(pt, f"point {pt}"))
            ax.fill_between(g["date"], g["survival_ci95_low"], g["survival_ci95_high"], step="post", alpha=0.1, color=colour)
    ax.set_ylim(-0.02, 1.02)
    ax.set_title(entity + (" (template)" if kind == "template" else ""), fontsize=9)
    ax.tick_params(labelsize=7)
if entities:
    axes[0].legend(fontsize=7, loc="lower left")
else:
    empty_figure(axes[0], "no survival curves in these results")
figure(fig)'''

CMP_FAN = '''summary = read("summary.csv")
fans = {pt: price_fan(summary, pt) for pt in (0, 1)}
entities = list(dict.fromkeys(list(fans[0]["entity"]) + list(fans[1]["entity"])))
display(Markdown("## Prices\\nThe price index per accelerator-hour by tier in both scenarios: median and 5–95% band "
                 "over replications (`summary.csv`, market rows)."))
fig, axes = panels(max(1, len(entities)), ncols=2, width=5.5, height=3.0, sharey=False)
for ax, entity in zip(axes, entities):
    for pt, colour in ((0, "tab:blue"), (1, "tab:red")):
        g = fans[pt][fans[pt]["entity"] == entity]
        if len(g):
            ax.fill_between(g["date"], g["p05"], g["p95"], alpha=0.2, color=colour)
            ax.plot(g["date"], g["p50"], color=colour, label=f"{names.get(pt, pt)} (median, 5–95%)")
    ax.set_title(f"price index — {entity}", fontsize=10); ax.tick_params(labelsize=8)
    ax.legend(fontsize=7)
if not entities:
    empty_figure(axes[0], "no price index in these results")
figure(fig)'''

nb_compare = notebook("""# Report · a comparison

The page `suanli report` makes of a `suanli compare` folder: P(survive) in both scenarios with the paired
difference, the largest paired differences of `compare.csv`, survival curves and price fans of both.""",
    "../../Results/examples/compare-export-ban-h20", [
    (C, CMP_TITLE, "report-title"),
    (C, "top = 15  # rows of the largest-differences table"),
    (C, CMP_HEADLINE),
    (C, CMP_SURVIVAL),
    (C, CMP_FAN),
    (C, RUN_NOTE),
])

# --- a sweep -----------------------------------------------------------------------------------------------

SWEEP_TITLE = '''sweep = MANIFEST.get("sweep") or {}
TITLE = f"Suanli report · sweep {sweep.get('name', RESULTS.name)}"
display(Markdown(f"# {TITLE}"))
parameters = sweep.get("parameters") or []
shard = f" (shard {sweep['shard']} of {sweep['shards']})" if "shard" in sweep else ""
display(Markdown(
    f"A {sweep.get('design', '?')} sweep{shard} of `{sweep.get('base', '?')}` over {len(parameters)} parameter(s) "
    f"({', '.join(f'`{p}`' for p in parameters)}): {len(POINTS)} point(s) in this folder, {REPLICATIONS} replications "
    f"each, master seed {SEED}. Results folder `{RESULTS.name}` (suanli {MANIFEST.get('version', '?')})."))'''

SWEEP_HEADLINE = '''# parameter values exactly as passed to --set (text, not re-formatted floats)
points = pd.read_csv(RESULTS / "points.csv", dtype=str, keep_default_na=False)
points["point"] = points["point"].astype(int)
summary = read("summary.csv")
display(Markdown("## Sensitivity\\nFor each outcome, the standardised regression coefficient (SRC) of every "
                 "parameter, largest |SRC| first, with its 95% interval (`sensitivity.csv`), and beside it the "
                 "partial rank correlation coefficient (PRCC): SRC measures straight-line effects, PRCC any "
                 "effect that only goes one way, curved or not; neither sees one that rises and then falls."))
if (RESULTS / "sensitivity.csv").exists():
    sens = read("sensitivity.csv")
    ranked = sens.dropna(subset=["src"]).copy()
    ranked["size"] = ranked["src"].abs()
    ranked = ranked.sort_values(["size", "rank"], ascending=[False, True]).head(top)
    if len(ranked):
        table(pd.DataFrame({
            "outcome": ranked["entity"] + " · " + ranked["metric"],
            "parameter": ranked["parameter"],
            "SRC [95% CI]": [interval(r["src"], r["src_ci95_low"], r["src_ci95_high"]) for _, r in ranked.iterrows()],
            "PRCC [95% CI]": [interval(r["prcc"], r["prcc_ci95_low"], r["prcc_ci95_high"])
                              for _, r in ranked.iterrows()],
            "rank in outcome": ranked["rank"].map(lambda x: "–" if pd.isna(x) else str(int(x))),
            "runs": ranked["runs"],
        }))
    else:
        display(Markdown("No outcome varies across the runs of this sweep, so no coefficient is defined "
                         f"({len(sens)} rows in `sensitivity.csv`, all empty)."))
else:
    display(Markdown("This folder has no `sensitivity.csv` (a shard: merge the shards with `suanli merge` for it)."))'''

SWEEP_POINTS = '''ps = summary_rows(summary, "firm", "p_survive")
firms = list(dict.fromkeys(ps["entity"]))
wide = points.copy()
for firm in firms:
    col = ps[ps["entity"] == firm].set_index("point")
    wide[firm] = [num(col["estimate"].get(p)) for p in wide["point"]]
shown = wide.head(top_points)
table(shown, f"## Points\\nThe value of each parameter at each point (`points.csv`) and P(survive) of each firm "
             f"there, one column per firm (`summary.csv`, which also holds its Wilson interval)"
             + (f"; the first {top_points} of {len(wide)} points." if len(wide) > top_points else "."))'''

SWEEP_SOBOL = '''import numpy as np

def global_rows(name, value):
    """sobol.csv or morris.csv (None when the folder has none) with `outcome` (a key) and `label` columns; the
    outcomes to draw: each firm's (at most max_firms), then at most max_market_outcomes market outcomes, in file
    order, of those whose `value` is not empty or 0 throughout; and the outcomes that do not vary."""
    if not (RESULTS / name).exists():
        return None, [], []
    t = read(name)
    t["outcome"] = t["entity_kind"] + "/" + t["entity"] + "/" + t["metric"]
    t["label"] = t["entity"] + " · " + t["metric"]
    order = list(dict.fromkeys(zip(t["entity_kind"], t["outcome"])))
    varies = set(t.loc[t[value].fillna(0).abs() > 0, "outcome"])
    drawn = ([o for k, o in order if k == "firm" and o in varies][:max_firms]
             + [o for k, o in order if k != "firm" and o in varies][:max_market_outcomes])
    return t, drawn, [o for _, o in order if o not in varies]

def global_note(t, drawn, flat):
    labels = t.drop_duplicates("outcome").set_index("outcome")["label"]
    more = len(set(t["outcome"])) - len(drawn) - len(flat)
    text = []
    if flat:
        text.append("Not drawn, as they do not vary over the points: " + ", ".join(f"`{labels[o]}`" for o in flat) + ".")
    if more > 0:
        text.append(f"{more} more outcome(s) in the file are not drawn.")
    if text:
        display(Markdown(" ".join(text)))

sobol, drawn, flat = global_rows("sobol.csv", "st")
if sobol is not None:
    display(Markdown(
        "## Sobol indices\\nVariance-based sensitivity (`sobol.csv`, from the sweep's `sobol` design): for each "
        "outcome, its mean over a point's replications varies from point to point, and **S1** (blue) is the share "
        "of that variance a parameter explains on its own, **ST** (orange) the share it explains together with all "
        "its interactions with the other parameters. **ST − S1** is interaction (the parameter's effect depends on "
        "the others' values); an ST near 0 means the parameter could be fixed anywhere in its range without "
        "changing the outcome. Unlike SRC and PRCC these see effects of any shape. Bars are estimates with their "
        "95% bootstrap intervals; S1 can fall a little below 0 by estimation error. The **noise share** is the "
        "share of the variance of the point means that is replication noise: noise no parameter explains inflates "
        "every ST by about that share, so an ST not much above it may be nothing but noise (more replications "
        "tell)."))
    parameters_ = list(dict.fromkeys(sobol["parameter"]))
    if drawn:
        d = sobol[sobol["outcome"].isin(drawn)]
        ends = d[["s1", "st", "s1_ci95_low", "s1_ci95_high", "st_ci95_low", "st_ci95_high"]]
        xlim = (min(0.0, np.nanmin(ends.values)) - 0.05, max(1.0, np.nanmax(ends.values)) + 0.05)
        fig, axes = panels(len(drawn), ncols=3, width=4.4, height=0.5 * len(parameters_) + 1.3, sharex=False)
        ys = np.arange(len(parameters_))
        for ax, o in zip(axes, drawn):
            g = sobol[sobol["outcome"] == o].set_index("parameter").reindex(parameters_)
            for dy, col, colour, name in ((-0.2, "s1", "tab:blue", "S1 (alone)"),
                                          (0.2, "st", "tab:orange", "ST (with interactions)")):
                est = g[col].astype(float)
                err = [(est - g[col + "_ci95_low"]).clip(lower=0).fillna(0),
                       (g[col + "_ci95_high"] - est).clip(lower=0).fillna(0)]
                ax.barh(ys + dy, est, height=0.38, xerr=err, color=colour, ecolor="black", capsize=2,
                        error_kw={"lw": 0.8}, label=name)
            ax.axvline(0, color="black", lw=0.8); ax.axvline(1, color="grey", lw=0.8, ls=":")
            ax.set_yticks(ys); ax.set_yticklabels(parameters_, fontsize=7)
            ax.set_xlim(*xlim); ax.tick_params(axis="x", labelsize=7)
            noise = g["noise_share"].dropna()
            ax.set_title(g["label"].dropna().iloc[0] + (f" (noise share {noise.iloc[0]:.2f})" if len(noise) else ""),
                         fontsize=9)
        axes[0].invert_yaxis()
        fig.tight_layout()
        fig.legend(handles=axes[0].get_legend_handles_labels()[0], loc="upper center", bbox_to_anchor=(0.5, 0.0),
                   ncol=2, fontsize=8)
        figure(fig)
        table(pd.DataFrame({
            "outcome": d["label"], "parameter": d["parameter"],
            "S1 [95% CI]": [interval(r["s1"], r["s1_ci95_low"], r["s1_ci95_high"]) for _, r in d.iterrows()],
            "ST [95% CI]": [interval(r["st"], r["st_ci95_low"], r["st_ci95_high"]) for _, r in d.iterrows()],
            "ST − S1": (d["st"] - d["s1"]).map(num),
            "noise share": d["noise_share"].map(num),
            "base points": d["base_points"],
        }))
        global_note(sobol, drawn, flat)
    else:
        display(Markdown(f"No outcome varies over the points of this sweep, so no index is defined "
                         f"({len(sobol)} rows in `sobol.csv`, all empty or 0)."))'''

SWEEP_MORRIS = '''from matplotlib.lines import Line2D

def morris_plane(ax, g, colours):
    """One outcome's μ*–σ plane: a dot per parameter (hollow, on the axis, where σ is undefined), the 95%
    interval of μ* as a horizontal bar, and the lines σ/μ* = 0.1, 0.5 and 1."""
    g = g[g["mu_star"].notna()]
    xmax = np.nanmax(g[["mu_star", "mu_star_ci95_high"]].values) if len(g) else 0
    xmax = 1.15 * xmax if xmax > 0 else 1.0
    smax = g["sigma"].max() if g["sigma"].notna().any() else 0
    ymax = max(1.2 * smax, 0.6 * xmax)
    for ratio, style in ((0.1, ":"), (0.5, "--"), (1.0, "-")):
        ax.plot([0, xmax], [0, ratio * xmax], color="grey", lw=0.8, ls=style)
        if ratio * xmax <= ymax:   # the line leaves by the right edge: its label just above it, inside
            ax.annotate(f"σ/μ* = {ratio:g}", (xmax, ratio * xmax), xytext=(-2, 2), textcoords="offset points",
                        fontsize=6, color="grey", ha="right", va="bottom")
        else:                      # by the top edge: its label left of it, inside
            ax.annotate(f"σ/μ* = {ratio:g}", (ymax / ratio, ymax), xytext=(-3, -2), textcoords="offset points",
                        fontsize=6, color="grey", ha="right", va="top")
    for r in g.itertuples():
        colour = colours[r.parameter]
        sigma = 0.0 if pd.isna(r.sigma) else r.sigma
        low = 0.0 if pd.isna(r.mu_star_ci95_low) else max(0.0, r.mu_star - r.mu_star_ci95_low)
        high = 0.0 if pd.isna(r.mu_star_ci95_high) else max(0.0, r.mu_star_ci95_high - r.mu_star)
        ax.errorbar([r.mu_star], [sigma], xerr=[[low], [high]], fmt="o", color=colour, capsize=3, markersize=6,
                    mfc="white" if pd.isna(r.sigma) else colour, clip_on=False)
    ax.set_xlim(0, xmax); ax.set_ylim(0, ymax)
    ax.set_xlabel("μ* (mean |elementary effect|)", fontsize=7); ax.set_ylabel("σ", fontsize=7)
    ax.tick_params(labelsize=7)

morris, drawn, flat = global_rows("morris.csv", "mu_star")
if morris is not None:
    display(Markdown(
        "## Morris screening\\nElementary effects (`morris.csv`, from the sweep's `morris` design): along each "
        "trajectory one parameter moves one step at a time, the others held fixed, and the change of the outcome (its "
        "mean over the point's replications), scaled to the parameter's whole range, is an elementary effect. "
        "**μ\\\\*** (mu star), the mean size of a parameter's effects, ranks the parameters by importance; **σ**, their "
        "standard deviation, says how much the effect depends on where it is measured: an effect that is not a "
        "straight line, or that interacts with other parameters. Each panel is one outcome's μ*–σ plane, with the "
        "95% bootstrap interval of μ* as a horizontal bar; the lines σ/μ* = 0.1, 0.5 and 1 (Garcia Sanchez et al. "
        "2014) separate effects that are nearly linear (below 0.1), monotonic (0.1–0.5), almost monotonic (0.5–1) "
        "and non-monotonic or interacting (above 1). Effects are in the outcome's units, so compare parameters "
        "within a panel, not across panels. Replication noise (the **noise share** of the point means' variance) "
        "inflates μ* and σ alike; a hollow dot has no σ (one trajectory)."))
    parameters_ = list(dict.fromkeys(morris["parameter"]))
    colours = {p: f"C{i % 10}" for i, p in enumerate(parameters_)}
    if drawn:
        fig, axes = panels(len(drawn), ncols=3, width=4.2, height=3.4, sharey=False, sharex=False)
        for ax, o in zip(axes, drawn):
            g = morris[morris["outcome"] == o]
            morris_plane(ax, g, colours)
            noise = g["noise_share"].dropna()
            ax.set_title(g["label"].iloc[0] + (f" (noise share {noise.iloc[0]:.2f})" if len(noise) else ""), fontsize=9)
        fig.tight_layout()
        fig.legend(handles=[Line2D([], [], marker="o", ls="", color=colours[p], label=p) for p in parameters_],
                   loc="upper center", bbox_to_anchor=(0.5, 0.0), ncol=min(3, len(parameters_)), fontsize=8)
        figure(fig)
        d = morris[morris["outcome"].isin(drawn)]
        table(pd.DataFrame({
            "outcome": d["label"], "parameter": d["parameter"],
            "μ* [95% CI]": [interval(r["mu_star"], r["mu_star_ci95_low"], r["mu_star_ci95_high"]) for _, r in d.iterrows()],
            "μ": d["mu"].map(num), "σ": d["sigma"].map(num),
            "σ/μ*": (d["sigma"] / d["mu_star"].where(d["mu_star"] > 0)).map(num),
            "noise share": d["noise_share"].map(num),
            "trajectories": d["trajectories"],
        }))
        global_note(morris, drawn, flat)
    else:
        display(Markdown(f"No outcome varies over the points of this sweep: every elementary effect is 0 "
                         f"({len(morris)} rows in `morris.csv`, all empty or 0)."))'''

SWEEP_DISCOVERY = '''from matplotlib.lines import Line2D

def qp_text(q):
    """A quasi-p-value for a label: '–' where that side of the box does not restrict."""
    if q is None or pd.isna(q):
        return "–"
    return "< 0.001" if q < 0.001 else f"{q:.3f}"

def read_boxes():
    """boxes.csv (`suanli discover`): one row per step and restricted parameter; the first outcome's rows only."""
    b = pd.read_csv(RESULTS / "boxes.csv", keep_default_na=False, na_values=[""],
                    dtype={"outcome": str, "phase": str, "parameter": str, "chosen": str})
    b["chosen"] = b["chosen"].str.lower().eq("true")
    outcomes_ = list(dict.fromkeys(b["outcome"]))
    return (b[b["outcome"] == outcomes_[0]] if outcomes_ else b), outcomes_

boxes, box_outcomes = read_boxes() if (RESULTS / "boxes.csv").exists() else (None, [])
if boxes is not None and not box_outcomes:
    display(Markdown("## Scenario discovery\\n`boxes.csv` has no rows."))
elif boxes is not None:
    condition = box_outcomes[0]
    steps = boxes.drop_duplicates("step").set_index("step").sort_index()
    qp_max = boxes.groupby("step")[["qp_lower", "qp_upper"]].max().max(axis=1).reindex(steps.index)
    supported = ~(qp_max > 0.05)   # every restricting limit's qp <= 0.05 (the initial box restricts none)
    chosen_step = steps.index[steps["chosen"]][0] if steps["chosen"].any() else None
    first = steps.iloc[0]
    display(Markdown(
        "## Scenario discovery\\nWhere in the swept ranges does `" + condition + "` hold? Each run of the sweep "
        f"(a point and a replication) is a case, and {int(first['cases_of_interest'])} of the {int(first['cases'])} "
        f"runs ({first['cases_of_interest'] / first['cases']:.0%}) are of interest, the condition holding in them "
        "(`boxes.csv`, from `suanli discover`). PRIM, the Patient Rule Induction Method (Friedman & Fisher 1999), "
        "looks for a simple region, a *box* with a lower and an upper limit on some parameters, where those runs "
        "concentrate: it starts from the whole swept range and peels off a thin slice (5% of the runs inside by default) at "
        "whichever limit raises the share of runs of interest most, again and again, then pastes slices back "
        "while that still helps. Two numbers describe each box: **coverage**, the share of all the runs of "
        "interest that lie inside it (how much of the story the box tells), and **density**, the share of the "
        "runs inside that are of interest (how reliably the condition holds there); **mass** is the share of all "
        "runs inside. Peeling trades coverage for density. The box reported is the densest one with coverage at "
        "least the minimum (0.5 unless `--min-coverage` set another) whose every limit has a **quasi-p-value** "
        "≤ 0.05 (`--max-qp`): the chance of a density this high inside were that limit dropped, so a small one says "
        "the limit does real work. Read the box as \\"with these parameters inside these limits, the condition "
        "held in this share of the runs\\": a region to watch and to test with more runs, not a forecast; a limit "
        "at the end of a swept range says only that the sweep did not look beyond it."
        + (f" (`boxes.csv` also holds {len(box_outcomes) - 1} other outcome(s); this section shows the first.)"
           if len(box_outcomes) > 1 else "")))

    ranges = {}
    for p in dict.fromkeys(boxes["parameter"].dropna()):
        values = pd.to_numeric(points[p], errors="coerce") if p in points.columns else pd.Series(dtype=float)
        ranges[p] = (values.min(), values.max()) if values.notna().any() else \\
            (boxes.loc[boxes["parameter"] == p, "lower"].min(), boxes.loc[boxes["parameter"] == p, "upper"].max())
    box = boxes[boxes["step"] == chosen_step].dropna(subset=["parameter"]) if chosen_step is not None else boxes.iloc[:0]

    fig = plt.figure(figsize=(12.5 if len(box) else 6.5, max(4.2, 0.75 * len(box) + 2.2)))
    grid = fig.add_gridspec(1, 2, width_ratios=[1, 1.05], wspace=0.75) if len(box) else fig.add_gridspec(1, 1)
    ax = fig.add_subplot(grid[0])
    dims = sorted(steps["restricted_dimensions"].unique())
    colours = {d: plt.get_cmap("viridis")(i / max(1, len(dims) - 1)) for i, d in enumerate(dims)}
    ax.plot(steps["coverage"], steps["density"], color="grey", lw=0.8, zorder=1)
    for d in dims:
        s = steps[steps["restricted_dimensions"] == d]
        ok = supported.reindex(s.index)
        ax.scatter(s.loc[ok, "coverage"], s.loc[ok, "density"], color=colours[d], s=28, zorder=2, edgecolor="black", lw=0.3)
        ax.scatter(s.loc[~ok, "coverage"], s.loc[~ok, "density"], facecolor="white", edgecolor=colours[d], s=28,
                   zorder=2, lw=1.2)
    ax.axvline(0.5, color="grey", lw=0.8, ls=":")
    handles = [Line2D([], [], marker="o", ls="", color=colours[d], label=f"{d} parameter(s) restricted") for d in dims]
    if not supported.all():
        handles.append(Line2D([], [], marker="o", ls="", mfc="white", mec="grey", label="a limit's qp > 0.05"))
    if chosen_step is not None:
        c = steps.loc[chosen_step]
        ax.scatter([c["coverage"]], [c["density"]], s=180, facecolor="none", edgecolor="tab:red", lw=2, zorder=3)
        ax.annotate(f"chosen: step {chosen_step}\\ncoverage {c['coverage']:.2f}, density {c['density']:.2f}",
                    (c["coverage"], c["density"]), xytext=(-14, -42), textcoords="offset points", fontsize=8, ha="right",
                    color="tab:red", arrowprops={"arrowstyle": "-", "color": "tab:red", "lw": 0.8})
        handles.append(Line2D([], [], marker="o", ls="", mfc="none", mec="tab:red", mew=2, ms=10, label="chosen box"))
    ax.set_xlim(min(0.45, steps["coverage"].min() - 0.05), 1.02)
    ax.set_ylim(0, min(1.02, max(0.1, steps["density"].max() * 1.1)))
    ax.set_xlabel("coverage (share of the runs of interest inside)", fontsize=8)
    ax.set_ylabel("density (share of the runs inside of interest)", fontsize=8)
    ax.tick_params(labelsize=7); ax.legend(handles=handles, fontsize=7, loc="lower left")
    ax.set_title(f"(a) peeling and pasting: {len(steps)} box(es); dotted: coverage 0.5"
                 + ("" if chosen_step is not None else "\\nno box met the rule"), fontsize=9)

    if len(box):
        ax = fig.add_subplot(grid[1])
        ys = range(len(box))
        labels = []
        for y, r in zip(ys, box.itertuples()):
            lo, hi = ranges[r.parameter]
            span = hi - lo if hi > lo else 1.0
            a, b = (min(max((v - lo) / span, 0.0), 1.0) for v in (r.lower, r.upper))
            ax.barh(y, 1.0, left=0.0, height=0.45, color="#e5e5e5")
            ax.barh(y, max(b - a, 0.004), left=a, height=0.45, color="tab:red", alpha=0.75)
            ax.text(1.03, y, f"[{num(r.lower)}, {num(r.upper)}]\\nqp lower {qp_text(r.qp_lower)}, upper {qp_text(r.qp_upper)}",
                    va="center", fontsize=7, transform=ax.get_yaxis_transform())
            labels.append(f"{r.parameter}\\nrange {num(lo)} – {num(hi)}")
        ax.set_yticks(list(ys)); ax.set_yticklabels(labels, fontsize=7)
        ax.set_xlim(0, 1); ax.set_ylim(len(box) - 0.4, -0.6)
        ax.set_xticks([0, 0.5, 1]); ax.set_xticklabels(["range min", "", "range max"], fontsize=7)
        ax.set_title(f"(b) the chosen box (step {chosen_step}) within each parameter's swept range", fontsize=9)
    figure(fig)

    if len(box):
        table(pd.DataFrame({
            "parameter": box["parameter"], "lower": box["lower"].map(num), "upper": box["upper"].map(num),
            "qp lower": box["qp_lower"].map(qp_text), "qp upper": box["qp_upper"].map(qp_text),
        }))
        c = steps.loc[chosen_step]
        display(Markdown(
            f"**Chosen box** (step {chosen_step}, {c['phase']}): coverage {c['coverage']:.2f}, density "
            f"{c['density']:.2f}, mass {c['mass']:.2f}; {int(c['cases_of_interest'])} of the {int(c['cases'])} runs "
            f"inside are of interest. Limits not listed are not restricted; a qp of '–' is a side that does not "
            "restrict (it lies at the end of the swept range)."))
    else:
        display(Markdown(
            "**No box met the rule**: " + (
                "PRIM found no limit worth peeling, so the trajectory is the initial box alone (the whole swept "
                "range, which restricts no parameter)." if len(steps) == 1 else
                f"no box of the trajectory ({len(steps)} boxes) restricts a parameter with coverage at least the "
                "minimum and every limit's quasi-p-value ≤ 0.05. The trajectory above still shows how density and "
                "coverage trade; more runs, or a lower `suanli discover --min-coverage`, may find one.")))'''

SWEEP_SURVIVAL = '''survival = read("survival.csv")
survival = survival[survival["entity_kind"] == "firm"].copy()
survival["date"] = month_ts(survival["month"])
all_points = sorted(survival["point"].unique())
display(Markdown("## Survival\\nS(t) of each firm present at the start, one line per point, coloured by point "
                 "(`survival.csv`); beside them, P(survive) to the horizon per point and firm."))
firms_shown = firms[:max_firms] if firms else list(dict.fromkeys(survival["entity"]))[:max_firms]
cmap = plt.get_cmap("viridis")
fig, axes = panels(max(1, len(firms_shown)), ncols=3)
for ax, firm in zip(axes, firms_shown):
    for i, pt in enumerate(all_points):
        g = survival[(survival["entity"] == firm) & (survival["point"] == pt)]
        ax.step(g["date"], g["survival"], where="post", lw=1,
                color=cmap(i / max(1, len(all_points) - 1)), label=f"point {pt}")
    ax.set_ylim(-0.02, 1.02); ax.set_title(firm, fontsize=9); ax.tick_params(labelsize=7)
if firms_shown and len(all_points) <= 12:
    axes[0].legend(fontsize=6, loc="lower left", ncol=2)
if not firms_shown:
    empty_figure(axes[0], "no survival curves in these results")
figure(fig)

grid = ps.pivot_table(index="entity", columns="point", values="estimate", sort=False)
fig, ax = plt.subplots(figsize=(max(5, 0.45 * grid.shape[1] + 3), max(2.5, 0.4 * grid.shape[0] + 1.5)))
if grid.size:
    im = ax.imshow(grid.values, vmin=0, vmax=1, cmap="RdYlGn", aspect="auto")
    ax.set_yticks(range(grid.shape[0])); ax.set_yticklabels(grid.index, fontsize=8)
    ax.set_xticks(range(grid.shape[1])); ax.set_xticklabels(grid.columns, fontsize=7)
    ax.set_xlabel("point"); fig.colorbar(im, ax=ax, label="P(survive)")
else:
    empty_figure(ax, "no P(survive) in these results")
ax.set_title("P(survive) to the horizon by point")
figure(fig)'''

SWEEP_FAN = '''display(Markdown("## Prices\\nThe price index per accelerator-hour, all tiers: median and 5–95% band over "
                 "replications at each point (`summary.csv`, market rows)"
                 + (f"; {max_fan_points} points spread over the {len(all_points)}." if len(all_points) > max_fan_points else ".")))
chosen = all_points if len(all_points) <= max_fan_points else \\
    [all_points[round(i * (len(all_points) - 1) / (max_fan_points - 1))] for i in range(max_fan_points)]
fig, ax = plt.subplots(figsize=(10, 4.5))
drawn = 0
for i, pt in enumerate(chosen):
    g = price_fan(summary, pt)
    g = g[g["entity"] == "all"]
    if len(g):
        colour = cmap(i / max(1, len(chosen) - 1))
        ax.fill_between(g["date"], g["p05"], g["p95"], alpha=0.12, color=colour)
        ax.plot(g["date"], g["p50"], color=colour, lw=1.2, label=f"point {pt}")
        drawn += 1
if drawn:
    ax.set_ylabel("price / accelerator-hour"); ax.set_title("Price index, all tiers (median, 5–95%)")
    ax.legend(fontsize=7, ncol=2)
else:
    empty_figure(ax, "no price index in these results")
figure(fig)'''

nb_sweep = notebook("""# Report · a sweep

The page `suanli report` makes of a `suanli sweep` folder: the sensitivity ranking (`sensitivity.csv`), Sobol
indices (`sobol.csv`, design `sobol`) or the Morris μ*–σ plane (`morris.csv`, design `morris`) when the folder has
them, scenario discovery (`boxes.csv`, from `suanli discover`: the PRIM trajectory and the chosen box) when it
has one, the points with P(survive) of each firm, survival curves by point and the price fan by point.""",
    "../../Results/examples/sweep-smoke", [
    (C, SWEEP_TITLE, "report-title"),
    (C, "top = 20            # rows of the sensitivity table\ntop_points = 40     # rows of the points table\n"
        "max_firms = 12      # survival panels; firm outcomes in the Sobol and Morris panels\n"
        "max_market_outcomes = 4  # market outcomes in the Sobol and Morris panels\n"
        "max_fan_points = 8  # points in the price fan"),
    (C, SWEEP_HEADLINE),
    (C, SWEEP_SOBOL),
    (C, SWEEP_MORRIS),
    (C, SWEEP_DISCOVERY),
    (C, SWEEP_POINTS),
    (C, SWEEP_SURVIVAL),
    (C, SWEEP_FAN),
    (C, RUN_NOTE),
])

# --- a calibration -----------------------------------------------------------------------------------------

CAL_TITLE = '''cal = MANIFEST.get("calibration") or {}
result = MANIFEST.get("result") or {}
TITLE = f"Suanli report · calibration {cal.get('name', RESULTS.name)}"
display(Markdown(f"# {TITLE}"))
keys = [p.get("path") for p in cal.get("parameters", [])]
display(Markdown(
    f"ABC-SMC of `{cal.get('base', '?')}` against `{cal.get('file', '?')}`: {len(keys)} key(s) fitted to "
    f"{cal.get('fitted_values', '?')} observed value(s) ({cal.get('observed_values', 0) - cal.get('fitted_values', 0)} "
    f"held out); {cal.get('particles', '?')} particles, {cal.get('replications', '?')} run(s) each, seed "
    f"{cal.get('seed', '?')}. Stopped by {result.get('stop', '?')} after {result.get('generations', '?')} "
    f"generation(s) and {result.get('simulations', '?')} simulations; final tolerance "
    f"{num(result.get('final_tolerance'))}, ESS {num(result.get('ess'), 0)}. Results folder `{RESULTS.name}` "
    f"(suanli {MANIFEST.get('version', '?')})."))'''

CAL_POSTERIOR = '''posterior = pd.read_csv(RESULTS / "posterior.csv")
priors = {p.get("path"): p.get("prior") for p in cal.get("parameters", [])}
w = posterior["weight"] / posterior["weight"].sum()
def wq(x, q):
    order = x.argsort()
    c = w.iloc[order].cumsum().values
    return float(x.iloc[order].values[min(len(c) - 1, (c >= q - 1e-12).argmax())])
rows = []
for k in keys:
    x = posterior[k]
    rows.append({"key": k, "prior": priors.get(k, "?"), "mean": num((w * x).sum(), 3),
                 "5%": num(wq(x, 0.05), 3), "median": num(wq(x, 0.5), 3), "95%": num(wq(x, 0.95), 3)})
table(pd.DataFrame(rows), "## Posterior\\nEach fitted key's weighted mean and quantiles over the particles of the last "
                          "finished generation (`posterior.csv`), with its prior.")
fig, axes = panels(max(1, len(keys)), ncols=3, sharey=False)
for ax, k in zip(axes, keys):
    ax.hist(posterior[k], bins=30, weights=w, color="#4c72b0", alpha=0.8)
    ax.set_title(k, fontsize=8); ax.tick_params(labelsize=7)
figure(fig)
if 1 < len(keys) <= max_pairs:
    n = len(keys)
    fig, axes = plt.subplots(n, n, figsize=(2.2 * n, 2.2 * n), squeeze=False)
    for i, a in enumerate(keys):
        for j, b in enumerate(keys):
            ax = axes[i][j]
            if i == j:
                ax.hist(posterior[a], bins=20, weights=w, color="#4c72b0")
            else:
                ax.scatter(posterior[b], posterior[a], s=4 + 400 * w, alpha=0.5, color="#4c72b0")
            ax.tick_params(labelsize=5)
            if j == 0: ax.set_ylabel(a, fontsize=6)
            if i == n - 1: ax.set_xlabel(b, fontsize=6)
    fig.suptitle("Pairs (marker size: weight)", fontsize=9)
    figure(fig)'''

CAL_FIT = '''fit = read("fit.csv")
display(Markdown("## Fit\\nWhat was observed against the posterior predictive: runs over the whole horizon, each "
                 "with a particle drawn by weight (`fit.csv`); median and 5–95% band, held-out values marked."))
names = list(dict.fromkeys(fit["observation"]))
fig, axes = panels(max(1, len(names)), ncols=2, width=5.5, height=3.2, sharey=False)
for ax, name in zip(axes, names):
    g = fit[fit["observation"] == name]
    held = not bool(g["fitted"].astype(str).str.lower().eq("true").all())
    if g["month"].notna().any():
        x = month_ts(g["month"])
        ax.fill_between(x, g["predicted_p05"], g["predicted_p95"], alpha=0.2, color="#4c72b0", label="predictive 5–95%")
        ax.plot(x, g["predicted_p50"], color="#4c72b0", lw=1.2, label="predictive median")
        ax.plot(x, g["observed"], "o", color="#c44e52", ms=3, label="observed" + (" (held out)" if held else ""))
    else:
        ax.errorbar([0], g["predicted_p50"], yerr=[g["predicted_p50"] - g["predicted_p05"], g["predicted_p95"] - g["predicted_p50"]],
                    fmt="s", color="#4c72b0", label="predictive median, 5–95%")
        ax.plot([0], g["observed"], "o", color="#c44e52", label="observed" + (" (held out)" if held else ""))
        ax.set_xticks([])
    ax.set_title(name + (" (held out)" if held else ""), fontsize=9); ax.tick_params(labelsize=7)
    ax.legend(fontsize=6)
figure(fig)
inside = fit["within_90"].astype(str).str.lower().eq("true").sum()
display(Markdown(f"{inside} of {len(fit)} observed values lie inside the predictive 90% band."))
gens = read("generations.csv")
table(gens, "## Generations\\nTolerance, acceptance, effective sample size and simulations of each generation "
            "(`generations.csv`). A low ESS means a few particles carry the posterior: add particles.")'''

nb_calibration = notebook("""# Report · a calibration

The page `suanli report` makes of a `suanli calibrate` folder: the posterior of each fitted key (marginals and
pairs), the fit of the posterior predictive to what was observed (held-out values included) and the generations.""",
    "../../Scenarios/posteriors/global-neocloud-2023", [
    (C, CAL_TITLE, "report-title"),
    (C, "max_pairs = 8       # pairs plot up to this many keys"),
    (C, CAL_POSTERIOR),
    (C, CAL_FIT),
])

SETUP_WITH_NOTE = SETUP + f"\nSTYLE_NOTE = {STYLE_NOTE!r}\n"
for nb in (nb_run, nb_compare, nb_sweep, nb_calibration):
    nb.cells[2] = new_code_cell(SETUP_WITH_NOTE)

if __name__ == "__main__":
    from pathlib import Path
    here = Path(__file__).resolve().parent
    for name, nb in [("report-run", nb_run), ("report-compare", nb_compare), ("report-sweep", nb_sweep),
                     ("report-calibration", nb_calibration)]:
        for i, cell in enumerate(nb.cells):  # stable ids, so regenerating changes nothing that did not change
            cell["id"] = f"{name}-{i:02d}"
        nbformat.validate(nb)
        nbformat.write(nb, here / f"{name}.ipynb")
        print("wrote", name + ".ipynb")
