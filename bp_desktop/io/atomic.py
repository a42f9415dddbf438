"""Atomic writes: a file (or a folder) is either the old one or the complete new one.

The new content goes to a temporary sibling in the same folder (so the final
rename never crosses file systems), is flushed to disk with fsync, and only then
replaces the target with `os.replace`. Whatever fails on the way (disk full,
permission denied, an exception in the caller's writer), the old file stays as
it was and the temporary file is removed.
"""
from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import stat
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

TEMP_MARKER = ".tmp-"


def atomic_write(path: str | os.PathLike[str], write_fn: Callable[[BinaryIO], object]) -> None:
    """Write a file atomically: `write_fn` receives a binary file object to write into.

    Symbolic links are followed, so the link stays and its target is replaced.
    Exceptions from `write_fn` or the file system propagate after the clean-up.
    """
    target = _followed(Path(path))
    temp = _create_temp_file(target)
    try:
        with open(temp, "wb") as stream:
            write_fn(stream)
            stream.flush()
            os.fsync(stream.fileno())
        _copy_mode_of_existing(target, temp)
        os.replace(temp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise
    _fsync_folder(target.parent)


def atomic_directory(path: str | os.PathLike[str], write_fn: Callable[[Path], object]) -> None:
    """Write a folder atomically: `write_fn` fills an empty temporary folder it receives.

    A folder cannot replace a non-empty folder in one rename, so an existing
    folder is first renamed aside, the new one renamed into place and the old
    one deleted. If the second rename fails, the old folder is renamed back.
    The folder at `path` is always either the complete old or the complete new
    one; in the moment between the two renames it is absent.
    """
    target = Path(path)
    if target.exists() and not target.is_dir():
        raise NotADirectoryError(f"{target} exists and is not a folder")
    temp = Path(tempfile.mkdtemp(dir=target.parent, prefix=f".{target.name}{TEMP_MARKER}"))
    try:
        write_fn(temp)
        for child in temp.iterdir():
            _fsync_file(child)
        _fsync_folder(temp)
        _replace_folder(temp, target)
    except BaseException:
        shutil.rmtree(temp, ignore_errors=True)
        raise
    _fsync_folder(target.parent)


def _replace_folder(new: Path, target: Path) -> None:
    if not target.exists():
        os.replace(new, target)
        return
    aside = target.with_name(f".{target.name}{TEMP_MARKER}old-{secrets.token_hex(4)}")
    os.replace(target, aside)
    try:
        os.replace(new, target)
    except BaseException:
        os.replace(aside, target)
        raise
    shutil.rmtree(aside, ignore_errors=True)


def _create_temp_file(target: Path) -> Path:
    # os.open with mode 0o666 lets the umask decide the permissions, as for any new
    # file (tempfile.mkstemp would leave the saved file readable by its owner only).
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    while True:
        temp = target.with_name(f".{target.name}{TEMP_MARKER}{secrets.token_hex(4)}")
        try:
            os.close(os.open(temp, flags, 0o666))
            return temp
        except FileExistsError:
            continue


def _copy_mode_of_existing(target: Path, temp: Path) -> None:
    with contextlib.suppress(FileNotFoundError):
        os.chmod(temp, stat.S_IMODE(os.stat(target).st_mode))


def _followed(path: Path) -> Path:
    return Path(os.path.realpath(path)) if path.is_symlink() else path


def _fsync_file(path: Path) -> None:
    if path.is_file():
        with open(path, "rb+") as stream:
            os.fsync(stream.fileno())


def _fsync_folder(folder: Path) -> None:
    # Makes the rename itself durable. Not possible on Windows (no O_DIRECTORY); the
    # rename is still atomic there, only its durability after a power cut is weaker.
    if not hasattr(os, "O_DIRECTORY"):
        return
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
