"""The team's rules hold under concurrency, on SQLite and PostgreSQL: rep names are unique
in full Unicode case-folding (and matched that way), and the last active manager stays
one, whether two threads or two processes race, or someone writes SQL by hand."""

from __future__ import annotations

import multiprocessing
import threading
from collections.abc import Callable

import pytest
from sqlalchemy import exc, func, select, text
from sqlmodel import Session, col

from workstation.store.db import make_engine
from workstation.store.errors import StoreError
from workstation.store.models import Rep
from workstation.store.reps import working_rep
from workstation.store.team.roster import TeamChangeRefused, add_rep, change_rep

ROUNDS = 12


def _boss(engine) -> int:
    return add_rep(engine, "Boss", role="manager", acting_rep_id=None).id


def _managers(engine) -> int:
    with Session(engine) as session:
        statement = select(func.count()).where(col(Rep.role) == "manager", col(Rep.active))
        return session.execute(statement).scalar_one()


def _together(*calls: Callable[[], object]) -> list[object]:
    """Run the calls in threads released at one moment; each one's result or error."""
    barrier = threading.Barrier(len(calls))
    results: list[object] = [None] * len(calls)

    def run(i: int) -> None:
        barrier.wait()
        try:
            results[i] = calls[i]()
        except StoreError as error:
            results[i] = error

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def test_names_are_matched_and_unique_in_full_unicode(engine):
    boss = add_rep(engine, "Émile Zola", role="manager", acting_rep_id=None)
    with Session(engine) as session:
        assert working_rep(session, "émile zola").id == boss.id
        assert working_rep(session, " ÉMILE ZOLA ").id == boss.id
    assert change_rep(engine, "ÉMILE ZOLA", capacity=7, acting_rep_id=boss.id).capacity == 7
    with pytest.raises(TeamChangeRefused, match="named Émile Zola already"):
        add_rep(engine, "ÉMILE ZOLA", acting_rep_id=boss.id)
    add_rep(engine, "Anna Strasse", acting_rep_id=boss.id)
    with pytest.raises(TeamChangeRefused, match="named Anna Strasse already"):
        add_rep(engine, "ANNA STRAßE", acting_rep_id=boss.id)  # ß folds to ss
    add_rep(engine, "Ирина", acting_rep_id=boss.id)
    with Session(engine) as session:
        assert working_rep(session, "ИРИНА").name == "Ирина"


def test_twin_names_added_at_once_land_once(engine):
    boss = _boss(engine)
    for n in range(ROUNDS):
        twins = (f"Élodie {n}", f"ÉLODIE {n}")
        results = _together(
            *(lambda name=name: add_rep(engine, name, acting_rep_id=boss) for name in twins)
        )
        refused = [r for r in results if isinstance(r, TeamChangeRefused)]
        assert len(refused) == 1, results
        assert "already" in str(refused[0])
    with Session(engine) as session:
        assert session.execute(select(func.count()).select_from(Rep)).scalar() == ROUNDS + 1


def test_two_managers_demoting_each_other_leave_one(engine):
    first = _boss(engine)
    second = add_rep(engine, "Second", role="manager", acting_rep_id=first).id
    for _ in range(ROUNDS):
        results = _together(
            lambda: change_rep(engine, "Second", role="rep", acting_rep_id=first),
            lambda: change_rep(engine, "Boss", role="rep", acting_rep_id=second),
        )
        assert _managers(engine) == 1, results
        # The later one is refused: as the last manager, or as no manager any more.
        assert sum(isinstance(r, StoreError) for r in results) == 1, results
        with engine.begin() as connection:  # both managers again, for the next round
            connection.execute(text("UPDATE rep SET role = 'manager'"))


def test_sql_by_hand_cannot_demote_or_retire_the_last_manager(engine):
    boss = _boss(engine)
    for change in ("role = 'rep'", "active = false"):
        with (
            pytest.raises(exc.DBAPIError, match="last active manager"),
            engine.begin() as connection,
        ):
            connection.execute(text(f"UPDATE rep SET {change} WHERE id = :id"), {"id": boss})
    assert _managers(engine) == 1


def test_sql_by_hand_cannot_add_a_twin_name(engine):
    _boss(engine)
    with pytest.raises(exc.IntegrityError), engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO rep (name, role, capacity, active, created_at) "
                "VALUES ('BOSS', 'rep', 5, true, '2026-01-01 00:00:00')"
            )
        )


# Two processes: each runs every round, the rounds kept in step by a barrier.


def _race_names(url: str, boss: int, names: list[str], barrier, results) -> None:
    engine = make_engine(url)
    for name in names:
        barrier.wait()
        try:
            add_rep(engine, name, acting_rep_id=boss)
            results.put(("added", name))
        except StoreError as error:
            results.put(("refused", str(error)))
    engine.dispose()


def _race_demotions(url: str, me: int, other: str, first: bool, barrier, results) -> None:
    engine = make_engine(url)
    for _ in range(ROUNDS):
        barrier.wait()
        try:
            change_rep(engine, other, role="rep", acting_rep_id=me)
            results.put("demoted")
        except StoreError as error:
            results.put(str(error))
        barrier.wait()  # both done: the first process counts, then puts both back
        if first:
            results.put(("managers", _managers(engine)))
            with engine.begin() as connection:
                connection.execute(text("UPDATE rep SET role = 'manager'"))
        barrier.wait()
    engine.dispose()


def _processes(*targets: tuple) -> list:
    context = multiprocessing.get_context("spawn")
    barrier, results = context.Barrier(len(targets)), context.Queue()
    processes = [
        context.Process(target=target, args=(*args, barrier, results)) for target, *args in targets
    ]
    for process in processes:
        process.start()
    out = []
    for process in processes:
        process.join(timeout=120)
        assert process.exitcode == 0
    while not results.empty():
        out.append(results.get())
    return out


def test_twin_names_from_two_processes_land_once(db_url):
    engine = make_engine(db_url)
    boss = _boss(engine)
    lower = [f"Ökan {n}" for n in range(ROUNDS)]
    upper = [name.upper() for name in lower]
    results = _processes((_race_names, db_url, boss, lower), (_race_names, db_url, boss, upper))
    assert sum(1 for kind, _ in results if kind == "added") == ROUNDS, results
    with Session(engine) as session:
        assert session.execute(select(func.count()).select_from(Rep)).scalar() == ROUNDS + 1
    engine.dispose()


def test_two_processes_demoting_each_other_leave_a_manager(db_url):
    engine = make_engine(db_url)
    first = _boss(engine)
    second = add_rep(engine, "Second", role="manager", acting_rep_id=first).id
    results = _processes(
        (_race_demotions, db_url, first, "Second", True),
        (_race_demotions, db_url, second, "Boss", False),
    )
    counts = [count for result in results if isinstance(result, tuple) for count in result[1:]]
    assert counts == [1] * ROUNDS, results
    engine.dispose()
