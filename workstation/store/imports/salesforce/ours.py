"""Our own exports read back by `import --salesforce`, so that a round trip gives the same
records: the ordinary export (`export KIND`, told by its header, which is exactly ours) and
the Data Loader one (`export KIND --for salesforce`, told by its `Workstation_Id__c`).

Each row is made into the row of a Salesforce export that `records` reads:
- Its key: the Salesforce Id when the record came from Salesforce (our `ExternalId`, their
  `Salesforce_Id__c`), stored as the new record's external id as a Salesforce export's
  would be; otherwise a key of its own ("Lead:17") that only links the files of this
  import, and is never stored. Lookups (a task's person, a contact's account) name these
  keys, typed by the object, since our ids are per table.
- The ordinary export's cells were escaped against formulas: each is unescaped once here
  (the Data Loader one is not escaped, and is read as written).
- A task of ours is done unless it has a due time: a logged call stays a completed call,
  its callback (ours: `CallbackDate`) kept as its due time.
"""

from __future__ import annotations

from collections.abc import Sequence

from workstation.store.exports.formulas import unescape_formula
from workstation.store.exports.salesforce import salesforce_id
from workstation.store.exports.stream import ours_exported

SALESFORCE = "salesforce"  # a Salesforce org's own export
EXPORT = "export"  # ours, `export KIND`
DATA_LOADER = "data loader"  # ours, `export KIND --for salesforce`
KEY = "_key"  # the row's key when it has no Salesforce Id
DUE = "_due"  # a task's due time, as our exports say it

# Each object's lookups: (the column a Salesforce export has, the object it names, our
# export's column of our id, the Data Loader export's column of our id).
_LOOKUPS: dict[str, tuple[tuple[str, str, str, str], ...]] = {
    "Contact": (("AccountId", "Account", "AccountId", "Workstation_Account_Id__c"),),
    "Opportunity": (
        ("AccountId", "Account", "AccountId", "Workstation_Account_Id__c"),
        ("CampaignId", "Campaign", "CampaignId", ""),
    ),
    "Lead": (
        ("ConvertedAccountId", "Account", "ConvertedAccountId", ""),
        ("ConvertedContactId", "Contact", "ConvertedContactId", ""),
        ("ConvertedOpportunityId", "Opportunity", "ConvertedOpportunityId", ""),
    ),
    "CampaignMember": (
        ("CampaignId", "Campaign", "CampaignId", ""),
        ("LeadId", "Lead", "LeadId", ""),
        ("ContactId", "Contact", "ContactId", ""),
    ),
    "Task": (
        ("AccountId", "Account", "AccountId", "Workstation_Account_Id__c"),
        ("WhoId", "Contact", "ContactId", "Workstation_Contact_Id__c"),
        ("WhoId", "Lead", "LeadId", "Workstation_Lead_Id__c"),
        ("WhatId", "Opportunity", "OpportunityId", "Workstation_Opportunity_Id__c"),
        ("WhatId", "Account", "AccountId", "Workstation_Account_Id__c"),
    ),
}


def dialect(header: Sequence[str]) -> str:
    """Whose export a file's header is."""
    if "Workstation_Id__c" in header:
        return DATA_LOADER
    return EXPORT if ours_exported(",".join(header)) else SALESFORCE


def as_salesforce(name: str, row: dict[str, str], form: str) -> dict[str, str]:
    """One row of our export of object `name` as a Salesforce export's row."""
    if form == SALESFORCE:
        return row
    if form == EXPORT:
        row = {column: unescape_formula(cell) for column, cell in row.items()}
        ours, theirs = row.get("Id", ""), salesforce_id(row.get("ExternalId", ""))
    else:
        ours, theirs = (
            row.get("Workstation_Id__c", ""),
            salesforce_id(row.get("Salesforce_Id__c", "")),
        )
    row["Id"], row[KEY] = theirs, f"{name}:{ours.strip()}"
    which, written = 0 if form == EXPORT else 1, dict(row)
    filled: set[str] = set()
    for column, target, *id_columns in _LOOKUPS.get(name, ()):
        if column in filled:
            continue
        given = salesforce_id(written.get(column, "")) if form == DATA_LOADER else ""
        our_id = written.get(id_columns[which], "").strip() if id_columns[which] else ""
        if given:
            row[column] = given
        elif our_id:
            row[column] = f"{target}:{our_id}"
        else:
            row[column] = ""
            continue
        filled.add(column)
    if name == "Task":
        _task(row, form)
    return row


def _task(row: dict[str, str], form: str) -> None:
    if form == EXPORT:  # Type is our kind; ActivityDate when it happened, CallbackDate due
        row[DUE] = row.get("CallbackDate", "")
        return
    # The Data Loader export: Call_Time__c is when it happened, ActivityDate only its day
    # (or an open task's due day).
    if row.get("Status", "") == "Completed":
        row["ActivityDate"] = row.get("Call_Time__c", "") or row.get("ActivityDate", "")
        row[DUE] = row.get("Callback_Date__c", "")  # the callback a call booked
    else:
        row[DUE] = row.get("ActivityDate", "")
        row["ActivityDate"] = row.get("Call_Time__c", "") or row.get("ActivityDate", "")
