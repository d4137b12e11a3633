"""Generated hostile text through the command line (#23 item 5, its CLI half): whatever a
field holds, and whatever is typed, no escape or control character reaches the terminal,
and nothing typed is stored with one. Bounded by the project's hypothesis profile
(tests/conftest.py: "ci" by default, HYPOTHESIS_PROFILE=slow for many more examples)."""

from __future__ import annotations

import sys

from hypothesis import given
from hypothesis import strategies as st

from tests.cli.test_cli import run
from tests.cli.test_terminal_output import (
    MANAGER,
    REP,
    Terminal,
    _lead_ids,
    _setup_team,
    _store_raw,
    _stored,
    _write_csv,
    assert_safe,
)
from workstation.store.values.text import find_control

PIECES = (
    "\x1b[31m",  # CSI: colour
    "\x1b[2J",  # CSI: clear the screen
    "\x1b]0;pwned\x07",  # OSC: the window title
    "\x1b]52;c;aGk=\x07",  # OSC 52: the clipboard
    "\x1b]8;;https://evil.example\x1b\\",  # OSC 8: a hyperlink
    "\x1bP1$r\x1b\\",  # DCS
    "\x9b31m",  # C1 CSI
    "\x9d0;x\x9c",  # C1 OSC
    "\x1b",
    "\x07",
    "\x08",
    "\r",
    "\n",
    "\t",
    "\x7f",
    "\x85",
    "\u202e",  # right-to-left override
    "\u2066",  # left-to-right isolate
    "\u200b",
    "\ufeff",
    "[bold]",
    "[/]",
    "[@click=app.quit]",
    "漢字",
    "👩‍👩‍👧",
    "e\u0301",
)


def hostile(*, surrogates: bool) -> st.SearchStrategy[str]:
    """Hostile pieces and arbitrary text (lone surrogates only where the text is typed:
    a command line's undecodable bytes), never empty once cleaned ("Zq" first)."""
    free = st.text(
        st.characters(exclude_categories=() if surrogates else ("Cs",), exclude_characters="\x00"),
        max_size=6,
    )
    parts = st.lists(st.one_of(st.sampled_from(PIECES), free), max_size=8)
    return parts.map(lambda chosen: "Zq" + "".join(chosen))


def _to_terminal(capsys, *argv: str) -> tuple[int, str]:
    screen, kept = Terminal(), sys.stdout
    sys.stdout = screen
    try:
        code, _, err = run(capsys, *argv)
    finally:
        sys.stdout = kept
    return code, screen.getvalue() + err


def test_stored_hostile_text_never_reaches_the_terminal(capsys, db_url, tmp_path):
    url = db_url
    _setup_team(capsys, url)
    leads = _write_csv(
        tmp_path / "leads.csv",
        [{"FirstName": "Ann", "LastName": "Lee", "Company": "Acme", "Email": "a@example.com"}],
    )
    assert run(capsys, "--db", url, "--as", MANAGER, "import", str(leads), "--assign")[0] == 0
    (lead,) = _lead_ids(capsys, url)

    @given(value=hostile(surrogates=False))
    def check(value: str) -> None:
        _store_raw(  # as an older version, which cleaned no door, may have stored it
            url,
            [
                (
                    "UPDATE lead SET company = :v, first_name = :v, title = :v, lead_source = :v,"
                    " status = 'Open', is_open = true, lifecycle_stage = 'Lead'",
                    {"v": value},
                ),
                ("UPDATE rep SET email = :v WHERE name = :n", {"v": value, "n": REP}),
            ],
        )
        for argv in (
            ("--as", REP, "next"),
            ("--as", MANAGER, "convert", str(lead), "--dry-run"),
            ("--as", MANAGER, "reps"),
            ("--as", MANAGER, "untouched", "--hours", "0", "--rep", REP),
        ):
            code, out, err = run(capsys, "--db", url, *argv)
            assert code in (0, 1) and out + err, argv
            assert_safe(out + err, " ".join(argv))
        code, shown = _to_terminal(capsys, "--db", url, "export", "leads")
        assert code == 0 and "Zq" in shown
        assert_safe(shown, "export leads at a terminal")

    check()


def test_typed_hostile_text_is_stored_clean_and_shown_safe(capsys, db_url, tmp_path):
    url = db_url
    _setup_team(capsys, url)
    leads = _write_csv(
        tmp_path / "leads.csv",
        [{"FirstName": "Ann", "LastName": "Lee", "Company": "Acme", "Email": "a@example.com"}],
    )
    assert run(capsys, "--db", url, "--as", MANAGER, "import", str(leads), "--assign")[0] == 0
    (lead,) = _lead_ids(capsys, url)
    names = iter(range(10**6))

    @given(value=hostile(surrogates=True))
    def check(value: str) -> None:
        _store_raw(
            url, [("UPDATE lead SET attempt_count = 0, status = 'Open', is_open = true", {})]
        )
        typed = (
            ("reps", "add", f"{value} {next(names)}", "--capacity", "5"),
            ("log", str(lead), "6", "--notes", value),  # 6: a disposition that closes nothing
            ("reassign", str(lead), "--to", MANAGER, "--reason", value),
            ("import", str(leads), "--source", value, "--campaign", value),
        )
        for argv in typed:
            code, out, err = run(capsys, "--db", url, "--as", MANAGER, *argv)
            assert code in (0, 1) and out + err, argv
            assert_safe(out + err, argv[0])
        for query, multiline in (
            ("SELECT name FROM rep", False),
            ("SELECT notes FROM activity", True),
            ("SELECT reason FROM history WHERE reason IS NOT NULL", False),
            ("SELECT name FROM campaign", False),
            ("SELECT lead_source FROM lead", False),
        ):
            for stored in _stored(url, query):
                assert find_control(stored or "", multiline=multiline) is None, (query, stored)

    check()
    assert _stored(url, "SELECT count(*) FROM rep")[0] > 2  # the reps were added
