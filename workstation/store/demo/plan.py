"""The shape of a demo data set, and the rows every lead hangs off: reps, call scripts,
campaigns and their member statuses; plus the pieces the chunk builders share (regions,
company names, the clock).

Pure Python, no database. Everything derives from (seed, number of leads, now), so the same
three give the same rows. Rows are tuples in the column order of `load.COLUMNS`; a NULL
is written as 0 (ids) or "" (text and times), because binding Python's None costs the sqlite3
driver several times more than an int or a str; the INSERT turns them back into NULL.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from math import isqrt
from random import Random

from workstation.store.demo.pools import (
    BRAND_HEADS,
    BRAND_TAILS,
    COMPANY_KINDS,
    COUNTRIES,
    DE_FIRST_NAMES,
    DE_LAST_NAMES,
    DURATIONS,
    FIRST_NAMES,
    LAST_NAMES,
    NOTES,
    REGIONS,
    STREET_NAMES,
    text_rows,
)
from workstation.store.reference import DEFAULT_MEMBER_STATUSES
from workstation.store.rep_names import rep_name_key
from workstation.store.values.regions import stored_country

DAY = 86_400
SPAN_DAYS = 540  # leads arrive over the last eighteen months
# Leads or accounts per unit of work. Fixed, so the rows never depend on how many
# processes share the work.
CHUNK = 10_000
MIN_LEADS = 50
# About this share of the leads ends up open and owned; capacities leave room above it.
OPEN_OWNED_SHARE = 0.33
COMPANY_NAME = "Northwind Telesales"

# name | channel (lead source) | offer (lead type) | product | starts, ends (days before
# now; no end: still running) | weight among the campaigns running on a day
CAMPAIGNS = [
    (name, channel, offer, product, int(starts), int(ends) if ends else None, int(weight))
    for name, channel, offer, product, starts, ends, weight in text_rows("""
Website – Demo Request|Web|Demo Request|Dialer Pro|900||6
Website – Contact Us|Web|Contact Us|Workstation Suite|900||5
Free Trial Sign-ups|Web|Trial|Workstation Suite|700||4
Customer Referral Programme|Referral|Contact Us|Workstation Suite|800||1
Partner Deal Registrations|Partner|Demo Request|Dialer Pro|600||1
Whitepaper: The Cost of Slow Follow-up|Web|Whitepaper|Analytics Add-on|420|60|3
Sales Ops Summit – Booth Scans|Event|Contact Us|Workstation Suite|400|385|12
Contact Center Expo – Demo Station|Event|Demo Request|Dialer Pro|150|140|12
Webinar: Speed-to-Lead Benchmarks|Webinar|Whitepaper|Analytics Add-on|300|280|8
Webinar: Coaching Reps with Call Scripts|Webinar|Demo Request|Call Coaching|90|75|8
Purchased List – Mid-market IT Directors|Purchased List|Contact Us|Workstation Suite|500|470|10
Purchased List – UK & DE Contact Centres|Purchased List|Contact Us|Dialer Pro|200|180|10
""")
]
# A campaign keeps bringing leads for two weeks after it ends (late form fills, follow-ups).
LATE_DAYS = 14

OPENERS = {
    "Demo Request": "you asked for a demo of {product}",
    "Contact Us": "you got in touch with us about {product}",
    "Trial": "you started a trial of {product}",
    "Whitepaper": "you downloaded our report on {product}",
}

QUESTIONS = [
    {"key": "budget", "label": "Budget", "type": "yesno"},
    {
        "key": "authority",
        "label": "Authority",
        "type": "choice",
        "choices": ["Decision maker", "Influencer", "End user"],
    },
    {"key": "need", "label": "Need", "type": "text"},
    {
        "key": "timeline",
        "label": "Timeline",
        "type": "choice",
        "choices": ["This quarter", "Next quarter", "This year", "No timeline"],
    },
    {"key": "seats", "label": "Seats", "type": "number"},
]


def weighted(*pairs: tuple[object, int]) -> list:
    """A list to draw from with one random index: each value repeated by its weight."""
    return [value for value, weight in pairs for _ in range(weight)]


def call_pool(dispositions: list[str], size: int, seed: str) -> list[tuple[str, str, int]]:
    """(disposition, notes, seconds) to draw calls from; built once, the same everywhere."""
    r = Random(seed).random
    pool = []
    for _ in range(size):
        d = dispositions[int(r() * len(dispositions))]
        low, high = DURATIONS[d]
        pool.append((d, NOTES[d][int(r() * len(NOTES[d]))], low + int(r() * (high - low))))
    return pool


def email_form(name: str) -> str:
    """A name as it appears in an email address."""
    for old, new in (("ä", "ae"), ("ö", "oe"), ("ü", "ue"), ("ß", "ss"), ("é", "e"), ("'", "")):
        name = name.replace(old, new)
    return name.lower()


class Timestamps:
    """Epoch seconds as the text SQLAlchemy stores for a UTC DateTime on SQLite.

    Two list lookups and a concatenation: `datetime` and `strftime` per value would cost
    more than inserting the row.
    """

    def __init__(self, first: int, last: int) -> None:
        self.days = [""] * (last // DAY + 2)
        for day in range(first // DAY, last // DAY + 2):
            self.days[day] = datetime.fromtimestamp(day * DAY, UTC).strftime("%Y-%m-%d ")
        self.times = [f"{s // 3600:02d}:{s // 60 % 60:02d}:{s % 60:02d}.000000" for s in range(DAY)]

    def stamp(self, t: int) -> str:
        return self.days[t // DAY] + self.times[t % DAY]

    def stamper(self) -> Callable[[int], str]:
        """`stamp` without its attribute lookups, for the loops that stamp millions."""
        days, times = self.days, self.times

        def stamp(t: int) -> str:
            return days[t // DAY] + times[t % DAY]

        return stamp

    def date(self, t: int) -> str:
        return self.days[t // DAY][:10]


def _name_combos(firsts: list[str], lasts: list[str]) -> list[tuple[str, str, str, str]]:
    """(first, last, first.last, flast) for every pair: email forms computed once."""
    return [
        (f, la, f"{email_form(f)}.{email_form(la)}", email_form(f)[0] + email_form(la))
        for f in firsts
        for la in lasts
    ]


@dataclass(frozen=True, eq=False)
class Region:
    country: str
    state: str
    city: str
    time_zone: str
    weight: int
    prefixes: tuple[str, ...]  # country code + area code
    ranges: tuple[tuple[int, int], ...]  # subscriber numbers [lo, hi)
    postal_codes: tuple[str, ...]
    suffixes: tuple[str, ...]  # company suffixes
    tld: str
    names: list[tuple[str, str, str, str]]

    def phone(self, r) -> str:
        lo, hi = self.ranges[int(r() * len(self.ranges))]
        return self.prefixes[int(r() * len(self.prefixes))] + str(lo + int(r() * (hi - lo)))

    def address(self, r) -> tuple[str, str, str, str, str, str]:
        """(street, city, state, postal code, country, time zone)"""
        street = f"{1 + int(r() * 400)} {STREET_NAMES[int(r() * len(STREET_NAMES))]}"
        postal = self.postal_codes[int(r() * len(self.postal_codes))]
        return street, self.city, self.state, postal, self.country, self.time_zone


def _regions() -> list[Region]:
    pools = {False: _name_combos(FIRST_NAMES, LAST_NAMES)}
    pools[True] = _name_combos(DE_FIRST_NAMES, DE_LAST_NAMES)
    regions = []
    for country, state, city, zone, weight, areas, ranges, postal in REGIONS:
        code, suffixes, tld, german = COUNTRIES[country]
        pairs = (span.split("-") for span in ranges.split())
        spans = tuple((int(lo), int(hi)) for lo, hi in pairs)
        codes = tuple(postal.split("," if "," in postal else None))
        prefixes = tuple(code + area for area in areas.split())
        regions.append(
            Region(stored_country(country), state, city, zone, int(weight), prefixes,
                   spans, codes, suffixes, tld, pools[german])
        )  # fmt: skip
    return regions


REGION_LIST = _regions()
REGION_PICK = [i for i, region in enumerate(REGION_LIST) for _ in range(region.weight)]
BRANDS = [h + t for h in BRAND_HEADS for t in BRAND_TAILS]
BRAND_DOMAINS = [b.lower() for b in BRANDS]
COMPANY_COMBOS = len(BRANDS) * len(COMPANY_KINDS)
# Coprime with COMPANY_COMBOS: account i gets combination i * STRIDE, so the first
# COMPANY_COMBOS accounts all have different names and domains.
STRIDE = 104_729


def company(combo: int, region: Region, r) -> tuple[str, str, str]:
    """(name, domain, industry) of company combination `combo` in `region`."""
    brand, kind = combo % len(BRANDS), combo // len(BRANDS)
    word, industry = COMPANY_KINDS[kind]
    suffix = region.suffixes[int(r() * len(region.suffixes))]
    domain = f"{BRAND_DOMAINS[brand]}{word.lower()}{region.tld}"
    return f"{BRANDS[brand]} {word} {suffix}", domain, industry


@dataclass(frozen=True)
class Plan:
    """Everything about a data set that is decided before any chunk is built."""

    seed: int
    leads: int
    now: int  # epoch seconds
    accounts: int
    reps: tuple[tuple[int, str, str, str, int, int], ...]  # id, name, email, role, cap, active
    owners: tuple[int, ...]  # reps that own leads and accounts now
    former_owners: tuple[int, ...]  # and the rep who has left (still owns old leads)
    manager_id: int
    contact_counts: bytes  # per account
    opportunity_counts: bytes

    @property
    def start(self) -> int:
        """When the first lead arrived."""
        return self.now - SPAN_DAYS * DAY


@dataclass
class Chunk:
    """What building one chunk gives: rows per table (and, in subclasses, more)."""

    rows: dict[str, list[tuple]]


@cache
def campaigns_by_day(now: int) -> dict[int, list[int]]:
    """Campaign ids to draw from for a record created on a day (days since the epoch),
    each as often as its weight."""
    today = now // DAY
    by_day = {}
    for day in range(today - SPAN_DAYS - 1, today + 1):
        ago = today - day
        by_day[day] = [
            cid
            for cid, (*_, starts, ends, weight) in enumerate(CAMPAIGNS, start=1)
            if starts >= ago and (ends is None or ends - LATE_DAYS <= ago)
            for _ in range(weight)
        ]
    return by_day


@cache
def _clock(now: int) -> Timestamps:
    return Timestamps(now - (SPAN_DAYS + 5 * 365) * DAY, now + 200 * DAY)


def clock_for(plan: Plan) -> Timestamps:
    """The clock for every time of the data set (built once per process)."""
    return _clock(plan.now)


def make_plan(leads: int, seed: int, now: int) -> Plan:
    rnd = Random(f"{seed}:plan")
    reps = _reps(leads, rnd)
    accounts = max(4, leads // 5)
    # Contacts per account: about 1.55 on average, so 0.3 contacts per lead.
    contact_pick = weighted((0, 10), (1, 47), (2, 28), (3, 10), (4, 3), (5, 2))
    opportunity_pick = weighted((0, 55), (1, 30), (2, 11), (3, 4))
    contacts, opportunities = bytearray(accounts), bytearray(accounts)
    r = rnd.random
    for a in range(accounts):
        opportunities[a] = opportunity_pick[int(r() * 100)]
        contacts[a] = max(contact_pick[int(r() * 100)], 1 if opportunities[a] else 0)
    # The first two accounts make sure every lead status can occur even in a tiny data
    # set: one with a won and an open opportunity, one with contacts and none.
    contacts[0], opportunities[0] = 2, 2
    contacts[1], opportunities[1] = 2, 0
    sellers = [rep for rep in reps if rep[3] == "rep"]
    return Plan(
        seed=seed,
        leads=leads,
        now=now,
        accounts=accounts,
        reps=tuple(reps),
        owners=tuple(rep[0] for rep in sellers if rep[5]),
        former_owners=tuple(rep[0] for rep in sellers),
        manager_id=reps[0][0],
        contact_counts=bytes(contacts),
        opportunity_counts=bytes(opportunities),
    )


def _reps(leads: int, rnd: Random) -> list[tuple]:
    """6 reps for a few thousand leads, 50 for a million; the first is a manager."""
    count = min(50, 4 + isqrt(leads) // 20)
    managers = 1 + (count >= 12) + (count >= 30)
    expected_open = leads * OPEN_OWNED_SHARE / (count - managers)
    names: list[str] = []
    while len(names) < count:
        name = f"{rnd.choice(FIRST_NAMES)} {rnd.choice(LAST_NAMES)}"
        if name not in names:
            names.append(name)
    reps = []
    for i, name in enumerate(names, start=1):
        role = "manager" if i <= managers else "rep"
        capacity = (150, 200, 250, 300, 350, 400)[i % 6]
        if role == "rep":  # room for about 30% more than they hold
            capacity = max(capacity, -(-int(expected_open * 1.3) // 50) * 50)
        active = 0 if (count >= 5 and i == count) else 1  # one rep has left the team
        email = ".".join(email_form(part) for part in name.split()) + "@telesales.example.com"
        reps.append((i, name, email, role, capacity, active))
    return reps


def reference_rows(plan: Plan, clock: Timestamps) -> dict[str, list[tuple]]:
    """Reps, call scripts, campaigns and their member statuses."""
    today = plan.now // DAY
    created = clock.stamp(plan.start - 400 * DAY)
    rows: dict[str, list[tuple]] = {"rep": [], "call_script": [], "campaign": []}
    rows["campaign_member_status"] = []
    for rid, name, email, role, capacity, active in plan.reps:
        rows["rep"].append((rid, name, rep_name_key(name), email, role, capacity, active, created))
    questions = json.dumps(QUESTIONS)
    for cid, (name, channel, offer, product, starts, ends, _w) in enumerate(CAMPAIGNS, 1):
        start = clock.date((today - starts) * DAY)
        end = "" if ends is None else clock.date((today - ends) * DAY)
        script = _script(offer, product)
        rows["call_script"].append((cid, f"{name} – script", script, questions, created))
        email = _email(offer, product)
        row = (cid, name, channel, offer, product, start, end, int(ends is None), cid, email)
        rows["campaign"].append((*row, created))
        for s in DEFAULT_MEMBER_STATUSES:
            rows["campaign_member_status"].append(
                (cid, s["label"], s["sort_order"], int(s["is_default"]), int(s["has_responded"]))
            )
    return rows


def _script(offer: str, product: str) -> str:
    opener = OPENERS[offer].format(product=product)
    return (
        f"## Opening\nHi {{first_name}}, this is {{rep}} from {COMPANY_NAME}. I'm calling "
        f"because {opener} — is now a good moment?\n\n"
        "## Discovery\n- How does {company} decide who calls which lead today?\n"
        "- As {title}, what would you change about it first?\n"
        "- How many people make calls on your team?\n\n"
        "## Qualify\nAsk the Budget, Authority, Need and Timeline questions on the right.\n\n"
        "## Close\nOffer a 30-minute walkthrough of {product} with a specialist this week.\n\n"
        "## Objections\n- *We already have a CRM*: {product} sits beside it and imports "
        "its leads.\n- *Send me something*: agree, and book the follow-up call now.\n"
    )


def _email(offer: str, product: str) -> str:
    opener = OPENERS[offer].format(product=product).replace("you ", "", 1)
    return (
        f"Subject: {product} for {{company}}\n\nHi {{first_name}},\n\nThanks — I saw that you "
        f"{opener}. I'd love 20 minutes to show how teams like yours use it.\n\n"
        "Would Tuesday or Thursday work?\n\n{rep}\n" + COMPANY_NAME + "\n"
    )
