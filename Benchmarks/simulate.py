#!/usr/bin/env python3
"""Independent Cascade runs per second: `influence simulate` against cynetdiff, same run.

A directed random graph of 100k people and 1M edges (numpy seed 1), every edge with the
same probability (0.08, then 0.15), ten seed people. cynetdiff (one thread, its own loop of
reset + advance_until_completion) and `influence simulate --probability P` at one and two
threads. influence's figure is per run: (time of N runs - time of 1 run) / (N - 1), so
reading the CSV is left out; cynetdiff's excludes building its model. Prints a table.

    python3 Benchmarks/simulate.py [--runs 100000]   # runs at p = 0.08; a 200th of them at 0.15
"""
import os
import pathlib
import subprocess
import sys
import time
import venv

ROOT = pathlib.Path(__file__).resolve().parent.parent
VENV = ROOT / ".build" / "cynetdiff-venv"
DATA = ROOT / "Benchmarks" / "data" / "ic-100k-1M.csv"


def ensure_venv():
    python = VENV / "bin" / "python"
    if not python.exists():
        venv.create(VENV, with_pip=True)
        subprocess.check_call([str(python), "-m", "pip", "install", "-q", "cynetdiff==0.1.18", "networkx", "numpy"])
    # The virtualenv's python is a link to the base interpreter: tell them apart by prefix.
    if pathlib.Path(sys.prefix).resolve() != VENV.resolve():
        sys.exit(subprocess.call([str(python), sys.argv[0]] + sys.argv[1:]))


def random_pairs(n, m, seed, shuffle=False):
    """m distinct directed pairs among n people, no self-pairs (numpy `seed`): sorted, or with
    `shuffle` in a random order drawn from the same generator."""
    import numpy as np

    rng = np.random.default_rng(seed)
    src = rng.integers(0, n, size=m * 2)
    dst = rng.integers(0, n, size=m * 2)
    keep = src != dst
    pairs = np.unique(np.stack([src[keep], dst[keep]], axis=1), axis=0)[:m]
    if shuffle:
        rng.shuffle(pairs)
    return pairs


def main():
    ensure_venv()
    import numpy as np
    from cynetdiff.models import IndependentCascadeModel

    runs = int(sys.argv[sys.argv.index("--runs") + 1]) if "--runs" in sys.argv else 100_000
    n, m = 100_000, 1_000_000
    pairs = random_pairs(n, m, seed=1, shuffle=True)
    DATA.parent.mkdir(parents=True, exist_ok=True)
    if not DATA.exists():
        with open(DATA, "w") as f:
            f.write("referrer,referred\n")
            for s, t in pairs:
                f.write(f"n{s},n{t}\n")
    order = np.lexsort((pairs[:, 1], pairs[:, 0]))
    pairs = pairs[order]
    starts = np.zeros(n + 1, dtype=np.uint32)
    np.add.at(starts, pairs[:, 0] + 1, 1)
    starts = np.cumsum(starts).astype(np.uint32)
    edges = pairs[:, 1].astype(np.uint32)
    seeds = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]
    subprocess.check_call(["swift", "build", "-c", "release", "--product", "influence"], cwd=ROOT, stdout=subprocess.DEVNULL)
    binary = ROOT / ".build" / "release" / "influence"
    print(f"{'p':>5} {'tool':<22} {'runs/s':>12} {'ratio to cynetdiff':>20}")
    for p in (0.08, 0.15):
        model = IndependentCascadeModel(starts[:-1].copy(), edges, activation_prob=p, rng=np.random.default_rng(2))
        model.set_seeds(seeds)
        peer_runs = runs if p < 0.1 else max(50, runs // 200)
        t0 = time.perf_counter()
        for _ in range(peer_runs):
            model.reset_model()
            model.advance_until_completion()
        peer = peer_runs / (time.perf_counter() - t0)
        print(f"{p:>5} {'cynetdiff (1 thread)':<22} {peer:>12.0f} {1.0:>20.2f}")
        ours_runs = peer_runs
        for threads in ("1", "2"):
            env = dict(os.environ, INFLUENCE_THREADS=threads)

            def timed(k):
                t = time.perf_counter()
                subprocess.check_call(
                    [str(binary), "simulate", str(DATA), "--seeds", ",".join(f"n{s}" for s in seeds), "--probability", str(p),
                     "--runs", str(k), "--format", "csv", "-o", "/dev/null", "--quiet"], env=env)
                return time.perf_counter() - t

            one = min(timed(1) for _ in range(2))
            many = timed(ours_runs)
            rate = (ours_runs - 1) / max(many - one, 1e-9)
            print(f"{p:>5} {'influence (' + threads + ' thread' + ('s' if threads != '1' else '') + ')':<22} {rate:>12.0f} {rate / peer:>20.2f}")


if __name__ == "__main__":
    main()
