"""The Lead file of a Salesforce export, through the pipeline every file of leads takes
(`imports.pipeline`): its columns planned as a CSV file's are (Salesforce's names are ours;
`--map` works on them), every row cleansed by `rows.RowCleaner` (the same reachability,
statuses, bad values kept out and listed, values read as the file writes them), open leads
matched against the leads and contacts already here by `upsert.BatchWriter` (email, then
phone; a row matching a contact is a lead linked to it, never a second contact), refused
rows and rows kept without a value written to the Lead file's errors file, and the same
report lines.

What only an export has is added around that: each lead keeps its Salesforce Id
(`external_id`: a second run finds it and changes nothing), its CreatedDate and
LastActivityDate, the account an Account Id written in Company names; a converted lead is
history, not a person to call: it is kept whole even when it has neither phone nor email,
never merged into another record, and linked to the account, contact and opportunity it
became. A lead that matches a contact here is a new inquiry from a known person, as in
every import (`upsert`): a lead linked to that contact.

Our own exports' Lead files are read too (`ours`): a lead without a Salesforce Id is known
by its own key in this import, and a second run finds it as every import finds a lead (by
email, then phone); the Data Loader export's Time_Zone__c and Lead_Type__c are the
TimeZone and LeadType columns (a zone the file names wins, as in any file of leads).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import bindparam, func, update
from sqlmodel import col

from workstation.store.exports.formulas import as_if_escaped
from workstation.store.imports.columns import plan_columns
from workstation.store.imports.picklists import picklist_key
from workstation.store.imports.pipeline import (
    LeadOptions,
    LeadTally,
    describe_columns,
    describe_tally,
    errors_path_for,
    lead_statuses,
)
from workstation.store.imports.pool import ErrorsFile
from workstation.store.imports.reader import CsvFormat, CsvRows, check_header
from workstation.store.imports.rows import LEAD_VALUES, Cleaned, RowCleaner
from workstation.store.imports.salesforce import ours
from workstation.store.imports.upsert import BatchWriter
from workstation.store.models import Lead
from workstation.store.sales_hands import in_sales_hands_sql, open_statuses
from workstation.store.tables import table_of
from workstation.store.values.text import clean_text

if TYPE_CHECKING:
    from workstation.store.imports.salesforce.importer import Loader

# Record metadata, and the columns the export's own code reads (below): neither fed to a
# field of the pipeline nor reported as ignored. (The compound `Address` is read where the
# Street beside it is empty, as in any file of leads.)
_OWN = (
    "Id IsDeleted MasterRecordId OwnerId IsConverted ConvertedDate ConvertedAccountId "
    "ConvertedContactId ConvertedOpportunityId IsUnreadByOwner CreatedDate CreatedById "
    "LastModifiedDate LastModifiedById SystemModstamp LastActivityDate LastViewedDate "
    "LastReferencedDate PhotoUrl Latitude Longitude GeocodeAccuracy Jigsaw "
    "JigsawContactId EmailBouncedReason EmailBouncedDate IndividualId "
    "ExternalId Workstation_Id__c Salesforce_Id__c "  # our exports' ids (`ours`)
    "LifecycleStage Score Lifecycle_Stage__c Score__c"  # theirs (`records.lifecycle`)
).split()
# The Data Loader export's custom fields (`export --for salesforce`) that are our fields.
# Our exact status is read before the org's Status, which is mapped (not always 1:1).
_CUSTOM = {
    "Time_Zone__c": "time_zone",
    "Lead_Type__c": "lead_type",
    "Workstation_Status__c": "status",
}
_OWN_KEYS = frozenset(picklist_key(name) for name in _OWN)


def export_columns(names: Iterable[str]) -> dict[str, str | None]:
    """The --map a Lead file of an export is read with before the user's own: its record
    metadata and ids left out unreported, our Data Loader fields fed to ours. A plain
    `import` of our Data Loader Lead file takes it too (`leads.import_leads`)."""
    names = list(names)
    own = {name: None for name in names if picklist_key(name) in _OWN_KEYS}
    return own | {name: field for name, field in _CUSTOM.items() if name in names}


_AT = {name: position for position, name in enumerate(LEAD_VALUES)}
_COMPANY, _STATUS, _SOURCE_STATUS = _AT["company"], _AT["status"], _AT["source_status"]
_FLAGS = (_AT["do_not_call"], _AT["email_opt_out"])
_lead = table_of(Lead)
_EXTRAS = (
    update(_lead)
    .where(_lead.c.id == bindparam("b_id"))
    .values(
        external_id=bindparam("b_external"),
        created_at=bindparam("b_created"),
        last_activity_at=bindparam("b_activity"),
        lifecycle_stage=func.coalesce(bindparam("b_stage"), _lead.c.lifecycle_stage),
        # `upsert` made it open by its status alone: a Name is not (SET reads the old row).
        is_open=in_sales_hands_sql(
            _lead.c.is_open, func.coalesce(bindparam("b_stage"), _lead.c.lifecycle_stage)
        ),
        score=func.coalesce(bindparam("b_score"), _lead.c.score),
        # the account a Company names, else the customer's an inquiry comes from (`upsert`)
        existing_account_id=func.coalesce(bindparam("b_account"), _lead.c.existing_account_id),
    )
)


@dataclass(slots=True)
class LeadFileReport:
    read: int = 0
    created: int = 0
    already_here: int = 0  # by Id, or matched by email or phone
    matched: int = 0  # of those, matched by email or phone to a lead here
    rejected: int = 0
    kept_without_bad_values: int = 0
    errors_path: str | None = None  # None: nothing to list, no file written
    columns: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class _Extras:
    salesforce_id: str
    key: str  # the Salesforce Id, else our export's key (`ours.KEY`): links this import
    record: dict[str, str]  # the row by column, for the export's own columns
    account: int | None  # the account an Account Id in Company names


def load_leads(
    loader: Loader,
    path: Path,
    form: CsvFormat,
    options: LeadOptions,
    *,
    mapping: dict[str, str | None],
    errors_path: Path | str | None,
    protect: Iterable[Path],
) -> LeadFileReport:
    """Load the Lead file in the loader's transaction; see the module docstring."""
    with CsvRows(path, form) as reader:
        header = reader.header
        check_header(path, header, form)
        rows = list(reader)
    names = [clean_text(cell) or "" for cell in header]
    plan = plan_columns(header, export_columns(names) | mapping, path)
    connection = loader.session.connection()
    statuses = lead_statuses(connection)
    rules = options.rules(plan, statuses, undecodable=form.errors != "strict")
    converted_status = next(s.name for s in statuses if s.is_converted)
    cleaner = RowCleaner(rules)
    errors = ErrorsFile(errors_path_for(path, errors_path), header, protect=protect, lazy=True)
    report, tally = LeadFileReport(read=len(rows)), LeadTally()
    whose = ours.dialect(names)
    records = [
        ours.as_salesforce("Lead", dict(zip(names, cells, strict=False)), whose)
        for _, cells in rows
    ]
    wanted = [record["Id"].strip() for record in records if record.get("Id", "").strip()]
    known = loader.known("Lead", wanted)
    loader.ids["Lead"].update(known)
    open_rows: list[tuple[Cleaned, _Extras]] = []
    try:
        for (line, cells), record in zip(rows, records, strict=True):
            salesforce_id = record.get("Id", "").strip()
            key = salesforce_id or record.get(ours.KEY, "")
            if salesforce_id and salesforce_id in known:
                loader.ids["Lead"][key] = known[salesforce_id]
                loader.alias("Lead", record, known[salesforce_id])
                tally.rows += 1
                report.already_here += 1
                continue
            converted = loader.values.flag(record, "IsConverted")
            # The cleaner undoes our ordinary export's escape; nothing else escaped these.
            given = cells if whose == ours.EXPORT else [as_if_escaped(c) for c in cells]
            outcome = cleaner.row(given, reachable=not converted)
            if not key and outcome.__class__ is tuple:
                outcome = "no Id: every record of a Salesforce export has one"
            if outcome.__class__ is tuple and converted:  # its status is the conversion's
                outcome = (*outcome[:_SOURCE_STATUS], None, converted_status)
            taken: Cleaned | list | str = outcome  # as a worker sends it (`rows.BlockCleaner`)
            if outcome.__class__ is str:
                taken = [line, outcome, cells]
            elif cleaner.warning is not None:
                taken = [line, cleaner.warning, cells, outcome]
            values = tally.take(taken, 0, errors)
            if values is None:
                continue
            if record.get("LeadSource", "").strip() and not options.source:
                loader.values.picklists.source(record["LeadSource"])  # noted for the report
            values, account = _account_in_company(loader, values)
            extras = _Extras(salesforce_id, key, record, account)
            if converted:
                _add_converted(loader, values, extras, report)
            else:
                open_rows.append((values, extras))
        _write_open(loader, open_rows, statuses, report)
    except BaseException:
        errors.discard()
        raise
    errors.close()
    tally.count_ignored(plan, cleaner.ignored)
    report.rejected, report.kept_without_bad_values = errors.count, errors.kept
    report.errors_path = str(errors.path) if errors.written else None
    report.columns = describe_columns(plan)
    report.notes = describe_tally(
        tally,
        unmapped=plan.unmapped,
        statuses=rules.statuses,
        default_status=next(s.name for s in statuses if s.is_default),
        encoding=form.encoding,
    )
    return report


def _account_in_company(loader: Loader, values: Cleaned) -> tuple[Cleaned, int | None]:
    """An org may hold an Account's Id in Company: that is a link to the account, and the
    lead's company is the account's name."""
    account = loader.lookup("Account", values[_COMPANY] or "")
    if account is None:
        return values, None
    loader.values.kept["leads whose Company held an Account Id, linked to that account"] += 1
    name = loader.account_names[account]
    return (*values[:_COMPANY], name, *values[_COMPANY + 1 :]), account


def _add_converted(
    loader: Loader, values: Cleaned, extras: _Extras, report: LeadFileReport
) -> None:
    """A converted lead, kept as it was converted: history, merged into no other record.
    One of our own export without a Salesforce Id that a run before brought is found
    among the converted leads by what it holds (`importer._SAME`), and not made twice."""
    named = dict(zip(LEAD_VALUES, values, strict=True))
    for at in _FLAGS:
        named[LEAD_VALUES[at]] = bool(values[at])
    record, lookup, moment = extras.record, loader.lookup, loader.values.moment
    named |= dict(
        is_open=False,
        is_converted=True,
        converted_at=moment(record, "ConvertedDate"),
        converted_account_id=lookup("Account", record.get("ConvertedAccountId", "")),
        converted_contact_id=lookup("Contact", record.get("ConvertedContactId", "")),
        converted_opportunity_id=lookup("Opportunity", record.get("ConvertedOpportunityId", "")),
        created_at=loader.values.when(record),
        last_activity_at=moment(record, "LastActivityDate"),
        existing_account_id=extras.account,
        **loader.values.lifecycle(record, contact=False),
    )
    if not extras.salesforce_id and (same := loader.same_record(Lead, named)) is not None:
        loader.ids["Lead"][extras.key] = same
        report.already_here += 1
        return
    lead = Lead(**named, external_id=extras.salesforce_id or None)
    loader.session.add(lead)
    loader.session.flush()
    assert lead.id is not None  # flushed
    loader.ids["Lead"][extras.key] = lead.id
    loader.alias("Lead", record, lead.id)
    loader.new_leads.append(lead.id)
    report.created += 1


def _write_open(
    loader: Loader,
    rows: list[tuple[Cleaned, _Extras]],
    statuses,
    report: LeadFileReport,
) -> None:
    """The open leads, through the matching every import does: each lands in a new lead,
    a lead already here (or made earlier in this file), or a new lead linked to a contact
    already here."""
    if not rows:
        return
    writer = BatchWriter(
        campaign=None,
        default_status=next(s.name for s in statuses if s.is_default),
        open_statuses=open_statuses(statuses),
        landed=True,
    )
    connection = loader.session.connection()
    result = writer.write(connection, [values for values, _ in rows], now=loader.values.now)
    made, matched = [], []
    for (_, extras), (_, record_id, new) in zip(rows, result.landed, strict=True):
        loader.ids["Lead"][extras.key] = record_id
        loader.alias("Lead", extras.record, record_id)
        if new:
            record = extras.record
            ours_too = loader.values.lifecycle(record, contact=False)
            made.append(
                {
                    "b_stage": ours_too.get("lifecycle_stage"),
                    "b_score": ours_too.get("score"),
                    "b_id": record_id,
                    "b_external": extras.salesforce_id or None,
                    "b_created": loader.values.when(record),
                    "b_activity": loader.values.moment(record, "LastActivityDate"),
                    "b_account": extras.account,
                }
            )
            loader.new_leads.append(record_id)
            report.created += 1
        else:
            if extras.salesforce_id:
                matched.append((record_id, extras.salesforce_id))
            report.matched += 1
            report.already_here += 1
    if made:
        connection.execute(_EXTRAS, made)
    for lead_id, salesforce_id in matched:  # a second run finds them by their Id
        connection.execute(
            update(Lead)
            .where(col(Lead.id) == lead_id, col(Lead.external_id).is_(None))
            .values(external_id=salesforce_id)
        )
