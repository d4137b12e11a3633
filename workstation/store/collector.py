"""Pausing Python's cyclic garbage collector around bulk work.

A bulk load makes millions of tuples and lists with no reference cycle among them, which
the collector would only walk, again and again as they pile up: 6–10 % of the work. It is
paused on the main thread only: a thread (the TUI's import) leaves it to the rest of the
process, and a caller that paused it already keeps it paused.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused() -> Iterator[None]:
    if threading.current_thread() is not threading.main_thread() or not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
