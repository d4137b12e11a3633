"""Nurture by source (issue 21, seed 002: "leads that come from sources that are more
likely to close get more follow-ups"): each lead source's attempt cap and callback spacing
follow its measured conversion rate.

A source's rate is its converted leads over its finished ones (converted or closed); it
counts once `min_sample` have finished. Against the rate of all finished leads, a source
that closes twice as well gets twice the default attempts (`attempt_cap`) and half the
default spacing, within a floor and a ceiling; a settings override (`[sources."Trade
Show"]` in the settings file) wins. `refresh_source_policy` measures and stores the
policy (`source_policy`, a row per source); `next`, the dispositions and the recycling read
it (`load_call_policy`, `session_call_policy`), and PostgreSQL's one-statement pool claim
looks the candidate's source up inside its statement (`pool_claim`): the defaults apply
to a source it does not hold.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import Engine, case, func, or_, select
from sqlmodel import Session, col

from workstation.store.db import write_session
from workstation.store.models import Lead, SourcePolicy
from workstation.store.permissions import require_manager
from workstation.store.reference import LeadStatus
from workstation.store.values.rules import (
    ATTEMPT_CAP,
    ATTEMPT_CAP_CEILING,
    ATTEMPT_CAP_FLOOR,
    RETRY_HOURS,
    RETRY_HOURS_CEILING,
    RETRY_HOURS_FLOOR,
    SOURCE_MIN_SAMPLE,
)

MEASURED, FLOOR, CEILING, OVERRIDE, DEFAULT = (
    "measured", "floor", "ceiling", "settings override", "default",
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class Override:
    """A source's cap or spacing as the settings fix them (None: measured)."""

    attempt_cap: int | None = None
    retry_hours: float | None = None


@dataclass(frozen=True, slots=True)
class SourceRules:
    """The settings the policy follows (`workstation.config.Settings.source_rules`)."""

    default_cap: int = ATTEMPT_CAP
    cap_floor: int = ATTEMPT_CAP_FLOOR
    cap_ceiling: int = ATTEMPT_CAP_CEILING
    retry_hours: float = RETRY_HOURS
    retry_floor: float = RETRY_HOURS_FLOOR
    retry_ceiling: float = RETRY_HOURS_CEILING
    min_sample: int = SOURCE_MIN_SAMPLE
    overrides: Mapping[str, Override] = field(default_factory=dict)


class CallPolicy:
    """The caps and spacings `next` and the dispositions use: a source's own, else the
    defaults. `cap` and `retry` say whose applied: the source, or None for the default.
    Built with `load`, the sources' own are read the first time one is asked for: most
    rows `next` looks at (never called) need neither."""

    __slots__ = ("_by_source", "_load", "default_cap", "default_retry_hours")

    def __init__(
        self,
        default_cap: int = ATTEMPT_CAP,
        default_retry_hours: float = RETRY_HOURS,
        by_source: Mapping[str, tuple[int, float]] | None = None,
        *,
        load: Callable[[], Mapping[str, tuple[int, float]]] | None = None,
    ) -> None:
        self.default_cap, self.default_retry_hours = default_cap, default_retry_hours
        self._by_source, self._load = by_source, load

    @property
    def by_source(self) -> Mapping[str, tuple[int, float]]:
        if self._by_source is None:
            self._by_source = self._load() if self._load is not None else {}
        return self._by_source

    def cap(self, source: str | None) -> tuple[int, str | None]:
        own = self.by_source.get(source) if source else None
        return (own[0], source) if own else (self.default_cap, None)

    def retry(self, source: str | None) -> tuple[float, str | None]:
        own = self.by_source.get(source) if source else None
        return (own[1], source) if own else (self.default_retry_hours, None)


_POLICIES = select(
    col(SourcePolicy.lead_source), col(SourcePolicy.attempt_cap), col(SourcePolicy.retry_hours)
)


def load_call_policy(
    session: Session, *, default_cap: int = ATTEMPT_CAP, lazy: bool = False
) -> CallPolicy:
    """The stored policy (one small read, the table holding a row per lead source);
    `lazy`: read when first needed, on `session`, which must still be open then."""

    def load() -> dict[str, tuple[int, float]]:
        return {row[0]: (row[1], row[2]) for row in session.execute(_POLICIES).all()}

    if lazy:
        return CallPolicy(default_cap, RETRY_HOURS, load=load)
    return CallPolicy(default_cap, RETRY_HOURS, load())


def session_call_policy(session: Session, *, default_cap: int = ATTEMPT_CAP) -> CallPolicy:
    """`load_call_policy(lazy=True)` made once for `session` (kept in `session.info`): the
    walks of one `next` (due callbacks, then My Leads) share one read of the table."""
    key = ("call_policy", default_cap)
    policy = session.info.get(key)
    if policy is None:
        policy = session.info[key] = load_call_policy(session, default_cap=default_cap, lazy=True)
    return policy


def _bounded(value: float, low: float, high: float) -> tuple[float, str]:
    if value < low:
        return low, FLOOR
    if value > high:
        return high, CEILING
    return value, MEASURED


def _policy(
    source: str, finished: int, converted: int, overall: float | None, rules: SourceRules,
    now: datetime,
) -> SourcePolicy:  # fmt: skip
    rate = converted / finished if finished >= rules.min_sample else None
    cap, cap_from = float(rules.default_cap), DEFAULT
    retry, retry_from = rules.retry_hours, DEFAULT
    if rate is not None and overall:
        relative = rate / overall
        cap, cap_from = _bounded(round(rules.default_cap * relative), rules.cap_floor,
                                 rules.cap_ceiling)  # fmt: skip
        spacing = rules.retry_hours / relative if relative else float("inf")
        retry, retry_from = _bounded(spacing, rules.retry_floor, rules.retry_ceiling)
    override = rules.overrides.get(source)
    if override and override.attempt_cap is not None:
        cap, cap_from = override.attempt_cap, OVERRIDE
    if override and override.retry_hours is not None:
        retry, retry_from = override.retry_hours, OVERRIDE
    return SourcePolicy(
        lead_source=source, finished=finished, converted=converted, rate=rate,
        attempt_cap=int(cap), cap_from=cap_from, retry_hours=float(retry),
        retry_from=retry_from, measured_at=now,
    )  # fmt: skip


_CLOSED = select(col(LeadStatus.name)).where(col(LeadStatus.is_closed))
_FINISHED = (
    select(
        col(Lead.lead_source),
        func.count(),
        func.coalesce(func.sum(case((col(Lead.is_converted), 1), else_=0)), 0),
    )
    .where(
        col(Lead.lead_source).is_not(None),
        # Closed by its status: not `is_open`, which a Name marketing holds lacks too.
        or_(col(Lead.is_converted), col(Lead.status).in_(_CLOSED)),
    )
    .group_by(col(Lead.lead_source))
)


def measure(session: Session, rules: SourceRules, now: datetime) -> list[SourcePolicy]:
    """Each source's policy as the finished leads measure it now (not stored), the sources
    only the settings name included; by name."""
    counts = {row[0]: (int(row[1]), int(row[2])) for row in session.execute(_FINISHED)}
    finished = sum(f for f, _ in counts.values())
    overall = sum(c for _, c in counts.values()) / finished if finished else None
    names = sorted(set(counts) | set(rules.overrides))
    return [_policy(name, *counts.get(name, (0, 0)), overall, rules, now) for name in names]


def refresh_source_policy(
    engine: Engine, rules: SourceRules, now: datetime, *, rep_id: int | None = None
) -> list[SourcePolicy]:
    """Measure every source and store its policy (one transaction); the policies, by name.
    The policy is the team's: only a manager (or a system task, no rep) stores it."""
    with write_session(engine) as session:
        if rep_id is not None:
            require_manager(session, rep_id, "measure the lead sources again")
        policies = measure(session, rules, now)
        for policy in policies:
            session.merge(policy)
        session.flush()
        return [SourcePolicy.model_validate(policy.model_dump()) for policy in policies]


def stored_policies(engine: Engine) -> list[SourcePolicy]:
    """The stored policy, by source."""
    with Session(engine) as session:
        rows = session.execute(select(SourcePolicy).order_by(col(SourcePolicy.lead_source)))
        return [SourcePolicy.model_validate(row.model_dump()) for row in rows.scalars()]
