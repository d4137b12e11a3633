"""The columns of each export kind: our tables under Salesforce's field names.

A column takes Salesforce's API name where Salesforce has the field, so a file moves
between the two with Data Loader or the Import Wizard; where Salesforce has none, it takes a
name in the same style. Every kind starts with `Id`, our integer primary key; ids are per
table, so a `…Id` column names its table through its name. `ExternalId` is the id the record
had in the system it was imported from.

leads (Lead): Id, FirstName, LastName, Title, Company, Email, Phone (E.164), MobilePhone,
    Website, Industry, NumberOfEmployees, Street, City, State, PostalCode, Country,
    Description (the inquiry), LeadSource, Status, OwnerId, CreatedDate, LastActivityDate,
    IsConverted, ConvertedDate, ConvertedAccountId, ConvertedContactId,
    ConvertedOpportunityId, HasOptedOutOfEmail (email_opt_out), LastModifiedDate
    (updated_at); ours: PhoneExtension, AccountType (for the account it becomes), TimeZone,
    LeadType (the offer), CampaignId (the most recent campaign), IsOpen, LifecycleStage,
    ExistingAccountId (an inquiry from a current customer), Score, DoNotCall,
    AssignedDate, CallbackDate, AttemptCount, RejectedReason, ExternalId, SourceStatus (the
    status another CRM gave the lead when it was none of ours).
contacts (Contact): Id, AccountId, FirstName, LastName, Title, Email, Phone, MobilePhone,
    MailingStreet, MailingCity, MailingState, MailingPostalCode, MailingCountry,
    Description, LeadSource, OwnerId, DoNotCall, HasOptedOutOfEmail, CreatedDate,
    LastActivityDate, LastModifiedDate; ours: PhoneExtension, TimeZone, LifecycleStage,
    Score, IsReference, ReferenceType (public, private or empty), ReferenceUseCount,
    IsActive, RejectedReason, AssignedDate, CallbackDate, AttemptCount, ExternalId.
accounts (Account): Id, Name, Type, Website, Industry, NumberOfEmployees, Phone,
    BillingStreet, BillingCity, BillingState, BillingPostalCode, BillingCountry, OwnerId,
    CreatedDate; ours: Domain, IsCustomer (a won opportunity of $1 or more), IsActive,
    ExternalId.
opportunities (Opportunity): Id, AccountId, Name, Amount (from amount_cents), StageName,
    Probability, CloseDate, IsClosed, IsWon (the stage's flag), NextStep, OwnerId,
    LeadSource, CampaignId (primary campaign source), CreatedDate; ours: ClosedReason (why
    it was won, lost or rejected), IsRejected (rejected by sales), ExternalId.
opportunity-contact-roles (OpportunityContactRole): Id, OpportunityId, ContactId, Role,
    IsPrimary, CreatedDate.
campaigns (Campaign): Id, Name, Type (the channel, i.e. lead source), StartDate, EndDate,
    IsActive, BudgetedCost, ActualCost (empty when not known), CreatedDate; ours: Offer (the
    lead type), Product, CallScriptId, EmailTemplate, ExternalId.
campaign-members (CampaignMember): Id, CampaignId, LeadId, ContactId, Status, HasResponded,
    FirstRespondedDate (responded_at), CreatedDate; ours: ExternalId.
activities (Task): Id, WhoId (the contact, else the lead, as after a Salesforce
    conversion), WhatId (the opportunity, else the account), AccountId, OwnerId (the rep),
    Type (call, email, note or task), Subject, CallDisposition, Description (the notes),
    CallDurationInSeconds, ActivityDate (occurred_at); ours: LeadId and ContactId (WhoId
    alone cannot say which table it points into), OpportunityId, ScriptAnswers (the
    structured answers, JSON), CallbackDate (due_at), ReversesActivityId (an undo points at
    the activity it reverses), ExternalId.
history (LeadHistory and its siblings, one table for all): Id, Field, OldValue, NewValue,
    CreatedById (the rep who made the change), CreatedDate; ours: Entity (lead, contact,
    account, opportunity or rep), EntityId, Reason.

Left out on purpose: working state that means nothing outside this database (a claim's
lease, the optimistic-locking version). Where we store a time and Salesforce only a date
(ConvertedDate, LastActivityDate, FirstRespondedDate, ActivityDate), the column keeps the
time rather than drop it; its first ten characters are the date.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    ColumnElement,
    Date,
    DateTime,
    FromClause,
    Integer,
    String,
    Table,
    TypeDecorator,
    exists,
    func,
    select,
)
from sqlalchemy.types import TypeEngine

from workstation.store.lifecycle.customers import FIRST_DOLLAR
from workstation.store.models import (
    Account,
    Activity,
    Campaign,
    CampaignMember,
    Contact,
    History,
    Lead,
    Opportunity,
    OpportunityContactRole,
)
from workstation.store.reference import OpportunityStage
from workstation.store.tables import table_of

# How a value is written, decided by its column's SQL type; money is named explicitly
# because an amount in cents is an integer to the database.
_KINDS: tuple[tuple[type[TypeEngine[Any]], str], ...] = (
    (Boolean, "bool"),
    (DateTime, "datetime"),
    (Date, "date"),
    (Integer, "int"),
    (JSON, "json"),
    (String, "text"),
)


@dataclass(frozen=True, slots=True)
class ExportField:
    name: str
    expression: ColumnElement[Any]
    kind: str  # bool, datetime, date, int, json, text, money or country


@dataclass(frozen=True, slots=True)
class ExportSpec:
    key: ColumnElement[int]  # the primary key the export pages on; always the first field
    source: FromClause
    fields: tuple[ExportField, ...]


def _kind_of(expression: ColumnElement[Any]) -> str:
    sql_type = expression.type
    if isinstance(sql_type, TypeDecorator):
        sql_type = sql_type.impl_instance
    for base, kind in _KINDS:
        if isinstance(sql_type, base):
            return kind
    raise TypeError(f"no export format for {expression} of type {sql_type!r}")


def _money(name: str, expression: ColumnElement[Any]) -> ExportField:
    return ExportField(name, expression, "money")


def _country(name: str, expression: ColumnElement[Any]) -> ExportField:
    """A country, written as its ISO code (as imports store it) even where an older
    version stored the name, so that importing the file again stores what is here."""
    return ExportField(name, expression, "country")


def _spec(
    table: Table,
    *columns: tuple[str, str | ColumnElement[Any]] | ExportField,
    source: FromClause | None = None,
) -> ExportSpec:
    fields = [ExportField("Id", table.c.id, "int")]
    for column in columns:
        if isinstance(column, ExportField):
            fields.append(column)
            continue
        name, expression = column
        if isinstance(expression, str):
            expression = table.c[expression]
        fields.append(ExportField(name, expression, _kind_of(expression)))
    return ExportSpec(table.c.id, table if source is None else source, tuple(fields))


_lead = table_of(Lead)
_contact = table_of(Contact)
_account = table_of(Account)
_opportunity = table_of(Opportunity)
_stage = table_of(OpportunityStage)
_role = table_of(OpportunityContactRole)
_campaign = table_of(Campaign)
_member = table_of(CampaignMember)
_activity = table_of(Activity)
_history = table_of(History)

# A customer has a won opportunity of $1 or more (seed 001).
_won = _opportunity.alias("won")
_won_stage = _stage.alias("won_stage")
_is_customer: ColumnElement[bool] = exists(
    select(_won.c.id)
    .join(_won_stage, _won_stage.c.name == _won.c.stage)
    .where(
        _won.c.account_id == _account.c.id,
        _won_stage.c.is_won,
        _won.c.amount_cents >= FIRST_DOLLAR,
        _won.c.is_rejected.is_(False),
    )
)

EXPORT_SPECS: dict[str, ExportSpec] = {
    "leads": _spec(
        _lead,
        ("FirstName", "first_name"),
        ("LastName", "last_name"),
        ("Title", "title"),
        ("Company", "company"),
        ("Email", "email"),
        ("Phone", "phone"),
        ("PhoneExtension", "phone_extension"),
        ("MobilePhone", "mobile_phone"),
        ("Website", "website"),
        ("Industry", "industry"),
        ("NumberOfEmployees", "employees"),
        ("Street", "street"),
        ("City", "city"),
        ("State", "state"),
        ("PostalCode", "postal_code"),
        _country("Country", _lead.c.country),
        ("Description", "description"),
        ("AccountType", "account_type"),
        ("TimeZone", "time_zone"),
        ("LeadSource", "lead_source"),
        ("LeadType", "lead_type"),
        ("CampaignId", "campaign_id"),
        ("Status", "status"),
        ("SourceStatus", "source_status"),
        ("IsOpen", "is_open"),
        ("LifecycleStage", "lifecycle_stage"),
        ("OwnerId", "owner_id"),
        ("ExistingAccountId", "existing_account_id"),
        ("Score", "score"),
        ("DoNotCall", "do_not_call"),
        ("HasOptedOutOfEmail", "email_opt_out"),
        ("CreatedDate", "created_at"),
        ("AssignedDate", "assigned_at"),
        ("LastActivityDate", "last_activity_at"),
        ("CallbackDate", "callback_at"),
        ("AttemptCount", "attempt_count"),
        ("RejectedReason", "rejected_reason"),
        ("IsConverted", "is_converted"),
        ("ConvertedDate", "converted_at"),
        ("ConvertedAccountId", "converted_account_id"),
        ("ConvertedContactId", "converted_contact_id"),
        ("ConvertedOpportunityId", "converted_opportunity_id"),
        ("LastModifiedDate", "updated_at"),
        ("ExternalId", "external_id"),
    ),
    "contacts": _spec(
        _contact,
        ("AccountId", "account_id"),
        ("FirstName", "first_name"),
        ("LastName", "last_name"),
        ("Title", "title"),
        ("Email", "email"),
        ("Phone", "phone"),
        ("PhoneExtension", "phone_extension"),
        ("MobilePhone", "mobile_phone"),
        ("MailingStreet", "street"),
        ("MailingCity", "city"),
        ("MailingState", "state"),
        ("MailingPostalCode", "postal_code"),
        _country("MailingCountry", _contact.c.country),
        ("Description", "description"),
        ("TimeZone", "time_zone"),
        ("LeadSource", "lead_source"),
        ("LifecycleStage", "lifecycle_stage"),
        ("OwnerId", "owner_id"),
        ("Score", "score"),
        ("DoNotCall", "do_not_call"),
        ("HasOptedOutOfEmail", "email_opt_out"),
        ("IsReference", "is_reference"),
        ("ReferenceType", "reference_type"),
        ("ReferenceUseCount", "reference_use_count"),
        ("IsActive", "active"),
        ("RejectedReason", "rejected_reason"),
        ("CreatedDate", "created_at"),
        ("AssignedDate", "assigned_at"),
        ("LastActivityDate", "last_activity_at"),
        ("CallbackDate", "callback_at"),
        ("AttemptCount", "attempt_count"),
        ("LastModifiedDate", "updated_at"),
        ("ExternalId", "external_id"),
    ),
    "accounts": _spec(
        _account,
        ("Name", "name"),
        ("Type", "account_type"),
        ("Website", "website"),
        ("Domain", "domain"),
        ("Industry", "industry"),
        ("NumberOfEmployees", "employees"),
        ("Phone", "phone"),
        ("BillingStreet", "street"),
        ("BillingCity", "city"),
        ("BillingState", "state"),
        ("BillingPostalCode", "postal_code"),
        _country("BillingCountry", _account.c.country),
        ("IsCustomer", _is_customer),
        ("OwnerId", "owner_id"),
        ("IsActive", "active"),
        ("CreatedDate", "created_at"),
        ("ExternalId", "external_id"),
    ),
    "opportunities": _spec(
        _opportunity,
        ("AccountId", "account_id"),
        ("Name", "name"),
        _money("Amount", _opportunity.c.amount_cents),
        ("StageName", "stage"),
        ("Probability", "probability"),
        ("CloseDate", "close_date"),
        ("IsClosed", "is_closed"),
        ("IsWon", _stage.c.is_won),
        ("NextStep", "next_step"),
        ("ClosedReason", "closed_reason"),
        ("IsRejected", "is_rejected"),
        ("OwnerId", "owner_id"),
        ("LeadSource", "lead_source"),
        ("CampaignId", "campaign_id"),
        ("CreatedDate", "created_at"),
        ("ExternalId", "external_id"),
        source=_opportunity.join(_stage, _opportunity.c.stage == _stage.c.name),
    ),
    "opportunity-contact-roles": _spec(
        _role,
        ("OpportunityId", "opportunity_id"),
        ("ContactId", "contact_id"),
        ("Role", "role"),
        ("IsPrimary", "is_primary"),
        ("CreatedDate", "created_at"),
    ),
    "campaigns": _spec(
        _campaign,
        ("Name", "name"),
        ("Type", "channel"),
        ("Offer", "offer"),
        ("Product", "product"),
        ("StartDate", "start_date"),
        ("EndDate", "end_date"),
        ("IsActive", "active"),
        _money("BudgetedCost", _campaign.c.budget_cents),
        _money("ActualCost", _campaign.c.actual_cost_cents),
        ("CallScriptId", "call_script_id"),
        ("EmailTemplate", "email_template"),
        ("CreatedDate", "created_at"),
        ("ExternalId", "external_id"),
    ),
    "campaign-members": _spec(
        _member,
        ("CampaignId", "campaign_id"),
        ("LeadId", "lead_id"),
        ("ContactId", "contact_id"),
        ("Status", "status"),
        ("HasResponded", "has_responded"),
        ("FirstRespondedDate", "responded_at"),
        ("CreatedDate", "created_at"),
        ("ExternalId", "external_id"),
    ),
    "activities": _spec(
        _activity,
        ("WhoId", func.coalesce(_activity.c.contact_id, _activity.c.lead_id)),
        ("LeadId", "lead_id"),
        ("ContactId", "contact_id"),
        ("WhatId", func.coalesce(_activity.c.opportunity_id, _activity.c.account_id)),
        ("AccountId", "account_id"),
        ("OpportunityId", "opportunity_id"),
        ("OwnerId", "rep_id"),
        ("Type", "kind"),
        ("Subject", "subject"),
        ("CallDisposition", "disposition"),
        ("Description", "notes"),
        ("ScriptAnswers", "answers"),
        ("CallDurationInSeconds", "duration_seconds"),
        ("ActivityDate", "occurred_at"),
        ("CallbackDate", "due_at"),
        ("ReversesActivityId", "reverses_id"),
        ("ExternalId", "external_id"),
    ),
    "history": _spec(
        _history,
        ("Entity", "entity"),
        ("EntityId", "entity_id"),
        ("Field", "field"),
        ("OldValue", "old_value"),
        ("NewValue", "new_value"),
        ("CreatedById", "rep_id"),
        ("Reason", "reason"),
        ("CreatedDate", "at"),
    ),
}
