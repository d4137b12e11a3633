"""What a conversion may do: the choices a rep makes, the refusals, and the read-only rule
for converted leads that every other writer must respect.

Refusals are raised before anything is written (DESIGN.md "Conversion"): a converted lead,
a lead rejected as bogus, a do-not-call lead the rep did not confirm, a contact or an
opportunity from another account, a closed opportunity, a second primary contact role.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from workstation.store.errors import StoreError
from workstation.store.models import Lead
from workstation.store.reference import BAD_DATA
from workstation.store.values.ids import BadId, read_id

NEW = "new"  # create the record
NONE = "none"  # no opportunity / no primary campaign source
REJECTED = "Rejected"  # the lifecycle detour of records sales rejected


class ConversionRefused(StoreError):
    """The conversion breaks a rule; nothing was written."""


class LeadReadOnly(StoreError):
    """The lead was converted: it is kept as it was, and its contact is edited instead."""


@dataclass(frozen=True, slots=True)
class ConversionChoices:
    """What the rep picked in the wizard (or on the command line); None = the default.

    account: an account id, NEW, or None (the strongest match, else a new account).
    contact: a contact id of that account, NEW, or None (the best match, else new).
    opportunity: an open opportunity id of that account, NEW, NONE, or None (NEW).
    role: a contact role name; None leaves the role blank (Salesforce's default).
    primary: make the contact the primary contact role; None = yes, unless the
        opportunity already has one (then the contact is added as a non-primary role).
    campaign: a campaign id or name, NONE, or None (the lead's most recent campaign).
    confirm_do_not_call: the rep confirmed converting a do-not-call lead.
    opportunity_name, amount_cents, close_date: a new opportunity's terms; None = the
        defaults ("Company – Campaign", $0, the end of the quarter).
    """

    account: int | str | None = None
    contact: int | str | None = None
    opportunity: int | str | None = None
    role: str | None = None
    primary: bool | None = None
    campaign: int | str | None = None
    confirm_do_not_call: bool = False
    opportunity_name: str | None = None
    amount_cents: int | None = None
    close_date: date | None = None


DEFAULTS = ConversionChoices()  # every choice left to the wizard's default


def ensure_editable(lead: Lead) -> None:
    """Refuse any change to a converted lead (Salesforce locks them too).

    Every store function that writes a lead calls this first; the message says where the
    record lives now.
    """
    if lead.is_converted:
        when = f" on {lead.converted_at:%Y-%m-%d}" if lead.converted_at else ""
        raise LeadReadOnly(
            f"lead {lead.id} was converted{when} and is read-only; "
            f"edit contact {lead.converted_contact_id} instead"
        )


def ensure_convertible(lead: Lead) -> None:
    """Refuse a lead that was converted already or rejected as bogus."""
    if lead.is_converted:
        raise ConversionRefused(
            f"lead {lead.id} is already converted (contact {lead.converted_contact_id}, "
            f"account {lead.converted_account_id}); nothing was changed"
        )
    if lead.status == BAD_DATA or lead.lifecycle_stage == REJECTED:
        why = f": {lead.rejected_reason}" if lead.rejected_reason else ""
        marked = "rejected by sales" if lead.lifecycle_stage == REJECTED else "marked Bad Data"
        raise ConversionRefused(
            f"lead {lead.id} was {marked}{why}; it cannot be converted. "
            "Reopen it first if it turned out to be genuine"
        )


def do_not_call_problem(lead: Lead, choices: ConversionChoices) -> str | None:
    """Why a do-not-call lead may not be converted yet (None: it may)."""
    if lead.do_not_call and not choices.confirm_do_not_call:
        return (
            f"lead {lead.id} is do-not-call: confirm to convert it anyway "
            "(--confirm-dnc on the command line); nothing was changed"
        )
    return None


def parse_choice(value: str | None, *, allowed: tuple[str, ...], what: str) -> int | str | None:
    """A command-line choice: an id, or one of the words in `allowed`."""
    if value is None:
        return None
    word = value.strip().lower()
    if word in allowed:
        return word
    if word.isdigit():
        try:
            return read_id(word, what=f"a {what} id")
        except BadId as error:
            raise ConversionRefused(str(error)) from None
    raise ConversionRefused(f"{what} must be an id or one of: {', '.join(allowed)} (not {value!r})")
