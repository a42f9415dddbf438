"""NumPy .npz archives: arrays Theta1..ThetaN (float64) and `metadata`, a 0-d string array
holding the metadata as JSON. Read with allow_pickle=False: object arrays are refused
and never unpickled. An archive holding only Theta1..ThetaN (np.savez(path, Theta1=...,
Theta2=...)) is read too."""
from __future__ import annotations

import io
import zipfile
from typing import Any, BinaryIO

import numpy as np

from .metadata import metadata_to_json, parse_json
from .thetas import THETA_NAME, WeightsContent, checked_theta, theta_count, theta_name

MAX_ARRAY_BYTES = 1 << 30


def write_npz(stream: BinaryIO, thetas: list[np.ndarray], metadata: dict[str, Any]) -> None:
    arrays = {theta_name(l): theta for l, theta in enumerate(thetas, start=1)}
    np.savez(stream, metadata=np.array(metadata_to_json(metadata)), **arrays)


def read_npz(data: bytes) -> WeightsContent:
    arrays = _read_arrays(data)
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


def _read_arrays(data: bytes) -> dict[str, np.ndarray]:
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
            arrays[name] = _read_member(archive, info)
    return arrays


def _read_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> np.ndarray:
    if info.file_size > MAX_ARRAY_BYTES:
        raise ValueError(f"array {info.filename!r} is larger than {MAX_ARRAY_BYTES} bytes")
    try:
        member = io.BytesIO(archive.read(info))
        version = np.lib.format.read_magic(member)
        shape, _, dtype = _read_header(member, version)
    except Exception as error:
        raise ValueError(f"array {info.filename!r} is corrupt ({type(error).__name__}: {error})") from error
    if dtype.hasobject:
        raise ValueError(f"array {info.filename!r} holds Python objects (a pickle); "
                         "refused, never unpickled")
    # Compare the size the header declares with the bytes present before allocating it.
    declared = int(np.prod(shape, dtype=object)) * dtype.itemsize
    if declared > len(member.getbuffer()) - member.tell():
        raise ValueError(f"array {info.filename!r} is truncated: its header declares shape "
                         f"{shape} of {dtype}")
    member.seek(0)
    try:
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
