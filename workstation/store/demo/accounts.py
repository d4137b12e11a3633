"""Demo accounts with their opportunities, contacts, contact roles, and the contacts'
activities and campaign memberships, one chunk of accounts at a time.

Some opportunities came from a converted lead: for those the chunk returns a `Conversion`,
and the lead stage builds that lead to match (same person, campaign, owner and times). The
chunk also returns the customer accounts and a sample of contacts, from which the lead stage
draws inquiries from current customers and leads that turn out to be known contacts.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from random import Random
from typing import NamedTuple

from workstation.store.demo.plan import (
    CAMPAIGNS,
    CHUNK,
    COMPANY_COMBOS,
    DAY,
    REGION_LIST,
    REGION_PICK,
    STRIDE,
    Chunk,
    Plan,
    Region,
    call_pool,
    campaigns_by_day,
    clock_for,
    company,
    weighted,
)
from workstation.store.demo.pools import (
    EMPLOYEE_BANDS,
    NOTES,
    REJECT_REASONS,
    TASK_SUBJECTS,
    TITLES,
)
from workstation.store.reference import CONTACT_ROLES, OPPORTUNITY_STAGES
from workstation.store.values.rules import ATTEMPT_CAP

# name: (probability, is_closed, is_won)
STAGES = {
    s["name"]: (s["probability"], s.get("is_closed", False), s.get("is_won", False))
    for s in OPPORTUNITY_STAGES
}
# Stage by the opportunity's age in days: young ones are open, old ones mostly closed.
STAGE_BY_AGE = (
    (14, weighted(("Qualification", 60), ("Needs Analysis", 40))),
    (60, weighted(("Qualification", 15), ("Needs Analysis", 30), ("Proposal", 30),
                  ("Negotiation", 15), ("Closed Won", 5), ("Closed Lost", 5))),
    (120, weighted(("Needs Analysis", 10), ("Proposal", 15), ("Negotiation", 20),
                   ("Closed Won", 27), ("Closed Lost", 28))),
    (10**9, weighted(("Negotiation", 5), ("Closed Won", 45), ("Closed Lost", 50))),
)  # fmt: skip
AMOUNTS = [
    dollars * 100
    for dollars in (2_500, 4_800, 7_500, 9_900, 12_000, 15_000, 18_500, 24_000, 30_000, 36_000,
                    48_000, 60_000, 75_000, 96_000, 120_000, 180_000, 250_000)
]  # fmt: skip
ROLES = weighted(*((r["name"], 3) for r in CONTACT_ROLES), ("", 4))
GRAVEYARD = weighted(
    ("Sales Accepted", 60), ("Sales Qualified", 15), ("Nurture", 15), ("Inactive", 5),
    ("Rejected", 5),
)  # fmt: skip
# How many activities a contact may have had, by lifecycle stage.
BUSY = {"Opportunity": 8, "Customer": 6, "Reference": 6}
SOURCES = ("Web", "Event", "Referral", "Partner")


CONTACT_CALLS = call_pool(
    weighted(("Connected – Call Back", 4), ("Connected – Qualified", 2), ("Left Voicemail", 3),
             ("No Answer", 3)), 512, "demo:contact calls",
)  # fmt: skip


class Conversion(NamedTuple):
    """A lead that was converted into (account, contact, opportunity). A tuple: tens of
    thousands travel between processes, and a tuple pickles several times faster than a
    dataclass."""

    lead_created: int
    qualified_at: int  # the call that qualified it: its last activity as a lead
    converted_at: int
    attempts_before: int  # unanswered calls before the qualifying one
    account_id: int
    contact_id: int
    opportunity_id: int
    owner_id: int
    campaign_id: int
    region: int
    person: tuple[str, str, str, str, str]  # first, last, title, email, phone
    company: tuple[str, str, str, int]  # name, domain, industry, employees


@dataclass
class AccountChunk(Chunk):
    conversions: list[Conversion] = field(default_factory=list)
    # (account id, name, domain, industry, employees, region) of customer accounts
    customers: list[tuple] = field(default_factory=list)
    # Contacts a lead may turn out to be, by "the account has an open opportunity":
    # (contact id, account id, owner, customer?, region, (first, last, title, email, phone),
    #  (company, domain, industry, employees))
    known_contacts: tuple[list[tuple], list[tuple]] = field(default_factory=lambda: ([], []))


@dataclass(slots=True)
class _Account:
    """An account while its rows are written: what its contacts' rows depend on."""

    id: int
    region_index: int
    region: Region
    firm: tuple[str, str, str, int]  # name, domain, industry, employees
    owner: int
    created: int
    contact_ids: range
    converted: dict[int, Conversion] = field(default_factory=dict)  # by contact index
    open_opportunity: int = 0  # the last open one
    customer: bool = False  # it won an opportunity worth a dollar or more
    on_open: set[int] = field(default_factory=set)  # contact indexes with an open opportunity
    on_lost: set[int] = field(default_factory=set)  # … with a lost one


def account_chunk(plan: Plan, chunk: int) -> AccountChunk:
    rows = _AccountRows(plan, chunk)
    rows.write(range(chunk * CHUNK, min(plan.accounts, (chunk + 1) * CHUNK)))
    return rows.out


class _AccountRows:
    """One chunk of accounts as it is written: its random stream, its rows, and a method for
    each part of an account.

    The random numbers are drawn in the order the rows are written, so the same seed gives
    the same rows: a change of order here changes the whole data set.
    """

    def __init__(self, plan: Plan, chunk: int) -> None:
        self.plan = plan
        self.r = Random(f"{plan.seed}:accounts:{chunk}").random
        self.clock = clock_for(plan)
        self.stamp = self.clock.stamper()
        self.now, self.start = plan.now, plan.start
        self.by_day = campaigns_by_day(plan.now)
        tables = ("account", "opportunity", "contact", "opportunity_contact_role", "activity")
        self.out = AccountChunk(rows={t: [] for t in (*tables, "campaign_member", "history")})
        self.accounts, self.opportunities, self.contacts, self.roles, self.acts = (
            self.out.rows[t] for t in tables
        )
        self.members, self.hist = self.out.rows["campaign_member"], self.out.rows["history"]

    def write(self, indexes: range) -> None:
        """Each account, then its opportunities first (a contact's lifecycle stage depends on
        them), then its contacts."""
        r, plan, start, stamp = self.r, self.plan, self.start, self.stamp
        owners, contact_counts = plan.owners, plan.contact_counts
        # Ids continue from the accounts before.
        contact_id = sum(contact_counts[: indexes.start])
        opportunity_id = sum(plan.opportunity_counts[: indexes.start])
        for a in indexes:
            aid = a + 1
            ri = REGION_PICK[int(r() * len(REGION_PICK))]
            region = REGION_LIST[ri]
            name, domain, industry = company((a * STRIDE + plan.seed) % COMPANY_COMBOS, region, r)
            firm = (name, domain, industry, EMPLOYEE_BANDS[int(r() * len(EMPLOYEE_BANDS))])
            owner = owners[int(r() * len(owners))]
            created = start - int(r() * 3 * 365 * DAY) + int(r() * 400 * DAY)
            self.accounts.append((aid, name, "www." + domain, domain, industry, firm[3],
                                  region.phone(r), region.state, region.country, owner, 1,
                                  stamp(created)))  # fmt: skip
            n_contacts = contact_counts[a]
            cids = range(contact_id + 1, contact_id + n_contacts + 1)
            contact_id += n_contacts
            account = _Account(aid, ri, region, firm, owner, created, cids)
            for j in range(plan.opportunity_counts[a]):
                opportunity_id += 1
                self.opportunity(account, j, opportunity_id)
            if account.customer:
                self.out.customers.append((aid, name, domain, industry, firm[3], ri))
            for k, cid in enumerate(cids):
                self.contact(account, k, cid)
            self.out.conversions.extend(account.converted.values())

    # Opportunities -------------------------------------------------------------------------
    def opportunity(self, account: _Account, j: int, oid: int) -> None:
        """The account's j-th opportunity, its stage history and its contact roles."""
        r, now, stamp = self.r, self.now, self.stamp
        first_account = account.id == 1  # shows a won and an open opportunity
        name, owner = account.firm[0], account.owner
        # Half the opportunities (the first account's first one always) came from a
        # converted lead, each with a contact of its own created from that lead.
        if j < len(account.contact_ids) and ((j == 0) if first_account else (r() < 0.5)):
            c = _conversion(
                self.plan, r, self.by_day, account.region_index, account.id,
                account.contact_ids[j], oid, owner, account.firm,
            )  # fmt: skip
            account.converted[j] = c
            opened, campaign = c.converted_at, c.campaign_id
            title = f"{name} – {CAMPAIGNS[campaign - 1][0]}"
        else:  # skewed to recent months, so part of the pipeline is still open
            earliest = max(account.created, self.start - 365 * DAY)
            opened = now - DAY - int(r() * r() * max(0, now - DAY - earliest))
            pick = self.by_day.get(opened // DAY)
            campaign = pick[int(r() * len(pick))] if pick else 0
            title = f"{name} – {('New business', 'Expansion', 'Renewal')[j % 3]}"
        stages = _stages_for((now - opened) // DAY)
        stage = ("Closed Won", "Proposal")[j] if first_account else stages[int(r() * len(stages))]
        probability, is_closed, is_won = STAGES[stage]
        if is_closed:
            changed = min(now - 60, opened + int((15 + r() * 120) * DAY))
            close_date = self.clock.date(changed)
        else:
            changed = opened + int((now - opened) * r())
            close_date = self.clock.date(now + int((7 + r() * 110) * DAY))
        if stage != "Qualification":
            at = stamp(changed)
            self.hist.append(("opportunity", oid, "stage", "Qualification", stage, owner, "", at))
        amount = 0 if stage == "Qualification" and r() < 0.6 else AMOUNTS[int(r() * 17)]
        account.customer = account.customer or (is_won and amount >= 100)
        channel = CAMPAIGNS[campaign - 1][1] if campaign else "Referral"
        self.opportunities.append((oid, account.id, title, amount, stage, probability,
                                   close_date, owner, channel, campaign, int(is_closed),
                                   stamp(opened)))  # fmt: skip
        self.contact_roles(account, j, oid, stamp(opened), is_closed, is_won)
        if not is_closed:
            account.open_opportunity = oid

    def contact_roles(self, account: _Account, j, oid, opened, is_closed, is_won) -> None:
        """The converted contact (or a random one) is primary; a few opportunities never had
        a primary set."""
        r, cids, converted = self.r, account.contact_ids, account.converted
        n_contacts = len(cids)
        primary = j if j in converted else int(r() * n_contacts)
        picked = [primary]
        if n_contacts > 1 and r() < 0.5:
            picked.append((primary + 1 + int(r() * (n_contacts - 1))) % n_contacts)
        for k, index in enumerate(picked):
            is_primary = int(k == 0 and (j in converted or r() < 0.95))
            role = "" if j in converted and k == 0 else ROLES[int(r() * len(ROLES))]
            self.roles.append((oid, cids[index], role, is_primary, opened))
            if not is_closed:
                account.on_open.add(index)
            elif not is_won:
                account.on_lost.add(index)

    # Contacts ------------------------------------------------------------------------------
    def contact(self, account: _Account, k: int, cid: int) -> None:
        """The account's k-th contact: who, at which lifecycle stage, what they did since."""
        r, now, stamp = self.r, self.now, self.stamp
        region, aid, owner = account.region, account.id, account.owner
        c = account.converted.get(k)
        if c:
            person, born, source = c.person, c.converted_at, CAMPAIGNS[c.campaign_id - 1][1]
        else:
            first, last, dotted, _ = region.names[int(r() * len(region.names))]
            title = TITLES[int(r() * len(TITLES))][0]
            person = (first, last, title, f"{dotted}@{account.firm[1]}", region.phone(r))
            born = account.created + int(r() * max(DAY, now - DAY - account.created))
            source = SOURCES[int(r() * 4)]
        stage, rejected = self.contact_stage(account, k)
        opportunity = account.open_opportunity if stage == "Opportunity" else 0
        # The lead's calls followed it here on conversion.
        before = c.attempts_before + 1 if c else 0
        last_at, calls, callback = self.contact_activities((0, cid, aid, opportunity, owner),
                                                           born, stage, before)  # fmt: skip
        if c:
            last_at = max(last_at, c.qualified_at)
        reference = int(stage == "Reference")
        self.contacts.append((
            cid, aid, *person, region.state, region.country, region.time_zone, source,
            stage, owner, int(r() * 100), int(r() < 0.01), int(r() < 0.03), reference,
            "public" if reference else "", reference * int(r() * 7), int(stage != "Inactive"),
            rejected, stamp(born), stamp(born), stamp(last_at) if last_at else "", callback,
            calls, 1, stamp(max(born, last_at)),
        ))  # fmt: skip
        if not c and r() < 0.2:
            campaign = 1 + int(r() * len(CAMPAIGNS))
            joined, responded = stamp(born + int(r() * (now - born))), r() < 0.4
            status, when = ("Responded", joined) if responded else ("Sent", "")
            self.members.append((campaign, 0, cid, status, int(responded), when, joined))
        if k not in account.converted and (aid <= 2 or r() < 0.1):
            self.out.known_contacts[1 if account.open_opportunity else 0].append(
                (cid, aid, owner, account.customer, account.region_index, person, account.firm)
            )

    def contact_stage(self, account: _Account, k: int) -> tuple[str, str]:
        """(lifecycle stage, rejection reason) from the account's opportunities."""
        r = self.r
        if k in account.on_open:
            return "Opportunity", ""
        if account.customer:
            return ("Reference" if r() < 0.1 else "Customer"), ""
        if k in account.on_lost and r() < 0.5:
            return "Nurture", ""
        stage = GRAVEYARD[int(r() * len(GRAVEYARD))]
        if stage == "Rejected":
            return stage, REJECT_REASONS[int(r() * len(REJECT_REASONS))]
        return stage, ""

    def contact_activities(
        self, head: tuple, born: int, stage: str, calls: int
    ) -> tuple[int, int, str]:
        """Their own calls, emails, tasks and notes since they became a contact, after
        `calls` calls before: (the last one's time or 0, all the calls, the callback set
        last). The calls stay under the attempt cap: `n` would pass over them for ever."""
        r, now, stamp, acts = self.r, self.now, self.stamp, self.acts
        last_at, callback, t = 0, "", born
        for _ in range(int(r() * (BUSY.get(stage, 3) + 1))):
            t = min(now - 60, t + int(r() * max(3600, (now - t) // 3)))
            at, kind = stamp(t), r()
            if kind < 0.55 and calls < ATTEMPT_CAP - 1:
                d, notes, seconds = CONTACT_CALLS[int(r() * 512)]
                calls += 1
                due = ""
                if d == "Connected – Call Back":
                    callback = due = stamp(max(t + 3600, now + int((r() * 8 - 1) * DAY)))
                acts.append((*head, "call", d, "", notes, "", seconds, at, due))
            elif kind < 0.85:
                acts.append((*head, "email", "", "Checking in", "", "", 0, at, ""))
            elif kind < 0.93:
                subject = TASK_SUBJECTS[int(r() * len(TASK_SUBJECTS))]
                due = stamp(t + int(r() * 10 * DAY))
                acts.append((*head, "task", "", subject, "", "", 0, at, due))
            else:
                notes = NOTES["Contact"][int(r() * len(NOTES["Contact"]))]
                acts.append((*head, "note", "", "Account note", notes, "", 0, at, ""))
            last_at = t
        return last_at, calls, callback


def _stages_for(days_old: int) -> list[str]:
    for younger_than, stages in STAGE_BY_AGE:
        if days_old < younger_than:
            return stages
    raise ValueError(days_old)


def _conversion(plan: Plan, r, by_day, ri, aid, cid, oid, owner, firm) -> Conversion:
    """When and how a lead at this account was converted."""
    region = REGION_LIST[ri]
    start, now = plan.start, plan.now
    converted_at = start + 2 * DAY + int(r() * (now - start - 2 * DAY - 7200))
    lead_created = max(start + 60, converted_at - int((1 + r() * 44) * DAY))
    qualified_at = max(lead_created + 120, converted_at - 300 - int(r() * 7200))
    pick = by_day[lead_created // DAY]
    first, last, dotted, _ = region.names[int(r() * len(region.names))]
    title = TITLES[int(r() * len(TITLES))][0]
    return Conversion(
        lead_created=lead_created,
        qualified_at=qualified_at,
        converted_at=converted_at,
        attempts_before=int(r() * (ATTEMPT_CAP - 1)),  # the qualifying call makes one more
        account_id=aid,
        contact_id=cid,
        opportunity_id=oid,
        owner_id=owner,
        campaign_id=pick[int(r() * len(pick))],
        region=ri,
        person=(first, last, title, f"{dotted}@{firm[1]}", region.phone(r)),
        company=firm,
    )
