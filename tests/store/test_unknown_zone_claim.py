"""A person whose zone can't be told to one (issue 24): the pool claim keeps them to the
hours safe in every zone they may be in, on PostgreSQL's one-statement claim as in the
Python rule (`calling_window`), hour by hour with the clock injected."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import pytest
from sqlalchemy import select, text
from sqlmodel import Session

from tests.factories import make_lead, make_rep
from workstation.store.calling.next_lead import next_lead
from workstation.store.models import Lead
from workstation.store.values.calling_window import outside_window, possible_zones
from workstation.store.values.rules import DEFAULT_HOURS, CallingHours

DAY = datetime(2026, 11, 23, tzinfo=UTC)  # Sydney on summer time (+11), Perth +8
AU_MOBILE = "+61412345678"  # any Australian zone: Perth to Sydney, Cocos to Lord Howe


def _pool_lead(engine, **values) -> int:
    with Session(engine) as session:
        lead = make_lead(session, score=50, time_zone=None, **values)
        session.commit()
        return lead.id


def _claimed(engine, lead_id: int, now: datetime, hours: CallingHours = DEFAULT_HOURS) -> bool:
    """Whether a fresh rep's `next` claims the lead at `now`; the lead goes back after."""
    with Session(engine) as session:
        rep = make_rep(session)
        session.commit()
        rep_id = rep.id
    result = next_lead(engine, rep_id=rep_id, now=now, hours=hours)
    with Session(engine) as session:
        session.execute(
            text("UPDATE lead SET owner_id = NULL, assigned_at = NULL, claimed_until = NULL")
        )
        session.commit()
    return result.lead_id == lead_id


def test_an_australian_mobile_with_no_state_may_be_anywhere_in_australia(engine):
    zones = possible_zones(None, AU_MOBILE, None, None)
    assert {"Australia/Perth", "Australia/Sydney"} <= set(zones)
    lead = _pool_lead(engine, phone=AU_MOBILE)
    with Session(engine) as session:
        assert session.get(Lead, lead).time_zone is None  # no one zone is stored for it
    assert not _claimed(engine, lead, DAY - timedelta(hours=1))  # 10:00 Sydney, 07:00 Perth
    assert not _claimed(engine, lead, DAY + timedelta(hours=11))  # 22:00 Sydney, 19:00 Perth
    assert _claimed(engine, lead, DAY + timedelta(hours=3))  # 14:00 Sydney, 11:00 Perth


SHORT = CallingHours(time(9), time(17))


@pytest.mark.parametrize(
    ("values", "hours"),
    [
        ({"phone": AU_MOBILE}, DEFAULT_HOURS),
        ({"phone": "+61892345678"}, DEFAULT_HOURS),  # +61 8: Adelaide or Perth
        ({"country": "US"}, DEFAULT_HOURS),  # anywhere from New York to Honolulu
        ({"phone": "+61292345678"}, DEFAULT_HOURS),  # Sydney: one zone, not stored as one
        ({"country": "Narnia"}, DEFAULT_HOURS),  # nothing tells: callable
        ({"country": "US"}, SHORT),
        # Kaliningrad to Kamchatka: ten hours apart, no hour of 09:00-17:00 shared by all:
        # the zone can't be told, and the person is callable at any hour.
        ({"country": "RU"}, SHORT),
    ],
)
def test_the_claim_and_the_python_rule_agree_hour_by_hour(engine, values, hours):
    lead = _pool_lead(engine, **values)
    zones = possible_zones(None, values.get("phone"), None, values.get("country"))
    verdicts = set()
    for quarter in range(0, 24 * 4, 3):
        now = DAY + timedelta(minutes=15 * quarter)
        expected = outside_window(zones, now, hours) is None
        verdicts.add(expected)
        assert _claimed(engine, lead, now, hours) == expected, (now, zones)
    assert verdicts == ({True} if values.get("country") in ("Narnia", "RU") else {True, False})


def _possible(engine, lead_id: int) -> tuple[str | None, set[str]]:
    with Session(engine) as session:
        lead = session.get(Lead, lead_id)
        return lead.time_zone, set((lead.possible_zones or "").split())


def test_an_import_and_an_edit_store_the_possible_zones(engine, tmp_path):
    """The writers in Core (an import) and through the ORM (an edit) alike."""
    from workstation.store.calling.edits import save_fields
    from workstation.store.imports.leads import import_leads

    source = tmp_path / "leads.csv"
    source.write_text(
        "FirstName,LastName,Company,Phone,Country\n"
        "Ann,Mobile,Outback Pty,0412 345 678,Australia\n"
        "Bo,Sydney,Harbour Pty,+61 2 9234 5678,Australia\n",
        encoding="utf-8",
    )
    import_leads(engine, source)
    with Session(engine) as session:
        ids = dict(session.execute(select(Lead.last_name, Lead.id)).all())
    zone, zones = _possible(engine, ids["Mobile"])
    assert zone is None and {"Australia/Perth", "Australia/Sydney"} <= zones
    assert _possible(engine, ids["Sydney"]) == ("Australia/Sydney", set())
    assert not _claimed(engine, ids["Mobile"], DAY - timedelta(hours=1))  # 07:00 in Perth
    with Session(engine) as session:
        manager = make_rep(session, role="manager")
        session.commit()
        manager_id, version = manager.id, session.get(Lead, ids["Sydney"]).version
    save_fields(engine, rep_id=manager_id, kind="lead", record_id=ids["Sydney"],
                expected_version=version, changes={"phone": "0412 999 888"})  # fmt: skip
    zone, zones = _possible(engine, ids["Sydney"])
    assert zone is None and {"Australia/Perth", "Australia/Sydney"} <= zones
