"""The metadata that travels with exported weights: what makes a model usable elsewhere.

Keys (all optional in a file except those `save_weights` fills in itself):

    layer_sizes        [s_1, ..., s_L]                        filled in by save_weights
    hidden_activation  "sigmoid" | "tanh" | "relu"            filled in by save_weights
    app_version        bp_desktop.__version__ of the writer   filled in by save_weights
    class_names        one name per output unit (2 names for a single output unit)
    feature_names      one name per input unit
    scaling            the feature scaling fitted on the training split (opaque JSON object)
    hyperparameters    JSON object, e.g. {"lambda": 1.0, "optimizer": "cg"}
    iteration          whole number >= 0
    final_cost         finite number, or null
    dataset            JSON object, e.g. {"name": "digits.csv", "sha256": "<64 hex digits>"}

Other keys are kept as they are, so newer writers can add information.
"""
from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from ..core import ACTIVATIONS

METADATA_KEYS = ("layer_sizes", "hidden_activation", "class_names", "feature_names", "scaling",
                 "hyperparameters", "iteration", "final_cost", "dataset", "app_version")

_SHA256 = re.compile(r"[0-9a-fA-F]{64}")


def plain_json_value(metadata: Mapping[str, Any]) -> dict[str, Any]:
    """The metadata as plain JSON values: numpy scalars and arrays become numbers and lists,
    tuples become lists. Raises ValueError when something cannot be JSON at all."""
    if not isinstance(metadata, Mapping):
        raise ValueError(f"metadata must be a dict; got {type(metadata).__name__}")
    try:
        text = json.dumps(dict(metadata), default=_numpy_to_python, allow_nan=False)
    except (TypeError, ValueError) as error:
        raise ValueError(f"metadata must be JSON-able (no nan or inf): {error}") from None
    return json.loads(text)


def metadata_to_json(metadata: Mapping[str, Any], *, indent: int | None = None,
                     ascii_only: bool = False) -> str:
    return json.dumps(metadata, indent=indent, ensure_ascii=ascii_only, allow_nan=False)


def metadata_block(metadata: Mapping[str, Any], indent: str) -> str:
    """A JSON object with one line per key, for files people read: nested values stay on
    their key's line instead of json's one-line-per-number layout."""
    if not metadata:
        return "{}"
    lines = [f"{indent}  {json.dumps(key, ensure_ascii=False)}: "
             f"{json.dumps(value, ensure_ascii=False, allow_nan=False)}"
             for key, value in metadata.items()]
    return "{\n" + ",\n".join(lines) + f"\n{indent}}}"


def parse_json(text: str) -> Any:
    """Strict JSON: NaN/Infinity and duplicate keys are errors (ValueError), unlike json.loads."""
    try:
        return json.loads(text, parse_constant=_refuse_constant, object_pairs_hook=_unique_keys)
    except RecursionError:
        raise ValueError("JSON nested too deeply") from None


def checked_metadata(metadata: Any, layer_sizes: Sequence[int]) -> dict[str, Any]:
    """The metadata if it fits a network with these layer sizes; ValueError saying what does not."""
    if not isinstance(metadata, dict):
        raise ValueError(f"metadata must be a JSON object; got {_json_type(metadata)}")
    sizes = list(layer_sizes)
    for key, check in _CHECKS.items():
        if key in metadata:
            problem = check(metadata[key], sizes)
            if problem:
                raise ValueError(f"metadata {key!r} {problem}")
    return metadata


def _check_layer_sizes(value: Any, sizes: list[int]) -> str | None:
    if value != sizes or not _is_list_of(value, _is_whole):
        return f"must be the network's layer sizes {sizes}; got {value!r}"
    return None


def _check_activation(value: Any, sizes: list[int]) -> str | None:
    if value not in ACTIVATIONS:
        return f"must be one of {sorted(ACTIVATIONS)}; got {value!r}"
    return None


def _check_class_names(value: Any, sizes: list[int]) -> str | None:
    outputs = sizes[-1]
    allowed = {outputs, 2} if outputs == 1 else {outputs}
    if not _is_list_of(value, lambda v: isinstance(v, str)) or len(value) not in allowed:
        expected = " or ".join(str(n) for n in sorted(allowed))
        return f"must be a list of {expected} names (one per output unit); got {value!r:.200}"
    return None


def _check_feature_names(value: Any, sizes: list[int]) -> str | None:
    if not _is_list_of(value, lambda v: isinstance(v, str)) or len(value) != sizes[0]:
        return f"must be a list of {sizes[0]} names (one per input unit); got {value!r:.200}"
    return None


def _check_object_or_null(value: Any, sizes: list[int]) -> str | None:
    if value is not None and not isinstance(value, dict):
        return f"must be a JSON object or null; got {_json_type(value)}"
    return None


def _check_object(value: Any, sizes: list[int]) -> str | None:
    if not isinstance(value, dict):
        return f"must be a JSON object; got {_json_type(value)}"
    return None


def _check_iteration(value: Any, sizes: list[int]) -> str | None:
    if not _is_whole(value) or value < 0:
        return f"must be a whole number >= 0; got {value!r}"
    return None


def _check_final_cost(value: Any, sizes: list[int]) -> str | None:
    if value is None:
        return None
    if not _is_number(value) or not math.isfinite(value):
        return f"must be a finite number or null; got {value!r}"
    return None


def _check_dataset(value: Any, sizes: list[int]) -> str | None:
    if not isinstance(value, dict):
        return f"must be a JSON object; got {_json_type(value)}"
    sha = value.get("sha256")
    if sha is not None and not (isinstance(sha, str) and _SHA256.fullmatch(sha)):
        return f"sha256 must be 64 hexadecimal digits; got {sha!r:.100}"
    return None


def _check_text(value: Any, sizes: list[int]) -> str | None:
    if not isinstance(value, str):
        return f"must be a string; got {_json_type(value)}"
    return None


_CHECKS = {
    "layer_sizes": _check_layer_sizes,
    "hidden_activation": _check_activation,
    "class_names": _check_class_names,
    "feature_names": _check_feature_names,
    "scaling": _check_object_or_null,
    "hyperparameters": _check_object,
    "iteration": _check_iteration,
    "final_cost": _check_final_cost,
    "dataset": _check_dataset,
    "app_version": _check_text,
}


def _is_whole(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _is_list_of(value: Any, predicate) -> bool:
    return isinstance(value, list) and all(predicate(v) for v in value)


def _json_type(value: Any) -> str:
    names = {dict: "an object", list: "a list", str: "a string", bool: "true/false",
             int: "a number", float: "a number", type(None): "null"}
    return names.get(type(value), type(value).__name__)


def _numpy_to_python(value: Any) -> Any:
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, np.generic):
        return value.item()
    raise TypeError(f"{type(value).__name__} is not JSON-able")


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number JSON allows")


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise ValueError(f"duplicate key {key!r}")
        result[key] = value
    return result
