"""Records in the command palette (Ctrl+P): typing a fragment of a name, company, email or
phone lists the leads, contacts, accounts and opportunities it finds beside the commands;
Enter opens the record's page. The search runs in a thread, off the event loop."""

from __future__ import annotations

import asyncio
from functools import partial

from textual.command import Hit, Hits, Provider
from textual.markup import escape

from workstation.display import clean
from workstation.handle import store_of

PALETTE_RESULTS = 10
SHORTEST = 2  # fewer characters find too much to be of use


class RecordSearch(Provider):
    async def search(self, query: str) -> Hits:
        if len(query.strip()) < SHORTEST or store_of(self.app).working_rep is None:
            return
        hits = await asyncio.to_thread(self._find, query)
        from workstation.screens.record_page import open_record_page
        from workstation.screens.search import hit_line

        for rank, hit in enumerate(hits):
            yield Hit(
                1.0 - rank / 100,
                hit_line(hit),
                partial(open_record_page, self.app, hit.kind, hit.id),
                text=f"{hit.kind} {hit.name}",
                help=escape(clean(hit.detail)) if hit.detail else None,
            )

    def _find(self, query: str):
        from workstation.store.search.find import search

        with store_of(self.app).open_session() as session:
            return search(session, query, limit=PALETTE_RESULTS)
