"""Export and import of trained weights. numpy, plus scipy.io for .mat; no Qt.

`save_weights(network, path, metadata=...)` and `load_weights(path) -> (network, metadata)`
choose the format from the path (see `WEIGHT_FORMATS`; .onnx needs the optional package
onnx, `onnx_unavailable()` says whether it is there); `atomic_write` is the atomic
file write they use, for other writers (sessions) to share.

`load_dataset(path)` opens a dataset file by its suffix: a MAT-file in the course's layout
(`load_mat_dataset`, X and y as in ex4data1.mat) or a CSV file (`bp_desktop.data.load_csv`).
"""
from .atomic import atomic_directory, atomic_write
from .dataset_files import DATASET_FILE_FILTER, load_dataset
from .errors import WeightsFileError
from .mat_dataset import load_mat_dataset
from .metadata import METADATA_KEYS
from .onnx_format import INSTALL_HINT as ONNX_INSTALL_HINT
from .onnx_format import onnx_unavailable
from .weights import (CSV_FOLDER_DESCRIPTION, WEIGHT_FORMATS, load_weights, save_weights,
                      weights_format)

__all__ = [
    "CSV_FOLDER_DESCRIPTION", "DATASET_FILE_FILTER", "METADATA_KEYS", "ONNX_INSTALL_HINT",
    "WEIGHT_FORMATS", "WeightsFileError", "atomic_directory", "atomic_write", "load_dataset",
    "load_mat_dataset", "load_weights", "onnx_unavailable", "save_weights", "weights_format",
]
