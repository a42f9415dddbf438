"""Datasets from MAT-files in the course's layout (ex4data1.mat: X m × n, y m × 1 labels 1..K)."""
import hashlib
import json
import zipfile

import numpy as np
import pytest
import scipy.io
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bp_desktop.data import DatasetError, load_csv, make_dataset
from bp_desktop.io import load_dataset, load_mat_dataset
from bp_desktop.workbench.sessions import load_session, save_session
from bp_desktop.training import TrainingRun
from bp_desktop.training.workspace import DataPreparation, NetworkSpec, Workspace

from .helpers import damage_cuts, damage_flips, damaged, write_course_mat


def refused(path, *fragments, **options):
    """Loading fails with a DatasetError naming the file and saying every fragment."""
    with pytest.raises(DatasetError) as caught:
        load_mat_dataset(path, **options)
    message = str(caught.value)
    assert message.startswith(path.name + ":") or message.startswith(path.name + ","), message
    for fragment in fragments:
        assert fragment in message, message
    return message


# --- the course's layout -----------------------------------------------------------------------
@pytest.mark.parametrize("compress", [False, True])
def test_course_layout_labels_one_to_ten_with_ten_last(tmp_path, compress):
    path = tmp_path / "ex4data1.mat"
    X, labels = write_course_mat(path, m=50, compress=compress)
    data = load_mat_dataset(path)
    assert data.class_names == [str(k) for k in range(1, 11)]  # numeric order: "10" last
    np.testing.assert_array_equal(data.y, labels.astype(int) - 1)  # label k is class k − 1
    np.testing.assert_array_equal(data.X, X)
    assert data.feature_names == [f"x{j}" for j in range(1, 401)]
    assert data.image_shape == (20, 20) and data.image_order == "F"
    assert data.name == "ex4data1" and data.source == str(path.absolute())
    assert data.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()


def test_labels_as_a_row_or_as_integers_give_the_same_dataset(tmp_path):
    write_course_mat(tmp_path / "column.mat", seed=3)
    write_course_mat(tmp_path / "row.mat", seed=3, row_labels=True)
    X, labels = write_course_mat(tmp_path / "tmp.mat", seed=3)
    scipy.io.savemat(tmp_path / "int.mat", {"X": X, "y": labels.astype(np.int32).reshape(-1, 1)})
    scipy.io.savemat(tmp_path / "uint8.mat", {"X": X, "y": labels.astype(np.uint8).reshape(-1, 1)})
    reference = load_mat_dataset(tmp_path / "column.mat")
    for name in ("row.mat", "int.mat", "uint8.mat"):
        other = load_mat_dataset(tmp_path / name)
        assert other.class_names == reference.class_names
        np.testing.assert_array_equal(other.y, reference.y)
        np.testing.assert_array_equal(other.X, reference.X)


def test_classes_are_ordered_exactly_as_a_csv_label_column_orders_them(tmp_path):
    labels = np.array([10, -1, 2, 0, 10, 2, 7, 0, -1, 100], dtype=np.float64)
    X = np.arange(20.0).reshape(10, 2)
    scipy.io.savemat(tmp_path / "d.mat", {"X": X, "y": labels.reshape(-1, 1)})
    (tmp_path / "d.csv").write_text("".join(f"{a},{b},{int(c)}\n" for (a, b), c in zip(X, labels)))
    from_mat, from_csv = load_mat_dataset(tmp_path / "d.mat"), load_csv(tmp_path / "d.csv")
    assert from_mat.class_names == from_csv.class_names == ["-1", "0", "2", "7", "10", "100"]
    np.testing.assert_array_equal(from_mat.y, from_csv.y)


def test_rows_are_column_major_images(tmp_path):
    """MATLAB's X(i, :) = img(:)': pixel k is at row k mod r, column k div r."""
    image = np.arange(64.0).reshape(8, 8)            # image[r, c] = 8 r + c
    X = np.vstack([image.ravel(order="F"), image.T.ravel(order="F")])
    scipy.io.savemat(tmp_path / "img.mat", {"X": X, "y": np.array([[1.0], [2.0]])})
    data = load_mat_dataset(tmp_path / "img.mat")
    assert data.image_shape == (8, 8) and data.image_order == "F"
    np.testing.assert_array_equal(data.X[0].reshape(data.image_shape, order=data.image_order), image)
    assert data.X[0, 1] == image[1, 0]  # pixel 1 is below pixel 0


@pytest.mark.parametrize("n, shape", [(5, None), (63, None), (100, (10, 10)), (399, None)])
def test_only_square_feature_counts_from_64_on_are_images(tmp_path, n, shape):
    write_course_mat(tmp_path / "d.mat", m=12, n=n, K=3)
    data = load_mat_dataset(tmp_path / "d.mat")
    assert data.image_shape == shape and data.image_order == ("F" if shape else "C")


def test_other_variable_names(tmp_path):
    X, labels = np.eye(4), np.array([[1.0], [2.0], [1.0], [2.0]])
    scipy.io.savemat(tmp_path / "d.mat", {"features": X, "classes": labels, "extra": np.ones(3)})
    data = load_mat_dataset(tmp_path / "d.mat", x_name="features", y_name="classes")
    assert data.m == 4 and data.class_names == ["1", "2"]


def test_image_order_survives_subsets_scaling_and_sessions(tmp_path):
    path = tmp_path / "digits.mat"
    write_course_mat(path, m=40, n=64)
    data = load_mat_dataset(path)
    assert data.subset(np.arange(5)).image_order == "F"
    assert data.with_features(data.X * 2).image_order == "F"
    ws = Workspace(data, DataPreparation(validation=0.25, seed=1), NetworkSpec(hidden=(3,), seed=1))
    assert ws.train.image_order == "F"
    run = TrainingRun(ws.new_network(), ws.X_train, ws.Y_train)
    run.step()
    for embed_limit in (None, 0):  # embedded, and referenced by path (as ex4data1.mat would be)
        session_path = tmp_path / f"run{embed_limit}.bpsession"
        options = {} if embed_limit is None else {"embed_limit": embed_limit}
        save_session(session_path, run, ws, **options)
        session = load_session(session_path)
        assert session.dataset_embedded == (embed_limit is None)
        assert session.dataset.image_order == "F" and session.dataset.image_shape == (8, 8)


def test_a_session_from_before_image_order_opens_as_row_major(tmp_path):
    data = make_dataset(np.eye(4), np.array([0, 1, 0, 1]), class_names=["a", "b"],
                        feature_names=["p", "q", "r", "s"], source="x", name="x")
    ws = Workspace(data, DataPreparation(validation=0.0), NetworkSpec(hidden=(2,)))
    path = tmp_path / "old.bpsession"
    save_session(path, TrainingRun(ws.new_network(), ws.X_train, ws.Y_train), ws)
    rewritten = tmp_path / "older.bpsession"
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(rewritten, "w") as target:
        for item in source.infolist():
            content = source.read(item)
            if item.filename == "session.json":
                document = json.loads(content)
                assert document["dataset"].pop("image_order") == "C"
                content = json.dumps(document)
            target.writestr(item, content)
    assert load_session(rewritten).dataset.image_order == "C"


def test_image_order_is_checked():
    with pytest.raises(DatasetError, match="image_order"):
        make_dataset(np.eye(4), np.array([0, 1, 0, 1]), class_names=["a", "b"],
                     feature_names=list("pqrs"), source="x", name="x", image_order="A")


# --- load_dataset: the one suffix dispatch ---------------------------------------------------------
def test_load_dataset_picks_the_loader_by_suffix(tmp_path):
    write_course_mat(tmp_path / "d.MAT", m=20, n=4, K=2)
    assert load_dataset(tmp_path / "d.MAT").n == 4
    (tmp_path / "d.csv").write_text("1,2,a\n3,4,b\n")
    assert load_dataset(tmp_path / "d.csv").class_names == ["a", "b"]
    with pytest.raises(DatasetError, match="d.MAT: a label column applies to CSV files"):
        load_dataset(tmp_path / "d.MAT", label_column=0)


def test_progress_is_reported_up_to_one(tmp_path):
    write_course_mat(tmp_path / "d.mat", m=20, n=4, K=2)
    seen = []
    load_dataset(tmp_path / "d.mat", progress=seen.append)
    assert seen[0] == 0.0 and seen[-1] == 1.0 and seen == sorted(seen)


# --- what is wrong, said with the file's name ----------------------------------------------------
def test_missing_variables_are_named_with_the_ones_the_file_has(tmp_path):
    path = tmp_path / "d.mat"
    scipy.io.savemat(path, {"X": np.eye(3), "labels": np.ones((3, 1))})
    refused(path, "has no variable y", "X (3×3)", "labels (3×1)")
    refused(path, "has no variable Z", x_name="Z")


@pytest.mark.parametrize("variables, fragments", [
    ({"X": np.eye(4), "y": np.array([[1.0], [2.0], [1.0]])}, ["y is 3×1", "4 × 1 (or 1 × 4)"]),
    ({"X": np.eye(4), "y": np.ones((4, 2))}, ["y is 4×2"]),
    ({"X": np.zeros((2, 2, 2)), "y": np.array([[1.0], [2.0]])}, ["X is 2×2×2", "matrix"]),
    ({"X": np.zeros((0, 3)), "y": np.zeros((0, 1))}, ["X is 0×3", "no examples"]),
    ({"X": "text", "y": np.array([[1.0]])}, ["X is text"]),
    ({"X": np.array([[1.0, 2.0], [3.0, np.nan]]), "y": np.array([[1.0], [2.0]])},
     ["X(2, 2) is NaN", "finite"]),
    ({"X": np.array([[1.0, -np.inf], [3.0, 4.0]]), "y": np.array([[1.0], [2.0]])}, ["X(1, 2) is -Inf"]),
    ({"X": np.eye(3), "y": np.array([[1.0], [2.5], [1.0]])}, ["y(2) is 2.5", "whole numbers"]),
    ({"X": np.eye(3), "y": np.array([[1.0], [2.0], [np.nan]])}, ["y(3) is NaN", "whole numbers"]),
    ({"X": np.eye(3), "y": np.array([[7.0], [7.0], [7.0]])}, ["variable y", "at least two classes"]),
    ({"X": np.eye(2), "y": np.array([[1.0], [2.0]]), "s": {"a": 1.0}}, ["variable s is a struct"]),
])
def test_unusable_contents_are_explained(tmp_path, variables, fragments):
    path = tmp_path / "bad.mat"
    scipy.io.savemat(path, variables)
    refused(path, *fragments)


def test_files_that_are_not_level_5_mat_files_get_a_hint(tmp_path):
    path = tmp_path / "d.mat"
    path.write_bytes(b"")
    refused(path, "the file is empty")
    path.write_bytes(b"# Created by Octave 8.4.0\n# name: X\n# type: matrix\n")
    refused(path, "Octave text file", "save -v6")
    header = b"MATLAB 7.3 MAT-file".ljust(124) + b"\x00\x02IM"
    path.write_bytes(header + b"\0" * 400 + b"\x89HDF\r\n\x1a\n" + b"\0" * 100)
    refused(path, "v7.3 (HDF5)", "-v7")
    path.write_bytes(b"x1,x2,label\n1,2,a\n")
    refused(path, "not a MAT-file", "save -v6")
    refused(tmp_path / "missing.mat", "cannot read the file")


def test_files_over_the_limit_are_refused_before_reading(tmp_path):
    path = tmp_path / "d.mat"
    write_course_mat(path, m=10, n=4, K=2)
    refused(path, "more than the limit", max_bytes=100)


# --- hostile bytes: a DatasetError and nothing else -------------------------------------------------
def loads_or_refuses(path):
    try:
        load_mat_dataset(path)
    except DatasetError as error:
        assert str(error).startswith(path.name)


@pytest.fixture(scope="module")
def valid_bytes(tmp_path_factory):
    folder = tmp_path_factory.mktemp("valid")
    write_course_mat(folder / "v.mat", m=6, n=4, K=3, compress=False)
    write_course_mat(folder / "c.mat", m=6, n=4, K=3, compress=True)
    return [(folder / "v.mat").read_bytes(), (folder / "c.mat").read_bytes()]


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.binary(max_size=600))
def test_random_bytes_are_refused_cleanly(tmp_path, data):
    path = tmp_path / "random.mat"
    path.write_bytes(data)
    loads_or_refuses(path)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(which=st.integers(0, 1), cut=damage_cuts, flips=damage_flips)
def test_truncated_or_corrupted_files_are_refused_cleanly(tmp_path, valid_bytes, which, cut, flips):
    path = tmp_path / "damaged.mat"
    path.write_bytes(damaged(valid_bytes[which], cut, flips))
    loads_or_refuses(path)
