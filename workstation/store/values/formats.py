"""Values read as the file that holds them means them, by both importers (a CSV file and a
Salesforce export): dates, flags and numbers.

- Dates: ISO 8601 and Salesforce's form (`2024-01-19T09:42:24.000+0000`, with or without
  milliseconds or zone; no zone is UTC); a spreadsheet's re-saved form (`02/24/26 02:18 AM`,
  `23.02.2026 14:05`), month first as Excel writes it in the US unless the first number
  cannot be a month; Excel's serial day numbers (`45345`, days since 1899-12-30). With a
  `date_format` (`--date-format "%d/%m/%Y"`) a date that is neither ISO nor a serial number
  is read by that format, with or without a time after it, and by nothing else.
- Flags: true as TRUE, yes, y, 1, x, on, checked, ✓; false as FALSE, no, n, 0, off, blank.
- Numbers: `1,200,000`, `1.200.000,50`, `1 200,50`, `1'000`, `$1,234.56`, `(12)`. When
  both marks appear, the last one is the decimal mark; one mark written several times
  groups thousands; a single mark followed by exactly three digits (`1.200`, `1,200`) is
  what `decimal` says the file uses (the importers take `,` for a `;`-separated file, as
  European spreadsheets write them, unless told); any other single mark is the decimal one.

A value that is none of these raises `BadValue` (`NotADate` for dates) naming it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal, InvalidOperation

from workstation.store.values.text import BadValue


class NotADate(BadValue):
    """A date cell in no form the file's dates are read in."""


@dataclass(frozen=True, slots=True)
class Formats:
    date_format: str | None = None  # strptime's, for dates that are not ISO
    decimal: str = "."  # the decimal mark of a number that leaves it open ("1.200")

    def __post_init__(self) -> None:
        if self.decimal not in (".", ","):
            raise BadValue(f"--decimal {self.decimal!r}: the decimal mark is . or ,")
        if self.date_format is not None:
            probe = datetime(2001, 2, 3, 4, 5, 6)
            if not any(c in self.date_format for c in ("%d", "%m", "%b", "%B", "%j", "%y", "%Y")):
                raise BadValue(
                    f"--date-format {self.date_format!r} names no day, month or year: write it "
                    'as strptime does, such as "%d/%m/%Y" or "%d.%m.%y %H:%M"'
                )
            try:
                datetime.strptime(probe.strftime(self.date_format), self.date_format)
            except ValueError as error:
                raise BadValue(f"--date-format {self.date_format!r}: {error}") from None


# 02/23/26, 2/3/2026, 02/24/26 02:18 AM, 23.02.2026 14:05, 2026/02/23 is ISO-like: not here.
_SPREADSHEET = re.compile(
    r"(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4}|\d{2})"
    r"(?:[ T]+(\d{1,2}):(\d{2})(?::(\d{2}))?\s*([AaPp][Mm])?)?"
)
_SERIAL = re.compile(r"\d{4,5}(?:\.\d+)?")
_EXCEL_EPOCH = datetime(1899, 12, 30)
_SERIAL_RANGE = (10_000, 109_575)  # 1927 to 2199: a plain number outside is no date
_TIME_AFTER = ("", " %H:%M", " %H:%M:%S", " %I:%M %p", " %I:%M:%S %p", "T%H:%M:%S")


def read_datetime(text: str, formats: Formats) -> datetime | None:
    """The time `text` holds as an aware UTC time; None when blank; NotADate otherwise."""
    text = text.strip()
    if not text:
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        moment = _written(text, formats)
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def read_date(text: str, formats: Formats) -> date | None:
    """The day `text` holds (a timestamp's own day, not UTC's); None when blank."""
    text = text.strip()
    if not text:
        return None
    try:
        return datetime.fromisoformat(text).date()
    except ValueError:
        return _written(text, formats).date()


def _written(text: str, formats: Formats) -> datetime:
    if _SERIAL.fullmatch(text) and _SERIAL_RANGE[0] <= float(text) < _SERIAL_RANGE[1]:
        return _EXCEL_EPOCH + timedelta(days=float(text))
    if formats.date_format is not None:
        for suffix in _TIME_AFTER:
            try:
                return datetime.strptime(text, formats.date_format + suffix)
            except ValueError:
                continue
        raise NotADate(f"{text!r} is not a date in --date-format {formats.date_format!r}")
    match = _SPREADSHEET.fullmatch(text)
    if match is None:
        raise NotADate(f"{text!r} is not a date")
    first, second, year, hour, minute, seconds, half = match.groups()
    month, day = int(first), int(second)
    if month > 12:
        month, day = day, month
    full_year = int(year) + (2000 if int(year) < 70 else 1900) if len(year) == 2 else int(year)
    hours = int(hour or 0)
    if half:
        if not 1 <= hours <= 12:
            raise NotADate(f"{text!r} is not a date")
        hours = hours % 12 + (12 if half.lower() == "pm" else 0)
    try:
        return datetime(full_year, month, day, hours, int(minute or 0), int(seconds or 0))
    except ValueError:
        raise NotADate(f"{text!r} is not a date") from None


_TRUE = frozenset("true t yes y 1 x on checked ✓ ✔".split())
_FALSE = frozenset("false f no n 0 off unchecked".split()) | {""}


def read_flag(text: str, label: str) -> bool:
    """A checkbox's value; BadValue naming `label` when it is neither true nor false."""
    value = text.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise BadValue(f"{label} {text.strip()!r} is neither true nor false")


_GROUPING = re.compile(r"[\s\u00a0\u202f']")
_CURRENCY = re.compile(r"^(?:[$€£¥]|usd|eur|gbp)\s*|\s*(?:[$€£¥]|usd|eur|gbp)$", re.IGNORECASE)
_MARKED = re.compile(r"[0-9]*(?:[.,][0-9]*)*")
_GROUPED = re.compile(r"[1-9][0-9]{0,2}(?:x[0-9]{3})+")


def read_number(text: str, label: str, formats: Formats) -> Decimal | None:
    """The number `text` holds, exactly; None when blank (see the module docstring)."""
    written = text.strip()
    if not written:
        return None
    body = _CURRENCY.sub("", written).strip()
    negative = body.startswith("-") or (body.startswith("(") and body.endswith(")"))
    body = _GROUPING.sub("", body.strip("()").lstrip("+-"))
    if not body or not _MARKED.fullmatch(body) or not any(c.isdigit() for c in body):
        raise BadValue(f"{label} {written!r} is not a number")
    mark = _decimal_mark(body, formats.decimal)
    integer, fraction = body, ""
    if mark:
        integer, _, fraction = body.rpartition(mark)
        if not (integer or fraction) or (fraction and not fraction.isdigit()):
            raise BadValue(f"{label} {written!r} is not a number")
        group = "," if mark == "." else "."
    else:
        group = "," if "," in body else "." if "." in body else ""
    if group and group in integer:
        if not _GROUPED.fullmatch(integer.replace(group, "x")):
            raise BadValue(f"{label} {written!r} is not a number: its thousands are not grouped")
        integer = integer.replace(group, "")
    if not integer.isdigit() and integer:
        raise BadValue(f"{label} {written!r} is not a number")
    try:
        number = Decimal(f"{'-' if negative else ''}{integer or '0'}.{fraction or '0'}")
    except InvalidOperation:
        raise BadValue(f"{label} {written!r} is not a number") from None
    return number if fraction else number.quantize(Decimal(1))


def _decimal_mark(body: str, decimal: str) -> str | None:
    """Which of . and , is the decimal mark in `body` (digits and marks), or None."""
    dots, commas = body.count("."), body.count(",")
    if dots and commas:
        return "." if body.rfind(".") > body.rfind(",") else ","
    if dots + commas == 0:
        return None
    mark = "." if dots else ","
    if dots + commas > 1:
        return None  # one mark several times: thousands
    head, _, tail = body.partition(mark)
    if len(tail) == 3 and 1 <= len(head) <= 3 and not head.startswith("0"):
        return mark if mark == decimal else None  # "1.200": as the file writes numbers
    return mark


_MOST = 2**31


def read_count(text: str, label: str, formats: Formats) -> int | None:
    """A whole number of 0 or more, such as an employee count; None when blank."""
    try:
        number = read_number(text, label, formats)
    except BadValue:
        number = Decimal("0.5")
    if number is None:
        return None
    if number != number.to_integral_value() or not 0 <= number < _MOST:
        raise BadValue(f"{label} {text.strip()!r} is not a whole number of 0 or more")
    return int(number)


def read_cents(text: str, label: str, formats: Formats) -> int | None:
    """An amount of money in whole cents, exactly; None when blank."""
    number = read_number(text, label, formats)
    return None if number is None else int((number * 100).to_integral_value())
