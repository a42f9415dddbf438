"""Sessions (.bpsession): everything needed to continue a training run exactly where it was.

A session is a zip archive (stored, not compressed: the arrays are float64 noise to zlib):

    session.json             format name and version, app version, the dataset (embedded or
                             referenced), data preparation, network, hyper-parameters, stop
                             criteria, iteration, selected example and the optimiser's scalars
    params.npy               Θ now: the unrolled nn_params (column-major, as the course's)
    initial_params.npy       Θ at iteration 0 (what Reset returns to; the seed is in the JSON)
    history.npy              the cost-history rows (training.history.SERIES columns, then the
                             per-unit statistics), one row per recorded iteration
    optimizer/<name>.npy     the optimiser's arrays (momentum velocity, CG search direction s
                             and fmincg's df1)
    dataset/X.npy, y.npy     the examples and their 0-based classes, when embedded

Built-in datasets, and datasets whose arrays take at most EMBED_LIMIT bytes, are embedded.
Larger ones are referenced by path and sha256, and loading checks that the file is still
there and unchanged. Opening a session and continuing gives the same costs, bit for bit,
as if training had never stopped.

This module is the file format alone: it reads and writes a plain structure (the JSON
document, the arrays and the dataset) and knows nothing of training runs. What the settings
and the optimiser's state must hold, and turning them back into a run, is the application
model's (bp_desktop/workbench/sessions.py).

Loading raises SessionFileError (a ValueError) and nothing else, for any file content.
Arrays are read with allow_pickle=False: a pickle is refused, never run.
"""
from __future__ import annotations

import io
import json
import os
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from .. import __version__
from ..data import Dataset, DatasetError, make_dataset
from ..data.regular_files import FileTooLargeError, read_regular_file
from .atomic import atomic_write
from .dataset_files import load_dataset
from .npz_format import ArrayBudget, read_npy_member

FORMAT = "bp-desktop session"
VERSION = 1
SUFFIX = ".bpsession"
EMBED_LIMIT = 20 * 2**20        # bytes of X and y up to which a file's data travel in the session
MAX_SESSION_BYTES = 1 << 30
# Bytes all arrays of a session may declare (as float64): Θ, Θ at iteration 0 and the
# optimiser's arrays within the weights limit, a history of 32 MiB, an embedded dataset.
MAX_SESSION_ARRAY_BYTES = 512 * 2**20


class SessionFileError(ValueError):
    """A session file that cannot be used. `str(error)` names the file and the problem."""

    def __init__(self, path: str | os.PathLike[str], problem: str):
        self.path = os.fspath(path)
        self.problem = problem
        super().__init__(f"{self.path}: {problem}")




@dataclass
class SessionFile:
    """What a .bpsession holds, as plain data: session.json's document (format and version
    checked), the arrays by member name (without .npy), and the dataset (read back from the
    embedded arrays, or from the file it references, checked against its sha256)."""

    document: dict[str, Any]
    arrays: dict[str, np.ndarray]
    dataset: Dataset
    dataset_embedded: bool


# --- saving ---------------------------------------------------------------------------------
def write_session(path: str | os.PathLike[str], document: dict[str, Any], arrays: dict[str, np.ndarray],
                  dataset: Dataset, *, embed_limit: int = EMBED_LIMIT) -> None:
    """Write `document` (plain JSON values) and `arrays` with `dataset`, atomically. Built-in
    datasets and small ones are embedded, larger ones referenced by path and sha256."""
    embed = dataset.source.startswith("builtin:") or dataset.X.nbytes + dataset.y.nbytes <= embed_limit
    arrays = dict(arrays)
    if embed:
        arrays.update({"dataset/X": np.asarray(dataset.X), "dataset/y": np.asarray(dataset.y)})
    document = {"format": FORMAT, "version": VERSION, "app_version": __version__,
                "dataset": _dataset_json(dataset, embed), **document}
    text = json.dumps(document, indent=2, ensure_ascii=False, allow_nan=False)
    atomic_write(path, lambda stream: _write_zip(stream, text, arrays))


def _dataset_json(dataset: Dataset, embed: bool) -> dict[str, Any]:
    entry = {"embedded": embed, "name": dataset.name, "source": dataset.source,
             "sha256": dataset.sha256, "class_names": list(dataset.class_names),
             "feature_names": list(dataset.feature_names),
             "image_shape": None if dataset.image_shape is None else list(dataset.image_shape),
             "image_order": dataset.image_order,
             "m": dataset.m, "n": dataset.n}
    if not embed:
        entry["path"] = str(Path(dataset.source).resolve())
    return entry


def _write_zip(stream, text: str, arrays: dict[str, np.ndarray]) -> None:
    with zipfile.ZipFile(stream, "w", compression=zipfile.ZIP_STORED) as archive:
        archive.writestr("session.json", text)
        for name, array in arrays.items():
            buffer = io.BytesIO()
            np.lib.format.write_array(buffer, np.ascontiguousarray(array), allow_pickle=False)
            archive.writestr(f"{name}.npy", buffer.getvalue())


# --- loading --------------------------------------------------------------------------------
def read_session(path: str | os.PathLike[str]) -> SessionFile:
    """The plain content of a .bpsession file; SessionFileError for anything wrong with it."""
    path = Path(path)
    return session_errors(path, lambda: _read(path))


def session_errors(path: Path, work: Callable[[], Any]) -> Any:
    """work(), with every exception it raises turned into this session file's SessionFileError:
    whatever is wrong with a session file's content is the file's fault."""
    try:
        return work()
    except SessionFileError:
        raise
    except OSError as error:
        raise SessionFileError(path, f"cannot be read: {error.strerror or error}") from error
    except ValueError as error:  # includes DatasetError from an embedded dataset
        raise SessionFileError(path, str(error)) from error
    except Exception as error:  # a parser failing in a way nobody foresaw: still the file's fault
        raise SessionFileError(path, f"is corrupt ({type(error).__name__}: {error})") from error


def _read(path: Path) -> SessionFile:
    try:
        data = read_regular_file(path, MAX_SESSION_BYTES)
    except FileTooLargeError as error:
        raise ValueError(f"{error.strerror}; not a session file") from None
    document, arrays = _read_zip(data)
    _check_format(document)
    dataset, embedded = _dataset(JsonFields(document, "session.json").object("dataset"), arrays, path)
    return SessionFile(document, arrays, dataset, embedded)


def _read_zip(data: bytes) -> tuple[Any, dict[str, np.ndarray]]:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except Exception as error:
        raise ValueError(f"is not a session file: not a readable zip archive ({error})") from error
    arrays: dict[str, np.ndarray] = {}
    document = None
    budget = ArrayBudget(MAX_SESSION_ARRAY_BYTES)
    with archive:
        for info in archive.infolist():
            if info.filename == "session.json":
                if info.file_size > 1 << 24:
                    raise ValueError("session.json is implausibly large")
                document = json.loads(archive.read(info).decode("utf-8"), parse_constant=_no_constant)
                continue
            name = info.filename.removesuffix(".npy")
            if name == info.filename or name in arrays:
                raise ValueError(f"unexpected member {info.filename!r}; a session holds session.json "
                                 "and .npy arrays")
            arrays[name] = read_npy_member(archive, info, budget)
    if document is None:
        raise ValueError("is not a session file: it has no session.json")
    return document, arrays


def _no_constant(name: str) -> None:
    raise ValueError(f"session.json holds {name}, which is not a number")


def _check_format(document: Any) -> None:
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise ValueError(f"is not a session file: session.json does not say format {FORMAT!r}")
    version = document.get("version")
    if version != VERSION:
        raise ValueError(f"is a session of format version {version!r:.20}; this bp-desktop "
                         f"({__version__}) reads version {VERSION}")


class JsonFields:
    """Typed access to a JSON object, with messages that name the field."""

    def __init__(self, data: Any, where: str):
        if not isinstance(data, dict):
            raise ValueError(f"{where} must be a JSON object")
        self.data, self.where = data, where

    def get(self, key: str) -> Any:
        if key not in self.data:
            raise ValueError(f"{self.where} has no {key!r}")
        return self.data[key]

    def object(self, key: str) -> dict[str, Any]:
        value = self.get(key)
        if not isinstance(value, dict):
            raise ValueError(f"{self.where}: {key} must be a JSON object")
        return dict(value)

    def whole(self, key: str) -> int:
        value = self.get(key)
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            raise ValueError(f"{self.where}: {key} must be a whole number ≥ 0; got {value!r:.40}")
        return value

    def text(self, key: str) -> str:
        value = self.get(key)
        if not isinstance(value, str):
            raise ValueError(f"{self.where}: {key} must be a string")
        return value

    def names(self, key: str) -> list[str]:
        value = self.get(key)
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ValueError(f"{self.where}: {key} must be a list of strings")
        return value


def array_member(arrays: dict[str, np.ndarray], name: str) -> np.ndarray:
    if name not in arrays:
        raise ValueError(f"has no {name}.npy")
    return arrays[name]


def vector_member(arrays: dict[str, np.ndarray], name: str, size: int) -> np.ndarray:
    """A member holding `size` finite float64 values."""
    value = array_member(arrays, name)
    if value.dtype != np.float64 or value.shape != (size,):
        raise ValueError(f"{name}.npy must hold {size} float64 values; got {value.dtype} {value.shape}")
    if not np.isfinite(value).all():
        raise ValueError(f"{name}.npy holds non-finite values")
    return value


# --- the dataset ------------------------------------------------------------------------------
def _dataset(entry: dict[str, Any], arrays: dict[str, np.ndarray], session: Path) -> tuple[Dataset, bool]:
    info = JsonFields(entry, "session.json: dataset")
    embedded = info.get("embedded")
    if not isinstance(embedded, bool):
        raise ValueError("session.json: dataset.embedded must be true or false")
    class_names, feature_names = info.names("class_names"), info.names("feature_names")
    sha256 = info.text("sha256")
    if embedded:
        dataset = _embedded_dataset(info, arrays, class_names, feature_names, sha256)
    else:
        dataset = _referenced_dataset(info, session, sha256)
    if dataset.class_names != class_names or dataset.feature_names != feature_names:
        raise ValueError(f"the dataset {dataset.source} no longer has the classes and features the "
                         "session was trained on")
    return dataset, embedded


def _embedded_dataset(info: JsonFields, arrays, class_names, feature_names, sha256) -> Dataset:
    X, y = array_member(arrays, "dataset/X"), array_member(arrays, "dataset/y")
    if X.dtype != np.float64 or X.ndim != 2 or X.shape[1] != len(feature_names) or not np.isfinite(X).all():
        raise ValueError(f"dataset/X.npy must be m × {len(feature_names)} finite float64 values; "
                         f"got {X.dtype} {X.shape}")
    if y.dtype != np.int64 or y.shape != (len(X),):
        raise ValueError(f"dataset/y.npy must hold {len(X)} int64 classes; got {y.dtype} {y.shape}")
    shape = info.get("image_shape")
    if shape is not None and (not isinstance(shape, list) or len(shape) != 2
                              or not all(isinstance(s, int) and not isinstance(s, bool) for s in shape)):
        raise ValueError("session.json: dataset.image_shape must be null or [height, width]")
    order = info.data.get("image_order", "C")  # sessions saved before .mat datasets lack it
    try:
        return make_dataset(X, y, class_names=class_names, feature_names=feature_names,
                            source=info.text("source"), name=info.text("name"), sha256=sha256,
                            image_shape=None if shape is None else tuple(shape), image_order=order)
    except DatasetError as error:
        raise ValueError(f"the embedded dataset is invalid: {error}") from error


def _referenced_dataset(info: JsonFields, session: Path, sha256: str) -> Dataset:
    data_path = Path(info.text("path"))
    if not data_path.is_file():
        raise SessionFileError(session, f"the session's dataset {data_path} was not found (it is not "
                                        "embedded, being large); put the file back at that path")
    try:
        dataset = load_dataset(data_path)
    except DatasetError as error:
        raise SessionFileError(session, f"the session's dataset cannot be loaded: {error}") from error
    if dataset.sha256 != sha256:
        raise SessionFileError(session, f"the session's dataset {data_path} changed since the session "
                                        f"was saved (sha256 {dataset.sha256[:12]}…, expected "
                                        f"{sha256[:12]}…); restore the original file")
    return dataset
