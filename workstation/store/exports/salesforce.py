"""An export Salesforce's Data Loader takes as it is (`workstation export KIND --for
salesforce`): one CSV per object, Salesforce's standard fields under their API names, ours
as custom fields (`…__c`), values in the forms the Bulk API reads.

What makes it different from the ordinary export (`exports.stream`):
- Only fields Salesforce has, or the custom fields below (create them in the org, or leave
  their columns unmapped). Never `Id` or `OwnerId` filled with our integer ids: records
  arrive owned by whoever runs the load. `Salesforce_Id__c` holds the record's Salesforce
  Id when it came from Salesforce (`import --salesforce` keeps it), empty when it did not:
  map it to `Id` for an Upsert into that org. Lookups (a contact's AccountId, a task's
  WhoId and WhatId) are Salesforce Ids where we have them, empty where we don't.
- `Workstation_Id__c` is our id, for a custom External ID field: an Upsert on it loads the
  same file twice without making records twice, and a task's `Workstation_Lead_Id__c`,
  `Workstation_Contact_Id__c`, `Workstation_Account_Id__c` and
  `Workstation_Opportunity_Id__c`, and a contact's or opportunity's
  `Workstation_Account_Id__c`, say whose it is when that record has no Salesforce Id yet.
- Date fields (a task's ActivityDate, an opportunity's CloseDate) are `YYYY-MM-DD`, so they
  cannot shift a day in Data Loader's time zone (a task's is its day in UTC); date-times
  are ISO-8601 UTC.
- Lead statuses become the org's values: Salesforce's standard picklist by default
  (`DEFAULT_STATUS_MAP`), or a map the user passes (`parse_status_map`); ours is kept
  exactly beside it (`Workstation_Status__c`), which `import --salesforce` prefers, as it
  reads Lifecycle_Stage__c and Score__c back where they were (`imports.salesforce.ours`).
- Text longer than Salesforce's field holds is cut to fit, and counted (`Cut`): an email
  too long for Salesforce's 80 characters is left empty instead, since a cut address is
  another address.
- No formula escaping (Data Loader would store the quote) and no BOM: the file is for Data
  Loader, not a spreadsheet. A spreadsheet opening it would turn phones into numbers, ZIP
  codes lose their zeros and dates change form, and saving it back would write all that.

Custom fields: leads Workstation_Status__c (Text 80, our exact status: the org's Status
is mapped, and two of ours may be one of theirs), Time_Zone__c (Text 64, an IANA zone),
Lead_Type__c (Text 80, the offer), Lifecycle_Stage__c (Text 40), Score__c (Number),
Callback_Date__c (Date/Time), Attempt_Count__c (Number); contacts Time_Zone__c,
Lifecycle_Stage__c, Score__c; tasks Call_Time__c (Date/Time, when the call was made;
ActivityDate holds only its day) and Callback_Date__c (Date/Time, the callback a call
booked); on every object Workstation_Id__c (Number, External ID) and Salesforce_Id__c (Text 18), and
the Workstation_…_Id__c lookups above (Number).
"""

from __future__ import annotations

import csv
import re
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from contextlib import closing
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, TextIO

from sqlalchemy import ColumnElement, Engine, FromClause, case, func, literal, select
from sqlalchemy.sql.elements import Label

from workstation.store.exports.fields import ExportField, ExportSpec
from workstation.store.exports.stream import ExportError, _boolean, _money, _pages, _timestamp
from workstation.store.models import Account, Activity, Contact, Lead, Opportunity
from workstation.store.reference import LeadStatus
from workstation.store.tables import table_of
from workstation.store.values.regions import COUNTRY_NAMES, country_code

# Salesforce's standard Lead Status values, as a new org has them.
DEFAULT_STATUS_MAP: dict[str, str] = {
    "Open": "Open - Not Contacted",
    "Working – Deduped and attempted contact": "Working - Contacted",
    "Contacted – Recent Activity": "Working - Contacted",
    "Archived – Developing / Nurturing": "Closed - Not Converted",
    "Archived – No Interest": "Closed - Not Converted",
    "Bad Data": "Closed - Not Converted",
    "Contact – No Opportunity": "Closed - Not Converted",
    "Contact – Current Opportunity": "Closed - Not Converted",
    "Qualified – Turned into Opportunity": "Closed - Converted",
}
# How a Salesforce Id looks: 15 or 18 letters and digits (our placeholder ids do not).
_SALESFORCE_ID = re.compile(r"[0-9A-Za-z]{15}(?:[0-9A-Za-z]{3})?")


def salesforce_id(text: str) -> str:
    """`text` when it is a Salesforce Id, else ""."""
    text = text.strip()
    return text if _SALESFORCE_ID.fullmatch(text) else ""


@dataclass(frozen=True, slots=True)
class Column:
    name: str  # the field's API name
    expression: ColumnElement[Any]
    kind: str  # text, email, int, bool, datetime, day, sfid, country, status, task_type …
    limit: int | None = None  # characters Salesforce's field holds


@dataclass(slots=True)
class Cut:
    """What had to change to fit Salesforce's lengths: counts by field."""

    # (field, its length) → how many values were cut to it, or left empty (emails)
    cut: Counter[tuple[str, int]] = field(default_factory=Counter)
    emptied: Counter[tuple[str, int]] = field(default_factory=Counter)

    def lines(self) -> list[str]:
        return [
            f"{count:,} {name} values cut to Salesforce's {limit} characters"
            for (name, limit), count in sorted(self.cut.items())
        ] + [
            f"{count:,} {name} values longer than Salesforce's {limit} characters left empty"
            for (name, limit), count in sorted(self.emptied.items())
        ]


# Every object's file, as data: its Salesforce object, our table, the tables joined to it
# (alias, table, our column naming it, outer join or not) and its columns after the two
# every file starts with (`_IDS`): (API name, the value, kind, Salesforce's length). A
# value is a column of ours ("email"), a joined table's ("account.external_id"), or an
# expression made from the tables by alias ("" is the object's own).
Tables = dict[str, Any]
Value = str | Callable[[Tables], ColumnElement[Any]]


@dataclass(frozen=True, slots=True)
class SalesforceObject:
    name: str  # Salesforce's object
    table: Any
    joins: tuple[tuple[str, Any, str, bool], ...]
    columns: tuple[tuple, ...]  # (API name, Value, kind[, limit])


_IDS = (("Workstation_Id__c", "id", "int"), ("Salesforce_Id__c", "external_id", "sfid"))
_lead, _contact, _account = table_of(Lead), table_of(Contact), table_of(Account)
_opportunity, _activity = table_of(Opportunity), table_of(Activity)
_ACCOUNT_OF = (("account", _account, "account_id", True),)


def _open_task(t: Tables) -> ColumnElement[Any]:
    return (t[""].c.kind == "task") & t[""].c.due_at.is_not(None)


SALESFORCE_KINDS: dict[str, SalesforceObject] = {
    "leads": SalesforceObject("Lead", _lead, (), (
        ("FirstName", "first_name", "text", 40),
        ("LastName", "last_name", "text", 80),
        ("Title", "title", "text", 128),
        ("Company", "company", "text", 255),
        ("Email", "email", "email", 80),
        ("Phone", "phone", "text", 40),
        ("Website", "website", "text", 255),
        ("Industry", "industry", "text", 255),
        ("NumberOfEmployees", "employees", "int"),
        ("Street", "street", "text", 255),
        ("City", "city", "text", 40),
        ("State", "state", "text", 80),
        ("PostalCode", "postal_code", "text", 20),
        ("Country", "country", "country", 80),
        ("LeadSource", "lead_source", "text", 255),
        ("Status", "status", "status", 255),
        ("Workstation_Status__c", "status", "text", 80),
        ("DoNotCall", "do_not_call", "bool"),
        ("HasOptedOutOfEmail", "email_opt_out", "bool"),
        ("Time_Zone__c", "time_zone", "text", 64),
        ("Lead_Type__c", "lead_type", "text", 80),
        ("Lifecycle_Stage__c", "lifecycle_stage", "text", 40),
        ("Score__c", "score", "int"),
        ("Attempt_Count__c", "attempt_count", "int"),
        ("Callback_Date__c", "callback_at", "datetime"),
    )),
    "contacts": SalesforceObject("Contact", _contact, _ACCOUNT_OF, (
        ("AccountId", "account.external_id", "sfid"),
        ("Workstation_Account_Id__c", "account_id", "int"),
        ("FirstName", "first_name", "text", 40),
        ("LastName", "last_name", "text", 80),
        ("Title", "title", "text", 128),
        ("Email", "email", "email", 80),
        ("Phone", "phone", "text", 40),
        ("MailingState", "state", "text", 80),
        ("MailingCountry", "country", "country", 80),
        ("LeadSource", "lead_source", "text", 255),
        ("DoNotCall", "do_not_call", "bool"),
        ("HasOptedOutOfEmail", "email_opt_out", "bool"),
        ("Time_Zone__c", "time_zone", "text", 64),
        ("Lifecycle_Stage__c", "lifecycle_stage", "text", 40),
        ("Score__c", "score", "int"),
    )),
    "accounts": SalesforceObject("Account", _account, (), (
        ("Name", "name", "text", 255),
        ("Website", "website", "text", 255),
        ("Industry", "industry", "text", 255),
        ("NumberOfEmployees", "employees", "int"),
        ("Phone", "phone", "text", 40),
        ("BillingState", "state", "text", 80),
        ("BillingCountry", "country", "country", 80),
    )),
    "opportunities": SalesforceObject(
        "Opportunity", _opportunity, (("account", _account, "account_id", False),), (
            ("AccountId", "account.external_id", "sfid"),
            ("Workstation_Account_Id__c", "account_id", "int"),
            ("Name", "name", "text", 120),
            ("Amount", "amount_cents", "money"),
            ("StageName", "stage", "text", 255),
            ("Probability", "probability", "int"),
            ("CloseDate", "close_date", "day"),
            ("LeadSource", "lead_source", "text", 255),
        ),
    ),
    "activities": SalesforceObject(
        "Task",
        _activity,
        (
            ("who_lead", _lead, "lead_id", True),
            ("who_contact", _contact, "contact_id", True),
            ("what_account", _account, "account_id", True),
            ("what_opportunity", _opportunity, "opportunity_id", True),
        ),
        (
            ("WhoId", lambda t: func.coalesce(t["who_contact"].c.external_id,
                                              t["who_lead"].c.external_id), "sfid"),
            ("WhatId", lambda t: func.coalesce(t["what_opportunity"].c.external_id,
                                               t["what_account"].c.external_id), "sfid"),
            ("Workstation_Lead_Id__c", "lead_id", "int"),
            ("Workstation_Contact_Id__c", "contact_id", "int"),
            ("Workstation_Account_Id__c", "account_id", "int"),
            ("Workstation_Opportunity_Id__c", "opportunity_id", "int"),
            ("Subject", "subject", "text", 255),
            ("Type", "kind", "task_type"),
            ("TaskSubtype", "kind", "task_subtype"),
            ("Status", lambda t: case((_open_task(t), literal("Not Started")),
                                      else_=literal("Completed")), "text"),
            ("Priority", lambda t: literal("Normal"), "text"),
            ("ActivityDate", lambda t: case((_open_task(t), t[""].c.due_at),
                                            else_=t[""].c.occurred_at), "day"),
            ("Call_Time__c", "occurred_at", "datetime"),
            ("Callback_Date__c", lambda t: case((_open_task(t), None),
                                                else_=t[""].c.due_at), "datetime"),
            ("CallDisposition", "disposition", "text", 255),
            ("CallDurationInSeconds", "duration_seconds", "int"),
            ("Description", "notes", "text", 32000),
        ),
    ),
}  # fmt: skip


def salesforce_columns(kind: str) -> list[str]:
    """The header of a `--for salesforce` export of `kind`."""
    return [column.name for column in _kind(kind)[0]]


def _kind(kind: str) -> tuple[tuple[Column, ...], FromClause]:
    """The columns of `kind`'s file, and the tables they are read from."""
    try:
        found = SALESFORCE_KINDS[kind]
    except KeyError:
        raise ExportError(
            f"--for salesforce exports {', '.join(SALESFORCE_KINDS)}, not {kind!r} "
            "(Data Loader cannot insert the others as we hold them)"
        ) from None
    tables: Tables = {"": found.table}
    source: FromClause = found.table
    for alias, table, ours, outer in found.joins:
        tables[alias] = joined = table.alias(alias)
        on = found.table.c[ours] == joined.c.id
        source = source.outerjoin(joined, on) if outer else source.join(joined, on)

    def value(given: Value) -> ColumnElement[Any]:
        if callable(given):
            return given(tables)
        alias, _, name = given.rpartition(".")
        return tables[alias].c[name]

    columns = tuple(
        Column(name, value(given), *rest) for name, given, *rest in (*_IDS, *found.columns)
    )
    return columns, source


class StatusMapError(ExportError):
    """A status map names a status we do not have, or is not written as Ours=Theirs."""


def parse_status_map(text: str, statuses: Sequence[str]) -> dict[str, str]:
    """`Ours=Theirs` pairs, one a line or separated by `;`, over the default map. Ours is
    named whole or by its head ("Working"), case, spaces and dashes aside."""
    mapping = dict(DEFAULT_STATUS_MAP)
    for entry in re.split(r"[;\n]", text):
        if not entry.strip() or entry.lstrip().startswith("#"):
            continue
        ours, equals, theirs = entry.partition("=")
        if not equals or not ours.strip() or not theirs.strip():
            raise StatusMapError(f"status map: write {entry.strip()!r} as Ours=Theirs")
        name = _our_status(ours, statuses)
        if name is None:
            raise StatusMapError(
                f"status map: we have no lead status {ours.strip()!r}; ours are "
                + ", ".join(statuses)
            )
        mapping[name] = theirs.strip()
    return mapping


def _our_status(written: str, statuses: Sequence[str]) -> str | None:
    key = _key(written)
    whole = [name for name in statuses if _key(name) == key]
    heads = [name for name in statuses if _key(re.split("[–-]", name)[0]) == key]
    found = whole or heads
    return found[0] if len(found) == 1 else None


def _key(text: str) -> str:
    return re.sub(r"[\W_]+", "", text.casefold())


def read_status_map(engine: Engine, given: str | None) -> dict[str, str]:
    """The status map: the default, overridden by `given` (a file's path, or the pairs)."""
    if not given:
        return dict(DEFAULT_STATUS_MAP)
    path = Path(given).expanduser()
    text = path.read_text(encoding="utf-8-sig") if "=" not in given and path.is_file() else given
    if "=" not in text and text.strip():
        raise StatusMapError(f"status map {given!r}: no file of that name, and no Ours=Theirs")
    with engine.connect() as connection:
        statuses = list(connection.execute(select(table_of(LeadStatus).c.name)).scalars())
    return parse_status_map(text, statuses)


def export_for_salesforce(
    engine: Engine,
    kind: str,
    out: TextIO,
    *,
    status_map: Mapping[str, str] | None = None,
    batch_size: int = 2000,
) -> tuple[int, Cut]:
    """Write every record of `kind` as a Data Loader CSV; return (rows, what was cut)."""
    columns, source = _kind(kind)
    spec = ExportSpec(
        key=columns[0].expression,
        source=source,
        fields=tuple(
            ExportField(column.name, _labelled(column, at), column.kind)
            for at, column in enumerate(columns)
        ),
    )
    cut = Cut()
    statuses = dict(DEFAULT_STATUS_MAP if status_map is None else status_map)
    formats = [_format(column, cut, statuses) for column in columns]
    writer = csv.writer(out)
    writer.writerow([column.name for column in columns])
    written = 0
    with closing(_pages(engine, spec, batch_size)) as pages:
        for page in pages:
            writer.writerows(
                [
                    "" if value is None else form(value)
                    for form, value in zip(formats, row, strict=True)
                ]
                for row in page
            )
            written += len(page)
    return written, cut


def _labelled(column: Column, at: int) -> Label[Any]:
    # Several columns may read one table column (a task's kind, twice): each its own label.
    return column.expression.label(f"c{at}")


def _format(column: Column, cut: Cut, statuses: Mapping[str, str]) -> Callable[[Any], str]:
    name, limit = column.name, column.limit
    kind = column.kind

    def fit(text: str) -> str:
        if limit is not None and len(text) > limit:
            cut.cut[(name, limit)] += 1
            return text[:limit].rstrip()
        return text

    if kind == "email":

        def email(text: str) -> str:
            if limit is not None and len(text) > limit:
                cut.emptied[(name, limit)] += 1
                return ""
            return text

        return email
    if kind == "status":
        return lambda value: fit(statuses.get(value, value))
    if kind == "country":
        return lambda value: fit(COUNTRY_NAMES.get(country_code(value) or "", value))
    if kind == "sfid":
        return salesforce_id
    if kind == "int":
        return str
    if kind == "money":
        return _money
    if kind == "bool":
        return _boolean
    if kind == "datetime":
        return _timestamp
    if kind == "day":
        return _day
    if kind == "task_type":
        return lambda value: _TASK_TYPES.get(value, "Other")
    if kind == "task_subtype":
        return lambda value: _TASK_SUBTYPES.get(value, "Task")
    return fit


def _day(value: date | datetime) -> str:
    if isinstance(value, datetime):
        value = value.astimezone(UTC).date()
    return value.isoformat()


# Salesforce's Task Type and TaskSubtype values for our kinds of activity.
_TASK_TYPES = {"call": "Call", "email": "Email", "note": "Other", "task": "Other"}
_TASK_SUBTYPES = {"call": "Call", "email": "Email", "note": "Task", "task": "Task"}
