"""The bench's own error, apart so that the driver and the probes it runs can both raise it
without importing each other."""

from __future__ import annotations

from workstation.store.errors import StoreError


class BenchError(StoreError):
    """The bench cannot run as asked (a kept file it did not make, a probe that failed …)."""
