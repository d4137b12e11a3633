"""The Core `Table` behind a SQLModel table class, typed.

Bulk writes, reports and lookups build Core statements over `Table` objects. SQLModel's
metaclass gives every `table=True` class a `__table__` but never declares it, so a type
checker sees no such attribute: the store reaches it through `table_of()` alone.
"""

from __future__ import annotations

from sqlalchemy import Table
from sqlmodel import SQLModel


def table_of(model: type[SQLModel]) -> Table:
    """`model.__table__`, typed; `model` must be a `table=True` class."""
    # Set at class creation by SQLModel's metaclass, which declares no type for it.
    return model.__table__  # type: ignore[attr-defined]
