"""A call's duration: stored with the call, corrected by its rep (history kept), shown in
the record's timeline and exported; read as a rep types it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlmodel import Session

from tests.factories import make_lead, make_rep
from workstation.store.calling.card import record_card
from workstation.store.calling.dispositions import log_call
from workstation.store.calling.durations import DurationRefused, set_call_duration
from workstation.store.calling.undo import undo_last_call
from workstation.store.exports.stream import export_one
from workstation.store.models import Activity, History
from workstation.store.values.durations import BadDuration, format_duration, parse_duration

NOW = datetime(2026, 11, 23, 15, 0, tzinfo=UTC)


@pytest.fixture
def two_reps_and_a_lead(engine):
    with Session(engine) as session:
        rep, other = make_rep(session), make_rep(session)
        lead = make_lead(session, owner_id=rep.id)
        session.commit()
        return rep.id, other.id, lead.id


def _call(engine, activity_id) -> Activity:
    with Session(engine) as session:
        return session.get(Activity, activity_id)


def test_a_call_keeps_its_duration_and_the_timeline_and_export_show_it(engine, two_reps_and_a_lead):
    rep, _, lead = two_reps_and_a_lead
    logged = log_call(
        engine, rep_id=rep, lead_id=lead, disposition="5", duration_seconds=65, now=NOW
    )
    assert _call(engine, logged.activity_id).duration_seconds == 65
    with Session(engine) as session:
        card = record_card(session, "lead", lead)
    assert card.timeline[0].summary == "No Answer · 1:05"
    assert export_one(engine, "activities", logged.activity_id)["CallDurationInSeconds"] == 65


def test_a_negative_or_absurd_duration_is_refused_and_nothing_is_logged(
    engine, two_reps_and_a_lead
):
    rep, _, lead = two_reps_and_a_lead
    for seconds in (-1, 13 * 3600):
        with pytest.raises(BadDuration, match="0 to 12 hours"):
            log_call(engine, rep_id=rep, lead_id=lead, disposition="5", duration_seconds=seconds)
    with Session(engine) as session:
        assert session.execute(select(Activity)).first() is None


def test_a_rep_corrects_their_last_call_and_the_history_says_so(engine, two_reps_and_a_lead):
    rep, _, lead = two_reps_and_a_lead
    first = log_call(engine, rep_id=rep, lead_id=lead, disposition="5", duration_seconds=9, now=NOW)
    last = log_call(
        engine, rep_id=rep, lead_id=lead, disposition="6", duration_seconds=300,
        now=NOW + timedelta(hours=2),
    )  # fmt: skip
    done = set_call_duration(engine, rep_id=rep, seconds=42, now=NOW + timedelta(hours=3))
    assert (done.activity_id, done.old_seconds, done.seconds) == (last.activity_id, 300, 42)
    assert _call(engine, last.activity_id).duration_seconds == 42
    assert _call(engine, first.activity_id).duration_seconds == 9
    with Session(engine) as session:
        change = session.execute(select(History).where(History.entity == "activity")).scalar_one()
    assert (change.entity_id, change.old_value, change.new_value, change.rep_id) == (
        last.activity_id, "300", "42", rep,
    )  # fmt: skip


def test_an_undone_call_is_not_the_last_call_to_correct(engine, two_reps_and_a_lead):
    rep, _, lead = two_reps_and_a_lead
    kept = log_call(engine, rep_id=rep, lead_id=lead, disposition="5", duration_seconds=9, now=NOW)
    log_call(engine, rep_id=rep, lead_id=lead, disposition="6", now=NOW + timedelta(hours=2))
    undo_last_call(engine, rep_id=rep, now=NOW + timedelta(hours=2))
    assert (
        set_call_duration(engine, rep_id=rep, seconds=20, now=NOW).activity_id == kept.activity_id
    )


def test_only_the_rep_who_made_a_call_corrects_it(engine, two_reps_and_a_lead):
    rep, other, lead = two_reps_and_a_lead
    logged = log_call(
        engine, rep_id=rep, lead_id=lead, disposition="5", duration_seconds=9, now=NOW
    )
    with pytest.raises(DurationRefused, match="another rep's"):
        set_call_duration(engine, rep_id=other, seconds=1, activity_id=logged.activity_id)
    with pytest.raises(DurationRefused, match="no call to correct"):
        set_call_duration(engine, rep_id=other, seconds=1)
    assert _call(engine, logged.activity_id).duration_seconds == 9


@pytest.mark.parametrize(
    ("typed", "seconds"),
    [("95", 95), ("1:05", 65), (" 1:02:03 ", 3723), ("2m", 120), ("1m30s", 90), ("45s", 45),
     ("1h", 3600), ("0:00", 0)],
)  # fmt: skip
def test_durations_read_as_typed(typed, seconds):
    assert parse_duration(typed) == seconds


@pytest.mark.parametrize("typed", ["", "abc", "1:5", "1:60", "-5", "13h", "1:75:00", "m"])
def test_durations_that_are_no_duration_are_refused_in_one_line(typed):
    with pytest.raises(BadDuration):
        parse_duration(typed)


def test_durations_show_as_minutes_and_seconds():
    assert [format_duration(s) for s in (None, 0, 65, 3723)] == ["", "0:00", "1:05", "1:02:03"]
