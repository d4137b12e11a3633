"""A progress bar on stderr for long shell commands, with rows/s and time left."""

from __future__ import annotations

import sys
import time

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeRemainingColumn,
)

from workstation.terminal import raw


class ProgressReporter:
    """`update(stage, done, total)` draws one bar per stage; silent when stderr is no TTY."""

    def __init__(self) -> None:
        console = Console(file=raw(sys.stderr))  # the bar's own escapes draw it
        self._progress = Progress(
            TextColumn("{task.description:<22}"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.fields[rate]}"),
            TimeRemainingColumn(),
            console=console,
            disable=not console.is_terminal,
        )
        self._tasks: dict[str, TaskID] = {}
        self._started = time.perf_counter()
        self.elapsed = 0.0

    def __enter__(self) -> ProgressReporter:
        self._progress.start()
        return self

    def __exit__(self, *exc) -> None:
        self._progress.stop()
        self.elapsed = time.perf_counter() - self._started

    def update(self, stage: str, done: int, total: int) -> None:
        task = self._tasks.get(stage)
        if task is None:
            task = self._tasks[stage] = self._progress.add_task(stage, total=total, rate="")
        speed = self._progress.tasks[task].speed
        rate = f"{speed:>10,.0f}/s" if speed else ""
        self._progress.update(task, completed=done, total=total, rate=rate)
