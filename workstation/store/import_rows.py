"""One CSV row made into a lead's values, or the reason it cannot be: the part of an import
that runs in worker processes (pure functions of the row and the `RowRules`, no database).

A row is refused when it has no last name or company (Salesforce requires both), neither
an email nor a phone (a lead must be reachable, and those are what duplicates are matched
on, so a second run could not tell it was already imported), a bad email, a phone that is
not a valid number, a value too long for its column, a count or flag that is not one, a
lead status we do not have, cells beyond the header that are not empty (a comma that
should have been quoted shifts a row), or bytes that are not text in the file's encoding.
"""

from __future__ import annotations

import os
import re
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import phonenumbers

from workstation.store.cleansing import (
    BadValue,
    clean_count,
    clean_email,
    clean_flag,
    clean_text,
    e164,
    parse_phone,
    phone_zone,
    unescape_formula,
)
from workstation.store.import_columns import FIELDS_BY_NAME, ColumnPlan
from workstation.store.models import Lead
from workstation.store.picklists import LEAD_STATUS_SYNONYMS, lead_source, match_picklist
from workstation.store.regions import country_code, region_code, zone_for_place

# The values of a cleaned row, in this order (a new lead's insert takes them so, status last).
LEAD_VALUES = tuple(
    "first_name last_name title company email phone website industry employees street city "
    "state postal_code country time_zone lead_source lead_type do_not_call email_opt_out "
    "status".split()
)
_TEXT = tuple(
    "first_name last_name title company website industry street city postal_code lead_type".split()
)
_LIMITS = {name: getattr(Lead.__table__.c[name].type, "length", None) for name in LEAD_VALUES}
_LABELS = {name: field.label for name, field in FIELDS_BY_NAME.items()}
_UNDECODABLE = re.compile("[\udc80-\udcff]")
_REGIONS = phonenumbers.SUPPORTED_REGIONS

Row = tuple[int, list[str]]  # line number, cells
Cleaned = tuple  # the LEAD_VALUES of a row, in order
Outcome = Cleaned | str  # or the reason the row was refused


@dataclass(frozen=True, slots=True)
class RowRules:
    plan: ColumnPlan
    region: str  # default phone region, ISO code
    statuses: tuple[tuple[str, bool], ...]  # lead statuses: (name, is_converted)
    undecodable: bool = False  # the file holds bytes its encoding could not read
    source: str | None = None  # LeadSource for every row (--source)
    default_source: str | None = None  # … for rows without one (the campaign's channel)
    default_type: str | None = None  # LeadType for rows without one (the campaign's offer)


def _split_name(full: str) -> tuple[str | None, str]:
    if "," in full:
        last, _, first = full.partition(",")
        return first.strip() or None, last.strip()
    first, _, last = full.rpartition(" ")
    return first or None, last


def _cells(cells: list[str], plan: ColumnPlan) -> dict[str, str]:
    """The first non-blank cell of each mapped field, our export's formula escape undone."""
    raw: dict[str, str] = {}
    count = len(cells)
    for name, indexes in plan.columns:
        for index in indexes:
            cell = cells[index] if index < count else ""
            if cell and not cell.isspace():
                raw[name] = unescape_formula(cell) if cell[0] == "'" else cell
                break
    return raw


def _clean(raw: dict[str, str], rules: RowRules) -> Cleaned:
    values: dict[str, object] = {}
    for name in _TEXT:
        if name in raw:
            values[name] = clean_text(raw[name], _LIMITS[name], _LABELS[name])
    if "full_name" in raw and "last_name" not in raw:
        full = clean_text(raw["full_name"], 2 * _LIMITS["last_name"], "Name") or ""
        values["first_name"], values["last_name"] = _split_name(full)
    if not values.get("last_name"):
        raise BadValue("no LastName: a lead needs one")
    if not values.get("company"):
        raise BadValue("no Company: a lead needs one")
    country = (
        clean_text(raw["country"], _LIMITS["country"], "Country") if "country" in raw else None
    )
    code = country_code(country)
    state = clean_text(raw["state"], _LIMITS["state"], "State") if "state" in raw else None
    values["country"] = code or country
    values["state"] = state = region_code(state, code) or state
    email = clean_email(raw["email"]) if "email" in raw else None
    if email is not None and len(email) > _LIMITS["email"]:
        raise BadValue(f"Email is {len(email)} characters long; at most 254 fit")
    region = code if code in _REGIONS else rules.region
    number = parse_phone(raw["phone"], region) if "phone" in raw else None
    if email is None and number is None:
        raise BadValue("no Email or Phone: a lead must be reachable, and is matched by them")
    values["email"] = email
    if number is not None:
        values["phone"] = e164(number)
        values["time_zone"] = phone_zone(number) or zone_for_place(state, code)
    else:
        values["time_zone"] = zone_for_place(state, code)
    if "employees" in raw:
        values["employees"] = clean_count(raw["employees"], "NumberOfEmployees")
    source = None
    if "lead_source" in raw:
        source = clean_text(raw["lead_source"], _LIMITS["lead_source"], "LeadSource")
    values["lead_source"] = rules.source or (source and lead_source(source)) or rules.default_source
    values["lead_type"] = values.get("lead_type") or rules.default_type
    if "status" in raw:
        status, problem = _lead_status(raw["status"].strip(), rules.statuses)
        if problem:
            raise BadValue(problem)
        values["status"] = status
    values["do_not_call"] = "do_not_call" in raw and clean_flag(raw["do_not_call"], "DoNotCall")
    values["email_opt_out"] = "email_opt_out" in raw and clean_flag(
        raw["email_opt_out"], "HasOptedOutOfEmail"
    )
    return tuple(map(values.get, LEAD_VALUES))


@lru_cache(maxsize=1024)
def _lead_status(written: str, statuses: tuple[tuple[str, bool], ...]) -> tuple[str, str]:
    """(our status, "") for a Status cell, or ("", why it cannot be imported)."""
    names = [name for name, _ in statuses]
    status = match_picklist(written, names, LEAD_STATUS_SYNONYMS)
    if status is None:
        return "", f"no lead status {written!r}; statuses: {', '.join(names)}"
    if dict(statuses)[status]:
        return "", f"Status {written!r} means converted: a lead is converted only by conversion"
    return status, ""


def clean_row(cells: list[str], rules: RowRules) -> Outcome:
    """A row's LEAD_VALUES, or the reason it is refused."""
    width = len(rules.plan.header)
    if len(cells) > width and any(cell.strip() for cell in cells[width:]):
        return f"the row has {len(cells)} cells and the header {width}: is a comma not quoted?"
    if rules.undecodable and _UNDECODABLE.search("".join(cells)):
        return "the row holds bytes that are not text in the file's encoding"
    try:
        return _clean(_cells(cells, rules.plan), rules)
    except BadValue as error:
        return str(error)


_rules: RowRules | None = None
WORKER_NICENESS = 10


def init_worker(rules: RowRules) -> None:
    """Pool initializer: the rules arrive once per worker, not once per chunk."""
    global _rules
    _rules = rules
    if hasattr(os, "nice"):
        # The process writing the database is the import's bottleneck (and may be the TUI):
        # it comes first, the workers take what is left of the cores (15 % faster here).
        os.nice(WORKER_NICENESS)
    threading.Thread(target=_exit_with_parent, args=(os.getppid(),), daemon=True).start()


def _exit_with_parent(parent: int) -> None:
    # A worker waits on a queue whose other end it holds itself, so it would never notice
    # an import killed with -9: it watches for being handed to another parent instead.
    while os.getppid() == parent:
        time.sleep(0.5)
    os._exit(1)


def clean_chunk(rows: Sequence[Row]) -> list[Outcome]:
    assert _rules is not None, "init_worker first"
    return clean_rows(rows, _rules)


def clean_rows(rows: Sequence[Row], rules: RowRules) -> list[Outcome]:
    return [clean_row(cells, rules) for _, cells in rows]
