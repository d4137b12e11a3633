"""A Perth lead and a Vancouver lead get their own time zones from an import, an edit and a
conversion, and nobody is offered them at 06:30 their time (the clock pinned there)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlmodel import Session

from tests.factories import make_lead, make_rep
from workstation.store.calling.edits import save_fields
from workstation.store.calling.next_lead import next_lead
from workstation.store.conversion.convert import convert_lead
from workstation.store.db import write_session
from workstation.store.imports.leads import import_leads
from workstation.store.models import Contact, Lead
from workstation.store.values.calling_window import outside_window, possible_zones

# 7 December 2026: Perth keeps UTC+8 all year, Vancouver is on UTC-8 in winter.
PERTH_0630 = datetime(2026, 12, 7, 22, 30, tzinfo=UTC)
VANCOUVER_0630 = datetime(2026, 12, 7, 14, 30, tzinfo=UTC)
PERTH, VANCOUVER = "Australia/Perth", "America/Vancouver"


def _zones(engine) -> dict[str, str | None]:
    with Session(engine) as session:
        return dict(session.execute(select(Lead.last_name, Lead.time_zone)).all())


def _skipped_at(engine, rep_id: int, now: datetime) -> dict[str, str]:
    found = next_lead(engine, rep_id=rep_id, now=now)
    return {skip.name.split()[-1]: skip.reason for skip in found.skipped}


def _owned_by_a_rep(engine) -> int:
    with write_session(engine) as session:
        rep = make_rep(session)
        for lead in session.execute(select(Lead)).scalars():
            lead.owner_id, lead.assigned_at = rep.id, PERTH_0630 - timedelta(days=2)
        return rep.id


def _window_holds(engine, rep_id: int) -> None:
    at_perth = _skipped_at(engine, rep_id, PERTH_0630)
    assert "06:30" in at_perth["Perth"] and PERTH in at_perth["Perth"]
    at_vancouver = _skipped_at(engine, rep_id, VANCOUVER_0630)
    assert "06:30" in at_vancouver["Vancouver"] and VANCOUVER in at_vancouver["Vancouver"]
    # Two hours later each is callable where they are.
    assert "Perth" not in _skipped_at(engine, rep_id, PERTH_0630 + timedelta(hours=2))
    assert "Vancouver" not in _skipped_at(engine, rep_id, VANCOUVER_0630 + timedelta(hours=2))


def test_an_import_gives_each_their_own_zone(engine, tmp_path):
    source = tmp_path / "leads.csv"
    source.write_text(
        "FirstName,LastName,Company,Phone,State,Country\n"
        "Ann,Perth,Outback Pty,+61 8 9222 3333,WA,Australia\n"
        "Bo,Vancouver,Maple Ltd,+1 604 555 0123,British Columbia,Canada\n",
        encoding="utf-8",
    )
    import_leads(engine, source)
    assert _zones(engine) == {"Perth": PERTH, "Vancouver": VANCOUVER}
    with Session(engine) as session:
        assert set(session.execute(select(Lead.country)).scalars()) == {"AU", "CA"}
    _window_holds(engine, _owned_by_a_rep(engine))


def test_an_edit_moves_each_to_their_own_zone(engine):
    with write_session(engine) as session:
        rep = make_rep(session, role="manager")
        sydney = make_lead(
            session,
            last_name="Perth",
            phone="+61292223333",
            state="NSW",
            country="AU",
            time_zone="Australia/Sydney",
            email="a@p.example",
        )
        toronto = make_lead(
            session,
            last_name="Vancouver",
            phone="+14165550123",
            state="ON",
            country="CA",
            time_zone="America/Toronto",
            email="b@v.example",
        )
        ids = rep.id, sydney.id, toronto.id  # fmt: skip
    rep_id, sydney_id, toronto_id = ids
    for lead_id, changes in (
        (sydney_id, {"state": "Western Australia", "phone": "08 9222 3333"}),
        (toronto_id, {"state": "BC", "country": "Canada", "phone": "604 555 0123"}),
    ):
        save_fields(engine, rep_id=rep_id, kind="lead", record_id=lead_id, expected_version=1,
                    changes=changes)  # fmt: skip
    assert _zones(engine) == {"Perth": PERTH, "Vancouver": VANCOUVER}
    with Session(engine) as session:
        assert session.get(Lead, toronto_id).country == "CA"  # typed as a name, stored as a code
    _window_holds(engine, _owned_by_a_rep(engine))


@pytest.mark.parametrize(
    ("name", "phone", "state", "country", "zone", "at"),
    [
        ("Perth", "+61892223333", "WA", "AU", PERTH, PERTH_0630),
        ("Vancouver", "+16045550123", "BC", "CA", VANCOUVER, VANCOUVER_0630),
    ],
)
def test_a_conversion_gives_the_contact_the_leads_zone(
    engine, name, phone, state, country, zone, at
):
    with write_session(engine) as session:
        rep = make_rep(session)
        lead = make_lead(session, last_name=name, phone=phone, state=state, country=country,
                         time_zone=zone, owner_id=rep.id, email=f"{name}@x.example")  # fmt: skip
        rep_id, lead_id = rep.id, lead.id
    result = convert_lead(engine, lead_id=lead_id, rep_id=rep_id, at=at)
    with Session(engine) as session:
        contact = session.get(Contact, result.contact_id)
        assert (contact.time_zone, contact.state, contact.country) == (zone, state, country)
        zones = possible_zones(contact.time_zone, contact.phone, contact.state, contact.country)
    reason = outside_window(zones, at)
    assert reason is not None and "06:30" in reason and zone in reason
    assert outside_window(zones, at + timedelta(hours=2)) is None
