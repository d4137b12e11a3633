"""Every screen and dialog of the app over the demo data set, at 80×24 and 120×40, in the
default theme and a light one (update with --snapshot-update). Each is opened the way a rep
or manager opens it, by its keys from the queue; the few that no key reaches on the demo
data (a contact's new opportunity, what a converted lead became, …) are pushed with records
of the demo data. `test_every_screen_is_pinned` fails when a screen is added without an
entry here. The README's pictures are copies of some of these (`tests/ui/readme_screens.py`),
so they never go stale."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select
from textual.screen import Screen
from textual.widgets import DirectoryTree

from tests.factories import NOW
from tests.ui.conftest import UNTIL_PAUSES, settle, until
from workstation.app import make_app
from workstation.config import Settings
from workstation.store.db import make_engine
from workstation.store.demo.generate import generate_demo
from workstation.store.models import Rep

THEMES = ["textual-dark", "textual-light"]
SIZES = {"80x24": (80, 24), "120x40": (120, 40)}
# The import screen's file tree starts in the working directory, and shows its path.
IMPORT_FOLDER = Path(tempfile.gettempdir()) / "workstation-snapshot-import"


def _first(engine: Engine, sql: str) -> tuple:
    with engine.connect() as connection:
        return tuple(connection.exec_driver_sql(sql).first())


def _new_opportunity(engine: Engine) -> Screen:
    from workstation.screens.new_opportunity import NewOpportunityDialog

    rows = _first(engine, "SELECT id, first_name || ' ' || last_name FROM contact ORDER BY id")
    return NewOpportunityDialog([rows])


def _move(engine: Engine) -> Screen:
    from workstation.screens.opportunity_move import OpportunityMoveDialog

    (opportunity,) = _first(engine, "SELECT id FROM opportunity WHERE NOT is_closed ORDER BY id")
    return OpportunityMoveDialog(opportunity)


def _contact_roles(engine: Engine) -> Screen:
    from workstation.screens.contact_roles import ContactRolesDialog

    (opportunity,) = _first(engine, "SELECT id FROM opportunity WHERE NOT is_closed ORDER BY id")
    return ContactRolesDialog(opportunity)


def _reference(engine: Engine) -> Screen:
    from workstation.screens.reference_dialog import ReferenceDialog

    (contact,) = _first(engine, "SELECT id FROM contact ORDER BY id")
    return ReferenceDialog(contact)


def _converted(engine: Engine) -> Screen:
    from workstation.screens.converted_records import ConvertedRecordsScreen

    lead, name = _first(
        engine, "SELECT id, first_name || ' ' || last_name FROM lead WHERE is_converted ORDER BY id"
    )
    return ConvertedRecordsScreen(lead, name)


def _skipped(engine: Engine) -> Screen:
    from workstation.screens.skipped import SkippedScreen
    from workstation.store.calling.next_lead import Skip

    reasons = ["outside calling hours (03:10 there)", "called 2 h ago", "do not call"]
    with engine.connect() as connection:
        leads = connection.exec_driver_sql(
            "SELECT id, first_name || ' ' || last_name FROM lead ORDER BY id LIMIT 12"
        ).all()
    return SkippedScreen([Skip(id, name, reasons[n % 3]) for n, (id, name) in enumerate(leads)])


@dataclass(frozen=True)
class Opening:
    """The screen's class; whose screen it is (a rep works the queue, a manager reads the
    reports; None: the database is empty); the keys that open it from the queue, or the
    screen pushed when no key reaches it on the demo data."""

    shows: str
    role: str | None
    keys: tuple[str, ...] = ()
    push: Callable[[Engine], Screen] | None = None


SCREENS = {
    "queue": Opening("QueueScreen", "rep"),
    "script": Opening("QueueScreen", "rep", ("s", "y", "down", "right")),
    "wizard": Opening("ConvertWizard", "rep", ("c", "r")),
    "keys": Opening("KeysScreen", "rep", ("question_mark",)),
    "untouched": Opening("UntouchedScreen", "manager", ("U",)),
    "funnel": Opening("FunnelScreen", "manager", ("F",)),
    "untouched-leads": Opening("UntouchedLeadsScreen", "manager", ("U", "enter", "space")),
    "save-file": Opening("SaveFileDialog", "manager", ("U", "e")),
    "pick-rep": Opening("PickRepDialog", "manager", ("a",)),
    "campaigns": Opening("CampaignsScreen", "manager", ("M",)),
    "campaign-form": Opening("CampaignForm", "manager", ("M", "a")),
    "search": Opening("SearchScreen", "rep", ("slash", *"co")),
    "record-page": Opening("RecordPageScreen", "rep", ("p",)),
    "filter-editor": Opening("FilterEditor", "rep", ("f",)),
    "scripts": Opening("ScriptsScreen", "rep", ("S",)),
    "import": Opening("ImportFileScreen", "rep", ("I",)),
    "stage": Opening("StageDialog", "rep", ("l",)),
    "opportunities": Opening("OpportunitiesScreen", "rep", ("P",)),
    "reject": Opening("RejectDialog", "rep", ("x",)),
    "edit": Opening("EditRecordDialog", "rep", ("e",)),
    "callback": Opening("CallbackDialog", "rep", ("3",)),
    "confirm": Opening("ConfirmDialog", "rep", ("8",)),
    "ask": Opening("AskDialog", "rep", ("d",)),
    "bulk-convert": Opening("BulkConvertScreen", "rep", ("space", "C")),
    "new-opportunity": Opening("NewOpportunityDialog", "rep", push=_new_opportunity),
    "opportunity-move": Opening("OpportunityMoveDialog", "rep", push=_move),
    "converted-records": Opening("ConvertedRecordsScreen", "rep", push=_converted),
    "skipped": Opening("SkippedScreen", "rep", push=_skipped),
    "new-lead": Opening("NewLeadDialog", "rep", ("L",)),
    "pick-filter": Opening("PickFilterDialog", "manager", ("M", "f")),
    "contact-roles": Opening("ContactRolesDialog", "rep", push=_contact_roles),
    "reference": Opening("ReferenceDialog", "rep", push=_reference),
    "names": Opening("NamesScreen", "manager", ("N",)),
    "empty": Opening("EmptyDatabaseScreen", None),
}


@pytest.fixture(scope="session")
def demo_template(migrated_template, tmp_path_factory) -> Path:
    """The demo data set, made once; each test works on its own copy."""
    path = tmp_path_factory.mktemp("demo") / "demo.db"
    shutil.copyfile(migrated_template, path)
    engine = make_engine(f"sqlite:///{path}")
    generate_demo(engine, leads=300, seed=7, now=NOW, workers=0)
    with engine.connect() as connection:
        connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    engine.dispose()
    return path


async def _at_rest(pilot) -> None:
    """`settle`, but for the import screen's file tree, whose loader waits for more work
    as long as the tree lives: until the tree shows the folder and the rest have finished."""
    trees = pilot.app.screen.query(DirectoryTree)
    if not trees:
        await settle(pilot)
        return
    tree = trees.first()
    await until(pilot, lambda: tree.root.children, "the files")
    for _ in range(UNTIL_PAUSES // 10):
        others = [w for w in pilot.app.workers if w.group != "_loader" and not w.is_finished]
        if not others:
            break
        await pilot.pause(0.02)
    await pilot.pause()


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("theme", THEMES)
@pytest.mark.parametrize("screen", SCREENS)
def test_screen(
    migrated_template, demo_template, tmp_path, monkeypatch, snap_compare, screen, theme, size
):
    opening = SCREENS[screen]
    path = tmp_path / "workstation.db"
    shutil.copyfile(demo_template if opening.role else migrated_template, path)
    url = f"sqlite:///{path}"
    engine = make_engine(url)
    IMPORT_FOLDER.mkdir(exist_ok=True)
    (IMPORT_FOLDER / "leads.csv").write_text("First Name,Last Name\nAda,Lovelace\n")
    monkeypatch.chdir(IMPORT_FOLDER)
    with Session(engine) as session:
        name = session.exec(
            select(Rep.name).where(Rep.role == opening.role, Rep.active).order_by(Rep.id)
        ).first()

    async def run_before(pilot) -> None:
        await _at_rest(pilot)
        for key in opening.keys:
            await pilot.press(key)
            await _at_rest(pilot)
        if opening.push is not None:
            pilot.app.push_screen(opening.push(engine))
            await _at_rest(pilot)
        await pilot.wait_for_scheduled_animations()
        assert type(pilot.app.screen).__name__ == opening.shows

    app = make_app(
        Settings(database_url=url, rep_name=name, theme=theme), engine, clock=lambda: NOW
    )
    try:
        assert snap_compare(app, terminal_size=SIZES[size], run_before=run_before)
    finally:
        engine.dispose()


def test_every_screen_is_pinned():
    """Each screen and dialog class of `workstation.screens` is opened by an entry above
    (the script panel and wizard are the queue's and its dialog's)."""
    package = importlib.import_module("workstation.screens")
    classes = {
        cls.__name__
        for module in pkgutil.iter_modules(package.__path__)
        for _, cls in inspect.getmembers(
            importlib.import_module(f"workstation.screens.{module.name}"), inspect.isclass
        )
        if issubclass(cls, Screen) and cls.__module__.startswith("workstation.screens.")
    }
    assert classes == {opening.shows for opening in SCREENS.values()}
