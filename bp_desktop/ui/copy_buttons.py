"""Copy as Markdown / Copy as LaTeX: the worked arithmetic on screen, onto the clipboard."""
from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QGuiApplication
from PySide6.QtWidgets import QHBoxLayout, QMenu, QToolButton, QWidget

from bp_desktop.workbench.mathtext import to_latex, to_markdown

FORMATS = {"Markdown": to_markdown, "LaTeX": to_latex}


class CopyButtons(QWidget):
    """Two buttons (and their actions, `<prefix>CopyMarkdown` / `<prefix>CopyLatex`) that put
    `blocks()` — the document the view shows — on the clipboard as Markdown (math in $…$) or
    LaTeX."""

    def __init__(self, blocks: Callable[[], list], prefix: str, parent=None, compact: bool = False):
        """compact: one "Copy" button with a menu of both (a narrow dock stays narrow)."""
        super().__init__(parent)
        self._blocks = blocks
        self.actions_by_format = {}
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        for name in FORMATS:
            action = QAction(f"Copy as {name}", self)
            action.setObjectName(f"{prefix}Copy{name.capitalize()}")
            action.setToolTip(f"Put the worked arithmetic on screen on the clipboard as {name}"
                              + (" (math in $…$)" if name == "Markdown" else ""))
            action.triggered.connect(lambda *_, name=name: self.copy(name))
            self.actions_by_format[name] = action
            if not compact:
                row.addWidget(_button(action))
        if compact:
            menu = QMenu(self)
            menu.addActions(list(self.actions_by_format.values()))
            button = _button(None)
            button.setText("Copy as ▾")
            button.setToolTip("Copy the explanation with its numbers as Markdown or LaTeX")
            button.setMenu(menu)
            button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
            row.addWidget(button)
            row.addStretch(1)

    def text(self, name: str) -> str:
        return FORMATS[name](self._blocks())

    def copy(self, name: str) -> None:
        QGuiApplication.clipboard().setText(self.text(name))


def _button(action) -> QToolButton:
    button = QToolButton()
    if action is not None:
        button.setDefaultAction(action)
    button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    return button
