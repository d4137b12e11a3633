"""One CSV row made into a lead's values, or the reason it cannot be: the part of an import
that runs in worker processes (pure functions of the row and the `RowRules`, no database).

A row is refused when it has no last name (Salesforce requires one), neither an email nor
a phone that can be used (a lead must be reachable, and those are what duplicates are
matched on, so a second run could not tell it was already imported), a value too long for
its column, cells beyond the header that are not empty (a comma that should have been
quoted shifts a row), or bytes that are not text in the file's encoding.

One bad value is not a reason to refuse a reachable row: a phone or email that cannot be
used, a count that is not one (the row is kept without them), a do-not-call or opt-out
flag that is neither true nor false (kept as true: calling someone who said no is worse)
are listed with the row in the errors file, its Reason starting "kept". A company left
blank is "[not provided]", as Salesforce's web-to-lead writes it. A status that is none
of ours is kept in `source_status` (`statuses`). Numbers and flags are read in the file's
own conventions (`values.formats`).
"""

from __future__ import annotations

import marshal
import os
import re
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import phonenumbers

from workstation.store.exports.formulas import as_if_escaped, unescape_formula
from workstation.store.imports.columns import FIELDS_BY_NAME, ColumnPlan, address_number
from workstation.store.imports.picklists import lead_source
from workstation.store.imports.reader import parse_block
from workstation.store.imports.statuses import Statuses, StatusMap, lead_status
from workstation.store.models import Lead
from workstation.store.tables import table_of
from workstation.store.values.addresses import Address, compound_address
from workstation.store.values.calling_window import known_zone, record_zone, stored_zones
from workstation.store.values.cleansing import (
    BadValue,
    clean_email,
    clean_text,
    phone_values,
    shown_phone,
    with_lines,
)
from workstation.store.values.formats import Formats, read_count, read_flag
from workstation.store.values.regions import (
    country_code,
    read_place,
    region_code,
    zone_for_place,
)

# The values of a cleaned row, in this order (a new lead's insert takes them so, status last).
LEAD_VALUES = tuple(
    "first_name last_name title company email phone website industry employees street city "
    "state postal_code country time_zone possible_zones lead_source lead_type do_not_call "
    "email_opt_out "
    "phone_extension mobile_phone description account_type source_status status".split()
)
_TEXT = tuple(
    "first_name last_name title company website industry street city postal_code lead_type "
    "phone_extension account_type source_status".split()
)
_LIMITS: dict[str, int | None] = {
    name: getattr(table_of(Lead).c[name].type, "length", None) for name in LEAD_VALUES
}
_LABELS = {name: spec.label for name, spec in FIELDS_BY_NAME.items()}
_UNDECODABLE = re.compile("[\udc80-\udcff]")
_REGIONS = phonenumbers.SUPPORTED_REGIONS
_UNREACHABLE = "no Email or Phone: a lead must be reachable, and is matched by them"
UNDECODABLE = "the row holds bytes that are not text in the file's encoding"
NOT_PROVIDED = "[not provided]"  # a lead's Company when it has none (Salesforce's web-to-lead)
# The lines a row adds to its Description for what has no field of its own; a matched
# record whose Description is filled still gets those it lacks (`upsert`).
EXTRA_LINES = ("Other phones: ", "Other emails: ", "Other addresses: ", "Location: ")


def extra_lines(description: str) -> list[str]:
    """The lines of a row's Description that the import added (EXTRA_LINES)."""
    return [line for line in description.split("\n") if line.startswith(EXTRA_LINES)]


Row = tuple[int, list[str]]  # line number, cells
# The LEAD_VALUES of a row, in order. Flags are 1 or 0, not True or False: the sqlite3
# driver binds an exact int four times faster than a bool (SQLAlchemy makes them booleans
# again for PostgreSQL).
Cleaned = tuple
Outcome = Cleaned | str  # or the reason the row was refused


@dataclass(frozen=True, slots=True)
class RowRules:
    plan: ColumnPlan
    region: str  # default phone region, ISO code
    statuses: Statuses  # lead statuses: (name, is_converted)
    undecodable: bool = False  # the file holds bytes its encoding could not read
    source: str | None = None  # LeadSource for every row (--source)
    default_source: str | None = None  # … for rows without one (the campaign's channel)
    default_type: str | None = None  # LeadType for rows without one (the campaign's offer)
    status_map: StatusMap = ()  # --status-map
    formats: Formats = field(default_factory=Formats)  # how the file writes numbers
    country: str | None = None  # Country of rows without one whose phone is of it (--region)
    as_written: bool = False  # no export escaped the cells (our Data Loader one): read as is


def _held(name: str) -> int:
    """The characters the lead's text column `name` holds."""
    limit = _LIMITS[name]
    assert limit is not None
    return limit


_FULL_NAME_LIMIT = 2 * _held("last_name")  # a first name and a last name
_EMAIL_LIMIT = _held("email")


def _split_name(full: str) -> tuple[str | None, str]:
    if "," in full:
        last, _, first = full.partition(",")
        return first.strip() or None, last.strip()
    first, _, last = full.rpartition(" ")
    return first or None, last


_MISSING = object()
# Fields a file may feed that are no column of the lead: read into those that are.
_NOT_ON_THE_LEAD = ("full_name", "other_phones", "other_emails", "location")
_LISTED = re.compile(r"[,;|\n]")  # between the numbers or addresses of a list's cell


def _other_email(written: str, region: str) -> tuple[str, str]:
    """An email beside the row's own, lower-cased, or as written when it is none (twice:
    as shown and as compared, as `shown_phone` gives a phone)."""
    try:
        email = clean_email(written) or written
    except BadValue:
        email = clean_text(written) or written
    return email, email


# A field's columns: its only one (-1: several, -2: none), all of them best first, and what
# the cells written there cleaned to.
_FieldCells = tuple[int, tuple[int, ...], dict[str, Any]]
KEPT = 1 << 14  # answers kept per field: the few values a column repeats, and then some
_AT = {name: position for position, name in enumerate(LEAD_VALUES)}


def _first(cells: list[str], indexes: tuple[int, ...]) -> str:
    """The first of the cells at `indexes` that is not blank, or ""."""
    for index in indexes:
        cell = cells[index]
        if cell and not cell.isspace():
            return cell
    return ""


def _given(cell: str) -> str | None:
    """The cell as written when it is not blank, our export's escape undone."""
    if not cell or cell.isspace():
        return None
    return unescape_formula(cell) if cell[0] == "'" else cell


def _text(cell: str, limit: int | None, label: str) -> str | None:
    given = _given(cell)
    return None if given is None else clean_text(given, limit, label)


class RowCleaner:
    """Cleans the rows of one import: a row's LEAD_VALUES, or the reason it is refused.

    Fast, as a million rows ask: what a cell cleaned to is kept by field and by the cell
    as written (a state, a country, a title, a source repeat across rows), so most cells
    cost one dictionary look-up; a cell that fails is not kept, and fails again. Checks
    run in the order the module docstring lists them, so a row's reason is its first
    problem's.
    """

    def __init__(self, rules: RowRules) -> None:
        self.rules = rules
        self.width = len(rules.plan.header)
        columns = dict(rules.plan.columns)
        self.fields: dict[str, _FieldCells] = {
            name: (-2, (), {}) for name in (*LEAD_VALUES, *_NOT_ON_THE_LEAD)
        } | {
            name: (indexes[0] if len(indexes) == 1 else -1, indexes, {})
            for name, indexes in columns.items()
        }
        # A street's cell may hold a compound address, longer than any street: its length
        # is checked once it is known to be a street (`_street`).
        self.text = [
            (_AT[name], *self.fields[name], None if name == "street" else _LIMITS[name],
             _LABELS[name])
            for name in _TEXT
        ]  # fmt: skip
        self.has = frozenset(columns)
        self.mobiles = self.fields["mobile_phone"][1]  # among the phones too (`columns`)
        self.phones = self.fields["phone"][1]
        self.emails = self.fields["email"][1]
        # Every phone and email column beside the one a row's value came from: the others
        # a row carries, kept in its Description (`_others`).
        self.other_phones = self.fields["other_phones"][1]
        self.other_emails = self.fields["other_emails"][1]
        self.candidates = (*self.phones, *self.other_phones, *self.emails, *self.other_emails)
        self.others = bool(
            self.other_phones or self.other_emails or len(self.phones) > 1 or len(self.emails) > 1
        )
        self.place = bool(self.has & {"country", "state"})
        self.location = "location" in self.has
        self.addresses = self._address_groups()
        self.flags = [flag for flag in _FLAGS if flag[1] in self.has]
        self.blank: list = [None] * len(LEAD_VALUES)  # each row's values, before its cells
        for at, _, _ in _FLAGS:
            self.blank[at] = 0
        self.zones: dict[str, str | None] = {}
        self.warning: str | None = None  # why the last row was kept without a bad value
        self.lost: list[str] = []  # the bad values the row is kept without
        self.ignored_at = rules.plan.unmapped_at
        self.ignored = [0] * len(self.ignored_at)  # cells not empty in each ignored column
        self.calling_code = (
            f"+{phonenumbers.country_code_for_region(rules.country)}" if rules.country else ""
        )

    def _cell(self, cells: list[str], name: str) -> tuple[str, dict]:
        """A field's cell as written ("" when the file has no such column), and the
        answers kept for it."""
        index, indexes, memo = self.fields[name]
        if index >= 0:
            return cells[index], memo
        return (_first(cells, indexes) if indexes else ""), memo

    def row(self, cells: list[str], *, reachable: bool = True) -> Outcome:
        """A row's LEAD_VALUES, or the reason it is refused. `reachable=False`: a row
        with neither phone nor email is kept (a converted lead of an export, history)."""
        self.warning = None
        self.lost = []
        width = self.width
        if len(cells) > width and any(cell.strip() for cell in cells[width:]):
            return f"the row has {len(cells)} cells and the header {width}: is a comma not quoted?"
        if self.rules.undecodable and _UNDECODABLE.search("".join(cells)):
            return UNDECODABLE
        if len(cells) < width:  # missing cells are empty
            cells = cells + [""] * (width - len(cells))
        if self.rules.as_written:  # "'-1+2" is what it says, not an escaped "-1+2"
            cells = [as_if_escaped(cell) for cell in cells]
        if self.ignored_at:
            for at, index in enumerate(self.ignored_at):
                if cells[index] and not cells[index].isspace():
                    self.ignored[at] += 1
        try:
            return self._clean(cells, reachable)
        except BadValue as error:
            return str(error)

    def _clean(self, cells: list[str], reachable: bool = True) -> Cleaned:
        rules, has, cell_of, missing = self.rules, self.has, self._cell, _MISSING
        values = self.blank.copy()
        for at, index, indexes, memo, limit, label in self.text:
            cell = cells[index] if index >= 0 else _first(cells, indexes)
            value = memo.get(cell, missing)
            if value is missing:
                value = _text(cell, limit, label)
                if len(memo) < KEPT:
                    memo[cell] = value
            values[at] = value
        address = None if values[_STREET] is None else self._street(values)
        if "full_name" in has:
            cell, memo = cell_of(cells, "full_name")
            if (names := memo.get(cell, missing)) is missing:
                given = _given(cell)
                names = given and _split_name(clean_text(given, _FULL_NAME_LIMIT, "Name") or "")
                if len(memo) < KEPT:
                    memo[cell] = names
            if names is not None:
                values[_FIRST], values[_LAST] = names
        if not values[_LAST]:
            raise BadValue("no LastName: a lead needs one")
        if not values[_COMPANY]:
            values[_COMPANY] = NOT_PROVIDED
        place = self.place or address is not None
        country, code, state = self._place(cells, address) if place else (None, None, None)
        located = None  # the location's text, when it is kept in the Description
        if self.location:
            country, code, state, located = self._location(cells, values, country, code, state)
        values[_COUNTRY], values[_STATE] = code or country, state
        email, bad_email, email_at = self._email(cells) if "email" in has else (None, None, -1)
        phone = zone = bad_phone = extension = mobile = bad_mobile = None
        phone_at = mobile_at = -1
        region = code if code in _REGIONS else rules.region
        if self.phones:
            phone, zone, extension, bad_phone, phone_at = self._phone(cells, self.phones, region)
            if self.mobiles:
                mobile, _, _, bad_mobile, mobile_at = self._phone(cells, self.mobiles, region)
                bad_mobile = None if bad_mobile == bad_phone else bad_mobile
        if phone is None and email is None and reachable:
            raise BadValue(bad_phone or bad_email or _UNREACHABLE)
        values[_PHONE], values[_MOBILE] = phone, mobile
        values[_EXTENSION] = values[_EXTENSION] or extension
        if phone is not None and state and not code and not phone.startswith("+1"):
            # "WA" beside an Australian number is Western Australia, not Washington.
            zone = record_zone(phone, state, None)
        else:
            zone = zone_for_place(state, code) or zone
        lost = self.lost  # the row is kept, reachable by what was good in it
        lost.extend(f"without its {what} ({problem})" for what, problem in
                    (("phone", bad_phone), ("mobile", bad_mobile), ("email", bad_email))
                    if problem)  # fmt: skip
        home = phone is None or phone.startswith(self.calling_code)  # not another's number
        if code is None and rules.country and home:  # --region's country
            values[_COUNTRY] = rules.country
        if "time_zone" in has:  # a zone the file names (our own export's) wins
            cell, memo = cell_of(cells, "time_zone")
            if (named := memo.get(cell, missing)) is missing:
                named = known_zone(cell.strip())
                if len(memo) < KEPT:
                    memo[cell] = named
            zone = named or zone
        values[_EMAIL], values[_ZONE] = email, zone
        if zone is None:  # every zone it may be in, for the claim's window (`Lead`)
            values[_POSSIBLE] = stored_zones(None, phone, state, values[_COUNTRY])
        if "employees" in has:
            cell, memo = cell_of(cells, "employees")
            if (count := memo.get(cell, missing)) is missing:
                given = _given(cell)
                try:
                    count = None if given is None else read_count(given, _LABEL, rules.formats)
                except BadValue as error:
                    count = error
                if len(memo) < KEPT:
                    memo[cell] = count
            if count.__class__ is BadValue:
                where = self._where(cells, "employees")
                lost.append(f"without its NumberOfEmployees ({where}{count})")
                count = None
            values[_EMPLOYEES] = count
        source = None
        if "lead_source" in has:
            cell, memo = cell_of(cells, "lead_source")
            if (source := memo.get(cell, missing)) is missing:
                source = _text(cell, _LIMITS["lead_source"], "LeadSource")
                source = source and lead_source(source)
                if len(memo) < KEPT:
                    memo[cell] = source
        if "description" in has:
            cell, memo = cell_of(cells, "description")
            given = _given(cell)
            values[_DESCRIPTION] = given and clean_text(given, multiline=True)
        if self.others:
            values[_DESCRIPTION] = self._others(
                cells, values[_DESCRIPTION], (phone_at, mobile_at, email_at), region,
                (phone, mobile, email),
            )  # fmt: skip
        if self.addresses and (other := self._other_addresses(cells)):
            values[_DESCRIPTION] = with_lines(values[_DESCRIPTION], [f"Other addresses: {other}"])
        if located is not None:
            values[_DESCRIPTION] = with_lines(values[_DESCRIPTION], [f"Location: {located}"])
        values[_SOURCE] = rules.source or source or rules.default_source
        values[_TYPE] = values[_TYPE] or rules.default_type
        if "status" in has and (given := _given(cell_of(cells, "status")[0])) is not None:
            status, kept = lead_status(given.strip(), rules.statuses, rules.status_map)
            values[_STATUS] = status
            if kept is not None:
                values[_SOURCE_STATUS] = clean_text(kept, _LIMITS["source_status"], "Status")
        for at, name, label in self.flags:
            cell, memo = cell_of(cells, name)
            if (flag := memo.get(cell, missing)) is missing:
                given = _given(cell)
                try:
                    flag = int(given is not None and read_flag(given, label))
                except BadValue as error:
                    flag = (str(error),)  # kept as true: no call, no mail is the safe side
                if len(memo) < KEPT:
                    memo[cell] = flag
            if flag.__class__ is tuple:
                lost.append(f"with {label} true ({self._where(cells, name)}{flag[0]})")
                flag = 1
            values[at] = flag
        if lost:
            self.warning = "kept " + "; ".join(lost)
        return tuple(values)

    def _phone(
        self, cells: list[str], indexes: tuple[int, ...], region: str
    ) -> tuple[str | None, str | None, str | None, str | None, int]:
        """(E.164, its zone, its extension, the first given number that is not one, the
        column it came from) of the phone columns at `indexes`, best first: the first valid
        number wins."""
        problem = None
        for index in indexes:
            given = _given(cells[index])
            if given is None:
                continue
            try:
                phone, zone, extension = phone_values(given, region, self.zones)
            except BadValue as error:
                problem = problem or f"{self._at(index)}{error}"
                continue
            return phone, zone, extension, problem, index
        return None, None, None, problem, -1

    def _email(self, cells: list[str]) -> tuple[str | None, str | None, int]:
        """(The first valid email of the row's email columns, the first given that is not,
        the column it came from)."""
        problem = None
        for index in self.fields["email"][1]:
            given = _given(cells[index])
            if given is None:
                continue
            try:
                email = clean_email(given)
                if email is not None and len(email) > _EMAIL_LIMIT:
                    raise BadValue(f"Email is {len(email)} characters long; at most 254 fit")
            except BadValue as error:
                problem = problem or f"{self._at(index)}{error}"
                continue
            if email is not None:
                return email, problem, index
        return None, problem, -1

    def _others(
        self,
        cells: list[str],
        description: str | None,
        chosen: tuple[int, ...],
        region: str,
        values: tuple[str | None, ...],
    ) -> str | None:
        """The Description with the phones and emails the row carries beyond its Phone,
        MobilePhone and Email: "Other phones: +61 8 9222 3333; …" and "Other emails: …"
        lines, best column first, each as the main one is read (a phone in international
        form, an email lower-cased), one that cannot be read as written. What the
        Description holds already is not written again, so a second run changes nothing.
        `chosen`: the columns the row's Phone, MobilePhone and Email came from; `values`:
        those, as stored."""
        for index in self.candidates:  # most rows carry no other: told at once
            if index not in chosen and cells[index] and not cells[index].isspace():
                break
        else:
            return description
        kept = description or ""
        seen = {cells[index].strip() for index in chosen if index >= 0}
        taken = {value for value in values if value}  # E.164 and emails, as compared
        lines = []
        for label, single, lists, read in (
            ("Other phones", self.phones, self.other_phones, shown_phone),
            ("Other emails", self.emails, self.other_emails, _other_email),
        ):
            found: list[str] = []
            for index in (*single, *lists):
                if index in chosen:
                    continue
                given = _given(cells[index])
                if given is None:
                    continue
                for written in _LISTED.split(given) if index in lists else (given,):
                    if not (written := written.strip()) or written in seen:
                        continue
                    seen.add(written)
                    shown, key = read(written, region)
                    if key not in taken and shown not in kept:
                        taken.add(key)
                        found.append(shown)
            if found:
                lines.append(f"{label}: {'; '.join(found)}")
        return with_lines(description, lines)

    def _at(self, index: int) -> str:
        """Where a bad value was, for its reason: "column 5 (Mobile): "."""
        return f"column {index + 1} ({self.rules.plan.header[index]}): "

    def _where(self, cells: list[str], name: str) -> str:
        """`_at` of the column a field's value came from."""
        index, indexes, _ = self.fields[name]
        if index < 0:
            index = next((i for i in indexes if cells[i] and not cells[i].isspace()), indexes[0])
        return self._at(index)

    def _street(self, values: list) -> Address | None:
        """The compound address the street's cell holds, if it does, split: its street,
        and its city and postal code where the row has none of its own (the state and
        country go to `_place`)."""
        street = values[_STREET]
        address = compound_address(street) if street[0] == "{" else None
        if address is None:
            if len(street) > _held("street"):
                raise BadValue(f"Street is {len(street):,} characters long; at most 255 fit")
            return None
        values[_STREET] = clean_text(address.street or "", _held("street"), "Street")
        for at, name, label in ((_CITY, "city", "City"), (_POSTAL, "postal_code", "PostalCode")):
            if values[at] is None:
                values[at] = clean_text(getattr(address, name) or "", _LIMITS[name], label)
        return address

    def _address_groups(self) -> tuple[tuple[int, ...], ...]:
        """The address columns of a file with several numbered addresses (Close's
        `address_1_…`, `address_2_…`), by address, the record's own (unnumbered) first;
        () for a file with one address."""
        numbered: dict[int, list[int]] = {}
        header = self.rules.plan.header
        for name in ("street", "city", "state", "postal_code", "country"):
            for index in self.fields[name][1]:
                number = address_number(header[index]) or 0
                numbered.setdefault(max(number, 1), []).append(index)
        if len(numbered) < 2:
            return ()
        return tuple(tuple(sorted(numbered[number])) for number in sorted(numbered))

    def _other_addresses(self, cells: list[str]) -> str | None:
        """The addresses of the row beyond the one its fields took from (the first that
        is not empty), each its cells joined: "2 Park Ave, New York, NY, 10016, US; …"."""
        written = []
        for group in self.addresses:
            parts = [clean_text(given) for index in group if (given := _given(cells[index]))]
            if parts:
                written.append(", ".join(part for part in parts if part))
        return "; ".join(written[1:]) or None

    def _location(
        self,
        cells: list[str],
        values: list,
        country: str | None,
        code: str | None,
        state: str | None,
    ) -> tuple[str | None, str | None, str | None, str | None]:
        """(Country, its code, State, and the location's text when it is to be kept in the
        Description) of a row with a location in words: the place it names fills City,
        State and Country where the row's own columns leave them empty and agree with it.
        Text that is not one place is kept and the row listed (`lost`), never guessed; one
        that says otherwise than the row's own columns is kept beside them."""
        cell, memo = self._cell(cells, "location")
        if (read := memo.get(cell, _MISSING)) is _MISSING:
            text = _text(cell, None, "Location")
            place = text and read_place(text)
            if place and place[0] and len(place[0]) > _held("city"):
                place = None
            read = text and (text, place)
            if len(memo) < KEPT:
                memo[cell] = read
        if not read:
            return country, code, state, None
        text, place = read
        if place is None:
            where = self._where(cells, "location")
            self.lost.append(
                f"with its Location {text!r} in the Description ({where}not one place we can "
                "tell: City, State and Country left as they were)"
            )
            return country, code, state, text
        city, its_state, its_country = place
        own_city = values[_CITY]
        if (
            (country and code != its_country)
            or (state and its_state and state != its_state)
            or (own_city and city and own_city.casefold() != city.casefold())
        ):
            return country, code, state, text
        values[_CITY] = own_city or city
        return country or its_country, its_country, state or its_state, None

    def _place(
        self, cells: list[str], address: Address | None = None
    ) -> tuple[str | None, str | None, str | None]:
        """(Country as cleaned, its ISO code, State as stored); a compound address gives
        the state and country its own columns leave empty."""
        country_cell, memo = self._cell(cells, "country")
        state_cell, _ = self._cell(cells, "state")
        if address is not None:
            country_cell = country_cell if _given(country_cell) else address.country or ""
            state_cell = state_cell if _given(state_cell) else address.state or ""
        key = (country_cell, state_cell)
        place = memo.get(key, _MISSING)
        if place is _MISSING:
            country = _text(country_cell, _LIMITS["country"], "Country")
            code = country_code(country)
            state = _text(state_cell, _LIMITS["state"], "State")
            place = (country, code, region_code(state, code) or state)
            if len(memo) < KEPT:
                memo[key] = place
        return place


_FIRST, _LAST, _COMPANY, _EMAIL, _PHONE = (
    _AT[n] for n in "first_name last_name company email phone".split()
)
_MOBILE, _EXTENSION, _DESCRIPTION = (
    _AT[n] for n in "mobile_phone phone_extension description".split()
)
_STREET, _CITY, _POSTAL = (_AT[n] for n in "street city postal_code".split())
_COUNTRY, _STATE, _ZONE, _EMPLOYEES = (_AT[n] for n in "country state time_zone employees".split())
_SOURCE, _TYPE, _STATUS = (_AT[n] for n in "lead_source lead_type status".split())
_SOURCE_STATUS = _AT["source_status"]
_POSSIBLE = _AT["possible_zones"]
_LABEL = "NumberOfEmployees"
_FLAGS = (
    (_AT["do_not_call"], "do_not_call", "DoNotCall"),
    (_AT["email_opt_out"], "email_opt_out", "HasOptedOutOfEmail"),
)


class BlockCleaner:
    """Parses and cleans what a worker is sent: a block of whole records (bytes of the
    file), or rows already parsed. Refused rows come back as [line, reason, cells], rows
    kept without a bad value as [line, reason, cells, values]."""

    def __init__(self, rules: RowRules, delimiter: str, encoding: str, errors: str) -> None:
        self.rules, self.delimiter = rules, delimiter
        self.encoding, self.errors = encoding, errors
        self._rows: RowCleaner | None = None  # made where it runs: its memos stay there

    def __getstate__(self) -> tuple[RowRules, str, str, str]:
        return self.rules, self.delimiter, self.encoding, self.errors

    def __setstate__(self, state: tuple[RowRules, str, str, str]) -> None:
        BlockCleaner.__init__(self, *state)

    def block(self, data: bytes) -> tuple[bool, int, list, list[int]]:
        """(whether the block ended between records, its lines, the outcomes of its rows,
        refused ones numbered by line within the block, and the cells not empty in each
        ignored column)."""
        whole, lines, rows = parse_block(data.decode(self.encoding, self.errors), self.delimiter)
        if not whole:
            return whole, lines, [], []
        return whole, lines, *self.rows(rows)

    def rows(self, rows: Sequence[Row]) -> tuple[list, list[int]]:
        """The outcomes of the rows, and the cells not empty in each ignored column."""
        if self._rows is None:
            self._rows = RowCleaner(self.rules)
        cleaner = self._rows
        before = cleaner.ignored.copy()
        clean = cleaner.row
        outcomes: list = []
        for line, cells in rows:
            outcome = clean(cells)
            if outcome.__class__ is str:
                outcomes.append([line, outcome, cells])
            elif cleaner.warning is not None:
                outcomes.append([line, cleaner.warning, cells, outcome])
            else:
                outcomes.append(outcome)
        return outcomes, [now - then for now, then in zip(cleaner.ignored, before, strict=True)]


_cleaner: BlockCleaner | None = None
WORKER_NICENESS = 10


def init_worker(cleaner: BlockCleaner, parent: int) -> None:
    """Pool initializer: the rules arrive once per worker, not once per block. `parent`
    is the importing process, which may have died while this one started."""
    global _cleaner
    _cleaner = cleaner
    if hasattr(os, "nice"):
        # The process writing the database is the import's bottleneck (and may be the TUI):
        # it comes first, the workers take what is left of the cores (15 % faster here).
        os.nice(WORKER_NICENESS)
    threading.Thread(target=_exit_with_parent, args=(parent,), daemon=True).start()


def _exit_with_parent(parent: int) -> None:
    # A worker waits on a queue whose other end it holds itself, so it would never notice
    # an import killed with -9: it watches for being handed to another parent instead.
    while os.getppid() == parent:
        time.sleep(0.5)
    os._exit(1)


# Results travel back marshalled: strings, numbers, None, tuples and lists are all they
# hold, and marshal reads them back twice as fast as pickle, in the writing process.
def clean_block(data: bytes) -> bytes:
    assert _cleaner is not None, "init_worker first"
    return marshal.dumps(_cleaner.block(data))


def clean_chunk(rows: Sequence[Row]) -> bytes:
    assert _cleaner is not None, "init_worker first"
    return marshal.dumps(_cleaner.rows(rows))
