"""The wall clock: "now" as a timezone-aware UTC datetime.

Whatever needs "now" gets it injected: the store's operations take `now=` or `at=`, the app
and the `workstation` command take a `Clock`. This is their default, so that tests (and
the snapshots) can pin "now" and still pass on any date.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

Clock = Callable[[], datetime]


def utcnow() -> datetime:
    return datetime.now(UTC)
