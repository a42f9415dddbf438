"""Bad dataset files in the window: an error appears and the progress bar goes away."""
import os

import pytest

from ..io.bombs import mat_bomb
from .windows import open_window


@pytest.fixture
def window(qtbot, tmp_path):
    w = open_window(qtbot, tmp_path, "xor", m=40, noise=0.1, seed=0)
    yield w
    w.shutdown()


def load_and_wait_for_error(qtbot, window, path):
    before = window.workspace
    window.load_file(str(path))
    qtbot.waitUntil(lambda: getattr(window, "last_error", None) is not None, timeout=10000)
    assert not window.progress.isVisible()
    assert window.workspace is before
    return window.last_error


def test_a_mat_bomb_shows_an_error_and_hides_the_progress_bar(qtbot, window, tmp_path):
    path = mat_bomb(tmp_path / "bomb.mat", "X", (1000, 70_000))
    assert "bomb.mat: variable X is 1000×70000: the variables hold more than" in \
        load_and_wait_for_error(qtbot, window, path)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX")
def test_a_fifo_as_dataset_shows_an_error(qtbot, window, tmp_path):
    path = tmp_path / "pipe.csv"
    os.mkfifo(path)
    assert "pipe.csv: cannot read the file (it is a named pipe (FIFO), not a regular file)" in \
        load_and_wait_for_error(qtbot, window, path)
