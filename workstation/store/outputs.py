"""Files the workstation writes for people: exports, import errors files, script files.

Each is written whole or not at all: into a private temporary file (0600) beside it, renamed
over the name asked for once complete, so a full disk or a failure halfway leaves the old
file (or none), never a half one that looks complete. None goes over the database or its
-wal/-shm/-journal files, however it is named (a symlink, another spelling). A device or a
pipe (`/dev/stdout`, `/dev/full`) is written as it is, having no temporary to rename. A
failure is one `StoreError` naming the file.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import TextIO

from workstation.store.errors import StoreError


class OutputFile:
    """One file being written: `file` to write to, then `commit()` or `discard()`."""

    def __init__(
        self, path: Path | str, *, protect: Iterable[Path] = (), errors: str = "strict"
    ) -> None:
        """`errors`: how characters UTF-8 cannot encode are written (`open`'s errors)."""
        self.path = Path(path)
        refuse_database(self.path, protect)
        self._temporary: Path | None = None
        try:
            if self.path.is_dir():
                raise IsADirectoryError(21, "Is a directory")
            if self.path.exists() and not self.path.is_file():  # a device, a pipe
                fd = os.open(self.path, os.O_WRONLY)
            else:
                fd, name = tempfile.mkstemp(
                    dir=self.path.parent, prefix=f".{self.path.name}.", suffix=".part"
                )
                self._temporary = Path(name)
            self.file: TextIO = open(fd, "w", encoding="utf-8", errors=errors, newline="")  # noqa: SIM115
        except OSError as error:
            raise self.failed(error) from None

    def failed(self, error: OSError) -> StoreError:
        return StoreError(
            f"cannot write {self.path}: {error.strerror or error}; nothing was written there"
        )

    def commit(self) -> None:
        """The file complete, under its name."""
        try:
            self.file.close()
            if self._temporary is not None:
                os.replace(self._temporary, self.path)
                self._temporary = None
        except OSError as error:
            self.discard()
            raise self.failed(error) from None

    def discard(self) -> None:
        """Nothing of this run left behind (an older file of that name stays as it was)."""
        with suppress(OSError):  # what could not be flushed is being thrown away
            self.file.close()
        if self._temporary is not None:
            self._temporary.unlink(missing_ok=True)
            self._temporary = None


@contextmanager
def written(path: Path | str, *, protect: Iterable[Path] = ()) -> Iterator[TextIO]:
    """`path` open for writing text, committed when the block ends well, else discarded; an
    OSError inside the block (a full disk) comes out as one `StoreError`."""
    output = OutputFile(path, protect=protect)
    try:
        yield output.file
    except OSError as error:
        output.discard()
        raise output.failed(error) from None
    except BaseException:
        output.discard()
        raise
    output.commit()


def refuse_database(path: Path, protect: Iterable[Path]) -> None:
    """Refuse `path` when it is one of the database's files (`protect`)."""
    target = path.resolve()
    for own in protect:
        same = target == own.resolve()
        if not same and path.exists() and own.exists():
            same = os.path.samefile(path, own)
        if same:
            raise StoreError(
                f"{path} is the database ({own.name}): writing there would destroy it; "
                "name another file"
            )
