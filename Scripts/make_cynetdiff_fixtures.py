#!/usr/bin/env python3
"""Independent Cascade reference fixtures from cynetdiff, for the Swift `Simulation` tests.

For each graph below, writes Tests/InfluenceModelTests/Fixtures/cynetdiff/<name>.csv (the
edges: source,target,probability) and <name>.json (the seeds, the number of runs, and the
mean and standard deviation of the number of activated people, seeds included, over the
runs of cynetdiff's IndependentCascadeModel). The Swift test runs its own simulation on
the same edges and seeds and checks that the two means agree within Monte Carlo error.

Graphs
    sample   the bundled sample's referral pairs (notebooks-data/referrals.csv, self-referrals
             and repeated pairs dropped), each edge with a probability drawn uniformly from
             [0.05, 0.45] (numpy seed 7); seeds: the three most active sharers.
    random   a directed Erdős–Rényi graph of 400 people and 2,400 edges (numpy seed 11),
             probability 0.08 on every edge; seeds: five people.

Run it (it installs cynetdiff, networkx and numpy into a virtualenv):

    python3 Scripts/make_cynetdiff_fixtures.py
"""
import csv
import json
import pathlib
import subprocess
import sys
import venv

ROOT = pathlib.Path(__file__).resolve().parent.parent
OUT = ROOT / "Tests" / "InfluenceModelTests" / "Fixtures" / "cynetdiff"
VENV = ROOT / ".build" / "cynetdiff-venv"
RUNS = 200_000


def ensure_venv():
    python = VENV / "bin" / "python"
    if not python.exists():
        venv.create(VENV, with_pip=True)
        subprocess.check_call([str(python), "-m", "pip", "install", "-q", "cynetdiff==0.1.18", "networkx", "numpy"])
    # The virtualenv's python is a link to the base interpreter: tell them apart by prefix.
    if pathlib.Path(sys.prefix).resolve() != VENV.resolve():
        sys.exit(subprocess.call([str(python), __file__] + sys.argv[1:]))


def simulate(edges, seeds):
    import networkx as nx
    import numpy as np
    from cynetdiff.utils import networkx_to_ic_model

    graph = nx.DiGraph()
    for s, t, p in edges:
        graph.add_edge(s, t, activation_prob=p)
    for s in seeds:
        graph.add_node(s)
    model, mapping = networkx_to_ic_model(graph, rng=np.random.default_rng(2026))
    model.set_seeds([mapping[s] for s in seeds])
    sizes = np.empty(RUNS)
    for r in range(RUNS):
        model.reset_model()
        model.advance_until_completion()
        sizes[r] = model.get_num_activated_nodes()
    return float(sizes.mean()), float(sizes.std(ddof=1))


def write(name, edges, seeds, note):
    import importlib.metadata as metadata

    OUT.mkdir(parents=True, exist_ok=True)
    with open(OUT / f"{name}.csv", "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["source", "target", "probability"])
        for s, t, p in edges:
            w.writerow([s, t, repr(p)])
    mean, sd = simulate(edges, seeds)
    doc = {
        "tool": "cynetdiff",
        "version": metadata.version("cynetdiff"),
        "graph": note,
        "seeds": seeds,
        "runs": RUNS,
        "mean_activated": mean,
        "sd_activated": sd,
    }
    (OUT / f"{name}.json").write_text(json.dumps(doc, indent=2) + "\n")
    print(f"{name}: {len(edges)} edges, mean {mean:.4f}, sd {sd:.4f}")


def main():
    ensure_venv()
    import numpy as np

    # The sample's pairs, first occurrence order.
    pairs, seen, sent = [], set(), {}
    with open(ROOT / "notebooks-data" / "referrals.csv", newline="") as f:
        for row in csv.DictReader(f):
            s, t = row["referrer"].strip(), row["referred"].strip()
            if s == t or (s, t) in seen:
                continue
            seen.add((s, t))
            pairs.append((s, t))
            sent[s] = sent.get(s, 0) + 1
    rng = np.random.default_rng(7)
    edges = [(s, t, float(0.05 + 0.4 * rng.random())) for s, t in pairs]
    seeds = sorted(sent, key=lambda s: (-sent[s], s))[:3]
    write("sample", edges, seeds, "notebooks-data/referrals.csv pairs, p ~ U[0.05, 0.45] (numpy seed 7)")

    rng = np.random.default_rng(11)
    chosen = set()
    while len(chosen) < 2400:
        s, t = (int(x) for x in rng.integers(0, 400, size=2))
        if s != t:
            chosen.add((s, t))
    edges = [(f"n{s}", f"n{t}", 0.08) for s, t in sorted(chosen)]
    write("random", edges, ["n0", "n1", "n2", "n3", "n4"], "directed G(400, 2400 edges) (numpy seed 11), p = 0.08")


if __name__ == "__main__":
    main()
