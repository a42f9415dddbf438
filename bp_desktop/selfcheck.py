"""`bp-desktop --self-check`: is this installation complete?

A trimmed standalone build (packaging/bp-desktop.spec leaves out Qt plugins, scipy
subpackages and Python modules the app does not use) or a broken install fails here with a
sentence per problem, instead of later, in front of a student, on the first weights export.
"""
from __future__ import annotations

import importlib
import pkgutil
import tempfile
from collections.abc import Callable
from pathlib import Path

import numpy as np

import bp_desktop


def check_modules() -> None:
    """Every module of the program imports (lazy imports included); __main__ would run the app."""
    names = [m.name for m in pkgutil.walk_packages(bp_desktop.__path__, "bp_desktop.")]
    if len(names) < 10:
        raise ValueError(f"only {len(names)} modules found: {names}")
    for name in names:
        if not name.endswith(".__main__"):
            importlib.import_module(name)


def check_metadata() -> None:
    """The package metadata is there: it is where the version and the licence come from."""
    from importlib.metadata import metadata

    meta = metadata("bp-desktop")  # PackageNotFoundError in a build that lost it
    if meta["Version"] != bp_desktop.__version__:
        raise ValueError(f"metadata says {meta['Version']}, the package {bp_desktop.__version__}")


def check_datasets() -> None:
    from bp_desktop.data import list_datasets, load_builtin

    for info in list_datasets():
        if load_builtin(info.name).X.shape[0] == 0:
            raise ValueError(f"built-in dataset {info.name} is empty")
    check_mat_dataset()


def check_mat_dataset() -> None:
    """A compressed MAT-file in the course's layout (ex4data1.mat) opens as a dataset."""
    import scipy.io

    from bp_desktop.io import load_dataset

    X, y = np.arange(128.0).reshape(2, 64), np.array([[10.0], [1.0]])
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "ex4data1.mat"
        scipy.io.savemat(path, {"X": X, "y": y}, do_compression=True)
        dataset = load_dataset(path)
    if not (np.array_equal(dataset.X, X) and dataset.class_names == ["1", "10"]
            and dataset.image_order == "F"):
        raise ValueError("a course-layout .mat dataset changed on the way through the file")


def check_weight_formats() -> None:
    """Each weights format writes and reads back the same Θ (scipy.io for .mat; .onnx when
    the optional onnx package is installed)."""
    from bp_desktop.core import Network
    from bp_desktop.io import WEIGHT_FORMATS, load_weights, onnx_unavailable, save_weights

    network = Network([2, 3, 1], seed=0)
    with tempfile.TemporaryDirectory() as folder:
        for suffix in WEIGHT_FORMATS:
            if suffix == ".onnx" and onnx_unavailable():
                continue  # optional (pip install "bp-desktop[onnx]"); the standalone build leaves it out
            path = Path(folder) / f"weights{suffix}"
            save_weights(network, path)
            loaded, _ = load_weights(path)
            if not all(np.array_equal(a, b) for a, b in zip(network.thetas, loaded.thetas)):
                raise ValueError(f"{suffix} weights changed on the way through the file")


def check_icon() -> None:
    """Qt reads PNG and SVG here, and the application icon draws."""
    from PySide6.QtWidgets import QApplication

    from bp_desktop.ui.icon import app_icon, svg_supported

    # a QApplication, not a QGuiApplication: an instance outlives this check, and widgets need it
    QApplication.instance() or QApplication([])
    if not svg_supported():
        raise ValueError("Qt has no SVG image-format plugin (imageformats/libqsvg)")
    if app_icon().pixmap(48, 48).isNull():
        raise ValueError("the application icon does not draw")


def check_training_process() -> None:
    """A training worker process starts (in the standalone build it is this program again,
    through multiprocessing.freeze_support) and trains exactly as this process does."""
    from bp_desktop.core import Network
    from bp_desktop.training import TrainingRun
    from bp_desktop.training.worker import RunState, WorkerClient

    def xor_run() -> TrainingRun:
        X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
        return TrainingRun(Network([2, 2, 1], seed=0), X, np.array([[0.0], [1.0], [1.0], [0.0]]))

    here, client = xor_run(), WorkerClient()
    try:
        client.send("install", 1, RunState.of(xor_run()))
        client.send("step", 3)
        report = client.settle(timeout=60)[-1]
    finally:
        client.close(2.0)
    for _ in range(3):
        here.step()
    if report.iteration != 3 or not np.array_equal(report.params, here.network.params):
        raise ValueError("the training process's weights after 3 iterations differ from this process's")


CHECKS: dict[str, Callable[[], None]] = {
    "modules": check_modules, "metadata": check_metadata, "datasets": check_datasets,
    "weight formats": check_weight_formats, "icon": check_icon,
    "training process": check_training_process,
}


def self_check() -> list[str]:
    """One line per failed check; empty when everything works."""
    failures = []
    for name, check in CHECKS.items():
        try:
            check()
        except Exception as error:  # noqa: BLE001 - report every failure, whatever its kind
            failures.append(f"{name}: {type(error).__name__}: {error}")
    return failures
