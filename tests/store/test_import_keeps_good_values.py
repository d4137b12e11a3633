"""A row keeps what is good: one unreadable phone or email is left out (and listed in the
errors file to fix) as long as the row stays reachable; the next phone or email column is
tried first."""

from __future__ import annotations

import csv

from sqlalchemy import select
from sqlmodel import Session

from workstation.store.imports.leads import import_leads
from workstation.store.models import Lead


def _leads(engine) -> dict[str, tuple[str | None, str | None]]:
    with Session(engine) as session:
        rows = session.execute(select(Lead.last_name, Lead.phone, Lead.email)).all()
    return {name: (phone, email) for name, phone, email in rows}


def test_one_bad_value_does_not_refuse_a_reachable_row(sqlite_engine, tmp_path):
    source = tmp_path / "leads.csv"
    source.write_text(
        "Last Name,Company,Phone 1,Phone 2,Email\n"
        "Ames,Acme,not a number,,ames@acme.com\n"  # bad phone, good email: kept
        "Bell,Acme,12,+1 415 555 0102,\n"  # bad first phone, good second: kept
        "Cole,Acme,+1 415 555 0103,,not-an-email\n"  # good phone, bad email: kept
        "Dunn,Acme,12,34,\n"  # nothing reachable: refused
        "Eve,Acme,+1 415 555 0105,,eve@acme.com\n",
        encoding="utf-8",
    )
    errors = tmp_path / "errors.csv"
    summary = import_leads(sqlite_engine, source, errors_path=errors)
    assert (summary.created, summary.rejected, summary.kept_without_bad_values) == (4, 1, 3)
    assert _leads(sqlite_engine) == {
        "Ames": (None, "ames@acme.com"),
        "Bell": ("+14155550102", None),
        "Cole": ("+14155550103", None),
        "Eve": ("+14155550105", "eve@acme.com"),
    }
    listed = {row["Last Name"]: row["Reason"] for row in csv.DictReader(errors.open())}
    assert listed.keys() == {"Ames", "Bell", "Cole", "Dunn"}
    assert listed["Ames"].startswith("kept without its phone") and "not a number" in listed["Ames"]
    assert listed["Cole"].startswith("kept without its email")
    assert not listed["Dunn"].startswith("kept")


def test_a_fixed_errors_file_fills_in_what_was_left_out(sqlite_engine, tmp_path):
    source = tmp_path / "leads.csv"
    source.write_text(
        "Last Name,Company,Phone,Email\nAmes,Acme,not a number,ames@acme.com\n", encoding="utf-8"
    )
    errors = tmp_path / "errors.csv"
    import_leads(sqlite_engine, source, errors_path=errors)
    fixed = errors.read_text().replace("not a number", "+1 415 555 0101")
    errors.write_text(fixed)
    summary = import_leads(sqlite_engine, errors, errors_path=tmp_path / "again.csv")
    assert (summary.created, summary.updated, summary.rejected) == (0, 1, 0)
    assert _leads(sqlite_engine) == {"Ames": ("+14155550101", "ames@acme.com")}
