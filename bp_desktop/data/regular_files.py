"""Reading a user's file without blocking on what only looks like one.

A named pipe (FIFO) blocks a plain open() until someone writes to it, and a device such
as /dev/zero never ends; a file dialog or a command line offers both. Every loader
reads through `read_regular_file`, which opens without blocking, asks the opened file
what it is, and refuses anything but a regular file. Checking the open file (fstat)
rather than the path leaves no moment in which the path can be swapped.
"""
from __future__ import annotations

import errno
import os
import stat


class NotRegularFileError(OSError):
    """The path names a folder, a pipe, a device or a socket; strerror says which."""


class FileTooLargeError(OSError):
    """The file holds more bytes than the caller's limit (also for files that grow)."""


_KINDS = ((stat.S_ISDIR, "a folder"), (stat.S_ISFIFO, "a named pipe (FIFO)"),
          (stat.S_ISCHR, "a device"), (stat.S_ISBLK, "a device"), (stat.S_ISSOCK, "a socket"))


def read_regular_file(path: str | os.PathLike, max_bytes: int,
                      progress=None) -> bytes:
    """The whole file, at most max_bytes of it.

    Raises NotRegularFileError for anything but a regular file, FileTooLargeError when
    it holds more than max_bytes, and OSError when it cannot be read. progress(done,
    size), when given, is called when the file has been read.
    """
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    try:
        info = os.fstat(fd)
        _check_regular(info.st_mode)
        os.set_blocking(fd, True)
    except BaseException:
        os.close(fd)
        raise
    with os.fdopen(fd, "rb", buffering=0) as stream:
        if info.st_size > max_bytes:
            raise FileTooLargeError(errno.EFBIG, f"the file is {describe_size(info.st_size)}, more "
                                                 f"than the limit of {describe_size(max_bytes)}")
        # one read of the size the file has: a list of chunks joined would hold it twice of the size the file has: a list of chunks joined would hold it twice
        chunks = [stream.read(info.st_size + 1)]
        total = len(chunks[0])
        while total <= max_bytes and (chunk := stream.read(min(4 << 20, max_bytes + 1 - total))):
            chunks.append(chunk)  # the file grew while we read it
            total += len(chunk)
        if total > max_bytes:
            raise FileTooLargeError(errno.EFBIG, "the file is more than the limit of "
                                                 f"{describe_size(max_bytes)}")
        if progress is not None:
            progress(total, max(info.st_size, 1))
    return chunks[0] if len(chunks) == 1 else b"".join(chunks)


def _check_regular(mode: int) -> None:
    if stat.S_ISREG(mode):
        return
    kind = next((words for test, words in _KINDS if test(mode)), "not a regular file")
    raise NotRegularFileError(errno.EINVAL, f"it is {kind}, not a regular file")


def describe_size(count: int) -> str:
    """Bytes as people read them: 512 bytes, 20.5 kB, 64.0 MB, 1.1 GB."""
    if count < 1000:
        return f"{count} bytes"
    if count < 1_000_000:
        return f"{count / 1e3:.1f} kB"
    return f"{count / 1e6:.1f} MB" if count < 1_000_000_000 else f"{count / 1e9:.1f} GB"
