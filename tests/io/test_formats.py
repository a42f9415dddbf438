"""Which format a path means, and the filters a file dialog can offer."""
import pytest

from bp_desktop.io import CSV_FOLDER_DESCRIPTION, WEIGHT_FORMATS, WeightsFileError, weights_format


def test_weight_formats_lists_every_file_suffix_with_a_description():
    assert list(WEIGHT_FORMATS) == [".mat", ".npz", ".json", ".zip", ".onnx"]
    assert all(description for description in WEIGHT_FORMATS.values())
    assert "CSV" in WEIGHT_FORMATS[".zip"] and "CSV" in CSV_FOLDER_DESCRIPTION


@pytest.mark.parametrize("name, fmt", [
    ("w.mat", "mat"), ("W.MAT", "mat"), ("w.npz", "npz"), ("w.json", "json"), ("w.zip", "csv-zip"),
    ("w.onnx", "onnx"), ("W.ONNX", "onnx"),
    ("weights", "csv-folder"), ("dir/weights", "csv-folder"),
])
def test_the_suffix_picks_the_format(name, fmt, tmp_path):
    assert weights_format(tmp_path / name) == fmt


def test_an_existing_folder_is_the_csv_folder_whatever_its_name(tmp_path):
    (tmp_path / "model.v2").mkdir()
    assert weights_format(tmp_path / "model.v2") == "csv-folder"


@pytest.mark.parametrize("name, message", [
    ("w.csv", "one .csv file cannot hold several"),
    ("w.pkl", "unknown weights format '.pkl'"),
])
def test_other_suffixes_are_weights_file_errors(name, message, tmp_path):
    with pytest.raises(WeightsFileError, match=message) as caught:
        weights_format(tmp_path / name)
    assert caught.value.path == str(tmp_path / name)
    assert isinstance(caught.value, ValueError)


def test_weights_file_error_names_the_file_and_survives_pickling():
    import pickle
    error = WeightsFileError("w.mat", "Theta2 is missing")
    assert str(error) == "w.mat: Theta2 is missing"
    assert (error.path, error.problem) == ("w.mat", "Theta2 is missing")
    copy = pickle.loads(pickle.dumps(error))
    assert str(copy) == str(error) and isinstance(copy, WeightsFileError)
    assert str(WeightsFileError("just a message")) == "just a message"


def test_a_file_without_suffix_is_explained(tmp_path):
    from bp_desktop.io import load_weights
    (tmp_path / "weights").write_bytes(b"x")
    with pytest.raises(WeightsFileError, match="is a file, not a folder"):
        load_weights(tmp_path / "weights")
