"""What a rep types into a search, as the index reads it: words (each a prefix of a word of
the record), or a phone number's digits in any format, and which field of a found record
each matched. Plain Python: both databases' queries are built from it."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

# A text of digits and the characters phone numbers are written with is a phone number.
_PHONE = re.compile(r"[+(]?\d[\d\s().\-/]*")
_WORD = re.compile(r"\w+")
# Words this long or longer may be misspelt: shorter ones match too much when fuzzy.
FUZZY_FROM = 4
SHORTEST_PHONE = 3


@dataclass(frozen=True, slots=True)
class Terms:
    words: tuple[str, ...]  # folded: lower case, no accents
    digits: str | None  # a phone fragment's digits, leading zeros (trunk prefix) dropped
    # The digits as typed when they began with zeros: "0023498" may be the end of a number
    # (…40023498) as well as a trunk prefix, and a number holding them is looked for first.
    as_typed: str | None = None

    @property
    def empty(self) -> bool:
        return not self.words and not self.digits


def fold(text: str) -> str:
    """Lower case without accents, as the index's tokenizer folds it."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def parse(text: str) -> Terms:
    text = text.strip()
    if _PHONE.fullmatch(text):
        typed = re.sub(r"\D", "", text)
        digits = typed.lstrip("0")
        if len(digits) >= SHORTEST_PHONE:
            return Terms((), digits, typed if typed != digits else None)
    return Terms(tuple(_WORD.findall(fold(text))), None)


def words_of(value: str | None) -> list[str]:
    return _WORD.findall(fold(value or ""))


def digits_of(value: str | None) -> str:
    return re.sub(r"\D", "", value or "")


def matched_fields(terms: Terms, fields: dict[str, str | None]) -> tuple[str, ...]:
    """The fields (of `fields`, by label) in which the terms were found: a phone by its
    digits, any other field when one of its words starts with one of the terms."""
    if terms.digits:
        return tuple(
            label for label, value in fields.items()
            if label == "phone" and terms.digits in digits_of(value)
        )  # fmt: skip
    found = []
    for label, value in fields.items():
        words = words_of(value)
        if any(word.startswith(term) for term in terms.words for word in words):
            found.append(label)
    return tuple(found)


# Words are looked for in the fields of words: the phone column holds digit suffixes,
# which a word of digits ("Firm 007") would otherwise match as a phone.
WORD_COLUMNS = "{name company email}"


def fts_query(terms: Terms) -> str:
    """SQLite FTS5: every word as a prefix (all of them must match), or the phone column."""
    if terms.digits:
        return f'phone : "{terms.digits}"*'
    return in_word_columns([f'"{word}"*' for word in terms.words])


def in_word_columns(parts: list[str]) -> str:
    return f"{WORD_COLUMNS} : ({' AND '.join(parts)})"


def word_start(term: str) -> str:
    """PostgreSQL: a regular expression for a word starting with `term` (letters, digits
    and _ only, none of them special)."""
    return f"(^|[^[:alnum:]]){term}"


def like_pattern(term: str) -> str:
    """PostgreSQL: `term` anywhere, its wildcards taken literally."""
    escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"
