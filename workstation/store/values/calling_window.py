"""When a person may be called: the calling hours (08:00–21:00 unless the settings say
otherwise) in their own time zone.

The zone is the record's stored IANA zone, else its address's (the state's, or a one-zone
country's), else the phone number's (libphonenumber's geographic data). When the person may
be in several zones (a +61 8 number is Adelaide or Perth; a US lead with no state or phone
is anywhere from New York to Honolulu), the window is the hours all of those zones share.
A person whose zone cannot be told at all is callable: refusing them would hide them from
every queue for a missing field.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from workstation.store.values.regions import (
    COUNTRY_NAMES,
    country_code,
    country_zones,
    region_code,
    zone_for_place,
)
from workstation.store.values.rules import DEFAULT_HOURS, CallingHours


@lru_cache(maxsize=65536)
def _phone(phone: str | None) -> tuple[str | None, tuple[str, ...]]:
    """(Country, time zones) libphonenumber gives an E.164 number: its area's, or for a
    number with no area (a mobile) every zone of its country, never the country's first
    zone as a guess."""
    if not phone or not phone.startswith("+"):
        return None, ()
    import phonenumbers
    from phonenumbers import timezone as zone_data

    try:
        number = phonenumbers.parse(phone, None)
    except phonenumbers.NumberParseException:
        return None, ()
    zones = zone_data.time_zones_for_number(number)
    return (
        phonenumbers.region_code_for_number(number),
        tuple(zone for zone in zones if zone != "Etc/Unknown"),
    )


def phone_country(phone: str | None) -> str | None:
    return _phone(phone)[0]


def phone_zones(phone: str | None) -> tuple[str, ...]:
    return _phone(phone)[1]


def record_zone(phone: str | None, state: str | None, country: str | None) -> str | None:
    """The one zone to store for a record: its address's, else its phone's (None when
    several are possible; the calling window then keeps to the hours all of them share)."""
    zones = possible_zones(None, phone, state, country)
    return zones[0] if len(zones) == 1 else None


def stored_zones(
    time_zone: str | None, phone: str | None, state: str | None, country: str | None
) -> str | None:
    """What a lead stores beside a missing zone (`Lead.possible_zones`): its possible zones,
    space-separated, for the one-statement claim's window (`pool_claim`); None when it has
    its zone or nothing tells."""
    if time_zone:
        return None
    return " ".join(possible_zones(None, phone, state, country)) or None


@lru_cache(maxsize=65536)
def possible_zones(
    stored: str | None, phone: str | None, state: str | None, country: str | None
) -> tuple[str, ...]:
    """Every time zone the person may be in, most certain first: the stored zone, else the
    address's (a state is read in the country's, or else the phone's, country), else the
    phone's area code's (one or several), else the country's. Empty when nothing tells."""
    if stored:
        return (stored,)
    code = country_code(country) or phone_country(phone)
    place = zone_for_place(region_code(state, code), code)
    if place:
        return (place,)
    return phone_zones(phone) or country_zones(code)


@lru_cache(maxsize=1024)
def _zone(name: str) -> ZoneInfo | None:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None


def known_zone(name: str) -> str | None:
    """`name` when it is an IANA time zone this machine knows ("Australia/Perth"), else None."""
    return name if name and "/" in name and _zone(name) is not None else None


def outside_window(
    zone_names: tuple[str, ...], now: datetime, hours: CallingHours = DEFAULT_HOURS
) -> str | None:
    """Why calling now would be outside the person's window in any zone they may be in, or
    None when it is fine. When those windows share no hour at all (a number that may be
    anywhere from Guam to Alaska), the zone can't be told and the person is callable.

    Every zone's offset is whole minutes, as are calling hours written "08:00-21:00": the
    answer then holds for the whole minute and is worked out once (`next` asks it of most
    rows it passes over, many with the same zones)."""
    if _whole_minutes(hours):
        return _outside_in_minute(zone_names, now.replace(second=0, microsecond=0), hours)
    return _outside(zone_names, now, hours)


def _whole_minutes(hours: CallingHours) -> bool:
    return not (hours.opens.second or hours.opens.microsecond or hours.closes.second
                or hours.closes.microsecond)  # fmt: skip


@lru_cache(maxsize=4096)
def _outside_in_minute(
    zone_names: tuple[str, ...], minute: datetime, hours: CallingHours
) -> str | None:
    return _outside(zone_names, minute, hours)


def _outside(zone_names: tuple[str, ...], now: datetime, hours: CallingHours) -> str | None:
    zones = [(name, zone) for name in zone_names if (zone := _zone(name)) is not None]
    if not zones or not _overlap([zone for _, zone in zones], now, hours):
        return None
    for name, zone in zones:
        local = now.astimezone(zone)
        if not hours.opens <= local.time() < hours.closes:
            where = name if len(zones) == 1 else f"{name}, one of {len(zones)} zones they may be in"
            return f"{local:%H:%M} where they are ({where}): call {hours}"
    return None


def _overlap(zones: list[ZoneInfo], now: datetime, hours: CallingHours) -> bool:
    """Whether the zones' calling windows share an hour (by their UTC offsets now)."""
    offsets = [zone.utcoffset(now) or timedelta() for zone in zones]
    day = datetime(2000, 1, 1)
    window = datetime.combine(day, hours.closes) - datetime.combine(day, hours.opens)
    return max(offsets) - min(offsets) < window


@lru_cache(maxsize=1)
def _zone_sets() -> tuple[tuple[str, tuple[ZoneInfo, ...]], ...]:
    """Every set of several zones `stored_zones` can write, as written, with its zones:
    the phone prefixes' (libphonenumber's table) and the countries'."""
    from phonenumbers.tzdata import TIMEZONE_DATA

    found = {
        tuple(zone for zone in zones if zone != "Etc/Unknown") for zones in TIMEZONE_DATA.values()
    } | {country_zones(code) for code in COUNTRY_NAMES}
    sets = []
    for names in sorted(found):
        zones = tuple(zone for name in names if (zone := _zone(name)) is not None)
        if len(zones) > 1:
            sets.append((" ".join(names), zones))
    return tuple(sets)


def apart_zone_sets(now: datetime, hours: CallingHours = DEFAULT_HOURS) -> tuple[str, ...]:
    """The stored sets of zones (`stored_zones`) whose calling windows share no hour at
    `now`: `outside_window` calls a person who may be in any of them callable."""
    return tuple(text for text, zones in _zone_sets() if not _overlap(list(zones), now, hours))
