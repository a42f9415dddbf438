"""The headless commands on MAT-files in the course's layout (X and y, as ex4data1.mat)."""
import re

import numpy as np
import pytest
import scipy.io

from bp_desktop import cli
from bp_desktop.core import Network
from bp_desktop.io.mat5 import read_mat5

from ..io.helpers import EX4WEIGHTS, write_course_mat


def run(capsys, *argv):
    code = cli.main([str(arg) for arg in argv])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture
def data_mat(tmp_path):
    path = tmp_path / "data.mat"
    write_course_mat(path, m=80, n=16, K=4, seed=2)
    return path


def test_train_on_a_mat_file(capsys, data_mat):
    code, out, err = run(capsys, "train", data_mat, "--hidden", "5", "--iterations", "3")
    assert code == 0 and err == ""
    assert "data: m = 80 (64 training, 16 validation), n = 16, K = 4; network 16-5-4" in out
    assert out.splitlines()[-1].startswith("final after 3 iterations")


def test_gradcheck_on_a_mat_file(capsys, data_mat):
    code, out, _ = run(capsys, "gradcheck", data_mat, "--hidden", "3", "--examples", "5")
    assert code == 0 and "PASS" in out


def test_predict_on_a_mat_file_with_exported_weights(capsys, data_mat, tmp_path):
    weights = tmp_path / "w.mat"
    assert run(capsys, "train", data_mat, "--hidden", "5", "--iterations", "5", "--quiet",
               "--export", weights)[0] == 0
    code, out, err = run(capsys, "predict", weights, data_mat)
    assert code == 0
    assert len(out.splitlines()) == 80 and set(out.splitlines()) <= {"1", "2", "3", "4"}
    assert re.fullmatch(r"accuracy [0-9.]+% \([0-9]+ of 80\)\n", err)


def test_mat_file_problems_exit_2_with_the_loaders_message(capsys, data_mat, tmp_path):
    code, out, err = run(capsys, "train", data_mat, "--label-column", "0")
    assert code == 2 and "data.mat: a label column applies to CSV files" in err
    broken = tmp_path / "broken.mat"
    scipy.io.savemat(broken, {"X": np.eye(3)})
    code, out, err = run(capsys, "train", broken)
    assert code == 2 and out == "" and "broken.mat: has no variable y; it has X (3×3)" in err
    weights = tmp_path / "w.npz"
    run(capsys, "train", "--builtin", "xor", "--iterations", "1", "--quiet", "--export", weights)
    code, _, err = run(capsys, "predict", weights, data_mat)
    assert code == 2 and "X has 16 columns; the network takes 2 inputs" in err


@pytest.mark.skipif(not EX4WEIGHTS.exists(), reason="the course's ex4weights.mat is not in ../shared/data")
def test_predict_with_the_courses_weights_names_classes_by_the_datas_labels(capsys, tmp_path):
    """ex4weights.mat has no class names: unit k is label k of the data, as in predict.m."""
    course = read_mat5(EX4WEIGHTS.read_bytes())
    network = Network([400, 25, 10], thetas=[course["Theta1"], course["Theta2"]])
    X = np.random.default_rng(4).normal(size=(300, 400))
    labels = network.predict(X) + 1
    path = tmp_path / "course.mat"
    scipy.io.savemat(path, {"X": X, "y": labels.reshape(-1, 1).astype(np.float64)})
    code, out, err = run(capsys, "predict", EX4WEIGHTS, path)
    assert code == 0 and err == "accuracy 100.00% (300 of 300)\n"
    assert out.splitlines() == [str(label) for label in labels]
