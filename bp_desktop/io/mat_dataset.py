"""Datasets in MATLAB/Octave level-5 MAT-files, in the course's layout (ex4data1.mat).

    X   m × n real matrix, one example per row
    y   m × 1 (or 1 × m) labels, whole numbers such as 1..K; the course's ex4data1.mat
        uses 10 for the digit 0

Classes are y's values in numeric order, exactly as a CSV label column gives them, so
the course's output unit k stands for label k. When n is a square number ≥ 64 each row
is an r × r image; MATLAB's reshape fills it column by column, so the Dataset says
image_order "F" and the views draw pixel k at row k mod r, column k div r.

Read with the strict reader in mat5.py, never scipy.io.loadmat (it can crash the
process on a corrupt file); every problem becomes a DatasetError naming the file.
"""
from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from pathlib import Path

import numpy as np

from ..data import Dataset, DatasetError, make_dataset
from ..data.csv_loader import label_classes, square_image_shape
from ..data.regular_files import FileTooLargeError, read_regular_file
from .mat5 import mat_version, read_mat5

MAX_FILE_BYTES = 1 << 30
# Values of all variables together: 67 million (512 MiB as float64; MNIST's 70,000 × 785
# fits). Checked from the declared dimensions before anything is decompressed or converted.
MAX_DATASET_VALUES = 1 << 26
_EXACT_INTEGERS = 2.0 ** 53   # beyond this a double no longer holds every whole number
_RESAVE_HINT = ("save it again as a level-5 MAT-file: in Octave `save -v6 data.mat X y` "
                "(or -v7), in MATLAB `save('data.mat', 'X', 'y', '-v7')`")

Progress = Callable[[float], None]


def load_mat_dataset(path: str | os.PathLike, *, x_name: str = "X", y_name: str = "y",
                     max_bytes: int = MAX_FILE_BYTES, progress: Progress | None = None) -> Dataset:
    """A Dataset from the variables x_name (features) and y_name (labels) of a MAT-file.

    progress(fraction), when given, is called a few times from the calling thread.
    Raises DatasetError, naming the file and what is wrong, for anything unusable.
    """
    path = Path(path)
    try:
        return _load(path, x_name, y_name, max_bytes, progress or (lambda fraction: None))
    except MemoryError:  # the limits should prevent it; if not, it is still this file's error
        raise _fail(path.name, "does not fit in memory") from None


def _load(path: Path, x_name: str, y_name: str, max_bytes: int, report: Progress) -> Dataset:
    file = path.name
    report(0.0)
    raw = _read_bytes(path, max_bytes)
    report(0.3)
    variables = _variables(raw, file)
    report(0.8)
    X = _features(_variable(variables, x_name, file), x_name, file)
    labels = _labels(_variable(variables, y_name, file), y_name, X.shape[0], file)
    class_names, y = label_classes(labels, file, f"variable {y_name}")
    image_shape = square_image_shape(X.shape[1])
    dataset = make_dataset(X, y, class_names=class_names,
                           feature_names=[f"x{j + 1}" for j in range(X.shape[1])],
                           source=str(path.absolute()), name=path.stem,
                           sha256=hashlib.sha256(raw).hexdigest(), image_shape=image_shape,
                           image_order="F" if image_shape else "C")
    report(1.0)
    return dataset


def _fail(file: str, problem: str) -> DatasetError:
    return DatasetError(f"{file}: {problem}")


def _read_bytes(path: Path, max_bytes: int) -> bytes:
    try:
        return read_regular_file(path, max_bytes)
    except FileTooLargeError as error:
        raise _fail(path.name, error.strerror) from None
    except OSError as error:
        raise _fail(path.name, f"cannot read the file ({error.strerror or error})") from None


def _variables(raw: bytes, file: str) -> dict[str, np.ndarray]:
    if not raw:
        raise _fail(file, "the file is empty")
    if raw.lstrip().startswith(b"# Created by Octave") or raw.lstrip().startswith(b"# name:"):
        raise _fail(file, f"is an Octave text file, not a MAT-file; {_RESAVE_HINT}")
    if mat_version(raw) == "7.3" or raw[512:520] == b"\x89HDF\r\n\x1a\n":
        raise _fail(file, f"is a MATLAB v7.3 (HDF5) MAT-file, which bp-desktop cannot read; "
                          f"{_RESAVE_HINT}")
    if mat_version(raw) != "5":
        raise _fail(file, f"is not a MAT-file that bp-desktop can read (MATLAB level 5, as "
                          f"-v6/-v7 write); if it is a MAT-file, {_RESAVE_HINT}")
    try:
        return read_mat5(raw, max_values=MAX_DATASET_VALUES)
    except (ValueError, OverflowError) as error:
        raise _fail(file, str(error)) from None


def _variable(variables: dict[str, np.ndarray], name: str, file: str) -> np.ndarray:
    if name in variables:
        return variables[name]
    if not variables:
        raise _fail(file, f"holds no variables; a dataset needs {name}")
    listed = ", ".join(f"{n} ({_shape(v)})" for n, v in list(variables.items())[:20])
    more = ", …" if len(variables) > 20 else ""
    raise _fail(file, f"has no variable {name}; it has {listed}{more}")


def _shape(value: np.ndarray) -> str:
    return "×".join(str(side) for side in value.shape)


def _numeric(value: np.ndarray, name: str, file: str) -> np.ndarray:
    if value.dtype.kind not in "biuf":
        raise _fail(file, f"{name} is text (a char array); it must hold numbers")
    return value.astype(np.float64)


def _features(value: np.ndarray, name: str, file: str) -> np.ndarray:
    X = _numeric(value, name, file)
    if X.ndim != 2:
        raise _fail(file, f"{name} is {_shape(X)}; it must be a matrix, m × n (one example per row)")
    m, n = X.shape
    if m == 0 or n == 0:
        raise _fail(file, f"{name} is {_shape(X)}: it holds no examples or no features")
    bad = np.argwhere(~np.isfinite(X))
    if len(bad):
        row, column = (int(i) + 1 for i in bad[0])
        value = _number(X[row - 1, column - 1])
        raise _fail(file, f"{name}({row}, {column}) is {value}; every feature "
                          f"must be a finite number ({len(bad)} of {X.size} are not)")
    return X


def _number(value: float) -> str:
    """A value as MATLAB shows it: NaN, Inf, -Inf, 2.5."""
    if np.isnan(value):
        return "NaN"
    if np.isinf(value):
        return "Inf" if value > 0 else "-Inf"
    return f"{float(value):g}"


def _labels(value: np.ndarray, name: str, m: int, file: str) -> np.ndarray:
    """The labels as text, '10' for 10.0, ready for the CSV loader's class ordering."""
    values = _numeric(value, name, file)
    if values.ndim != 2 or min(values.shape) != 1 or values.size != m:
        raise _fail(file, f"{name} is {_shape(values)}; it must be {m} × 1 (or 1 × {m}): one "
                          f"label for each of the {m} rows of X")
    values = values.reshape(-1)
    not_whole = ~np.isfinite(values) | (values != np.round(values)) | (np.abs(values) > _EXACT_INTEGERS)
    if not_whole.any():
        k = int(np.flatnonzero(not_whole)[0])
        raise _fail(file, f"{name}({k + 1}) is {_number(values[k])}; labels must be whole numbers, "
                          "such as the classes 1..K")
    distinct, inverse = np.unique(values, return_inverse=True)
    names = np.array([str(int(v)) for v in distinct])
    return names[inverse.reshape(-1)]

