"""The .mat files speak the course's language: read by scipy independently, and files
written in the course's layout (by savemat here, by MATLAB for ex4weights.mat) load."""
import json

import numpy as np
import pytest
import scipy.io

from bp_desktop.core import Network
from bp_desktop.io import load_weights, save_weights

from .helpers import EX4WEIGHTS, same_bits


def course_predict(Theta1, Theta2, X):
    """ex4's predict.m, line for line (1-based labels as Octave returns them)."""
    m = X.shape[0]
    sigmoid = lambda z: 1.0 / (1.0 + np.exp(-z))  # noqa: E731
    h1 = sigmoid(np.hstack([np.ones((m, 1)), X]) @ Theta1.T)
    h2 = sigmoid(np.hstack([np.ones((m, 1)), h1]) @ Theta2.T)
    return np.argmax(h2, axis=1) + 1, h2


def test_exported_mat_has_the_course_layout(tmp_path):
    network = Network([400, 25, 10], seed=3)
    save_weights(network, tmp_path / "w.mat", metadata={"class_names": list("1234567890")})
    variables = scipy.io.loadmat(tmp_path / "w.mat")
    names = {n for n in variables if not n.startswith("__")}
    assert names == {"Theta1", "Theta2", "nn_params", "layer_sizes", "hidden_activation",
                     "metadata_json"}
    assert variables["Theta1"].shape == (25, 401) and variables["Theta1"].dtype == np.float64
    assert variables["Theta2"].shape == (10, 26) and variables["Theta2"].dtype == np.float64
    # nn_params = [Theta1(:); Theta2(:)], column-major, as a column: built here without core.unroll
    expected = np.concatenate([variables["Theta1"].flatten("F"), variables["Theta2"].flatten("F")])
    assert variables["nn_params"].shape == (10285, 1)
    assert np.array_equal(variables["nn_params"][:, 0], expected)
    assert np.array_equal(variables["layer_sizes"], [[400.0, 25.0, 10.0]])
    assert variables["layer_sizes"].dtype == np.float64
    assert variables["hidden_activation"].tolist() == ["sigmoid"]
    metadata = json.loads(variables["metadata_json"][0])
    assert metadata["class_names"] == list("1234567890")
    assert same_bits([variables["Theta1"], variables["Theta2"]], network.thetas)


def test_exported_mat_variables_have_matlab_classes(tmp_path):
    save_weights(Network([4, 3, 2], seed=0), tmp_path / "w.mat")
    classes = {name: (shape, cls) for name, shape, cls in scipy.io.whosmat(tmp_path / "w.mat")}
    assert classes["Theta1"] == ((3, 5), "double")
    assert classes["Theta2"] == ((2, 4), "double")
    assert classes["nn_params"] == ((23, 1), "double")
    assert classes["hidden_activation"][1] == classes["metadata_json"][1] == "char"
    chars = scipy.io.loadmat(tmp_path / "w.mat", chars_as_strings=False)
    assert chars["hidden_activation"].shape == (1, 7)  # one char row, as Octave's 'sigmoid'
    assert chars["metadata_json"].shape[0] == 1


def test_metadata_json_in_mat_is_ascii_so_any_octave_reads_it(tmp_path):
    save_weights(Network([2, 2], seed=0), tmp_path / "w.mat",
                 metadata={"class_names": ["Äpfel", "梨"]})
    text = scipy.io.loadmat(tmp_path / "w.mat")["metadata_json"][0]
    assert text.isascii()
    _, metadata = load_weights(tmp_path / "w.mat")
    assert metadata["class_names"] == ["Äpfel", "梨"]


def test_a_mat_written_in_the_course_layout_predicts_like_predict_m(tmp_path):
    rng = np.random.default_rng(7)
    Theta1, Theta2 = rng.normal(size=(25, 401)), rng.normal(size=(10, 26))
    scipy.io.savemat(tmp_path / "course.mat", {"Theta1": Theta1, "Theta2": Theta2})
    network, metadata = load_weights(tmp_path / "course.mat")
    assert network.layer_sizes == (400, 25, 10)
    assert metadata == {"layer_sizes": [400, 25, 10], "hidden_activation": "sigmoid"}
    X = rng.normal(size=(200, 400))
    labels, h2 = course_predict(Theta1, Theta2, X)
    assert np.array_equal(network.predict(X) + 1, labels)
    np.testing.assert_allclose(network.forward(X).output, h2, rtol=1e-12, atol=1e-15)


def test_course_layout_with_nn_params_and_single_precision_loads(tmp_path):
    Theta1 = np.arange(15, dtype=np.float32).reshape(3, 5) / 7
    Theta2 = np.arange(8, dtype=np.float32).reshape(2, 4) / 3
    nn_params = np.concatenate([Theta1.flatten("F"), Theta2.flatten("F")]).astype(np.float64)
    scipy.io.savemat(tmp_path / "w.mat", {"Theta1": Theta1, "Theta2": Theta2,
                                          "nn_params": nn_params[:, None]})
    network, _ = load_weights(tmp_path / "w.mat")
    assert np.array_equal(network.thetas[0], Theta1.astype(np.float64))


def test_compressed_v7_files_load(tmp_path):
    network = Network([5, 4, 3], seed=5)
    scipy.io.savemat(tmp_path / "w.mat", {"Theta1": network.thetas[0], "Theta2": network.thetas[1]},
                     do_compression=True)
    loaded, _ = load_weights(tmp_path / "w.mat")
    assert same_bits(loaded.thetas, network.thetas)


@pytest.mark.skipif(not EX4WEIGHTS.exists(), reason="the course's ex4weights.mat is not beside the checkout")
def test_the_course_ex4weights_mat_loads_as_400_25_10():
    network, metadata = load_weights(EX4WEIGHTS)
    assert network.layer_sizes == (400, 25, 10)
    assert network.hidden_activation == "sigmoid"
    assert metadata == {"layer_sizes": [400, 25, 10], "hidden_activation": "sigmoid"}
    independent = scipy.io.loadmat(EX4WEIGHTS)
    assert same_bits(network.thetas, [independent["Theta1"], independent["Theta2"]])
    X = np.random.default_rng(0).uniform(-1, 1, size=(50, 400))
    labels, _ = course_predict(independent["Theta1"], independent["Theta2"], X)
    assert np.array_equal(network.predict(X) + 1, labels)
