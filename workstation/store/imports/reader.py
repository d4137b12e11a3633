"""Reading a CSV file whatever wrote it: the encoding and the delimiter are sniffed, BOMs,
CRLF line ends and newlines inside quoted cells are handled, rows are numbered by the line
they start on, blank lines are skipped.

Encoding: the one the user names (`import --encoding`), else a BOM decides (UTF-8 or
UTF-16). Otherwise a file that is all valid UTF-8 is UTF-8; one that is UTF-8 with a few bad
bytes (fewer than its UTF-8 bytes; or, where the detector would take it for a one-byte
Western encoding such as cp1252, no more than `_BAD_PER_SEQUENCE` for each UTF-8
character, which such a file holds by accident only) is read as UTF-8 too, the bad bytes
kept as they were (surrogate escapes) so the rows holding them can be refused, written to the errors
file unchanged and named in the report; a header holding such bytes is refused before
anything is read (`check_header`); any other
file's encoding is told by chardet (a maintained detector that reads Cyrillic, Central
European, Chinese and Japanese files right where a fixed guess garbles them), with
Windows-1252 (Excel's "CSV" on Windows) preferred when chardet finds it about as likely as
a neighbour, and Latin-1 when nothing else reads every byte.
Delimiter: the one of , ; tab | that the header line holds most of, outside quotes.

Big files are read as blocks of whole records (`CsvBlocks`), so that worker processes can
parse them: this process only finds where records end, by counting quotes (a newline after
an even number of quotes since the last record's end), and each worker checks that its
block parsed to the end of a record. A file where counting misleads (a stray quote in an
unquoted cell) or that cannot be split on newline bytes (UTF-16) is read record by record
from the first block in doubt on, so the rows and their line numbers are always those a
plain `csv.reader` of the whole file gives.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from workstation.store.errors import StoreError

BLOCK = 1 << 20
SPLIT_BYTES = 1 << 18  # a block for a worker: about 1,300 rows of a typical lead file
_UTF8_SEQUENCE = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}"
)
_HIGH = re.compile(rb"[\x80-\xff]")
_BAD_PER_SEQUENCE = 8
_UNDECODED = re.compile("[\udc80-\udcff]+")
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


# Encodings in which a byte below 0x80 may be part of another character, so a file cannot
# be split at its newline bytes or its quotes counted byte by byte.
_WIDE_OR_STATEFUL = ("utf_16", "utf_32", "utf_7", "iso2022", "hz")
_DETECT_BYTES = 1 << 20
_WINDOWS_1252_SHARE = 0.7  # cp1252 wins when chardet rates it this close to its first answer


def splittable(encoding: str) -> bool:
    """Whether the encoding's newline, quote and delimiter bytes are always those."""
    return not codecs.lookup(encoding).name.replace("-", "_").startswith(_WIDE_OR_STATEFUL)


def named_encoding(name: str) -> str:
    """The codec of an encoding the user named, or UnreadableFile naming the problem."""
    try:
        return codecs.lookup(name.strip()).name
    except LookupError:
        raise UnreadableFile(
            f"unknown encoding {name.strip()!r}: name one such as utf-8, cp1252, cp1251, "
            "iso-8859-2, gb18030, shift_jis or utf-16"
        ) from None


def _detected(path: Path) -> str:
    """The encoding chardet reads a file (with bytes that are not UTF-8) as."""
    import chardet  # only for files that are not UTF-8

    with path.open("rb") as file:
        sample = file.read(_DETECT_BYTES)
    readable = []
    for guess in chardet.detect_all(sample):
        if not guess["encoding"]:
            continue
        name = codecs.lookup(guess["encoding"]).name
        try:
            sample.decode(name)
        except UnicodeDecodeError as error:
            if error.end < len(sample) - 4:  # not just a character cut at the sample's end
                continue
        except LookupError:
            continue
        readable.append((name, guess["confidence"] or 0.0))
    if not readable:
        return "latin-1"
    best = readable[0][1]
    for name, confidence in readable:
        if name == "cp1252" and confidence >= best * _WINDOWS_1252_SHARE:
            return name
    return readable[0][0]


def _encoding(path: Path) -> tuple[str, str]:
    with path.open("rb") as file:
        head = file.read(4)
        if head.startswith(codecs.BOM_UTF8):
            return "utf-8-sig", "strict"
        if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            return "utf-16", "strict"
        file.seek(0)
        decoder = codecs.getincrementaldecoder("utf-8")()
        valid, sequences, high, clean = 0, 0, 0, True
        while block := file.read(BLOCK):
            if block.isascii():
                continue
            if clean:
                try:
                    decoder.decode(block)
                    continue
                except UnicodeDecodeError:
                    clean = False
            found = _UTF8_SEQUENCE.findall(block)
            valid += sum(len(m) for m in found)
            sequences += len(found)
            high += len(_HIGH.findall(block))
    if clean:
        return "utf-8", "strict"
    if valid * 2 > high:
        return "utf-8", "surrogateescape"
    detected = _detected(path)
    # A file of one-byte Western text holds valid UTF-8 by accident only ("Ã©" is itself
    # mojibake): with enough of it, the file is UTF-8 with some bad bytes, read as UTF-8
    # (the bad lines named), never silently as cp1252. CJK encodings form such pairs by
    # the thousand: what the detector says of them stands.
    one_byte = detected.startswith(("cp125", "iso8859", "mac", "latin"))
    if one_byte and sequences and high - valid <= sequences * _BAD_PER_SEQUENCE:
        return "utf-8", "surrogateescape"
    return detected, "surrogateescape"


def _delimiter(first_line: str) -> str:
    outside = re.sub(r'"[^"]*"', "", first_line)
    counts = {d: outside.count(d) for d in DELIMITERS}
    best = max(DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] else ","


def sniff(path: Path, encoding: str | None = None) -> CsvFormat:
    """The file's format; `encoding` names its encoding instead of telling it."""
    named = named_encoding(encoding) if encoding else None
    try:
        size = path.stat().st_size
        if named:  # bytes it can't read are kept, and their rows refused, as for UTF-8
            encoding, errors = named, "surrogateescape" if splittable(named) else "strict"
        else:
            encoding, errors = _encoding(path)
        with path.open(encoding=encoding, errors="replace", newline="") as file:
            first = next((line for line in file if line.strip()), "")
    except OSError as error:
        raise UnreadableFile(f"cannot read {path}: {error.strerror or error}") from None
    if not first:
        raise UnreadableFile(f"{path} is empty: a CSV file needs a header line")
    if "\x00" in first:  # text never holds NUL (UTF-16 files, which do, open decoded)
        raise UnreadableFile(f"{path} is not a CSV file: its first line holds NUL bytes")
    return CsvFormat(encoding, errors, _delimiter(first), size)


def check_header(path: Path, header: list[str], form: CsvFormat) -> None:
    """UnreadableFile naming the column whose name holds bytes that are not text in the
    file's encoding: nothing is imported from a file whose columns cannot be told."""
    for number, cell in enumerate(header, 1):
        if _UNDECODED.search(cell):
            raw = cell.encode(form.encoding, "surrogateescape")
            shown = raw.decode("ascii", "backslashreplace")
            raise UnreadableFile(
                f"{path}, header line, column {number} ({shown}): bytes that are not text in "
                f"{form.encoding}; name the file's encoding with --encoding (cp1252, latin-1, "
                "cp1251 …)"
            )


def _numbered(reader, base: int = 0) -> Iterator[tuple[int, list[str]]]:
    """The reader's rows that are not blank, with the line each starts on (after `base`)."""
    last = 0
    for cells in reader:
        start, last = last + 1, reader.line_num
        if any(cells) and (cells[0].strip() or any(cell.strip() for cell in cells)):
            yield base + start, cells


class CsvRows:
    """The header, then numbered rows; `bytes_read` follows the file for progress.

    With `start` (a byte offset where a record begins, after the header) and `lines` (the
    lines before it), the rows from there on, numbered as from the top of the file.
    """

    def __init__(self, path: Path, form: CsvFormat, *, start: int = 0, lines: int = 0) -> None:
        self._binary = path.open("rb")
        self._binary.seek(start)
        encoding = "utf-8" if start and form.encoding == "utf-8-sig" else form.encoding
        # Held here: were it collected with the reader, it would close the binary file.
        self._text = io.TextIOWrapper(self._binary, encoding, errors=form.errors, newline="")
        self._rows = _numbered(csv.reader(self._text, delimiter=form.delimiter), lines)
        if start:
            self.header: list[str] = []
            return
        first = next(self._rows, None)
        if first is None:
            self.close()
            raise UnreadableFile(f"{path} holds no header line")
        self.header = first[1]

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


# Appended to a block as a line of its own: parsed back as a row of its own only when the
# block ended between records. No file's row is ever compared with it.
_END = "\x00end of block\x00"


def parse_block(text: str, delimiter: str) -> tuple[bool, int, list[tuple[int, list[str]]]]:
    """A block's rows that are not blank, numbered by line from 1 within the block; whether
    the block ended between records (False: it ended inside a quoted cell), and its lines.

    The rows are those `_numbered` gives (a loop of its own: this one runs a million times).
    """
    tail = _END if text.endswith(("\n", "\r")) else "\n" + _END
    reader = csv.reader(io.StringIO(text + tail, newline=""), delimiter=delimiter)
    rows: list[tuple[int, list[str]]] = []
    append, last = rows.append, 0
    for cells in reader:
        if any(cells) and (cells[0].strip() or any(cell.strip() for cell in cells)):
            append((last + 1, cells))
        last = reader.line_num
    whole = bool(rows) and rows[-1] == (last, [_END])
    if whole:
        rows.pop()
    return whole, last - 1, rows


def _record_end(data: bytes, odd: bool) -> int:
    """The offset just after the last newline of `data` that follows an even number of
    quotes (counting an odd number before `data` when `odd`), or -1."""
    end = data.rfind(b"\n")
    if end < 0:
        return -1
    quotes = data.count(b'"', 0, end) + odd
    while quotes & 1:
        before = data.rfind(b"\n", 0, end)
        if before < 0:
            return -1
        quotes -= data.count(b'"', before, end)
        end = before
    return end + 1


def _first_record_end(data: bytes, start: int) -> int:
    """The offset just after the first newline after `start` that follows an even number
    of quotes, or -1."""
    quotes, at = 0, start
    while (newline := data.find(b"\n", at)) >= 0:
        quotes += data.count(b'"', at, newline)
        if not quotes & 1:
            return newline + 1
        at = newline + 1
    return -1


@dataclass(slots=True)
class Block:
    start: int  # byte offset in the file
    data: bytes


@dataclass(slots=True)
class CsvBlocks:
    """A file's header, then its body as blocks of whole records, as far as quotes tell.

    `header` is None when the file cannot be read in blocks (UTF-16, or a header whose
    quotes mislead): then, as when `blocks` stops early, `CsvRows(start=…)` reads on.
    """

    path: Path
    form: CsvFormat
    block_size: int = 0  # 0: SPLIT_BYTES
    most: int = 16 * BLOCK  # a record longer than this is left to CsvRows
    header: list[str] | None = None
    lines: int = 0  # lines up to the end of the header
    start: int = 0  # where the body begins
    bytes_read: int = 0
    stopped_at: int | None = field(default=None)  # where blocks gave up, if they did
    encoding: str = ""

    def __post_init__(self) -> None:
        self.encoding = "utf-8" if self.form.encoding == "utf-8-sig" else self.form.encoding
        if splittable(self.encoding):
            self._read_header()

    def _read_header(self) -> None:
        with self.path.open("rb") as file:
            head = file.read(self.most)
            complete = not file.read(1)
        at = len(codecs.BOM_UTF8) if head.startswith(codecs.BOM_UTF8) else 0
        lines = 0
        while at < len(head):
            end = _first_record_end(head, at)
            if end < 0:
                if not complete:
                    return
                end = len(head)
            text = head[at:end].decode(self.encoding, self.form.errors)
            whole, count, rows = parse_block(text, self.form.delimiter)
            if not whole or len(rows) > 1:  # quotes mislead, or lines end in a lone CR
                return
            lines, at = lines + count, end
            if rows:
                self.header, self.lines, self.start = rows[0][1], lines, at
                self.bytes_read = at
                return
        raise UnreadableFile(f"{self.path} holds no header line")

    def blocks(self) -> Iterator[Block]:
        """Blocks of whole records from `start` to the end of the file; on a record longer
        than `most`, `stopped_at` is set where that record begins, and blocks stop."""
        size = self.block_size or SPLIT_BYTES
        with self.path.open("rb") as file:
            file.seek(self.start)
            offset, parts, held, odd = self.start, [], 0, False  # the record begun
            while chunk := file.read(size):
                end = _record_end(chunk, odd)
                if end < 0:
                    parts.append(chunk)
                    held += len(chunk)
                    odd ^= bool(chunk.count(b'"') & 1)
                    if held > self.most:
                        self.stopped_at = offset
                        return
                    continue
                data = b"".join((*parts, chunk[:end])) if parts else chunk[:end]
                offset += len(data)
                self.bytes_read = offset
                yield Block(offset - len(data), data)
                rest = chunk[end:]
                parts, held, odd = [rest], len(rest), bool(rest.count(b'"') & 1)
            data = b"".join(parts)
            if data:
                self.bytes_read = offset + len(data)
                yield Block(offset, data)
