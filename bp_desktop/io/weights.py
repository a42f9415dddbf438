"""save_weights / load_weights: the format follows the path.

    .mat           MATLAB/Octave level-5 MAT-file (Theta1, Theta2, ..., nn_params, ...)
    .npz           NumPy archive (Theta1, Theta2, ..., metadata)
    .json          JSON document (format, version, layer_sizes, hidden_activation, metadata, thetas)
    .zip           zip of CSV files (Theta1.csv, ..., manifest.json)
    .onnx          ONNX model: Gemm + g per layer, metadata in metadata_props (needs the
                   optional package onnx: pip install "bp-desktop[onnx]")
    a folder       folder of the same CSV files: an existing folder, or a path without suffix

Loading raises WeightsFileError, and nothing else, whatever the file holds (or when it
cannot be read at all). Saving checks the network and metadata first (ValueError), then
writes atomically; file-system failures propagate as OSError with the old file intact.
"""
from __future__ import annotations

import functools
import os
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import numpy as np

from .. import __version__
from ..core import ACTIVATIONS, Network
from ..data.regular_files import FileTooLargeError, read_regular_file
from .atomic import atomic_directory, atomic_write, recover_directory
from .csv_format import (foreign_entries, is_weights_file_name, read_csv_folder, read_csv_zip,
                         write_csv_folder, write_csv_zip)
from .errors import WeightsFileError
from .json_format import read_json, write_json
from .mat_format import read_mat, write_mat
from .metadata import METADATA_KEYS, checked_metadata, plain_json_value
from .npz_format import read_npz, write_npz
from .onnx_format import DTYPES, read_onnx, write_onnx
from .thetas import MAX_WEIGHT_VALUES, WeightsContent, chained_layer_sizes

WEIGHT_FORMATS: dict[str, str] = {
    ".mat": "MATLAB/Octave MAT-file (Theta1, Theta2, …)",
    ".npz": "NumPy archive (Theta1, Theta2, …)",
    ".json": "JSON, human-readable",
    ".zip": "CSV files in a zip (Theta1.csv, …, manifest.json)",
    ".onnx": "ONNX model (onnxruntime, PyTorch, …)",
}
CSV_FOLDER_DESCRIPTION = "Folder of CSV files (Theta1.csv, …, manifest.json)"
MAX_FILE_BYTES = 1 << 30

_FORMAT_OF_SUFFIX = {".mat": "mat", ".npz": "npz", ".json": "json", ".zip": "csv-zip", ".onnx": "onnx"}
_FILE_READERS: dict[str, Callable[[bytes], WeightsContent]] = {
    "mat": read_mat, "npz": read_npz, "json": read_json, "csv-zip": read_csv_zip, "onnx": read_onnx}
_FILE_WRITERS = {"mat": write_mat, "npz": write_npz, "json": write_json, "csv-zip": write_csv_zip,
                 "onnx": write_onnx}


def weights_format(path: str | os.PathLike[str]) -> str:
    """'mat', 'npz', 'json', 'csv-zip', 'onnx' or 'csv-folder' for a path; WeightsFileError otherwise.

    An existing folder is always the CSV folder variant; otherwise the suffix decides,
    and a path without a suffix names a (new) CSV folder.
    """
    path = Path(path)
    if path.is_dir():
        return "csv-folder"
    suffix = path.suffix.lower()
    if suffix in _FORMAT_OF_SUFFIX:
        return _FORMAT_OF_SUFFIX[suffix]
    if not suffix:
        return "csv-folder"
    if suffix == ".csv":
        raise WeightsFileError(path, "one .csv file cannot hold several Θ matrices; use a "
                                     "folder or a .zip of CSV files (Theta1.csv, ...)")
    raise WeightsFileError(path, f"unknown weights format {suffix!r}; use "
                                 f"{', '.join(WEIGHT_FORMATS)} or a folder of CSV files")


# --- saving -----------------------------------------------------------------------------
def save_weights(network: Network, path: str | os.PathLike[str], *,
                 metadata: Mapping[str, Any] | None = None, dtype: str = "float64",
                 scaling_in_graph: bool = True) -> None:
    """Write the network's Θ and the metadata in the format the path names, atomically.

    layer_sizes, hidden_activation and app_version are always filled in from the network
    and this program; the caller supplies the rest (see bp_desktop.io.metadata).
    `dtype` ("float64" or "float32") and `scaling_in_graph` (the metadata's feature scaling
    as the graph's first nodes, so the model takes raw values) apply to .onnx only: the
    other formats always hold float64 Θ and record the scaling as metadata.
    """
    path = Path(path)
    fmt = weights_format(path)
    if fmt != "onnx" and (dtype != "float64" or not scaling_in_graph):
        raise ValueError("dtype and scaling_in_graph apply to .onnx files only")
    if dtype not in DTYPES:
        raise ValueError(f"dtype must be one of {', '.join(DTYPES)}; got {dtype!r}")
    thetas = _finite_thetas(network)
    full_metadata = _metadata_for(network, metadata)
    if fmt == "csv-folder":
        _save_csv_folder(path, thetas, full_metadata)
        return
    writer = _FILE_WRITERS[fmt]
    if fmt == "onnx":
        writer = functools.partial(write_onnx, dtype=dtype, scaling_in_graph=scaling_in_graph)
    atomic_write(path, lambda stream: writer(stream, thetas, full_metadata))


def _finite_thetas(network: Network) -> list[np.ndarray]:
    thetas = [np.array(theta, dtype=np.float64, order="C") for theta in network.thetas]
    for l, theta in enumerate(thetas, start=1):
        if not np.all(np.isfinite(theta)):
            raise ValueError(f"Θ^({l}) holds non-finite values (nan or inf); nothing was saved")
    return thetas


def _metadata_for(network: Network, metadata: Mapping[str, Any] | None) -> dict[str, Any]:
    given = plain_json_value(metadata or {})
    given.update(layer_sizes=list(network.layer_sizes),
                 hidden_activation=network.hidden_activation, app_version=__version__)
    ordered = {key: given.pop(key) for key in METADATA_KEYS if key in given}
    ordered.update(given)
    return checked_metadata(ordered, network.layer_sizes)


def _save_csv_folder(path: Path, thetas: list[np.ndarray], metadata: dict[str, Any]) -> None:
    if path.is_dir():
        foreign = foreign_entries(path)
        if foreign:
            raise WeightsFileError(path, f"is a folder holding other files ({', '.join(foreign[:5])}"
                                         f"{', ...' if len(foreign) > 5 else ''}); saving would "
                                         "replace it: choose a new or empty folder")
    # the folder's other files (.DS_Store, notes) move into the new folder; none is deleted
    atomic_directory(path, lambda folder: write_csv_folder(folder, thetas, metadata),
                     owned=is_weights_file_name)


# --- loading ----------------------------------------------------------------------------
def load_weights(path: str | os.PathLike[str]) -> tuple[Network, dict[str, Any]]:
    """(Network, metadata) from a weights file; WeightsFileError for anything wrong with it.

    The metadata always holds layer_sizes and hidden_activation (sigmoid when the file
    does not say, as in the course's files), plus whatever else the file recorded.
    """
    path = Path(path)
    fmt = weights_format(path)
    try:
        content = _read(path, fmt)
        return _network_and_metadata(content)
    except WeightsFileError:
        raise
    except OSError as error:
        raise WeightsFileError(path, f"cannot be read: {error.strerror or error}") from error
    except ValueError as error:
        raise WeightsFileError(path, str(error)) from error
    except Exception as error:  # a parser failing in a way nobody foresaw: still the file's fault
        raise WeightsFileError(path, f"is corrupt ({type(error).__name__}: {error})") from error


def _read(path: Path, fmt: str) -> WeightsContent:
    if fmt == "csv-folder":
        recover_directory(path, is_weights_file_name)  # a save killed half-way: finish it
        if not path.is_dir():
            problem = "is a file, not a folder" if path.exists() else "no such file or folder"
            raise ValueError(f"{problem} (a path without a suffix names a folder of CSV files)")
        return read_csv_folder(path)
    try:
        data = read_regular_file(path, MAX_FILE_BYTES)
    except FileTooLargeError as error:
        raise ValueError(f"{error.strerror}; not a weights file") from None
    if not data:
        raise ValueError("is empty")
    return _FILE_READERS[fmt](data)


def _network_and_metadata(content: WeightsContent) -> tuple[Network, dict[str, Any]]:
    values = sum(theta.size for theta in content.thetas)
    if values > MAX_WEIGHT_VALUES:
        raise ValueError(f"holds {values:,} weights; at most {MAX_WEIGHT_VALUES:,} are supported")
    sizes = chained_layer_sizes(content.thetas)
    if content.layer_sizes is not None and list(content.layer_sizes) != sizes:
        raise ValueError(f"layer_sizes says {content.layer_sizes} but the Theta shapes give {sizes}")
    metadata = checked_metadata({} if content.metadata is None else content.metadata, sizes)
    activation = _hidden_activation(content, metadata)
    network = Network(sizes, thetas=content.thetas, hidden_activation=activation)
    rest = {key: value for key, value in metadata.items()
            if key not in ("layer_sizes", "hidden_activation")}
    return network, {"layer_sizes": sizes, "hidden_activation": activation, **rest}


def _hidden_activation(content: WeightsContent, metadata: dict[str, Any]) -> str:
    declared = content.hidden_activation
    recorded = metadata.get("hidden_activation")
    if declared is not None and recorded is not None and declared != recorded:
        raise ValueError(f"hidden_activation says {declared!r} but the metadata says {recorded!r}")
    activation = declared if declared is not None else recorded
    if activation is None:
        activation = "sigmoid"  # the course's files carry no activation: theirs is sigmoid
    if activation not in ACTIVATIONS:
        raise ValueError(f"unknown hidden activation {activation!r:.50}; "
                         f"expected one of {sorted(ACTIVATIONS)}")
    return activation
