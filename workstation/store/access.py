"""Team mode on PostgreSQL (placeholder while written)."""

from __future__ import annotations

from sqlalchemy import Connection


def install(connection: Connection) -> None:
    pass
