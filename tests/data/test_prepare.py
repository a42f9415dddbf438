"""Feature scaling and stratified splits."""
import json

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from bp_desktop.data import DatasetError, Scaler, Splits, load_builtin, make_dataset, split


def dataset_with_classes(sizes, name="toy"):
    """Row i has feature value i, so rows can be traced through a split."""
    y = np.repeat(np.arange(len(sizes)), sizes)
    X = np.column_stack([np.arange(y.size, dtype=float), np.zeros(y.size)])
    return make_dataset(X, y, class_names=[f"c{k}" for k in range(len(sizes))],
                        feature_names=["id", "zero"], source="test", name=name)


# ---------------------------------------------------------------- Scaler

def test_zscore_is_the_courses_feature_normalize():
    # featureNormalize: mu = mean(X); sigma = std(X) (Octave: N − 1); X_norm = (X − mu) ./ sigma
    X = np.array([[1.0, 10.0], [2.0, 20.0], [3.0, 60.0]])
    scaler = Scaler.fit(X, "zscore")
    np.testing.assert_allclose(scaler.shift, [2.0, 30.0])
    np.testing.assert_allclose(scaler.scale, [1.0, np.std([10, 20, 60], ddof=1)])
    np.testing.assert_allclose(scaler.transform(X)[:, 0], [-1.0, 0.0, 1.0])
    Z = scaler.transform(X)
    np.testing.assert_allclose(Z.mean(axis=0), 0.0, atol=1e-12)
    np.testing.assert_allclose(Z.std(axis=0, ddof=1), 1.0)


def test_minmax_maps_onto_zero_one():
    X = np.array([[1.0, -5.0], [3.0, 5.0], [2.0, 0.0]])
    Z = Scaler.fit(X, "minmax").transform(X)
    np.testing.assert_allclose(Z, [[0.0, 0.0], [1.0, 1.0], [0.5, 0.5]])


def test_none_is_the_identity():
    X = np.array([[1.0, -5.0], [3.0, 5.0]])
    np.testing.assert_array_equal(Scaler.fit(X, "none").transform(X), X)


@pytest.mark.parametrize("kind", ["zscore", "minmax"])
def test_constant_column_divides_by_one(kind):
    X = np.array([[7.0, 1.0], [7.0, 2.0], [7.0, 4.0]])
    scaler = Scaler.fit(X, kind)
    Z = scaler.transform(X)
    assert np.isfinite(Z).all()
    np.testing.assert_array_equal(Z[:, 0], 0.0)
    assert scaler.scale[0] == 1.0


def test_single_example_zscore_does_not_divide_by_zero():
    scaler = Scaler.fit(np.array([[3.0, 4.0]]), "zscore")
    np.testing.assert_array_equal(scaler.transform([[3.0, 4.0]]), [[0.0, 0.0]])


@settings(max_examples=200, deadline=None)
@given(X=hnp.arrays(np.float64, hnp.array_shapes(min_dims=2, max_dims=2, min_side=1, max_side=6),
                    elements=st.floats(-1e6, 1e6)),
       kind=st.sampled_from(["zscore", "minmax", "none"]))
def test_inverse_transform_undoes_transform_and_dict_round_trips(X, kind):
    scaler = Scaler.fit(X, kind)
    Z = scaler.transform(X)
    assert np.isfinite(Z).all()
    np.testing.assert_allclose(scaler.inverse_transform(Z), X, rtol=1e-9, atol=1e-6)
    again = Scaler.from_dict(json.loads(json.dumps(scaler.to_dict())))
    assert again.kind == kind
    np.testing.assert_array_equal(again.transform(X), Z)


def test_apply_scales_a_dataset_and_keeps_the_rest():
    data = load_builtin("iris")
    scaled = Scaler.fit(data.X, "minmax").apply(data)
    assert scaled.X.min() == 0.0 and scaled.X.max() == 1.0
    np.testing.assert_array_equal(scaled.y, data.y)
    assert scaled.class_names == data.class_names and scaled.source == data.source


def test_to_dict_is_plain_json():
    data = Scaler.fit(np.array([[1.0, 2.0], [3.0, 5.0]]), "zscore").to_dict()
    assert json.loads(json.dumps(data)) == data
    assert set(data) == {"kind", "shift", "scale"} and isinstance(data["shift"], list)


@pytest.mark.parametrize("bad, message", [
    ({"kind": "zscore", "shift": [0.0]}, "a scaler needs exactly the keys kind, shift and scale"),
    ({"kind": "log", "shift": [0.0], "scale": [1.0]}, "unknown scaling 'log'; choose one of zscore, minmax, none"),
    ({"kind": "zscore", "shift": [0.0], "scale": [0.0]}, "scaler parameters must be finite numbers and no scale may be 0"),
    ({"kind": "zscore", "shift": [0.0], "scale": [float("nan")]},
     "scaler parameters must be finite numbers and no scale may be 0"),
    ({"kind": "zscore", "shift": [0.0, 1.0], "scale": [1.0]}, "scaler has 2 shifts but 1 scales"),
    ({"kind": "zscore", "shift": ["a"], "scale": [1.0]}, "scaler parameters must be lists of numbers"),
    ([1, 2], "a scaler needs exactly the keys kind, shift and scale"),
])
def test_from_dict_rejects_malformed_parameters(bad, message):
    with pytest.raises(DatasetError, match=message.replace("(", r"\(")):
        Scaler.from_dict(bad)


def test_wrong_feature_count_and_bad_fits():
    scaler = Scaler.fit(np.ones((3, 2)), "zscore")
    with pytest.raises(DatasetError, match="fitted on 2 features; got an array of shape"):
        scaler.transform(np.ones((3, 3)))
    with pytest.raises(DatasetError, match="unknown scaling 'zz'"):
        Scaler.fit(np.ones((3, 2)), "zz")
    with pytest.raises(DatasetError, match="cannot fit a scaler on an array of shape"):
        Scaler.fit(np.ones((0, 2)), "zscore")
    with pytest.raises(DatasetError, match="not all finite"):
        Scaler.fit(np.array([[1.0], [np.inf]]), "minmax")


# ---------------------------------------------------------------- split

def test_default_split_is_stratified_80_20():
    data = load_builtin("iris")
    parts = split(data)
    assert isinstance(parts, Splits) and parts.test is None
    assert (parts.train.m, parts.validation.m) == (120, 30)
    assert np.bincount(parts.train.y).tolist() == [40, 40, 40]
    assert np.bincount(parts.validation.y).tolist() == [10, 10, 10]
    assert parts.train.name == "Iris (train)" and parts.validation.class_names == data.class_names


def test_three_way_split_partitions_the_rows():
    data = dataset_with_classes([30, 50, 20])
    parts = split(data, train=0.6, validation=0.2, test=0.2, seed=4)
    ids = [part.X[:, 0].astype(int) for part in (parts.train, parts.validation, parts.test)]
    assert sorted(np.concatenate(ids).tolist()) == list(range(100))
    assert [len(i) for i in ids] == [60, 20, 20]
    for part in (parts.train, parts.validation, parts.test):
        np.testing.assert_array_equal(part.y, data.y[part.X[:, 0].astype(int)])  # rows intact


def test_split_is_deterministic_from_the_seed_and_shuffled():
    data = dataset_with_classes([40, 40])
    a, b, c = split(data, seed=7), split(data, seed=7), split(data, seed=8)
    np.testing.assert_array_equal(a.train.X, b.train.X)
    assert not np.array_equal(a.train.X, c.train.X)
    assert not np.all(np.diff(a.train.X[:, 0]) > 0)


def test_a_class_with_one_example_stays_in_training():
    parts = split(dataset_with_classes([1, 20]), train=0.5, validation=0.5)
    assert 0 in parts.train.y and 0 not in parts.validation.y


def test_a_class_with_no_examples_is_an_error():
    data = dataset_with_classes([5, 5, 5])
    without_c1 = data.subset(np.flatnonzero(data.y != 1), name="subset")
    with pytest.raises(DatasetError) as caught:
        split(without_c1)
    assert str(caught.value) == ("class 'c1' has no examples in subset, so the training set would not "
                                 "contain it; every class needs at least one example")


@pytest.mark.parametrize("fractions, message", [
    ({"train": 0.5, "validation": 0.2}, "the fractions must add up to 1; train 0.5 + validation 0.2 + test 0 = 0.7"),
    ({"train": 0.0, "validation": 1.0}, "the training fraction must be more than 0"),
    ({"train": 1.2, "validation": -0.2}, "the train fraction must be a number between 0 and 1; got 1.2"),
    ({"train": 0.8, "validation": "0.2"}, "the validation fraction must be a number between 0 and 1; got '0.2'"),
    ({"train": 0.8, "validation": 0.2, "test": float("nan")},
     "the test fraction must be a number between 0 and 1; got nan"),
    ({"train": 0.99, "validation": 0.01}, "a validation fraction of 0.01 of 20 examples gives no validation "
                                          "examples; use a larger fraction or 0"),
])
def test_bad_fractions_are_explained(fractions, message):
    with pytest.raises(DatasetError) as caught:
        split(dataset_with_classes([10, 10]), **fractions)
    assert str(caught.value) == message


def test_fractions_may_miss_one_by_rounding_error():
    parts = split(dataset_with_classes([10, 10]), train=0.7, validation=0.1, test=0.2)
    assert parts.train.m + parts.validation.m + parts.test.m == 20


def test_all_training():
    parts = split(dataset_with_classes([3, 4]), train=1.0, validation=0.0)
    assert parts.train.m == 7 and parts.validation is None and parts.test is None


@settings(max_examples=200, deadline=None)
@given(sizes=st.lists(st.integers(1, 40), min_size=2, max_size=6),
       held_out=st.integers(0, 19).flatmap(lambda v: st.tuples(st.just(v), st.integers(0, 19 - v))),
       seed=st.integers(0, 2**32))
def test_split_properties(sizes, held_out, seed):
    validation, test = held_out[0] / 20, held_out[1] / 20
    train = 1.0 - validation - test
    data = dataset_with_classes(sizes)
    try:
        parts = split(data, train=train, validation=validation, test=test, seed=seed)
    except DatasetError as error:
        assert "gives no" in str(error)
        return
    sets = [p for p in (parts.train, parts.validation, parts.test) if p is not None]
    ids = np.concatenate([p.X[:, 0] for p in sets]).astype(int)
    assert sorted(ids.tolist()) == list(range(data.m))                  # a partition
    assert set(parts.train.y.tolist()) == set(range(len(sizes)))         # every class trains
    for part, fraction in ((parts.validation, validation), (parts.test, test)):
        if part is None:
            assert fraction == 0
        else:  # near the asked size; only tiny classes keeping their last example pull it down
            assert abs(part.m - fraction * data.m) <= len(sizes) + 1


@pytest.mark.parametrize("seed", [-1, 1.5, "0", True])
def test_bad_seed_is_explained(seed):
    with pytest.raises(DatasetError, match="the split seed must be a whole number"):
        split(dataset_with_classes([5, 5]), seed=seed)


def test_scalers_match_when_they_scale_alike():
    X = np.random.default_rng(0).normal(size=(30, 3))
    fitted = Scaler.fit(X, "zscore")
    assert fitted.matches(Scaler.from_dict(fitted.to_dict()))
    assert not fitted.matches(Scaler.fit(X[:20], "zscore"))  # fitted on other data
    assert not fitted.matches(Scaler.fit(X, "minmax"))
    assert not fitted.matches(Scaler.fit(X[:, :2], "zscore"))
