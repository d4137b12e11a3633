"""A small fixed data set and an app over it, with the clock frozen for stable screens; and
the two ways a Pilot test waits, for the state it needs rather than for a fixed time (a
loaded machine takes longer, never a different path)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import timedelta

import pytest
from sqlmodel import Session

from tests.factories import NOW, make_lead, make_rep
from workstation.app import make_app
from workstation.config import Settings

# Only a test that would otherwise wait forever meets these bounds: about a minute of
# pauses, and workers that keep starting workers.
UNTIL_PAUSES = 3000
SETTLE_ROUNDS = 50


async def until(pilot, condition: Callable[[], object], what: str) -> None:
    """Pause until `condition()` holds (a thread, the store's loader say, gets there when
    the machine lets it)."""
    for _ in range(UNTIL_PAUSES):
        if condition():
            return
        await pilot.pause(0.02)
    raise AssertionError(f"still waiting for {what}")


async def workers_done(app) -> None:
    """Until every worker has ended: done, failed, or cancelled (a worker a newer one
    replaced is cancelled, which `wait_for_complete` would raise)."""
    for _ in range(UNTIL_PAUSES):
        if all(worker.is_finished for worker in app.workers):
            return
        await asyncio.sleep(0.02)
    raise AssertionError("the workers never came to rest")


async def settle(pilot) -> None:
    """Until every worker has finished and what they sent back has landed. What lands may
    start another worker (a call logged shows the next card), hence the rounds."""

    def resting() -> bool:
        return all(worker.is_finished for worker in pilot.app.workers)

    for _ in range(SETTLE_ROUNDS):
        await until(pilot, resting, "the workers to finish")
        await pilot.pause()
        if resting():
            return
    raise AssertionError("the workers never came to rest")


def type_fast(app, *keys: str) -> None:
    """Keys as a terminal sends them when typed fast (or pasted where bracketed paste is
    off): all queued on the app before the first is handled."""
    from textual import events

    for key in keys:
        named = {"+": "plus", ":": "colon", " ": "space"}.get(key, key)
        event = events.Key(named, key if len(key) == 1 else None)
        event.set_sender(app)
        app._driver.send_message(event)


def paste_fast(app, text: str) -> None:
    """A bracketed paste, queued like a key typed fast."""
    from textual import events

    event = events.Paste(text)
    event.set_sender(app)
    app._driver.send_message(event)


async def keys_handled(pilot) -> None:
    """Until every key and paste sent has been handled, and what they started settled."""
    await pilot.pause()
    await until(pilot, lambda: not pilot.app.keys_pending, "the keys to be handled")
    await settle(pilot)


def fill_small_queue(engine) -> None:
    with Session(engine) as session:
        manager = make_rep(session, "Morgan Manager", role="manager")
        rep = make_rep(session, "Riley Rep")
        titles = ["VP Sales", "CTO", "Office Manager", "Head of Ops", "Buyer"]
        for n in range(130):
            make_lead(
                session,
                first_name=f"Pat{n:03d}",
                last_name="Lee",
                title=titles[n % 5],
                company=f"Firm {n:03d} Ltd",
                phone=f"+1415555{n:04d}",
                time_zone="America/New_York",
                owner_id=rep.id if n % 5 == 0 else manager.id,
                score=100 - n % 50,
                assigned_at=NOW - timedelta(hours=n),
                callback_at=NOW + timedelta(hours=2) if n % 10 == 0 else None,
            )
        make_lead(
            session,
            first_name="[bold]Eve[/bold]",
            last_name="[@click=app.quit]x[/]",
            company="\x1b[31mEvil\x1b[0m Corp",
            owner_id=manager.id,
            score=1000,
            time_zone="America/New_York",
            assigned_at=NOW - timedelta(days=1),
        )
        for n in range(5):
            make_lead(session, last_name=f"Pool{n}", company=f"Pool Co {n}", score=n)
        session.commit()


@pytest.fixture
def app_factory(sqlite_engine, sqlite_url):
    def build(rep: str | None = None, *, fill: bool = True, **settings):
        """`settings`: more of the Settings (theme, keymap, path …)."""
        if fill:
            fill_small_queue(sqlite_engine)
        return make_app(
            Settings(database_url=sqlite_url, rep_name=rep, **settings),
            sqlite_engine,
            clock=lambda: NOW,
        )

    return build
