"""The known-posterior calibration problem through pyabc, the peer of `suanli calibrate`.

Reads the `analytic:` line of a targets file (`prior gamma shape A scale S; observed N arrivals over T
years`), runs pyabc's ABC-SMC on the same problem -- a Poisson count with mean rate x T, the distance
|count - N| / sd, the gamma prior, tolerances down to 0 -- with its single-core sampler and a fixed
seed, and prints one JSON object: the posterior's weighted mean, 5/50/95% quantiles, effective sample
size, simulations and the analytic gamma posterior's mean, sd and quantiles.

    python pyabc_poisson.py TARGETS.yaml --population 1000 --seed 1 --epsilons 12,8,5,3,2,1,0
"""
import argparse
import json
import logging
import os
import re
import tempfile

import numpy as np
import pyabc
import scipy.stats as st


def analytic(path):
    with open(path, encoding="utf-8") as f:
        for line in f:
            m = re.search(r"analytic: prior gamma shape ([0-9.eE+-]+) scale ([0-9.eE+-]+); "
                          r"observed ([0-9]+) arrivals over ([0-9.eE+-]+) years", line)
            if m:
                return float(m[1]), float(m[2]), int(m[3]), float(m[4])
    raise SystemExit(f"{path}: no 'analytic:' line")


def weighted_quantile(x, w, q):
    order = np.argsort(x, kind="stable")
    c = np.cumsum(w[order]) / w.sum()
    return float(x[order][np.searchsorted(c, q - 1e-12)])


def main():
    p = argparse.ArgumentParser()
    p.add_argument("targets")
    p.add_argument("--population", type=int, default=1000)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--epsilons", default="12,8,5,3,2,1,0")
    p.add_argument("--sd", type=float, default=1.0)
    a = p.parse_args()
    shape, scale, n, years = analytic(a.targets)
    logging.getLogger("ABC").setLevel(logging.WARNING)
    logging.getLogger("Sampler").setLevel(logging.WARNING)
    logging.getLogger("Epsilon").setLevel(logging.WARNING)
    logging.getLogger("ABC.History").setLevel(logging.WARNING)
    logging.getLogger("ABC.Sampler").setLevel(logging.WARNING)

    def model(par):
        return {"n": np.random.poisson(par["rate"] * years)}

    def distance(x, y):
        return abs(x["n"] - y["n"]) / a.sd

    np.random.seed(a.seed)
    prior = pyabc.Distribution(rate=pyabc.RV("gamma", shape, scale=scale))
    eps = [float(e) for e in a.epsilons.split(",")]
    abc = pyabc.ABCSMC(model, prior, distance, population_size=a.population,
                       eps=pyabc.ListEpsilon(eps), sampler=pyabc.sampler.SingleCoreSampler())
    db = "sqlite:///" + os.path.join(tempfile.mkdtemp(), "peer.db")
    abc.new(db, {"n": n})
    history = abc.run(minimum_epsilon=0, max_nr_populations=len(eps))
    df, w = history.get_distribution()
    x = df["rate"].to_numpy()
    w = np.asarray(w, dtype=float)
    post = st.gamma(shape + n, scale=scale / (1 + scale * years))
    print(json.dumps({
        "mean": float((w * x).sum() / w.sum()),
        "q05": weighted_quantile(x, w, 0.05),
        "q50": weighted_quantile(x, w, 0.5),
        "q95": weighted_quantile(x, w, 0.95),
        "ess": float(w.sum() ** 2 / (w ** 2).sum()),
        "simulations": int(history.total_nr_simulations),
        "final_epsilon": float(history.get_all_populations()["epsilon"].iloc[-1]),
        "analytic": {"mean": float(post.mean()), "sd": float(post.std()),
                     "q05": float(post.ppf(0.05)), "q50": float(post.ppf(0.5)), "q95": float(post.ppf(0.95))},
    }))


if __name__ == "__main__":
    main()
