"""Text that must fit where it is drawn: bias labels, the canvas legend, the layer table."""
import pytest
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import QGraphicsSimpleTextItem

from .test_main_window import step_once
from .windows import open_window


@pytest.fixture
def digits_window(qtbot, tmp_path):
    w = open_window(qtbot, tmp_path, "digits")
    w.resize(1600, 1000)  # the size the screenshots are taken at
    w.controls.hidden.setText("25")
    w.commands.rebuild_network()
    yield w
    w.shutdown()


def test_bias_labels_stay_inside_their_circles(digits_window):
    labels = [item for item in digits_window.canvas.scene().items()
              if isinstance(item, QGraphicsSimpleTextItem) and item.text() == "+1"]
    assert len(labels) == 2  # bias units of layers 1 and 2
    for label in labels:
        circle = label.parentItem().sceneBoundingRect()
        text = label.sceneBoundingRect()
        radius = circle.width() / 2 - 1  # inside the dashed pen
        for corner in (text.topLeft(), text.topRight(), text.bottomLeft(), text.bottomRight()):
            offset = corner - circle.center()
            assert offset.x() ** 2 + offset.y() ** 2 <= radius ** 2, (circle, text)


def test_canvas_legend_is_as_wide_as_its_longest_label(qtbot, digits_window):
    window = digits_window
    window.controls.example.setValue(0)  # t = mean |δ|
    window.mode.setCurrentIndex(window.mode.findData("backward"))
    legend = window.canvas.legend
    assert "units: mean |δ|, scale per layer" in legend.row_texts()
    metrics = QFontMetrics(legend._font())
    for text in legend.row_texts():
        assert 10 + metrics.horizontalAdvance(text) <= legend.width() - 4, text
    assert legend.geometry().right() < window.canvas.viewport().width()


def test_layer_table_shows_every_column_without_scrolling(qtbot, digits_window):
    window = digits_window
    step_once(qtbot, window)
    window.canvas.select_unit(2, 3)  # output layer: five columns of 6-digit numbers
    table = window.inspector.table
    assert table.model().columnCount() == 5
    qtbot.waitUntil(lambda: table.horizontalHeader().length() > 0)
    assert table.horizontalScrollBar().maximum() == 0
