"""The canvas legend: what the colours of edges and units mean, with their fixed scales."""
from __future__ import annotations

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QLinearGradient, QPainter
from PySide6.QtWidgets import QWidget

from ..palette import diverging_color
from .notation import fmt


class Legend(QWidget):
    BAR_W, BAR_H, ROW_H = 150, 10, 30

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self._rows: list[tuple[str, float | None]] = []
        self._text_w = self.BAR_W
        self.resize(self.BAR_W + 20, 2 * self.ROW_H + 10)

    def set_scales(self, edge_label: str, edge_scale, unit_label: str, unit_scale) -> None:
        self._rows = [(edge_label, edge_scale), (unit_label, unit_scale)]
        metrics = QFontMetrics(self._font())
        widest = max(metrics.horizontalAdvance(self._row_text(label, scale)) for label, scale in self._rows)
        self._text_w = max(self.BAR_W, widest + 4)
        self.resize(self._text_w + 20, 2 * self.ROW_H + 10)  # as wide as its longest label
        self.update()

    def row_texts(self) -> list[str]:
        return [self._row_text(label, scale) for label, scale in self._rows]

    @staticmethod
    def _row_text(label: str, scale) -> str:
        return f"{label}  −{fmt(scale)} … +{fmt(scale)}" if scale else label

    def _font(self) -> QFont:
        font = QFont(self.font())
        font.setPointSizeF(8)
        return font

    def paintEvent(self, event):
        painter = QPainter(self)
        painter.fillRect(self.rect(), QColor(255, 255, 255, 225))
        painter.setPen(QColor("#999999"))
        painter.drawRect(self.rect().adjusted(0, 0, -1, -1))
        painter.setFont(self._font())
        for row, text in enumerate(self.row_texts()):
            top = 5 + row * self.ROW_H
            painter.setPen(QColor("#222222"))
            painter.drawText(QRectF(10, top, self._text_w + 4, 12), text)
            gradient = QLinearGradient(10, 0, 10 + self.BAR_W, 0)
            for stop in (0.0, 0.25, 0.5, 0.75, 1.0):
                gradient.setColorAt(stop, diverging_color(2 * stop - 1, 1.0))
            painter.fillRect(QRectF(10, top + 14, self.BAR_W, self.BAR_H), gradient)
        painter.end()
