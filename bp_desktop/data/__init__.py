"""Datasets: CSV import, built-in datasets, feature scaling and splits. numpy + stdlib only."""
from .builtin import BuiltinInfo, list_datasets, load_builtin, parameter_limits
from .csv_loader import DEFAULT_MAX_BYTES, load_csv, load_csv_features, preview_csv
from .dataset import MAX_CLASSES, Dataset, DatasetError, make_dataset
from .prepare import SCALER_KINDS, Scaler, Splits, split

__all__ = [
    "DEFAULT_MAX_BYTES", "MAX_CLASSES", "SCALER_KINDS", "BuiltinInfo", "Dataset", "DatasetError",
    "Scaler", "Splits", "list_datasets", "load_builtin", "load_csv", "load_csv_features",
    "make_dataset", "parameter_limits", "preview_csv", "split",
]
