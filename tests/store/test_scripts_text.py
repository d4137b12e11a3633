"""A script's text: placeholders filled so that a record's values stay text whatever they
hold, sections and objections found, the email template rendered and its mailto: URL."""

from __future__ import annotations

from urllib.parse import parse_qs, unquote, urlsplit

import pytest
from markdown_it import MarkdownIt

from workstation.store.scripts.text import (
    Email,
    escape_markdown,
    fill_markdown,
    mailto_url,
    render_email,
    sections,
    unknown_placeholders,
)

HOSTILE = [
    "[bold]Eve[/bold] [@click=app.quit]x[/]",
    "*Eve* _x_ **y** ~~z~~",
    "# Heading",
    "1. item",
    "- item",
    "+ item",
    "> quote",
    "<script>alert(1)</script>",
    "[link](http://evil.example)",
    "![img](http://evil.example/y.png)",
    "<http://evil.example>",
    "`code` ``x``",
    "&amp; &#x41; &copy",
    "back\\slash \\[ \\*",
    "{company} {rep}",
    "=====",
    "---",
    "| a | b |",
    "O'Brien & Söhne – Zürich",
]


def _rendered(markdown: str) -> tuple[str, set[str]]:
    """The text markdown-it renders `markdown` to, and the kinds of inline tokens it made."""
    kinds: set[str] = set()
    paragraphs: list[str] = []
    for block in MarkdownIt().enable("strikethrough").enable("table").parse(markdown):
        if block.type not in ("paragraph_open", "paragraph_close", "inline"):
            kinds.add(block.type)
        texts = []
        for child in block.children or []:
            kinds.add(child.type)
            texts.append({"text": child.content, "softbreak": "\n"}.get(child.type, ""))
        if block.type == "inline":
            paragraphs.append("".join(texts))
    return "\n".join(paragraphs), kinds


@pytest.mark.parametrize("value", HOSTILE)
def test_a_hostile_value_renders_as_its_own_text(value):
    markdown = fill_markdown("{first_name}\n\nHello {first_name}, from {company}.", {
        "first_name": value,
        "company": value,
    })  # fmt: skip
    text, kinds = _rendered(markdown)
    assert text == f"{value}\nHello {value}, from {value}."
    assert kinds == {"text"}  # no heading, link, emphasis, html, code, list, entity …


def test_line_breaks_in_a_value_cannot_start_a_new_block():
    value = "Eve\n# Not a heading\n\n- nor a list"
    text, kinds = _rendered(fill_markdown("Hi {first_name}", {"first_name": value}))
    assert text == "Hi Eve # Not a heading - nor a list"
    assert kinds == {"text"}


def test_the_scripts_own_markdown_still_works_around_the_values():
    markdown = fill_markdown("## Opening\n*Hi* {first_name}", {"first_name": "**Eve**"})
    assert markdown == "## Opening\n*Hi* \\*\\*Eve\\*\\*"
    _, kinds = _rendered(markdown)
    assert {"heading_open", "em_open"} <= kinds and "strong_open" not in kinds


def test_missing_values_show_as_gaps_and_unknown_names_stay_literal():
    markdown = fill_markdown("As {title} at {company}: {nonsense}", {"title": "", "company": None})
    assert markdown == "As *(no title)* at *(no company)*: \\{nonsense\\}"


def test_escape_markdown_leaves_letters_and_digits_alone():
    assert escape_markdown("Zoë 42") == "Zoë 42"
    assert escape_markdown("a.b-c") == "a\\.b\\-c"


def test_unknown_placeholders_are_found_with_their_lines():
    body = "Hi {first_name}\n{frist_name} and {company}\n{bogus}"
    assert unknown_placeholders(body) == [(2, "frist_name"), (3, "bogus")]


def test_sections_split_at_headings_and_name_objections():
    body = (
        "Intro line\n\n## Opening\nHi\n```\n# not a heading in code\n```\n"
        "## Objection: Too expensive\nAsk why.\n### Objections\n- one\n#hashtag stays\n"
    )
    found = sections(body)
    assert [s.title for s in found] == ["", "Opening", "Objection: Too expensive", "Objections"]
    assert [s.objection for s in found] == [None, None, "Too expensive", "Objections"]
    assert "# not a heading in code" in found[1].template
    assert found[3].template.endswith("#hashtag stays")


def test_the_email_template_is_plain_text_with_a_subject():
    email = render_email(
        "Subject: {product} for {company}\n\nHi {first_name},\n\n{rep}\n",
        {"product": "Dialer Pro", "company": "A&B\nBcc: spy@evil.example", "first_name": "*Eve*",
         "rep": "Riley Rep"},
    )  # fmt: skip
    assert email == Email("Dialer Pro for A&B Bcc: spy@evil.example", "Hi *Eve*,\n\nRiley Rep\n")
    assert email.as_text().startswith("Subject: Dialer Pro for A&B")


def test_a_template_without_a_subject_line_is_all_body():
    assert render_email("Hello {first_name}", {"first_name": "Eve"}) == Email("", "Hello Eve")


def test_mailto_quotes_every_part():
    email = Email("Q&A? 100% sure", "Line 1\nLine 2 & more=yes")
    url = mailto_url("eve+sales@example.com?cc=spy@evil.example", email)
    parts = urlsplit(url)
    assert parts.scheme == "mailto"
    assert unquote(parts.path) == "eve+sales@example.com?cc=spy@evil.example"
    assert "?" not in parts.path and "&" not in parts.path
    query = parse_qs(parts.query)
    assert query == {"subject": ["Q&A? 100% sure"], "body": ["Line 1\r\nLine 2 & more=yes"]}
    assert "+" not in parts.query  # spaces are %20: mail clients read + literally


def test_mailto_without_an_address_or_subject():
    assert mailto_url(None, Email("", "Hi")) == "mailto:?body=Hi"
