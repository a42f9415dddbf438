"""Reading good CSV files: the shapes real files come in, and what the Dataset holds."""
import hashlib

import numpy as np
import pytest

from bp_desktop.data import Dataset, DatasetError, load_csv
from bp_desktop.data import csv_loader
from bp_desktop.data import dataset as dataset_module


def write(tmp_path, content, name="data.csv"):
    path = tmp_path / name
    path.write_bytes(content.encode() if isinstance(content, str) else content)
    return path


def test_header_features_labels_and_provenance(tmp_path):
    path = write(tmp_path, "height,weight,kind\n1.5,60,b\n1.8,80,a\n1.6,70,b\n")
    data = load_csv(path)
    assert isinstance(data, Dataset)
    np.testing.assert_array_equal(data.X, [[1.5, 60], [1.8, 80], [1.6, 70]])
    assert data.X.dtype == np.float64 and data.y.dtype == np.int64
    assert data.class_names == ["a", "b"]
    np.testing.assert_array_equal(data.y, [1, 0, 1])
    np.testing.assert_array_equal(data.Y, [[0, 1], [1, 0], [0, 1]])
    assert data.feature_names == ["height", "weight"]
    assert (data.m, data.n, data.num_classes) == (3, 2, 2)
    assert data.source == str(path) and data.name == "data"
    assert data.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    assert data.image_shape is None


def test_course_labels_one_to_ten_sort_numerically(tmp_path):
    rows = "".join(f"{k},{k * 2},{k}\n" for k in [10, 2, 1, 9, 3, 4, 5, 6, 7, 8])
    data = load_csv(write(tmp_path, rows))
    assert data.class_names == ["1", "2", "3", "4", "5", "6", "7", "8", "9", "10"]
    np.testing.assert_array_equal(data.y, [9, 1, 0, 8, 2, 3, 4, 5, 6, 7])
    assert data.feature_names == ["x1", "x2"]


def test_numeric_labels_with_different_spellings_are_one_class(tmp_path):
    data = load_csv(write(tmp_path, "1,1\n2,1.0\n3,2\n"))
    assert data.class_names == ["1", "2"]
    np.testing.assert_array_equal(data.y, [0, 0, 1])


@pytest.mark.parametrize("content", [
    "a,b,y\r\n1,2,0\r\n3,4,1\r\n",                      # Windows line ends
    "\ufeffa,b,y\n1,2,0\n3,4,1\n",                      # UTF-8 byte-order mark (Excel)
    "a,b,y\n1,2,0\n3,4,1\n\n\n   \n",                   # blank trailing lines
    "a , b , y\n 1 , 2 , 0\n3,   4,1   \n",             # spaces around fields
    '"a","b","y"\n"1","2","0"\n"3","4","1"\n',          # everything quoted
    "a;b;y\n1;2;0\n3;4;1\n",                            # semicolons
    "a\tb\ty\n1\t2\t0\n3\t4\t1\n",                      # tabs
    "a b y\n  1   2 0\n3 4   1\n",                      # runs of spaces
    " 1.0000e+00 2.0000e+00 0\n 3.0000e+00 4.0000e+00 1\n",  # Octave save -ascii, no header
    "1,2,0\n3,4,1",                                     # no header, no final line end
    "a;b;y\n1,0;2,0;0\n3,0;4;1\n",                      # decimal comma with semicolons
    "a,b,y\n1,2,0\n,,\n3,4,1\n",                        # an empty spreadsheet row
])
def test_the_shapes_real_files_come_in(tmp_path, content):
    data = load_csv(write(tmp_path, content))
    np.testing.assert_array_equal(data.X, [[1, 2], [3, 4]])
    np.testing.assert_array_equal(data.y, [0, 1])


def test_utf16_with_bom_from_a_spreadsheet(tmp_path):
    path = write(tmp_path, "a\tb\ty\r\n1\t2\tno\r\n3\t4\tyes\r\n".encode("utf-16"))
    data = load_csv(path)
    assert data.class_names == ["no", "yes"]
    np.testing.assert_array_equal(data.X, [[1, 2], [3, 4]])


def test_quoted_cells_may_hold_the_delimiter(tmp_path):
    data = load_csv(write(tmp_path, 'x,"y, mm",label\n1,2,"red, dark"\n3,4,blue\n'))
    assert data.feature_names == ["x", "y, mm"]
    assert data.class_names == ["blue", "red, dark"]


@pytest.mark.parametrize("label_column, expected_features", [
    (0, ["b", "c"]), (-3, ["b", "c"]), (1, ["a", "c"]), ("b", ["a", "c"]), ("B", ["a", "c"]),
    (-1, ["a", "b"]), (None, ["a", "b"]),
])
def test_label_column_by_index_negative_index_or_name(tmp_path, label_column, expected_features):
    data = load_csv(write(tmp_path, "a,b,c\n1,2,3\n4,5,6\n"), label_column=label_column)
    assert data.feature_names == expected_features
    assert data.n == 2 and data.num_classes == 2


def test_label_in_first_column_with_text_labels(tmp_path):
    data = load_csv(write(tmp_path, "setosa,5.1,3.5\nvirginica,6.3,3.3\n"), label_column=0)
    np.testing.assert_array_equal(data.X, [[5.1, 3.5], [6.3, 3.3]])
    assert data.class_names == ["setosa", "virginica"]


def test_header_of_numbers_needs_has_header(tmp_path):
    path = write(tmp_path, "0,1,2\n1,2,0\n3,4,1\n")
    assert load_csv(path).m == 3
    assert load_csv(path, has_header=True).feature_names == ["0", "1"]


def test_numeric_pixel_names_with_a_word_above_the_label_are_a_header(tmp_path):
    data = load_csv(write(tmp_path, "0,1,digit\n5,6,1\n7,8,2\n"))
    assert data.m == 2 and data.feature_names == ["0", "1"]


def test_explicit_delimiter(tmp_path):
    data = load_csv(write(tmp_path, "a|b|y\n1|2|0\n3|4|1\n"), delimiter="|")
    np.testing.assert_array_equal(data.X, [[1, 2], [3, 4]])


def test_square_feature_counts_of_64_or_more_are_images(tmp_path):
    rows = "".join(",".join(["0"] * 64 + [str(k % 2)]) + "\n" for k in range(4))
    assert load_csv(write(tmp_path, rows)).image_shape == (8, 8)
    assert load_csv(write(tmp_path, "1,2,3,4,0\n5,6,7,8,1\n")).image_shape is None


def test_arrays_are_read_only(tmp_path):
    data = load_csv(write(tmp_path, "1,2,0\n3,4,1\n"))
    with pytest.raises(ValueError):
        data.X[0, 0] = 5.0


def test_exactly_max_bytes_is_allowed(tmp_path):
    path = write(tmp_path, "1,2,0\n3,4,1\n")
    assert load_csv(path, max_bytes=12).m == 2
    with pytest.raises(DatasetError, match="more than the limit of 11 bytes"):
        load_csv(path, max_bytes=11)


@pytest.mark.parametrize("make", [lambda p: p / "missing.csv", lambda p: p])
def test_unreadable_paths_are_dataset_errors(tmp_path, make):
    with pytest.raises(DatasetError, match="cannot read the file"):
        load_csv(make(tmp_path))


def test_progress_rises_to_one(tmp_path, monkeypatch):
    monkeypatch.setattr(csv_loader, "_BLOCK_CHARS", 10_000)  # many blocks without a huge file
    rows = "".join(f"{k},{k + 1},{k % 3}\n" for k in range(20000))
    seen = []
    load_csv(write(tmp_path, rows), progress=seen.append)
    assert seen == sorted(seen) and seen[-1] == 1.0 and len(seen) > 3


def test_progress_rises_to_one_on_the_careful_pass(tmp_path):
    rows = "".join(f'"{k}",{k + 1},{k % 3}\n' for k in range(20000))  # quotes: careful pass
    seen = []
    load_csv(write(tmp_path, rows), progress=seen.append)
    assert seen == sorted(seen) and seen[-1] == 1.0 and len(seen) > 3


def test_fast_pass_is_used_for_plain_numbers(tmp_path, monkeypatch):
    def no_careful_pass(*args):
        raise AssertionError("the careful pass ran")
    monkeypatch.setattr(csv_loader, "_parse_body_careful", no_careful_pass)
    data = load_csv(write(tmp_path, "a,b,y\n1,2,0\n3,4,1\n"))
    assert data.m == 2


def test_fast_and_careful_passes_agree_on_a_large_file(tmp_path):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(3000, 7)) * 10.0 ** rng.integers(-5, 5, size=(3000, 7))
    labels = rng.integers(1, 4, size=3000)
    plain = "".join(",".join(repr(float(v)) for v in row) + f",{k}\n" for row, k in zip(X, labels))
    quoted = "".join(",".join(f'"{float(v)!r}"' for v in row) + f",{k}\n" for row, k in zip(X, labels))
    fast, careful = load_csv(write(tmp_path, plain, "a.csv")), load_csv(write(tmp_path, quoted, "b.csv"))
    np.testing.assert_array_equal(fast.X, X)
    np.testing.assert_array_equal(careful.X, X)
    np.testing.assert_array_equal(fast.y, labels - 1)
    np.testing.assert_array_equal(careful.y, labels - 1)


@pytest.mark.parametrize("options, message", [
    ({"has_header": "yes"}, "data.csv: has_header must be True, False or None (detect); got 'yes'"),
    ({"max_bytes": -1}, "data.csv: max_bytes must be a whole number of bytes; got -1"),
    ({"max_bytes": 1.5}, "data.csv: max_bytes must be a whole number of bytes; got 1.5"),
])
def test_bad_options_are_dataset_errors(tmp_path, options, message):
    with pytest.raises(DatasetError) as caught:
        load_csv(write(tmp_path, "1,2,0\n3,4,1\n"), **options)
    assert str(caught.value) == message


def test_excel_separator_line(tmp_path):
    data = load_csv(write(tmp_path, "sep=;\na;b;y\n1,5;2;0\n3;4;1\n"))
    assert data.feature_names == ["a", "b"]
    np.testing.assert_array_equal(data.X, [[1.5, 2], [3, 4]])
    with pytest.raises(DatasetError, match=r"^data.csv, line 4, column \"b\": \"x\" is not a number$"):
        load_csv(write(tmp_path, "sep=;\na;b;y\n1;2;0\n3;x;1\n"))


def test_header_cell_with_a_line_break_keeps_line_numbers(tmp_path):
    path = write(tmp_path, 'a,"b\n(mm)",y\n1,2,0\n3,x,1\n')
    with pytest.raises(DatasetError) as caught:
        load_csv(path)
    assert str(caught.value) == 'data.csv, line 4, column "b (mm)": "x" is not a number'
    data = load_csv(write(tmp_path, 'a,"b\n(mm)",y\n1,2,0\n3,4,1\n'))
    assert data.feature_names == ["a", "b (mm)"] and data.m == 2


def test_many_blocks_give_the_same_array_as_loadtxt(tmp_path, monkeypatch):
    monkeypatch.setattr(csv_loader, "_BLOCK_CHARS", 500)
    rng = np.random.default_rng(1)
    X = np.round(rng.normal(size=(997, 5)), 4)
    labels = rng.integers(0, 3, size=997)
    path = write(tmp_path, "".join(",".join(map(str, row)) + f",{k}\n\n" for row, k in zip(X, labels)))
    data = load_csv(path)
    np.testing.assert_array_equal(data.X, np.loadtxt(path, delimiter=",")[:, :-1])
    np.testing.assert_array_equal(data.y, labels)


def test_mostly_blank_lines_do_not_reserve_rows_for_them(tmp_path):
    # 200 columns, then a million blank lines: reserving a row per line would take 1.6 GB
    header = ",".join(f"f{j}" for j in range(200)) + ",y\n"
    rows = ",".join(["1"] * 200) + ",a\n" + ",".join(["2"] * 200) + ",b\n"
    data = load_csv(write(tmp_path, header + rows + "\n" * 1_000_000))
    assert data.X.shape == (2, 200)
    assert data.X.base is None or data.X.base.nbytes <= 3 * 200 * 8


def test_octave_text_format_with_comment_lines(tmp_path):
    content = ("# Created by Octave 8.4.0, Sat Nov 28 02:20:00 2026 UTC <student@laptop>\n"
               "# name: data\n# type: matrix\n# rows: 3\n# columns: 3\n"
               " 1 2 1\n 3 4 2\n 5 6 1\n\n\n")
    data = load_csv(write(tmp_path, content))
    np.testing.assert_array_equal(data.X, [[1, 2], [3, 4], [5, 6]])
    assert data.class_names == ["1", "2"]
    with pytest.raises(DatasetError, match=r"^data.csv, line 8, column 2: \"x\" is not a number$"):
        load_csv(write(tmp_path, content.replace(" 5 6 1", " 5 x 1")))


def test_comment_lines_between_rows_keep_line_numbers(tmp_path):
    content = "a,b,y\n# a note\n1,2,0\n  # another\n3,4,1\n"
    assert load_csv(write(tmp_path, content)).m == 2
    with pytest.raises(DatasetError, match=r"^data.csv, line 6, column \"a\": \"z\" is not a number$"):
        load_csv(write(tmp_path, content + "z,1,0\n"))


def test_an_exception_from_progress_cancels_the_load(tmp_path):
    class Cancelled(Exception):
        pass

    def cancel(fraction):
        raise Cancelled

    with pytest.raises(Cancelled):
        load_csv(write(tmp_path, "1,2,0\n3,4,1\n"), progress=cancel)


def test_a_huge_one_hot_Y_is_refused_before_it_is_built(tmp_path, monkeypatch):
    monkeypatch.setattr(dataset_module, "MAX_ONE_HOT_VALUES", 100)
    rows = "".join(f"{k},{k % 10}\n" for k in range(20))  # 20 × 10 = 200 values
    with pytest.raises(DatasetError) as caught:
        load_csv(write(tmp_path, rows))
    assert str(caught.value) == ("data.csv, column 2: 20 examples × 10 classes make a one-hot Y of 200 "
                                 "values, and training needs about ten arrays that size; at most 100 "
                                 "(m × K) are supported; is this really the label column?")


def test_source_is_an_absolute_path(tmp_path, monkeypatch):
    write(tmp_path, "1,2,0\n3,4,1\n")
    monkeypatch.chdir(tmp_path)
    assert load_csv("data.csv").source == str(tmp_path / "data.csv")


@pytest.mark.parametrize("content, label_column, features", [
    ("1,2,3\n4,5,6\n", "0", ["x2", "x3"]),              # digits from a command line: an index
    ("1,2,3\n4,5,6\n", "-2", ["x1", "x3"]),
    ("a,b,c\n1,2,3\n4,5,6\n", "1", ["a", "c"]),
    ("0,1,y\n1,a,2\n4,b,5\n", "1", ["0", "y"]),         # unless the header has a column "1"
])
def test_label_column_as_a_string_of_digits(tmp_path, content, label_column, features):
    data = load_csv(write(tmp_path, content), label_column=label_column)
    assert data.feature_names == features


@pytest.mark.parametrize("content, message", [
    ("sep=;", "data.csv, line 1: there is only a header row, no data rows below it"),
    ("sep=;\n", "data.csv: the file has only blank or comment lines"),
    ("# only a comment\n\n", "data.csv: the file has only blank or comment lines"),
    ("sep=1\n1,2,0\n3,4,1\n", 'data.csv, line 1: only one column found ("sep=1"); a CSV file needs '
                              "feature columns and a label column, separated by commas, semicolons, "
                              "tabs or spaces"),
])
def test_degenerate_first_lines(tmp_path, content, message):
    with pytest.raises(DatasetError) as caught:
        load_csv(write(tmp_path, content))
    assert str(caught.value) == message


def test_too_many_columns(tmp_path, monkeypatch):
    monkeypatch.setattr(csv_loader, "MAX_COLUMNS", 5)
    with pytest.raises(DatasetError) as caught:
        load_csv(write(tmp_path, "\n1,2,3,4,5,6\n7,8,9,10,11,12\n"))
    assert str(caught.value) == "data.csv, line 2: 6 columns; at most 5 are supported"


def test_a_very_long_quoted_cell_is_a_dataset_error(tmp_path):
    with pytest.raises(DatasetError, match=r"^data.csv, line 2: a cell is longer than 131072 characters$"):
        load_csv(write(tmp_path, 'a,b,y\n"' + "1" * 200_000 + '",2,0\n3,4,1\n'))
