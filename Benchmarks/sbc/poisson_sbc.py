"""Simulation-based calibration (Talts et al. 2018) of `suanli calibrate` on the Poisson-arrivals problem.

For k = 1..K: draw a rate from the prior of Scenarios/targets/poisson-rate.yaml (gamma, shape 4, scale 1),
simulate one year of arrivals with the market model at that rate (`suanli run`), calibrate to the count
(`suanli calibrate`, tolerance 0), and record where the truth falls in the posterior: its weighted CDF
value (uniform on (0, 1) when the posteriors are right) and whether the 50% and 90% central intervals
cover it. Prints the rank histogram (10 bins), a chi-square test of its uniformity, and the coverages.

    .venv-peers/bin/python Benchmarks/sbc/poisson_sbc.py   (numpy and scipy: scripts/setup-peers.sh) --suanli .build/release/suanli --draws 60
"""
import argparse
import csv
import json
import os
import subprocess
import sys
import tempfile

import numpy as np
from scipy import stats

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
SCENARIO = os.path.join(ROOT, "Scenarios", "validation", "poisson-rate.yaml")


def run(args):
    subprocess.run(args, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--suanli", default=os.path.join(ROOT, ".build", "release", "suanli"))
    p.add_argument("--draws", type=int, default=60)
    p.add_argument("--particles", type=int, default=200)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--threads", type=int, default=2)
    a = p.parse_args()
    rng = np.random.default_rng(a.seed)
    work = tempfile.mkdtemp(prefix="suanli-sbc-")
    ranks, cover50, cover90 = [], 0, 0
    for k in range(a.draws):
        truth = float(rng.gamma(4.0, 1.0))
        data = os.path.join(work, f"data-{k}")
        run([a.suanli, "run", SCENARIO, "--set", f"demand.segments[tenants].rate={truth!r}", "--replications", "1",
             "--seed", str(1000 + k), "--out", data, "--quiet"])
        with open(os.path.join(data, "market_monthly.csv"), newline="") as f:
            count = sum(int(r["tenants_arrived"]) for r in csv.DictReader(f) if r["tier"] == "all")
        targets = os.path.join(work, f"targets-{k}.yaml")
        with open(targets, "w") as f:
            f.write(f"""base: {SCENARIO}
seed: {k + 1}
particles: {a.particles}
budget: 1000000
predictive: 0
parameters:
  - path: demand.segments[tenants].rate
    prior: {{dist: gamma, shape: 4, scale: 1}}
observations:
  - {{name: arrivals, file: market_monthly, column: tenants_arrived, tier: all, aggregate: sum, value: {count}, sd: 1}}
""")
        out = os.path.join(work, f"cal-{k}")
        run([a.suanli, "calibrate", targets, "--out", out, "--threads", str(a.threads), "--quiet"])
        with open(os.path.join(out, "posterior.csv"), newline="") as f:
            rows = list(csv.reader(f))[1:]
        x = np.array([float(r[2]) for r in rows]); w = np.array([float(r[1]) for r in rows])
        u = float(w[x <= truth].sum() / w.sum())
        ranks.append(u)
        cover50 += 0.25 <= u <= 0.75
        cover90 += 0.05 <= u <= 0.95
        print(f"{k + 1}/{a.draws}: truth {truth:.3f}, count {count}, posterior CDF at truth {u:.3f}", file=sys.stderr)
    hist, _ = np.histogram(ranks, bins=10, range=(0, 1))
    chi2, pvalue = stats.chisquare(hist)
    n = a.draws
    print(json.dumps({
        "draws": n, "particles": a.particles, "histogram": hist.tolist(),
        "chi_square": float(chi2), "p_value": float(pvalue),
        "coverage_50": cover50 / n, "coverage_90": cover90 / n,
        "coverage_90_binomial_99": [int(stats.binom.ppf(0.005, n, 0.9)), int(stats.binom.ppf(0.995, n, 0.9))],
    }))


if __name__ == "__main__":
    main()
