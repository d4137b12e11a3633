"""Cleansing one value: the fast paths give exactly what the libraries give, text loses its
escapes and controls but keeps markup, places and picklists normalise."""

from __future__ import annotations

import random

import phonenumbers
import pytest
from email_validator import EmailNotValidError, validate_email

from workstation.store.exports.formulas import unescape_formula
from workstation.store.imports.picklists import LEAD_STATUS_SYNONYMS, STAGE_SYNONYMS, match_picklist
from workstation.store.reference import LEAD_STATUSES, OPPORTUNITY_STAGES
from workstation.store.values.cleansing import (
    BadValue,
    _is_valid,
    _nanp_number,
    _plain_email,
    clean_email,
    clean_text,
    display_phone,
    e164,
    parse_phone,
    shown_phone,
)
from workstation.store.values.regions import country_code, region_code, zone_for_place


def test_the_plain_email_pattern_never_accepts_what_email_validator_refuses():
    rng = random.Random(11)
    local = "abcXYZ09._-+!#'`~%$&*/=?^{|}\"(),:;<>[]\\ ü"
    domain = "abcxyz09-.ü_"
    tails = ["", ".com", ".io", ".c", ".local", ".test", ".x1", ".arpa", ".COM", ".xn--p1ai"]
    vouched = 0
    for n in range(60_000):
        # Every other address from the characters of ordinary ones, so many are valid.
        chars, host = (local, domain) if n % 2 else ("abcXYZ09._-+", "abcxyz09-.")
        address = (
            "".join(rng.choice(chars) for _ in range(rng.randint(0, 10)))
            + rng.choice(["@", "@", "@@", ""])
            + "".join(rng.choice(host) for _ in range(rng.randint(0, 12)))
            + rng.choice(tails)
        )
        plain = _plain_email(address)
        if plain is None:
            continue
        vouched += 1
        try:
            expected = validate_email(address, check_deliverability=False).normalized.lower()
        except EmailNotValidError as error:
            pytest.fail(f"{address!r} passed the pattern but email-validator says: {error}")
        assert plain == expected, address
    assert vouched > 1500  # the pattern is exercised, not just skipped


@pytest.mark.parametrize(
    "address",
    [
        "x@",
        "a@b",
        "a..b@x.com",
        ".a@x.com",
        "a@x.local",
        "a@-x.com",
        "a@xy--z.com",
        "a@x.c9",
        "a@x.com.",
    ],
)
def test_bad_emails_are_refused_with_the_libraries_reason(address):
    with pytest.raises(BadValue, match="is not valid"):
        clean_email(address)


def test_emails_are_lower_cased_and_international_ones_kept():
    assert clean_email("  John.Doe@Example.COM ") == "john.doe@example.com"
    assert clean_email("Jörg@Bücher.de") == "jörg@bücher.de"
    assert clean_email("  ") is None


def test_the_north_american_shortcut_reads_what_the_parser_reads():
    rng = random.Random(5)
    separators = ["", " ", "-", ".", "(", ")", "/", "  "]
    read = 0
    for _ in range(40_000):
        digits = "".join(rng.choice("0123456789") for _ in range(rng.choice([9, 10, 10, 11, 12])))
        written = ""
        for digit in digits:
            if rng.random() < 0.3:
                written += rng.choice(separators)
            written += digit
        if rng.random() < 0.3:
            written = rng.choice(["+", "+1 ", "1-"]) + written
        region = rng.choice(["US", "CA", "GB", "JM"])
        number = _nanp_number(written, region)
        if number is None:
            continue
        read += 1
        parsed = phonenumbers.parse(written, region)
        assert (parsed.country_code, parsed.national_number) == (1, number.national_number)
        assert not parsed.italian_leading_zero
    assert read > 5000


def test_the_us_validity_shortcut_agrees_with_libphonenumber():
    rng = random.Random(3)
    for _ in range(30_000):
        number = phonenumbers.PhoneNumber(
            country_code=1, national_number=rng.randint(10**9, 10**10 - 1)
        )
        assert _is_valid(number) == phonenumbers.is_valid_number(number), number


@pytest.mark.parametrize(
    ("written", "region", "stored"),
    [
        ("(415) 555-2671", "US", "+14155552671"),
        ("1-415-555-2671", "US", "+14155552671"),
        ("+1 415 555 2671", "DE", "+14155552671"),
        ("020 7946 0958", "GB", "+442079460958"),
        ("+49 30 1234567", "US", "+49301234567"),
        ("(416) 555-0199", "CA", "+14165550199"),
    ],
)
def test_phones_are_stored_in_e164(written, region, stored):
    assert e164(parse_phone(written, region)) == stored


@pytest.mark.parametrize("written", ["12345", "call me", "+1 110 101 2886", "555-0123"])
def test_numbers_that_are_not_valid_are_refused(written):
    with pytest.raises(BadValue, match="phone"):
        parse_phone(written, "US")


def test_phones_are_shown_formatted():
    assert display_phone("+14155552671") == "(415) 555-2671"
    assert display_phone("+442079460958") == "+44 20 7946 0958"
    assert display_phone("+442079460958", "GB") == "020 7946 0958"
    assert display_phone(None) == ""


@pytest.mark.parametrize(
    ("written", "region", "shown"),
    [
        ("(415) 555-0100", "US", ("+1 415-555-0100", "+14155550100")),  # the NANP shortcut
        ("08 9222 3333 x12", "AU", ("+61 8 9222 3333 x12", "+61892223333")),
        ("0412 555 123", "AU", ("+61 412 555 123", "+61412555123")),
        ("  call  reception ", "US", ("call reception", "call reception")),  # no number
        ("12345", "US", ("12345", "12345")),  # not a valid one: never made another
    ],
)
def test_a_phone_beside_the_records_own_is_shown_internationally(written, region, shown):
    assert shown_phone(written, region) == shown


def test_text_loses_escapes_controls_and_reordering_but_keeps_markup_and_marks():
    assert clean_text("  \x1b[31mEvil\x1b[0m   Corp\t\r\n") == "Evil Corp"
    assert clean_text("a\x1b]8;;http://x\x07link\x1b]8;;\x07b") == "alinkb"
    assert (
        clean_text("[bold]Eve[/bold] [@click=app.quit]x[/]")
        == "[bold]Eve[/bold] [@click=app.quit]x[/]"
    )
    assert clean_text("ab\u202egnp.exe\u202c") == "abgnp.exe"
    assert clean_text("שלום\u200f") == "שלום\u200f"
    assert clean_text("\x00\x07 ") is None
    with pytest.raises(BadValue, match="at most 5 fit"):
        clean_text("x" * 6, 5, "Title")


def test_our_exports_formula_escape_comes_off_once():
    assert unescape_formula("'=SUM(A1)") == "=SUM(A1)"
    assert unescape_formula("'+14155550123") == "+14155550123"
    assert unescape_formula("''quoted") == "'quoted"
    assert unescape_formula("'plain") == "'plain"
    assert unescape_formula("'") == "'"


def test_places_normalise_to_codes_and_zones():
    assert [country_code(c) for c in ("USA", "u.s.", "United Kingdom", "Deutschland", "xx")] == [
        "US",
        "US",
        "GB",
        "DE",
        None,
    ]
    assert region_code("california", "US") == "CA"
    assert region_code("Ontario", None) == "ON"
    assert region_code("Bavaria", "DE") is None
    assert zone_for_place("TX", "US") == "America/Chicago"
    assert zone_for_place("BC", None) == "America/Vancouver"
    assert zone_for_place(None, "DE") == "Europe/Berlin"
    assert zone_for_place(None, "US") is None  # several zones: a state or phone must say


def test_picklists_map_by_name_head_and_synonym():
    statuses = [s["name"] for s in LEAD_STATUSES]
    stages = [s["name"] for s in OPPORTUNITY_STAGES]
    assert match_picklist("open - not contacted", statuses, LEAD_STATUS_SYNONYMS) == "Open"
    assert match_picklist("Working", statuses, LEAD_STATUS_SYNONYMS).startswith("Working")
    assert match_picklist("Archived", statuses, LEAD_STATUS_SYNONYMS) is None  # two of ours
    assert match_picklist("Proposal/Price Quote", stages, STAGE_SYNONYMS) == "Proposal"
    assert match_picklist("Negotiation/Review", stages, STAGE_SYNONYMS) == "Negotiation"
    assert match_picklist("Id. Decision Makers", stages, STAGE_SYNONYMS) == "Needs Analysis"
