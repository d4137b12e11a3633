"""The new opportunity's terms as the rep types them in the wizard (or on the command
line): its name, its amount and its close date, each checked with one clear line."""

from __future__ import annotations

import re
from datetime import date, timedelta

from workstation.store.conversion.rules import ConversionRefused

MOST_CENTS = 10**13 - 1  # $99,999,999,999.99: more is a typing slip
FURTHEST = timedelta(days=10 * 366)
_AMOUNT = re.compile(r"^\$?\s*(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d{1,2}))?$")


def check_name(text: str) -> str:
    name = " ".join(text.split())
    if not name:
        raise ConversionRefused("the opportunity needs a name")
    if len(name) > 255:
        raise ConversionRefused(f"an opportunity's name is at most 255 characters, not {len(name)}")
    return name


def parse_amount(text: str) -> int:
    """Cents, from "$1,250.50", "1250.5" or "0"."""
    match = _AMOUNT.match(text.strip())
    if match is None:
        raise ConversionRefused(f"{text.strip()!r} is not an amount like 1250 or $1,250.50")
    cents = int(match[1].replace(",", "")) * 100 + int((match[2] or "0").ljust(2, "0"))
    return check_amount(cents)


def check_amount(cents: int) -> int:
    if not 0 <= cents <= MOST_CENTS:
        raise ConversionRefused("an opportunity's amount is $0 to $99,999,999,999.99")
    return cents


def parse_close_date(text: str, *, today: date) -> date:
    """A date like 2026-12-31."""
    try:
        day = date.fromisoformat(text.strip())
    except ValueError:
        raise ConversionRefused(f"{text.strip()!r} is not a date like 2026-12-31") from None
    return check_close_date(day, today=today)


def check_close_date(day: date, *, today: date) -> date:
    if day < today:
        raise ConversionRefused(f"the close date {day} has passed: a new opportunity closes later")
    if day > today + FURTHEST:
        raise ConversionRefused(f"the close date {day} is more than ten years away")
    return day
