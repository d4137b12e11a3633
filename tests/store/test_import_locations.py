"""A location written in words (Sales Navigator's Geography or Location) fills City, State
and Country where the row's own columns leave them empty, when it names one place; the
time zone follows from it as from any address. Text that could be several places is kept
in the Description and the row listed in the errors file, never guessed."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlmodel import Session

from workstation.store.imports.leads import import_leads
from workstation.store.models import Lead
from workstation.store.values.regions import read_place


@pytest.mark.parametrize(
    ("text", "place"),
    [
        ("Perth, Western Australia, Australia", ("Perth", "WA", "AU")),
        ("Greater Perth Area", ("Perth", "WA", "AU")),  # LinkedIn's name for the metro area
        ("Vancouver, British Columbia, Canada", ("Vancouver", "BC", "CA")),
        ("London, England, United Kingdom", ("London", "England", "GB")),
        ("San Francisco Bay Area", (None, "CA", "US")),
        ("Austin, Texas", ("Austin", "TX", "US")),
        ("Texas, United States", (None, "TX", "US")),
        ("Germany", (None, None, "DE")),
        ("Queensland", (None, "QLD", "AU")),
    ],
)
def test_a_place_in_words_is_read(text, place):
    assert read_place(text) == place


@pytest.mark.parametrize(
    "text",
    [
        "Perth",  # Western Australia, Scotland or Ontario
        "Springfield",
        "Atlanta, Georgia",  # the US state or the country
        "Greater Springfield Area",
        "Paris, Texas, France",  # a state of another country than the one named
        "a, b, c, d, e",
        "",
    ],
)
def test_text_that_could_be_several_places_is_not_read(text):
    assert read_place(text) is None


def _write(path: Path, rows: list[dict[str, str]]) -> Path:
    text = io.StringIO()
    writer = csv.DictWriter(text, list(rows[0]), quoting=csv.QUOTE_ALL, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    path.write_text("\ufeff" + text.getvalue(), encoding="utf-8", newline="")
    return path


def test_a_sales_navigator_list_places_its_people(sqlite_engine, tmp_path):
    rows = [
        {"First Name": "Ann", "Last Name": "Perth", "Company": "Outback Pty",
         "Email": "ann@outback.example", "Phone": "(08) 9222 3333", "City": "",
         "Country": "", "Location": "Perth, Western Australia, Australia"},
        {"First Name": "Jo", "Last Name": "Maple", "Company": "Maple Ltd",
         "Email": "jo@maple.example", "Phone": "", "City": "", "Country": "",
         "Location": "Vancouver, British Columbia, Canada"},
        {"First Name": "Sam", "Last Name": "Bay", "Company": "Bay Co",
         "Email": "sam@bay.example", "Phone": "", "City": "Oakland", "Country": "",
         "Location": "San Francisco Bay Area"},
        {"First Name": "Lee", "Last Name": "Somewhere", "Company": "Spring Co",
         "Email": "lee@spring.example", "Phone": "", "City": "", "Country": "",
         "Location": "Springfield"},
        {"First Name": "Kim", "Last Name": "Own", "Company": "Own Co",
         "Email": "kim@own.example", "Phone": "", "City": "Leeds", "Country": "UK",
         "Location": "London, England, United Kingdom"},
    ]  # fmt: skip
    path = _write(tmp_path / "salesnav.csv", rows)
    summary = import_leads(sqlite_engine, path)
    assert (summary.created, summary.rejected, summary.kept_without_bad_values) == (5, 0, 1)
    with Session(sqlite_engine) as session:
        leads = {
            lead.last_name: (lead.city, lead.state, lead.country, lead.time_zone, lead.phone,
                             lead.description)
            for lead in session.execute(select(Lead)).scalars()
        }  # fmt: skip
    assert leads == {
        "Perth": ("Perth", "WA", "AU", "Australia/Perth", "+61892223333", None),
        "Maple": ("Vancouver", "BC", "CA", "America/Vancouver", None, None),
        "Bay": ("Oakland", "CA", "US", "America/Los_Angeles", None, None),
        "Somewhere": (None, None, None, None, None, "Location: Springfield"),
        # Its own columns win; a location that says otherwise is kept beside them.
        "Own": (
            "Leeds",
            None,
            "GB",
            "Europe/London",
            None,
            "Location: London, England, United Kingdom",
        ),
    }
    errors = (tmp_path / "salesnav.errors.csv").read_text(encoding="utf-8-sig")
    assert "Springfield" in errors and "not one place" in errors
    assert "Location" not in summary.ignored_values
    again = import_leads(sqlite_engine, path)
    assert (again.created, again.updated) == (0, 0)
