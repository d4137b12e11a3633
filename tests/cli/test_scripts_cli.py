"""`workstation scripts export / import / list` on a demo database, as a user runs them."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import text as sql

from tests.cli.test_cli import run
from workstation.store.db import make_engine


@pytest.fixture
def demo_url(capsys, db_url) -> str:
    """Demo data on a SQLite file and on PostgreSQL."""
    assert run(capsys, "--db", db_url, "demo", "--leads", "200")[0] == 0
    return db_url


def _scripts(url: str) -> list[tuple]:
    """Each script's name, body, update time and the campaigns that use it, by id."""
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            scripts = connection.execute(
                sql("SELECT id, name, body, updated_at FROM call_script ORDER BY id")
            ).all()
            campaigns = connection.execute(
                sql("SELECT call_script_id, name FROM campaign ORDER BY id")
            ).all()
    finally:
        engine.dispose()
    return [
        (name, body, updated, [c for script, c in campaigns if script == id_])
        for id_, name, body, updated in scripts
    ]


def test_export_then_import_changes_nothing_and_round_trips(capsys, demo_url, tmp_path):
    out = tmp_path / "scripts"
    code, text, err = run(capsys, "--db", demo_url, "scripts", "export", str(out), "--json")
    assert code == 0, err
    files = json.loads(text)["files"]
    assert len(files) == 13  # twelve campaigns' scripts and the built-in default
    assert "website-demo-request-script.md" in files
    first = (out / "website-demo-request-script.md").read_text()
    assert first.startswith("---\nname: Website – Demo Request – script\n")
    assert "campaign: Website – Demo Request\n" in first
    before = _scripts(demo_url)
    code, text, err = run(capsys, "--db", demo_url, "scripts", "import", str(out), "--json")
    assert code == 0, err
    result = json.loads(text)
    assert (len(result["created"]), len(result["updated"]), len(result["unchanged"])) == (1, 0, 12)
    assert _scripts(demo_url)[:12] == before
    again = tmp_path / "again"
    assert run(capsys, "--db", demo_url, "scripts", "export", str(again))[0] == 0
    assert {p.name: p.read_bytes() for p in out.iterdir()} == {
        p.name: p.read_bytes() for p in again.iterdir()
    }


def test_an_edited_script_is_imported_and_listed(capsys, demo_url, tmp_path):
    out = tmp_path / "scripts"
    run(capsys, "--db", demo_url, "scripts", "export", str(out))
    path = out / "free-trial-sign-ups-script.md"
    path.write_text(path.read_text().replace("## Close", "## Close now"))
    code, text, err = run(capsys, "--db", demo_url, "scripts", "import", str(out))
    assert code == 0, err
    assert text.strip().endswith("1 created, 1 updated, 11 unchanged")
    code, text, _ = run(capsys, "--db", demo_url, "scripts", "list", "--json")
    listed = {s["name"]: s for s in json.loads(text)}
    assert listed["Free Trial Sign-ups – script"]["campaigns"] == ["Free Trial Sign-ups"]
    assert listed["Default script"]["built_in"] is False  # stored by the import
    code, text, _ = run(capsys, "--db", demo_url, "scripts", "list")
    assert "Free Trial Sign-ups – script · 5 question(s) · Free Trial Sign-ups" in text


def test_a_broken_file_is_named_with_its_line_and_nothing_is_imported(capsys, demo_url, tmp_path):
    out = tmp_path / "scripts"
    run(capsys, "--db", demo_url, "scripts", "export", str(out))
    good = out / "free-trial-sign-ups-script.md"
    good.write_text(good.read_text().replace("## Close", "## Changed"))
    bad = out / "website-contact-us-script.md"
    lines = bad.read_text().split("\n")
    lines[3] = lines[3].replace('"type": "yesno"', '"type": "yes-or-no"')
    bad.write_text("\n".join(lines))
    before = _scripts(demo_url)
    code, text, err = run(capsys, "--db", demo_url, "scripts", "import", str(out))
    assert code == 1 and text == ""
    assert "nothing imported: 1 problem(s)" in err
    assert "website-contact-us-script.md line 4: question 'budget' has type 'yes-or-no'" in err
    assert _scripts(demo_url) == before


def test_a_rep_may_not_import(capsys, demo_url, tmp_path):
    out = tmp_path / "scripts"
    run(capsys, "--db", demo_url, "scripts", "export", str(out))
    engine = make_engine(demo_url)
    with engine.connect() as connection:
        rep = connection.execute(
            sql("SELECT name FROM rep WHERE role = 'rep' ORDER BY id LIMIT 1")
        ).scalar_one()
    engine.dispose()
    code, _, err = run(capsys, "--db", demo_url, "--as", rep, "scripts", "import", str(out))
    assert code == 1 and "only managers may import call scripts" in err
