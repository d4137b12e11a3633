"""What a CSV file holds before it is imported: its encoding and delimiter, its columns,
the field each one would feed, and its first rows; the import screen shows it so columns
can be mapped before anything is written."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from itertools import islice
from pathlib import Path

from workstation.store.imports.columns import (
    FIELDS_BY_NAME,
    IMPORT_FIELDS,
    MappingError,
    match_columns,
    plan_columns,
)
from workstation.store.imports.reader import CsvRows, sniff

# Field choices for a column: our fields by their Salesforce names.
FIELD_CHOICES: tuple[tuple[str, str], ...] = tuple((f.label, f.name) for f in IMPORT_FIELDS)


@dataclass(frozen=True, slots=True)
class FilePreview:
    path: str
    encoding: str
    delimiter: str
    size: int
    header: tuple[str, ...]
    fields: tuple[str | None, ...]  # the field each column feeds (our name), None: ignored
    rows: tuple[tuple[str, ...], ...]  # the first rows, as written
    problem: str | None  # why it cannot be imported as mapped (a required field missing …)

    def label(self, index: int) -> str:
        field = self.fields[index]
        return FIELDS_BY_NAME[field].label if field else ""


def preview_file(
    path: Path | str,
    *,
    mapping: Mapping[str, str | None] | None = None,
    rows: int = 5,
    encoding: str | None = None,
) -> FilePreview:
    """The file's columns, how they map, and its first `rows` rows; UnreadableFile when it
    cannot be read at all."""
    path = Path(path).expanduser()
    form = sniff(path, encoding)
    with CsvRows(path, form) as reader:
        header = tuple(cell.replace("\ufeff", "").strip() for cell in reader.header)
        first = tuple(tuple(cells) for _, cells in islice(reader, rows))
    problem = None
    try:
        plan_columns(header, mapping)
    except MappingError as error:
        problem = str(error)
    fed = match_columns(header, mapping).field_of()
    fields = [fed.get(index) for index in range(len(header))]
    return FilePreview(
        path=str(path),
        encoding=form.encoding,
        delimiter=form.delimiter,
        size=form.size,
        header=header,
        fields=tuple(fields),
        rows=first,
        problem=problem,
    )
