"""How the main window behaves around a run: its axes, start-up, closing, first hints."""
import types

import pytest
from PySide6.QtCore import QSettings, QTimer
from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox

from bp_desktop.app import parse_args
from bp_desktop.io.session import SUFFIX as SESSION_SUFFIX
from bp_desktop.io.session import load_session
from bp_desktop.ui.cost_plot import X_MIN
from bp_desktop.ui.launch import build_window
from bp_desktop.ui.main_window import MainWindow

REAL_ASK_UNSAVED = MainWindow.ask_unsaved  # before conftest answers it with Discard

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


def step_once(qtbot, window):
    target = window.snapshot.iteration + 1
    with qtbot.waitSignal(window.controller.snapshot_ready, timeout=5000,
                          check_params_cb=lambda s: s.iteration == target):
        action(window, "actionStep").trigger()


def answering(window, answer):
    """Replace the Save / Discard / Cancel question; returns the questions asked."""
    questions = []
    window.ask_unsaved = lambda question: questions.append(question) or answer
    return questions


def test_closing_with_unsaved_training_can_be_cancelled(qtbot, window):
    step_once(qtbot, window)
    questions = answering(window, "cancel")
    action(window, "actionQuit").trigger()
    assert len(questions) == 1 and "1 iterations is not saved" in questions[0]
    assert window.isVisible()
    step_once(qtbot, window)  # the trainer still works: nothing was shut down
    answering(window, "discard")


def test_closing_with_unsaved_training_can_discard_it(qtbot, window, tmp_path):
    step_once(qtbot, window)
    questions = answering(window, "discard")
    assert window.close()
    assert len(questions) == 1 and not window.isVisible()
    assert not list(tmp_path.glob("*.bps*"))


def test_closing_can_save_the_session_first(qtbot, window, tmp_path, monkeypatch):
    step_once(qtbot, window)
    step_once(qtbot, window)
    target = tmp_path / "kept"
    answering(window, "save")
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *args, **kwargs: ("", ""))
    assert not window.close()  # the file dialog was cancelled: nothing saved, still open
    assert window.isVisible()
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *args, **kwargs: (str(target), ""))
    assert window.close()
    assert load_session(str(target) + SESSION_SUFFIX).restore()[1].iteration == 2


def test_no_question_right_after_saving_the_session(qtbot, window, tmp_path):
    questions = answering(window, "cancel")
    step_once(qtbot, window)
    assert window.save_session_to(str(tmp_path / "saved") + SESSION_SUFFIX)
    assert window.close() and not questions


def test_training_on_after_a_save_asks_again_until_reset(qtbot, window, tmp_path):
    questions = answering(window, "cancel")
    step_once(qtbot, window)
    assert window.save_session_to(str(tmp_path / "saved") + SESSION_SUFFIX)
    step_once(qtbot, window)
    assert not window.close() and len(questions) == 1
    action(window, "actionReset").trigger()  # back at iteration 0: nothing to lose
    assert window.close() and len(questions) == 1


def test_an_untrained_network_closes_without_a_question(qtbot, window):
    questions = answering(window, "cancel")
    assert window.close() and not questions


def test_the_question_offers_save_discard_and_cancel(qtbot, window):
    step_once(qtbot, window)
    window.ask_unsaved = types.MethodType(REAL_ASK_UNSAVED, window)
    seen = []

    def answer_cancel():
        box = QApplication.activeModalWidget()
        seen.append({button.text().replace("&", "") for button in box.buttons()})
        box.button(QMessageBox.StandardButton.Cancel).click()

    QTimer.singleShot(0, answer_cancel)
    assert not window.close()
    assert window.isVisible()
    assert seen == [{"Save", "Discard", "Cancel"}]
    answering(window, "discard")


def test_a_first_run_hint_shows_until_the_first_training(qtbot, tmp_path):
    first = open_window(qtbot, tmp_path, "xor")
    hint = first.inspector.hint
    assert hint.isVisible() and hint.text() == "Press Train (Space), then click a unit"
    assert hint.objectName() == "firstRunHint"
    first.close()  # not trained yet: the next launch shows it again
    again = open_window(qtbot, tmp_path, "xor")
    assert again.inspector.hint.isVisible()
    step_once(qtbot, again)
    qtbot.waitUntil(lambda: not again.inspector.hint.isVisible())
    again.close()
    later = open_window(qtbot, tmp_path, "xor")  # trained once before: no hint any more
    assert not later.inspector.hint.isVisible()
    for window in (first, again, later):
        window.shutdown()
