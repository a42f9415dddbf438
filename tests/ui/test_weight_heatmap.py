"""Hidden units' weights: pictures for image data only, a named heatmap of Θ⁽¹⁾ otherwise."""
import numpy as np
import pytest
from PySide6.QtCore import QPoint, QPointF, Qt

from bp_desktop.ui.weight_images import WeightImagesView

from .windows import open_window


def show_weights_dock(qtbot, window):
    dock = window.docks["weights"]
    if not dock.isVisible():
        dock.toggleViewAction().trigger()  # View ▸ Hidden units' weights
    view = window.weight_images
    qtbot.waitUntil(lambda: view.matrix is not None or view.tiles is not None)
    return view


def test_iris_weights_are_a_heatmap_with_the_feature_names(qtbot, tmp_path):
    window = open_window(qtbot, tmp_path, "iris")
    try:
        view = show_weights_dock(qtbot, window)
        names = window.workspace.dataset.feature_names
        theta1 = window.snapshot.thetas[0]
        assert view.heatmap_graphics.isVisible() and not view.graphics.isVisible()
        assert view.tiles is None  # no 2×2 "images" of 4 features
        assert view.matrix.shape == (8, 4)
        np.testing.assert_allclose(view.matrix, theta1[:, 1:] / np.abs(theta1[:, 1:]).max(axis=1, keepdims=True))
        ticks = view.heatmap_axes.getAxis("bottom")._tickLevels[0]
        assert [position for position, _ in ticks] == [0, 1, 2, 3]
        for (_, label), name in zip(ticks, names):  # each name, shortened to its column at most
            assert name.startswith(label.rstrip("…"))
        # hovering a cell names the unit, the feature and the weight
        vb = view.heatmap_axes.vb
        cell = QPointF(2, 5)  # feature 3 (x₃), unit 6
        pos = view.heatmap_graphics.mapFromScene(vb.mapViewToScene(cell))
        qtbot.mouseMove(view.heatmap_graphics.viewport(), pos + QPoint(3, 3))  # coming from nearby
        with qtbot.waitSignal(view.unit_hovered) as hovered:
            qtbot.mouseMove(view.heatmap_graphics.viewport(), pos)
        assert hovered.args == [5]
        assert view.readout.text() == (f"hidden unit a₆⁽²⁾ ← {names[2]} (x₃): "
                                       f"Θ⁽¹⁾₆,₃ = {theta1[5, 3]:.3g}")
        with qtbot.waitSignal(view.unit_clicked) as clicked:
            qtbot.mouseClick(view.heatmap_graphics.viewport(), Qt.MouseButton.LeftButton, pos=pos)
        assert clicked.args == [5]
        assert "one row per hidden unit" in view.caption.text()
    finally:
        window.shutdown()


def test_image_data_keeps_its_pictures(qtbot, tmp_path):
    window = open_window(qtbot, tmp_path, "digits")
    try:
        view = show_weights_dock(qtbot, window)
        assert view.graphics.isVisible() and not view.heatmap_graphics.isVisible()
        assert view.tiles.shape[1:] == (8, 8) and view.matrix is None
        assert "one tile per hidden unit" in view.caption.text()
    finally:
        window.shutdown()


def test_a_heatmap_row_can_be_framed_and_the_scale_shared(qtbot):
    view = WeightImagesView()
    qtbot.addWidget(view)
    view.set_inputs(["a", "b", "c"])
    theta1 = np.array([[9.0, 1.0, -2.0, 0.5], [0.0, 4.0, 0.0, -1.0]])
    view.update_thetas(theta1)
    np.testing.assert_allclose(view.matrix, [[0.5, -1.0, 0.25], [1.0, 0.0, -0.25]])
    view.highlight_unit(1)
    frame = view.heatmap_highlight.rect()
    assert view.heatmap_highlight.isVisible() and (frame.top(), frame.height()) == (0.5, 1)
    view.set_global_scale(True)
    np.testing.assert_allclose(view.matrix, theta1[:, 1:] / 4.0)
    with pytest.raises(ValueError, match="5 inputs but 3 features are named"):
        view.update_thetas(np.zeros((2, 6)))
