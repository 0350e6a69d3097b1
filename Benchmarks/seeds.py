#!/usr/bin/env python3
"""Seed selection, same run: `influence seeds` (IMM and CELF) against a CELF greedy on cynetdiff.

A directed random graph (numpy seed 3; 5,000 people and 25,000 edges by default), every edge
with the same probability, k seeds. The peer is the CELF greedy of cynetdiff's documentation:
lazy marginal gains, each from `compute_marginal_gains` over `--trials` Monte Carlo runs.
`influence seeds --method celf` runs the same algorithm with the same number of runs per
estimate; `influence seeds` (IMM, epsilon 0.1 unless --epsilon) is the guaranteed method.
Every seed set is then scored by the same judge, cynetdiff with 20,000 fresh runs, so the
spreads compare fairly. Times are wall-clock seconds of the whole command (reading the CSV
included for influence; building the model excluded for cynetdiff). Prints a table.

    python3 Benchmarks/seeds.py [--people 5000] [--edges 25000] [--p 0.05] [--k 10] [--trials 1000]
"""
import argparse
import array
import heapq
import os
import subprocess
import time

from simulate import ROOT, ensure_venv, random_pairs


def celf(model, n, k, trials):
    """CELF greedy on cynetdiff: a max-heap of stale gains, re-estimated lazily."""
    heap = [(-model.compute_marginal_gains([], [v], trials)[1], v, 0) for v in range(n)]
    heapq.heapify(heap)
    chosen = []
    while len(chosen) < k and heap:
        gain, v, round_ = heapq.heappop(heap)
        if round_ == len(chosen):
            chosen.append(v)
        else:
            fresh = model.compute_marginal_gains(chosen, [v], trials)[1]
            heapq.heappush(heap, (-fresh, v, len(chosen)))
    return chosen


def main():
    ensure_venv()
    import numpy as np
    from cynetdiff.models import IndependentCascadeModel

    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=5000)
    parser.add_argument("--edges", type=int, default=25000)
    parser.add_argument("--p", type=float, default=0.05)
    parser.add_argument("--k", type=int, default=10)
    parser.add_argument("--trials", type=int, default=1000)
    parser.add_argument("--epsilon", type=float, default=0.1)
    args = parser.parse_args()
    n, m = args.people, args.edges

    pairs = random_pairs(n, m, seed=3)
    data = ROOT / "Benchmarks" / "data" / f"seeds-{n}-{m}.csv"
    data.parent.mkdir(parents=True, exist_ok=True)
    with open(data, "w") as f:
        f.write("referrer,referred\n")
        # Every person named once up front in id order would change nothing: people are
        # numbered by first appearance, and the mapping below goes through the names.
        for s, t in pairs:
            f.write(f"n{s},n{t}\n")
    order = np.lexsort((pairs[:, 1], pairs[:, 0]))
    pairs = pairs[order]
    counts = np.zeros(n + 1, dtype=np.int64)
    np.add.at(counts, pairs[:, 0] + 1, 1)
    starts = array.array("I", np.cumsum(counts)[:-1].astype(np.uint32).tolist())
    edges = array.array("I", pairs[:, 1].astype(np.uint32).tolist())

    def fresh_model(seed):
        return IndependentCascadeModel(starts, edges, activation_prob=args.p, rng=np.random.default_rng(seed))

    judge = fresh_model(99)

    def judged(seeds):
        return judge.compute_marginal_gains(list(seeds), [], 20000)[0]

    subprocess.check_call(["swift", "build", "-c", "release", "--product", "influence"], cwd=ROOT, stdout=subprocess.DEVNULL)
    binary = ROOT / ".build" / "release" / "influence"

    rows = []
    t = time.perf_counter()
    peer_seeds = celf(fresh_model(1), n, args.k, args.trials)
    rows.append((f"cynetdiff 0.1.18 CELF ({args.trials} runs)", time.perf_counter() - t, judged(peer_seeds)))

    for label, extra in (
        (f"influence CELF ({args.trials} runs)", ["--method", "celf", "--runs", str(args.trials)]),
        (f"influence IMM (eps {args.epsilon})", ["--epsilon", str(args.epsilon)]),
    ):
        for threads in ("1", "2"):
            out = data.with_suffix(".seeds.csv")
            t = time.perf_counter()
            subprocess.check_call(
                [str(binary), "seeds", str(data), "--k", str(args.k), "--probability", str(args.p), "--format", "csv",
                 "-o", str(out), "--quiet"] + extra, env=dict(os.environ, INFLUENCE_THREADS=threads))
            elapsed = time.perf_counter() - t
            names = [line.split(",")[1] for line in out.read_text().splitlines()[1:]]
            rows.append((f"{label}, {threads} thread{'s' if threads != '1' else ''}", elapsed, judged(int(x[1:]) for x in names)))

    print(f"{n} people, {len(pairs)} edges, p = {args.p}, k = {args.k}; spread judged by cynetdiff over 20,000 runs")
    print(f"{'method':<40} {'seconds':>9} {'time ratio':>11} {'spread':>9} {'spread ratio':>13}")
    base_time, base_spread = rows[0][1], rows[0][2]
    for label, seconds, spread in rows:
        print(f"{label:<40} {seconds:>9.2f} {seconds / base_time:>11.3f} {spread:>9.2f} {spread / base_spread:>13.3f}")


if __name__ == "__main__":
    main()
