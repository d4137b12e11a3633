"""The bench's one set of helpers: how it times (a call on the wall clock, CPU time, a key
press or a push to the frame that shows it) and how it sums samples up (median and p95)."""

from __future__ import annotations

import asyncio
import resource
import statistics
import time
from collections.abc import Awaitable, Callable, Sequence

from workstation.bench.errors import BenchError


def p95(samples: Sequence[float]) -> float:
    """The 95th percentile by nearest rank: the smallest sample that at least 95 % of the
    samples are at or below, i.e. the ⌈0.95·n⌉-th smallest. Always a time that was measured,
    never one interpolated between two; with seven cold starts it is the slowest."""
    ordered = sorted(samples)
    rank = -(-95 * len(ordered) // 100)  # the ceiling in integers, exact for any n
    return ordered[max(rank, 1) - 1]


def median_and_p95(samples: Sequence[float]) -> tuple[float, float]:
    """Median and p95, the pair every timed figure reports."""
    return statistics.median(samples), p95(samples)


def ms_since(started: float) -> float:
    """Milliseconds on the `time.perf_counter` clock since `started`."""
    return (time.perf_counter() - started) * 1000


def timed_ms(call: Callable[[], object], runs: int) -> list[float]:
    """Milliseconds each of `runs` calls of `call` took, one after the other."""
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        call()
        samples.append(ms_since(started))
    return samples


def cpu_seconds() -> tuple[float, float]:
    """CPU seconds of this process, and of its children that have ended (the workers)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime, children.ru_utime + children.ru_stime


class FrameTimer:
    """Mixin for a Textual app: `await timed(pilot, key, changed)` → ms from the key to the
    frame showing it; `await time_until(start, changed, what=…)` the same from any
    awaitable (a push)."""

    _started: float | None = None
    _changed: Callable[[], bool] | None = None
    _elapsed: float | None = None

    def post_display_hook(self) -> None:
        if self._started is not None and self._changed is not None and self._changed():
            self._elapsed = ms_since(self._started)
            self._started = None

    async def timed(self, pilot, key: str, changed: Callable[[], bool]) -> float:
        return await self.time_until(lambda: pilot.press(key), changed, what=repr(key))

    async def time_until(
        self,
        start: Callable[[], Awaitable[object]],
        changed: Callable[[], bool],
        *,
        what: str,
        seconds: float = 10.0,  # a measure, not a limit: a loaded machine may take seconds
    ) -> float:
        self._elapsed, self._changed = None, changed
        self._started = started = time.perf_counter()
        await start()  # the frame may come before this returns (a push waits for mounting)
        deadline = started + seconds
        while time.perf_counter() < deadline:
            if self._elapsed is not None:
                return self._elapsed
            await asyncio.sleep(0.002)
        raise BenchError(f"no frame showed {what} within {seconds:g} s")
