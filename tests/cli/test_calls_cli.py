"""`workstation next` / `log` / `undo` for two reps against one database."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

import pytest
from sqlalchemy import text

from tests.cli.test_cli import run
from tests.factories import NOW
from workstation.store.db import make_engine


@pytest.fixture
def demo_url(capsys, db_url) -> str:
    """Demo data on a SQLite file and on PostgreSQL."""
    assert run(capsys, "--db", db_url, "demo", "--leads", "400")[0] == 0
    return db_url


def _sql(url: str, statement: str, **values) -> list[tuple]:
    engine = make_engine(url)
    try:
        with engine.begin() as connection:
            result = connection.execute(text(statement), values)
            return [tuple(row) for row in result] if result.returns_rows else []
    finally:
        engine.dispose()


def _reps(capsys, url) -> list[str]:
    return [
        name
        for (name,) in _sql(url, "SELECT name FROM rep WHERE role = 'rep' AND active ORDER BY id")
    ]


def test_two_reps_work_one_database(capsys, demo_url):
    first, second = _reps(capsys, demo_url)[:2]
    seen = {}
    for rep in (first, second):
        code, out, err = run(capsys, "--db", demo_url, "--as", rep, "next", "--json")
        assert code == 0, err
        answer = json.loads(out)
        assert answer["rep"] == rep and answer["lead"] is not None
        seen[rep] = answer["lead"]["Id"]
    assert seen[first] != seen[second]
    code, out, err = run(
        capsys,
        "--db",
        demo_url,
        "--as",
        first,
        "log",
        str(seen[first]),
        "3",
        "--notes",
        "asked to call after lunch",
        "--callback",
        "+2h",
        "--json",
    )
    assert code == 0, err
    logged = json.loads(out)
    assert logged["disposition"] == "Connected – Call Back"
    assert datetime.fromisoformat(logged["callback_at"]) == NOW + timedelta(hours=2)
    # The other rep may not log on a lead that isn't theirs.
    code, _, err = run(capsys, "--db", demo_url, "--as", second, "log", str(seen[first]), "5")
    assert code == 1 and "only they or a manager" in err
    code, out, _ = run(capsys, "--db", demo_url, "export", "activities", "--format", "json")
    notes = [a for a in json.loads(out) if a["Description"] == "asked to call after lunch"]
    assert len(notes) == 1 and notes[0]["CallDisposition"] == "Connected – Call Back"
    code, out, _ = run(capsys, "--db", demo_url, "--as", first, "undo", "--json")
    assert code == 0 and json.loads(out)["reversed_id"] == logged["activity_id"]


def test_log_with_an_unreadable_callback_time(capsys, demo_url):
    rep = _reps(capsys, demo_url)[0]
    code, out, _ = run(capsys, "--db", demo_url, "--as", rep, "next", "--json")
    lead = json.loads(out)["lead"]["Id"]
    code, _, err = run(
        capsys, "--db", demo_url, "--as", rep, "log", str(lead), "3", "--callback", "whenever"
    )
    assert code == 1 and "can't read 'whenever'" in err


def _call_count(url: str, lead_id: int) -> int:
    statement = "SELECT count(*) FROM activity WHERE kind = 'call' AND lead_id = :lead"
    return _sql(url, statement, lead=lead_id)[0][0]


def _next_lead(capsys, url: str, rep: str) -> int:
    code, out, err = run(capsys, "--db", url, "--as", rep, "next", "--json")
    assert code == 0, err
    return json.loads(out)["lead"]["Id"]


def test_log_refuses_a_rejected_lead(capsys, demo_url):
    rep = _reps(capsys, demo_url)[0]
    lead = _next_lead(capsys, demo_url, rep)
    args = ("--db", demo_url, "--as", rep)
    assert run(capsys, *args, "reject", str(lead), "--reason", "Bogus form fill")[0] == 0
    calls = _call_count(demo_url, lead)
    code, _, err = run(capsys, *args, "log", str(lead), "5")
    assert code == 1 and f"lead {lead} was rejected by sales (Bogus form fill)" in err
    assert _call_count(demo_url, lead) == calls


def test_log_on_a_do_not_call_lead_needs_confirm_dnc(capsys, demo_url):
    rep = _reps(capsys, demo_url)[0]
    lead = _next_lead(capsys, demo_url, rep)
    _sql(demo_url, "UPDATE lead SET do_not_call = true WHERE id = :lead", lead=lead)
    args = ("--db", demo_url, "--as", rep, "log", str(lead), "1")
    calls = _call_count(demo_url, lead)
    code, _, err = run(capsys, *args)
    assert code == 1 and f"lead {lead} is do-not-call" in err and "--confirm-dnc" in err
    assert _call_count(demo_url, lead) == calls
    code, out, err = run(capsys, *args, "--confirm-dnc", "--json")
    assert code == 0, err
    assert json.loads(out)["do_not_call"] is True
    assert _call_count(demo_url, lead) == calls + 1


def test_undo_of_a_call_on_a_lead_moved_since_is_refused_in_one_line(capsys, demo_url):
    first, second = _reps(capsys, demo_url)[:2]
    lead = _next_lead(capsys, demo_url, first)
    assert run(capsys, "--db", demo_url, "--as", first, "log", str(lead), "5")[0] == 0
    later = NOW + timedelta(minutes=5)
    code, _, err = run(capsys, "--db", demo_url, "reassign", str(lead), "--to", second, at=later)
    assert code == 0, err
    code, out, err = run(capsys, "--db", demo_url, "--as", first, "undo", at=later)
    assert code == 1 and out == ""
    assert err.count("\n") == 1, err
    assert f"lead {lead} was moved to {second} by " in err and "the call stays" in err


def test_next_works_the_queue_named_by_queue(capsys, demo_url):
    """`--queue` picks the queue as the screen's list does; the default stays My Leads."""
    rep = _reps(capsys, demo_url)[0]
    base = ("--db", demo_url, "--as", rep, "next", "--json")
    code, out, err = run(capsys, *base, "--queue", "contacts")
    assert code == 0, err
    data = json.loads(out)
    assert (data["queue"], data["kind"], data["lead"]) == ("contacts", "contact", None)
    engine = make_engine(demo_url)
    with engine.connect() as connection:
        owner = connection.execute(
            text(
                "SELECT rep.name FROM contact JOIN rep ON rep.id = contact.owner_id "
                "WHERE contact.id = :id"
            ),
            {"id": data["contact"]["Id"]},
        ).scalar_one()
    engine.dispose()
    assert owner == rep
    code, out, _ = run(capsys, *base)
    assert json.loads(out)["queue"] == "my-leads" and json.loads(out)["lead"] is not None
    code, _, err = run(capsys, *base, "--queue", "someday")
    assert code == 1 and "no queue 'someday'" in err and "contacts" in err
    assert err.count("\n") == 1 and "no saved filter named 'someday'" in err


def test_filters_saved_listed_worked_and_archived(capsys, demo_url):
    rep = _reps(capsys, demo_url)[0]
    as_rep = ("--db", demo_url, "--as", rep)
    code, out, err = run(capsys, *as_rep, "filter", "add", "Best", "--score-min", "50", "--json")
    assert code == 0 and json.loads(out)["criteria"] == "your leads · score 50–", err
    code, out, err = run(capsys, *as_rep, "filter", "add", "best", "--source", "Web")
    assert code == 1 and "you have a filter named 'Best' already" in err
    code, out, err = run(capsys, *as_rep, "filter", "add", "Team", "--shared")
    assert code == 1 and "only a manager shares a filter" in err
    with pytest.raises(SystemExit) as exit_:
        run(capsys, *as_rep, "filter", "add", "Soon", "--inactive-days", "0")
    assert exit_.value.code == 2 and "from 1 to 3,650, not 0" in capsys.readouterr().err
    code, out, err = run(capsys, "--db", demo_url, "filter", "add", "Hot pool", "--owner",
                         "pool", "--score-min", "40", "--shared")  # fmt: skip
    assert code == 0 and "Saved Hot pool, shared with the team" in out, err
    code, out, err = run(capsys, *as_rep, "filter", "list", "--json")
    listed = {f["name"]: f for f in json.loads(out)}
    assert set(listed) == {"Best", "Hot pool"} and listed["Hot pool"]["shared"]
    assert all(isinstance(f["count"], int) for f in listed.values())
    code, out, err = run(capsys, *as_rep, "next", "--queue", "hot POOL", "--json")
    found = json.loads(out)
    assert code == 0 and found["source"] == "pool" and found["lead"]["OwnerId"], err
    code, out, err = run(capsys, *as_rep, "filter", "list")
    assert f"Hot pool  {listed['Hot pool']['count'] - 1:,}  (the pool · score 40–" in out
    code, out, err = run(capsys, *as_rep, "filter", "archive", "best")
    assert code == 0 and out.startswith("Archived Best"), err
    code, out, err = run(capsys, *as_rep, "next", "--queue", "Best")
    assert code == 1 and "no saved filter named 'Best'" in err


def test_a_call_logged_with_its_duration_and_corrected_later(capsys, demo_url):
    rep = _reps(capsys, demo_url)[0]
    lead = _next_lead(capsys, demo_url, rep)
    args = ("--db", demo_url, "--as", rep)
    code, out, err = run(capsys, *args, "log", str(lead), "5", "--duration", "1:05")
    assert code == 0 and "1:05 long" in out, err
    code, out, err = run(capsys, *args, "duration", "2m", "--json")
    assert code == 0, err
    done = json.loads(out)
    assert (done["record_id"], done["old_seconds"], done["seconds"]) == (lead, 65, 120)
    code, out, _ = run(capsys, "--db", demo_url, "export", "activities", "--format", "json")
    calls = [a for a in json.loads(out) if a["Id"] == done["activity_id"]]
    assert calls[0]["CallDurationInSeconds"] == 120
    with pytest.raises(SystemExit) as exit_:
        run(capsys, *args, "duration", "ages")
    assert exit_.value.code == 2 and "'ages' is not a duration" in capsys.readouterr().err
