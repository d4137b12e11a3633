"""A pool claim on PostgreSQL as one statement, at the database's speed.

One round trip does it all, in autocommit: lapsed leases go back to the pool (with their
history rows), the best callable pool lead in the pool queue's order is locked with
`FOR UPDATE SKIP LOCKED` (a lead another claimer holds is passed over, never waited for),
gets its owner and lease, and its history row is written. Nothing is held between round
trips, so fifty claimers never queue behind one another's Python.

The callability rules of `next_lead.why_not_callable` are written in SQL: a callback set
for later, a call within the source's callback spacing, the source's attempt cap (both
from `source_policy`, a lookup by primary key for each candidate row; the settings'
defaults for a source it does not hold), and the calling window. The window reads the
lead's stored time zone (which every writer fills in from the phone number or the place)
or, when it has none, every zone it may be in (`possible_zones`): the zones outside
08:00–21:00 at this minute are worked out here, in Python, and passed in as a list, so a
zone PostgreSQL does not know can never fail a claim (like `outside_window`, an unknown
zone is callable). A lead is callable only when none of its possible zones is closed,
unless their windows share no hour at all (`outside_window` then calls them callable): the
sets of zones stored that are so far apart now are passed in too (`apart`), read once a
minute.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache
from zoneinfo import available_timezones

from sqlalchemy import Connection

from workstation.store.models import OWNED, POOL
from workstation.store.values.calling_window import apart_zone_sets, outside_window
from workstation.store.values.rules import DEFAULT_HOURS, CallingHours

LAPSED_BATCH = 100

_CLAIM_SQL = f"""
WITH me AS (
    SELECT rep.active, rep.capacity,
           (SELECT count(*) FROM lead WHERE lead.owner_id = rep.id AND {OWNED}) AS held
    FROM rep WHERE rep.id = :rep_id
),
lapsing AS (
    SELECT id, owner_id,
           (last_activity_at IS NULL OR last_activity_at < assigned_at) AS untouched
    FROM lead
    WHERE claimed_until IS NOT NULL AND claimed_until < :now
    LIMIT {LAPSED_BATCH}
    FOR UPDATE SKIP LOCKED
),
released AS (
    UPDATE lead SET owner_id = NULL, assigned_at = NULL, claimed_until = NULL,
                    version = lead.version + 1, updated_at = :now
    FROM lapsing WHERE lead.id = lapsing.id AND lapsing.untouched
    RETURNING lead.id, lapsing.owner_id
),
kept AS (
    UPDATE lead SET claimed_until = NULL
    FROM lapsing WHERE lead.id = lapsing.id AND NOT lapsing.untouched
    RETURNING lead.id
),
released_history AS (
    INSERT INTO history (entity, entity_id, field, old_value, new_value, rep_id, reason, at)
    SELECT 'lead', id, 'owner_id', CAST(owner_id AS varchar), NULL, NULL,
           'claim lapsed: no call logged', :now
    FROM released
),
pick AS (
    SELECT id FROM lead
    WHERE {POOL}
      AND (SELECT active AND held < capacity FROM me)
      AND (callback_at IS NULL OR callback_at <= :now)
      AND (last_activity_at IS NULL OR last_activity_at <= :now - make_interval(
               secs => 3600 * COALESCE((SELECT sp.retry_hours FROM source_policy AS sp
                                        WHERE sp.lead_source = lead.lead_source),
                                       :retry_hours)))
      AND (attempt_count = 0  -- never called: under every cap, with no lookup
           OR attempt_count < COALESCE((SELECT sp.attempt_cap FROM source_policy AS sp
                                        WHERE sp.lead_source = lead.lead_source),
                                       :attempt_cap))
      AND CASE WHEN time_zone IS NOT NULL
               THEN time_zone <> ALL (CAST(:closed_zones AS varchar[]))
               ELSE possible_zones IS NULL
                    OR NOT string_to_array(possible_zones, ' ')
                           && CAST(:closed_zones AS text[])
                    OR possible_zones = ANY (CAST(:apart AS text[]))
          END
    ORDER BY score DESC, created_at, id
    LIMIT 1
    FOR UPDATE SKIP LOCKED
),
claimed AS (
    UPDATE lead SET owner_id = :rep_id, assigned_at = :now, claimed_until = :until,
                    version = lead.version + 1, updated_at = :now
    FROM pick WHERE lead.id = pick.id AND lead.owner_id IS NULL
    RETURNING lead.id
),
claim_history AS (
    INSERT INTO history (entity, entity_id, field, old_value, new_value, rep_id, reason, at)
    SELECT 'lead', id, 'owner_id', NULL, :rep_text, :rep_id, 'claimed from the pool', :now
    FROM claimed
)
SELECT (SELECT id FROM claimed) AS lead_id, me.active, me.capacity, me.held,
       (SELECT count(*) FROM released) AS released
FROM (SELECT 1) AS one LEFT JOIN me ON true
"""
assert "%" not in _CLAIM_SQL
# In the driver's own parameter style, sent by psycopg as a prepared statement: the claim
# runs fifty times a second per rep at peak, and SQLAlchemy's layer would cost it a third.
_CLAIM = re.sub(r"(?<!:):([a-z_]+)", r"%(\1)s", _CLAIM_SQL)


@dataclass(frozen=True, slots=True)
class PoolClaim:
    lead_id: int | None
    active: bool
    capacity: int
    held: int
    released: int


@lru_cache(maxsize=1)
def _zone_names() -> tuple[str, ...]:
    return tuple(sorted(available_timezones()))


@lru_cache(maxsize=4)
def _closed_at(minute: datetime, hours: CallingHours) -> tuple[tuple[str, ...], str]:
    zones = tuple(
        zone for zone in _zone_names() if outside_window((zone,), minute, hours) is not None
    )
    # As PostgreSQL's array literal, made once: the driver would otherwise dump the list
    # element by element on every claim. Zone names hold no quote or backslash.
    return zones, "{" + ",".join(f'"{zone}"' for zone in zones) + "}"


@lru_cache(maxsize=4)
def _apart_at(minute: datetime, hours: CallingHours) -> str:
    """`apart_zone_sets` at this minute, as PostgreSQL's array literal."""
    return "{" + ",".join(f'"{zones}"' for zones in apart_zone_sets(minute, hours)) + "}"


def closed_zones(now: datetime, hours: CallingHours = DEFAULT_HOURS) -> tuple[str, ...]:
    """The time zones where it is outside the calling hours at `now`. Every zone's offset
    is whole minutes, so the answer holds for the whole minute and is worked out once."""
    return _closed_at(now.replace(second=0, microsecond=0), hours)[0]


def claim_from_pool(
    connection: Connection,
    *,
    rep_id: int,
    now: datetime,
    lease: timedelta,
    retry_hours: float,
    attempt_cap: int,
    hours: CallingHours = DEFAULT_HOURS,
) -> PoolClaim:
    """Run the claim statement on an autocommit connection; see the module's docstring."""
    driver = connection.connection.driver_connection
    assert driver is not None
    row = driver.execute(
        _CLAIM,
        {
            "rep_id": rep_id,
            "rep_text": str(rep_id),
            "now": now,
            "until": now + lease,
            "retry_hours": retry_hours,
            "attempt_cap": attempt_cap,
            "closed_zones": _closed_at(now.replace(second=0, microsecond=0), hours)[1],
            "apart": _apart_at(now.replace(second=0, microsecond=0), hours),
        },
        prepare=True,
    ).fetchone()
    lead_id, active, capacity, held, released = row
    return PoolClaim(
        lead_id=lead_id,
        active=bool(active),
        capacity=capacity or 0,
        held=held or 0,
        released=released,
    )
