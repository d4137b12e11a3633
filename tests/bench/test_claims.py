"""P8 with small sizes: claimers as separate processes, each its own connection, the
raw-SQL baseline in the same run, no lead handed out twice; fewer connections than reps;
a server without connections to spare is told plainly."""

from __future__ import annotations

import json
import os

import pytest

from tests.cli.test_cli import run
from workstation.bench.claims import measure_claims
from workstation.bench.errors import BenchError


@pytest.mark.postgres
def test_p8_alone_gives_each_figure_beside_the_raw_baseline(capsys, pg_url):
    code, out, err = run(
        capsys, "bench", "--pg", pg_url, "--pg-only", "--pg-claimers", "3",
        "--pg-seconds", "0.3", "--json",
    )  # fmt: skip
    assert code == 0, err
    figures = json.loads(out)
    assert set(figures) == {"P8", "P8-saturation", "P8-half", "P8-call"}
    assert "3 reps, each its own process" in figures["P8"]["what"]
    assert "0 duplicates" in figures["P8"]["what"]
    for id_ in ("P8", "P8-saturation"):
        figure = figures[id_]
        assert figure["value"] > 0 and figure["baseline"] > 0
        assert figure["ratio"] == round(figure["value"] / figure["baseline"], 3)
    assert figures["P8-half"]["p95"] >= figures["P8-half"]["value"] > 0
    assert figures["P8-call"]["value"] > 0


@pytest.mark.postgres
def test_each_claimer_is_a_process_and_no_lead_goes_out_twice(pg_url):
    result = measure_claims(pg_url, claimers=3, seconds=0.3)
    assert result["duplicates"] == 0
    assert len(set(result["pids"])) == 3 and os.getpid() not in result["pids"]
    assert result["connections_seen"] == 3  # one each, the baseline's included
    for phase in ("raw", "claim", "claim_call", "half"):
        figures = result[phase]
        assert figures["claims"] > 0, phase
        assert 0 < figures["p50_ms"] <= figures["p95_ms"], phase
    assert 0 < result["half"]["asked_per_second"] == result["claim"]["per_second"] / 2


@pytest.mark.postgres
def test_more_reps_than_connections_share_them(pg_url):
    result = measure_claims(pg_url, claimers=4, connections=2, seconds=0.3)
    assert result["connections"] == 2 and len(set(result["pids"])) == 2
    assert result["connections_seen"] == 2
    assert result["duplicates"] == 0 and result["claim"]["claims"] > 0


@pytest.mark.postgres
def test_a_run_the_server_has_no_connections_for_is_refused_plainly(pg_url):
    with pytest.raises(BenchError, match="--pg-connections"):
        measure_claims(pg_url, claimers=100_000, seconds=0.3)
