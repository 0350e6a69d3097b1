#!/usr/bin/env python3
"""Runs `influence score` and the Python stacks on the same referral export, in one run.

    python3 Benchmarks/compare.py [--size 10M] [--threads 2] [--skip networkx] [--repeat 1]

It creates Benchmarks/.venv and pip-installs the peers into it (a peer that does not
install is reported, not fatal), builds `influence` and the benchmark tool in release mode
(.build-perf), generates Benchmarks/data/referrals-SIZE.csv if it is missing (git-ignored),
then times, each in its own process under /usr/bin/time -v (wall clock, peak RSS):

  influence        influence score FILE -o scores.csv (the CLI, end to end, --timings)
  graphblas        pandas read + factorize, python-graphblas (SuiteSparse) mxv power iteration
  numba            pandas read + factorize, scipy CSR, numba prange SpMV power iteration
  networkit        pandas read + factorize, networkit PageRank (L1 norm)
  igraph           pandas read + factorize, igraph PageRank (PRPACK)
  networkx         networkx DiGraph from pandas, nx.pagerank of the reversed graph
  polars           polars read + categorical codes only (no PageRank)

Every PageRank is that of the reversed graph (credit flows from the referred to the
referrer), damping 0.85, dangling mass spread uniformly, iterated until the L1 change is
below 1e-10 (as `influence` does; networkx's tol is per node, so it gets 1e-10/n). Each
peer's scores are checked against influence's scores.csv to 1e-8 per person.
OPENBLAS_NUM_THREADS and the peers' thread counts are set explicitly (--threads).
"""
import argparse
import json
import os
import re
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
VENV = os.path.join(ROOT, "Benchmarks", ".venv")
PEERS = {
    "graphblas": ["pandas", "python-graphblas"],
    "numba": ["pandas", "numba", "scipy"],
    "networkit": ["pandas", "networkit"],
    "igraph": ["pandas", "igraph"],
    "networkx": ["pandas", "networkx", "scipy"],
    "polars": ["polars"],
}
ALPHA = 0.85
TOL = 1e-10
MAX_ITER = 1000


# ----------------------------------------------------------------------------- peers

def load_pandas(path):
    """Reads the export and turns ids into integer codes (people numbered by first appearance)."""
    import numpy as np
    import pandas as pd
    frame = pd.read_csv(path, dtype=str, engine="c")
    codes, names = pd.factorize(np.concatenate([frame["source"].to_numpy(), frame["target"].to_numpy()]))
    m = len(frame)
    return codes[:m].astype(np.int64), codes[m:].astype(np.int64), np.asarray(names, dtype=object)


def power_iteration(n, in_weight, spmv, np):
    """x <- alpha * W (x / in) + (alpha * dangling(x) + 1 - alpha) / n, until ||dx||_1 < TOL."""
    inverse = np.zeros(n)
    np.divide(1.0, in_weight, out=inverse, where=in_weight > 0)
    dangling = in_weight == 0
    x = np.full(n, 1.0 / n)
    for iteration in range(1, MAX_ITER + 1):
        y = spmv(x * inverse)
        y *= ALPHA
        y += (ALPHA * x[dangling].sum() + 1 - ALPHA) / n
        change = np.abs(y - x).sum()
        x = y
        if change < TOL:
            return x, iteration
    return x, MAX_ITER


def peer_graphblas(path, threads):
    import numpy as np
    import graphblas as gb
    gb.ss.config["nthreads"] = threads
    t0 = time.perf_counter()
    s, t, names = load_pandas(path)
    n = len(names)
    w = gb.Matrix.from_coo(s, t, np.ones(len(s)), nrows=n, ncols=n, dup_op=gb.binary.plus)
    in_weight = w.reduce_columnwise(gb.monoid.plus).new().to_dense(fill_value=0.0)
    t1 = time.perf_counter()
    def spmv(z):
        return (w.mxv(gb.Vector.from_dense(z), gb.semiring.plus_times)).new().to_dense(fill_value=0.0)
    x, iterations = power_iteration(n, in_weight, spmv, np)
    return names, x, t1 - t0, time.perf_counter() - t1, iterations


def peer_numba(path, threads):
    import numpy as np
    import numba
    import scipy.sparse as sp
    numba.set_num_threads(threads)

    @numba.njit(parallel=True, cache=False)
    def csr_spmv(indptr, indices, data, z, out):
        for r in numba.prange(len(indptr) - 1):
            acc = 0.0
            for e in range(indptr[r], indptr[r + 1]):
                acc += data[e] * z[indices[e]]
            out[r] = acc

    t0 = time.perf_counter()
    s, t, names = load_pandas(path)
    n = len(names)
    w = sp.csr_matrix((np.ones(len(s)), (s, t)), shape=(n, n))
    w.sum_duplicates()
    in_weight = np.asarray(w.sum(axis=0)).ravel()
    out = np.zeros(n)
    csr_spmv(w.indptr, w.indices, w.data, np.zeros(n), out)  # compile outside the timed loop
    t1 = time.perf_counter()
    def spmv(z):
        csr_spmv(w.indptr, w.indices, w.data, z, out)
        return out.copy()
    x, iterations = power_iteration(n, in_weight, spmv, np)
    return names, x, t1 - t0, time.perf_counter() - t1, iterations


def peer_networkit(path, threads):
    import numpy as np
    import networkit as nk
    nk.setNumberOfThreads(threads)
    t0 = time.perf_counter()
    s, t, names = load_pandas(path)
    n = len(names)
    g = nk.GraphFromCoo((np.ones(len(s)), (t.astype(np.uint64), s.astype(np.uint64))), n=n, directed=True, weighted=False)
    g.removeMultiEdges()
    t1 = time.perf_counter()
    pr = nk.centrality.PageRank(g, damp=ALPHA, tol=TOL / n, normalized=False,
                                distributeSinks=nk.centrality.SinkHandling.DistributeSinks)
    pr.norm = nk.centrality.Norm.L1_NORM
    pr.maxIterations = MAX_ITER
    pr.run()
    x = np.asarray(pr.scores())
    x = x / x.sum()
    return names, x, t1 - t0, time.perf_counter() - t1, pr.numberOfIterations()


def peer_igraph(path, threads):
    import numpy as np
    import igraph as ig
    t0 = time.perf_counter()
    s, t, names = load_pandas(path)
    n = len(names)
    g = ig.Graph(n=n, edges=np.column_stack([t, s]), directed=True)  # reversed: target -> source
    g.simplify(multiple=True, loops=False)
    t1 = time.perf_counter()
    x = np.asarray(g.pagerank(damping=ALPHA, directed=True, implementation="prpack"))
    return names, x, t1 - t0, time.perf_counter() - t1, None


def peer_networkx(path, threads):
    import numpy as np
    import pandas as pd
    import networkx as nx
    t0 = time.perf_counter()
    frame = pd.read_csv(path, dtype=str, engine="c")
    g = nx.from_pandas_edgelist(frame, "source", "target", create_using=nx.DiGraph)
    reverse = g.reverse(copy=False)
    t1 = time.perf_counter()
    n = g.number_of_nodes()
    scores = nx.pagerank(reverse, alpha=ALPHA, tol=TOL / n, max_iter=MAX_ITER)
    t2 = time.perf_counter()
    names = np.array(list(scores.keys()), dtype=object)
    return names, np.array(list(scores.values())), t1 - t0, t2 - t1, None


def peer_polars(path, threads):
    os.environ["POLARS_MAX_THREADS"] = str(threads)
    import polars as pl
    t0 = time.perf_counter()
    frame = pl.read_csv(path)
    ids = pl.concat([frame["source"], frame["target"]]).cast(pl.Categorical)
    codes = ids.to_physical()
    t1 = time.perf_counter()
    assert int(codes.max()) + 1 > 0
    return None, None, t1 - t0, None, None


def run_peer(name, path, out, threads):
    names, x, load, rank, iterations = globals()["peer_" + name](path, threads)
    if names is not None:
        import pandas as pd
        pd.DataFrame({"node": names, "score": x}).to_csv(out, index=False, float_format="%.17g")
    print("RESULT " + json.dumps({"load": load, "pagerank": rank, "iterations": iterations}))


# ----------------------------------------------------------------------------- driver

def sh(cmd, **kw):
    print("+ " + " ".join(cmd), flush=True)
    return subprocess.run(cmd, check=True, **kw)


def ensure_venv(peers):
    """Creates the virtualenv and installs each peer's packages; returns the peers that failed."""
    python = os.path.join(VENV, "bin", "python")
    if not os.path.exists(python):
        sh([sys.executable, "-m", "venv", VENV])
        sh([python, "-m", "pip", "install", "-q", "--upgrade", "pip"])
    failed = {}
    for peer in peers:
        probe = subprocess.run([python, "-c", "import " + ", ".join(m.replace("python-", "").replace("-", "_") for m in PEERS[peer])],
                               capture_output=True)
        if probe.returncode == 0:
            continue
        result = subprocess.run([python, "-m", "pip", "install", "-q"] + PEERS[peer], capture_output=True, text=True)
        if result.returncode != 0:
            failed[peer] = (result.stderr.strip().splitlines() or ["pip failed"])[-1]
    return python, failed


def timed(cmd, env):
    """Runs cmd under /usr/bin/time -v; returns (stdout, stderr, wall seconds, peak RSS bytes)."""
    result = subprocess.run(["/usr/bin/time", "-v"] + cmd, capture_output=True, text=True, env=env)
    if result.returncode != 0:
        raise RuntimeError(f"{cmd[0]} failed ({result.returncode}): {result.stderr[-2000:]}")
    wall = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (?:(\d+):)?(\d+):([\d.]+)", result.stderr)
    seconds = int(wall.group(1) or 0) * 3600 + int(wall.group(2)) * 60 + float(wall.group(3))
    rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", result.stderr).group(1)) * 1024
    return result.stdout, result.stderr, seconds, rss


def agreement(reference, other):
    """The largest per-person difference between two node,score CSV files (inf if people differ)."""
    import pandas as pd
    a = pd.read_csv(reference, dtype={"node": str}, keep_default_na=False)[["node", "score"]]
    b = pd.read_csv(other, dtype={"node": str}, keep_default_na=False)[["node", "score"]]
    if len(a) != len(b):
        return float("inf")
    merged = a.merge(b, on="node", suffixes=("_a", "_b"))
    if len(merged) != len(a):
        return float("inf")
    return float((merged["score_a"] - merged["score_b"]).abs().max())


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", default="10M", help="referrals: 1M, 10M or 50M (people = referrals / 10)")
    parser.add_argument("--file", help="use this export instead of a generated one")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--skip", action="append", default=[], help="peer to leave out (repeatable)")
    parser.add_argument("--repeat", type=int, default=1, help="runs of influence (the best is shown)")
    parser.add_argument("--peer", help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.peer:
        return run_peer(args.peer, args.file, args.out, args.threads)

    peers = [p for p in PEERS if p not in args.skip]
    python, failed = ensure_venv(peers)
    if os.path.realpath(sys.prefix) != os.path.realpath(VENV):
        # Go on inside the virtualenv, where pandas is, to compare the scores.
        os.execv(python, [python, os.path.abspath(__file__)] + sys.argv[1:])
    sh(["swift", "build", "-c", "release", "--scratch-path", ".build-perf"], cwd=ROOT)
    tool = os.path.join(ROOT, ".build-perf", "release")
    path = args.file
    if not path:
        os.makedirs(os.path.join(ROOT, "Benchmarks", "data"), exist_ok=True)
        path = os.path.join(ROOT, "Benchmarks", "data", f"referrals-{args.size}.csv")
        if not os.path.exists(path):
            referrals = args.size
            people = {"1M": "100k", "10M": "1M", "50M": "5M"}.get(referrals, "1M")
            sh([os.path.join(tool, "InfluenceBenchmarks"), "generate", "--people", people, "--referrals", referrals, "--out", path])
    size_mb = os.path.getsize(path) / 1e6
    env = dict(os.environ, OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS=str(args.threads),
               NUMBA_NUM_THREADS=str(args.threads), INFLUENCE_THREADS=str(args.threads))
    work = os.path.join(ROOT, "Benchmarks", "data", "compare")
    os.makedirs(work, exist_ok=True)
    ours = os.path.join(work, "scores.csv")
    rows = []

    best = None
    for _ in range(args.repeat):
        _, err, wall, rss = timed([os.path.join(tool, "influence"), "score", path, "-o", ours, "--timings"], env)
        phases = dict((k, float(v) / 1000) for k, v in re.findall(r"([\w+]+) (\d+) ms", err))
        iterations = int(re.search(r"\((\d+) iterations", err).group(1))
        if best is None or wall < best[0]:
            best = (wall, rss, phases, iterations)
    wall, rss, phases, iterations = best
    load = sum(phases.get(k, 0) for k in ("map", "parse+intern", "merge", "build"))
    rows.append(("influence (Swift, this package)", load, phases.get("iterate", 0), iterations, wall, rss, 0.0))

    for peer in peers:
        if peer in failed:
            rows.append((peer, None, None, None, None, None, "not installed: " + failed[peer]))
            continue
        out = os.path.join(work, f"scores-{peer}.csv")
        try:
            stdout, _, pwall, prss = timed([python, os.path.abspath(__file__), "--peer", peer, "--file", path, "--out", out,
                                            "--threads", str(args.threads)], env)
        except RuntimeError as error:
            rows.append((peer, None, None, None, None, None, "failed: " + str(error).splitlines()[0][:120]))
            continue
        result = json.loads(stdout.split("RESULT ", 1)[1])
        diff = agreement(ours, out) if peer != "polars" else None
        rows.append((peer, result["load"], result["pagerank"], result["iterations"], pwall, prss, diff))

    print(f"\n{path}: {size_mb:.1f} MB; threads {args.threads}; OPENBLAS_NUM_THREADS=1; {time.strftime('%Y-%m-%d %H:%M')}; "
          f"load average {os.getloadavg()[0]:.2f}")
    header = f"{'pipeline':34} {'load+build':>11} {'PageRank':>9} {'iter':>5} {'ms/iter':>8} {'wall':>8} {'peak RSS':>9} {'max |diff|':>11} {'wall ratio':>10}"
    print(header)
    print("-" * len(header))
    base = rows[0][4]
    for name, load, rank, its, pwall, prss, diff in rows:
        if isinstance(diff, str):
            print(f"{name:34} {diff}")
            continue
        per = f"{rank / its * 1000:8.2f}" if rank and its else f"{'—':>8}"
        print(f"{name:34} {load:10.2f}s {(f'{rank:8.2f}s' if rank is not None else f'{chr(8212):>9}')} "
              f"{(its if its is not None else chr(8212)):>5} {per} {pwall:7.2f}s {prss / 2**30:7.2f}Gi "
              f"{(f'{diff:11.1e}' if diff is not None else f'{chr(8212):>11}')} {pwall / base:9.1f}x")
    bad = [r[0] for r in rows[1:] if isinstance(r[6], float) and not r[6] <= 1e-8]
    print("\nscores agree to 1e-8 with influence: " + ("all PageRank peers" if not bad else "NOT " + ", ".join(bad)))


if __name__ == "__main__":
    main()
