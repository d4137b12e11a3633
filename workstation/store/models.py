"""The business records of DESIGN.md as SQLModel tables, with the indexes the queues,
the untouched-leads report and the exports need at 1M leads / 5M activities.

Nothing here is ever deleted: records are flagged (inactive, rejected, converted).
Times are timezone-aware UTC. Money is whole cents in an integer column, so it is exact
on SQLite too. `external_id` keeps the id a record had in the system it was imported from
(a Salesforce Id, say).

Partial indexes repeat their predicates literally in the queries that use them (SQLite
only uses a partial index when the query's WHERE holds the same terms): the predicates
live here as SQL text and the queries import them.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, CheckConstraint, Column, Index, event, text
from sqlmodel import Field, SQLModel

from workstation.store.clock import utcnow
from workstation.store.reference import (  # noqa: F401  (registers the reference tables)
    ContactRole,
    Disposition,
    LeadStatus,
    LifecycleStage,
    OpportunityStage,
)
from workstation.store.rep_names import rep_name_key

# Predicates shared by partial indexes and the queries that must match them.
OPEN_CALLABLE = "is_open AND NOT do_not_call"
OWNED = f"owner_id IS NOT NULL AND {OPEN_CALLABLE}"
CALLBACK = f"{OWNED} AND callback_at IS NOT NULL"
POOL = f"owner_id IS NULL AND {OPEN_CALLABLE}"
# Literal, not a bound value: SQLite matches a partial index's WHERE only to literal terms.
NURTURE = "owner_id IS NOT NULL AND status = 'Archived – Developing / Nurturing'"
# Leads sales spoke to lately ("Contacted – Recent Activity"), which expire by themselves
# (`marketing.recent_activity`): few of them, so the sweep that looks for expired ones is cheap.
RECENTLY_CONTACTED = "status = 'Contacted – Recent Activity'"
# Owned leads only: the pool's leads (most of an import, two thirds of data set L's matches)
# are nobody's to touch, and would only make the index larger and every new lead dearer.
UNTOUCHED = (
    "owner_id IS NOT NULL AND is_open "
    "AND (last_activity_at IS NULL OR last_activity_at < assigned_at)"
)
# A call that keeps the record's values from before it, so that it can be undone.
UNDOABLE = "prior_state IS NOT NULL"
REVERSAL = "reverses_id IS NOT NULL"
HAS_EXTERNAL_ID = "external_id IS NOT NULL"
# Rejected records, counted by reason (the funnel): a small partial index, not one over
# every record's lifecycle stage, which a conversion or a status change would rewrite.
REJECTED = "lifecycle_stage = 'Rejected'"
LINKED = "contact_id IS NOT NULL"
# Marketing's pool (`store/marketing`): few of the leads, read best score first.
NAMES = "lifecycle_stage = 'Name'"


def external_id_index(table: str) -> Index:
    """External ids are unique among the records that have one. An index rather than a
    table constraint: a bulk load can drop and rebuild it (on SQLite a constraint's index
    can never be dropped), and it holds only the records that were imported."""
    return Index(
        f"ux_{table}_external_id",
        "external_id",
        unique=True,
        sqlite_where=text(HAS_EXTERNAL_ID),
        postgresql_where=text(HAS_EXTERNAL_ID),
    )


class Rep(SQLModel, table=True):
    __tablename__ = "rep"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=120, unique=True)
    # `rep_name_key(name)`, unique: the name as lookups match it. Set on every write of the
    # name (below, and by triggers for SQL written by hand).
    name_key: str | None = Field(default=None, max_length=480)
    # The PostgreSQL login this rep connects as (team mode); None on SQLite.
    login: str | None = Field(default=None, max_length=63)
    email: str | None = Field(default=None, max_length=254)
    role: str = Field(default="rep", max_length=16)  # "rep" or "manager"
    capacity: int = 200
    active: bool = True
    created_at: datetime = Field(default_factory=utcnow)

    __table_args__ = (
        CheckConstraint("role IN ('rep', 'manager')", name="ck_rep_role"),
        CheckConstraint("capacity >= 0", name="ck_rep_capacity"),
        Index("ux_rep_name_key", "name_key", unique=True),
        Index("ux_rep_login", "login", unique=True),
    )


@event.listens_for(Rep, "before_insert")
@event.listens_for(Rep, "before_update")
def _key_the_name(_mapper, _connection, rep: Rep) -> None:
    rep.name_key = rep_name_key(rep.name)


class CallScript(SQLModel, table=True):
    __tablename__ = "call_script"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=120, unique=True)
    body: str = ""  # Markdown with {placeholders}
    questions: list[dict[str, Any]] = Field(default_factory=list, sa_column=Column(JSON))
    # The qualification rule ({"all": [keys], "any": [keys]}); None: the default (BANT).
    qualify: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON))
    updated_at: datetime = Field(default_factory=utcnow)


class Campaign(SQLModel, table=True):
    __tablename__ = "campaign"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=200, unique=True)
    channel: str = Field(default="", max_length=80)  # lead source: Web, Event, Webinar …
    offer: str = Field(default="", max_length=80)  # lead type: Demo Request, Trial …
    product: str = Field(default="", max_length=120)  # product of interest
    start_date: date | None = None
    end_date: date | None = None
    active: bool = True
    call_script_id: int | None = Field(default=None, foreign_key="call_script.id")
    email_template: str = ""
    # Whole cents; None: not known (left out of the funnel's cost per won deal).
    budget_cents: int | None = Field(default=None, sa_type=BigInteger)
    actual_cost_cents: int | None = Field(default=None, sa_type=BigInteger)
    created_at: datetime = Field(default_factory=utcnow)
    external_id: str | None = Field(default=None, max_length=40)

    __table_args__ = (external_id_index("campaign"),)


class CampaignMemberStatus(SQLModel, table=True):
    __tablename__ = "campaign_member_status"

    id: int | None = Field(default=None, primary_key=True)
    campaign_id: int = Field(foreign_key="campaign.id")
    label: str = Field(max_length=80)
    sort_order: int = 1
    is_default: bool = False
    has_responded: bool = False

    __table_args__ = (
        Index("ux_member_status_label", "campaign_id", "label", unique=True),
        # Exactly one default per campaign: at most one here, at least one by the store.
        Index(
            "ux_member_status_default",
            "campaign_id",
            unique=True,
            sqlite_where=text("is_default"),
            postgresql_where=text("is_default"),
        ),
    )


class Account(SQLModel, table=True):
    __tablename__ = "account"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=255, index=True)
    website: str | None = Field(default=None, max_length=255)
    domain: str | None = Field(default=None, max_length=255, index=True)
    industry: str | None = Field(default=None, max_length=80)
    employees: int | None = None
    phone: str | None = Field(default=None, max_length=32)
    # Type as Salesforce's picklist has it (Prospect, Customer – Direct, Partner …); empty
    # unless a file or the rep gives one.
    account_type: str | None = Field(default=None, max_length=80)
    # The billing address.
    street: str | None = Field(default=None, max_length=255)
    city: str | None = Field(default=None, max_length=80)
    state: str | None = Field(default=None, max_length=80)
    postal_code: str | None = Field(default=None, max_length=20)
    country: str | None = Field(default=None, max_length=80)
    owner_id: int | None = Field(default=None, foreign_key="rep.id", index=True)
    active: bool = True
    created_at: datetime = Field(default_factory=utcnow)
    external_id: str | None = Field(default=None, max_length=40)

    __table_args__ = (external_id_index("account"),)


class Lead(SQLModel, table=True):
    __tablename__ = "lead"

    id: int | None = Field(default=None, primary_key=True)
    first_name: str | None = Field(default=None, max_length=80)
    last_name: str = Field(max_length=80)
    title: str | None = Field(default=None, max_length=128)
    company: str = Field(max_length=255)
    email: str | None = Field(default=None, max_length=254, index=True)
    phone: str | None = Field(default=None, max_length=32, index=True)  # E.164
    phone_extension: str | None = Field(default=None, max_length=16)  # "972" of "… x972"
    mobile_phone: str | None = Field(default=None, max_length=32)  # E.164
    website: str | None = Field(default=None, max_length=255)
    industry: str | None = Field(default=None, max_length=80)
    employees: int | None = None
    street: str | None = Field(default=None, max_length=255)
    city: str | None = Field(default=None, max_length=80)
    state: str | None = Field(default=None, max_length=80)
    postal_code: str | None = Field(default=None, max_length=20)
    country: str | None = Field(default=None, max_length=80)
    time_zone: str | None = Field(default=None, max_length=64)  # IANA, for the call window
    # Without a zone: every zone the person may be in (`calling_window.stored_zones`), so
    # that the one-statement claim keeps to the hours safe in all of them. Kept by the ORM
    # events below and by the writers that insert or update in Core.
    possible_zones: str | None = Field(default=None, max_length=1000)
    lead_source: str | None = Field(default=None, max_length=80)  # channel
    lead_type: str | None = Field(default=None, max_length=80)  # offer
    description: str | None = None  # the inquiry, as the person wrote it
    account_type: str | None = Field(default=None, max_length=80)  # for the account it becomes
    campaign_id: int | None = Field(default=None, foreign_key="campaign.id")  # most recent
    status: str = Field(default="Open", foreign_key="lead_status.name", max_length=80)
    # "In sales' hands": the status is neither closed nor converted and the lead is not a
    # Name (`sales_hands`), kept by the store in the same transaction as the status and
    # stage: the queues' partial indexes need a plain column.
    is_open: bool = True
    # A Name marketing has stopped promoting (inactive); flagged, never deleted.
    active: bool = True
    # The status another CRM gave the lead when it is none of ours (kept, never added).
    source_status: str | None = Field(default=None, max_length=80)
    lifecycle_stage: str = Field(default="Lead", foreign_key="lifecycle_stage.name")
    owner_id: int | None = Field(default=None, foreign_key="rep.id")
    # The customer account an inquiry comes from (its domain's): marked ★ in the queues.
    existing_account_id: int | None = Field(default=None, foreign_key="account.id")
    # The contact this lead turned out to be (seed 002: "Contact – No / Current
    # Opportunity"): a new inquiry from a known person, kept as a lead beside the contact.
    contact_id: int | None = Field(default=None, foreign_key="contact.id")
    score: int = 0
    do_not_call: bool = False
    email_opt_out: bool = False
    created_at: datetime = Field(default_factory=utcnow)
    assigned_at: datetime | None = None
    last_activity_at: datetime | None = None
    callback_at: datetime | None = None
    claimed_until: datetime | None = None  # lease of a claim; expires if the rep walks away
    attempt_count: int = 0
    rejected_reason: str | None = Field(default=None, max_length=255)
    is_converted: bool = False
    converted_at: datetime | None = None
    converted_account_id: int | None = Field(default=None, foreign_key="account.id")
    converted_contact_id: int | None = Field(default=None, foreign_key="contact.id")
    converted_opportunity_id: int | None = Field(default=None, foreign_key="opportunity.id")
    version: int = 1  # optimistic locking: a save names the version it read
    updated_at: datetime = Field(default_factory=utcnow)
    external_id: str | None = Field(default=None, max_length=40)

    __table_args__ = (
        external_id_index("lead"),
        # A rep's queue, best first (score, then oldest assignment).
        Index(
            "ix_lead_queue",
            "owner_id",
            text("score DESC"),
            "assigned_at",
            "id",
            sqlite_where=text(OWNED),
            postgresql_where=text(OWNED),
        ),
        # A rep's callbacks, soonest first.
        Index(
            "ix_lead_callback",
            "owner_id",
            "callback_at",
            "id",
            sqlite_where=text(CALLBACK),
            postgresql_where=text(CALLBACK),
        ),
        # The shared pool, best first.
        Index(
            "ix_lead_pool",
            text("score DESC"),
            "created_at",
            "id",
            sqlite_where=text(POOL),
            postgresql_where=text(POOL),
        ),
        # Untouched leads per rep (manager screen).
        Index(
            "ix_lead_untouched",
            "owner_id",
            "assigned_at",
            sqlite_where=text(UNTOUCHED),
            postgresql_where=text(UNTOUCHED),
        ),
        # A rep's leads by status (Contacted – Recent Activity, capacity counts).
        Index(
            "ix_lead_owner_status",
            "owner_id",
            "status",
            "last_activity_at",
            sqlite_where=text("owner_id IS NOT NULL"),
            postgresql_where=text("owner_id IS NOT NULL"),
        ),
        # Contacted – Recent Activity by last activity: the ones past the window expire.
        Index(
            "ix_lead_contacted",
            "last_activity_at",
            sqlite_where=text(RECENTLY_CONTACTED),
            postgresql_where=text(RECENTLY_CONTACTED),
        ),
        # A rep's recycled leads, newest first.
        Index(
            "ix_lead_nurture",
            "owner_id",
            "id",
            sqlite_where=text(NURTURE),
            postgresql_where=text(NURTURE),
        ),
        # Claims from the pool whose lease may lapse.
        Index(
            "ix_lead_claimed",
            "claimed_until",
            sqlite_where=text("claimed_until IS NOT NULL"),
            postgresql_where=text("claimed_until IS NOT NULL"),
        ),
        Index(
            "ix_lead_rejected",
            "rejected_reason",
            sqlite_where=text(REJECTED),
            postgresql_where=text(REJECTED),
        ),
        # The Names screen and recycling's promotions.
        Index(
            "ix_lead_names",
            text("score DESC"),
            "id",
            sqlite_where=text(NAMES),
            postgresql_where=text(NAMES),
        ),
        # A contact's linked leads; most leads have none.
        Index(
            "ix_lead_contact",
            "contact_id",
            sqlite_where=text(LINKED),
            postgresql_where=text(LINKED),
        ),
        CheckConstraint("attempt_count >= 0", name="ck_lead_attempts"),
    )


@event.listens_for(Lead, "before_insert")
@event.listens_for(Lead, "before_update")
def _keep_possible_zones(_mapper: Any, _connection: Any, lead: Lead) -> None:
    from workstation.store.values.calling_window import stored_zones

    lead.possible_zones = stored_zones(lead.time_zone, lead.phone, lead.state, lead.country)


class SourcePolicy(SQLModel, table=True):
    """How hard each lead source is worked (issue 21, "nurture by source"): its measured
    conversion rate, and the attempt cap and callback spacing that follow from it, each
    with where it came from ("measured", "floor", "ceiling", "settings override",
    "default" for too few finished leads). Written by
    `calling.source_policy.refresh_source_policy`."""

    __tablename__ = "source_policy"

    lead_source: str = Field(primary_key=True, max_length=80)
    finished: int = 0  # leads converted or closed
    converted: int = 0
    rate: float | None = None  # converted / finished; None when too few finished
    attempt_cap: int
    cap_from: str = Field(max_length=20)
    retry_hours: float
    retry_from: str = Field(max_length=20)
    measured_at: datetime


class Contact(SQLModel, table=True):
    __tablename__ = "contact"

    id: int | None = Field(default=None, primary_key=True)
    account_id: int | None = Field(default=None, foreign_key="account.id", index=True)
    first_name: str | None = Field(default=None, max_length=80)
    last_name: str = Field(max_length=80)
    title: str | None = Field(default=None, max_length=128)
    email: str | None = Field(default=None, max_length=254, index=True)
    phone: str | None = Field(default=None, max_length=32, index=True)
    phone_extension: str | None = Field(default=None, max_length=16)
    mobile_phone: str | None = Field(default=None, max_length=32)
    # The mailing address.
    street: str | None = Field(default=None, max_length=255)
    city: str | None = Field(default=None, max_length=80)
    state: str | None = Field(default=None, max_length=80)
    postal_code: str | None = Field(default=None, max_length=20)
    country: str | None = Field(default=None, max_length=80)
    time_zone: str | None = Field(default=None, max_length=64)
    description: str | None = None
    lead_source: str | None = Field(default=None, max_length=80)
    lifecycle_stage: str = Field(default="Sales Accepted", foreign_key="lifecycle_stage.name")
    owner_id: int | None = Field(default=None, foreign_key="rep.id", index=True)
    score: int = 0
    do_not_call: bool = False
    email_opt_out: bool = False
    # A customer who speaks for us: "public" (named in the press), "private" (reference
    # calls only) or None; `is_reference` is kept equal to "has a type" by the store.
    is_reference: bool = False
    reference_type: str | None = Field(default=None, max_length=16)
    # Kept by a trigger on reference_use, whoever inserts the use.
    reference_use_count: int = 0
    active: bool = True
    rejected_reason: str | None = Field(default=None, max_length=255)
    created_at: datetime = Field(default_factory=utcnow)
    assigned_at: datetime | None = None
    last_activity_at: datetime | None = None
    callback_at: datetime | None = None
    attempt_count: int = 0
    version: int = 1
    updated_at: datetime = Field(default_factory=utcnow)
    external_id: str | None = Field(default=None, max_length=40)

    __table_args__ = (
        external_id_index("contact"),
        Index(
            "ix_contact_rejected",
            "rejected_reason",
            sqlite_where=text(REJECTED),
            postgresql_where=text(REJECTED),
        ),
        # A rep's contacts, for the contact queues.
        Index(
            "ix_contact_owner_active",
            "owner_id",
            "id",
            sqlite_where=text("active"),
            postgresql_where=text("active"),
        ),
    )


class Opportunity(SQLModel, table=True):
    __tablename__ = "opportunity"

    id: int | None = Field(default=None, primary_key=True)
    account_id: int = Field(foreign_key="account.id", index=True)
    name: str = Field(max_length=255)
    amount_cents: int = Field(default=0, sa_type=BigInteger)
    stage: str = Field(default="Qualification", foreign_key="opportunity_stage.name")
    probability: int = 0
    close_date: date
    owner_id: int | None = Field(default=None, foreign_key="rep.id", index=True)
    lead_source: str | None = Field(default=None, max_length=80)
    campaign_id: int | None = Field(default=None, foreign_key="campaign.id", index=True)
    is_closed: bool = False  # kept equal to the stage's flag by the store
    next_step: str | None = Field(default=None, max_length=255)
    # Why it closed (won or lost), or why sales rejected it.
    closed_reason: str | None = Field(default=None, max_length=255)
    # Rejected by sales (seed 001): bogus, never deleted; closed, and out of the pipeline.
    is_rejected: bool = False
    version: int = 1  # optimistic locking: a move names the version it read
    created_at: datetime = Field(default_factory=utcnow)
    external_id: str | None = Field(default=None, max_length=40)

    __table_args__ = (
        external_id_index("opportunity"),
        CheckConstraint("probability BETWEEN 0 AND 100", name="ck_opportunity_probability"),
    )


class OpportunityContactRole(SQLModel, table=True):
    __tablename__ = "opportunity_contact_role"

    id: int | None = Field(default=None, primary_key=True)
    opportunity_id: int = Field(foreign_key="opportunity.id")
    contact_id: int = Field(foreign_key="contact.id", index=True)
    role: str | None = Field(default=None, foreign_key="contact_role.name")
    is_primary: bool = False
    created_at: datetime = Field(default_factory=utcnow)

    __table_args__ = (
        Index("ux_ocr_pair", "opportunity_id", "contact_id", unique=True),
        Index(
            "ux_ocr_primary",
            "opportunity_id",
            unique=True,
            sqlite_where=text("is_primary"),
            postgresql_where=text("is_primary"),
        ),
    )


class ReferenceUse(SQLModel, table=True):
    """One use of a reference customer (who, when, for which opportunity): insert-only."""

    __tablename__ = "reference_use"

    id: int | None = Field(default=None, primary_key=True)
    contact_id: int = Field(foreign_key="contact.id")
    opportunity_id: int | None = Field(default=None, foreign_key="opportunity.id")
    rep_id: int | None = Field(default=None, foreign_key="rep.id")
    note: str = Field(default="", max_length=255)
    used_at: datetime = Field(default_factory=utcnow)

    __table_args__ = (Index("ix_reference_use_contact", "contact_id", "used_at"),)


class CampaignMember(SQLModel, table=True):
    __tablename__ = "campaign_member"

    id: int | None = Field(default=None, primary_key=True)
    campaign_id: int = Field(foreign_key="campaign.id")
    lead_id: int | None = Field(default=None, foreign_key="lead.id")
    contact_id: int | None = Field(default=None, foreign_key="contact.id")
    status: str = Field(default="Sent", max_length=80)
    has_responded: bool = False
    responded_at: datetime | None = None
    created_at: datetime = Field(default_factory=utcnow)
    external_id: str | None = Field(default=None, max_length=40)

    __table_args__ = (
        external_id_index("campaign_member"),
        CheckConstraint("lead_id IS NOT NULL OR contact_id IS NOT NULL", name="ck_member_who"),
        Index("ix_member_campaign", "campaign_id"),
        # Partial: a member is a lead or a contact, so each index skips the other half.
        Index(
            "ix_member_lead",
            "lead_id",
            sqlite_where=text("lead_id IS NOT NULL"),
            postgresql_where=text("lead_id IS NOT NULL"),
        ),
        Index(
            "ix_member_contact",
            "contact_id",
            sqlite_where=text("contact_id IS NOT NULL"),
            postgresql_where=text("contact_id IS NOT NULL"),
        ),
    )


class Activity(SQLModel, table=True):
    __tablename__ = "activity"

    id: int | None = Field(default=None, primary_key=True)
    lead_id: int | None = Field(default=None, foreign_key="lead.id")
    contact_id: int | None = Field(default=None, foreign_key="contact.id")
    account_id: int | None = Field(default=None, foreign_key="account.id")
    opportunity_id: int | None = Field(default=None, foreign_key="opportunity.id")
    rep_id: int | None = Field(default=None, foreign_key="rep.id")
    kind: str = Field(default="call", max_length=16)  # call, email, note, task
    disposition: str | None = Field(default=None, foreign_key="disposition.name")
    subject: str = Field(default="", max_length=255)
    notes: str = ""
    answers: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON))
    duration_seconds: int | None = None
    occurred_at: datetime = Field(default_factory=utcnow)
    due_at: datetime | None = None
    # An undo is a compensating entry pointing at the activity it reverses; a disposition
    # keeps the record's calling state from before it and the values it changed, so that
    # undo can put back what the call changed while nobody has changed it since.
    reverses_id: int | None = Field(default=None, foreign_key="activity.id")
    prior_state: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON))
    # SQL NULL, not JSON null, on the activities that are not calls.
    changed_state: dict[str, Any] | None = Field(
        default=None, sa_column=Column(JSON(none_as_null=True))
    )
    external_id: str | None = Field(default=None, max_length=40)

    __table_args__ = (
        external_id_index("activity"),
        CheckConstraint("kind IN ('call', 'email', 'note', 'task')", name="ck_activity_kind"),
        Index("ix_activity_lead", "lead_id", "occurred_at"),
        # Partial: most activities are on leads; the index holds only the contacts' ones.
        Index(
            "ix_activity_contact",
            "contact_id",
            "occurred_at",
            sqlite_where=text("contact_id IS NOT NULL"),
            postgresql_where=text("contact_id IS NOT NULL"),
        ),
        # An opportunity's and an account's own activities (their pages): few of them.
        Index(
            "ix_activity_opportunity",
            "opportunity_id",
            "occurred_at",
            sqlite_where=text("opportunity_id IS NOT NULL"),
            postgresql_where=text("opportunity_id IS NOT NULL"),
        ),
        Index(
            "ix_activity_account",
            "account_id",
            "occurred_at",
            sqlite_where=text("account_id IS NOT NULL"),
            postgresql_where=text("account_id IS NOT NULL"),
        ),
        # A rep's latest undoable call (`undo_last_call`); the other activities stay out.
        Index(
            "ix_activity_rep",
            "rep_id",
            "occurred_at",
            sqlite_where=text(UNDOABLE),
            postgresql_where=text(UNDOABLE),
        ),
        # A call is reversed at most once, even by two undos at the same moment.
        Index(
            "ux_activity_reverses",
            "reverses_id",
            unique=True,
            sqlite_where=text(REVERSAL),
            postgresql_where=text(REVERSAL),
        ),
    )


class History(SQLModel, table=True):
    """Append-only: every change of status, owner, stage or lifecycle stage."""

    __tablename__ = "history"

    id: int | None = Field(default=None, primary_key=True)
    entity: str = Field(max_length=20)  # lead, contact, account, opportunity, rep
    entity_id: int
    field: str = Field(max_length=40)
    old_value: str | None = None
    new_value: str | None = None
    rep_id: int | None = Field(default=None, foreign_key="rep.id")
    reason: str | None = None
    at: datetime = Field(default_factory=utcnow)

    __table_args__ = (
        Index("ix_history_entity", "entity", "entity_id", "at"),
        Index("ix_history_field_at", "entity", "field", "at"),
    )


# Saved filters in use: a rep's own, and the ones a manager shares with the team.
LIVE_FILTER = "NOT archived"
SHARED_FILTER = "shared AND NOT archived"


class SavedFilter(SQLModel, table=True):
    """A rep's filter of the leads, saved as a named queue (`store/filters`). Archived,
    never deleted. Each criterion left empty does not filter."""

    __tablename__ = "saved_filter"

    id: int | None = Field(default=None, primary_key=True)
    rep_id: int = Field(foreign_key="rep.id")  # whose it is
    name: str = Field(max_length=80)
    name_key: str = Field(max_length=320)  # the name case-folded: one name per rep
    shared: bool = False  # a manager's filter, shown to the whole team
    archived: bool = False
    # "mine" (the rep working the queue), "pool", or "rep" (`owner_rep_id`'s leads).
    owner: str = Field(default="mine", max_length=8)
    owner_rep_id: int | None = Field(default=None, foreign_key="rep.id")
    lead_source: str | None = Field(default=None, max_length=80)
    lead_type: str | None = Field(default=None, max_length=80)  # offer
    campaign_id: int | None = Field(default=None, foreign_key="campaign.id")
    industry: str | None = Field(default=None, max_length=80)
    state: str | None = Field(default=None, max_length=80)
    country: str | None = Field(default=None, max_length=80)
    status: str | None = Field(default=None, max_length=80)
    score_min: int | None = None
    score_max: int | None = None
    inactive_days: int | None = None  # last activity older than this many days (or none)
    active_days: int | None = None  # last activity within this many days
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)

    __table_args__ = (
        CheckConstraint("owner IN ('mine', 'pool', 'rep')", name="ck_filter_owner"),
        CheckConstraint("(owner = 'rep') = (owner_rep_id IS NOT NULL)", name="ck_filter_owner_rep"),
        Index(
            "ux_filter_rep_name",
            "rep_id",
            "name_key",
            unique=True,
            sqlite_where=text(LIVE_FILTER),
            postgresql_where=text(LIVE_FILTER),
        ),
        Index(
            "ix_filter_shared",
            "name_key",
            sqlite_where=text(SHARED_FILTER),
            postgresql_where=text(SHARED_FILTER),
        ),
    )


class ScoreRule(SQLModel, table=True):
    """One rule of the score (`store/scoring`): a fit rule, a behaviour weight or the decay's
    half-life. Archived (`active` false), never deleted."""

    __tablename__ = "score_rule"

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=12)  # fit, behaviour, decay
    name: str = Field(max_length=80)  # what the score's explanation calls it
    field: str = Field(max_length=40)  # title, industry, employees … call, response, half_life
    match: str = Field(default="", max_length=400)  # words, comma-separated; "" matches any
    low: int | None = None  # a number range (employees), both ends included
    high: int | None = None
    points: int = 0  # what a match adds (negative: takes away); the half-life's days
    active: bool = True
    sort_order: int = 0
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)

    __table_args__ = (
        CheckConstraint("kind IN ('fit', 'behaviour', 'decay')", name="ck_score_rule_kind"),
        Index(
            "ix_score_rule_active",
            "sort_order",
            "id",
            sqlite_where=text("active"),
            postgresql_where=text("active"),
        ),
    )


BUSINESS_TABLES = (
    "rep",
    "campaign",
    "campaign_member",
    "account",
    "lead",
    "contact",
    "opportunity",
    "opportunity_contact_role",
    "activity",
    "history",
    "call_script",
)
