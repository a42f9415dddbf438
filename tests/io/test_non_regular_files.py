"""FIFOs, devices and folders are refused with a clear message, without blocking.

The FIFO fixture keeps a writer waiting on the pipe that closes it at once, so a loader
that opened the pipe blocking would read an empty file instead of hanging the suite:
the tests then fail on the message, not by never ending.
"""
import os
import threading

import pytest

from bp_desktop.data import DatasetError, load_csv
from bp_desktop.data.regular_files import NotRegularFileError, read_regular_file
from bp_desktop.io import WeightsFileError, load_dataset, load_mat_dataset, load_weights
from bp_desktop.io.session import SessionFileError, load_session

pytestmark = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX")


@pytest.fixture
def fifo(tmp_path):
    def make(name):
        path = tmp_path / name
        os.mkfifo(path)
        writer = threading.Thread(target=lambda: open(path, "wb").close(), daemon=True)
        writer.start()
        made.append((path, writer))
        return path

    made = []
    yield make
    for path, writer in made:
        # Opening read-write never blocks (Linux) and holds a reader until the writer,
        # whether it is waiting already or has yet to open, has come and gone.
        reader = os.open(path, os.O_RDWR)
        writer.join()
        os.close(reader)


LOADERS = {
    "data.csv": (load_csv, DatasetError),
    "data.mat": (load_mat_dataset, DatasetError),
    "weights.json": (load_weights, WeightsFileError),
    "weights.mat": (load_weights, WeightsFileError),
    "weights.npz": (load_weights, WeightsFileError),
    "weights.zip": (load_weights, WeightsFileError),
    "run.bpsession": (load_session, SessionFileError),
}


@pytest.mark.parametrize("name", sorted(LOADERS))
def test_a_fifo_is_refused_by_every_loader(fifo, name):
    load, error = LOADERS[name]
    with pytest.raises(error, match=rf"{name}.*named pipe \(FIFO\), not a regular file"):
        load(fifo(name))


@pytest.mark.parametrize("name", ["data.csv", "data.mat"])
def test_load_dataset_refuses_a_fifo(fifo, name):
    with pytest.raises(DatasetError, match="named pipe"):
        load_dataset(fifo(name))


@pytest.mark.parametrize("name", ["data.csv", "data.mat", "weights.json", "run.bpsession"])
def test_a_device_is_refused(tmp_path, name):
    if not os.path.exists("/dev/zero"):
        pytest.skip("no /dev/zero")
    link = tmp_path / name
    link.symlink_to("/dev/zero")
    load, error = LOADERS[name]
    with pytest.raises(error, match="it is a device, not a regular file"):
        load(link)


@pytest.mark.parametrize("name", ["data.csv", "data.mat", "run.bpsession"])  # a weights folder is a format
def test_a_folder_is_refused(tmp_path, name):
    (tmp_path / name).mkdir()
    load, error = LOADERS[name]
    with pytest.raises(error, match="it is a folder, not a regular file"):
        load(tmp_path / name)


def test_a_fifo_inside_a_csv_weights_folder_is_refused(fifo, tmp_path):
    folder = tmp_path / "weights"
    folder.mkdir()
    os.mkfifo(folder / "Theta1.csv")
    with pytest.raises(WeightsFileError, match="Theta1.csv.*not a file"):
        load_weights(folder)


def test_read_regular_file_reads_a_regular_file_and_says_what_else_it_got(fifo, tmp_path):
    (tmp_path / "a.txt").write_bytes(b"abc")
    assert read_regular_file(tmp_path / "a.txt", 10) == b"abc"
    with pytest.raises(NotRegularFileError) as caught:
        read_regular_file(fifo("pipe"), 10)
    assert caught.value.strerror == "it is a named pipe (FIFO), not a regular file"
