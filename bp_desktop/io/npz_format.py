"""NumPy .npz archives: arrays Theta1..ThetaN (float64) and `metadata`, a 0-d string array
holding the metadata as JSON. Read with allow_pickle=False: object arrays are refused
and never unpickled. An archive holding only Theta1..ThetaN (np.savez(path, Theta1=...,
Theta2=...)) is read too."""
from __future__ import annotations

import io
import zipfile
from typing import Any, BinaryIO

import numpy as np

from ..data.regular_files import describe_size
from .metadata import metadata_to_json, parse_json
from .thetas import (MAX_WEIGHT_VALUES, THETA_NAME, WeightsContent, checked_theta, theta_count,
                     theta_name)

MAX_ARRAY_BYTES = 1 << 30


class ArrayBudget:
    """How many bytes the arrays of one archive may declare in all, counting numbers as
    the float64 they become (an int8 member grows 8 times). Checked from each member's
    header, before its data is decompressed or allocated."""

    def __init__(self, max_bytes: int):
        self.max_bytes, self.used = max_bytes, 0

    def take(self, member: str, shape: tuple[int, ...], dtype: np.dtype) -> None:
        cost = int(np.prod(shape, dtype=object)) * max(dtype.itemsize, 8)
        if self.used + cost > self.max_bytes:
            raise ValueError(f"array {member!r} ({'×'.join(map(str, shape)) or 'scalar'} {dtype}) "
                             f"takes the arrays past {describe_size(self.max_bytes)}, the limit "
                             "for this kind of file")
        self.used += cost


def write_npz(stream: BinaryIO, thetas: list[np.ndarray], metadata: dict[str, Any]) -> None:
    arrays = {theta_name(l): theta for l, theta in enumerate(thetas, start=1)}
    np.savez(stream, metadata=np.array(metadata_to_json(metadata)), **arrays)


def read_npz(data: bytes) -> WeightsContent:
    arrays = _read_arrays(data, ArrayBudget(8 * MAX_WEIGHT_VALUES))
    unknown = sorted(n for n in arrays if n != "metadata" and not THETA_NAME.fullmatch(n))
    if unknown:
        raise ValueError(f"unknown array(s) {', '.join(unknown)}; a weights archive holds "
                         "Theta1..ThetaN and metadata")
    count = theta_count(arrays)
    thetas = [checked_theta(theta_name(l), arrays[theta_name(l)]) for l in range(1, count + 1)]
    content = WeightsContent(thetas)
    if "metadata" in arrays:
        content.metadata = _metadata(arrays["metadata"])
    return content


def _read_arrays(data: bytes, budget: ArrayBudget) -> dict[str, np.ndarray]:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except Exception as error:
        raise ValueError(f"is not a readable .npz archive ({type(error).__name__}: {error})") from error
    arrays: dict[str, np.ndarray] = {}
    with archive:
        for info in archive.infolist():
            name = info.filename.removesuffix(".npy")
            if name == info.filename or name in arrays:
                raise ValueError(f"member {info.filename!r} is not one array of a .npz archive")
            arrays[name] = read_npy_member(archive, info, budget)
    return arrays


def read_npy_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, budget: ArrayBudget) -> np.ndarray:
    """One .npy member, streamed: its header is checked against the bytes the member
    declares and against the budget before any of its data is decompressed."""
    if info.file_size > MAX_ARRAY_BYTES:
        raise ValueError(f"array {info.filename!r} is larger than {MAX_ARRAY_BYTES} bytes")
    try:
        with archive.open(info) as member:
            version = np.lib.format.read_magic(member)
            shape, _, dtype = _read_header(member, version)
            header_bytes = member.tell()
    except Exception as error:
        raise ValueError(f"array {info.filename!r} is corrupt ({type(error).__name__}: {error})") from error
    if dtype.hasobject:
        raise ValueError(f"array {info.filename!r} holds Python objects (a pickle); "
                         "refused, never unpickled")
    declared = int(np.prod(shape, dtype=object)) * dtype.itemsize
    if declared > info.file_size - header_bytes:
        raise ValueError(f"array {info.filename!r} is truncated: its header declares shape "
                         f"{shape} of {dtype}")
    budget.take(info.filename, shape, dtype)
    try:
        with archive.open(info) as member:  # numpy fills one array of the declared size
            return np.lib.format.read_array(member, allow_pickle=False)
    except Exception as error:
        raise ValueError(f"array {info.filename!r} is corrupt ({type(error).__name__}: {error})") from error


def _read_header(member: io.BytesIO, version: tuple[int, int]):
    if version == (1, 0):
        return np.lib.format.read_array_header_1_0(member)
    if version == (2, 0):
        return np.lib.format.read_array_header_2_0(member)
    raise ValueError(f"unsupported .npy format version {version}")


def _metadata(value: np.ndarray) -> Any:
    if value.dtype.kind != "U" or value.size != 1:
        raise ValueError("metadata must be one string (the metadata as JSON)")
    try:
        return parse_json(str(value.reshape(-1)[0]))
    except ValueError as error:
        raise ValueError(f"metadata is not valid JSON: {error}") from error
