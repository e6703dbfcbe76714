"""Writes the notebooks of this folder from the cell sources below (run: ../.venv/bin/python build_notebooks.py).

The .ipynb files are committed without outputs; edit here and regenerate, or edit the notebooks and keep
this file in step. Every notebook reads result folders only; none re-implements the model.
"""
import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

SETUP = '''import os
os.environ.setdefault("MPLBACKEND", "Agg")
import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt
import pandas as pd
from pathlib import Path

RESULTS = Path(results_dir)
FIGURES = Path(figures_dir)
FIGURES.mkdir(parents=True, exist_ok=True)

def read(name):
    """One CSV of the results folder; empty fields become NaN, months stay text (YYYY-MM)."""
    return pd.read_csv(RESULTS / name, keep_default_na=False, na_values=[""],
                       dtype={"month": str, "exit_month": str, "entry_month": str, "template": str})

def flag(series):
    """`true`/`false` columns as booleans."""
    return series.astype(str).str.lower().eq("true")

def month_ts(series):
    return pd.PeriodIndex(series, freq="M").to_timestamp()

def save(fig, name):
    path = FIGURES / f"{name}.png"
    fig.savefig(path, dpi=100, bbox_inches="tight")
    plt.close(fig)
    print("saved", path)
'''


def params(results, extra=""):
    return new_code_cell(
        f'# Parameters (papermill: -p results_dir DIR -p figures_dir DIR). Paths are relative to Notebooks/.\n'
        f'results_dir = "{results}"\nfigures_dir = "output/"' + extra,
        metadata={"tags": ["parameters"]})


def notebook(title, results, cells, extra_params=""):
    nb = new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.metadata["language_info"] = {"name": "python"}
    nb.cells = [new_markdown_cell(title), params(results, extra_params), new_code_cell(SETUP)]
    for kind, src in cells:
        nb.cells.append(new_markdown_cell(src) if kind == "md" else new_code_cell(src))
    return nb


M, C = "md", "code"
BASE = "../Results/examples/baseline"

nb01 = notebook("""# 01 · Reading results

A first look at what `suanli run` writes, for students. Every column is described in
`../Results/README.md`; this notebook loads each CSV of one run folder (by default the committed
example `../Results/examples/baseline`, 2 replications of `Scenarios/baseline.yaml` over its first 27
months), says what one row is, and answers a few simple questions step by step with pandas.""", BASE, [
    (M, "## The manifest\n`manifest.json` says what was run: scenario, seed, replications, horizon, tiers."),
    (C, '''import json
manifest = json.loads((RESULTS / "manifest.json").read_text())
points = manifest.get("points", [])
print("replications:", manifest.get("replications"), "| master seed:", manifest.get("master_seed"))
for p in points:
    print("point", p.get("point"), "scenario", p.get("scenario"), "start", p.get("start"), "horizon", p.get("horizon_months"), "months")'''),
    (M, "## Each file and what one row is"),
    (C, '''row_is = {
    "outcomes.csv": "one firm in one replication: its fate (survived / exit month and reason) and money at the end",
    "firms_monthly.csv": "one firm in one month of one replication: cash flow, balance sheet, fleet by tier",
    "market_monthly.csv": "one hardware tier (or 'all') in one month of one replication: prices, demand, capacity",
    "supply_monthly.csv": "one tier and region in one month of one replication: chip supply and lead time",
    "fleet_monthly.csv": "one tier in one month of one replication: where every accelerator is (in transit, at firms, in the used market) and the units identity",
    "survival.csv": "one firm (or entrant template) in one month, over all replications: survival curve",
    "summary.csv": "one entity and metric (and month): estimate with 95% interval over replications",
    "params.csv": "one parameter drawn for one replication (empty when nothing is drawn)",
}
tables = {}
for name, what in row_is.items():
    tables[name] = read(name)
    t = tables[name]
    print(f"{name:20s} {len(t):6d} rows × {t.shape[1]:3d} columns — a row is {what}")'''),
    (C, "tables['outcomes.csv'].head()"),
    (M, "## Question 1: how many firms survive to the horizon, per replication?\n"
        "Step 1: take `outcomes.csv`. Step 2: turn `survived` into booleans. Step 3: count per replication."),
    (C, '''out = tables["outcomes.csv"].copy()
out["survived"] = flag(out["survived"])
per_rep = out.groupby("replication")["survived"].agg(firms="size", survivors="sum")
per_rep'''),
    (M, "## Question 2: which firms exit, when and why?\nSelect the rows with `survived` false."),
    (C, '''exits = out.loc[~out["survived"], ["replication", "firm", "exit_month", "exit_reason", "final_cash", "trailing_utilisation"]]
exits if len(exits) else "no exits in these results"'''),
    (M, "## Question 3: the share of replications in which each firm survives\n"
        "The mean of a boolean column is a share. `summary.csv` holds the same number (`p_survive`) with its Wilson interval."),
    (C, '''share = out.groupby("firm")["survived"].mean().sort_values()
summary = tables["summary.csv"]
p = summary[(summary["metric"] == "p_survive")].set_index("entity")[["estimate", "ci95_low", "ci95_high"]]
share.to_frame("share_survived").join(p, how="left")'''),
    (C, '''fig, ax = plt.subplots(figsize=(7, 4))
share.plot.barh(ax=ax, color="tab:blue")
ax.set_xlabel("share of replications survived"); ax.set_xlim(0, 1)
ax.set_title("Survival to the horizon by firm")
save(fig, "01-survival-share")'''),
    (M, "## Question 4: how does the market price move?\n"
        "`market_monthly.csv`, tier `all`: the average price per accelerator-hour, one line per replication."),
    (C, '''mk = tables["market_monthly.csv"]
allt = mk[mk["tier"] == "all"].copy()
allt["date"] = month_ts(allt["month"])
fig, ax = plt.subplots(figsize=(8, 4))
for (pt, rep), g in allt.groupby(["point", "replication"]):
    ax.plot(g["date"], g["price_index"], lw=1, label=f"point {pt} rep {rep}")
ax.set_ylabel("price index (per accelerator-hour)"); ax.set_title("Price index, all tiers")
ax.legend(fontsize=7)
save(fig, "01-price-index")'''),
    (M, "## Question 5: one firm's cash over time\nPick the first firm of `outcomes.csv` and plot `cash_end` in `firms_monthly.csv`."),
    (C, '''fm = tables["firms_monthly.csv"]
firm = out["firm"].iloc[0]
one = fm[fm["firm"] == firm].copy()
one["date"] = month_ts(one["month"])
fig, ax = plt.subplots(figsize=(8, 4))
for rep, g in one.groupby("replication"):
    ax.plot(g["date"], g["cash_end"] / 1e6, label=f"replication {rep}")
ax.set_ylabel("cash at month end (millions)"); ax.set_title(f"Cash of {firm}"); ax.legend(fontsize=7)
save(fig, "01-cash-one-firm")'''),
])

nb02 = notebook("""# 02 · Who survives

Survival curves per firm and per entrant template with their 95% Wilson bands (`survival.csv`), exit
reasons, their drivers and time to exit (`outcomes.csv`), the cash paths of survivors against those of
firms that exit (`firms_monthly.csv`), and one firm's exit followed end to end.""", BASE, [
    (C, '''surv = read("survival.csv")
surv["date"] = month_ts(surv["month"])
out = read("outcomes.csv")
out["survived"] = flag(out["survived"])
fm = read("firms_monthly.csv")
start = pd.Period(surv["month"].min(), freq="M")
print(len(surv), "survival rows;", surv["entity"].nunique(), "entities;", len(out), "firm-replications")'''),
    (M, "## Survival curves with Wilson bands\nOne panel per kind: firms present at the start, and entrant templates (pooled over replications)."),
    (C, '''kinds = [k for k in ["firm", "template"] if (surv["entity_kind"] == k).any()]
fig, axes = plt.subplots(len(kinds), 1, figsize=(9, 4 * len(kinds)), squeeze=False)
for ax, kind in zip(axes[:, 0], kinds):
    for (pt, ent), g in surv[surv["entity_kind"] == kind].groupby(["point", "entity"]):
        label = ent if surv["point"].nunique() == 1 else f"{ent} (point {pt})"
        line, = ax.step(g["date"], g["survival"], where="post", label=label)
        ax.fill_between(g["date"], g["survival_ci95_low"], g["survival_ci95_high"], step="post",
                        alpha=0.12, color=line.get_color())
    ax.set_ylim(-0.02, 1.02); ax.set_ylabel("S(t)"); ax.set_title(f"Survival by {kind} (95% Wilson band)")
    ax.legend(fontsize=7, loc="lower left", ncol=2)
save(fig, "02-survival-curves")'''),
    (M, "## Exit reasons"),
    (C, '''exits = out[~out["survived"]].copy()
if len(exits):
    # entrants are pooled by template, providers by name
    exits["who"] = exits["template"].fillna(exits["firm"])
    table = exits.groupby(["who", "exit_reason"]).size().unstack(fill_value=0)
else:
    table = pd.DataFrame()

def exits_chart(table, title, name):
    """Exits per firm or template, stacked by the table's columns."""
    fig, ax = plt.subplots(figsize=(8, 4))
    if len(table):
        table.plot.barh(stacked=True, ax=ax)
        ax.set_xlabel("exits (over all replications)")
    else:
        ax.text(0.5, 0.5, "no exits in these results", ha="center", va="center"); ax.set_axis_off()
    ax.set_title(title)
    save(fig, name)

exits_chart(table, "Exit reasons", "02-exit-reasons")
table'''),
    (M, """## Exit drivers
What put each exiting firm there: the part of its cash flow that fell furthest short of the plan it invested on
(`exit_driver`, the lowest of the five `driver_*` sums in `outcomes.csv`: chips it planned and did not get, power
dearer than planned or units without power, rent below the planned rent at the target utilisation, interest and
forced repayments, tenants' defaults)."""),
    (C, '''drivers = ["chips", "datacentre", "price", "debt", "defaults"]
if len(exits):
    by_driver = exits.groupby(["who", "exit_driver"]).size().unstack(fill_value=0)
    by_driver = by_driver.reindex(columns=[d for d in drivers if d in by_driver.columns])
else:
    by_driver = pd.DataFrame()
exits_chart(by_driver, "Exit drivers", "02-exit-drivers")
by_driver'''),
    (M, "## Time to exit\nMonths from the start (providers) or from the entry month (entrants) to the exit month."),
    (C, '''if len(exits):
    origin = exits["entry_month"].fillna(str(start))
    exits["months_to_exit"] = [(pd.Period(e, freq="M") - pd.Period(o, freq="M")).n
                               for e, o in zip(exits["exit_month"], origin)]
fig, ax = plt.subplots(figsize=(8, 4))
if len(exits):
    for who, g in exits.groupby("who"):
        ax.scatter(g["months_to_exit"], [who] * len(g), alpha=0.7)
    ax.set_xlabel("months to exit")
else:
    ax.text(0.5, 0.5, "no exits in these results", ha="center", va="center"); ax.set_axis_off()
ax.set_title("Time to exit (one dot per exit)")
save(fig, "02-time-to-exit")
exits[["replication", "firm", "exit_month", "exit_reason"] + (["months_to_exit"] if len(exits) else [])]'''),
    (M, "## Cash paths: survivors against exits\nEach line is one firm in one replication (`cash_end`), coloured by its fate in `outcomes.csv`."),
    (C, '''fate = out[["point", "replication", "firm", "survived"]]
paths = fm.merge(fate, on=["point", "replication", "firm"], how="left")
paths["date"] = month_ts(paths["month"])
fig, ax = plt.subplots(figsize=(9, 5))
for (pt, rep, firm), g in paths.groupby(["point", "replication", "firm"]):
    ok = bool(g["survived"].iloc[0])
    ax.plot(g["date"], g["cash_end"] / 1e6, color="tab:blue" if ok else "tab:red", alpha=0.35 if ok else 0.8, lw=1)
ax.set_yscale("symlog", linthresh=1)
ax.plot([], [], color="tab:blue", label="survived"); ax.plot([], [], color="tab:red", label="exited")
ax.legend(); ax.set_ylabel("cash at month end (millions, symlog)"); ax.set_title("Cash paths by fate")
save(fig, "02-cash-paths")'''),
    (M, """## One exit, end to end
The first exit in these results, followed through its months in `firms_monthly.csv` up to its exit month:
what it earned and paid, its cash and debt, its units and how many were leased, then the five sums of its
cash flow against its plan that name the driver. Change `pick` to follow another exit."""),
    (C, '''pick = exits.sort_values(["point", "replication", "exit_day"]).head(1) if len(exits) else exits
if len(pick):
    row = pick.iloc[0]
    path = fm[(fm["point"] == row["point"]) & (fm["replication"] == row["replication"]) & (fm["firm"] == row["firm"])]
    path = path[path["month"] <= row["exit_month"]].copy()
    path["date"] = month_ts(path["month"])
    units = [c for c in path.columns if c.startswith("units_")]
    leased = [c for c in path.columns if c.startswith("leased_")]
    costs = path[["power_cost", "colocation_cost", "rent_in_cost", "fixed_opex", "interest"]].sum(axis=1)
    fig, axes = plt.subplots(1, 3, figsize=(14, 4))
    axes[0].plot(path["date"], path["revenue"] / 1e6, label="revenue")
    axes[0].plot(path["date"], costs / 1e6, label="cash costs and interest")
    axes[0].set_title("Money in and out (millions a month)"); axes[0].legend(fontsize=8)
    axes[1].plot(path["date"], path["cash_end"] / 1e6, label="cash")
    axes[1].plot(path["date"], path["debt"] / 1e6, label="debt")
    axes[1].set_title("Cash and debt (millions)"); axes[1].legend(fontsize=8)
    axes[2].plot(path["date"], path[units].sum(axis=1), label="units owned")
    axes[2].plot(path["date"], path[leased].sum(axis=1), label="units leased")
    axes[2].set_title("Fleet"); axes[2].legend(fontsize=8)
    for ax in axes:
        ax.axvline(path["date"].iloc[-1], color="grey", ls="--", lw=1)   # the exit month: the path's last
        ax.tick_params(axis="x", labelrotation=30)
    fig.suptitle(f"{row['firm']}, replication {row['replication']}: exits {row['exit_month']} ({row['exit_reason']})")
    save(fig, "02-one-exit")
    contributions = pd.Series({d: row["driver_" + d] / 1e6 for d in drivers})
    fig, ax = plt.subplots(figsize=(7, 3))
    contributions.plot.barh(ax=ax, color=["tab:red" if v < 0 else "tab:green" for v in contributions])
    ax.axvline(0, color="black", lw=0.8)
    ax.set_xlabel("against plan, millions (negative: short of plan)")
    ax.set_title(f"Driver: {row['exit_driver']}")
    save(fig, "02-one-exit-drivers")
    print(f"{row['firm']} in replication {row['replication']}: {row['exit_reason']} in {row['exit_month']}, "
          f"driven by {row['exit_driver']} ({contributions[row['exit_driver']]:.1f}M against plan); "
          f"final cash {row['final_cash'] / 1e6:.1f}M, cumulative profit {row['cumulative_profit'] / 1e6:.1f}M, "
          f"trailing utilisation {row['trailing_utilisation']:.2f}")
    # The checks a reader can make: the record ends in the exit month, and its driver is the lowest sum.
    assert path["month"].max() == row["exit_month"]
    assert contributions.idxmin() == row["exit_driver"]
else:
    print("no exits in these results")'''),
])

nb03 = notebook("""# 03 · Prices and capacity

From `market_monthly.csv`: the price index by tier as a fan chart (5%, 50%, 95% over replications),
chip price and lead time, the used price and what the used market traded, installed capacity against
demand, utilisation, lost demand, and the national indicators `eflops_fp16` and `national_target_share`.
From `fleet_monthly.csv`: where each tier's accelerators are (in transit, at firms, for sale in the used
market), with the units identity checked.""", BASE, [
    (C, '''mk = read("market_monthly.csv")
mk["date"] = month_ts(mk["month"])
tiers = [t for t in mk["tier"].unique() if t != "all"]
multi = mk["point"].nunique() > 1
def fan(ax, df, column, label=None):
    """5/50/95% over replications, per month (per point when there are several)."""
    for pt, g in df.groupby("point"):
        q = g.groupby("date")[column].quantile([0.05, 0.5, 0.95]).unstack()
        if q.dropna(how="all").empty:
            continue
        name = (label or column) + (f" (point {pt})" if multi else "")
        line, = ax.plot(q.index, q[0.5], label=name)
        ax.fill_between(q.index, q[0.05], q[0.95], alpha=0.2, color=line.get_color())
print(len(mk), "rows; tiers:", tiers)'''),
    (M, "## Price index by tier (fan chart: median, 5–95% band over replications)"),
    (C, '''fig, axes = plt.subplots(len(tiers) + 1, 1, figsize=(9, 2.6 * (len(tiers) + 1)), sharex=True)
for ax, tier in zip(axes, ["all"] + tiers):
    fan(ax, mk[mk["tier"] == tier], "price_index", tier)
    ax.set_ylabel("price / h"); ax.set_title(f"price index — {tier}"); ax.legend(fontsize=7)
save(fig, "03-price-fan")'''),
    (M, "## Chip price and lead time"),
    (C, '''fig, (a1, a2) = plt.subplots(2, 1, figsize=(9, 6), sharex=True)
per_tier = mk[mk["tier"] != "all"]
for tier, g in per_tier.groupby("tier"):
    fan(a1, g, "chip_price", tier)
    fan(a2, g, "lead_time_days", tier)
a1.set_ylabel("chip price"); a1.set_title("Chip price by tier (median, 5–95%)"); a1.legend(fontsize=7)
a2.set_ylabel("days"); a2.set_title("Lead time by tier (median, 5–95%)")
if a2.lines: a2.legend(fontsize=7)
save(fig, "03-chip-price-lead-time")'''),
    (M, "## The used market\nThe used price of a unit of the reference age (median, 5–95% band), and the units "
        "offered and sold each month: exits, firms in distress and deliveries to exited firms put units up; "
        "expanding firms buy them at the monthly clearing."),
    (C, '''fig, (a1, a2) = plt.subplots(2, 1, figsize=(9, 6), sharex=True)
for tier, g in mk[mk["tier"] != "all"].groupby("tier"):
    fan(a1, g, "used_price", tier)
a1.set_ylabel("price per unit"); a1.set_title("Used price by tier (median, 5–95%)"); a1.legend(fontsize=7)
used_all = mk[mk["tier"] == "all"].groupby("date")[["used_offered", "used_sold"]].mean()
a2.plot(used_all.index, used_all["used_offered"], label="offered")
a2.plot(used_all.index, used_all["used_sold"], label="sold")
a2.set_ylabel("units / month (mean)"); a2.set_title("Used units offered and sold (all tiers)")
a2.legend(fontsize=7)
save(fig, "03-used-market")'''),
    (M, "## Where the accelerators are\nThe stock of each tier by place at month end (`fleet_monthly.csv`, mean "
        "over replications), and the units identity checked on every row: stock_end = stock_start + shipped + "
        "grey_imported − retired − sold_to_users = in_transit + at_firms + used_inventory."),
    (C, '''fl = read("fleet_monthly.csv")
fl["date"] = month_ts(fl["month"])
flows = fl["stock_start"] + fl["shipped"] + fl["grey_imported"] - fl["retired"] - fl["sold_to_users"]
places = fl["in_transit"] + fl["at_firms"] + fl["used_inventory"]
broken = int(((flows != fl["stock_end"]) | (places != fl["stock_end"])).sum())
print("rows breaking the units identity:", broken, "of", len(fl))
fl_tiers = list(dict.fromkeys(fl["tier"]))
fig, axes = plt.subplots(len(fl_tiers), 1, figsize=(9, 2.6 * max(1, len(fl_tiers))), sharex=True, squeeze=False)
for ax, tier in zip(axes[:, 0], fl_tiers):
    g = fl[fl["tier"] == tier].groupby("date")[["at_firms", "in_transit", "used_inventory"]].mean()
    ax.stackplot(g.index, g["at_firms"], g["in_transit"], g["used_inventory"],
                 labels=["at firms", "in transit", "for sale (used)"], alpha=0.8)
    ax.set_ylabel("units"); ax.set_title(f"stock by place — {tier}"); ax.legend(fontsize=7, loc="upper left")
save(fig, "03-fleet-by-place")'''),
    (M, "## Capacity against demand, and utilisation\nInstalled units against leased units plus units still waiting at month end (all tiers). "
        "Utilisation here is leased ÷ installed, read off the file's own columns."),
    (C, '''allt = mk[mk["tier"] == "all"].copy()
allt["demand"] = allt["units_leased"] + allt["units_waiting_end"]
fig, ax = plt.subplots(figsize=(9, 4))
fan(ax, allt, "units_installed", "installed")
fan(ax, allt, "demand", "leased + waiting")
fan(ax, allt, "units_leased", "leased")
ax.set_ylabel("accelerators"); ax.set_title("Capacity against demand (all tiers)"); ax.legend(fontsize=7)
save(fig, "03-capacity-demand")
mk["utilisation"] = mk["units_leased"] / mk["units_installed"].where(mk["units_installed"] > 0)
fig, ax = plt.subplots(figsize=(9, 4))
for tier, g in mk.groupby("tier"):
    fan(ax, g, "utilisation", tier)
ax.set_ylim(0, 1.05); ax.set_ylabel("leased / installed"); ax.set_title("Utilisation by tier"); ax.legend(fontsize=7)
save(fig, "03-utilisation")'''),
    (M, "## Lost demand\nUnits requested by tenants who left unserved, as a share of units requested."),
    (C, '''allt["lost_share"] = allt["units_lost"] / allt["units_requested"].where(allt["units_requested"] > 0)
fig, (a1, a2) = plt.subplots(2, 1, figsize=(9, 6), sharex=True)
fan(a1, allt, "units_lost", "units lost"); a1.set_ylabel("units / month"); a1.legend(fontsize=7)
fan(a2, allt, "lost_share", "lost / requested"); a2.set_ylabel("share"); a2.set_ylim(0, 1.05)
a1.set_title("Lost demand (all tiers)")
save(fig, "03-lost-demand")
allt.groupby("point")[["units_lost", "units_requested", "tenants_lost", "tenants_arrived"]].sum()'''),
    (M, "## National indicators: `eflops_fp16` and `national_target_share`"),
    (C, '''fig, (a1, a2) = plt.subplots(2, 1, figsize=(9, 6), sharex=True)
fan(a1, allt, "eflops_fp16"); a1.set_ylabel("EFLOPS (FP16)"); a1.legend(fontsize=7)
fan(a2, allt, "national_target_share"); a2.set_ylabel("share of target"); a2.legend(fontsize=7)
a1.set_title("Installed compute and the national target")
save(fig, "03-national")'''),
])

nb04 = notebook("""# 04 · What if?

Reads `compare.csv` of a `suanli compare BASE VARIANT` folder: for each entity and metric, the mean of the
paired differences variant − base over replications (common random numbers: replication r of both
points sees the same tenants and noise) with its 95% interval. Metrics have different units, so effects
are ranked and drawn relative to the base value; the largest come first.""",
    "../Results/examples/compare-export-ban-h20", [
    (C, '''cmp = pd.read_csv(RESULTS / "compare.csv", keep_default_na=False, na_values=[""])
cmp["sign_settled"] = flag(cmp["sign_settled"])
import json
manifest = json.loads((RESULTS / "manifest.json").read_text())
names = [p.get("scenario") for p in manifest.get("points", [])]
print("base → variant:", " → ".join(map(str, names)), "|", len(cmp), "rows")'''),
    (M, "## The change itself: chip supply by point\n"
        "Before its effects, look at what the variant changes. A supply shock (an export ban, say) shows in "
        "`supply_monthly.csv` as the chip capacity a tier offers a jurisdiction each month; `ordered_units` says "
        "whether any firm wanted those chips. Tiers whose capacity differs between the points are drawn (all "
        "tiers when none does). A shock nobody runs into changes nothing else: then every difference below is 0."),
    (C, '''sup = read("supply_monthly.csv")
sup["date"] = month_ts(sup["month"])
mean = sup.groupby(["point", "tier", "region", "date"])[["capacity_units", "ordered_units"]].mean().reset_index()
wide = mean.pivot_table(index=["tier", "region", "date"], columns="point", values="capacity_units")
changed = [k for k, g in wide.groupby(level=["tier", "region"]) if g.nunique(axis=1).gt(1).any()]
shown = changed or sorted(wide.index.droplevel("date").unique())
fig, axes = plt.subplots(len(shown), 1, figsize=(9, 2.8 * len(shown)), sharex=True, squeeze=False)
for ax, (tier, region) in zip(axes[:, 0], shown):
    g = mean[(mean["tier"] == tier) & (mean["region"] == region)]
    for pt, h in g.groupby("point"):
        name = names[pt] if pt < len(names) else f"point {pt}"
        line, = ax.step(h["date"], h["capacity_units"], where="post", label=f"{name}: capacity")
        ax.step(h["date"], h["ordered_units"], where="post", ls="--", color=line.get_color(), label=f"{name}: ordered")
    ax.set_ylabel("units / month"); ax.set_title(f"{tier} chips for {region}" + ("" if changed else " (no tier differs)"))
    ax.legend(fontsize=7)
save(fig, "04-supply-change")
print("tiers whose supply differs between the points:", changed or "none")'''),
    (M, "## Largest effects first"),
    (C, '''base = cmp["base"].abs().where(cmp["base"].abs() > 0)
cmp["rel_diff"] = cmp["diff"] / base
cmp["rel_low"] = cmp["diff_ci95_low"] / base
cmp["rel_high"] = cmp["diff_ci95_high"] / base
cmp["label"] = cmp["entity_kind"] + " " + cmp["entity"] + " · " + cmp["metric"]
ranked = cmp[cmp["rel_diff"].notna() & (cmp["diff"] != 0)].reindex(
    cmp["rel_diff"].abs().sort_values(ascending=False).index).dropna(subset=["rel_diff"])
ranked = ranked[ranked["diff"] != 0]
ranked[["label", "base", "variant", "diff", "diff_ci95_low", "diff_ci95_high", "rel_diff", "sign_settled"]].head(25)'''),
    (C, '''top = ranked.head(25).iloc[::-1]
fig, ax = plt.subplots(figsize=(9, max(3, 0.35 * len(top) + 1)))
if len(top):
    lo = (top["rel_diff"] - top["rel_low"]).fillna(0).clip(lower=0)
    hi = (top["rel_high"] - top["rel_diff"]).fillna(0).clip(lower=0)
    colours = ["tab:red" if s else "tab:gray" for s in top["sign_settled"]]
    for i, (x, l, h, c) in enumerate(zip(top["rel_diff"] * 100, lo * 100, hi * 100, colours)):
        ax.errorbar([x], [i], xerr=[[l], [h]], fmt="none", ecolor=c, capsize=3)
    ax.scatter(top["rel_diff"] * 100, range(len(top)), c=colours, zorder=3)
    ax.set_yticks(range(len(top))); ax.set_yticklabels(top["label"], fontsize=7)
    ax.axvline(0, color="black", lw=0.8)
    ax.set_xlabel("variant − base, % of |base| (95% interval; red: sign settled)")
else:
    ax.text(0.5, 0.5, "no non-zero differences", ha="center", va="center"); ax.set_axis_off()
ax.set_title("Largest effects of the variant")
save(fig, "04-effects")'''),
    (M, "## Probabilities in percentage points\nFor `p_` metrics the absolute difference is the natural scale."),
    (C, '''probs = cmp[cmp["metric"].str.startswith("p_")].copy()
probs = probs.reindex(probs["diff"].abs().sort_values(ascending=False).index).iloc[::-1]
fig, ax = plt.subplots(figsize=(9, max(3, 0.3 * len(probs) + 1)))
if len(probs):
    lo = (probs["diff"] - probs["diff_ci95_low"]).fillna(0).clip(lower=0)
    hi = (probs["diff_ci95_high"] - probs["diff"]).fillna(0).clip(lower=0)
    ax.errorbar(probs["diff"] * 100, range(len(probs)), xerr=[lo * 100, hi * 100], fmt="o", capsize=3)
    ax.set_yticks(range(len(probs))); ax.set_yticklabels(probs["label"], fontsize=7)
    ax.axvline(0, color="black", lw=0.8); ax.set_xlabel("difference (percentage points, 95% interval)")
else:
    ax.text(0.5, 0.5, "no probability metrics", ha="center", va="center"); ax.set_axis_off()
ax.set_title("Changes in probabilities")
save(fig, "04-probabilities")'''),
])

nb05 = notebook("""# 05 · Sweep map

**What a sweep is.** A single run answers "what happens in *this* scenario?". A sweep asks "what happens
as these numbers change?": `suanli sweep FILE` takes a base scenario and a list of its keys to vary (the
*parameters*), builds a set of *points* — each point is the base scenario with one value for every
parameter — and runs every point with the same number of replications. A *grid* design tries every
combination of listed values; a *random* or *Latin hypercube* design scatters points over ranges, which
covers several parameters with fewer runs but gives no tidy table; a *Sobol* or *Morris* design lays points
out in a pattern made for one kind of sensitivity analysis (section 4). With common random numbers (the
default) replication r of every point sees the same tenants and noise, so neighbouring points differ by
the parameters, not by luck.

This notebook reads a sweep folder (by default the committed `../Results/examples/sweep-smoke`, the smoke
sweep over one small owner: 4 fixed prices × 2 monthly overheads) and draws:

1. **Survival maps**: for each firm, P(survive to the horizon) at every point, over two swept parameters.
   Read a map like a contour map of risk: green where the firm survives in every replication, red where it
   exits in all. Each number is a share of a few replications, so neighbouring cells that differ by one
   replication are not a real difference (the intervals are in `summary.csv`).
2. **Market maps**: the same picture for market figures (utilisation, units lost), which change with the
   parameters even where no firm ever exits.
3. **Sensitivity ranking** (`sensitivity.csv`): which parameter moves each outcome most, as standardised
   regression coefficients (SRC) and partial rank correlation coefficients (PRCC), with 95% intervals. An
   interval that excludes 0 means the parameter matters for that outcome over the swept ranges; a blank
   row means no coefficient could be fitted (the outcome did not vary). SRC measures a straight-line
   effect; PRCC, computed on ranks, measures any effect that only goes one way (an outcome that rises ever
   more steeply, or levels off). Neither sees an outcome that rises and then falls across a range (an
   optimum in between): both can be near 0 although the map shows the parameter matters.
4. **Sobol indices or Morris screening** (`sobol.csv` or `morris.csv`, only for sweeps with `design: sobol`
   or `design: morris`): how much of each outcome's variation a parameter explains, alone and with its
   interactions, or how large and how regular its effects are, whatever their shape.
5. **Scenario discovery** (`boxes.csv`, written by `suanli discover`): the region of the swept ranges, a box of
   limits on a few parameters, where a condition such as a firm's exit concentrates (PRIM).

Everything is read from the folder's CSVs; nothing here re-runs or re-implements the model.""",
    "../Results/examples/sweep-smoke", extra_params=(
        '\n# Sobol indices and Morris screening: the outcome to draw, "kind/entity/metric" as in sensitivity.csv\n'
        '# (e.g. "market/all/units_lost_total"); "" draws the first firm\'s survived.\noutcome = ""'), cells=[
    (M, "## The points\n`points.csv` has one row per point and one column per parameter, named by its key "
        "path. `manifest.json` says which sweep file, design and number of replications produced them."),
    (C, """import json
import math
import numpy as np
manifest = json.loads((RESULTS / "manifest.json").read_text())
sweep = manifest.get("sweep", {})
points = pd.read_csv(RESULTS / "points.csv", keep_default_na=False, na_values=[""], dtype=str)
points["point"] = points["point"].astype(int)
parameters = [c for c in points.columns if c != "point"]
print("sweep", sweep.get("name"), "| design", sweep.get("design"), "|", len(points), "points ×",
      manifest.get("replications"), "replications | parameters:", parameters)
points"""),
    (M, "## Which two parameters to map\nBy default the first two parameters (in the sweep file's order) that "
        "take more than one value. Change `X` and `Y` below to map others. Text values (e.g. a pricing rule) "
        "are placed in the order they first appear. If the design is a full grid over the two, each point is a "
        "cell of a table; otherwise (random or Latin hypercube designs) each point is a dot. When more than "
        "two parameters vary, a grid cell averages over the others, and a dot is one point whatever the others are."),
    (C, """varying = [c for c in parameters if points[c].nunique() > 1]
X = varying[0] if varying else parameters[0]
Y = varying[1] if len(varying) > 1 else None

def axis(column):
    \"\"\"Numeric positions and tick labels of a parameter column (text values by first appearance).\"\"\"
    if column is None:
        return pd.Series(0.0, index=points.index), {0.0: ""}
    numbers = pd.to_numeric(points[column], errors="coerce")
    if numbers.notna().all():
        return numbers, {v: f"{v:.4g}" for v in numbers.unique()}
    codes = {v: float(i) for i, v in enumerate(dict.fromkeys(points[column]))}
    return points[column].map(codes), {c: v for v, c in codes.items()}

x, xlabels = axis(X)
y, ylabels = axis(Y)
coords = pd.DataFrame({"point": points["point"], "x": x, "y": y})
pairs = coords[["x", "y"]].drop_duplicates()
GRID = (coords["x"].nunique() * coords["y"].nunique() == len(pairs)
        and coords["x"].nunique() <= 15 and coords["y"].nunique() <= 15)
others = [c for c in varying if c not in (X, Y)]
print("map:", X, "×", Y or "(nothing else varies)", "|", "grid" if GRID else "scattered points",
      "| also varying:", others or "nothing")

def panel(ax, values, title, vmin=None, vmax=None, cmap="RdYlGn", fmt="{:.2f}"):
    \"\"\"Draws one map of `values` (a Series indexed by point) over X and Y; returns the colour mapping.\"\"\"
    d = coords.assign(v=coords["point"].map(values))
    if GRID:
        t = d.groupby(["y", "x"])["v"].mean().unstack("x").sort_index().sort_index(axis=1)
        im = ax.imshow(np.ma.masked_invalid(t.values.astype(float)), origin="lower", aspect="auto",
                       cmap=cmap, vmin=vmin, vmax=vmax)
        ax.set_xticks(range(t.shape[1])); ax.set_xticklabels([xlabels[v] for v in t.columns], fontsize=7)
        ax.set_yticks(range(t.shape[0])); ax.set_yticklabels([ylabels[v] for v in t.index], fontsize=7)
        for i in range(t.shape[0]):
            for j in range(t.shape[1]):
                if pd.notna(t.values[i, j]):
                    ax.text(j, i, fmt.format(t.values[i, j]), ha="center", va="center", fontsize=7)
    else:
        im = ax.scatter(d["x"], d["y"], c=d["v"], cmap=cmap, vmin=vmin, vmax=vmax, s=70, edgecolor="black")
        if len(d) <= 30:
            for _, r in d.iterrows():
                if pd.notna(r["v"]):
                    ax.annotate(fmt.format(r["v"]), (r["x"], r["y"]), fontsize=6, xytext=(4, 4),
                                textcoords="offset points")
        if not pd.to_numeric(points[X], errors="coerce").notna().all():
            ax.set_xticks(list(xlabels)); ax.set_xticklabels(list(xlabels.values()), fontsize=7)
        if Y is not None and not pd.to_numeric(points[Y], errors="coerce").notna().all():
            ax.set_yticks(list(ylabels)); ax.set_yticklabels(list(ylabels.values()), fontsize=7)
    ax.set_xlabel(X, fontsize=7); ax.set_ylabel(Y or "", fontsize=7)
    ax.set_title(title, fontsize=9)
    return im

def small_multiples(n):
    cols = min(4, max(n, 1))
    rows = math.ceil(max(n, 1) / cols)
    fig, axes = plt.subplots(rows, cols, figsize=(4.2 * cols + 1, 3.6 * rows), squeeze=False)
    fig.subplots_adjust(hspace=0.5, wspace=0.45)
    for ax in axes.ravel()[n:]:
        ax.set_axis_off()
    return fig, axes.ravel()"""),
    (M, "## Survival maps, one per firm\n`summary.csv` has, for every point and every firm present at the "
        "start, `p_survive`: the share of the point's replications in which the firm is still there at the "
        "horizon, with its 95% Wilson interval. The colour scale is the same in every panel (0 red, 1 green)."),
    (C, """summary = read("summary.csv")
ps = summary[(summary["kind"] == "firm") & (summary["metric"] == "p_survive")]
firms = list(dict.fromkeys(ps["entity"]))
fig, axes = small_multiples(len(firms))
im = None
for ax, firm in zip(axes, firms):
    values = ps[ps["entity"] == firm].set_index("point")["estimate"]
    im = panel(ax, values, firm, vmin=0, vmax=1)
if im is not None:
    fig.colorbar(im, ax=list(axes), shrink=0.8, label="P(survive to the horizon)")
else:
    axes[0].text(0.5, 0.5, "no firm rows in summary.csv", ha="center", va="center"); axes[0].set_axis_off()
fig.suptitle(f"P(survive) over {X}" + (f" × {Y}" if Y else ""), fontsize=10)
save(fig, "05-survival-maps")"""),
    (M, "How far apart are the points, given the noise? For each firm: its lowest and highest P(survive) over "
        "the points, and the Wilson intervals at those two points. When the intervals overlap, the sweep "
        "has not shown that the parameters matter for that firm; more replications would tell."),
    (C, """rows = []
for firm in firms:
    f = ps[ps["entity"] == firm].set_index("point")
    lo, hi = f["estimate"].idxmin(), f["estimate"].idxmax()
    rows.append({"firm": firm, "lowest P": f.loc[lo, "estimate"], "at point": lo,
                 "its interval": f"[{f.loc[lo, 'ci95_low']:.2f}, {f.loc[lo, 'ci95_high']:.2f}]",
                 "highest P": f.loc[hi, "estimate"], "at point ": hi,
                 "its interval ": f"[{f.loc[hi, 'ci95_low']:.2f}, {f.loc[hi, 'ci95_high']:.2f}]"})
pd.DataFrame(rows)"""),
    (M, "## Market maps\n`summary.csv` also has, for every point, market figures by month (`kind` = `market`, "
        "`entity` = `all` for the whole market): the mean over replications. Averaged over the months of the "
        "horizon, they give one number per point. Each panel has its own colour scale."),
    (C, """market = summary[(summary["kind"] == "market") & (summary["entity"] == "all")]
wanted = [m for m in ["utilisation", "units_lost", "price_index", "active_firms"] if m in set(market["metric"])]
fig, axes = small_multiples(len(wanted))
for ax, metric in zip(axes, wanted):
    values = market[market["metric"] == metric].groupby("point")["estimate"].mean()
    im = panel(ax, values, f"{metric} (mean over months)", cmap="viridis", fmt="{:.3g}")
    fig.colorbar(im, ax=ax, shrink=0.8)
if not wanted:
    axes[0].text(0.5, 0.5, "no market rows in summary.csv", ha="center", va="center"); axes[0].set_axis_off()
save(fig, "05-market-maps")"""),
    (M, "## Sensitivity ranking\n`sensitivity.csv` (written for a whole sweep, not for one shard) fits, over all "
        "runs (point × replication), each outcome on all parameters at once, with every variable in standard "
        "deviations: a standardised regression coefficient (SRC) of 0.5 says that one standard deviation more of "
        "the parameter goes with half a standard deviation more of the outcome, the other parameters held fixed. "
        "`rank` 1 is the parameter with the largest |SRC| for that outcome. For `survived` (1 or 0) it is a "
        "linear probability model: a rough guide to direction and order, not a forecast. Beside each SRC (dot) "
        "is the partial rank correlation coefficient (PRCC, diamond): the same question asked of ranks, so it "
        "sees a monotone effect in full even when it is curved (an outcome that only moves at the top of a "
        "range), where SRC sees only its straight-line part. Where the two disagree, the effect is not a "
        "straight line; where both are near 0 but the map shows a pattern, the outcome rises and then falls, "
        "which neither measures. Intervals crossing 0 (grey) are not distinguishable from no effect with "
        "these runs; PRCC is blank where the other parameters leave its ranks nothing to vary."),
    (C, """sens_path = RESULTS / "sensitivity.csv"
sens = pd.read_csv(sens_path, keep_default_na=False, na_values=[""]) if sens_path.exists() else pd.DataFrame(
    columns=["entity_kind", "entity", "metric", "parameter", "src", "src_ci95_low", "src_ci95_high",
             "prcc", "prcc_ci95_low", "prcc_ci95_high", "rank", "runs"])
sens["outcome"] = sens["metric"] + " · " + sens["entity_kind"] + " " + sens["entity"]
fitted = sens[sens["src"].notna()].copy()
blank = sorted(set(sens["outcome"]) - set(fitted["outcome"]))
print(len(sens), "rows;", fitted["outcome"].nunique(), "outcomes with coefficients;",
      len(blank), "without (constant outcome or too few runs):", blank[:8], "…" if len(blank) > 8 else "")
# the outcomes whose strongest parameter moves them most, at most 12
strength = fitted.groupby("outcome")["src"].apply(lambda s: s.abs().max()).sort_values(ascending=False)
top = list(strength.index[:12])
shown = fitted[fitted["outcome"].isin(top)].copy()
shown["order"] = shown["outcome"].map({o: i for i, o in enumerate(top)})
shown = shown.sort_values(["order", "rank"], ascending=[False, False])
fig, ax = plt.subplots(figsize=(9, max(3, 0.32 * len(shown) + 1.5)))
if len(shown):
    colours = {p: f"C{i}" for i, p in enumerate(parameters)}
    for i, r in enumerate(shown.itertuples()):
        # SRC a dot just above the row's line, PRCC a diamond just below; grey when the interval crosses 0
        for value, low, high, marker, dy in [(r.src, r.src_ci95_low, r.src_ci95_high, "o", 0.15),
                                             (r.prcc, r.prcc_ci95_low, r.prcc_ci95_high, "D", -0.15)]:
            if pd.isna(value):
                continue
            settled = low > 0 or high < 0
            colour = colours.get(r.parameter, "black") if settled else "tab:gray"
            ax.errorbar([value], [i + dy], xerr=[[value - low], [high - value]], fmt=marker, markersize=5,
                        color=colour, ecolor=colour, capsize=3, mfc=colour if marker == "o" else "white")
    ax.set_yticks(range(len(shown)))
    ax.set_yticklabels([f"{r.outcome} ← {r.parameter}" for r in shown.itertuples()], fontsize=7)
    ax.axvline(0, color="black", lw=0.8)
    ax.legend(handles=[plt.Line2D([], [], marker="o", ls="", color="black", label="SRC"),
                       plt.Line2D([], [], marker="D", ls="", color="black", mfc="white", label="PRCC")],
              loc="best", fontsize=8)
    ax.set_xlabel("SRC (dot) and PRCC (diamond), 95% intervals; grey: crosses 0")
else:
    ax.text(0.5, 0.5, "no coefficients: no outcome varied across the runs" if len(sens)
            else "no sensitivity.csv (a shard?)", ha="center", va="center")
    ax.set_axis_off()
ax.set_title("Which parameter moves which outcome")
save(fig, "05-sensitivity")
fitted.sort_values(["outcome", "rank"])[["outcome", "parameter", "src", "src_ci95_low", "src_ci95_high",
                                          "prcc", "prcc_ci95_low", "prcc_ci95_high", "rank", "runs"]].head(30)"""),
    (M, """## Sobol indices and Morris screening
SRC and PRCC sum each effect up as one straight line or one direction. Two designs of `suanli sweep` measure
effects of any shape, each with its own layout of points (`design:` in the sweep file):

- **`design: sobol`** writes `sobol.csv`. Each outcome (its mean over a point's replications) varies from point
  to point; a Sobol index is a share of that variance.
  - **S1**, the first-order index: the share a parameter explains *on its own*. S1 = 0.4: knowing this parameter
    alone removes about 40% of the outcome's variance.
  - **ST**, the total index: the share it explains *together with all its interactions* with the other
    parameters. An ST near 0 means the parameter could be fixed anywhere in its range without changing the outcome.
  - **ST − S1**, the part that is interaction: the parameter's effect depends on the values of the others (a
    higher price may hurt only when demand is low).

  The error bars are 95% bootstrap intervals; by estimation error S1 can come out a little below 0 and the S1s can
  sum above 1.
- **`design: morris`** writes `morris.csv`. Along each of several *trajectories* the sweep moves one parameter at
  a time by one step, the others held fixed; the change of the outcome, scaled to the parameter's whole range, is
  an *elementary effect*.
  - **μ\\*** (mu star), the mean size of a parameter's elementary effects: how important it is. Rank by μ*.
  - **σ** (sigma), their standard deviation: how much the effect depends on where it is measured. A σ large
    beside μ* means the effect is not a straight line, or the parameter interacts with others.

  In the μ*–σ plane the lines σ/μ* = 0.1, 0.5 and 1 (Garcia Sanchez et al. 2014) separate parameters whose effect
  is nearly linear (below 0.1), monotonic (0.1–0.5), almost monotonic (0.5–1) and non-monotonic or interacting
  (above 1). μ* is in the outcome's units: compare parameters for one outcome, not across outcomes.

**`noise_share`.** A point's outcome is a mean over a few replications, so some luck is left in it; `noise_share`
is the share of the variance of the point means that is this replication noise. Noise looks like an effect that
no parameter explains on its own, so it inflates every ST by about `noise_share` (and ST − S1 with it), and μ* and
σ likewise: an ST not much above `noise_share` may be nothing but noise. Add replications before reading it.

To draw another outcome, set `outcome` in the parameters cell at the top to `"kind/entity/metric"`, e.g.
`"market/all/units_lost_total"` (the outcomes are those of `sensitivity.csv`)."""),
    (C, """from IPython.display import display

def read_global(name):
    \"\"\"sobol.csv or morris.csv of the folder with an `outcome` column, "kind/entity/metric"; None if absent.\"\"\"
    if not (RESULTS / name).exists():
        return None
    t = pd.read_csv(RESULTS / name, keep_default_na=False, na_values=[""],
                    dtype={"entity_kind": str, "entity": str, "metric": str, "parameter": str})
    t["outcome"] = t["entity_kind"] + "/" + t["entity"] + "/" + t["metric"]
    return t

def choose(t, value):
    \"\"\"The outcome to draw: `outcome` if set; else the first firm's `survived`, or, when that does not vary over
    the points (its `value` column empty or 0 throughout), the first outcome that does.\"\"\"
    outcomes = list(dict.fromkeys(t["outcome"]))
    if outcome:
        if outcome not in outcomes:
            raise ValueError(f"outcome {outcome!r} is not in this file; choose one of {outcomes}")
        return outcome
    varies = [o for o in outcomes if (t.loc[t["outcome"] == o, value].fillna(0).abs() > 0).any()]
    survived = [o for o in outcomes if o.startswith("firm/") and o.endswith("/survived")]
    first = survived[0] if survived else outcomes[0]
    if first not in varies and varies:
        print(f"{first} does not vary over the points; drawing {varies[0]} instead")
        return varies[0]
    return first

sobol, morris = read_global("sobol.csv"), read_global("morris.csv")
if sobol is None and morris is None:
    print(f"No sobol.csv or morris.csv in {RESULTS.name}: a {sweep.get('design', '?')} sweep; "
          "Sobol indices and Morris screening need `design: sobol` or `design: morris`.")
else:
    print("outcomes:", list(dict.fromkeys((sobol if sobol is not None else morris)["outcome"])))"""),
    (M, "### Sobol indices\nFor the chosen outcome, per parameter, S1 (alone) and ST (with interactions) side by "
        "side, each with its 95% interval; the dashed red line is `noise_share`, about what noise alone adds to "
        "every ST."),
    (C, """if sobol is not None:
    chosen = choose(sobol, "st")
    rows = sobol[sobol["outcome"] == chosen].reset_index(drop=True)
    fig, ax = plt.subplots(figsize=(max(6, 2 * len(rows) + 2), 4.5))
    if rows[["s1", "st"]].notna().any().any():
        x = np.arange(len(rows))
        for dx, col, colour, label in [(-0.2, "s1", "tab:blue", "S1: alone"),
                                       (0.2, "st", "tab:orange", "ST: with interactions")]:
            below = (rows[col] - rows[col + "_ci95_low"]).clip(lower=0).fillna(0)
            above = (rows[col + "_ci95_high"] - rows[col]).clip(lower=0).fillna(0)
            ax.bar(x + dx, rows[col], width=0.4, yerr=[below, above], capsize=4, color=colour, label=label)
        ax.set_xticks(x); ax.set_xticklabels(rows["parameter"], rotation=15, ha="right", fontsize=8)
        ax.axhline(0, color="black", lw=0.8); ax.axhline(1, color="grey", lw=0.8, ls=":")
        noise = rows["noise_share"].dropna()
        if len(noise):
            ax.axhline(noise.iloc[0], color="tab:red", lw=1, ls="--", label=f"noise_share {noise.iloc[0]:.2f}")
        ax.set_ylabel("share of the outcome's variance"); ax.legend(fontsize=8)
    else:
        ax.text(0.5, 0.5, f"{chosen} does not vary over the points: no index", ha="center", va="center",
                transform=ax.transAxes)
        ax.set_axis_off()
    ax.set_title(f"Sobol indices of {chosen}, 95% bootstrap intervals\\n({rows['base_points'].iloc[0]} base points, "
                 f"{rows['replications'].iloc[0]} replications each)", fontsize=10)
    save(fig, "05-sobol")
    display(rows.assign(st_minus_s1=rows["st"] - rows["s1"])[
        ["parameter", "s1", "s1_ci95_low", "s1_ci95_high", "st", "st_ci95_low", "st_ci95_high", "st_minus_s1",
         "noise_share"]].round(3))
elif morris is not None:
    print("no sobol.csv in this folder (a morris sweep: see the next section)")"""),
    (M, "### Morris μ*–σ plane\nFor the chosen outcome, one dot per parameter at (μ*, σ), with the 95% interval of "
        "μ* as a horizontal bar. Far right: important; high up: non-linear or interacting. A hollow dot on the "
        "axis has no σ (a design with one trajectory)."),
    (C, """if morris is not None:
    chosen = choose(morris, "mu_star")
    rows = morris[morris["outcome"] == chosen].reset_index(drop=True)
    drawn = rows[rows["mu_star"].notna()]
    fig, ax = plt.subplots(figsize=(8, 6))
    if len(drawn) and (drawn["mu_star"] > 0).any():
        xmax = 1.15 * np.nanmax(drawn[["mu_star", "mu_star_ci95_high"]].values)
        smax = drawn["sigma"].max() if drawn["sigma"].notna().any() else 0
        ymax = max(1.2 * smax, 0.6 * xmax)
        for ratio, style, note in [(0.1, ":", "below: nearly linear"), (0.5, "--", "0.1–0.5: monotonic"),
                                   (1.0, "-", "0.5–1: almost monotonic; above: non-monotonic or interacting")]:
            ax.plot([0, xmax], [0, ratio * xmax], color="grey", lw=0.9, ls=style, label=f"σ/μ* = {ratio:g} ({note})")
        taken = {}  # labels of dots that (nearly) coincide, stacked
        for i, r in enumerate(drawn.itertuples()):
            sigma = 0.0 if pd.isna(r.sigma) else r.sigma
            low = 0.0 if pd.isna(r.mu_star_ci95_low) else max(0.0, r.mu_star - r.mu_star_ci95_low)
            high = 0.0 if pd.isna(r.mu_star_ci95_high) else max(0.0, r.mu_star_ci95_high - r.mu_star)
            ax.errorbar([r.mu_star], [sigma], xerr=[[low], [high]], fmt="o", color=f"C{i % 10}", capsize=4,
                        markersize=7, mfc="white" if pd.isna(r.sigma) else f"C{i % 10}", clip_on=False)
            spot = (round(50 * r.mu_star / xmax), round(50 * sigma / ymax))
            taken[spot] = taken.get(spot, -1) + 1
            ax.annotate(r.parameter, (r.mu_star, sigma), xytext=(6, 6 + 11 * taken[spot]), textcoords="offset points",
                        fontsize=8)
        ax.set_xlim(0, xmax); ax.set_ylim(0, ymax)
        ax.set_xlabel("μ*: mean |elementary effect| (outcome per whole range of the parameter)")
        ax.set_ylabel("σ: standard deviation of the elementary effects")
        ax.legend(fontsize=8, loc="upper left")
    else:
        ax.text(0.5, 0.5, f"{chosen} does not vary over the points: every elementary effect is 0", ha="center",
                va="center", transform=ax.transAxes)
        ax.set_axis_off()
    noise = rows["noise_share"].dropna()
    ax.set_title(f"Morris μ*–σ plane of {chosen}\\n({rows['trajectories'].iloc[0]} trajectories, "
                 f"{rows['levels'].iloc[0]} levels, {rows['replications'].iloc[0]} replications each"
                 + (f"; noise_share {noise.iloc[0]:.2f})" if len(noise) else ")"), fontsize=10)
    save(fig, "05-morris")
    display(rows.assign(sigma_over_mu_star=rows["sigma"] / rows["mu_star"].where(rows["mu_star"] > 0))[
        ["parameter", "mu_star", "mu_star_ci95_low", "mu_star_ci95_high", "mu", "sigma", "sigma_over_mu_star",
         "noise_share"]].round(3))
elif sobol is not None:
    print("no morris.csv in this folder (a sobol sweep: see the section above)")"""),
    (M, """### Scenario discovery (PRIM)
The sections above ask which parameter moves an outcome. *Scenario discovery* asks the reverse: **where** in the
swept ranges does something of interest happen, say the first firm exiting? `suanli discover SWEEP_DIR --outcome
'firm[NAME].survived == 0'` marks every run (a point and a replication) as a *case of interest* or not and runs PRIM
(the Patient Rule Induction Method): starting from a box spanning every parameter's whole range, it peels off a thin
slice of runs (5% by default) at whichever limit raises the share of cases of interest inside most, again and again, then
pastes slices back while that helps. It writes every box of this *trajectory* to `boxes.csv`, one row per box and
restricted parameter.

- **coverage**: the share of all the cases of interest that lie inside the box (how much it explains);
- **density**: the share of the runs inside the box that are of interest (how reliably it holds there);
- **mass**: the share of all runs inside; **quasi-p-value** (`qp_lower`, `qp_upper`) of a limit: how likely a density
  this high would be without that limit, so a small one (≤ 0.05) says the limit matters.

Peeling trades coverage for density. The *chosen* box (`chosen` = `true`) is the densest with coverage ≥ 0.5 (the
default `--min-coverage`) whose every limit has a quasi-p-value ≤ 0.05; there may be none. Left: the trajectory,
density against coverage, coloured by the number of restricted parameters (hollow: a limit with qp > 0.05), the
chosen box circled. Right: the chosen box's limits, each parameter's swept range (from `points.csv`) scaled to 0–1."""),
    (C, """boxes = pd.read_csv(RESULTS / "boxes.csv", keep_default_na=False, na_values=[""], dtype={"parameter": str}) \\
    if (RESULTS / "boxes.csv").exists() else None
if boxes is not None and len(boxes) == 0:
    print("boxes.csv has no rows")
elif boxes is not None:
    boxes["chosen"] = flag(boxes["chosen"])
    boxes = boxes[boxes["outcome"] == boxes["outcome"].iloc[0]]
    steps = boxes.drop_duplicates("step").set_index("step")
    hollow = (boxes.groupby("step")[["qp_lower", "qp_upper"]].max().max(axis=1) > 0.05).reindex(steps.index)
    chosen = steps.index[steps["chosen"]][0] if steps["chosen"].any() else None
    box = boxes[(boxes["step"] == chosen) & boxes["parameter"].notna()]
    print(f"outcome {boxes['outcome'].iloc[0]!r}: {steps['cases_of_interest'].iloc[0]} of {steps['cases'].iloc[0]} runs "
          f"are cases of interest; trajectory of {len(steps)} boxes")
    fig, axes = plt.subplots(1, 2 if len(box) else 1, figsize=(13 if len(box) else 6.5, 4.5), squeeze=False)
    ax = axes[0][0]
    ax.plot(steps["coverage"], steps["density"], color="grey", lw=0.8)
    dims = sorted(steps["restricted_dimensions"].unique())
    for i, d in enumerate(dims):
        s = steps[steps["restricted_dimensions"] == d]
        h = hollow.reindex(s.index)
        colour = plt.get_cmap("viridis")(i / max(1, len(dims) - 1))
        ax.scatter(s.loc[~h, "coverage"], s.loc[~h, "density"], s=25, color=colour, zorder=2)
        ax.scatter(s.loc[h, "coverage"], s.loc[h, "density"], s=25, facecolor="white", edgecolor=colour, zorder=2)
        ax.plot([], [], "o", color=colour, label=f"{d} parameter(s) restricted")
    if chosen is not None:
        c = steps.loc[chosen]
        ax.scatter([c["coverage"]], [c["density"]], s=160, facecolor="none", edgecolor="tab:red", lw=2, zorder=3)
        ax.annotate(f"chosen: step {chosen}", (c["coverage"], c["density"]), xytext=(-12, -25),
                    textcoords="offset points", ha="right", color="tab:red", fontsize=8)
    ax.set_xlabel("coverage"); ax.set_ylabel("density"); ax.legend(fontsize=7, loc="lower left")
    ax.set_title("PRIM trajectory" + ("" if chosen is not None else ": no box met the rule"), fontsize=10)
    if len(box):
        ax = axes[0][1]
        for y, r in enumerate(box.itertuples()):
            values = pd.to_numeric(points[r.parameter], errors="coerce")
            lo, hi = values.min(), values.max()
            a, b = [min(max((v - lo) / (hi - lo), 0), 1) if hi > lo else 0.5 for v in (r.lower, r.upper)]
            ax.barh(y, 1, color="#e5e5e5", height=0.45)
            ax.barh(y, max(b - a, 0.004), left=a, color="tab:red", alpha=0.75, height=0.45)
            ax.text(1.02, y, f"[{r.lower:.4g}, {r.upper:.4g}]", va="center", fontsize=8,
                    transform=ax.get_yaxis_transform())
        ax.set_yticks(range(len(box))); ax.set_yticklabels(box["parameter"], fontsize=8)
        ax.set_xlim(0, 1); ax.set_ylim(len(box) - 0.4, -0.6)
        ax.set_xlabel("position in the swept range (0 = lowest value in points.csv, 1 = highest)", fontsize=8)
        ax.set_title(f"the chosen box (step {chosen})", fontsize=10)
    fig.tight_layout()
    save(fig, "05-prim")
    if chosen is not None:
        c = steps.loc[chosen]
        print(f"chosen box: step {chosen} ({c['phase']}), coverage {c['coverage']:.2f}, density {c['density']:.2f}, "
              f"mass {c['mass']:.2f}, {c['cases_of_interest']} of {c['cases']} runs inside of interest")
        display(box[["parameter", "lower", "upper", "qp_lower", "qp_upper"]].reset_index(drop=True))
    else:
        print("no box met the rule (coverage ≥ the minimum, every limit's quasi-p-value ≤ 0.05); see boxes.csv")
else:
    where = RESULTS.resolve()
    if where.is_relative_to(Path.cwd().resolve().parent):   # as typed from the package root
        where = where.relative_to(Path.cwd().resolve().parent)
    print(f"No boxes.csv in {RESULTS.name}: make one from the package root with `suanli discover {where} "
          f"--outcome 'firm[{firms[0] if firms else 'NAME'}].survived == 0'`, then run this notebook again.")"""),
    (M, "## Reading further\nA map with a few replications per point shows where to look, not the answer: "
        "rerun the interesting corner as a single scenario with more replications (`suanli run BASE --set "
        "KEY=VALUE --replications 200`), or compare two of its points with `suanli compare` to get paired "
        "differences with intervals (notebook 04). For a map where firms do exit, try "
        "`suanli sweep Scenarios/sweeps/chip-shortage-demand.yaml` and point `results_dir` at its folder."),
])

for name, nb in [("01-reading-results", nb01), ("02-who-survives", nb02),
                 ("03-prices-and-capacity", nb03), ("04-what-if", nb04), ("05-sweep-map", nb05)]:
    for i, cell in enumerate(nb.cells):  # stable ids, so that regenerating changes nothing that did not change
        cell["id"] = f"{name[:2]}-{i:02d}"
    nbformat.validate(nb)
    nbformat.write(nb, f"{name}.ipynb")
    print("wrote", name + ".ipynb")
