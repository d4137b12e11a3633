"""Random sequences of what reps and managers do, against the store on SQLite and on
PostgreSQL, with the invariants checked after every step.

The steps: claim the next lead, log a call with any outcome (a callback among them, and
unanswered calls enough to recycle a lead at the attempt cap), undo, edit, convert, reject,
reassign, import a CSV file, and let time pass. After each one:

- each lead is in exactly one state (open, closed, rejected, converted), and its fields
  agree with it (`is_open` with its status, owner with assignment and claim);
- a converted lead's account, contact and opportunity exist and belong together;
- no call is reversed twice, and every undo that succeeded left exactly one reversal;
- the history is complete: for each record and field, the rows chain (each change starts
  from the value the last one left) and end at the value the record holds now;
- the queue counts add up: each rep's queue, the pool, do-not-call and closed leads make
  the total;
- a refused step wrote nothing.
"""

from __future__ import annotations

import csv
import itertools
import shutil
import tempfile
from collections import defaultdict
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest
from hypothesis import event, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    rule,
    run_state_machine_as_test,
)
from sqlalchemy import func, select, text
from sqlmodel import Session, col

from tests.factories import NOW, make_lead, make_rep
from workstation.store.calling.call_state import calling_state
from workstation.store.calling.dispositions import log_call
from workstation.store.calling.edits import save_fields
from workstation.store.calling.next_lead import next_lead
from workstation.store.calling.queues import queue_count
from workstation.store.calling.reject import REJECT_REASONS, reject
from workstation.store.calling.undo import undo_last_call
from workstation.store.conversion.convert import convert_lead
from workstation.store.db import make_engine
from workstation.store.errors import StoreError
from workstation.store.imports.leads import import_leads
from workstation.store.models import (
    BUSINESS_TABLES,
    Account,
    Activity,
    Contact,
    History,
    Lead,
    Opportunity,
)
from workstation.store.reference import LeadStatus
from workstation.store.team.assign import reassign

CAP = 3  # the attempt cap the machine calls with: recycling within a few steps
TRACKED = ("status", "lifecycle_stage", "owner_id")  # the fields the history keeps
# Who acts: one of the three reps, or (None) the one the step is for: most steps are.
ACTOR = st.one_of(st.none(), st.none(), st.integers(0, 2))


def _text(value: object) -> str | None:
    return None if value is None else str(value)


class StoreMachine(RuleBasedStateMachine):
    """One manager and two reps over a handful of leads, in a database with no other
    records: a run replays the same way when hypothesis shrinks it."""

    fresh_database: Callable[[], str]  # set by the test: a URL to a database with no records

    def __init__(self) -> None:
        super().__init__()
        self.engine = make_engine(type(self).fresh_database())
        self.now = NOW
        self.undone: set[int] = set()
        self.last_caller: int | None = None
        self.names = itertools.count(1)  # new leads' names and emails
        self.first_seen: dict[tuple[str, int, str], str | None] = {}
        self.directory = Path(tempfile.mkdtemp(prefix="machine-"))

    def teardown(self) -> None:
        self.engine.dispose()
        shutil.rmtree(self.directory, ignore_errors=True)

    # Setting out ---------------------------------------------------------------------
    @initialize(leads=st.integers(min_value=3, max_value=8))
    def setting_out(self, leads: int) -> None:
        with Session(self.engine) as session:
            manager = make_rep(session, "Manager", role="manager")
            reps = [make_rep(session, f"Rep {n}", capacity=4) for n in range(2)]
            self.manager, self.reps = manager.id, [r.id for r in reps]
            self.last_caller = manager.id
            people = [*self.reps, self.manager, None]
            self.leads: list[int] = []
            for n in range(leads):
                owner = people[n % len(people)]
                lead = make_lead(
                    session,
                    last_name=f"Lee {n}",
                    company=f"Firm {n}",
                    email=f"lee{n}@firm{n}.example",
                    phone=f"+1415555{n:04d}",
                    time_zone="America/New_York",
                    owner_id=owner,
                    assigned_at=NOW - timedelta(days=1) if owner else None,
                    score=n,
                )
                self.leads.append(lead.id)
            session.commit()
        self._remember_new_records()

    # Steps ------------------------------------------------------------------------------
    def _rep(self, index: int) -> int:
        return [*self.reps, self.manager][index % 3]

    def _lead(self, index: int) -> int:
        return self.leads[index % len(self.leads)]

    def _actor(self, rep: int | None, lead_id: int) -> int:
        """Rep `rep`, or (None) the one whose lead it is: the manager for a pool lead."""
        if rep is not None:
            return self._rep(rep)
        with Session(self.engine) as session:
            lead = session.get(Lead, lead_id)
            assert lead is not None
            return lead.owner_id or self.manager

    def _refusable(self, what: str, step) -> object:
        """Run a step; a refusal (StoreError) must leave no trace. Each outcome is a
        hypothesis `event`, to see what a run exercised."""
        before = self._written()
        try:
            done = step()
        except StoreError:
            event(f"{what}: refused")
            assert self._written() == before, "a refused step wrote something"
            return None
        event(f"{what}: done")
        return done

    @rule(rep=st.integers(0, 2))
    def claim_next(self, rep: int) -> None:
        found = next_lead(self.engine, rep_id=self._rep(rep), now=self.now, attempt_cap=CAP)
        event(f"next lead: {found.source or 'none'}")
        if found.lead_id is not None and found.lead_id not in self.leads:
            self.leads.append(found.lead_id)

    @rule(
        rep=ACTOR,
        lead=st.integers(0, 100),
        hotkey=st.sampled_from("12345678"),
        hours=st.integers(1, 72),
        confirm=st.booleans(),
        undos=st.integers(0, 2),
    )
    def log_a_call(
        self, rep: int | None, lead: int, hotkey: str, hours: int, confirm: bool, undos: int = 0
    ) -> None:
        """A call, then (`undos`) the caller's undo pressed once or twice."""
        lead_id = self._lead(lead)
        caller = self._actor(rep, lead_id)
        logged = self._refusable(
            f"call {hotkey}",
            lambda: log_call(
                self.engine,
                rep_id=caller,
                disposition=hotkey,
                lead_id=lead_id,
                callback_at=self.now + timedelta(hours=hours),
                notes="[bold]note[/] \x1b[31m",
                now=self.now,
                attempt_cap=CAP,
                confirm_do_not_call=confirm,
            ),
        )
        if logged is not None:
            self.last_caller = caller
            if logged.recycled:
                event("a lead recycled at the attempt cap")
        self.now += timedelta(minutes=1)
        for _ in range(undos):
            self.undo(None)

    @rule(rep=ACTOR, lead=st.integers(0, 100), undos=st.integers(0, 1))
    def unanswered_to_the_cap(self, rep: int | None, lead: int, undos: int) -> None:
        # One call past the cap: the lead is recycled (closed) by then, so it is refused.
        for _ in range(CAP + 1):
            self.log_a_call(rep, lead, "5", 1, False)
        for _ in range(undos):
            self.undo(None)

    @rule(rep=ACTOR)
    def undo(self, rep: int | None) -> None:
        """By a rep, or (None) by whoever logged the last call."""
        undoer = self.last_caller if rep is None else self._rep(rep)
        undone = self._refusable(
            "undo", lambda: undo_last_call(self.engine, rep_id=undoer, now=self.now)
        )
        if undone is None:
            return
        assert undone.reversed_id not in self.undone, f"call {undone.reversed_id} undone twice"
        self.undone.add(undone.reversed_id)
        with Session(self.engine) as session:
            call = session.get(Activity, undone.reversed_id)
            assert call is not None and call.changed_state is not None
            record = session.get(Lead if call.lead_id else Contact, call.lead_id or call.contact_id)
            now = calling_state(record)
            put_back = {name: now[name] for name in call.changed_state}
            assert put_back == {name: call.prior_state[name] for name in call.changed_state}

    @rule(
        rep=ACTOR,
        lead=st.integers(0, 100),
        title=st.text(max_size=20),
        dnc=st.sampled_from([False, False, False, True]),
    )
    def edit(self, rep: int | None, lead: int, title: str, dnc: bool) -> None:
        lead_id = self._lead(lead)
        with Session(self.engine) as session:
            row = session.get(Lead, lead_id)
            assert row is not None
            version = row.version
        self._refusable(
            "edit",
            lambda: save_fields(
                self.engine,
                rep_id=self._actor(rep, lead_id),
                kind="lead",
                record_id=lead_id,
                expected_version=version,
                changes={"title": title, "do_not_call": dnc},
                now=self.now,
            ),
        )

    @rule(rep=ACTOR, lead=st.integers(0, 100))
    def convert(self, rep: int | None, lead: int) -> None:
        lead_id = self._lead(lead)
        by = self._actor(rep, lead_id)
        self._refusable(
            "convert",
            lambda: convert_lead(self.engine, lead_id=lead_id, rep_id=by, at=self.now),
        )

    @rule(rep=ACTOR, lead=st.integers(0, 100), reason=st.sampled_from(REJECT_REASONS))
    def reject_lead(self, rep: int | None, lead: int, reason) -> None:
        self._refusable(
            "reject",
            lambda: reject(
                self.engine,
                kind="lead",
                record_id=self._lead(lead),
                reason=reason.label,
                rep_id=self._actor(rep, self._lead(lead)),
                at=self.now,
            ),
        )

    @rule(lead=st.integers(0, 100), to=st.integers(0, 2), spread=st.booleans())
    def reassign_lead(self, lead: int, to: int, spread: bool) -> None:
        self._refusable(
            "reassign",
            lambda: reassign(
                self.engine,
                [self._lead(lead)],
                acting_rep_id=self.manager,
                to_rep_id=None if spread else self._rep(to),
                spread=spread,
                at=self.now,
            ),
        )

    @rule(
        rows=st.lists(
            st.tuples(st.integers(0, 100), st.booleans(), st.text(max_size=12)),
            min_size=1,
            max_size=3,
        )
    )
    def import_a_file(self, rows: list[tuple[int, bool, str]]) -> None:
        """New leads, and known ones again by their email (an update, not a duplicate)."""
        path = self.directory / f"import-{next(self.names)}.csv"
        with Session(self.engine) as session, path.open("w", newline="") as file:
            writer = csv.writer(file)
            writer.writerow(["Last Name", "Company", "Email", "Title"])
            for index, again, title in rows:
                if again:
                    known = session.get(Lead, self._lead(index))
                    assert known is not None
                    writer.writerow([known.last_name, known.company, known.email, title])
                else:
                    n = next(self.names)
                    writer.writerow([f"New {n}", f"New Co {n}", f"new{n}@new{n}.example", title])
        import_leads(
            self.engine, path, errors_path=self.directory / "errors.csv", clock=lambda: self.now
        )
        self._remember_new_records()

    @rule(hours=st.sampled_from([1, 2, 24, 80]))
    def time_passes(self, hours: int) -> None:
        self.now += timedelta(hours=hours)

    # What the machine keeps to check against ---------------------------------------------
    def _written(self) -> tuple[int, int, int]:
        with Session(self.engine) as session:
            return tuple(  # type: ignore[return-value]
                session.execute(select(func.count()).select_from(model)).scalar_one()
                for model in (Activity, History, Contact)
            )

    def _remember_new_records(self) -> None:
        """The tracked values of records first seen now: where their history starts."""
        with Session(self.engine) as session:
            for model in (Lead, Contact):
                for record in session.execute(select(model)).scalars():
                    for name in TRACKED:
                        if hasattr(record, name):
                            key = (model.__tablename__, record.id, name)
                            self.first_seen.setdefault(key, _text(getattr(record, name)))
            self.leads.extend(
                lead_id
                for lead_id in session.execute(select(col(Lead.id))).scalars()
                if lead_id not in self.leads and len(self.leads) < 40
            )

    # Invariants ------------------------------------------------------------------------
    @invariant()
    def each_lead_in_exactly_one_state(self) -> None:
        with Session(self.engine) as session:
            statuses = {s.name: s for s in session.execute(select(LeadStatus)).scalars()}
            for lead in session.execute(select(Lead)).scalars():
                flags = statuses[lead.status]
                states = {
                    "converted": lead.is_converted,
                    "rejected": lead.lifecycle_stage == "Rejected",
                    "open": lead.is_open,
                    "closed": flags.is_closed
                    and not flags.is_converted
                    and lead.lifecycle_stage != "Rejected",
                }
                held = [name for name, holds in states.items() if holds]
                where = f"lead {lead.id} ({lead.status}, {lead.lifecycle_stage})"
                assert len(held) == 1, f"{where} is {held}"
                assert lead.is_open == (not (flags.is_closed or flags.is_converted)), where
                assert lead.is_converted == flags.is_converted, where
                assert (lead.rejected_reason is not None) == (held == ["rejected"]), where
                assert lead.attempt_count >= 0, where
                if lead.owner_id is None:
                    assert lead.assigned_at is None and lead.claimed_until is None, where
                else:
                    assert lead.assigned_at is not None, where

    @invariant()
    def converted_leads_link_to_what_exists(self) -> None:
        with Session(self.engine) as session:
            converted = select(Lead).where(col(Lead.is_converted))
            for lead in session.execute(converted).scalars():
                where = f"converted lead {lead.id}"
                assert lead.converted_at is not None, where
                account = session.get(Account, lead.converted_account_id)
                contact = session.get(Contact, lead.converted_contact_id)
                assert account is not None and contact is not None, where
                assert contact.account_id == account.id, where
                if lead.converted_opportunity_id is not None:
                    opportunity = session.get(Opportunity, lead.converted_opportunity_id)
                    assert opportunity is not None, where
                    assert opportunity.account_id == account.id, where

    @invariant()
    def no_call_reversed_twice(self) -> None:
        with Session(self.engine) as session:
            reverses = col(Activity.reverses_id)
            rows = session.execute(
                select(reverses, func.count()).where(reverses.is_not(None)).group_by(reverses)
            ).all()
            times = dict(rows)
            assert all(n == 1 for n in times.values()), f"reversed more than once: {times}"
            for call_id in self.undone:
                assert times.get(call_id) == 1, f"call {call_id} undone but not marked reversed"
            for call_id in times:
                call = session.get(Activity, call_id)
                assert call is not None and call.kind == "call", f"{call_id} is not a call"

    @invariant()
    def history_is_complete(self) -> None:
        self._remember_new_records()
        with Session(self.engine) as session:
            rows = session.execute(
                select(History).where(col(History.field).in_(TRACKED)).order_by(col(History.id))
            ).scalars()
            chains: dict[tuple[str, int, str], list[History]] = defaultdict(list)
            for row in rows:
                chains[row.entity, row.entity_id, row.field].append(row)
            for model in (Lead, Contact):
                for record in session.execute(select(model)).scalars():
                    for name in TRACKED:
                        if not hasattr(record, name):
                            continue
                        key = (model.__tablename__, record.id, name)
                        now = _text(getattr(record, name))
                        chain = chains.get(key, [])
                        if not chain:
                            assert now == self.first_seen[key], f"{key}: changed with no history"
                            continue
                        for before, after in itertools.pairwise(chain):
                            assert after.old_value == before.new_value, f"{key}: a change missed"
                        assert chain[-1].new_value == now, f"{key}: the last change has no row"

    @invariant()
    def queue_counts_add_up(self) -> None:
        with Session(self.engine) as session:
            leads = session.execute(select(Lead)).scalars().all()
            reps = {lead.owner_id for lead in leads if lead.owner_id is not None}
            callable_ = [lead for lead in leads if lead.is_open and not lead.do_not_call]
            queued = 0
            for rep_id in reps:
                mine = [lead for lead in callable_ if lead.owner_id == rep_id]
                count = queue_count(session, "my-leads", rep_id=rep_id, now=self.now)
                assert count == len(mine), f"rep {rep_id}: queue says {count}, holds {len(mine)}"
                due = queue_count(session, "callbacks", rep_id=rep_id, now=self.now)
                later = queue_count(session, "callbacks-upcoming", rep_id=rep_id, now=self.now)
                assert due + later == sum(lead.callback_at is not None for lead in mine)
                queued += count
            pool = queue_count(session, "pool", rep_id=None, now=self.now)
            assert pool == sum(lead.owner_id is None for lead in callable_)
            do_not_call = sum(lead.is_open and lead.do_not_call for lead in leads)
            closed = sum(not lead.is_open for lead in leads)
            assert queued + pool + do_not_call + closed == len(leads)


def run_machine(fresh_database: Callable[[], str]) -> None:
    """Many short runs rather than a few long ones: each run enables only some of the
    steps (hypothesis's swarm testing), so an undo needs runs that also call."""
    machine = type("Machine", (StoreMachine,), {"fresh_database": staticmethod(fresh_database)})
    profile = settings()
    run_state_machine_as_test(
        machine,
        settings=settings(
            profile,
            max_examples=profile.max_examples * 2,
            stateful_step_count=max(10, profile.stateful_step_count // 2),
        ),
    )


def test_the_store_keeps_its_invariants_on_sqlite(migrated_template, tmp_path) -> None:
    runs = itertools.count()

    def fresh_database() -> str:
        path = tmp_path / f"run-{next(runs)}.db"
        shutil.copyfile(migrated_template, path)
        return f"sqlite:///{path}"

    run_machine(fresh_database)


@pytest.mark.postgres
def test_the_store_keeps_its_invariants_on_postgresql(pg_url) -> None:
    """One schema (migrating one per run would take most of the time), emptied of records
    before each run; the reference data stays. The never-delete guards refuse TRUNCATE to
    everyone: the test's superuser empties the tables as replication does, with the
    session's triggers off (`session_replication_role`), which no app role may set."""

    def fresh_database() -> str:
        engine = make_engine(pg_url)
        with engine.begin() as connection:
            tables = ", ".join(f'"{name}"' for name in BUSINESS_TABLES)
            connection.execute(text("SET LOCAL session_replication_role = replica"))
            connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
        engine.dispose()
        return pg_url

    run_machine(fresh_database)
