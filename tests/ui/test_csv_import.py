"""The CSV import dialog: preview, guessed delimiter and label column, class count, the
user's choice by real clicks, remembered per file; and programmatic loads without it."""
import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QComboBox, QDialogButtonBox, QFileDialog, QLabel, QTableWidget

from bp_desktop.data.csv_loader import preview_csv
from bp_desktop.ui.csv_import import CsvImportDialog, remembered_label_column

from .windows import action, open_window

IRIS_FIRST = ("species,sepal length,sepal width\n"
              + "".join(f"{name},{5 + k / 10:.1f},{3 + k / 20:.2f}\n"
                        for k, name in enumerate(["setosa", "versicolor", "virginica"] * 8)))


@pytest.fixture
def window(qtbot, tmp_path):
    w = open_window(qtbot, tmp_path, "xor", m=40, noise=0.1, seed=0)
    yield w
    w.shutdown()


@pytest.fixture
def iris_first(tmp_path):
    path = tmp_path / "iris_first.csv"
    path.write_text(IRIS_FIRST)
    return path


def parts(dialog):
    return (dialog.findChild(QComboBox, "labelColumnCombo"), dialog.findChild(QLabel, "classCountLabel"),
            dialog.findChild(QTableWidget, "csvPreviewTable"), dialog.findChild(QDialogButtonBox))


def choose(qtbot, combo, index):
    """Pick an entry of a combo box with the mouse: open its list, click the entry."""
    qtbot.mouseClick(combo, Qt.MouseButton.LeftButton)
    view = combo.view()
    qtbot.waitUntil(view.isVisible, timeout=3000)
    rect = view.visualRect(view.model().index(index, 0))
    # move first, as a hand does: a release right where the press opened the list is ignored
    qtbot.mouseMove(view.viewport(), rect.center())
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.waitUntil(lambda: combo.currentIndex() == index and not view.isVisible(), timeout=3000)


def click_button(qtbot, buttons, which):
    qtbot.mouseClick(buttons.button(which), Qt.MouseButton.LeftButton)


def test_the_dialog_shows_the_guess_and_the_user_chooses_by_clicking(qtbot, iris_first):
    dialog = CsvImportDialog(iris_first, preview_csv(iris_first, rows=5))
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    combo, classes, table, buttons = parts(dialog)
    assert dialog.objectName() == "csvImportDialog"
    assert combo.currentIndex() == 0 and combo.itemText(0) == "species (column 1)"
    assert classes.text() == "3 different labels"
    assert (table.rowCount(), table.columnCount()) == (5, 3)
    assert table.item(0, 0).text() == "setosa" and "(label)" in table.horizontalHeaderItem(0).text()
    assert "comma" in " ".join(label.text() for label in dialog.findChildren(QLabel))
    choose(qtbot, combo, 2)
    assert classes.text() == ("24 different labels\n"  # every width differs: not a label column
                              "species holds text, but a feature must hold numbers")
    assert "(label)" in table.horizontalHeaderItem(2).text()
    with qtbot.waitSignal(dialog.accepted, timeout=3000):
        click_button(qtbot, buttons, QDialogButtonBox.StandardButton.Open)
    assert dialog.label_column() == 2


def drive_import_dialog(qtbot, choice=None, button=QDialogButtonBox.StandardButton.Open):
    """Once File ▸ Open dataset shows the dialog (modal, in its own event loop), click."""
    seen = {}

    def act():
        dialog = QApplication.activeModalWidget()
        if dialog is None or dialog.objectName() != "csvImportDialog":
            QTimer.singleShot(20, act)
            return
        combo, classes, _, buttons = parts(dialog)
        seen["guess"], seen["classes"] = combo.currentIndex(), classes.text()
        if choice is not None:
            choose(qtbot, combo, choice)
        click_button(qtbot, buttons, button)
        seen["done"] = True
    QTimer.singleShot(0, act)
    return seen


def test_opening_a_csv_from_the_menu_asks_and_remembers_the_label_column(qtbot, window, iris_first,
                                                                          monkeypatch):
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(iris_first), ""))
    seen = drive_import_dialog(qtbot)
    action(window, "actionOpenDataset").trigger()
    qtbot.waitUntil(lambda: window.workspace.dataset.source == str(iris_first), timeout=10000)
    assert seen == {"guess": 0, "classes": "3 different labels", "done": True}
    dataset = window.workspace.dataset
    assert dataset.class_names == ["setosa", "versicolor", "virginica"]
    assert dataset.feature_names == ["sepal length", "sepal width"]
    assert remembered_label_column(window.settings, iris_first) == 0


def test_a_remembered_choice_is_shown_next_time_and_used_by_programmatic_loads(qtbot, window, tmp_path,
                                                                               monkeypatch):
    path = tmp_path / "numbers.csv"
    path.write_text("a,b,c\n" + "".join(f"{k % 2},{k},{k % 5}\n" for k in range(20)))
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(path), ""))
    seen = drive_import_dialog(qtbot, choice=0)
    action(window, "actionOpenDataset").trigger()
    qtbot.waitUntil(lambda: window.workspace.dataset.source == str(path), timeout=10000)
    assert seen["guess"] == 2 and window.workspace.dataset.feature_names == ["b", "c"]
    seen = drive_import_dialog(qtbot)  # shown again, with the remembered choice
    action(window, "actionOpenDataset").trigger()
    qtbot.waitUntil(lambda: seen.get("done"), timeout=10000)
    assert seen["guess"] == 0 and seen["classes"] == "2 different labels"
    window.load_builtin("xor", m=40, noise=0.1, seed=0)
    window.load_file(str(path))  # no dialog: the remembered column
    qtbot.waitUntil(lambda: window.workspace.dataset.source == str(path), timeout=10000)
    assert window.workspace.dataset.feature_names == ["b", "c"]


def test_cancel_loads_nothing(qtbot, window, iris_first, monkeypatch):
    before = window.workspace
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(iris_first), ""))
    seen = drive_import_dialog(qtbot, button=QDialogButtonBox.StandardButton.Cancel)
    action(window, "actionOpenDataset").trigger()
    assert seen.get("done") and window.workspace is before and window._loader is None
    assert remembered_label_column(window.settings, iris_first) is None


def test_a_programmatic_load_guesses_a_word_column_as_the_label(qtbot, window, iris_first):
    window.load_file(str(iris_first))
    qtbot.waitUntil(lambda: window.workspace.dataset.source == str(iris_first), timeout=10000)
    assert window.workspace.dataset.class_names == ["setosa", "versicolor", "virginica"]


def test_fractional_labels_show_a_warning_in_the_status_bar(qtbot, window, tmp_path):
    path = tmp_path / "measured.csv"
    path.write_text("a,b,y\n" + "".join(f"{k},{k % 3},{0.5 + k % 2}\n" for k in range(20)))
    window.load_file(str(path))
    qtbot.waitUntil(lambda: window.workspace.dataset.source == str(path), timeout=10000)
    assert "these labels look like numbers (0.5, 1.5" in window.status_labels["reason"].text()
