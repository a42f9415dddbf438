"""The course in the window (issue 16). Exercise 4's set-up in one click: offered when a file
in ex4data1.mat's layout is opened, and under Train ▸ Set up as in exercise 4; then
ex4weights.mat gives ex4's J. Help ▸ Course check: checkNNGradients as ex4.m prints it."""
from dataclasses import replace

import numpy as np
import pytest
import scipy.io
from PySide6.QtWidgets import QFileDialog

from bp_desktop.core import course_check, course_check_report
from bp_desktop.io.mat5 import read_mat5
from bp_desktop.training import StopCriteria

from ..io.helpers import EX4WEIGHTS, write_course_mat
from ..training.test_course import course_cost
from .windows import action, open_window


@pytest.fixture
def window(qtbot, tmp_path):
    w = open_window(qtbot, tmp_path, "xor", m=40, noise=0.1, seed=0)
    yield w
    w.shutdown()


def open_file(qtbot, window, monkeypatch, path, answer):
    questions = []
    monkeypatch.setattr(window, "ask", lambda question: questions.append(question) or answer)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *args: (str(path), ""))
    action(window, "actionOpenDataset").trigger()
    qtbot.waitUntil(lambda: window.workspace.dataset.source == str(path.absolute()), timeout=10000)
    return questions


def assert_exercise4_settings(window):
    c, ws = window.controls, window.workspace
    assert ws.layer_sizes == [400, 25, 10] and ws.X_val is None
    assert ws.preparation.scaling == "none" and ws.preparation.validation == 0.0
    assert ws.spec.activation == "sigmoid" and ws.spec.epsilon == 0.12
    assert c.scaling.currentData() == "none" and c.validation.value() == 0.0
    assert c.hidden.text() == "25" and c.epsilon.value() == 0.12
    assert c.optimizer.currentData() == "cg" and c.lam.value() == 1.0
    assert c.max_iterations.value() == 50
    run = window.controller.run
    assert run.hyper.optimizer == "cg" and run.hyper.lam == 1.0
    assert run.stop_criteria == StopCriteria(max_iterations=50)


@pytest.fixture
def ex4data(tmp_path):
    path = tmp_path / "ex4data1.mat"
    write_course_mat(path, m=60, n=400, K=10)
    return path


def test_opening_a_course_layout_file_offers_exercise_4s_set_up(qtbot, window, monkeypatch, ex4data):
    questions = open_file(qtbot, window, monkeypatch, ex4data, answer=True)
    assert len(questions) == 1 and "Set up as in exercise 4?" in questions[0]
    assert_exercise4_settings(window)
    # opened again with the set-up in place: nothing to offer
    assert open_file(qtbot, window, monkeypatch, ex4data, answer=True) == []


def test_declining_keeps_the_panels_settings(qtbot, window, monkeypatch, ex4data):
    before = window.controls.data_preparation(), window.controls.hyperparameters()
    open_file(qtbot, window, monkeypatch, ex4data, answer=False)
    assert (window.controls.data_preparation(), window.controls.hyperparameters()) == before
    assert window.workspace.layer_sizes != [400, 25, 10]


def test_the_menu_action_sets_up_exercise_4(qtbot, window, monkeypatch, ex4data):
    open_file(qtbot, window, monkeypatch, ex4data, answer=False)
    action(window, "actionExercise4Setup").trigger()
    assert_exercise4_settings(window)


def test_the_menu_action_on_other_data_explains_and_changes_nothing(window):
    before = window.workspace
    action(window, "actionExercise4Setup").trigger()
    assert "layout of ex4data1.mat" in window.last_error
    assert window.workspace is before


def status_j(window) -> str:
    return window.status_labels["cost"].text()


def import_at(window, monkeypatch, weights, lam):
    window.controls.lam.setValue(lam)
    monkeypatch.setattr(window, "ask", lambda question: True)
    assert window.load_weights_from(str(weights))


def expected_status(thetas, ex4data, lam):
    data = scipy.io.loadmat(ex4data)
    return f"J = {course_cost(thetas['Theta1'], thetas['Theta2'], data['X'], data['y'][:, 0], lam):#.6g}"


@pytest.mark.parametrize("lam", [0.0, 1.0])
def test_the_status_bar_shows_ex4s_j_for_imported_weights(qtbot, window, monkeypatch, ex4data,
                                                          tmp_path, lam):
    open_file(qtbot, window, monkeypatch, ex4data, answer=True)
    rng = np.random.default_rng(1)
    thetas = {"Theta1": rng.normal(0, 0.3, (25, 401)), "Theta2": rng.normal(0, 1.0, (10, 26))}
    scipy.io.savemat(tmp_path / "weights.mat", thetas)
    import_at(window, monkeypatch, tmp_path / "weights.mat", lam)
    assert status_j(window) == expected_status(thetas, ex4data, lam)


@pytest.mark.skipif(not EX4WEIGHTS.exists(), reason="the course's ex4weights.mat is not in ../shared/data")
@pytest.mark.parametrize("lam", [0.0, 1.0])
def test_the_status_bar_shows_ex4s_j_for_the_courses_weights(qtbot, window, monkeypatch, ex4data, lam):
    open_file(qtbot, window, monkeypatch, ex4data, answer=True)
    import_at(window, monkeypatch, EX4WEIGHTS, lam)
    assert status_j(window) == expected_status(read_mat5(EX4WEIGHTS.read_bytes()), ex4data, lam)


def test_the_status_bar_keeps_trailing_zeros_as_the_course_prints(window):
    window._update_status(replace(window.snapshot, cost=0.38377, validation_cost=None))
    assert status_j(window) == "J = 0.383770"


def test_help_course_check_shows_the_courses_table(qtbot, window):
    action(window, "actionCourseCheck").trigger()
    dialog = window.course_check_dialog
    qtbot.waitExposed(dialog)
    assert dialog.objectName() == "courseCheckDialog"
    text = dialog.text.toPlainText()
    assert text.rstrip("\n") == course_check_report([course_check(0.0), course_check(3.0)]).rstrip("\n")
    assert "J = 2.1009505699" in text and "J = 2.1463598150" in text
    dialog.close()
