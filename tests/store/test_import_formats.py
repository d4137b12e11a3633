"""Values read as the file means them, on both import paths: dates in ISO, Salesforce's,
a spreadsheet's and Excel's serial forms or a `--date-format`, flags in their usual
spellings, numbers with thousands separators in either convention."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from workstation.store.values.formats import (
    Formats,
    NotADate,
    read_count,
    read_date,
    read_datetime,
    read_flag,
    read_number,
)
from workstation.store.values.text import BadValue

US, EU = Formats(), Formats(decimal=",")
DAY_FIRST = Formats(date_format="%d/%m/%Y")


@pytest.mark.parametrize(
    ("written", "formats", "expected"),
    [
        ("1,200,000", US, Decimal("1200000")),
        ("1,200,000", EU, Decimal("1200000")),  # two commas: grouping, whatever the file
        ("1.200.000,50", US, Decimal("1200000.50")),  # the last mark is the decimal one
        ("1.200.000,50", EU, Decimal("1200000.50")),
        ("1,200,000.50", EU, Decimal("1200000.50")),
        ("1.200", US, Decimal("1.200")),  # ambiguous: the file's convention decides
        ("1.200", EU, Decimal("1200")),
        ("1,200", US, Decimal("1200")),
        ("1,200", EU, Decimal("1.200")),
        ("1,5", US, Decimal("1.5")),  # not a thousands group: a decimal mark
        ("12.50", EU, Decimal("12.50")),
        ("0,500", US, Decimal("0.500")),  # a grouped number never starts with 0
        ("1 200,50", EU, Decimal("1200.50")),
        ("1\u00a0200", EU, Decimal("1200")),
        ("1'000'000", US, Decimal("1000000")),
        ("$1,234.56", US, Decimal("1234.56")),
        ("1.234,56 €", EU, Decimal("1234.56")),
        ("-12", US, Decimal("-12")),
        ("(12.5)", US, Decimal("-12.5")),
        ("  ", US, None),
    ],
)
def test_numbers_in_either_convention(written, formats, expected):
    assert read_number(written, "Amount", formats) == expected


@pytest.mark.parametrize("bad", ["1,20,0", "1.2.3,4,5", "lots", "12a", "1,2345,678", ".", "1e400"])
def test_numbers_that_are_not_numbers_say_so(bad):
    with pytest.raises(BadValue, match="Amount"):
        read_number(bad, "Amount", US)


def test_counts_are_whole_numbers_of_0_or_more():
    assert read_count("1,200", "NumberOfEmployees", US) == 1200
    assert read_count("1.200", "NumberOfEmployees", EU) == 1200
    assert read_count("12.0", "NumberOfEmployees", US) == 12
    assert read_count(" ", "NumberOfEmployees", US) is None
    for bad in ("12.5", "-3", "lots", "1e400", "nan", "1.200"):
        with pytest.raises(BadValue, match="NumberOfEmployees"):
            read_count(bad, "NumberOfEmployees", US)


@pytest.mark.parametrize(
    "true", ["TRUE", "true", "Yes", "y", "Y", "1", "x", "X", "on", "checked", "✓", "T"]
)
def test_true_in_its_usual_spellings(true):
    assert read_flag(true, "DoNotCall") is True


@pytest.mark.parametrize("false", ["FALSE", "false", "No", "n", "N", "0", "", " ", "off", "F"])
def test_false_in_its_usual_spellings(false):
    assert read_flag(false, "DoNotCall") is False


def test_a_flag_that_is_neither_says_so():
    with pytest.raises(BadValue, match="DoNotCall 'maybe' is neither true nor false"):
        read_flag("maybe", "DoNotCall")


@pytest.mark.parametrize(
    ("written", "formats", "expected"),
    [
        ("2024-01-19T09:42:24.000+0000", US, datetime(2024, 1, 19, 9, 42, 24, tzinfo=UTC)),
        ("2024-01-19T09:42:24Z", US, datetime(2024, 1, 19, 9, 42, 24, tzinfo=UTC)),
        ("2024-01-19", US, datetime(2024, 1, 19, tzinfo=UTC)),
        ("02/24/26 02:18 AM", US, datetime(2026, 2, 24, 2, 18, tzinfo=UTC)),
        ("02/24/26 02:18 PM", US, datetime(2026, 2, 24, 14, 18, tzinfo=UTC)),
        ("03/04/2026", US, datetime(2026, 3, 4, tzinfo=UTC)),  # month first, as Excel in the US
        ("23.02.2026 14:05", US, datetime(2026, 2, 23, 14, 5, tzinfo=UTC)),  # 23 is no month
        ("03/04/2026", DAY_FIRST, datetime(2026, 4, 3, tzinfo=UTC)),
        ("03/04/2026 14:05", DAY_FIRST, datetime(2026, 4, 3, 14, 5, tzinfo=UTC)),
        ("2026-04-03", DAY_FIRST, datetime(2026, 4, 3, tzinfo=UTC)),  # ISO is never ambiguous
        ("45345", US, datetime(2024, 2, 23, tzinfo=UTC)),  # Excel's serial day number
        ("45345.5", US, datetime(2024, 2, 23, 12, 0, tzinfo=UTC)),
    ],
)
def test_dates_in_the_forms_files_hold(written, formats, expected):
    assert read_datetime(written, formats) == expected


def test_a_day_is_the_timestamps_own_day():
    assert read_date("2024-01-19T23:30:00.000-0500", US) == date(2024, 1, 19)
    assert read_date("03/04/2026", DAY_FIRST) == date(2026, 4, 3)
    assert read_date("", US) is None


@pytest.mark.parametrize(
    ("bad", "formats"),
    [("31/31/26", US), ("yesterday", US), ("13/13/2026", DAY_FIRST), ("02/30/2026", US)],
)
def test_a_cell_that_is_no_date_says_so(bad, formats):
    with pytest.raises(NotADate):
        read_datetime(bad, formats)


def test_a_date_format_that_is_not_one_is_refused():
    with pytest.raises(BadValue, match="--date-format"):
        Formats(date_format="day/month")
