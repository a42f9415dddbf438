"""How the main window behaves around a run: its axes, start-up, closing, first hints."""
import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication

from bp_desktop.app import parse_args
from bp_desktop.ui.cost_plot import X_MIN
from bp_desktop.ui.launch import build_window

from .windows import action, open_window


@pytest.fixture
def window(qtbot, tmp_path):
    w = open_window(qtbot, tmp_path, "xor", m=120, noise=0.1, seed=0)
    yield w
    w.shutdown()


def train_to(qtbot, window, iterations: int) -> None:
    with qtbot.waitSignal(window.controller.snapshot_ready, timeout=10000,
                          check_params_cb=lambda s: s.iteration >= iterations):
        window.step(iterations - window.snapshot.iteration)
    qtbot.waitUntil(lambda: window.cost_plot.point_count() >= iterations)


def shown_iterations(plot):
    """The left end of both plots' x ranges, and every iteration the axis labels."""
    low = min(axes.vb.viewRange()[0][0] for axes in (plot.cost_axes, plot.accuracy_axes))
    axis = plot.accuracy_axes.getAxis("bottom")
    ticks = [v for _spacing, values in axis.tickValues(*plot.cost_axes.vb.viewRange()[0], 600)
             for v in values]
    return low, ticks


@pytest.mark.parametrize("restart", ["actionReset", "actionBuildNetwork"])
def test_the_cost_plot_starts_at_iteration_0_after_a_restart(qtbot, window, restart):
    train_to(qtbot, window, 400)
    low, _ = shown_iterations(window.cost_plot)
    assert low >= X_MIN
    window.ask = lambda question: True
    action(window, restart).trigger()
    qtbot.waitUntil(lambda: window.cost_plot.point_count() == 0)
    low, ticks = shown_iterations(window.cost_plot)
    assert low >= X_MIN and min(ticks) == 0
    high = window.cost_plot.cost_axes.vb.viewRange()[0][1]
    assert high < 50  # the old run's 400 iterations are not kept as the width


def write_csv(path):
    rows = "".join(f"{i % 7},{(i * 3) % 5},{'ab'[i % 2]}\n" for i in range(40))
    path.write_text("width,height,kind\n" + rows)
    return path


def launch(qtbot, settings_path, *argv):
    """The window as `bp-desktop` builds it at start-up, with these settings."""
    window = build_window(QApplication.instance(), parse_args(list(argv)),
                          QSettings(str(settings_path), QSettings.Format.IniFormat))
    assert window is not None
    qtbot.addWidget(window)
    return window


def test_the_last_csv_is_reopened_at_launch(qtbot, tmp_path):
    csv = write_csv(tmp_path / "plants.csv")
    first = open_window(qtbot, tmp_path, "moons")
    first.load_file(str(csv))
    qtbot.waitUntil(lambda: first.workspace.dataset.source == str(csv), timeout=10000)
    first.close()
    first.shutdown()
    second = launch(qtbot, tmp_path / "settings.ini")
    try:
        assert second.workspace.dataset.source == str(csv)
        assert second.workspace.dataset.feature_names == ["width", "height"]
    finally:
        second.shutdown()


def test_a_last_csv_that_is_gone_falls_back_to_the_builtin_and_says_so(qtbot, tmp_path):
    csv = write_csv(tmp_path / "plants.csv")
    first = open_window(qtbot, tmp_path, "moons")
    assert first.load_file_now(str(csv))
    first.close()
    first.shutdown()
    csv.unlink()
    second = launch(qtbot, tmp_path / "settings.ini")
    try:
        assert second.workspace.dataset.source == "builtin:moons"  # the remembered built-in
        note = second.status_labels["reason"].text()
        assert str(csv) in note and "no longer exists" in note and "built-in" in note
    finally:
        second.shutdown()


def test_a_dataset_named_on_the_command_line_wins_over_the_last_one(qtbot, tmp_path):
    csv = write_csv(tmp_path / "plants.csv")
    first = open_window(qtbot, tmp_path, "moons")
    assert first.load_file_now(str(csv))
    first.close()
    first.shutdown()
    second = launch(qtbot, tmp_path / "settings.ini", "--dataset", "xor")
    try:
        assert second.workspace.dataset.source == "builtin:xor"
    finally:
        second.shutdown()
