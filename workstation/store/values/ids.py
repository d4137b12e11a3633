"""Record ids as people type them: whole numbers a database id column can hold (a signed
64-bit integer on SQLite and PostgreSQL alike). A number outside that range would reach the
driver as an OverflowError, or match nothing in a way that reads like a missing record."""

from __future__ import annotations

from workstation.store.errors import StoreError

MAX_ID = 2**63 - 1


class BadId(StoreError):
    """Text that cannot be a record's id."""


def read_id(text: str, *, what: str = "an id") -> int:
    """`text` as an id from 1 to `MAX_ID`, or one line saying what ids are."""
    try:
        number = int(text.strip())
    except ValueError:
        raise BadId(f"{text!r} is not {what} (a whole number)") from None
    if not 1 <= number <= MAX_ID:
        raise BadId(f"{text.strip()} is not {what}: ids run from 1 to {MAX_ID}")
    return number
