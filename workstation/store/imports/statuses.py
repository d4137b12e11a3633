"""Lead statuses from other CRMs made into ours, the same way for a CSV file and a
Salesforce export: never a refused row, never a new status.

A Status cell becomes our status by, in order: the import's `--status-map` (the user's
word wins), one of our names (`match_picklist`: any case, or the part before the dash),
then the built-in map of other CRMs' standard statuses (`LEAD_STATUS_SYNONYMS`:
Salesforce's old and new defaults, HubSpot's lead statuses, Zoho's). A status that is
none of these (`hot`, `Closed Won`, an org's own), or one that means converted on a lead
that was not converted here (only a conversion converts), leaves the lead at the default
status and is kept as written in the lead's `source_status`; the import reports each such
value with its count.

`--status-map` takes pairs inline, `"hot=Working,cold=Nurturing"`, or the path of a file
of such pairs, one a line (`FROM=TO`, or two CSV columns FROM,TO; blank lines and lines
starting with # are skipped). TO is one of our statuses by its name or the part before the
dash ("Working") or a name the built-in map knows ("Nurturing"); a converted status is
refused, as is a status we do not have.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

from workstation.store.errors import StoreError
from workstation.store.imports.picklists import LEAD_STATUS_SYNONYMS, match_picklist, picklist_key

# (our name, is_converted) of each lead status, as the rules carry them to the workers.
Statuses = tuple[tuple[str, bool], ...]
StatusMap = tuple[tuple[str, str], ...]  # (picklist_key of theirs, our status)


class StatusMapError(StoreError):
    """A --status-map that cannot be used."""


def parse_status_map(options: Sequence[str], statuses: Statuses) -> StatusMap:
    """The pairs of every `--status-map` option, checked against our statuses."""
    pairs: list[tuple[str, str, str]] = []  # (theirs, ours as written, where)
    for option in options:
        path = Path(option).expanduser()
        if path.is_file():
            pairs.extend(_file_pairs(path))
            continue
        for part in option.split(","):
            if part.strip():
                pairs.append((*_pair(part, f"--status-map {option!r}"), f"--status-map {option!r}"))
    names = [name for name, _ in statuses]
    converted = {name for name, is_converted in statuses if is_converted}
    mapped: dict[str, str] = {}
    for theirs, written, where in pairs:
        ours = match_picklist(written, names, LEAD_STATUS_SYNONYMS)
        if ours is None:
            raise StatusMapError(
                f"{where}: no lead status {written!r}; statuses: "
                + ", ".join(name for name in names if name not in converted)
            )
        if ours in converted:
            raise StatusMapError(
                f"{where}: {ours!r} means converted, and a lead is converted only by "
                "conversion: map it to an open or closed status"
            )
        mapped[picklist_key(theirs)] = ours
    return tuple(mapped.items())


def _pair(text: str, where: str) -> tuple[str, str]:
    theirs, equals, ours = text.partition("=")
    if not equals or not theirs.strip() or not ours.strip():
        raise StatusMapError(f'{where}: write each pair as FROM=TO, such as "hot=Working"')
    return theirs.strip(), ours.strip()


def _file_pairs(path: Path) -> list[tuple[str, str, str]]:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        raise StatusMapError(f"--status-map {path}: cannot read it ({error})") from None
    pairs = []
    for number, line in enumerate(text.splitlines(), 1):
        where = f"--status-map {path}, line {number}"
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if "=" in line:
            pairs.append((*_pair(line, where), where))
            continue
        cells = next(csv.reader(io.StringIO(line)))
        if len(cells) != 2 or not all(cell.strip() for cell in cells):
            raise StatusMapError(f"{where}: write FROM=TO, or two columns FROM,TO")
        if number == 1 and picklist_key(cells[1]) in ("to", "ours", "status"):
            continue  # a header line
        pairs.append((cells[0].strip(), cells[1].strip(), where))
    return pairs


@lru_cache(maxsize=4096)  # a file repeats its few statuses on every row
def lead_status(
    written: str, statuses: Statuses, status_map: StatusMap, *, converted: bool = False
) -> tuple[str | None, str | None]:
    """(our status, None) for a Status cell, or (None, the cell as written) when it is kept
    in `source_status` and the lead takes the default status. `converted`: the record was
    converted where it comes from (a Salesforce lead's IsConverted), so a converted status
    is its own."""
    key = picklist_key(written)
    if not key:
        return None, None
    names = [name for name, _ in statuses]
    ours = dict(status_map).get(key) or match_picklist(written, names, LEAD_STATUS_SYNONYMS)
    if ours is None or (dict(statuses)[ours] and not converted):
        return None, written
    return ours, None


def means_converted(written: str, statuses: Statuses) -> bool:
    """Whether a status kept in `source_status` was kept for meaning converted."""
    names = [name for name, _ in statuses]
    ours = match_picklist(written, names, LEAD_STATUS_SYNONYMS)
    return ours is not None and dict(statuses)[ours]
