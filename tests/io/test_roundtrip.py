"""Every format gives back the same float64 bits, architecture, activation and metadata."""
import tempfile
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import bp_desktop
from bp_desktop.core import Network
from bp_desktop.io import load_weights, save_weights

from .helpers import EX4WEIGHTS, FILE_NAMES, FORMATS, metadata_for, networks, same_bits


@pytest.mark.parametrize("fmt", FORMATS)
@settings(max_examples=40, deadline=None)
@given(data=st.data())
def test_round_trip_is_bit_identical_for_random_architectures(fmt, data):
    network = data.draw(networks())
    metadata = data.draw(metadata_for(network))
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / FILE_NAMES[fmt]
        save_weights(network, path, metadata=metadata)
        loaded, loaded_metadata = load_weights(path)
    assert same_bits(loaded.thetas, network.thetas)
    assert loaded.layer_sizes == network.layer_sizes
    assert loaded.hidden_activation == network.hidden_activation
    assert loaded_metadata == {**metadata, "layer_sizes": list(network.layer_sizes),
                               "hidden_activation": network.hidden_activation,
                               "app_version": bp_desktop.__version__}


@pytest.mark.parametrize("fmt", FORMATS)
def test_awkward_floats_survive_every_format(fmt, tmp_path):
    awkward = [0.1, -0.0, 5e-324, -2.2250738585072014e-308, 1.7976931348623157e308,
               1 / 3, 1e16, 123456789.12345678, -1e-5, 2.0**-1074 * 3]
    thetas = [np.array(awkward[:6]).reshape(2, 3), np.array(awkward[6:9]).reshape(1, 3)]
    network = Network([2, 2, 1], thetas=thetas)
    save_weights(network, tmp_path / FILE_NAMES[fmt])
    loaded, _ = load_weights(tmp_path / FILE_NAMES[fmt])
    assert same_bits(loaded.thetas, thetas)
    assert np.signbit(loaded.thetas[0][0, 1])  # -0.0 stays negative


@pytest.mark.parametrize("fmt", FORMATS)
def test_numpy_values_in_metadata_are_saved_as_plain_json(fmt, tmp_path):
    network = Network([3, 2], seed=0)
    metadata = {"iteration": np.int64(7), "final_cost": np.float64(0.25),
                "scaling": {"mean": np.array([1.0, 2.0, 3.0]), "std": (1, 2, 3)}}
    save_weights(network, tmp_path / FILE_NAMES[fmt], metadata=metadata)
    _, loaded = load_weights(tmp_path / FILE_NAMES[fmt])
    assert loaded["iteration"] == 7 and type(loaded["iteration"]) is int
    assert loaded["scaling"] == {"mean": [1.0, 2.0, 3.0], "std": [1, 2, 3]}


@pytest.mark.parametrize("fmt", FORMATS)
def test_save_fills_in_layer_sizes_activation_and_version(fmt, tmp_path):
    network = Network([3, 4, 2], hidden_activation="tanh", seed=1)
    save_weights(network, tmp_path / FILE_NAMES[fmt],
                 metadata={"layer_sizes": [9, 9], "app_version": "stale"})
    _, metadata = load_weights(tmp_path / FILE_NAMES[fmt])
    assert metadata == {"layer_sizes": [3, 4, 2], "hidden_activation": "tanh",
                        "app_version": bp_desktop.__version__}


@pytest.mark.parametrize("fmt", FORMATS)
def test_saving_again_replaces_the_old_weights(fmt, tmp_path):
    path = tmp_path / FILE_NAMES[fmt]
    save_weights(Network([3, 2], seed=1), path)
    second = Network([2, 5, 1], seed=2)
    save_weights(second, path)
    loaded, _ = load_weights(path)
    assert same_bits(loaded.thetas, second.thetas)


@pytest.mark.skipif(not EX4WEIGHTS.exists(), reason="the course's ex4weights.mat is not beside the checkout")
@pytest.mark.parametrize("fmt", FORMATS)
def test_the_course_weights_survive_every_format(fmt, tmp_path):
    course, _ = load_weights(EX4WEIGHTS)
    save_weights(course, tmp_path / FILE_NAMES[fmt], metadata={"class_names": [str(d) for d in
                                                                             [*range(1, 10), 0]]})
    loaded, metadata = load_weights(tmp_path / FILE_NAMES[fmt])
    assert same_bits(loaded.thetas, course.thetas)
    assert metadata["class_names"][-1] == "0"
