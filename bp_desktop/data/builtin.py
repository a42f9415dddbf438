"""Datasets that need no file: generated 2-D problems and the shipped Iris and digits CSVs.

The 2-D problems are the classic pictures of what hidden layers buy you (XOR needs one,
a spiral needs more). Each is drawn from `numpy.random.default_rng(seed)`, so the same
parameters give the same points on every machine, lies roughly in [-1, 1]², has balanced
classes in shuffled order, and is learnable by a 2-8-1 (two classes) or 2-8-8-K network.
"""
from __future__ import annotations

import functools
import math
import numbers
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from bp_desktop.paths import resource_path

from .csv_loader import load_csv
from .dataset import Dataset, DatasetError, make_dataset

MAX_GENERATED = 100_000
_COMMON = {"m": 200, "noise": 0.1, "seed": 0}


@dataclass(frozen=True)
class BuiltinInfo:
    """What the UI shows for a built-in dataset, and the parameters it can change."""

    name: str                      # id for load_builtin
    title: str                     # display name
    description: str
    parameters: dict[str, object] = field(default_factory=dict)  # name -> default
    is_2d: bool = False

    @property
    def limits(self) -> dict[str, tuple[int | float, int | float]]:
        """Smallest and largest allowed value of each parameter (for spin boxes)."""
        return {name: _LIMITS[name][1:] for name in self.parameters}


Generator = Callable[..., tuple[np.ndarray, np.ndarray, list[str]]]


def _class_sizes(m: int, classes: int) -> list[int]:
    """m examples spread over the classes as evenly as possible."""
    return [m // classes + (k < m % classes) for k in range(classes)]


def _jitter(rng: np.random.Generator, X: np.ndarray, noise: float) -> np.ndarray:
    """Gaussian noise of standard deviation `noise` on every coordinate."""
    return X + rng.normal(0.0, noise, size=X.shape) if noise > 0 else X


def _xor(rng, m, noise):
    """Class 1 where x1 and x2 have opposite signs: no single line separates the classes."""
    sizes = _class_sizes(m, 2)
    points, labels = [], []
    for label, quadrant_signs in enumerate(([(1, 1), (-1, -1)], [(1, -1), (-1, 1)])):
        signs = np.array(quadrant_signs)[rng.integers(0, 2, size=sizes[label])]
        points.append(signs * rng.uniform(0.0, 1.0, size=(sizes[label], 2)))
        labels.append(np.full(sizes[label], label))
    return _jitter(rng, np.vstack(points), noise), np.concatenate(labels), ["same sign", "opposite signs"]


def _circles(rng, m, noise):
    """A disc of radius 0.5 inside a ring of radius 1: separable only by a closed curve."""
    sizes = _class_sizes(m, 2)
    points = []
    for radius, size in zip((1.0, 0.5), sizes):
        angle = rng.uniform(0.0, 2 * math.pi, size=size)
        points.append(radius * np.column_stack([np.cos(angle), np.sin(angle)]))
    labels = np.repeat([0, 1], sizes)
    return _jitter(rng, np.vstack(points), noise), labels, ["outer ring", "inner circle"]


def _moons(rng, m, noise):
    """Two interleaved half circles (scikit-learn's make_moons), rescaled to [-1, 1]²."""
    sizes = _class_sizes(m, 2)
    upper = rng.uniform(0.0, math.pi, size=sizes[0])
    lower = rng.uniform(0.0, math.pi, size=sizes[1])
    X = np.vstack([np.column_stack([np.cos(upper), np.sin(upper)]),
                   np.column_stack([1.0 - np.cos(lower), 0.5 - np.sin(lower)])])
    X = _jitter(rng, X, noise)
    X = (X - [0.5, 0.25]) / [1.5, 0.75]  # the moons span [-1, 2] × [-0.5, 1]
    return X, np.repeat([0, 1], sizes), ["upper moon", "lower moon"]


def _spiral(rng, m, noise, arms):
    """`arms` arms winding out from the centre, three quarters of a turn each."""
    sizes = _class_sizes(m, arms)
    points = []
    for arm, size in enumerate(sizes):
        t = rng.uniform(0.0, 1.0, size=size)
        radius = 0.1 + 0.9 * t
        angle = 2 * math.pi * arm / arms + 1.5 * math.pi * t
        points.append(radius[:, None] * np.column_stack([np.cos(angle), np.sin(angle)]))
    labels = np.repeat(np.arange(arms), sizes)
    return _jitter(rng, np.vstack(points), noise), labels, [f"arm {k + 1}" for k in range(arms)]


def _blobs(rng, m, noise, classes):
    """Gaussian clusters (spread 0.1 plus the noise) around a circle of radius 0.6."""
    sizes = _class_sizes(m, classes)
    angles = 2 * math.pi * np.arange(classes) / classes + math.pi / 4
    centres = 0.6 * np.column_stack([np.cos(angles), np.sin(angles)])
    labels = np.repeat(np.arange(classes), sizes)
    X = _jitter(rng, centres[labels] + rng.normal(0.0, 0.1, size=(m, 2)), noise)
    return X, labels, [f"blob {k + 1}" for k in range(classes)]


_GENERATED: dict[str, tuple[BuiltinInfo, Generator]] = {
    "xor": (BuiltinInfo("xor", "XOR", "Two classes in opposite quadrants; needs a hidden layer.",
                        dict(_COMMON), True), _xor),
    "circles": (BuiltinInfo("circles", "Circles", "A disc inside a ring; needs a closed boundary.",
                            dict(_COMMON), True), _circles),
    "moons": (BuiltinInfo("moons", "Two moons", "Two interleaved half circles.",
                          dict(_COMMON), True), _moons),
    "spiral": (BuiltinInfo("spiral", "Spiral", "Interleaved spiral arms, one class per arm; "
                           "the hardest of the 2-D sets.", {**_COMMON, "arms": 2}, True), _spiral),
    "blobs": (BuiltinInfo("blobs", "Gaussian blobs", "Round clusters, one class per blob; "
                          "almost linearly separable.", {**_COMMON, "classes": 3}, True), _blobs),
}

_SHIPPED = {
    "iris": (BuiltinInfo("iris", "Iris", "Fisher's iris flowers: 150 examples, 4 measurements "
                         "(cm), 3 species."), "datasets/iris.csv", None),
    "digits": (BuiltinInfo("digits", "Digits 8×8", "UCI handwritten digits: 1797 images of "
                           "8 × 8 pixels (0..16), 10 classes."), "datasets/digits.csv", (8, 8)),
}

# limits on the parameters: name -> (kind, smallest, largest)
_LIMITS = {"m": (int, 4, MAX_GENERATED), "noise": (float, 0.0, 1.0), "seed": (int, 0, 2**63 - 1),
           "arms": (int, 2, 8), "classes": (int, 2, 10)}


def parameter_limits(name: str) -> tuple:
    """The smallest and largest value load_builtin accepts for a generator parameter
    ('m', 'noise', 'seed', 'arms', 'classes'), so a GUI can offer exactly that range."""
    _, low, high = _LIMITS[name]
    return low, high


def list_datasets() -> list[BuiltinInfo]:
    """Every built-in dataset, generated 2-D problems first. Each call returns fresh copies."""
    infos = [info for info, _ in _GENERATED.values()] + [info for info, *_ in _SHIPPED.values()]
    return [BuiltinInfo(i.name, i.title, i.description, dict(i.parameters), i.is_2d) for i in infos]


def load_builtin(name: str, **params) -> Dataset:
    """A built-in dataset by id; generated ones take the parameters list_datasets() names."""
    if name in _SHIPPED:
        if params:
            raise DatasetError(f"the {name} dataset takes no parameters; got {', '.join(sorted(params))}")
        return _load_shipped(name)
    if name not in _GENERATED:
        known = ", ".join(list(_GENERATED) + list(_SHIPPED))
        raise DatasetError(f"there is no built-in dataset {name!r}; choose one of {known}")
    info, generate = _GENERATED[name]
    values = _checked_parameters(info, params)
    rng = np.random.default_rng(values.pop("seed"))
    X, y, class_names = generate(rng, **values)
    order = rng.permutation(len(y))  # shuffled, so mini-batches see every class
    return make_dataset(X[order], y[order], class_names=class_names, feature_names=["x1", "x2"],
                        source=f"builtin:{name}", name=info.title)


def _checked_parameters(info: BuiltinInfo, params: dict) -> dict:
    unknown = sorted(set(params) - set(info.parameters))
    if unknown:
        raise DatasetError(f"the {info.name} dataset has no parameter {unknown[0]!r}; "
                           f"its parameters are {', '.join(info.parameters)}")
    values = {**info.parameters, **params}
    for key, value in values.items():
        values[key] = _checked_value(info.name, key, value)
    classes = values.get("arms", values.get("classes", 2))
    if values["m"] < 2 * classes:
        raise DatasetError(f"the {info.name} dataset needs m ≥ {2 * classes} "
                           f"(two examples per class); got m = {values['m']}")
    return values


def _checked_value(dataset: str, key: str, value):
    kind, low, high = _LIMITS[key]
    if kind is int and isinstance(value, numbers.Integral) and not isinstance(value, bool):
        value = int(value)
    elif kind is float and isinstance(value, numbers.Real) and not isinstance(value, bool):
        value = float(value)
    else:
        expected = "a whole number" if kind is int else "a number"
        raise DatasetError(f"{dataset}: {key} must be {expected}; got {value!r}")
    if not low <= value <= high:  # also rejects nan
        raise DatasetError(f"{dataset}: {key} must lie between {low} and {high}; got {value}")
    return value


@functools.lru_cache(maxsize=None)
def _load_shipped(name: str) -> Dataset:
    """A shipped CSV, read once: Datasets are immutable, so every caller can share it."""
    info, relative, image_shape = _SHIPPED[name]
    try:
        data = load_csv(resource_path(relative))
    except FileNotFoundError as error:  # resources folder missing from a broken install
        raise DatasetError(str(error)) from None
    return Dataset(X=data.X, y=data.y, Y=data.Y, class_names=data.class_names,
                   feature_names=data.feature_names, source=f"builtin:{name}", sha256=data.sha256,
                   name=info.title, image_shape=image_shape)
