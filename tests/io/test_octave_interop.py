"""Round trips through GNU Octave itself, when it is installed (skipped otherwise): the
exported .mat works with the course's predict.m, and files Octave saves load exactly."""
import shutil
import subprocess

import numpy as np
import pytest
import scipy.io

from bp_desktop.core import Network
from bp_desktop.io import load_weights, save_weights

from .helpers import same_bits

OCTAVE = shutil.which("octave")
pytestmark = pytest.mark.skipif(OCTAVE is None, reason="GNU Octave is not installed")

# ex4's predict.m and sigmoid.m, as the course hands them out
PREDICT_M = """function p = predict(Theta1, Theta2, X)
m = size(X, 1);
h1 = sigmoid([ones(m, 1) X] * Theta1');
h2 = sigmoid([ones(m, 1) h1] * Theta2');
[dummy, p] = max(h2, [], 2);
end
"""
SIGMOID_M = "function g = sigmoid(z)\ng = 1.0 ./ (1.0 + exp(-z));\nend\n"


def octave(folder, script):
    (folder / "predict.m").write_text(PREDICT_M)
    (folder / "sigmoid.m").write_text(SIGMOID_M)
    done = subprocess.run([OCTAVE, "--no-gui", "--no-window-system", "--quiet", "--eval", script],
                          cwd=folder, capture_output=True, text=True, timeout=120)
    # Octave 7 prints "error: ignoring const execution_exception& while preparing to exit"
    # after every --eval here, even a bare `disp(1)`: only other errors count.
    errors = done.stderr.replace("error: ignoring const execution_exception", "")
    assert done.returncode == 0 and "error:" not in errors, done.stderr
    return done.stdout


def test_octave_predicts_with_an_exported_mat_like_the_app(tmp_path):
    network = Network([400, 25, 10], seed=3)
    save_weights(network, tmp_path / "weights.mat",
                 metadata={"class_names": list("1234567890"), "dataset": {"name": "Zürich.csv"}})
    X = np.random.default_rng(0).normal(size=(100, 400))
    scipy.io.savemat(tmp_path / "X.mat", {"X": X})
    octave(tmp_path, "load('weights.mat'); load('X.mat');"
                     "pred = predict(Theta1, Theta2, X); save -v7 pred.mat pred;"
                     "meta = jsondecode(metadata_json);"
                     "printf('%s|%s|%d\\n', strjoin(meta.class_names', ''), meta.dataset.name,"
                     "       numel(nn_params));")
    pred = scipy.io.loadmat(tmp_path / "pred.mat")["pred"][:, 0]
    assert np.array_equal(pred, network.predict(X) + 1)


def test_octave_reads_the_metadata(tmp_path):
    save_weights(Network([3, 2], seed=1), tmp_path / "weights.mat",
                 metadata={"class_names": ["Äpfel", "Birnen"]})
    out = octave(tmp_path, "load('weights.mat'); meta = jsondecode(metadata_json);"
                           "printf('%s;%s;%s;%d\\n', meta.class_names{2}, hidden_activation,"
                           "       mat2str(layer_sizes), numel(nn_params));")
    assert out.strip() == "Birnen;sigmoid;[3 2];8"


@pytest.mark.parametrize("option", ["-v7", "-v6"])
def test_weights_octave_saves_load_bit_for_bit(option, tmp_path):
    network = Network([5, 4, 3], seed=9, hidden_activation="tanh")
    save_weights(network, tmp_path / "weights.mat")
    octave(tmp_path, f"load('weights.mat'); save {option} octave.mat Theta1 Theta2 hidden_activation")
    loaded, metadata = load_weights(tmp_path / "octave.mat")
    assert same_bits(loaded.thetas, network.thetas)
    assert metadata == {"layer_sizes": [5, 4, 3], "hidden_activation": "tanh"}


def test_octave_reads_the_csv_files_exactly(tmp_path):
    network = Network([6, 4, 2], seed=2)
    save_weights(network, tmp_path / "weights")
    octave(tmp_path, "Theta1 = csvread('weights/Theta1.csv'); Theta2 = csvread('weights/Theta2.csv');"
                     "save -v7 fromcsv.mat Theta1 Theta2")
    loaded, _ = load_weights(tmp_path / "fromcsv.mat")
    assert same_bits(loaded.thetas, network.thetas)
