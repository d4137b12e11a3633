"""Files the app writes never land on the database, through a link, or over a file that
isn't ours; they are created private (0600)."""

from __future__ import annotations

import io
import os
import stat
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlmodel import Session

from workstation.store.exports.stream import export_records, ours_exported
from workstation.store.imports.leads import import_leads
from workstation.store.models import Lead
from workstation.store.outputs import RefusedOutput, first_line_in, open_output
from workstation.store.scripts.library import export_scripts

CSV = "FirstName,LastName,Company,Phone\nAnn,Lee,Acme,+1 415 555 0101\nBo,,Acme,+1 415 555 0102\n"


def _database(url: str) -> Path:
    return Path(url.removeprefix("sqlite:///"))


def _leads(engine) -> int:
    with Session(engine) as session:
        return session.execute(select(func.count()).select_from(Lead)).scalar_one()


@pytest.mark.parametrize("dry_run", [False, True])
@pytest.mark.parametrize("suffix", ["", "-wal", "-shm"])
def test_the_errors_file_is_never_the_database(
    sqlite_engine, sqlite_url, tmp_path, dry_run, suffix
):
    database = _database(sqlite_url)
    import_leads(sqlite_engine, _write(tmp_path / "first.csv", CSV))  # the database holds a lead
    sqlite_engine.dispose()
    before = database.read_bytes()
    source = _write(tmp_path / "leads.csv", CSV)
    with pytest.raises(RefusedOutput):
        import_leads(sqlite_engine, source, errors_path=f"{database}{suffix}", dry_run=dry_run)
    sqlite_engine.dispose()
    assert database.read_bytes() == before and _leads(sqlite_engine) == 1


def test_a_planted_link_is_not_followed(sqlite_engine, sqlite_url, tmp_path):
    database = _database(sqlite_url)
    source = _write(tmp_path / "leads.csv", CSV)
    (tmp_path / "leads.errors.csv").symlink_to(database)  # the default errors file
    before = database.read_bytes()
    with pytest.raises(RefusedOutput, match="is the database"):
        import_leads(sqlite_engine, source)
    assert database.read_bytes() == before


def test_a_file_that_isnt_ours_is_left_alone(tmp_path):
    mine = _write(tmp_path / "notes.csv", "Id,My,Own\n1,2,3\n")
    with (
        pytest.raises(RefusedOutput, match="not a file this app wrote"),
        open_output(mine, ours_exported),
    ):
        pass
    assert mine.read_text() == "Id,My,Own\n1,2,3\n"


def test_an_export_of_ours_or_an_empty_file_is_written_over_and_made_private(
    sqlite_engine, tmp_path
):
    path = tmp_path / "leads.csv"
    for attempt in range(2):  # new, then over the first export
        with open_output(path, ours_exported) as out:
            export_records(sqlite_engine, "leads", out)
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, attempt
    empty = tmp_path / "empty.json"
    empty.touch(mode=0o644)
    with open_output(empty, ours_exported) as out:
        export_records(sqlite_engine, "leads", out, fmt="json")
    assert empty.read_text().startswith("[") and stat.S_IMODE(empty.stat().st_mode) == 0o600
    with open_output(empty, ours_exported) as out:  # a JSON export of ours, again
        out.write("[\n]\n")


def test_the_errors_file_is_private(sqlite_engine, tmp_path):
    source = _write(tmp_path / "leads.csv", CSV)
    summary = import_leads(sqlite_engine, source)
    assert summary.rejected == 1
    errors = tmp_path / "leads.errors.csv"
    assert stat.S_IMODE(errors.stat().st_mode) == 0o600
    import_leads(sqlite_engine, source)  # a second run writes over the first run's file
    assert errors.read_text(encoding="utf-8").startswith("Line,Reason,")


def test_devices_and_links_to_them_are_written(tmp_path):
    (tmp_path / "null").symlink_to(os.devnull)
    for path in (Path(os.devnull), tmp_path / "null"):
        with open_output(path, first_line_in("x")) as out:
            out.write("anything\n")


def test_a_folder_is_refused(tmp_path):
    with pytest.raises(RefusedOutput, match="is a folder"), open_output(tmp_path, ours_exported):
        pass


def test_scripts_export_leaves_a_file_of_the_users(sqlite_engine, tmp_path):
    folder = tmp_path / "scripts"
    written = export_scripts(sqlite_engine, folder)
    assert written and all(stat.S_IMODE(p.stat().st_mode) == 0o600 for p in written)
    export_scripts(sqlite_engine, folder)  # over its own files
    written[0].write_text("my own notes\n")
    with pytest.raises(RefusedOutput):
        export_scripts(sqlite_engine, folder)
    assert written[0].read_text() == "my own notes\n"


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_ours_exported_knows_every_export_header():
    from workstation.store.exports.stream import EXPORT_KINDS, export_columns

    for kind in EXPORT_KINDS:
        buffer = io.StringIO()
        buffer.write(",".join(export_columns(kind)))
        assert ours_exported(buffer.getvalue())
    assert not ours_exported("Id,IsDeleted,MasterRecordId,LastName")  # Salesforce's Lead.csv
