"""Nurture by source (issue 21, part 4): each lead source's attempt cap and callback
spacing follow its measured conversion rate, between a floor and a ceiling, or a settings
override; `next` (the Python walk, the SQLite claim and PostgreSQL's one-statement claim)
and the dispositions use them."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import event, select
from sqlmodel import Session

from tests.factories import NOW, make_lead, make_rep
from workstation.store.calling.dispositions import log_call
from workstation.store.calling.next_lead import next_lead
from workstation.store.calling.source_policy import (
    Override,
    SourceRules,
    load_call_policy,
    refresh_source_policy,
    stored_policies,
)
from workstation.store.models import History, Lead
from workstation.store.permissions import PermissionDenied
from workstation.store.reference import CONVERTED


def _finished(session, source: str, converted: int, closed: int) -> None:
    for _ in range(converted):
        make_lead(session, lead_source=source, is_open=False, is_converted=True,
                  status=CONVERTED)  # fmt: skip
    for _ in range(closed):
        make_lead(session, lead_source=source, is_open=False, status="Bad Data")


def _measured(engine, rules: SourceRules | None = None):
    """Trade Show closes 10 of 20 (twice the overall 10 of 40 … plus Tiny's 3), Web 2 of
    20, Tiny 0 of 3 (too few to count)."""
    with Session(engine) as session:
        _finished(session, "Trade Show", 10, 10)
        _finished(session, "Web", 2, 18)
        _finished(session, "Tiny", 0, 3)
        session.commit()
    return {p.lead_source: p for p in refresh_source_policy(engine, rules or SourceRules(), NOW)}


def test_rates_caps_and_spacing_follow_the_measured_conversion(engine):
    policies = _measured(engine)
    trade, web, tiny = policies["Trade Show"], policies["Web"], policies["Tiny"]
    # Overall: 12 converted of 43 finished. Trade Show 0.5 is 1.79 times that: 6 x 1.79 = 11
    # attempts, 1 h / 1.79 = 0.56 h apart; Web 0.1 is 0.36 times: 2 attempts, raised to the
    # floor of 3, and 2.8 hours apart; Tiny's 3 finished leads are too few: the defaults.
    assert (trade.rate, trade.finished, trade.converted) == (0.5, 20, 10)
    assert (trade.attempt_cap, trade.cap_from) == (11, "measured")
    assert (round(trade.retry_hours, 2), trade.retry_from) == (0.56, "measured")
    assert (web.attempt_cap, web.cap_from) == (3, "floor")
    assert (round(web.retry_hours, 2), web.retry_from) == (2.79, "measured")
    assert (tiny.attempt_cap, tiny.cap_from, tiny.retry_hours) == (6, "default", 1.0)
    assert trade.measured_at == NOW


def test_the_ceiling_and_a_settings_override(engine):
    rules = SourceRules(cap_ceiling=9, overrides={"Web": Override(attempt_cap=8, retry_hours=2)})
    policies = _measured(engine, rules)
    assert (policies["Trade Show"].attempt_cap, policies["Trade Show"].cap_from) == (9, "ceiling")
    web = policies["Web"]
    assert (web.attempt_cap, web.cap_from, web.retry_hours, web.retry_from) == (
        8, "settings override", 2.0, "settings override",
    )  # fmt: skip
    # A refresh replaces the stored policy; the loaded one is what `next` uses.
    refresh_source_policy(engine, SourceRules(), NOW + timedelta(days=1))
    with Session(engine) as session:
        policy = load_call_policy(session, default_cap=6)
    assert policy.cap("Web") == (3, "Web") and policy.cap(None) == (6, None)
    assert policy.cap("Never Seen") == (6, None)


def _rep(engine) -> int:
    with Session(engine) as session:
        rep = make_rep(session)
        session.commit()
        return rep.id


def _lead(engine, **values) -> int:
    values.setdefault("time_zone", "America/New_York")
    with Session(engine) as session:
        lead = make_lead(session, **values)
        session.commit()
        return lead.id


def test_next_skips_by_the_source_cap_and_spacing(engine):
    _measured(engine, SourceRules(overrides={"Trade Show": Override(8, 2)}))
    rep = _rep(engine)
    web = _lead(engine, owner_id=rep, score=99, lead_source="Web", attempt_count=3)
    recent = _lead(engine, owner_id=rep, score=98, lead_source="Trade Show",
                   last_activity_at=NOW - timedelta(hours=1, minutes=30))  # fmt: skip
    trade = _lead(engine, owner_id=rep, score=97, lead_source="Trade Show", attempt_count=7)
    result = next_lead(engine, rep_id=rep, now=NOW)
    assert result.lead_id == trade
    assert [(s.record_id, s.reason) for s in result.skipped] == [
        (web, "attempt cap reached (3 of 3 for Web)"),
        (recent, "called in the last 2 hours (Trade Show)"),
    ]


def test_the_pool_claim_uses_the_source_cap_and_spacing(engine):
    """PostgreSQL's one-statement claim and SQLite's walk alike."""
    _measured(engine, SourceRules(overrides={"Trade Show": Override(8, 2)}))
    rep = _rep(engine)
    _lead(engine, score=99, lead_source="Web", attempt_count=3)
    recent = _lead(engine, score=98, lead_source="Trade Show",
                   last_activity_at=NOW - timedelta(hours=1, minutes=30))  # fmt: skip
    _lead(engine, score=97, lead_source="Other", attempt_count=6)
    _lead(engine, score=96, lead_source="Web", last_activity_at=NOW - timedelta(minutes=90))
    trade = _lead(engine, score=95, lead_source="Trade Show", attempt_count=7)
    # Web waits 2.8 hours between calls, Trade Show 2: neither called 1.5 hours ago is
    # callable; Trade Show's 7 attempts of 8 is, and Other's 6 of the default 6 is not.
    result = next_lead(engine, rep_id=rep, now=NOW)
    assert (result.lead_id, result.source) == (trade, "pool")
    result = next_lead(engine, rep_id=rep, now=NOW + timedelta(hours=2))
    assert result.lead_id == trade  # its own now, as a claimed lead
    with Session(engine) as session:
        session.get(Lead, trade).is_open = False
        session.commit()
    result = next_lead(engine, rep_id=rep, now=NOW + timedelta(hours=2))
    assert (result.lead_id, result.source) == (recent, "pool")  # 3.5 hours since its call


def test_the_dispositions_recycle_at_the_source_cap(engine):
    _measured(engine, SourceRules(overrides={"Trade Show": Override(8, 2)}))
    rep = _rep(engine)
    trade = _lead(engine, owner_id=rep, lead_source="Trade Show", attempt_count=6)
    web = _lead(engine, owner_id=rep, lead_source="Web", attempt_count=2)
    first = log_call(engine, rep_id=rep, lead_id=trade, disposition="No Answer", now=NOW)
    assert (first.attempt_count, first.recycled) == (7, False)
    second = log_call(engine, rep_id=rep, lead_id=trade, disposition="No Answer", now=NOW)
    assert (second.attempt_count, second.recycled) == (8, True)
    assert log_call(engine, rep_id=rep, lead_id=web, disposition="No Answer", now=NOW).recycled


def test_a_call_says_when_the_source_spacing_lets_next_offer_the_lead_again(engine):
    _measured(engine, SourceRules(overrides={"Trade Show": Override(8, 2)}))
    rep = _rep(engine)
    trade = _lead(engine, owner_id=rep, lead_source="Trade Show")
    other = _lead(engine, owner_id=rep, lead_source="Other")
    logged = log_call(engine, rep_id=rep, lead_id=trade, disposition="No Answer", now=NOW)
    assert logged.callable_again_at == NOW + timedelta(hours=2)
    logged = log_call(engine, rep_id=rep, lead_id=other, disposition="No Answer", now=NOW)
    assert logged.callable_again_at == NOW + timedelta(hours=1)
    back = NOW + timedelta(days=1)
    logged = log_call(engine, rep_id=rep, lead_id=other, disposition="3", callback_at=back,
                      now=NOW)  # fmt: skip
    assert logged.callable_again_at is None and logged.callback_at == back
    with Session(engine) as session:
        kinds = session.execute(
            select(History.entity).where(History.entity_id == other).distinct()
        ).scalars()
        assert set(kinds) == {"lead"}  # the lead's moves, and nothing written as a contact's


def test_a_call_still_moves_a_contact(engine):
    """The policy's spacing is read for contacts too; the call's stage still moves one."""
    from workstation.store.models import Contact

    rep = _rep(engine)
    with Session(engine) as session:
        contact = Contact(last_name="Known", owner_id=rep, lifecycle_stage="Marketing Qualified",
                          lead_source="Web")  # fmt: skip
        session.add(contact)
        session.commit()
        contact_id = contact.id
    logged = log_call(engine, rep_id=rep, contact_id=contact_id, disposition="1", now=NOW)
    assert logged.lifecycle_stage == "Sales Qualified"


def test_only_a_manager_measures_the_sources_again(engine):
    """The policy is the team's: a rep's refresh (SQLite has no grants to stop it) is
    refused before anything is stored; a manager's, or a system task's (no rep), stores."""
    with Session(engine) as session:
        _finished(session, "Web", 2, 18)
        rep, manager = make_rep(session), make_rep(session, role="manager")
        session.commit()
        rep_id, manager_id = rep.id, manager.id
    with pytest.raises(PermissionDenied, match="only managers may measure"):
        refresh_source_policy(engine, SourceRules(), NOW, rep_id=rep_id)
    assert stored_policies(engine) == []
    assert [p.lead_source for p in refresh_source_policy(
        engine, SourceRules(), NOW, rep_id=manager_id)] == ["Web"]  # fmt: skip
    assert [p.lead_source for p in refresh_source_policy(engine, SourceRules(), NOW)] == ["Web"]


def _statements(engine, call) -> list[str]:
    seen: list[str] = []

    def keep(conn, cursor, statement, *_) -> None:
        seen.append(statement)

    event.listen(engine, "before_cursor_execute", keep)
    try:
        call()
    finally:
        event.remove(engine, "before_cursor_execute", keep)
    return seen


def test_next_reads_the_source_policy_once_however_many_called_leads_it_skips(engine):
    """One read of `source_policy` a next, shared by its walks (due callbacks, then My
    Leads), never one for each called lead it passes over."""
    _measured(engine, SourceRules(overrides={"Trade Show": Override(8, 2)}))
    rep = _rep(engine)
    recently = NOW - timedelta(minutes=30)
    for score in range(99, 79, -1):  # called lately: skipped by the spacing
        _lead(engine, owner_id=rep, score=score, lead_source="Web", attempt_count=1,
              last_activity_at=recently, callback_at=NOW if score > 95 else None)  # fmt: skip
    callable_ = _lead(engine, owner_id=rep, score=1, lead_source="Trade Show", attempt_count=2)
    found: list = []
    statements = _statements(engine, lambda: found.append(next_lead(engine, rep_id=rep, now=NOW)))
    assert found[0].lead_id == callable_ and len(found[0].skipped) == 24  # 4 callbacks, twice
    assert sum("source_policy" in statement for statement in statements) == 1
