"""The script file format: written back byte for byte, and every malformed file reported
with its name and the line to fix."""

from __future__ import annotations

import pytest

from workstation.store.scripts.files import (
    ScriptFileError,
    decode,
    format_script,
    parse_script,
    slug,
)
from workstation.store.scripts.for_record import DEFAULT_SCRIPT, default_script

CUSTOM = """---
name: Événements – Zürich ★
campaign: Alpha Launch
campaign: Beta Webinar
question: {"key": "budget", "label": "Budget", "type": "yesno", "points": 20}
question: {"key": "eu", "label": "EU", "type": "choice", "choices": ["EU", "US"], "points": 5}
question: {"key": "seats", "label": "Seats", "type": "number", "favourable": {"min": 5, "max": 500}}
qualify: {"all": ["budget"], "any": ["eu", "seats"]}
---
# Hello {first_name}

Windows line ends stay as they are.\r
Trailing spaces too.   \t
No newline at the end: {product}"""


@pytest.mark.parametrize("text", [DEFAULT_SCRIPT, CUSTOM], ids=["default", "custom"])
def test_a_file_in_the_written_form_comes_back_byte_for_byte(text):
    parsed = parse_script(text, "x.md")
    assert format_script(parsed) == text


def test_what_a_file_holds():
    parsed = parse_script(CUSTOM, "custom.md")
    assert parsed.name == "Événements – Zürich ★"
    assert parsed.campaigns == ("Alpha Launch", "Beta Webinar")
    assert parsed.campaign_lines == (3, 4)
    assert [q["key"] for q in parsed.questions] == ["budget", "eu", "seats"]
    assert parsed.qualify == {"all": ["budget"], "any": ["eu", "seats"]}
    assert parsed.body.startswith("# Hello {first_name}\n")
    assert default_script().questions[0] == {"key": "budget", "label": "Budget", "type": "yesno"}


def test_blank_front_matter_lines_and_crlf_are_read():
    text = '---\r\nname: Plain\r\n\r\nqualify: {"all": []}\r\n---\r\nBody\r\n'
    with pytest.raises(ScriptFileError) as error:
        parse_script(text, "crlf.md")
    assert (error.value.line, str(error.value)) == (
        4, "crlf.md line 4: the rule names no questions, so nobody could ever qualify"
    )  # fmt: skip
    assert parse_script("---\r\nname: Plain\r\n---\r\nBody\r\n", "ok.md").name == "Plain"


def _lines(*lines: str) -> str:
    return "\n".join(lines)


GOOD_Q = 'question: {"key": "budget", "label": "Budget", "type": "yesno"}'
BROKEN = [
    ("no opening", _lines("name: X", "---", "Body"), 1, "starts with a --- line"),
    ("no closing", _lines("---", "name: X", "Body"), 3, "no closing ---"),
    ("no name", _lines("---", GOOD_Q, "---", "Body"), 1, "needs a `name:` line"),
    ("two names", _lines("---", "name: X", "name: Y", "---", "Body"), 3, "one name"),
    ("long name", _lines("---", "name: " + "x" * 121, "---", "Body"), 2, "1–120 characters"),
    ("bad key", _lines("---", "name: X", "questions: []", "---", "Body"), 3, "expected `name:`"),
    ("no colon", _lines("---", "name: X", "just text", "---", "Body"), 3, "expected `name:`"),
    ("bad json", _lines("---", "name: X", GOOD_Q, 'question: {"key": "x",', "---", "B"), 4,
     "bad JSON"),
    ("bad question", _lines("---", "name: X", 'question: {"key": "x", "label": "X", '
                            '"type": "maybe"}', "---", "B"), 3, "has type 'maybe'"),
    ("same key", _lines("---", "name: X", GOOD_Q, GOOD_Q, "---", "B"), 4, "two questions"),
    ("same campaign", _lines("---", "name: X", "campaign: A", "campaign: A", "---", "B"), 4,
     "each campaign once"),
    ("two rules", _lines("---", "name: X", GOOD_Q, 'qualify: {"all": ["budget"]}',
                         'qualify: {"all": ["budget"]}', "---", "B"), 5, "one `qualify:`"),
    ("rule", _lines("---", "name: X", GOOD_Q, 'qualify: {"all": ["budgte"]}', "---", "B"), 4,
     "'budgte', which is not one of the questions"),
    ("placeholder", _lines("---", "name: X", "---", "Hi {first_name}", "", "As {titel}?"), 6,
     "unknown placeholder {titel}"),
    ("control", _lines("---", "name: X", "---", "ok", "bell \x07 here"), 5, "control character"),
    ("escape in name", _lines("---", "name: X\x1b[31m", "---", "Body"), 2, "control character"),
    ("empty body", _lines("---", "name: X", "---", "  ", ""), 4, "no text after"),
]  # fmt: skip


@pytest.mark.parametrize(("text", "line", "problem"), [b[1:] for b in BROKEN],
                         ids=[b[0] for b in BROKEN])  # fmt: skip
def test_a_malformed_file_is_reported_with_its_name_and_line(text, line, problem):
    with pytest.raises(ScriptFileError) as error:
        parse_script(text, "broken.md")
    assert error.value.line == line
    assert str(error.value).startswith(f"broken.md line {line}: ")
    assert problem in error.value.problem


def test_bad_utf8_is_reported_at_its_line():
    with pytest.raises(ScriptFileError, match=r"latin1\.md line 3: is not UTF-8 text"):
        decode("---\nname: X\nCaf\xe9\n".encode("latin-1"), "latin1.md")
    assert decode(b"---\n", "ok.md") == "---\n"


def test_slugs_name_the_exported_files():
    assert slug("Website – Demo Request – script") == "website-demo-request-script"
    assert slug("Événements / Zürich") == "événements-zürich"
    assert slug("***") == "script"
