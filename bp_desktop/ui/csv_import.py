"""File ▸ Open dataset for a CSV file: a small dialog that shows how the file will be read
(the delimiter, the header, the first rows) and lets the user choose the label column,
with the number of classes that column gives. The choice is remembered per file.

The reading itself is the loader's (`preview_csv`); this module only shows it.
"""
from __future__ import annotations

import hashlib
import os
from pathlib import Path

from PySide6.QtCore import QSettings
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (QComboBox, QDialog, QDialogButtonBox, QFormLayout, QLabel,
                               QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget)

from bp_desktop.data import DatasetError
from bp_desktop.data.csv_loader import CsvPreview, preview_csv
from bp_desktop.data.dataset import MAX_CLASSES

PREVIEW_ROWS = 12
SETTINGS_GROUP = "csvImport"
_DELIMITER_NAMES = {",": "comma (,)", ";": "semicolon (;)", "\t": "tab", " ": "spaces"}
_LABEL_BACKGROUND = QColor(255, 236, 179)  # the label column, in the table and the legend


class CsvImportDialog(QDialog):
    """Shows a CSV file's preview; `label_column()` is the user's choice."""

    def __init__(self, path: str | os.PathLike, preview: CsvPreview, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("csvImportDialog")
        self.setWindowTitle(f"Open {Path(path).name}")
        self.path, self.preview = Path(path), preview
        self.label_box = QComboBox(objectName="labelColumnCombo")
        for j, name in enumerate(preview.column_names):
            shown = name if name == f"column {j + 1}" else f"{name} (column {j + 1})"
            self.label_box.addItem(shown, j)
        self.label_box.setCurrentIndex(preview.label_column)
        self.classes = QLabel(objectName="classCountLabel")
        self.table = QTableWidget(objectName="csvPreviewTable")
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Open
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self._lay_out()
        self.label_box.currentIndexChanged.connect(self._show_label_column)
        self._show_label_column()

    def label_column(self) -> int:
        """The chosen label column, 0-based."""
        return int(self.label_box.currentData())

    def _lay_out(self) -> None:
        form = QFormLayout()
        form.addRow("Delimiter", QLabel(_DELIMITER_NAMES.get(self.preview.delimiter,
                                                             repr(self.preview.delimiter))))
        form.addRow("Header row", QLabel("yes: the first row names the columns"
                                         if self.preview.header else "none: every row is an example"))
        form.addRow("Label column", self.label_box)
        form.addRow("Classes", self.classes)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setSelectionMode(QTableWidget.SelectionMode.NoSelection)
        self.table.verticalHeader().hide()  # its 1, 2, … would read as file lines, which they are not
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        rows = len(self.preview.rows)
        layout.addWidget(QLabel(f"The first {rows} row{'s' * (rows != 1)}; every other column is a "
                                "feature and must hold numbers:"))
        layout.addWidget(self.table)
        layout.addWidget(self.buttons)

    def _show_label_column(self) -> None:
        label = self.label_column()
        self.table.clear()
        self.table.setColumnCount(self.preview.columns)
        self.table.setRowCount(len(self.preview.rows))
        self.table.setHorizontalHeaderLabels(
            [f"{name}\n(label)" if j == label else name for j, name in enumerate(self.preview.column_names)])
        for i, row in enumerate(self.preview.rows):
            for j, cell in enumerate(row[:self.preview.columns]):
                item = QTableWidgetItem(cell.strip())
                if j == label:
                    item.setBackground(QBrush(_LABEL_BACKGROUND))
                    font = QFont(item.font())
                    font.setBold(True)
                    item.setFont(font)
                self.table.setItem(i, j, item)
        self.table.resizeColumnsToContents()
        self._fit_table()
        self.classes.setText(self._class_count_text(label))

    def _fit_table(self) -> None:
        """Room for the whole preview where it fits: up to 900 × 8 rows, scrolling beyond."""
        frame = 2 * self.table.frameWidth()
        width = self.table.horizontalHeader().length() + frame + self.table.verticalScrollBar().sizeHint().width()
        rows = min(self.table.rowCount(), 8)
        height = (self.table.horizontalHeader().height() + frame
                  + sum(self.table.rowHeight(i) for i in range(rows))
                  + self.table.horizontalScrollBar().sizeHint().height())
        self.table.setMinimumSize(min(max(width, 420), 900), height)

    def _class_count_text(self, label: int) -> str:
        count, preview = self.preview.class_counts[label], self.preview
        where = "" if preview.complete else f" in the first {preview.rows_counted:,} rows"
        text = f"{count:,} different label{'s' * (count != 1)}{where}"
        if count > MAX_CLASSES:
            text += f": too many (at most {MAX_CLASSES}); is this the label column?"
        elif count < 2 and preview.complete:
            text += ": a classifier needs at least two classes"
        words = [preview.column_names[j] for j in range(preview.columns)
                 if j != label and not preview.numeric[j]]
        if words:
            text += (f"\n{', '.join(words[:3])}{', …' if len(words) > 3 else ''} "
                     f"hold{'s' * (len(words) == 1)} text, but a feature must hold numbers")
        return text


def remembered_label_column(settings: QSettings, path: str | os.PathLike) -> int | None:
    """The label column chosen for this file last time, or None."""
    value = settings.value(_settings_key(path))
    try:
        return None if value is None else int(value)
    except (TypeError, ValueError):
        return None


def remember_label_column(settings: QSettings, path: str | os.PathLike, column: int) -> None:
    settings.setValue(_settings_key(path), int(column))


def ask_label_column(parent: QWidget, path: str | os.PathLike,
                     settings: QSettings) -> tuple[bool, int | None]:
    """Show the dialog for a CSV file: (open it?, the chosen label column), the choice
    remembered for next time. A file that cannot even be previewed is opened without asking
    (label None), so that loading it says why."""
    try:
        preview = _preview(path, remembered_label_column(settings, path))
    except DatasetError:
        return True, None
    dialog = CsvImportDialog(path, preview, parent)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return False, None
    remember_label_column(settings, path, dialog.label_column())
    return True, dialog.label_column()


def _preview(path: str | os.PathLike, remembered: int | None) -> CsvPreview:
    if remembered is not None:
        try:
            return preview_csv(path, rows=PREVIEW_ROWS, label_column=remembered)
        except DatasetError:
            pass  # the file has changed since: guess afresh
    return preview_csv(path, rows=PREVIEW_ROWS)


def _settings_key(path: str | os.PathLike) -> str:
    # a digest, since a path's slashes would nest QSettings groups
    digest = hashlib.sha256(os.path.abspath(path).encode("utf-8", "surrogatepass")).hexdigest()[:32]
    return f"{SETTINGS_GROUP}/{digest}"
