"""The script panel beside the record card: the campaign's script with the record's values
in place, the qualifying questions answered from the keyboard while on the call, objection
sections one key away, and the campaign's email template to copy or open in the mail client.

It follows the record: `show(card, rep_name=…)` loads the record's script in a thread worker
and draws it once per record (or when the record's version changes), so the `n` key never
waits on it. `answers()` is this call's answers, for `log_call`; `Qualified` is posted when
the answers first meet the script's rule.

`start_answering()` gives it the focus and Esc gives it back; its keys (BINDINGS) show in the
footer meanwhile. Digits are not bound here, so a disposition key still logs the call.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Input, Static

from workstation.handle import store_of
from workstation.widgets.in_place import update_in_place
from workstation.widgets.safe_text import safe_text
from workstation.widgets.script_email import EmailActions
from workstation.work import in_thread, show_store_error

# The script's rules and rendering load after the first frame, with the store (app.py): the
# panel shows nothing but a loading note until a record's script arrives.
if TYPE_CHECKING:
    from rich.markdown import Markdown

    from workstation.store.calling.card import Card
    from workstation.store.scripts.for_record import ScriptView


class AnswerInput(Input):
    """The answer being typed. Enter hands it to the panel at once: a posted Submitted
    message would arrive after keys the rep has already typed on."""

    def __init__(self, submit: Callable[[], None], **kwargs) -> None:
        super().__init__(**kwargs)
        self._submit = submit

    async def action_submit(self) -> None:
        self._submit()


class ScriptPanel(EmailActions, Vertical, can_focus=True):
    """The script for the record being worked; `show(None)` or `clear()` empties it."""

    KEYS_TITLE = "The script (s to answer its questions)"

    DEFAULT_CSS = """
    ScriptPanel {
        border: round $secondary;
        border-title-color: $text-secondary;
        padding: 0 1;
    }
    ScriptPanel:focus-within { border: round $accent; }
    ScriptPanel #script-context { height: auto; color: $text-muted; }
    ScriptPanel #script-body { height: 1fr; }
    ScriptPanel .script-section { height: auto; margin-bottom: 1; }
    ScriptPanel .script-section.-current { background: $boost; }
    ScriptPanel #script-questions { height: auto; border-top: solid $secondary-muted; }
    ScriptPanel #script-answer { display: none; }
    ScriptPanel.-editing #script-answer { display: block; }
    """
    BINDINGS = [
        Binding("up", "move(-1)", "Previous question", id="script.previous", show=False),
        Binding("down", "move(1)", "Next question", id="script.next", show=False),
        Binding("y", "yes_no(True)", "Yes", id="script.yes"),
        Binding("n", "yes_no(False)", "No", id="script.no"),
        Binding("left", "cycle(-1)", "Previous choice", id="script.previous_choice", show=False),
        Binding("right", "cycle(1)", "Choice", id="script.next_choice"),
        Binding("enter", "type", "Type", id="script.type"),
        Binding("delete,backspace", "clear_answer", "Clear", id="script.clear", show=False),
        Binding("o", "objection(1)", "Objection", id="script.objection"),
        Binding("O", "objection(-1)", "Objection back", id="script.objection_back", show=False),
        Binding("w", "copy_email", "Copy email", id="script.copy_email"),
        Binding("W", "open_email", "Mail client", id="script.open_email", show=False),
        Binding("pagedown", "scroll_script(1)", "Scroll", id="script.page_down", show=False),
        Binding("pageup", "scroll_script(-1)", "Scroll back", id="script.page_up", show=False),
        Binding("escape", "done", "Back", id="script.done"),
    ]  # fmt: skip

    @dataclass
    class Qualified(Message):
        """This call's answers met the script's qualification rule."""

        record_kind: str
        record_id: int

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.view: ScriptView | None = None
        self._record: tuple[str, int] | None = None
        self._version: tuple[int, str] | None = None
        self._answers: dict[str, object] = {}
        self._selected, self._qualified, self._objection = 0, False, -1
        self._return_to: Widget | None = None

    def compose(self) -> ComposeResult:
        yield Static(id="script-context")
        # The script's body and questions are mounted after the first frame (`_build`), and
        # the answer box the first time a typed answer is asked for (`_answer_box`).

    def on_mount(self) -> None:
        self.clear()
        self.call_after_refresh(self._build)

    def _build(self) -> None:
        """Mount the script's body and questions, once."""
        if self.is_attached and not self.query("#script-body"):
            self.mount(VerticalScroll(id="script-body", can_focus=False))
            self.mount(Static(id="script-questions"))

    def _body(self) -> VerticalScroll | None:
        """The body, mounted when first asked for; None when the panel is going (the app
        ends while a worker's answer is drawn: mounting then does not take)."""
        self._build()
        return next(iter(self.query("#script-body").results(VerticalScroll)), None)

    def show(self, card: Card | None, *, rep_name: str) -> None:
        """Follow the record: a new record gets its script and no answers; the same record
        keeps this call's answers and is only reloaded when its version changed."""
        if card is None:
            self.clear()
            return
        record, version = (card.kind, card.id), (card.version, rep_name)
        if record == self._record and version == self._version:
            return
        if record != self._record:
            self._answers, self._selected, self._objection = {}, 0, -1
        self._record, self._version = record, version
        self._load(card.kind, card.id, rep_name)

    def clear(self, note: str = "No record: the script shows with the next lead.") -> None:
        """No record: nothing shown but `note`, no answers."""
        self.view, self._record, self._version = None, None, None
        self._answers, self._selected, self._qualified, self._objection = {}, 0, False, -1
        self.border_title = "Script"
        self.query_one("#script-context", Static).update(safe_text(note, style="dim"))
        for body in self.query("#script-body").results(VerticalScroll):
            body.remove_children()
        for questions in self.query("#script-questions").results(Static):
            questions.update("")

    def reload(self) -> None:
        """Read the record's script again (after scripts were edited); the answers stay."""
        if self._record is not None and self._version is not None:
            self._load(*self._record, self._version[1])

    def answers(self) -> dict[str, object]:
        """This call's answers, typed, for `log_call(answers=…)`."""
        return dict(self._answers)

    def _load(self, kind: str, record_id: int, rep_name: str) -> None:
        def read() -> tuple[ScriptView, list[Markdown]] | None:
            from workstation.store.scripts.for_record import script_for_record

            with store_of(self).open_session() as session:
                view = script_for_record(session, kind, record_id, rep_name=rep_name)
            if view is None:
                return None
            from workstation.widgets.script_render import cleaned_values, render_section

            # Markdown is parsed here, off the event loop: the main thread only swaps it in.
            values = cleaned_values(view)
            return view, [render_section(section, values) for section in view.sections]

        failed = partial(self._failed, kind, record_id)
        in_thread(self, read, self._show_view, group="script", on_error=failed)

    def _failed(self, kind: str, record_id: int, error: Exception) -> None:
        """A stored script that no longer reads: said in place of the script."""
        if self._record == (kind, record_id):
            self.query_one("#script-context", Static).update(safe_text(error))

    async def _show_view(self, shown: tuple[ScriptView, list[Markdown]] | None) -> None:
        from workstation.widgets.script_render import render_context

        if shown is None or not self.is_attached:
            return  # no such record (any more), or the panel is gone (the app is ending)
        view, rendered = shown
        if self._record != (view.record_kind, view.record_id):
            return  # the rep has moved on to another record meanwhile
        keys = {q.key for q in view.questions}
        self._answers = {k: v for k, v in self._answers.items() if k in keys}
        self._selected = min(self._selected, max(len(view.questions) - 1, 0))
        self.view = view
        self._qualified = self._scored().qualified
        self.border_title = safe_text(f"Script · {view.script_name}")
        update_in_place(self.query_one("#script-context", Static), render_context(view))
        body = self._body()
        if body is None:
            return
        if len(body.children) == len(rendered):
            for widget, markdown in zip(body.children, rendered, strict=True):
                widget.remove_class("-current")
                update_in_place(widget, markdown)  # type: ignore[arg-type]
        else:
            await body.remove_children()
            await body.mount_all(Static(m, classes="script-section") for m in rendered)
            if not self.is_attached:
                return  # the panel went while the sections were mounted (the app is ending)
        body.scroll_home(animate=False)
        self._draw_questions()

    def start_answering(self) -> None:
        """Take the focus to answer questions; Esc gives it back to what had it."""
        focused = self.screen.focused
        if focused is not None and self not in focused.ancestors_with_self:
            self._return_to = focused
        # At once, not after the queued keys: a rep may type "s y" faster than a refresh.
        self.screen.set_focus(self)

    def _scored(self):
        from workstation.store.scripts.rules import score_from_answers

        assert self.view is not None
        merged = self.view.last_answers | self._answers
        return score_from_answers(self.view.questions, merged, self.view.rule)

    def _draw_questions(self) -> None:
        from workstation.widgets.script_render import render_questions

        if self.view is None or not self.is_attached:
            return
        self._build()
        update_in_place(
            self.query_one("#script-questions", Static),
            render_questions(
                self.view,
                self._answers,
                selected=self._selected,
                focused=self.has_focus_within,
                editing=self.has_class("-editing"),
            ),
        )

    def _set(self, key: str, value: object) -> None:
        if value is None:
            self._answers.pop(key, None)
        else:
            self._answers[key] = value
        qualified = self._scored().qualified
        if qualified and not self._qualified and self._record is not None:
            self.post_message(self.Qualified(*self._record))
        self._qualified = qualified
        self._draw_questions()

    def _question(self):
        view = self.view
        return view.questions[self._selected] if view and view.questions else None

    def action_move(self, step: int) -> None:
        if self.has_class("-editing"):
            self._finish_edit(keep=True)
        if self.view and self.view.questions:
            self._selected = max(0, min(len(self.view.questions) - 1, self._selected + step))
            self._draw_questions()

    def action_yes_no(self, value: bool) -> None:
        question = self._question()
        if question is None or question.type != "yesno":
            self.notify("y / n answer a yes-or-no question.", timeout=2)
            return
        self._set(question.key, value)
        self.action_move(1)

    def action_cycle(self, step: int) -> None:
        question = self._question()
        if question is None:
            return
        current = self._answers.get(question.key)
        if question.type == "yesno":
            self._set(question.key, not current if isinstance(current, bool) else step > 0)
        elif question.type == "choice":
            choices = question.choices
            at = choices.index(current) if current in choices else (-1 if step > 0 else 0)
            self._set(question.key, choices[(at + step) % len(choices)])

    def action_clear_answer(self) -> None:
        question = self._question()
        if question is not None:
            self._set(question.key, None)

    def action_type(self) -> None:
        question = self._question()
        if question is None:
            return
        if question.type in ("yesno", "choice"):
            self.action_move(1)
            return
        answer = self._answer_box()
        answer.type = "number" if question.type == "number" else "text"
        answer.placeholder = question.label
        answer.value = str(self._answers.get(question.key, ""))
        self.add_class("-editing")
        self.screen.set_focus(answer)
        self._draw_questions()

    def _answer_box(self) -> Input:
        """The box a typed answer goes in, mounted when first needed: it stays hidden
        until then, and an Input is costly to build before the first frame."""
        boxes = self.query("#script-answer")
        if boxes:
            return boxes.first(Input)
        box = AnswerInput(self._typed, id="script-answer", compact=True)
        self.mount(box)
        return box

    def _typed(self) -> None:
        if self._finish_edit(keep=True):
            self.action_move(1)

    def _finish_edit(self, *, keep: bool) -> bool:
        """Leave typing; with `keep`, store what was typed (False if it is not valid)."""
        from workstation.store.scripts.rules import ScriptError, check_answer

        question = self._question()
        answer = self._answer_box()
        try:
            value = check_answer(question, answer.value) if keep and question else None
        except ScriptError as error:
            show_store_error(self, error, severity="warning")
            return False
        self.remove_class("-editing")
        self.screen.set_focus(self)
        if keep and question:
            self._set(question.key, value)
        self._draw_questions()
        return True

    def action_done(self) -> None:
        if self.has_class("-editing"):
            self._finish_edit(keep=False)
            return
        target, self._return_to = self._return_to, None
        if target is not None and target.is_attached:
            self.screen.set_focus(target)
        else:
            self.screen.set_focus(None)

    def on_focus(self) -> None:
        self._draw_questions()  # the selected question is highlighted only while answering

    on_blur = on_focus

    def action_objection(self, step: int) -> None:
        """Jump to the next (or previous) objection section of the script."""
        if self.view is None:
            return
        places = [n for n, section in enumerate(self.view.sections) if section.objection]
        if not places:
            self.notify("This script has no objection sections.", timeout=2)
            return
        self._objection = (self._objection + step) % len(places)
        self.jump_to_section(places[self._objection])

    def jump_to_section(self, number: int) -> None:
        body = self._body()
        if body is None:
            return
        for n, widget in enumerate(body.children):
            widget.set_class(n == number, "-current")
        body.scroll_to_widget(body.children[number], top=True, animate=False)

    def action_scroll_script(self, pages: int) -> None:
        body = self._body()
        if body is None:
            return
        body.scroll_relative(y=pages * max(body.size.height - 1, 1), animate=False)
