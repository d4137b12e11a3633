"""The rules a new database starts with (seeded by migration 0019). Edit them with
`workstation score rules --load FILE.toml`; the store keeps the old ones archived."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

KINDS = ("fit", "behaviour", "decay")
# Fit: the record's fields a rule may read (a contact's industry and size are its account's).
TEXT_FIELDS = ("title", "industry", "country", "state", "lead_source", "lead_type")
NUMBER_FIELDS = ("employees",)
# Behaviour: a call's disposition, a campaign response (matched on the campaign's channel).
BEHAVIOUR_FIELDS = ("call", "response")
DECAY_FIELDS = ("half_life_days",)
HALF_LIFE_DAYS = 30
_SEEDED = datetime(2026, 12, 8, tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class RuleSpec:
    kind: str
    name: str
    field: str
    points: int
    match: str = ""
    low: int | None = None
    high: int | None = None

    def as_row(self, sort_order: int = 0) -> dict:
        return {
            "kind": self.kind, "name": self.name, "field": self.field, "match": self.match,
            "low": self.low, "high": self.high, "points": self.points, "active": True,
            "sort_order": sort_order, "created_at": _SEEDED, "updated_at": _SEEDED,
        }  # fmt: skip


_FIT = [
    RuleSpec("fit", "C-level title", "title", 25,
             "ceo, cfo, coo, cto, cio, cmo, chief, president"),
    RuleSpec("fit", "Owner or founder", "title", 20, "owner, founder, co-founder"),
    RuleSpec("fit", "VP, director or head", "title", 18,
             "vp, vice president, director, head, general manager"),
    RuleSpec("fit", "Manager or team lead", "title", 8, "manager, lead, controller"),
    RuleSpec("fit", "Student or intern", "title", -20, "student, intern, trainee"),
    RuleSpec("fit", "Target industry", "industry", 10,
             "technology, telecommunications, communications, finance, banking, insurance, "
             "healthcare"),
    RuleSpec("fit", "1–19 employees", "employees", -5, low=1, high=19),
    RuleSpec("fit", "50–199 employees", "employees", 5, low=50, high=199),
    RuleSpec("fit", "200–999 employees", "employees", 10, low=200, high=999),
    RuleSpec("fit", "1,000+ employees", "employees", 15, low=1000),
    RuleSpec("fit", "Sales territory", "country", 5,
             "united states, us, usa, canada, united kingdom, uk"),
    RuleSpec("fit", "Referral or partner", "lead_source", 10, "referral, partner"),
    RuleSpec("fit", "Purchased list", "lead_source", -5, "purchased list"),
]  # fmt: skip
_BEHAVIOUR = [
    RuleSpec("behaviour", "Qualified on a call", "call", 25, "connected – qualified"),
    RuleSpec("behaviour", "Asked for a call back", "call", 10, "connected – call back"),
    RuleSpec("behaviour", "Not interested", "call", -20, "connected – not interested"),
    RuleSpec("behaviour", "Unanswered call", "call", -2, "no answer, left voicemail, busy"),
    RuleSpec("behaviour", "Campaign response", "response", 15),
    RuleSpec("decay", "Behaviour halves every", "half_life_days", HALF_LIFE_DAYS),
]
DEFAULT_RULES = [*_FIT, *_BEHAVIOUR]
