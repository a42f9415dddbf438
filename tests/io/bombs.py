"""Small compressed files that declare huge arrays (decompression bombs), built in
chunks so that making them never holds the decompressed bytes."""
from __future__ import annotations

import struct
import zipfile
import zlib
from pathlib import Path

import numpy as np

_ZEROS = bytes(1 << 20)


def _zeros(compressor, count: int) -> list[bytes]:
    out = []
    while count > 0:
        out.append(compressor.compress(_ZEROS[:min(count, len(_ZEROS))]))
        count -= len(_ZEROS)
    return out


def mat_bomb(path: Path, name: str, shape: tuple[int, int], data_bytes: int | None = None) -> Path:
    """A level-5 MAT-file with one zlib-compressed int8 matrix of zeros. data_bytes is the
    data the element really holds (default: what the shape declares)."""
    rows, cols = shape
    count = rows * cols if data_bytes is None else data_bytes
    name_bytes = name.encode()
    name_element = struct.pack("<II", 1, len(name_bytes)) + name_bytes + bytes(-len(name_bytes) % 8)
    flags = struct.pack("<IIII", 6, 8, 8, 0)                  # mxINT8_CLASS
    dims = struct.pack("<IIii", 5, 8, rows, cols)
    data_tag = struct.pack("<II", 1, count)                   # miINT8
    body = len(flags) + len(dims) + len(name_element) + 8 + count + (-count % 8)
    compressor = zlib.compressobj(1)
    chunks = [compressor.compress(struct.pack("<II", 14, body) + flags + dims + name_element + data_tag)]
    chunks += _zeros(compressor, count + (-count % 8))
    chunks.append(compressor.flush())
    payload = b"".join(chunks)
    header = b"MATLAB 5.0 MAT-file, bomb".ljust(116, b" ") + bytes(8) + struct.pack("<H", 0x0100) + b"IM"
    path.write_bytes(header + struct.pack("<II", 15, len(payload)) + payload)
    return path


def npy_bomb_member(archive: zipfile.ZipFile, name: str, shape: tuple[int, ...], dtype="i1") -> None:
    """A .npy member of zeros, deflated, written a chunk at a time."""
    header = {"descr": np.dtype(dtype).str, "fortran_order": False, "shape": shape}
    with archive.open(name, "w", force_zip64=True) as member:
        np.lib.format.write_array_header_1_0(member, header)
        remaining = int(np.prod(shape)) * np.dtype(dtype).itemsize
        while remaining > 0:
            member.write(_ZEROS[:min(remaining, len(_ZEROS))])
            remaining -= len(_ZEROS)


def text_zip_bomb(path: Path, name: str, line: bytes, lines: int) -> Path:
    """A zip holding one text member of `lines` copies of `line`."""
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        with archive.open(name, "w", force_zip64=True) as member:
            block = line * max(1, (1 << 20) // len(line))
            per_block = len(block) // len(line)
            for _ in range(lines // per_block):
                member.write(block)
            member.write(line * (lines % per_block))
    return path
