"""Score and spread of a referral export on Apache Spark, with the definitions of `influence`.

Run by `influence spark score|spread` (which reads the exports with the Swift input layer and
writes the canonical files and a parameters file), or directly:

    spark-submit influence_spark.py --params params.json
    spark-submit influence_spark.py score --edges edges.csv --out DIR [--algorithm pagerank] ...
    spark-submit influence_spark.py spread --edges edges.csv [--conversions conv.csv] --out DIR

Canonical edges: a CSV with a header naming `source,target` and optionally `row` (input
order; file order when absent), `weight` (default 1), `time` (seconds since the epoch, empty
when unknown), `channel` and `campaign` (empty: none). Canonical conversions: `user` and
optionally `value` (default 1) and `campaign`.

Definitions (DESIGN.md): self-referrals are left out; repeated pairs are one edge, weights
summed; PageRank of the reversed graph with dangling mass spread like the teleport vector;
reach Σ_{k≥1} β^k W^k 1; HITS by power iteration from uniform hubs with Aitken extrapolation;
each iteration stops when the L1 change is at most max(tolerance, 16 ε ‖x‖₁) (HITS: when the
estimated remaining error is below the tolerance). The referral forest takes each person's
first referral in (time, then input order; untimed rows last) that does not close a cycle.

Output in --out: scores.csv (node,score,rank or node,hub,authority,rank), or spread.csv
(per campaign, then all) and cascades.csv (per cascade), and summary.json.
Exit codes: 0, 64 (bad parameters), 65 (bad data), 66 (missing input).
"""

import argparse
import datetime
import itertools
import json
import math
import os
import shutil
import sys
import time

EPSILON = sys.float_info.epsilon
ALL = "all"


class JobError(Exception):
    """A refusal with the exit code `influence` uses for it."""

    def __init__(self, message, code):
        super().__init__(message)
        self.code = code


# ---------------------------------------------------------------------------------------------
# Parameters


def parse_arguments(argv):
    parser = argparse.ArgumentParser(prog="influence_spark.py", description=__doc__.split("\n\n")[0])
    parser.add_argument("command", nargs="?", choices=["score", "spread"])
    parser.add_argument("--params", help="JSON file with every parameter (as written by influence spark)")
    parser.add_argument("--edges", help="canonical edges CSV")
    parser.add_argument("--conversions", help="canonical conversions CSV (spread; score: personalization)")
    parser.add_argument("--out", help="output folder")
    parser.add_argument("--algorithm", choices=["pagerank", "reach", "hits"])
    parser.add_argument("--damping", type=float)
    parser.add_argument("--beta", type=float)
    parser.add_argument("--tolerance", type=float)
    parser.add_argument("--max-iterations", type=int)
    parser.add_argument("--partitions", type=int, help="partitions of the edges (default: from the data)")
    parser.add_argument("--checkpoint-dir", help="reliable checkpoints here every --checkpoint-every iterations")
    parser.add_argument("--checkpoint-every", type=int)
    parser.add_argument("--multiline", action="store_true", help="ids or labels hold line breaks")
    parser.add_argument("--raw-csv", action="store_true", help="no ' before text cells starting =, +, -, @")
    args = parser.parse_args(argv)
    params = {}
    if args.params:
        with open(args.params, encoding="utf-8") as f:
            params = json.load(f)
    for key, value in vars(args).items():
        if key == "params" or value is None or value is False:
            continue
        params[key] = value
    defaults = {
        "algorithm": "pagerank",
        "damping": 0.85,
        "tolerance": 1e-10,
        "max_iterations": 1000,
        "checkpoint_every": 10,
        "multiline": False,
        "raw_csv": False,
    }
    for key, value in defaults.items():
        params.setdefault(key, value)
    if params.get("command") not in ("score", "spread"):
        raise JobError("name the command: score or spread (or give --params).", 64)
    for key in ("edges", "out"):
        if not params.get(key):
            raise JobError("--%s is required." % key, 64)
    if not 0 < params["damping"] < 1:
        raise JobError("--damping must lie strictly between 0 and 1, not %r." % params["damping"], 64)
    if not (params["tolerance"] > 0 and math.isfinite(params["tolerance"])):
        raise JobError("--tolerance must be a positive number, not %r." % params["tolerance"], 64)
    if params["max_iterations"] < 1:
        raise JobError("--max-iterations must be at least 1.", 64)
    beta = params.get("beta")
    if beta is not None and not (beta > 0 and math.isfinite(beta)):
        raise JobError("--beta must be a positive number, not %r." % beta, 64)
    if params["command"] == "score" and params["algorithm"] == "reach" and beta is None:
        raise JobError(
            "reach needs --beta when the job is run directly (influence spark score chooses it as influence score does: "
            "min(0.1, 0.5/ρ̄) for a certified bound ρ̄ on the spectral radius).",
            64,
        )
    return params


# ---------------------------------------------------------------------------------------------
# Text, as `influence` writes it


def shortest(value):
    """The shortest decimal that reads back as `value`, written as Swift's `description` (without `.0`)."""
    if value == 0:
        return "0"
    text = repr(float(value))
    return text[:-2] if text.endswith(".0") else text


def needs_quotes(text):
    if not text:
        return False
    if text[0] in " \t" or text[-1] in " \t":
        return True
    return any(c in text for c in ',"\n\r')


def text_field(text, guard):
    """A text cell (an id, a campaign): quoted when needed, `'` before what a spreadsheet runs as a formula."""
    guarded = guard and text[:1] in ("=", "+", "-", "@", "\t", "\r")
    if guarded or needs_quotes(text):
        return '"' + ("'" if guarded else "") + text.replace('"', '""') + '"'
    return text


def iso8601(seconds):
    whole = math.floor(seconds)
    moment = datetime.datetime(1970, 1, 1) + datetime.timedelta(seconds=whole)
    return "%04d-%02d-%02dT%02d:%02d:%02dZ" % (
        moment.year, moment.month, moment.day, moment.hour, moment.minute, moment.second)


def utf8_key(text):
    return text.encode("utf-8")


class Phases:
    """Wall time of each phase of the job, for summary.json."""

    def __init__(self, summary):
        self.summary = summary
        self.last = time.time()
        summary["phases"] = {}

    def done(self, name, spark=None, following=None):
        now = time.time()
        self.summary["phases"][name] = round(now - self.last, 3)
        self.last = now
        if spark is not None and following:
            describe(spark, following)


def describe(spark, text):
    """Labels the Spark jobs that follow (in the UI and the event log: per-iteration shuffle bytes)."""
    spark.sparkContext.setJobDescription(text)


# ---------------------------------------------------------------------------------------------
# Spark session and input


def session(params):
    from pyspark.sql import SparkSession

    spark = SparkSession.builder.appName("influence-%s" % params["command"]).getOrCreate()
    # The iterations rely on vectors and edges sharing one hash partitioning: a fixed
    # partition count, no adaptive re-planning and no broadcast that would change it.
    spark.conf.set("spark.sql.adaptive.enabled", "false")
    spark.conf.set("spark.sql.autoBroadcastJoinThreshold", "-1")
    # A checkpointed table keeps its original plan for the optimizer's constraint inference,
    # which then grows with every round of an iteration (exponentially through joins and
    # unions): the plans here gain nothing from inferred filters, so it is off.
    spark.conf.set("spark.sql.constraintPropagation.enabled", "false")
    spark.conf.set("spark.sql.shuffle.partitions", str(params.get("partitions") or spark.sparkContext.defaultParallelism))
    spark.sparkContext.setLogLevel("WARN")
    if params.get("checkpoint_dir"):
        spark.sparkContext.setCheckpointDir(params["checkpoint_dir"])
    return spark


def read_csv(spark, path, params):
    header = spark.read.option("header", "true").option("multiLine", params["multiline"]).option(
        "escape", '"').csv(path).columns
    return (spark.read.option("header", "true").option("multiLine", params["multiline"])
            .option("escape", '"').option("mode", "FAILFAST").option("maxCharsPerColumn", "-1")
            .schema(", ".join("`%s` STRING" % c.replace("`", "``") for c in header)).csv(path), header)


def read_edges(spark, params):
    """The canonical edges with dense-enough person numbers: (row, src, dst, w, time, channel, campaign)."""
    from pyspark.sql import functions as F

    path = params["edges"]
    if "://" not in path and not os.path.exists(path):
        raise JobError("%s: no such file." % path, 66)
    raw, header = read_csv(spark, path, params)
    for required in ("source", "target"):
        if required not in header:
            raise JobError("%s: the header has no %s column (it has %s)." % (path, required, ", ".join(header)), 65)
    row = F.col("row").cast("long") if "row" in header else F.monotonically_increasing_id()
    weight = F.col("weight").cast("double") if "weight" in header else F.lit(1.0)
    stamp = F.col("time").cast("double") if "time" in header else F.lit(None).cast("double")
    channel = F.col("channel") if "channel" in header else F.lit(None).cast("string")
    campaign = F.col("campaign") if "campaign" in header else F.lit(None).cast("string")
    rows = raw.select(
        row.alias("row"), F.col("source").alias("source"), F.col("target").alias("target"), weight.alias("w"),
        stamp.alias("time"), channel.alias("channel"), campaign.alias("campaign"))
    rows = rows.withColumn("campaign", F.when(F.col("campaign") != "", F.col("campaign")))
    rows = rows.withColumn("channel", F.when(F.col("channel") != "", F.col("channel")))
    invalid = (F.col("source").isNull() | F.col("target").isNull() | F.col("w").isNull() | F.isnan("w")
               | (F.col("w") < 0) | (F.col("w") == float("inf")) | F.col("row").isNull())
    counted = rows.groupBy().agg(F.count(F.lit(1)).alias("rows"),
                                 F.sum(F.when(invalid, 1).otherwise(0)).alias("bad"),
                                 F.sum(F.when(F.col("source") == F.col("target"), 1).otherwise(0)).alias("self"),
                                 F.sum(F.when(F.col("time").isNotNull(), 1).otherwise(0)).alias("timed")).collect()[0]
    if counted["bad"]:
        example = rows.filter(invalid).limit(1).collect()[0].asDict()
        raise JobError("%s: %d row(s) have an empty id, or a weight or row number that is not a finite number >= 0, "
                       "such as %s" % (path, counted["bad"], example), 65)
    kept = rows.filter(F.col("source") != F.col("target"))
    if counted["rows"] - (counted["self"] or 0) == 0:
        raise JobError("%s: no referral links two different people; there is nothing to measure." % path, 65)
    # People are numbered by id; self-referral rows are gone first, so someone seen only in
    # one is not a person.
    # The numbers are stored once (a local checkpoint): recomputing a distinct could number
    # people differently, and every join below relies on one numbering.
    people = (kept.select(F.col("source").alias("id")).union(kept.select(F.col("target").alias("id"))).distinct()
              .withColumn("node", F.monotonically_increasing_id()).localCheckpoint(eager=True))
    source_ids = people.select(F.col("id").alias("source"), F.col("node").alias("src"))
    target_ids = people.select(F.col("id").alias("target"), F.col("node").alias("dst"))
    edges = kept.join(source_ids, "source").join(target_ids, "target").select(
        "row", "src", "dst", "w", "time", "channel", "campaign")
    quality = {"rows": counted["rows"], "self_referrals": counted["self"] or 0, "timed_rows": counted["timed"] or 0,
               "has_time": "time" in header, "has_campaign": "campaign" in header, "has_channel": "channel" in header}
    return edges, people, quality


def read_conversions(spark, params, people):
    """Conversions matched to people: (node, value, campaign), and how many named someone unknown."""
    from pyspark.sql import functions as F

    path = params["conversions"]
    if "://" not in path and not os.path.exists(path):
        raise JobError("%s: no such file." % path, 66)
    raw, header = read_csv(spark, path, params)
    if "user" not in header:
        raise JobError("%s: the header has no user column (it has %s)." % (path, ", ".join(header)), 65)
    value = F.col("value").cast("double") if "value" in header else F.lit(1.0)
    campaign = F.col("campaign") if "campaign" in header else F.lit(None).cast("string")
    rows = raw.select(F.col("user").alias("id"), value.alias("value"),
                      F.when(campaign != "", campaign).alias("campaign"))
    bad = rows.filter(F.col("id").isNull() | F.col("value").isNull() | F.isnan("value")
                      | (F.col("value") < 0) | (F.col("value") == float("inf"))).limit(1).collect()
    if bad:
        raise JobError("%s: a conversion has an empty user or a value that is not a finite number >= 0: %s"
                       % (path, bad[0].asDict()), 65)
    matched = rows.join(people, "id", "left")
    counts = matched.groupBy().agg(F.count(F.lit(1)).alias("rows"),
                                   F.sum(F.when(F.col("node").isNull(), 1).otherwise(0)).alias("unknown")).collect()[0]
    return matched.filter(F.col("node").isNotNull()).select("node", "value", "campaign"), {
        "conversions": counts["rows"], "unknown_converters": counts["unknown"] or 0}


def partitions_for(spark, params, count):
    if params.get("partitions"):
        return int(params["partitions"])
    # About a million referrals a partition, and at least one task per core.
    return max(spark.sparkContext.defaultParallelism, int(math.ceil(count / 1_000_000)))


# ---------------------------------------------------------------------------------------------
# Power iteration on DataFrames


class Vectors:
    """Materializes per-person tables so that plans and lineage stay short.

    `keep` checkpoints a table now (locally, in the executors' block stores; reliably, in
    --checkpoint-dir, when one is given). An iterate is used twice by the next step (in the
    product and beside it), so its plan would double with every step that is not cut:
    `step` marks each iterate for a local checkpoint that the step's own aggregate (residual,
    norms) materializes, so a step costs one Spark job and its plan starts from stored
    partitions whatever the iteration; with --checkpoint-dir every `checkpoint_every`-th
    iterate is also written reliably, so a lost executor costs at most that many steps.
    """

    def __init__(self, params):
        self.reliable = bool(params.get("checkpoint_dir"))
        self.every = max(1, int(params["checkpoint_every"]))
        self.steps = 0

    def keep(self, frame):
        if self.reliable:
            return frame.checkpoint(eager=True)
        return frame.localCheckpoint(eager=True)

    def cut(self, frame):
        """`keep`, then a table made afresh from the stored rows.

        A checkpointed table still carries its origin's size estimate, and an estimate of a join
        is the product of its sides': a table joined with itself round after round (pointer
        jumping) would square it every round, which soon costs more than the work. Made afresh,
        the table starts from the default estimate; it loses its known partitioning, which
        the forest's few rounds can afford (the power iterations keep theirs).
        """
        from pyspark.sql import DataFrame

        stored = self.keep(frame)
        session = stored.sparkSession
        return DataFrame(session._jsparkSession.createDataFrame(stored._jdf.rdd(), stored._jdf.schema()), session)

    def step(self, frame):
        self.steps += 1
        if self.reliable and self.steps % self.every == 0:
            return frame.checkpoint(eager=True)
        return frame.localCheckpoint(eager=False)


def product(edges, state, column, key_from, key_to):
    """Σ over edges of w·state[key_from].column, by key_to: (node, p).

    `edges` is hash-partitioned by `key_from`, as `state` is by node, so the join reads both
    where they lie; only the partial sums by `key_to` cross the network (summed map-side
    first). Its output is hash-partitioned by node, as `state` is.
    """
    from pyspark.sql import functions as F

    joined = edges.join(state.hint("shuffle_hash"), edges[key_from] == state["node"])
    return joined.groupBy(edges[key_to].alias("node")).agg(F.sum(edges["w"] * F.col(column)).alias("p"))


def affine(spark, params, edges_by_dst, state, alpha, c0, c1, vectors, growth_window=0, log=None):
    """x ← α·W·(x ⊙ scale) + (c₀ + c₁·⟨d, x⟩)·b until the L1 change is at most max(tol, 16 ε ‖x‖₁).

    `state` holds node, x, scale, d, b. Returns the final state and the iteration report.
    """
    from pyspark.sql import functions as F

    tolerance, cap = params["tolerance"], params["max_iterations"]
    report = {"iterations": 0, "residual": float("inf"), "converged": False, "growing": False, "finite": True}
    grew = 0
    dot = (state.agg(F.sum(F.col("x") * F.col("d"))).collect()[0][0] or 0.0) if c1 != 0 else 0.0
    while report["iterations"] < cap:
        started = time.time()
        describe(spark, "iteration %d" % (report["iterations"] + 1))
        coefficient = c0 + c1 * dot
        scaled = state.select("node", (F.col("x") * F.col("scale")).alias("z"))
        sums = product(edges_by_dst, scaled, "z", "dst", "src")
        nxt = state.join(sums.hint("shuffle_hash"), "node", "left").select(
            "node", (alpha * F.coalesce(F.col("p"), F.lit(0.0)) + coefficient * F.col("b")).alias("x"),
            F.col("x").alias("previous"), "scale", "d", "b")
        nxt = vectors.step(nxt)
        totals = nxt.agg(F.sum(F.abs(F.col("x") - F.col("previous"))).alias("residual"),
                         F.sum(F.abs("x")).alias("norm"), F.sum(F.col("x") * F.col("d")).alias("dot")).collect()[0]
        residual, norm, dot = totals["residual"], totals["norm"], totals["dot"] or 0.0
        state = nxt.drop("previous")
        report["iterations"] += 1
        grew = grew + 1 if report["iterations"] > 1 and residual > report["residual"] else 0
        report["residual"] = residual
        if log is not None:
            log.append({"iteration": report["iterations"], "residual": residual, "seconds": time.time() - started})
        if not (math.isfinite(residual) and math.isfinite(norm)):
            report["finite"] = False
            break
        if growth_window > 0 and grew >= growth_window:
            report["growing"] = True
            break
        if residual <= max(tolerance, 16 * EPSILON * norm):
            report["converged"] = True
            break
    return state, report


def steady(r):
    a, b, c = r[-3], r[-2], r[-1]
    return 0 < c < 1 and b > 0 and a > 0 and abs(c - b) <= 1e-3 * c and abs(b - a) <= 1e-3 * b


def eigenvector(spark, params, edges_by_src, edges_by_dst, state, vectors, log=None):
    """Dominant eigenvector of W·Wᵀ from `state.x`, as `PowerIteration.eigenvector`: L1 steps,
    the error estimate r·q/(1 − q) as the stop rule, and Aitken extrapolation once three
    successive ratios of changes agree to 1e-3."""
    from pyspark.sql import functions as F

    tolerance, cap = params["tolerance"], params["max_iterations"]
    report = {"iterations": 0, "residual": float("inf"), "converged": False, "finite": True, "vanished": False}
    ratios, slowest = [], 0.0
    while report["iterations"] < cap:
        started = time.time()
        describe(spark, "iteration %d" % (report["iterations"] + 1))
        between = product(edges_by_src, state, "x", "src", "dst")  # Wᵀ·x, by target
        y = product(edges_by_dst, between.withColumnRenamed("p", "t"), "t", "dst", "src")  # W·(Wᵀ·x)
        nxt = vectors.step(state.join(y.hint("shuffle_hash"), "node", "left").select(
            "node", F.coalesce(F.col("p"), F.lit(0.0)).alias("y"), F.col("x").alias("previous")))
        total = nxt.agg(F.sum(F.abs("y"))).collect()[0][0] or 0.0
        report["iterations"] += 1
        if not (total > 0 and math.isfinite(total)):
            report.update(residual=0.0, converged=True, vanished=True)
            return state.select("node", F.lit(0.0).alias("x")), report
        nxt = nxt.select("node", (F.col("y") * (1 / total)).alias("x"), "previous")
        residual = nxt.agg(F.sum(F.abs(F.col("previous") - F.col("x")))).collect()[0][0]
        previous = report["residual"]
        ratio = residual / previous if math.isfinite(previous) and previous > 0 else 0.5
        q = min(max(ratio, slowest), 0.999)
        report["residual"] = residual
        if log is not None:
            log.append({"iteration": report["iterations"], "residual": residual, "seconds": time.time() - started})
        if residual == 0 or (residual <= tolerance and residual * q / (1 - q) <= tolerance):
            report["converged"] = True
            return nxt.select("node", "x"), report
        if report["iterations"] > 1:
            ratios.append(ratio)
        if len(ratios) >= 3 and steady(ratios):
            # x − (x_prev − x)·q/(1 − q), accepted only without a negative entry.
            factor = -ratio / (1 - ratio)
            extrapolated = vectors.step(
                nxt.select("node", ((F.col("previous") - F.col("x")) * factor + F.col("x")).alias("e")))
            check = extrapolated.agg(F.min("e").alias("low"), F.sum(F.abs("e")).alias("total"),
                                     F.sum(F.when(F.isnan("e"), 1).otherwise(0)).alias("nan")).collect()[0]
            if check["nan"] == 0 and check["low"] >= 0 and check["total"] > 0 and math.isfinite(check["total"]):
                slowest = max(slowest, ratio)
                ratios = []
                state = extrapolated.select("node", (F.col("e") * (1 / check["total"])).alias("x"))
                continue
        state = nxt.select("node", "x")
    return state, report


# ---------------------------------------------------------------------------------------------
# score


def read_phase(spark, params, summary, next_phase):
    """Reads the canonical edges, records their data quality, and sets the shuffle partitions
    from the count of referral rows (self-referrals left out); the job's phase clock then
    moves on to `next_phase`."""
    phases = Phases(summary)
    describe(spark, "read")
    edges, people, quality = read_edges(spark, params)
    summary["data_quality"] = quality
    count = quality["rows"] - quality["self_referrals"]
    parts = partitions_for(spark, params, count)
    spark.conf.set("spark.sql.shuffle.partitions", str(parts))
    phases.done("read", spark, next_phase)
    return phases, edges, people, quality, count, parts


def run_score(spark, params, summary):
    from pyspark.sql import functions as F

    phases, edges, people, quality, count, parts = read_phase(spark, params, summary, "build")
    # One edge per referred pair, weights summed; kept twice, hash-partitioned by target and by
    # source, so each product joins a vector with the edges already beside it.
    pairs = edges.groupBy("src", "dst").agg(F.sum("w").alias("w"))
    by_dst = pairs.repartition(parts, "dst").cache()
    n_edges = by_dst.count()
    nodes = people.select("node").repartition(parts, "node").cache()
    n = nodes.count()
    summary.update(people=n, edges=n_edges, partitions=parts)
    quality["merged_duplicates"] = count - n_edges
    phases.done("build")
    vectors = Vectors(params)
    keep = vectors.keep
    log = []
    algorithm = params["algorithm"]
    authority = None
    if algorithm == "pagerank":
        in_weight = pairs.groupBy(F.col("dst").alias("node")).agg(F.sum("w").alias("in"))
        state = nodes.join(in_weight, "node", "left").withColumn("in", F.coalesce("in", F.lit(0.0)))
        if params.get("conversions"):
            conversions, cq = read_conversions(spark, params, people)
            summary["conversions_quality"] = cq
            totals = conversions.groupBy("node").agg(F.sum("value").alias("v"))
            state = state.join(totals, "node", "left").withColumn("v", F.coalesce("v", F.lit(0.0)))
        else:
            state = state.withColumn("v", F.lit(1.0))
        total = state.agg(F.sum("v")).collect()[0][0]
        if not total > 0:
            raise JobError("%s: no conversion value falls on a person in the referral graph, so there is nothing to "
                           "personalize by. Check that the user column holds the same ids as the referral export."
                           % params.get("conversions"), 65)
        damping = params["damping"]
        state = state.select(
            "node", F.lit(1.0 / n).alias("x"),
            F.when(F.col("in") > 0, 1.0 / F.col("in")).otherwise(0.0).alias("scale"),
            F.when(F.col("in") > 0, 0.0).otherwise(1.0).alias("d"), (F.col("v") / total).alias("b"))
        state = keep(state.repartition(parts, "node"))
        state, report = affine(spark, params, by_dst, state, damping, 1 - damping, damping, vectors, log=log)
        scores = state.select("node", F.col("x").alias("score"))
        summary["parameters"] = {"algorithm": "pagerank", "damping": damping,
                                 "personalized": bool(params.get("conversions"))}
    elif algorithm == "reach":
        beta = params["beta"]
        out_weight = pairs.groupBy(F.col("src").alias("node")).agg(F.sum("w").alias("out"))
        state = nodes.join(out_weight, "node", "left").select(
            "node", F.lit(0.0).alias("x"), F.lit(1.0).alias("scale"), F.lit(0.0).alias("d"),
            F.coalesce("out", F.lit(0.0)).alias("b"))
        proven = params.get("proven_convergent")
        if proven is None:
            # ρ(W) is at most its largest row sum and its largest column sum.
            bound = min(state.agg(F.max("b")).collect()[0][0] or 0.0,
                        pairs.groupBy("dst").agg(F.sum("w").alias("c")).agg(F.max("c")).collect()[0][0] or 0.0)
            proven = beta * bound < 1
        state = keep(state.repartition(parts, "node"))
        state, report = affine(spark, params, by_dst, state, beta, beta, 0.0, vectors,
                               growth_window=0 if proven else 50, log=log)
        if not proven and (not report["converged"] or report["growing"]):
            raise JobError("--beta %s is too large for this graph: the reach series Σ βᵏWᵏ1 does not converge "
                           "(its change grew or did not fall below the tolerance). Use a smaller --beta." % shortest(beta),
                           64)
        scores = state.select("node", F.col("x").alias("score"))
        summary["parameters"] = {"algorithm": "reach", "beta": beta,
                                 "beta_chosen": params.get("beta_chosen", "given")}
    else:
        by_src = pairs.repartition(parts, "src").cache()
        by_src.count()
        state = keep(nodes.select("node", F.lit(1.0 / n).alias("x")).repartition(parts, "node"))
        state, report = eigenvector(spark, params, by_src, by_dst, state, vectors, log=log)
        if report.get("vanished"):
            raise JobError("hits: all referral weights are 0: HITS is undefined (every vector is a hub and authority "
                           "vector). Give the referrals positive weights, or drop the weight column.", 65)
        raw = product(by_src, state, "x", "src", "dst")
        total = raw.agg(F.sum("p")).collect()[0][0] or 0.0
        auth = raw.select("node", (F.col("p") / total).alias("authority")) if total > 0 else raw.select(
            "node", F.col("p").alias("authority"))
        scores = state.select("node", F.col("x").alias("score")).join(auth, "node", "left").withColumn(
            "authority", F.coalesce("authority", F.lit(0.0)))
        authority = True
        summary["parameters"] = {"algorithm": "hits"}
    summary["parameters"].update(tolerance=params["tolerance"], max_iterations=params["max_iterations"])
    if not report.get("finite", True):
        raise JobError("%s: the iteration overflowed; the weights are too large for this score. Scale the weights down."
                       % algorithm, 65)
    summary.update(iterations=report["iterations"], residual=report["residual"], converged=report["converged"],
                   iteration_log=log)
    phases.done("iterate", spark, "write")
    write_scores(spark, params, scores.join(people, "node"), authority)
    phases.done("write")
    return report["converged"]


def write_scores(spark, params, scores, authority):
    """scores.csv in rank order: highest score first, ties by authority (HITS), then by id (UTF-8 bytes)."""
    from pyspark.sql import functions as F

    guard = not params["raw_csv"]
    order = [F.col("score").desc()] + ([F.col("authority").desc()] if authority else []) + [F.col("id").asc()]
    columns = ["id", "score"] + (["authority"] if authority else [])
    ranked = scores.select(*columns).orderBy(*order).rdd.zipWithIndex()

    def lines(rows):
        for row, index in rows:
            numbers = [shortest(row[1])] + ([shortest(row[2])] if authority else [])
            yield ",".join([text_field(row[0], guard)] + numbers + [str(index + 1)])

    header = "node,hub,authority,rank" if authority else "node,score,rank"
    write_text(spark, params, ranked.mapPartitions(lines), "scores.csv", header)


def write_text(spark, params, lines, name, header):
    """Writes `lines` (an RDD of text, in order) with a header as one file `name` in the output
    folder; on a non-local output, as Spark's folder of parts, the header in the first."""
    out = params["out"]
    local = "://" not in out or out.startswith("file://")
    folder = out[len("file://"):] if out.startswith("file://") else out
    staging = os.path.join(folder, "_" + name + ".parts") if local else out.rstrip("/") + "/" + name
    with_header = lines.mapPartitionsWithIndex(lambda i, it: itertools.chain([header], it) if i == 0 else it)
    if local:
        shutil.rmtree(staging, ignore_errors=True)
        with_header.saveAsTextFile("file://" + os.path.abspath(staging))
        parts = sorted(p for p in os.listdir(staging) if p.startswith("part-"))
        with open(os.path.join(folder, name), "wb") as target:
            if not parts:
                target.write((header + "\n").encode("utf-8"))
            for part in parts:
                with open(os.path.join(staging, part), "rb") as source:
                    shutil.copyfileobj(source, target, 1 << 20)
        shutil.rmtree(staging, ignore_errors=True)
    else:
        with_header.saveAsTextFile(staging)


# ---------------------------------------------------------------------------------------------
# The referral forest


def scoped_rows(spark, edges, campaigns):
    """Every row in the overall scope, and each row with a campaign in that campaign's scope too.

    Scopes are numbered: campaigns in UTF-8 byte order from 0, then `all`.
    """
    from pyspark.sql import functions as F

    table = spark.createDataFrame([(name, k) for k, name in enumerate(campaigns)], "campaign string, scope int")
    overall = edges.withColumn("scope", F.lit(len(campaigns)))
    own = edges.filter(F.col("campaign").isNotNull()).join(F.broadcast(table), "campaign")
    order = F.struct(F.col("time").isNull().cast("int").alias("untimed"),
                     F.coalesce(F.col("time"), F.lit(0.0)).alias("t"), F.col("row").alias("r"))
    columns = ["scope", "row", "src", "dst", "time", order.alias("o")]
    return overall.select(*columns).union(own.select(*columns))


def first_referrals(rows, rejected):
    """Each (scope, person)'s first referral in that is not `rejected`: parent, its order and row."""
    from pyspark.sql import functions as F

    candidates = rows.join(F.broadcast(rejected), ["scope", "row"], "left_anti") if rejected is not None else rows
    best = candidates.groupBy("scope", F.col("dst").alias("node")).agg(
        F.min(F.struct("o", "src", "row", "time")).alias("m"))
    return best.select("scope", "node", F.col("m.src").alias("parent"), F.col("m.o").alias("po"),
                       F.col("m.row").alias("prow"), F.col("m.time").alias("ptime"))


def resolve(state, keep):
    """Pointer jumping to each person's root and depth.

    `state`: scope, node, done, up (root when done, else an ancestor), dist (depth when done,
    else the steps to `up`). Each round a person not done looks at `up`: if it is done, so is
    the person; otherwise `up` jumps to its own `up`. Anyone with a finite depth d is done after
    about log₂ d rounds, and a round in which nobody gets done leaves only people whose chain
    of parents runs into a cycle.
    """
    from pyspark.sql import functions as F

    rounds = 0
    done = state.filter("done").count()
    while True:
        active = state.filter(~F.col("done"))
        if active.limit(1).count() == 0:
            return state, 0, rounds
        target = state.select("scope", F.col("node").alias("up"), F.col("done").alias("t_done"),
                              F.col("up").alias("t_up"), F.col("dist").alias("t_dist"))
        moved = active.join(target, ["scope", "up"]).select(
            "scope", "node", F.col("t_done").alias("done"), F.col("t_up").alias("up"),
            (F.col("dist") + F.col("t_dist")).alias("dist"))
        state = keep(state.filter("done").union(moved).repartition("scope", "node"))
        rounds += 1
        now = state.filter("done").count()
        if now == done:
            return state, state.count() - now, rounds
        done = now


def cycle_maxima(basin, keep):
    """The row of the latest referral (largest order) on each cycle of parent links among `basin`.

    `basin`: scope, node, parent, po, prow for people whose parents never reach a root. After
    2^k ≥ |basin| doubling steps every person's ancestor lies on a cycle and every cycle
    member's running maximum covers its whole cycle; the cycle member whose own parent
    referral is that maximum is where the sequential forest refuses the referral.
    """
    from pyspark.sql import functions as F

    size = basin.count()
    jump = keep(basin.select("scope", "node", F.col("parent").alias("up"), F.col("po").alias("mx")))
    steps = 1
    while steps < size:
        other = jump.select("scope", F.col("node").alias("up"), F.col("up").alias("u2"), F.col("mx").alias("m2"))
        jump = keep(jump.join(other, ["scope", "up"]).select(
            "scope", "node", F.col("u2").alias("up"), F.greatest("mx", "m2").alias("mx")))
        steps *= 2
    on_cycle = jump.select("scope", F.col("up").alias("node")).distinct()
    maxima = jump.join(on_cycle, ["scope", "node"]).join(basin, ["scope", "node"]).filter(F.col("po") == F.col("mx"))
    return maxima.select("scope", F.col("prow").alias("row"))


def forest(spark, rows, members, keep, info):
    """The referral forest of every scope at once: scope, node, parent, prow, ptime, root, depth.

    The parent is the first referral in that does not close a cycle, as the sequential
    definition (referrals in time order, each refused when its target is already an ancestor
    of its source) gives: taking everyone's first referral in, a cycle of parent links can
    only form where the sequential rule refuses its latest referral (every other link of the
    cycle is accepted before it), so those are refused, the people concerned take their next
    referral in, and this repeats until no cycle is left. Only people whose parents run into
    a cycle are looked at again.
    """
    from pyspark.sql import functions as F

    rejected = None
    parents = keep(first_referrals(rows, rejected).repartition("scope", "node"))
    base = members.join(parents, ["scope", "node"], "left")
    state = base.select("scope", "node", F.col("parent").isNull().alias("done"),
                        F.when(F.col("parent").isNull(), F.col("node")).otherwise(F.col("parent")).alias("up"),
                        F.when(F.col("parent").isNull(), 0).otherwise(1).alias("dist"))
    state = keep(state.repartition("scope", "node"))
    state, stuck, rounds = resolve(state, keep)
    info["resolve_rounds"] = rounds
    passes, refused = 0, 0
    while stuck > 0:
        passes += 1
        basin = state.filter(~F.col("done")).select("scope", "node").join(parents, ["scope", "node"])
        new = keep(cycle_maxima(basin, keep))
        refused += new.count()
        rejected = new if rejected is None else keep(rejected.union(new))
        # The people whose parent referral was refused take their next referral in.
        refused_nodes = new.join(rows.select("scope", "row", F.col("dst").alias("node")), ["scope", "row"]).select(
            "scope", "node")
        again = first_referrals(rows.join(refused_nodes.withColumnRenamed("node", "dst"), ["scope", "dst"]), rejected)
        parents = keep(parents.join(refused_nodes, ["scope", "node"], "left_anti").union(again)
                       .repartition("scope", "node"))
        basin_nodes = state.filter(~F.col("done")).select("scope", "node")
        restart = basin_nodes.join(parents, ["scope", "node"], "left").select(
            "scope", "node", F.col("parent").isNull().alias("done"),
            F.when(F.col("parent").isNull(), F.col("node")).otherwise(F.col("parent")).alias("up"),
            F.when(F.col("parent").isNull(), 0).otherwise(1).alias("dist"))
        state = keep(state.filter("done").union(restart).repartition("scope", "node"))
        state, stuck, more = resolve(state, keep)
        info["resolve_rounds"] += more
    info["cycle_passes"] = passes
    info["cycle_referrals_refused"] = refused
    return state.select("scope", "node", F.col("up").alias("root"), F.col("dist").alias("depth")).join(
        parents, ["scope", "node"], "left").select("scope", "node", "root", "depth", "parent", "prow", "ptime")


def subtree_sizes(nodes, keep):
    """People at or below each person: f ← f + Σ_{w: J(w) = v} f(w), J ← J∘J, from J = parent, f = 1.

    After k rounds f(v) counts the people whose ancestor j steps up is v for some j < 2^k, so
    it is the subtree size once 2^k exceeds the depth: log₂(depth) rounds of linear work.
    """
    from pyspark.sql import functions as F

    table = keep(nodes.select("scope", "node", F.col("parent").alias("j"), F.lit(1).cast("long").alias("f")))
    while table.filter(F.col("j").isNotNull()).limit(1).count() > 0:
        added = table.filter(F.col("j").isNotNull()).groupBy("scope", F.col("j").alias("node")).agg(
            F.sum("f").alias("add"))
        up = table.select("scope", F.col("node").alias("j"), F.col("j").alias("jj"))
        table = keep(table.join(added, ["scope", "node"], "left").join(up, ["scope", "j"], "left").select(
            "scope", "node", F.col("jj").alias("j"), (F.col("f") + F.coalesce("add", F.lit(0))).alias("f")))
    return table.select("scope", "node", F.col("f").alias("subtree"))


# ---------------------------------------------------------------------------------------------
# spread


def run_spread(spark, params, summary):
    from pyspark.sql import functions as F

    phases, edges, people, quality, count, parts = read_phase(spark, params, summary, "forest")
    keep = Vectors(params).cut
    edges = keep(edges.repartition(parts, "dst"))
    pairs = edges.select("src", "dst").distinct().count()
    quality["merged_duplicates"] = count - pairs
    campaigns = sorted((r[0] for r in edges.select("campaign").distinct().collect() if r[0] is not None), key=utf8_key)
    scopes = campaigns + [ALL]
    all_scope = len(campaigns)
    rows = keep(scoped_rows(spark, edges, campaigns).repartition("scope", "dst"))
    members = keep(rows.select("scope", F.col("src").alias("node")).union(rows.select("scope", F.col("dst").alias("node")))
                   .distinct().repartition("scope", "node"))
    info = {}
    nodes = keep(forest(spark, rows, members, keep, info).repartition("scope", "node"))
    sizes = subtree_sizes(nodes, keep)
    nodes = keep(nodes.join(sizes, ["scope", "node"]))
    summary.update(people=members.filter(F.col("scope") == all_scope).count(), edges=pairs, partitions=parts,
                   forest=info)
    phases.done("forest", spark, "measure")

    # Per cascade.
    cascade_size = nodes.groupBy("scope", "root").agg(F.count(F.lit(1)).alias("size"), F.max("depth").alias("depth"))
    generations = nodes.groupBy("scope", "root", "depth").agg(F.count(F.lit(1)).alias("n"))
    breadth = generations.groupBy("scope", "root").agg(F.max("n").alias("max_breadth"))
    within = nodes.join(cascade_size.select("scope", "root", F.col("size").alias("n")), ["scope", "root"]).filter(
        F.col("node") != F.col("root"))
    virality = within.groupBy("scope", "root").agg(
        F.sum(2 * F.col("subtree") * (F.col("n") - F.col("subtree"))).alias("pairs"),
        F.min("ptime").alias("first"), F.max("ptime").alias("last"))
    cascades = keep(cascade_size.join(breadth, ["scope", "root"]).join(virality, ["scope", "root"], "left").withColumn(
        "sv", F.when(F.col("size") >= 2, F.col("pairs").cast("double") / (F.col("size") * (F.col("size") - 1)).cast(
            "double"))))

    # Per scope.
    people_of = members.groupBy("scope").agg(F.count(F.lit(1)).alias("people"))
    row_counts = rows.groupBy("scope").agg(F.count(F.lit(1)).alias("referrals"),
                                           F.countDistinct("src").alias("sharers"),
                                           F.countDistinct("dst").alias("referred"))
    cascade_stats = cascades.groupBy("scope").agg(
        F.count(F.lit(1)).alias("cascades"), F.max("size").alias("largest"), F.max("depth").alias("max_depth"),
        F.max("max_breadth").alias("max_breadth"), F.sum("sv").alias("sv_sum"), F.count("sv").alias("sv_count"))
    per_scope = {r["scope"]: r.asDict() for r in people_of.join(row_counts, "scope").join(cascade_stats, "scope").collect()}
    gens = {}
    for r in nodes.groupBy("scope", "depth").agg(F.count(F.lit(1)).alias("n")).collect():
        gens.setdefault(r["scope"], {})[r["depth"]] = r["n"]

    # Hops: for each child whose parent was referred too, the time between the two referrals.
    parent_time = nodes.select("scope", F.col("node").alias("parent"), F.col("ptime").alias("t0"))
    hops = nodes.filter(F.col("ptime").isNotNull()).join(parent_time, ["scope", "parent"]).filter(
        F.col("t0").isNotNull()).select("scope", ((F.col("ptime") - F.col("t0")) / 3600).alias("h"))
    medians = {}
    if quality["has_time"]:
        medians, counts = exact_medians(spark, hops, keep)
        summary["timed_hops"] = {scopes[s]: c for s, c in counts.items()}

    # Conversions: a referred person counts as converted for `all` with any conversion, and for
    # a campaign with one naming it, or naming none while their parent referral in the forest
    # of all rows belongs to it.
    converted = None
    if params.get("conversions"):
        conversions, cq = read_conversions(spark, params, people)
        summary["conversions_quality"] = cq
        table = spark.createDataFrame([(name, k) for k, name in enumerate(campaigns)], "campaign string, scope int")
        named = conversions.filter(F.col("campaign").isNotNull()).join(F.broadcast(table), "campaign").select(
            "scope", "node")
        brought = nodes.filter(F.col("scope") == all_scope).filter(F.col("prow").isNotNull()).select(
            "node", F.col("prow").alias("row"))
        row_campaign = edges.filter(F.col("campaign").isNotNull()).select("row", "campaign").join(
            F.broadcast(table), "campaign")
        unlabelled = conversions.filter(F.col("campaign").isNull()).select("node").distinct().join(
            brought, "node").join(row_campaign, "row").select("scope", "node")
        overall = conversions.select(F.lit(all_scope).alias("scope"), "node")
        converted = named.union(unlabelled).union(overall).distinct()
        referred = rows.select("scope", F.col("dst").alias("node")).distinct()
        hits = referred.join(converted, ["scope", "node"]).groupBy("scope").agg(F.count(F.lit(1)).alias("c"))
        converts = {r["scope"]: r["c"] for r in hits.collect()}

    guard = not params["raw_csv"]
    header = ("campaign,people,sharers,referrals,cascades,largest_cascade,mean_cascade_size,max_depth,max_breadth,"
              "structural_virality,invites_per_sharer,invite_conversion_rate,k_factor,generation_sizes,"
              "median_hours_per_hop")
    lines, listing = [header], []
    for k, name in enumerate(scopes):
        s = per_scope.get(k)
        if s is None:
            continue
        sv = s["sv_sum"] / s["sv_count"] if s["sv_count"] else None
        invites = s["referrals"] / s["sharers"] if s["sharers"] else None
        rate = None
        if converted is not None and s["referred"] > 0:
            rate = converts.get(k, 0) / s["referred"]
        k_factor = invites * rate if invites is not None and rate is not None else None
        g = gens.get(k, {})
        sizes = [g.get(d, 0) for d in range(max(g) + 1)] if g else []
        median = medians.get(k)

        def opt(v):
            return "" if v is None else shortest(v)

        lines.append(",".join([
            text_field(name, guard), str(s["people"]), str(s["sharers"]), str(s["referrals"]), str(s["cascades"]),
            str(s["largest"]), shortest(s["people"] / s["cascades"]), str(s["max_depth"]), str(s["max_breadth"]),
            opt(sv), opt(invites), opt(rate), opt(k_factor), " ".join(map(str, sizes)), opt(median)]))
        listing.append({"campaign": name, "people": s["people"], "sharers": s["sharers"], "referrals": s["referrals"],
                        "cascades": s["cascades"], "referred_people": s["referred"],
                        "converted_referred_people": None if converted is None else converts.get(k, 0)})
    summary["campaigns"] = listing
    write_small(params, "spread.csv", "\n".join(lines) + "\n")

    # cascades.csv: campaigns by name, then all; largest first, then by root id.
    named_cascades = cascades.join(people.select(F.col("node").alias("root"), F.col("id")), "root")
    ordered = named_cascades.orderBy(F.col("scope").asc(), F.col("size").desc(), F.col("id").asc()).select(
        "scope", "id", "size", "depth", "max_breadth", "sv", "first", "last")
    names = list(scopes)

    def cascade_lines(rows_):
        for r in rows_:
            yield ",".join([
                text_field(r[1], guard), text_field(names[r[0]], guard), str(r[2]), str(r[3]), str(r[4]),
                "" if r[5] is None else shortest(r[5]), "" if r[6] is None else iso8601(r[6]),
                "" if r[7] is None else iso8601(r[7])])

    phases.done("measure", spark, "write")
    write_text(spark, params, ordered.rdd.mapPartitions(cascade_lines), "cascades.csv",
               "root,campaign,size,depth,max_breadth,structural_virality,first_timestamp,last_timestamp")
    phases.done("write")
    return True


def exact_medians(spark, values, keep):
    """The median of `h` per `scope` (the mean of the middle two for an even count), exactly,
    without gathering a scope into one task: the values are range-partitioned and sorted,
    the counts per (partition, scope) give each partition's first position in its scope, and
    only the partitions holding a middle position are read again.
    - Returns: the medians and the counts, by scope.
    """
    from pyspark.sql import Window
    from pyspark.sql import functions as F

    ordered = keep(values.repartitionByRange("scope", "h").sortWithinPartitions("scope", "h")
                   .withColumn("pid", F.spark_partition_id()))
    pieces = sorted((r["scope"], r["pid"], r["c"]) for r in
                    ordered.groupBy("scope", "pid").agg(F.count(F.lit(1)).alias("c")).collect())
    counts, wanted = {}, []
    for scope, pid, c in pieces:
        counts[scope] = counts.get(scope, 0) + c
    seen = {}
    for scope, pid, c in pieces:
        first = seen.get(scope, 0)
        n = counts[scope]
        for rank in {(n + 1) // 2, n // 2 + 1}:  # 1-based middle positions
            if first < rank <= first + c:
                wanted.append((scope, pid, rank - first, rank))
        seen[scope] = first + c
    if not wanted:
        return {}, counts
    table = spark.createDataFrame(wanted, "scope int, pid int, k int, rank int")
    chosen = ordered.join(F.broadcast(table.select("scope", "pid").distinct()), ["scope", "pid"]).withColumn(
        "k", F.row_number().over(Window.partitionBy("scope", "pid").orderBy("h"))).join(
        F.broadcast(table), ["scope", "pid", "k"])
    picks = {(r["scope"], r["rank"]): r["h"] for r in chosen.collect()}
    medians = {}
    for scope, n in counts.items():
        if n % 2 == 1:
            medians[scope] = picks[(scope, (n + 1) // 2)]
        else:
            medians[scope] = (picks[(scope, n // 2)] + picks[(scope, n // 2 + 1)]) / 2
    return medians, counts


def write_small(params, name, text):
    out = params["out"]
    folder = out[len("file://"):] if out.startswith("file://") else out
    if "://" in folder:
        from pyspark import SparkContext

        SparkContext.getOrCreate().parallelize([text.rstrip("\n")], 1).saveAsTextFile(folder.rstrip("/") + "/" + name)
        return
    with open(os.path.join(folder, name), "w", encoding="utf-8", newline="") as f:
        f.write(text)


# ---------------------------------------------------------------------------------------------


def main(argv):
    started = time.time()
    try:
        params = parse_arguments(argv)
    except JobError as error:
        print("influence_spark: error: %s" % error, file=sys.stderr)
        return error.code
    out = params["out"]
    if "://" not in out:
        os.makedirs(out, exist_ok=True)
    summary = {"command": params["command"]}
    spark = None
    try:
        spark = session(params)
        summary["spark_version"] = spark.version
        summary["master"] = spark.sparkContext.master
        if params["command"] == "score":
            converged = run_score(spark, params, summary)
        else:
            converged = run_spread(spark, params, summary)
    except JobError as error:
        print("influence_spark: error: %s" % error, file=sys.stderr)
        summary["error"] = str(error)
        return error.code
    finally:
        summary["seconds"] = time.time() - started
        try:
            metrics = spark._jvm.org.apache.spark.metrics.source.CodegenMetrics
            summary["codegen"] = {"compilations": metrics.METRIC_COMPILATION_TIME().getCount(),
                                  "compile_ms_sum": metrics.METRIC_COMPILATION_TIME().getSnapshot().getMean()
                                  * metrics.METRIC_COMPILATION_TIME().getCount()}
        except Exception:
            pass
        try:
            write_small(params, "summary.json", json.dumps(summary, indent=1, sort_keys=False, default=str) + "\n")
        except Exception as error:  # the summary must not hide the run's own outcome
            print("influence_spark: warning: summary.json not written: %s" % error, file=sys.stderr)
        if spark is not None:
            spark.stop()
    if not converged:
        print("influence_spark: warning: %s did NOT converge in %d iterations (L1 residual %r). Raise --max-iterations "
              "or loosen --tolerance." % (summary["parameters"]["algorithm"], summary["iterations"],
                                          summary["residual"]), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
