"""Cleansing one value at a time, as an import reads it: text, emails, phones (numbers, flags
and dates are read in `formats`).

- Text is cleaned as every text entering the store is (`values/text.py`, `clean_text`):
  trimmed, runs of white space made one space, terminal escapes and controls dropped, and
  the bidi controls that reorder a line. A cell our own export escaped against formula
  injection gets its one leading quote back off (`unescape_formula`).
- Emails are checked by email-validator and stored lower-cased, the form duplicates are
  matched on. Most addresses are plain ASCII ones that a strict pattern vouches for: those
  skip the library (25–50 µs a call) and come out exactly as it would give them, lower-cased;
  a test holds the pattern to that. Everything else goes through the library.
- Phones are parsed by libphonenumber with a default region, must be valid numbers, and are
  stored in E.164; an extension written after the number ("x972", "ext. 972", "#972") is
  read apart from it, for its own field. North American numbers written as ten digits (or
  1 + ten, or +1 + ten) with ordinary separators are read without the general parser,
  giving the very number it would, and a number matching the US pattern is valid without
  the general check, as it would be (tests hold both to the library).

A value that cannot be used raises `BadValue` with a message a person can act on.
"""

from __future__ import annotations

import re

import phonenumbers
from email_validator import SPECIAL_USE_DOMAIN_NAMES, EmailNotValidError, validate_email
from phonenumbers import PhoneMetadata, PhoneNumber, PhoneNumberFormat
from phonenumbers import timezone as phone_zones
from phonenumbers.tzdata import TIMEZONE_DATA

# The door's one cleaning, re-exported where the importers look for it.
from workstation.store.values.text import BadValue as BadValue
from workstation.store.values.text import clean_text as clean_text
from workstation.store.values.text import without_controls as without_controls

# Exactly the ASCII addresses email-validator accepts unchanged apart from case: dot-atom
# local part; host labels of letters, digits and single hyphens; a letters-only TLD.
_ATOM = r"[a-z0-9_!#$%&'*+/=?^`{|}~-]+"
_LABEL = r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?"
_PLAIN_EMAIL = re.compile(rf"{_ATOM}(?:\.{_ATOM})*@((?:{_LABEL}\.)+[a-z]{{2,63}})")
_SPECIAL_USE = tuple(f".{name}" for name in SPECIAL_USE_DOMAIN_NAMES)


def _plain_email(address: str) -> str | None:
    lowered = address.lower()
    match = _PLAIN_EMAIL.fullmatch(lowered)
    if match is None or len(lowered) > 254:
        return None
    domain = match.group(1)
    if len(domain) > 253 or "--" in domain or ("." + domain).endswith(_SPECIAL_USE):
        return None
    return lowered


def clean_email(value: str) -> str | None:
    """The address lower-cased as email-validator normalises it; None when empty."""
    address = value.strip()
    if not address:
        return None
    plain = _plain_email(address)
    if plain is not None:
        return plain
    try:
        return validate_email(address, check_deliverability=False).normalized.lower()
    except EmailNotValidError as error:
        raise BadValue(f"email {address!r} is not valid: {error}") from None


def _metadata(region: str) -> PhoneMetadata:
    """libphonenumber's data for a region it lists, which it therefore has."""
    metadata = PhoneMetadata.metadata_for_region(region)
    assert metadata is not None
    return metadata


_NANP_WRITTEN = re.compile(r"\+?[0-9 ().\-/]+")
# Regions whose numbers the shortcut may read: the North American plan, national prefix 1.
_NANP_REGIONS = frozenset(
    region
    for region in phonenumbers.COUNTRY_CODE_TO_REGION_CODE[1]
    if _metadata(region).national_prefix_for_parsing == "1"
)


def _nanp_number(written: str, region: str) -> PhoneNumber | None:
    """A North American number read without the general parser, or None to use it."""
    national = _nanp_national(written, region)
    return None if national is None else PhoneNumber(country_code=1, national_number=int(national))


def _nanp_national(written: str, region: str) -> str | None:
    """The ten digits of `_nanp_number`, or None."""
    if not _NANP_WRITTEN.fullmatch(written):
        return None
    # str.translate deletes four times slower than replace, here a million times a file.
    digits = written.replace(" ", "").replace("(", "").replace(")", "").replace(".", "")
    digits = digits.replace("-", "").replace("/", "")
    if digits.startswith("+"):
        national = digits[2:] if digits.startswith("+1") else ""
    elif region in _NANP_REGIONS:
        national = digits[1:] if len(digits) == 11 and digits[0] == "1" else digits
    else:
        return None
    if len(national) != 10 or national[0] in "01":
        return None
    return national


# A ten-digit number matching the US fixed-line or mobile pattern is valid: the US is the
# first region libphonenumber tries for +1 and claims any number of one of its types. Other
# numbers (Canada's, the Caribbean's, the rest of the world's) get the full check.
_US = _metadata("US")
assert _US.fixed_line is not None and _US.mobile is not None  # the US has both kinds
_US_NUMBER = re.compile(
    f"(?:{_US.fixed_line.national_number_pattern})|(?:{_US.mobile.national_number_pattern})"
)


def _is_valid(number: PhoneNumber) -> bool:
    if number.country_code == 1 and _US_NUMBER.fullmatch(str(number.national_number)):
        return not number.italian_leading_zero
    return phonenumbers.is_valid_number(number)


def parse_phone(value: str, region: str) -> PhoneNumber | None:
    """The number written in `value` (None when empty); BadValue when it is not valid."""
    written = value.strip()
    if not written:
        return None
    number = _nanp_number(written, region)
    if number is None:
        try:
            number = phonenumbers.parse(written, region)
        except phonenumbers.NumberParseException:
            raise BadValue(f"phone {written!r} is not a phone number") from None
    if not _is_valid(number):
        raise BadValue(f"phone {written!r} is not a valid number (default region {region})")
    return number


def e164(number: PhoneNumber) -> str:
    return phonenumbers.format_number(number, PhoneNumberFormat.E164)


def phone_zone(number: PhoneNumber) -> str | None:
    """The one time zone libphonenumber's prefix data gives the number, if exactly one (a
    number with no area, a mobile, is any zone of its country: none, as `calling_window`
    reads it, never the country's first zone as a guess)."""
    zones = phone_zones.time_zones_for_number(number)
    return zones[0] if len(zones) == 1 and zones[0] != "Etc/Unknown" else None


# libphonenumber finds a number's zones by the longest prefix of its E.164 digits that its
# data holds, so the answer depends on no more digits than the longest prefix starting
# with the same digit: answers are kept by those digits (7 for North America), a few
# thousand keys in any real file, each looked up once.
_ZONE_DIGITS = {
    digit: max(len(prefix) for prefix in TIMEZONE_DATA if prefix[0] == digit)
    for digit in "0123456789"
    if any(prefix[0] == digit for prefix in TIMEZONE_DATA)
}
_ZONES_KEPT = 1 << 16


def phone_values(
    value: str, region: str, zones: dict[str, str | None]
) -> tuple[str, str | None, str | None]:
    """(E.164, `phone_zone`, the extension) of the number written in `value`, which is not
    blank, as `parse_phone` reads it; BadValue when it is not valid. `zones` keeps answers."""
    written = value.strip()
    national = _nanp_national(written, region)
    number: PhoneNumber | None = None
    extension = None
    if national is not None and _US_NUMBER.fullmatch(national):
        formatted = "+1" + national
    else:
        number = parse_phone(written, region)
        assert number is not None
        formatted = e164(number)
        extension = number.extension or None
    key = formatted[1 : 1 + _ZONE_DIGITS.get(formatted[1:2], 0)]
    try:
        zone = zones[key]
    except KeyError:
        if number is None:  # the shortcut's: the number `_nanp_number` gives
            number = PhoneNumber(country_code=1, national_number=int(formatted[2:]))
        zone = phone_zone(number)
        if len(zones) < _ZONES_KEPT:
            zones[key] = zone
    return formatted, zone, extension


def display_phone(stored: str | None, region: str | None = "US") -> str:
    """An E.164 number as people read it: national within `region`, else (and always with
    no region) international."""
    if not stored:
        return ""
    try:
        number = phonenumbers.parse(stored, None)
    except phonenumbers.NumberParseException:
        return stored
    same = region is not None and phonenumbers.region_code_for_number(number) == region
    style = PhoneNumberFormat.NATIONAL if same else PhoneNumberFormat.INTERNATIONAL
    return phonenumbers.format_number(number, style)


def shown_phone(written: str, region: str) -> tuple[str, str]:
    """(A phone beside a record's own as people anywhere read it, "+61 8 9222 3333 x12",
    or as written (cleaned) when it is no number, never made into another number; and what
    it is compared by: its E.164, or the text). `written` is not blank."""
    try:
        number = parse_phone(written, region)
    except BadValue:
        number = None
    if number is None:
        text = clean_text(written) or written.strip()
        return text, text
    phone = e164(number)
    shown = display_phone(phone, None)
    return (f"{shown} x{number.extension}" if number.extension else shown), phone


def with_lines(text: str | None, lines: list[str]) -> str | None:
    """`text` with each of `lines` after it that it does not hold already: a second run of
    an import adds nothing."""
    kept = text or ""
    new = [line for line in lines if line and line not in kept]
    return "\n".join((text, *new) if text else new) or None
