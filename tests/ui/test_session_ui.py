"""File ▸ Save/Open session, Recent files and Export picture, through the window's actions."""
import xml.etree.ElementTree as ET

import numpy as np
import pytest
from PySide6.QtCore import QSettings
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QFileDialog, QMenu

from bp_desktop.workbench.sessions import load_session
from bp_desktop.ui.files import MAX_RECENT, RecentFiles

from .windows import action, open_window, skip_csv_import_dialog, step


@pytest.fixture
def settings(tmp_path):
    return QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)


@pytest.fixture
def window(qtbot, tmp_path, monkeypatch):
    w = open_window(qtbot, tmp_path, "moons", m=80, noise=0.1, seed=0)
    monkeypatch.setattr(w, "ask", lambda question: True)
    yield w
    w.shutdown()


def save_dialog_returns(monkeypatch, path, chosen=""):
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(path), chosen))


def open_dialog_returns(monkeypatch, path):
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(path), ""))


def test_the_new_actions_have_shortcuts_names_and_tips(window):
    for name, shortcut in (("actionSaveSession", "Ctrl+S"), ("actionOpenSession", "Ctrl+Shift+O"),
                           ("actionExportPicture", "Ctrl+Shift+E")):
        a = action(window, name)
        assert a.shortcut().toString() == shortcut and a.toolTip(), name
    file_menu = window.menuBar().actions()[0].menu()
    assert window.findChild(QMenu, "menuRecentFiles") in [a.menu() for a in file_menu.actions()]


def test_save_then_open_continues_the_run_exactly(qtbot, window, tmp_path, monkeypatch):
    window.controls.optimizer.setCurrentIndex(window.controls.optimizer.findData("momentum"))
    window.controls.alpha.setValue(0.7)
    step(qtbot, window, 3)
    path = tmp_path / "moons"
    save_dialog_returns(monkeypatch, path)
    action(window, "actionSaveSession").trigger()
    saved = path.with_suffix(".bpsession")
    assert saved.exists() and load_session(saved).iteration == 3
    expected = step(qtbot, window)                        # iteration 4 of the uninterrupted run
    params = window.model.engine.run.network.params.copy()

    window.controls.alpha.setValue(0.1)                    # the session must bring its own settings back
    window.controls.hidden.setText("3")
    open_dialog_returns(monkeypatch, saved)
    action(window, "actionOpenSession").trigger()
    run = window.model.engine.run
    assert run.iteration == 3 and window.model.snapshot.iteration == 3
    assert run.hyper.optimizer == "momentum" and run.hyper.alpha == 0.7
    assert window.controls.alpha.value() == 0.7 and window.controls.hidden.text() == "8"
    assert window.cost_plot.point_count() > 0             # the history came back into the plot
    resumed = step(qtbot, window)
    assert resumed.iteration == 4 and resumed.cost == expected.cost
    assert np.array_equal(window.model.engine.run.network.params, params)


def test_a_bad_session_file_changes_nothing(qtbot, window, tmp_path, monkeypatch):
    bad = tmp_path / "broken.bpsession"
    bad.write_bytes(b"PK\x03\x04 this is no zip")
    before = window.model.engine.run
    open_dialog_returns(monkeypatch, bad)
    action(window, "actionOpenSession").trigger()
    assert "broken.bpsession" in window.last_error
    assert window.model.engine.run is before


def test_changing_a_stop_criterion_reaches_the_run(window):
    window.controls.max_iterations.setValue(50)
    assert window.model.engine.run.stop_criteria.max_iterations == 50


# --- recent files --------------------------------------------------------------------------------
def test_saved_opened_and_exported_files_appear_in_recent_files(qtbot, window, tmp_path, monkeypatch):
    csv = tmp_path / "points.csv"
    csv.write_text("x1,x2,label\n" + "".join(f"{i},{i % 3},{'ab'[i % 2]}\n" for i in range(20)))
    open_dialog_returns(monkeypatch, csv)
    skip_csv_import_dialog(monkeypatch)
    action(window, "actionOpenDataset").trigger()
    qtbot.waitUntil(lambda: window.model.workspace.dataset.source == str(csv), timeout=5000)
    assert window.commands.save_session_to(str(tmp_path / "a.bpsession"))
    assert window.commands.save_weights_to(str(tmp_path / "w.npz"))
    assert [kind for kind, _ in window.recent.entries()] == ["weights", "session", "dataset"]
    menu = window.findChild(QMenu, "menuRecentFiles")
    first = [a for a in menu.actions() if a.objectName() == "actionRecentFile1"][0]
    assert "w.npz" in first.text() and first.toolTip() and not first.shortcut().isEmpty()
    # the list lives in the settings: a new window sees it
    twin = RecentFiles(window.settings, QMenu(), lambda kind, path: None)
    assert twin.entries() == window.recent.entries()


def test_picking_a_recent_session_opens_it(qtbot, window, tmp_path):
    step(qtbot, window, 2)
    path = tmp_path / "two.bpsession"
    assert window.commands.save_session_to(str(path))
    window.reset()
    assert window.model.engine.run.iteration == 0
    menu = window.findChild(QMenu, "menuRecentFiles")
    [a for a in menu.actions() if a.objectName() == "actionRecentFile1"][0].trigger()
    assert window.model.engine.run.iteration == 2


def test_a_vanished_recent_file_is_dropped_with_a_message(window, tmp_path):
    gone = tmp_path / "gone.bpsession"
    window.recent.add("session", gone)
    window.commands.open_recent("session", str(gone))
    assert "gone.bpsession" in window.last_error
    assert window.recent.entries() == []


def test_recent_files_keep_the_newest_eight_without_duplicates(settings):
    recent = RecentFiles(settings, QMenu(), lambda kind, path: None)
    for i in range(MAX_RECENT + 3):
        recent.add("dataset", f"/data/{i}.csv")
    recent.add("dataset", "/data/5.csv")
    paths = [p for _, p in recent.entries()]
    assert len(paths) == MAX_RECENT and paths[0] == "/data/5.csv" and paths.count("/data/5.csv") == 1
    assert "/data/0.csv" not in paths
    recent.clear()
    assert recent.entries() == []
    settings.setValue(RecentFiles.SETTINGS_KEY, "not json [")
    assert recent.entries() == []


# --- pictures -------------------------------------------------------------------------------------------
@pytest.mark.parametrize("view", ["canvas", "cost"])
def test_pictures_of_the_canvas_and_the_cost_plot(qtbot, window, tmp_path, view):
    step(qtbot, window, 3)
    png, svg = tmp_path / f"{view}.png", tmp_path / f"{view}.svg"
    assert window.commands.export_picture_to(str(png), view) and window.commands.export_picture_to(str(svg), view)
    image = QImage(str(png))
    assert not image.isNull() and image.width() > 100 and image.height() > 50
    assert len({image.pixel(x, image.height() // 2) for x in range(0, image.width(), 5)}) > 1  # not blank
    root = ET.parse(svg).getroot()
    assert root.tag.endswith("svg")
    drawn = [e for e in root.iter() if e.tag.split("}")[-1] in ("path", "polyline", "ellipse", "rect", "text")]
    assert len(drawn) > 5


def test_export_picture_action_uses_the_chosen_view_and_format(qtbot, window, tmp_path, monkeypatch):
    save_dialog_returns(monkeypatch, tmp_path / "curve", "Cost plot as SVG drawing (*.svg)")
    action(window, "actionExportPicture").trigger()
    assert (tmp_path / "curve.svg").read_text().lstrip().startswith("<?xml")
    save_dialog_returns(monkeypatch, tmp_path / "net.png", "Network canvas as PNG image (*.png)")
    action(window, "actionExportPicture").trigger()
    assert (tmp_path / "net.png").read_bytes().startswith(b"\x89PNG")


def test_a_picture_with_an_unknown_suffix_is_refused(window, tmp_path):
    assert not window.commands.export_picture_to(str(tmp_path / "net.bmp"), "canvas")
    assert "net.bmp" in window.last_error and not (tmp_path / "net.bmp").exists()
