"""The canvas legend: what the colours of edges and units mean, with their fixed scales."""
from __future__ import annotations

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QLinearGradient, QPainter
from PySide6.QtWidgets import QWidget

from ..palette import diverging_color
from .notation import fmt


class Legend(QWidget):
    BAR_W, BAR_H, ROW_H = 150, 10, 30

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self._rows: list[tuple[str, float | None]] = []
        self.resize(self.BAR_W + 20, 2 * self.ROW_H + 10)

    def set_scales(self, edge_label: str, edge_scale, unit_label: str, unit_scale) -> None:
        self._rows = [(edge_label, edge_scale), (unit_label, unit_scale)]
        self.update()

    def paintEvent(self, event):
        painter = QPainter(self)
        painter.fillRect(self.rect(), QColor(255, 255, 255, 225))
        painter.setPen(QColor("#999999"))
        painter.drawRect(self.rect().adjusted(0, 0, -1, -1))
        font = painter.font()
        font.setPointSizeF(8)
        painter.setFont(font)
        for row, (label, scale) in enumerate(self._rows):
            top = 5 + row * self.ROW_H
            painter.setPen(QColor("#222222"))
            ends = f"  −{fmt(scale)} … +{fmt(scale)}" if scale else ""
            painter.drawText(QRectF(10, top, self.BAR_W + 10, 12), f"{label}{ends}")
            gradient = QLinearGradient(10, 0, 10 + self.BAR_W, 0)
            for stop in (0.0, 0.25, 0.5, 0.75, 1.0):
                gradient.setColorAt(stop, diverging_color(2 * stop - 1, 1.0))
            painter.fillRect(QRectF(10, top + 14, self.BAR_W, self.BAR_H), gradient)
        painter.end()
