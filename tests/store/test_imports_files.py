"""Real files from real tools: encodings, delimiters, column names, our own export read back,
the worker pool, progress and stopping."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select
from sqlmodel import Session

from workstation.store.db import make_engine
from workstation.store.exports.stream import export_records
from workstation.store.imports import pool as import_pool
from workstation.store.imports.columns import MappingError, parse_map_options
from workstation.store.imports.leads import import_leads
from workstation.store.models import Lead
from workstation.store.schema import upgrade

DATA = Path(__file__).parents[1] / "data"


def people(engine) -> list[tuple]:
    with Session(engine) as session:
        rows = session.execute(
            select(Lead.first_name, Lead.last_name, Lead.company, Lead.email, Lead.phone)
        ).all()
    return sorted(tuple(row) for row in rows)


def test_windows_1252_with_semicolons(sqlite_engine, tmp_path):
    source = tmp_path / "excel.csv"
    source.write_bytes(
        "FirstName;LastName;Company;Email\r\nJosé;Müller;Café € Ltd;jose@cafe.com\r\n".encode(
            "cp1252"
        )
    )
    summary = import_leads(sqlite_engine, source)
    assert (summary.encoding, summary.delimiter, summary.created) == ("cp1252", ";", 1)
    assert people(sqlite_engine) == [("José", "Müller", "Café € Ltd", "jose@cafe.com", None)]


def test_latin_1_when_windows_1252_cannot_be_it(sqlite_engine, tmp_path):
    source = tmp_path / "latin1.csv"
    source.write_bytes(
        b"FirstName,LastName,Company,Email\nAnders,\xc5ngstr\xf6m,Lab\x81,a@lab.se\n"
    )
    summary = import_leads(sqlite_engine, source)
    assert summary.encoding == "iso8859-1"  # Latin-1
    assert people(sqlite_engine) == [("Anders", "Ångström", "Lab", "a@lab.se", None)]


def test_utf16_tab_separated_as_excel_saves_unicode_text(sqlite_engine, tmp_path):
    source = tmp_path / "unicode.txt"
    text = "First Name\tLast Name\tCompany\tEmail\r\nZoë\tŁukasz\t北京 Ltd\tzoe@bj.cn\r\n"
    source.write_bytes(text.encode("utf-16"))
    summary = import_leads(sqlite_engine, source)
    assert (summary.encoding, summary.delimiter) == ("utf-16", "\t")
    assert people(sqlite_engine) == [("Zoë", "Łukasz", "北京 Ltd", "zoe@bj.cn", None)]


def test_bytes_that_are_not_utf8_refuse_their_row_and_come_back_unchanged(sqlite_engine, tmp_path):
    source = tmp_path / "broken.csv"
    source.write_bytes(
        "FirstName,LastName,Company,Email\nZoë,Ray,Café,zoe@cafe.com\n".encode()
        + b"Bad,Byte \xff\xfe,Co,bad@co.com\nOk,Fine,Co,ok@co.com\n"
    )
    errors = tmp_path / "errors.csv"
    summary = import_leads(sqlite_engine, source, errors_path=errors)
    assert (summary.encoding, summary.created, summary.rejected) == ("utf-8", 2, 1)
    written = errors.read_bytes()
    assert b"Byte \xff\xfe" in written and b"not text in the file's encoding" in written
    assert written.startswith(b"Line,Reason,FirstName") and b"\r\n3," in written


def test_names_from_other_tools_and_explicit_mapping(sqlite_engine, tmp_path):
    source = DATA / "leads_other_tool.csv"
    errors = tmp_path / "errors.csv"  # never beside the test data
    unknown = tmp_path / "unknown.csv"
    unknown.write_text("Who,Firm,Cell\nAnn Lee,Acme,+1 415 555 0101\n", encoding="utf-8")
    with pytest.raises(MappingError, match="no column for LastName"):
        import_leads(sqlite_engine, unknown, errors_path=errors)
    assert import_leads(sqlite_engine, source, errors_path=errors, dry_run=True).unmapped == (
        "Remarks",
    )  # every other column is one of the names other tools use
    mapping = parse_map_options(["Contact Person=Name", "Organisation Name=Company", "Remarks="])
    summary = import_leads(sqlite_engine, source, mapping=mapping, errors_path=errors)
    assert summary.columns["Contact Person"] == "Name"
    assert summary.columns["Cell"] == "MobilePhone"  # and the phone to call: there is no other
    assert summary.unmapped == ()
    with Session(sqlite_engine) as session:
        leads = {lead.last_name: lead for lead in session.execute(select(Lead)).scalars()}
    assert (leads["Okafor"].first_name, leads["Okafor"].phone) == ("Chidi Ben", "+14155550123")
    assert leads["Okafor"].mobile_phone == "+14155550123"
    assert (leads["Brandt"].first_name, leads["Brandt"].country) == ("Mia", "DE")
    assert leads["Brandt"].phone == "+4930901820"  # read with the row's country, not the default
    assert leads["Okafor"].employees == 1200


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (["Cell"], 'write it as "Column=Field"'),
        (["Cell=Fax"], "no field 'Fax'"),
        (["Nope=Phone"], "names no column of this file: Nope"),
    ],
)
def test_mapping_mistakes_are_explained(sqlite_engine, options, message):
    with pytest.raises(MappingError, match=message):
        import_leads(
            sqlite_engine, DATA / "leads_other_tool.csv", mapping=parse_map_options(options)
        )


def test_our_own_export_reads_back(sqlite_engine, tmp_path):
    mapping = parse_map_options(["Contact Person=Name", "Organisation Name=Company"])
    import_leads(
        sqlite_engine,
        DATA / "leads_other_tool.csv",
        mapping=mapping,
        errors_path=tmp_path / "errors.csv",
    )
    exported = tmp_path / "export.csv"
    with exported.open("w", encoding="utf-8", newline="") as out:
        export_records(sqlite_engine, "leads", out)
    assert ",+1415" in exported.read_text(encoding="utf-8")  # a phone needs no escaping
    fresh = make_engine(f"sqlite:///{tmp_path / 'fresh.db'}")
    upgrade(fresh)
    summary = import_leads(fresh, exported)
    assert "TimeZone" not in summary.unmapped and summary.rejected == 0
    assert people(fresh) == people(sqlite_engine)
    fresh.dispose()


def test_our_own_exports_time_zones_read_back(sqlite_engine, tmp_path):
    """A zone a rep set (or one no address gives) survives an export and an import again;
    a TimeZone cell that names no zone leaves the zone the row's place and phone give."""
    source = tmp_path / "leads.csv"
    source.write_text(
        "FirstName,LastName,Company,Phone,State,Country,TimeZone\n"
        "Ann,Perth,Acme,+61 8 9222 3333,,AU,Australia/Perth\n"
        "Bo,Lisbon,Acme,+1 415 555 0101,CA,US,Europe/Lisbon\n"
        "Cy,Nowhere,Acme,+1 415 555 0102,CA,US,Mars/Olympus\n"
        "Di,Adelaide,Acme,+61 8 8222 3333,,AU,\n",
        encoding="utf-8",
    )
    import_leads(sqlite_engine, source)
    exported = tmp_path / "export.csv"
    with exported.open("w", encoding="utf-8", newline="") as out:
        export_records(sqlite_engine, "leads", out)
    fresh = make_engine(f"sqlite:///{tmp_path / 'fresh.db'}")
    upgrade(fresh)
    import_leads(fresh, exported)
    for engine in (sqlite_engine, fresh):
        with Session(engine) as session:
            zones = dict(session.execute(select(Lead.last_name, Lead.time_zone)).all())
        assert zones == {
            "Perth": "Australia/Perth",
            "Lisbon": "Europe/Lisbon",
            "Nowhere": "America/Los_Angeles",
            "Adelaide": None,  # +61 8 is Adelaide or Perth: the calling window keeps to both
        }
    fresh.dispose()


def test_the_worker_pool_gives_what_one_process_gives(sqlite_engine, tmp_path, monkeypatch):
    from tests.store.test_imports import write_nasty_file

    source = write_nasty_file(tmp_path / "leads.csv")
    alone = make_engine(f"sqlite:///{tmp_path / 'alone.db'}")
    upgrade(alone)
    one = import_leads(alone, source, campaign="C", workers=1)
    monkeypatch.setattr(import_pool, "POOL_FROM_BYTES", 0)
    monkeypatch.setattr(import_pool, "CHUNK_ROWS", 2)
    two = import_leads(sqlite_engine, source, campaign="C", workers=2)
    assert (two.created, two.updated, two.unchanged, two.rejected) == (
        one.created,
        one.updated,
        one.unchanged,
        one.rejected,
    )
    assert people(sqlite_engine) == people(alone)
    alone.dispose()


def test_progress_is_reported_and_an_import_can_stop_between_batches(sqlite_engine, tmp_path):
    source = tmp_path / "many.csv"
    lines = ["FirstName,LastName,Company,Email"]
    lines += [f"P{n},L{n},Co {n},p{n}@co.com" for n in range(50)]
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    seen: list[tuple[int, int]] = []
    summary = import_leads(
        sqlite_engine,
        source,
        batch_size=10,
        progress=lambda done, total: seen.append((done, total)),
        should_stop=lambda: len(seen) == 2,
    )
    assert summary.cancelled and summary.created == 20
    assert seen[0][0] == 10 and all(total >= done for done, total in seen)
    rest = import_leads(sqlite_engine, source, batch_size=10)
    assert (rest.created, rest.unchanged, rest.cancelled) == (30, 20, False)


def test_an_empty_or_missing_file_is_a_clear_error(sqlite_engine, tmp_path):
    from workstation.store.imports.reader import UnreadableFile

    (tmp_path / "empty.csv").write_bytes(b"\xef\xbb\xbf\r\n")
    with pytest.raises(UnreadableFile, match="is empty"):
        import_leads(sqlite_engine, tmp_path / "empty.csv")
    with pytest.raises(UnreadableFile, match="cannot read"):
        import_leads(sqlite_engine, tmp_path / "nowhere.csv")


def test_a_megabyte_cell_is_refused_in_a_field_and_ignored_elsewhere(sqlite_engine, tmp_path):
    huge = "x" * 1_048_576
    source = tmp_path / "huge.csv"
    source.write_text(
        f"FirstName,LastName,Company,Email,Notes\n{huge},Big,Co,big@co.com,\nAl,Small,Co,al@co.com,{huge}\n",
        encoding="utf-8",
    )
    errors = tmp_path / "errors.csv"
    summary = import_leads(sqlite_engine, source, errors_path=errors)
    assert (summary.created, summary.rejected) == (1, 1)
    assert "FirstName is 1,048,576 characters long; at most 80 fit" in errors.read_text()
    assert len(errors.read_text()) > 1_048_576  # the row comes back whole
    assert people(sqlite_engine) == [("Al", "Small", "Co", "al@co.com", None)]


def test_workers_that_cannot_start_leave_the_work_to_this_process(
    sqlite_engine, tmp_path, monkeypatch
):
    from tests.store.test_imports import write_nasty_file

    def cannot_start(*args, **kwargs):  # as under a TUI: "bad value(s) in fds_to_keep"
        raise ValueError("bad value(s) in fds_to_keep")

    monkeypatch.setattr(import_pool, "POOL_FROM_BYTES", 0)
    monkeypatch.setattr(import_pool, "ProcessPoolExecutor", cannot_start)
    summary = import_leads(sqlite_engine, write_nasty_file(tmp_path / "leads.csv"), workers=2)
    assert (summary.created, summary.rejected) == (10, 2)


def test_the_errors_file_escapes_its_header_and_never_twice(sqlite_engine, tmp_path):
    source = tmp_path / "hostile.csv"
    source.write_text(
        'LastName,Company,Phone,"=HYPERLINK(""http://x"",""y"")"\n'
        ",Ames Co,+14155550101,'=1+2\n"  # no last name: refused, its cells listed
        ",Bell Co,+1 415 555 0102,=3+4\n",
        encoding="utf-8",
    )
    errors = tmp_path / "errors.csv"
    import_leads(sqlite_engine, source, errors_path=errors)
    first = errors.read_text(encoding="utf-8")
    header = first.splitlines()[0]
    assert header.endswith('"\'=HYPERLINK(""http://x"",""y"")"')
    rows = first.splitlines()[1:]
    assert rows[0].endswith(",'=1+2") and rows[1].endswith(",'=3+4")  # each quoted once
    assert ",+14155550101," in rows[0]  # a plain phone as written
    again = tmp_path / "again.csv"
    import_leads(sqlite_engine, errors, errors_path=again)  # the errors file, imported as is
    second = [line.split(",", 4)[4] for line in again.read_text(encoding="utf-8").splitlines()]
    assert second[1:] == [line.split(",", 2)[2] for line in rows]  # stable round trip
