"""One place-and-phone → time zone rule for imports, edits and the calling window, and a
window that holds wherever a person may be when their zone can't be told."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from workstation.store.values.calling_window import outside_window, possible_zones


@pytest.mark.parametrize(
    ("state", "country", "zone"),
    [
        ("BC", "CA", "America/Vancouver"),
        ("Alberta", "Canada", "America/Edmonton"),
        ("NL", "CA", "America/St_Johns"),
        ("WA", "AU", "Australia/Perth"),
        ("Western Australia", "Australia", "Australia/Perth"),
        ("SA", "AU", "Australia/Adelaide"),
        ("QLD", "AU", "Australia/Brisbane"),
        ("WA", "US", "America/Los_Angeles"),
        ("TX", None, "America/Chicago"),
        (None, "DE", "Europe/Berlin"),
        (None, "Deutschland", "Europe/Berlin"),
    ],
)
def test_a_place_gives_its_own_zone(state, country, zone):
    assert possible_zones(None, None, state, country) == (zone,)


def test_the_address_comes_before_the_phone():
    # A Brisbane number on a lead whose address is in Perth: the address says where they are.
    assert possible_zones(None, "+61731213085", "WA", "AU") == ("Australia/Perth",)


def test_a_state_is_read_in_the_phones_country_when_no_country_is_given():
    # "WA" beside an Australian number is Western Australia, not Washington.
    assert possible_zones(None, "+61892223333", "WA", None) == ("Australia/Perth",)


@pytest.mark.parametrize(
    ("phone", "state", "country", "expected"),
    [
        # +61 8 is Adelaide or Perth: both, not Sydney.
        ("+61892223333", None, "AU", {"Australia/Adelaide", "Australia/Perth"}),
        ("+61892223333", None, None, {"Australia/Adelaide", "Australia/Perth"}),
        # A US lead with no state and no phone is anywhere in the fifty states.
        (None, None, "US", {"America/New_York", "America/Chicago", "Pacific/Honolulu"}),
        (None, None, "Brazil", {"America/Sao_Paulo", "America/Manaus"}),
        (None, None, "AU", {"Australia/Sydney", "Australia/Perth"}),
    ],
)
def test_a_person_who_may_be_in_several_zones_has_them_all(phone, state, country, expected):
    zones = set(possible_zones(None, phone, state, country))
    assert expected <= zones
    assert "America/Toronto" not in zones or country != "US"


def test_a_stored_zone_wins():
    assert possible_zones("Europe/Lisbon", "+61892223333", "WA", "AU") == ("Europe/Lisbon",)


def test_nothing_known_gives_no_zone():
    assert possible_zones(None, None, None, None) == ()
    assert possible_zones(None, None, "Atlantis", "Nowhere") == ()


def test_perth_is_not_called_at_six_thirty_in_the_morning():
    # 22:30 UTC is 06:30 in Perth and 09:00 in Adelaide (daylight time in December).
    now = datetime(2026, 12, 7, 22, 30, tzinfo=UTC)
    reason = outside_window(possible_zones(None, "+61892223333", None, "AU"), now)
    assert reason is not None and "06:30" in reason and "Australia/Perth" in reason
    # An hour and a half later it's 08:00 in Perth and 10:30 in Adelaide: callable.
    later = datetime(2026, 12, 8, 0, 0, tzinfo=UTC)
    assert outside_window(possible_zones(None, "+61892223333", None, "AU"), later) is None


def test_a_us_lead_with_no_state_waits_for_honolulus_morning():
    # 14:00 UTC: 09:00 in New York, 04:00 in Honolulu.
    zones = possible_zones(None, None, None, "US")
    assert outside_window(zones, datetime(2026, 12, 7, 14, 0, tzinfo=UTC)) is not None
    # 19:00 UTC: 14:00 in New York, 09:00 in Honolulu.
    assert outside_window(zones, datetime(2026, 12, 7, 19, 0, tzinfo=UTC)) is None


def test_a_person_whose_zone_cant_be_told_stays_callable():
    assert outside_window((), datetime(2026, 12, 7, 3, 0, tzinfo=UTC)) is None


def test_next_skips_a_perth_lead_before_eight_in_perth():
    from workstation.store.calling.next_lead import why_not_callable
    from workstation.store.rows import QueueRow

    created = datetime(2026, 12, 1, tzinfo=UTC)
    row = QueueRow(
        "lead", 1, "Ann Perth", "Acme", None, "+61892223333", "Open – Not Contacted", 0, 0,
        None, None, created, None, False, None, None, "AU",
    )  # fmt: skip
    reason = why_not_callable(row, datetime(2026, 12, 7, 22, 30, tzinfo=UTC))
    assert reason is not None and "Australia/Perth" in reason
    assert why_not_callable(row, datetime(2026, 12, 8, 0, 30, tzinfo=UTC)) is None
