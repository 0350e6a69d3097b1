#!/usr/bin/env python3
"""influence score/spread on one machine against influence spark score/spread on Spark local[2].

For each size, a program from `influence generate` (campaigns, cycles, repeats) is scored
(PageRank) and measured (spread) both ways; wall clock and peak memory come from
/usr/bin/time -v, and Spark's shuffle bytes per PageRank iteration from its event log (the
job labels each iteration's Spark jobs "iteration k"; the bytes are the sum of the shuffle
writes of their tasks).

    python3 Benchmarks/spark.py --sizes 1M,10M          # generates into Benchmarks/data/
    python3 Benchmarks/spark.py --sizes 1M --skip-spread

Needs a release build (swift build -c release --product influence), java and pyspark.
Prints one line per run and a Markdown table for the README.
"""

import argparse
import glob
import json
import os
import re
import shutil
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DATA = os.path.join(ROOT, "Benchmarks", "data")
PEOPLE = {"1M": 1_400_000, "10M": 14_000_000}  # people per referral count (about 0.72 referrals each)


def timed(command, env=None):
    """Runs `command` under /usr/bin/time -v: (seconds, peak GiB, CPU seconds, stderr)."""
    start = time.time()
    done = subprocess.run(["/usr/bin/time", "-v"] + command, capture_output=True, text=True, env=env)
    seconds = time.time() - start
    if done.returncode != 0:
        sys.exit("failed (%d): %s\n%s" % (done.returncode, " ".join(command), done.stderr[-3000:]))
    peak = re.search(r"Maximum resident set size \(kbytes\): (\d+)", done.stderr)
    cpu = sum(float(x) for x in re.findall(r"(?:User|System) time \(seconds\): ([\d.]+)", done.stderr))
    return seconds, int(peak.group(1)) / 1024 / 1024 if peak else float("nan"), cpu, done.stderr


def shuffle_per_iteration(log_dir):
    """Bytes written to shuffle by the jobs labelled "iteration k", by k, from the newest event log."""
    logs = sorted(glob.glob(os.path.join(log_dir, "*")), key=os.path.getmtime)
    if not logs:
        return {}
    stage_label, written, read = {}, {}, {}
    with open(logs[-1], encoding="utf-8") as f:
        for line in f:
            event = json.loads(line)
            kind = event.get("Event")
            if kind == "SparkListenerJobStart":
                label = (event.get("Properties") or {}).get("spark.job.description", "")
                for stage in event.get("Stage IDs", []):
                    stage_label[stage] = label
            elif kind == "SparkListenerTaskEnd":
                metrics = event.get("Task Metrics") or {}
                label = stage_label.get(event.get("Stage ID"), "")
                w = (metrics.get("Shuffle Write Metrics") or {}).get("Shuffle Bytes Written", 0)
                r = metrics.get("Shuffle Read Metrics") or {}
                written[label] = written.get(label, 0) + w
                read[label] = read.get(label, 0) + r.get("Remote Bytes Read", 0) + r.get("Local Bytes Read", 0)
    return {k: (written[k], read.get(k, 0)) for k in written if k.startswith("iteration ")}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1M,10M")
    parser.add_argument("--binary", default=os.path.join(ROOT, ".build", "release", "influence"))
    parser.add_argument("--master", default="local[2]")
    parser.add_argument("--driver-memory", default="12g")
    parser.add_argument("--skip-spread", action="store_true")
    parser.add_argument("--spark-max-iterations", type=int,
                        help="stop Spark's PageRank after this many iterations and extrapolate the full run from "
                             "its time per iteration and Swift's iteration count")
    args = parser.parse_args()
    os.makedirs(DATA, exist_ok=True)
    env = dict(os.environ, OPENBLAS_NUM_THREADS="1")
    rows = []
    for size in args.sizes.split(","):
        program = os.path.join(DATA, "spark-%s" % size)
        events = os.path.join(program, "events.csv")
        if not os.path.exists(events):
            subprocess.run([args.binary, "generate", "--people", str(PEOPLE[size]), "--seed", "1", "-o", program,
                            "--quiet"], check=True)
        referrals = sum(1 for _ in open(events, "rb")) - 1
        out = os.path.join(DATA, "spark-out-%s" % size)
        shutil.rmtree(out, ignore_errors=True)
        log_dir = os.path.join(DATA, "spark-events-%s" % size)
        shutil.rmtree(log_dir, ignore_errors=True)
        os.makedirs(log_dir)
        spark_flags = ["--keep-staging", "--master", args.master, "--conf", "spark.driver.memory=%s" % args.driver_memory,
                       "--conf", "spark.eventLog.enabled=true", "--conf", "spark.eventLog.dir=file://" + log_dir,
                       "-o", out]
        for command in (["score"], [] if args.skip_spread else ["spread"]):
            if not command:
                continue
            name = command[0]
            seconds, peak, cpu, err = timed([args.binary, name, events, "-o",
                                             os.path.join(DATA, "swift-%s-%s.csv" % (name, size)), "--quiet"]
                                            + (["--timings"] if name == "score" else []), env)
            found = re.search(r"\((\d+) iterations", err)
            swift_iterations = int(found.group(1)) if found else None
            print("%s %s swift: %.1f s (CPU %.1f s), %.2f GiB" % (size, name, seconds, cpu, peak), flush=True)
            rows.append((size, referrals, name, "influence (Swift, one machine)", seconds, cpu, peak, None, None))
            limit = ["--max-iterations", str(args.spark_max_iterations)] if args.spark_max_iterations and name == "score" else []
            seconds, peak, cpu, _ = timed([args.binary, "spark", name, events] + spark_flags + limit + ["--quiet"], env)
            summary = json.load(open(os.path.join(out, "summary.json")))
            shuffle = shuffle_per_iteration(log_dir) if name == "score" else {}
            per_iteration = None
            if shuffle:
                written = [w for w, _ in shuffle.values()]
                per_iteration = sum(written) / len(written)
            iterations = summary.get("iterations")
            if limit:
                job = json.load(open(glob.glob(os.path.join(out, ".influence-spark-*", "out", "summary.json"))[-1]))
                steps = [x["seconds"] for x in job["iteration_log"][1:]] or [x["seconds"] for x in job["iteration_log"]]
                each = sum(steps) / len(steps)
                rest = sum(v for k, v in job["phases"].items() if k != "iterate")
                print("%s score spark: %.2f s per iteration over %d; the full run (%s iterations as Swift) would take "
                      "about %.0f s of job time (read, build, write %.0f s)" % (
                          size, each, iterations, swift_iterations, rest + each * (swift_iterations or 0), rest),
                      flush=True)
            print("%s %s spark %s: %.1f s (CPU %.1f s), %.2f GiB, %s iterations, shuffle written per iteration %s bytes" % (
                size, name, args.master, seconds, cpu, peak, iterations,
                "%.0f" % per_iteration if per_iteration is not None else "-"), flush=True)
            rows.append((size, referrals, name, "influence spark, %s" % args.master, seconds, cpu, peak, per_iteration,
                         iterations))
            shutil.copy(os.path.join(out, "summary.json"), os.path.join(DATA, "spark-summary-%s-%s.json" % (name, size)))
    print()
    print("| referrals | command | engine | wall | CPU | peak memory | iterations | shuffle written per iteration |")
    print("|---|---|---|---|---|---|---|---|")
    for size, referrals, name, engine, seconds, cpu, peak, per_iteration, iterations in rows:
        shuffle = "%.1f MB" % (per_iteration / 1e6) if per_iteration is not None else "—"
        print("| %s (%s) | %s | %s | %.1f s | %.1f s | %.2f GiB | %s | %s |" % (
            size, format(referrals, ","), name, engine, seconds, cpu, peak, iterations or "—", shuffle))


if __name__ == "__main__":
    main()
