"""Getting data ready to train on: feature scaling and train / validation / test splits.

Scaling is fitted on the training split only (the validation and test sets must not leak
into it) and kept as plain numbers, so an exported model can scale new inputs the same way.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .dataset import Dataset, DatasetError

SCALER_KINDS = {
    "zscore": "Mean normalisation: (x − μ) / σ",
    "minmax": "Min-max: (x − min) / (max − min), into [0, 1]",
    "none": "No scaling",
}


@dataclass(frozen=True, eq=False)
class Scaler:
    """x_scaled = (x − shift) / scale, per feature. Build one with Scaler.fit(X, kind)."""

    kind: str
    shift: np.ndarray   # μ (zscore), min (minmax) or 0 (none), one per feature
    scale: np.ndarray   # σ (zscore), max − min (minmax) or 1 (none); never 0

    def __post_init__(self) -> None:
        if self.kind not in SCALER_KINDS:
            raise DatasetError(f"unknown scaling {self.kind!r}; choose one of {', '.join(SCALER_KINDS)}")
        shift = np.array(self.shift, dtype=np.float64).reshape(-1)
        scale = np.array(self.scale, dtype=np.float64).reshape(-1)
        if shift.shape != scale.shape:
            raise DatasetError(f"scaler has {shift.size} shifts but {scale.size} scales")
        if not (np.isfinite(shift).all() and np.isfinite(scale).all() and (scale != 0).all()):
            raise DatasetError("scaler parameters must be finite numbers and no scale may be 0")
        shift.setflags(write=False)
        scale.setflags(write=False)
        object.__setattr__(self, "shift", shift)
        object.__setattr__(self, "scale", scale)

    @classmethod
    def fit(cls, X: np.ndarray, kind: str = "zscore") -> Scaler:
        """Fit on the training features. zscore uses the sample σ (N − 1), like Octave's std
        in the course's featureNormalize; a constant feature keeps σ = 1 (no division by 0)."""
        X = _checked_features(X)
        if kind == "zscore":
            shift, scale = _mean_and_std(X)
        elif kind == "minmax":
            shift = X.min(axis=0)
            with np.errstate(over="ignore"):  # a range past 1.8e308: the largest float will do
                scale = np.minimum(X.max(axis=0) - shift, np.finfo(np.float64).max)
        elif kind == "none":
            shift, scale = np.zeros(X.shape[1]), np.ones(X.shape[1])
        else:
            raise DatasetError(f"unknown scaling {kind!r}; choose one of {', '.join(SCALER_KINDS)}")
        scale = np.where(np.isfinite(scale) & (scale > 0), scale, 1.0)
        return cls(kind, shift, scale)

    @property
    def n(self) -> int:
        """Number of features the scaler was fitted on."""
        return int(self.shift.size)

    def transform(self, X: np.ndarray) -> np.ndarray:
        """Scaled copy of X (m × n)."""
        X = self._matching(X)
        with np.errstate(over="ignore", invalid="ignore"):
            scaled = (X - self.shift) / self.scale
        if not np.isfinite(scaled).all():  # x − μ overflowed (values near 1.8e308)
            scaled = X / self.scale - self.shift / self.scale
        return scaled

    def inverse_transform(self, X: np.ndarray) -> np.ndarray:
        """Original units back from scaled X: x = x_scaled · scale + shift."""
        return self._matching(X) * self.scale + self.shift

    def apply(self, dataset: Dataset) -> Dataset:
        """The dataset with scaled features; classes, names and provenance unchanged."""
        return dataset.with_features(self.transform(dataset.X))

    def matches(self, other: Scaler) -> bool:
        """The same kind and, to rounding, the same parameters: scaling inputs alike."""
        return (self.kind == other.kind and self.n == other.n
                and bool(np.allclose(self.shift, other.shift) and np.allclose(self.scale, other.scale)))

    def to_dict(self) -> dict:
        """Plain JSON-able numbers, enough to scale new inputs in another program."""
        return {"kind": self.kind, "shift": self.shift.tolist(), "scale": self.scale.tolist()}

    @classmethod
    def from_dict(cls, data: dict) -> Scaler:
        """What to_dict() wrote; anything malformed is a DatasetError."""
        if not isinstance(data, dict) or set(data) != {"kind", "shift", "scale"}:
            raise DatasetError("a scaler needs exactly the keys kind, shift and scale")
        try:
            return cls(data["kind"], np.asarray(data["shift"], dtype=np.float64),
                       np.asarray(data["scale"], dtype=np.float64))
        except (TypeError, ValueError) as error:
            if isinstance(error, DatasetError):
                raise
            raise DatasetError(f"scaler parameters must be lists of numbers ({error})") from None

    def _matching(self, X: np.ndarray) -> np.ndarray:
        X = np.asarray(X, dtype=np.float64)
        if X.ndim != 2 or X.shape[1] != self.n:
            raise DatasetError(f"the scaler was fitted on {self.n} features; got an array of shape {X.shape}")
        return X

    def __repr__(self) -> str:
        return f"Scaler({self.kind!r}, n={self.n})"


def _mean_and_std(X: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per-column μ and sample σ, computed on X divided by each column's largest |x|, so
    that values near 1e300 neither overflow (x² would) nor lose precision."""
    size = np.abs(X).max(axis=0)
    size[size == 0] = 1.0
    unit = X / size
    mean = unit.mean(axis=0) * size
    std = (unit.std(axis=0, ddof=1) * size) if X.shape[0] > 1 else np.zeros(X.shape[1])
    return mean, std


def _checked_features(X: np.ndarray) -> np.ndarray:
    X = np.asarray(X, dtype=np.float64)
    if X.ndim != 2 or X.shape[0] == 0 or X.shape[1] == 0:
        raise DatasetError(f"cannot fit a scaler on an array of shape {X.shape}; need m × n with m, n ≥ 1")
    if not np.isfinite(X).all():
        raise DatasetError("cannot fit a scaler on features that are not all finite")
    return X


@dataclass(frozen=True)
class Splits:
    """The training, validation and test sets; a set is None when its fraction is 0."""

    train: Dataset
    validation: Dataset | None
    test: Dataset | None


def split(dataset: Dataset, *, train: float = 0.8, validation: float = 0.2, test: float = 0.0,
          seed: int = 0) -> Splits:
    """Stratified random split: each class is divided in the given fractions (as nearly as
    whole examples allow), so every set has the class mix of the whole. Same seed, same split."""
    fractions = _checked_fractions(train, validation, test)
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise DatasetError(f"the split seed must be a whole number ≥ 0; got {seed!r}")
    rng = np.random.default_rng(seed)
    by_class = [rng.permutation(np.flatnonzero(dataset.y == k)) for k in range(dataset.num_classes)]
    sizes = np.array([len(rows) for rows in by_class])
    _check_every_class_present(dataset, sizes)
    counts = {"validation": _allocate(fractions["validation"] * sizes,
                                      round(fractions["validation"] * dataset.m), sizes - 1)}
    counts["test"] = _allocate(fractions["test"] * sizes, round(fractions["test"] * dataset.m),
                               sizes - 1 - counts["validation"])
    counts["train"] = sizes - counts["validation"] - counts["test"]
    parts = {}
    for part in ("train", "validation", "test"):
        if fractions[part] == 0:
            parts[part] = None
            continue
        start = {"train": np.zeros_like(sizes), "validation": counts["train"],
                 "test": counts["train"] + counts["validation"]}[part]
        rows = np.concatenate([rows[s:s + c] for rows, s, c in zip(by_class, start, counts[part])])
        if rows.size == 0:
            raise DatasetError(f"a {part} fraction of {fractions[part]:g} of {dataset.m} examples "
                               f"gives no {part} examples; use a larger fraction or 0")
        parts[part] = dataset.subset(rng.permutation(rows), name=f"{dataset.name} ({part})")
    return Splits(parts["train"], parts["validation"], parts["test"])


def _checked_fractions(train, validation, test) -> dict[str, float]:
    fractions = {"train": train, "validation": validation, "test": test}
    for part, value in fractions.items():
        if isinstance(value, bool) or not isinstance(value, (int, float, np.floating, np.integer)) \
                or not 0.0 <= float(value) <= 1.0:
            raise DatasetError(f"the {part} fraction must be a number between 0 and 1; got {value!r}")
        fractions[part] = float(value)
    if fractions["train"] == 0:
        raise DatasetError("the training fraction must be more than 0")
    total = math.fsum(fractions.values())
    if abs(total - 1.0) > 1e-9:
        raise DatasetError(f"the fractions must add up to 1; train {train:g} + validation "
                           f"{validation:g} + test {test:g} = {total:g}")
    return fractions


def _allocate(ideal: np.ndarray, total: int, capacity: np.ndarray) -> np.ndarray:
    """Whole counts per class near `ideal`, adding up to `total` where `capacity` allows:
    floors first, then one more for the largest remainders. The capacity keeps at least one
    example of every class for training (floors fit: the held-out fractions sum below 1)."""
    counts = np.minimum(np.floor(ideal).astype(np.int64), capacity)
    missing = total - int(counts.sum())
    for k in sorted(range(len(ideal)), key=lambda k: (-(ideal[k] - counts[k]), k)):
        if missing <= 0:
            break
        if counts[k] < capacity[k]:
            counts[k] += 1
            missing -= 1
    return counts


def _check_every_class_present(dataset: Dataset, sizes: np.ndarray) -> None:
    """A class with no example (a subset of a subset can lose one) cannot be trained on."""
    missing = [dataset.class_names[k] for k in range(dataset.num_classes) if sizes[k] == 0]
    if missing:
        raise DatasetError(f"class {missing[0]!r} has no examples in {dataset.name}, so the training "
                           "set would not contain it; every class needs at least one example")
