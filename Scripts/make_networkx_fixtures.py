#!/usr/bin/env python3
"""Generate networkx reference fixtures for the `influence` Swift toolkit.

What it does
    Builds a set of small referral graphs (events.csv + conversions.csv per
    graph), loads each one with the same rules the Swift toolkit uses, and
    writes reference scores computed by networkx:

      pagerank.csv               nx.pagerank(G.reverse(), alpha=0.85, weight="weight",
                                             tol=1e-15, max_iter=10000)
      pagerank_personalized.csv  same, with personalization = summed conversions
                                 (dangling distribution = personalization, the
                                 networkx default)
      reach.csv                  nx.katz_centrality(G.reverse(), alpha=0.1, beta=1.0,
                                                    normalized=False, weight="weight",
                                                    tol=1e-15, max_iter=100000) - 1
      reach_beta1.csv            (forest only) same with alpha=1.0; on an unweighted
                                 forest this is the number of descendants
      hits.csv                   nx.hits(G, max_iter=100000, tol=1e-14, nstart=<all 1.0>)
                                 only when the top singular value of the weighted
                                 adjacency matrix is simple (sigma1 - sigma2 > 1e-3*sigma1)

    HITS-only graphs (hits_two_stars, hits_c4_chord, hits_out_in_stars, five
    graphs of nx.graph_atlas_g() both ways, path50_directed, path50_bidirected):
    events.csv and hits.csv from networkx's power-method HITS `_hits_python`
    (uniform hub start, tol=1e-14), because the top singular value of most of
    them is repeated and then nx.hits (ARPACK) has no definite answer; see
    write_hits_fixtures().

    plus Tests/InfluenceModelTests/Fixtures/networkx/manifest.json.

    Loading rules (mirroring the Swift toolkit): header source,target,weight
    (optional extra columns timestamp, channel are ignored); repeated
    (source,target) rows are merged into ONE edge whose weight is the sum of
    the rows' weights; rows with source == target are skipped entirely (a person
    appearing only in self-referral rows is not a node); node order is the order
    of first appearance (source before target) among the non-self rows.

    Every networkx result is cross-checked against a direct dense solve with
    numpy (linear solves for PageRank and reach, SVD for HITS).

Tool and version
    Fixtures were produced with networkx 3.6.1 (numpy 2.4.6, scipy 1.17.1,
    CPython 3.11.7); the exact versions used are printed and recorded in
    manifest.json. A different networkx version only triggers a warning.

Determinism
    Fixed seeds, no generation timestamps, floats written with repr()
    (shortest round-trip). nx.hits is given nstart = 1.0 for every node because
    with nstart=None scipy's svds draws an unseeded random start vector, which
    makes the last bits differ between runs; the all-ones start does not change
    the mathematical result. HITS values that are exactly 0 in theory may come
    out as +-1e-17-sized noise (networkx output is written verbatim), so compare
    with an absolute tolerance. Weights are dyadic (0.25, 0.5, 1, 1.5, ...) so that
    merged edge weights are exact regardless of summation order.

How to rerun (from the repository root)
    python3 Scripts/make_networkx_fixtures.py
"""

import csv
import json
import os
import platform
import random
import sys

import networkx as nx
import numpy as np
import scipy

EXPECTED_NETWORKX = "3.6.1"
DAMPING = 0.85
BETA = 0.1
PR_TOL = 1e-15
PR_MAX_ITER = 10000
KATZ_TOL = 1e-15
KATZ_MAX_ITER = 100000
HITS_TOL = 1e-14
HITS_MAX_ITER = 100000
HITS_GAP = 1e-3

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT_DIR = os.path.join(REPO_ROOT, "Tests", "InfluenceModelTests", "Fixtures", "networkx")

# Files this script owns inside each graph folder (stale ones are removed).
OUTPUT_FILES = (
    "events.csv",
    "conversions.csv",
    "pagerank.csv",
    "pagerank_personalized.csv",
    "reach.csv",
    "reach_beta1.csv",
    "hits.csv",
)

ZOE = "zo\u00eb"  # NFC "zoë"
SMITH = "smith, j"  # contains a comma -> CSV-quoted


# --------------------------------------------------------------------------
# Graph definitions. Each returns (header, rows, conversions) where rows are
# tuples (source, target, weight[, timestamp, channel]) and conversions are
# (user, value) tuples. Weights/values are ints or floats.
# --------------------------------------------------------------------------

HEADER = ["source", "target", "weight"]
HEADER_EXT = ["source", "target", "weight", "timestamp", "channel"]


def stamp(i, start_day=1):
    """Deterministic ISO 8601 timestamp for row i (data, not generation time)."""
    day = start_day + (i // 24) % 28
    hour = i % 24
    minute = (i * 7) % 60
    return "2024-03-%02dT%02d:%02d:00Z" % (day, hour, minute)


def graph_forest():
    # Three referral trees with distinct shapes, all weights 1.
    # Tree A (chain-like): ana -> ben -> cara -> dan -> eve, ben -> fay
    # Tree B (wide):       u1 -> u2..u6, u2 -> u7,u8, u3 -> u9
    # Tree C (binary):     t3_root -> t3_a,t3_b ; t3_a -> t3_c,t3_d ; t3_b -> t3_e,t3_f
    rows = [
        ("ana", "ben", 1),
        ("u1", "u2", 1),
        ("t3_root", "t3_a", 1),
        ("u2", "u7", 1),
        ("ben", "cara", 1),
        ("u1", "u3", 1),
        ("t3_root", "t3_b", 1),
        ("cara", "dan", 1),
        ("u1", "u4", 1),
        ("t3_a", "t3_c", 1),
        ("u2", "u8", 1),
        ("dan", "eve", 1),
        ("u1", "u5", 1),
        ("t3_a", "t3_d", 1),
        ("ben", "fay", 1),
        ("u3", "u9", 1),
        ("t3_b", "t3_e", 1),
        ("u1", "u6", 1),
        ("t3_b", "t3_f", 1),
    ]
    conversions = [
        ("eve", 10),
        ("u7", 2.5),
        ("t3_f", 4),
        ("u9", 1),
        ("eve", 5),
        ("ghost", 100),  # not in the graph: ignored
        ("fay", 0),  # zero value
        ("u1", 0.5),
    ]
    return HEADER, rows, conversions


def graph_dag_shared():
    # A DAG with shared descendants (people referred by several referrers),
    # mixed weights, extra timestamp/channel columns, a non-ASCII id and an id
    # containing a comma.
    base = [
        ("alice", "bob", 1),
        ("alice", "carol", 2),
        ("alice", "dave", 0.5),
        ("bob", "erin", 1),
        ("bob", "frank", 1.5),
        ("carol", "erin", 1),
        ("carol", "grace", 2),
        ("dave", "grace", 1),
        ("dave", "heidi", 1),
        (ZOE, "heidi", 0.5),
        (ZOE, "ivan", 1),
        (SMITH, "ivan", 2),
        (SMITH, "judy", 1),
        ("erin", "kate", 1),
        ("erin", "leo", 0.5),
        ("frank", "leo", 1),
        ("grace", "mallory", 3),
        ("grace", "kate", 1),
        ("heidi", "niaj", 1),
        ("ivan", "niaj", 2),
        ("ivan", "olivia", 1),
        ("judy", "olivia", 0.5),
        ("kate", "peggy", 1),
        ("leo", "peggy", 2),
        ("mallory", "peggy", 1),
        ("niaj", "quinn", 1),
        ("olivia", "quinn", 1.5),
        ("alice", "leo", 1),
        ("bob", "kate", 0.5),
        ("peggy", "rupert", 1),
        ("quinn", "rupert", 1),
        ("quinn", "sybil", 2),
        ("sybil", "trent", 1),
        ("rupert", "trent", 0.5),
        ("alice", "trent", 0.25),
        ("victor", "sybil", 1),
        ("victor", "walter", 1),
        ("walter", "trent", 1),
        ("walter", "xena", 2),
        ("erin", "mallory", 0),  # weight-0 row
    ]
    channels = ["email", "link", "qr"]
    rows = [(s, t, w, stamp(i), channels[i % 3]) for i, (s, t, w) in enumerate(base)]
    conversions = [
        ("trent", 20),
        ("peggy", 7.5),
        (ZOE, 3),
        ("xena", 12),
        ("trent", 4.25),
        (SMITH, 0),
        ("nobody", 9),  # not in the graph
        ("kate", 1.5),
        ("xena", 0),
    ]
    return HEADER_EXT, rows, conversions


def graph_cycles():
    rows = [
        # 3-cycle
        ("c1", "c2", 1),
        ("c2", "c3", 1),
        ("c3", "c1", 1),
        # tree hanging off the 3-cycle
        ("c1", "t1", 1),
        ("c1", "t2", 2),
        ("t1", "t3", 1),
        # 2-cycle plus a tail
        ("m1", "m2", 2),
        ("m2", "m1", 1),
        ("m2", "t4", 1),
        ("t4", "t5", 0.5),
        # 6-cycle
        ("r1", "r2", 1),
        ("r2", "r3", 1.5),
        ("r3", "r4", 1),
        ("r4", "r5", 0.5),
        ("r5", "r6", 1),
        ("r6", "r1", 1),
        # tree feeding into the 6-cycle
        ("s1", "s2", 1),
        ("s2", "r1", 1),
        ("s1", "s3", 1),
        # trees hanging off the 6-cycle
        ("r3", "o1", 1),
        ("o1", "o2", 1),
        ("r5", "o3", 2),
        # links between the cycles
        ("c3", "m1", 0.5),
        ("r4", "c2", 1),
    ]
    conversions = [
        ("t5", 8),
        ("o2", 3),
        ("c2", 1.5),
        ("o2", 2),
        ("m1", 0),
        ("ghost", 5),
        ("r6", 0.25),
    ]
    return HEADER, rows, conversions


def graph_weighted_duplicates():
    rows = [
        ("a", "b", 1),
        ("a", "b", 2),
        ("a", "c", 0.5),
        ("h", "h", 7),  # self-referral; h becomes a node later via a real row
        ("b", "c", 1),
        ("a", "b", 0.5),  # a->b = 3.5
        ("c", "d", 1),
        ("solo", "solo", 1),  # solo appears only in self-referrals: not a node
        ("c", "d", 1),
        ("b", "b", 5),  # self-referral of an existing node: skipped
        ("c", "d", 1),  # c->d = 3
        ("d", "e", 0),  # weight-0 row, only row for d->e: edge of weight 0
        ("d", "a", 1),
        ("solo", "solo", 2),
        ("d", "a", 0),  # d->a = 1
        ("e", "f", 2),
        ("e", "f", 0.25),  # e->f = 2.25
        ("f", "a", 1),
        ("c", "a", 0.5),
        ("c", "a", 0.5),  # c->a = 1
        ("g", "c", 1.5),
        ("g", "c", 1.5),  # g->c = 3
        ("b", "d", 0.25),
        ("h", "a", 1),
        ("h", "g", 0.5),
        ("b", "d", 0.25),  # b->d = 0.5
        ("a", "b", 0.25),  # a->b = 3.75
        ("f", "g", 0.5),
        ("f", "g", 0.5),  # f->g = 1
        ("e", "e", 3),
    ]
    conversions = [
        ("d", 4),
        ("f", 2.5),
        ("solo", 50),  # only self-referrals -> not a node -> ignored
        ("d", 1),
        ("b", 0),
        ("ghost", 3),
        ("g", 0.75),
    ]
    return HEADER, rows, conversions


def graph_dangling():
    rows = [
        ("hub1", "l1", 1),
        ("hub1", "l2", 1),
        ("hub1", "l3", 2),
        ("hub1", "l4", 1),
        ("hub2", "l3", 1),
        ("hub2", "l5", 1),
        ("hub2", "l6", 0.5),
        ("hub3", "hub1", 2),
        ("hub3", "l7", 1),
        ("hub2", "l8", 0),  # l8 only ever receives weight 0
        ("hub3", "l8", 0),
        ("z1", "l1", 0),  # z1 refers only with weight 0; nobody refers z1
        ("p1", "p2", 1),
        ("hub1", "mid", 1),
        ("mid", "l9", 1),
        ("mid", "l10", 0.5),
        ("hub2", "l8", 0),
    ]
    conversions = [
        ("l8", 5),
        ("l9", 2),
        ("p2", 1),
        ("l3", 0),
        ("ghost", 4),
        ("l9", 1.5),
    ]
    return HEADER, rows, conversions


def graph_two_components():
    comp_a = [
        ("a1", "a2", 1),
        ("a2", "a3", 1),
        ("a3", "a1", 1),
        ("a1", "a4", 2),
        ("a4", "a5", 1),
        ("a2", "a6", 0.5),
    ]
    comp_b = [
        ("b1", "b2", 1),
        ("b1", "b3", 1),
        ("b1", "b4", 2),
        ("b2", "b5", 1),
        ("b2", "b6", 1),
        ("b3", "b6", 1.5),
        ("b3", "b7", 1),
        ("b4", "b7", 1),
        ("b4", "b8", 1),
        ("b5", "b9", 1),
        ("b6", "b9", 0.5),
        ("b7", "b10", 1),
        ("b8", "b10", 2),
        ("b9", "b11", 1),
        ("b10", "b11", 1),
        ("b11", "b12", 3),
    ]
    # interleave the two components' rows
    rows = []
    for i in range(max(len(comp_a), len(comp_b))):
        if i < len(comp_b):
            rows.append(comp_b[i])
        if i < len(comp_a):
            rows.append(comp_a[i])
    conversions = [
        ("a5", 3),
        ("b12", 6),
        ("b9", 1),
        ("a6", 0),
        ("a5", 1),
        ("ghost", 2),
    ]
    return HEADER, rows, conversions


def graph_random_medium():
    rng = random.Random(20240301)
    people = ["u%d" % i for i in range(1, 299)] + [ZOE, SMITH]
    rng.shuffle(people)
    weights = [1, 1, 1, 2, 3, 0.5]
    channels = ["email", "link", "qr", "sms"]
    base = []
    n_rows = 1200
    while len(base) < n_rows:
        r = rng.random()
        if r < 0.01:
            p = rng.choice(people)
            base.append((p, p, rng.choice(weights)))  # self-referral
        elif r < 0.07 and base:
            s, t, _ = rng.choice(base)
            base.append((s, t, rng.choice(weights)))  # duplicate pair
        else:
            s = rng.choice(people)
            t = rng.choice(people)
            if s == t:
                continue
            base.append((s, t, rng.choice(weights)))
    # a weight-0 row on a fresh pair (so it becomes an edge of weight 0)
    assert all((s, t) != (people[0], people[1]) for s, t, _ in base)
    base.insert(600, (people[0], people[1], 0))
    rows = [(s, t, w, stamp(i * 3 + 5), rng.choice(channels)) for i, (s, t, w) in enumerate(base)]
    conversions = []
    for _ in range(60):
        conversions.append((rng.choice(people), rng.choice([1, 2, 5, 0.5, 10, 0.25])))
    conversions.insert(10, (ZOE, 3))
    conversions.insert(20, (SMITH, 2))
    conversions.insert(30, ("ghost", 7))  # not in the graph
    conversions.insert(40, (people[5], 0))
    return HEADER_EXT, rows, conversions


GRAPHS = [
    ("forest", graph_forest),
    ("dag_shared", graph_dag_shared),
    ("cycles", graph_cycles),
    ("weighted_duplicates", graph_weighted_duplicates),
    ("dangling", graph_dangling),
    ("two_components", graph_two_components),
    ("random_medium", graph_random_medium),
]


# --------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------


def fmt_input(x):
    """Format an input weight/value: ints as integers, floats shortest round-trip."""
    if isinstance(x, int):
        return str(x)
    return repr(float(x))


def fmt_score(x):
    x = float(x)
    if not np.isfinite(x):
        raise ValueError("non-finite score %r" % x)
    return repr(x)


def write_csv(path, header, rows):
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(header)
        for r in rows:
            w.writerow(r)


def build_graph(rows):
    """Apply the toolkit's loading rules. Returns a DiGraph."""
    G = nx.DiGraph()
    for row in rows:
        s, t, w = row[0], row[1], float(row[2])
        if not np.isfinite(w) or w < 0:
            raise ValueError("bad weight %r" % (row,))
        if s == t:
            continue
        if s not in G:
            G.add_node(s)
        if t not in G:
            G.add_node(t)
        if G.has_edge(s, t):
            G[s][t]["weight"] += w
        else:
            G.add_edge(s, t, weight=w)
    return G


def weight_matrix(G, nodes):
    idx = {n: i for i, n in enumerate(nodes)}
    W = np.zeros((len(nodes), len(nodes)))
    for u, v, d in G.edges(data=True):
        W[idx[u], idx[v]] = d["weight"]
    return W


def direct_pagerank(W, p):
    """Exact PageRank of G.reverse() (networkx semantics) via a linear solve.

    In G.reverse() node i links to j with weight W[j, i]; out-weight of i in the
    reverse graph is the in-weight of i in G. Dangling rows use p."""
    n = W.shape[0]
    R = W.T.copy()
    S = R.sum(axis=1)
    M = np.zeros_like(R)
    for i in range(n):
        if S[i] == 0:
            M[i, :] = p
        else:
            M[i, :] = R[i, :] / S[i]
    # x^T = alpha x^T M + (1 - alpha) p^T
    x = np.linalg.solve((np.eye(n) - DAMPING * M).T, (1 - DAMPING) * p)
    return x


def direct_reach(W, beta):
    n = W.shape[0]
    x = np.linalg.solve(np.eye(n) - beta * W, np.ones(n))
    return x - 1.0


def max_abs_diff(d, nodes, arr):
    return max(abs(d[n] - arr[i]) for i, n in enumerate(nodes))



# --------------------------------------------------------------------------
# HITS where the answer depends on the start: the top singular value of W is
# not simple, so the hub vector is the projection of the start onto the top
# singular subspace, and which start is used decides the answer.
#
# networkx 3.6.1 has two HITS routines. `nx.hits` calls scipy's ARPACK `svds`
# with v0 = nstart on the *authority* side; on these graphs it returns an
# arbitrary vector of the degenerate subspace (ARPACK restarts from a random
# vector once the Krylov space is invariant), so sums of +-entries divide
# near-zero numbers: e.g. atlas graph 3 (one edge both ways) gives 6e15. Its
# power-method HITS, `networkx.algorithms.link_analysis.hits_alg._hits_python`
# (the `nx.hits` of networkx 2.x, the one networkx's own tests check `hits`
# against), starts from uniform hubs h = 1/n, then a = A^T h, h = A a, each
# normalized by its max, and at the end each normalized to sum 1. That is a
# definite answer, and it is the one written here. Every value is cross-checked
# against the exact limit: h = P 1 (P the orthogonal projector onto the top
# eigenspace of A A^T, by numpy eigh), a = A^T h, each summing to 1.
# --------------------------------------------------------------------------

HITS_PY_TOL = 1e-14
HITS_PY_MAX_ITER = 1000000


def hits_limit_from_uniform_hubs(W):
    """The exact limit of power iteration on W W^T from uniform hubs."""
    M = W @ W.T
    vals, vecs = np.linalg.eigh(M)
    top = vals[-1]
    U = vecs[:, vals >= top * (1 - 1e-9)]
    h = U @ (U.T @ np.ones(W.shape[0]))
    a = W.T @ h
    return h / h.sum(), a / a.sum(), int(U.shape[1])


def named(G):
    return nx.relabel_nodes(G, {v: "n%s" % v for v in G})


def degenerate_atlas_graphs(count):
    """The first `count` graphs of the atlas, as directed graphs with both
    directions, with no isolated node (a referral export cannot name one)
    whose top singular value is repeated and whose answer from uniform hubs
    differs from the one from uniform authorities by more than 1e-3."""
    picked = []
    for index, U in enumerate(nx.graph_atlas_g()):
        if U.number_of_edges() == 0 or any(d == 0 for _, d in U.degree()):
            continue
        G = U.to_directed()
        W = nx.to_numpy_array(G, nodelist=list(G))
        sv = np.linalg.svd(W, compute_uv=False)
        if not (len(sv) > 1 and sv[0] - sv[1] <= HITS_GAP * sv[0]):
            continue
        h, a, _ = hits_limit_from_uniform_hubs(W)
        ha, aa, _ = hits_limit_from_uniform_hubs(W.T)  # uniform authorities: roles swapped
        if max(np.abs(h - aa).max(), np.abs(a - ha).max()) <= 1e-3:
            continue
        picked.append(("hits_atlas_%d" % index, named(G)))
        if len(picked) == count:
            break
    return picked


def hits_graphs():
    star = nx.star_graph(3).to_directed()  # centre 0 and leaves 1..3, both ways
    two_stars = nx.disjoint_union(star, star)
    c4_chord = nx.cycle_graph(4)
    c4_chord.add_edge(0, 2)
    out_in = nx.DiGraph()
    out_in.add_edges_from([(0, 1), (0, 2), (0, 3), (4, 7), (5, 7), (6, 7)])  # an out-star and an in-star
    graphs = [
        ("hits_two_stars", named(two_stars)),
        ("hits_c4_chord", named(c4_chord.to_directed())),
        ("hits_out_in_stars", named(out_in)),
    ]
    graphs += degenerate_atlas_graphs(5)
    graphs += [
        ("path50_directed", named(nx.path_graph(50, create_using=nx.DiGraph))),
        ("path50_bidirected", named(nx.path_graph(50).to_directed())),
    ]
    return graphs


def write_hits_fixtures():
    from networkx.algorithms.link_analysis.hits_alg import _hits_python

    entries = []
    for name, G in hits_graphs():
        gdir = os.path.join(OUT_DIR, name)
        os.makedirs(gdir, exist_ok=True)
        for fn in OUTPUT_FILES:
            p = os.path.join(gdir, fn)
            if os.path.exists(p):
                os.remove(p)
        rows = [(u, v, 1) for u, v in G.edges()]
        for u, v in G.edges():
            G[u][v]["weight"] = 1.0
        write_csv(os.path.join(gdir, "events.csv"), HEADER, rows)
        # the loading rules give this node order (first appearance among the rows)
        H = build_graph(rows)
        nodes = list(H)
        W = weight_matrix(H, nodes)
        sv = np.linalg.svd(W, compute_uv=False)
        hubs, auths = _hits_python(H, max_iter=HITS_PY_MAX_ITER, tol=HITS_PY_TOL)
        h, a, multiplicity = hits_limit_from_uniform_hubs(W)
        d = max(max_abs_diff(hubs, nodes, h), max_abs_diff(auths, nodes, a))
        assert d < 1e-12, (name, d)
        # what nx.hits (ARPACK) makes of it, for the record
        try:
            with np.errstate(all="ignore"):
                svds_h, svds_a = nx.hits(H, max_iter=100000, tol=1e-14, nstart={v: 1.0 for v in nodes})
            d_svds = max(max_abs_diff(svds_h, nodes, h), max_abs_diff(svds_a, nodes, a))
        except Exception as error:  # ARPACK can give up on a degenerate spectrum
            d_svds = float("nan")
            print("%-20s nx.hits failed: %s" % (name, str(error).split(":")[0]))
        write_csv(
            os.path.join(gdir, "hits.csv"),
            ["node", "hub", "authority"],
            [(v, fmt_score(hubs[v]), fmt_score(auths[v])) for v in nodes],
        )
        print(
            "%-20s nodes=%4d edges=%5d sigma1=%.6g multiplicity=%d max|py - exact|=%.2e max|nx.hits - exact|=%.3g"
            % (name, len(nodes), H.number_of_edges(), sv[0], multiplicity, d, d_svds)
        )
        entries.append(
            {
                "name": name,
                "nodes": len(nodes),
                "edges": H.number_of_edges(),
                "sigma1": float("%.6g" % sv[0]),
                "sigma1_multiplicity": multiplicity,
                "files": {"events": "events.csv", "hits": "hits.csv"},
            }
        )
    return entries

# --------------------------------------------------------------------------
# Main
# --------------------------------------------------------------------------


def main():
    print("networkx", nx.__version__)
    print("numpy", np.__version__, "scipy", scipy.__version__, "python", platform.python_version())
    if nx.__version__ != EXPECTED_NETWORKX:
        print(
            "WARNING: fixtures were made with networkx %s but this is networkx %s; "
            "outputs may differ in the last bits" % (EXPECTED_NETWORKX, nx.__version__),
            file=sys.stderr,
        )

    os.makedirs(OUT_DIR, exist_ok=True)
    manifest_graphs = []
    hits_count = 0
    zero_row_graphs = 0

    for name, make in GRAPHS:
        header, rows, conversions = make()
        gdir = os.path.join(OUT_DIR, name)
        os.makedirs(gdir, exist_ok=True)
        for fn in OUTPUT_FILES:
            p = os.path.join(gdir, fn)
            if os.path.exists(p):
                os.remove(p)

        write_csv(
            os.path.join(gdir, "events.csv"),
            header,
            [(r[0], r[1], fmt_input(r[2])) + tuple(r[3:]) for r in rows],
        )
        write_csv(
            os.path.join(gdir, "conversions.csv"),
            ["user", "value"],
            [(u, fmt_input(v)) for u, v in conversions],
        )

        G = build_graph(rows)
        nodes = list(G)
        n = len(nodes)
        W = weight_matrix(G, nodes)
        self_rows = sum(1 for r in rows if r[0] == r[1])
        has_zero_row = any(float(r[2]) == 0 and r[0] != r[1] for r in rows)
        zero_row_graphs += int(has_zero_row)

        # ---- PageRank -------------------------------------------------
        Grev = G.reverse()
        pr = nx.pagerank(Grev, alpha=DAMPING, weight="weight", tol=PR_TOL, max_iter=PR_MAX_ITER)
        d_pr = max_abs_diff(pr, nodes, direct_pagerank(W, np.full(n, 1.0 / n)))
        write_csv(os.path.join(gdir, "pagerank.csv"), ["node", "score"], [(v, fmt_score(pr[v])) for v in nodes])

        # ---- Personalized PageRank -----------------------------------
        totals = {}
        for u, v in conversions:
            if u in G:
                totals[u] = totals.get(u, 0.0) + float(v)
        assert any(u not in G for u, _ in conversions), name
        assert any(float(v) == 0 for _, v in conversions), name
        personalization = {v: totals[v] for v in nodes if v in totals}
        ppr = nx.pagerank(
            Grev,
            alpha=DAMPING,
            personalization=personalization,
            weight="weight",
            tol=PR_TOL,
            max_iter=PR_MAX_ITER,
        )
        pvec = np.array([personalization.get(v, 0.0) for v in nodes])
        pvec = pvec / pvec.sum()
        d_ppr = max_abs_diff(ppr, nodes, direct_pagerank(W, pvec))
        write_csv(
            os.path.join(gdir, "pagerank_personalized.csv"),
            ["node", "score"],
            [(v, fmt_score(ppr[v])) for v in nodes],
        )

        # ---- Reach (Katz) ---------------------------------------------
        # spectral radius of the weighted adjacency (exactly 0 for a DAG, where
        # numerical eigenvalues of a nilpotent matrix would only be noise)
        if n == 0 or nx.is_directed_acyclic_graph(G):
            rho = 0.0
        else:
            rho = float(max(abs(np.linalg.eigvals(W))))
        betas = [BETA] + ([1.0] if name == "forest" else [])
        reach_files = {}
        d_reach = 0.0
        for beta in betas:
            assert beta * rho < 1.0 - 1e-9, (name, beta, rho)
            katz = nx.katz_centrality(
                Grev,
                alpha=beta,
                beta=1.0,
                normalized=False,
                weight="weight",
                tol=KATZ_TOL,
                max_iter=KATZ_MAX_ITER,
            )
            reach = {v: katz[v] - 1.0 for v in nodes}
            d_reach = max(d_reach, max_abs_diff(reach, nodes, direct_reach(W, beta)))
            fn = "reach.csv" if beta == BETA else "reach_beta1.csv"
            if beta == 1.0:
                # unweighted forest: reach with beta=1 counts descendants exactly
                assert nx.is_forest(G) and all(d <= 1 for _, d in G.in_degree()), name
                assert all(d["weight"] == 1.0 for _, _, d in G.edges(data=True)), name
                for v in nodes:
                    assert reach[v] == float(len(nx.descendants(G, v))), (v, reach[v])
            write_csv(os.path.join(gdir, fn), ["node", "score"], [(v, fmt_score(reach[v])) for v in nodes])
            reach_files[repr(beta)] = fn

        # ---- HITS -----------------------------------------------------
        sv = np.linalg.svd(W, compute_uv=False)
        s1 = float(sv[0])
        s2 = float(sv[1]) if len(sv) > 1 else 0.0
        emit_hits = s1 > 0 and (s1 - s2) > HITS_GAP * s1
        d_hits = None
        if emit_hits:
            hubs, auths = nx.hits(
                G,
                max_iter=HITS_MAX_ITER,
                tol=HITS_TOL,
                nstart={v: 1.0 for v in nodes},
            )
            _, _, vt = np.linalg.svd(W)
            a = vt[0]
            h = W @ a
            a = a / a.sum()
            h = h / h.sum()
            d_hits = max(max_abs_diff(hubs, nodes, h), max_abs_diff(auths, nodes, a))
            assert d_hits < 1e-10, (name, d_hits)
            write_csv(
                os.path.join(gdir, "hits.csv"),
                ["node", "hub", "authority"],
                [(v, fmt_score(hubs[v]), fmt_score(auths[v])) for v in nodes],
            )
            hits_count += 1

        for label, dv in (("pagerank", d_pr), ("personalized", d_ppr), ("reach", d_reach)):
            assert dv < 1e-12, (name, label, dv)

        print(
            "%-20s nodes=%4d edges=%5d rows=%5d self_rows=%2d rho=%.6g sigma1=%.6g sigma2=%.6g hits=%s"
            % (name, n, G.number_of_edges(), len(rows), self_rows, rho, s1, s2, emit_hits)
        )
        print(
            "%-20s max|nx - direct|: pagerank=%.2e personalized=%.2e reach=%.2e hits=%s"
            % ("", d_pr, d_ppr, d_reach, "-" if d_hits is None else "%.2e" % d_hits)
        )

        files = {
            "events": "events.csv",
            "conversions": "conversions.csv",
            "pagerank": "pagerank.csv",
            "pagerank_personalized": "pagerank_personalized.csv",
            "reach": "reach.csv",
        }
        if "1.0" in reach_files:
            files["reach_beta1"] = reach_files["1.0"]
        if emit_hits:
            files["hits"] = "hits.csv"
        entry = {
            "name": name,
            "nodes": n,
            "edges": G.number_of_edges(),
            "rows": len(rows),
            "self_referral_rows": self_rows,
            "damping": DAMPING,
            "betas": betas,
            "hits": bool(emit_hits),
            "spectral_radius": float("%.6g" % rho),
            "sigma1": float("%.6g" % s1),
            "sigma2": float("%.6g" % s2),
            "files": files,
        }
        if name == "forest":
            entry["reach_beta1_file"] = "reach_beta1.csv"
        manifest_graphs.append(entry)

    assert hits_count >= 5, hits_count
    hits_start_graphs = write_hits_fixtures()
    assert zero_row_graphs >= 1, zero_row_graphs

    manifest = {
        "generator": "Scripts/make_networkx_fixtures.py",
        "rerun": "python3 Scripts/make_networkx_fixtures.py",
        "networkx_version": nx.__version__,
        "python_version": platform.python_version(),
        "numpy_version": np.__version__,
        "scipy_version": scipy.__version__,
        "parameters": {
            "pagerank": 'nx.pagerank(G.reverse(), alpha=0.85, weight="weight", tol=1e-15, max_iter=10000)',
            "pagerank_personalized": 'nx.pagerank(G.reverse(), alpha=0.85, personalization=p, weight="weight", tol=1e-15, max_iter=10000); dangling = p (default)',
            "reach": 'nx.katz_centrality(G.reverse(), alpha=beta, beta=1.0, normalized=False, weight="weight", tol=1e-15, max_iter=100000) - 1',
            "hits": "nx.hits(G, max_iter=100000, tol=1e-14, nstart={v: 1.0 for v in G}); emitted only if sigma1 - sigma2 > 1e-3 * sigma1",
            "loading": "duplicate (source,target) rows summed into one edge; self-referral rows skipped; node order = first appearance",
        },
        "graphs": manifest_graphs,
        "hits_start": {
            "about": "HITS where the top singular value is repeated, so the answer depends on the start; and path_graph(50), directed and both ways",
            "hits": "networkx.algorithms.link_analysis.hits_alg._hits_python(G, max_iter=1000000, tol=1e-14): power iteration from uniform hubs (nx.hits uses ARPACK there and returns an arbitrary vector of the degenerate subspace)",
            "checked_against": "exact limit from uniform hubs (projection onto the top eigenspace of W W^T), max difference < 1e-12",
            "weights": "all 1",
            "graphs": hits_start_graphs,
        },
    }
    with open(os.path.join(OUT_DIR, "manifest.json"), "w", encoding="utf-8", newline="\n") as f:
        f.write(json.dumps(manifest, indent=2, ensure_ascii=False))
        f.write("\n")
    print("wrote", os.path.relpath(OUT_DIR, REPO_ROOT))


if __name__ == "__main__":
    main()
