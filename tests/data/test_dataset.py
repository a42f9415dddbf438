"""The Dataset container: derived Y, read-only arrays, checks on construction."""
import numpy as np
import pytest

from bp_desktop.data import Dataset, DatasetError, make_dataset


def small(**overrides):
    arguments = dict(class_names=["a", "b", "c"], feature_names=["p", "q", "r", "s"],
                     source="test", name="small")
    arguments.update(overrides)
    X = np.arange(12, dtype=float).reshape(3, 4)
    return make_dataset(X, np.array([2, 0, 1]), **arguments)


def test_make_dataset_derives_one_hot_Y_and_a_fingerprint():
    data = small()
    np.testing.assert_array_equal(data.Y, [[0, 0, 1], [1, 0, 0], [0, 1, 0]])
    assert (data.m, data.n, data.num_classes) == (3, 4, 3)
    assert len(data.sha256) == 64 and data.sha256 == small().sha256
    assert "small" in repr(data)


def test_callers_arrays_stay_writeable_and_the_datasets_do_not():
    X = np.zeros((2, 2))
    data = make_dataset(X, np.array([0, 1]), class_names=["a", "b"], feature_names=["p", "q"],
                        source="test", name="t")
    X[0, 0] = 1.0
    assert data.X[0, 0] == 0.0
    for array in (data.X, data.y, data.Y):
        assert not array.flags.writeable


def test_subset_and_with_features_keep_names_and_provenance():
    data = small(image_shape=[2, 2])
    assert data.image_shape == (2, 2)
    part = data.subset(np.array([2, 0]), name="part")
    np.testing.assert_array_equal(part.y, [1, 2])
    assert part.name == "part" and part.sha256 == data.sha256 and part.image_shape == (2, 2)
    scaled = data.with_features(data.X * 2)
    np.testing.assert_array_equal(scaled.X, data.X * 2)
    assert scaled.class_names == data.class_names


@pytest.mark.parametrize("overrides, message", [
    ({"feature_names": ["p"]}, "1 feature names for 4 features"),
    ({"image_shape": (3, 3)}, r"image shape \(3, 3\) does not hold 4 features"),
    ({"class_names": ["a", "b"]}, "class indices must lie in 0..1"),
])
def test_inconsistent_parts_are_rejected(overrides, message):
    with pytest.raises(DatasetError, match=message):
        small(**overrides)


def test_shapes_are_checked():
    with pytest.raises(DatasetError, match="y must hold one class per example"):
        Dataset(X=np.zeros((2, 1)), y=np.zeros(3, dtype=int), Y=np.zeros((2, 2)), class_names=["a", "b"],
                feature_names=["p"], source="t", sha256="", name="t")
