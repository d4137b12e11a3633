"""Big files are split into blocks of whole records for the workers to parse: whatever the
block size, the rows and their line numbers are exactly those one `csv.reader` of the whole
file gives, quoted newlines across block ends, stray quotes and lone CRs included."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from tests.store.test_imports import ROWS, write_nasty_file
from workstation.store.db import make_engine
from workstation.store.imports import pool as import_pool
from workstation.store.imports import reader as import_reader
from workstation.store.imports.leads import import_leads
from workstation.store.imports.reader import CsvBlocks, CsvRows, parse_block, sniff
from workstation.store.schema import upgrade

HEADER = "FirstName,LastName,Company,Email,Phone,Notes"
# Rows every reader must number alike: blank lines, quoted newlines (LF, CRLF, lone CR),
# quotes doubled inside quotes, a quote in the middle of an unquoted cell (csv.reader
# keeps it as text: counting quotes is misled by it), a lone CR ending a line.
TRICKY = [
    "Ann,Lee,Acme,ann@acme.com,,plain",
    "",
    'Bob,Ray,"Quotes, Commas & Co",bob@x.com,,"two\nlines"',
    'Cy,Fox,Widgets,cy@w.io,,"three\r\nlines\r\nhere"',
    'Dee,Gun,"Say ""hi""",dee@x.com,,"lone\rcarriage"',
    ",,,,,",
    "Eve,Hill,Co,eve@x.com,,last",
]
STRAY = 'Fay,Ivy,5" Screens,fay@x.com,,stray quote'


def _expected(path: Path) -> tuple[list[str], list[tuple[int, list[str]]]]:
    with CsvRows(path, sniff(path)) as rows:
        return rows.header, list(rows)


def _by_blocks(path: Path, block_size: int) -> tuple[list[str] | None, list, int | None]:
    form = sniff(path)
    blocks = CsvBlocks(path, form, block_size=block_size)
    rows, base, fallback = [], blocks.lines, None
    for block in blocks.blocks():
        whole, lines, found = parse_block(block.data.decode(blocks.encoding), form.delimiter)
        if not whole:
            fallback = block.start
            break
        rows += [(base + line, cells) for line, cells in found]
        base += lines
    fallback = blocks.stopped_at if fallback is None else fallback
    if fallback is not None:
        with CsvRows(path, form, start=fallback, lines=base) as rest:
            rows += list(rest)
    return blocks.header, rows, fallback


def _write(path: Path, lines: list[str], *, end: str = "\n", bom: bool = False) -> Path:
    text = end.join([HEADER, *lines]) + end
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8"))
    return path


@pytest.mark.parametrize("block_size", [1, 7, 40, 1 << 18])
@pytest.mark.parametrize("end", ["\n", "\r\n"])
def test_blocks_give_the_rows_and_lines_of_one_reader(tmp_path, block_size, end):
    path = _write(tmp_path / "tricky.csv", ["", *TRICKY * 3], end=end, bom=True)
    header, rows, fallback = _by_blocks(path, block_size)
    assert (header, rows) == _expected(path)
    assert fallback is None
    assert [line for line, _ in rows][:3] == [3, 5, 7]  # a blank line before the first row


@pytest.mark.parametrize("block_size", [1, 7, 40, 1 << 18])
def test_a_stray_quote_sends_the_rest_through_one_reader(tmp_path, block_size):
    path = _write(tmp_path / "stray.csv", [*TRICKY, STRAY, *TRICKY, 'G,H,"I\nJ",g@h.com,,'])
    header, rows, fallback = _by_blocks(path, block_size)
    assert (header, rows) == _expected(path)
    assert fallback is not None
    assert ["Fay", "Ivy", '5" Screens', "fay@x.com", "", "stray quote"] in [c for _, c in rows]


def test_a_file_ending_inside_quotes_reads_as_one_reader_reads_it(tmp_path):
    path = tmp_path / "open.csv"
    path.write_bytes(
        f'{HEADER}\nAnn,Lee,Acme,a@b.com,,ok\nBob,Ray,Co,b@c.com,,"never closed\n'.encode()
    )
    assert _by_blocks(path, 8)[:2] == _expected(path)


def test_a_record_longer_than_most_is_left_to_one_reader(tmp_path):
    path = _write(tmp_path / "long.csv", ['A,B,C,a@b.com,,"' + "x\n" * 500 + '"', *TRICKY])
    form = sniff(path)
    blocks = CsvBlocks(path, form, block_size=16, most=64)
    assert list(blocks.blocks()) == [] and blocks.stopped_at == blocks.start
    assert _by_blocks(path, 16)[:2] == _expected(path)


@pytest.mark.parametrize(
    ("raw", "encoding"),
    [
        (
            "FirstName;LastName;Company;Email\r\nJosé;Müller;Café;j@c.com\r\n".encode("cp1252"),
            "cp1252",
        ),
        (b"FirstName,LastName,Company,Email\nA,\xc5ngstr\xf6m,Lab\x81,a@l.se\n", "iso8859-1"),
        (b"\r\n\r\nFirstName,LastName\rA,B\r", "utf-8"),  # lone CRs: one reader reads it
    ],
)
def test_other_encodings_and_line_ends(tmp_path, raw, encoding):
    path = tmp_path / "other.csv"
    path.write_bytes(raw)
    assert sniff(path).encoding == encoding
    header, rows, _ = _by_blocks(path, 5)
    expected = _expected(path)
    assert (header or expected[0], rows if header else expected[1]) == expected


def test_utf16_is_read_by_one_reader(tmp_path):
    path = tmp_path / "u16.txt"
    path.write_bytes("First Name\tLast Name\r\nZoë\tŁukasz\r\n".encode("utf-16"))
    assert CsvBlocks(path, sniff(path)).header is None


def _errors(path: Path) -> list[list[str]]:
    return list(csv.reader(path.open(encoding="utf-8", newline="")))


@pytest.mark.parametrize("split", [3, 64])
def test_the_pool_with_tiny_blocks_names_the_lines_one_process_names(
    sqlite_engine, tmp_path, monkeypatch, split
):
    source = tmp_path / "leads.csv"
    lines = ["First Name,last_name,Company,E-mail,Phone,Mobile,State,Country,Title,Notes"]
    lines += [*ROWS, 'Fay,Ivy,5" Screens,fay@x.com,,,,,,', *ROWS]
    source.write_bytes(("\r\n".join(lines) + "\r\n").encode())
    alone = make_engine(f"sqlite:///{tmp_path / 'alone.db'}")
    upgrade(alone)
    one = import_leads(alone, source, workers=1, errors_path=tmp_path / "one.csv")
    monkeypatch.setattr(import_pool, "POOL_FROM_BYTES", 0)
    monkeypatch.setattr(import_reader, "SPLIT_BYTES", split)
    two = import_leads(sqlite_engine, source, workers=2, errors_path=tmp_path / "two.csv")
    assert (two.rows, two.created, two.updated, two.unchanged, two.rejected) == (
        one.rows,
        one.created,
        one.updated,
        one.unchanged,
        one.rejected,
    )
    assert _errors(tmp_path / "two.csv") == _errors(tmp_path / "one.csv")
    assert [row[0] for row in _errors(tmp_path / "one.csv")][1:5] == ["7", "8", "10", "16"]
    alone.dispose()


def test_the_nasty_file_in_blocks_of_a_few_bytes(sqlite_engine, tmp_path, monkeypatch):
    monkeypatch.setattr(import_reader, "SPLIT_BYTES", 5)
    errors = tmp_path / "errors.csv"
    summary = import_leads(sqlite_engine, write_nasty_file(tmp_path / "n.csv"), errors_path=errors)
    assert (summary.rows, summary.created, summary.rejected) == (16, 10, 2)
    assert [int(row[0]) for row in _errors(errors)[1:]] == [7, 8, 10, 16]
