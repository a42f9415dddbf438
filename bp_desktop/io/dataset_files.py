"""Opening a dataset file of any supported kind: the one place that decides by suffix."""
from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from ..data import Dataset, DatasetError, load_csv
from ..data.csv_loader import guess_label_column
from .mat_dataset import load_mat_dataset

MAT_SUFFIXES = (".mat",)
DATASET_FILE_FILTER = "Datasets (*.csv *.txt *.tsv *.mat)"


def is_mat_file(path: str | os.PathLike) -> bool:
    """Whether load_dataset reads this path as a MAT-file (else as CSV text)."""
    return Path(path).suffix.lower() in MAT_SUFFIXES


def load_dataset(path: str | os.PathLike, progress: Callable[[float], None] | None = None, *,
                 label_column: int | str | None = None, guess_label: bool = False) -> Dataset:
    """A Dataset from a MAT-file (X and y, as the course's ex4data1.mat) or, for any other
    suffix, a CSV text file. label_column applies to CSV files only; without one the label
    is the last column, or with guess_label the one guess_label_column finds (a column of
    words). Raises DatasetError."""
    if is_mat_file(path):
        if label_column is not None:
            raise DatasetError(f"{Path(path).name}: a label column applies to CSV files; a "
                               "MAT-file's labels are its variable y")
        return load_mat_dataset(path, progress=progress)
    if label_column is None and guess_label:
        label_column = guess_label_column(path)
    return load_csv(path, label_column=label_column, progress=progress)
