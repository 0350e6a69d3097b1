#!/usr/bin/env python3
"""Times `influence` ingest, spread, attribute and compare against Python peers on the same
generated exports, in one run, at several sizes, and checks each peer's answer.

    python3 Benchmarks/commands.py [--sizes 1M,10M,100M] [--jobs ingest,spread,attribute,compare,score]
        [--skip PEER] [--repeat 1] [--peer-repeat 1] [--seed 1] [--threads 2]
        [--influence PATH] [--markdown FILE] [--readme]

Like compare.py (whose virtualenv, `sh` and `timed` it reuses) it creates Benchmarks/.venv
and pip-installs the peers there (a peer that does not install is a row of the table, not
fatal), builds `influence` with `swift build -c release --scratch-path .build-perf` unless
--influence names a built binary (InfluenceBenchmarks is then taken from the same folder, or
built with `swift build -c release --product InfluenceBenchmarks`), and runs every pipeline
in its own process under /usr/bin/time -v (wall clock, peak RSS). influence runs with
OPENBLAS_NUM_THREADS=1 and is the best of --repeat runs; peers get --threads (2) where they
take a thread count (polars, pyarrow, ChannelAttribution's ncore, the bootstrap's numpy
threads) and run --peer-repeat (1) times. A peer that fails or runs out of memory is reported.

Data (Benchmarks/data/, git-ignored; every file from the project's generators, --seed S):
  referrals-SIZE-seedS.csv          InfluenceBenchmarks generate --people SIZE/10 --referrals SIZE
                                    (source,target; Zipf targets; no time) -- ingest, spread, score
  referrals-SIZE-seedS.csv.gz       DERIVED here: gzip -6 -n of the file above -- ingest
  program-SIZE-seedS/events.csv     InfluenceBenchmarks program --people 1.4*SIZE (the model of
                   /conversions.csv `influence generate`: about SIZE referrals with time, channel,
                                    campaign; conversions with time and value) -- attribute
  program-SIZE-seedS/conversions-sampled.csv
                                    DERIVED here, not generated: the generator gives about 0.22
                                    conversions per referral; the benchmark uses referrals/10
                                    (1M at 10M), so that many rows are drawn without replacement
                                    with numpy's default_rng(S), kept in file order.
  program-SIZE-seedS/events-named.csv, conversions-sampled-named.csv
                                    DERIVED here: the two files above with each id's digits
                                    spelled as letters (0 -> a, ..., 9 -> j), so that no id carries
                                    a number (as most real e-mail ids): one more last-touch row.
  cascades-2xSIZE-seedS.csv         InfluenceBenchmarks cascades --campaigns 2 --referrals SIZE
                                    (branching processes; people are not SIZE/10 here) -- compare

Jobs, their peers and what "agrees" compares (always the peer's own answer against
influence's output; nothing is copied from influence into a peer):
  ingest     InfluenceBenchmarks phases FILE --repeat 1 (map, parse+intern, merge, build; the
             process also ranks, so its peak RSS includes PageRank) vs polars read_csv +
             Categorical codes of source and target in one id space, and pandas
             read_csv(engine="pyarrow", dtype_backend="pyarrow") + pd.factorize of both columns;
             then all three again on the same export gzipped (gzip -6 -n, FILE.gz: influence's
             map phase is then the inflate), beside Python's zlib inflating it alone on one thread.
             Agrees: distinct people and distinct pairs (edges), self-referrals left out; zlib:
             the bytes of the CSV.
  spread     influence spread FILE -o out.json --format json (campaign 'all': people, cascades,
             largest_cascade, max_depth) vs pandas+numpy (each person's first referral in, in
             input order, is the parent unless it closes a cycle; cycles of the candidate
             parents are found by pointer jumping and the latest edge of each is refused, the
             target moving on to its next referral, until none is left; roots and depths by
             pointer jumping) and networkx (the same candidates as a DiGraph, cycles as strongly
             connected components, cascades as weakly connected components, depth by BFS from
             a super-root; only up to --networkx-max, 10M). Agrees: people, cascades, largest
             cascade and max depth, exactly.
  attribute  influence attribute EVENTS --conversions CONV --by channel --format json, one row
             per model: last-touch, first-touch, linear, position, time-decay, influence-flow,
             and markov and shapley with --paths-from-events. influence has no command that
             writes the paths it derives, so the peer builds them in pandas+numpy the way
             ChannelAttribution/--paths-from-events define them (README, ChannelPaths.swift):
             the forest ordered by time, each conversion's chain climbed while the referral was
             made at or before the conversion, channels top first; one null journey on the full
             chain for each referred person without a credited conversion; no chain: organic.
             ChannelAttribution 2.2.5 (the version Scripts/make_channelattribution_fixtures.py
             pins) then runs markov_model (order 1, max_step 1000 as the fixtures, nsim_start
             --ca-nsim) and heuristic_models on those paths.
             Agrees: influence rows: credited + organic = the conversions file's count and value
             (counted by this script). pandas paths: the same path table as influence's JSON
             (distinct paths, journeys, channels, organic conversions by reason) and influence
             markov run on the pandas table gives the --paths-from-events credits to 1e-9
             (relative): the paths are the same. CA heuristics: first/last/linear credit per
             channel equals influence's chain models by channel (1e-9 relative). CA markov:
             its credits add up to the credited conversions, and per-channel shares of
             conversion credit are within --ca-tolerance (absolute) of influence's exact ones
             (ChannelAttribution simulates). Values are not compared for markov: its value rule
             differs (README, Attribution).
  compare    influence compare FILE --by campaign --metrics mean_cascade_size,largest_cascade,
             max_depth --resamples R vs pandas+numpy: the per-campaign forests and the same
             metrics, with R Poisson(1) resamples of cascades (percentile intervals). Agrees:
             the point estimates (exactly; the mean to 1e-12 relative).
  score      influence score FILE -o scores.csv at each size, for the 100M line (no peer).

Goals printed under each table: ingest at least 400 MB/s; spread and attribute each under 2 s
and under 1 GiB at 10M; at 100M every command completes, score under 4 GiB and its cost per
referral within 1.3x of the 10M figure (the other commands' ratios are shown beside it).
Develop at --sizes 1M: 10M and 100M take minutes and many GiB (networkx, the bootstrap).
"""
import argparse
import json
import os
import re
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import compare  # noqa: E402  (Benchmarks/compare.py: venv, sh, timed)
from compare import ROOT, VENV, sh, timed  # noqa: E402

DATA = os.path.join(ROOT, "Benchmarks", "data")
WORK = os.path.join(DATA, "commands")
JOBS = ["ingest", "spread", "attribute", "compare", "score"]
# Peer -> (pip requirements, modules to import, pinned versions).
PEERS = {
    "pandas": (["pandas", "pyarrow"], ["pandas", "pyarrow"], {}),
    "polars": (["polars"], ["polars"], {}),
    "networkx": (["pandas", "pyarrow", "networkx"], ["pandas", "pyarrow", "networkx"], {}),
    "channelattribution": (["pandas", "pyarrow", "ChannelAttribution==2.2.5", "matplotlib"],
                           ["pandas", "pyarrow", "ChannelAttribution", "matplotlib"], {"ChannelAttribution": "2.2.5"}),
}
JOB_PEERS = {"ingest": ["polars", "pandas"], "spread": ["pandas", "networkx"],
             "attribute": ["pandas", "channelattribution"], "compare": ["pandas"], "score": []}
ATTRIBUTION_MODELS = ["last-touch", "first-touch", "linear", "position", "time-decay", "influence-flow", "markov", "shapley"]
PATH_MODELS = {"markov", "shapley"}
COMPARE_METRICS = ["mean_cascade_size", "largest_cascade", "max_depth"]
CA_VERSION = "2.2.5"
CA_MAX_STEP = 1000
GIB = 2 ** 30


def count(text):
    """1M, 100k, 2.5M, 50000 -> an integer."""
    text = text.strip()
    scale = {"k": 1e3, "K": 1e3, "M": 1e6, "G": 1e9}.get(text[-1:], 1)
    return int(round(float(text.rstrip("kKMG")) * scale))


# ============================================================================ peers (in the venv)

def threads_env(threads):
    for name in ("POLARS_MAX_THREADS", "OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[name] = str(threads)


def to_seconds(column):
    """A time column (ISO 8601 text, a parsed timestamp, or Unix seconds) as float seconds, NaN if empty."""
    import numpy as np
    import pandas as pd
    if pd.api.types.is_numeric_dtype(column.dtype):
        return column.astype("float64").to_numpy(na_value=np.nan)
    stamps = pd.to_datetime(column, utc=True, format="ISO8601") if not pd.api.types.is_datetime64_any_dtype(column.dtype) \
        else pd.to_datetime(column, utc=True)
    seconds = (stamps - pd.Timestamp("1970-01-01", tz="UTC")) / pd.Timedelta(seconds=1)
    return np.asarray(seconds, dtype="float64")


def column(frame, *names):
    for name in names:
        if name in frame.columns:
            return name
    return None


def load_events(path, threads):
    """pandas (pyarrow engine) read + factorize of source and target into one id space."""
    import numpy as np
    import pandas as pd
    import pyarrow as pa
    pa.set_cpu_count(threads)
    frame = pd.read_csv(path, engine="pyarrow", dtype_backend="pyarrow")
    m = len(frame)
    codes, names = pd.factorize(pd.concat([frame.iloc[:, 0], frame.iloc[:, 1]], ignore_index=True))
    codes = np.asarray(codes, dtype=np.int64)
    return frame, codes[:m].copy(), codes[m:].copy(), names


def time_order(frame):
    """Rows in the order the forest takes them: by time (stable; untimed rows last), else input order."""
    import numpy as np
    name = column(frame, "timestamp", "created_at", "time", "date")
    if name is None:
        return None, None
    seconds = to_seconds(frame[name])
    return np.argsort(seconds, kind="stable"), seconds


def build_forest(s, t, n, order=None):
    """The referral forest: each person's first referral in (in `order`) that does not close a cycle.

    The candidate parent of each target is its earliest referral not yet refused. The candidates
    form a functional graph; in each of its cycles the latest edge is exactly the one the
    sequential rule refuses (all earlier edges of the cycle are accepted before it), so it is
    refused and its target moves on to its next referral; repeat until no cycle is left.
    Cycles are found by pointer jumping (2^K steps, K = ceil(log2 n) + 1), carrying the latest
    edge seen. Returns parent (-1 for roots), parent row (-1) and the number of rounds.
    """
    import numpy as np
    m = len(s)
    rows = np.arange(m, dtype=np.int64) if order is None else np.asarray(order, dtype=np.int64)
    rows = rows[s[rows] != t[rows]]  # self-referrals are left out
    position = np.empty(m, dtype=np.int64)
    position[rows] = np.arange(len(rows))
    by_target = rows[np.argsort(t[rows], kind="stable")]
    start = np.searchsorted(t[by_target], np.arange(n + 1))
    pointer = start[:-1].copy()
    end = start[1:]
    steps = max(1, int(np.ceil(np.log2(max(n, 2)))) + 1)
    node = np.arange(n, dtype=np.int64)
    rounds = 0
    while True:
        rounds += 1
        live = pointer < end
        prow = np.full(n, -1, dtype=np.int64)
        prow[live] = by_target[pointer[live]]
        up = np.where(live, s[np.maximum(prow, 0)], node)  # roots point to themselves
        latest = np.where(live, position[np.maximum(prow, 0)], -1)
        for _ in range(steps):
            latest = np.maximum(latest, latest[up])
            up = up[up]
        on_cycle = up[prow[up] >= 0]  # 2^K steps on and still not at a root: on a cycle
        if len(on_cycle) == 0:
            break
        refused = rows[np.unique(latest[on_cycle])]
        pointer[t[refused]] += 1
    parent = np.where(prow >= 0, s[np.maximum(prow, 0)], -1)
    return parent, prow, rounds


def roots_and_depths(parent):
    """Root and depth of every person by pointer jumping."""
    import numpy as np
    n = len(parent)
    up = np.where(parent >= 0, parent, np.arange(n, dtype=np.int64))
    depth = (parent >= 0).astype(np.int64)
    while True:
        nxt = up[up]
        if np.array_equal(nxt, up):
            return up, depth
        depth = depth + depth[up]
        up = nxt


def members_of(s, t, n):
    import numpy as np
    member = np.zeros(n, dtype=bool)
    keep = s != t
    member[s[keep]] = True
    member[t[keep]] = True
    return member


def peer_ingest_polars(args):
    threads_env(args.threads)
    import polars as pl
    t0 = time.perf_counter()
    frame = pl.read_csv(args.file)
    m = frame.height
    codes = pl.concat([frame[frame.columns[0]], frame[frame.columns[1]]]).cast(pl.Categorical).to_physical()
    t1 = time.perf_counter()
    pairs = pl.DataFrame({"s": codes[:m], "t": codes[m:]}).filter(pl.col("s") != pl.col("t"))
    people = pl.concat([pairs["s"], pairs["t"]]).n_unique()
    return {"ingest": t1 - t0, "people": int(people), "edges": int(pairs.unique().height)}


def peer_inflate_zlib(args):
    """One thread of zlib inflating the gzip file in memory: the reference for gzip ingest."""
    import zlib
    with open(args.file, "rb") as f:
        data = f.read()
    t0 = time.perf_counter()
    text = zlib.decompressobj(31).decompress(data)
    t1 = time.perf_counter()
    return {"inflate": t1 - t0, "bytes": len(text)}


def peer_ingest_pandas(args):
    import numpy as np
    import pandas  # noqa: F401  (imports are not part of the ingest time)
    import pyarrow  # noqa: F401
    t0 = time.perf_counter()
    _, s, t, names = load_events(args.file, args.threads)
    t1 = time.perf_counter()
    keep = s != t
    people = len(np.unique(np.concatenate([s[keep], t[keep]])))
    edges = len(np.unique(s[keep] * len(names) + t[keep]))
    return {"ingest": t1 - t0, "people": int(people), "edges": int(edges)}


def peer_spread_pandas(args):
    import numpy as np
    t0 = time.perf_counter()
    frame, s, t, names = load_events(args.file, args.threads)
    order, _ = time_order(frame)
    n = len(names)
    t1 = time.perf_counter()
    parent, _, rounds = build_forest(s, t, n, order)
    root, depth = roots_and_depths(parent)
    member = members_of(s, t, n)
    sizes = np.bincount(root[member], minlength=n)
    return {"load": t1 - t0, "compute": time.perf_counter() - t1, "rounds": rounds, "people": int(member.sum()),
            "cascades": int((member & (parent < 0)).sum()), "largest_cascade": int(sizes.max()),
            "max_depth": int(depth[member].max())}


def peer_spread_networkx(args):
    import networkx as nx
    import numpy as np
    t0 = time.perf_counter()
    frame, s, t, names = load_events(args.file, args.threads)
    order, _ = time_order(frame)
    n = len(names)
    rows = np.arange(len(s)) if order is None else order
    rows = rows[s[rows] != t[rows]]
    position = np.empty(len(s), dtype=np.int64)
    position[rows] = np.arange(len(rows))
    by_target = rows[np.argsort(t[rows], kind="stable")]  # each target's referrals in order
    start = np.searchsorted(t[by_target], np.arange(n + 1))
    pointer = start[:-1].copy()
    member = members_of(s, t, n)
    t1 = time.perf_counter()
    graph = nx.DiGraph()
    graph.add_nodes_from(np.flatnonzero(member).tolist())
    first = np.flatnonzero(pointer < start[1:])
    prow = {}
    for target, row in zip(first.tolist(), by_target[pointer[first]].tolist()):
        prow[target] = row
    graph.add_edges_from((int(s[row]), target) for target, row in prow.items())
    rounds = 0
    while True:  # first referral wins, unless it closes a cycle: refuse each cycle's latest edge
        rounds += 1
        cycles = [c for c in nx.strongly_connected_components(graph) if len(c) > 1]
        if not cycles:
            break
        for cycle in cycles:
            target = max(cycle, key=lambda v: position[prow[v]])
            graph.remove_edge(int(s[prow[target]]), target)
            del prow[target]
            pointer[target] += 1
            if pointer[target] < start[target + 1]:
                prow[target] = int(by_target[pointer[target]])
                graph.add_edge(int(s[prow[target]]), target)
    sizes = [len(c) for c in nx.weakly_connected_components(graph)]
    roots = [v for v, d in graph.in_degree() if d == 0]
    graph.add_edges_from((-1, r) for r in roots)
    depth = max(nx.single_source_shortest_path_length(graph, -1).values()) - 1
    return {"load": t1 - t0, "compute": time.perf_counter() - t1, "rounds": rounds, "people": int(member.sum()),
            "cascades": len(sizes), "largest_cascade": max(sizes), "max_depth": int(depth)}


def channel_paths(events, conversions, threads):
    """The channel path table behind a referral export's conversions, as --paths-from-events defines it."""
    import numpy as np
    import pandas as pd
    frame, s, t, names = load_events(events, threads)
    n = len(names)
    order, referral_time = time_order(frame)
    if referral_time is None:
        referral_time = np.full(len(s), np.nan)
    channel_name = column(frame, "channel", "share_channel", "medium")
    channel_codes, channel_names = pd.factorize(frame[channel_name])
    channel_names = [str(c) for c in channel_names] + ["(none)"]
    channel = np.where(channel_codes >= 0, channel_codes, len(channel_names) - 1).astype(np.int64)
    base = len(channel_names) + 1
    parent, prow, _ = build_forest(s, t, n, order)

    conv = pd.read_csv(conversions, engine="pyarrow", dtype_backend="pyarrow")
    user_col = column(conv, "user", "customer", "customer_id", "friend", "referred") or conv.columns[0]
    value_col = column(conv, "value", "revenue", "amount")
    if value_col is not None:
        conv = conv[conv[value_col].notna()]
        value = conv[value_col].astype("float64").to_numpy()
    else:
        value = np.ones(len(conv))
    time_col = column(conv, "timestamp", "time", "date")
    conversion_time = to_seconds(conv[time_col]) if time_col is not None and order is not None else np.full(len(conv), np.nan)
    user = pd.Index(names).get_indexer(conv[user_col])
    k = len(conv)

    # Walkers: each conversion (cut at its time) and, after them, each referred person without a
    # credited conversion (never cut). A path is interned one step at a time: its id at length L
    # indexes tables[L-1] = (id at length L-1, channel), so (length, id) names a channel sequence.
    def climb(start_nodes, cut):
        ident = np.zeros(len(start_nodes), dtype=np.int64)
        length = np.zeros(len(start_nodes), dtype=np.int64)
        cur = start_nodes.copy()
        active = np.flatnonzero(cur >= 0)
        tables = []
        while True:
            active = active[parent[cur[active]] >= 0]
            row = prow[cur[active]]
            ok = ~(referral_time[row] > cut[active])
            active, row = active[ok], row[ok]
            if len(active) == 0:
                return ident, length, tables
            keys, inverse = np.unique(ident[active] * base + channel[row], return_inverse=True)
            tables.append((keys // base, keys % base))
            ident[active] = inverse + 1
            length[active] += 1
            cur[active] = parent[cur[active]]

    # A conversion has a chain when its first step may be climbed; nulls are the referred people
    # without one. Conversions and nulls climb together so that they share the interning tables.
    first_row = np.where(user >= 0, prow[np.maximum(user, 0)], -1)
    credited = (first_row >= 0) & ~(referral_time[np.maximum(first_row, 0)] > conversion_time)
    converted = np.zeros(n, dtype=bool)
    converted[user[credited]] = True
    member = members_of(s, t, n)
    nulls = np.flatnonzero(member & (parent >= 0) & ~converted)
    both = np.concatenate([user, nulls])
    cut = np.concatenate([conversion_time, np.full(len(nulls), np.nan)])
    ident, length, tables = climb(both, cut)
    assert np.array_equal(credited, length[:k] > 0)
    stride = int(ident.max()) + 1
    key = length * stride + ident
    table = pd.DataFrame({"key": np.concatenate([key[:k][credited], key[k:]]),
                          "total_conversions": np.concatenate([np.ones(credited.sum(), dtype=np.int64),
                                                               np.zeros(len(nulls), dtype=np.int64)]),
                          "total_conversion_value": np.concatenate([value[credited], np.zeros(len(nulls))]),
                          "total_null": np.concatenate([np.zeros(credited.sum(), dtype=np.int64),
                                                        np.ones(len(nulls), dtype=np.int64)])})
    table = table.groupby("key", sort=False).sum().reset_index()
    lengths = (table["key"].to_numpy() // stride)
    ids = (table["key"].to_numpy() % stride)
    longest = int(lengths.max()) if len(lengths) else 0
    steps = np.zeros((len(table), longest), dtype=np.int64)
    cur = ids.copy()
    for j in range(longest, 0, -1):  # walk each path back from its top (the last step climbed)
        sel = np.flatnonzero(lengths >= j)
        previous, chan = tables[j - 1]
        steps[sel, lengths[sel] - j] = chan[cur[sel] - 1]
        cur[sel] = previous[cur[sel] - 1]
    table["path"] = [" > ".join(channel_names[c] for c in row[:L]) for row, L in zip(steps.tolist(), lengths.tolist())]
    root_user = user >= 0
    not_referred = int((root_user & (parent[np.maximum(user, 0)] < 0)).sum())
    unknown = int((~root_user).sum())
    stats = {"conversions": int(k), "value": float(value.sum()), "credited": int(credited.sum()),
             "credited_value": float(value[credited].sum()), "paths": int(len(table)),
             "journeys": int(table["total_conversions"].sum() + table["total_null"].sum()),
             "channels": int(len(np.unique(steps[np.arange(longest)[None, :] < lengths[:, None]]))),
             "unknown_converter": unknown, "not_referred": not_referred,
             "referred_after_converting": int(k - credited.sum() - unknown - not_referred)}
    return table[["path", "total_conversions", "total_conversion_value", "total_null"]], stats


def peer_paths_pandas(args):
    t0 = time.perf_counter()
    table, stats = channel_paths(args.file, args.file2, args.threads)
    t1 = time.perf_counter()
    table.to_csv(args.out, index=False, float_format="%.17g")
    stats["build"] = t1 - t0
    return stats


def load_paths(path):
    import pandas as pd
    data = pd.read_csv(path, dtype={"path": str})
    data["total_conversions"] = data["total_conversions"].astype("int64")
    data["total_null"] = data["total_null"].astype("int64")
    data["total_conversion_value"] = data["total_conversion_value"].astype("float64")
    return data


def peer_ca_markov(args):
    import importlib.metadata as md
    from ChannelAttribution import markov_model
    t0 = time.perf_counter()
    data = load_paths(args.file)
    res = markov_model(data, "path", "total_conversions", var_value="total_conversion_value", var_null="total_null",
                       order=1, nsim_start=args.ca_nsim, max_step=CA_MAX_STEP, out_more=True, seed=args.seed,
                       ncore=args.threads, verbose=False, flg_pro=False)
    t1 = time.perf_counter()
    result = res["result"]
    credit = {str(r["channel_name"]): float(r["total_conversions"]) for _, r in result.iterrows()}
    return {"compute": t1 - t0, "credit": credit, "version": md.version("ChannelAttribution")}


def peer_ca_heuristic(args):
    import importlib.metadata as md
    from ChannelAttribution import heuristic_models
    t0 = time.perf_counter()
    data = load_paths(args.file)
    h = heuristic_models(data, "path", "total_conversions", var_value="total_conversion_value", flg_pro=False)
    t1 = time.perf_counter()
    credit = {}
    for model, prefix in (("first-touch", "first_touch"), ("last-touch", "last_touch"), ("linear", "linear_touch")):
        credit[model] = {str(r["channel_name"]): [float(r[prefix + "_conversions"]), float(r[prefix + "_value"])]
                         for _, r in h.iterrows()}
    return {"compute": t1 - t0, "credit": credit, "version": md.version("ChannelAttribution")}


def peer_compare_pandas(args):
    """Per-campaign forests, metrics and a Poisson bootstrap over cascades (two numpy threads)."""
    import threading
    import numpy as np
    import pandas as pd
    t0 = time.perf_counter()
    frame, s, t, names = load_events(args.file, args.threads)
    order, _ = time_order(frame)
    n = len(names)
    campaign_codes, campaigns = pd.factorize(frame[column(frame, "campaign", "campaign_name", "campaign_id")])
    t1 = time.perf_counter()
    rows = np.arange(len(s)) if order is None else order
    out = {}
    for c, name in enumerate(campaigns):
        mine = rows[campaign_codes[rows] == c]  # the campaign's own rows, in forest order
        sub_s, sub_t = s[mine], t[mine]
        parent, _, _ = build_forest(sub_s, sub_t, n)
        root, depth = roots_and_depths(parent)
        member = members_of(sub_s, sub_t, n)
        roots = np.flatnonzero(member & (parent < 0))
        index = np.full(n, -1, dtype=np.int64)
        index[roots] = np.arange(len(roots))
        cascade = index[root[member]]
        size = np.bincount(cascade, minlength=len(roots)).astype(np.float64)
        cascade_depth = np.zeros(len(roots), dtype=np.int64)
        np.maximum.at(cascade_depth, cascade, depth[member])
        point = {"mean_cascade_size": float(size.sum() / len(roots)), "largest_cascade": int(size.max()),
                 "max_depth": int(cascade_depth.max())}
        # Bootstrap: cascade weights ~ Poisson(1), --resamples times, in batches, on two threads.
        by_size = np.argsort(-size, kind="stable")
        by_depth = np.argsort(-cascade_depth, kind="stable")
        replicates = np.zeros((args.resamples, 3))
        batch = max(1, int(2e7 // max(1, len(roots))))
        seeds = np.random.SeedSequence([args.seed, c]).spawn(args.threads)

        def work(part, seed_seq):
            rng = np.random.default_rng(seed_seq)
            for lo in range(part, args.resamples, batch * args.threads):
                hi = min(lo + batch, args.resamples)
                w = rng.poisson(1.0, size=(hi - lo, len(roots))).astype(np.float64)
                total = w.sum(axis=1)
                replicates[lo:hi, 0] = (w @ size) / np.maximum(total, 1)
                positive = w > 0
                replicates[lo:hi, 1] = size[by_size][np.argmax(positive[:, by_size], axis=1)]
                replicates[lo:hi, 2] = cascade_depth[by_depth][np.argmax(positive[:, by_depth], axis=1)]

        workers = [threading.Thread(target=work, args=(i * batch, seeds[i])) for i in range(args.threads)]
        for w in workers:
            w.start()
        for w in workers:
            w.join()
        low, high = np.percentile(replicates, [2.5, 97.5], axis=0)
        out[str(name)] = {metric: {"value": point[metric], "low": float(low[j]), "high": float(high[j])}
                          for j, metric in enumerate(COMPARE_METRICS)}
    return {"load": t1 - t0, "compute": time.perf_counter() - t1, "groups": out}


def run_peer(args):
    result = globals()["peer_" + args.peer](args)
    print("RESULT " + json.dumps(result))


# ============================================================================ driver

def ensure_peers(peers):
    """The virtualenv of compare.py with each peer's packages (pinned versions checked); returns python, failures."""
    python, _ = compare.ensure_venv([])
    failed = {}
    base = subprocess.run([python, "-c", "import numpy"], capture_output=True)
    if base.returncode != 0:
        subprocess.run([python, "-m", "pip", "install", "-q", "numpy"], check=True)
    for peer in peers:
        requirements, modules, pins = PEERS[peer]
        probe = "import importlib.metadata as md; import " + ", ".join(modules) + "".join(
            f"; assert md.version({name!r}) == {version!r}" for name, version in pins.items())
        if subprocess.run([python, "-c", probe], capture_output=True).returncode == 0:
            continue
        print(f"+ pip install {' '.join(requirements)}", flush=True)
        result = subprocess.run([python, "-m", "pip", "install", "-q"] + requirements, capture_output=True, text=True)
        if result.returncode != 0 or subprocess.run([python, "-c", probe], capture_output=True).returncode != 0:
            failed[peer] = (result.stderr.strip().splitlines() or ["import failed after install"])[-1][:160]
    return python, failed


def run(cmd, env):
    """Runs cmd under /usr/bin/time -v: (stdout, stderr, wall, rss, error or None)."""
    try:
        out, err, wall, rss = timed(cmd, env)
        return out, err, wall, rss, None
    except RuntimeError as error:
        text = str(error)
        code = re.search(r"failed \((-?\d+)\)", text)
        oom = (code and code.group(1) in ("137", "-9")) or "signal 9" in text or "MemoryError" in text \
            or "bad_alloc" in text or "Cannot allocate memory" in text
        if oom:
            return None, None, None, None, "out of memory"
        lines = [line for line in text.splitlines() if line.strip() and not line.startswith("\t")]
        tail = [line for line in lines if "Error" in line or "error" in line] or lines
        return None, None, None, None, "failed: " + tail[-1].strip()[:140]


def best_of(times, cmd, env):
    best = None
    for _ in range(times):
        result = run(cmd, env)
        if result[4] is not None:
            return result
        if best is None or result[2] < best[2]:
            best = result
    return best


def generate(out, cmd):
    """Runs a generator into a temporary name and renames it into place (never a partial file)."""
    if os.path.exists(out):
        return out
    part = out + ".part"
    sh(cmd + ["--out", part])
    os.replace(part, out)
    return out


def data_files(tool, size, seed, jobs):
    """Generates (if missing) the exports the jobs need at this size."""
    import numpy as np
    os.makedirs(DATA, exist_ok=True)
    label = f"{size}-seed{seed}"
    n = count(size)
    files = {}
    if {"ingest", "spread", "score"} & set(jobs):
        files["referrals"] = generate(os.path.join(DATA, f"referrals-{label}.csv"),
                                      [tool, "generate", "--people", str(max(1, n // 10)), "--referrals", str(n), "--seed", str(seed)])
    if "ingest" in jobs:
        # The same export as gzip -6 writes it (one member, no name or time in the header).
        zipped = files["referrals"] + ".gz"
        if not os.path.exists(zipped):
            with open(zipped + ".part", "wb") as out:
                subprocess.run(["gzip", "-6", "-n", "-c", files["referrals"]], stdout=out, check=True)
            os.replace(zipped + ".part", zipped)
        files["referrals.gz"] = zipped
    if "attribute" in jobs:
        folder = generate(os.path.join(DATA, f"program-{label}"),
                          [tool, "program", "--people", str(int(round(n * 1.4))), "--seed", str(seed)])
        events = os.path.join(folder, "events.csv")
        sampled = os.path.join(folder, "conversions-sampled.csv")
        if not os.path.exists(sampled):
            with open(events, "rb") as f:
                referrals = sum(1 for _ in f) - 1
            source = os.path.join(folder, "conversions.csv")
            with open(source, "rb") as f:
                rows = sum(1 for _ in f) - 1
            want = min(rows, referrals // 10)
            keep = np.zeros(rows, dtype=bool)
            keep[np.random.default_rng(seed).choice(rows, want, replace=False)] = True
            with open(source, "rb") as f, open(sampled + ".part", "wb") as g:
                g.write(f.readline())
                for i, line in enumerate(f):
                    if keep[i]:
                        g.write(line)
            os.replace(sampled + ".part", sampled)
        files["events"], files["conversions"] = events, sampled
        # The same export with every id's digits spelled as letters (0 -> a, ..., 9 -> j):
        # ids that carry no number, as most real e-mail ids, are hashed rather than numbered.
        named = {}
        for key, source, columns in (("events-named", events, 2), ("conversions-named", sampled, 1)):
            target = os.path.join(folder, os.path.basename(source).replace(".csv", "-named.csv"))
            if not os.path.exists(target):
                spell = bytes.maketrans(b"0123456789", b"abcdefghij")
                with open(source, "rb") as f, open(target + ".part", "wb") as g:
                    g.write(f.readline())
                    for line in f:
                        fields = line.split(b",", columns)
                        g.write(b",".join([x.translate(spell) for x in fields[:columns]] + fields[columns:]))
                os.replace(target + ".part", target)
            named[key] = target
        files.update(named)
    if "compare" in jobs:
        files["cascades"] = generate(os.path.join(DATA, f"cascades-2x{label}.csv"),
                                     [tool, "cascades", "--campaigns", "2", "--referrals", str(n), "--seed", str(seed)])
    return files


def lines_in(path):
    with open(path, "rb") as f:
        return sum(1 for _ in f) - 1


# ---------------------------------------------------------------------------- formatting

def f_s(x):
    return "—" if x is None else (f"{x:.3f}" if x < 1 else f"{x:.2f}" if x < 100 else f"{x:.0f}")


def f_rss(x):
    return "—" if x is None else (f"{x / GIB:.2f} GiB" if x >= GIB / 2 else f"{x / 2**20:.0f} MiB")


def f_mbs(mb, seconds):
    return "—" if not seconds else f"{mb / seconds:.0f}"


def f_ratio(x, base):
    return "—" if x is None or not base else f"{x / base:.1f}×"


def f_int(x):
    return f"{x:,}"


README_BEGIN = "<!-- generated by python3 Benchmarks/commands.py --readme: begin -->"
README_END = "<!-- generated by python3 Benchmarks/commands.py --readme: end -->"


class Report:
    def __init__(self, markdown, readme=None):
        self.markdown = markdown
        self.readme = readme
        self.chunks = []

    def write_readme(self):
        """Replaces the README's generated block with this run's tables (headings one level down)."""
        with open(self.readme) as f:
            text = f.read()
        if README_BEGIN not in text or README_END not in text:
            sys.exit(f"{self.readme}: no generated block ({README_BEGIN} … {README_END})")
        head, rest = text.split(README_BEGIN, 1)
        _, tail = rest.split(README_END, 1)
        body = "\n".join(re.sub(r"^### ", "#### ", chunk, flags=re.M) for chunk in self.chunks)
        command = "python3 Benchmarks/commands.py " + " ".join(a for a in sys.argv[1:])
        block = f"{README_BEGIN}\n\nThe tables of one run of `{command}`, as it wrote them.\n\n{body}\n{README_END}"
        part = self.readme + ".part"
        with open(part, "w") as f:
            f.write(head + block + tail)
        os.replace(part, self.readme)

    def table(self, title, header, rows, notes=()):
        lines = [f"### {title}", "", "| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
        lines += ["| " + " | ".join(str(c).replace("|", "\\|") for c in row) + " |" for row in rows]
        lines += [""] + list(notes)
        text = "\n".join(lines) + "\n"
        print("\n" + text, flush=True)
        self.chunks.append(text)
        if self.markdown:
            with open(self.markdown, "w") as f:
                f.write("\n".join(self.chunks))
        if self.readme:
            self.write_readme()


def goal_status(ok):
    return "**met**" if ok else "**not met**"


# ---------------------------------------------------------------------------- jobs

def ingest_rows(ctx, size, path, mb, what, record):
    """influence's phases and the peers reading `path` (`mb`: megabytes of CSV it holds), as rows;
    also the best ingest seconds, or None."""
    rows = []
    out, err, wall, rss, error = None, None, None, None, None
    best = None
    for _ in range(ctx.args.repeat):
        out, err, wall, rss, error = run([ctx.tool, "phases", path, "--repeat", "1"], ctx.env)
        if error:
            break
        ingest = float(re.search(r"ingest \(map, parse\+intern, merge, build\): ([\d.]+) ms", out).group(1)) / 1000
        if best is None or ingest < best[0]:
            best = (ingest, wall, rss, out)
    if error or best is None:
        rows.append([f"influence (InfluenceBenchmarks phases){what}", "—", "—", "—", "—", "—", error])
        ctx.record(size, record, None, None, error, count(size))
        return rows, None
    ingest, wall, rss, out = best
    summary = re.search(r"(\d+) records, (\d+) people, (\d+) edges", out)
    people, edges = int(summary.group(2)), int(summary.group(3))
    inflate = re.search(r"^  map +([\d.]+) ms", out, re.M)
    detail = f"; inflate {float(inflate.group(1)):.0f} ms of it" if inflate and what else ""
    ctx.record(size, record, wall, rss, None, int(summary.group(1)))
    rows.append([f"influence (InfluenceBenchmarks phases: map, parse+intern, merge, build){what}", f_s(ingest), f_mbs(mb, ingest),
                 f_s(wall), f_rss(rss), "1.0×", f"reference: {f_int(people)} people, {f_int(edges)} edges{detail}"])
    for peer, label in (("polars", "polars read_csv + Categorical codes"),
                        ("pandas", "pandas read_csv(engine=pyarrow) + pd.factorize")):
        result = ctx.peer(peer, "ingest_" + peer, ["--file", path])
        if isinstance(result, str):
            rows.append([label + what, "—", "—", "—", "—", "—", result])
            continue
        r, pwall, prss = result
        agree = r["people"] == people and r["edges"] == edges
        rows.append([label + what, f_s(r["ingest"]), f_mbs(mb, r["ingest"]), f_s(pwall), f_rss(prss), f_ratio(r["ingest"], ingest),
                     ("yes" if agree else "**NO**") + f": {f_int(r['people'])} people, {f_int(r['edges'])} edges"])
    return rows, ingest


def job_ingest(ctx, size, files):
    path = files["referrals"]
    mb = os.path.getsize(path) / 1e6
    rows, ingest = ingest_rows(ctx, size, path, mb, "", "ingest (phases)")
    if ingest is None:
        return rows, ["goal: ingest at least 400 MB/s — not measured"]
    rate = mb / ingest
    goals = [f"goal: ingest at least 400 MB/s — {rate:.0f} MB/s ({ingest * 1000:.0f} ms for {mb:.1f} MB) at {size}: "
             f"{goal_status(rate >= 400)}"]
    zipped = files.get("referrals.gz")
    if zipped:
        more, gz = ingest_rows(ctx, size, zipped, mb, f", gzip ({os.path.getsize(zipped) / 1e6:.1f} MB)", "ingest gzip (phases)")
        rows += more
        result = ctx.peer("zlib", "inflate_zlib", ["--file", zipped])
        if isinstance(result, str):
            rows.append(["zlib inflate alone, one thread (Python zlib)", "—", "—", "—", "—", "—", result])
        else:
            r, pwall, prss = result
            same = r["bytes"] == os.path.getsize(path)
            rows.append(["zlib inflate alone, one thread (Python zlib)", f_s(r["inflate"]), f_mbs(mb, r["inflate"]), f_s(pwall),
                         f_rss(prss), f_ratio(r["inflate"], gz) if gz else "—",
                         ("yes" if same else "**NO**") + f": {f_int(r['bytes'])} bytes of CSV"])
            if gz:
                goals.append(f"goal: gzip ingest at the speed of a one-thread inflate — {gz * 1000:.0f} ms against "
                             f"{r['inflate'] * 1000:.0f} ms for zlib's inflate alone at {size}: {goal_status(gz <= r['inflate'])}")
    note = ("ingest s: in-process time of reading and numbering (influence: best of --repeat phases runs, the map "
            "phase being the inflate for gzip; peers: from before read_csv to the codes, imports excluded); MB/s are "
            "of the CSV's bytes, also for gzip; process wall and peak RSS are the whole process's (phases also runs "
            "PageRank and, for a plain file, a parse-only pass).")
    return rows, [note] + goals


def ten_m_goal(what, size, wall, rss):
    figure = f"{wall:.2f} s, {rss / GIB:.2f} GiB at {size}"
    ok = wall < 2 and rss < GIB
    if count(size) == 10_000_000:
        return f"goal: {what} under 2 s and under 1 GiB at 10M — {figure}: {goal_status(ok)}"
    return f"goal: {what} under 2 s and under 1 GiB at 10M — {figure} (goal is set at 10M; this size {'would meet' if ok else 'does not meet'} it)"


def job_spread(ctx, size, files):
    path = files["referrals"]
    mb = os.path.getsize(path) / 1e6
    out_json = os.path.join(WORK, "spread.json")
    _, _, wall, rss, error = best_of(ctx.args.repeat, [ctx.influence, "spread", path, "-o", out_json, "--format", "json", "--quiet"], ctx.env)
    ctx.record(size, "spread", wall, rss, error, lines_in(path))
    if error:
        return [["influence spread", "—", "—", "—", "—", error]], [f"goal: spread under 2 s and under 1 GiB at 10M — not measured ({error})"]
    with open(out_json) as f:
        overall = [c for c in json.load(f)["campaigns"] if c["campaign"] == "all"][0]
    keys = ("people", "cascades", "largest_cascade", "max_depth")
    reference = {k: overall[k] for k in keys}
    rows = [["influence spread --format json", f_s(wall), f_rss(rss), f_mbs(mb, wall), "1.0×",
             "reference: " + ", ".join(f"{k} {f_int(v)}" for k, v in reference.items())]]
    for peer, label in (("pandas", "pandas + numpy (pointer jumping)"), ("networkx", "networkx (SCC, WCC, BFS)")):
        if peer == "networkx" and count(size) > count(ctx.args.networkx_max):
            rows.append([label, "—", "—", "—", "—", f"skipped: above --networkx-max {ctx.args.networkx_max}"])
            continue
        result = ctx.peer(peer, "spread_" + peer, ["--file", path])
        if isinstance(result, str):
            rows.append([label, "—", "—", "—", "—", result])
            continue
        r, pwall, prss = result
        diff = [f"{k} {f_int(r[k])} vs {f_int(reference[k])}" for k in keys if r[k] != reference[k]]
        rows.append([label, f_s(pwall), f_rss(prss), f_mbs(mb, pwall), f_ratio(pwall, wall),
                     ("yes: same people, cascades, largest cascade, max depth" if not diff else "**NO**: " + "; ".join(diff))
                     + f" ({r['rounds']} cycle rounds)"])
    return rows, [ten_m_goal("spread", size, wall, rss)]


def job_attribute(ctx, size, files):
    import numpy as np
    import pandas as pd
    events, conversions = files["events"], files["conversions"]
    mb = (os.path.getsize(events) + os.path.getsize(conversions)) / 1e6
    referrals = lines_in(events)
    conv = pd.read_csv(conversions, dtype={"value": "float64"}, usecols=["value"])
    conv = conv[conv["value"].notna()]
    n_conv, v_conv = len(conv), float(conv["value"].sum())
    rows, results = [], {}
    for model in ATTRIBUTION_MODELS:
        out = os.path.join(WORK, f"attribute-{model}.json")
        cmd = [ctx.influence, "attribute", events, "--conversions", conversions, "--model", model,
               "--format", "json", "-o", out, "--quiet"]
        cmd += ["--paths-from-events"] if model in PATH_MODELS else ["--by", "channel"]
        _, _, wall, rss, error = best_of(ctx.args.repeat, cmd, ctx.env)
        ctx.record(size, f"attribute {model}", wall, rss, error, referrals)
        label = f"influence attribute --model {model}" + (" --paths-from-events" if model in PATH_MODELS else " --by channel")
        if error:
            rows.append([label, "—", "—", "—", "—", error])
            continue
        with open(out) as f:
            doc = json.load(f)
        results[model] = (doc, wall, rss)
        total_c = doc["credited"]["conversions"] + doc["organic"]["conversions"]
        total_v = doc["credited"]["value"] + doc["organic"]["value"]
        ok = abs(total_c - n_conv) <= 1e-9 * max(1, n_conv) and abs(total_v - v_conv) <= 1e-9 * max(1, abs(v_conv))
        rows.append([label, f_s(wall), f_rss(rss), f_mbs(mb, wall), wall,
                     ("conserved" if ok else "**NOT conserved**") + f": credited {doc['credited']['conversions']:,.6g} + organic "
                     f"{doc['organic']['conversions']:,} = {total_c:,.10g} of {n_conv:,} conversions; value {total_v:,.2f} of {v_conv:,.2f}"])
    # Last-touch again on the same export with ids that carry no number (derived, see
    # data_files): the credit per channel must be the same; the read hashes every id.
    if "last-touch" in results and "events-named" in files:
        out = os.path.join(WORK, "attribute-last-touch-named.json")
        cmd = [ctx.influence, "attribute", files["events-named"], "--conversions", files["conversions-named"],
               "--model", "last-touch", "--by", "channel", "--format", "json", "-o", out, "--quiet"]
        _, _, wall, rss, error = best_of(ctx.args.repeat, cmd, ctx.env)
        ctx.record(size, "attribute last-touch (ids without numbers)", wall, rss, error, referrals)
        label = "influence attribute --model last-touch --by channel, ids without numbers (digits spelled as letters)"
        if error:
            rows.append([label, "—", "—", "—", "—", error])
        else:
            with open(out) as f:
                named = {c["channel"]: (c["conversions"], c["value"]) for c in json.load(f)["credits"]}
            plain = {c["channel"]: (c["conversions"], c["value"]) for c in results["last-touch"][0]["credits"]}
            same = named == plain
            rows.append([label, f_s(wall), f_rss(rss), f_mbs(mb, wall), wall,
                         ("same credit per channel as with numbered ids" if same else "**credit differs from numbered ids**")
                         + f"; {f_ratio(wall, results['last-touch'][1])} the numbered run's wall"])
    reference_wall = results.get("markov", (None, None))[1]
    for row in rows:
        if isinstance(row[4], float):
            row[4] = f_ratio(row[4], reference_wall)

    # Peers: the path table in pandas, then ChannelAttribution on it.
    paths_csv = os.path.join(WORK, "paths-pandas.csv")
    paths = ctx.peer("pandas", "paths_pandas", ["--file", events, "--file2", conversions, "--out", paths_csv], force=True) \
        if not ({"pandas", "channelattribution"} <= set(ctx.args.skip)) else "skipped (--skip)"
    label = "pandas + numpy: channel paths (vs influence markov --paths-from-events)"
    if isinstance(paths, str):
        rows.append([label, "—", "—", "—", "—", paths])
        paths = None
    else:
        r, pwall, prss = paths
        notes = []
        same = True
        if "markov" in results:
            doc = results["markov"][0]
            table = doc["path_table"]
            for k in ("paths", "journeys", "channels"):
                if r[k] != table[k]:
                    same = False
                    notes.append(f"{k} {r[k]:,} vs {table[k]:,}")
            for k in ("unknown_converter", "not_referred", "referred_after_converting"):
                if r[k] != doc["organic"][k]:
                    same = False
                    notes.append(f"organic {k} {r[k]:,} vs {doc['organic'][k]:,}")
            # influence's markov on the pandas table must give the --paths-from-events answer.
            check = os.path.join(WORK, "attribute-markov-pandas-paths.json")
            _, _, _, _, error = run([ctx.influence, "attribute", "--paths", paths_csv, "--model", "markov", "--format", "json",
                                     "-o", check, "--quiet"], ctx.env)
            if error:
                notes.append("influence on the pandas paths " + error)
                same = False
            else:
                with open(check) as f:
                    mine = {c["channel"]: c["conversions"] for c in json.load(f)["credits"]}
                theirs = {c["channel"]: c["conversions"] for c in doc["credits"]}
                worst = max(abs(mine.get(c, 0) - v) / max(1.0, abs(v)) for c, v in theirs.items())
                if set(mine) != set(theirs) or not worst <= 1e-9:
                    same = False
                notes.append(f"influence markov on these paths vs from events: max rel. Δ {worst:.1e}")
        text = ("same paths" if same else "**paths differ**") + f": {r['paths']:,} paths, {r['journeys']:,} journeys, " \
            f"{r['channels']} channels, {r['credited']:,} credited; " + "; ".join(notes)
        rows.append([label, f_s(pwall), f_rss(prss), f_mbs(mb, pwall), f_ratio(pwall, reference_wall), text])
        paths = (r, pwall, prss, same)

    if paths is not None:
        r, pwall, prss, same = paths
        for name, peer_fn, versus in (("ChannelAttribution heuristic_models", "ca_heuristic", "linear"),
                                      ("ChannelAttribution markov_model", "ca_markov", "markov")):
            label = f"pandas paths + {name} {CA_VERSION} (vs influence {versus}; wall of both processes)"
            result = ctx.peer("channelattribution", peer_fn, ["--file", paths_csv, "--ca-nsim", str(ctx.args.ca_nsim)])
            if isinstance(result, str):
                rows.append([label, "—", "—", "—", "—", result])
                continue
            ca, cwall, crss = result
            wall_both, rss_both = pwall + cwall, max(prss, crss)
            base = results.get(versus, (None, None))[1]
            if peer_fn == "ca_heuristic":
                worst, missing = 0.0, []
                for model in ("first-touch", "last-touch", "linear"):
                    if model not in results:
                        missing.append(model)
                        continue
                    ours = {c["channel"]: (c["conversions"], c["value"]) for c in results[model][0]["credits"]}
                    theirs = ca["credit"][model]
                    for channel in set(ours) | set(theirs):
                        a, b = ours.get(channel, (0, 0)), theirs.get(channel, (0, 0))
                        worst = max(worst, abs(a[0] - b[0]) / max(1, abs(a[0])), abs(a[1] - b[1]) / max(1, abs(a[1])))
                total = sum(v[0] for v in ca["credit"]["linear"].values())
                ok = worst <= 1e-9 and abs(total - r["credited"]) <= 1e-9 * max(1, r["credited"])
                text = ("yes" if ok else "**NO**") + f": first/last/linear credit per channel (conversions and value) vs " \
                    f"influence's chain models, max rel. Δ {worst:.1e}; linear total {total:,.10g} = {r['credited']:,} credited"
                if missing:
                    text += "; influence " + ", ".join(missing) + " missing"
            else:
                total = sum(ca["credit"].values())
                if "markov" in results:
                    ours = {c["channel"]: c["conversions"] for c in results["markov"][0]["credits"] if c["channel"] != "organic"}
                    credited = results["markov"][0]["credited"]["conversions"]
                    share_ours = {c: v / credited for c, v in ours.items()}
                    share_ca = {c: v / total for c, v in ca["credit"].items()}
                    worst = max(abs(share_ours.get(c, 0) - share_ca.get(c, 0)) for c in set(share_ours) | set(share_ca))
                    ok_total = abs(total - r["credited"]) <= 1e-6 * max(1, r["credited"])
                    ok = ok_total and worst <= ctx.args.ca_tolerance and same
                    text = ("yes" if ok else "**NO**") + f": per-channel share of markov conversion credit, max |Δ| {worst:.4f} " \
                        f"(tolerance {ctx.args.ca_tolerance}, nsim_start {ctx.args.ca_nsim:,}); total {total:,.6g} = " \
                        f"{r['credited']:,} credited conversions{'' if same else ' (paths differ!)'}"
                else:
                    text = f"no influence markov to compare; total {total:,.6g}"
            rows.append([label, f_s(wall_both), f_rss(rss_both), f_mbs(mb, wall_both), f_ratio(wall_both, base), text])

    worst_wall = max((v[1], k) for k, v in results.items()) if results else None
    worst_rss = max((v[2], k) for k, v in results.items()) if results else None
    notes = [f"{referrals:,} referrals, {n_conv:,} conversions (sampled, see the docstring); wall ratio of influence rows: vs "
             "influence markov; of peers: vs the influence row named."]
    if worst_wall:
        figure = f"slowest {worst_wall[1]} {worst_wall[0]:.2f} s, largest {worst_rss[1]} {worst_rss[0] / GIB:.2f} GiB at {size}"
        ok = worst_wall[0] < 2 and worst_rss[0] < GIB and len(results) == len(ATTRIBUTION_MODELS)
        for key in ("markov", "influence-flow"):
            if key in results:
                figure += f"; {key} {results[key][1]:.2f} s, {results[key][2] / GIB:.2f} GiB"
        if count(size) == 10_000_000:
            notes.append(f"goal: attribute under 2 s and under 1 GiB at 10M (every model) — {figure}: {goal_status(ok)}")
        else:
            notes.append(f"goal: attribute under 2 s and under 1 GiB at 10M (every model) — {figure} "
                         f"(goal is set at 10M; this size {'would meet' if ok else 'does not meet'} it)")
    else:
        notes.append("goal: attribute under 2 s and under 1 GiB at 10M — not measured (no model ran)")
    return rows, notes


def job_compare(ctx, size, files):
    import csv
    path = files["cascades"]
    mb = os.path.getsize(path) / 1e6
    out = os.path.join(WORK, "compare.csv")
    cmd = [ctx.influence, "compare", path, "--by", "campaign", "--metrics", ",".join(COMPARE_METRICS),
           "--resamples", str(ctx.args.resamples), "--seed", str(ctx.args.seed), "--format", "csv", "-o", out, "--quiet"]
    _, _, wall, rss, error = best_of(ctx.args.repeat, cmd, ctx.env)
    ctx.record(size, "compare", wall, rss, error, lines_in(path))
    label = f"influence compare --resamples {ctx.args.resamples}"
    if error:
        return [[label, "—", "—", "—", "—", error]], [f"goal (100M line): influence compare completes — {error} at {size}"]
    with open(out) as f:
        ours = {(r["group"], r["metric"]): r for r in csv.DictReader(f)}
    groups = sorted({g for g, _ in ours})
    rows = [[label, f_s(wall), f_rss(rss), f_mbs(mb, wall), "1.0×",
             "reference: " + "; ".join(f"{g} " + ", ".join(f"{m} {float(ours[(g, m)]['value']):.6g}" for m in COMPARE_METRICS)
                                       for g in groups)]]
    notes = [f"{lines_in(path):,} referrals in 2 campaigns (branching processes); intervals, for the eye only "
             "(influence BCa/percentile, pandas percentile):"]
    result = ctx.peer("pandas", "compare_pandas", ["--file", path, "--resamples", str(ctx.args.resamples)])
    plabel = f"pandas + numpy forests + Poisson bootstrap ({ctx.args.resamples} resamples)"
    if isinstance(result, str):
        rows.append([plabel, "—", "—", "—", "—", result])
    else:
        r, pwall, prss = result
        diff = []
        for g in groups:
            for m in COMPARE_METRICS:
                a = float(ours[(g, m)]["value"])
                b = r["groups"].get(g, {}).get(m, {}).get("value")
                if b is None or abs(a - b) > 1e-12 * max(1, abs(a)):
                    diff.append(f"{g} {m} {b} vs {a:.10g}")
                else:
                    o, p = ours[(g, m)], r["groups"][g][m]
                    notes.append(f"- {g} {m}: influence {float(o['low']):.4g}–{float(o['high']):.4g}, "
                                 f"pandas {p['low']:.4g}–{p['high']:.4g}")
        rows.append([plabel, f_s(pwall), f_rss(prss), f_mbs(mb, pwall), f_ratio(pwall, wall),
                     ("yes: same point estimates of " + ", ".join(COMPARE_METRICS) + " for " + ", ".join(groups))
                     if not diff else "**NO**: " + "; ".join(diff)])
    notes.append(f"goal (100M line): influence compare completes — done in {wall:.2f} s, {rss / GIB:.2f} GiB at {size}"
                 + ("" if count(size) >= 100_000_000 else " (the goal is judged at 100M)"))
    return rows, notes


def job_score(ctx, size, files):
    path = files["referrals"]
    mb = os.path.getsize(path) / 1e6
    out = os.path.join(WORK, "scores.csv")
    _, _, wall, rss, error = best_of(ctx.args.repeat, [ctx.influence, "score", path, "-o", out, "--quiet"], ctx.env)
    n = lines_in(path)
    ctx.record(size, "score", wall, rss, error, n)
    if error:
        return [["influence score -o scores.csv", "—", "—", "—", "—", error]], []
    return [["influence score -o scores.csv", f_s(wall), f_rss(rss), f_mbs(mb, wall), f"{wall / n * 1e9:.0f} ns",
             "— (no peer: compare.py checks scores)"]], []


class Context:
    def __init__(self, args, python, failed, influence, tool, env):
        self.args, self.python, self.failed = args, python, failed
        self.influence, self.tool, self.env = influence, tool, env
        self.records = {}  # (size, command) -> (wall, rss, error)

    def record(self, size, command, wall, rss, error, referrals):
        self.records[(size, command)] = (wall, rss, error, referrals)

    def peer(self, peer, function, extra, force=False):
        """Runs a peer function in its own process: (result, wall, rss), or a string saying why not."""
        if peer in self.args.skip and not force:
            return "skipped (--skip)"
        if peer in self.failed:
            return "not installed: " + self.failed[peer]
        out = os.path.join(WORK, f"peer-{function}.out")
        best = None
        for _ in range(self.args.peer_repeat):
            cmd = [self.python, os.path.abspath(__file__), "--peer", function, "--out", out, "--threads", str(self.args.threads),
                   "--seed", str(self.args.seed), "--resamples", str(self.args.resamples)] + extra
            stdout, _, wall, rss, error = run(cmd, self.peer_env)
            if error:
                return error
            if best is None or wall < best[1]:
                best = (json.loads(stdout.split("RESULT ", 1)[1]), wall, rss)
        return best

    @property
    def peer_env(self):
        t = str(self.args.threads)
        return dict(os.environ, POLARS_MAX_THREADS=t, OMP_NUM_THREADS=t, OPENBLAS_NUM_THREADS=t, MKL_NUM_THREADS=t)


def scale_summary(ctx, sizes, report):
    commands = []
    for (_, command) in ctx.records:
        if command not in commands:
            commands.append(command)
    header = ["command"] + [f"{s} ns/referral" for s in sizes]
    has = {count(s): s for s in sizes}
    ten, hundred = has.get(10_000_000), has.get(100_000_000)
    if ten and hundred:
        header.append("100M / 10M")
    rows = []
    for command in commands:
        row = [command]
        for s in sizes:
            wall, rss, error, referrals = ctx.records.get((s, command), (None, None, "not run", None))
            row.append(error if error else f"{wall / referrals * 1e9:.0f} ({wall:.2f} s, {f_rss(rss)})")
        if ten and hundred:
            a, b = ctx.records.get((ten, command)), ctx.records.get((hundred, command))
            row.append(f"{(b[0] / b[3]) / (a[0] / a[3]):.2f}×" if a and b and not a[2] and not b[2] else "—")
        rows.append(row)
    notes = ["ns per referral = wall / referral rows of the file the command read (ingest: the whole phases process, "
             "which also ranks)."]
    if hundred:
        runs = {c: v for (s, c), v in ctx.records.items() if s == hundred}
        failed = [c for c, v in runs.items() if v[2]]
        score = runs.get("score")
        parts = [("every command completes" + (f": {len(runs)} of {len(runs)}" if not failed else f": **failed**: {', '.join(failed)}"))]
        ok = not failed and bool(runs)
        if score and not score[2]:
            parts.append(f"score peak {score[1] / GIB:.2f} GiB")
            ok = ok and score[1] < 4 * GIB
            base = ctx.records.get((ten, "score")) if ten else None
            if base and not base[2]:
                ratio = (score[0] / score[3]) / (base[0] / base[3])
                parts.append(f"score cost per referral {ratio:.2f}× the 10M figure")
                ok = ok and ratio <= 1.3
            else:
                parts.append("no 10M score run to compare with")
                ok = False
        else:
            parts.append("score did not run")
            ok = False
        notes.append("goal: at 100M every command completes, score under 4 GiB, cost per referral within 1.3× of the 10M "
                     "figure — " + "; ".join(parts) + f": {goal_status(ok)}")
    else:
        notes.append("goal: at 100M every command completes, score under 4 GiB, cost per referral within 1.3× of 10M — "
                     "not measured (100M not in --sizes)")
    report.table("Cost per referral across sizes (influence)", header, rows, notes)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="1M,10M,100M", help="referrals per export, comma-separated (people = referrals / 10)")
    parser.add_argument("--jobs", default=",".join(JOBS), help="ingest,spread,attribute,compare,score")
    parser.add_argument("--skip", action="append", default=[], help="peer to leave out: " + ", ".join(PEERS) + " (repeatable)")
    parser.add_argument("--repeat", type=int, default=1, help="runs of each influence command (the best is shown)")
    parser.add_argument("--peer-repeat", type=int, default=1, help="runs of each peer (the best is shown)")
    parser.add_argument("--seed", type=int, default=1, help="seed of the generators, the conversion sample and the resamples")
    parser.add_argument("--threads", type=int, default=2, help="threads for peers that take a count")
    parser.add_argument("--influence", help="a built influence binary (default: build into .build-perf)")
    parser.add_argument("--benchmarks", help="a built InfluenceBenchmarks (default: beside --influence, else built)")
    parser.add_argument("--markdown", help="also write every table to this file")
    parser.add_argument("--readme", action="store_true",
                        help="also write every table into README.md's generated block (Performance, Every command)")
    parser.add_argument("--networkx-max", default="10M", help="largest size networkx runs at (default 10M)")
    parser.add_argument("--resamples", type=int, default=2000, help="bootstrap resamples for compare (influence's default)")
    parser.add_argument("--ca-nsim", type=int, default=1_000_000, help="ChannelAttribution markov_model nsim_start")
    parser.add_argument("--ca-tolerance", type=float, default=0.01, help="largest |Δ| of a channel's markov share")
    parser.add_argument("--peer", help=argparse.SUPPRESS)
    parser.add_argument("--file", help=argparse.SUPPRESS)
    parser.add_argument("--file2", help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.peer:
        return run_peer(args)
    args.skip = [s.lower() for s in args.skip]
    if "ca" in args.skip:
        args.skip.append("channelattribution")
    jobs = [j.strip() for j in args.jobs.split(",") if j.strip()]
    unknown = [j for j in jobs if j not in JOBS]
    if unknown:
        parser.error("unknown job(s): " + ", ".join(unknown))
    sizes = [s.strip() for s in args.sizes.split(",") if s.strip()]

    peers = sorted({p for j in jobs for p in JOB_PEERS[j] if p not in args.skip}
                   | ({"pandas"} if "attribute" in jobs and "channelattribution" not in args.skip else set()))
    python, failed = ensure_peers(peers)
    if os.path.realpath(sys.prefix) != os.path.realpath(VENV):
        os.execv(python, [python, os.path.abspath(__file__)] + sys.argv[1:])

    if args.influence:
        influence = os.path.abspath(args.influence)
        tool = args.benchmarks or os.path.join(os.path.dirname(influence), "InfluenceBenchmarks")
        if not os.path.exists(tool):
            sh(["swift", "build", "-c", "release", "--product", "InfluenceBenchmarks"], cwd=ROOT)
            tool = os.path.join(ROOT, ".build", "release", "InfluenceBenchmarks")
    else:
        sh(["swift", "build", "-c", "release", "--scratch-path", ".build-perf"], cwd=ROOT)
        influence = os.path.join(ROOT, ".build-perf", "release", "influence")
        tool = args.benchmarks or os.path.join(ROOT, ".build-perf", "release", "InfluenceBenchmarks")
    tool = os.path.abspath(tool)
    os.makedirs(WORK, exist_ok=True)
    env = dict(os.environ, OPENBLAS_NUM_THREADS="1", INFLUENCE_THREADS=str(args.threads))
    ctx = Context(args, python, failed, influence, tool, env)
    report = Report(args.markdown, os.path.join(ROOT, "README.md") if args.readme else None)
    titles = {"ingest": "ingest", "spread": "spread (campaign 'all')", "attribute": "attribute (by channel)",
              "compare": "compare two campaigns", "score": "score (for the 100M line)"}
    headers = {"ingest": ["pipeline", "ingest s", "MB/s", "process wall s", "peak RSS", "ratio (ingest)", "agrees"]}
    default_header = ["pipeline", "wall s", "peak RSS", "MB/s", "ratio", "agrees"]
    for size in sizes:
        files = data_files(tool, size, args.seed, jobs)
        for job in jobs:
            rows, notes = globals()["job_" + job](ctx, size, files)
            header = headers.get(job, default_header)
            if job == "score":
                header = ["pipeline", "wall s", "peak RSS", "MB/s", "per referral", "agrees"]
            source = {"ingest": "referrals", "spread": "referrals", "score": "referrals", "attribute": "events",
                      "compare": "cascades"}[job]
            head = (f"{os.path.relpath(files[source], ROOT)} ({os.path.getsize(files[source]) / 1e6:.1f} MB); seed {args.seed}; "
                    f"OPENBLAS_NUM_THREADS=1 for influence, {args.threads} threads for peers; "
                    f"{time.strftime('%Y-%m-%d %H:%M')}; load average {os.getloadavg()[0]:.2f}")
            report.table(f"{titles[job]} at {size}", header, rows, [head, ""] + list(notes))
    scale_summary(ctx, sizes, report)


if __name__ == "__main__":
    main()
