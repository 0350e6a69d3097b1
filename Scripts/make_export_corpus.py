#!/usr/bin/env python3
"""Write the platform-export test corpus in ``Tests/Exports/``.

Usage (from the repository root)::

    python3 Scripts/make_export_corpus.py                 # writes into Tests/Exports/
    python3 Scripts/make_export_corpus.py --out OUT_DIR   # writes into OUT_DIR instead

Uses only the Python standard library (``random.Random(SEED)``, ``csv``,
``gzip``, ``zipfile``, ``json``); it was run with Python 3.11.7.  It never
iterates over a ``set`` or relies on ``hash()``, so running it again writes
byte-identical files (``.gz`` members may differ only if another zlib build is
used; their content does not).  ``Tests/Exports/README.md`` is written by hand
and is not produced here.

What it makes
-------------
One small referral program, the *canonical data*: 60 people identified by
lowercase e-mail addresses, 150 referral rows between 2024-03-04 and
2024-04-14 (UTC, minute precision, weight 1) in two campaigns
(``spring-launch``, ``summer-friends``) over the channels ``email, facebook,
twitter, linkedin, blog, event``; some pairs occur more than once (5 deliberate
later re-sends, others picked again by chance), 3 rows are self-referrals, and
there is exactly one cycle (a -> b -> c -> a); every other row points from an
earlier to a later joiner.  Every referred person is only ever referred within one campaign
(their "home" campaign), so a conversion's campaign can be told from the
referrals as well as from the conversions file.  50 conversions: 48 by
referred people (after their first referral; two above 1,000), 2 by sharers
who were never referred; the campaign is empty on 6 of them.

``canonical/referrals.csv`` (``source,target,timestamp,channel,campaign,weight``)
and ``canonical/conversions.csv`` (``user,timestamp,value,campaign``) are that
data; two derived canonical files are compared against where a variant cannot
carry all of it:

* ``canonical/referred-conversions.csv``: the 48 conversions by referred
  people, with the campaign of their referral filled in -- all that an export
  with one row per referral and an order value on it (ReferralCandy, Mention
  Me) can carry.
* ``canonical/days-1-to-12/``: the rows dated on days 1-12 of a month (what
  ``sheets-ambiguous`` holds).

Every other folder rewrites the same rows the way a platform or a spreadsheet
would, and ``manifest.json`` says, per case, which commands must give the
same answers as the canonical files and which must be refused (exit 65, with
a hint naming the flag that reads the file).

Vendor layouts are *modelled on* the vendors' public documentation; none of
these files is a real vendor file, and where the documentation is silent on a
column name, date or money format the layout is a plausible guess:

* ReferralCandy -- "Viewing and Exporting Reports"
  (https://help.referralcandy.com/en/articles/2457908-viewing-and-exporting-reports:
  the referral report, with referred purchases and revenue, exports as CSV)
  and "Upgraded referral detection"
  (https://announcekit.app/referralcandy/product-updates/upgraded-referral-detection-2CasnK:
  self-referrals by the same e-mail are flagged).  Column names, the
  ``Source`` (UTM) column and date formats are modelled, not documented.
* Friendbuy -- "Customer Search Tool"
  (https://help.friendbuy.com/en/articles/2463168-customer-search-tool:
  referrals carry advocate e-mail, customer ID, referral code, date,
  recipient, channel, campaign; purchases carry purchaser e-mail and order
  ID), "Account Credit or Points Statement Export"
  (https://support.friendbuy.com/article/krhd2eu79n-account-credit-export:
  CSV columns ``Customer Email``, ``Customer ID``, ``Friend Email``, ``Friend
  Order ID``) and Fivetran's Friendbuy connector page
  (https://www.fivetran.com/docs/connectors/applications/friendbuy: separate
  SHARE and PURCHASE tables).
* Mention Me -- "CRM Feed Format"
  (https://docs.mention-me.com/knowledge/integrations/data-feeds/crm-feed-format:
  ``Customer Email``, ``Referred By Customer Email``, ``Referred Date``,
  ``Referred Situation`` = promotion point such as postpurchase/homepage) and
  "Analyse referral data"
  (https://docs.mention-me.com/knowledge/reporting/referral/analyse-referral-data:
  ``Share Method`` = email, Facebook, WhatsApp...; splits by campaign).  The
  CRM feed has one row per customer, so it cannot carry repeated referrals;
  the modelled file is a per-referral report in that vocabulary, UK style.
"""

import argparse
import csv
import gzip
import io
import json
import os
import random
import zipfile
from datetime import datetime, timedelta, timezone

SEED = 20240304
UTC = timezone.utc
START = datetime(2024, 3, 4, tzinfo=UTC)          # a Monday
DAYS = 42                                          # six weeks, to 2024-04-14
SWITCH = datetime(2024, 3, 25, tzinfo=UTC)         # summer-friends starts
CAMPAIGNS = ["spring-launch", "summer-friends"]
CHANNELS = ["email", "facebook", "twitter", "linkedin", "blog", "event"]
EXPORTS = "Tests/Exports"                          # paths in the manifest are relative to the repo root

# (display name, e-mail local part).  Names use only characters that exist in Windows-1252.
PEOPLE = [
    ("Ana Silva", "ana.silva"), ("José Müller", "jose.muller"), ("Zoë Brontë", "zoe.bronte"),
    ("François Lefèvre", "francois.lefevre"), ("Søren Nørgaard", "soren.norgaard"),
    ("Björn Ångström", "bjorn.angstrom"), ("Chloé Dubois", "chloe.dubois"), ("Renée Fontaine", "renee.fontaine"),
    ("Jürgen Weiß", "jurgen.weiss"), ("Inês Gonçalves", "ines.goncalves"), ("Núria Puig", "nuria.puig"),
    ("Ólafur Árnason", "olafur.arnason"), ("Íñigo Peña", "inigo.pena"), ("Zoé Cœur", "zoe.coeur"),
    ('Robert "Bob" O\'Neil', "bob.oneil"), ("Lee, Hannah", "hannah.lee"), ("Maria Rossi", "maria.rossi"),
    ("Liam Murphy", "liam.murphy"), ("Emma Schmidt", "emma.schmidt"), ("Noah Johnson", "noah.johnson"),
    ("Olivia Brown", "olivia.brown"), ("Lucas Martin", "lucas.martin"), ("Mia Novak", "mia.novak"),
    ("Ethan Clark", "ethan.clark"), ("Sofia García", "sofia.garcia"), ("Mateo López", "mateo.lopez"),
    ("Amelia Wright", "amelia.wright"), ("Oscar Nilsson", "oscar.nilsson"), ("Freya Jensen", "freya.jensen"),
    ("Hugo Bernard", "hugo.bernard"), ("Léa Moreau", "lea.moreau"), ("Ivan Petrov", "ivan.petrov"),
    ("Yuki Tanaka", "yuki.tanaka"), ("Priya Sharma", "priya.sharma"), ("Kwame Mensah", "kwame.mensah"),
    ("Fatima Zahra", "fatima.zahra"), ("Diego Torres", "diego.torres"), ("Elena Popescu", "elena.popescu"),
    ("Tomás Horváth", "tomas.horvath"), ("Aisha Bello", "aisha.bello"), ("Jack Wilson", "jack.wilson"),
    ("Grace Kim", "grace.kim"), ("Henry Adams", "henry.adams"), ("Isla Campbell", "isla.campbell"),
    ("Leo Fischer", "leo.fischer"), ("Nina Kowalski", "nina.kowalski"), ("Omar Haddad", "omar.haddad"),
    ("Paula Costa", "paula.costa"), ("Quinn Taylor", "quinn.taylor"), ("Rosa Vidal", "rosa.vidal"),
    ("Sam Evans", "sam.evans"), ("Tara Singh", "tara.singh"), ("Uma Patel", "uma.patel"),
    ("Victor Hugo", "victor.hugo"), ("Wendy Park", "wendy.park"), ("Xavier Roux", "xavier.roux"),
    ("Yara Haddad", "yara.haddad"), ("Zane Cooper", "zane.cooper"), ("Abel Ortiz", "abel.ortiz"),
    ("Bea Lindqvist", "bea.lindqvist"),
]
assert len(PEOPLE) == 60 and len({e for _, e in PEOPLE}) == 60


# ----------------------------------------------------------------------------------------------
# The canonical data
# ----------------------------------------------------------------------------------------------

def make_data():
    """Return (people, names, referrals, conversions); rows are dicts with datetime timestamps."""
    rng = random.Random(SEED)
    people = [f"{local}@example.com" for _, local in PEOPLE]
    names = {f"{local}@example.com": name for name, local in PEOPLE}
    order = people[:]
    rng.shuffle(order)
    seeds, unreached = order[:8], order[8:]
    protected = seeds[:2]          # never referred: their purchases are by "people never referred"
    home = {}                      # person -> the one campaign they are referred in
    active = seeds[:]              # people who can share
    used = set()

    minutes = [d * 1440 + h * 60 + m for d in range(DAYS) for h in range(7, 23) for m in range(60)]

    def fresh_minute(lo, hi):
        while True:
            t = START + timedelta(minutes=rng.randrange(lo, hi))
            if t not in used and 7 <= t.hour <= 22:
                used.add(t)
                return t

    referrals = []
    times = sorted(rng.sample(minutes, 141))
    for minute in times:
        t = START + timedelta(minutes=minute)
        used.add(t)
        campaign = CAMPAIGNS[0] if t < SWITCH else CAMPAIGNS[1]
        if rng.random() < 0.1:
            campaign = CAMPAIGNS[1 - CAMPAIGNS.index(campaign)]
        source = rng.choice(active[-25:] if len(active) > 25 and rng.random() < 0.5 else active)
        if unreached and rng.random() < 0.45:
            target = unreached.pop(0)
            active.append(target)
            home[target] = campaign
        else:
            # Only someone who joined after the sharer, so these rows never close a cycle.
            def pool(s):
                return [p for p in active if active.index(p) > active.index(s) and p not in protected
                        and home.get(p, campaign) == campaign]
            if not pool(source):
                source = rng.choice([s for s in active if pool(s)])
            target = rng.choice(pool(source))
            home.setdefault(target, campaign)
        referrals.append(dict(source=source, target=target, timestamp=t,
                              channel=rng.choice(CHANNELS), campaign=campaign))

    # Repeats: five pairs referred again, later, in the same campaign (the channel may change).
    firsts = [r for r in referrals if r["timestamp"] < START + timedelta(days=30)]
    for r in rng.sample(firsts, 5):
        lo = int((r["timestamp"] - START).total_seconds() // 60) + 60
        referrals.append(dict(r, timestamp=fresh_minute(lo, lo + 5 * 1440), channel=rng.choice(CHANNELS)))

    # One cycle: a -> b -> c is the only path from a to c; then c refers a (a is already in that
    # campaign, or a seed).  Everything else points from earlier to later joiners, so this is the only cycle.
    by_source = {}
    for r in sorted(referrals, key=lambda r: r["timestamp"]):
        by_source.setdefault(r["source"], []).append(r)

    def paths(u, v):
        return 1 if u == v else sum(paths(r["target"], v) for r in by_source.get(u, []))

    cycle = None
    for ab in sorted(referrals, key=lambda r: r["timestamp"]):
        a, b = ab["source"], ab["target"]
        if a in protected or home.get(a, ab["campaign"]) != ab["campaign"]:
            continue
        for bc in by_source.get(b, []):
            if (bc["timestamp"] > ab["timestamp"] and bc["target"] not in (a, b)
                    and bc["campaign"] == ab["campaign"] and paths(a, bc["target"]) == 1):
                cycle = (a, b, bc["target"], bc)
                break
        if cycle:
            break
    a, b, c, bc = cycle
    home.setdefault(a, bc["campaign"])
    lo = int((bc["timestamp"] - START).total_seconds() // 60) + 30
    referrals.append(dict(source=c, target=a, timestamp=fresh_minute(lo, min(lo + 3 * 1440, DAYS * 1440)),
                          channel=rng.choice(CHANNELS), campaign=bc["campaign"]))

    # Self-referrals: three people refer themselves.
    for p in rng.sample([p for p in active if p not in protected and p in home], 3):
        referrals.append(dict(source=p, target=p, timestamp=fresh_minute(0, DAYS * 1440),
                              channel=rng.choice(CHANNELS), campaign=home[p]))

    referrals.sort(key=lambda r: r["timestamp"])
    for r in referrals:
        r["weight"] = 1
    assert len(referrals) == 150, len(referrals)

    # Conversions: 48 referred people (after their first referral by someone else) + 2 never referred.
    first_in = {}
    for r in referrals:
        if r["source"] != r["target"]:
            first_in.setdefault(r["target"], r)
    referred = [p for p in people if p in first_in]
    buyers = rng.sample(referred, 48)
    conversions = []
    for p in buyers:
        lo = int((first_in[p]["timestamp"] - START).total_seconds() // 60) + 20
        t = fresh_minute(lo, lo + 4 * 1440)
        value = round(rng.uniform(12, 260), 2)
        conversions.append(dict(user=p, timestamp=t, value=value, campaign=home[p]))
    for p, campaign in zip(protected, ["", "summer-friends"]):
        conversions.append(dict(user=p, timestamp=fresh_minute(2 * 1440, DAYS * 1440),
                                value=round(rng.uniform(12, 260), 2), campaign=campaign))
    conversions.sort(key=lambda c: c["timestamp"])
    big = rng.sample([c for c in conversions if c["user"] in first_in], 2)
    big[0]["value"], big[1]["value"] = 1234.50, 1018.75
    blank = rng.sample([c for c in conversions if c["user"] in first_in and c not in big], 5)
    for c in blank:
        c["campaign"] = ""
    for c in conversions:
        # Sanity: every referred buyer's referrals (self-referrals aside) are all in one campaign.
        if c["user"] in first_in:
            assert c["timestamp"] > first_in[c["user"]]["timestamp"]
            assert {r["campaign"] for r in referrals if r["target"] == c["user"] and r["source"] != r["target"]} \
                == {home[c["user"]]}
    return people, names, referrals, conversions, first_in, home


# ----------------------------------------------------------------------------------------------
# Formatting
# ----------------------------------------------------------------------------------------------

MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
WEEKDAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]


def iso(t):
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


def rc_date(t):          # ReferralCandy-style "2024-03-04 9:33:00" (hour not padded)
    return f"{t:%Y-%m-%d} {t.hour}:{t:%M:%S}"


def us_12h(t):           # "Mar 4, 2024 9:33 AM"
    hour = t.hour % 12 or 12
    return f"{MONTHS[t.month - 1]} {t.day}, {t.year} {hour}:{t:%M} {'AM' if t.hour < 12 else 'PM'}"


def friendbuy_date(t):   # "2024-03-04 09:33:00 UTC"
    return t.strftime("%Y-%m-%d %H:%M:%S UTC")


def uk_date(t):          # "04/03/2024 09:33"
    return t.strftime("%d/%m/%Y %H:%M")


def eu_date(t):          # "04.03.2024 09:33"
    return t.strftime("%d.%m.%Y %H:%M")


def sheets_us(t):        # Google Sheets "3/4/2024 9:33:00"
    return f"{t.month}/{t.day}/{t.year} {t.hour}:{t:%M:%S}"


def excel_serial(t):     # days since 1899-12-30, as Excel shows it: 15 significant digits
    days = (t - datetime(1899, 12, 30, tzinfo=UTC)).total_seconds() / 86400
    return f"{days:.15g}"


def unix_ms(t):
    return str(int(t.timestamp()) * 1000)


def twitter(t):          # "Mon Mar 04 09:33:00 +0000 2024"
    return f"{WEEKDAYS[t.weekday()]} {MONTHS[t.month - 1]} {t:%d %H:%M:%S} +0000 {t.year}"


def plain(v):
    return f"{v:.2f}"


def grouped(v):          # "1,234.50"
    return f"{v:,.2f}"


def eu_money(v):         # "1.234,50"
    return f"{v:,.2f}".replace(",", "_").replace(".", ",").replace("_", ".")


# ----------------------------------------------------------------------------------------------
# Writing
# ----------------------------------------------------------------------------------------------

class Writer:
    def __init__(self, out):
        self.out = out
        self.written = []

    def path(self, rel):
        full = os.path.join(self.out, rel)
        os.makedirs(os.path.dirname(full), exist_ok=True)
        self.written.append(rel)
        return full

    def csv(self, rel, header, rows, delimiter=",", encoding="utf-8", bom=False, crlf=False, gz=False):
        buf = io.StringIO()
        w = csv.writer(buf, delimiter=delimiter, lineterminator="\r\n" if crlf else "\n")
        w.writerow(header)
        w.writerows(rows)
        data = buf.getvalue().encode(encoding)
        if bom:
            data = b"\xef\xbb\xbf" + data
        if gz:
            data = gzip.compress(data, compresslevel=9, mtime=0)
        with open(self.path(rel), "wb") as f:
            f.write(data)

    def raw(self, rel, data):
        with open(self.path(rel), "wb") as f:
            f.write(data)


def fake_xlsx(referrals):
    """A minimal (not necessarily Excel-valid) workbook: zip magic and [Content_Types].xml."""
    def entry(name):
        info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
        info.create_system = 3
        info.external_attr = 0o644 << 16
        info.compress_type = zipfile.ZIP_STORED
        return info
    rows = "".join(
        f'<row r="{i + 2}"><c t="inlineStr"><is><t>{r["source"]}</t></is></c>'
        f'<c t="inlineStr"><is><t>{r["target"]}</t></is></c></row>' for i, r in enumerate(referrals[:5]))
    parts = [
        ("[Content_Types].xml",
         '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
         '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
         '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
         '<Default Extension="xml" ContentType="application/xml"/>'
         '<Override PartName="/xl/workbook.xml" '
         'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
         '<Override PartName="/xl/worksheets/sheet1.xml" '
         'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>'),
        ("_rels/.rels",
         '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
         '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
         '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
         'officeDocument" Target="xl/workbook.xml"/></Relationships>'),
        ("xl/workbook.xml",
         '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
         '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheets>'
         '<sheet name="Referrals" sheetId="1"/></sheets></workbook>'),
        ("xl/worksheets/sheet1.xml",
         '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
         '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
         '<row r="1"><c t="inlineStr"><is><t>source</t></is></c><c t="inlineStr"><is><t>target</t></is></c></row>'
         f'{rows}</sheetData></worksheet>'),
    ]
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name, text in parts:
            z.writestr(entry(name), text.encode("utf-8"))
    return buf.getvalue()


# ----------------------------------------------------------------------------------------------
# Variants and manifest
# ----------------------------------------------------------------------------------------------

def p(*parts):
    return "/".join((EXPORTS,) + parts)


CANON_R = p("canonical", "referrals.csv")
CANON_C = p("canonical", "conversions.csv")
CANON_RC = p("canonical", "referred-conversions.csv")
DAY12_R = p("canonical", "days-1-to-12", "referrals.csv")
DAY12_C = p("canonical", "days-1-to-12", "conversions.csv")


def same_commands(refs, convs, flags=(), conv_flags=(), canon_refs=(CANON_R,), canon_convs=CANON_C, canon_flags=()):
    """The standard set: score, score --personalize, spread --per campaign, attribute by person/channel.

    ``flags`` go on every variant command, ``conv_flags`` only on those that read conversions."""
    refs, flags, canon_refs, canon_flags = list(refs), list(flags), list(canon_refs), list(canon_flags)
    cflags = flags + list(conv_flags)
    cmds = [dict(command="score", args=refs + flags, expect="same", compare_with=canon_refs + canon_flags)]
    if convs is None:
        cmds.append(dict(command="spread", args=refs + ["--per", "campaign"] + flags, expect="same",
                         compare_with=canon_refs + ["--per", "campaign"] + canon_flags))
        return cmds
    cmds += [
        dict(command="score", args=refs + ["--personalize", convs] + cflags, expect="same",
             compare_with=canon_refs + ["--personalize", canon_convs] + canon_flags),
        dict(command="spread", args=refs + ["--conversions", convs, "--per", "campaign"] + cflags, expect="same",
             compare_with=canon_refs + ["--conversions", canon_convs, "--per", "campaign"] + canon_flags),
    ]
    for by in ("person", "channel"):
        cmds.append(dict(command="attribute",
                         args=refs + ["--conversions", convs, "--model", "linear", "--by", by] + cflags,
                         expect="same",
                         compare_with=canon_refs + ["--conversions", canon_convs, "--model", "linear", "--by", by]
                         + canon_flags))
    return cmds


def score_same(refs, canon_refs=(CANON_R,)):
    """score reads no time column, so a time problem never stops it: the same scores without any flag."""
    return dict(command="score", args=list(refs), expect="same", compare_with=list(canon_refs))


def refused(command, args, exit_code=65, contains=()):
    return dict(command=command, args=list(args), expect={"refused": {"exit": exit_code,
                                                                       "stderr_contains": list(contains)}})


RC_DOCS = ["https://help.referralcandy.com/en/articles/2457908-viewing-and-exporting-reports",
           "https://announcekit.app/referralcandy/product-updates/upgraded-referral-detection-2CasnK"]
FB_DOCS = ["https://help.friendbuy.com/en/articles/2463168-customer-search-tool",
           "https://support.friendbuy.com/article/krhd2eu79n-account-credit-export",
           "https://www.fivetran.com/docs/connectors/applications/friendbuy"]
MM_DOCS = ["https://docs.mention-me.com/knowledge/integrations/data-feeds/crm-feed-format",
           "https://docs.mention-me.com/knowledge/reporting/referral/analyse-referral-data"]


def build(out):
    people, names, refs, convs, first_in, home = make_data()
    rng = random.Random(SEED + 1)       # formatting choices only; the data is fixed above
    w = Writer(out)
    cases = []
    conv_of = {c["user"]: c for c in convs}
    order_row = {id(r): conv_of[r["target"]] for r in first_in.values() if r["target"] in conv_of}

    # --- canonical -------------------------------------------------------------------------
    canon_r_header = ["source", "target", "timestamp", "channel", "campaign", "weight"]
    canon_c_header = ["user", "timestamp", "value", "campaign"]

    def canon_r_rows(rows, ts=iso):
        return [[r["source"], r["target"], ts(r["timestamp"]), r["channel"], r["campaign"], r["weight"]] for r in rows]

    def canon_c_rows(rows, ts=iso, money=plain):
        return [[c["user"], ts(c["timestamp"]), money(c["value"]), c["campaign"]] for c in rows]

    w.csv("canonical/referrals.csv", canon_r_header, canon_r_rows(refs))
    w.csv("canonical/conversions.csv", canon_c_header, canon_c_rows(convs))
    referred_convs = [dict(c, campaign=home[c["user"]]) for c in convs if c["user"] in first_in]
    w.csv("canonical/referred-conversions.csv", canon_c_header, canon_c_rows(referred_convs))
    d12_refs = [r for r in refs if r["timestamp"].day <= 12]
    d12_convs = [c for c in convs if c["timestamp"].day <= 12]
    w.csv("canonical/days-1-to-12/referrals.csv", canon_r_header, canon_r_rows(d12_refs))
    w.csv("canonical/days-1-to-12/conversions.csv", canon_c_header, canon_c_rows(d12_convs))
    cases.append(dict(
        name="canonical",
        description="The canonical pair itself, in the tool's own layout (ISO 8601 UTC timestamps, plain "
                    "decimal values). Every other case is compared with commands on these files. Also "
                    "referred-conversions.csv (the 48 conversions by referred people, campaign filled in from "
                    "their referral: what a per-referral export with order values can carry) and days-1-to-12/ "
                    "(rows dated on days 1-12 of a month).",
        vendor_docs=[],
        commands=same_commands([CANON_R], CANON_C)))

    # --- referralcandy ---------------------------------------------------------------------
    utm = ["google", "facebook", "newsletter", "", "google", "newsletter"]

    def rc_rows(ts, money):
        rows = []
        for r in refs:
            c = order_row.get(id(r))
            status = ("Self-referral" if r["source"] == r["target"] else "Purchased" if c else "Pending")
            rows.append([names[r["source"]], r["source"], names[r["target"]], r["target"], ts(r["timestamp"]),
                         r["campaign"], r["channel"], rng.choice(utm), status,
                         ts(c["timestamp"]) if c else "", money(c["value"]) if c else ""])
        return rows

    rc_header = ["Referrer Name", "Referrer Email", "Friend Name", "Friend Email", "Date Created", "Campaign Name",
                 "Share Channel", "Source", "Status", "Order Date", "Order Total"]
    rc_flags = ["--timestamp-column", "Date Created"]
    rc_conv_flags = ["--conversion-timestamp-column", "Order Date"]
    for name, ts, note in [("referralcandy", rc_date, '"2024-03-04 9:33:00" (hour not zero-padded)'),
                           ("referralcandy-us-dates", us_12h, '"Mar 4, 2024 9:33 AM" (12-hour clock)')]:
        w.csv(f"{name}/referrals.csv", rc_header, rc_rows(ts, lambda v: "$" + grouped(v)))
        f = p(name, "referrals.csv")
        cases.append(dict(
            name=name,
            description="Modelled on ReferralCandy's referral report CSV: one row per referral with names and "
                        f"e-mails of referrer and friend, Date Created as {note}, Campaign Name, Share Channel, "
                        "a UTM 'Source' column (google/facebook/newsletter) that must NOT be taken as the "
                        "sharer, a Status, and the friend's first order (Order Date, Order Total like "
                        "\"$1,234.50\") on their first referral row; empty Order Total = no purchase. The same "
                        "file is passed as its own --conversions file; it carries only the 48 conversions by "
                        "referred people, so it is compared with canonical/referred-conversions.csv. E-mail "
                        "columns must win over name columns. The two date columns are named by flag.",
            vendor_docs=RC_DOCS,
            commands=same_commands([f], f, flags=rc_flags, conv_flags=rc_conv_flags, canon_convs=CANON_RC)))

    # --- friendbuy -------------------------------------------------------------------------
    cust_id = {pp: f"cus_{1000 + i * 7}" for i, pp in enumerate(people)}
    alphabet = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    code = {pp: "".join(rng.choice(alphabet) for _ in range(5)) for pp in people}
    w.csv("friendbuy/referrals.csv",
          ["Advocate Email", "Advocate Customer ID", "Referral Code", "Friend Email", "Created On", "Campaign Name",
           "Share Channel"],
          [[r["source"], cust_id[r["source"]], code[r["source"]], r["target"], friendbuy_date(r["timestamp"]),
            r["campaign"], r["channel"]] for r in refs])
    w.csv("friendbuy/purchases.csv",
          ["Order ID", "Customer Email", "Order Date", "Order Amount", "Currency", "Campaign Name"],
          [[f"#{4100 + i}", c["user"], friendbuy_date(c["timestamp"]), grouped(c["value"]), "USD", c["campaign"]]
           for i, c in enumerate(convs)])
    cases.append(dict(
        name="friendbuy",
        description="Modelled on Friendbuy's referral and purchase data: referrals with Advocate Email, Advocate "
                    "Customer ID (a second advocate id column, so --source-column names the e-mail), Referral "
                    "Code, Friend Email, Created On \"2024-03-04 09:33:00 UTC\", Campaign Name, Share Channel; "
                    "purchases in a separate file with Order ID, Customer Email, Order Date, Order Amount "
                    "\"1,234.50\" (quoted: it holds the delimiter), Currency, Campaign Name.",
        vendor_docs=FB_DOCS,
        commands=same_commands([p("friendbuy", "referrals.csv")], p("friendbuy", "purchases.csv"),
                               flags=["--source-column", "Advocate Email"])))

    # --- mentionme -------------------------------------------------------------------------
    situations = ["postpurchase", "homepage", "email-campaign", "account"]
    mm_rows = []
    for r in refs:
        c = order_row.get(id(r))
        mm_rows.append([r["source"], r["target"], uk_date(r["timestamp"]), r["channel"], rng.choice(situations),
                        r["campaign"], uk_date(c["timestamp"]) if c else "", "£" + grouped(c["value"]) if c else ""])
    w.csv("mentionme/referrals.csv",
          ["Referrer Email", "Referee Email", "Referral Date", "Share Method", "Situation", "Campaign",
           "Referee Order Date", "Referee Order Value"], mm_rows)
    f = p("mentionme", "referrals.csv")
    cases.append(dict(
        name="mentionme",
        description="Modelled on Mention Me's vocabulary (referrer/referee, Share Method, Situation = promotion "
                    "point, which must NOT be taken as the channel), UK style: Referral Date dd/mm/yyyy HH:MM "
                    "(days above 12 occur, so day-first is provable), Referee Order Value in pounds "
                    "(\"£1,234.50\") on the referee's first referral row. Used as its own --conversions file, "
                    "compared with canonical/referred-conversions.csv. The two date columns are named by flag.",
        vendor_docs=MM_DOCS,
        commands=same_commands([f], f, flags=["--timestamp-column", "Referral Date"],
                               conv_flags=["--conversion-timestamp-column", "Referee Order Date"],
                               canon_convs=CANON_RC)))

    # --- excel-eu --------------------------------------------------------------------------
    w.csv("excel-eu/referrals.csv", ["Referrer", "Referred", "Date", "Channel", "Campaign"],
          [[r["source"], r["target"], eu_date(r["timestamp"]), r["channel"], r["campaign"]] for r in refs],
          delimiter=";", bom=True, crlf=True)
    w.csv("excel-eu/conversions.csv", ["Customer", "Date", "Value", "Campaign"],
          [[c["user"], eu_date(c["timestamp"]), eu_money(c["value"]), c["campaign"]] for c in convs],
          delimiter=";", bom=True, crlf=True)
    er, ec = p("excel-eu", "referrals.csv"), p("excel-eu", "conversions.csv")
    cmds = same_commands([er], ec)
    cmds.append(dict(command="attribute",
                     args=[er, "--conversions", ec, "--model", "linear", "--by", "person", "--delimiter", ";",
                           "--decimal", "comma", "--date-order", "day-first"],
                     expect="same",
                     compare_with=[CANON_R, "--conversions", CANON_C, "--model", "linear", "--by", "person"]))
    cases.append(dict(
        name="excel-eu",
        description="A German/European Excel 'CSV (semicolon delimited)' save: UTF-8 BOM, CRLF line ends, ';' "
                    "delimiter, English headers (Referrer;Referred;Date;Channel;Campaign), dates dd.mm.yyyy HH:MM, "
                    "values with decimal comma and '.' thousands (\"72,26\", \"1.234,50\"). Detected without "
                    "flags; the last command states the reading flags explicitly and must agree.",
        vendor_docs=[],
        commands=cmds))

    # --- excel-serial ----------------------------------------------------------------------
    w.csv("excel-serial/referrals.csv", canon_r_header, canon_r_rows(refs, excel_serial))
    w.csv("excel-serial/conversions.csv", canon_c_header, canon_c_rows(convs, excel_serial))
    xr, xc = p("excel-serial", "referrals.csv"), p("excel-serial", "conversions.csv")
    cases.append(dict(
        name="excel-serial",
        description="Timestamps left as spreadsheet serial numbers (days since 1899-12-30, 15 significant digits "
                    "as Excel writes them, e.g. 45355.3979166667 = 2024-03-04 09:33 UTC). Refused without "
                    "--time-format excel (a bare number is not guessed); the same answers with it.",
        vendor_docs=[],
        commands=[score_same([xr]),
                  refused("spread", [xr, "--per", "campaign"], contains=["--time-format excel"]),
                  refused("attribute", [xr, "--conversions", xc, "--by", "person"], contains=["--time-format excel"])]
        + same_commands([xr], xc, flags=["--time-format", "excel"])))

    # --- sheets-us / sheets-ambiguous ------------------------------------------------------
    sheet_r_header = ["Referrer Email", "Referred Email", "Date", "Channel", "Campaign"]
    sheet_c_header = ["Customer Email", "Date", "Amount", "Campaign"]

    def sheet_rows(rr, cc):
        return ([[r["source"], r["target"], sheets_us(r["timestamp"]), r["channel"], r["campaign"]] for r in rr],
                [[c["user"], sheets_us(c["timestamp"]), "$" + grouped(c["value"]), c["campaign"]] for c in cc])

    a, b = sheet_rows(refs, convs)
    w.csv("sheets-us/referrals.csv", sheet_r_header, a)
    w.csv("sheets-us/conversions.csv", sheet_c_header, b)
    cases.append(dict(
        name="sheets-us",
        description="Google Sheets 'Download as CSV' of a US-locale sheet: dates M/D/YYYY H:MM:SS (days above 12 "
                    "occur, so month-first is provable), amounts formatted as currency (\"$1,234.50\").",
        vendor_docs=[],
        commands=same_commands([p("sheets-us", "referrals.csv")], p("sheets-us", "conversions.csv"))))
    a, b = sheet_rows(d12_refs, d12_convs)
    w.csv("sheets-ambiguous/referrals.csv", sheet_r_header, a)
    w.csv("sheets-ambiguous/conversions.csv", sheet_c_header, b)
    sr, sc = p("sheets-ambiguous", "referrals.csv"), p("sheets-ambiguous", "conversions.csv")
    cases.append(dict(
        name="sheets-ambiguous",
        description="The rows dated on days 1-12 of a month, in the sheets-us layout: every date reads as M/D or "
                    "D/M. Refused without --date-order; with --date-order month-first the same answers as "
                    "canonical/days-1-to-12.",
        vendor_docs=[],
        commands=[score_same([sr], canon_refs=[DAY12_R]),
                  refused("spread", [sr, "--conversions", sc, "--per", "campaign"], contains=["--date-order"])]
        + same_commands([sr], sc, flags=["--date-order", "month-first"], canon_refs=[DAY12_R], canon_convs=DAY12_C)))

    # --- mixed-case-ids --------------------------------------------------------------------
    def messy(e):
        x = rng.random()
        if x < 0.2:
            local, dom = e.split("@")
            e = ".".join(s.capitalize() for s in local.split(".")) + "@" + dom.capitalize()
        elif x < 0.3:
            e = e.upper()
        y = rng.random()
        if y < 0.1:
            e = "  " + e
        elif y < 0.2:
            e = e + " "
        elif y < 0.25:
            e = " " + e + "  "
        return e

    w.csv("mixed-case-ids/referrals.csv", canon_r_header,
          [[messy(r["source"]), messy(r["target"]), iso(r["timestamp"]), r["channel"], r["campaign"], r["weight"]]
           for r in refs])
    w.csv("mixed-case-ids/conversions.csv", canon_c_header,
          [[messy(c["user"]), iso(c["timestamp"]), plain(c["value"]), c["campaign"]] for c in convs])
    cases.append(dict(
        name="mixed-case-ids",
        description="The canonical rows with about 30% of e-mails in other case (Ana.Silva@Example.com, "
                    "ANA.SILVA@EXAMPLE.COM) and about 25% padded with spaces, in referrals and conversions. Ids "
                    "are normalized (trimmed, case-folded), so the answers are the canonical ones, with "
                    "lowercase node names.",
        vendor_docs=[],
        commands=same_commands([p("mixed-case-ids", "referrals.csv")], p("mixed-case-ids", "conversions.csv"))))

    # --- latin1 ----------------------------------------------------------------------------
    w.csv("latin1/referrals.csv", ["source", "Referrer Name", "target", "timestamp", "channel", "campaign", "weight"],
          [[r["source"], names[r["source"]], r["target"], iso(r["timestamp"]), r["channel"], r["campaign"],
            r["weight"]] for r in refs], encoding="cp1252")
    w.csv("latin1/conversions.csv", ["user", "Customer Name", "timestamp", "value", "campaign"],
          [[c["user"], names[c["user"]], iso(c["timestamp"]), plain(c["value"]), c["campaign"]] for c in convs],
          encoding="cp1252")
    lr, lc = p("latin1", "referrals.csv"), p("latin1", "conversions.csv")
    cases.append(dict(
        name="latin1",
        description="The canonical columns plus a name column (José Müller, Zoë Brontë, Jürgen Weiß...) saved "
                    "as Windows-1252, so the file is not valid UTF-8. The names are in a column no command "
                    "reads, so the answers are the same without a flag and with --encoding windows-1252 "
                    "(a Latin-1 id is refused naming --encoding: see docs/bad-input.md, latin1-export).",
        vendor_docs=[],
        commands=same_commands([lr], lc)
        + same_commands([lr], lc, flags=["--encoding", "windows-1252"])))

    # --- gzip ------------------------------------------------------------------------------
    w.csv("gzip/referrals.csv.gz", canon_r_header, canon_r_rows(refs), gz=True)
    w.csv("gzip/conversions.csv.gz", canon_c_header, canon_c_rows(convs), gz=True)
    cases.append(dict(
        name="gzip",
        description="The canonical files gzip-compressed (as many platforms e-mail large exports); read "
                    "transparently.",
        vendor_docs=[],
        commands=same_commands([p("gzip", "referrals.csv.gz")], p("gzip", "conversions.csv.gz"))))

    # --- per-campaign-files ----------------------------------------------------------------
    for campaign in CAMPAIGNS:
        w.csv(f"per-campaign-files/referrals/{campaign}.csv", ["source", "target", "timestamp", "channel", "weight"],
              [[r["source"], r["target"], iso(r["timestamp"]), r["channel"], r["weight"]]
               for r in refs if r["campaign"] == campaign])
    w.csv("per-campaign-files/conversions.csv", ["user", "timestamp", "value"],
          [[c["user"], iso(c["timestamp"]), plain(c["value"])] for c in convs])
    pf = [p("per-campaign-files", "referrals", f"{c}.csv") for c in CAMPAIGNS]
    pc = p("per-campaign-files", "conversions.csv")
    cases.append(dict(
        name="per-campaign-files",
        description="One export per campaign (spring-launch.csv, summer-friends.csv) without a campaign column, "
                    "and a conversions file without a campaign column. With --campaign-from-file each referral "
                    "file's name is its rows' campaign. Per-campaign answers assume a conversion counts for the "
                    "campaign its buyer was referred in (every buyer here is referred in one campaign only). The "
                    "first command reads the folder, the others the two files.",
        vendor_docs=[],
        commands=[dict(command="spread", args=[p("per-campaign-files", "referrals"), "--conversions", pc,
                                               "--per", "campaign", "--campaign-from-file"],
                       expect="same", compare_with=[CANON_R, "--conversions", CANON_C, "--per", "campaign"])]
        + same_commands(pf, pc, flags=["--campaign-from-file"])))

    # --- xlsx ------------------------------------------------------------------------------
    w.raw("xlsx/referrals.xlsx", fake_xlsx(refs))
    xl = p("xlsx", "referrals.xlsx")
    cases.append(dict(
        name="xlsx",
        description="An Excel workbook (zip: PK\\x03\\x04 ... [Content_Types].xml) handed over instead of a CSV. "
                    "Refused with a message that names xlsx and says to save as CSV.",
        vendor_docs=[],
        commands=[refused("score", [xl], contains=["xlsx", "csv"]),
                  refused("spread", [xl, "--per", "campaign"], contains=["xlsx", "csv"])]))

    # --- unix-ms ---------------------------------------------------------------------------
    w.csv("unix-ms/referrals.csv", canon_r_header, canon_r_rows(refs, unix_ms))
    w.csv("unix-ms/conversions.csv", canon_c_header, canon_c_rows(convs, unix_ms))
    ur, uc = p("unix-ms", "referrals.csv"), p("unix-ms", "conversions.csv")
    cases.append(dict(
        name="unix-ms",
        description="Timestamps as Unix epoch milliseconds (1709544780000), as API-backed exports write them. "
                    "Refused without --time-format ms; the same answers with it.",
        vendor_docs=[],
        commands=[score_same([ur]),
                  refused("spread", [ur, "--per", "campaign"], contains=["--time-format ms"]),
                  refused("attribute", [ur, "--conversions", uc, "--by", "person"], contains=["--time-format ms"])]
        + same_commands([ur], uc, flags=["--time-format", "ms"])))

    # --- twitter-dates ---------------------------------------------------------------------
    w.csv("twitter-dates/referrals.csv", canon_r_header, canon_r_rows(refs, twitter))
    w.csv("twitter-dates/conversions.csv", canon_c_header, canon_c_rows(convs, twitter))
    cases.append(dict(
        name="twitter-dates",
        description="The same instants written the way the Twitter/X API writes created_at "
                    "(\"Mon Mar 04 09:33:00 +0000 2024\").",
        vendor_docs=[],
        commands=same_commands([p("twitter-dates", "referrals.csv")], p("twitter-dates", "conversions.csv"))))

    # --- split-by-month --------------------------------------------------------------------
    for month in (3, 4):
        w.csv(f"split-by-month/referrals/referrals-2024-{month:02d}.csv", canon_r_header,
              canon_r_rows([r for r in refs if r["timestamp"].month == month]))
    w.csv("split-by-month/conversions.csv", canon_c_header, canon_c_rows(convs))
    sm = [p("split-by-month", "referrals", f"referrals-2024-{m:02d}.csv") for m in (3, 4)]
    smc = p("split-by-month", "conversions.csv")
    cases.append(dict(
        name="split-by-month",
        description="The canonical referrals exported month by month (two files, same header); several files "
                    "are read as one export. The first command passes the folder that holds them.",
        vendor_docs=[],
        commands=[dict(command="score", args=[p("split-by-month", "referrals")], expect="same",
                       compare_with=[CANON_R])] + same_commands(sm, smc)))

    # --- tsv -------------------------------------------------------------------------------
    w.csv("tsv/referrals.tsv", canon_r_header, canon_r_rows(refs), delimiter="\t")
    w.csv("tsv/conversions.tsv", canon_c_header, canon_c_rows(convs), delimiter="\t")
    cases.append(dict(
        name="tsv",
        description="The canonical files tab-separated (Google Sheets 'Download as TSV'); the delimiter is "
                    "detected.",
        vendor_docs=[],
        commands=same_commands([p("tsv", "referrals.tsv")], p("tsv", "conversions.tsv"))))

    manifest = json.dumps(cases, indent=2, ensure_ascii=False) + "\n"
    w.raw("manifest.json", manifest.encode("utf-8"))
    return w.written, len(refs), len(convs)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", default=EXPORTS, help="output folder (default: %(default)s)")
    args = parser.parse_args()
    written, n_refs, n_convs = build(args.out)
    print(f"wrote {len(written)} files to {args.out} ({n_refs} referrals, {n_convs} conversions)")


if __name__ == "__main__":
    main()
