"""The untouched-leads screen, driven by keys: a manager sees reps worst first, drills into
the worst rep, selects five leads and moves them, and they leave the list; a rep is refused.

In the small data set (tests/ui/conftest.py) Morgan (the manager) holds 84 untouched leads,
37 of them 1–3 days old and 47 3–7 days; Riley holds 21 (10 and 11).
"""

from __future__ import annotations

from sqlalchemy import select
from sqlmodel import Session

from tests.factories import make_rep
from tests.ui.conftest import workers_done
from workstation.display import clean
from workstation.screens.pick_rep import PickRepDialog
from workstation.screens.untouched import UntouchedScreen
from workstation.screens.untouched_leads import UntouchedLeadsScreen
from workstation.store.reps import working_rep
from workstation.widgets.bar_chart import BarChart


async def _settle(app, pilot) -> None:
    await workers_done(app)
    await pilot.pause()


def _rows(table) -> list[list[str]]:
    return [
        [getattr(c, "plain", str(c)) for c in table.get_row_at(i)] for i in range(table.row_count)
    ]


def _owners(app, lead_ids) -> set:
    with Session(app.store.engine) as session:
        from workstation.store.models import Lead

        return set(session.execute(select(Lead.owner_id).where(Lead.id.in_(lead_ids))).scalars())


def _rep_id(app, name: str) -> int:
    with Session(app.store.engine) as session:
        return working_rep(session, name).id


async def _open(app, pilot) -> UntouchedScreen:
    screen = UntouchedScreen()
    await app.push_screen(screen)
    await _settle(app, pilot)
    return screen


async def test_reps_worst_first_with_buckets_and_a_chart(app_factory):
    app = app_factory()
    async with app.run_test(size=(140, 40)) as pilot:
        screen = await _open(app, pilot)
        table = screen.query_one("#untouched-reps")
        assert _rows(table) == [
            ["Morgan Manager", "84", "0", "37", "47", "0", "5 d"],
            ["Riley Rep", "21", "0", "10", "11", "0", "5 d"],
        ]
        assert [bar.label for bar in screen.query_one(BarChart).bars] == [
            "Morgan Manager",
            "Riley Rep",
        ]
        await pilot.press("plus")  # 24 h → 48 h
        await _settle(app, pilot)
        assert _rows(table)[0][:2] == ["Morgan Manager", "65"]
        await pilot.press("minus", "minus")  # → 8 h: the <1 day bucket fills
        await _settle(app, pilot)
        assert _rows(table)[0][:3] == ["Morgan Manager", "98", "12"]


async def test_drill_into_the_worst_rep_and_spread_five_leads(app_factory):
    app = app_factory()
    async with app.run_test(size=(140, 40)) as pilot:
        await _open(app, pilot)
        await pilot.press("enter")
        screen = app.screen
        assert isinstance(screen, UntouchedLeadsScreen) and screen.rep_name == "Morgan Manager"
        table = screen.query_one("#untouched-leads")
        before = [int(row[1]) for row in _rows(table)]
        assert len(before) == 84
        await pilot.press("space", "space", "space", "space", "space")
        assert screen.selected == set(before[:5])
        assert [row[0] for row in _rows(table)[:6]] == ["●"] * 5 + [" "]
        await pilot.press("s")
        await _settle(app, pilot)
        after = [int(row[1]) for row in _rows(table)]
        assert after == before[5:]
        assert not screen.selected
        assert _owners(app, before[:5]) == {_rep_id(app, "Riley Rep")}  # the one sales rep
        await pilot.press("escape")
        await _settle(app, pilot)
        assert _rows(app.screen.query_one("#untouched-reps"))[0][:2] == ["Morgan Manager", "79"]


async def test_move_to_a_chosen_rep_and_to_the_pool(app_factory):
    app = app_factory()
    with Session(app.store.engine) as session:
        make_rep(session, "Sam Seller", capacity=10)
        session.commit()
    async with app.run_test(size=(140, 40)) as pilot:
        await _open(app, pilot)
        await pilot.press("down", "enter")  # Riley's leads
        table = app.screen.query_one("#untouched-leads")
        first = [int(row[1]) for row in _rows(table)[:3]]
        await pilot.press("space", "space", "t")
        assert isinstance(app.screen, PickRepDialog)
        options = app.screen.query_one("#pick-rep-list")
        # Riley (their owner) is not offered; the manager is no sales rep.
        assert [clean(str(o.prompt)) for o in options.options] == ["Sam Seller  10 free · 0 of 10"]
        await pilot.press("enter")
        await _settle(app, pilot)
        assert _owners(app, first[:2]) == {_rep_id(app, "Sam Seller")}
        await pilot.press("p")  # the cursor's lead, nothing being selected
        await _settle(app, pilot)
        assert _owners(app, first[2:3]) == {None}
        assert first[2] not in [int(row[1]) for row in _rows(table)]


async def test_a_rep_is_refused(app_factory):
    app = app_factory("Riley Rep")
    async with app.run_test(size=(120, 30)) as pilot:
        screen = await _open(app, pilot)
        status = str(screen.query_one("#untouched-status").render())
        assert "Riley Rep is a rep, not a manager" in clean(status)
        assert not screen.query_one("#untouched-body").display
        assert screen.query_one("#untouched-reps").row_count == 0


async def test_at_80_columns_the_table_takes_the_width_and_shows_every_column(app_factory):
    from textual.widgets import DataTable

    app = app_factory()
    async with app.run_test(size=(80, 24)) as pilot:
        await app.push_screen(UntouchedScreen())
        await _settle(app, pilot)
        table = app.screen.query_one("#untouched-reps", DataTable)
        assert not app.screen.query_one(BarChart).display
        assert table.virtual_size.width <= table.scrollable_content_region.width  # no column cut
        await pilot.resize_terminal(120, 40)
        await pilot.pause()
        assert app.screen.query_one(BarChart).display


async def test_a_rep_pressing_the_manager_keys_is_told_in_one_line(app_factory):
    from workstation.screens.queue import QueueScreen

    app = app_factory("Riley Rep")
    async with app.run_test(size=(120, 30)) as pilot:
        app.NOTIFICATION_TIMEOUT = 600  # none goes away by itself on a slow machine
        for key, said in (
            ("U", "The untouched-leads report is for managers."),
            ("F", "The funnel is for managers."),
        ):
            await pilot.press(key)
            await pilot.pause()
            assert isinstance(app.screen, QueueScreen)  # no empty screen with dead keys
            # One message at a time: the second replaces the first.
            assert [n.message for n in app._notifications] == [said]


async def test_a_manager_pressing_u_opens_the_report(app_factory):
    app = app_factory()
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.press("U")
        await pilot.pause()
        assert isinstance(app.screen, UntouchedScreen)
