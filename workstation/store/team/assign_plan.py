"""Who gets which lead: the pure part of assignment by open capacity, no database, and the
plain results the store functions return.

Each lead in turn goes to the rep with the most free capacity at that moment (ties: the
lower rep id), so a batch levels the reps' free room rather than filling one rep first, and
nobody ever goes beyond capacity. A heap keeps this O(leads × log reps).
"""

from __future__ import annotations

import heapq
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


def distribute(
    lead_ids: Sequence[int],
    reps: Sequence[RepCapacity],
    *,
    current: Mapping[int, int | None] | None = None,
    roomless: Collection[int] = (),
) -> tuple[dict[int, int], list[int]]:
    """Plan owners for `lead_ids`, in order: (lead id → rep id, leads nobody had room for).

    A lead never goes back to its `current` owner. Leads in `roomless` (closed or
    do-not-call: they do not count against capacity) go to the rep with the most room
    even when nobody has any, and use none of it.
    """
    heap = [(-rep.free, rep.rep_id) for rep in reps]
    heapq.heapify(heap)
    placed: dict[int, int] = {}
    unplaced: list[int] = []
    for lead_id in lead_ids:
        owner = current.get(lead_id) if current else None
        held = heapq.heappop(heap) if heap and heap[0][1] == owner else None
        takes_room = lead_id not in roomless
        if not heap or (takes_room and heap[0][0] == 0):
            unplaced.append(lead_id)
        else:
            negative_free, rep_id = heap[0]
            placed[lead_id] = rep_id
            if takes_room:
                heapq.heapreplace(heap, (negative_free + 1, rep_id))
        if held is not None:
            heapq.heappush(heap, held)
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
