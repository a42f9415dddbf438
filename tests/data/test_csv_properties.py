"""Whatever is in the file, load_csv returns a valid Dataset or raises DatasetError."""
from unittest import mock

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bp_desktop.data import Dataset, DatasetError, load_csv
from bp_desktop.data import csv_loader

# One file per test, rewritten for every example.
SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

CELL = st.one_of(
    st.sampled_from(["0", "1", "2", "-1.5", "1e3", ".5", "5.", "+2", " 3 ", "", " ", "nan", "inf", "abc",
                     "1,5", '"1"', '"', "1e999", "1_0", "\t", "x y", "\u00e9", "\ufeff", "\r", "\x0c",
                     "\u2028", "#", "10"]),
    st.text(alphabet="0123456789.,;+-eE \t\"\nax", max_size=6),
)
ROW = st.lists(CELL, min_size=0, max_size=5)
DELIMITER = st.sampled_from([",", ";", "\t", " "])
LINE_END = st.sampled_from(["\n", "\r\n", "\r"])


def check_outcome(path, **kwargs):
    """Load and check the promise: a consistent Dataset or a DatasetError, nothing else."""
    try:
        data = load_csv(path, **kwargs)
    except DatasetError as error:
        assert str(error).startswith(path.name)
        return error
    assert isinstance(data, Dataset)
    assert data.X.shape == (data.m, data.n) and data.n >= 1 and data.m >= 1
    assert np.isfinite(data.X).all()
    assert data.num_classes >= 2 and set(np.unique(data.y)) <= set(range(data.num_classes))
    np.testing.assert_array_equal(data.Y.argmax(axis=1), data.y)
    assert len(data.feature_names) == data.n
    return data


@SETTINGS
@given(content=st.binary(max_size=400))
def test_arbitrary_bytes(tmp_path, content):
    path = tmp_path / "any.csv"
    path.write_bytes(content)
    check_outcome(path)


@SETTINGS
@given(content=st.text(max_size=300))
def test_arbitrary_text(tmp_path, content):
    path = tmp_path / "any.csv"
    path.write_bytes(content.encode("utf-8", "surrogatepass"))
    check_outcome(path)


# How real files start: the special first lines the loader gives a meaning to.
PREFIX = st.sampled_from(["", "sep=;", "sep=;\n", "sep=,\n", "sep=\t\r\n", "sep= \n", "sep=\"\n",
                          "\ufeff", "# Created by Octave\n", "#", '"', 'a,"b\n', "\n\n"])


@SETTINGS
@given(prefix=PREFIX, content=st.text(alphabet="0123456789.,;\t \n\r\"#abex", max_size=120))
def test_special_first_lines_then_anything(tmp_path, prefix, content):
    path = tmp_path / "prefixed.csv"
    path.write_bytes((prefix + content).encode("utf-8"))
    check_outcome(path)


@SETTINGS
@given(rows=st.lists(ROW, min_size=0, max_size=8), delimiter=DELIMITER, line_end=LINE_END,
       label_column=st.sampled_from([None, 0, -2, 3, "a", "x1", "1", "-1"]),
       has_header=st.sampled_from([None, True, False]), prefix=PREFIX)
def test_csv_like_text(tmp_path, rows, delimiter, line_end, label_column, has_header, prefix):
    path = tmp_path / "rows.csv"
    text = prefix + line_end.join(delimiter.join(row) for row in rows)
    path.write_bytes(text.encode("utf-8", "surrogatepass"))
    check_outcome(path, label_column=label_column, has_header=has_header)


@SETTINGS
@given(rows=st.lists(st.lists(CELL, min_size=3, max_size=3), min_size=1, max_size=8), delimiter=DELIMITER)
def test_fast_pass_never_disagrees_with_the_careful_pass(tmp_path, rows, delimiter):
    path = tmp_path / "rows.csv"
    path.write_text("\n".join(delimiter.join(row) for row in rows), encoding="utf-8")
    normal = check_outcome(path)
    with mock.patch.object(csv_loader, "_parse_body_fast", return_value=None):
        careful = check_outcome(path)
    if isinstance(normal, DatasetError):
        assert str(careful) == str(normal)
    else:
        np.testing.assert_array_equal(careful.X, normal.X)
        np.testing.assert_array_equal(careful.y, normal.y)
        assert careful.class_names == normal.class_names
