"""`workstation export KIND --for salesforce`: the file, the report of what was cut, and
one clear line for what it cannot do."""

from __future__ import annotations

import csv
import io

from tests.cli.test_cli import run
from workstation.store.db import make_engine, write_session
from workstation.store.models import Lead
from workstation.store.schema import upgrade


def test_the_file_and_what_was_cut(capsys, sqlite_url, tmp_path):
    engine = make_engine(sqlite_url)
    upgrade(engine)
    with write_session(engine) as session:
        session.add(Lead(first_name="F" * 50, last_name="=Ray", company="Acme",
                         email="ray@acme.example", city="C" * 41))  # fmt: skip
    engine.dispose()
    out = tmp_path / "Lead.csv"
    db = ("--db", sqlite_url)
    for _ in range(2):  # a file it wrote before may be written again
        code, stdout, err = run(
            capsys, *db, "export", "leads", "--for", "salesforce", "-o", str(out)
        )
        assert code == 0 and stdout == "", err
    assert err.splitlines() == [
        f"1 leads written to {out} for Data Loader",
        "1 City values cut to Salesforce's 40 characters",
        "1 FirstName values cut to Salesforce's 40 characters",
    ]
    data = out.read_bytes()
    assert not data.startswith(b"\xef\xbb\xbf")
    (row,) = csv.DictReader(io.StringIO(data.decode("utf-8")))
    assert row["LastName"] == "=Ray" and row["Status"] == "Open - Not Contacted"

    code, stdout, _ = run(capsys, *db, "export", "leads", "--for", "salesforce",
                          "--status-map", "Open=New")  # fmt: skip
    assert code == 0 and next(csv.DictReader(io.StringIO(stdout)))["Status"] == "New"
    statuses = tmp_path / "statuses.txt"
    statuses.write_text("# ours=theirs\nOpen=Fresh\n", encoding="utf-8")
    code, stdout, _ = run(capsys, *db, "export", "leads", "--for", "salesforce",
                          "--status-map", str(statuses))  # fmt: skip
    assert code == 0 and next(csv.DictReader(io.StringIO(stdout)))["Status"] == "Fresh"


def test_what_it_cannot_do_is_one_line(capsys, sqlite_url):
    engine = make_engine(sqlite_url)
    upgrade(engine)
    engine.dispose()
    db = ("--db", sqlite_url)
    for argv, said in (
        (("history", "--for", "salesforce"), "--for salesforce exports leads, contacts"),
        (("leads", "--for", "salesforce", "--format", "json"), "writes CSV"),
        (("leads", "--for", "salesforce", "--status-map", "Hot=Warm"), "no lead status 'Hot'"),
        (("leads", "--for", "salesforce", "--status-map", "nothing.txt"), "no file of that name"),
        (("leads", "--status-map", "Open=New"), "--status-map is for --for salesforce"),
    ):
        code, stdout, err = run(capsys, *db, "export", *argv)
        assert code in (1, 2) and stdout == "" and said in err, (argv, err)
        assert len(err.strip().splitlines()) == 1, err
