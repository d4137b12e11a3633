"""A script's text: its sections (objections among them), its placeholders filled from the
record without letting the record's text become Markdown, and the campaign's email template
rendered with the same placeholders. Pure Python: no database, no Textual.

A record's values are untrusted. Before one goes into the Markdown, every ASCII punctuation
character in it is backslash-escaped (CommonMark lets any of them be) and its line breaks
become spaces, so `[bold]Eve[/bold]`, `*x*`, `# h`, `<b>` or `[a](http://x)` stay text. The
email is plain text, so it gets the values as they are, with line breaks made spaces (a
newline in a subject would start a header).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import quote, urlencode

PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")
PLACEHOLDERS = {
    "first_name": "first name",
    "last_name": "last name",
    "name": "name",
    "title": "title",
    "company": "company",
    "email": "email",
    "phone": "phone",
    "industry": "industry",
    "city": "city",
    "state": "state",
    "country": "country",
    "product": "product",
    "campaign": "campaign",
    "lead_source": "lead source",
    "offer": "offer",
    "rep": "rep",
}
_PUNCTUATION = re.compile(r"([!-/:-@\[-`{-~])")
_HEADING = re.compile(r"#{1,6}(?:[ \t]+(.*?))?[ \t#]*$")
_OBJECTION = re.compile(r"objections?\b\s*:?\s*(.*)", re.IGNORECASE)
_FENCE = re.compile(r"(`{3,}|~{3,})")


@dataclass(frozen=True, slots=True)
class Section:
    title: str  # the heading's text; "" for what comes before the first heading
    template: str  # Markdown with {placeholders}, its heading line included
    objection: str | None  # "Too expensive" for "## Objection: Too expensive"


@dataclass(frozen=True, slots=True)
class Email:
    subject: str
    body: str

    def as_text(self) -> str:
        return f"Subject: {self.subject}\n\n{self.body}" if self.subject else self.body


def unknown_placeholders(text: str) -> list[tuple[int, str]]:
    """(line number from 1, name) of each {placeholder} nobody fills."""
    return [
        (number, name)
        for number, line in enumerate(text.split("\n"), start=1)
        for name in PLACEHOLDER.findall(line)
        if name not in PLACEHOLDERS
    ]


def escape_markdown(value: str) -> str:
    """`value` as Markdown that renders to exactly its text (on one line)."""
    return _PUNCTUATION.sub(r"\\\1", " ".join(value.split()))


def fill_markdown(template: str, values: Mapping[str, str | None]) -> str:
    """The template with each known placeholder replaced by its escaped value; a missing
    value shows as an italic "(no title)" so the rep sees the gap instead of a blank."""

    def one(match: re.Match) -> str:
        name = match.group(1)
        if name not in PLACEHOLDERS:
            return escape_markdown(match.group(0))
        value = values.get(name)
        if not value or not value.strip():
            return f"*(no {PLACEHOLDERS[name]})*"
        return escape_markdown(value)

    return PLACEHOLDER.sub(one, template)


def fill_plain(template: str, values: Mapping[str, str | None]) -> str:
    """The template with each known placeholder replaced by its value, for plain text."""

    def one(match: re.Match) -> str:
        name = match.group(1)
        if name not in PLACEHOLDERS:
            return match.group(0)
        return " ".join((values.get(name) or "").split())

    return PLACEHOLDER.sub(one, template)


def sections(body: str) -> tuple[Section, ...]:
    """The body split at its headings (not at a "#" inside a fenced code block)."""
    found: list[tuple[str, list[str]]] = [("", [])]
    fence: str | None = None
    for line in body.split("\n"):
        stripped = line.strip()
        opener = _FENCE.match(stripped)
        if opener and (fence is None or stripped.startswith(fence)):
            fence = None if fence else opener.group(1)
        heading = None if fence or line[:1] != "#" else _HEADING.fullmatch(line)
        if heading:
            found.append(((heading.group(1) or "").strip(), []))
        found[-1][1].append(line)
    result = []
    for title, lines in found:
        text = "\n".join(lines).strip("\n")
        if not text:
            continue
        objection = _OBJECTION.fullmatch(title)
        named = objection.group(1).strip() if objection else None
        result.append(Section(title, text, (named or title) if objection else None))
    return tuple(result)


def render_email(template: str, values: Mapping[str, str | None]) -> Email:
    """A campaign's email template filled in; a first line "Subject: …" is the subject."""
    text = fill_plain(template, values)
    first, _, rest = text.partition("\n")
    if first.lower().startswith("subject:"):
        return Email(first[len("subject:") :].strip(), rest.lstrip("\n"))
    return Email("", text)


def mailto_url(to: str | None, email: Email) -> str:
    """A mailto: URL (RFC 6068): every part percent-encoded, line breaks as CRLF."""
    query = {
        "subject": email.subject,
        "body": email.body.replace("\r\n", "\n").replace("\n", "\r\n"),
    }
    encoded = urlencode({k: v for k, v in query.items() if v}, quote_via=quote)
    address = quote(" ".join((to or "").split()), safe="@")
    return f"mailto:{address}?{encoded}" if encoded else f"mailto:{address}"
