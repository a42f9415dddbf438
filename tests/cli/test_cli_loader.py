"""predict reads CSV files with the one loader train uses (its limits, encodings and
messages), and the commands print the loader's warnings and no numpy RuntimeWarnings."""
import os

import pytest

from bp_desktop import cli
from bp_desktop.paths import resource_path

IRIS = resource_path("datasets/iris.csv")


def run(capsys, *argv):
    code = cli.main([str(a) for a in argv])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture(scope="module")
def iris_weights(tmp_path_factory):
    path = tmp_path_factory.mktemp("weights") / "iris.json"
    assert cli.main(["train", str(IRIS), "--hidden", "3", "--iterations", "10", "--quiet",
                     "--export", str(path)]) == 0
    return path


def iris_rows(labels=True):
    lines = IRIS.read_text().splitlines()
    return lines if labels else [line.rsplit(",", 1)[0] for line in lines]


def test_a_cell_over_the_csv_field_limit_is_the_loaders_message(capsys, tmp_path, iris_weights):
    path = tmp_path / "long.csv"
    rows = iris_rows(labels=False)
    rows[3] = "1" * 140_000 + rows[3][rows[3].index(","):]
    path.write_text("\n".join(rows) + "\n")
    code, _, err = run(capsys, "predict", iris_weights, path)
    assert code == 2 and "Traceback" not in err
    assert err.startswith("bp-desktop predict: long.csv, line 4: a cell is longer than 131072 characters")


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="no /dev/zero")
def test_predict_on_dev_zero_fails_at_once(capsys, iris_weights):
    code, _, err = run(capsys, "predict", iris_weights, "/dev/zero")
    assert code == 2
    assert err == "bp-desktop predict: zero: cannot read the file (it is a device, not a regular file)\n"


@pytest.mark.parametrize("labels", [True, False])
def test_predict_reads_utf16_as_train_does(capsys, tmp_path, iris_weights, labels):
    path = tmp_path / "utf16.csv"
    path.write_bytes("\n".join(iris_rows(labels)).encode("utf-16"))
    reference = tmp_path / "utf8.csv"
    reference.write_text("\n".join(iris_rows(labels)))
    code, out, err = run(capsys, "predict", iris_weights, path)
    assert code == 0
    assert out == run(capsys, "predict", iris_weights, reference)[1]
    assert ("accuracy" in err) == labels


def test_an_unlabelled_file_reports_all_its_bad_cells(capsys, tmp_path, iris_weights):
    rows = iris_rows(labels=False)
    rows[2], rows[5] = "x,1,2,3", "1,2,,4"
    path = tmp_path / "bad.csv"
    path.write_text("\n".join(rows) + "\n")
    code, _, err = run(capsys, "predict", iris_weights, path)
    assert code == 2
    assert err == ('bp-desktop predict: bad.csv, line 3, column "sepal_length_cm": "x" is not a number\n'
                   'bad.csv, line 6, column "petal_length_cm": the cell is empty (a missing value); '
                   "every feature needs a number\n")


def test_fractional_labels_warn_on_stderr(capsys, tmp_path):
    path = tmp_path / "measured.csv"
    path.write_text("a,b,y\n" + "".join(f"{k},{k % 3},{0.1 if k % 2 else 1.7}\n" for k in range(20)))
    code, out, err = run(capsys, "train", path, "--iterations", "1", "--quiet")
    assert code == 0
    assert err == ('bp-desktop: warning: measured.csv, column "y": these labels look like numbers '
                   "(0.1, 1.7; 2 classes): is this the label column?\n")


def test_whole_number_labels_do_not_warn(capsys):
    assert run(capsys, "train", "--builtin", "xor", "--iterations", "1", "--quiet")[2] == ""


def test_non_finite_labels_are_refused(capsys, tmp_path):
    path = tmp_path / "huge.csv"
    path.write_text("a,b,y\n1,2,1e400\n3,4,2e400\n5,6,1\n")
    code, _, err = run(capsys, "train", path)
    assert code == 2
    assert err == ('bp-desktop train: huge.csv, line 2, column "y": the label "1e400" is too large for '
                   "a 64-bit float, so it would not be told apart from other such labels\n"
                   'huge.csv, line 3, column "y": the label "2e400" is too large for a 64-bit float, '
                   "so it would not be told apart from other such labels\n")


@pytest.mark.parametrize("scaling", ["zscore", "minmax", "none"])
@pytest.mark.parametrize("magnitude", [1e300, 1.7e308])
def test_values_near_the_float_limit_print_no_runtime_warnings(capsys, tmp_path, scaling, magnitude):
    path = tmp_path / "huge.csv"
    path.write_text("a,b,y\n" + "".join(f"{(k % 7 - 3) / 3 * magnitude!r},{k / 40 * magnitude!r},{k % 2}\n"
                                        for k in range(40)))
    for argv in (["train", path, "--iterations", "3", "--quiet", "--scaling", scaling],
                 ["train", path, "--iterations", "3", "--quiet", "--scaling", scaling, "--optimizer", "cg"],
                 ["gradcheck", path, "--scaling", scaling, "--examples", "3"]):
        code, _, err = run(capsys, *argv)
        assert code in (0, 1) and "Warning" not in err and "Traceback" not in err, (argv, err)
