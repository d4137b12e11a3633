"""`workstation recycle` on a fixed data set: the moves a hand computation predicts, made
with their reasons in the history, and none on a second run (SQLite and PostgreSQL)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlmodel import Session, col

from tests.factories import NOW, make_lead, make_rep
from workstation.store.marketing.moves import RecycleRules
from workstation.store.marketing.recycle import recycle
from workstation.store.models import Activity, Campaign, CampaignMember, Contact, History, Lead
from workstation.store.reference import BAD_DATA, NURTURING, WORKING

IGNORED = "returned to marketing: ignored by its owner past the SLA"
RULES = RecycleRules(name_threshold=50, ignored_days=14, attempt_cap=6)
DAYS = timedelta(days=1)


@dataclass
class World:
    manager: int
    rep: int
    ids: dict[str, int]


def _call(session: Session, lead: Lead, rep: int, disposition: str, days_ago: int) -> None:
    session.add(
        Activity(lead_id=lead.id, rep_id=rep, kind="call", disposition=disposition,
                 occurred_at=NOW - days_ago * DAYS)
    )  # fmt: skip


def build(engine) -> World:
    """Each lead is named after what a hand computation says recycle does to it."""
    with Session(engine) as session:
        manager = make_rep(session, "Marketing Manager", role="manager").id
        rep = make_rep(session, "Riley Rep").id
        campaign = Campaign(name="Spring Webinar", channel="Webinar")
        session.add(campaign)
        session.flush()
        assigned_long_ago = NOW - 30 * DAYS
        lead = {
            # Names: promoted at 50 or more, when active and not Bad Data.
            "promote_hot": dict(lifecycle_stage="Name", is_open=False, score=70),
            "promote_at_threshold": dict(lifecycle_stage="Name", is_open=False, score=50,
                                         status=NURTURING),
            # Returned to Name by recycling: promoted again only after something new.
            "returned_unchanged": dict(lifecycle_stage="Name", is_open=False, score=80),
            "returned_then_responded": dict(lifecycle_stage="Name", is_open=False, score=75),
            "name_cold": dict(lifecycle_stage="Name", is_open=False, score=49),
            "name_inactive": dict(lifecycle_stage="Name", is_open=False, score=90, active=False),
            "name_bad_data": dict(lifecycle_stage="Name", is_open=False, score=80,
                                  status=BAD_DATA),
            # Rejected by sales: Nurture when they engaged, else Name; Bad Data kept.
            "rejected_engaged": dict(lifecycle_stage="Rejected", status=NURTURING,
                                     is_open=False, owner_id=rep,
                                     rejected_reason="No need right now"),
            "rejected_never": dict(lifecycle_stage="Rejected", status=BAD_DATA, is_open=False,
                                   owner_id=rep, rejected_reason="Bogus form fill"),
            # At the attempt cap without a connect.
            "capped_never": dict(lifecycle_stage="Nurture", status=NURTURING, is_open=False,
                                 owner_id=rep, attempt_count=6,
                                 last_activity_at=NOW - 2 * DAYS),
            "capped_responded": dict(lifecycle_stage="Sales Accepted", status=WORKING,
                                     owner_id=rep, attempt_count=7,
                                     last_activity_at=NOW - 1 * DAYS),
            # Sent to Nurture by the cap already, still in its owner's Nurture queue.
            "capped_nurtured_responded": dict(lifecycle_stage="Nurture", status=NURTURING,
                                              is_open=False, owner_id=rep, attempt_count=6,
                                              last_activity_at=NOW - 3 * DAYS),
            "capped_but_connected": dict(lifecycle_stage="Sales Accepted", status=WORKING,
                                         owner_id=rep, attempt_count=7,
                                         last_activity_at=NOW - 1 * DAYS),
            "below_cap": dict(status=WORKING, owner_id=rep, attempt_count=5,
                              last_activity_at=NOW - 1 * DAYS),
            # Ignored by the owner past 14 days.
            "ignored": dict(owner_id=rep, assigned_at=NOW - 15 * DAYS),
            "ignored_responded": dict(owner_id=rep, assigned_at=assigned_long_ago,
                                      lifecycle_stage="Marketing Qualified"),
            "not_ignored_yet": dict(owner_id=rep, assigned_at=NOW - 13 * DAYS),
            "touched": dict(owner_id=rep, assigned_at=assigned_long_ago,
                            last_activity_at=NOW - 20 * DAYS, status=WORKING),
            "pool_lead": dict(created_at=assigned_long_ago),
            # Marketing's already.
            "nurtured_in_marketing": dict(lifecycle_stage="Nurture", status=NURTURING,
                                          is_open=False, attempt_count=6),
            "converted_rejected": dict(lifecycle_stage="Rejected", is_open=False,
                                       is_converted=True,
                                       status="Qualified – Turned into Opportunity"),
        }  # fmt: skip
        leads = {
            key: make_lead(
                session, last_name=key, company=f"Firm {n}", lead_source="Event", **values
            )
            for n, (key, values) in enumerate(lead.items(), start=1)
        }
        _call(session, leads["rejected_engaged"], rep, "Connected – Not Interested", 20)
        _call(session, leads["capped_never"], rep, "No Answer", 2)
        _call(session, leads["capped_but_connected"], rep, "Connected – Call Back", 3)
        _call(session, leads["touched"], rep, "Connected – Call Back", 20)
        for key, days_ago in (
            ("capped_responded", 40),
            ("ignored_responded", 40),
            ("capped_nurtured_responded", 30),
            ("returned_then_responded", 1),
            ("returned_unchanged", 9),
        ):
            session.add(
                CampaignMember(campaign_id=campaign.id, lead_id=leads[key].id,
                               status="Responded", has_responded=True,
                               responded_at=NOW - days_ago * DAYS)
            )  # fmt: skip
        for key in ("returned_unchanged", "returned_then_responded"):
            session.add(
                History(entity="lead", entity_id=leads[key].id, field="lifecycle_stage",
                        old_value="Lead", new_value="Name", rep_id=manager,
                        reason="returned to marketing: ignored by its owner past the SLA",
                        at=NOW - 5 * DAYS)
            )  # fmt: skip
        contacts = {
            "contact_name_hot": Contact(last_name="contact_name_hot", lifecycle_stage="Name",
                                        score=60),
            "contact_name_cold": Contact(last_name="contact_name_cold", lifecycle_stage="Name",
                                         score=10),
        }  # fmt: skip
        session.add_all(contacts.values())
        session.commit()
        ids = {key: record.id for key, record in {**leads, **contacts}.items()}
    return World(manager, rep, ids)


def _expected(world: World) -> list[dict]:
    ids = world.ids

    def move(kind, key, was, to, reason, flow):
        return dict(kind=kind, id=ids[key], name=key, **{"from": was, "to": to},
                    reason=reason, flow=flow)  # fmt: skip

    score = "promoted to sales: score reached the threshold"
    rejected = "returned to marketing: rejected by sales"
    unresponsive = "returned to marketing: unresponsive (attempt cap reached, no connect)"
    ignored = "returned to marketing: ignored by its owner past the SLA"
    mq = "Marketing Qualified"
    return [
        move("lead", "returned_then_responded", "Name", mq, score, "promoted"),
        move("lead", "promote_hot", "Name", mq, score, "promoted"),
        move("lead", "promote_at_threshold", "Name", mq, score, "promoted"),
        move("contact", "contact_name_hot", "Name", mq, score, "promoted"),
        move("lead", "rejected_engaged", "Rejected", "Nurture", rejected, "returned"),
        move("lead", "rejected_never", "Rejected", "Name", rejected, "returned"),
        move("lead", "capped_never", "Nurture", "Name", unresponsive, "returned"),
        move("lead", "capped_responded", "Sales Accepted", "Nurture", unresponsive, "returned"),
        move("lead", "capped_nurtured_responded", "Nurture", "Nurture", unresponsive, "returned"),
        move("lead", "ignored", "Lead", "Name", ignored, "returned"),
        move("lead", "ignored_responded", mq, "Nurture", ignored, "returned"),
    ]


def test_a_dry_run_lists_exactly_the_moves_a_hand_computation_predicts(engine):
    world = build(engine)
    moves = recycle(engine, rules=RULES, acting_rep_id=world.manager, dry_run=True, at=NOW)
    assert [m.shown() for m in moves] == _expected(world)
    with Session(engine) as session:  # nothing written
        assert session.execute(select(History.reason)).scalars().all() == [IGNORED] * 2
        assert session.get(Lead, world.ids["promote_hot"]).lifecycle_stage == "Name"


def test_recycling_makes_the_moves_with_their_reasons_and_a_second_run_moves_nothing(engine):
    world = build(engine)
    made = recycle(engine, rules=RULES, acting_rep_id=world.manager, at=NOW)
    assert [m.shown() for m in made] == _expected(world)
    ids = world.ids
    with Session(engine) as session:

        def lead(key):
            return session.get(Lead, ids[key])

        hot = lead("promote_hot")
        assert (hot.lifecycle_stage, hot.is_open, hot.owner_id) == (
            "Marketing Qualified",
            True,
            None,
        )
        assert (lead("promote_at_threshold").status, lead("promote_at_threshold").is_open) == (
            "Open",
            True,
        )
        engaged = lead("rejected_engaged")
        assert (engaged.lifecycle_stage, engaged.status, engaged.owner_id, engaged.is_open) == (
            "Nurture",
            NURTURING,
            None,
            False,
        )
        never = lead("rejected_never")
        assert (never.lifecycle_stage, never.status, never.owner_id) == ("Name", BAD_DATA, None)
        ignored = lead("ignored")
        assert (ignored.lifecycle_stage, ignored.status, ignored.owner_id, ignored.assigned_at,
                ignored.is_open) == ("Name", NURTURING, None, None, False)  # fmt: skip
        assert (
            session.get(Contact, ids["contact_name_hot"]).lifecycle_stage == "Marketing Qualified"
        )
        for key in ("name_cold", "name_inactive", "name_bad_data"):
            assert lead(key).lifecycle_stage == "Name", key
        for key in ("capped_but_connected", "below_cap", "not_ignored_yet", "touched"):
            assert lead(key).owner_id == world.rep and lead(key).is_open, key
        history = session.execute(
            select(History.entity, History.entity_id, History.field, History.old_value,
                   History.new_value, History.reason, History.rep_id)
            .where(col(History.field) == "lifecycle_stage", col(History.at) == NOW)
            .order_by(History.id)
        ).all()  # fmt: skip
        assert [(h.entity, h.entity_id, h.old_value, h.new_value, h.reason) for h in history] == [
            (m["kind"], m["id"], m["from"], m["to"], m["reason"])
            for m in _expected(world)
            if m["from"] != m["to"]  # a nurtured lead only leaves its owner
        ]
        assert {h.rep_id for h in history} == {world.manager}
        owners = session.execute(
            select(History.entity_id, History.old_value, History.new_value)
            .where(col(History.field) == "owner_id").order_by(History.entity_id)
        ).all()  # fmt: skip
        returned_owned = sorted(
            ids[k] for k in ("rejected_engaged", "rejected_never", "capped_never",
                             "capped_responded", "capped_nurtured_responded", "ignored",
                             "ignored_responded")
        )  # fmt: skip
        assert owners == [(i, str(world.rep), None) for i in returned_owned]
    assert recycle(engine, rules=RULES, acting_rep_id=world.manager, at=NOW) == []
    # A day on, the lead assigned 13 days ago is 14 days ignored: the SLA counts by the clock.
    later = recycle(engine, rules=RULES, acting_rep_id=world.manager, at=NOW + DAYS)
    assert [(m.id, m.reason) for m in later] == [
        (ids["not_ignored_yet"], "returned to marketing: ignored by its owner past the SLA")
    ]


def test_a_rep_may_not_recycle(engine):
    from workstation.store.permissions import PermissionDenied

    world = build(engine)
    with pytest.raises(PermissionDenied, match="only managers may recycle"):
        recycle(engine, rules=RULES, acting_rep_id=world.rep, dry_run=True, at=NOW)


def test_the_funnel_shows_the_flows_both_ways_by_reason(engine):
    from workstation.store.reports.funnel import funnel_report
    from workstation.store.reports.funnel_export import stage_sections

    world = build(engine)
    recycle(engine, rules=RULES, acting_rep_id=world.manager, at=NOW)
    with Session(engine) as session:
        report = funnel_report(session, acting_rep_id=world.manager)
        recent = funnel_report(session, acting_rep_id=world.manager, since=NOW - DAYS)
    # The fixture's two history rows of earlier returns (5 days ago) count as ignored too.
    assert [(f.direction, f.reason, f.moves) for f in report.flows] == [
        ("Promoted to sales", "score reached the threshold", 4),
        ("Promoted to sales", "promoted by marketing", 0),
        ("Returned to marketing", "rejected by sales", 2),
        ("Returned to marketing", "unresponsive: attempt cap, no connect", 3),
        ("Returned to marketing", "ignored by its owner past the SLA", 4),
    ]
    assert [f.moves for f in recent.flows] == [4, 0, 2, 3, 2]  # the cohort's creation aside
    section = next(s for s in stage_sections(report) if s.title.startswith("Between"))
    assert section.rows[0] == ("Promoted to sales", "score reached the threshold", "4")


def test_a_move_on_a_record_changed_since_it_was_found_is_left_for_the_next_run(engine):
    """On PostgreSQL a rep may log a call between the finder's read and the row lock."""
    from workstation.store.db import write_session
    from workstation.store.marketing.moves import make_move
    from workstation.store.marketing.recycle import due_moves

    world = build(engine)
    with Session(engine) as session:  # found (on SQLite the write lock makes this a read before)
        moves = due_moves(session, RULES, NOW)
    ignored = next(m for m in moves if m.id == world.ids["ignored"])
    hot = next(m for m in moves if m.id == world.ids["promote_hot"])
    with Session(engine) as other:  # a call logged meanwhile
        lead = other.get(Lead, ignored.id)
        lead.version += 1
        lead.last_activity_at = NOW
        other.add(lead)
        other.commit()
    with write_session(engine) as session:
        assert make_move(session, ignored, rep_id=world.manager, at=NOW) is False
        assert make_move(session, hot, rep_id=world.manager, at=NOW) is True
    with Session(engine) as session:
        assert session.get(Lead, world.ids["ignored"]).lifecycle_stage == "Lead"
        assert session.get(Lead, world.ids["promote_hot"]).lifecycle_stage == "Marketing Qualified"


def test_an_ignored_lead_emailed_since_it_was_found_stays_with_its_owner(engine):
    """Logging an email changes no version, but it is activity: the owner no longer
    ignores the lead, and the move found before it is not made."""
    from workstation.store.calling.emails import log_email
    from workstation.store.db import write_session
    from workstation.store.marketing.moves import make_move
    from workstation.store.marketing.recycle import due_moves

    world = build(engine)
    with Session(engine) as session:
        moves = due_moves(session, RULES, NOW)
        owner = session.get(Lead, world.ids["ignored"]).owner_id
    ignored = next(m for m in moves if m.id == world.ids["ignored"])
    log_email(
        engine, kind="lead", record_id=ignored.id, subject="Still there?", body="", rep_id=owner,
        at=NOW,
    )  # fmt: skip
    with write_session(engine) as session:
        assert make_move(session, ignored, rep_id=world.manager, at=NOW) is False
    with Session(engine) as session:
        assert session.get(Lead, world.ids["ignored"]).owner_id == owner


def test_unresponsive_follows_each_sources_own_attempt_cap(engine):
    """A source that closes well gets more attempts (`calling.source_policy`): its leads
    are unresponsive at its own cap, not the settings' 6."""
    from workstation.store.models import SourcePolicy

    world = build(engine)
    with Session(engine) as session:
        session.add(
            SourcePolicy(lead_source="Event", attempt_cap=7, cap_from="measured",
                         retry_hours=1.0, retry_from="default", measured_at=NOW)
        )  # fmt: skip
        session.commit()
    moves = recycle(engine, rules=RULES, acting_rep_id=world.manager, dry_run=True, at=NOW)
    unresponsive = [m.name for m in moves if m.reason.startswith("returned to marketing: unresp")]
    assert unresponsive == ["capped_responded"]  # 7 attempts; the two at 6 are under the cap


@pytest.mark.parametrize(
    ("finder", "index"),
    [("find_rejected", "ix_lead_rejected"), ("find_ignored", "ix_lead_untouched")],
)
def test_finding_them_reads_their_partial_index(sqlite_engine, finder, index):
    """`recycle` runs from cron over every lead: the rejected and the untouched are read
    through the partial indexes that hold only them, not by a scan of the table."""
    from sqlalchemy import event

    from workstation.store.marketing import demotion

    plans: list[str] = []

    def plan_of(conn, cursor, statement, parameters, context, executemany) -> None:
        if statement.lstrip().upper().startswith("SELECT") and "lead.id" in statement:
            rows = cursor.connection.execute(f"EXPLAIN QUERY PLAN {statement}", parameters)
            plans.append(" ".join(row[3] for row in rows))

    with Session(sqlite_engine) as session:
        connection = session.connection()
        event.listen(connection, "before_cursor_execute", plan_of)
        list(getattr(demotion, finder)(session, RULES, NOW))
        event.remove(connection, "before_cursor_execute", plan_of)
    [plan] = plans
    assert f"lead USING INDEX {index}" in plan, plan
