"""Imported leads scored on arrival, inside the import's own bulk insert: the fit rules
loaded once per import and matched per row in plain Python, each field's points remembered
per distinct value (a list repeats its titles, industries and countries), plus the import
campaign's response when its member status counts as one. The same rules as `explain`, so
the score stored is the one `workstation score ID` shows."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Connection
from sqlmodel import Session

from workstation.store.scoring.rules import MEMO, Rule, load_rules


class ArrivalScorer:
    def __init__(
        self, connection: Connection, columns: Sequence[str], *, channel: str | None,
        responded: bool,
    ) -> None:  # fmt: skip
        with Session(bind=connection) as session:
            self.rules = rules = load_rules(session)
        self.fields: list[tuple[int, tuple[Rule, ...], dict]] = [
            (columns.index(name), field_rules, {})
            for name, field_rules in rules.fit.items()
            if name in columns
        ]
        response = rules.first(rules.responses, channel) if responded else None
        # A response at the moment of the import: not decayed at all.
        self.base = response.points if response is not None else 0

    def __call__(self, values: Sequence[object]) -> int:
        total = self.base
        for index, rules, memo in self.fields:
            value = values[index]
            points = memo.get(value)
            if points is None:
                rule = self.rules.first(rules, value)
                points = rule.points if rule is not None else 0
                if len(memo) < MEMO:
                    memo[value] = points
            total += points
        return total
