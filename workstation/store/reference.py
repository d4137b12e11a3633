"""Reference data: lead statuses, lifecycle stages, dispositions, opportunity stages,
contact roles and the default campaign member statuses.

They are tables, seeded as rows by the first migration and editable afterwards; code looks
them up by name instead of carrying its own copies. The seed lists below are what a new
database starts with (DESIGN.md "Statuses, stages, dispositions").
"""

from __future__ import annotations

from sqlmodel import Field, SQLModel


class LeadStatus(SQLModel, table=True):
    __tablename__ = "lead_status"

    name: str = Field(primary_key=True, max_length=80)
    sort_order: int
    is_default: bool = False
    is_closed: bool = False
    is_converted: bool = False
    description: str = ""


class LifecycleStage(SQLModel, table=True):
    __tablename__ = "lifecycle_stage"

    name: str = Field(primary_key=True, max_length=40)
    sort_order: int
    # A detour (Nurture, Rejected, Inactive) sits beside the funnel, not on it.
    is_detour: bool = False
    contacts_only: bool = False


class Disposition(SQLModel, table=True):
    """The outcome of a call, one key each in the queue, and what it does to the record."""

    __tablename__ = "disposition"

    name: str = Field(primary_key=True, max_length=60)
    hotkey: str = Field(max_length=1, unique=True)
    sort_order: int
    connected: bool = False
    # Status the lead moves to (None: unchanged) and lifecycle stage (None: unchanged).
    lead_status: str | None = Field(default=None, foreign_key="lead_status.name")
    lifecycle_stage: str | None = Field(default=None, foreign_key="lifecycle_stage.name")
    schedules_callback: bool = False
    sets_do_not_call: bool = False
    counts_attempt: bool = True


class OpportunityStage(SQLModel, table=True):
    __tablename__ = "opportunity_stage"

    name: str = Field(primary_key=True, max_length=40)
    sort_order: int
    probability: int
    is_closed: bool = False
    is_won: bool = False


class ContactRole(SQLModel, table=True):
    __tablename__ = "contact_role"

    name: str = Field(primary_key=True, max_length=40)
    sort_order: int


DEFAULT_STATUS = "Open"
WORKING = "Working – Deduped and attempted contact"
CONTACTED = "Contacted – Recent Activity"
NURTURING = "Archived – Developing / Nurturing"
NO_INTEREST = "Archived – No Interest"
BAD_DATA = "Bad Data"
CONTACT_NO_OPP = "Contact – No Opportunity"
CONTACT_CURRENT_OPP = "Contact – Current Opportunity"
CONVERTED = "Qualified – Turned into Opportunity"

LEAD_STATUSES: list[dict] = [
    dict(name=DEFAULT_STATUS, sort_order=1, is_default=True, description="New, not yet worked."),
    dict(name=WORKING, sort_order=2, description="Deduplicated and at least one attempt made."),
    dict(
        name=CONTACTED,
        sort_order=3,
        description="Sales spoke to them in the last 30 days: marketing leaves them alone.",
    ),
    dict(
        name=NURTURING,
        sort_order=4,
        is_closed=True,
        description="Closed; kept for marketing's nurture programme.",
    ),
    dict(name=NO_INTEREST, sort_order=5, is_closed=True, description="Closed: no interest."),
    dict(name=BAD_DATA, sort_order=6, is_closed=True, description="Closed: unreachable or bogus."),
    dict(
        name=CONTACT_NO_OPP,
        sort_order=7,
        description="Already a contact, at an account with no open opportunity.",
    ),
    dict(
        name=CONTACT_CURRENT_OPP,
        sort_order=8,
        is_closed=True,
        description="Already a contact at an account with an open opportunity: "
        "that opportunity's owner calls, not the queue.",
    ),
    dict(
        name=CONVERTED,
        sort_order=9,
        is_closed=True,
        is_converted=True,
        description="Converted; reached only through conversion.",
    ),
]

LIFECYCLE_STAGES: list[dict] = [
    dict(name="Name", sort_order=1),
    dict(name="Lead", sort_order=2),
    dict(name="Marketing Qualified", sort_order=3),
    dict(name="Sales Accepted", sort_order=4),
    dict(name="Sales Qualified", sort_order=5),
    dict(name="Opportunity", sort_order=6, contacts_only=True),
    dict(name="Customer", sort_order=7, contacts_only=True),
    dict(name="Reference", sort_order=8, contacts_only=True),
    dict(name="Nurture", sort_order=20, is_detour=True),
    dict(name="Rejected", sort_order=21, is_detour=True),
    dict(name="Inactive", sort_order=22, is_detour=True),
]

DISPOSITIONS: list[dict] = [
    dict(
        name="Connected – Qualified",
        hotkey="1",
        sort_order=1,
        connected=True,
        lead_status=CONTACTED,
        lifecycle_stage="Sales Qualified",
    ),
    dict(
        name="Connected – Not Interested",
        hotkey="2",
        sort_order=2,
        connected=True,
        lead_status=NO_INTEREST,
        lifecycle_stage="Nurture",
    ),
    dict(
        name="Connected – Call Back",
        hotkey="3",
        sort_order=3,
        connected=True,
        lead_status=CONTACTED,
        schedules_callback=True,
    ),
    dict(name="Left Voicemail", hotkey="4", sort_order=4, lead_status=WORKING),
    dict(name="No Answer", hotkey="5", sort_order=5, lead_status=WORKING),
    dict(name="Busy", hotkey="6", sort_order=6, lead_status=WORKING),
    dict(
        name="Wrong Number / Bad Data",
        hotkey="7",
        sort_order=7,
        lead_status=BAD_DATA,
        lifecycle_stage="Inactive",
    ),
    dict(
        name="Do Not Call",
        hotkey="8",
        sort_order=8,
        connected=True,
        lead_status=NO_INTEREST,
        sets_do_not_call=True,
    ),
]

OPPORTUNITY_STAGES: list[dict] = [
    dict(name="Qualification", sort_order=1, probability=0),
    dict(name="Needs Analysis", sort_order=2, probability=20),
    dict(name="Proposal", sort_order=3, probability=50),
    dict(name="Negotiation", sort_order=4, probability=75),
    dict(name="Closed Won", sort_order=5, probability=100, is_closed=True, is_won=True),
    dict(name="Closed Lost", sort_order=6, probability=0, is_closed=True),
]

CONTACT_ROLES: list[dict] = [
    dict(name=n, sort_order=i)
    for i, n in enumerate(
        ["Decision Maker", "Economic Buyer", "Evaluator", "Influencer", "Technical Buyer", "Other"],
        start=1,
    )
]

# Every campaign starts with these member statuses: exactly one default, one responded.
DEFAULT_MEMBER_STATUSES: list[dict] = [
    dict(label="Sent", sort_order=1, is_default=True, has_responded=False),
    dict(label="Responded", sort_order=2, is_default=False, has_responded=True),
]

SEED_ROWS: dict[type[SQLModel], list[dict]] = {
    LeadStatus: LEAD_STATUSES,
    LifecycleStage: LIFECYCLE_STAGES,
    OpportunityStage: OPPORTUNITY_STAGES,
    ContactRole: CONTACT_ROLES,
    Disposition: DISPOSITIONS,
}


def seed_missing(connection) -> int:
    """Insert the seed rows a database lacks (matched by key); never touches edited rows.

    Migrations call this, so a later release can add a status or a disposition by
    extending the lists above and adding a migration that calls it again.
    """
    from sqlalchemy import insert, select

    from workstation.store.tables import table_of

    added = 0
    for model, rows in SEED_ROWS.items():
        table = table_of(model)
        key = next(iter(table.primary_key.columns))
        present = set(connection.execute(select(key)).scalars())
        missing = [model(**row).model_dump() for row in rows if row[key.name] not in present]
        if missing:
            connection.execute(insert(table), missing)
            added += len(missing)
    return added
