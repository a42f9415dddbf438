"""Exercise 4's set-up as ex4.m runs it (issue 16): the preset and the J it gives."""
import numpy as np
import pytest
import scipy.io

from bp_desktop.core import Network
from bp_desktop.data import load_builtin
from bp_desktop.io import load_mat_dataset, load_weights
from bp_desktop.io.mat5 import read_mat5
from bp_desktop.training import Hyperparameters, StopCriteria, TrainingRun
from bp_desktop.training.course import Settings, exercise4_settings, is_exercise4_layout
from bp_desktop.training.workspace import DataPreparation, NetworkSpec, Workspace

from ..io.helpers import EX4WEIGHTS, write_course_mat

SOMEONES_SETTINGS = Settings(
    DataPreparation(scaling="minmax", validation=0.3, seed=7),
    NetworkSpec(hidden=(8, 8), activation="tanh", epsilon=None, seed=11),
    Hyperparameters(optimizer="momentum", alpha=0.3, lam=0.0, momentum=0.5, batch_size=16, seed=5),
    StopCriteria(max_iterations=1000, target_cost=0.1, plateau_tolerance=1e-6, plateau_window=20,
                 early_stopping_patience=3))


def test_the_preset_sets_exactly_what_ex4_m_sets_and_keeps_the_rest():
    ex4 = exercise4_settings(SOMEONES_SETTINGS)
    assert ex4.preparation == DataPreparation(scaling="none", validation=0.0, seed=7)
    assert ex4.spec == NetworkSpec(hidden=(25,), activation="sigmoid", epsilon=0.12, seed=11)
    assert ex4.hyper == Hyperparameters(optimizer="cg", alpha=0.3, lam=1.0, momentum=0.5,
                                        batch_size=16, seed=5)
    # MaxIter 50 is the only criterion: a target, a plateau or early stopping would end it early
    assert ex4.stop == StopCriteria(max_iterations=50)
    assert exercise4_settings(ex4) == ex4
    assert SOMEONES_SETTINGS.hyper.optimizer == "momentum"  # the input is left alone


@pytest.fixture
def course_layout(tmp_path):
    path = tmp_path / "ex4data1.mat"
    write_course_mat(path, m=50, n=400, K=10)
    return load_mat_dataset(path)


def test_the_course_layout_is_recognised(course_layout, tmp_path):
    assert is_exercise4_layout(course_layout)
    write_course_mat(tmp_path / "other.mat", m=50, n=400, K=9)          # labels 1..9
    assert not is_exercise4_layout(load_mat_dataset(tmp_path / "other.mat"))
    write_course_mat(tmp_path / "small.mat", m=50, n=64, K=10)          # 8×8 images
    assert not is_exercise4_layout(load_mat_dataset(tmp_path / "small.mat"))
    assert not is_exercise4_layout(load_builtin("digits"))              # 8×8, labels 0..9


def test_the_preset_builds_ex4s_network_on_raw_pixels_with_every_example(course_layout):
    ex4 = exercise4_settings(SOMEONES_SETTINGS)
    ws = Workspace(course_layout, ex4.preparation, ex4.spec)
    assert ws.layer_sizes == [400, 25, 10]
    assert ws.X_val is None and len(ws.X_train) == course_layout.m
    np.testing.assert_array_equal(np.sort(ws.X_train, axis=0), np.sort(course_layout.X, axis=0))
    network = ws.new_network()
    assert all(np.abs(theta).max() <= 0.12 for theta in network.thetas)


def course_cost(theta1, theta2, X, labels, lam):
    """ex4's nnCostFunction as the course writes it, loop-free: the reference J."""
    m = len(X)
    a2 = 1 / (1 + np.exp(-(np.c_[np.ones(m), X] @ theta1.T)))
    h = 1 / (1 + np.exp(-(np.c_[np.ones(m), a2] @ theta2.T)))
    Y = (labels[:, None] == np.arange(1, 11)).astype(float)
    J = -np.sum(Y * np.log(h) + (1 - Y) * np.log(1 - h)) / m
    return J + lam / (2 * m) * (np.sum(theta1[:, 1:] ** 2) + np.sum(theta2[:, 1:] ** 2))


def ex4_run_with(weights_path, dataset, lam):
    ex4 = exercise4_settings(SOMEONES_SETTINGS)
    ws = Workspace(dataset, ex4.preparation, ex4.spec)
    network, _ = load_weights(weights_path)
    return TrainingRun(network, ws.X_train, ws.Y_train, hyper=Hyperparameters(optimizer="cg", lam=lam))


def ex4_like_weights(path, seed=0):
    """Θ1 (25 × 401) and Θ2 (10 × 26) in a MAT-file without metadata, as ex4weights.mat."""
    rng = np.random.default_rng(seed)
    thetas = {"Theta1": rng.normal(0, 0.3, (25, 401)), "Theta2": rng.normal(0, 1.0, (10, 26))}
    scipy.io.savemat(path, thetas)
    return thetas


@pytest.mark.parametrize("lam", [0.0, 1.0])
def test_j_of_ex4_style_weights_is_the_courses_nn_cost_function(course_layout, tmp_path, lam):
    thetas = ex4_like_weights(tmp_path / "weights.mat")
    run = ex4_run_with(tmp_path / "weights.mat", course_layout, lam)
    labels = np.array([int(course_layout.class_names[k]) for k in course_layout.y])
    expected = course_cost(thetas["Theta1"], thetas["Theta2"], course_layout.X, labels, lam)
    assert run.preview().cost == pytest.approx(expected, rel=1e-12)


@pytest.mark.skipif(not EX4WEIGHTS.exists(), reason="the course's ex4weights.mat is not in ../shared/data")
@pytest.mark.parametrize("lam", [0.0, 1.0])
def test_j_of_the_courses_ex4weights_is_the_courses_nn_cost_function(course_layout, lam):
    course = read_mat5(EX4WEIGHTS.read_bytes())
    run = ex4_run_with(EX4WEIGHTS, course_layout, lam)
    labels = np.array([int(course_layout.class_names[k]) for k in course_layout.y])
    expected = course_cost(course["Theta1"], course["Theta2"], course_layout.X, labels, lam)
    assert run.preview().cost == pytest.approx(expected, rel=1e-12)
    assert isinstance(run.network, Network) and run.network.layer_sizes == (400, 25, 10)
