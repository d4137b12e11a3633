"""One batch of cleaned rows written without duplicates: matched against the leads and
contacts already there and against the batch's own earlier rows, then inserted or filled.

Matching (the same within a batch as across batches and runs, so where a batch ends never
changes the outcome): a row with an email matches the record with that email; failing that,
a row matches a record with its phone unless both have an email and they differ (colleagues
share a switchboard number). Of several records, a contact comes before a lead, an open
lead before a converted one, an older record before a newer one. Emails are compared
lower-cased, phones in E.164, each looked up with one query per batch on its plain index.

A dry run writes nothing and opens no write transaction: the writer keeps what the batches
would have written (new leads, filled fields, memberships) in memory instead, and later
batches match against that as they would against the stored rows, so its counts are the
import's.

A matched record only has its empty fields filled (and do-not-call / email opt-out switched
on, never off; a filled Description gets the row's "Other phones: …" and like lines it
lacks); status, owner and lifecycle stage are left alone, so no history is written.
A converted lead is read-only: its contact gets the campaign membership. Each person is a
member of a campaign once, with the campaign's default member status.

On PostgreSQL in team mode a rep may read every lead but change only their own and the
pool's (row-level security). For a rep's login the look-up reads the matches
unlocked, then locks the matched leads in one more statement a batch (`sql.lock_found`),
which passes over those this login may not change: a row matching another rep's
lead is that person all the same, never a second lead; the lead is left as it is (it may
join the campaign: a membership is the campaign's), and the row is counted among
`others_leads`. A row matching another rep's contact is counted among `others_contacts`.

A row matching a stored contact is a new inquiry from a known person (seed 002): it is not
merged into the contact but becomes a lead linked to it, routed as
`lifecycle.known_people` decides, or fills the lead already linked to it. A new lead from a
customer account's domain is marked a customer inquiry. A stored person put aside (rejected,
nurtured) who joins a campaign with a responded status is reopened for sales
(`lifecycle.responses`).

`landed` (when the writer is asked to keep it) says, row by row, which record each row of
the batch became or merged into: the Salesforce importer links the export's other objects
to it.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, final

from sqlalchemy import ColumnDefault, Connection, bindparam, func, insert, or_, select, update

from workstation.store.access import may_change_any
from workstation.store.history import record_change
from workstation.store.imports.campaigns import CampaignInfo
from workstation.store.imports.rows import LEAD_VALUES, Cleaned, extra_lines
from workstation.store.imports.sql import (
    WRITABLE,
    KnownValues,
    bound_value,
    find_by_email_or_phone,
    insert_rows,
    lock_found,
)
from workstation.store.lifecycle.known_people import (
    KnownContact,
    customer_account_of,
    customer_accounts,
    for_importer,
    may_hand_over,
    route_known_contacts,
)
from workstation.store.lifecycle.responses import reopen_responders
from workstation.store.models import CampaignMember, Contact, Lead
from workstation.store.sales_hands import in_sales_hands
from workstation.store.scoring.arrival import ArrivalScorer
from workstation.store.scoring.explain import rescore_people
from workstation.store.search.index import indexed_at_the_end
from workstation.store.tables import table_of
from workstation.store.values.addresses import compound_address
from workstation.store.values.cleansing import with_lines

_lead = table_of(Lead)
_contact = table_of(Contact)
_member = table_of(CampaignMember)

LEAD_FILL = tuple(
    "first_name title email phone website industry employees street city state postal_code "
    "country time_zone possible_zones lead_source lead_type phone_extension mobile_phone "
    "description "
    "account_type".split()
)
CONTACT_FILL = tuple(
    "first_name title email phone street city state postal_code country time_zone lead_source "
    "phone_extension mobile_phone description".split()
)
FLAGS = ("do_not_call", "email_opt_out")
_AT = {name: position for position, name in enumerate(LEAD_VALUES)}
_EMAIL, _PHONE, _WEBSITE = _AT["email"], _AT["phone"], _AT["website"]

LEAD_LOOKUP = (
    "id", *LEAD_FILL, *FLAGS, "is_converted", "converted_contact_id", "campaign_id", "contact_id"
)  # fmt: skip
CONTACT_LOOKUP = ("id", *CONTACT_FILL, *FLAGS)
# By person, not by campaign: "campaign_id = ?" would make SQLite read every member of the
# campaign (its index looks selective to a planner without statistics), and a campaign of a
# million members would be read once per batch. A person is in few campaigns.
MEMBERSHIPS = select(_member.c.campaign_id, _member.c.lead_id, _member.c.contact_id).where(
    or_(
        _member.c.lead_id.in_(bindparam("leads", expanding=True)),
        _member.c.contact_id.in_(bindparam("contacts", expanding=True)),
    ),
)
# A new lead: its cleaned values (status last), then what a driver-level insert must spell.
_DEFAULTED = ("lifecycle_stage", "attempt_count", "version", "is_converted")
# The score last: each row's own, from the score rules (`scoring.arrival`).
_NEW_LEAD = (*LEAD_VALUES, "is_open", "campaign_id", "created_at", "updated_at", *_DEFAULTED,
             "score")  # fmt: skip
# Without a campaign the column is left out (NULL): the sqlite3 driver binds None, as it
# does a bool, four times slower than an int.
_NEW_LEAD_NO_CAMPAIGN = tuple(name for name in _NEW_LEAD if name != "campaign_id")


def _default(name: str) -> object:
    """The value the lead model gives column `name` when none is given."""
    default = _lead.c[name].default
    assert isinstance(default, ColumnDefault)  # a plain value: Field(default=...)
    return default.arg


_DEFAULTS = tuple(_default(name) for name in _DEFAULTED)
_MEMBER_COLUMNS: tuple[str, ...] = ("campaign_id", "lead_id", "contact_id", "status")
_MEMBER_COLUMNS += ("has_responded", "responded_at", "created_at")
_RETURNING_IDS = insert(_lead).returning(_lead.c.id)  # in any order: ids are all we need
_LAST_ID = select(func.max(_lead.c.id))
_UPDATE = {
    table.name: update(table)
    .where(table.c.id == bindparam("b_id"))
    .values(version=table.c.version + 1, updated_at=bindparam("b_at"))
    for table in (_lead, _contact)
}


def _empty(name: str, value: object) -> bool:
    """Whether a matched record's field is empty, to be filled: a street an earlier version
    stored as a compound address's JSON text is no street."""
    if value is None or value == "":
        return True
    return name == "street" and str(value)[0] == "{" and compound_address(str(value)) is not None


def _insert_returning_ids(
    connection: Connection, columns: Sequence[str], rows: list[tuple]
) -> list[int]:
    """Insert new leads (tuples in the order of `columns`), returning their ids.

    SQLite gives each new row the largest id so far plus one, and this transaction holds
    the write lock (BEGIN IMMEDIATE): the ids are the next len(rows) after the largest, and
    a plain executemany suffices; the search index takes the batch in one statement after
    it (`indexed_at_the_end`). PostgreSQL returns them.
    """
    if connection.dialect.name != "sqlite":
        named = [dict(zip(columns, row, strict=True)) for row in rows]
        return list(connection.execute(_RETURNING_IDS, named).scalars())
    last = connection.execute(_LAST_ID).scalar() or 0
    with indexed_at_the_end(connection, "lead", last):
        insert_rows(connection, _lead, columns, rows)
    return list(range(last + 1, last + 1 + len(rows)))


# Final: then `type(x) is _Target`, which the per-row loops use as quicker than
# isinstance(), narrows both ways for the type checker.
@final
@dataclass(slots=True)
class _Target:
    """A record a row may merge into: one already stored, or one this batch creates."""

    table: str  # "lead" or "contact"
    id: int | None  # None: created by this batch
    email: str | None
    values: dict[str, Any] | None  # by name; a new lead's only once a row merges into it
    row: Cleaned | None = None  # a new lead's cleaned values
    fill: tuple[str, ...] = LEAD_FILL
    member_of: tuple[str, int] | None = None  # who the campaign membership belongs to
    is_member: bool = False
    read_only: bool = False  # a converted lead
    foreign: bool = False  # another rep's lead, which this login may read but not change
    dirty: bool = False
    joins: bool = False  # becomes a campaign member in this batch
    position: int = -1  # a new lead's place among the batch's new leads
    contact_id: int | None = None  # a new lead's: the stored contact it turned out to be

    def named(self) -> dict[str, Any]:
        if self.values is None:
            self.values = dict(zip(LEAD_VALUES, self.row or (), strict=True))
        return self.values

    def cleaned(self) -> Cleaned:
        if self.values is None:
            assert self.row is not None  # a new lead's, kept until a row merges into it
            return self.row
        return tuple(map(self.values.get, LEAD_VALUES))


def _landed(entry: _Target | int, made: bool, ids: list[int]) -> tuple[str, int, bool]:
    """Where a row landed: a new lead (by its place among the batch's new leads), a new
    lead linked to a contact, or the record it merged into."""
    if type(entry) is int:
        return "lead", ids[entry], True
    assert type(entry) is _Target
    if entry.id is None:
        return "lead", ids[entry.position], False
    return entry.table, entry.id, made


def _linked_to(target: _Target) -> int:
    """The stored contact a new lead is linked to."""
    assert target.contact_id is not None
    return target.contact_id


def _stored_id(target: _Target) -> int:
    """The id of a record read from the database."""
    assert target.id is not None
    return target.id


@dataclass(frozen=True, slots=True)
class BatchResult:
    created: int
    updated: int
    unchanged: int
    new_lead_ids: list[int] = field(default_factory=list)  # the new leads without an owner
    # With `landed`: for each row, ("lead", id, whether the row made it).
    landed: list[tuple[str, int, bool]] = field(default_factory=list)
    others_leads: int = 0  # rows of other reps' leads, left as they are (row-level security)
    others_contacts: int = 0  # rows of other reps' contacts: new leads left in the pool


class _Index:
    """The batch's targets by email and by phone. A new lead that no row has merged into
    yet stands as its position among the batch's new leads (most never become targets)."""

    __slots__ = ("emails", "phones")

    def __init__(self) -> None:
        self.emails: dict[str, _Target | int] = {}
        self.phones: dict[str, list[_Target | int]] = {}

    def add(self, target: _Target, email: str | None, phone: str | None) -> None:
        if email:
            self.emails.setdefault(email, target)
        if phone:
            self.phones.setdefault(phone, []).append(target)


# Where a new lead of a dry run stands among stored records: after every contact and open
# lead (its id would be larger), before converted leads, as the stored rows are ordered.
_NEW = 1 << 62


def _rank(entry: _Target | int) -> tuple[int, bool, int]:
    if type(entry) is int:
        return (1, False, _NEW + entry)
    assert type(entry) is _Target
    if entry.id is None:
        return (1, False, _NEW)
    return (0 if entry.table == "contact" else 1, entry.read_only, entry.id)


class _CarriedIndex(_Index):
    """A dry run's index over every batch: the stored records the batches found so far,
    and the new leads they would have made. A stored record found by a later batch takes
    its place by the order the stored rows are matched in."""

    __slots__ = ()

    def add(self, target: _Target, email: str | None, phone: str | None) -> None:
        if email:
            held = self.emails.get(email)
            if held is None or _rank(target) < _rank(held):
                self.emails[email] = target
        if phone:
            same = self.phones.setdefault(phone, [])
            if not any(entry is target for entry in same):
                bisect.insort(same, target, key=_rank)


class BatchWriter:
    """Writes the batches of one import, each inside the caller's transaction."""

    def __init__(
        self,
        *,
        campaign: CampaignInfo | None,
        default_status: str,
        open_statuses: set[str],
        dry_run: bool = False,
        rep_id: int | None = None,
        landed: bool = False,
        lifecycle_stage: str | None = None,
    ) -> None:
        self.campaign = campaign
        # Where new leads land: the model's default (Lead), or Name for marketing's pool.
        self.lifecycle_stage: str = lifecycle_stage or str(_DEFAULTS[0])
        self.rep_id = rep_id  # who imports: named in the history of what the import changes
        self.landed = landed  # keep where each row landed (not in a dry run)
        self.default_status = default_status
        self.open_statuses = open_statuses
        self.known: KnownValues | None = None
        self.known_lost = False  # another connection wrote: no filter from then on
        self.written = 0
        self.dry_run = dry_run
        # A dry run's memory of what it would have written, carried from batch to batch.
        self.carried = _CarriedIndex()
        self.carried_new: list[Cleaned | _Target] = []
        self.carried_stored: dict[tuple[str, int], _Target] = {}
        # Stored contact id -> the lead linked to it (stored, or new in this batch; a dry
        # run's over every batch).
        self.linked: dict[int, _Target] = {}
        self.customers: dict[str, int] | None = None  # customer accounts by domain
        self.scorer: ArrivalScorer | None = None  # the score rules, loaded once an import
        self.changes_any: bool | None = None  # PostgreSQL: may this login change every lead

    def write(
        self, connection: Connection, rows: Sequence[Cleaned], *, now: datetime
    ) -> BatchResult:
        if self.customers is None:
            self.customers = customer_accounts(connection)
        if self.scorer is None and not self.dry_run:
            campaign = self.campaign
            self.scorer = ArrivalScorer(
                connection, LEAD_VALUES, channel=campaign.channel if campaign else None,
                responded=bool(campaign and campaign.member_responded),
            )  # fmt: skip
        if not self.dry_run:
            self.linked = {}
        known = self._known(connection, len(rows))
        index, found = self._existing(connection, rows, known)
        new_linked: list[_Target] = []
        emails, phones = index.emails, index.phones
        # Each new lead's row; made a _Target only when a later row merges into it.
        fresh: list[Cleaned | _Target] = self.carried_new if self.dry_run else []
        first_new = len(fresh)
        updated = unchanged = others = 0
        # With `landed`: each row's record, and whether the row made it (`_landed`).
        where: list[tuple[_Target | int, bool]] | None = [] if self.landed else None
        for values in rows:
            email, phone = values[_EMAIL], values[_PHONE]
            if (email and email in emails) or (phone and phone in phones):
                target = self._find(index, fresh, email, phone)
                if target is not None and target.table == "contact":
                    target = self._linked_lead(target, values, new_linked)
                    if target is None:  # a new lead linked to the contact
                        if where is not None:
                            where.append((new_linked[-1], True))
                        continue
                if target is not None:
                    if target.foreign:
                        others += 1
                    if self._merge(target, values, index):
                        updated += 1
                    else:
                        unchanged += 1
                    if where is not None:
                        where.append((target, False))
                    continue
            position = len(fresh)
            if where is not None:
                where.append((position, True))
            fresh.append(values)
            if email:
                emails[email] = position
            if phone:
                same = phones.get(phone)
                if same is None:
                    phones[phone] = [position]
                else:
                    same.append(position)
        routes = self._routes(connection, new_linked)
        theirs = sum(route.meant_for is not None for route in routes)
        if self.dry_run:
            self.written += len(rows)
            created = len(fresh) - first_new + len(new_linked)
            return BatchResult(
                created, updated, unchanged, others_leads=others, others_contacts=theirs
            )
        ids = self._insert(connection, fresh, now)
        self._insert_linked(connection, new_linked, routes, now)
        self._update(connection, found, now)
        if known is not None:
            known.add(row[_EMAIL] for row in rows)
            known.add(row[_PHONE] for row in rows)
            known.add(value for t in found if t.dirty for value in (t.email, t.named()["phone"]))
        self.written += len(rows)
        landed = [] if where is None else [_landed(entry, made, ids) for entry, made in where]
        created = len(fresh) + len(new_linked)
        return BatchResult(created, updated, unchanged, ids, landed, others, theirs)

    def _linked_lead(
        self, contact: _Target, values: Cleaned, new_linked: list[_Target]
    ) -> _Target | None:
        """The lead linked to a stored contact a row matches, which the row then fills;
        None when there was none: the row becomes one (a new inquiry from a known person)."""
        contact_id = _stored_id(contact)
        linked = self.linked.get(contact_id)
        email = values[_EMAIL]
        if linked is not None and not (email and linked.email and linked.email != email):
            return linked
        lead = _Target("lead", None, email, None, values, contact_id=contact_id)
        lead.is_member = self.campaign is not None
        self.linked.setdefault(contact_id, lead)
        new_linked.append(lead)
        return None

    def _routes(self, connection: Connection, leads: list[_Target]) -> list[KnownContact]:
        """Where each new lead linked to a stored contact goes, as the importer may send it
        (another rep's contact: the pool, for a manager to give them, unless a manager
        imports)."""
        if not leads:
            return []
        routes = route_known_contacts(connection, (t.contact_id for t in leads if t.contact_id))
        manager = may_hand_over(connection, self.rep_id)
        return [
            for_importer(routes[_linked_to(t)], may_hand_over=manager, rep_id=self.rep_id)
            for t in leads
        ]

    def _insert_linked(
        self,
        connection: Connection,
        leads: list[_Target],
        routes: list[KnownContact],
        now: datetime,
    ) -> None:
        """Insert the new leads linked to stored contacts, routed as `routes` say, with the
        routing in the history."""
        if not leads:
            return
        for target, route in zip(leads, routes, strict=True):
            assert target.contact_id is not None
            values = dict(zip(LEAD_VALUES, target.cleaned(), strict=True))
            values.update(
                status=route.status,
                is_open=self._is_open(route.status),
                lifecycle_stage=self.lifecycle_stage,
                owner_id=route.owner_id,
                assigned_at=now if route.owner_id is not None else None,
                contact_id=target.contact_id,
                existing_account_id=self._customer(values["email"], values["website"]),
                campaign_id=self.campaign.id if self.campaign else None,
                created_at=now,
                updated_at=now,
                score=self.scorer(target.cleaned()) if self.scorer else 0,
            )
            target.id = connection.execute(
                insert(_lead).values(values).returning(_lead.c.id)
            ).scalar_one()
            target.member_of = ("lead", target.id)
            for name, new in (("status", route.status), ("owner_id", route.owner_id)):
                record_change(
                    connection, entity="lead", entity_id=target.id, field=name, old=None,
                    new=new, rep_id=self.rep_id, reason=route.reason, at=now,
                )  # fmt: skip
        self._join(connection, [("lead", _stored_id(t)) for t in leads], now)

    def _is_open(self, status: str) -> bool:
        """A new lead's `is_open` at `status` (`sales_hands`: Names are never open)."""
        return in_sales_hands(
            status_open=status in self.open_statuses, lifecycle_stage=self.lifecycle_stage
        )

    def _customer(self, email: str | None, website: str | None) -> int | None:
        """The customer account a new lead inquires from (a customer inquiry, ★)."""
        return customer_account_of(self.customers or {}, email, website)

    def _known(self, connection: Connection, coming: int) -> KnownValues | None:
        """The filter of stored emails and phones, when it is to be had and worth it."""
        if self.known_lost or connection.dialect.name != "sqlite":
            return None
        known = self.known
        if known is not None and known.fresh(connection):
            return known
        if known is not None and known.count <= known.capacity:
            self.known, self.known_lost = None, True
            return None
        stored = KnownValues.stored(connection)
        # Building reads every stored value (~1 µs each); a look-up costs ~8 µs a row.
        if known is None and (self.written + coming) * 8 < stored:
            return None
        # Room for what it will be told: at least 4M values (8 MB), rebuilt larger when full.
        self.known = KnownValues(connection, 4 * max(stored, coming, 1 << 20))
        return self.known

    def _find(
        self, index: _Index, fresh: list, email: str | None, phone: str | None
    ) -> _Target | None:
        """The record a row with this email and phone merges into: the one with its email;
        else the first with its phone, unless both have an email (and they differ). A new
        lead found is made a _Target."""
        target = index.emails.get(email) if email else None
        if target is None and phone:
            for candidate in index.phones.get(phone, ()):
                mail = candidate.email if type(candidate) is _Target else fresh[candidate][_EMAIL]
                if email is None or mail is None:
                    target = candidate
                    break
        if target is None or type(target) is _Target:
            return target
        position = target
        values = fresh[position]
        made = _Target("lead", None, values[_EMAIL], None, values, position=position)
        made.is_member = self.campaign is not None
        fresh[position] = made
        if values[_EMAIL]:
            index.emails[values[_EMAIL]] = made
        if values[_PHONE]:
            same = index.phones[values[_PHONE]]
            for at, entry in enumerate(same):
                if entry.__class__ is int and entry == position:
                    same[at] = made
        return made

    def _existing(
        self, connection: Connection, rows: Sequence[Cleaned], known: KnownValues | None
    ) -> tuple[_Index, list[_Target]]:
        """The batch's index of the stored records its rows may match, and those records."""
        emails = list({row[_EMAIL] for row in rows if row[_EMAIL]})
        phones = list({row[_PHONE] for row in rows if row[_PHONE]})
        if known is not None:
            emails, phones = known.may_hold(emails), known.may_hold(phones)
        found = [
            _Target("contact", row["id"], row["email"], row, None, CONTACT_FILL)
            for row in find_by_email_or_phone(connection, _contact, CONTACT_LOOKUP, emails, phones)
        ]
        found.sort(key=_stored_id)
        leads = []
        for row in self._stored_leads(connection, emails, phones):
            target = _Target("lead", row["id"], row["email"], row, None)
            if not row.pop(WRITABLE, True):
                target.foreign = True
            target.member_of = ("lead", row["id"])
            if row["is_converted"]:
                target.read_only = True
                contact = row["converted_contact_id"]
                target.member_of = ("contact", contact) if contact is not None else None
            elif row["contact_id"] is not None:
                self.linked.setdefault(row["contact_id"], target)
            leads.append(target)
        leads.sort(key=lambda t: (t.read_only, t.id))
        for target in found:
            target.member_of = ("contact", _stored_id(target))
        found += leads
        if self.dry_run:  # a record found before stands as the earlier batches left it
            found = [t for t in found if (t.table, t.id) not in self.carried_stored]
        if self.campaign is not None and found:
            self._mark_members(connection, found)
        index = self.carried if self.dry_run else _Index()
        for target in found:
            index.add(target, target.email, target.named()["phone"])
            if self.dry_run:
                self.carried_stored[target.table, _stored_id(target)] = target
        return index, found

    def _stored_leads(
        self, connection: Connection, emails: list[str], phones: list[str]
    ) -> list[dict[str, Any]]:
        """The stored leads with these emails and phones, locked on PostgreSQL: FOR UPDATE,
        as they may be filled; in a dry run, which changes nothing, FOR KEY SHARE, which no
        one's UPDATE waits for. A login row-level security holds to its own and the pool's
        (a rep's) reads them, then locks what it may change (`sql.lock_found`, one more
        statement a batch); the owner's and a manager's lock them as they read them. The
        contacts are read unlocked: an import never changes a contact."""
        if connection.dialect.name != "postgresql":
            return find_by_email_or_phone(connection, _lead, LEAD_LOOKUP, emails, phones)
        lock = "KEY SHARE" if self.dry_run else "UPDATE"
        if self.changes_any is None:
            self.changes_any = may_change_any(connection)
        if self.changes_any:
            return find_by_email_or_phone(connection, _lead, LEAD_LOOKUP, emails, phones, lock)
        found = find_by_email_or_phone(connection, _lead, LEAD_LOOKUP, emails, phones)
        return lock_found(connection, _lead, LEAD_LOOKUP, found, lock)

    def _mark_members(self, connection: Connection, found: list[_Target]) -> None:
        assert self.campaign is not None
        who = {t.member_of for t in found if t.member_of}
        members = connection.execute(
            MEMBERSHIPS,
            {
                "leads": [i for kind, i in who if kind == "lead"],
                "contacts": [i for kind, i in who if kind == "contact"],
            },
        )
        present = {
            ("lead", lead) if lead else ("contact", contact)
            for campaign, lead, contact in members
            if campaign == self.campaign.id
        }
        for target in found:
            target.is_member = target.member_of in present

    def _merge(self, target: _Target, values: Cleaned, index: _Index) -> bool:
        """Fill the target's empty fields from a matching row; True when anything changed."""
        changed = False
        if not (target.read_only or target.foreign):
            current = target.named()
            for name in target.fill:
                new = values[_AT[name]]
                if new is not None and new != "" and _empty(name, current[name]):
                    current[name] = new
                    changed = True
                elif name == "description" and new:  # filled: the row's extra lines it lacks
                    merged = with_lines(current[name], extra_lines(new))
                    if merged != current[name]:
                        current[name] = merged
                        changed = True
            for name in FLAGS:
                if values[_AT[name]] and not current[name]:
                    current[name] = True
                    changed = True
            if changed:
                target.email = current["email"]
                index.add(target, current["email"], current["phone"])
        if not target.is_member and self.campaign is not None:
            target.is_member = target.joins = True
            changed = True
        if changed and target.id is not None and not (target.read_only or target.foreign):
            target.dirty = True
        return changed

    def _insert(
        self, connection: Connection, fresh: list[Cleaned | _Target], now: datetime
    ) -> list[int]:
        if not fresh:
            return []
        at = bound_value(connection, _lead.c.created_at, now)
        campaign = (self.campaign.id,) if self.campaign else ()
        columns = _NEW_LEAD if campaign else _NEW_LEAD_NO_CAMPAIGN
        # Flags as the dialect binds them: 1 and 0 on SQLite, where a bool costs more.
        is_open = {flag: bound_value(connection, _lead.c.is_open, flag) for flag in (True, False)}
        defaults = tuple(
            bound_value(connection, _lead.c[name], value)
            for name, value in zip(_DEFAULTED, (self.lifecycle_stage, *_DEFAULTS[1:]), strict=True)
        )
        default, opens = self.default_status, self._is_open
        # What follows a row's values when it has no status of its own (most rows).
        tail = (default, is_open[opens(default)], *campaign, at, at, *defaults)
        rows: list[tuple[Any, ...]] = []
        append = rows.append
        score = self.scorer
        assert score is not None
        for entry in fresh:
            values = entry.cleaned() if type(entry) is _Target else entry
            status = values[-1]
            if status is None:
                append(values[:-1] + tail + (score(values),))
            else:
                flag = is_open[opens(status)]
                append((*values[:-1], status, flag, *campaign, at, at, *defaults, score(values)))
        if self.customers:  # only then is each row's domain looked at
            columns = (*columns, "existing_account_id")
            rows = [(*row, self._customer(row[_EMAIL], row[_WEBSITE])) for row in rows]
        ids = _insert_returning_ids(connection, columns, rows)
        self._join(connection, [("lead", i) for i in ids], now)
        return ids

    def _update(self, connection: Connection, targets: list[_Target], now: datetime) -> None:
        for table in ("lead", "contact"):
            changes = [self._changes(t, now) for t in targets if t.dirty and t.table == table]
            if changes:
                connection.execute(_UPDATE[table], changes)
        joined = [t.member_of for t in targets if t.joins and t.member_of]
        self._join(connection, joined, now)
        if joined and self.campaign is not None and self.campaign.member_responded:
            campaign = self.campaign
            reopen_responders(
                connection, joined, campaign=campaign.name, status=campaign.member_status,
                rep_id=self.rep_id, at=now,
            )  # fmt: skip
        # Stored people whose fields were filled, or who responded: scored again, one by one
        # (a re-import of unchanged rows touches none).
        responded = self.campaign is not None and self.campaign.member_responded
        rescore_people(connection, {
            *((t.table, _stored_id(t)) for t in targets if t.dirty and not t.read_only),
            *(joined if responded else ()),
        }, now)  # fmt: skip

    def _changes(self, target: _Target, now: datetime) -> dict[str, object]:
        values = target.named()
        changes = {name: values[name] for name in (*target.fill, *FLAGS)}
        if target.table == "lead":
            campaign = self.campaign if target.joins else None
            changes["campaign_id"] = values["campaign_id"] if campaign is None else campaign.id
        return changes | {"b_id": target.id, "b_at": now}

    def _join(self, connection: Connection, who: list[tuple[str, int]], now: datetime) -> None:
        if not who or self.campaign is None:
            return
        campaign = self.campaign
        at = bound_value(connection, _member.c.created_at, now)
        responded_at = at if campaign.member_responded else None
        responded = bound_value(connection, _member.c.has_responded, campaign.member_responded)
        rows = [
            (
                campaign.id,
                i if kind == "lead" else None,
                i if kind == "contact" else None,
                campaign.member_status,
                responded,
                responded_at,
                at,
            )
            for kind, i in who
        ]
        insert_rows(connection, _member, _MEMBER_COLUMNS, rows)


def find_stored(
    connection: Connection, email: str | None, phone: str | None
) -> tuple[str, int] | None:
    """The stored person a row with this (cleaned) email and phone is, by the matching
    above: ("lead" or "contact", id); a converted lead's contact; None for nobody."""
    row: list[str | None] = [None] * len(LEAD_VALUES)
    row[_EMAIL], row[_PHONE] = email, phone
    writer = BatchWriter(campaign=None, default_status="", open_statuses=set())
    index, _ = writer._existing(connection, [tuple(row)], None)
    target = writer._find(index, [], email, phone)
    if target is None:
        return None
    return target.member_of or (target.table, _stored_id(target))
