"""The campaign's email template, for the script panel: rendered with the record's values
(cleaned for the screen) and copied to the clipboard by OSC 52, or handed to the mail client
as a mailto: URL with every part percent-encoded. A record that opted out of email gets
neither."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, cast

from workstation.work import in_thread

if TYPE_CHECKING:
    from textual.widget import Widget

    # These load after the first frame (see app.py).
    from workstation.store.scripts.for_record import ScriptView
    from workstation.store.scripts.text import Email


class EmailActions:
    """Mixed into the script panel (a widget, which keeps the record's script in `view`); a
    plain class, so that the panel's styles stay those of its container."""

    view: ScriptView | None
    app: Any
    notify: Callable[..., None]

    def _email(self) -> Email | None:
        view = self.view
        if view is None or not view.email_template:
            self.notify("This campaign has no email template.", markup=False, timeout=3)
            return None
        if view.email_opt_out:
            self.notify("This person opted out of email.", severity="warning", markup=False)
            return None
        from workstation.store.scripts.text import render_email
        from workstation.widgets.script_render import cleaned_values

        return render_email(view.email_template, cleaned_values(view))

    def action_copy_email(self) -> None:
        """Copy the email (subject line first) to the terminal's clipboard."""
        email = self._email()
        if email is not None:
            self.app.copy_to_clipboard(email.as_text())
            self.notify(f"Email copied: {email.subject or 'no subject'}", markup=False)
            self._log_email(email)

    def action_open_email(self) -> None:
        """Open the email in the mail client, addressed to the record."""
        email = self._email()
        if email is None or self.view is None:
            return
        if not self.view.email_to:
            self.notify("No email address on this record: w copies the email.", markup=False)
            return
        from workstation.store.scripts.text import mailto_url

        self._open_mail_client(mailto_url(self.view.email_to, email))
        self._log_email(email)

    def _log_email(self, email: Email) -> None:
        """The email goes on the record's timeline as an activity (in a thread)."""
        view = self.view
        if view is None:
            return
        from workstation.handle import store_of
        from workstation.store.calling.emails import log_email

        panel = cast("Widget", self)
        store = store_of(panel)
        kind, record_id = view.record_kind, view.record_id
        rep = store.working_rep  # None only where no rep works (the script's own tests)

        def write() -> object:
            return log_email(
                store.engine,
                kind=kind,
                record_id=record_id,
                subject=email.subject,
                body=email.body,
                rep_id=rep.id if rep else None,
                at=store.clock(),
            )

        in_thread(panel, write, lambda _logged: None, group="log-email", exclusive=False)

    def _open_mail_client(self, url: str) -> None:
        def open_url() -> bool:  # in a thread: starting the mail client may take a moment
            import webbrowser

            return webbrowser.open(url)

        panel = cast("Widget", self)  # what this is mixed into
        in_thread(panel, open_url, self._mail_client_answered, group="mailto")

    def _mail_client_answered(self, answered: bool) -> None:
        if not answered:
            message = "No mail client answered: w copies the email instead."
            self.notify(message, severity="warning", markup=False)
