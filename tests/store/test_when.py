"""Reading callback times the way reps type them."""

from datetime import UTC, datetime

import pytest

from tests.factories import NOW
from workstation.store.values.callback_times import BadTime, parse_when


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("+1h", datetime(2026, 11, 23, 16, 0, tzinfo=UTC)),
        ("+30m", datetime(2026, 11, 23, 15, 30, tzinfo=UTC)),
        ("+2d", datetime(2026, 11, 25, 15, 0, tzinfo=UTC)),
        ("tomorrow 09:00", datetime(2026, 11, 24, 14, 0, tzinfo=UTC)),
        ("tomorrow", datetime(2026, 11, 24, 14, 0, tzinfo=UTC)),
        ("14:30", datetime(2026, 11, 23, 19, 30, tzinfo=UTC)),
        ("09:00", datetime(2026, 11, 24, 14, 0, tzinfo=UTC)),  # already past today: tomorrow
        ("2026-12-01 08:15", datetime(2026, 12, 1, 13, 15, tzinfo=UTC)),
        ("2026-12-01T08:15:00+00:00", datetime(2026, 12, 1, 8, 15, tzinfo=UTC)),
    ],
)
def test_times_in_the_leads_zone(text, expected):
    assert parse_when(text, now=NOW, zone="America/New_York") == expected


@pytest.mark.parametrize("text", ["soon", "25:00", "tomorrow 9am", "+h"])
def test_unreadable_times_say_what_works(text):
    with pytest.raises(BadTime, match="09:00"):
        parse_when(text, now=NOW, zone="America/New_York")


@pytest.mark.parametrize(
    "text",
    ["+99999999999h", "+999999999d", "9999-12-31 23:59", "6109-01-01 09:00", "+367d", "+9000h"],
)
def test_a_callback_beyond_a_year_is_refused_in_one_line(text):
    with pytest.raises(BadTime, match="more than a year ahead"):
        parse_when(text, now=NOW, zone="Australia/Brisbane")


def test_a_callback_a_year_ahead_is_still_booked():
    assert parse_when("+366d", now=NOW) == datetime(2027, 11, 24, 15, 0, tzinfo=UTC)
