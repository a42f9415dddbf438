"""Atomic writes: a file (or a folder) is either the old one or the complete new one.

The new content goes to a temporary sibling in the same folder (so the final
rename never crosses file systems), is flushed to disk with fsync, and only then
replaces the target with `os.replace`. Whatever fails on the way (disk full,
permission denied, an exception in the caller's writer), the old file stays as
it was and the temporary file is removed. Errors name the target, never the
temporary.

Temporaries are named `.<target name>.tmp-<8 hex digits>` (`.tmp-old-…` for a folder
moved aside). A process killed during a save leaves them behind; the next save of the
same target removes those that are older than the running process, and only those: a
concurrent save's temporaries are younger, other files never match the name.
"""
from __future__ import annotations

import contextlib
import os
import re
import secrets
import shutil
import stat
import time
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

TEMP_MARKER = ".tmp-"
ASIDE_MARKER = "old-"
# Temporaries older than this were left by an earlier process (killed during a save).
PROCESS_START = time.time()


def atomic_write(path: str | os.PathLike[str], write_fn: Callable[[BinaryIO], object]) -> None:
    """Write a file atomically: `write_fn` receives a binary file object to write into.

    Symbolic links are followed, so the link stays and its target is replaced.
    Exceptions from `write_fn` or the file system propagate after the clean-up; an
    OSError names the target.
    """
    target = _followed(Path(path))
    with _naming(target):
        _remove_stale_files(target)
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


def atomic_directory(path: str | os.PathLike[str], write_fn: Callable[[Path], object],
                     owned: Callable[[str], bool] = lambda name: True) -> None:
    """Write a folder atomically: `write_fn` fills an empty temporary folder it receives.

    A folder cannot replace a non-empty folder in one rename, so an existing folder is
    renamed aside, the new one renamed into place, and then the old folder's files that
    `owned(name)` claims are deleted and everything else is moved into the new folder:
    pass `owned` so that files the caller does not write are never deleted (by default
    the folder is replaced as a whole). The new folder gets the old one's permissions.
    If the second rename fails, the old folder is renamed back; if the process dies
    between the renames, `recover_directory` (called by the next save, and by loaders)
    puts it back.
    """
    target = Path(path)
    with _naming(target):
        recover_directory(target, owned)
        if target.exists() and not target.is_dir():
            raise NotADirectoryError(f"{target} exists and is not a folder")
        temp = _create_temp_folder(target)
        try:
            write_fn(temp)
            for child in temp.iterdir():
                _fsync_file(child)
            _fsync_folder(temp)
            aside = _replace_folder(temp, target)
        except BaseException:
            shutil.rmtree(temp, ignore_errors=True)
            raise
        if aside is not None:
            _finish_swap(aside, target, owned)
        _fsync_folder(target.parent)


def recover_directory(path: str | os.PathLike[str], owned: Callable[[str], bool]) -> None:
    """Complete or undo a folder swap that an earlier process left half done.

    Between its two renames the target is missing and the old folder sits aside: it is
    renamed back. After them, the old folder's files that `owned` does not claim are moved
    into the target. A new folder that never moved in holds only written files: removed.
    """
    target = Path(path)
    stale = _stale_temporaries(target)
    asides = sorted((p for p in stale if p.is_dir() and _is_aside(p, target)),
                    key=lambda p: p.stat().st_mtime)
    if asides and not target.exists():
        os.replace(asides.pop(), target)
    for aside in asides:
        _finish_swap(aside, target, owned)
    for entry in stale:
        if entry.is_dir() and not _is_aside(entry, target):
            shutil.rmtree(entry, ignore_errors=True)
        elif not entry.is_dir():
            with contextlib.suppress(OSError):
                entry.unlink()


# --- temporaries ---------------------------------------------------------------------------
def _temp_path(target: Path, marker: str = "") -> Path:
    return target.with_name(f".{target.name}{TEMP_MARKER}{marker}{secrets.token_hex(4)}")


def _stale_temporaries(target: Path) -> list[Path]:
    """This app's temporaries of target that are older than the running process."""
    pattern = re.compile(rf"\.{re.escape(target.name)}{re.escape(TEMP_MARKER)}"
                         rf"(?:{ASIDE_MARKER})?[0-9a-f]{{8}}")
    try:
        candidates = [entry for entry in target.parent.iterdir() if pattern.fullmatch(entry.name)]
    except OSError:
        return []
    stale = []
    for entry in candidates:
        with contextlib.suppress(OSError):
            info = entry.lstat()
            if max(info.st_mtime, info.st_ctime) < PROCESS_START and not stat.S_ISLNK(info.st_mode):
                stale.append(entry)
    return stale


def _remove_stale_files(target: Path) -> None:
    for entry in _stale_temporaries(target):
        if entry.is_file():
            with contextlib.suppress(OSError):
                entry.unlink()


def _is_aside(entry: Path, target: Path) -> bool:
    return entry.name.startswith(f".{target.name}{TEMP_MARKER}{ASIDE_MARKER}")


def _create_temp_file(target: Path) -> Path:
    # os.open with mode 0o666 lets the umask decide the permissions, as for any new
    # file (tempfile.mkstemp would leave the saved file readable by its owner only).
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    while True:
        temp = _temp_path(target)
        try:
            os.close(os.open(temp, flags, 0o666))
            return temp
        except FileExistsError:
            continue


def _create_temp_folder(target: Path) -> Path:
    """An empty folder beside target, with target's permissions if it exists (else the
    umask's, as for any new folder; tempfile.mkdtemp would make it 0700)."""
    while True:
        temp = _temp_path(target)
        try:
            os.mkdir(temp, 0o777)
            break
        except FileExistsError:
            continue
    _copy_mode_of_existing(target, temp)
    return temp


# --- swapping folders -------------------------------------------------------------------------
def _replace_folder(new: Path, target: Path) -> Path | None:
    """Rename new to target; an existing target goes aside first. Returns the aside."""
    if not target.exists():
        os.replace(new, target)
        return None
    aside = _temp_path(target, ASIDE_MARKER)
    os.replace(target, aside)
    try:
        os.replace(new, target)
    except BaseException:
        os.replace(aside, target)
        raise
    return aside


def _finish_swap(aside: Path, target: Path, owned: Callable[[str], bool]) -> None:
    """Move what the writer did not write from the old folder into the new one, then remove
    the old folder's own files and, if nothing else is left, the folder."""
    for entry in aside.iterdir():
        if owned(entry.name):
            _remove(entry)
        elif not os.path.lexists(target / entry.name):
            os.replace(entry, target / entry.name)
    with contextlib.suppress(OSError):
        aside.rmdir()  # something left (a name both folders hold that is not ours) stays
    _fsync_folder(target)


def _remove(entry: Path) -> None:
    if entry.is_dir() and not entry.is_symlink():
        shutil.rmtree(entry)
    else:
        entry.unlink()


# --- details ------------------------------------------------------------------------------------
@contextlib.contextmanager
def _naming(target: Path):
    """OSErrors name the target, never a temporary the user has never heard of."""
    try:
        yield
    except OSError as error:
        if error.errno is None or error.filename == str(target) and error.filename2 is None:
            raise
        raise type(error)(error.errno, error.strerror or os.strerror(error.errno), str(target)) from error


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
