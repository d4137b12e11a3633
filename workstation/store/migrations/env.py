"""Alembic environment: runs on the connection the store hands over in `config.attributes`."""

from alembic import context
from sqlmodel import SQLModel

import workstation.store.models  # noqa: F401  (fills SQLModel.metadata)

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=SQLModel.metadata,
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
