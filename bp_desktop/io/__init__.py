"""Export and import of trained weights. numpy, plus scipy.io for .mat; no Qt.

`save_weights(network, path, metadata=...)` and `load_weights(path) -> (network, metadata)`
choose the format from the path (see `WEIGHT_FORMATS`); `atomic_write` is the atomic
file write they use, for other writers (sessions) to share.
"""
from .atomic import atomic_directory, atomic_write
from .errors import WeightsFileError
from .metadata import METADATA_KEYS
from .weights import (CSV_FOLDER_DESCRIPTION, WEIGHT_FORMATS, load_weights, save_weights,
                      weights_format)

__all__ = [
    "CSV_FOLDER_DESCRIPTION", "METADATA_KEYS", "WEIGHT_FORMATS", "WeightsFileError",
    "atomic_directory", "atomic_write", "load_weights", "save_weights", "weights_format",
]
