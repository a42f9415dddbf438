"""The strict MAT-file reader agrees with scipy.io.loadmat on every file scipy writes, and
refuses (instead of crashing on) the corrupted files that crash scipy's reader."""
import io
import zlib

import numpy as np
import pytest
import scipy.io
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from bp_desktop.core import Network
from bp_desktop.io import WeightsFileError, load_weights, save_weights
from bp_desktop.io.mat5 import read_mat5

NUMERIC_DTYPES = ["f8", "f4", "i1", "u1", "i2", "u2", "i4", "u4", "i8", "u8"]
names = st.from_regex(r"[A-Za-z][A-Za-z0-9_]{0,20}", fullmatch=True)
numeric = st.sampled_from(NUMERIC_DTYPES).flatmap(
    lambda code: hnp.arrays(np.dtype(code), hnp.array_shapes(min_dims=2, max_dims=3, min_side=0,
                                                             max_side=5)))
texts = st.text(st.characters(codec="utf-8", exclude_characters="\0"), max_size=20)


@settings(max_examples=150, deadline=None)
@given(variables=st.dictionaries(names, numeric | texts, max_size=5),
       compressed=st.booleans())
def test_reads_every_file_scipy_writes_as_scipy_does(variables, compressed):
    stream = io.BytesIO()
    scipy.io.savemat(stream, variables, do_compression=compressed)
    ours = read_mat5(stream.getvalue())
    theirs = {k: v for k, v in scipy.io.loadmat(io.BytesIO(stream.getvalue())).items()
              if not k.startswith("__")}
    assert ours.keys() == theirs.keys()
    for name in ours:
        assert ours[name].dtype == theirs[name].dtype, name
        assert ours[name].shape == theirs[name].shape, name
        assert ours[name].tobytes() == theirs[name].tobytes(), name


def test_reads_logical_arrays_as_bool():
    stream = io.BytesIO()
    scipy.io.savemat(stream, {"mask": np.array([[True, False, True]])})
    assert read_mat5(stream.getvalue())["mask"].tolist() == [[True, False, True]]


def saved_small_network(tmp_path):
    save_weights(Network([2, 3, 2], seed=11), tmp_path / "w.mat")
    return bytearray((tmp_path / "w.mat").read_bytes())


def test_an_unknown_data_type_is_refused(tmp_path):
    # scipy.io.loadmat (1.17) dies with a segmentation fault on this file
    data = saved_small_network(tmp_path)
    tag = data.index(b"Theta2\0\0") + 8
    data[tag + 1] = 13  # data type 9 (miDOUBLE) becomes 0x0d09
    (tmp_path / "w.mat").write_bytes(bytes(data))
    with pytest.raises(WeightsFileError, match="the data of Theta2 has unknown type 3337"):
        load_weights(tmp_path / "w.mat")


def test_a_complex_flag_without_imaginary_part_is_refused(tmp_path):
    # scipy.io.loadmat (1.17) dies with a segmentation fault on this file too
    data = saved_small_network(tmp_path)
    variable = data.index(b"layer_sizes\0") - 32  # the flags word sits 32 bytes before the name
    assert data[variable] == 6  # mxDOUBLE_CLASS
    data[variable + 1] = 0xE9
    (tmp_path / "w.mat").write_bytes(bytes(data))
    with pytest.raises(WeightsFileError, match="layer_sizes holds complex numbers"):
        load_weights(tmp_path / "w.mat")


@pytest.mark.parametrize("mutation, message", [
    (lambda d: d[:-3], "truncated"),
    (lambda d: d + b"\0" * 5, "truncated"),
    (lambda d: d[:126] + b"XX" + d[128:], "not a level-5 MAT-file"),
    (lambda d: d[:124] + b"\x00\x07" + d[126:], "not a level-5 MAT-file"),
])
def test_damaged_headers_and_ends_are_refused(mutation, message, tmp_path):
    data = bytes(saved_small_network(tmp_path))
    with pytest.raises(ValueError, match=message):
        read_mat5(mutation(data))


def test_a_compressed_bomb_is_refused(monkeypatch):
    monkeypatch.setattr("bp_desktop.io.mat5.MAX_DECOMPRESSED_BYTES", 1000)
    stream = io.BytesIO()
    scipy.io.savemat(stream, {"Theta1": np.zeros((100, 100))}, do_compression=True)
    with pytest.raises(ValueError, match="larger than 1000 bytes"):
        read_mat5(stream.getvalue())


def matrix_element(order, name, array_class, shape, data_type, raw):
    """One miMATRIX element built by hand, as MATLAB lays it out, in byte order `order`."""
    def element(kind, payload):
        padded = payload + b"\0" * (-len(payload) % 8)
        return np.array([kind, len(payload)], dtype=order + "u4").tobytes() + padded
    body = (element(6, np.array([array_class, 0], dtype=order + "u4").tobytes())
            + element(5, np.array(shape, dtype=order + "i4").tobytes())
            + element(1, name.encode())
            + element(data_type, raw))
    return element(14, body)


def mat_file(order, *elements):
    header = b"MATLAB 5.0 MAT-file, written by hand".ljust(116) + b"\0" * 8
    header += np.array([0x0100], dtype=order + "u2").tobytes() + (b"IM" if order == "<" else b"MI")
    return header + b"".join(elements)


@pytest.mark.parametrize("order", ["<", ">"])
def test_both_byte_orders_and_doubles_stored_in_small_types(order):
    # MATLAB stores a double matrix whose values all fit in uint8 as uint8 data (type 2)
    theta = np.array([[1.5, -2.0, 0.25], [4.0, 5.0, 6.0]])
    data = mat_file(order,
                    matrix_element(order, "Theta1", 6, (2, 3), 9,
                                   theta.astype(order + "f8").tobytes(order="F")),
                    matrix_element(order, "layer_sizes", 6, (1, 2), 2, bytes([2, 2])))
    variables = read_mat5(data)
    assert variables["Theta1"].tolist() == theta.tolist()
    assert variables["Theta1"].dtype == np.float64
    assert variables["layer_sizes"].tolist() == [[2.0, 2.0]]
    assert variables["layer_sizes"].dtype == np.float64


@settings(max_examples=300, deadline=None)
@given(body=st.binary(max_size=600), order=st.sampled_from(["<", ">"]), compressed=st.booleans())
def test_random_variables_after_a_valid_header_raise_only_value_error(body, order, compressed):
    if compressed:  # also reach the code behind the decompression
        body = np.array([15, len(zlib.compress(body))], dtype=order + "u4").tobytes() + zlib.compress(body)
    try:
        read_mat5(mat_file(order) + body)
    except ValueError:
        pass


@settings(max_examples=200, deadline=None)
@given(data=st.data())
def test_random_matrix_elements_raise_only_value_error(data):
    # well-formed tags around random flags, dimensions, names and data: the inner parser
    order = data.draw(st.sampled_from(["<", ">"]))
    element = matrix_element(order, data.draw(st.text(max_size=8)),
                             data.draw(st.integers(0, 20) | st.integers(0, 0xFFFF)),  # class | flags << 8
                             data.draw(st.lists(st.integers(-2, 6), min_size=0, max_size=4)),
                             data.draw(st.integers(0, 20)), data.draw(st.binary(max_size=64)))
    try:
        read_mat5(mat_file(order, element))
    except ValueError:
        pass
