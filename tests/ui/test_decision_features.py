"""The decision boundary over two features of a dataset that has more (or fewer)."""
import numpy as np
import pytest

from bp_desktop.core import Network

from .windows import open_window, step


@pytest.fixture
def window(qtbot, tmp_path):
    w = open_window(qtbot, tmp_path, "spiral")  # 2-D first: the view has data to go stale
    yield w
    w.shutdown()


def show_decision_dock(qtbot, window):
    dock = window.docks["decision"]
    if not dock.isVisible():
        dock.toggleViewAction().trigger()  # View ▸ Decision boundary
    qtbot.waitUntil(lambda: window.decision_view.image_item.image is not None)


def test_iris_plots_two_chosen_features_with_the_others_at_their_mean(qtbot, window):
    window.ask = lambda question: True
    assert window.commands.load_builtin("iris")
    step(qtbot, window, 3)
    show_decision_dock(qtbot, window)
    view = window.decision_view
    across, up = (picker for _label, picker in view.pickers)
    names = window.model.workspace.dataset.feature_names
    assert across.isVisible() and up.isVisible() and view.slice_note.isVisible()
    assert [across.itemText(k) for k in range(across.count())] == [f"{n} (scaled)" for n in names]
    # the points are iris's (not the spiral's), on its first two features
    shown = np.concatenate([np.column_stack(s.getData()) for s in view._scatters])
    assert len(shown) == len(window.model.workspace.X_train)
    # pick petal length across and petal width up (the last two features), by the combos
    across.setCurrentIndex(2)
    up.setCurrentIndex(3)
    assert view.features == (2, 3)
    assert view.axes.getAxis("bottom").labelText == f"{names[2]} (scaled)"
    shown = np.concatenate([np.column_stack(s.getData()) for s in view._scatters])
    assert np.allclose(np.sort(shown, axis=0), np.sort(window.model.workspace.X_train[:, 2:], axis=0))
    # the background is h_Θ on the plane, features 0 and 1 at their training mean
    net = Network([a.shape[0] for a in window.model.snapshot.a_columns], thetas=window.model.snapshot.thetas)
    inputs = np.repeat(window.model.workspace.X_train.mean(axis=0)[None, :], len(view.grid), axis=0)
    inputs[:, 2:] = view.grid
    h = net.forward(inputs).output
    winner = h.argmax(axis=1)
    rows, columns = view._shape
    assert view.image_item.image.shape == (rows, columns, 3)
    assert np.array_equal(winner, view._output.argmax(axis=1))
    assert "others at their mean" in view.readout_at(*view.grid[0])


def test_the_status_bar_keeps_counting_after_the_view_is_opened_on_4_features(qtbot, window):
    window.ask = lambda question: True
    assert window.commands.load_builtin("iris")
    show_decision_dock(qtbot, window)
    step(qtbot, window, 2)
    assert window.status_line.labels["iteration"].text() == "iteration 2"


def test_picking_the_other_axis_feature_swaps_the_axes(qtbot, window):
    window.ask = lambda question: True
    assert window.commands.load_builtin("iris")
    view = window.decision_view
    across, up = (picker for _label, picker in view.pickers)
    across.setCurrentIndex(1)  # the feature on the vertical axis
    assert view.features == (1, 0) and up.currentIndex() == 0


def test_a_dataset_of_one_feature_says_what_the_view_needs(qtbot, window, tmp_path):
    csv = tmp_path / "one.csv"
    csv.write_text("length,kind\n" + "".join(f"{i},{'ab'[i % 2]}\n" for i in range(30)))
    window.ask = lambda question: True
    assert window.commands.load_file_now(str(csv))
    window.docks["decision"].toggleViewAction().trigger()
    view = window.decision_view
    qtbot.waitUntil(view.message.isVisible)
    assert "two input features; this dataset has 1" in view.message.text()
    assert not view.graphics.isVisible() and view.image_item.image is None
    step(qtbot, window)  # drawing the side views after an iteration raises nothing
    assert view.image_item.image is None


def test_2d_data_shows_no_pickers(qtbot, window):
    show_decision_dock(qtbot, window)
    view = window.decision_view
    assert not any(picker.isVisible() for _label, picker in view.pickers)
    assert not view.slice_note.isVisible() and not view.message.isVisible()
