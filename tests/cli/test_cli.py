"""The headless commands, called in-process through main(argv) (and once as a real process)."""
import re
import subprocess
import sys

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bp_desktop import cli
from bp_desktop.io import load_weights
from bp_desktop.paths import resource_path

IRIS = str(resource_path("datasets/iris.csv"))


def run(capsys, *argv):
    code = cli.main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def accuracy_in(text: str, label: str) -> float:
    return float(re.search(rf"{label}\s*accuracy ([0-9.]+)%", text).group(1))


def test_train_prints_progress_and_final_accuracies(capsys):
    code, out, err = run(capsys, "train", "--builtin", "xor", "--hidden", "4", "--iterations", "20",
                         "--optimizer", "cg", "--lambda", "1")
    assert code == 0 and err == ""
    progress = [line for line in out.splitlines() if line.startswith("iteration")]
    # counted as the course counts: "iteration n" is J of Θ after n iterations, from the
    # initial weights (0) on; the final line has Θ after all 20
    assert [int(line.split()[1]) for line in progress] == list(range(0, 20, 2))
    assert all("J = " in line and "training accuracy" in line for line in progress)
    final = out.splitlines()[-1]
    assert final.startswith("final after 20 iterations")
    assert 0 <= accuracy_in(final, "training") <= 100 and 0 <= accuracy_in(final, "validation") <= 100


def test_quiet_prints_only_the_final_line(capsys):
    code, out, _ = run(capsys, "train", "--builtin", "xor", "--iterations", "5", "--quiet")
    assert code == 0
    assert out.splitlines() == [line for line in out.splitlines() if line.startswith("final")]
    assert len(out.splitlines()) == 1


def test_the_same_seed_gives_the_same_run(capsys):
    argv = ["train", "--builtin", "moons", "--iterations", "10", "--optimizer", "sgd",
            "--batch-size", "16", "--alpha", "0.5", "--seed", "3"]
    first, second = run(capsys, *argv)[1], run(capsys, *argv)[1]
    assert first == second
    assert run(capsys, *argv[:-1], "4")[1] != first


def test_export_then_predict_gives_the_training_accuracy(capsys, tmp_path):
    weights = tmp_path / "iris.mat"
    code, out, _ = run(capsys, "train", IRIS, "--hidden", "5", "--iterations", "30", "--optimizer", "cg",
                       "--validation", "0", "--export", str(weights))
    assert code == 0 and f"weights written to {weights}" in out
    trained = accuracy_in(out, "training")
    network, metadata = load_weights(weights)
    assert metadata["class_names"] == ["setosa", "versicolor", "virginica"]
    assert metadata["scaling"]["kind"] == "zscore" and metadata["iteration"] == 30
    code, predictions, err = run(capsys, "predict", str(weights), IRIS)
    assert code == 0
    lines = predictions.splitlines()
    assert len(lines) == 150 and set(lines) <= {"setosa", "versicolor", "virginica"}
    assert accuracy_in(err, "") == pytest.approx(trained, abs=0.01)


def test_predict_without_labels_prints_names_and_no_accuracy(capsys, tmp_path):
    weights = tmp_path / "iris.npz"
    assert run(capsys, "train", IRIS, "--hidden", "3", "--iterations", "10", "--quiet",
               "--export", str(weights))[0] == 0
    features = tmp_path / "features.csv"
    rows = [line.rsplit(",", 1)[0] for line in open(IRIS).read().splitlines()]
    features.write_text("\n".join(rows) + "\n")
    code, out, err = run(capsys, "predict", str(weights), str(features))
    labelled = run(capsys, "predict", str(weights), IRIS)[1]
    assert code == 0 and err == ""
    assert out == labelled  # the same predictions with or without the label column


def test_predict_applies_the_stored_scaling(capsys, tmp_path):
    """Without the stored scaling the raw iris features would give other predictions."""
    weights = tmp_path / "iris.json"
    run(capsys, "train", IRIS, "--hidden", "5", "--iterations", "30", "--optimizer", "cg",
        "--validation", "0", "--quiet", "--export", str(weights))
    network, metadata = load_weights(weights)
    data = np.loadtxt(IRIS, delimiter=",", skiprows=1, usecols=range(4))
    shift, scale = np.array(metadata["scaling"]["shift"]), np.array(metadata["scaling"]["scale"])
    expected = [metadata["class_names"][k] for k in network.predict((data - shift) / scale)]
    assert run(capsys, "predict", str(weights), IRIS)[1].splitlines() == expected
    assert [metadata["class_names"][k] for k in network.predict(data)] != expected


def test_gradcheck_passes_and_says_so(capsys):
    code, out, _ = run(capsys, "gradcheck", IRIS, "--hidden", "4", "--lambda", "1", "--examples", "10")
    assert code == 0
    difference = float(re.search(r"‖ = (\S+)", out).group(1))
    assert difference < 1e-7 and "PASS" in out


def test_gradcheck_failure_exits_1(capsys, monkeypatch):
    monkeypatch.setattr(cli, "gradient_check", lambda *args: 2e-7)
    code, out, _ = run(capsys, "gradcheck", "--builtin", "xor", "--hidden", "3")
    assert code == 1 and "FAIL" in out


def test_divergence_exits_1_with_the_reason(capsys):
    code, _, err = run(capsys, "train", "--builtin", "xor", "--alpha", "1e308", "--iterations", "5")
    assert code == 1 and "diverged" in err


def test_bad_csv_exits_2_with_the_loaders_message(capsys, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("a,b,label\n1,2,x\n3,oops,y\n")
    code, out, err = run(capsys, "train", str(bad))
    assert code == 2 and out == ""
    assert "bad.csv, line 3" in err and "oops" in err and "Traceback" not in err


def test_missing_file_exits_2(capsys, tmp_path):
    code, _, err = run(capsys, "train", str(tmp_path / "absent.csv"))
    assert code == 2 and "absent.csv" in err


@pytest.mark.parametrize("argv", [
    ["train"],                                                   # no data at all
    ["train", IRIS, "--builtin", "xor"],                         # both
    ["train", "--builtin", "xor", "--hidden", "0"],
    ["train", "--builtin", "xor", "--optimizer", "adam"],
    ["train", "--builtin", "xor", "--momentum", "1.5"],
    ["train", "--builtin", "xor", "--lambda", "nan"],
    ["train", "--builtin", "nosuchset"],
    ["train", "--builtin", "xor", "--label-column", "0"],
    ["gradcheck", "--builtin", "xor", "--examples", "0"],
    ["predict", "only-one-argument"],
    ["fly"],
])
def test_bad_arguments_exit_2(capsys, argv):
    code, _, err = run(capsys, *argv)
    assert code == 2 and err.strip() and "Traceback" not in err


def test_bad_weights_file_exits_2(capsys, tmp_path):
    weights = tmp_path / "broken.mat"
    weights.write_bytes(b"MATLAB 5.0 MAT-file" + bytes(200))
    code, out, err = run(capsys, "predict", str(weights), IRIS)
    assert code == 2 and out == "" and "broken.mat" in err


def test_predict_with_the_wrong_number_of_columns_exits_2(capsys, tmp_path):
    weights = tmp_path / "xor.json"
    run(capsys, "train", "--builtin", "xor", "--iterations", "2", "--quiet", "--export", str(weights))
    code, out, err = run(capsys, "predict", str(weights), IRIS)  # 5 columns for 2 inputs
    assert code == 2 and out == "" and "5 columns" in err


def test_export_to_a_missing_folder_exits_2(capsys, tmp_path):
    code, _, err = run(capsys, "train", "--builtin", "xor", "--iterations", "1", "--quiet",
                       "--export", str(tmp_path / "no" / "such" / "w.mat"))
    assert code == 2 and "No such file" in err


def test_help_documents_every_option(capsys):
    code, out, _ = run(capsys, "train", "--help")
    assert code == 0
    for option in ("--hidden", "--iterations", "--lambda", "--optimizer", "--seed", "--export", "--alpha",
                   "--momentum", "--batch-size", "--activation", "--scaling", "--validation", "--builtin",
                   "--label-column", "--quiet"):
        assert option in out, option
    for command, option in (("gradcheck", "--examples"), ("predict", "WEIGHTS")):
        code, out, _ = run(capsys, command, "--help")
        assert code == 0 and option in out


def test_the_installed_entry_point_trains_headless(tmp_path):
    env_free_of_display = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    done = subprocess.run([sys.executable, "-m", "bp_desktop", "train", "--builtin", "xor", "--hidden", "3",
                           "--iterations", "4", "--export", str(tmp_path / "w.npz")],
                          capture_output=True, text=True, env=env_free_of_display, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "final after 4 iterations" in done.stdout and (tmp_path / "w.npz").exists()
    assert "PySide6" not in subprocess.run(
        [sys.executable, "-c", "import sys, bp_desktop.cli; print(sorted(sys.modules))"],
        capture_output=True, text=True, timeout=60).stdout


def test_zero_iterations_trains_nothing(capsys):
    code, out, _ = run(capsys, "train", "--builtin", "xor", "--iterations", "0")
    assert code == 0 and "final after 0 iterations" in out


def test_an_unusable_export_suffix_fails_before_training(capsys, tmp_path):
    code, out, err = run(capsys, "train", "--builtin", "xor", "--export", str(tmp_path / "w.csv"))
    assert code == 2 and out == "" and "w.csv" in err


csv_cells = st.sampled_from(["0", "1", "-2.5", "1e3", "x", "", "nan", "a b", '"q,r"', "3,5", "  7 "])
csv_texts = st.lists(st.lists(csv_cells, min_size=1, max_size=4).map(",".join), max_size=8).map("\n".join)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=csv_texts | st.text(max_size=80))
def test_any_csv_text_ends_in_a_result_or_exit_2_never_a_traceback(tmp_path, capsys, text, xor_weights):
    path = tmp_path / "any.csv"
    path.write_text(text)
    for argv in (["train", str(path), "--iterations", "1", "--quiet", "--hidden", "2"],
                 ["gradcheck", str(path), "--hidden", "2", "--examples", "2"],
                 ["predict", str(xor_weights), str(path)]):
        code, _, err = run(capsys, *argv)
        assert code in (0, 1, 2), argv
        if code == 2:
            assert err.startswith(f"bp-desktop {argv[0]}: ") and "Traceback" not in err, err


@pytest.fixture(scope="module")
def xor_weights(tmp_path_factory):
    path = tmp_path_factory.mktemp("weights") / "xor.json"
    assert cli.main(["train", "--builtin", "xor", "--iterations", "2", "--quiet", "--export", str(path)]) == 0
    return path
