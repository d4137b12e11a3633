"""The store's errors: each message tells the user what happened and what to do, and the CLI
and the screens show it as it is (no traceback, no password)."""


class StoreError(Exception):
    """Base of every error a user can act on."""


class DatabaseError(StoreError):
    """A database could not be opened or used; the message never holds a password."""
