"""The figures a team may set (the settings file, `workstation.config`), with their
defaults: the calling hours, the attempt cap, the untouched-leads threshold. Kept free of
imports, so that the settings are read without loading the store.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import time

# Unanswered calls after which a lead leaves the sales queues for Nurture (DESIGN.md).
ATTEMPT_CAP = 6
# The score at which an active Name is promoted to Marketing Qualified (`workstation recycle`).
NAME_THRESHOLD = 50
# Days an owned, open lead may go without activity since its assignment before
# `workstation recycle` returns it to marketing (ignored by its owner past the SLA).
IGNORED_DAYS = 14
# Each lead source's cap follows its conversion rate within these (`calling.source_policy`),
# once this many of its leads have finished (converted or closed).
ATTEMPT_CAP_FLOOR = 3
ATTEMPT_CAP_CEILING = 12
SOURCE_MIN_SAMPLE = 20
# Hours after a call before the person may be called again, and the bounds a source's own
# spacing keeps to.
RETRY_HOURS = 1.0
RETRY_HOURS_FLOOR = 0.5
RETRY_HOURS_CEILING = 24.0
# Hours since assignment after which an owned lead with no activity is untouched.
UNTOUCHED_HOURS = 24.0


@dataclass(frozen=True, slots=True)
class CallingHours:
    """The local hours in which a person may be called, from `opens` up to `closes`."""

    opens: time = time(8, 0)
    closes: time = time(21, 0)

    def __post_init__(self) -> None:
        if self.opens >= self.closes:
            raise ValueError(f"the calling hours must open before they close, not {self}")

    def __str__(self) -> str:
        return f"{self.opens:%H:%M}–{self.closes:%H:%M}"

    @classmethod
    def parse(cls, text: str) -> CallingHours:
        """Hours written as "08:00-21:00" (or with an en dash); ValueError saying what
        is wrong."""
        opens, dash, closes = text.replace("–", "-").partition("-")
        if not dash:
            raise ValueError(f"{text!r} is not two times such as 08:00-21:00")
        return cls(_time(opens), _time(closes))


def _time(text: str) -> time:
    try:
        hours, minutes = (int(part) for part in text.strip().split(":"))
        return time(hours, minutes)
    except ValueError:
        raise ValueError(f"{text.strip()!r} is not a time of day such as 08:00") from None


DEFAULT_HOURS = CallingHours()
