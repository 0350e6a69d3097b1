#!/usr/bin/env python3
"""Generate ChannelAttribution reference fixtures for `influence attribute --paths`.

What it does
    Runs ChannelAttribution's `heuristic_models` and `markov_model` (order 1) on a few
    channel path tables and writes, under
    Tests/InfluenceModelTests/Fixtures/channelattribution/<table>/:

      input.csv             the path table exactly as given to ChannelAttribution
                            (path,total_conversions,total_conversion_value,total_null)
      heuristic.csv         heuristic_models(var_value="total_conversion_value"):
                            channel_name, first_touch_conversions, first_touch_value,
                            last_touch_conversions, last_touch_value,
                            linear_touch_conversions, linear_touch_value
      markov_seed<S>.csv    markov_model(order=1, var_value=..., var_null=..., out_more=True,
                            nsim_start=NSIM_START, max_step=MAX_STEP, nfold=NFOLD, seed=S):
                            channel_name, total_conversions, total_conversion_value,
                            removal_effects_conversion, removal_effects_conversion_value
      transition_matrix.csv channel_from, channel_to, transition_probability (seed-independent)

    plus manifest.json (tool, version, parameters, tables).

    Tables: `sample` (a copy of notebooks-data/paths.csv), and three small hand-made ones:
    `tiny` (three channels, every conversion worth 10, so ChannelAttribution's value
    attribution coincides with total value x removal effect share), `loops` (revisits and
    back-to-back repeats, `;`-delimited with spaces around the separators) and `cycle`
    (a > b > a, the example solved by hand in the tests: a 2/3, b 1/3).

Tool and version
    ChannelAttribution 2.2.5 from PyPI (it builds a C++ extension: a C++ compiler is needed)
    with matplotlib, which it imports. If `import ChannelAttribution` fails, the script makes
    a virtualenv (CA_VENV, default .venv-ca in the repository root, git-ignored), installs
    ChannelAttribution==2.2.5 and matplotlib there, and runs itself again inside it.

Why several seeds and a large max_step
    markov_model estimates removal effects by simulating journeys: NFOLD folds of
    NSIM_START / NFOLD journeys each, reporting the fold nearest the median. Each seed is an
    independent estimate; the tests check every one against the exact values within its
    binomial standard error. max_step bounds a simulated journey's length (default: the
    longest observed path), and a journey cut short counts as no conversion; a large bound
    removes that bias on tables with cycles.

Determinism
    Fixed seeds, ncore=1, floats written with repr() (shortest round trip), no timestamps.

How to rerun (from the repository root)
    python3 Scripts/make_channelattribution_fixtures.py
"""

import csv
import json
import os
import platform
import shutil
import subprocess
import sys

TOOL = "ChannelAttribution"
VERSION = "2.2.5"
NSIM_START = 2_000_000
NFOLD = 10
MAX_STEP = 1000
CONV_PAR = 0.05
# Fold r of seed S simulates with mt19937(S + r): seeds 1000 apart share no fold.
SEEDS = [1, 1001, 2001, 3001, 4001]

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT_DIR = os.path.join(REPO_ROOT, "Tests", "InfluenceModelTests", "Fixtures", "channelattribution")
HEADER = ["path", "total_conversions", "total_conversion_value", "total_null"]

# Hand-made tables: (name, delimiter, rows).
TABLES = [
    ("tiny", ",", [
        ("email", 3, 30.0, 7),
        ("email > facebook", 4, 40.0, 2),
        ("facebook > link", 2, 20.0, 6),
        ("link", 0, 0.0, 5),
        ("email > link > facebook", 5, 50.0, 1),
    ]),
    ("loops", ";", [
        ("a > b > a", 3, 45.5, 2),
        ("a > a > b", 2, 10.0, 3),
        ("b > c > b > a", 4, 80.25, 1),
        ("c", 1, 5.0, 9),
        ("c > c", 0, 0.0, 4),
        ("b >  d", 2, 13.0, 2),
        ("d > a > c", 1, 7.5, 0),
    ]),
    ("cycle", ",", [
        ("a > b > a", 1, 1.0, 0),
        ("b", 0, 0.0, 1),
    ]),
]


def ensure_channelattribution():
    """Imports ChannelAttribution, or installs it in a virtualenv and reruns this script there."""
    try:
        import ChannelAttribution  # noqa: F401
        import matplotlib  # noqa: F401
        return
    except ImportError:
        pass
    if os.environ.get("CA_FIXTURES_REEXEC"):
        sys.exit("ChannelAttribution is still not importable inside the virtualenv; see the pip output above.")
    venv = os.environ.get("CA_VENV", os.path.join(REPO_ROOT, ".venv-ca"))
    python = os.path.join(venv, "bin", "python")
    if not os.path.exists(python):
        print(f"creating virtualenv {venv}", file=sys.stderr)
        subprocess.check_call([sys.executable, "-m", "venv", venv])
    print(f"installing {TOOL}=={VERSION} and matplotlib (builds a C++ extension)", file=sys.stderr)
    subprocess.check_call([python, "-m", "pip", "install", "--quiet", f"{TOOL}=={VERSION}", "matplotlib"])
    env = dict(os.environ, CA_FIXTURES_REEXEC="1")
    os.execve(python, [python, os.path.abspath(__file__)] + sys.argv[1:], env)


def write_csv(path, header, rows):
    with open(path, "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(header)
        for row in rows:
            w.writerow([repr(float(x)) if isinstance(x, float) else x for x in row])


def num(x):
    """A numpy or Python number as a Python float (ints stay exact)."""
    return float(x)


def run_table(name, source, delimiter):
    import pandas as pd
    from ChannelAttribution import heuristic_models, markov_model

    folder = os.path.join(OUT_DIR, name)
    os.makedirs(folder, exist_ok=True)
    data = pd.read_csv(source, sep=delimiter, dtype={"path": str})
    for col in ("total_conversions", "total_null"):
        data[col] = data[col].astype("int64")
    data["total_conversion_value"] = data["total_conversion_value"].astype("float64")

    h = heuristic_models(data, "path", "total_conversions", var_value="total_conversion_value", flg_pro=False)
    cols = ["channel_name", "first_touch_conversions", "first_touch_value", "last_touch_conversions",
            "last_touch_value", "linear_touch_conversions", "linear_touch_value"]
    write_csv(os.path.join(folder, "heuristic.csv"), cols,
              [[r["channel_name"]] + [num(r[c]) for c in cols[1:]] for _, r in h.iterrows()])

    transitions = None
    for seed in SEEDS:
        res = markov_model(data, "path", "total_conversions", var_value="total_conversion_value",
                           var_null="total_null", order=1, nsim_start=NSIM_START, max_step=MAX_STEP,
                           out_more=True, nfold=NFOLD, seed=seed, conv_par=CONV_PAR, ncore=1,
                           verbose=False, flg_pro=False)
        result = res["result"].set_index("channel_name")
        effects = res["removal_effects"].set_index("channel_name")
        rows = []
        for channel in result.index:
            rows.append([channel, num(result.loc[channel, "total_conversions"]),
                         num(result.loc[channel, "total_conversion_value"]),
                         num(effects.loc[channel, "removal_effects_conversion"]),
                         num(effects.loc[channel, "removal_effects_conversion_value"])])
        write_csv(os.path.join(folder, f"markov_seed{seed}.csv"),
                  ["channel_name", "total_conversions", "total_conversion_value",
                   "removal_effects_conversion", "removal_effects_conversion_value"], rows)
        if transitions is None:
            transitions = [[r["channel_from"], r["channel_to"], num(r["transition_probability"])]
                           for _, r in res["transition_matrix"].iterrows()]
    write_csv(os.path.join(folder, "transition_matrix.csv"),
              ["channel_from", "channel_to", "transition_probability"], transitions)
    return {
        "input": "input.csv",
        "delimiter": delimiter,
        "paths": int(len(data)),
        "conversions": int(data["total_conversions"].sum()),
        "nulls": int(data["total_null"].sum()),
        "files": sorted(os.listdir(folder)),
    }


def main():
    ensure_channelattribution()
    import importlib.metadata as md

    version = md.version("ChannelAttribution")
    if version != VERSION:
        print(f"warning: ChannelAttribution {version}, fixtures were designed for {VERSION}", file=sys.stderr)
    os.makedirs(OUT_DIR, exist_ok=True)
    tables = {}

    sample = os.path.join(OUT_DIR, "sample")
    os.makedirs(sample, exist_ok=True)
    shutil.copyfile(os.path.join(REPO_ROOT, "notebooks-data", "paths.csv"), os.path.join(sample, "input.csv"))
    tables["sample"] = run_table("sample", os.path.join(sample, "input.csv"), ",")

    for name, delimiter, rows in TABLES:
        folder = os.path.join(OUT_DIR, name)
        os.makedirs(folder, exist_ok=True)
        path = os.path.join(folder, "input.csv")
        with open(path, "w", newline="") as f:
            w = csv.writer(f, delimiter=delimiter, lineterminator="\n")
            w.writerow(HEADER)
            for p, c, v, n in rows:
                w.writerow([p, c, repr(v), n])
        tables[name] = run_table(name, path, delimiter)

    import matplotlib
    import numpy
    import pandas
    manifest = {
        "tool": TOOL,
        "version": version,
        "source": f"https://pypi.org/project/ChannelAttribution/{VERSION}/",
        "python": platform.python_version(),
        "numpy": numpy.__version__,
        "pandas": pandas.__version__,
        "matplotlib": matplotlib.__version__,
        "script": "Scripts/make_channelattribution_fixtures.py",
        "heuristic_models": {"var_value": "total_conversion_value", "sep": ">"},
        "markov_model": {
            "order": 1,
            "nsim_start": NSIM_START,
            "nfold": NFOLD,
            "simulations_per_fold": NSIM_START // NFOLD,
            "max_step": MAX_STEP,
            "conv_par": CONV_PAR,
            "ncore": 1,
            "out_more": True,
            "seeds": SEEDS,
            "var_value": "total_conversion_value",
            "var_null": "total_null",
        },
        "notes": [
            "markov total_conversions = total x (simulated conversions visiting the channel) / (sum over channels): "
            "the simulated estimate of total x RE_c / sum RE.",
            "markov total_conversion_value draws each simulated conversion's value from the values of paths ending "
            "in the same last channel; it equals total value x RE_c / sum RE when every conversion is worth the same "
            "(the tiny and cycle tables), not in general.",
        ],
        "tables": tables,
    }
    with open(os.path.join(OUT_DIR, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=2, sort_keys=False)
        f.write("\n")
    print(f"wrote {OUT_DIR}")


if __name__ == "__main__":
    main()
