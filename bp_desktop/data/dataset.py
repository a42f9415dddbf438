"""The Dataset every view and trainer works on, and the one error type of this package."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

import numpy as np

from bp_desktop.core import one_hot


IMAGE_ORDERS = ("C", "F")
MAX_CLASSES = 1000
# m × K of the one-hot Y. Training holds about ten m × K float64 arrays (Y and its
# splits, the output layer's a and δ, the cost's scratch), so 2^23 values (64 MiB for Y)
# keep a run well under a gigabyte: 1,000 classes with up to 8,388 examples, 10 with 838,860.
MAX_ONE_HOT_VALUES = 1 << 23


class DatasetError(ValueError):
    """Bad data or a bad request for data. The message is meant for the user as it is."""


@dataclass(frozen=True, eq=False)
class Dataset:
    """m examples of n features with a class each, as the course's X, y and Y.

    The arrays are read-only: a Dataset can be shared between the GUI and the trainer
    thread without copies. Derived data (scaled features, splits) are new Datasets.
    """

    X: np.ndarray                 # m × n, float64
    y: np.ndarray                 # m, int64, 0-based class index
    Y: np.ndarray                 # m × K one-hot recoding of y
    class_names: list[str]
    feature_names: list[str]
    source: str                   # file path, or "builtin:<name>"
    sha256: str                   # of the file's bytes (or of the generated arrays)
    name: str                     # short display name
    image_shape: tuple[int, int] | None = field(default=None)
    # each example's 0-based row in the original data (the file's data rows), kept through
    # subsets and splits so a view can say which row of the file "example t" is
    source_rows: np.ndarray | None = field(default=None)
    # how a row of X fills an image: "C" row by row (CSV files, the shipped digits), "F"
    # column by column (MATLAB's reshape, as in the course's ex4data1.mat)
    image_order: str = field(default="C")
    # each example's 1-based line in the text file it was read from (as error messages
    # count lines), kept through subsets and splits; None for generated or MAT-file data
    source_lines: np.ndarray | None = field(default=None)
    # what the loader found worth a second look, in words for the user (e.g. labels that
    # look like measurements); the window and the command line show them
    warnings: tuple[str, ...] = field(default=())

    def __post_init__(self) -> None:
        X = _read_only(np.asarray(self.X, dtype=np.float64))
        y = _read_only(np.asarray(self.y, dtype=np.int64))
        Y = _read_only(np.asarray(self.Y, dtype=np.float64))
        m, n, K = _checked_shapes(X, y, Y, self.class_names, self.feature_names)
        if self.image_shape is not None:
            shape = tuple(int(side) for side in self.image_shape)
            if len(shape) != 2 or shape[0] * shape[1] != n:
                raise DatasetError(f"image shape {self.image_shape} does not hold {n} features")
            object.__setattr__(self, "image_shape", shape)
        if self.image_order not in IMAGE_ORDERS:
            raise DatasetError(f"image_order must be 'C' (row by row) or 'F' (column by column); "
                               f"got {self.image_order!r}")
        for name in ("source_rows", "source_lines"):
            if getattr(self, name) is not None:
                rows = _read_only(np.asarray(getattr(self, name), dtype=np.int64))
                if rows.shape != (m,):
                    raise DatasetError(f"{name} must hold one number per example ({m}); "
                                       f"got shape {rows.shape}")
                object.__setattr__(self, name, rows)
        object.__setattr__(self, "X", X)
        object.__setattr__(self, "y", y)
        object.__setattr__(self, "Y", Y)
        object.__setattr__(self, "class_names", list(self.class_names))
        object.__setattr__(self, "feature_names", list(self.feature_names))
        object.__setattr__(self, "warnings", tuple(self.warnings))

    @property
    def m(self) -> int:
        """Number of examples."""
        return int(self.X.shape[0])

    @property
    def n(self) -> int:
        """Number of features (input units, without the bias)."""
        return int(self.X.shape[1])

    @property
    def num_classes(self) -> int:
        """K, the number of classes (output units of a K-class network)."""
        return len(self.class_names)

    def subset(self, rows: np.ndarray, name: str | None = None) -> Dataset:
        """The examples at `rows` (in that order), keeping names and provenance."""
        rows = np.asarray(rows, dtype=np.intp)
        return Dataset(X=self.X[rows], y=self.y[rows], Y=self.Y[rows],
                       class_names=self.class_names, feature_names=self.feature_names,
                       source=self.source, sha256=self.sha256, name=name or self.name,
                       image_shape=self.image_shape, source_rows=self.original_rows[rows],
                       image_order=self.image_order,
                       source_lines=None if self.source_lines is None else self.source_lines[rows])

    def with_features(self, X: np.ndarray) -> Dataset:
        """The same examples with new feature values (e.g. after scaling)."""
        return Dataset(X=X, y=self.y, Y=self.Y, class_names=self.class_names,
                       feature_names=self.feature_names, source=self.source, sha256=self.sha256,
                       name=self.name, image_shape=self.image_shape, source_rows=self.source_rows,
                       image_order=self.image_order, source_lines=self.source_lines)

    @property
    def original_rows(self) -> np.ndarray:
        """Each example's 0-based row in the original data (0..m−1 for a dataset as loaded)."""
        return np.arange(self.m) if self.source_rows is None else self.source_rows

    def __repr__(self) -> str:
        return (f"Dataset({self.name!r}, m={self.m}, n={self.n}, K={self.num_classes}, "
                f"source={self.source!r})")


def make_dataset(X: np.ndarray, y: np.ndarray, *, class_names: list[str],
                 feature_names: list[str], source: str, name: str, sha256: str | None = None,
                 image_shape: tuple[int, int] | None = None, image_order: str = "C",
                 source_lines: np.ndarray | None = None, warnings: tuple[str, ...] = ()) -> Dataset:
    """A Dataset from features and 0-based classes; Y is derived, sha256 defaults to the arrays'."""
    X = np.ascontiguousarray(X, dtype=np.float64)
    y = np.ascontiguousarray(y, dtype=np.int64)
    if sha256 is None:
        sha256 = arrays_sha256(X, y)
    K = len(class_names)
    if y.ndim != 1 or (y.size and (y.min() < 0 or y.max() >= K)):
        raise DatasetError(f"class indices must lie in 0..{K - 1}, one per example")
    problem = one_hot_problem(y.size, K)
    if problem:
        raise DatasetError(problem)
    Y = one_hot(y, K)
    Y.setflags(write=False)  # ours alone: Dataset need not copy it
    return Dataset(X=X, y=y, Y=Y, class_names=class_names,
                   feature_names=feature_names, source=source, sha256=sha256, name=name,
                   image_shape=image_shape, image_order=image_order, source_lines=source_lines,
                   warnings=warnings)


def one_hot_problem(m: int, K: int) -> str | None:
    """Why m examples of K classes are too many to train on, or None if they are not."""
    if K > MAX_CLASSES:
        return f"{K} classes; at most {MAX_CLASSES} are supported"
    if m * K > MAX_ONE_HOT_VALUES:
        return (f"{m} examples × {K} classes make a one-hot Y of {m * K:,} values, and training "
                f"needs about ten arrays that size; at most {MAX_ONE_HOT_VALUES:,} (m × K) are supported")
    return None


def arrays_sha256(X: np.ndarray, y: np.ndarray) -> str:
    """A fingerprint of generated data: the same seed and parameters give the same hex."""
    digest = hashlib.sha256()
    for array in (np.ascontiguousarray(X, dtype="<f8"), np.ascontiguousarray(y, dtype="<i8")):
        digest.update(repr(array.shape).encode())
        digest.update(array.tobytes())
    return digest.hexdigest()


def _read_only(array: np.ndarray) -> np.ndarray:
    """A read-only array: frozen as it is if already read-only, else a frozen copy, so the
    caller's own array stays writeable and no one can change a Dataset behind its back."""
    if array.flags.writeable:
        array = array.copy()
        array.setflags(write=False)
    return array


def _checked_shapes(X, y, Y, class_names, feature_names) -> tuple[int, int, int]:
    if X.ndim != 2:
        raise DatasetError(f"X must be m × n; got shape {X.shape}")
    m, n = X.shape
    K = len(class_names)
    if y.shape != (m,):
        raise DatasetError(f"y must hold one class per example ({m}); got shape {y.shape}")
    if Y.shape != (m, K):
        raise DatasetError(f"Y must be m × K = {m} × {K}; got shape {Y.shape}")
    if len(feature_names) != n:
        raise DatasetError(f"{len(feature_names)} feature names for {n} features")
    if m and (y.min() < 0 or y.max() >= K):
        raise DatasetError(f"class indices must lie in 0..{K - 1}")
    return m, n, K
