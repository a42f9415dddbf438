"""Whatever a file holds, loading it either works or raises WeightsFileError naming the file."""
import functools
import io
import json
import pickle
import tempfile
import zipfile
from pathlib import Path

import numpy as np
import pytest
import scipy.io
import scipy.sparse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bp_desktop.core import Network
from bp_desktop.io import WeightsFileError, load_weights, save_weights
from bp_desktop.io import weights as weights_module

from .helpers import FILE_NAMES, FORMATS, networks

FILE_FORMATS = [fmt for fmt in FORMATS if fmt != "csv-folder"]
SMALL = Network([2, 3, 2], seed=11)


def load_fails(path, *fragments):
    """Load, expect WeightsFileError naming the file and saying each fragment."""
    with pytest.raises(WeightsFileError) as caught:
        load_weights(path)
    message = str(caught.value)
    assert str(path) in message
    for fragment in fragments:
        assert fragment in message, message
    return message


def loads_or_refuses(path):
    """The property: success, or WeightsFileError; any other exception fails the test."""
    try:
        load_weights(path)
    except WeightsFileError as error:
        assert str(path) in str(error)


def valid_files(fmt, network=SMALL, metadata=None):
    """File name -> bytes of a valid save (one entry, or one per file of a CSV folder)."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / FILE_NAMES[fmt]
        save_weights(network, path, metadata=metadata)
        if path.is_dir():
            return {p.name: p.read_bytes() for p in path.iterdir()}
        return {path.name: path.read_bytes()}


@functools.lru_cache(maxsize=None)
def small_files(fmt):
    return valid_files(fmt)


def write_files(folder: Path, fmt, files: dict) -> Path:
    path = folder / FILE_NAMES[fmt]
    if fmt == "csv-folder":
        path.mkdir()
        for name, content in files.items():
            (path / name).write_bytes(content)
    else:
        path.write_bytes(next(iter(files.values())))
    return path


# --- properties ---------------------------------------------------------------------------
@pytest.mark.parametrize("fmt", FORMATS)
@settings(max_examples=150, deadline=None)
@given(data=st.binary(max_size=2000))
def test_random_bytes_never_raise_anything_but_weights_file_error(fmt, data):
    with tempfile.TemporaryDirectory() as folder:
        if fmt == "csv-folder":
            path = write_files(Path(folder), fmt, {"Theta1.csv": data, "manifest.json": data})
        else:
            path = write_files(Path(folder), fmt, {"file": data})
        loads_or_refuses(path)


@pytest.mark.parametrize("fmt", FORMATS)
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_truncated_valid_files_are_refused(fmt, data):
    files = valid_files(fmt, data.draw(networks(), label="network"))
    name = data.draw(st.sampled_from(sorted(files)), label="file")
    # Trailing white space is not content: a JSON file without its final newline is whole.
    content = files[name].rstrip() if name.endswith(".json") else files[name]
    cut = data.draw(st.integers(0, len(content) - 1), label="cut")
    with tempfile.TemporaryDirectory() as folder:
        path = write_files(Path(folder), fmt, {**files, name: content[:cut]})
        with pytest.raises(WeightsFileError):
            load_weights(path)


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_prefix_of_a_small_file_is_refused(fmt, tmp_path):
    files = valid_files(fmt, Network([1, 1], seed=0))
    for name, content in files.items():
        whole = content.rstrip() if name.endswith(".json") else content
        for cut in range(len(whole)):
            folder = tmp_path / f"{name}-{cut}"
            folder.mkdir()
            path = write_files(folder, fmt, {**files, name: whole[:cut]})
            with pytest.raises(WeightsFileError):
                load_weights(path)


@pytest.mark.parametrize("fmt", FORMATS)
@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_corrupted_bytes_in_valid_files_load_or_are_refused(fmt, data):
    files = small_files(fmt)
    name = data.draw(st.sampled_from(sorted(files)), label="file")
    content = bytearray(files[name])
    positions = data.draw(st.lists(st.integers(0, len(content) - 1), min_size=1, max_size=8))
    for position in positions:
        content[position] = data.draw(st.integers(0, 255))
    with tempfile.TemporaryDirectory() as folder:
        loads_or_refuses(write_files(Path(folder), fmt, {**files, name: bytes(content)}))


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_missing_file_or_folder_is_a_weights_file_error(fmt, tmp_path):
    load_fails(tmp_path / FILE_NAMES[fmt])


@pytest.mark.parametrize("fmt", FILE_FORMATS)
def test_an_empty_file_is_refused(fmt, tmp_path):
    path = tmp_path / FILE_NAMES[fmt]
    path.write_bytes(b"")
    load_fails(path, "empty")


def test_unknown_suffixes_are_refused(tmp_path):
    load_fails(tmp_path / "weights.h5", "unknown weights format '.h5'")
    load_fails(tmp_path / "weights.csv", "folder or a .zip")


# --- .mat -----------------------------------------------------------------------------------
T1, T2 = SMALL.thetas


def savemat(tmp_path, variables, **options):
    path = tmp_path / "bad.mat"
    scipy.io.savemat(path, variables, **options)
    return path


MAT_CASES = {
    "unknown variable": ({"Theta1": T1, "Theta2": T2, "X": np.ones((2, 2))}, "unknown variable(s) X"),
    "no Theta": ({"nn_params": np.ones((9, 1))}, "no Theta1"),
    "a data file": ({"X": np.ones((2, 2)), "y": np.ones((2, 1))}, "unknown variable(s) X, y"),
    "lower-case name": ({"theta1": T1}, "unknown variable(s) theta1"),
    "numbering gap": ({"Theta1": T1, "Theta3": T2}, "gap: found Theta1, Theta3 but not Theta2"),
    "no Theta1": ({"Theta2": T2}, "not Theta1"),
    "shapes do not chain": ({"Theta1": T1, "Theta2": np.ones((2, 3))}, "do not chain"),
    "nan": ({"Theta1": np.where(T1 > 0, np.nan, T1)}, "non-finite"),
    "inf": ({"Theta1": T1, "Theta2": np.full_like(T2, np.inf)}, "Theta2 holds a non-finite value"),
    "complex": ({"Theta1": T1 * 1j}, "complex numbers"),
    "text": ({"Theta1": "weights"}, "text"),
    "cell array": ({"Theta1": np.array([[1.0, "a"]], dtype=object)}, "cell array"),
    "struct": ({"Theta1": {"a": 1.0}}, "struct"),
    "sparse": ({"Theta1": scipy.sparse.csc_matrix(T1)}, "sparse matrix"),
    "empty": ({"Theta1": np.zeros((0, 0))}, "shape 0×0"),
    "no input column": ({"Theta1": np.ones((2, 1))}, "shape 2×1"),
    "three dimensions": ({"Theta1": np.ones((2, 3, 4))}, "2-D"),
    "nn_params disagrees": ({"Theta1": T1, "Theta2": T2,
                             "nn_params": np.concatenate([T2.ravel("F"), T1.ravel("F")])[:, None]},
                            "nn_params disagrees"),
    "nn_params too short": ({"Theta1": T1, "nn_params": np.ones((3, 1))}, "nn_params has 3"),
    "nn_params matrix": ({"Theta1": T1, "nn_params": np.ones((3, 3))}, "nn_params must be"),
    "layer_sizes disagree": ({"Theta1": T1, "Theta2": T2, "layer_sizes": np.array([[2, 4, 2]])},
                             "layer_sizes says [2, 4, 2]"),
    "layer_sizes fractional": ({"Theta1": T1, "layer_sizes": np.array([[2.5, 3]])}, "whole numbers"),
    "unknown activation": ({"Theta1": T1, "hidden_activation": "softmax"}, "'softmax'"),
    "empty activation": ({"Theta1": T1, "hidden_activation": ""}, "unknown hidden activation ''"),
    "numeric activation": ({"Theta1": T1, "hidden_activation": np.ones((1, 1))}, "one row of text"),
}


@pytest.mark.parametrize("case", sorted(MAT_CASES))
def test_bad_mat_files_are_refused(case, tmp_path):
    variables, fragment = MAT_CASES[case]
    load_fails(savemat(tmp_path, variables), fragment)


def complete_mat(tmp_path, **changes):
    """A valid bp-desktop .mat, with some variables replaced (None deletes one)."""
    save_weights(SMALL, tmp_path / "good.mat", metadata={"class_names": ["a", "b"]})
    variables = {k: v for k, v in scipy.io.loadmat(tmp_path / "good.mat").items()
                 if not k.startswith("__")}
    variables["hidden_activation"] = str(variables["hidden_activation"][0])
    variables["metadata_json"] = str(variables["metadata_json"][0])
    for name, value in changes.items():
        if value is None:
            del variables[name]
        else:
            variables[name] = value
    return savemat(tmp_path, variables)


@pytest.mark.parametrize("changes, fragment", [
    ({"nn_params": None}, "lacks nn_params"),
    ({"layer_sizes": None, "hidden_activation": None}, "lacks layer_sizes, hidden_activation"),
    ({"metadata_json": "{not json"}, "metadata_json is not valid JSON"),
    ({"metadata_json": '{"final_cost": NaN}'}, "NaN"),
    ({"metadata_json": '{"a": 1, "a": 2}'}, "duplicate key 'a'"),
    ({"metadata_json": "[1, 2]"}, "metadata must be a JSON object"),
    ({"metadata_json": '{"class_names": ["only one"]}'}, "'class_names' must be a list of 2"),
    ({"metadata_json": '{"hidden_activation": "relu"}'}, "but the metadata says 'relu'"),
    ({"metadata_json": '{"layer_sizes": [2, 2]}'}, "'layer_sizes' must be the network's"),
    ({"metadata_json": '{"iteration": -1}'}, "'iteration' must be a whole number"),
    ({"metadata_json": '{"final_cost": "low"}'}, "'final_cost' must be a finite number"),
    ({"metadata_json": '{"dataset": {"sha256": "abc"}}'}, "sha256 must be 64"),
    ({"metadata_json": '{"scaling": [1]}'}, "'scaling' must be a JSON object or null"),
    ({"metadata_json": np.ones((1, 2))}, "metadata_json must be one row of text"),
])
def test_bp_desktop_mat_files_must_be_complete_and_consistent(changes, fragment, tmp_path):
    load_fails(complete_mat(tmp_path, **changes), fragment)


def test_octave_text_files_get_a_hint(tmp_path):
    path = tmp_path / "w.mat"
    path.write_text("# Created by Octave 8.4.0\n# name: Theta1\n# type: matrix\n")
    load_fails(path, "Octave text file", "save -v7")


def test_matlab_v73_hdf5_files_get_a_hint(tmp_path):
    path = tmp_path / "w.mat"
    header = b"MATLAB 7.3 MAT-file, Platform: GLNXA64, Created on: Mon Jan  1 2024 HDF5 schema 1.00 ."
    path.write_bytes(header.ljust(116) + b"\0" * 8 + b"\x00\x02IM" + b"\0" * 384 + b"\x89HDF\r\n\x1a\n")
    load_fails(path, "v7.3")


def test_duplicate_variables_are_refused(tmp_path):
    one = io.BytesIO()
    scipy.io.savemat(one, {"Theta1": T1})
    # a second copy of the Theta1 element after the first: scipy would warn and keep the last
    element = one.getvalue()[128:]
    path = tmp_path / "w.mat"
    path.write_bytes(one.getvalue() + element)
    load_fails(path, "appears twice")


def test_integer_theta_loads_as_float64(tmp_path):
    network, _ = load_weights(savemat(tmp_path, {"Theta1": np.arange(6, dtype=np.int32).reshape(2, 3)}))
    assert network.thetas[0].dtype == np.float64
    assert network.thetas[0].tolist() == [[0, 1, 2], [3, 4, 5]]


# --- .npz -------------------------------------------------------------------------------
EXECUTED = []


class Trap:
    """Unpickling this would run EXECUTED.append: a stand-in for any code in a pickle."""

    def __reduce__(self):
        return EXECUTED.append, ("unpickled!",)


def test_npz_with_a_pickled_object_array_is_refused_and_never_unpickled(tmp_path):
    path = tmp_path / "w.npz"
    np.savez(path, Theta1=np.array([[Trap(), Trap()]], dtype=object))
    EXECUTED.clear()
    load_fails(path, "Python objects", "never unpickled")
    assert EXECUTED == []


def test_a_pickle_named_npz_is_refused_and_never_unpickled(tmp_path):
    path = tmp_path / "w.npz"
    path.write_bytes(pickle.dumps({"Theta1": Trap()}))
    EXECUTED.clear()
    load_fails(path)
    assert EXECUTED == []


def test_a_pickled_metadata_array_is_refused(tmp_path):
    path = tmp_path / "w.npz"
    np.savez(path, Theta1=T1, metadata=np.array(Trap(), dtype=object))
    EXECUTED.clear()
    load_fails(path, "metadata.npy", "never unpickled")
    assert EXECUTED == []


def npz(tmp_path, members):
    path = tmp_path / "w.npz"
    with zipfile.ZipFile(path, "w") as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return path


def npy_header(shape, dtype=np.dtype(np.float64)):
    """The header of a .npy file declaring an array it does not hold."""
    stream = io.BytesIO()
    np.lib.format.write_array_header_1_0(stream, {"descr": np.lib.format.dtype_to_descr(dtype),
                                                  "fortran_order": False, "shape": shape})
    return stream.getvalue()


def npy_bytes(array):
    stream = io.BytesIO()
    np.save(stream, array)
    return stream.getvalue()


@pytest.mark.parametrize("members, fragment", [
    ({"Theta1.npy": npy_bytes(T1), "X.npy": npy_bytes(T1)}, "unknown array(s) X"),
    ({"Theta2.npy": npy_bytes(T2)}, "not Theta1"),
    ({"Theta1.npy": npy_bytes(T1), "notes.txt": b"hello"}, "'notes.txt' is not one array"),
    ({"Theta1.npy": npy_bytes(T1 * 1j)}, "complex"),
    ({"Theta1.npy": npy_bytes(np.array([["a", "b"]]))}, "text"),
    ({"Theta1.npy": npy_bytes(T1), "metadata.npy": npy_bytes(np.array(["{", "}"]))}, "one string"),
    ({"Theta1.npy": npy_bytes(T1), "metadata.npy": npy_bytes(np.array("{oops"))}, "not valid JSON"),
    ({"Theta1.npy": npy_bytes(T1), "metadata.npy": npy_bytes(np.array('{"iteration": 1.5}'))},
     "'iteration'"),
    ({"Theta1.npy": npy_bytes(T1)[:-8]}, "truncated"),
    ({"Theta1.npy": npy_header((10**6, 10**6)) + b"\0" * 64}, "truncated"),
    ({"Theta1.npy": npy_header((3, 3), np.dtype("O"))}, "never unpickled"),
    ({"Theta1.npy": b"\x93NUMPY\x09\x00" + b"x" * 100}, "corrupt"),
])
def test_bad_npz_archives_are_refused(members, fragment, tmp_path):
    load_fails(npz(tmp_path, members), fragment)


def test_npz_of_thetas_alone_loads(tmp_path):
    np.savez(tmp_path / "w.npz", Theta1=T1, Theta2=T2)
    network, metadata = load_weights(tmp_path / "w.npz")
    assert network.layer_sizes == (2, 3, 2) and metadata["hidden_activation"] == "sigmoid"


def test_a_plain_npy_named_npz_is_refused(tmp_path):
    (tmp_path / "w.npz").write_bytes(npy_bytes(T1))
    load_fails(tmp_path / "w.npz", "not a readable .npz archive")


# --- .json ------------------------------------------------------------------------------
def good_document():
    return json.loads(next(iter(valid_files("json", metadata={"iteration": 4}).values())))


def write_json(tmp_path, document, raw=None):
    path = tmp_path / "w.json"
    path.write_bytes(raw if raw is not None else json.dumps(document).encode())
    return path


def changed(**changes):
    document = good_document()
    for key, value in changes.items():
        if value is None:
            del document[key]
        else:
            document[key] = value
    return document


@pytest.mark.parametrize("document, fragment", [
    ([1, 2, 3], "must hold a JSON object"),
    (changed(thetas=None), "missing key(s) 'thetas'"),
    (changed(format=None), "missing key(s) 'format'"),
    (changed(extra=1), "unknown key(s) 'extra'"),
    (changed(format="keras"), '"format" must be \'bp-desktop-weights\''),
    (changed(version=2), "newer bp-desktop"),
    (changed(version="1"), '"version" must be a whole number'),
    (changed(thetas={"Theta1": 1}), "non-empty list of matrices"),
    (changed(thetas=[]), "non-empty list of matrices"),
    (changed(thetas=[[[1.0, "2"]]]), "Theta1 (thetas[0]) row 1 must be a list of numbers"),
    (changed(thetas=[[[1.0, True]]]), "row 1 must be a list of numbers"),
    (changed(thetas=[[[1.0, 2.0], [1.0]]]), "row 2 has 1 numbers; row 1 has 2"),
    (changed(thetas=[[1.0, 2.0]]), "row 1 must be a list of numbers"),
    (changed(thetas=[[[]]]), "shape 1×0"),
    (changed(thetas=[[[1.0, 2.0]], [[1.0, 2.0, 3.0]]]), "do not chain"),
    (changed(layer_sizes=[2, 2, 2]), "layer_sizes says [2, 2, 2]"),
    (changed(layer_sizes="2-3-2"), "list of whole numbers"),
    (changed(hidden_activation=3), '"hidden_activation" must be a string'),
    (changed(hidden_activation="relu"), "but the metadata says 'sigmoid'"),
    (changed(metadata="none"), "metadata must be a JSON object; got a string"),
    (changed(metadata={"feature_names": ["x"]}), "'feature_names' must be a list of 2 names"),
])
def test_json_of_the_wrong_structure_is_refused(document, fragment, tmp_path):
    load_fails(write_json(tmp_path, document), fragment)


@pytest.mark.parametrize("raw, fragment", [
    (b'{"format": "bp-desktop-weights", "version": 1, "thetas": [[[NaN, 1]]]}', "NaN"),
    (b'{"format": "bp-desktop-weights", "version": 1, "thetas": [[[-Infinity, 1]]]}', "-Infinity"),
    (b'{"format": "bp-desktop-weights", "version": 1, "thetas": [[[1e999, 1]]]}', "non-finite"),
    (b'{"format": "bp-desktop-weights", "version": 1, "thetas": [[[1' + b"0" * 400 + b', 1]]]}',
     "too large"),
    (b'{"format": "x", "format": "bp-desktop-weights", "version": 1, "thetas": [[[0, 1]]]}',
     "duplicate key 'format'"),
    (b'{"format": "bp-desktop-weights",\n "version": 1,\n "thetas": [[[0, 1]]]', "line 3"),
    (b"\xff\xfe{}", "not UTF-8"),
    (b"[" * 100000 + b"]" * 100000, "nested too deeply"),
])
def test_invalid_json_text_is_refused(raw, fragment, tmp_path):
    load_fails(write_json(tmp_path, None, raw), fragment)


def test_minimal_hand_written_json_loads(tmp_path):
    raw = b'\xef\xbb\xbf{"format": "bp-desktop-weights", "version": 1, "thetas": [[[0, 1.5]]]}'
    network, metadata = load_weights(write_json(tmp_path, None, raw))
    assert network.layer_sizes == (1, 1) and network.thetas[0].tolist() == [[0.0, 1.5]]
    assert metadata == {"layer_sizes": [1, 1], "hidden_activation": "sigmoid"}


# --- CSV (folder and zip) -----------------------------------------------------------------
def csv_folder(tmp_path, **changes):
    """A valid CSV folder with some files replaced (bytes) or deleted (None)."""
    path = tmp_path / "weights"
    save_weights(SMALL, path, metadata={"class_names": ["a", "b"]})
    for name, content in changes.items():
        name = name.replace("_csv", ".csv").replace("_json", ".json")
        if content is None:
            (path / name).unlink()
        else:
            (path / name).write_bytes(content)
    return path


MANIFEST = json.loads(valid_files("csv-folder")["manifest.json"])


@pytest.mark.parametrize("changes, fragment", [
    ({"Theta1_csv": b"0.1,0.2,abc\n0,0,0\n0,0,0\n"}, "Theta1.csv, line 1, column 3: 'abc' is not a number"),
    ({"Theta1_csv": b"0.1,0.2,0.3\n0,0\n0,0,0\n"}, "Theta1.csv, line 2: 2 numbers, but line 1 has 3"),
    ({"Theta1_csv": b"0.1,0.2,0.3\n\n0,0,0\n"}, "Theta1.csv, line 2 is empty"),
    ({"Theta1_csv": b"0.1,0.2,0.3\n0,0,0\n0,0,0"}, "cut short"),
    ({"Theta1_csv": b"0.1,0.2,nan\n0,0,0\n0,0,0\n"}, "'nan' is not a number"),
    ({"Theta1_csv": b"0.1,0.2,inf\n0,0,0\n0,0,0\n"}, "'inf' is not a number"),
    ({"Theta1_csv": b"1_000,0.2,0.3\n0,0,0\n0,0,0\n"}, "'1_000' is not a number"),
    ({"Theta1_csv": b"0.1;0.2;0.3\n0;0;0\n0;0;0\n"}, "line 1, column 1"),
    ({"Theta1_csv": b"0.1,0.2,0.3\n0,0,0\n"}, "a file is missing, extra or cut short"),
    ({"Theta1_csv": b"\xff\n"}, "Theta1.csv is not UTF-8"),
    ({"Theta1_csv": b""}, "Theta1.csv is empty"),
    ({"Theta2_csv": None}, "Theta2.csv"),
    ({"Theta3_csv": b"1,2,3,4\n"}, "a file is missing, extra or cut short"),
    ({"Theta1_csv": None}, "not Theta1"),
    ({"notes.txt": b"hi"}, "unknown file(s) notes.txt"),
    ({"manifest_json": b"{"}, "manifest.json is not valid JSON"),
    ({"manifest_json": b"[]"}, "manifest.json must hold a JSON object"),
    ({"manifest_json": json.dumps({**MANIFEST, "extra": 1}).encode()}, "unknown: ['extra']"),
    ({"manifest_json": json.dumps({**MANIFEST, "format": "x"}).encode()}, "\"format\" must be"),
    ({"manifest_json": json.dumps({**MANIFEST, "version": 9}).encode()}, "version 9"),
    ({"manifest_json": json.dumps({**MANIFEST, "layer_sizes": [2, 3, 3]}).encode()}, "layer_sizes says"),
    ({"manifest_json": json.dumps({**MANIFEST, "layer_sizes": "2,3,2"}).encode()}, "whole numbers"),
    ({"manifest_json": json.dumps({**MANIFEST, "hidden_activation": None}).encode()},
     "hidden_activation must be a string"),
    ({"manifest_json": json.dumps({**MANIFEST, "metadata": []}).encode()}, "metadata must be a JSON object"),
])
def test_bad_csv_folders_are_refused(changes, fragment, tmp_path):
    load_fails(csv_folder(tmp_path, **changes), fragment)


def test_a_subfolder_in_a_csv_folder_is_refused(tmp_path):
    path = csv_folder(tmp_path)
    (path / "more").mkdir()
    load_fails(path, "'more', which is not a file")


def test_hidden_files_file_managers_add_are_ignored(tmp_path):
    path = csv_folder(tmp_path)
    (path / ".DS_Store").write_bytes(b"\0\1\2")
    network, _ = load_weights(path)
    assert np.array_equal(network.thetas[0], T1)


def test_spreadsheet_style_csv_without_manifest_loads(tmp_path):
    # CRLF line ends, a byte-order mark, spaces, plain integers, exponents: how spreadsheets
    # and Octave's csvwrite write numbers
    path = tmp_path / "weights"
    path.mkdir()
    (path / "Theta1.csv").write_bytes(b"\xef\xbb\xbf1, -2.5e-1 ,3\r\n.5,+4.,1E2\r\n")
    network, metadata = load_weights(path)
    assert network.thetas[0].tolist() == [[1, -0.25, 3], [0.5, 4, 100]]
    assert metadata == {"layer_sizes": [2, 2], "hidden_activation": "sigmoid"}


def zipped(tmp_path, members):
    path = tmp_path / "w.zip"
    with zipfile.ZipFile(path, "w") as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return path


def test_a_zip_of_the_folder_made_by_a_file_manager_loads(tmp_path):
    files = valid_files("csv-folder")
    members = {f"my weights/{name}": content for name, content in files.items()}
    members["__MACOSX/my weights/._Theta1.csv"] = b"\0resource fork"
    network, _ = load_weights(zipped(tmp_path, members))
    assert np.array_equal(network.thetas[1], T2)


def test_zip_with_duplicate_or_unknown_members_is_refused(tmp_path):
    files = valid_files("csv-folder")
    path = zipped(tmp_path, {**files, "readme.txt": b"x"})
    load_fails(path, "unknown file(s) readme.txt")
    with pytest.warns(UserWarning, match="Duplicate name"):
        with zipfile.ZipFile(path, "w") as archive:
            for name, content in [*files.items(), ("Theta1.csv", files["Theta1.csv"])]:
                archive.writestr(name, content)
    load_fails(path, "two files of the same name")


def test_a_zip_with_a_bad_crc_is_refused(tmp_path):
    files = valid_files("csv-zip")
    data = bytearray(next(iter(files.values())))
    # flip a byte inside the first member's compressed data (after its 30-byte header + name)
    data[30 + len("Theta1.csv") + 2] ^= 0xFF
    path = tmp_path / "w.zip"
    path.write_bytes(bytes(data))
    load_fails(path)


def test_folder_with_nothing_is_refused(tmp_path):
    (tmp_path / "weights").mkdir()
    load_fails(tmp_path / "weights", "no Theta1")


def test_loading_refuses_a_file_that_cannot_be_read(tmp_path, monkeypatch):
    path = write_json(tmp_path, good_document())

    def refuse(path, max_bytes):
        raise PermissionError(13, "Permission denied")
    monkeypatch.setattr(weights_module, "read_regular_file", refuse)
    load_fails(path, "cannot be read: Permission denied")
