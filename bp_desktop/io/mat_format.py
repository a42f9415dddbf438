"""MATLAB/Octave level-5 MAT-files, in the course's layout.

Variables written (all double unless said otherwise):

    Theta1 ... ThetaN   Θ^(l), s_(l+1) × (s_l + 1), exactly what ex4's predict.m takes
    nn_params           [Theta1(:); Theta2(:); ...], a column vector (the course's unrolling)
    layer_sizes         1 × L row: s_1 ... s_L
    hidden_activation   char row, e.g. 'sigmoid'
    metadata_json       char row: the metadata as JSON (ASCII, non-ASCII text \\u-escaped)

Writing uses scipy.io.savemat; reading uses the strict reader in mat5.py (scipy's
loadmat can crash the process on corrupted files). Reading accepts files that hold only Theta1..ThetaN (the course's ex4weights.mat),
optionally with any of nn_params, layer_sizes and hidden_activation. A file that has
metadata_json was written by bp-desktop and must hold all the variables above: one
that lacks some was truncated or edited.
"""
from __future__ import annotations

from typing import Any, BinaryIO

import numpy as np
import scipy.io

from ..core import unroll
from .mat5 import mat_version, read_mat5
from .metadata import metadata_to_json, parse_json
from .thetas import (MAX_WEIGHT_VALUES, THETA_NAME, WeightsContent, checked_theta, theta_count,
                     theta_name)

DESCRIPTIVE = ("layer_sizes", "hidden_activation", "nn_params", "metadata_json")


def write_mat(stream: BinaryIO, thetas: list[np.ndarray], metadata: dict[str, Any]) -> None:
    # Descriptive variables first and nn_params last: a file cut short at a variable
    # boundary then lacks nn_params (or Thetas), which the reader notices.
    variables: dict[str, Any] = {
        "metadata_json": metadata_to_json(metadata, ascii_only=True),
        "layer_sizes": np.array([metadata["layer_sizes"]], dtype=np.float64),
        "hidden_activation": metadata["hidden_activation"],
    }
    for l, theta in enumerate(thetas, start=1):
        variables[theta_name(l)] = theta
    variables["nn_params"] = unroll(thetas).reshape(-1, 1)
    scipy.io.savemat(stream, variables, format="5", do_compression=False, oned_as="column")


def read_mat(data: bytes) -> WeightsContent:
    _refuse_other_formats(data)
    variables = read_mat5(data, max_values=2 * MAX_WEIGHT_VALUES)  # the Thetas and nn_params
    unknown = sorted(n for n in variables if n not in DESCRIPTIVE and not THETA_NAME.fullmatch(n))
    if unknown:
        raise ValueError(f"unknown variable(s) {', '.join(unknown)}; a weights file holds "
                         f"Theta1..ThetaN and optionally {', '.join(DESCRIPTIVE)}")
    count = theta_count(variables)
    thetas = [checked_theta(theta_name(l), variables[theta_name(l)]) for l in range(1, count + 1)]
    if "metadata_json" in variables:
        _require_complete(variables)
    if "nn_params" in variables:
        _check_nn_params(variables["nn_params"], thetas)
    return _with_descriptive_variables(WeightsContent(thetas), variables)


def _with_descriptive_variables(content: WeightsContent, variables: dict[str, Any]) -> WeightsContent:
    if "layer_sizes" in variables:
        content.layer_sizes = _whole_numbers("layer_sizes", variables["layer_sizes"])
    if "hidden_activation" in variables:
        content.hidden_activation = _text("hidden_activation", variables["hidden_activation"])
    if "metadata_json" in variables:
        text = _text("metadata_json", variables["metadata_json"])
        try:
            content.metadata = parse_json(text)
        except ValueError as error:
            raise ValueError(f"metadata_json is not valid JSON: {error}") from error
    return content


def _refuse_other_formats(data: bytes) -> None:
    if data.startswith(b"# Created by Octave"):
        raise ValueError("is an Octave text file, not a MAT-file; in Octave save it with "
                         "`save -v7 weights.mat Theta1 Theta2`")
    if mat_version(data) == "7.3" or data[512:520] == b"\x89HDF\r\n\x1a\n":
        raise ValueError("is a MATLAB v7.3 (HDF5) MAT-file, which is not supported; in MATLAB "
                         "save it with `save('weights.mat', 'Theta1', 'Theta2', '-v7')`")


def _require_complete(variables: dict[str, Any]) -> None:
    missing = [n for n in DESCRIPTIVE if n not in variables]
    if missing:
        raise ValueError(f"has metadata_json (written by bp-desktop) but lacks "
                         f"{', '.join(missing)}: the file was truncated or edited")


def _text(name: str, value: Any) -> str:
    if not isinstance(value, np.ndarray) or value.dtype.kind != "U" or value.size > 1:
        raise ValueError(f"{name} must be one row of text (a char array)")
    return str(value.reshape(-1)[0]) if value.size else ""


def _numeric_vector(name: str, value: Any) -> np.ndarray:
    if (not isinstance(value, np.ndarray) or value.dtype.kind not in "fiu"
            or value.ndim != 2 or min(value.shape) != 1):
        raise ValueError(f"{name} must be a real numeric vector (one row or one column)")
    vector = value.astype(np.float64).reshape(-1)
    if not np.all(np.isfinite(vector)):
        raise ValueError(f"{name} holds non-finite values")
    return vector


def _whole_numbers(name: str, value: Any) -> list[int]:
    vector = _numeric_vector(name, value)
    if not np.all(vector == np.round(vector)) or np.any(np.abs(vector) > 2**31):
        raise ValueError(f"{name} must hold whole numbers; got {vector.tolist()!r:.200}")
    return [int(v) for v in vector]


def _check_nn_params(value: Any, thetas: list[np.ndarray]) -> None:
    nn_params = _numeric_vector("nn_params", value)
    expected = unroll(thetas)
    if nn_params.size != expected.size:
        raise ValueError(f"nn_params has {nn_params.size} elements but Theta1..Theta{len(thetas)} "
                         f"have {expected.size}")
    if not np.array_equal(nn_params, expected):
        first = int(np.flatnonzero(nn_params != expected)[0])
        raise ValueError(f"nn_params disagrees with the Thetas (first at element {first + 1}: "
                         f"{nn_params[first]!r} vs {expected[first]!r}); it must be "
                         "[Theta1(:); Theta2(:); ...]")
