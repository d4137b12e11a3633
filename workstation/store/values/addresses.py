"""Postal addresses as other CRMs export them: Salesforce's compound address fields
(`Address` on a lead, `MailingAddress` on a contact, `BillingAddress` on an account) come
out of its APIs and many export tools as one JSON object,

    {"street": "1 Main St", "city": "Austin", "state": "TX", "postalCode": "78701",
     "country": "US", "latitude": null, "longitude": null, "geocodeAccuracy": null}

which is split into its parts here, never stored as text. A cell that is not such an
object is no compound address (a plain street such as "1 Main St" is a street).
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from workstation.store.values.text import clean_text

# Salesforce's keys, and the codes it writes when state and country picklists are on.
_KEYS = {
    "street": ("street",),
    "city": ("city",),
    "state": ("state", "stateCode"),
    "postal_code": ("postalCode", "postal_code", "zip"),
    "country": ("country", "countryCode"),
}


@dataclass(frozen=True, slots=True)
class Address:
    street: str | None = None
    city: str | None = None
    state: str | None = None
    postal_code: str | None = None
    country: str | None = None


def compound_address(cell: str) -> Address | None:
    """The parts of a compound address written as a JSON object, each cleaned as text is
    (a street's lines joined by spaces); None when the cell holds no such object."""
    written = cell.strip()
    if not (written.startswith("{") and written.endswith("}")):
        return None
    try:
        parsed = json.loads(written)
    except ValueError:
        return None
    if not isinstance(parsed, dict) or not parsed.keys() & {k for ks in _KEYS.values() for k in ks}:
        return None
    parts: dict[str, str | None] = {}
    for part, keys in _KEYS.items():
        given = next((parsed[key] for key in keys if parsed.get(key) not in (None, "")), None)
        parts[part] = None if given is None else clean_text(str(given))
    return Address(**parts)
