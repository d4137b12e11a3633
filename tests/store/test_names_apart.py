"""Names are marketing's: no sales queue, count or `next` shows a lead or contact at
lifecycle stage Name, on SQLite and PostgreSQL (the one-statement claim included); a
promoted one enters the pool and is claimed like any lead."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import text
from sqlmodel import Session

from tests.factories import NOW, insert_lead, make_lead, make_rep
from workstation.store.calling.glance import glance
from workstation.store.calling.next_lead import next_lead
from workstation.store.calling.queues import QUEUES, queue_count
from workstation.store.changes import change_contact, change_lead
from workstation.store.marketing.names import names_page, promote_name
from workstation.store.models import Contact, Lead
from workstation.store.reference import BAD_DATA, CONTACTED, NURTURING
from workstation.store.reports.untouched import untouched_summary
from workstation.store.team.assign import rep_capacities

HOUR = timedelta(hours=1)
# One record in each sales queue (owned by the rep unless "pool").
STATES = {
    "pool": dict(owner=False),
    "my-leads": dict(),
    "callbacks": dict(callback_at=NOW - HOUR),
    "callbacks-upcoming": dict(callback_at=NOW + 24 * HOUR),
    "nurture": dict(status=NURTURING, is_open=False, lifecycle_stage="Nurture"),
    "contacted": dict(status=CONTACTED, last_activity_at=NOW - 24 * HOUR),
}


def _people(session: Session, rep: int, *, score: int) -> tuple[list[Lead], Contact]:
    leads = []
    for key, state in STATES.items():
        values = {k: v for k, v in state.items() if k != "owner"}
        owner = rep if state.get("owner", True) else None
        leads.append(make_lead(session, last_name=key, owner_id=owner, score=score, **values))
    contact = Contact(last_name="contact", owner_id=rep, lifecycle_stage="Sales Accepted")
    session.add(contact)
    session.flush()
    return leads, contact


def _counts(engine, manager: int, rep: int) -> dict[str, int]:
    with Session(engine) as session:
        counts = {key: queue_count(session, key, rep_id=rep, now=NOW) for key in QUEUES}
        summary = untouched_summary(session, acting_rep_id=manager, now=NOW)
        counts["untouched"] = summary.total
        (capacity,) = rep_capacities(session, rep_ids=[rep])
        counts["capacity"] = capacity.open_leads
    return counts


def test_names_are_in_no_queue_count_or_next_and_a_promoted_one_is(engine, db_url):
    with Session(engine) as session:
        manager = make_rep(session, "Morgan Manager", role="manager").id
        rep = make_rep(session, "Riley Rep").id
        _people(session, rep, score=10)  # sales' records, each in its queue
        session.commit()
    before = _counts(engine, manager, rep)
    assert all(before.values()), before  # each count has something to lose or gain
    with Session(engine) as session:
        # The same people again, scoring higher, then made Names: marketing's.
        leads, contact = _people(session, rep, score=99)
        for lead in leads:
            change_lead(session, lead, rep_id=manager, lifecycle_stage="Name",
                        reason="back to marketing", at=NOW)  # fmt: skip
            assert not lead.is_open
        change_contact(session, contact, rep_id=manager, lifecycle_stage="Name",
                       reason="back to marketing", at=NOW)  # fmt: skip
        session.commit()
        names = {lead.id for lead in leads}
        pool_name, contact_name = leads[0].id, contact.id
    assert _counts(engine, manager, rep) == before
    with Session(engine) as session:
        listed = names_page(session).rows
    assert {(r.kind, r.id) for r in listed} == {("lead", i) for i in names} | {
        ("contact", contact_name)
    }
    if db_url.startswith("sqlite"):
        seen = glance(db_url, "Riley Rep", limit=50)
        assert seen is not None and not names & {row.id for row in seen.page.rows}
    for queue in QUEUES:
        found = next_lead(engine, rep_id=rep, queue=queue, now=NOW)
        assert found.kind == "contact" or found.record_id not in names, queue
    promote_name(engine, kind="lead", record_id=pool_name, rep_id=manager, at=NOW)
    after = _counts(engine, manager, rep)
    # The pool twin was claimed by `next` above; the promoted Name took its place.
    assert after["pool"] == 1
    claimed = next_lead(engine, rep_id=rep, queue="pool", now=NOW)
    assert (claimed.record_id, claimed.source) == (pool_name, "pool")


def test_upgrading_takes_stored_names_out_of_sales_hands(tmp_path):
    """0018_names: a Name stored open before it is closed to sales; nothing else moves."""
    from workstation.store.db import make_engine
    from workstation.store.schema import upgrade

    engine = make_engine(f"sqlite:///{tmp_path / 'old.db'}")
    upgrade(engine, "0016_opportunity_moves")
    with Session(engine) as session:
        stored = {
            name: insert_lead(session, last_name=name, lifecycle_stage=stage, status=status,
                              is_open=is_open)
            for name, stage, status, is_open in (
                ("name_open", "Name", "Open", True), ("lead_open", "Lead", "Open", True),
                ("name_closed", "Name", BAD_DATA, False), ("lead_closed", "Lead", BAD_DATA, False),
            )
        }  # fmt: skip
        session.commit()
    upgrade(engine)
    with Session(engine) as session:
        flags = {
            name: flag
            for name, flag in session.execute(text("SELECT last_name, is_open FROM lead"))
        }
        active = set(session.execute(text("SELECT DISTINCT active FROM lead")).scalars())
    assert {name: bool(flag) for name, flag in flags.items()} == {
        "name_open": False, "lead_open": True, "name_closed": False, "lead_closed": False
    }  # fmt: skip
    assert set(stored) == set(flags) and {bool(a) for a in active} == {True}
    engine.dispose()


def test_a_call_on_a_name_is_refused_in_one_line(engine):
    from workstation.store.calling.dispositions import CallRefused, log_call

    with Session(engine) as session:
        rep = make_rep(session, "Riley Rep").id
        name = make_lead(session, lifecycle_stage="Name", is_open=False).id
        session.commit()
    with pytest.raises(CallRefused, match="is a Name, in marketing's pool: promote it"):
        log_call(engine, rep_id=rep, disposition="No Answer", lead_id=name, now=NOW)


def test_a_name_is_no_finished_lead_when_a_source_is_measured(engine):
    """Nurture by source measures finished leads (converted or closed): a Name marketing
    holds at an open status never reached sales, and counts for nothing."""
    from workstation.store.calling.source_policy import SourceRules, measure

    with Session(engine) as session:
        make_lead(session, lead_source="Expo", lifecycle_stage="Name", is_open=False)
        make_lead(session, lead_source="Expo", status=BAD_DATA, is_open=False)
        make_lead(
            session, lead_source="Expo", lifecycle_stage="Name", is_open=False, status=NURTURING
        )  # returned by recycling: it was worked, and closed
        session.commit()
        (expo,) = measure(session, SourceRules(), NOW)
    assert (expo.lead_source, expo.finished, expo.converted) == ("Expo", 2, 0)
