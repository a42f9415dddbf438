"""Each example knows the line of its file, as the loader's error messages count lines."""
from unittest import mock

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bp_desktop.data import Dataset, DatasetError, csv_loader, load_builtin, load_csv, split

LINE = st.one_of(st.tuples(st.integers(0, 9), st.integers(0, 9), st.sampled_from("ab")).map(
                     lambda cells: ("data", f"{cells[0]},{cells[1]},{cells[2]}")),
                 st.sampled_from([("skip", ""), ("skip", "   "), ("skip", "# a comment")]))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(lines=st.lists(LINE, min_size=2, max_size=30), line_end=st.sampled_from(["\n", "\r\n", "\r"]),
       careful=st.booleans())
def test_every_example_names_its_file_line(tmp_path, lines, line_end, careful):
    lines = [("data", "1,2,a"), ("data", "3,4,b"), *lines]  # two classes at least
    path = tmp_path / "lines.csv"
    path.write_bytes(line_end.join(["x,y,kind", *(text for _, text in lines)]).encode())
    expected = [number for number, (kind, _) in enumerate(lines, start=2) if kind == "data"]
    with mock.patch.object(csv_loader, "_parse_body_fast", return_value=None) if careful \
            else mock.patch.object(csv_loader, "_BLOCK_CHARS", 16):  # many small blocks
        data = load_csv(path)
    np.testing.assert_array_equal(data.source_lines, expected)


def test_lines_follow_the_examples_through_a_split(tmp_path):
    path = tmp_path / "plants.csv"
    rows = "".join(f"{i},{i % 3},{'ab'[i % 2]}\n\n" for i in range(40))  # a blank line after each
    path.write_text("# measured by hand\nwidth,height,kind\n" + rows)
    data = load_csv(path)
    np.testing.assert_array_equal(data.source_lines, 3 + 2 * np.arange(40))
    parts = split(data, train=0.75, validation=0.25, test=0.0, seed=1)
    for part in (parts.train, parts.validation):
        np.testing.assert_array_equal(part.source_lines, 3 + 2 * part.original_rows)
        np.testing.assert_array_equal(part.X[:, 0], part.original_rows)  # row i holds value i
    assert data.with_features(data.X * 2).source_lines is data.source_lines


def test_generated_data_has_no_file_lines():
    assert load_builtin("xor").source_lines is None


def test_lines_must_match_the_examples(tmp_path):
    path = tmp_path / "small.csv"
    path.write_text("1,a\n2,b\n")
    data = load_csv(path)
    with pytest.raises(DatasetError, match="source_lines must hold one number per example"):
        Dataset(X=data.X, y=data.y, Y=data.Y, class_names=data.class_names,
                feature_names=data.feature_names, source="x", sha256="0", name="x",
                source_lines=np.array([1]))
