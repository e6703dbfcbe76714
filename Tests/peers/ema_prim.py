"""EMA Workbench's PRIM on a table of cases, the peer of Suanli's scenario discovery.

Reads CASES_CSV: a header, one column per input (read as floats, so every input is a continuous
dimension for PRIM) and a last column `y` (0 or 1, both present). Runs
`ema_workbench.analysis.prim.Prim(x, y, threshold=T, peel_alpha=A, paste_alpha=P, mass_min=M)`
(defaults otherwise: obj_function LENIENT1, threshold_type ABOVE, mode BINARY, update_function
"default") and `find_box()` once, and prints one JSON object:

    {"ema_workbench": VERSION, "cases": n, "inputs": [names], "cases_of_interest": count of y >= T,
     "parameters": {"peel_alpha", "paste_alpha", "mass_min", "threshold", "min_coverage"},
     "initial_box": {input: [min, max]},
     "threshold_met": true | false,
     "trajectory": [STEP, ...], "last": index, "last_box": STEP,
     "chosen": {"rule": "...", "min_coverage": MIN, "index": i | null, "box": STEP | null},
     "before_threshold_check": {"trajectory", "last", "last_box", "chosen"}   (only when not met)}

    STEP = {"id": i, "phase": "initial" | "peel" | "paste", "coverage", "density", "mean", "mass",
            "n": cases in the box, "k": cases of interest in it, "res_dim",
            "limits": {input: {"lower", "upper", "qp_lower", "qp_upper"}, ...}}

`trajectory` is the peeling and pasting trajectory of the box that find_box() returned; `limits`
holds the restricted inputs of each step only, in the order of the columns, with the box's limits
(box.box_lims[i]) and its quasi-p-values (box.inspect(i, style="data"), which agrees with box.qp[i]),
null where that side is not restricted. `phase` is derived here, not by EMA: a step whose mass is
below the previous one's is a peel, above it a paste. When the last box's mean is below the
threshold, find_box() returns a "dump box" (the initial box alone, a trajectory of one step):
then `threshold_met` is false and `before_threshold_check` holds the trajectory that find_box
computed before that check (the same PrimBox -> _peel -> _paste steps, run again).

The chosen box: among the steps with coverage >= MIN (--min-coverage, default 0.5), the one with
the highest density; ties go to the larger coverage, then to the earlier step. null when no step
has that coverage.

    python ema_prim.py CASES_CSV [--alpha 0.05] [--paste-alpha 0.05] [--mass-min 0.05]
                                 [--threshold 0.8] [--min-coverage 0.5]
"""
import argparse
import csv
import importlib.metadata
import json
import math
import sys
import warnings

import numpy as np
import pandas as pd

with warnings.catch_warnings():
    # ema_workbench warns on import that ipyparallel and altair (optional) are not installed.
    warnings.simplefilter("ignore")
    from ema_workbench.analysis import prim as ema_prim
    from ema_workbench.analysis import scenario_discovery_util as sdutil


def fail(message):
    print(f"ema_prim: {message}", file=sys.stderr)
    sys.exit(2)


def read_cases(path):
    with open(path, newline="", encoding="utf-8") as f:
        reader = csv.reader(f)
        try:
            header = next(reader)
        except StopIteration:
            fail(f"{path}: empty file")
        rows = [r for r in reader if r]
    if len(header) < 2 or header[-1] != "y":
        fail(f"{path}: expected input columns and a last column y, got {header}")
    if len(set(header)) != len(header):
        fail(f"{path}: duplicate column names in {header}")
    names = header[:-1]
    try:
        values = np.array([[float(v) for v in r[:-1]] for r in rows], dtype=np.float64)
        y = np.array([int(float(r[-1])) for r in rows], dtype=np.int64)
    except ValueError as e:
        fail(f"{path}: {e}")
    if any(len(r) != len(header) for r in rows):
        fail(f"{path}: a row does not have {len(header)} fields")
    if set(np.unique(y).tolist()) != {0, 1}:
        fail(f"{path}: y must hold 0s and 1s, both present")
    x = pd.DataFrame(values, columns=names).astype(np.float64)
    return x, y


def number(v):
    v = float(v)
    return None if math.isnan(v) else v


def qp_side(v):
    # EMA marks an unrestricted side with -1 (box.qp) or NaN (inspect).
    v = float(v)
    return None if math.isnan(v) or v == -1 else v


def steps(box, inputs):
    pt = box.peeling_trajectory
    box_init = box.prim.box_init
    out = []
    for i in range(len(pt)):
        row = pt.iloc[i]
        lims = box.box_lims[i]
        restricted = set(sdutil._determine_restricted_dims(lims, box_init).tolist())
        qp = box.qp[i]
        if set(qp) != restricted:
            fail(f"step {i}: qp keys {sorted(qp)} differ from the restricted inputs {sorted(restricted)}")
        _, table = box.inspect(i, style="data")[0]
        limits = {}
        for u in inputs:
            if u not in restricted:
                continue
            lower, upper = float(lims.loc[0, u]), float(lims.loc[1, u])
            t = table.loc[u].tolist()  # min, max, qp value (lower), qp value (upper)
            if [float(t[0]), float(t[1])] != [lower, upper] or \
                    [qp_side(t[2]), qp_side(t[3])] != [qp_side(qp[u][0]), qp_side(qp[u][1])]:
                fail(f"step {i}, {u}: inspect() {t} disagrees with box_lims/qp {lower, upper, qp[u]}")
            limits[u] = {"lower": lower, "upper": upper,
                         "qp_lower": qp_side(qp[u][0]), "qp_upper": qp_side(qp[u][1])}
        mass = float(row["mass"])
        if i == 0:
            phase = "initial"
        else:
            phase = "peel" if mass < out[-1]["mass"] else "paste"
        out.append({
            "id": int(row["id"]), "phase": phase,
            "coverage": number(row["coverage"]), "density": number(row["density"]),
            "mean": number(row["mean"]), "mass": mass,
            "n": int(row["n"]), "k": int(row["k"]), "res_dim": int(row["res_dim"]),
            "limits": limits,
        })
    return out


def choose(trajectory, min_coverage):
    best = None
    for s in trajectory:
        if s["coverage"] is None or s["coverage"] < min_coverage:
            continue
        if best is None or (s["density"], s["coverage"]) > (best["density"], best["coverage"]):
            best = s
    return {"rule": "highest density among the steps with coverage >= min_coverage; "
                    "ties: larger coverage, then the earlier step",
            "min_coverage": min_coverage,
            "index": None if best is None else best["id"], "box": best}


def describe(box, inputs, min_coverage):
    trajectory = steps(box, inputs)
    return {"trajectory": trajectory, "last": len(trajectory) - 1, "last_box": trajectory[-1],
            "chosen": choose(trajectory, min_coverage)}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("cases", metavar="CASES_CSV")
    ap.add_argument("--alpha", type=float, default=0.05, help="peel_alpha (default 0.05)")
    ap.add_argument("--paste-alpha", type=float, default=0.05, help="paste_alpha (default 0.05)")
    ap.add_argument("--mass-min", type=float, default=0.05, help="mass_min (default 0.05)")
    ap.add_argument("--threshold", type=float, default=0.8,
                    help="density threshold of the final box; also y >= threshold is 'of interest'")
    ap.add_argument("--min-coverage", type=float, default=0.5,
                    help="coverage floor of the chosen-box rule (default 0.5)")
    args = ap.parse_args()
    for name in ("alpha", "paste_alpha"):
        if not 0 < getattr(args, name) < 1:
            fail(f"--{name.replace('_', '-')} must be in (0, 1)")

    x, y = read_cases(args.cases)
    inputs = list(x.columns)
    kwargs = dict(threshold=args.threshold, peel_alpha=args.alpha, paste_alpha=args.paste_alpha,
                  mass_min=args.mass_min)
    prim = ema_prim.Prim(x, y, **kwargs)
    box = prim.find_box()

    out = {
        "ema_workbench": importlib.metadata.version("ema_workbench"),
        "cases": int(prim.n), "inputs": inputs, "cases_of_interest": int(prim.t_coi),
        "parameters": {"peel_alpha": args.alpha, "paste_alpha": args.paste_alpha,
                       "mass_min": args.mass_min, "threshold": args.threshold,
                       "min_coverage": args.min_coverage},
        "initial_box": {u: [float(prim.box_init.loc[0, u]), float(prim.box_init.loc[1, u])]
                        for u in inputs},
    }
    # find_box() keeps the box when its (last step's) mean meets the threshold, else returns a
    # fresh PrimBox of the initial box (prim.py, Prim.find_box).
    met = bool(box.mean >= args.threshold)
    out["threshold_met"] = met
    out.update(describe(box, inputs, args.min_coverage))
    if not met:
        again = ema_prim.Prim(x, y, **kwargs)
        unchecked = ema_prim.PrimBox(again, again.box_init, again.yi_remaining[:])
        unchecked = again._paste(again._peel(unchecked))
        out["before_threshold_check"] = describe(unchecked, inputs, args.min_coverage)
    print(json.dumps(out))


if __name__ == "__main__":
    main()
