"""P9 (TARGETS.md: search ≤ 50 ms key to results at data set L, the store part ≤ 5 ms;
the issue's bar: under 100 ms): the store's search for a fragment of a lead's email, a
name and a fragment of a phone, each time a different lead's, beside the baseline of a
prefix query on an indexed column (`lead.email`) in the same run. Each search must find
records (a phone, the lead its digits came from), or the figure would flatter a search
that finds nothing.

`measure_search(engine, runs)` returns {kind: (median ms, p95 ms)} for email, name,
phone and the baseline.
"""

from __future__ import annotations

import re
import time

from sqlalchemy import Engine, text
from sqlmodel import Session

from workstation.bench.errors import BenchError
from workstation.bench.stats import median_and_p95, ms_since
from workstation.store.search.find import search

KINDS = ("email", "name", "phone")
_BASELINE = text(
    "SELECT id FROM lead WHERE email >= :low AND email < :high ORDER BY email LIMIT 20"
)


def _samples(session: Session, runs: int) -> list[tuple[int, dict[str, str]]]:
    """`runs` leads spread over the table, each with the texts a rep would type for it:
    the start of the email's local part, the full name, six digits from inside the
    phone."""
    top = session.execute(text("SELECT max(id) FROM lead")).scalar() or 0
    picked: list[tuple[int, dict[str, str]]] = []
    for n in range(runs * 4):
        if len(picked) == runs:
            break
        row = session.execute(
            text(
                "SELECT id, first_name, last_name, email, phone FROM lead WHERE id >= :id "
                "AND email IS NOT NULL AND phone IS NOT NULL ORDER BY id LIMIT 1"
            ),
            {"id": top * (n + 1) // (runs * 4 + 1)},
        ).first()
        if row is None:
            continue
        lead_id, first, last, email, phone = row
        digits = re.sub(r"\D", "", phone)
        texts = {
            "email": email.partition("@")[0][:8],  # as far as a rep types before looking
            "name": f"{first or ''} {last}".strip(),
            "phone": digits[-7:],  # the local number, as a rep reads it off a note
        }
        picked.append((lead_id, texts))
    if len(picked) < runs:
        raise BenchError("P9: too few leads with an email and a phone in the data set")
    return picked


def measure_search(engine: Engine, runs: int) -> dict[str, tuple[float, float]]:
    times: dict[str, list[float]] = {kind: [] for kind in (*KINDS, "baseline")}
    with Session(engine) as session:
        samples = _samples(session, runs)
        for lead_id, texts in samples:
            for kind in KINDS:
                started = time.perf_counter()
                hits = search(session, texts[kind], limit=20)
                times[kind].append(ms_since(started))
                # A name or an email's start shared by many leads finds them all, this one
                # perhaps beyond the first 20; a phone's digits find this lead.
                found = {(hit.kind, hit.id) for hit in hits}
                if not hits or (kind == "phone" and ("lead", lead_id) not in found):
                    raise BenchError(f"P9: searching {texts[kind]!r} did not find lead {lead_id}")
            low = texts["email"]
            started = time.perf_counter()
            session.execute(_BASELINE, {"low": low, "high": low + "\uffff"}).all()
            times["baseline"].append(ms_since(started))
    return {kind: median_and_p95(samples_) for kind, samples_ in times.items()}
