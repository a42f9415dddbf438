"""Human-readable JSON weights, UTF-8:

    {
      "format": "bp-desktop-weights",
      "version": 1,
      "layer_sizes": [s_1, ..., s_L],
      "hidden_activation": "sigmoid",
      "metadata": {...},
      "thetas": [Θ^(1) as a list of rows, Θ^(2), ...]
    }

`thetas[l][i][j]` is Θ^(l+1) at row i+1, column j+1 (column 1 multiplies the bias).
Numbers are written as Python's shortest round-trip repr, so every float64 reads back
bit for bit. Only "format", "version" and "thetas" are required when reading.
"""
from __future__ import annotations

import json
from typing import Any, BinaryIO

import numpy as np

from .metadata import metadata_block, parse_json
from .thetas import MAX_WEIGHT_VALUES, WeightsContent, checked_theta, theta_name

FORMAT_NAME = "bp-desktop-weights"
FORMAT_VERSION = 1
REQUIRED_KEYS = ("format", "version", "thetas")
OPTIONAL_KEYS = ("layer_sizes", "hidden_activation", "metadata")
_METADATA_COMMAS = 1 << 20


def write_json(stream: BinaryIO, thetas: list[np.ndarray], metadata: dict[str, Any]) -> None:
    stream.write(json_text(thetas, metadata).encode("utf-8"))


def json_text(thetas: list[np.ndarray], metadata: dict[str, Any]) -> str:
    """The document, laid out for people: one line per row of each Θ."""
    head = {"format": FORMAT_NAME, "version": FORMAT_VERSION,
            "layer_sizes": metadata["layer_sizes"],
            "hidden_activation": metadata["hidden_activation"]}
    lines = ["{"]
    lines += [f"  {json.dumps(key)}: {json.dumps(value)}," for key, value in head.items()]
    lines.append(f'  "metadata": {metadata_block(metadata, "  ")},')
    lines.append('  "thetas": [')
    matrices = [_matrix_lines(theta) for theta in thetas]
    lines.append(",\n".join(matrices))
    lines.append("  ]")
    lines.append("}")
    return "\n".join(lines) + "\n"


def _matrix_lines(theta: np.ndarray) -> str:
    # json.dumps writes floats with repr: the shortest text that reads back bit for bit.
    rows = ",\n".join(f"      {json.dumps(row, allow_nan=False)}" for row in theta.tolist())
    return f"    [\n{rows}\n    ]"


def read_json(data: bytes) -> WeightsContent:
    document = _parse(data)
    _check_keys(document)
    thetas_value = document["thetas"]
    if not isinstance(thetas_value, list) or not thetas_value:
        raise ValueError('"thetas" must be a non-empty list of matrices (lists of rows)')
    thetas = [_matrix(l, value) for l, value in enumerate(thetas_value, start=1)]
    content = WeightsContent(thetas, metadata=document.get("metadata"))
    if "layer_sizes" in document:
        sizes = document["layer_sizes"]
        if not (isinstance(sizes, list) and all(type(s) is int for s in sizes)):
            raise ValueError(f'"layer_sizes" must be a list of whole numbers; got {sizes!r:.200}')
        content.layer_sizes = sizes
    if "hidden_activation" in document:
        if not isinstance(document["hidden_activation"], str):
            raise ValueError('"hidden_activation" must be a string')
        content.hidden_activation = document["hidden_activation"]
    return content


def _parse(data: bytes) -> Any:
    # JSON makes a Python object of every number: count them (commas) before parsing
    if data.count(b",") > MAX_WEIGHT_VALUES + _METADATA_COMMAS:
        raise ValueError(f"holds more than {MAX_WEIGHT_VALUES:,} numbers, the limit for a "
                         "weights file")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ValueError(f"is not UTF-8 text (byte {error.start + 1})") from error
    try:
        return parse_json(text)
    except json.JSONDecodeError as error:
        raise ValueError(f"is not valid JSON: {error.msg} at line {error.lineno}, "
                         f"column {error.colno}") from error
    except ValueError as error:
        raise ValueError(f"is not valid JSON: {error}") from error


def _check_keys(document: Any) -> None:
    if not isinstance(document, dict):
        raise ValueError("must hold a JSON object with format, version and thetas")
    unknown = sorted(set(document) - set(REQUIRED_KEYS) - set(OPTIONAL_KEYS))
    if unknown:
        raise ValueError(f"unknown key(s) {', '.join(map(repr, unknown))}; expected "
                         f"{', '.join(REQUIRED_KEYS + OPTIONAL_KEYS)}")
    missing = [key for key in REQUIRED_KEYS if key not in document]
    if missing:
        raise ValueError(f"missing key(s) {', '.join(map(repr, missing))}")
    if document["format"] != FORMAT_NAME:
        raise ValueError(f'"format" must be {FORMAT_NAME!r}; got {document["format"]!r:.100}')
    version = document["version"]
    if type(version) is not int or version < 1:
        raise ValueError(f'"version" must be a whole number; got {version!r:.100}')
    if version > FORMAT_VERSION:
        raise ValueError(f"is format version {version}, written by a newer bp-desktop; "
                         f"this one reads version {FORMAT_VERSION}")


def _matrix(layer: int, value: Any) -> np.ndarray:
    name = f"{theta_name(layer)} (thetas[{layer - 1}])"
    if not isinstance(value, list) or not value:
        raise ValueError(f"{name} must be a non-empty list of rows")
    width = None
    for i, row in enumerate(value, start=1):
        # type() rather than isinstance(): true/false are not numbers here
        if not isinstance(row, list) or not all(type(v) is float or type(v) is int for v in row):
            raise ValueError(f"{name} row {i} must be a list of numbers")
        if width is None:
            width = len(row)
        elif len(row) != width:
            raise ValueError(f"{name} row {i} has {len(row)} numbers; row 1 has {width}")
    try:
        matrix = np.array(value, dtype=np.float64)
    except OverflowError as error:
        raise ValueError(f"{name} holds a number too large for float64") from error
    return checked_theta(name, matrix)
