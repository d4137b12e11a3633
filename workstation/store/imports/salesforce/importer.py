"""`workstation import --salesforce DIR`: a Salesforce data export moved in whole.

The seven objects' CSV files (Campaign, Account, Contact, Opportunity, Lead,
CampaignMember, Task, named as Salesforce names them) are read in the order their lookups
need, in one transaction: all of it lands, or none. Every record keeps its Salesforce Id in
`external_id`, and every lookup becomes a link between our rows: Contact.AccountId,
Opportunity.AccountId and CampaignId, a lead's converted account, contact and opportunity
(and an Account Id written in a lead's Company), CampaignMember.CampaignId, LeadId and
ContactId, Task.WhoId, WhatId and AccountId. A lead's most recent campaign becomes its
campaign. Picklist values are mapped onto ours or added (`values`), and the
report says which; lead statuses are mapped, or kept in SourceStatus, as every import's.

The Lead file goes through the pipeline every file of leads takes (`salesforce.leads`,
`imports.pipeline`): the same cleansing, matching against the leads and contacts already
here, reachability rule, options (`--map`, `--errors`, `--status-map`, `--date-format`,
`--decimal`, `--region`, `--source`, `--campaign`, `--assign`, `--dry-run`), errors file
and report lines as a CSV file of leads.

Our own exports are read back the same way (`ours`): the ordinary one and the one for
Salesforce's Data Loader, told by their headers; a record of ours without a Salesforce Id
is matched by what it holds, so a second run makes nothing twice either.

A record whose Id is already here was imported before and is left alone, so a second run
changes nothing. Owners are Salesforce users, which an export does not describe: records
arrive unowned (leads in the pool), and the report says so.
"""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from sqlalchemy import select
from sqlmodel import Session, col

from workstation.store.db import database_files, write_session
from workstation.store.errors import StoreError
from workstation.store.imports.campaigns import CampaignInfo, ensure_campaign
from workstation.store.imports.picklists import lead_source
from workstation.store.imports.pipeline import LeadOptions
from workstation.store.imports.reader import CsvRows, check_header, sniff
from workstation.store.imports.salesforce import ours, records
from workstation.store.imports.salesforce.leads import LeadFileReport, load_leads
from workstation.store.imports.salesforce.values import Mapping, Picklists
from workstation.store.models import (
    Account,
    Activity,
    Campaign,
    CampaignMember,
    Contact,
    Lead,
    Opportunity,
    utcnow,
)
from workstation.store.permissions import ensure_active
from workstation.store.values.formats import Formats
from workstation.store.values.text import clean_text

# The models a Salesforce object becomes: each keeps the object's Id in `external_id`.
Imported = (
    type[Campaign]
    | type[Account]
    | type[Contact]
    | type[Opportunity]
    | type[Lead]
    | type[CampaignMember]
    | type[Activity]
)
# In the order their lookups need: each refers only to objects before it.
OBJECTS: dict[str, Imported] = {
    "Campaign": Campaign,
    "Account": Account,
    "Contact": Contact,
    "Opportunity": Opportunity,
    "Lead": Lead,
    "CampaignMember": CampaignMember,
    "Task": Activity,
}
CHUNK = 500
# How a record of our own export with no Salesforce Id is known to be here already (open
# leads: matched as every lead is, `salesforce.leads`; campaigns: by name, unique here):
# each tuple of columns in turn, equal (or both empty). A converted lead is found only
# among converted leads: it is history, never merged into a lead still being worked.
_SAME: dict[str, tuple[tuple[str, ...], ...]] = {
    "Lead": (
        ("email", "is_converted"),
        ("phone", "is_converted"),
        ("last_name", "company", "converted_at", "is_converted"),
    ),
    "Account": (("name", "website", "phone", "country"),),
    "Contact": (("email",), ("phone",)),
    "Opportunity": (("account_id", "name", "close_date"),),
    "CampaignMember": (("campaign_id", "lead_id", "contact_id"),),
    "Activity": (("occurred_at", "lead_id", "contact_id", "kind", "subject"),),
}


class SalesforceImportError(StoreError):
    """The directory holds no Salesforce export we can read."""


@dataclass(frozen=True, slots=True)
class ObjectCount:
    name: str
    read: int
    created: int
    already_here: int


@dataclass(frozen=True, slots=True)
class SalesforceReport:
    directory: str
    objects: list[ObjectCount]
    mappings: list[Mapping]
    notes: list[str] = field(default_factory=list)
    seconds: float = 0.0
    dry_run: bool = False
    campaign: str | None = None  # every lead of the export made a member (--campaign)
    assigned: int = 0  # new leads handed out (--assign)
    left_in_pool: int = 0
    leads: LeadFileReport | None = None  # the Lead file, as the pipeline tells it

    def describe(self) -> str:
        head = "Dry run, nothing written" if self.dry_run else "Salesforce export"
        lines = [f"{head}: {self.directory}, in {self.seconds:.1f} s:"]
        for o in self.objects:
            lines.append(
                f"  {o.name:<15} {o.read:>7,} read  {o.created:>7,} created  "
                f"{o.already_here:>7,} already here"
            )
        leads = self.leads
        if leads is not None and (leads.rejected or leads.kept_without_bad_values):
            lines.append(
                f"  Lead rows refused: {leads.rejected:,}; kept without a value that could not "
                f"be read: {leads.kept_without_bad_values:,} (with line and reason in "
                f"{leads.errors_path})"
            )
        if self.mappings:  # none on a second run: every record was here already
            lines.append("Picklist values:")
        for m in self.mappings:
            arrow = {"same": "=", "mapped": "→", "added": "+ added as"}[m.how]
            lines.append(f"  {m.picklist}: {m.theirs!r} {arrow} {m.ours!r} ({m.count:,})")
        if self.campaign:
            lines.append(f"Campaign: every lead of the export is a member of {self.campaign}")
        from workstation.store.team.assign import assigned_line

        if assignment := assigned_line(self.assigned, self.left_in_pool):
            lines.append(assignment)
        if leads is not None:
            lines.extend(f"Lead.csv: {note}" for note in leads.notes)
        lines.extend(f"Note: {note}" for note in self.notes)
        return "\n".join(lines)


def _files(directory: Path) -> dict[str, Path]:
    if not directory.is_dir():
        raise SalesforceImportError(f"{directory} is not a directory of Salesforce CSV files")
    present = {path.stem.lower(): path for path in directory.glob("*.csv")}
    found = {name: present[name.lower()] for name in OBJECTS if name.lower() in present}
    if not found:
        raise SalesforceImportError(
            f"{directory} holds none of {', '.join(f'{n}.csv' for n in OBJECTS)}"
        )
    return found


def _read(name: str, path: Path, encoding: str | None) -> list[dict[str, str]]:
    """The rows of one object's file, every cell cleaned at the door (`clean_text`, lines
    kept: a Description has several), picklist values and Ids among them; our own
    exports' rows made into a Salesforce export's (`ours`)."""
    form = sniff(path, encoding)
    with CsvRows(path, form) as reader:
        check_header(path, reader.header, form)
        header = [clean_text(cell) or "" for cell in reader.header]
        whose = ours.dialect(header)
        return [
            ours.as_salesforce(
                name,
                dict(
                    zip(header, (clean_text(c, multiline=True) or "" for c in cells), strict=False)
                ),
                whose,
            )
            for _, cells in reader
        ]


class Loader:
    def __init__(
        self, session: Session, region: str, now: datetime, formats: Formats | None = None
    ) -> None:
        self.session = session
        self.new_leads: list[int] = []
        self.ids: dict[str, dict[str, int]] = {name: {} for name in OBJECTS}
        self.picklists = Picklists(session)
        self.values = records.Values(self.picklists, region, self.lookup, now, formats)
        self.account_names: dict[int, str] = {}
        self.campaign_names: Counter[str] = Counter()
        self.renamed: list[str] = []
        self.merged: dict[str, int] = {}  # records of our export matched, by object

    def lookup(self, name: str, salesforce_id: str) -> int | None:
        return self.ids[name].get(salesforce_id.strip()) if salesforce_id else None

    def known(self, name: str, external_ids: list[str]) -> dict[str, int]:
        """Our ids of the records of object `name` that came with these Salesforce Ids."""
        model = OBJECTS[name]
        column = col(model.external_id)
        known: dict[str, int] = {}
        for start in range(0, len(external_ids), CHUNK):
            chunk = external_ids[start : start + CHUNK]
            statement = select(column, col(model.id)).where(column.in_(chunk))
            known.update(self.session.execute(statement).all())
        return known

    def load(self, name: str, rows: list[dict[str, str]]) -> ObjectCount:
        model = OBJECTS[name]
        wanted = [row["Id"].strip() for row in rows if row.get("Id", "").strip()]
        known = self.known(name, wanted)
        self.ids[name].update(known)
        if name == "Account":
            accounts = select(col(Account.id), col(Account.name)).where(
                col(Account.id).in_(list(known.values()))
            )
            self.account_names.update(self.session.execute(accounts).all())
        created = merged = 0
        for row in rows:
            salesforce_id = row.get("Id", "").strip()
            # A row of our own export without a Salesforce Id: its key links this import.
            key = salesforce_id or row.get(ours.KEY, "")
            if salesforce_id and key in self.ids[name]:
                self.alias(name, row, self.ids[name][key])
            if not key or key in self.ids[name]:
                continue
            if name == "CampaignMember" and not self._member_links(row):
                self.values.kept[
                    "CampaignMember rows naming a campaign, lead or contact that was not "
                    "imported, left out"
                ] += 1
                continue
            if name == "Campaign" and not salesforce_id:
                same = self.session.execute(
                    select(col(Campaign.id)).where(
                        col(Campaign.name) == (self.values.text(row, "Name", 190) or "").strip()
                    )
                ).scalar()
                if same is not None:  # from our own export, imported before
                    self.ids[name][key] = same
                    merged += 1
                    continue
            values = self._values(name, row)
            if not salesforce_id and (same := self.same_record(model, values)) is not None:
                self.ids[name][key] = same  # from our own export, imported before
                merged += 1
                continue
            record = model(**values, external_id=salesforce_id or None)
            self.session.add(record)
            self.session.flush()
            assert record.id is not None  # flushed
            self.ids[name][key] = record.id
            self.alias(name, row, record.id)
            if isinstance(record, Account):
                self.account_names[record.id] = record.name
            created += 1
        if merged:
            self.merged[name] = merged
        return ObjectCount(name, len(rows), created, len(known) + merged)

    def alias(self, name: str, row: dict[str, str], record_id: int) -> None:
        """A row of our own export is also found by its own key, as the other files of
        the export name it."""
        if row.get(ours.KEY):
            self.ids[name][row[ours.KEY]] = record_id

    def _member_links(self, row: dict[str, str]) -> bool:
        """Whether a membership's campaign and its lead or contact are here."""
        lookup = self.lookup
        return lookup("Campaign", row.get("CampaignId", "")) is not None and (
            lookup("Lead", row.get("LeadId", "")) is not None
            or lookup("Contact", row.get("ContactId", "")) is not None
        )

    def same_record(self, model: Imported, values: dict) -> int | None:
        """A record of our own export without a Salesforce Id that is here already, so
        that a second run makes nothing twice: found as `_SAME` says."""
        for columns in _SAME.get(model.__name__, ()):
            if values.get(columns[0]) is None:
                continue
            statement = select(col(model.id)).order_by(col(model.id)).limit(1)
            for column in columns:
                value, field = values.get(column), getattr(model, column)
                statement = statement.where(field.is_(None) if value is None else field == value)
            found = self.session.execute(statement).scalar()
            if found is not None:
                return found
        return None

    def _values(self, name: str, row: dict[str, str]) -> dict:
        values = self.values
        if name == "Campaign":
            return records.campaign(values, row) | {"name": self._campaign_name(row)}
        if name == "Opportunity":
            found = records.opportunity(values, row)
            return found | {"account_id": self._account_for(row)}
        builder = {
            "Account": records.account,
            "Contact": records.contact,
            "CampaignMember": records.member,
            "Task": records.task,
        }[name]
        return builder(values, row)

    def _campaign_name(self, row: dict[str, str]) -> str:
        """Campaign names are unique here, not in Salesforce: a repeated one gets a number."""
        name = (self.values.text(row, "Name", 190) or "(no name)").strip()
        taken = self.session.execute(
            select(col(Campaign.id)).where(col(Campaign.name) == name)
        ).first()
        self.campaign_names[name] += 1
        if taken is None and self.campaign_names[name] == 1:
            return name
        unique = f"{name} ({self.campaign_names[name]})"
        while self.session.execute(
            select(col(Campaign.id)).where(col(Campaign.name) == unique)
        ).first():
            self.campaign_names[name] += 1
            unique = f"{name} ({self.campaign_names[name]})"
        self.renamed.append(f"{name!r} ({row['Id']}) is named {unique!r}: the name was taken")
        return unique

    def _account_for(self, row: dict[str, str]) -> int:
        """An opportunity's account; one without gets the shared placeholder account."""
        account = self.lookup("Account", row.get("AccountId", ""))
        if account is not None:
            return account
        placeholder = self.session.execute(
            select(col(Account.id)).where(col(Account.external_id) == "no-account")
        ).scalar()
        if placeholder is None:
            holder = Account(name="(Salesforce opportunities without an account)")
            holder.external_id = "no-account"
            self.session.add(holder)
            self.session.flush()
            assert holder.id is not None  # flushed
            placeholder = holder.id
        return placeholder

    def join_campaign(self, info: CampaignInfo) -> None:
        """Make every lead of the export a member of the campaign, once."""
        lead_ids = list(self.ids["Lead"].values())
        for start in range(0, len(lead_ids), CHUNK):
            chunk = lead_ids[start : start + CHUNK]
            members = select(col(CampaignMember.lead_id)).where(
                col(CampaignMember.campaign_id) == info.id,
                col(CampaignMember.lead_id).in_(chunk),
            )
            already = set(self.session.execute(members).scalars())
            self.session.add_all(
                CampaignMember(
                    campaign_id=info.id,
                    lead_id=lead_id,
                    status=info.member_status,
                    has_responded=info.member_responded,
                    created_at=self.values.now,
                )
                for lead_id in chunk
                if lead_id not in already
            )
        self.session.flush()

    def link_latest_campaigns(self) -> None:
        """A lead's campaign is its most recent membership's, when it has none yet."""
        lead_ids = list(self.ids["Lead"].values())
        for start in range(0, len(lead_ids), CHUNK):
            chunk = lead_ids[start : start + CHUNK]
            memberships = (
                select(col(CampaignMember.lead_id), col(CampaignMember.campaign_id))
                .where(col(CampaignMember.lead_id).in_(chunk))
                .order_by(col(CampaignMember.created_at), col(CampaignMember.id))
            )
            newest = dict(self.session.execute(memberships).all())  # the last one wins
            leads = select(Lead).where(
                col(Lead.id).in_(list(newest)), col(Lead.campaign_id).is_(None)
            )
            for lead in self.session.execute(leads).scalars():
                lead.campaign_id = newest[lead.id]
        self.session.flush()


def import_salesforce(
    engine,
    directory: Path | str,
    *,
    region: str = "US",
    now: datetime | None = None,
    encoding: str | None = None,
    dry_run: bool = False,
    source: str | None = None,
    campaign: str | None = None,
    assign_as: int | None = None,
    acting_rep_id: int | None = None,
    mapping: dict[str, str | None] | None = None,
    errors_path: Path | str | None = None,
    status_map: tuple[str, ...] = (),
    formats: Formats | None = None,
    country: str | None = None,
) -> SalesforceReport:
    """Import a Salesforce data export (its files in `encoding`, else as each file tells);
    see the module docstring. `source` is every new lead's LeadSource, `campaign` a
    campaign every lead of the export joins, `assign_as` the manager handing the new leads
    out by capacity; a dry run does it all and rolls it back. `mapping`, `errors_path`,
    `status_map`, `formats` and `country` are the Lead file's, as `import_leads` takes
    them for a CSV file. An inactive rep (`acting_rep_id`) is refused."""
    ensure_active(engine, acting_rep_id, "import a Salesforce export")
    started = time.perf_counter()
    directory = Path(directory).expanduser()
    files = _files(directory)
    if (mapping or errors_path) and "Lead" not in files:
        raise SalesforceImportError(
            f"{'--map' if mapping else '--errors'} is for the export's Lead.csv, and "
            f"{directory} has none"
        )
    counts = []
    now = now or utcnow()
    source = lead_source(" ".join(source.split())) if source else None
    lead_form = sniff(files["Lead"], encoding) if "Lead" in files else None
    if formats is None:  # as a CSV file of leads: a decimal comma when ;-separated
        comma = lead_form is not None and lead_form.delimiter == ";"
        formats = Formats(decimal="," if comma else ".")
    options = LeadOptions(
        region=region, country=country, source=source, status_map=status_map, formats=formats
    )
    leads = None
    with write_session(engine) as session:
        loader = Loader(session, region.upper(), now, formats)
        for name in OBJECTS:
            if name == "Lead" and lead_form is not None:
                leads = load_leads(
                    loader,
                    files["Lead"],
                    lead_form,
                    options,
                    mapping=dict(mapping or {}),
                    errors_path=errors_path,
                    protect=database_files(engine),
                )
                counts.append(ObjectCount("Lead", leads.read, leads.created, leads.already_here))
            elif name in files:
                counts.append(loader.load(name, _read(name, files[name], encoding)))
        info = ensure_campaign(session, campaign, channel=source) if campaign else None
        if info is not None:
            loader.join_campaign(info)
        loader.link_latest_campaigns()
        mappings = loader.picklists.mappings()
        notes = _notes(files, loader, leads)
        if dry_run:
            session.rollback()
    assigned = left = 0
    if assign_as is not None and loader.new_leads and not dry_run:
        from workstation.store.team.assign import assign_pool_by_capacity

        assignment = assign_pool_by_capacity(
            engine, acting_rep_id=assign_as, lead_ids=loader.new_leads, at=now
        )
        assigned, left = len(assignment.assigned), assignment.left_in_pool
    return SalesforceReport(
        directory=str(directory),
        objects=counts,
        mappings=mappings,
        notes=notes,
        seconds=time.perf_counter() - started,
        dry_run=dry_run,
        campaign=info.name if info else None,
        assigned=assigned,
        left_in_pool=left,
        leads=leads,
    )


def _notes(files: dict[str, Path], loader: Loader, leads: LeadFileReport | None) -> list[str]:
    notes = [f"no {name}.csv: none imported" for name in OBJECTS if name not in files]
    notes.append(
        "record owners are Salesforce users, which the export does not describe: "
        "records arrive unowned, leads in the pool (add reps with `workstation reps add`, "
        "then hand the pool out with `workstation assign`)"
    )
    notes.extend(
        f"{count:,} {name} records matched one already here as the same record of our "
        "export: linked to it, not made twice"
        for name, count in loader.merged.items()
    )
    if leads is not None and leads.matched:
        notes.append(
            f"{leads.matched:,} Lead records matched a lead already here by email or phone: "
            "linked to it, not made twice"
        )
    notes.extend(loader.renamed)
    notes.extend(f"{count:,} {kind}" for kind, count in sorted(loader.values.kept.items()))
    return notes
