"""When a person may be called: 08:00–21:00 in their own time zone.

The zone is the record's stored IANA zone, else the phone number's (libphonenumber's
geographic data), else the state's or the country's. A person whose zone cannot be told is
callable: refusing them would hide them from every queue for a missing field.
"""

from __future__ import annotations

from datetime import datetime, time
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

WINDOW_OPENS = time(8, 0)
WINDOW_CLOSES = time(21, 0)

US_STATE_ZONES = {
    **dict.fromkeys(
        "CT DE DC FL GA IN KY ME MD MA MI NH NJ NY NC OH PA RI SC VT VA WV".split(),
        "America/New_York",
    ),
    **dict.fromkeys("AL AR IL IA KS LA MN MS MO NE ND OK SD TN TX WI".split(), "America/Chicago"),
    **dict.fromkeys("AZ".split(), "America/Phoenix"),
    **dict.fromkeys("CO ID MT NM UT WY".split(), "America/Denver"),
    **dict.fromkeys("CA NV OR WA".split(), "America/Los_Angeles"),
    "AK": "America/Anchorage",
    "HI": "Pacific/Honolulu",
}

COUNTRY_ZONES = {
    "US": "America/New_York",
    "CA": "America/Toronto",
    "GB": "Europe/London",
    "UK": "Europe/London",
    "IE": "Europe/Dublin",
    "DE": "Europe/Berlin",
    "FR": "Europe/Paris",
    "ES": "Europe/Madrid",
    "IT": "Europe/Rome",
    "NL": "Europe/Amsterdam",
    "BE": "Europe/Brussels",
    "CH": "Europe/Zurich",
    "AT": "Europe/Vienna",
    "SE": "Europe/Stockholm",
    "NO": "Europe/Oslo",
    "DK": "Europe/Copenhagen",
    "FI": "Europe/Helsinki",
    "PL": "Europe/Warsaw",
    "PT": "Europe/Lisbon",
    "AU": "Australia/Sydney",
    "NZ": "Pacific/Auckland",
    "IN": "Asia/Kolkata",
    "JP": "Asia/Tokyo",
    "SG": "Asia/Singapore",
    "BR": "America/Sao_Paulo",
    "MX": "America/Mexico_City",
    "ZA": "Africa/Johannesburg",
}
COUNTRY_NAMES = {
    "united states": "US",
    "usa": "US",
    "canada": "CA",
    "united kingdom": "GB",
    "germany": "DE",
    "deutschland": "DE",
    "france": "FR",
    "australia": "AU",
    "ireland": "IE",
    "india": "IN",
    "japan": "JP",
    "netherlands": "NL",
    "spain": "ES",
}


@lru_cache(maxsize=65536)
def zone_for_phone(phone: str | None) -> str | None:
    """The one time zone of an E.164 number, if libphonenumber knows exactly one."""
    if not phone or not phone.startswith("+"):
        return None
    import phonenumbers
    from phonenumbers import timezone as phone_zones

    try:
        number = phonenumbers.parse(phone, None)
    except phonenumbers.NumberParseException:
        return None
    zones = [z for z in phone_zones.time_zones_for_number(number) if z != "Etc/Unknown"]
    return zones[0] if len(zones) == 1 else None


def zone_for_place(state: str | None, country: str | None) -> str | None:
    code = (country or "").strip()
    code = COUNTRY_NAMES.get(code.lower(), code.upper())
    if state and code in ("", "US"):
        zone = US_STATE_ZONES.get(state.strip().upper())
        if zone:
            return zone
    return COUNTRY_ZONES.get(code)


def resolve_zone(
    stored: str | None, phone: str | None, state: str | None, country: str | None
) -> str | None:
    return stored or zone_for_phone(phone) or zone_for_place(state, country)


@lru_cache(maxsize=1024)
def _zone(name: str) -> ZoneInfo | None:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None


def outside_window(zone_name: str | None, now: datetime) -> str | None:
    """Why calling now would be outside the person's window, or None when it is fine."""
    zone = _zone(zone_name) if zone_name else None
    if zone is None:
        return None
    local = now.astimezone(zone)
    if WINDOW_OPENS <= local.time() < WINDOW_CLOSES:
        return None
    return f"{local:%H:%M} where they are ({zone_name}): call 08:00–21:00"
