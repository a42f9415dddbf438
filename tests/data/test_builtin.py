"""Built-in datasets: the catalogue, determinism, parameters, shipped files, learnability."""
import hashlib
import math

import numpy as np
import pytest

from bp_desktop.core import Network, make_optimizer
from bp_desktop.data import BuiltinInfo, DatasetError, list_datasets, load_builtin
from bp_desktop.data.dataset import arrays_sha256
from bp_desktop.paths import resource_path

GENERATED = ["xor", "circles", "moons", "spiral", "blobs"]


def test_catalogue_names_parameters_and_flags():
    infos = {info.name: info for info in list_datasets()}
    assert list(infos) == GENERATED + ["iris", "digits"]
    assert all(isinstance(info, BuiltinInfo) and info.title and info.description for info in infos.values())
    for name in GENERATED:
        assert infos[name].is_2d
        assert {"m": 200, "noise": 0.1, "seed": 0}.items() <= infos[name].parameters.items()
    assert infos["spiral"].parameters["arms"] == 2
    assert infos["blobs"].parameters["classes"] == 3
    assert infos["iris"].parameters == {} and not infos["iris"].is_2d
    assert infos["digits"].parameters == {} and not infos["digits"].is_2d


def test_catalogue_hands_out_copies():
    list_datasets()[0].parameters["m"] = 1
    assert list_datasets()[0].parameters["m"] == 200


@pytest.mark.parametrize("name", GENERATED)
def test_generated_sets_are_deterministic_and_balanced(name):
    first, again, other = load_builtin(name), load_builtin(name, seed=0), load_builtin(name, seed=1)
    np.testing.assert_array_equal(first.X, again.X)
    np.testing.assert_array_equal(first.y, again.y)
    assert first.sha256 == again.sha256 == arrays_sha256(first.X, first.y)
    assert other.sha256 != first.sha256
    assert first.X.shape == (200, 2) and first.feature_names == ["x1", "x2"]
    assert first.source == f"builtin:{name}" and first.image_shape is None
    counts = np.bincount(first.y, minlength=first.num_classes)
    assert counts.max() - counts.min() <= 1
    assert not np.all(np.diff(first.y) >= 0)  # shuffled, not sorted by class


@pytest.mark.parametrize("name", ["xor", "circles", "moons", "spiral"])
def test_noise_free_sets_lie_in_the_unit_square(name):
    X = load_builtin(name, noise=0.0, m=500).X
    assert np.abs(X).max() <= 1.0 + 1e-12
    assert np.abs(X).max() > 0.8  # and use it


def test_noisy_sets_stay_roughly_in_the_unit_square():
    for name in GENERATED:
        assert np.abs(load_builtin(name, m=2000).X).max() < 1.6


def test_xor_labels_follow_the_signs_without_noise():
    data = load_builtin("xor", noise=0.0, m=400, seed=3)
    np.testing.assert_array_equal(data.y, (data.X[:, 0] * data.X[:, 1] < 0).astype(int))


def test_circles_radii_without_noise():
    data = load_builtin("circles", noise=0.0)
    radius = np.hypot(data.X[:, 0], data.X[:, 1])
    np.testing.assert_allclose(radius, np.where(data.y == 0, 1.0, 0.5))


@pytest.mark.parametrize("name, params, classes", [
    ("spiral", {"arms": 3}, 3), ("spiral", {"arms": 5}, 5), ("blobs", {"classes": 2}, 2),
    ("blobs", {"classes": 7}, 7), ("xor", {}, 2), ("moons", {}, 2), ("circles", {}, 2),
])
def test_class_count_parameters(name, params, classes):
    data = load_builtin(name, m=70, **params)
    assert data.num_classes == classes and data.m == 70
    assert len(set(data.class_names)) == classes


@pytest.mark.parametrize("call, message", [
    (lambda: load_builtin("nope"), "there is no built-in dataset 'nope'; choose one of xor, circles, "
                                   "moons, spiral, blobs, iris, digits"),
    (lambda: load_builtin("xor", arms=3), "the xor dataset has no parameter 'arms'; its parameters are m, noise, seed"),
    (lambda: load_builtin("iris", m=5), "the iris dataset takes no parameters; got m"),
    (lambda: load_builtin("xor", m=2.5), "xor: m must be a whole number; got 2.5"),
    (lambda: load_builtin("xor", m=True), "xor: m must be a whole number; got True"),
    (lambda: load_builtin("xor", noise="lots"), "xor: noise must be a number; got 'lots'"),
    (lambda: load_builtin("xor", noise=math.nan), "xor: noise must lie between 0.0 and 1.0; got nan"),
    (lambda: load_builtin("xor", noise=-0.1), "xor: noise must lie between 0.0 and 1.0; got -0.1"),
    (lambda: load_builtin("moons", seed=-1), "moons: seed must lie between 0 and 9223372036854775807; got -1"),
    (lambda: load_builtin("spiral", arms=1), "spiral: arms must lie between 2 and 8; got 1"),
    (lambda: load_builtin("blobs", classes=11), "blobs: classes must lie between 2 and 10; got 11"),
    (lambda: load_builtin("blobs", classes=5, m=9),
     "the blobs dataset needs m ≥ 10 (two examples per class); got m = 9"),
    (lambda: load_builtin("xor", m=100_001), "xor: m must lie between 4 and 100000; got 100001"),
])
def test_bad_requests_are_explained(call, message):
    with pytest.raises(DatasetError) as caught:
        call()
    assert str(caught.value) == message


def test_numpy_numbers_are_accepted_as_parameters():
    assert load_builtin("blobs", m=np.int64(30), noise=np.float32(0.2), classes=np.int32(4)).m == 30


def test_iris():
    data = load_builtin("iris")
    assert (data.m, data.n, data.num_classes) == (150, 4, 3)
    assert data.class_names == ["setosa", "versicolor", "virginica"]
    assert np.bincount(data.y).tolist() == [50, 50, 50]
    assert data.feature_names == ["sepal_length_cm", "sepal_width_cm", "petal_length_cm", "petal_width_cm"]
    assert data.source == "builtin:iris" and data.name == "Iris" and data.image_shape is None
    assert data.sha256 == hashlib.sha256(resource_path("datasets/iris.csv").read_bytes()).hexdigest()
    np.testing.assert_array_equal(data.X[0], [5.1, 3.5, 1.4, 0.2])


def test_digits():
    data = load_builtin("digits")
    assert (data.m, data.n, data.num_classes) == (1797, 64, 10)
    assert data.class_names == [str(k) for k in range(10)]
    assert data.image_shape == (8, 8) and data.source == "builtin:digits"
    assert data.X.min() == 0 and data.X.max() == 16 and np.all(data.X == np.round(data.X))
    assert np.bincount(data.y).min() >= 170
    # the first digit is a 0: a ring of ink with an empty centre
    image = data.X[0].reshape(data.image_shape)
    assert data.y[0] == 0 and image[3:5, 3:5].sum() < image[1:7, 1:7].sum() / 10


def test_shipped_sets_are_read_once_and_shared():
    assert load_builtin("digits") is load_builtin("digits")


@pytest.mark.parametrize("name, params, hidden", [
    ("xor", {}, [8]), ("circles", {}, [8]), ("moons", {}, [8]), ("spiral", {}, [8]),
    ("spiral", {"arms": 3}, [8, 8]), ("blobs", {}, [8, 8]), ("blobs", {"classes": 5}, [8, 8]),
])
def test_generated_sets_are_learnable_by_small_networks(name, params, hidden):
    data = load_builtin(name, **params)
    K = data.num_classes
    network = Network([2, *hidden, 1 if K == 2 else K])
    network.initialize(seed=0)
    Y = data.y[:, None].astype(float) if K == 2 else data.Y
    optimizer = make_optimizer("cg")
    for _ in range(400):
        if optimizer.step(network, data.X, Y).converged:
            break
    assert np.mean(network.predict(data.X) == data.y) >= 0.9


def test_shipped_files_match_their_provenance_readme():
    readme = resource_path("datasets/README.md").read_text(encoding="utf-8")
    for name in ("iris", "digits"):
        digest = load_builtin(name).sha256
        assert f"## {name}.csv" in readme and f"sha256: `{digest}`" in readme


def test_parameter_limits_for_spin_boxes():
    infos = {info.name: info for info in list_datasets()}
    assert infos["spiral"].limits == {"m": (4, 100_000), "noise": (0.0, 1.0), "seed": (0, 2**63 - 1),
                                      "arms": (2, 8)}
    assert infos["iris"].limits == {}
    for info in infos.values():
        for name, (low, high) in info.limits.items():
            assert low <= info.parameters[name] <= high
