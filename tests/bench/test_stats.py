"""The bench's one percentile (nearest rank) and its median-and-p95 pair, on samples whose
answer is known."""

from __future__ import annotations

import random

import pytest

from workstation.bench.stats import median_and_p95, p95


@pytest.mark.parametrize(
    ("n", "expected"),
    [
        (1, 1),  # one sample is its own p95
        (7, 7),  # seven cold starts: ⌈6.65⌉ = 7, the slowest
        (19, 19),  # ⌈18.05⌉ = 19
        (20, 19),  # exactly 19 of 20 at or below: not the slowest
        (27, 26),  # the 27 key presses P1 keeps: ⌈25.65⌉ = 26
        (100, 95),
        (290, 276),  # the 290 store calls P1-store keeps: ⌈275.5⌉ = 276
        (2000, 1900),
    ],
)
def test_p95_is_the_nearest_rank(n, expected):
    samples = [float(value) for value in range(1, n + 1)]
    random.Random(n).shuffle(samples)  # unordered, as measured
    assert p95(samples) == expected


def test_p95_is_always_a_measured_sample():
    assert p95([0.5, 10.0, 2.5]) == 10.0


def test_median_and_p95():
    assert median_and_p95([4.0, 1.0, 3.0, 2.0]) == (2.5, 4.0)
    assert median_and_p95([30.0, 10.0, 20.0]) == (20.0, 30.0)
