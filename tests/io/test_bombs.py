"""Small compressed files that declare huge arrays are refused before they are
decompressed or allocated, with each loader's own error, and cheaply: the peak of
traced memory (Python objects and numpy arrays) stays a few megabytes."""
import io
import tracemalloc
import zipfile

import pytest

from bp_desktop.cli import main
from bp_desktop.data import DatasetError
from bp_desktop.io import WeightsFileError, load_dataset, load_mat_dataset, load_weights
from bp_desktop.io.mat_dataset import MAX_DATASET_VALUES
from bp_desktop.io.session import MAX_SESSION_ARRAY_BYTES, SessionFileError, load_session
from bp_desktop.io.thetas import MAX_WEIGHT_VALUES

from .bombs import mat_bomb, npy_bomb_member, text_zip_bomb

PEAK_LIMIT = 32 * 2**20


def refused_cheaply(load, path, error, match, peak_limit=PEAK_LIMIT):
    tracemalloc.start()
    try:
        with pytest.raises(error, match=match):
            load(path)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < peak_limit, f"peak {peak / 2**20:.0f} MiB"


def test_the_limits_allow_real_work():
    assert MAX_WEIGHT_VALUES > 10 * (785 * 512 + 513 * 512 + 513 * 10)  # 784-512-512-10
    assert MAX_DATASET_VALUES > 70_000 * 785                              # MNIST with labels


def test_a_mat_weights_bomb_is_refused_before_decompressing(tmp_path):
    # 1000 × 40,000 int8 zeros: 40 MB inside, 320 MB as float64, a few hundred kB on disk
    path = mat_bomb(tmp_path / "bomb.mat", "Theta1", (1000, 40_000))
    refused_cheaply(load_weights, path, WeightsFileError,
                    r"bomb.mat: variable Theta1 is 1000×40000: the variables hold more than "
                    r"33,554,432 values in all")


def test_a_mat_dataset_bomb_is_refused_before_decompressing(tmp_path):
    path = mat_bomb(tmp_path / "bomb.mat", "X", (1000, 70_000))
    refused_cheaply(load_mat_dataset, path, DatasetError,
                    r"bomb.mat: variable X is 1000×70000: the variables hold more than "
                    r"67,108,864 values")
    refused_cheaply(load_dataset, path, DatasetError, "more than 67,108,864 values")


def test_a_mat_variable_holding_more_data_than_its_shape_is_refused(tmp_path):
    path = mat_bomb(tmp_path / "liar.mat", "Theta1", (2, 3), data_bytes=10_000_000)
    refused_cheaply(load_weights, path, WeightsFileError, "declares .* bytes, more than its shape 2×3")


def test_the_issues_mat_bomb_on_the_command_line_is_a_clear_error(tmp_path, capsys):
    path = mat_bomb(tmp_path / "bomb.mat", "X", (1000, 70_000))
    assert main(["train", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("bp-desktop train: bomb.mat: variable X is 1000×70000") and "Traceback" not in err


def test_an_npz_bomb_is_refused_before_decompressing(tmp_path):
    path = tmp_path / "bomb.npz"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        npy_bomb_member(archive, "Theta1.npy", (1000, 20_000))  # int8, 160 MB as float64
    refused_cheaply(load_weights, path, WeightsFileError,
                    r"array 'Theta1.npy' \(1000×20000 int8\) takes the arrays past 134.2 MB")


def test_a_session_bomb_is_refused_before_decompressing(tmp_path):
    path = tmp_path / "bomb.bpsession"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        archive.writestr("session.json", "{}")
        npy_bomb_member(archive, "history.npy", (MAX_SESSION_ARRAY_BYTES // 8 + 1,))
    refused_cheaply(load_session, path, SessionFileError, r"array 'history.npy' .* takes the arrays past")


def test_a_csv_weights_zip_bomb_stops_at_the_value_limit(tmp_path):
    # 20 M zeros in 40 MB of text: reading stops at 16.8 M values, 2 bytes each
    path = text_zip_bomb(tmp_path / "bomb.zip", "Theta1.csv", b"0," * 999 + b"0\n", 20_000)
    refused_cheaply(load_weights, path, WeightsFileError,
                    "Theta1.csv: the CSV files hold more than 16,777,216 numbers",
                    peak_limit=2 * MAX_WEIGHT_VALUES + PEAK_LIMIT)


def test_a_json_weights_file_with_too_many_numbers_is_refused_before_parsing(tmp_path):
    path = tmp_path / "big.json"
    path.write_bytes(b'{"thetas": [[' + b"0," * (MAX_WEIGHT_VALUES + 2**20 + 1) + b"0]]}")
    refused_cheaply(load_weights, path, WeightsFileError, "holds more than 16,777,216 numbers",
                    peak_limit=path.stat().st_size + PEAK_LIMIT)  # the file is read, not parsed


def test_npz_files_within_the_limits_still_load(tmp_path):
    import numpy as np
    buffer = io.BytesIO()
    np.savez_compressed(buffer, Theta1=np.ones((3, 4)))
    (tmp_path / "w.npz").write_bytes(buffer.getvalue())
    network, _ = load_weights(tmp_path / "w.npz")
    assert list(network.layer_sizes) == [3, 3]
