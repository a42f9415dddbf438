"""Shared helpers for the tests that drive the main window."""
from __future__ import annotations

from PySide6.QtCore import QSettings
from PySide6.QtGui import QAction

from bp_desktop.ui.main_window import MainWindow


def open_window(qtbot, tmp_path, dataset: str, **params) -> MainWindow:
    """A shown main window on a built-in dataset, with its settings in tmp_path."""
    window = MainWindow(QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(window)
    assert window.commands.load_builtin(dataset, **params)
    window.resize(1400, 900)
    window.show()
    qtbot.waitExposed(window)
    return window


def action(window, name) -> QAction:
    found = window.findChild(QAction, name)
    assert found is not None, name
    return found


def skip_csv_import_dialog(monkeypatch) -> None:
    """File ▸ Open dataset opens a CSV without its import dialog (label column: the guess),
    for tests about something else; tests/ui/test_csv_import.py drives the dialog."""
    monkeypatch.setattr("bp_desktop.ui.commands.ask_label_column", lambda *args: (True, None))


def step(qtbot, window, n=1):
    """Step n iterations, wait until the window shows the last one, and return what it shows."""
    target = window.model.snapshot.iteration + n
    with qtbot.waitSignal(window.model.engine.snapshot_ready, timeout=5000,
                          check_params_cb=lambda s: s.iteration == target):
        window.model.step(n)
    return window.model.snapshot
