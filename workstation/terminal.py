"""The command line's one way out: everything a command prints passes through
`display.terminal_text`, so no escape or control character reaches a terminal, whether it
came in before the store cleaned its doors (an older version's data) or from what was typed.

`neutralised_output()` puts standard output and standard error behind that neutraliser for
a command's whole run (argparse's own messages included). Text for people (tables,
messages, errors) is neutralised wherever it goes. A document (an export, `--json`,
`--format csv|json`) goes to `data_out()`: neutralised at a terminal, written as the data
are when standard output is a pipe or a file, so `workstation export leads > leads.csv`
keeps every byte. A progress bar that draws with escapes of its own asks for `raw()`.
"""

from __future__ import annotations

import io
import sys
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from typing import TextIO

from workstation.display import terminal_text


class NeutralisedOutput(io.TextIOBase):
    """A text stream whose every write is neutralised on its way to `raw`."""

    def __init__(self, raw: TextIO) -> None:
        self.raw = raw

    def write(self, text: str) -> int:
        self.raw.write(terminal_text(text))
        return len(text)

    def flush(self) -> None:
        self.raw.flush()

    def isatty(self) -> bool:
        return self.raw.isatty()

    def fileno(self) -> int:
        return self.raw.fileno()

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return getattr(self.raw, "encoding", None) or "utf-8"

    @property
    def errors(self) -> str | None:  # type: ignore[override]
        return getattr(self.raw, "errors", None)


def raw(stream: TextIO) -> TextIO:
    """The stream behind the neutraliser (for output that draws with escapes of its own)."""
    return stream.raw if isinstance(stream, NeutralisedOutput) else stream


def data_out() -> TextIO:
    """Where a command writes a document: standard output, neutralised only at a terminal."""
    out = sys.stdout
    return out if out.isatty() else raw(out)


@contextmanager
def neutralised_output() -> Iterator[None]:
    """Standard output and error behind the neutraliser until the block ends."""
    saved = sys.stdout, sys.stderr
    sys.stdout = NeutralisedOutput(raw(saved[0]))
    sys.stderr = NeutralisedOutput(raw(saved[1]))
    try:
        yield
    finally:
        for stream in (sys.stdout, sys.stderr):
            with suppress(OSError, ValueError):  # a closed pipe: the command said so
                stream.flush()
        sys.stdout, sys.stderr = saved
