"""The manager commands from the shell: untouched, funnel, reassign, assign. A rep is refused
with one clear line, a non-zero exit and nothing changed; a manager gets what the store says."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select
from sqlmodel import Session

from tests.cli.test_cli import run
from tests.factories import NOW, make_lead, make_rep
from workstation.cli import main
from workstation.store.db import make_engine
from workstation.store.models import History, Lead


@pytest.fixture
def team_db(db_url):
    """Morgan (manager), Riley and Sam (reps); Riley holds three leads untouched for days,
    Sam one, the pool two; on SQLite and on PostgreSQL. Returns the URL and the lead ids
    by owner."""
    url = db_url
    engine = make_engine(url)
    with Session(engine) as session:
        make_rep(session, "Morgan Manager", role="manager")
        riley, sam = make_rep(session, "Riley Rep"), make_rep(session, "Sam Seller")
        ids = {
            "riley": [make_lead(session, owner_id=riley.id).id for _ in range(3)],
            "sam": [make_lead(session, owner_id=sam.id, company="=HYPERLINK(1)").id],
            "pool": [make_lead(session, score=s).id for s in range(2)],
        }
        session.commit()
    engine.dispose()
    return url, ids


def _state(url) -> tuple:
    engine = make_engine(url)
    with Session(engine) as session:
        owners = sorted(session.execute(select(Lead.id, Lead.owner_id, Lead.version)).all())
        history = session.execute(select(func.count()).select_from(History)).scalar_one()
    engine.dispose()
    return owners, history


@pytest.mark.parametrize(
    "argv",
    [
        ("reassign", "{sam}", "--to", "Riley Rep"),
        ("reassign", "{riley}", "--spread"),
        ("reassign", "{sam}", "--pool"),
        ("assign",),
        ("untouched",),
        ("funnel",),
    ],
)
def test_a_rep_is_refused_and_nothing_changes(capsys, team_db, argv):
    url, ids = team_db
    before = _state(url)
    filled = [a.format(sam=ids["sam"][0], riley=ids["riley"][0]) for a in argv]
    code, out, err = run(capsys, "--db", url, "--as", "Riley Rep", *filled)
    assert code == 1
    assert err.startswith("workstation: Riley Rep is a rep, not a manager")
    assert err.count("\n") == 1 and "Traceback" not in err and not out
    assert _state(url) == before


def test_untouched_json_lists_every_lead_with_owner_and_age(capsys, team_db):
    url, ids = team_db
    code, out, _ = run(capsys, "--db", url, "untouched", "--format", "json")
    assert code == 0
    report = json.loads(out)
    assert report["ThresholdHours"] == 24 and report["Total"] == 4
    assert [(r["Rep"], r["Untouched"], r["1–3 days"]) for r in report["Reps"]] == [
        ("Riley Rep", 3, 3),
        ("Sam Seller", 1, 1),
        ("Morgan Manager", 0, 0),
    ]
    now = datetime.fromisoformat(report["Now"].replace("Z", "+00:00"))
    leads = {lead["Id"]: lead for lead in report["Leads"]}
    assert set(leads) == set(ids["riley"] + ids["sam"])
    lead = leads[ids["sam"][0]]
    assert lead["Owner"] == "Sam Seller" and lead["Bucket"] == "1–3 days"
    assigned = datetime.fromisoformat(lead["AssignedDate"].replace("Z", "+00:00"))
    assert assigned == NOW - timedelta(days=2)  # as tests/factories.py assigns
    assert lead["AgeHours"] == round((now - assigned).total_seconds() / 3600, 1)


def test_untouched_ages_the_leads_by_the_clock_it_is_given(capsys, team_db):
    url, _ = team_db
    for now, total, bucket in (
        (NOW - timedelta(days=1, hours=12), 0, None),  # assigned only half a day before
        (NOW + timedelta(days=8), 4, "7+ days"),
    ):
        code, out, _ = run(capsys, "--db", url, "untouched", "--format", "json", at=now)
        report = json.loads(out)
        assert (code, datetime.fromisoformat(report["Now"]), report["Total"]) == (0, now, total)
        assert {lead["Bucket"] for lead in report["Leads"]} == ({bucket} if bucket else set())


def test_every_change_is_stamped_with_the_clock_the_command_is_given(capsys, team_db):
    url, ids = team_db
    then = datetime(2031, 5, 6, 7, 8, 9, tzinfo=UTC)  # far from the day the tests run
    for argv in (
        ("reassign", str(ids["riley"][0]), "--to", "Sam Seller"),
        ("reassign", str(ids["sam"][0]), "--pool"),
        ("assign", "--limit", "1"),
        ("reject", str(ids["riley"][1]), "--reason", "Bogus form fill"),
        ("reps", "add", "Casey New"),
        ("reps", "set", "Casey New", "--capacity", "50", "--inactive"),
    ):
        code, _, err = run(capsys, "--db", url, *argv, at=then)
        assert code == 0, (argv, err)
    code, out, _ = run(capsys, "--db", url, "export", "history", "--format", "json")
    history = json.loads(out)
    changed = {(row["Entity"], row["Field"]) for row in history}
    assert {("lead", "owner_id"), ("lead", "lifecycle_stage"), ("rep", "capacity")} <= changed
    assert {datetime.fromisoformat(row["CreatedDate"]) for row in history} == {then}


def test_untouched_csv_is_formula_safe_and_table_is_per_rep(capsys, team_db):
    url, ids = team_db
    code, out, _ = run(capsys, "--db", url, "untouched", "--format", "csv", "--hours", "1")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert code == 0 and len(rows) == 4
    assert next(r for r in rows if r["Owner"] == "Sam Seller")["Company"] == "'=HYPERLINK(1)"
    code, out, _ = run(capsys, "--db", url, "untouched", "--rep", "Sam Seller")
    assert "Sam Seller" in out and "Riley Rep" not in out
    assert str(ids["sam"][0]) in out  # one rep: their leads are listed too
    code, out, err = run(capsys, "--db", url, "--as", "Sam Seller", "untouched", "--rep", "Sam")
    assert code == 1 and "no rep named 'Sam'" in err


def test_reassign_spread_pool_and_assign(capsys, team_db):
    url, ids = team_db
    code, out, _ = run(
        capsys, "--db", url, "reassign", *map(str, ids["riley"][:2]), "--to", "Sam Seller"
    )
    assert (code, out.strip()) == (0, "Moved 2 leads: 2 to Sam Seller.")
    code, out, _ = run(capsys, "--db", url, "reassign", str(ids["sam"][0]), "--spread", "--json")
    [moved] = json.loads(out)["moved"]
    assert (moved["Id"], moved["Owner"]) == (ids["sam"][0], "Riley Rep")  # Sam's own is out
    code, out, _ = run(
        capsys, "--db", url, "--as", "Riley Rep", "reassign", str(ids["sam"][0]), "--pool"
    )
    assert (code, out.strip()) == (0, "Moved 1 lead: 1 to the pool.")
    code, out, _ = run(capsys, "--db", url, "assign", "--json")
    summary = json.loads(out)
    assert summary["assigned"] == 3 and summary["left_in_pool"] == 0
    assert sum(rep["Assigned"] for rep in summary["reps"]) == 3
    code, _, err = run(capsys, "--db", url, "reassign", "999", "--to", "Sam Seller")
    assert code == 1 and "no lead with Id 999" in err


def test_funnel_table_and_json(capsys, team_db):
    url, _ = team_db
    code, out, _ = run(capsys, "--db", url, "funnel", "--since", "2026-01-01")
    assert code == 0 and out.startswith("Funnel (created since 2026-01-01)")
    for title in ("Lead funnel", "By lead source (channel)", "Time in status", "Rep activity"):
        assert title in out
    code, out, _ = run(capsys, "--db", url, "funnel", "--format", "json")
    report = json.loads(out)
    assert report["lead_funnel"][0] == {
        "name": "Name",
        "now": 0,
        "reached": 6,
        "rate_to_next": 1.0,
    }
    assert [r["name"] for r in report["reps"]] == ["Morgan Manager", "Riley Rep", "Sam Seller"]
    with pytest.raises(SystemExit) as exit_:
        main(["--db", url, "funnel", "--since", "yesterday"])
    assert exit_.value.code == 2
    assert "use a date like 2026-10-01" in capsys.readouterr().err
