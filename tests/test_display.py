"""The one place values are spelled for people: terminal-safe text, money, ages, thresholds."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime, timedelta

import pytest

from workstation.display import MAX_CHARS, age, ago, clean, money, threshold

NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)


def test_clean_shows_controls_as_symbols_and_keeps_names_readable():
    assert clean("\x1b[31mEvil\x1b[0m Corp\x07") == "␛[31mEvil␛[0m Corp␇"
    assert clean("a\x7fb\x85c") == "a␡b\ufffdc"
    assert clean("paid\u202eliame") == "paid\ufffdliame"  # a bidi override reorders the rest
    assert clean("\u200fשלום\u200e") == "\u200fשלום\u200e"  # right-to-left marks stay
    assert clean(None) == "" and clean(42) == "42"


def test_clean_cuts_a_huge_field():
    assert clean("x" * (MAX_CHARS + 1)) == "x" * MAX_CHARS + "…"
    assert clean("x" * MAX_CHARS) == "x" * MAX_CHARS


@pytest.mark.parametrize(
    ("cents", "shown"),
    [
        (0, "$0.00"),
        (5, "$0.05"),
        (500_000, "$5,000.00"),
        (123_456, "$1,234.56"),
        (199, "$1.99"),  # not cut to $1
        (-150, "-$1.50"),
        (10**17 + 1, "$1,000,000,000,000,000.01"),  # exact where a float is not
    ],
)
def test_money_is_dollars_to_the_cent(cents, shown):
    assert money(cents) == shown


@pytest.mark.parametrize(
    ("span", "compact", "spaced"),
    [
        (timedelta(0), "0m", "0 min"),
        (timedelta(minutes=45, seconds=20), "45m", "45 min"),
        (timedelta(minutes=59, seconds=29), "59m", "59 min"),
        (timedelta(minutes=59, seconds=31), "1h", "1 h"),  # never "60m"
        (timedelta(hours=1, minutes=40), "2h", "2 h"),  # rounded, not cut
        (timedelta(hours=47, minutes=29), "47h", "47 h"),
        (timedelta(hours=47, minutes=31), "2d", "2 d"),  # never "48h"
        (timedelta(days=4, hours=13), "5d", "5 d"),
        (timedelta(days=400), "400d", "400 d"),
        (-timedelta(hours=3), "3h", "3 h"),  # the sign is ago()'s to say
    ],
)
def test_age_rounds_to_its_largest_sensible_unit(span, compact, spaced):
    assert (age(span), age(span, spaced=True)) == (compact, spaced)


def test_ago_says_which_way():
    assert ago(NOW - timedelta(hours=24, minutes=10), NOW) == "24h ago"
    assert ago(NOW + timedelta(hours=3), NOW) == "in 3h"
    assert ago(NOW, NOW) == "0m ago"
    assert ago(NOW - timedelta(days=5), NOW, spaced=True) == "5 d ago"
    assert ago(None, NOW) == ""


@pytest.mark.parametrize(
    ("hours", "shown"),
    [(1.5, "1.5 h"), (24.0, "24 h"), (47.0, "47 h"), (48.0, "2 days"), (72.0, "3 days")],
)
def test_threshold_reads_as_set(hours, shown):
    assert threshold(hours) == shown


def test_display_needs_nothing_from_the_package_nor_a_terminal_library():
    """The store's report text and the subcommands use it: it must not pull in the UI."""
    code = (
        "import sys, workstation.display; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'rich') "
        "or (m.startswith('workstation.') and m != 'workstation.display')))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert (result.returncode, result.stdout.strip()) == (0, "[]"), result.stderr
