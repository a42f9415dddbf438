"""The course's .mat files in the window: ex4data1.mat's layout through File ▸ Open dataset,
then the course's ex4weights.mat on top of it."""
import numpy as np
import pytest
import scipy.io
from PySide6.QtWidgets import QFileDialog

from bp_desktop.app import parse_args
from bp_desktop.core import Network, one_hot
from bp_desktop.io.mat5 import read_mat5
from bp_desktop.ui.launch import build_window

from ..io.helpers import EX4WEIGHTS, write_course_mat
from .windows import action, open_window


@pytest.fixture
def window(qtbot, tmp_path):
    w = open_window(qtbot, tmp_path, "xor", m=40, noise=0.1, seed=0)
    yield w
    w.shutdown()


def open_through_the_menu(qtbot, window, monkeypatch, path):
    asked = {}

    def dialog(parent, caption, folder, filters):
        asked["filters"] = filters
        return str(path), filters.split(";;")[0]

    monkeypatch.setattr(QFileDialog, "getOpenFileName", dialog)
    action(window, "actionOpenDataset").trigger()
    qtbot.waitUntil(lambda: window.workspace.dataset.source == str(path.absolute()), timeout=10000)
    return asked["filters"]


def test_a_course_layout_mat_file_opens_with_column_major_images(qtbot, window, monkeypatch, tmp_path):
    path = tmp_path / "ex4data1.mat"
    write_course_mat(path, m=60, n=400, K=10, compress=True)
    monkeypatch.setattr(window, "ask", lambda question: False)  # not exercise 4's set-up
    filters = open_through_the_menu(qtbot, window, monkeypatch, path)
    assert "*.mat" in filters.split(";;")[0]
    dataset = window.workspace.dataset
    assert dataset.class_names[-1] == "10" and dataset.image_order == "F"
    inputs = window.canvas.layout.layers[0].centres
    assert len(inputs) == 400
    assert inputs[1, 0] == inputs[0, 0] and inputs[1, 1] > inputs[0, 1]    # pixel 1 BELOW pixel 0
    assert inputs[20, 1] == inputs[0, 1] and inputs[20, 0] > inputs[0, 0]  # pixel 20 right of it
    assert window.weight_images.image_shape == (20, 20) and window.weight_images.order == "F"
    assert window.docks["weights"].isVisibleTo(window)


def test_a_broken_mat_file_is_reported_and_changes_nothing(qtbot, window, monkeypatch, tmp_path):
    path = tmp_path / "broken.mat"
    scipy.io.savemat(path, {"X": np.eye(3), "labels": np.ones((3, 1))})
    before = window.workspace
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(path), ""))
    action(window, "actionOpenDataset").trigger()
    qtbot.waitUntil(lambda: getattr(window, "last_error", None) is not None, timeout=5000)
    assert "broken.mat: has no variable y" in window.last_error
    assert window.workspace is before


def test_the_command_line_opens_a_mat_file(qapp, tmp_path):
    path = tmp_path / "ex4data1.mat"
    write_course_mat(path, m=30, n=400, K=10)
    window = build_window(qapp, parse_args(["--screenshot", str(tmp_path / "x.png"),
                                            "--dataset", str(path), "--hidden", "25"]))
    try:
        assert window.workspace.dataset.source == str(path.absolute())
        assert window.workspace.layer_sizes == [400, 25, 10]
        assert window.workspace.dataset.image_order == "F"
    finally:
        window.shutdown()


def test_the_shipped_digits_stay_row_major(qtbot, tmp_path):
    window = open_window(qtbot, tmp_path, "digits")
    try:
        assert window.workspace.dataset.image_order == "C"
        inputs = window.canvas.layout.layers[0].centres
        assert inputs[1, 1] == inputs[0, 1] and inputs[1, 0] > inputs[0, 0]  # pixel 1 right of 0
        assert window.weight_images.order == "C"
    finally:
        window.shutdown()


@pytest.mark.skipif(not EX4WEIGHTS.exists(), reason="the course's ex4weights.mat is not in ../shared/data")
def test_the_courses_weights_on_a_course_layout_dataset_give_the_courses_numbers(
        qtbot, window, monkeypatch, tmp_path):
    course = read_mat5(EX4WEIGHTS.read_bytes())
    network = Network([400, 25, 10], thetas=[course["Theta1"], course["Theta2"]])
    # examples labelled as the course's predict.m labels them: output unit k is label k
    X = np.random.default_rng(4).normal(size=(300, 400))
    labels = network.predict(X) + 1
    assert set(labels) == set(range(1, 11))
    path = tmp_path / "course.mat"
    scipy.io.savemat(path, {"X": X, "y": labels.reshape(-1, 1).astype(np.float64)})
    assert window.load_file_now(str(path))
    # what a student sets to see the course's numbers: raw pixels, every example, 25 hidden units
    window.controls.scaling.setCurrentIndex(window.controls.scaling.findData("none"))
    window.controls.validation.setValue(0.0)
    window.controls.hidden.setText("25")
    assert window.rebuild_network()
    monkeypatch.setattr(window, "ask", lambda question: True)
    assert window.load_weights_from(str(EX4WEIGHTS))
    thetas = window.controller.run.network.thetas
    np.testing.assert_array_equal(thetas[0], course["Theta1"])
    np.testing.assert_array_equal(thetas[1], course["Theta2"])
    snapshot = window.snapshot
    assert snapshot.train_accuracy == 1.0
    expected = network.cost(X, one_hot(labels - 1, 10), snapshot.lam)
    assert snapshot.cost == pytest.approx(expected, rel=1e-12)
