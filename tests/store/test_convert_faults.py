"""R1: a conversion is atomic. A fault injected after each statement it sends, one run per
statement, and at the commit, leaves every row of every table as it was; the run after the
last statement converts. On SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from sqlalchemy import event

from tests.convert_factories import build_world, snapshot
from workstation.store.conversion.convert import convert_lead
from workstation.store.conversion.rules import NEW, ConversionChoices


class Fault(Exception):
    """The injected failure."""


class FaultAfter:
    """Raise after the `n`th statement the engine sends (counting from 1)."""

    def __init__(self, engine, n: int) -> None:
        self.engine, self.n, self.sent = engine, n, 0

    def __call__(self, *_args) -> None:
        self.sent += 1
        if self.sent == self.n:
            raise Fault(f"injected after statement {self.n}")

    def __enter__(self) -> FaultAfter:
        event.listen(self.engine, "after_cursor_execute", self)
        return self

    def __exit__(self, *_exc) -> None:
        event.remove(self.engine, "after_cursor_execute", self)


SCENARIOS = {
    # Attach to the matching account and contact, new opportunity, move memberships.
    "defaults": lambda w: ConversionChoices(),
    # New account and contact (plain inserts), a role, another campaign.
    "all new": lambda w: ConversionChoices(
        account=NEW, contact=NEW, role="Economic Buyer", campaign=w.event
    ),
    # An existing opportunity: the role joins another contact's primary one.
    "attach opportunity": lambda w: ConversionChoices(
        opportunity=w.open_opportunity, role="Influencer"
    ),
}


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_a_fault_after_any_statement_leaves_nothing_behind(engine, scenario):
    world = build_world(engine)
    choices = SCENARIOS[scenario](world)
    before = snapshot(engine)
    n = 1
    while True:
        with FaultAfter(engine, n) as fault:
            try:
                result = convert_lead(engine, lead_id=world.lead, choices=choices, rep_id=world.rep)
            except Fault:
                assert snapshot(engine) == before, f"rows left behind after statement {n}"
                n += 1
                continue
        break
    # The run that got past every statement converted: so every statement was covered.
    assert fault.sent == n - 1 >= 12
    assert result.lead_id == world.lead
    assert snapshot(engine) != before


def test_a_fault_at_the_commit_leaves_nothing_behind(engine):
    world = build_world(engine)
    before = snapshot(engine)

    def refuse_commit(_connection) -> None:
        raise Fault("injected at commit")

    event.listen(engine, "commit", refuse_commit)
    try:
        with pytest.raises(Fault):
            convert_lead(engine, lead_id=world.lead, rep_id=world.rep)
    finally:
        event.remove(engine, "commit", refuse_commit)
    assert snapshot(engine) == before
