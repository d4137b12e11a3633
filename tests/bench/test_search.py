"""P9's code path on a small demo data set: each search finds the lead its text came from,
and every figure comes with the indexed-prefix baseline."""

from __future__ import annotations

import pytest

from workstation.bench.errors import BenchError
from workstation.bench.search import measure_search
from workstation.store.demo.generate import generate_demo


def test_p9_times_each_kind_of_search_beside_the_baseline(sqlite_engine):
    generate_demo(sqlite_engine, leads=3000)
    result = measure_search(sqlite_engine, runs=5)
    assert set(result) == {"email", "name", "phone", "baseline"}
    for kind, (median, p95) in result.items():
        assert 0 < median <= p95, kind


def test_p9_refuses_a_data_set_without_leads_to_look_for(sqlite_engine):
    with pytest.raises(BenchError, match="too few leads"):
        measure_search(sqlite_engine, runs=3)
