"""What makes a big import fast must not change what it does: phones read by the shortcut
and zones kept by prefix equal libphonenumber's answers; answers kept per cell change no
row's fate; and the filter that spares look-ups of new emails and phones never misses a
stored one, even when another connection writes in the middle of an import."""

from __future__ import annotations

import random

import pytest
from sqlalchemy import func, select
from sqlmodel import Session

from workstation.store.imports.columns import plan_columns
from workstation.store.imports.leads import import_leads
from workstation.store.imports.rows import RowCleaner, RowRules
from workstation.store.imports.sql import KnownValues
from workstation.store.models import Lead
from workstation.store.values.cleansing import BadValue, e164, parse_phone, phone_values, phone_zone


def _written(rng: random.Random) -> str:
    area = rng.choice(["212", "415", "416", "604", "800", "876", "555", "011", "999"])
    exchange, line = rng.randint(100, 999), rng.randint(0, 9999)
    return rng.choice(
        [
            f"({area}) {exchange}-{line:04d}",
            f"1{area}{exchange}{line:04d}",
            f"+1 {area} {exchange} {line:04d}",
            f"{area}.{exchange}.{line:04d}",
            f"+44 20 7{exchange} {line:04d}",
            f"020 7{exchange} {line:04d}",
            f"+49 30 {exchange}{line:04d}",
            f"{exchange}-{line:04d}",
            f"({area}) {exchange}-{line:04d} x{line % 1000}",
            f"+44 20 7{exchange} {line:04d} ext. {exchange}",
        ]
    )


def test_phone_values_are_libphonenumbers_answers():
    rng = random.Random(7)
    zones: dict[str, str | None] = {}
    for _ in range(3000):
        written, region = _written(rng), rng.choice(["US", "CA", "GB", "DE"])
        try:
            number = parse_phone(written, region)
            assert number is not None
            expected: object = (e164(number), phone_zone(number), number.extension or None)
        except BadValue as error:
            expected = str(error)
        try:
            got: object = phone_values(written, region, zones)
        except BadValue as error:
            got = str(error)
        assert got == expected, (written, region)
    assert 0 < len(zones) < 3000  # kept by prefix: numbers share them


def _rules(header: str) -> RowRules:
    return RowRules(plan_columns(header.split(",")), "US", (("Open", False),))


def test_answers_kept_per_cell_change_no_rows_fate():
    cleaner = RowCleaner(_rules("LastName,Company,Email,Title,Country,State,NumberOfEmployees"))
    long_title = "T" * 200
    rows = [
        ["Lee", "Acme", "a@acme.com", long_title, "USA", "calif.", "12"],
        ["Ray", "Acme", "b@acme.com", long_title, "USA", "California", "1,200"],
        ["Fox", "Acme", "c@acme.com", "CTO", "USA", "California", "lots"],
        ["Fox", "Acme", "c@acme.com", "CTO", "USA", "California", "12"],
    ]
    first = [cleaner.row(cells) for cells in rows]
    again = [cleaner.row(cells) for cells in rows]  # every answer kept now
    assert first == again
    assert first[0] == first[1] == "Title is 200 characters long; at most 128 fit"
    assert isinstance(first[2], tuple) and first[2][8] is None  # kept without the count
    cleaner.row(rows[2])
    assert cleaner.warning is not None and "NumberOfEmployees 'lots'" in cleaner.warning
    ok = first[3]
    assert isinstance(ok, tuple) and (ok[13], ok[11], ok[8]) == ("US", "CA", 12)


def test_the_filter_never_misses_a_value_it_was_given(sqlite_engine):
    with sqlite_engine.connect() as connection:
        known = KnownValues(connection, 1000)
    values = [f"person{n}@example.com" for n in range(20_000)]
    known.add(values)
    assert known.may_hold(values) == values
    strangers = known.may_hold([f"stranger{n}@example.com" for n in range(20_000)])
    assert len(strangers) < 20_000 * 0.05


def test_a_lead_written_by_another_connection_mid_import_is_matched(sqlite_engine, tmp_path):
    source = tmp_path / "leads.csv"
    rows = [f"P{n},L{n},Co,p{n}@co.com" for n in range(40)] + ["Late,Comer,Co,late@co.com"]
    source.write_text("FirstName,LastName,Company,Email\n" + "\n".join(rows) + "\n")

    def another_writer(done: int, total: int) -> None:
        if done == 10:  # between two batches: the import holds no transaction
            with Session(sqlite_engine) as session:
                session.add(Lead(last_name="Comer", company="Co", email="late@co.com"))
                session.commit()

    summary = import_leads(sqlite_engine, source, batch_size=10, progress=another_writer)
    assert (summary.created, summary.unchanged + summary.updated) == (40, 1)
    with Session(sqlite_engine) as session:
        late = select(func.count()).where(Lead.email == "late@co.com")
        assert session.execute(late).scalar() == 1


@pytest.mark.parametrize("stored", [0, 3])
def test_rows_already_stored_are_found_with_the_filter(sqlite_engine, tmp_path, stored):
    source = tmp_path / "leads.csv"
    lines = [f"P{n},L{n},Co,p{n}@co.com,(212) 555-{n:04d}" for n in range(30)]
    source.write_text("FirstName,LastName,Company,Email,Phone\n" + "\n".join(lines[:stored]) + "\n")
    import_leads(sqlite_engine, source)
    # The same people again, some by phone only: each found, none created twice.
    again = [line if n % 2 else line.replace(f"p{n}@co.com", "") for n, line in enumerate(lines)]
    source.write_text("FirstName,LastName,Company,Email,Phone\n" + "\n".join(again) + "\n")
    summary = import_leads(sqlite_engine, source, batch_size=4)
    assert summary.created == 30 - stored
    second = import_leads(sqlite_engine, source, batch_size=4)
    assert (second.created, second.unchanged) == (0, 30)


@pytest.mark.parametrize("campaign", [None, "Winback"])
def test_flags_written_as_numbers_read_back_as_booleans(engine, tmp_path, campaign):
    """On SQLite the writer binds flags as 1/0 and leaves campaign_id out without a
    campaign (cheaper for the driver); what is stored must not change."""
    from workstation.store.models import CampaignMember
    from workstation.store.reference import NO_INTEREST

    source = tmp_path / "leads.csv"
    source.write_text(
        "FirstName,LastName,Company,Email,DoNotCall,HasOptedOutOfEmail,Status\n"
        "Ann,Ames,Co,ann@co.com,yes,,\n"
        "Bob,Bell,Co,bob@co.com,no,true,\n"
        f"Cy,Cole,Co,cy@co.com,,,{NO_INTEREST}\n"
    )
    summary = import_leads(engine, source, campaign=campaign)
    assert (summary.created, summary.rejected) == (3, 0)
    with Session(engine) as session:
        leads = session.execute(select(Lead).order_by(Lead.id)).scalars().all()
        flags = [(x.do_not_call, x.email_opt_out, x.is_open, x.is_converted) for x in leads]
        assert flags == [
            (True, False, True, False),
            (False, True, True, False),
            (False, False, False, False),
        ]
        assert all(type(flag) is bool for row in flags for flag in row)
        assert [x.status for x in leads][2] == NO_INTEREST
        if campaign is None:
            assert [x.campaign_id for x in leads] == [None] * 3
            assert session.execute(select(func.count(CampaignMember.id))).scalar() == 0
        else:
            assert len({x.campaign_id for x in leads} - {None}) == 1
            members = session.execute(select(CampaignMember)).scalars().all()
            assert len(members) == 3 and all(type(m.has_responded) is bool for m in members)


def test_the_collector_pauses_for_an_import_on_the_main_thread_only(sqlite_engine, tmp_path):
    import gc
    import threading

    source = tmp_path / "leads.csv"
    rows = [f"P{n},L{n},Co,p{n}@co.com" for n in range(30)]
    source.write_text("FirstName,LastName,Company,Email\n" + "\n".join(rows) + "\n")
    seen: list[bool] = []

    def progress(_done: int, _total: int) -> None:
        seen.append(gc.isenabled())

    import_leads(sqlite_engine, source, batch_size=10, progress=progress)
    assert seen and not any(seen)
    assert gc.isenabled()
    seen.clear()
    source.write_text("FirstName,LastName,Company,Email\n" + "\n".join(rows) + "\n")
    thread = threading.Thread(
        target=import_leads, args=(sqlite_engine, source), kwargs={"progress": progress}
    )
    thread.start()
    thread.join()
    assert seen and all(seen)
