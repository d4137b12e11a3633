"""Picklist values from other systems mapped onto ours: lead statuses, opportunity stages,
lead sources and campaign member statuses, as a CSV file or a Salesforce org spells them.

A value maps to one of ours when it names it (case, spacing and punctuation aside), when it
names the part before the dash ("Working" → "Working – Deduped and attempted contact",
"Proposal/Quote" → "Proposal"), or when it is a known synonym: Salesforce's own defaults
("Open - Not Contacted", "Closed - Not Converted", "Prospecting", "Proposal/Price Quote"…)
and the channels other tools call differently ("Online Form" → "Web"). Anything else has
no match: the caller adds it as data (Salesforce import) or refuses the row (CSV import).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

from workstation.store.reference import (
    BAD_DATA,
    CONTACTED,
    CONVERTED,
    DEFAULT_STATUS,
    NO_INTEREST,
    NURTURING,
    WORKING,
)

_NOT_ALNUM = re.compile(r"[\W_]+")


def picklist_key(value: str) -> str:
    return _NOT_ALNUM.sub("", value.casefold())


def _keys(pairs: dict[str, Iterable[str]]) -> dict[str, str]:
    return {picklist_key(alias): ours for ours, aliases in pairs.items() for alias in aliases}


# The standard lead statuses of Salesforce (old and new orgs' defaults), HubSpot (its
# `hs_lead_status` values, as labels or internal names) and Zoho. HubSpot's "Open Deal"
# is left out on purpose: it says a deal is open, which an import of leads cannot make.
LEAD_STATUS_SYNONYMS = _keys(
    {
        DEFAULT_STATUS: ("New", "Open - Not Contacted", "Not Contacted", "Unworked", "OPEN"),
        WORKING: (
            "Working - Contacted",
            "Attempted",
            "Attempting Contact",
            "Attempted to Contact",
            "ATTEMPTED_TO_CONTACT",
            "In Progress",
            "IN_PROGRESS",
        ),
        CONTACTED: ("Contacted", "Connected"),
        NURTURING: ("Nurturing", "Nurture", "Recycled", "Bad Timing", "Contact in Future"),
        NO_INTEREST: (
            "Closed - Not Converted",
            "Unqualified",
            "Not Qualified",
            "Not Interested",
            "Disqualified",
            "Lost Lead",
        ),
        BAD_DATA: ("Bad Data", "Invalid", "Junk", "Junk Lead"),
        CONVERTED: ("Closed - Converted", "Converted", "Qualified"),
    }
)

STAGE_SYNONYMS = _keys(
    {
        "Qualification": ("Prospecting", "New"),
        "Needs Analysis": (
            "Discovery",
            "Value Proposition",
            "Id. Decision Makers",
            "Perception Analysis",
        ),
        "Proposal": ("Proposal/Price Quote", "Quote"),
        "Negotiation": ("Negotiation/Review", "Contract"),
        "Closed Won": ("Won",),
        "Closed Lost": ("Lost",),
    }
)

# The channels of DESIGN.md (a campaign's channel is the lead source of its leads).
LEAD_SOURCES = ("Web", "Event", "Webinar", "Purchased List", "Referral", "Partner")
LEAD_SOURCE_SYNONYMS = _keys(
    {
        "Web": ("Website", "Online Form", "Web Form", "Web Marketing", "Online", "Inbound Web"),
        "Event": ("Trade Show", "Tradeshow", "Conference", "Seminar", "Events"),
        "Webinar": ("Webinars", "Web Seminar"),
        "Purchased List": ("List", "List Purchase", "Purchased"),
        "Referral": (
            "Employee Referral",
            "External Referral",
            "Customer Referral",
            "Word of Mouth",
        ),
        "Partner": ("Partner Referral", "Partners", "Channel Partner", "Reseller"),
    }
)

MEMBER_STATUS_SYNONYMS = _keys({"Sent": ("Sent", "Added", "Invited"), "Responded": ("Responded",)})


def match_picklist(value: str, ours: Iterable[str], synonyms: dict[str, str]) -> str | None:
    """Our value that `value` stands for, or None.

    An exact name (any case) wins, then a synonym, then the one name of ours whose part
    before " – ", " - " or "/" is `value` or `value`'s own part before them.
    """
    key = picklist_key(value)
    if not key:
        return None
    names = list(ours)
    for name in names:
        if picklist_key(name) == key:
            return name
    if key in synonyms and synonyms[key] in names:
        return synonyms[key]
    wanted = {key, _head(value)}
    heads = [name for name in names if _head(name) in wanted]
    return heads[0] if len(heads) == 1 else None


def _head(value: str) -> str:
    return picklist_key(re.split(r" [–-] |/", value)[0])


@lru_cache(maxsize=4096)  # imports ask about the same few sources for every row
def lead_source(value: str) -> str:
    """One of our channels when `value` stands for one; else `value` as given."""
    return match_picklist(value, LEAD_SOURCES, LEAD_SOURCE_SYNONYMS) or value
