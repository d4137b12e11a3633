"""Call durations as a rep reads and types them: "1:05" (minutes:seconds), "1:02:03",
"95" (seconds), "2m", "1m30s", "90s". A call lasts at most `LONGEST`: anything longer is a
typing slip, refused with one line."""

from __future__ import annotations

import re

from workstation.store.errors import StoreError

LONGEST = 12 * 3600
_CLOCK = re.compile(r"^(?:(\d+):)?(\d+):(\d{2})$")
_UNITS = re.compile(r"^(?:(\d+)\s*h)?\s*(?:(\d+)\s*m(?:in)?)?\s*(?:(\d+)\s*s(?:ec)?)?$")


class BadDuration(StoreError):
    """A duration that could not be read, or one no call lasts."""


def parse_duration(text: str) -> int:
    """Seconds, from what the rep typed."""
    spec = text.strip().lower()
    seconds: int | None = None
    if spec.isdigit():
        seconds = int(spec)
    elif match := _CLOCK.match(spec):
        hours, minutes, secs = int(match[1] or 0), int(match[2]), int(match[3])
        if secs < 60 and (not match[1] or minutes < 60):
            seconds = hours * 3600 + minutes * 60 + secs
    elif spec and (match := _UNITS.match(spec)) and any(match.groups()):
        seconds = int(match[1] or 0) * 3600 + int(match[2] or 0) * 60 + int(match[3] or 0)
    if seconds is None:
        raise BadDuration(f"{text!r} is not a duration like 1:05, 95 or 2m")
    return check_duration(seconds)


def check_duration(seconds: int) -> int:
    if not 0 <= seconds <= LONGEST:
        raise BadDuration(
            f"a call of {seconds} seconds? A duration is 0 to {LONGEST // 3600} hours"
        )
    return seconds


def format_duration(seconds: int | None) -> str:
    """1:05, or 1:02:03 from an hour on; empty when unknown."""
    if seconds is None:
        return ""
    hours, rest = divmod(max(0, seconds), 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"
