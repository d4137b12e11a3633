"""Who gets which lead: the pure part of assignment by open capacity, no database, and the
plain results the store functions return.

A batch is spread in proportion to the reps' free capacity (DESIGN.md "Assignment"), largest
remainder first: every rep with room gets a share once there are as many leads as such reps,
and nobody ever goes beyond capacity. When the batch is larger than all the free room,
everyone is filled and the rest stays where it was. The leads come best first and are dealt
out interleaved (a smooth weighted round robin), so every rep's share holds good leads too.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class RepCapacity:
    rep_id: int
    name: str
    capacity: int
    open_leads: int  # open callable leads held now (the ix_lead_queue count)

    @property
    def free(self) -> int:
        return max(0, self.capacity - self.open_leads)


def shares(count: int, reps: Sequence[RepCapacity]) -> dict[int, int]:
    """How many of `count` leads each rep with room takes: in proportion to free room
    (largest remainder), never more than that room; once there are as many leads as reps
    with room, each of them takes at least one (from the largest share)."""
    with_room = sorted((r for r in reps if r.free > 0), key=lambda r: (-r.free, r.rep_id))
    room = sum(r.free for r in with_room)
    if count >= room:
        return {r.rep_id: r.free for r in with_room}
    quotas = {r.rep_id: divmod(count * r.free, room) for r in with_room}
    taken = {rep_id: whole for rep_id, (whole, _) in quotas.items()}
    by_remainder = sorted(with_room, key=lambda r: (-quotas[r.rep_id][1], -r.free, r.rep_id))
    for rep in by_remainder[: count - sum(taken.values())]:
        taken[rep.rep_id] += 1
    if count >= len(with_room):
        for rep in with_room:
            if taken[rep.rep_id] == 0:
                donor = max(taken, key=lambda rep_id: taken[rep_id])
                taken[donor] -= 1
                taken[rep.rep_id] = 1
    return {rep_id: n for rep_id, n in taken.items() if n}


def distribute(
    lead_ids: Sequence[int],
    reps: Sequence[RepCapacity],
    *,
    current: Mapping[int, int | None] | None = None,
    roomless: Collection[int] = (),
) -> tuple[dict[int, int], list[int]]:
    """Plan owners for `lead_ids`, in order: (lead id → rep id, leads nobody had room for).

    A lead never goes back to its `current` owner: it takes the next rep due, or else any
    rep with room left. Leads in `roomless` (closed or do-not-call: they do not count
    against capacity) go to the rep with the most room left even when nobody has any, and
    use none of it.
    """
    owners = current or {}
    weights = shares(sum(1 for lead_id in lead_ids if lead_id not in roomless), reps)
    due = dict(weights)  # what each rep has still to take
    credit = dict.fromkeys(weights, 0)
    left = {rep.rep_id: rep.free for rep in reps}
    order = {rep.rep_id: n for n, rep in enumerate(sorted(reps, key=lambda r: (-r.free, r.rep_id)))}
    placed: dict[int, int] = {}
    unplaced: list[int] = []
    for lead_id in lead_ids:
        owner = owners.get(lead_id)
        others = [rep_id for rep_id in order if rep_id != owner]
        if lead_id in roomless:
            if others:
                placed[lead_id] = min(others, key=lambda r: (-left[r], order[r]))
            else:
                unplaced.append(lead_id)
            continue
        turn = [rep_id for rep_id in others if due.get(rep_id, 0) > 0]
        if turn:  # the smooth weighted round robin: the rep furthest behind its share
            for rep_id in turn:
                credit[rep_id] += weights[rep_id]
            rep_id = max(turn, key=lambda r: (credit[r], -order[r]))
            credit[rep_id] -= sum(weights[r] for r in turn)
            due[rep_id] -= 1
        else:
            spare = [r for r in others if left[r] > 0]
            if not spare:
                unplaced.append(lead_id)
                continue
            rep_id = min(spare, key=lambda r: (-left[r], order[r]))
        placed[lead_id] = rep_id
        left[rep_id] -= 1
    return placed, unplaced


@dataclass(frozen=True, slots=True)
class AssignmentSummary:
    assigned: dict[int, int]  # lead id → rep id
    left_in_pool: int  # pool leads in scope that found no free capacity
    skipped: tuple[int, ...]  # ids asked for that were not open callable pool leads
    reps: tuple[RepCapacity, ...]  # the reps considered, as they were before

    def count_for(self, rep_id: int) -> int:
        return sum(1 for owner in self.assigned.values() if owner == rep_id)


@dataclass(frozen=True, slots=True)
class ReassignSummary:
    moved: dict[int, int | None]  # lead id → new owner (None: the pool)
    unchanged: tuple[int, ...]  # already where they were asked to go
    unplaced: tuple[int, ...]  # spread: no rep had room, so they stayed
    rep_names: dict[int, str]

    def describe(self) -> str:
        """One line a manager can read: where the leads went, and what stayed."""
        went = Counter(self.moved.values())
        parts = [
            f"{count} to {self.rep_names.get(owner, owner) if owner else 'the pool'}"
            for owner, count in sorted(went.items(), key=lambda item: -item[1])
        ]
        line = f"Moved {len(self.moved)} lead{'s' * (len(self.moved) != 1)}"
        line += f": {', '.join(parts)}" if parts else ""
        if self.unchanged:
            line += f"; {len(self.unchanged)} already there"
        if self.unplaced:
            line += f"; {len(self.unplaced)} stayed: no rep has room (raise a capacity)"
        return line + "."
