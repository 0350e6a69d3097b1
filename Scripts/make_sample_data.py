#!/usr/bin/env python3
"""Generate the sample referral export in ``notebooks-data/``.

Usage (from the repository root)::

    python3 Scripts/make_sample_data.py            # writes into notebooks-data/
    python3 Scripts/make_sample_data.py OUT_DIR    # writes into OUT_DIR instead

The data describes "Brightleaf", a fictional online plant shop that ran two
referral campaigns (``spring-launch`` and ``summer-friends``) between
2025-03-03 and 2025-05-11 (10 weeks).  Four files are written:

* ``referrals.csv``   one row per share/invitation (the referral export)
* ``conversions.csv`` purchases made by referred people and by some seeds
* ``paths.csv``       channel paths in ChannelAttribution format
* ``README.md``       description of the files, with the actual row counts

The script only uses the Python standard library and a fixed random seed, so
running it again produces byte-identical files.  (It never iterates over a
``set`` or relies on ``hash()``, so ``PYTHONHASHSEED`` does not matter.)

How the referral graph is built
-------------------------------
1. Seed customers ("roots") start sharing at a random moment of their
   campaign.  Each root sends 1-5 invitations.
2. A referred person joins at the moment of their first referral and then
   sends a number of invitations of their own drawn from an offspring
   distribution with mean ~0.5 (a subcritical branching process), so most
   cascades are small but a few run several generations deep.  Generations
   are capped at ``MAX_DEPTH`` hops below the root.
3. A handful of influencers (some roots, some referred people) send 30-80
   invitations each, mostly on social channels, in a burst plus a trickle.
4. Every invitation happens after the sender joined; invitations after the
   end of the export window, or more than ``LINK_GRACE_DAYS`` after the
   sender's campaign ended, are never sent (so they and their subtrees do not
   exist).
5. Realistic quirks are then added on top of that first-referral tree:
   second referrals of an already referred person by a different referrer
   (always later than the first), repeated rows for the same pair (exact
   export duplicates and later re-sends), a few self-referral rows, a few
   rows in which someone refers one of their own non-root ancestors (closing
   a cycle),
   and a ``count`` of 2 on a few rows.

Path derivation for paths.csv (kept deliberately simple)
--------------------------------------------------------
Only the first-referral tree is used: for every referred person we follow
the chain of *first* referrals from the root down to that person and list the
channel of each hop, root side first, joined with " > ".  A person reached
directly by a root therefore has a one-channel path.  Second referrals,
duplicates, self-referrals and cycle-closing rows are ignored.  Each referred
person is one journey: their purchases at or after their first referral count
as conversions of that path (value summed); a person with no such purchase
adds 1 to ``total_null``.  Purchases made before the referral are not
attributed.  Roots have no path.  Rows are sorted by number of journeys
(descending), then by path.
"""

import csv
import math
import os
import random
import sys
from collections import deque
from datetime import datetime, timedelta

SEED = 20250303

EXPORT_START = datetime(2025, 3, 3, 0, 0)
EXPORT_END = datetime(2025, 5, 11, 23, 59)

# campaign -> (first day roots may start sharing, campaign end)
CAMPAIGNS = {
    "spring-launch": (datetime(2025, 3, 3, 0, 0), datetime(2025, 4, 13, 23, 59)),
    "summer-friends": (datetime(2025, 4, 7, 0, 0), datetime(2025, 5, 11, 23, 59)),
}
CAMPAIGN_ROOTS = {"spring-launch": 275, "summer-friends": 195}
LINK_GRACE_DAYS = 7  # referral links keep working a week after campaign end

MAX_DEPTH = 8

CHANNELS = ["email", "facebook", "whatsapp", "link", "twitter", "in-person"]
CHANNEL_WEIGHTS = [0.30, 0.20, 0.18, 0.16, 0.09, 0.07]
INFLUENCER_CHANNEL_WEIGHTS = [0.05, 0.30, 0.05, 0.25, 0.35, 0.00]

# invitations sent by a seed customer (at least one, by definition of a root)
ROOT_OFFSPRING = [(1, 0.50), (2, 0.27), (3, 0.13), (4, 0.06), (5, 0.04)]
# invitations sent by a referred person: mean ~0.5, most send none
CHILD_OFFSPRING = [(0, 0.73), (1, 0.13), (2, 0.07), (3, 0.04), (4, 0.02), (5, 0.01)]

# probability that a referred person buys something, by first-referral channel
CONVERSION_RATE = {
    "in-person": 0.55,
    "whatsapp": 0.42,
    "email": 0.38,
    "link": 0.32,
    "facebook": 0.30,
    "twitter": 0.22,
}
INFLUENCER_CONVERSION_FACTOR = 0.8
REPEAT_PURCHASE_RATE = 0.15
PURCHASE_BEFORE_REFERRAL_RATE = 0.006  # of referred people
ROOT_PURCHASE_RATE = 0.30

# quirk sizes
SECOND_REFERRAL_RATE = 0.06  # of referred people
DUPLICATE_RATE = 0.045  # of first-referral rows
COUNT_TWO_RATE = 0.03
N_SELF_REFERRALS = 3
N_CYCLES = 3
N_INFLUENCER_ROOTS = 4
N_INFLUENCER_CHILDREN = 2
N_EMAIL_ROOTS = 14
N_EMAIL_REFERRED = 9

PRODUCT_PRICES = [  # cents
    2499, 2999, 3450, 3999, 4400, 4999, 5999, 6450, 7999, 8900, 11900,
]
MIN_ORDER, MAX_ORDER = 2499, 18000

FIRST_NAMES = [
    "ana", "ben", "chloe", "diego", "emma", "farah", "george", "hana", "ivan",
    "julia", "kofi", "lena", "marco", "nadia", "oscar", "priya", "quinn",
    "rosa", "sam", "tomas", "uma", "victor", "wen", "yusuf", "zoe",
]
LAST_NAMES = [
    "silva", "nguyen", "okafor", "muller", "rossi", "kim", "garcia", "novak",
    "haddad", "larsen", "tanaka", "oconnor", "moreau", "petrov", "santos",
]
EMAIL_DOMAINS = ["example.com", "example.com", "example.org", "example.net"]


class Person:
    __slots__ = (
        "idx", "pid", "parent", "depth", "campaign", "joined", "channel",
        "preferred", "influencer", "children", "root",
    )

    def __init__(self, idx, parent, depth, campaign, joined, channel, root):
        self.idx = idx
        self.pid = None
        self.parent = parent  # index of first referrer, None for roots
        self.depth = depth
        self.campaign = campaign
        self.joined = joined  # first referral time (roots: start of sharing)
        self.channel = channel  # channel of first referral (None for roots)
        self.preferred = None
        self.influencer = False
        self.children = []
        self.root = root


def pick(rng, pairs):
    values = [v for v, _ in pairs]
    weights = [w for _, w in pairs]
    return rng.choices(values, weights=weights)[0]


def daytime(rng, t):
    """Move night-time events (00:00-06:59) forward to the same morning."""
    if t.hour < 7:
        t = t.replace(hour=rng.randint(7, 10), minute=rng.randint(0, 59))
    return t.replace(second=0, microsecond=0)


def share_delay(rng):
    """Time between joining and sending an invitation (median ~1.5 days)."""
    hours = rng.lognormvariate(math.log(36.0), 1.0)
    return timedelta(minutes=max(10, int(hours * 60)))


def fmt_time(t):
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


def fmt_money(cents):
    return "%d.%02d" % (cents // 100, cents % 100)


def basket(rng):
    n = pick(rng, [(1, 0.45), (2, 0.32), (3, 0.16), (4, 0.07)])
    total = 0
    for _ in range(n):
        price = rng.choice(PRODUCT_PRICES)
        if total + price > MAX_ORDER:
            break
        total += price
    return max(total, MIN_ORDER)


def preferred_channel(rng, received):
    if received is not None and rng.random() < 0.35:
        return received
    return rng.choices(CHANNELS, weights=CHANNEL_WEIGHTS)[0]


def sharing_channel(rng, person):
    if person.influencer:
        return rng.choices(CHANNELS, weights=INFLUENCER_CHANNEL_WEIGHTS)[0]
    if rng.random() < 0.65:
        return person.preferred
    return rng.choices(CHANNELS, weights=CHANNEL_WEIGHTS)[0]


def share_cutoff(person):
    campaign_end = CAMPAIGNS[person.campaign][1]
    return min(EXPORT_END, campaign_end + timedelta(days=LINK_GRACE_DAYS))


def share_times(rng, person, n):
    times = []
    if person.influencer:
        post = person.joined + timedelta(hours=rng.randint(2, 48))
        for _ in range(n):
            if rng.random() < 0.6:  # burst after the post
                dt = timedelta(minutes=rng.randint(5, 72 * 60))
            else:  # trickle over the following three weeks
                dt = timedelta(minutes=rng.randint(60, 21 * 24 * 60))
            times.append(daytime(rng, post + dt))
    else:
        for i in range(n):
            if person.parent is None and i == 0:
                times.append(person.joined)  # a root's first share
            else:
                times.append(daytime(rng, person.joined + share_delay(rng)))
    return sorted(times)


def build_tree(rng):
    people = []
    queue = deque()
    for campaign in sorted(CAMPAIGNS):
        start, end = CAMPAIGNS[campaign]
        latest = end - timedelta(days=10)
        span = int((latest - start).total_seconds() // 60)
        for _ in range(CAMPAIGN_ROOTS[campaign]):
            t = daytime(rng, start + timedelta(minutes=rng.randint(0, span)))
            p = Person(len(people), None, 0, campaign, t, None, len(people))
            p.preferred = preferred_channel(rng, None)
            people.append(p)

    roots = list(range(len(people)))
    influencer_roots = rng.sample(roots, N_INFLUENCER_ROOTS)
    for i in influencer_roots:
        people[i].influencer = True
    remaining = [i for i in roots if i not in influencer_roots]
    parents_of_influencers = rng.sample(remaining, N_INFLUENCER_CHILDREN)

    queue.extend(roots)
    while queue:
        parent = people[queue.popleft()]
        if parent.influencer:
            n = rng.randint(30, 80)
        elif parent.depth >= MAX_DEPTH:
            n = 0
        elif parent.parent is None:
            n = pick(rng, ROOT_OFFSPRING)
        else:
            n = pick(rng, CHILD_OFFSPRING)
        if parent.idx in parents_of_influencers:
            n = max(n, 1)
        cutoff = share_cutoff(parent)
        first_child = True
        for t in share_times(rng, parent, n):
            if t > cutoff:
                continue
            channel = sharing_channel(rng, parent)
            child = Person(len(people), parent.idx, parent.depth + 1,
                           parent.campaign, t, channel, parent.root)
            child.preferred = preferred_channel(rng, channel)
            if first_child and parent.idx in parents_of_influencers:
                child.influencer = True
            first_child = False
            people.append(child)
            parent.children.append(child.idx)
            queue.append(child.idx)
    return people


def assign_ids(rng, people):
    n = len(people)
    numbers = sorted(rng.sample(range(1, int(n * 1.3) + 1), n))
    rng.shuffle(numbers)
    for p, num in zip(people, numbers):
        p.pid = "u%05d" % num

    emails = []
    for first in FIRST_NAMES:
        for last in LAST_NAMES:
            emails.append("%s.%s" % (first, last))
    emails.remove("ana.silva")
    rng.shuffle(emails)
    emails.insert(0, "ana.silva")

    roots = [p.idx for p in people if p.parent is None and not p.influencer]
    referred = [p.idx for p in people if p.parent is not None and not p.influencer]
    chosen = rng.sample(roots, N_EMAIL_ROOTS) + rng.sample(referred, N_EMAIL_REFERRED)
    for k, idx in enumerate(chosen):
        domain = "example.com" if k == 0 else rng.choice(EMAIL_DOMAINS)
        people[idx].pid = "%s@%s" % (emails[k], domain)


def is_ancestor(people, ancestor, idx):
    cur = people[idx].parent
    while cur is not None:
        if cur == ancestor:
            return True
        cur = people[cur].parent
    return False


def build_rows(rng, people):
    """Return referral rows as (time, referrer_idx, referred_idx, channel,
    campaign, count) plus a dict of quirk counts."""
    rows = []
    stats = {"first": 0, "second": 0, "dup_exact": 0, "dup_resend": 0,
             "self": 0, "cycle": 0, "count2": 0}
    referred = [p for p in people if p.parent is not None]

    for p in referred:
        count = 2 if rng.random() < COUNT_TWO_RATE else 1
        rows.append([p.joined, p.parent, p.idx, p.channel, p.campaign, count])
        stats["first"] += 1

    # duplicates of first-referral rows
    for row in list(rows):
        if rng.random() >= DUPLICATE_RATE:
            continue
        if rng.random() < 0.5:
            rows.append(list(row))  # exact duplicate line in the export
            stats["dup_exact"] += 1
        else:
            t = daytime(rng, row[0] + timedelta(minutes=rng.randint(60, 5 * 24 * 60)))
            if t > EXPORT_END:
                continue
            sender = people[row[1]]
            channel = row[3] if rng.random() < 0.6 else sharing_channel(rng, sender)
            count = 2 if rng.random() < COUNT_TWO_RATE else 1
            rows.append([t, row[1], row[2], channel, row[4], count])
            stats["dup_resend"] += 1

    # second referrals by a different, unrelated referrer (always later)
    for p in referred:
        if rng.random() >= SECOND_REFERRAL_RATE:
            continue
        t = daytime(rng, p.joined + timedelta(minutes=rng.randint(120, 10 * 24 * 60)))
        if t > EXPORT_END:
            continue
        for _ in range(30):
            b = people[rng.randrange(len(people))]
            if (b.idx == p.idx or b.idx == p.parent or b.joined >= t
                    or t > share_cutoff(b) or is_ancestor(people, p.idx, b.idx)):
                continue
            count = 2 if rng.random() < COUNT_TWO_RATE else 1
            rows.append([t, b.idx, p.idx, sharing_channel(rng, b), b.campaign, count])
            stats["second"] += 1
            break

    # self-referrals: someone used their own referral link
    candidates = [p for p in referred if p.joined < EXPORT_END - timedelta(days=3)]
    for p in rng.sample(candidates, N_SELF_REFERRALS):
        t = daytime(rng, p.joined + timedelta(minutes=rng.randint(30, 48 * 60)))
        channel = "link" if rng.random() < 0.7 else p.preferred
        rows.append([t, p.idx, p.idx, channel, p.campaign, 1])
        stats["self"] += 1

    # cycles: someone deep in a cascade refers one of their own ancestors
    # (the ancestor is a referred person two or more hops up, never a root,
    # and never in an influencer's cascade)
    influencer_roots = [p.root for p in people if p.influencer]
    deep = [p for p in referred
            if p.depth >= 3 and p.root not in influencer_roots
            and p.joined < EXPORT_END - timedelta(days=3)]
    used_roots = []
    while stats["cycle"] < N_CYCLES:
        p = rng.choice(deep)
        if p.root in used_roots:
            continue
        used_roots.append(p.root)
        chain = []
        cur = p.parent
        while people[cur].parent is not None:
            chain.append(cur)
            cur = people[cur].parent
        ancestor = rng.choice(chain[1:])  # grandparent or further up
        t = daytime(rng, p.joined + timedelta(minutes=rng.randint(60, 72 * 60)))
        rows.append([t, p.idx, ancestor, sharing_channel(rng, p), p.campaign, 1])
        stats["cycle"] += 1

    stats["count2"] = sum(1 for r in rows if r[5] == 2)
    return rows, stats


def build_conversions(rng, people):
    """Return purchases as (time, person_idx, cents, campaign) and stats."""
    purchases = []
    stats = {"before_referral": 0, "root_purchases": 0, "converted": 0}
    for p in people:
        if p.parent is None:
            if rng.random() >= ROOT_PURCHASE_RATE:
                continue
            if rng.random() < 0.6:  # bought first, then started sharing
                lo = max(EXPORT_START, p.joined - timedelta(days=20))
                span = int((p.joined - lo).total_seconds() // 60)
                if span < 60:
                    continue
                t = lo + timedelta(minutes=rng.randint(0, span - 30))
            else:
                t = p.joined + timedelta(minutes=rng.randint(60, 20 * 24 * 60))
            t = daytime(rng, t)
            if t > EXPORT_END:
                continue
            purchases.append((t, p.idx, basket(rng), p.campaign))
            stats["root_purchases"] += 1
            continue

        bought = False
        if rng.random() < PURCHASE_BEFORE_REFERRAL_RATE:
            t = p.joined - timedelta(minutes=rng.randint(24 * 60, 20 * 24 * 60))
            if t >= EXPORT_START:
                t = t.replace(second=0)
                purchases.append((t, p.idx, basket(rng), p.campaign))
                stats["before_referral"] += 1
                bought = True
        rate = CONVERSION_RATE[p.channel]
        if people[p.parent].influencer:
            rate *= INFLUENCER_CONVERSION_FACTOR
        if rng.random() < rate:
            hours = rng.lognormvariate(math.log(30.0), 1.1)
            t = daytime(rng, p.joined + timedelta(minutes=max(5, int(hours * 60))))
            if t <= EXPORT_END:
                purchases.append((t, p.idx, basket(rng), p.campaign))
                bought = True
                if rng.random() < REPEAT_PURCHASE_RATE:
                    t2 = daytime(rng, t + timedelta(minutes=rng.randint(5 * 24 * 60, 30 * 24 * 60)))
                    if t2 <= EXPORT_END:
                        purchases.append((t2, p.idx, basket(rng), p.campaign))
        if bought:
            stats["converted"] += 1
    return purchases, stats


def build_paths(people, purchases):
    by_person = {}
    for t, idx, cents, _ in purchases:
        by_person.setdefault(idx, []).append((t, cents))
    agg = {}
    for p in people:
        if p.parent is None:
            continue
        channels = []
        cur = p
        while cur.parent is not None:
            channels.append(cur.channel)
            cur = people[cur.parent]
        path = " > ".join(reversed(channels))
        entry = agg.setdefault(path, [0, 0, 0])
        attributed = [c for t, c in by_person.get(p.idx, []) if t >= p.joined]
        if attributed:
            entry[0] += len(attributed)
            entry[1] += sum(attributed)
        else:
            entry[2] += 1
    rows = sorted(agg.items(), key=lambda kv: (-(kv[1][0] + kv[1][2]), kv[0]))
    return rows


def write_csv(path, header, rows):
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(header)
        w.writerows(rows)


def cascade_depths(people):
    depth = {}
    for p in people:
        depth[p.root] = max(depth.get(p.root, 0), p.depth)
    return depth


README_TEMPLATE = """\
# Sample data: Brightleaf referral export

This folder holds a small, realistic referral-program export for trying out
`influence`.  Brightleaf is a fictional online plant shop that ran two
referral campaigns, `spring-launch` and `summer-friends`, over ten weeks
(2025-03-03 to 2025-05-11).  All people, ids and e-mail addresses are
made up (the e-mail domains are the reserved `example.*` domains).

The files are generated by `Scripts/make_sample_data.py` (standard library
only, fixed seed).  To regenerate them, run from the repository root:

```sh
python3 Scripts/make_sample_data.py
```

Rerunning it produces byte-identical files.

## referrals.csv

One row per share/invitation, sorted by `created_at`.
{n_referrals} rows, {n_people} distinct people (ids like `u00017`, plus
{n_email} e-mail-like ids such as `ana.silva@example.com`).

| column | meaning | `influence` field |
| --- | --- | --- |
| `referrer` | person who shared | source |
| `referred` | person who was invited | target |
| `created_at` | ISO 8601 UTC time of the share, e.g. `2025-03-04T09:15:00Z` | timestamp |
| `share_channel` | `email`, `facebook`, `whatsapp`, `link`, `twitter` or `in-person` | channel |
| `campaign` | `spring-launch` or `summer-friends` | campaign |
| `count` | number of invitations the row stands for (1 or 2) | weight |

Structure:

- {n_roots} seed customers ("roots") start cascades; each sends 1-5
  invitations.  Referred people invite others in turn with a mean below one,
  so most cascades are small; the deepest reach {max_depth} generations below
  their root ({n_deep} cascades reach 5 or more).
- {n_influencers} influencers (some roots, some referred people) send
  {infl_min}-{infl_max} invitations each, mostly on social channels.
- A person's invitations are always later than their own first referral.

Channel frequencies (all rows): {channel_mix}.

Quirks to expect (real exports have them):

- **Self-referrals**: {n_self} rows where `referrer` equals `referred`.
- **Duplicates**: {n_dup_exact} exact duplicate rows and {n_dup_resend}
  re-sent invitations for a pair that already has a row (same referrer and
  referred, later time); {n_count2} rows have `count` 2.
- **Several referrers**: {n_second} rows where someone already referred is
  invited again, later, by a different person.  Counting the cycle rows
  below, {n_multi} people have more than one distinct referrer; the earliest
  row is the person's first referral.
- **Cycles**: {n_cycle} rows in which someone refers one of their own
  ancestors in the cascade (their referrer's referrer or further up, never
  the root), closing a cycle.  The row is later than the ancestor's first
  referral, so it is a non-first referral of that ancestor.
- Late invitations: shares stop at the export end (2025-05-11) and a week
  after the sender's campaign ended, so late cascades are cut short.

## conversions.csv

Purchases, sorted by `timestamp`.  {n_conversions} rows from {n_buyers}
distinct customers.

| column | meaning |
| --- | --- |
| `customer_id` | buyer; same ids as in `referrals.csv` |
| `timestamp` | ISO 8601 UTC time of the purchase |
| `value` | order value in dollars, two decimals ({min_value}-{max_value}) |
| `campaign` | campaign of the buyer's first referral (roots: the campaign they shared in) |

- {n_converted} of {n_referred} referred people ({conv_pct}%) bought
  something; {n_repeat} of them bought more than once.
- {n_root_purchases} purchases are by roots (often before they started
  sharing).
- **Purchases before referral**: {n_before} purchases by referred people happen
  *before* their first referral (existing customers who were invited later).

## paths.csv

Channel paths in the format used by ChannelAttribution
(`path,total_conversions,total_conversion_value,total_null`), derived from the
same data.  {n_paths} rows, one per distinct path, covering {n_journeys}
journeys.

- A journey is one referred person.  Its path lists the channels of the chain
  of *first* referrals from the root down to that person, root side first,
  joined with ` > ` (e.g. `email > facebook > link`).  Second referrals,
  duplicates, self-referrals and cycle-closing rows are ignored.
- `total_conversions`: purchases by those people at or after their first
  referral; `total_conversion_value`: their summed value (two decimals);
  `total_null`: people on that path with no such purchase.  Purchases made
  before the referral are not attributed.
- Rows are sorted by number of journeys (descending), then by path.

## Generated samples: data with known answers

`generated/` holds programs drawn by `influence generate` from a stated model
(see the main README, "Generate data"), each with the truth it planted.
`bash Scripts/make_notebooks_data.sh` regenerates all of them (a test runs it
and compares the bytes with these files, so they never drift):

```sh
influence generate --people 3000 --campaigns spring:0.5,summer:0.75 --seed 7 -o notebooks-data/generated/two-campaigns
influence generate --people 1000 --campaigns spring:0.5,summer:0.75 --seed 7 --vendor friendbuy -o notebooks-data/generated/friendbuy
influence generate --people 30000 --campaigns launch:0.6 --channels email,facebook,twitter --seed 11 -o notebooks-data/generated/large
```

- `two-campaigns/`: the two-campaign referral program; `summer`'s people
  share with 0.75 friends on average, `spring`'s with 0.5.  `influence
  compare` should tell them apart, and `spread --per channel` should find
  each channel's conversion rate listed in `truth.json`.
- `friendbuy/`: the same kind of program with Friendbuy's column names,
  dates (`2024-03-04 09:33:00 UTC`) and amounts (`"1,234.50"`); read it with
  `--source-column "Advocate Email"`.
- `large/`: 30,000 people on three channels, for trying speed.

Each folder has the same five files:

| file | what it holds |
| --- | --- |
| `events.csv` | one row per referral: `source,target,timestamp,channel,campaign` (vendor folders: the platform's names) |
| `conversions.csv` | one row per conversion: `user,timestamp,value,campaign` (campaign empty: unreferred) |
| `paths.csv` | channel paths in ChannelAttribution's format: `path,total_conversions,total_conversion_value,total_null` |
| `truth.csv` | per person: `campaign,cascade,parent,channel,generation,reached_at,sharing_propensity,invites,descendants,converted,value` |
| `truth.json` | every parameter, each channel's true conversion rate, each campaign's true offspring mean, and what the draw realised |

Advocates who shared with nobody appear only in `truth.csv` (and in
`conversions.csv` when they converted): the referral export never sees them.

Loading them in a notebook with pandas:

```python
import json
import pandas as pd

base = "notebooks-data/generated/two-campaigns/"
events = pd.read_csv(base + "events.csv", parse_dates=["timestamp"])
conversions = pd.read_csv(base + "conversions.csv", parse_dates=["timestamp"])
paths = pd.read_csv(base + "paths.csv")
truth = pd.read_csv(base + "truth.csv", parse_dates=["reached_at"])
with open(base + "truth.json") as f:
    planted = json.load(f)

# Planted against observed conversion rate per channel:
rates = pd.DataFrame(planted["channels"]).set_index("name")[["conversion_rate", "realised_conversion_rate"]]
# Offspring mean per campaign:
truth.groupby("campaign")["invites"].mean()

# A vendor export: the platform's column names, amounts with thousands separators.
fb = "notebooks-data/generated/friendbuy/"
referrals = pd.read_csv(fb + "events.csv", parse_dates=["Created On"])
purchases = pd.read_csv(fb + "conversions.csv", thousands=",", parse_dates=["Order Date"])

# The larger program: 30,000 people.
large = pd.read_csv("notebooks-data/generated/large/events.csv", parse_dates=["timestamp"])
```
"""


def main():
    out_dir = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
        os.path.dirname(os.path.abspath(__file__)), os.pardir, "notebooks-data")
    out_dir = os.path.normpath(out_dir)
    os.makedirs(out_dir, exist_ok=True)

    rng = random.Random(SEED)
    people = build_tree(rng)
    assign_ids(rng, people)
    rows, rstats = build_rows(rng, people)
    purchases, cstats = build_conversions(rng, people)

    pid = [p.pid for p in people]
    ref_rows = sorted(
        [(fmt_time(t), pid[a], pid[b], ch, camp, str(c))
         for t, a, b, ch, camp, c in rows])
    ref_out = [(r[1], r[2], r[0], r[3], r[4], r[5]) for r in ref_rows]
    write_csv(os.path.join(out_dir, "referrals.csv"),
              ["referrer", "referred", "created_at", "share_channel", "campaign", "count"],
              ref_out)

    conv_rows = sorted(
        (fmt_time(t), pid[i], fmt_money(c), camp) for t, i, c, camp in purchases)
    write_csv(os.path.join(out_dir, "conversions.csv"),
              ["customer_id", "timestamp", "value", "campaign"],
              [(r[1], r[0], r[2], r[3]) for r in conv_rows])

    paths = build_paths(people, purchases)
    write_csv(os.path.join(out_dir, "paths.csv"),
              ["path", "total_conversions", "total_conversion_value", "total_null"],
              [(path, conv, fmt_money(val), null) for path, (conv, val, null) in paths])

    # ---- statistics for the README -------------------------------------
    ids = []
    seen = {}
    for r in ref_out:
        for x in (r[0], r[1]):
            if x not in seen:
                seen[x] = True
                ids.append(x)
    depths = cascade_depths(people)
    referrers_of = {}
    for r in ref_out:
        if r[0] != r[1]:
            referrers_of.setdefault(r[1], {})[r[0]] = True
    n_multi = sum(1 for v in referrers_of.values() if len(v) > 1)
    influencers = [p for p in people if p.influencer]
    sent = {}
    for r in ref_out:
        sent[r[0]] = sent.get(r[0], 0) + 1
    infl_counts = [sent[p.pid] for p in influencers]
    channel_counts = {}
    for r in ref_out:
        channel_counts[r[3]] = channel_counts.get(r[3], 0) + 1
    channel_mix = ", ".join(
        "%s %d" % (ch, channel_counts.get(ch, 0))
        for ch in sorted(CHANNELS, key=lambda c: (-channel_counts.get(c, 0), c)))
    buys = {}
    for t, i, c, camp in purchases:
        buys[i] = buys.get(i, 0) + 1
    n_repeat = sum(1 for i, n in buys.items() if n > 1 and people[i].parent is not None)
    n_referred = sum(1 for p in people if p.parent is not None)
    values = [c for _, _, c, _ in purchases]

    facts = dict(
        n_referrals=len(ref_out),
        n_people=len(ids),
        n_email=sum(1 for x in ids if "@" in x),
        n_roots=sum(1 for p in people if p.parent is None),
        max_depth=max(depths.values()),
        n_deep=sum(1 for d in depths.values() if d >= 5),
        n_influencers=len(influencers),
        infl_min=min(infl_counts),
        infl_max=max(infl_counts),
        channel_mix=channel_mix,
        n_self=rstats["self"],
        n_dup_exact=rstats["dup_exact"],
        n_dup_resend=rstats["dup_resend"],
        n_count2=rstats["count2"],
        n_second=rstats["second"],
        n_multi=n_multi,
        n_cycle=rstats["cycle"],
        n_conversions=len(conv_rows),
        n_buyers=len(buys),
        min_value=fmt_money(min(values)),
        max_value=fmt_money(max(values)),
        n_converted=cstats["converted"],
        n_referred=n_referred,
        conv_pct="%.1f" % (100.0 * cstats["converted"] / n_referred),
        n_repeat=n_repeat,
        n_root_purchases=cstats["root_purchases"],
        n_before=cstats["before_referral"],
        n_paths=len(paths),
        n_journeys=n_referred,
    )
    with open(os.path.join(out_dir, "README.md"), "w", newline="\n", encoding="utf-8") as f:
        f.write(README_TEMPLATE.format(**facts))

    for k in sorted(facts):
        if k != "channel_mix":
            print("%-18s %s" % (k, facts[k]))
    print("channels           %s" % channel_mix)
    hist = {}
    for d in depths.values():
        hist[d] = hist.get(d, 0) + 1
    print("cascade depths     %s" % sorted(hist.items()))


if __name__ == "__main__":
    main()
