"""Files the workstation writes for people: exports, import errors files, script files, the
manager screens' reports.

Each is written whole or not at all: into a private temporary file (0600, as the database
is: they hold the same personal data) beside it, renamed over the name asked for once
complete, so a full disk or a failure halfway leaves the old file (or none), never a half
one that looks complete. What may be written over is only a file the app wrote before (its
first line says so: `Ours`) or an empty one: never the database or its -wal/-shm/-journal
files, however it is named, never a symbolic link (anyone who can write to a shared folder
could plant one), never a file of the user's. A device or a pipe (`/dev/stdout`,
`/dev/full`) is written as it is, having no temporary to rename. A failure is one
`StoreError` naming the file.
"""

from __future__ import annotations

import codecs
import os
import stat
import tempfile
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import IO, Any, BinaryIO, TextIO, cast

from workstation.store.errors import StoreError

Ours = Callable[[str], bool]  # whether a file's first line is one the app writes
_SQLITE_MAGIC = b"SQLite format 3\x00"
_COMPANIONS = ("-wal", "-shm", "-journal")
_HEAD = 4096


class RefusedOutput(StoreError):
    """The path names a file the app must not write."""


def first_line_in(*lines: str) -> Ours:
    """An `Ours` for files whose first line is one of `lines` exactly."""
    known = frozenset(lines)
    return lambda line: line in known


def first_line_starting(*prefixes: str) -> Ours:
    return lambda line: line.startswith(prefixes)


def never_ours(_line: str) -> bool:
    """For files the app never writes over (a workbook: its first line says nothing)."""
    return False


class OutputFile:
    """One file being written: `file` to write to, then `commit()` or `discard()`."""

    def __init__(
        self,
        path: Path | str,
        ours: Ours,
        *,
        protect: Iterable[Path] = (),
        errors: str = "strict",
        binary: bool = False,
        advice: str = "name a new file",
    ) -> None:
        """`protect`: the database's files; `errors`: how characters UTF-8 cannot encode
        are written (`open`'s errors); `binary`: `file` takes bytes."""
        self.path = Path(path).expanduser()
        self._temporary: Path | None = None
        try:
            refuse(self.path, ours, protect)
        except RefusedOutput as error:
            raise RefusedOutput(f"{error}: {advice}") from None
        try:
            if self.path.exists() and not self.path.is_file():  # a device, a pipe
                fd = os.open(self.path, os.O_WRONLY | os.O_CLOEXEC)
            else:
                fd, name = tempfile.mkstemp(
                    dir=self.path.parent, prefix=f".{self.path.name}.", suffix=".part"
                )
                self._temporary = Path(name)
            self.file: IO[Any] = (
                open(fd, "wb")  # noqa: SIM115
                if binary
                else open(fd, "w", encoding="utf-8", errors=errors, newline="")  # noqa: SIM115
            )
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
def open_output(
    path: Path | str,
    ours: Ours,
    *,
    protect: Iterable[Path] = (),
    errors: str = "strict",
    advice: str = "name a new file",
) -> Iterator[TextIO]:
    """`path` open for writing UTF-8 text, committed when the block ends well, else
    discarded; an OSError inside the block (a full disk) comes out as one StoreError."""
    output = OutputFile(path, ours, protect=protect, errors=errors, advice=advice)
    with _committed(output):
        yield cast(TextIO, output.file)


@contextmanager
def open_output_bytes(
    path: Path | str, ours: Ours, *, protect: Iterable[Path] = (), advice: str = "name a new file"
) -> Iterator[BinaryIO]:
    """`open_output` for bytes (a workbook)."""
    output = OutputFile(path, ours, protect=protect, binary=True, advice=advice)
    with _committed(output):
        yield cast(BinaryIO, output.file)


@contextmanager
def _committed(output: OutputFile) -> Iterator[None]:
    try:
        yield
    except OSError as error:
        output.discard()
        raise output.failed(error) from None
    except BaseException:
        output.discard()
        raise
    output.commit()


def refuse(path: Path, ours: Ours, protect: Iterable[Path] = ()) -> None:
    """RefusedOutput when `path` may not be written (see the module docstring)."""
    refuse_database(path, protect)
    if path.is_symlink() and not _device(path):
        raise RefusedOutput(
            f"{path} is a symbolic link, and links are not followed (so that nobody can "
            "point one at the database)"
        )
    if path.is_dir():
        raise RefusedOutput(f"{path} is a folder")
    for suffix in _COMPANIONS:
        if path.name.endswith(suffix):
            database = path.with_name(path.name.removesuffix(suffix))
            if _head(database).startswith(_SQLITE_MAGIC):
                raise RefusedOutput(f"{path} belongs to the database {database}")
    try:
        status = path.lstat()
    except OSError:
        return  # nothing there yet
    if stat.S_ISREG(status.st_mode) and status.st_size and not ours(_first_line(_head(path))):
        raise RefusedOutput(
            f"{path} already exists and is not a file this app wrote (nothing was written to it)"
        )


def refuse_database(path: Path, protect: Iterable[Path]) -> None:
    """Refuse `path` when it is one of the database's files (`protect`)."""
    target = path.resolve()
    for own in protect:
        same = target == own.resolve()
        if not same and path.exists() and own.exists():
            same = os.path.samefile(path, own)
        if same:
            raise RefusedOutput(
                f"{path} is the database ({own.name}): writing there would destroy it"
            )


def _device(path: Path) -> bool:
    """Whether `path` leads to a device or a pipe (`/dev/stdout` is a link to one)."""
    try:
        mode = path.stat().st_mode
    except OSError:
        return False
    return stat.S_ISCHR(mode) or stat.S_ISFIFO(mode)


def _head(path: Path) -> bytes:
    try:
        with path.open("rb") as file:
            return file.read(_HEAD)
    except OSError:
        return b""


def _first_line(head: bytes) -> str:
    if head.startswith(codecs.BOM_UTF8):
        head = head[len(codecs.BOM_UTF8) :]
    return head.split(b"\n", 1)[0].rstrip(b"\r").decode("utf-8", "replace")
