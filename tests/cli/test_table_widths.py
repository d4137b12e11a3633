"""The command line's tables line up in a terminal whatever the names hold: CJK (山田太郎
takes eight cells, not four characters), emoji, accents, and suffixes such as "(left)"."""

from __future__ import annotations

from datetime import datetime, timedelta

from rich.cells import cell_len

from tests.cli.test_cli import run
from tests.factories import NOW
from workstation.tables import fit, table_lines

WIDE, EMOJI, PLAIN = "山田太郎", "Zoë 👩‍💻 Ng", "Bob Smith"


def test_columns_are_measured_in_terminal_cells():
    lines = table_lines([("Rep", "Calls"), (WIDE, "3"), (EMOJI, "12"), ("é" * 3, "1")], right={1})
    assert {cell_len(line) for line in lines} == {cell_len(EMOJI) + 2 + 5}
    assert cell_len(fit(WIDE, 5)) == 5 and fit(WIDE, 5) == "山田…"
    assert fit("Ann", 5) == "Ann  "


def _ok(capsys, *argv: str, at: datetime = NOW) -> str:
    code, out, err = run(capsys, *argv, at=at)
    assert code == 0, err
    return out


def test_reps_untouched_and_funnel_line_up(capsys, sqlite_url, tmp_path):
    db = ("--db", sqlite_url)
    _ok(capsys, *db, "reps", "add", WIDE, "--role", "manager", "--email", "taro@x.example")
    manager = (*db, "--as", WIDE)
    for name, email in ((EMOJI, "zoe1@x.example"), (PLAIN, "bob1@x.example")):
        _ok(capsys, *manager, "reps", "add", name, "--email", email)
    leads = tmp_path / "leads.csv"
    leads.write_text(
        "LastName,Company,Email\n" + "".join(f"L{n},Acme,l{n}@acme.example\n" for n in range(9)),
        encoding="utf-8",
    )
    _ok(capsys, *manager, "import", str(leads))
    _ok(capsys, *manager, "assign")
    _ok(capsys, *manager, "reps", "set", PLAIN, "--inactive")

    reps = _ok(capsys, *manager, "reps").splitlines()
    assert len({cell_len(line.split("@")[0]) for line in reps}) == 1, reps

    later = NOW + timedelta(days=2)
    untouched = _ok(capsys, *manager, "untouched", "--hours", "1", at=later).splitlines()
    table = [line for line in untouched[1:] if line]
    assert any("(left)" in line for line in table) and any(WIDE in line for line in table)
    assert len({cell_len(line) for line in table}) == 1, table

    listed = _ok(
        capsys, *manager, "untouched", "--hours", "1", "--rep", EMOJI, at=later
    ).splitlines()
    rows = listed[listed.index("") + 1 :]
    assert len({cell_len(line.split("Acme")[0]) for line in rows[1:]}) == 1, rows

    funnel = _ok(capsys, *manager, "funnel").splitlines()
    section = funnel[funnel.index("Rep activity") + 1 :]
    section = section[: section.index("")] if "" in section else section
    names = [line for line in section if line.startswith((WIDE, EMOJI, PLAIN, "Rep"))]
    assert len(names) >= 3 and len({cell_len(line) for line in names}) == 1, names
