"""The files the app writes for people (exports, errors files, reports, script files).

They hold the same personal data as the database, so they are created 0600, as it is. A
path is opened without following a symbolic link (anyone who can write to a shared folder
could plant one pointing at the database), and an existing file is written over only when
it is one the app wrote (its first line says so) or empty: never the database, its -wal or
-shm, or a file of the user's. Devices and pipes (`-o /dev/stdout`) are written as they are.
"""

from __future__ import annotations

import codecs
import io
import os
import stat
from collections.abc import Callable
from pathlib import Path
from typing import TextIO

from workstation.store.errors import StoreError

_SQLITE_MAGIC = b"SQLite format 3\x00"
_SQLITE_COMPANIONS = ("-wal", "-shm", "-journal")
_HEAD = 4096

Ours = Callable[[str], bool]  # whether a file's first line is one the app writes


class RefusedOutput(StoreError):
    """The path names a file the app must not write."""


def first_line_in(*lines: str) -> Ours:
    """An `Ours` for files whose first line is one of `lines` exactly."""
    known = frozenset(lines)
    return lambda line: line in known


def first_line_starting(*prefixes: str) -> Ours:
    return lambda line: line.startswith(prefixes)


def open_output(
    path: Path | str, ours: Ours, *, errors: str = "strict", advice: str = "name a new file"
) -> TextIO:
    """`path` opened for writing UTF-8 text (newlines as written); RefusedOutput naming the
    problem (and ending with `advice`) when it may not be written, StoreError when the
    system refuses."""
    raw = open_output_bytes(path, ours, advice=advice)
    return io.TextIOWrapper(raw, encoding="utf-8", errors=errors, newline="")


def open_output_bytes(
    path: Path | str, ours: Ours, *, advice: str = "name a new file"
) -> io.BufferedWriter:
    """`open_output` for bytes (a workbook)."""
    path = Path(path).expanduser()
    try:
        return _open(path, ours)
    except RefusedOutput as error:
        raise RefusedOutput(f"{error}: {advice}") from None


def _open(path: Path, ours: Ours) -> io.BufferedWriter:
    _refuse_database_companion(path)
    flags = os.O_RDWR | os.O_CREAT | os.O_CLOEXEC | os.O_NOFOLLOW
    try:
        fd = os.open(path, flags, 0o600)
    except OSError as error:
        fd = _device_behind_link(path, error)
    try:
        status = os.fstat(fd)
        if stat.S_ISREG(status.st_mode):
            if status.st_size and not ours(_first_line(os.pread(fd, _HEAD, 0))):
                raise RefusedOutput(
                    f"{path} already exists and is not a file this app wrote (nothing was "
                    "written to it)"
                )
            os.ftruncate(fd, 0)
            if status.st_uid == os.geteuid():
                os.fchmod(fd, 0o600)
        raw = os.fdopen(fd, "wb", closefd=True)
    except BaseException:
        os.close(fd)
        raise
    return raw


def _refuse_database_companion(path: Path) -> None:
    for suffix in _SQLITE_COMPANIONS:
        if path.name.endswith(suffix):
            database = path.with_name(path.name.removesuffix(suffix))
            try:
                with database.open("rb") as file:
                    is_database = file.read(len(_SQLITE_MAGIC)) == _SQLITE_MAGIC
            except OSError:
                is_database = False
            if is_database:
                raise RefusedOutput(f"{path} belongs to the database {database}")


def _device_behind_link(path: Path, error: OSError) -> int:
    """A descriptor for a link to a device or pipe (/dev/stdout); RefusedOutput for a link
    to anything else, StoreError for any other failure."""
    import errno

    if error.errno == errno.EISDIR:
        raise RefusedOutput(f"{path} is a folder") from None
    if error.errno != errno.ELOOP:
        raise StoreError(f"cannot write {path}: {error.strerror or error}") from None
    try:
        target = os.stat(path)
    except OSError:
        target = None
    if target is None or stat.S_ISREG(target.st_mode) or stat.S_ISDIR(target.st_mode):
        raise RefusedOutput(
            f"{path} is a symbolic link, and links are not followed (so that nobody can "
            "point one at the database)"
        ) from None
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CLOEXEC)
    except OSError as again:
        raise StoreError(f"cannot write {path}: {again.strerror or again}") from None
    if stat.S_ISREG(os.fstat(fd).st_mode):  # the link changed under us
        os.close(fd)
        raise RefusedOutput(f"{path} is a symbolic link, and links are not followed")
    return fd


def _first_line(head: bytes) -> str:
    if head.startswith(codecs.BOM_UTF8):
        head = head[len(codecs.BOM_UTF8) :]
    line = head.split(b"\n", 1)[0].rstrip(b"\r")
    return line.decode("utf-8", "replace")
