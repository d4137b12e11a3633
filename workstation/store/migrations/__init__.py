"""Alembic migrations for the store; applied at start-up and by `workstation db upgrade`."""
