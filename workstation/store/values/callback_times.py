"""Callback times as people type them: "+1h", "+30m", "+2d", "tomorrow 09:00", "14:30",
"2026-11-24 09:00" or full ISO-8601. Clock times are in the lead's own time zone (that is
when the lead will pick up), else UTC; the result is always UTC. A callback is booked at
most `HORIZON` ahead: a time further out is a typing slip, refused with one line."""

from __future__ import annotations

import re
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from workstation.store.errors import StoreError

_RELATIVE = re.compile(r"^\+\s*(\d+)\s*(m|min|h|d)$")
_UNITS = {"m": "minutes", "min": "minutes", "h": "hours", "d": "days"}
_CLOCK = re.compile(r"^(\d{1,2}):(\d{2})$")
HORIZON = timedelta(days=366)


class BadTime(StoreError):
    """A time that could not be read."""


def _zone(name: str | None) -> ZoneInfo:
    try:
        return ZoneInfo(name) if name else ZoneInfo("UTC")
    except (KeyError, ValueError):
        return ZoneInfo("UTC")


def _clock(text: str) -> time:
    match = _CLOCK.match(text)
    if not match or int(match[1]) > 23 or int(match[2]) > 59:
        raise BadTime(f"{text!r} is not a time of day like 09:00")
    return time(int(match[1]), int(match[2]))


def parse_when(text: str, *, now: datetime, zone: str | None = None) -> datetime:
    try:
        moment = _read(text, now=now, zone=zone)
    except OverflowError:  # past the calendar's end: further than any horizon
        moment = None
    if moment is None or moment - now > HORIZON:
        raise BadTime(f"{text.strip()!r} is more than a year ahead: book a callback within a year")
    return moment


def _read(text: str, *, now: datetime, zone: str | None) -> datetime:
    value = text.strip().lower()
    local_zone = _zone(zone)
    local_now = now.astimezone(local_zone)
    relative = _RELATIVE.match(value)
    if relative:
        return now + timedelta(**{_UNITS[relative[2]]: int(relative[1])})
    if value.startswith("tomorrow"):
        clock = _clock(value.removeprefix("tomorrow").strip() or "09:00")
        day = local_now.date() + timedelta(days=1)
        return datetime.combine(day, clock, local_zone).astimezone(UTC)
    if _CLOCK.match(value):
        moment = datetime.combine(local_now.date(), _clock(value), local_zone)
        if moment <= local_now:
            moment += timedelta(days=1)  # "14:30" typed at 16:00 means tomorrow
        return moment.astimezone(UTC)
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        raise BadTime(
            f"can't read {text!r} as a time: use +1h, +30m, +2d, tomorrow 09:00, 14:30 "
            "or 2026-11-24 09:00"
        ) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=local_zone)
    return moment.astimezone(UTC)
