"""Shared strategies and paths for the weights-file tests."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import scipy.io
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from bp_desktop.core import ACTIVATIONS, Network, theta_shapes

# One file (or folder) name per format; the suffix picks the format.
FILE_NAMES = {"mat": "weights.mat", "npz": "weights.npz", "json": "weights.json",
              "csv-zip": "weights.zip", "onnx": "weights.onnx", "csv-folder": "weights"}
FORMATS = list(FILE_NAMES)

# The shared folder beside the checkout (../shared/data from the repository root).
EX4WEIGHTS = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "ex4weights.mat"

# Every finite float64: subnormals, -0.0, the largest magnitudes.
finite_floats = st.floats(allow_nan=False, allow_infinity=False, width=64)
layer_sizes = st.lists(st.integers(1, 6), min_size=2, max_size=4)


@st.composite
def networks(draw, elements=finite_floats):
    sizes = draw(layer_sizes)
    thetas = [draw(hnp.arrays(np.float64, shape, elements=elements)) for shape in theta_shapes(sizes)]
    activation = draw(st.sampled_from(sorted(ACTIVATIONS)))
    return Network(sizes, thetas=thetas, hidden_activation=activation)


@st.composite
def metadata_for(draw, network: Network):
    """Metadata a trainer could pass, with awkward text and numbers."""
    text = st.text(max_size=12)
    json_scalars = st.none() | st.booleans() | st.integers(-2**53, 2**53) | finite_floats | text
    json_values = st.recursive(json_scalars, lambda inner: st.lists(inner, max_size=3)
                               | st.dictionaries(text, inner, max_size=3), max_leaves=8)
    sizes = network.layer_sizes
    candidates = {
        "class_names": st.lists(text, min_size=sizes[-1], max_size=sizes[-1]),
        "feature_names": st.lists(text, min_size=sizes[0], max_size=sizes[0]),
        "scaling": st.none() | st.dictionaries(text, json_values, max_size=3),
        "hyperparameters": st.dictionaries(text, json_values, max_size=3),
        "iteration": st.integers(0, 10**9),
        "final_cost": st.none() | finite_floats,
        "dataset": st.fixed_dictionaries({"name": text, "sha256": st.text("0123456789abcdef",
                                                                           min_size=64, max_size=64)}),
    }
    chosen = draw(st.lists(st.sampled_from(sorted(candidates)), unique=True))
    return {key: draw(candidates[key]) for key in chosen}


def bits(array: np.ndarray) -> bytes:
    """The exact bytes of a float64 array, to compare bit for bit (-0.0 differs from 0.0)."""
    return np.ascontiguousarray(array, dtype=np.float64).tobytes()


def same_bits(thetas_a, thetas_b) -> bool:
    return (len(thetas_a) == len(thetas_b)
            and all(a.dtype == np.float64 and a.shape == b.shape and bits(a) == bits(b)
                    for a, b in zip(thetas_a, thetas_b)))


def listing(folder: Path) -> list[str]:
    """Every path under a folder, relative, sorted: to see that nothing was left behind."""
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))


def write_course_mat(path: Path, m: int = 30, n: int = 400, K: int = 10, *, seed: int = 0,
                     row_labels: bool = False, compress: bool = False, **extra) -> tuple[np.ndarray, np.ndarray]:
    """A MAT-file in the layout of the course's ex4data1.mat: X m × n double, y m × 1 double
    labels 1..K (10 for the digit 0). Returns (X, labels as stored)."""
    rng = np.random.default_rng(seed)
    X = rng.random((m, n))
    labels = rng.permutation(np.arange(m) % K + 1).astype(np.float64)
    y = labels.reshape(1, -1) if row_labels else labels.reshape(-1, 1)
    scipy.io.savemat(path, {"X": X, "y": y, **extra}, format="5", do_compression=compress)
    return X, labels


# Damage for hostile-file tests: cut the file at a fraction of its length, then overwrite a few
# bytes at fractional positions (fractions keep hypothesis's examples valid for any length).
damage_cuts = st.floats(0, 1)
damage_flips = st.lists(st.tuples(st.floats(0, 1), st.integers(0, 255)), max_size=4)


def damaged(original: bytes, cut: float, flips) -> bytes:
    data = bytearray(original[:int(cut * len(original))] if cut < 1 else original)
    for where, value in flips:
        if data:
            data[min(int(where * len(data)), len(data) - 1)] = value
    return bytes(data)
