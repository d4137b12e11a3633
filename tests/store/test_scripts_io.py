"""Importing and exporting script files (SQLite and PostgreSQL): byte for byte, all or
nothing, matched by name, campaigns linked as the files say; saving one from the app."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text
from sqlmodel import Session, select

from tests.factories import make_rep
from workstation.store.models import CallScript, Campaign
from workstation.store.permissions import PermissionDenied
from workstation.store.scripts.files import ScriptFileError, format_script, parse_script
from workstation.store.scripts.for_record import DEFAULT_SCRIPT, default_script
from workstation.store.scripts.library import (
    ScriptImportError,
    export_scripts,
    import_scripts,
    list_scripts,
    save_script,
    script_as_file,
)
from workstation.store.scripts.rules import ScriptError

ALPHA = """---
name: Alpha – script
campaign: Alpha
campaign: Gamma
question: {"key": "budget", "label": "Budget", "type": "yesno", "points": 20}
question: {"key": "seats", "label": "Seats", "type": "number", "favourable": {"min": 5}}
qualify: {"all": ["budget"], "any": ["seats"]}
---
## Opening
Hi {first_name} from {company}: about {product}…\r
## Objection: Too expensive
Ask what a lost lead costs.
"""
BETA = """---
name: Beta script
campaign: Beta
---
Just a body, no questions, no newline at the end"""
FILES = {"alpha-script.md": ALPHA, "beta-script.md": BETA, "default-script.md": DEFAULT_SCRIPT}


def _campaigns(engine, *names: str) -> int:
    """The campaigns, and a manager to change scripts: the manager's id."""
    with Session(engine) as session:
        session.add_all([Campaign(name=name) for name in names])
        boss = make_rep(session, "Morgan Manager", role="manager").id
        session.commit()
    return boss


def _write(directory: Path, files: dict[str, str | bytes]) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    for name, content in files.items():
        data = content if isinstance(content, bytes) else content.encode()
        (directory / name).write_bytes(data)
    return directory


def _read(directory: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted(directory.iterdir())}


def _state(engine) -> list[tuple]:
    with engine.connect() as connection:
        scripts = connection.execute(
            text("SELECT id, name, body, updated_at FROM call_script ORDER BY id")
        ).all()
        links = connection.execute(text("SELECT name, call_script_id FROM campaign ORDER BY name"))
        return [*scripts, *links.all()]


def test_export_of_an_import_is_byte_for_byte_the_files(engine, tmp_path):
    boss = _campaigns(engine, "Alpha", "Beta", "Gamma", "Delta")
    source = _write(tmp_path / "in", FILES)
    result = import_scripts(engine, source, acting_rep_id=boss)
    assert sorted(result.created) == ["Alpha – script", "Beta script", "Default script"]
    exported = export_scripts(engine, tmp_path / "out")
    assert sorted(p.name for p in exported) == sorted(FILES)
    assert _read(tmp_path / "out") == _read(source)
    again = import_scripts(engine, tmp_path / "out", acting_rep_id=boss)
    assert (again.created, again.updated) == ((), ())
    with Session(engine) as session:
        links = dict(session.execute(select(Campaign.name, Campaign.call_script_id)).all())
        alpha = session.exec(select(CallScript).where(CallScript.name == "Alpha – script")).one()
    assert links["Alpha"] == links["Gamma"] == alpha.id and links["Delta"] is None
    assert alpha.qualify == {"all": ["budget"], "any": ["seats"]}


def test_an_empty_database_exports_the_built_in_default(engine, tmp_path):
    (path,) = export_scripts(engine, tmp_path / "out")
    assert path.name == "default-script.md"
    assert path.read_text() == DEFAULT_SCRIPT


def test_one_broken_file_and_nothing_is_imported(engine, tmp_path):
    boss = _campaigns(engine, "Alpha", "Beta", "Gamma")
    import_scripts(engine, _write(tmp_path / "first", {"beta.md": BETA}), acting_rep_id=boss)
    before = _state(engine)
    broken = ALPHA.replace('"points": 20}', '"points": 20')
    files = {"alpha.md": broken, "beta.md": BETA.replace("Just", "Changed"), "z.md": b"\xff"}
    with pytest.raises(ScriptImportError) as error:
        import_scripts(engine, _write(tmp_path / "second", files), acting_rep_id=boss)
    assert [(p.source, p.line) for p in error.value.problems] == [("alpha.md", 5), ("z.md", 1)]
    assert "alpha.md line 5: bad JSON" in str(error.value)
    assert str(error.value).startswith("nothing imported: 2 problem(s)")
    assert _state(engine) == before


def test_unknown_campaigns_and_clashes_between_files_are_reported(engine, tmp_path):
    boss = _campaigns(engine, "Alpha", "Beta")
    files = {
        "a.md": ALPHA,  # names Gamma, which does not exist
        "b.md": BETA,
        "c.md": BETA.replace("Just", "Other"),  # the same name, the same campaign
    }
    with pytest.raises(ScriptImportError) as error:
        import_scripts(engine, _write(tmp_path / "in", files), acting_rep_id=boss)
    problems = [(p.source, p.line, p.problem) for p in error.value.problems]
    assert problems[:2] == [
        ("c.md", 2, "b.md has the same script name"),
        ("c.md", 3, "b.md lists this campaign too"),
    ]
    with pytest.raises(ScriptImportError) as error:
        import_scripts(engine, _write(tmp_path / "one", {"a.md": ALPHA}), acting_rep_id=boss)
    assert [(p.line, p.problem) for p in error.value.problems] == [
        (4, "there is no campaign named 'Gamma'")
    ]
    assert _state(engine)[-2:] == [("Alpha", None), ("Beta", None)]


def test_an_import_updates_by_name_and_leaves_other_scripts_alone(engine, tmp_path):
    boss = _campaigns(engine, "Alpha", "Beta", "Gamma")
    import_scripts(
        engine, _write(tmp_path / "one", {"a.md": ALPHA, "b.md": BETA}), acting_rep_id=boss
    )
    moved = ALPHA.replace("campaign: Gamma\n", "").replace("Ask what", "Ask how much")
    result = import_scripts(engine, _write(tmp_path / "two", {"a.md": moved}), acting_rep_id=boss)
    assert result.updated == ("Alpha – script",)
    with Session(engine) as session:
        names = [s.name for s in list_scripts(session)]
        alpha = script_as_file(session, next(s.id for s in list_scripts(session) if s.id))
    assert names == ["Alpha – script", "Beta script", "Default script"]
    assert alpha.campaigns == ("Alpha",) and "Ask how much" in alpha.body
    assert _state(engine)[-1] == ("Gamma", None)


def test_a_directory_without_scripts_is_refused(engine, tmp_path):
    with pytest.raises(ScriptError, match="no script files"):
        import_scripts(engine, _write(tmp_path / "empty", {"notes.txt": "x"}), acting_rep_id=None)
    with pytest.raises(ScriptError, match="is not a directory"):
        import_scripts(engine, tmp_path / "missing", acting_rep_id=None)


def test_saving_from_the_app_creates_renames_and_refuses_a_taken_name(engine):
    boss = _campaigns(engine, "Alpha", "Beta", "Gamma")
    builtin = default_script()
    created = save_script(engine, builtin, script_id=None, acting_rep_id=boss)
    assert created.id is not None and created.name == "Default script"
    renamed = parse_script(format_script(builtin).replace("Default script", "Our default"), "x")
    saved = save_script(engine, renamed, script_id=created.id, acting_rep_id=boss)
    assert (saved.id, saved.name) == (created.id, "Our default")
    other = save_script(engine, parse_script(BETA, "b"), script_id=None, acting_rep_id=boss)
    with pytest.raises(ScriptError, match="another script is called 'Beta script'"):
        save_script(engine, parse_script(BETA, "b"), script_id=created.id, acting_rep_id=boss)
    with pytest.raises(ScriptFileError, match="there is no campaign named 'Gamma2'"):
        save_script(
            engine,
            parse_script(BETA.replace("Beta\n", "Gamma2\n"), "b"),
            script_id=None,
            acting_rep_id=boss,
        )
    with Session(engine) as session:
        assert [s.name for s in list_scripts(session)] == [
            "Beta script", "Default script", "Our default"
        ]  # fmt: skip
        assert script_as_file(session, other.id).campaigns == ("Beta",)


def test_only_a_manager_changes_scripts(engine, tmp_path):
    _campaigns(engine, "Beta")
    with Session(engine) as session:
        rep = make_rep(session, "Riley Rep").id
        session.commit()
    before = _state(engine)
    with pytest.raises(PermissionDenied, match="only managers may import call scripts"):
        import_scripts(engine, _write(tmp_path / "in", {"b.md": BETA}), acting_rep_id=rep)
    with pytest.raises(PermissionDenied, match="only managers may change call scripts"):
        save_script(engine, parse_script(BETA, "b"), script_id=None, acting_rep_id=rep)
    assert _state(engine) == before
