"""A database file made read-only for a test, the way a user meets one: a file nobody may
write (mode 0444; as root, whom modes do not stop, the immutable attribute) or a folder on
a read-only file system (a read-only bind mount, which needs root). A way the machine does
not offer skips the test."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest


@contextmanager
def read_only(path: Path, *, how: str = "file") -> Iterator[Path]:
    """`path` made read-only (`how`: "file" or "filesystem"); yields the path to open."""
    if how == "file":
        with _read_only_file(path):
            yield path
    else:
        with _read_only_folder(path.parent) as folder:
            yield folder / path.name


@contextmanager
def _read_only_file(path: Path) -> Iterator[None]:
    mode = path.stat().st_mode
    if os.geteuid() != 0:
        path.chmod(0o444)
        try:
            yield
        finally:
            path.chmod(mode)
        return
    chattr = shutil.which("chattr")
    if chattr is None or subprocess.run([chattr, "+i", str(path)], capture_output=True).returncode:
        pytest.skip("cannot make a file read-only for root here (no chattr +i)")
    try:
        yield
    finally:
        subprocess.run([chattr, "-i", str(path)], check=True)


@contextmanager
def _read_only_folder(folder: Path) -> Iterator[Path]:
    mount, umount = shutil.which("mount"), shutil.which("umount")
    if os.geteuid() != 0 or mount is None or umount is None:
        pytest.skip("a read-only file system needs root (a read-only bind mount)")
    target = Path(tempfile.mkdtemp(prefix="ro-"))
    done = subprocess.run(
        [mount, "--bind", "-o", "ro", str(folder), str(target)], capture_output=True
    )
    if done.returncode:
        target.rmdir()
        pytest.skip(f"cannot bind-mount read-only here: {done.stderr.decode().strip()}")
    try:
        if os.access(target, os.W_OK):  # an old mount(8) ignores ro on the first bind
            subprocess.run([mount, "-o", "remount,bind,ro", str(target)], check=True)
        yield target
    finally:
        subprocess.run([umount, "--lazy", str(target)], check=True)  # engines may hold it
        target.rmdir()
