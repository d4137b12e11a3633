"""Who gets which lead: the pure part of assignment by open capacity, no database.

Each lead in turn goes to the rep with the most free capacity at that moment (ties: the
lower rep id), so a batch levels the reps' free room rather than filling one rep first, and
nobody ever goes beyond capacity. A heap keeps this O(leads × log reps).
"""

from __future__ import annotations

import heapq
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
