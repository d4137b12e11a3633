"""Every command against a database it cannot simply use (missing, foreign, from a newer
version, read-only, unreachable) and against out-of-range values and unwritable outputs:
one line on stderr (a JSON object under --json), a non-zero exit, and nothing changed."""

from __future__ import annotations

import hashlib
import json
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import text

from tests.cli.test_cli import run
from tests.read_only import read_only
from workstation.store.db import make_engine
from workstation.store.schema import HEAD

# Every command that opens a database without making one, as a user would type it.
USING = [
    ["db", "current"],
    ["reps"],
    ["reps", "add", "Sam Reed"],
    ["reps", "set", "Sam Reed", "--capacity", "3"],
    ["next"],
    ["log", "1", "5"],
    ["undo"],
    ["convert", "1", "--dry-run"],
    ["reject", "1", "--reason", "Bogus form fill"],
    ["reassign", "1", "--pool"],
    ["assign"],
    ["export", "leads"],
    ["untouched"],
    ["funnel"],
    ["scripts", "list"],
    ["scripts", "import", "{dir}"],
    ["scripts", "export", "{dir}"],
]
MAKING = [["db", "upgrade"], ["demo", "--leads", "50"], ["import", "{csv}"]]
TUI: list[str] = []  # the options alone open the TUI


def _argv(argv: list[str], tmp_path: Path) -> list[str]:
    scripts = tmp_path / "scripts"
    scripts.mkdir(exist_ok=True)
    csv_file = tmp_path / "leads.csv"
    csv_file.write_text("LastName,Company,Email\nLee,Lee Co,lee@example.com\n")
    return [arg.format(dir=scripts, csv=csv_file) for arg in argv]


def _one_line(err: str) -> str:
    assert err.endswith("\n") and err.count("\n") == 1, err
    assert "Traceback" not in err
    return err


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.parametrize("argv", USING)
def test_every_command_but_the_making_ones_refuses_a_missing_database(capsys, tmp_path, argv):
    path = tmp_path / "typo.db"
    code, out, err = run(capsys, "--db", f"sqlite:///{path}", *_argv(argv, tmp_path))
    assert code == 3 and out == ""
    assert f"there is no workstation database at {path}" in _one_line(err)
    assert not path.exists()


@pytest.mark.parametrize("argv", [*USING, *MAKING])
def test_an_in_memory_database_is_refused_by_all_but_the_making_commands(capsys, tmp_path, argv):
    code, _, err = run(capsys, "--db", "sqlite://", *_argv(argv, tmp_path))
    if argv in MAKING:
        assert code == 0, err
    else:
        assert code == 3 and "in memory" in _one_line(err)


def _stamp(url: str, revision: str) -> None:
    engine = make_engine(url)
    with engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = :r"), {"r": revision})
    engine.dispose()


@pytest.mark.parametrize("argv", [*USING[1:], *MAKING, TUI])
def test_a_database_from_a_newer_version_is_refused_by_every_command(
    capsys, tmp_path, db_url, argv
):
    _stamp(db_url, "0099")
    code, out, err = run(capsys, "--db", db_url, *_argv(argv, tmp_path))
    assert code == 3 and out == ""
    assert "revision 0099" in _one_line(err) and f"knows up to {HEAD}" in err
    engine = make_engine(db_url)
    with engine.connect() as connection:
        assert connection.execute(text("SELECT version_num FROM alembic_version")).scalar() == (
            "0099"
        )
        assert connection.execute(text("SELECT count(*) FROM lead")).scalar() == 0
    engine.dispose()


def test_db_current_says_a_newer_database_is_ahead(capsys, db_url):
    _stamp(db_url, "0099")
    code, out, _ = run(capsys, "--db", db_url, "db", "current")
    assert code == 0 and "revision 0099, ahead" in out and "behind" not in out
    _stamp(db_url, "0001")
    code, out, _ = run(capsys, "--db", db_url, "db", "current")
    assert code == 0 and "revision 0001, behind" in out


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("demo") / "demo.db"
    from workstation.cli import main

    assert main(["--db", f"sqlite:///{path}", "demo", "--leads", "60"]) == 0
    with sqlite3.connect(path) as db:
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return path


@pytest.fixture
def demo_copy(demo_file, tmp_path) -> Path:
    path = tmp_path / "demo.db"
    path.write_bytes(demo_file.read_bytes())
    return path


READING = [
    ["db", "current"],
    ["reps"],
    ["export", "leads"],
    ["untouched"],
    ["funnel", "--format", "json"],
    ["scripts", "list"],
    ["scripts", "export", "{dir}"],
    ["convert", "3", "--dry-run"],
]
WRITING = [
    ["db", "upgrade"],  # already current: says so, writes nothing
    ["next"],
    ["log", "3", "5"],
    ["reject", "3", "--reason", "Bogus form fill"],
    ["reassign", "3", "--pool"],
    ["assign"],
    ["reps", "add", "Sam Reed"],
    ["import", "{csv}"],
    ["demo", "--leads", "50"],
]


@pytest.mark.parametrize("how", ["file", "filesystem"])
def test_a_read_only_database_is_read_and_refuses_writes_in_one_line(
    capsys, tmp_path, demo_copy, how
):
    before = _digest(demo_copy)
    with read_only(demo_copy, how=how) as path:
        url = f"sqlite:///{path}"
        for argv in READING:
            code, _, err = run(capsys, "--db", url, *_argv(argv, tmp_path))
            assert code == 0, (argv, err)
        for argv in WRITING[1:]:
            code, out, err = run(capsys, "--db", url, *_argv(argv, tmp_path))
            assert code in (1, 3) and out == "", (argv, err)
            said = _one_line(err)
            if argv[0] != "demo":  # demo refuses a database with data, before writing
                assert f"{path} is read-only" in said, argv
    assert _digest(demo_copy) == before


@pytest.mark.postgres
def test_a_read_only_postgresql_session_reads_and_refuses_writes_in_one_line(capsys, pg_url):
    assert run(capsys, "--db", pg_url, "demo", "--leads", "50")[0] == 0
    url = f"{pg_url}%20-cdefault_transaction_read_only%3Don"
    assert run(capsys, "--db", url, "reps")[0] == 0
    code, out, err = run(capsys, "--db", url, "reassign", "3", "--pool")
    assert code == 3 and out == "" and "read-only transaction" in _one_line(err)


@pytest.mark.parametrize(
    "make",
    [
        pytest.param(lambda data: data[:100] + bytes(len(data) - 100), id="zeroed"),
        pytest.param(lambda data: data[:5000], id="truncated"),
        pytest.param(lambda data: b"SQLite format 3\x00" + b"garbage" * 20, id="header-only"),
        pytest.param(lambda data: data[:8192] + b"\xff" * 4096 + data[12288:], id="bad-page"),
    ],
)
@pytest.mark.parametrize("argv", [["demo", "--leads", "50"], ["db", "upgrade"], ["reps"], TUI])
def test_a_damaged_database_file_is_one_line_and_left_as_it_was(
    capsys, tmp_path, demo_file, make, argv, request
):
    if "bad-page" in request.node.name and argv[:1] != ["demo"]:
        pytest.skip("a bad page the command never reads does not stop it (nor should it)")
    path = tmp_path / "damaged.db"
    path.write_bytes(make(demo_file.read_bytes()))
    path.chmod(0o644)
    before = _digest(path)
    code, out, err = run(capsys, "--db", f"sqlite:///{path}", *argv)
    assert code != 0 and out == ""
    _one_line(err)
    assert _digest(path) == before and (path.stat().st_mode & 0o777) == 0o644
    if "bad-page" not in request.node.name:  # SQLite's own -wal/-shm of a readable one aside
        assert sorted(p.name for p in tmp_path.iterdir()) == ["damaged.db"]


@pytest.mark.parametrize(
    ("url", "says"),
    [
        ("postgresql://crm@127.0.0.1:abc/crm", "port"),
        ("postgresql://crm@127.0.0.1:99999/crm", "port"),
        ("postgresql://crm@127.0.0.1:1/crm", "connection"),
        ("postgresql://crm@no-such-host.invalid/crm", "no-such-host.invalid"),
        ("postgresql+psycopg2://crm@127.0.0.1/crm", "psycopg2"),
        ("postgresql+asyncpg://crm@127.0.0.1/crm", "asyncpg"),
        ("sqlite+pysqlcipher:///x.db", "pysqlcipher"),
        ("mysql://crm@127.0.0.1/crm", "unsupported database"),
    ],
)
@pytest.mark.parametrize("argv", [["reps"], ["db", "upgrade"]])
def test_an_unusable_database_url_is_one_line(capsys, url, says, argv):
    code, out, err = run(capsys, "--db", url, *argv)
    assert code == 3 and out == ""
    assert says in _one_line(err)


@pytest.mark.parametrize(
    "argv",
    [
        ["convert", "3", "--account", "99999999999999999999", "--dry-run"],
        ["convert", "3", "--contact", "18446744073709551616", "--dry-run"],
        ["convert", "3", "--opportunity", "99999999999999999999", "--dry-run"],
        ["convert", "3", "--campaign", "99999999999999999999", "--dry-run"],
        ["convert", "3", "--account", "0", "--dry-run"],
    ],
)
def test_every_id_option_is_checked_for_range(capsys, demo_copy, argv):
    code, out, err = run(capsys, "--db", f"sqlite:///{demo_copy}", *argv)
    assert code in (1, 2) and out == ""
    assert "ids run from 1 to 9223372036854775807" in err and "Traceback" not in err


@pytest.mark.parametrize("argv", [["demo", "--leads", "99999999999999999999"]])
def test_counts_are_checked_for_range(capsys, tmp_path, argv):
    path = tmp_path / "new.db"
    with pytest.raises(SystemExit) as exit_:
        run(capsys, "--db", f"sqlite:///{path}", *argv)
    assert exit_.value.code == 2
    assert "from 1 to 10,000,000" in capsys.readouterr().err
    assert not path.exists()


def test_the_callback_help_states_its_horizon(capsys):
    with pytest.raises(SystemExit):
        run(capsys, "log", "--help")
    assert "within a year" in " ".join(capsys.readouterr().out.split())


# Every command that takes --json (or --format json), failing: on a missing database, and
# on a mistaken command line.
JSON = [
    (["next", "--json"], ["next", "--json", "--bogus"]),
    (["log", "1", "5", "--json"], ["log", "0", "5", "--json"]),
    (["undo", "--json"], ["undo", "--json", "extra"]),
    (["convert", "1", "--json"], ["convert", "99999999999999999999", "--json"]),
    (["reject", "1", "--reason", "x", "--json"], ["reject", "1", "--json"]),
    (["reassign", "1", "--pool", "--json"], ["reassign", "1", "--json"]),
    (["assign", "--json"], ["assign", "--limit", "0", "--json"]),
    (["reps", "--json"], ["reps", "--json", "add"]),
    (["import", "{csv}", "--json"], ["import", "{csv}", "--json", "--region"]),
    (["export", "leads", "--format", "json"], ["export", "--format", "json"]),
    (["untouched", "--format", "json"], ["untouched", "--format", "json", "--hours", "nan"]),
    (["funnel", "--format=json"], ["funnel", "--format=json", "--since", "someday"]),
]


def _json_error(err: str) -> dict:
    said = json.loads(_one_line(err))
    assert isinstance(said["error"], str) and said["error"]
    return said


@pytest.mark.parametrize(("failing", "mistaken"), JSON)
def test_with_json_every_error_is_one_json_object_on_stderr(capsys, tmp_path, failing, mistaken):
    path = tmp_path / "typo.db"
    if failing[0] == "import":
        path.write_text("not a database\n")
    code, out, err = run(capsys, "--db", f"sqlite:///{path}", *_argv(failing, tmp_path))
    assert code == 3 and out == ""
    assert _json_error(err)["exit_code"] == 3
    with pytest.raises(SystemExit) as exit_:
        run(capsys, "--db", f"sqlite:///{path}", *_argv(mistaken, tmp_path))
    assert exit_.value.code == 2
    out, err = capsys.readouterr()
    assert out == "" and _json_error(err)["exit_code"] == 2


def _full_target() -> Path:
    full = Path("/dev/full")
    if not full.exists():
        pytest.skip("no /dev/full here")
    return full


def test_an_export_that_cannot_be_written_is_one_line_and_leaves_nothing(capsys, demo_copy):
    url = f"sqlite:///{demo_copy}"
    before = _digest(demo_copy)
    code, out, err = run(capsys, "--db", url, "export", "leads", "-o", str(_full_target()))
    assert code == 1 and out == "" and "No space left on device" in _one_line(err)
    target = demo_copy.parent / "out" / "leads.csv"
    code, _, err = run(capsys, "--db", url, "export", "leads", "-o", str(target))
    assert code == 1 and "No such file or directory" in _one_line(err)
    for own in (demo_copy, Path(f"{demo_copy}-wal")):  # never over the database itself
        code, _, err = run(capsys, "--db", url, "export", "leads", "-o", str(own))
        assert code == 1 and "the database" in _one_line(err)
    assert _digest(demo_copy) == before


def test_an_export_cut_short_leaves_no_file_claimed_complete(capsys, demo_copy, monkeypatch):
    import workstation.store.exports.stream as stream

    target = demo_copy.parent / "leads.csv"
    yesterday = ",".join(stream.export_columns("leads")) + "\n1,yesterday's export\n"
    target.write_text(yesterday)  # an export of ours: the next one may replace it

    real = stream.export_records

    def fails_halfway(engine, kind, out, **options):
        out.write("Id,LastName\n1,Lee\n")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(stream, "export_records", fails_halfway)
    code, _, err = run(
        capsys, "--db", f"sqlite:///{demo_copy}", "export", "leads", "-o", str(target)
    )
    assert code == 1 and "No space left on device" in _one_line(err)
    assert target.read_text() == yesterday  # the old file, whole; no half file
    left = [p.name for p in target.parent.iterdir() if not p.name.startswith("demo.db")]
    assert left == ["leads.csv"]
    monkeypatch.setattr(stream, "export_records", real)
    assert (
        run(capsys, "--db", f"sqlite:///{demo_copy}", "export", "leads", "-o", str(target))[0] == 0
    )
    assert (target.stat().st_mode & 0o777) == 0o600
    assert target.read_text(encoding="utf-8-sig").startswith("Id,")


@pytest.mark.parametrize("where", ["a-file", "dev-full", "missing-parent-of-a-file"])
def test_scripts_export_to_an_unusable_place_is_one_line(capsys, tmp_path, demo_copy, where):
    url = f"sqlite:///{demo_copy}"
    a_file = tmp_path / "notes.txt"
    a_file.write_text("mine\n")
    target = {
        "a-file": a_file,
        "dev-full": _full_target(),
        "missing-parent-of-a-file": a_file / "scripts",
    }[where]
    code, out, err = run(capsys, "--db", url, "scripts", "export", str(target))
    assert code == 1 and out == ""
    assert str(target) in _one_line(err)
    assert a_file.read_text() == "mine\n"


def test_scripts_export_cut_short_writes_no_file(capsys, tmp_path, demo_copy, monkeypatch):
    import workstation.store.scripts.library as library

    calls = {"n": 0}
    real = library.format_script

    def fails_on_the_third(script):
        calls["n"] += 1
        if calls["n"] == 3:
            raise OSError(28, "No space left on device")
        return real(script)

    monkeypatch.setattr(library, "format_script", fails_on_the_third)
    target = tmp_path / "scripts"
    code, _, err = run(capsys, "--db", f"sqlite:///{demo_copy}", "scripts", "export", str(target))
    assert code == 1 and "No space left on device" in _one_line(err)
    assert not target.exists() or list(target.iterdir()) == []


def test_an_errors_file_that_cannot_be_written_is_one_line(capsys, tmp_path, demo_copy):
    rows = tmp_path / "rows.csv"
    rows.write_text("LastName,Company,Email\nLee,,not-an-email\n")
    url = f"sqlite:///{demo_copy}"
    for errors, says in ((_full_target(), "No space left on device"), (demo_copy, "the database")):
        code, out, err = run(capsys, "--db", url, "import", str(rows), "--errors", str(errors))
        assert code == 1 and out == "" and says in _one_line(err)
