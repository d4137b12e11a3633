"""CSV files saved in other languages' encodings import with their names intact, the
encoding used is reported, and `encoding=` overrides what the file seems to be."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlmodel import Session

from workstation.store.imports.leads import import_leads
from workstation.store.imports.preview import preview_file
from workstation.store.imports.reader import UnreadableFile
from workstation.store.models import Lead

HEADER = "FirstName,LastName,Company,Phone,Country\n"
FILES = {
    "cp1251": (
        "Иван,Петров,ООО Ромашка,+7 495 123 4567,RU\n"
        "Мария,Смирнова,Газпром нефть,+7 495 765 4321,RU\n"
        "Алексей,Кузнецов,Яндекс,+7 495 111 2233,RU\n"
    ),
    "iso-8859-2": (
        "Łukasz,Wójcik,Żabka Polska,+48 22 123 4567,PL\n"
        "Zofia,Kowalczyk,Spółdzielnia Mleczarska,+48 22 765 4321,PL\n"
        "Grzegorz,Brzęczyszczykiewicz,Łódź Sp. z o.o.,+48 42 111 2233,PL\n"
    ),
    "gb18030": (
        "伟,王,北京科技有限公司,+86 10 1234 5678,CN\n芳,李,上海贸易公司,+86 21 8765 4321,CN\n"
    ),
    "shift_jis": (
        "太郎,山田,株式会社サンプル,+81 3 1234 5678,JP\n"
        "花子,佐藤,東京商事株式会社,+81 3 8765 4321,JP\n"
    ),
    "utf-16": (
        "José,García,Café Société,+34 91 123 4567,ES\n"
        "François,Müller,Größe GmbH,+49 221 123456,DE\n"
    ),
    "cp1252": (
        "Renée,Dubois,Crème Brûlée SARL,+33 1 42 68 53 00,FR\n"
        "Jürgen,Weiß,Bäckerei Müller,+49 89 123456,DE\n"
        "João,Gonçalves,Açores Lda,+351 21 123 4567,PT\n"
        "Søren,Ærø,Østerbro ApS,+45 33 12 34 56,DK\n"
    ),
}


def _names(engine) -> set[tuple[str | None, str, str]]:
    with Session(engine) as session:
        rows = session.execute(select(Lead.first_name, Lead.last_name, Lead.company)).all()
    return {tuple(row) for row in rows}


def _expected(text: str) -> set[tuple[str, str, str]]:
    return {tuple(line.split(",")[:3]) for line in text.splitlines()}


@pytest.mark.parametrize("encoding", FILES)
def test_a_file_in_its_own_encoding_imports_with_its_names_intact(
    sqlite_engine, tmp_path, encoding
):
    path = tmp_path / f"{encoding}.csv"
    path.write_bytes((HEADER + FILES[encoding]).encode(encoding))
    summary = import_leads(sqlite_engine, path)
    assert summary.rejected == 0
    assert _names(sqlite_engine) == _expected(FILES[encoding])
    assert (
        summary.encoding.replace("_", "-")
        in {
            "cp1251": {"cp1251"},
            "iso-8859-2": {"iso8859-2", "cp1250"},  # one and the same for these letters
            "gb18030": {"gb18030"},
            "shift_jis": {"cp932", "shift-jis"},
            "utf-16": {"utf-16"},
            "cp1252": {"cp1252"},
        }[encoding]
    )
    assert preview_file(path).encoding == summary.encoding


def test_a_named_encoding_wins_over_what_the_file_seems_to_be(sqlite_engine, tmp_path):
    # Three short Cyrillic names: told from the file, they could be read otherwise;
    # named, they are read as named.
    text = "Олег,Бык,Ёж и Ко,+7 495 123 4567,RU\n"
    path = tmp_path / "short.csv"
    path.write_bytes((HEADER + text).encode("koi8-r"))
    summary = import_leads(sqlite_engine, path, encoding="koi8_r")
    assert summary.encoding == "koi8-r" and summary.rejected == 0
    assert _names(sqlite_engine) == _expected(text)


def test_bytes_the_named_encoding_cant_read_refuse_only_their_row(sqlite_engine, tmp_path):
    path = tmp_path / "mixed.csv"
    path.write_bytes(
        HEADER.encode() + "Иван,Петров,Ромашка,+7 495 123 4567,RU\n".encode()
        + b"Bad,\x98Row,Acme,+7 495 765 4321,RU\n"
    )  # fmt: skip
    summary = import_leads(sqlite_engine, path, encoding="utf-8", errors_path=tmp_path / "e.csv")
    assert (summary.created, summary.rejected) == (1, 1)


def test_an_unknown_encoding_is_one_clear_line(sqlite_engine, tmp_path):
    path = tmp_path / "leads.csv"
    path.write_text(HEADER + "Ann,Lee,Acme,+1 415 555 0101,US\n", encoding="utf-8")
    with pytest.raises(UnreadableFile, match="unknown encoding 'klingon'"):
        import_leads(sqlite_engine, path, encoding="klingon")
    assert _names(sqlite_engine) == set()
