"""Help ▸ Course check: the course's checkNNGradients as ex4.m prints it, to hold a student's
own Octave output next to, line by line. The text comes from the core; this only shows it."""
from __future__ import annotations

from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QPlainTextEdit, QVBoxLayout, QWidget


class CourseCheckDialog(QDialog):
    def __init__(self, report: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("courseCheckDialog")
        self.setWindowTitle("Course check: checkNNGradients and sigmoidGradient")
        self.text = QPlainTextEdit(report)
        self.text.setObjectName("courseCheckText")
        self.text.setReadOnly(True)
        self.text.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        # a fixed-width font: the two columns line up as in Octave's terminal
        self.text.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.text)
        layout.addWidget(buttons)
        metrics = self.text.fontMetrics()
        self.resize(metrics.horizontalAdvance("x" * 100), metrics.lineSpacing() * 40)
