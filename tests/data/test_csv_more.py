"""The loader reports every malformed cell at once, reads files without labels, previews
a file for the import dialog, and is careful with labels and numbers at the limits."""
import numpy as np
import pytest

from bp_desktop.data import DatasetError, Scaler, load_csv, make_dataset
from bp_desktop.data.csv_loader import (MAX_LISTED_PROBLEMS, PREVIEW_CELLS, load_csv_features,
                                        preview_csv)
from bp_desktop.data.dataset import MAX_CLASSES, MAX_ONE_HOT_VALUES


def write(tmp_path, content, name="data.csv"):
    path = tmp_path / name
    path.write_bytes(content.encode() if isinstance(content, str) else content)
    return path


# --- every problem at once -------------------------------------------------------------------
def test_all_malformed_cells_are_listed_in_file_order(tmp_path):
    path = write(tmp_path, "a,b,y\n1,x,0\n2,3\n,4,1\n5,6,\n7,8,1\n")
    with pytest.raises(DatasetError) as caught:
        load_csv(path)
    assert str(caught.value).splitlines() == [
        'data.csv, line 2, column "b": "x" is not a number',
        "data.csv, line 3: 2 fields, but 3 expected (as in the header on line 1)",
        'data.csv, line 4, column "a": the cell is empty (a missing value); every feature needs a number',
        'data.csv, line 5, column "y": the label is empty',
    ]


def test_many_problems_are_listed_up_to_the_limit_then_counted(tmp_path):
    rows = "".join(f"{k},oops,{k % 2}\n" for k in range(50))
    with pytest.raises(DatasetError) as caught:
        load_csv(write(tmp_path, "a,b,y\n" + rows))
    lines = str(caught.value).splitlines()
    assert len(lines) == MAX_LISTED_PROBLEMS + 1
    assert lines[0] == 'data.csv, line 2, column "b": "oops" is not a number'
    assert lines[MAX_LISTED_PROBLEMS - 1].startswith(f"data.csv, line {MAX_LISTED_PROBLEMS + 1},")
    assert lines[-1] == f"data.csv: … and {50 - MAX_LISTED_PROBLEMS} more problems (50 in all)"


def test_a_problem_that_stops_reading_ends_the_list(tmp_path):
    path = write(tmp_path, 'a,b,y\n1,x,0\n2,"3,1\n4,5,0\n')
    with pytest.raises(DatasetError) as caught:
        load_csv(path)
    assert str(caught.value).splitlines() == [
        'data.csv, line 2, column "b": "x" is not a number',
        "data.csv, line 3: a quoted cell opened here is never closed (it runs to the end of the file, "
        "line 4); is a closing quote missing?",
    ]


# --- without labels ---------------------------------------------------------------------------
def test_features_only_reads_every_column(tmp_path):
    features = load_csv_features(write(tmp_path, "a;b\n1,5;2\n3;4\n"))
    np.testing.assert_array_equal(features.X, [[1.5, 2], [3, 4]])
    assert features.feature_names == ["a", "b"] and not features.X.flags.writeable


def test_features_only_has_no_header_when_all_cells_are_numbers(tmp_path):
    features = load_csv_features(write(tmp_path, "1\t2\t3\n4\t5\t6\n"))
    assert features.X.shape == (2, 3) and features.feature_names == ["x1", "x2", "x3"]


def test_features_only_accepts_a_single_column_and_reports_like_load_csv(tmp_path):
    assert load_csv_features(write(tmp_path, "x\n1\n2\n")).X.tolist() == [[1.0], [2.0]]
    with pytest.raises(DatasetError, match=r'^data.csv, line 3, column "x": "b" is not a number$'):
        load_csv_features(write(tmp_path, "x\n1\nb\n"))


# --- labels -------------------------------------------------------------------------------------
def test_fractional_labels_load_with_a_warning(tmp_path):
    data = load_csv(write(tmp_path, "a,b,y\n1,2,0.1\n3,4,1.7\n5,6,0.1\n"))
    assert data.class_names == ["0.1", "1.7"]
    assert data.warnings == ('data.csv, column "y": these labels look like numbers (0.1, 1.7; 2 '
                             "classes): is this the label column?",)


@pytest.mark.parametrize("labels", [["1", "2"], ["cat", "dog"], ["1", "2.0"]])
def test_whole_or_word_labels_load_without_warnings(tmp_path, labels):
    data = load_csv(write(tmp_path, "".join(f"{k},{labels[k % 2]}\n" for k in range(4))))
    assert data.warnings == ()


def test_overflowing_labels_are_refused_also_on_the_fast_path(tmp_path):
    rows = "".join(f"{k},{k},{'1e400' if k == 700 else k % 2}\n" for k in range(1000))
    with pytest.raises(DatasetError, match=r'^data.csv, line 701, column 3: the label "1e400" is too large'):
        load_csv(write(tmp_path, rows))


def test_too_many_classes_is_a_clear_error_wherever_a_dataset_is_made():
    y = np.arange(100_000) % (MAX_CLASSES + 1)
    with pytest.raises(DatasetError, match=f"^{MAX_CLASSES + 1} classes; at most {MAX_CLASSES} are supported$"):
        make_dataset(np.zeros((y.size, 1)), y, class_names=[str(k) for k in range(MAX_CLASSES + 1)],
                     feature_names=["x"], source="test", name="test")


def test_a_one_hot_y_over_the_limit_is_refused_before_it_is_built():
    K = 1000
    m = MAX_ONE_HOT_VALUES // K + 1
    with pytest.raises(DatasetError, match=f"{m} examples × {K} classes make a one-hot Y"):
        make_dataset(np.zeros((m, 1)), np.arange(m) % K, class_names=[str(k) for k in range(K)],
                     feature_names=["x"], source="test", name="test")


def test_the_issues_thousand_class_file_is_refused_with_the_limit(tmp_path):
    rows = "".join(f"{k % 97},{k % 89},{k % 1000}\n" for k in range(58_000))
    with pytest.raises(DatasetError, match="58000 examples × 1000 classes .* is this really the label column"):
        load_csv(write(tmp_path, "a,b,y\n" + rows))


# --- scaling at the float limit --------------------------------------------------------------------
@pytest.mark.parametrize("kind", ["zscore", "minmax"])
@pytest.mark.parametrize("magnitude", [1.0, 1e300, 1.7e308])
def test_scaling_is_finite_and_warning_free_near_the_float_limit(kind, magnitude):
    X = np.array([[-1.0, 0.5], [0.0, 1.0], [1.0, -0.25]]) * magnitude
    scaler = Scaler.fit(X, kind)  # pytest turns our RuntimeWarnings into errors
    scaled = scaler.transform(X)
    assert np.isfinite(scaled).all()
    if kind == "minmax" and magnitude > 1e308:
        return  # the range itself is past the largest float: scaled into [0, 2], not [0, 1]
    expected = Scaler.fit(X / magnitude, kind).transform(X / magnitude)
    np.testing.assert_allclose(scaled, expected, rtol=1e-12, atol=1e-12)


# --- preview ---------------------------------------------------------------------------------------
def test_preview_of_a_file_with_words_in_the_first_column(tmp_path):
    path = write(tmp_path, "species;sl;sw\nsetosa;5,1;3,5\nversicolor;7,0;3,2\nsetosa;4,9;3,0\n")
    preview = preview_csv(path, rows=2)
    assert (preview.delimiter, preview.header, preview.label_column) == (";", ["species", "sl", "sw"], 0)
    assert preview.rows == [["setosa", "5,1", "3,5"], ["versicolor", "7,0", "3,2"]]
    assert preview.class_counts == [2, 3, 3] and preview.rows_counted == 3 and preview.complete
    assert preview.numeric == [False, True, True]  # decimal commas with ; are numbers
    assert preview.column_names == ["species", "sl", "sw"] and preview.columns == 3


def test_preview_guesses_the_last_column_for_numbers_and_counts_numbers_by_value(tmp_path):
    preview = preview_csv(write(tmp_path, "1,2,1\n3,4,1.0\n5,6,2\n"))
    assert preview.header is None and preview.label_column == 2
    assert preview.column_names == ["column 1", "column 2", "column 3"]
    assert preview.class_counts == [3, 3, 2]


def test_preview_with_a_chosen_label_column_detects_the_header_for_it(tmp_path):
    # with the words in column 1 as labels there is no header; as a feature they would be one
    path = write(tmp_path, "setosa,5.1,3.5\nversicolor,7.0,3.2\n")
    assert preview_csv(path).header is None
    assert preview_csv(path, label_column=2).header == ["setosa", "5.1", "3.5"]


def test_preview_counts_a_bounded_number_of_rows(tmp_path):
    rows = PREVIEW_CELLS // 3 + 10
    preview = preview_csv(write(tmp_path, "".join(f"{k},{k},{k % 3}\n" for k in range(rows))), rows=5)
    assert len(preview.rows) == 5 and preview.rows_counted == PREVIEW_CELLS // 3
    assert not preview.complete and preview.class_counts[2] == 3


def test_preview_refuses_what_the_loader_refuses(tmp_path):
    with pytest.raises(DatasetError, match="the file is empty"):
        preview_csv(write(tmp_path, ""))


def test_a_stray_word_in_a_feature_column_does_not_make_it_the_label(tmp_path):
    from bp_desktop.data.csv_loader import guess_label_column
    path = write(tmp_path, "a,b,y\n1,2,0\n3,oops,1\n5,6,0\n")
    assert preview_csv(path).label_column == 2 and guess_label_column(path) == 2
    assert guess_label_column(write(tmp_path, "x,1,2\ny,3,4\nx,5,6\n")) == 0
