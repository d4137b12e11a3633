"""Demo leads with their call history, campaign memberships and status history, one chunk of
leads at a time.

A lead's status decides its story: Open leads are untouched (in the pool, or owned and not
called yet), Working ones have unanswered attempts, Contacted ones a connected call in the
last 30 days, closed ones end on the call that closed them, converted ones on the call that
qualified them (see `accounts.Conversion`). `attempt_count`, `last_activity_at` and
`is_open` are computed from that story, so they agree with the activity and status rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from random import Random

from workstation.store.demo.accounts import Conversion
from workstation.store.demo.plan import (
    CAMPAIGNS,
    CHUNK,
    COMPANY_COMBOS,
    DAY,
    REGION_LIST,
    REGION_PICK,
    SPAN_DAYS,
    Chunk,
    Plan,
    call_pool,
    campaigns_by_day,
    clock_for,
    company,
    weighted,
)
from workstation.store.demo.pools import (
    ANSWERS,
    ARCHIVE_REASON,
    EMAIL_SUBJECTS,
    EMPLOYEE_BANDS,
    MATCH_REASON,
    REBALANCE_REASON,
    REJECT_REASONS,
    TITLES,
)
from workstation.store.reference import (
    BAD_DATA,
    CONTACT_CURRENT_OPP,
    CONTACT_NO_OPP,
    CONTACTED,
    CONVERTED,
    DEFAULT_STATUS,
    LEAD_STATUSES,
    NO_INTEREST,
    NURTURING,
    WORKING,
)
from workstation.store.sales_hands import NAME, in_sales_hands
from workstation.store.values.rules import ATTEMPT_CAP

OPEN = DEFAULT_STATUS
STATUS_BY_AGE = (
    (3600, [OPEN]),
    (2 * DAY, weighted((OPEN, 80), (WORKING, 20))),
    (30 * DAY, weighted((OPEN, 30), (WORKING, 40), (CONTACTED, 17), (NO_INTEREST, 5),
                        (BAD_DATA, 3), (NURTURING, 2), (CONTACT_NO_OPP, 2),
                        (CONTACT_CURRENT_OPP, 1))),
    (10**12, weighted((OPEN, 20), (WORKING, 17), (CONTACTED, 4), (NURTURING, 20),
                      (NO_INTEREST, 21), (BAD_DATA, 10), (CONTACT_NO_OPP, 4),
                      (CONTACT_CURRENT_OPP, 4))),
)  # fmt: skip
# The oldest leads take every status once, so even a tiny data set shows them all (the
# converted one comes from the first account's won opportunity).
FORCED = (
    OPEN, WORKING, CONTACTED, NURTURING, NO_INTEREST, BAD_DATA, CONTACT_NO_OPP,
    CONTACT_CURRENT_OPP,
)  # fmt: skip
OPEN_STATUSES = {
    s["name"] for s in LEAD_STATUSES if not (s.get("is_closed") or s.get("is_converted"))
}
UNANSWERED = call_pool(
    weighted(("No Answer", 50), ("Left Voicemail", 35), ("Busy", 15)), 1000, "demo:unanswered"
)
CONNECTED = {
    d: call_pool([d], 100, f"demo:{d}")
    for d in ("Connected – Qualified", "Connected – Call Back", "Connected – Not Interested",
              "Wrong Number / Bad Data", "Do Not Call")
}  # fmt: skip
FREE_MAIL = ("gmail.com", "outlook.com", "yahoo.com")
OFFER_BONUS = {"Demo Request": 25, "Trial": 20, "Contact Us": 12, "Whitepaper": 5}
INBOUND = {"Web", "Event", "Webinar", "Referral", "Partner"}
SUBJECTS = {offer: [s.format(offer=offer) for s in EMAIL_SUBJECTS] for offer in OFFER_BONUS}
# (lead source, lead type) by campaign id.
CHANNEL_OFFER = [("", "")] + [(channel, offer) for _, channel, offer, *_ in CAMPAIGNS]


MATCHED = (CONTACT_NO_OPP, CONTACT_CURRENT_OPP)  # the lead turned out to be a known contact

# What happened to a lead, as its row needs it:
# (owner, assigned, last activity, attempts, last touched, do not call, lifecycle stage,
#  rejection reason, callback)
Story = tuple[int, int, int, int, int, int, str, str, str]


@dataclass(frozen=True)
class LeadContext:
    plan: Plan
    customers: list[tuple]
    known_contacts: tuple[list[tuple], list[tuple]]


def lead_chunk(ctx: LeadContext, chunk: int, conversions: dict[int, Conversion]) -> Chunk:
    rows = _LeadRows(ctx, chunk)
    rows.write(range(chunk * CHUNK, min(ctx.plan.leads, (chunk + 1) * CHUNK)), conversions)
    return Chunk(
        {
            "lead": rows.leads,
            "campaign_member": rows.members,
            "activity": rows.acts,
            "history": rows.hist,
        }
    )


class _LeadRows:
    """One chunk of leads as it is written: its random stream, its rows, and a method for
    each part of a lead's story.

    The random numbers are drawn in the order the rows are written, so the same seed gives
    the same rows: a change of order here changes the whole data set. Times are seconds since
    the epoch until they are stamped as text. This runs a million times for data set L, so
    the methods take what they use often into locals.
    """

    def __init__(self, ctx: LeadContext, chunk: int) -> None:
        plan = ctx.plan
        self.r = Random(f"{plan.seed}:leads:{chunk}").random
        clock = clock_for(plan)
        self.days, self.times = clock.days, clock.times
        self.stamp = clock.stamper()
        self.by_day = campaigns_by_day(plan.now)
        self.now, self.start, self.n = plan.now, plan.start, plan.leads
        self.span = SPAN_DAYS * DAY
        self.step = max(1, self.span // self.n)
        self.owners, self.former, self.manager = plan.owners, plan.former_owners, plan.manager_id
        self.customers, self.known = ctx.customers, ctx.known_contacts
        self.leads: list[tuple] = []
        self.acts: list[tuple] = []
        self.members: list[tuple] = []
        self.hist: list[tuple] = []

    # The leads -----------------------------------------------------------------------------
    def write(self, indexes: range, conversions: dict[int, Conversion]) -> None:
        """Each lead: when it came and from which campaign, who it is, what happened to it
        since (by its status), and its rows. Converted leads follow their conversion."""
        r, now, start, span, n, step = self.r, self.now, self.start, self.span, self.n, self.step
        by_day, stamp, members, leads = self.by_day, self.stamp, self.members, self.leads
        for i in indexes:
            lid = i + 1
            conversion = conversions.get(i)
            if conversion is not None:
                self.converted(lid, conversion)
                continue
            created = start + (i * span) // n + int(r() * step)
            age = now - created
            if i < len(FORCED):
                status = FORCED[i]
            else:
                for limit, table in STATUS_BY_AGE:
                    if age < limit:
                        status = table[int(r() * len(table))]
                        break
            pick = by_day[created // DAY]
            campaign = pick[int(r() * len(pick))]
            channel, offer = CHANNEL_OFFER[campaign]
            who = self.known_contact(status) if status in MATCHED else self.new_person()
            existing, contact_owner, region, person, (firm, domain, industry, employees) = who
            first, last, title, email, phone = person
            score = min(99, TITLES[int(r() * len(TITLES))][1] + OFFER_BONUS[offer] + int(r() * 45))
            if status == OPEN:
                story = self.untouched(created, age, score, channel)
            elif status in MATCHED:
                story = self.matched(lid, status, created, age, contact_owner)
            else:
                story = self.called(lid, status, created, age, offer)
            owner, assigned, last_at, attempts, touched, dnc, lifecycle, rejected, callback = story
            responded = channel in INBOUND or status == CONTACTED
            joined = stamp(created)
            members.append(
                (campaign, lid, 0, "Responded" if responded else "Sent", int(responded),
                 joined if responded else "", joined)
            )  # fmt: skip
            leads.append((
                lid, first, last, title, firm, email, phone, "www." + domain, industry,
                employees, *region.address(r), channel, offer, campaign, status,
                int(in_sales_hands(status_open=status in OPEN_STATUSES, lifecycle_stage=lifecycle)),
                lifecycle, owner, existing, score, dnc,
                int(r() < 0.03), joined, stamp(assigned) if assigned else "",
                stamp(last_at) if last_at else "", callback, attempts, rejected, 0, "", 0, 0, 0,
                1, stamp(max(created, assigned, last_at, touched)),
            ))  # fmt: skip

    # A converted lead ----------------------------------------------------------------------
    def converted(self, lid: int, c: Conversion) -> None:
        """A lead that ends on the call that qualified it, converted soon after."""
        r, history = self.r, self.history
        created, owner = c.lead_created, c.owner_id
        assigned = created + 60 + int(r() * min(4 * 3600, (c.qualified_at - created) // 4))
        # Its activities moved to the contact and account on conversion.
        first_call, qualified = assigned + 60, c.qualified_at
        aid, cid = c.account_id, c.contact_id
        moments = self.calls(lid, owner, c.attempts_before, first_call, qualified - 60, cid, aid)
        self.call(
            lid, owner, "Connected – Qualified", qualified, ANSWERS[int(r() * 10)], "", cid, aid
        )
        if moments:
            history(lid, "status", OPEN, WORKING, owner, moments[0])
        history(lid, "status", WORKING if moments else OPEN, CONTACTED, owner, qualified)
        history(lid, "status", CONTACTED, CONVERTED, owner, c.converted_at)
        _, channel, offer, *_ = CAMPAIGNS[c.campaign_id - 1]
        joined = self.stamp(created)
        self.members.append((c.campaign_id, lid, cid, "Responded", 1, joined, joined))
        firm, domain, industry, employees = c.company
        first, last, title, email, phone = c.person
        done = self.stamp(c.converted_at)
        self.leads.append((
            lid, first, last, title, firm, email, phone, "www." + domain, industry, employees,
            *REGION_LIST[c.region].address(r), channel, offer, c.campaign_id, CONVERTED, 0,
            "Sales Qualified", owner, 0, 60 + int(r() * 40), 0, 0, joined, self.stamp(assigned),
            self.stamp(qualified), "", c.attempts_before + 1, "", 1, done, aid, cid,
            c.opportunity_id, 1, done,
        ))  # fmt: skip

    # Who they are: (customer account or 0, contact's owner or 0, region,
    #   (first, last, title, email, phone), (company, domain, industry, employees))
    def known_contact(self, status: str) -> tuple:
        """A contact already in the database (one whose account has an open opportunity, for
        Contact – Current Opp)."""
        pool = self.known[status == CONTACT_CURRENT_OPP]
        _, aid, owner, customer, ri, person, firm = pool[int(self.r() * len(pool))]
        return (aid if customer else 0), owner, REGION_LIST[ri], person, firm

    def new_person(self) -> tuple:
        """Somebody new, at a new company, or (now and then) at a current customer's."""
        r, existing, customers = self.r, 0, self.customers
        if customers and r() < 0.04:  # an inquiry from a current customer
            existing, firm, domain, industry, employees, ri = customers[int(r() * len(customers))]
            region = REGION_LIST[ri]
        else:
            region = REGION_LIST[REGION_PICK[int(r() * len(REGION_PICK))]]
            firm, domain, industry = company(int(r() * COMPANY_COMBOS), region, r)
            employees = EMPLOYEE_BANDS[int(r() * len(EMPLOYEE_BANDS))]
        first, last, dotted, initial = region.names[int(r() * len(region.names))]
        mailbox = FREE_MAIL[int(r() * 3)] if r() < 0.08 else domain
        email = f"{dotted if r() < 0.7 else initial}@{mailbox}"
        title = TITLES[int(r() * len(TITLES))][0]
        person = (first, last, title, email, region.phone(r))
        return existing, 0, region, person, (firm, domain, industry, employees)

    # What happened to them -----------------------------------------------------------------
    def untouched(self, created: int, age: int, score: int, channel: str) -> Story:
        """Open: nobody called yet, in the pool or owned."""
        r, owner, assigned, dnc = self.r, 0, 0, 0
        if score >= 60:
            lifecycle = "Marketing Qualified"
        else:
            lifecycle = NAME if channel == "Purchased List" and score < 40 else "Lead"
        # Still in the pool (the last few minutes' arrivals always are).
        if age < 600 or r() < (0.5 if age < 2 * DAY else 0.8):
            dnc = int(r() < 0.004)  # flagged by the do-not-call scrub on import
        else:  # owned, never called: the untouched-leads report shows them
            owner = self.owner_for(age)
            if age < 14 * DAY:
                assigned = created + 60 + int(r() * min(4 * 3600, age // 2))
            else:
                assigned = max(created + 60, self.now - 3600 - int(r() * 14 * DAY))
        if lifecycle == NAME:  # marketing's pool: nobody in sales holds a Name
            owner, assigned = 0, 0
        return owner, assigned, 0, 0, 0, dnc, lifecycle, "", ""

    def matched(self, lid: int, status: str, created: int, age: int, contact_owner: int) -> Story:
        """Matched to a known contact on arrival; with an open opportunity, that
        opportunity's owner takes the lead."""
        owner = contact_owner if status == CONTACT_CURRENT_OPP else self.owner_for(age)
        assigned = created + 60 + int(self.r() * min(2 * 3600, age // 2))
        self.history(lid, "status", OPEN, status, 0, assigned, MATCH_REASON)
        return owner, assigned, 0, 0, 0, 0, "Sales Accepted", "", ""

    def called(self, lid: int, status: str, created: int, age: int, offer: str) -> Story:
        """Owned and called: unanswered attempts first, then what the status says."""
        r, now = self.r, self.now
        owner = self.owner_for(age)
        assigned = created + 60 + int(r() * min(6 * 3600, age // 4))
        first_call = assigned + 300
        window = min(now - 120, first_call + (30 if status == WORKING else 21) * DAY)
        window = max(window, first_call + 60)
        # A lead still in the sales queues stays under the attempt cap (the connected call of
        # a Contacted lead counts too): `n` would pass over it forever. Nurture is where the
        # cap sends the others.
        if status == WORKING:
            count = 1 + int(r() * (ATTEMPT_CAP - 1))
        elif status == NURTURING:
            count = 5 + int(r() * 6)
        elif status == CONTACTED:
            count = int(r() * (ATTEMPT_CAP - 1))
        else:
            count = int(r() * 8)
        moments = self.calls(lid, owner, count, first_call, window)
        attempts = len(moments)
        last_at = moments[-1] if moments else 0
        if moments:
            self.history(lid, "status", OPEN, WORKING, owner, moments[0])
            if len(moments) > 1 and r() < 0.6:
                self.send_email(lid, owner, offer, (moments[0] + moments[1]) // 2)
        if status == WORKING:
            return self.still_working(lid, owner, assigned, last_at, attempts)
        before = WORKING if moments else OPEN
        final = min(now - 60, max(last_at, assigned) + 600)
        if status == CONTACTED:
            return self.contacted(lid, owner, assigned, before, final, attempts, offer)
        if status == NURTURING:
            return self.nurtured(lid, owner, assigned, before, last_at, attempts)
        return self.closed(lid, status, owner, assigned, before, final, attempts)

    def still_working(self, lid, owner, assigned, last_at, attempts) -> Story:
        """Working: maybe a callback set, maybe handed to another rep who has not called."""
        r, now, callback = self.r, self.now, ""
        if attempts and r() < 0.1:
            callback = self.stamp(max(last_at + 3600, now + int((r() * 4 - 1) * DAY)))
        if attempts and now - last_at > 2 * DAY and r() < 0.08:
            # Rebalanced to another rep who has not called yet: untouched again.
            new_owner = self.owners[int(r() * len(self.owners))]
            assigned = last_at + 60 + int(r() * (now - last_at - 3600))
            self.history(
                lid, "owner_id", str(owner), str(new_owner), self.manager, assigned,
                REBALANCE_REASON,
            )  # fmt: skip
            owner = new_owner
        return owner, assigned, last_at, attempts, 0, 0, "Sales Accepted", "", callback

    def contacted(self, lid, owner, assigned, before, final, attempts, offer) -> Story:
        """Contacted: a connected call in the last 30 days, a callback or qualified."""
        r, now, lifecycle, callback = self.r, self.now, "Sales Accepted", ""
        final = min(now - 60, max(final, now - int(r() * 29 * DAY)))
        if r() < 0.6:
            callback = self.stamp(max(final + 3600, now + int((r() * 6 - 1) * DAY)))
            self.call(lid, owner, "Connected – Call Back", final, "", callback)
        else:
            self.call(lid, owner, "Connected – Qualified", final, ANSWERS[int(r() * 10)])
            lifecycle = "Sales Qualified"
        self.history(lid, "status", before, CONTACTED, owner, final)
        last_at = final
        if r() < 0.6:  # a recap of the call
            last_at = min(now - 60, final + 900)
            self.send_email(lid, owner, offer, last_at)
        return owner, assigned, last_at, attempts + 1, 0, 0, lifecycle, "", callback

    def nurtured(self, lid, owner, assigned, before, last_at, attempts) -> Story:
        """Nurturing: archived after its attempts, now and then rejected."""
        r, rejected = self.r, ""
        touched = min(self.now - 60, last_at + 3600 + int(r() * 5 * DAY))
        lifecycle, reason = "Nurture", ARCHIVE_REASON
        if r() < 0.25:
            lifecycle = "Rejected"
            reason = rejected = REJECT_REASONS[int(r() * len(REJECT_REASONS))]
            self.rejected(lid, owner, touched, reason)
        self.history(lid, "status", before, NURTURING, owner, touched, reason)
        return owner, assigned, last_at, attempts, touched, 0, lifecycle, rejected, ""

    def closed(self, lid, status, owner, assigned, before, final, attempts) -> Story:
        """No Interest or Bad Data: the last call closed them."""
        r, lifecycle, rejected, dnc = self.r, "Sales Accepted", "", 0
        if status == BAD_DATA:
            self.call(lid, owner, "Wrong Number / Bad Data", final)
            lifecycle = "Inactive"
            if r() < 0.3:
                lifecycle = "Rejected"
                rejected = REJECT_REASONS[int(r() * len(REJECT_REASONS))]
                self.rejected(lid, owner, final, rejected)
        elif r() < 0.07:
            self.call(lid, owner, "Do Not Call", final)
            dnc = 1
        else:
            self.call(lid, owner, "Connected – Not Interested", final)
            lifecycle = "Nurture"
        self.history(lid, "status", before, status, owner, final, rejected)
        return owner, assigned, final, attempts + 1, 0, dnc, lifecycle, rejected, ""

    # Rows of each kind ---------------------------------------------------------------------
    def calls(self, lid, rep, count, lo, hi, contact=0, account=0) -> list[int]:
        """`count` unanswered calls between lo and hi; their times, in order."""
        r, days, times, acts = self.r, self.days, self.times, self.acts
        moments = [lo + int(r() * (hi - lo)) for _ in range(count)]
        moments.sort()
        for t in moments:
            d, notes, seconds = UNANSWERED[int(r() * 1000)]
            at = days[t // DAY] + times[t % DAY]
            acts.append((lid, contact, account, 0, rep, "call", d, "", notes, "", seconds, at, ""))
        return moments

    def call(self, lid, rep, d, t, answers="", due="", contact=0, account=0) -> None:
        r, acts = self.r, self.acts
        _, notes, seconds = CONNECTED[d][int(r() * 100)]
        at = self.stamp(t)
        acts.append(
            (lid, contact, account, 0, rep, "call", d, "", notes, answers, seconds, at, due)
        )
        if r() < 0.4:  # the rep wrote up the conversation
            acts.append(
                (lid, contact, account, 0, rep, "note", "", "Call summary", notes, "", 0, at, "")
            )

    def send_email(self, lid, rep, offer, t) -> None:
        subject = SUBJECTS[offer][int(self.r() * len(EMAIL_SUBJECTS))]
        self.acts.append((lid, 0, 0, 0, rep, "email", "", subject, "", "", 0, self.stamp(t), ""))

    def history(self, lid, field, old, new, rep, t, reason="") -> None:
        at = self.days[t // DAY] + self.times[t % DAY]
        self.hist.append(("lead", lid, field, old, new, rep, reason, at))

    def rejected(self, lid, rep, t, reason) -> None:
        self.history(lid, "lifecycle_stage", "Sales Accepted", "Rejected", rep, t, reason)

    def owner_for(self, age: int) -> int:
        reps = self.former if age >= 90 * DAY else self.owners  # who left still owns old leads
        return reps[int(self.r() * len(reps))]
