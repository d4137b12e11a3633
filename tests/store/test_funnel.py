"""Funnel figures against a hand computation on a small fixed data set (the numbers in the
comments are worked out from the rows below, not read off the code)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlmodel import Session

from tests.factories import NOW, make_lead, make_rep
from workstation.store.calling.reject import reject
from workstation.store.marketing.moves import RecycleRules
from workstation.store.marketing.recycle import recycle
from workstation.store.models import Account, Activity, Contact, History, Lead, Opportunity
from workstation.store.reference import CONTACTED, CONVERTED, NURTURING, WORKING
from workstation.store.reports.funnel import funnel_report
from workstation.store.reports.funnel_history import rep_activity, time_in_status

DAY = timedelta(days=1)
SINCE = NOW - 6.5 * DAY  # the cohort and period used by the "since" tests


def _changes(session, entity, entity_id, field, *steps):
    """(days ago, old, new) history rows."""
    for days, old, new in steps:
        session.add(
            History(
                entity=entity,
                entity_id=entity_id,
                field=field,
                old_value=old,
                new_value=new,
                at=NOW - days * DAY,
            )
        )


@pytest.fixture
def book(engine):
    """Six leads, three contacts, calls by two reps; see each test for what it implies."""
    with Session(engine) as s:
        boss = make_rep(s, "Boss", role="manager")
        ann, bob = make_rep(s, "Ann"), make_rep(s, "Bob")
        account = Account(name="Acme")
        s.add(account)
        s.flush()
        won = Opportunity(
            account_id=account.id,
            name="Acme – Demo",
            stage="Closed Won",
            probability=100,
            is_closed=True,
            amount_cents=500_000,
            close_date=date(2026, 11, 1),
        )
        s.add(won)
        s.flush()
        contacts = [
            Contact(last_name=f"C{n}", lifecycle_stage=stage, created_at=NOW - 10 * DAY)
            for n, stage in enumerate(("Opportunity", "Customer", "Rejected"), start=1)
        ]
        contacts[2].rejected_reason = "Bogus form fill"
        s.add_all(contacts)
        s.flush()
        c1, c2, c3 = (c.id for c in contacts)
        old = NOW - 10 * DAY
        web, event = {"lead_source": "Web"}, {"lead_source": "Event"}
        l1 = make_lead(s, **web, lead_type="Demo", created_at=old, status=WORKING)
        l2 = make_lead(
            s,
            **web,
            lead_type="Demo",
            created_at=old,
            status=CONTACTED,
            lifecycle_stage="Marketing Qualified",
        )
        l3 = make_lead(
            s,
            **web,
            lead_type="Trial",
            created_at=old,
            status=NURTURING,
            is_open=False,
            lifecycle_stage="Nurture",
        )
        make_lead(
            s,
            **event,
            lead_type="Demo",
            created_at=old,
            status=CONVERTED,
            is_open=False,
            lifecycle_stage="Sales Qualified",
            is_converted=True,
            converted_at=NOW - 2 * DAY,
            converted_contact_id=c1,
            converted_opportunity_id=won.id,
            owner_id=ann.id,
        )
        l5 = make_lead(
            s,
            **event,
            created_at=old,
            status="Bad Data",
            is_open=False,
            lifecycle_stage="Rejected",
            rejected_reason="Bogus form fill",
        )
        make_lead(
            s,
            lead_type="Whitepaper",
            created_at=NOW - 40 * DAY,
            lifecycle_stage="Sales Qualified",
        )
        lc = "lifecycle_stage"
        _changes(s, "lead", l2.id, lc, (8, "Lead", "Marketing Qualified"))
        _changes(
            s,
            "lead",
            l3.id,
            lc,
            (8, "Lead", "Marketing Qualified"),
            (6, "Marketing Qualified", "Sales Accepted"),
            (4, "Sales Accepted", "Nurture"),
        )
        _changes(s, "lead", l5.id, lc, (5, "Lead", "Rejected"))
        _changes(s, "contact", c1, lc, (2, "Sales Qualified", "Opportunity"))
        _changes(s, "contact", c2, lc, (3, "Opportunity", "Customer"))
        _changes(s, "contact", c3, lc, (1, "Sales Accepted", "Rejected"))
        _changes(s, "lead", l2.id, "status", (9, "Open", WORKING), (6, WORKING, CONTACTED))
        _changes(s, "lead", l3.id, "status", (8, "Open", WORKING), (4, WORKING, NURTURING))
        _changes(s, "lead", l1.id, "status", (7, "Open", WORKING))
        _changes(s, "lead", l5.id, "status", (5, "Open", "Bad Data"))
        calls = [
            (ann, "No Answer", 2),
            (ann, "Connected – Qualified", 2),
            (ann, "Connected – Call Back", 2),
            (ann, "No Answer", 20),
            (bob, "Left Voicemail", 3),
        ]
        for rep, disposition, days in calls:
            s.add(
                Activity(
                    lead_id=l1.id,
                    rep_id=rep.id,
                    disposition=disposition,
                    occurred_at=NOW - days * DAY,
                )
            )
        busy = Activity(lead_id=l1.id, rep_id=ann.id, disposition="Busy", occurred_at=NOW - DAY)
        s.add(busy)
        s.flush()
        s.add_all(
            [
                Activity(
                    lead_id=l1.id,
                    rep_id=ann.id,
                    kind="note",
                    reverses_id=busy.id,
                    occurred_at=NOW - DAY,
                ),
                Activity(lead_id=l1.id, rep_id=bob.id, kind="email", occurred_at=NOW - DAY),
            ]
        )
        s.commit()
        return boss.id


def test_lead_and_contact_funnels(engine, book):
    with Session(engine) as session:
        report = funnel_report(session, acting_rep_id=book)
    # Furthest stage reached: L1 Lead, L2 MQL, L3 Sales Accepted (history), L4 converted,
    # L5 Lead (history: old value), L6 Sales Qualified.
    assert [(s.name, s.now, s.reached) for s in report.lead_funnel] == [
        ("Name", 0, 6),
        ("Lead", 1, 6),
        ("Marketing Qualified", 1, 4),
        ("Sales Accepted", 0, 3),
        ("Sales Qualified", 1, 2),
        ("Converted", 1, 1),
    ]
    assert [s.rate_to_next for s in report.lead_funnel] == [1, 4 / 6, 3 / 4, 2 / 3, 1 / 2, None]
    # C1 Opportunity, C2 Customer, C3 Sales Accepted (history, now Rejected).
    assert [(s.name, s.now, s.reached) for s in report.contact_funnel] == [
        ("Name", 0, 3),
        ("Lead", 0, 3),
        ("Marketing Qualified", 0, 3),
        ("Sales Accepted", 0, 3),
        ("Sales Qualified", 0, 2),
        ("Opportunity", 1, 2),
        ("Customer", 1, 1),
        ("Reference", 0, 0),
    ]


def test_sources_and_offers_through_to_won_business(engine, book):
    with Session(engine) as session:
        report = funnel_report(session, acting_rep_id=book)
    fields = ("name", "leads", "mql", "sql", "converted", "won", "won_amount_cents", "rejected")

    def table(rows):
        return [tuple(getattr(r, f) for f in fields) for r in rows]

    assert table(report.by_source) == [
        ("Web", 3, 2, 0, 0, 0, 0, 0),
        ("Event", 2, 1, 1, 1, 1, 500_000, 1),
        ("(none)", 1, 1, 1, 0, 0, 0, 0),
    ]
    assert table(report.by_type) == [
        ("Demo", 3, 2, 1, 1, 1, 500_000, 0),
        ("(none)", 1, 0, 0, 0, 0, 0, 1),
        ("Trial", 1, 1, 0, 0, 0, 0, 0),
        ("Whitepaper", 1, 1, 1, 0, 0, 0, 0),
    ]
    event = report.by_source[1]
    assert (event.conversion_rate, event.win_rate) == (0.5, 1.0)
    assert [(d.name, d.leads_now, d.contacts_now, d.moves) for d in report.detours] == [
        ("Nurture", 1, 0, 1),
        ("Rejected", 1, 1, 2),
        ("Inactive", 0, 0, 0),
    ]
    assert report.rejected_by_reason == [("Bogus form fill", 2)]


def test_a_rejected_lead_that_recycling_returned_to_marketing_still_counts(engine):
    """Seed 001: what sales rejected counts in the feedback reports, though recycling has
    since returned it to marketing: the count is by the reason the record keeps,
    whatever its stage now, over the cohort, as the other figures are."""
    with Session(engine) as session:
        boss = make_rep(session, "Boss", role="manager")
        rep = make_rep(session, "Rae")
        lead = make_lead(session, owner_id=rep.id, lead_source="Web", lifecycle_stage="Lead")
        session.commit()
        boss_id, rep_id, lead_id = boss.id, rep.id, lead.id
    reject(
        engine, kind="lead", record_id=lead_id, reason="No need right now", rep_id=rep_id, at=NOW
    )

    def counted() -> tuple[list[tuple[str, int]], int]:
        with Session(engine) as session:
            report = funnel_report(session, acting_rep_id=boss_id)
        return report.rejected_by_reason, report.by_source[0].rejected

    assert counted() == ([("No need right now", 1)], 1)
    moved = recycle(engine, rules=RecycleRules(), acting_rep_id=boss_id, at=NOW)
    assert [(m.kind, m.id) for m in moved] == [("lead", lead_id)]
    with Session(engine) as session:
        # Back to marketing: Name, as it never engaged (a connected call would make it Nurture).
        assert session.get(Lead, lead_id).lifecycle_stage == "Name"
    assert counted() == ([("No need right now", 1)], 1)


def test_a_cohort_since_a_date(engine, book):
    with Session(engine) as session:
        report = funnel_report(session, acting_rep_id=book, since=NOW - 30 * DAY)
    # L6 (created 40 days ago) leaves; nothing else does.
    assert [s.reached for s in report.lead_funnel] == [5, 5, 3, 2, 1, 1]
    assert [r.name for r in report.by_source] == ["Web", "Event"]


def test_time_in_status_medians(engine, book):
    with Session(engine) as session:
        everything = time_in_status(session, acting_rep_id=book)
        recent = time_in_status(session, acting_rep_id=book, since=SINCE)
    # Open stays: 1, 2, 3 and 5 days (median 2.5); Working: 3 and 4 days (median 3.5).
    assert [(t.status, round(t.median_seconds / 86400, 6), t.stays) for t in everything] == [
        ("Open", 2.5, 4),
        (WORKING, 3.5, 2),
    ]
    # Since 6.5 days ago: L1's Open stay ended 7 days ago and drops out; the rest ended since.
    assert [(t.status, round(t.median_seconds / 86400, 6), t.stays) for t in recent] == [
        ("Open", 5.0, 1),
        (WORKING, 3.5, 2),
    ]


def test_rep_activity(engine, book):
    with Session(engine) as session:
        everything = rep_activity(session, acting_rep_id=book)
        recent = rep_activity(session, acting_rep_id=book, since=SINCE)
    # Ann: four calls plus Busy, undone (net 4), two of them connected; one conversion.
    # Bob: one voicemail (his email is no dial). Boss: nothing, but active, so listed.
    assert [(r.name, r.dials, r.connects, r.conversions) for r in everything] == [
        ("Ann", 4, 2, 1),
        ("Bob", 1, 0, 0),
        ("Boss", 0, 0, 0),
    ]
    assert [(r.name, r.dials) for r in recent] == [("Ann", 3), ("Bob", 1), ("Boss", 0)]
    assert everything[0].connect_rate == 0.5


@pytest.mark.parametrize("part", [funnel_report, time_in_status, rep_activity])
def test_every_part_of_the_funnel_refuses_a_rep_in_the_same_words(engine, book, part):
    """The screen loads the three side by side and shows whichever refusal comes first."""
    from workstation.store.permissions import PermissionDenied

    with Session(engine) as session:
        ann = make_rep(session, "Ann Other")
        session.commit()
        with pytest.raises(PermissionDenied, match=r"only managers may see the funnel$"):
            part(session, acting_rep_id=ann.id)
