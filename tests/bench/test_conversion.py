"""P5's measurement: it converts real leads, times each against an empty write
transaction, and says how many statements one conversion sends."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlmodel import Session

from tests.convert_factories import build_world
from tests.factories import make_lead
from workstation.bench.conversion import measure_conversion
from workstation.store.errors import StoreError
from workstation.store.models import Lead


def test_measures_conversions_of_open_owned_leads(sqlite_engine):
    world = build_world(sqlite_engine)
    with Session(sqlite_engine) as session:
        for n in range(6):
            make_lead(session, company=f"Bench {n} GmbH", owner_id=world.rep)
        make_lead(session, company="Unowned Ltd")  # the pool: not picked
        session.commit()
    figures = measure_conversion(sqlite_engine, 5)
    assert figures["runs"] == 5 and figures["refused"] == 0
    assert 12 <= figures["statements"] <= 30
    assert figures["baseline_median_ms"] > 0
    assert 0 < figures["median_ms"] <= figures["p95_ms"]
    with Session(sqlite_engine) as session:
        converted = session.execute(
            select(func.count()).select_from(Lead).where(Lead.is_converted)
        ).scalar_one()
    assert converted == 6  # the five timed and the one that counted statements


def test_needs_leads_to_convert(sqlite_engine):
    with pytest.raises(StoreError, match="run `workstation demo` first"):
        measure_conversion(sqlite_engine, 5)
