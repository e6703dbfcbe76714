"""The SimPy peer of `suanli bench kernel`: the Erlang loss system (M/M/C/C), written
the way the SimPy documentation writes models (a source process, one process per
customer, the units as a `simpy.Resource`).

Same model, stopping rule and estimates as the Swift reference model and the C peer:
C units, Poisson arrivals at rate A, exponential holding times of mean 1, arrivals that
find every unit busy are lost; the run stops right after the N-th arrival. `events`
counts model events (arrivals and completed holdings), the quantity the Swift and C
programs count as calendar pops; SimPy itself processes several internal events per
customer (process start, request, timeout, release). Blocking and mean busy units by
batch means: warm-up N/20 plus the remainder, then 30 equal batches, 95% t intervals.
Random numbers come from Python's `random` (Mersenne Twister), one instance for
arrivals (seeded with SEED) and one for holding times (SEED + 1).

Usage: python3 erlang_simpy.py SERVERS LOAD ARRIVALS SEED
"""

import json
import math
import random
import statistics
import sys
import time

import simpy

BATCHES = 30
# Student's t quantile t(0.975, 29), as in the Swift and C programs.
T_975_29 = 2.045229642132703


def erlang_b(servers, load):
    b = 1.0
    for m in range(1, servers + 1):
        b = load * b / (m + load * b)
    return b


class LossSystem:
    def __init__(self, env, servers, load, arrivals, seed):
        self.env = env
        self.units = simpy.Resource(env, capacity=servers)
        self.load = load
        self.arrivals = arrivals
        self.arrival_rng = random.Random(seed)
        self.service_rng = random.Random(seed + 1)
        self.arrived = 0
        self.lost = 0
        self.departed = 0
        self.busy_area = 0.0
        self.last_change = 0.0
        batch_size = (arrivals - arrivals // 20) // BATCHES
        self.batch_size = batch_size
        self.next_boundary = arrivals - BATCHES * batch_size
        self.boundaries = []  # (time, busy_area, lost) at the warm-up's end and each batch's
        if self.next_boundary == 0:
            self.boundaries.append((0.0, 0.0, 0))
            self.next_boundary = batch_size

    def account(self):
        now = self.env.now
        self.busy_area += self.units.count * (now - self.last_change)
        self.last_change = now

    def source(self):
        for _ in range(self.arrivals):
            yield self.env.timeout(self.arrival_rng.expovariate(self.load))
            self.account()
            self.arrived += 1
            if self.units.count < self.units.capacity:
                self.env.process(self.customer(self.service_rng.expovariate(1.0)))
            else:
                self.lost += 1
            if self.arrived == self.next_boundary:
                self.boundaries.append((self.env.now, self.busy_area, self.lost))
                self.next_boundary += self.batch_size

    def customer(self, holding):
        with self.units.request() as request:
            yield request
            yield self.env.timeout(holding)
            self.account()
            self.departed += 1


def half_width(values):
    return T_975_29 * statistics.stdev(values) / math.sqrt(len(values))


def main():
    if len(sys.argv) != 5:
        sys.exit(f"usage: {sys.argv[0]} SERVERS LOAD ARRIVALS SEED")
    servers, load = int(sys.argv[1]), float(sys.argv[2])
    arrivals, seed = int(sys.argv[3]), int(sys.argv[4])
    if servers < 1 or not load > 0 or arrivals < 100:
        sys.exit("need SERVERS >= 1, LOAD > 0, ARRIVALS >= 100")

    env = simpy.Environment()
    system = LossSystem(env, servers, load, arrivals, seed)
    source = env.process(system.source())
    start = time.perf_counter()
    env.run(until=source)
    seconds = time.perf_counter() - start

    b = system.boundaries
    blocking_batches = [(b[k + 1][2] - b[k][2]) / system.batch_size for k in range(BATCHES)]
    busy_batches = [(b[k + 1][1] - b[k][1]) / (b[k + 1][0] - b[k][0]) for k in range(BATCHES)]
    events = system.arrived + system.departed
    print(json.dumps({
        "peer": "simpy",
        "servers": servers,
        "load": load,
        "arrivals": arrivals,
        "seed": seed,
        "generator": "python-mt19937",
        "events": events,
        "seconds": seconds,
        "events_per_second": events / seconds,
        "blocking": statistics.fmean(blocking_batches),
        "ci95": half_width(blocking_batches),
        "erlang_b": erlang_b(servers, load),
        "mean_busy": (b[-1][1] - b[0][1]) / (b[-1][0] - b[0][0]),
        "mean_busy_ci95": half_width(busy_batches),
    }, separators=(",", ":")))


if __name__ == "__main__":
    main()
