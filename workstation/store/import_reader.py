"""Reading a CSV file whatever wrote it: the encoding and the delimiter are sniffed, BOMs,
CRLF line ends and newlines inside quoted cells are handled, rows are numbered by the line
they start on, blank lines are skipped.

Encoding: a BOM decides (UTF-8 or UTF-16). Otherwise a file that is all valid UTF-8 is
UTF-8; one that is mostly UTF-8 with a few bad bytes is read as UTF-8 too, the bad bytes
kept as they were (surrogate escapes) so the rows holding them can be refused and written
to the errors file unchanged; a file with high bytes but no UTF-8 sequences is Windows-1252
(Excel's "CSV" on Windows), or Latin-1 when it holds bytes Windows-1252 leaves undefined.
Delimiter: the one of , ; tab | that the header line holds most of, outside quotes.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from workstation.store.errors import StoreError

BLOCK = 1 << 20
_UTF8_SEQUENCE = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}"
)
_HIGH = re.compile(rb"[\x80-\xff]")
_CP1252_UNDEFINED = re.compile(rb"[\x81\x8d\x8f\x90\x9d]")
DELIMITERS = (",", ";", "\t", "|")

# A 1 MB cell is data to refuse with a reason, not a reason to stop reading the file.
csv.field_size_limit(max(csv.field_size_limit(), 1 << 30))


class UnreadableFile(StoreError):
    """The file cannot be opened or holds no header."""


@dataclass(frozen=True, slots=True)
class CsvFormat:
    encoding: str
    errors: str  # "strict", or "surrogateescape" when some bytes are not text
    delimiter: str
    size: int  # bytes


def _encoding(path: Path) -> tuple[str, str]:
    with path.open("rb") as file:
        head = file.read(4)
        if head.startswith(codecs.BOM_UTF8):
            return "utf-8-sig", "strict"
        if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            return "utf-16", "strict"
        file.seek(0)
        decoder = codecs.getincrementaldecoder("utf-8")()
        valid, high, undefined, clean = 0, 0, False, True
        while block := file.read(BLOCK):
            if block.isascii():
                continue
            if clean:
                try:
                    decoder.decode(block)
                    continue
                except UnicodeDecodeError:
                    clean = False
            valid += sum(len(m) for m in _UTF8_SEQUENCE.findall(block))
            high += len(_HIGH.findall(block))
            undefined = undefined or bool(_CP1252_UNDEFINED.search(block))
    if clean:
        return "utf-8", "strict"
    if valid * 2 > high:
        return "utf-8", "surrogateescape"
    return ("latin-1" if undefined else "cp1252"), "strict"


def _delimiter(first_line: str) -> str:
    outside = re.sub(r'"[^"]*"', "", first_line)
    counts = {d: outside.count(d) for d in DELIMITERS}
    best = max(DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] else ","


def sniff(path: Path) -> CsvFormat:
    try:
        size = path.stat().st_size
        encoding, errors = _encoding(path)
        with path.open(encoding=encoding, errors="replace", newline="") as file:
            first = next((line for line in file if line.strip()), "")
    except OSError as error:
        raise UnreadableFile(f"cannot read {path}: {error.strerror or error}") from None
    if not first:
        raise UnreadableFile(f"{path} is empty: a CSV file needs a header line")
    return CsvFormat(encoding, errors, _delimiter(first), size)


class CsvRows:
    """The header, then numbered rows; `bytes_read` follows the file for progress."""

    def __init__(self, path: Path, form: CsvFormat) -> None:
        self._binary = path.open("rb")
        # Held here: were it collected with the reader, it would close the binary file.
        self._text = io.TextIOWrapper(self._binary, form.encoding, errors=form.errors, newline="")
        self._rows = self._numbered(csv.reader(self._text, delimiter=form.delimiter))
        first = next(self._rows, None)
        if first is None:
            self.close()
            raise UnreadableFile(f"{path} holds no header line")
        self.header = first[1]

    @staticmethod
    def _numbered(reader) -> Iterator[tuple[int, list[str]]]:
        last = 0
        for cells in reader:
            start, last = last + 1, reader.line_num
            if any(cells) and (cells[0].strip() or any(cell.strip() for cell in cells)):
                yield start, cells

    def __iter__(self) -> Iterator[tuple[int, list[str]]]:
        return self._rows

    @property
    def bytes_read(self) -> int:
        return self._binary.tell()

    def close(self) -> None:
        self._text.close()

    def __enter__(self) -> CsvRows:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
