"""The import screen, driven by keys: a file is picked by its path, its columns shown with the
field each feeds and its first rows (hostile cells literally), a column is mapped by hand,
the import runs in a worker while the queue stays usable, and says how it ended."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlmodel import Session

from tests.store.test_imports import write_nasty_file
from workstation.screens.import_file import ImportFileScreen, show_import_screen
from workstation.screens.queue import QueueScreen
from workstation.store.models import CampaignMember, Lead


def _rows(table) -> list[list[str]]:
    return [
        [getattr(cell, "plain", str(cell)) for cell in table.get_row_at(i)]
        for i in range(table.row_count)
    ]


async def _settle(app, pilot) -> None:
    """Wait for the screen's workers. Not for the file tree's loader, which never ends; and an
    empty list would mean every worker to `wait_for_complete`."""
    mine = [worker for worker in app.workers if worker.group.startswith("import")]
    if mine:
        await app.workers.wait_for_complete(mine)
    await pilot.pause()


def _count(app, model, **where) -> int:
    with Session(app.store.engine) as session:
        statement = select(func.count()).select_from(model).filter_by(**where)
        return session.execute(statement).scalar_one()


async def _open_file(app, pilot, path) -> ImportFileScreen:
    show_import_screen(app)
    await pilot.pause()
    screen = app.screen
    assert isinstance(screen, ImportFileScreen)
    screen.query_one("#import-path").value = str(path)
    await pilot.press("enter")
    await _settle(app, pilot)
    return screen


async def test_preview_then_import_with_a_campaign(app_factory, tmp_path):
    source = write_nasty_file(tmp_path / "leads.csv")
    app = app_factory()
    async with app.run_test(size=(160, 45)) as pilot:
        screen = await _open_file(app, pilot, source)
        rows = _rows(screen.query_one("#import-columns"))
        assert rows[0][:3] == ["First Name", "FirstName", "Ann"]
        assert rows[3][:2] == ["E-mail", "Email"]
        assert rows[9][:2] == ["Notes", "Description"]
        status = str(screen.query_one("#import-status").content)
        assert "utf-8-sig" in status and "ctrl+r" in status
        screen.query_one("#import-campaign").value = "Screen List"
        await pilot.press("ctrl+r")
        await _settle(app, pilot)
        status = str(screen.query_one("#import-status").content)
        assert "Imported 16 rows: 10 created, 1 updated, 3 unchanged, 2 rejected" in status
        assert _count(app, CampaignMember) == 10
        assert any("10 created" in n.message for n in app._notifications)


async def test_hostile_cells_show_literally_and_a_column_is_mapped_by_hand(app_factory, tmp_path):
    source = tmp_path / "people.csv"
    source.write_text(
        "Who,Firm,Email\n[bold]Eve[/bold] Smith,\x1b[31mRed\x1b[0m Corp,eve@red.com\n",
        encoding="utf-8",
    )
    app = app_factory()
    async with app.run_test(size=(160, 45)) as pilot:
        screen = await _open_file(app, pilot, source)
        table = screen.query_one("#import-columns")
        assert _rows(table)[0][2] == "[bold]Eve[/bold] Smith"
        assert _rows(table)[1][2] == "␛[31mRed␛[0m Corp"
        assert "no column for LastName" in str(screen.query_one("#import-status").content)
        await pilot.press("ctrl+r")
        assert _count(app, Lead, email="eve@red.com") == 0
        for row, field in ((0, "full_name"), (1, "company")):
            table.move_cursor(row=row)
            await pilot.pause()
            screen.query_one("#import-field").value = field
            await _settle(app, pilot)
        assert [r[1] for r in _rows(table)] == ["Name", "Company", "Email"]
        await pilot.press("ctrl+r")
        await _settle(app, pilot)
        with Session(app.store.engine) as session:
            eve = session.execute(select(Lead).where(Lead.email == "eve@red.com")).scalar_one()
        assert (eve.first_name, eve.last_name, eve.company) == (
            "[bold]Eve[/bold]",
            "Smith",
            "Red Corp",
        )


async def test_the_queue_stays_usable_while_an_import_runs(app_factory, tmp_path):
    source = tmp_path / "many.csv"
    lines = ["FirstName,LastName,Company,Email"]
    lines += [f"P{n},L{n},Co {n},p{n}@co.com" for n in range(3000)]
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    app = app_factory()
    async with app.run_test(size=(160, 45)) as pilot:
        screen = await _open_file(app, pilot, source)
        await pilot.press("ctrl+r")
        await pilot.press("escape")
        assert isinstance(app.screen, QueueScreen)
        await pilot.press("down")  # the queue answers keys while the import runs
        await _settle(app, pilot)
        assert not screen.running
        assert _count(app, Lead, company="Co 2999") == 1
        assert any("3,000 created" in n.message for n in app._notifications)
        show_import_screen(app)  # the same screen, with how the run ended
        await pilot.pause()
        assert app.screen is screen
        assert "3,000 created" in str(screen.query_one("#import-status").content)


async def test_a_screen_pushed_as_it_is_keeps_importing_when_left(
    app_factory, tmp_path, monkeypatch
):
    import threading

    from workstation.store.imports import leads as imports

    source = tmp_path / "some.csv"
    source.write_text("FirstName,LastName,Company,Email\nQ,L,Co Q,q@co.com\n", encoding="utf-8")
    left = threading.Event()
    real = imports.import_leads

    def after_leaving(*args, **kwargs):  # the import is still to run when the screen is left
        left.wait(timeout=30)
        return real(*args, **kwargs)

    monkeypatch.setattr(imports, "import_leads", after_leaving)
    app = app_factory()
    async with app.run_test(size=(160, 45)) as pilot:
        screen = ImportFileScreen()
        await app.push_screen(screen)
        screen.query_one("#import-path").value = str(source)
        await pilot.press("enter")
        await _settle(app, pilot)
        await pilot.press("ctrl+r")
        await pilot.press("escape")
        assert isinstance(app.screen, QueueScreen) and screen.running
        left.set()
        await _settle(app, pilot)
        assert _count(app, Lead, company="Co Q") == 1
        assert any("1 created" in n.message for n in app._notifications)
        show_import_screen(app)
        await pilot.pause()
        assert app.screen is screen


async def test_every_field_and_button_fits_an_80_by_24_terminal(app_factory, tmp_path):
    app = app_factory()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _open_file(app, pilot, write_nasty_file(tmp_path / "leads.csv"))
        await pilot.pause()
        for selector in ("#import-campaign", "#import-source", "#import-field"):
            assert screen.query_one(selector).region.width >= 20, selector
        for selector in ("#import-dry-run", "#import-start"):
            region = screen.query_one(selector).region
            assert region.right <= 80 and region.bottom <= 23, selector  # above the footer
