"""`workstation score`: the parts of one score, everyone rescored, and the rules as a file."""

from __future__ import annotations

import json

from sqlmodel import Session

from tests.cli.test_cli import run
from tests.factories import make_lead, make_rep
from workstation.store.models import Lead
from workstation.store.schema import open_engine


def _world(url: str) -> tuple[int, str]:
    engine = open_engine(url, create=True)
    with Session(engine) as session:
        make_rep(session, "Mia Manager", role="manager")
        rep = make_rep(session, "Rob Rep")
        lead = make_lead(session, title="Head of Sales", industry="Banking", score=99,
                         owner_id=rep.id)  # fmt: skip
        session.commit()
        lead_id = lead.id
    engine.dispose()
    return lead_id, url


def test_score_id_prints_and_stores_the_parts(capsys, tmp_path):
    lead_id, url = _world(f"sqlite:///{tmp_path / 'w.db'}")
    code, out, err = run(capsys, "--db", url, "score", str(lead_id))
    assert code == 0, err
    assert out.splitlines() == [f"Lead {lead_id}: score 28", "    +18  VP, director or head",
                                "    +10  Target industry"]  # fmt: skip
    code, out, _ = run(capsys, "--db", url, "score", str(lead_id), "--json")
    assert json.loads(out)["total"] == 28
    with Session(open_engine(url)) as session:
        assert session.get(Lead, lead_id).score == 28
    code, _, err = run(capsys, "--db", url, "score", "999")
    assert code != 0 and "there is no lead 999" in err


def test_rules_load_replaces_them_and_a_bad_file_changes_nothing(capsys, tmp_path):
    lead_id, url = _world(f"sqlite:///{tmp_path / 'w.db'}")
    rules = tmp_path / "rules.toml"
    rules.write_text(
        'half_life_days = 10\n[[fit]]\nname = "[bold]Bank[/] \\u001b[31m"\nfield = "industry"\n'
        'match = "banking"\npoints = 7\n', encoding="utf-8",
    )  # fmt: skip
    code, _, err = run(capsys, "--db", url, "--as", "Rob Rep", "score", "rules", "--load",
                       str(rules))  # fmt: skip
    assert code != 0 and "only managers may edit the score rules" in err
    code, out, err = run(capsys, "--db", url, "score", "rules", "--load", str(rules))
    assert code == 0 and "Loaded 2 score rules" in out, err
    code, out, _ = run(capsys, "--db", url, "score", str(lead_id))
    assert out.splitlines() == [
        f"Lead {lead_id}: score 7",
        "     +7  [bold]Bank[/]",
    ]  # the escape is cleaned away
    rules.write_text('[[fit]]\nname = "Big"\nfield = "employees"\nmatch = "x"\npoints = 1\n')
    code, _, err = run(capsys, "--db", url, "score", "rules", "--load", str(rules))
    assert code != 0 and "employees takes low and high, not match" in err
    code, out, _ = run(capsys, "--db", url, "score", "rules", "--json")
    assert [r["name"] for r in json.loads(out)] == ["[bold]Bank[/]", "Behaviour halves every"]


def test_score_all_is_for_managers(capsys, tmp_path):
    _lead_id, url = _world(f"sqlite:///{tmp_path / 'w.db'}")
    code, _, err = run(capsys, "--db", url, "--as", "Rob Rep", "score", "--all")
    assert code != 0 and "only managers may rescore everyone" in err
    code, out, err = run(capsys, "--db", url, "score", "--all")
    assert code == 0 and "Scored 1 leads and 0 contacts" in out and "1 scores changed" in out
