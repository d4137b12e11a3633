"""The suppression list (`workstation export suppression`): the people marketing must leave
alone, leads and contacts in one file, under Salesforce-style field names, for marketing to
exclude from its campaigns and sends.

Who is on it:
- everyone sales spoke to within the window (`recent_activity_days`, 30 days): a lead at
  "Contacted – Recent Activity" whose last activity is within it (as the queue and the
  expiry count it), and any lead or contact with a connected call within it (a lead who
  said "not interested" yesterday is not marketing's to email today). Converted leads
  are left out: their contact stands for them, with their activities.
- whoever must never be reached that way: do-not-call and opted-out-of-email people, leads
  and contacts, however long ago they were spoken to (no SuppressedUntil: for good).

Columns: ObjectType (Lead or Contact: ids are per table), Id (ours), ExternalId (the
Salesforce Id when the record came from Salesforce), FirstName, LastName, Email, Phone,
MobilePhone, Company (a contact's account's name), LeadSource, Status (a lead's status, a
contact's lifecycle stage), OwnerId, LastActivityDate, SuppressedUntil (the day, UTC, the
recent-activity suppression ends: the last activity or connected call plus the window),
SuppressionReason ("Recent Activity", "Do Not Call", "Opted Out of Email", joined by "; "),
HasOptedOutOfEmail, DoNotCall.

Values and safety as every export (`exports.stream`): CSV formula-safe, JSON plain ASCII,
xlsx text cells; read in one snapshot, key-paged, leads then contacts.
"""

from __future__ import annotations

from collections.abc import Generator, Iterable, Sequence
from datetime import datetime, timedelta
from typing import IO, Any, TextIO, cast

from sqlalchemy import (
    BindParameter,
    Engine,
    bindparam,
    false,
    literal,
    or_,
    select,
    text,
)

from workstation.store.exports.fields import ExportField
from workstation.store.exports.stream import (
    EXPORT_FORMATS,
    ExportError,
    Page,
    _write_csv,
    _write_json,
    keyed_pages,
    snapshot,
)
from workstation.store.marketing.recent_activity import cutoff, last_spoken_to
from workstation.store.models import RECENTLY_CONTACTED, Account, Contact, Lead
from workstation.store.rows import RECENT_DAYS
from workstation.store.tables import table_of

_lead, _contact, _account = table_of(Lead).c, table_of(Contact).c, table_of(Account).c

_KINDS = (
    ("ObjectType", "text"), ("Id", "int"), ("ExternalId", "text"), ("FirstName", "text"),
    ("LastName", "text"), ("Email", "text"), ("Phone", "text"), ("MobilePhone", "text"),
    ("Company", "text"), ("LeadSource", "text"), ("Status", "text"), ("OwnerId", "int"),
    ("LastActivityDate", "datetime"), ("SuppressedUntil", "date"),
    ("SuppressionReason", "text"), ("HasOptedOutOfEmail", "bool"), ("DoNotCall", "bool"),
)  # fmt: skip
# The writers read only a field's name and kind; the values come from the rows below.
FIELDS = tuple(ExportField(name, literal(None), kind) for name, kind in _KINDS)
SUPPRESSION_COLUMNS = [name for name, _ in _KINDS]

RECENT, DO_NOT_CALL, OPTED_OUT = "Recent Activity", "Do Not Call", "Opted Out of Email"

_SINCE: BindParameter[datetime] = bindparam("since")
_LEAD_SPOKEN = last_spoken_to("lead", _lead.id, _SINCE)
_CONTACT_SPOKEN = last_spoken_to("contact", _contact.id, _SINCE)
_LEADS = (
    select(
        _lead.id, _lead.external_id, _lead.first_name, _lead.last_name, _lead.email,
        _lead.phone, _lead.mobile_phone, _lead.company, _lead.lead_source, _lead.status,
        _lead.owner_id, _lead.last_activity_at, _lead.email_opt_out, _lead.do_not_call,
        # The status's window: from the last activity, as the expiry counts it.
        (text(RECENTLY_CONTACTED) & (_lead.last_activity_at >= _SINCE)).label("contacted"),
        _LEAD_SPOKEN.label("spoken"),
    )
    .where(
        _lead.is_converted == false(),
        or_(
            _lead.do_not_call,
            _lead.email_opt_out,
            _lead.last_activity_at >= _SINCE,
        ),
    )
    .order_by(_lead.id)
)  # fmt: skip
_CONTACTS = (
    select(
        _contact.id, _contact.external_id, _contact.first_name, _contact.last_name,
        _contact.email, _contact.phone, _contact.mobile_phone, _account.name,
        _contact.lead_source, _contact.lifecycle_stage, _contact.owner_id,
        _contact.last_activity_at, _contact.email_opt_out, _contact.do_not_call,
        literal(False).label("contacted"), _CONTACT_SPOKEN.label("spoken"),
    )
    .select_from(table_of(Contact).outerjoin(table_of(Account), _account.id == _contact.account_id))
    .where(or_(_contact.do_not_call, _contact.email_opt_out, _contact.last_activity_at >= _SINCE))
    .order_by(_contact.id)
)  # fmt: skip


def export_suppression(
    engine: Engine,
    out: TextIO,
    *,
    now: datetime,
    fmt: str = "csv",
    days: int = RECENT_DAYS,
    batch_size: int = 2000,
) -> int:
    """Write the suppression list at `now` to `out` as CSV or JSON; return the rows."""
    if fmt not in EXPORT_FORMATS:
        raise ExportError(f"unknown format {fmt!r}: use one of {', '.join(EXPORT_FORMATS)}")
    write = _write_csv if fmt == "csv" else _write_json
    return write(out, FIELDS, cast("Iterable[Page]", _pages(engine, now, days, batch_size)))


def export_suppression_workbook(
    engine: Engine, out: IO[bytes], *, now: datetime, days: int = RECENT_DAYS
) -> int:
    """The suppression list as an Excel workbook (`exports.xlsx`)."""
    from workstation.store.exports.xlsx import TooManyRows, write_xlsx

    try:
        return write_xlsx(out, "suppression", FIELDS, _pages(engine, now, days, 2000))
    except TooManyRows as error:
        raise ExportError(str(error)) from None


def _pages(
    engine: Engine, now: datetime, days: int, batch_size: int
) -> Generator[Sequence[Sequence[Any]], None, None]:
    since = cutoff(now, days)
    with snapshot(engine) as connection:
        for kind, statement, key in (
            ("Lead", _LEADS, _lead.id),
            ("Contact", _CONTACTS, _contact.id),
        ):
            for page in keyed_pages(connection, statement, key, batch_size, {"since": since}):
                rows = [_row(kind, values, since, days) for values in page]
                yield [row for row in rows if row is not None]


def _row(kind: str, values: Sequence[Any], since: datetime, days: int) -> tuple[Any, ...] | None:
    """The line of one person, or None when they are on none of the list's grounds."""
    (id_, external, first, last, email, phone, mobile, company, source, status, owner,
     activity, opted_out, dnc, contacted, spoken) = values  # fmt: skip
    recent = [moment for moment in (activity if contacted else None, spoken) if moment]
    reasons = [
        why for why, holds in ((RECENT, recent), (DO_NOT_CALL, dnc), (OPTED_OUT, opted_out))
        if holds
    ]  # fmt: skip
    if not reasons:
        return None
    until = (max(recent) + timedelta(days=days)).date() if recent else None
    return (
        kind, id_, external, first, last, email, phone, mobile, company, source, status, owner,
        activity, until, "; ".join(reasons), bool(opted_out), bool(dnc),
    )  # fmt: skip
