"""Demo leads with their call history, campaign memberships and status history, one chunk of
leads at a time.

A lead's status decides its story: Open leads are untouched (in the pool, or owned and not
called yet), Working ones have unanswered attempts, Contacted ones a connected call in the
last 30 days, closed ones end on the call that closed them, converted ones on the call that
qualified them (see `demo_accounts.Conversion`). `attempt_count`, `last_activity_at` and
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
FORCED = (OPEN, WORKING, CONTACTED, NURTURING, NO_INTEREST, BAD_DATA, CONTACT_NO_OPP)
FORCED += (CONTACT_CURRENT_OPP,)
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


@dataclass(frozen=True)
class LeadContext:
    plan: Plan
    customers: list[tuple]
    known_contacts: tuple[list[tuple], list[tuple]]


def lead_chunk(ctx: LeadContext, chunk: int, conversions: dict[int, Conversion]) -> Chunk:
    plan = ctx.plan
    r = Random(f"{plan.seed}:leads:{chunk}").random
    clock = clock_for(plan)
    days, times = clock.days, clock.times
    by_day = campaigns_by_day(plan.now)
    now, start, n = plan.now, plan.start, plan.leads
    span = SPAN_DAYS * DAY
    step = max(1, span // n)
    owners, former, manager = plan.owners, plan.former_owners, plan.manager_id
    customers, known = ctx.customers, ctx.known_contacts
    leads, acts, members, hist = [], [], [], []

    def stamp(t: int) -> str:
        return days[t // DAY] + times[t % DAY]

    def calls(lid, rep, count, lo, hi, contact=0, account=0) -> list[int]:
        """`count` unanswered calls between lo and hi; their times, in order."""
        moments = [lo + int(r() * (hi - lo)) for _ in range(count)]
        moments.sort()
        for t in moments:
            d, notes, seconds = UNANSWERED[int(r() * 1000)]
            at = days[t // DAY] + times[t % DAY]
            acts.append((lid, contact, account, 0, rep, "call", d, "", notes, "", seconds, at, ""))
        return moments

    def call(lid, rep, d, t, answers="", due="", contact=0, account=0) -> None:
        _, notes, seconds = CONNECTED[d][int(r() * 100)]
        at = stamp(t)
        acts.append(
            (lid, contact, account, 0, rep, "call", d, "", notes, answers, seconds, at, due)
        )
        if r() < 0.4:  # the rep wrote up the conversation
            acts.append(
                (lid, contact, account, 0, rep, "note", "", "Call summary", notes, "", 0, at, "")
            )

    def send_email(lid, rep, offer, t) -> None:
        subject = SUBJECTS[offer][int(r() * len(EMAIL_SUBJECTS))]
        acts.append((lid, 0, 0, 0, rep, "email", "", subject, "", "", 0, stamp(t), ""))

    def status_change(lid, old, new, rep, t, reason="") -> None:
        hist.append(("lead", lid, "status", old, new, rep, reason, days[t // DAY] + times[t % DAY]))

    def owner_for(age: int) -> int:
        reps = former if age >= 90 * DAY else owners  # the rep who left still owns old leads
        return reps[int(r() * len(reps))]

    def converted(lid: int, c: Conversion) -> None:
        """A lead that ends on the call that qualified it, converted soon after."""
        created, owner = c.lead_created, c.owner_id
        assigned = created + 60 + int(r() * min(4 * 3600, (c.qualified_at - created) // 4))
        # Its activities moved to the contact and account on conversion.
        first_call, qualified = assigned + 60, c.qualified_at
        aid, cid = c.account_id, c.contact_id
        moments = calls(lid, owner, c.attempts_before, first_call, qualified - 60, cid, aid)
        call(lid, owner, "Connected – Qualified", qualified, ANSWERS[int(r() * 10)], "", cid, aid)
        if moments:
            status_change(lid, OPEN, WORKING, owner, moments[0])
        status_change(lid, WORKING if moments else OPEN, CONTACTED, owner, qualified)
        status_change(lid, CONTACTED, CONVERTED, owner, c.converted_at)
        _, channel, offer, *_ = CAMPAIGNS[c.campaign_id - 1]
        joined = stamp(created)
        members.append((c.campaign_id, lid, cid, "Responded", 1, joined, joined))
        firm, domain, industry, employees = c.company
        first, last, title, email, phone = c.person
        done = stamp(c.converted_at)
        leads.append((
            lid, first, last, title, firm, email, phone, "www." + domain, industry, employees,
            *REGION_LIST[c.region].address(r), channel, offer, c.campaign_id, CONVERTED, 0,
            "Sales Qualified", owner, 0, 60 + int(r() * 40), 0, 0, joined, stamp(assigned),
            stamp(qualified), "", c.attempts_before + 1, "", 1, done, aid, cid,
            c.opportunity_id, 1, done,
        ))  # fmt: skip

    for i in range(chunk * CHUNK, min(n, (chunk + 1) * CHUNK)):
        lid = i + 1
        conversion = conversions.get(i)
        if conversion is not None:
            converted(lid, conversion)
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

        # Who they are.
        existing = contact_owner = 0
        if status in (CONTACT_NO_OPP, CONTACT_CURRENT_OPP):
            pool = known[status == CONTACT_CURRENT_OPP]
            _, aid, contact_owner, customer, ri, person, (firm, domain, industry, employees) = pool[
                int(r() * len(pool))
            ]
            first, last, title, email, phone = person
            existing = aid if customer else 0
            region = REGION_LIST[ri]
        else:
            if customers and r() < 0.04:  # an inquiry from a current customer
                existing, firm, domain, industry, employees, ri = customers[
                    int(r() * len(customers))
                ]
                region = REGION_LIST[ri]
            else:
                region = REGION_LIST[REGION_PICK[int(r() * len(REGION_PICK))]]
                firm, domain, industry = company(int(r() * COMPANY_COMBOS), region, r)
                employees = EMPLOYEE_BANDS[int(r() * len(EMPLOYEE_BANDS))]
            first, last, dotted, initial = region.names[int(r() * len(region.names))]
            mailbox = FREE_MAIL[int(r() * 3)] if r() < 0.08 else domain
            email = f"{dotted if r() < 0.7 else initial}@{mailbox}"
            title = TITLES[int(r() * len(TITLES))][0]
            phone = region.phone(r)
        score = min(99, TITLES[int(r() * len(TITLES))][1] + OFFER_BONUS[offer] + int(r() * 45))

        # What happened to them.
        owner = assigned = last_at = attempts = dnc = touched = 0
        lifecycle, rejected, callback = "Sales Accepted", "", ""
        if status == OPEN:
            if score >= 60:
                lifecycle = "Marketing Qualified"
            else:
                lifecycle = "Name" if channel == "Purchased List" and score < 40 else "Lead"
            # Still in the pool (the last few minutes' arrivals always are).
            if age < 600 or r() < (0.5 if age < 2 * DAY else 0.8):
                dnc = int(r() < 0.004)  # flagged by the do-not-call scrub on import
            else:  # owned, never called: the untouched-leads report shows them
                owner = owner_for(age)
                if age < 14 * DAY:
                    assigned = created + 60 + int(r() * min(4 * 3600, age // 2))
                else:
                    assigned = max(created + 60, now - 3600 - int(r() * 14 * DAY))
        elif status in (CONTACT_NO_OPP, CONTACT_CURRENT_OPP):
            # With an open opportunity, that opportunity's owner takes the lead.
            owner = contact_owner if status == CONTACT_CURRENT_OPP else owner_for(age)
            assigned = created + 60 + int(r() * min(2 * 3600, age // 2))
            status_change(lid, OPEN, status, 0, assigned, MATCH_REASON)
        else:
            owner = owner_for(age)
            assigned = created + 60 + int(r() * min(6 * 3600, age // 4))
            first_call = assigned + 300
            window = min(now - 120, first_call + (30 if status == WORKING else 21) * DAY)
            window = max(window, first_call + 60)
            if status == WORKING:
                count = 1 + int(r() * 8)
            elif status == NURTURING:
                count = 5 + int(r() * 6)
            else:
                count = int(r() * 8)
            moments = calls(lid, owner, count, first_call, window)
            attempts = len(moments)
            last_at = moments[-1] if moments else 0
            if moments:
                status_change(lid, OPEN, WORKING, owner, moments[0])
                if len(moments) > 1 and r() < 0.6:
                    send_email(lid, owner, offer, (moments[0] + moments[1]) // 2)
            before = WORKING if moments else OPEN
            final = min(now - 60, max(last_at, assigned) + 600)
            if status == WORKING:
                if moments and r() < 0.1:
                    callback = stamp(max(last_at + 3600, now + int((r() * 4 - 1) * DAY)))
                if moments and now - last_at > 2 * DAY and r() < 0.08:
                    # Rebalanced to another rep who has not called yet: untouched again.
                    new_owner = owners[int(r() * len(owners))]
                    assigned = last_at + 60 + int(r() * (now - last_at - 3600))
                    at = stamp(assigned)
                    hist.append(
                        (
                            "lead",
                            lid,
                            "owner_id",
                            str(owner),
                            str(new_owner),
                            manager,
                            REBALANCE_REASON,
                            at,
                        )
                    )
                    owner = new_owner
            elif status == CONTACTED:
                final = min(now - 60, max(final, now - int(r() * 29 * DAY)))
                if r() < 0.6:
                    callback = stamp(max(final + 3600, now + int((r() * 6 - 1) * DAY)))
                    call(lid, owner, "Connected – Call Back", final, "", callback)
                else:
                    call(lid, owner, "Connected – Qualified", final, ANSWERS[int(r() * 10)])
                    lifecycle = "Sales Qualified"
                status_change(lid, before, status, owner, final)
                attempts, last_at = attempts + 1, final
                if r() < 0.6:  # a recap of the call
                    last_at = min(now - 60, final + 900)
                    send_email(lid, owner, offer, last_at)
            elif status == NURTURING:
                touched = min(now - 60, last_at + 3600 + int(r() * 5 * DAY))
                lifecycle, reason = "Nurture", ARCHIVE_REASON
                if r() < 0.25:
                    lifecycle = "Rejected"
                    reason = rejected = REJECT_REASONS[int(r() * len(REJECT_REASONS))]
                    at = stamp(touched)
                    hist.append(
                        (
                            "lead",
                            lid,
                            "lifecycle_stage",
                            "Sales Accepted",
                            "Rejected",
                            owner,
                            reason,
                            at,
                        )
                    )
                status_change(lid, before, status, owner, touched, reason)
            else:  # No Interest or Bad Data: the last call closed them
                if status == BAD_DATA:
                    call(lid, owner, "Wrong Number / Bad Data", final)
                    lifecycle = "Inactive"
                    if r() < 0.3:
                        lifecycle = "Rejected"
                        rejected = REJECT_REASONS[int(r() * len(REJECT_REASONS))]
                        at = stamp(final)
                        hist.append(
                            (
                                "lead",
                                lid,
                                "lifecycle_stage",
                                "Sales Accepted",
                                "Rejected",
                                owner,
                                rejected,
                                at,
                            )
                        )
                elif r() < 0.07:
                    call(lid, owner, "Do Not Call", final)
                    dnc = 1
                else:
                    call(lid, owner, "Connected – Not Interested", final)
                    lifecycle = "Nurture"
                status_change(lid, before, status, owner, final, rejected)
                attempts, last_at = attempts + 1, final
        responded = channel in INBOUND or status == CONTACTED
        joined = stamp(created)
        members.append(
            (
                campaign,
                lid,
                0,
                "Responded" if responded else "Sent",
                int(responded),
                joined if responded else "",
                joined,
            )
        )
        leads.append((
            lid, first, last, title, firm, email, phone, "www." + domain, industry, employees,
            *region.address(r), channel, offer, campaign, status, int(status in OPEN_STATUSES),
            lifecycle, owner, existing, score, dnc, int(r() < 0.03), joined,
            stamp(assigned) if assigned else "", stamp(last_at) if last_at else "", callback,
            attempts, rejected, 0, "", 0, 0, 0, 1, stamp(max(created, assigned, last_at, touched)),
        ))  # fmt: skip
    return Chunk({"lead": leads, "campaign_member": members, "activity": acts, "history": hist})
