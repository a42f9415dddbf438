"""CSV weights, for spreadsheets: one file per Θ plus a JSON manifest, as a folder or a zip.

    Theta1.csv ... ThetaN.csv   Θ^(l) as s_(l+1) lines of s_l + 1 comma-separated numbers,
                                no header; column 1 multiplies the bias. Numbers are Python's
                                shortest round-trip repr, so float64 reads back bit for bit.
    manifest.json               {"format": "bp-desktop-weights-csv", "version": 1,
                                 "layer_sizes": [...], "hidden_activation": "...",
                                 "thetas": [{"file": "Theta1.csv", "rows": r, "columns": c}, ...],
                                 "metadata": {...}}

Reading also accepts Theta*.csv files without a manifest (e.g. written by Octave's
csvwrite), a zip whose files sit in one top-level folder, CRLF line ends and a UTF-8
byte-order mark. Every line, the last included, must end with a line break: a last
line without one means the file was cut short.
"""
from __future__ import annotations

import io
import json
import re
import zipfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any, BinaryIO

import numpy as np

from ..data.csv_loader import NUMBER
from ..data.regular_files import FileTooLargeError, read_regular_file
from .metadata import metadata_block, parse_json
from .thetas import MAX_WEIGHT_VALUES, WeightsContent, checked_theta, theta_count, theta_name

FORMAT_NAME = "bp-desktop-weights-csv"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
MAX_FILE_BYTES = 512 * 2**20   # one CSV file's text, after unzipping: 16.8 M values in repr
MAX_MANIFEST_BYTES = 16 * 2**20
_CHUNK = 1 << 20
MANIFEST_KEYS = ("format", "version", "layer_sizes", "hidden_activation", "thetas", "metadata")
_CSV_NAME = re.compile(r"(Theta[1-9][0-9]{0,5})\.csv")


# --- writing -----------------------------------------------------------------------------
def csv_files(thetas: list[np.ndarray], metadata: dict[str, Any]) -> dict[str, bytes]:
    """File name -> content of every file of the CSV variant."""
    files = {f"{theta_name(l)}.csv": _csv_text(theta).encode("ascii")
             for l, theta in enumerate(thetas, start=1)}
    head = {"format": FORMAT_NAME, "version": FORMAT_VERSION,
            "layer_sizes": metadata["layer_sizes"],
            "hidden_activation": metadata["hidden_activation"]}
    listing = ",\n".join(f'    {{"file": "{name}", "rows": {t.shape[0]}, "columns": {t.shape[1]}}}'
                         for name, t in zip(files, thetas))
    manifest = ("{\n" + "".join(f"  {json.dumps(k)}: {json.dumps(v)},\n" for k, v in head.items())
                + f'  "thetas": [\n{listing}\n  ],\n'
                + f'  "metadata": {metadata_block(metadata, "  ")}\n}}\n')
    files[MANIFEST] = manifest.encode("utf-8")
    return files


def write_csv_folder(folder: Path, thetas: list[np.ndarray], metadata: dict[str, Any]) -> None:
    for name, content in csv_files(thetas, metadata).items():
        (folder / name).write_bytes(content)


def write_csv_zip(stream: BinaryIO, thetas: list[np.ndarray], metadata: dict[str, Any]) -> None:
    with zipfile.ZipFile(stream, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, content in csv_files(thetas, metadata).items():
            archive.writestr(name, content)


def _csv_text(theta: np.ndarray) -> str:
    # repr of a Python float is the shortest text that parses back to the same float64
    return "".join(",".join(map(repr, row)) + "\n" for row in theta.tolist())


def foreign_entries(folder: Path) -> list[str]:
    """Entries of an existing folder that a CSV weights folder would not hold: such a
    folder is not replaced, so that saving never deletes the user's other files. Hidden
    files (.DS_Store) do not count; hidden folders (.git) do."""
    return sorted(entry.name for entry in folder.iterdir()
                  if not entry.is_file() or not _ours_or_hidden(entry.name))


def _ours_or_hidden(name: str) -> bool:
    return is_weights_file_name(name) or _ignored(name)


def is_weights_file_name(name: str) -> bool:
    """A file that saving a CSV weights folder writes (and may replace or delete)."""
    return name == MANIFEST or bool(_CSV_NAME.fullmatch(name))


# --- reading -----------------------------------------------------------------------------
def read_csv_folder(folder: Path) -> WeightsContent:
    files: dict[str, bytes] = {}
    for entry in sorted(folder.iterdir()):
        if _ignored(entry.name):
            continue
        if not entry.is_file():
            raise ValueError(f"holds {entry.name!r}, which is not a file; a weights folder holds "
                             "only Theta1.csv ... ThetaN.csv and manifest.json")
        limit = MAX_MANIFEST_BYTES if entry.name == MANIFEST else MAX_FILE_BYTES
        try:
            files[entry.name] = read_regular_file(entry, limit)
        except FileTooLargeError as error:
            raise ValueError(f"{entry.name}: {error.strerror}") from None
    return read_csv_files(files)


def read_csv_zip(data: bytes) -> WeightsContent:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except Exception as error:
        raise ValueError(f"is not a readable zip file ({type(error).__name__}: {error})") from error
    with archive:
        infos = [i for i in archive.infolist() if not i.is_dir() and not _ignored_member(i.filename)]
        names = [info.filename for info in infos]
        if len(set(names)) != len(names):
            raise ValueError("the zip file holds two files of the same name")
        values = _ValueCount()
        try:
            files = {info.filename: _read_member(archive, info, values) for info in infos}
        except ValueError:
            raise
        except Exception as error:
            raise ValueError(f"is a corrupt zip file ({type(error).__name__}: {error})") from error
    return read_csv_files(_without_common_folder(files))


def _read_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, values: _ValueCount) -> bytes:
    """A member's bytes, decompressed a chunk at a time and given up as soon as it holds
    more than the size limit or (all members together) more numbers than a weights file
    may: a small zip of zeros must not become gigabytes."""
    limit = MAX_MANIFEST_BYTES if info.filename.endswith(MANIFEST) else MAX_FILE_BYTES
    if info.file_size > limit:
        raise ValueError(f"{info.filename} is larger than {limit} bytes")
    chunks = []
    with archive.open(info) as member:
        while chunk := member.read(_CHUNK):
            if not info.filename.endswith(MANIFEST):
                values.add(chunk, info.filename)
            chunks.append(chunk)
    return b"".join(chunks)


class _ValueCount:
    """Numbers seen in CSV text so far: one per comma and one per line end."""

    def __init__(self):
        self.count = 0

    def add(self, text: bytes, name: str) -> None:
        self.count += text.count(b",") + text.count(b"\n")
        if self.count > MAX_WEIGHT_VALUES:
            raise ValueError(f"{name}: the CSV files hold more than {MAX_WEIGHT_VALUES:,} numbers, "
                             "the limit for a weights file")


def read_csv_files(files: Mapping[str, bytes]) -> WeightsContent:
    """The weights from file name -> content (names relative to the folder or zip)."""
    unknown = sorted(n for n in files if n != MANIFEST and not _CSV_NAME.fullmatch(n))
    if unknown:
        raise ValueError(f"unknown file(s) {', '.join(unknown)}; expected Theta1.csv ... "
                         "ThetaN.csv and manifest.json")
    names = [n.removesuffix(".csv") for n in files if n != MANIFEST]
    count = theta_count(names)
    values = _ValueCount()
    for name in names:
        values.add(files[f"{name}.csv"], f"{name}.csv")
    thetas = [_parse_csv(f"{theta_name(l)}.csv", files[f"{theta_name(l)}.csv"])
              for l in range(1, count + 1)]
    if MANIFEST not in files:
        return WeightsContent(thetas)
    return _with_manifest(thetas, _parse_manifest(files[MANIFEST]))


def _parse_csv(name: str, data: bytes) -> np.ndarray:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ValueError(f"{name} is not UTF-8 text (byte {error.start + 1})") from error
    if not text:
        raise ValueError(f"{name} is empty")
    if not text.endswith("\n"):
        raise ValueError(f"{name} ends in the middle of a line: the file was cut short "
                         "(every line must end with a line break)")
    rows = [np.array(_parse_line(name, number, line.removesuffix("\r")))  # 8 bytes a number
            for number, line in enumerate(text[:-1].split("\n"), start=1)]
    for number, row in enumerate(rows, start=1):
        if len(row) != len(rows[0]):
            raise ValueError(f"{name}, line {number}: {len(row)} numbers, but line 1 has "
                             f"{len(rows[0])}")
    return checked_theta(name, np.stack(rows))


def _parse_line(name: str, number: int, line: str) -> list[float]:
    if not line.strip():
        raise ValueError(f"{name}, line {number} is empty")
    values = []
    for column, field in enumerate(line.split(","), start=1):
        field = field.strip()
        if not NUMBER.fullmatch(field):
            raise ValueError(f"{name}, line {number}, column {column}: {field!r:.40} is not a number")
        values.append(float(field))
    return values


def _parse_manifest(data: bytes) -> dict[str, Any]:
    try:
        manifest = parse_json(data.decode("utf-8-sig"))
    except UnicodeDecodeError as error:
        raise ValueError(f"{MANIFEST} is not UTF-8 text (byte {error.start + 1})") from error
    except json.JSONDecodeError as error:
        raise ValueError(f"{MANIFEST} is not valid JSON: {error.msg} at line {error.lineno}, "
                         f"column {error.colno}") from error
    except ValueError as error:
        raise ValueError(f"{MANIFEST} is not valid JSON: {error}") from error
    if not isinstance(manifest, dict):
        raise ValueError(f"{MANIFEST} must hold a JSON object")
    unknown = sorted(set(manifest) - set(MANIFEST_KEYS))
    missing = [key for key in MANIFEST_KEYS if key not in manifest]
    if unknown or missing:
        raise ValueError(f"{MANIFEST} must have exactly the keys {', '.join(MANIFEST_KEYS)}; "
                         f"unknown: {unknown or 'none'}, missing: {missing or 'none'}")
    if manifest["format"] != FORMAT_NAME:
        raise ValueError(f"{MANIFEST}: \"format\" must be {FORMAT_NAME!r}; "
                         f"got {manifest['format']!r:.100}")
    version = manifest["version"]
    if type(version) is not int or not 1 <= version <= FORMAT_VERSION:
        raise ValueError(f"{MANIFEST}: version {version!r:.50} is not one this bp-desktop reads "
                         f"(it reads version {FORMAT_VERSION})")
    return manifest


def _with_manifest(thetas: list[np.ndarray], manifest: dict[str, Any]) -> WeightsContent:
    listed = manifest["thetas"]
    expected = [{"file": f"{theta_name(l)}.csv", "rows": t.shape[0], "columns": t.shape[1]}
                for l, t in enumerate(thetas, start=1)]
    if listed != expected:
        raise ValueError(f"{MANIFEST} lists the files {listed!r:.300}, but the files present "
                         f"are {expected!r:.300}: a file is missing, extra or cut short")
    sizes = manifest["layer_sizes"]
    if not (isinstance(sizes, list) and all(type(s) is int for s in sizes)):
        raise ValueError(f"{MANIFEST}: layer_sizes must be a list of whole numbers")
    if not isinstance(manifest["hidden_activation"], str):
        raise ValueError(f"{MANIFEST}: hidden_activation must be a string")
    return WeightsContent(thetas, layer_sizes=sizes,
                          hidden_activation=manifest["hidden_activation"],
                          metadata=manifest["metadata"])


def _ignored(name: str) -> bool:
    # Hidden files that file managers add by themselves (.DS_Store, ._Theta1.csv, ...)
    return name.startswith(".")


def _ignored_member(name: str) -> bool:
    parts = name.split("/")
    return parts[0] == "__MACOSX" or _ignored(parts[-1])


def _without_common_folder(files: dict[str, bytes]) -> dict[str, bytes]:
    """Zipping a folder in a file manager puts its files under 'folder/': strip that."""
    heads = {name.split("/", 1)[0] for name in files if "/" in name}
    if len(heads) == 1 and all("/" in name for name in files):
        prefix = heads.pop() + "/"
        return {name[len(prefix):]: content for name, content in files.items()}
    return files
