"""Call scripts as Markdown files with their questions in front matter: the format of
`workstation scripts import/export` and of the in-app editor. Pure Python, stdlib only.

    ---
    name: Website – Demo Request – script
    campaign: Website – Demo Request
    question: {"key": "budget", "label": "Budget", "type": "yesno"}
    question: {"key": "timeline", "label": "Timeline", "type": "choice", "choices": […]}
    qualify: {"all": ["budget", "timeline"]}
    ---
    ## Opening
    Hi {first_name}, this is {rep} …

One `key: value` line each, so that an error points at the line to fix: `name` once,
`campaign` for each campaign that uses the script (by name), `question` for each question
(a JSON object on one line), `qualify` at most once (the rule; without it, BANT). What
follows the closing `---` is the body, kept byte for byte. `format_script` writes the lines
in that order with `json.dumps`' default spacing: a file in that form comes back from an
import and an export byte for byte.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from workstation.store.errors import StoreError
from workstation.store.scripts.rules import (
    ScriptError,
    question_from_dict,
    questions_from_list,
    rule_from_dict,
)
from workstation.store.scripts.text import unknown_placeholders
from workstation.store.values.text import find_control

FENCE = "---"
MAX_NAME = 120


class ScriptFileError(StoreError):
    """A script file is malformed; the message names the file and the line."""

    def __init__(self, source: str, line: int, problem: str) -> None:
        super().__init__(f"{source} line {line}: {problem}")
        self.source, self.line, self.problem = source, line, problem


@dataclass(frozen=True, slots=True)
class ScriptFile:
    name: str
    body: str
    questions: tuple[dict[str, Any], ...] = ()
    campaigns: tuple[str, ...] = ()
    qualify: dict[str, Any] | None = None
    source: str = ""
    # Where the name and each campaign were written, so the importer can point at a clash.
    name_line: int = field(default=2, compare=False)
    campaign_lines: tuple[int, ...] = field(default=(), compare=False)


def slug(name: str) -> str:
    """A file name for a script: its name in lower case, runs of other characters as "-"."""
    return re.sub(r"[\W_]+", "-", name.lower()).strip("-") or "script"


def decode(data: bytes, source: str) -> str:
    """A file's bytes as text; bad UTF-8 is reported at its line."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise ScriptFileError(source, line, "is not UTF-8 text") from None


def parse_script(text: str, source: str) -> ScriptFile:
    """A script file read and checked; ScriptFileError names the first problem and its line."""
    lines = text.split("\n")
    if lines[0].removeprefix("\ufeff").rstrip("\r") != FENCE:
        raise ScriptFileError(source, 1, f"a script file starts with a {FENCE} line")
    try:
        end = next(i for i in range(1, len(lines)) if lines[i].rstrip("\r") == FENCE)
    except StopIteration:
        raise ScriptFileError(
            source, len(lines), f"the front matter has no closing {FENCE}"
        ) from None
    values: dict[str, Any] = {"campaigns": [], "campaign_lines": [], "questions": []}
    for number in range(2, end + 1):
        _front_line(lines[number - 1].rstrip("\r"), number, source, values)
    if "name" not in values:
        raise ScriptFileError(source, 1, "the front matter needs a `name:` line")
    body = "\n".join(lines[end + 1 :])
    _check_body(body, end + 2, source)
    try:  # each question was checked on its line: what is left to check is the rule
        rule_from_dict(values.get("qualify"), questions_from_list(values["questions"]))
    except ScriptError as error:
        raise ScriptFileError(source, values.get("qualify_line", 1), str(error)) from None
    return ScriptFile(
        name=values["name"],
        body=body,
        questions=tuple(values["questions"]),
        campaigns=tuple(values["campaigns"]),
        qualify=values.get("qualify"),
        source=source,
        name_line=values["name_line"],
        campaign_lines=tuple(values["campaign_lines"]),
    )


def _front_line(line: str, number: int, source: str, values: dict[str, Any]) -> None:
    if not line.strip():
        return
    key, colon, value = line.partition(":")
    key, value = key.strip(), value.strip()
    if not colon or key not in ("name", "campaign", "question", "qualify"):
        raise ScriptFileError(
            source, number, "expected `name:`, `campaign:`, `question:` or `qualify:`"
        )
    if find_control(value, multiline=True) is not None:
        raise ScriptFileError(source, number, "holds a control character")
    if key == "name":
        if "name" in values:
            raise ScriptFileError(source, number, "a script has one name")
        if not value or len(value) > MAX_NAME:
            raise ScriptFileError(source, number, f"the name needs 1–{MAX_NAME} characters")
        values["name"], values["name_line"] = value, number
    elif key == "campaign":
        if not value or value in values["campaigns"]:
            raise ScriptFileError(source, number, "name each campaign once, by its name")
        values["campaigns"].append(value)
        values["campaign_lines"].append(number)
    else:
        try:
            parsed = json.loads(value)
        except json.JSONDecodeError as error:
            raise ScriptFileError(source, number, f"bad JSON: {error.msg}") from None
        if _json_control(parsed):  # written as \u001b, say: as bad as the character itself
            raise ScriptFileError(source, number, "holds a control character")
        if key == "question":
            try:
                question_from_dict(parsed)
                if any(q.get("key") == parsed["key"] for q in values["questions"]):
                    raise ScriptError(f"two questions have the key {parsed['key']!r}")
            except ScriptError as error:
                raise ScriptFileError(source, number, str(error)) from None
            values["questions"].append(parsed)
        elif "qualify" in values:
            raise ScriptFileError(source, number, "a script has one `qualify:` rule")
        else:
            values["qualify"], values["qualify_line"] = parsed, number


def _json_control(value: object) -> bool:
    """Whether any text in a decoded JSON value holds a control character."""
    if isinstance(value, str):
        return find_control(value, multiline=True) is not None
    if isinstance(value, dict):
        return any(_json_control(key) or _json_control(item) for key, item in value.items())
    if isinstance(value, list):
        return any(_json_control(item) for item in value)
    return False


def _check_body(body: str, first_line: int, source: str) -> None:
    if not body.strip():
        raise ScriptFileError(source, first_line, "the script has no text after the front matter")
    for offset, line in enumerate(body.split("\n")):
        if find_control(line.rstrip("\r"), multiline=True) is not None:
            raise ScriptFileError(source, first_line + offset, "holds a control character")
    for offset, name in unknown_placeholders(body):
        raise ScriptFileError(
            source,
            first_line + offset - 1,
            f"unknown placeholder {{{name}}}; use {{first_name}}, {{company}}, {{title}}, "
            "{product}, {rep}, …",
        )


def format_script(script: ScriptFile) -> str:
    """A script as its file: export writes this, import reads it back unchanged."""
    lines = [FENCE, f"name: {script.name}"]
    lines += [f"campaign: {name}" for name in script.campaigns]
    lines += [f"question: {json.dumps(q, ensure_ascii=False)}" for q in script.questions]
    if script.qualify is not None:
        lines.append(f"qualify: {json.dumps(script.qualify, ensure_ascii=False)}")
    return "\n".join([*lines, FENCE, script.body])
