"""Datasets: CSV import, built-in datasets, feature scaling and splits. numpy + stdlib only."""
from .csv_loader import DEFAULT_MAX_BYTES, MAX_CLASSES, load_csv
from .dataset import Dataset, DatasetError, make_dataset

__all__ = ["DEFAULT_MAX_BYTES", "MAX_CLASSES", "Dataset", "DatasetError", "load_csv", "make_dataset"]
