"""The campaign's email template, for the script panel: rendered with the record's values
(cleaned for the screen) and copied to the clipboard by OSC 52, or handed to the mail client
as a mailto: URL with every part percent-encoded. A record that opted out of email gets
neither."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from textual import work

if TYPE_CHECKING:  # these load after the first frame (see app.py)
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

    @work(thread=True, exclusive=True, group="mailto")
    def _open_mail_client(self, url: str) -> None:
        import webbrowser

        if not webbrowser.open(url):  # starting the mail client may take a moment
            message = "No mail client answered: w copies the email instead."
            self.app.call_from_thread(self.notify, message, severity="warning", markup=False)
