"""The snippets of the README's "Weights files" section, run on exported files: what we tell
users to type must predict what the app predicts."""
import json

import numpy as np
import scipy.io

from bp_desktop.core import Network
from bp_desktop.io import save_weights


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def test_the_numpy_snippet_predicts_like_the_network(tmp_path):
    network = Network([4, 5, 3, 3], seed=4)
    save_weights(network, tmp_path / "weights.npz", metadata={"class_names": ["a", "b", "c"]})
    X = np.random.default_rng(1).normal(size=(30, 4))

    with np.load(tmp_path / "weights.npz", allow_pickle=False) as f:
        thetas = [f[f"Theta{l}"] for l in range(1, sum(k.startswith("Theta") for k in f.files) + 1)]
        metadata = json.loads(str(f["metadata"]))
    a = X
    for theta in thetas:
        a = sigmoid(np.hstack([np.ones((len(a), 1)), a]) @ theta.T)
    pred = a.argmax(axis=1)

    assert np.array_equal(pred, network.predict(X))
    assert metadata["class_names"] == ["a", "b", "c"]


def test_the_any_depth_octave_loop_predicts_like_the_network(tmp_path):
    # the Octave loop over S.(sprintf('Theta%d', l)), transliterated with 1-based labels
    network = Network([4, 6, 5, 3], seed=8)
    save_weights(network, tmp_path / "weights.mat")
    X = np.random.default_rng(2).normal(size=(30, 4))
    S = scipy.io.loadmat(tmp_path / "weights.mat")
    a = X
    for l in range(1, S["layer_sizes"].size):
        a = sigmoid(np.hstack([np.ones((a.shape[0], 1)), a]) @ S[f"Theta{l}"].T)
    pred = a.argmax(axis=1) + 1
    assert np.array_equal(pred, network.predict(X) + 1)
