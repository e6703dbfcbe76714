"""SALib's Sobol and Morris analyses of a Suanli sweep folder, the peer of its `sobol.csv` / `morris.csv`.

Reads a complete sweep folder laid out as `design: sobol` (Saltelli: per base row A, AB_1 .. AB_k, B;
second order off) or `design: morris` (r trajectories of k + 1 points): `manifest.json` (its "sweep"
object: design, base_points / trajectories, levels, parameters), `points.csv` (point, one column per
parameter in real units), `outcomes.csv` and, when present, `market_monthly.csv`. The outcomes are
Suanli's (`RunOutcomes`): per firm present at the start (empty `template`), `survived` (1 if "true",
else 0); `market/all/entries` (rows with a template and an entry month, per run); and with
`market_monthly.csv`, `market/all/units_lost_total` (the `all` rows' units_lost summed over months)
and `market/TIER/final_price_index` (the last month's price_index). The output of a point is the
mean over its replications; an outcome missing at some point is skipped (Suanli leaves its row
empty).

Calls `SALib.analyze.sobol.analyze(problem, Y, calc_second_order=False, num_resamples=1000,
conf_level=0.95, seed=1)` or `SALib.analyze.morris.analyze(problem, X, Y, num_resamples=1000,
conf_level=0.95, num_levels=p, seed=1)`, where the problem's names are the manifest's parameters
and its bounds each points.csv column's min and max, and X is the points.csv values. Prints one
JSON object:

    {"design": "sobol"|"morris", "salib": VERSION, "parameters": [...], "points": n,
     "rows": [{"entity_kind", "entity", "metric", "parameter",
               sobol: "S1", "S1_conf", "ST", "ST_conf" | morris: "mu", "mu_star", "sigma", "mu_star_conf",
               "constant": true when the point means do not vary}, ...]}

The `_conf` values are SALib's half-widths (norm.ppf(0.975) times the bootstrap standard deviation).
NaN is written as null.

    python salib_sensitivity.py FOLDER [--outcome firm/NAME/survived ...] [--resamples 1000] [--seed 1]
"""
import argparse
import csv
import importlib.metadata
import json
import math
import os
import sys
import warnings

import numpy as np
from SALib.analyze import morris as salib_morris
from SALib.analyze import sobol as salib_sobol


def fail(message):
    print(f"salib_sensitivity: {message}", file=sys.stderr)
    sys.exit(2)


def read_points(folder, parameters):
    """points.csv as an array (points × parameters), rows in point order."""
    path = os.path.join(folder, "points.csv")
    with open(path, newline="", encoding="utf-8") as f:
        reader = csv.reader(f)
        header = next(reader)
        if header[0] != "point" or header[1:] != parameters:
            fail(f"{path}: columns {header} do not match the manifest's parameters {parameters}")
        rows = {int(r[0]): [float(v) for v in r[1:]] for r in reader if r}
    n = len(rows)
    if sorted(rows) != list(range(n)):
        fail(f"{path}: points are not 0 … {n - 1}")
    return np.array([rows[p] for p in range(n)], dtype=float)


class Series:
    """One outcome: a value per run, keyed (point, replication)."""

    def __init__(self, kind, entity, metric):
        self.kind, self.entity, self.metric = kind, entity, metric
        self.values = {}

    @property
    def key(self):
        return f"{self.kind}/{self.entity}/{self.metric}"


def read_outcomes(folder):
    """The outcome series, in Suanli's order: firms (first appearance), entries, units_lost_total,
    final_price_index per tier (first appearance)."""
    firms = {}
    entries = Series("market", "all", "entries")
    with open(os.path.join(folder, "outcomes.csv"), newline="", encoding="utf-8") as f:
        for r in csv.DictReader(f):
            run = (int(r["point"]), int(r["replication"]))
            entries.values.setdefault(run, 0.0)
            if r["template"] == "":
                s = firms.setdefault(r["firm"], Series("firm", r["firm"], "survived"))
                s.values[run] = 1.0 if r["survived"] == "true" else 0.0
            elif r["entry_month"] != "":
                entries.values[run] += 1.0
    series = list(firms.values()) + [entries]
    market = os.path.join(folder, "market_monthly.csv")
    if os.path.exists(market):
        lost = Series("market", "all", "units_lost_total")
        prices = {}
        with open(market, newline="", encoding="utf-8") as f:
            for r in csv.DictReader(f):
                run = (int(r["point"]), int(r["replication"]))
                tier = r["tier"]
                s = prices.setdefault(tier, Series("market", tier, "final_price_index"))
                s.values[run] = float(r["price_index"]) if r["price_index"] != "" else None  # the last month stays
                if tier == "all":
                    lost.values[run] = lost.values.get(run, 0.0) + (float(r["units_lost"]) if r["units_lost"] != "" else 0.0)
        series += [lost] + list(prices.values())
    return series


def point_means(series, points):
    """The mean over replications per point, or None when some point has no value."""
    sums = np.zeros(points)
    counts = np.zeros(points, dtype=int)
    for (p, _), v in series.values.items():
        if v is None or not 0 <= p < points:
            continue
        sums[p] += v
        counts[p] += 1
    if (counts == 0).any():
        return None
    return sums / counts


def number(x):
    x = float(x)
    return None if math.isnan(x) else x


def check_layout(design, X, sweep):
    """Warnings (stderr) when points.csv does not look like the design's layout."""
    n, k = X.shape
    if design == "sobol":
        rows = k + 2
        if n % rows:
            fail(f"{n} points are not N·(k + 2) for k = {k}")
        if sweep.get("base_points") not in (None, n // rows):
            fail(f"{n} points but the manifest has base_points {sweep['base_points']}")
        bad = 0
        for i in range(0, n, rows):
            a, b = X[i], X[i + k + 1]
            for j in range(k):
                expect = a.copy()
                expect[j] = b[j]
                bad += not np.array_equal(X[i + 1 + j], expect)
        if bad:
            print(f"salib_sensitivity: warning: {bad} AB_j rows are not A with column j from B", file=sys.stderr)
    else:
        rows = k + 1
        if n % rows:
            fail(f"{n} points are not r·(k + 1) for k = {k}")
        if sweep.get("trajectories") not in (None, n // rows):
            fail(f"{n} points but the manifest has trajectories {sweep['trajectories']}")
        bad = 0
        for t in range(0, n, rows):
            moved = set()
            for i in range(k):
                d = np.nonzero(X[t + i + 1] != X[t + i])[0]
                bad += len(d) != 1
                moved.update(d.tolist())
            bad += len(moved) != k
        if bad:
            print(f"salib_sensitivity: warning: {bad} Morris steps do not move exactly one parameter each",
                  file=sys.stderr)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("folder")
    ap.add_argument("--outcome", action="append", default=[],
                    help="KIND/ENTITY/METRIC (e.g. firm/owner/survived, market/all/entries); repeatable; default all")
    ap.add_argument("--resamples", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()

    with open(os.path.join(a.folder, "manifest.json"), encoding="utf-8") as f:
        sweep = json.load(f).get("sweep") or {}
    design = sweep.get("design")
    if design not in ("sobol", "morris"):
        fail(f"{a.folder}: the manifest's sweep design is {design!r}, not sobol or morris")
    parameters = list(sweep["parameters"])
    X = read_points(a.folder, parameters)
    n, k = X.shape
    check_layout(design, X, sweep)
    levels = int(sweep.get("levels", 4))
    problem = {
        "num_vars": k,
        "names": parameters,
        "bounds": [[float(X[:, j].min()), float(X[:, j].max())] for j in range(k)],
    }

    series = read_outcomes(a.folder)
    if a.outcome:
        known = {s.key: s for s in series}
        missing = [o for o in a.outcome if o not in known]
        if missing:
            fail(f"no outcome {', '.join(missing)}; the folder has {', '.join(known)}")
        series = [known[o] for o in a.outcome]

    rows = []
    for s in series:
        Y = point_means(s, n)
        if Y is None:
            print(f"salib_sensitivity: {s.key} has points without a value; skipped", file=sys.stderr)
            continue
        constant = bool(np.ptp(Y) == 0)
        with warnings.catch_warnings():
            # Constant outputs: SALib divides by Y.std() = 0 (sobol) and warns; its indices come out 0.
            warnings.simplefilter("ignore")
            with np.errstate(all="ignore"):
                if design == "sobol":
                    si = salib_sobol.analyze(problem, Y, calc_second_order=False, num_resamples=a.resamples,
                                             conf_level=0.95, seed=a.seed)
                else:
                    si = salib_morris.analyze(problem, X, Y, num_resamples=a.resamples, conf_level=0.95,
                                              num_levels=levels, seed=a.seed)
        for j, name in enumerate(parameters):
            row = {"entity_kind": s.kind, "entity": s.entity, "metric": s.metric, "parameter": name}
            if design == "sobol":
                for key in ("S1", "S1_conf", "ST", "ST_conf"):
                    row[key] = number(si[key][j])
            else:
                for key in ("mu", "mu_star", "sigma", "mu_star_conf"):
                    row[key] = number(si[key][j])
            if constant:
                row["constant"] = True
            rows.append(row)

    out = {"design": design, "salib": importlib.metadata.version("SALib"), "parameters": parameters, "points": n}
    if design == "sobol":
        out["base_points"] = n // (k + 2)
    else:
        out["trajectories"] = n // (k + 1)
        out["levels"] = levels
    out["rows"] = rows
    print(json.dumps(out))


if __name__ == "__main__":
    main()
