"""Correcting a lead's or contact's fields: validated, and safe when two reps edit at once.

The save names the version the rep read. If someone saved the record meanwhile, the save
is refused with a clear message and nothing is overwritten (optimistic locking, one
conditional UPDATE). Every changed field lands in the history.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine, update

from workstation.store.db import write_session
from workstation.store.errors import StoreError
from workstation.store.history import record_change
from workstation.store.models import Contact, Lead, Rep, utcnow
from workstation.store.permissions import require_active
from workstation.store.scoring.explain import CONTACT_FIT, LEAD_FIT, rescore
from workstation.store.tables import table_of
from workstation.store.values.calling_window import record_zone, stored_zones
from workstation.store.values.cleansing import BadValue, clean_email, clean_text, e164, parse_phone
from workstation.store.values.regions import country_code, stored_country

_PHONES = ("phone", "phone_extension", "mobile_phone")
_ADDRESS = ("street", "city", "state", "postal_code", "country")
TEXT_FIELDS = {
    "lead": ("first_name", "last_name", "title", "company", "email", *_PHONES, "website",
             "industry", *_ADDRESS, "account_type", "description"),
    "contact": ("first_name", "last_name", "title", "email", *_PHONES, *_ADDRESS,
                "description"),
}  # fmt: skip
MULTILINE = ("description",)
FLAG_FIELDS = ("do_not_call", "email_opt_out")
REQUIRED = {"lead": ("last_name", "company"), "contact": ("last_name",)}


class InvalidValue(StoreError):
    """A field's new value is not acceptable; the message names the field."""


class StaleRecord(StoreError):
    """Someone else saved the record since it was read; nothing was written."""


@dataclass(frozen=True, slots=True)
class Saved:
    kind: str
    id: int
    version: int
    changed: list[str]


def _clean(kind: str, changes: dict[str, object], region: str) -> dict[str, object]:
    """The changes cleaned as an import cleans them; a phone read as `region` writes it,
    and an extension written in the phone ("x972") goes to the extension unless that is
    edited too."""
    clean: dict[str, object] = {}
    columns = table_of(Lead if kind == "lead" else Contact).c
    for name, value in changes.items():
        if name in FLAG_FIELDS:
            clean[name] = bool(value)
            continue
        if name not in TEXT_FIELDS[kind]:
            raise InvalidValue(f"{name!r} cannot be edited here")
        label = name.replace("_", " ")
        limit = getattr(columns[name].type, "length", None)
        try:
            text = clean_text(
                "" if value is None else str(value), limit, label, multiline=name in MULTILINE
            )
            if text is not None and name == "email":
                text = clean_email(text)
            elif text is not None and name in ("phone", "mobile_phone"):
                number = parse_phone(text, region)
                assert number is not None  # the text is not blank
                text = e164(number)
                if name == "phone" and number.extension and "phone_extension" not in changes:
                    clean["phone_extension"] = number.extension
        except BadValue as error:
            raise InvalidValue(str(error)) from None
        if text is not None and name == "country":
            text = stored_country(text)  # its ISO code, as imports store it
        if text is None and name in REQUIRED[kind]:
            raise InvalidValue(f"{label} cannot be empty")
        clean[name] = text
    return clean


def save_fields(
    engine: Engine,
    *,
    rep_id: int,
    kind: str,
    record_id: int,
    expected_version: int,
    changes: dict[str, object],
    region: str = "US",
    now: datetime | None = None,
) -> Saved:
    """Save corrected fields if the record is still at `expected_version`.

    A phone written without its country code is read as the record's country writes it
    (the country as edited, else as stored; `region` when it has none). The time zone
    follows the address (a state's own zone, else a one-zone country) before the phone's.
    """
    now = now or utcnow()
    with write_session(engine) as session:
        require_active(session, rep_id, "edit records")
        record = session.get(Lead, record_id) if kind == "lead" else session.get(Contact, record_id)
        if record is None:
            raise InvalidValue(f"there is no {kind} {record_id}")
        typed_country = changes.get("country", record.country)
        clean = _clean(kind, changes, country_code(str(typed_country or "")) or region)
        if isinstance(record, Lead) and record.is_converted:
            raise InvalidValue(
                f"lead {record_id} was converted and is read-only: edit "
                f"contact {record.converted_contact_id} instead"
            )
        rep = session.get(Rep, rep_id)
        if rep is None or (record.owner_id not in (None, rep_id) and rep.role != "manager"):
            raise InvalidValue(f"{kind} {record_id} is not yours to edit")
        changed = {k: v for k, v in clean.items() if getattr(record, k) != v}
        derived: dict[str, object] = {}  # follows from the fields, kept out of the history
        if changed.keys() & {"phone", "state", "country"}:
            phone, state, country = (
                _text_after(clean, record, name) for name in ("phone", "state", "country")
            )
            zone = record_zone(phone, state, country)
            if zone != record.time_zone:
                changed["time_zone"] = zone
            if isinstance(record, Lead):  # the claim's window for a lead with no one zone
                derived["possible_zones"] = stored_zones(zone, phone, state, country)
        if record.version != expected_version:
            raise StaleRecord(_stale_message(session, kind, record, expected_version))
        if not changed:
            return Saved(kind, record_id, record.version, [])
        table = table_of(type(record))
        result = session.exec(
            update(table)
            .where(table.c.id == record_id, table.c.version == expected_version)
            .values(**changed, **derived, version=expected_version + 1, updated_at=now)
        )
        if result.rowcount != 1:
            raise StaleRecord(_stale_message(session, kind, record, expected_version))
        for name, value in changed.items():
            record_change(
                session,
                entity=kind,
                entity_id=record_id,
                field=name,
                old=getattr(record, name),
                new=value,
                rep_id=rep_id,
                reason="edited",
                at=now,
            )
        if changed.keys() & set(LEAD_FIT if kind == "lead" else CONTACT_FIT):
            session.refresh(record)  # written by the statement above, read back
            rescore(session, record, now)  # a title, industry or size the score reads
        return Saved(kind, record_id, expected_version + 1, sorted(changed))


def _text_after(clean: dict[str, object], record: Lead | Contact, name: str) -> str | None:
    """A text field's value once the cleaned changes are saved."""
    value = clean[name] if name in clean else getattr(record, name)
    assert value is None or isinstance(value, str)  # a text field: cleaned to text or None
    return value


def _stale_message(session, kind: str, record, expected: int) -> str:
    session.refresh(record)
    return (
        f"{kind} {record.id} was saved by someone else since you opened it "
        f"(version {record.version}, you had {expected}): your changes were not saved. "
        "Reload it, then make them again."
    )
