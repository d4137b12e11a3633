"""The script panel in a small host app, driven with Pilot: it follows the record, answers
the BANT questions from the keyboard and says when the lead qualifies, jumps to objections,
copies or opens the email, and shows a hostile record's text literally."""

from __future__ import annotations

import io
from dataclasses import dataclass

from rich.console import Console
from sqlalchemy import select
from sqlmodel import Session
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.widgets import Footer, Input, Static

from tests.factories import NOW, make_lead, make_rep
from tests.store.test_scripts_store import QUESTIONS
from tests.ui.conftest import settle
from workstation.config import Settings
from workstation.handle import StoreHandle
from workstation.store.calling.card import record_card
from workstation.store.models import Activity, CallScript, Campaign
from workstation.store.scripts.for_record import DEFAULT_NAME
from workstation.widgets.script_panel import ScriptPanel

SIZE = (100, 34)
ALPHA_BODY = (
    "## Opening\nHi {first_name}, this is {rep}. You asked about {product} for {company}.\n\n"
    "## Discovery\n- As {title}, what slows your team?\n- How many seats?\n\n"
    "## Objection: Too expensive\nAsk what a lost lead costs.\n\n"
    "## Objection: Send me something\nAgree, and book the follow-up now.\n"
)
EMAIL = "Subject: {product} for {company}\n\nHi {first_name},\n"


@dataclass
class Leads:
    ann: int
    ben: int
    lou: int
    eve: int
    quiet: int


def build(engine) -> Leads:
    with Session(engine) as session:
        make_rep(session, "Riley Rep")
        alpha = CallScript(name="Alpha script", body=ALPHA_BODY, questions=QUESTIONS)
        beta = CallScript(name="Beta script", body="## Beta\nHello {first_name} ({title}).",
                          questions=QUESTIONS[:1], qualify={"all": ["budget"]})  # fmt: skip
        session.add_all([alpha, beta])
        session.flush()
        a = Campaign(name="Alpha Demo Requests", channel="Web", offer="Demo Request",
                     product="Dialer Pro", call_script_id=alpha.id,
                     email_template=EMAIL)  # fmt: skip
        b = Campaign(name="Beta Expo", channel="Event", offer="Contact Us", product="Suite",
                     call_script_id=beta.id)  # fmt: skip
        session.add_all([a, b])
        session.flush()
        leads = Leads(
            ann=make_lead(session, first_name="Ann", company="Ann Co", title="CTO",
                          campaign_id=a.id, email="ann@annco.example").id,
            ben=make_lead(session, first_name="Ben", title="Buyer", campaign_id=b.id).id,
            lou=make_lead(session, first_name="Lou", company="Lonely Ltd").id,
            eve=make_lead(session, first_name="[bold]Eve[/bold]",
                          last_name="[@click=app.quit]x[/]", title="[@click=app.quit]CEO[/]",
                          company="\x1b[31mEvil\x1b[0m Corp", campaign_id=a.id,
                          email="eve@evil.example?bcc=spy@evil.example").id,
            quiet=make_lead(session, first_name="Quinn", campaign_id=a.id,
                            email="q@example.com", email_opt_out=True).id,
        )  # fmt: skip
        session.commit()
    return leads


class ScriptHost(App):
    """The panel beside a field that had focus before, as the queue screen will hold it."""

    BINDINGS = [Binding("1", "logged", "Log")]

    def __init__(self, engine) -> None:
        super().__init__()
        settings = Settings(database_url=str(engine.url))
        self.store = StoreHandle(settings, engine=engine, rep=None)
        self.qualified: list[tuple[str, int]] = []
        self.logged: list[dict] = []

    def compose(self) -> ComposeResult:
        yield Input(id="elsewhere")
        yield ScriptPanel(id="script")
        yield Footer()

    def on_script_panel_qualified(self, message: ScriptPanel.Qualified) -> None:
        self.qualified.append((message.record_kind, message.record_id))

    def action_logged(self) -> None:
        self.logged.append(self.query_one(ScriptPanel).answers())


async def show(pilot, kind: str, record_id: int) -> ScriptPanel:
    app = pilot.app
    with app.store.open_session() as session:
        card = record_card(session, kind, record_id)
    panel = app.query_one(ScriptPanel)
    panel.show(card, rep_name="Riley Rep")
    await settle(pilot)
    return panel


def text_of(panel: ScriptPanel) -> str:
    console = Console(width=90, record=True, file=io.StringIO())
    for widget in panel.query(Static):
        console.print(widget.content)
    return console.export_text()


async def test_it_follows_the_record_from_script_to_script(sqlite_engine):
    leads = build(sqlite_engine)
    app = ScriptHost(sqlite_engine)
    async with app.run_test(size=SIZE) as pilot:
        panel = await show(pilot, "lead", leads.ann)
        text = text_of(panel)
        assert "Hi Ann, this is Riley Rep. You asked about Dialer Pro for Ann Co." in text
        assert "Product Dialer Pro  Source Web  Offer Demo Request" in text
        assert "As CTO, what slows your team?" in text
        assert panel.view.script_name == "Alpha script"
        panel = await show(pilot, "lead", leads.ben)
        assert "Hello Ben (Buyer)." in text_of(panel) and "Dialer Pro" not in text_of(panel)
        assert "Product Suite  Source Event  Offer Contact Us" in text_of(panel)
        panel = await show(pilot, "lead", leads.lou)
        assert panel.view.script_name == "Default script" and panel.view.script_id is None
        # The built-in script names nothing a record without a campaign lacks.
        assert "following up on Lonely Ltd's enquiry" in text_of(panel)
        assert "(no " not in text_of(panel)
        assert "Campaign none (default script)" in text_of(panel)
        panel.show(None, rep_name="Riley Rep")
        assert panel.view is None and "No record" in text_of(panel)


async def test_answering_bant_by_keyboard_says_qualified_once(sqlite_engine):
    leads = build(sqlite_engine)
    app = ScriptHost(sqlite_engine)
    async with app.run_test(size=SIZE) as pilot:
        app.query_one("#elsewhere").focus()
        panel = await show(pilot, "lead", leads.ann)
        panel.start_answering()
        await pilot.press("y", "right", "down", "enter", *"faster follow-up", "enter")
        assert app.qualified == []
        assert "Needs: Timeline" in text_of(panel)
        await pilot.press("right")  # Timeline: This quarter
        await pilot.pause()
        assert app.qualified == [("lead", leads.ann)]
        assert panel.answers() == {"budget": True, "authority": "Decision maker",
                                   "need": "faster follow-up",
                                   "timeline": "This quarter"}  # fmt: skip
        assert "✓ Qualified" in text_of(panel) and "score +40" in text_of(panel)
        await pilot.press("down", "enter", *"25", "enter")
        assert app.qualified == [("lead", leads.ann)]  # still qualified: no second offer
        await pilot.press("up", "left")  # This quarter → No timeline
        assert panel.answers()["seats"] == 25 and panel.answers()["timeline"] == "No timeline"
        assert "Needs: Timeline" in text_of(panel)
        await pilot.press("left")  # → Next quarter: the rule is met again, and said again
        await pilot.pause()
        assert app.qualified == [("lead", leads.ann)] * 2
        await pilot.press("1")  # a disposition key is not the panel's: the call gets logged
        assert app.logged == [panel.answers()]
        await pilot.press("escape")
        assert app.focused.id == "elsewhere"


async def test_keys_that_do_not_fit_the_question_change_nothing(sqlite_engine):
    leads = build(sqlite_engine)
    app = ScriptHost(sqlite_engine)
    async with app.run_test(size=SIZE) as pilot:
        panel = await show(pilot, "lead", leads.ann)
        panel.start_answering()
        await pilot.press("down", "y", "n")  # Authority is a choice, not yes/no
        assert panel.answers() == {}
        await pilot.press("down", "down", "down", "enter", *"1x2", "enter")  # Seats
        assert panel.answers() == {"seats": 12}  # a number field takes digits only
        await pilot.press("enter", "backspace", "backspace", "escape")
        assert panel.answers() == {"seats": 12} and not panel.has_class("-editing")
        await pilot.press("delete")
        assert panel.answers() == {}
        await pilot.press("up", "up", "up", "up", "right", "right", "right")
        assert panel.answers() == {"budget": True}  # right toggles yes/no: yes, no, yes
        assert panel.view.questions[panel._selected].key == "budget"


async def test_the_same_record_keeps_its_answers_and_the_next_one_starts_afresh(sqlite_engine):
    leads = build(sqlite_engine)
    app = ScriptHost(sqlite_engine)
    async with app.run_test(size=SIZE) as pilot:
        panel = await show(pilot, "lead", leads.ann)
        panel.start_answering()
        await pilot.press("y")
        panel = await show(pilot, "lead", leads.ann)
        assert panel.answers() == {"budget": True}
        await show(pilot, "lead", leads.ben)
        assert panel.answers() == {}
        panel.clear()
        assert panel.answers() == {} and panel.view is None


async def test_reload_reads_an_edited_script_and_keeps_the_answers(sqlite_engine):
    leads = build(sqlite_engine)
    app = ScriptHost(sqlite_engine)
    async with app.run_test(size=SIZE) as pilot:
        panel = await show(pilot, "lead", leads.ben)
        panel.start_answering()
        await pilot.press("y")
        with Session(sqlite_engine) as session:
            script = session.get(CallScript, panel.view.script_id)
            script.body = "## Beta\nRewritten for {first_name}."
            session.add(script)
            session.commit()
        panel.reload()
        await settle(pilot)
        assert "Rewritten for Ben." in text_of(panel)
        assert panel.answers() == {"budget": True}


async def test_the_last_calls_answers_show_and_do_not_offer_conversion_again(sqlite_engine):
    leads = build(sqlite_engine)
    with Session(sqlite_engine) as session:
        session.add(Activity(lead_id=leads.ben, answers={"budget": True}, occurred_at=NOW))
        session.commit()
    app = ScriptHost(sqlite_engine)
    async with app.run_test(size=SIZE) as pilot:
        panel = await show(pilot, "lead", leads.ben)
        assert "last: yes" in text_of(panel) and "✓ Qualified" in text_of(panel)
        panel.start_answering()
        await pilot.press("n", "y")
        assert app.qualified == [("lead", leads.ben)]  # no → unqualified, yes → qualified again


async def test_objections_are_one_key_away(sqlite_engine):
    leads = build(sqlite_engine)
    app = ScriptHost(sqlite_engine)
    async with app.run_test(size=(100, 24)) as pilot:
        panel = await show(pilot, "lead", leads.ann)
        panel.start_answering()
        sections = list(panel.query(".script-section"))
        await pilot.press("o")
        await pilot.pause()
        assert [s.has_class("-current") for s in sections] == [False, False, True, False]
        body = panel.query_one("#script-body")
        assert body.scroll_y > 0
        await pilot.press("o", "o")
        assert sections[2].has_class("-current") and not sections[3].has_class("-current")
        await pilot.press("O")
        assert sections[3].has_class("-current")
        await show(pilot, "lead", leads.ben)
        await pilot.press("o")
        assert app.is_running


async def test_the_email_is_copied_or_opened_in_the_mail_client(sqlite_engine, monkeypatch):
    leads = build(sqlite_engine)
    opened: list[str] = []
    monkeypatch.setattr("webbrowser.open", lambda url: opened.append(url) or True)
    app = ScriptHost(sqlite_engine)
    async with app.run_test(size=SIZE) as pilot:
        panel = await show(pilot, "lead", leads.eve)
        panel.start_answering()
        await pilot.press("w")
        assert (
            app.clipboard == "Subject: Dialer Pro for ␛[31mEvil␛[0m Corp\n\nHi [bold]Eve[/bold],\n"
        )
        await pilot.press("W")
        await settle(pilot)
        (url,) = opened
        assert url.startswith(
            "mailto:eve@evil.example%3Fbcc%3Dspy@evil.example?subject=Dialer%20Pro"
        )
        with Session(sqlite_engine) as session:  # each email sent is on the timeline
            mine = select(Activity.subject).where(Activity.lead_id == leads.eve)
            emails = session.execute(mine.where(Activity.kind == "email")).scalars().all()
        assert emails == ["Dialer Pro for ␛[31mEvil␛[0m Corp"] * 2
        await show(pilot, "lead", leads.quiet)  # opted out of email
        await pilot.press("w", "W")
        await settle(pilot)
        assert app.clipboard.startswith("Subject: Dialer Pro for ␛") and len(opened) == 1
        await show(pilot, "lead", leads.ben)  # the campaign has no template
        await pilot.press("w")
        assert app.clipboard.startswith("Subject: Dialer Pro for ␛")


async def test_a_hostile_lead_shows_literally_and_the_app_keeps_running(sqlite_engine):
    leads = build(sqlite_engine)
    app = ScriptHost(sqlite_engine)
    async with app.run_test(size=SIZE) as pilot:
        panel = await show(pilot, "lead", leads.eve)
        text = text_of(panel)
        assert "Hi [bold]Eve[/bold], this is Riley Rep." in text
        assert "for ␛[31mEvil␛[0m Corp." in text
        assert "As [@click=app.quit]CEO[/], what slows" in text
        await pilot.click(ScriptPanel, offset=(10, 6))
        await pilot.click(ScriptPanel, offset=(20, 8))
        await pilot.pause()
        assert app.is_running


def test_a_hostile_lead_at_100x34(sqlite_engine, snap_compare):
    leads = build(sqlite_engine)

    async def show_eve(pilot) -> None:
        panel = await show(pilot, "lead", leads.eve)
        panel.start_answering()
        await pilot.press("y", "right")
        await pilot.pause()

    assert snap_compare(ScriptHost(sqlite_engine), terminal_size=SIZE, run_before=show_eve)


async def test_a_stored_script_that_no_longer_reads_is_reported(sqlite_engine):
    leads = build(sqlite_engine)
    with Session(sqlite_engine) as session:
        bad = CallScript(name=DEFAULT_NAME, body="Hi {first_name}", questions=[{"key": "X"}])
        session.add(bad)
        session.commit()
    app = ScriptHost(sqlite_engine)
    async with app.run_test(size=SIZE) as pilot:
        panel = await show(pilot, "lead", leads.lou)
        assert "question key 'X' must be lower-case" in text_of(panel)
        assert app.is_running
