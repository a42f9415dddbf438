"""The main window, driven through its real widgets and actions (pytest-qt, offscreen)."""
import multiprocessing
import subprocess
import sys

import numpy as np
import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QFileDialog

from bp_desktop.core import Network
from bp_desktop.ui.canvas.notation import fmt
from bp_desktop.ui.main_window import MainWindow
from bp_desktop.ui.process_trainer import training_engine
from bp_desktop.ui.process_trainer import ProcessTrainer
from bp_desktop.ui.trainer import TrainerController

from .windows import action, open_window, skip_csv_import_dialog

OBJECT_NAMES = ["networkCanvas", "costPlot", "layerInspector"]
ACTION_NAMES = ["actionOpenDataset", "actionTrain", "actionPause", "actionStep", "actionReset",
                "actionGradientCheck", "actionExportWeights", "actionImportWeights"]


@pytest.fixture
def window(qtbot, tmp_path):
    w = open_window(qtbot, tmp_path, "xor", m=120, noise=0.1, seed=0)
    yield w
    w.shutdown()


def step_once(qtbot, window):
    target = (window.model.snapshot.iteration if window.model.snapshot else 0) + 1
    with qtbot.waitSignal(window.model.engine.snapshot_ready, timeout=5000,
                          check_params_cb=lambda s: s.iteration == target):
        action(window, "actionStep").trigger()
    return window.model.snapshot


def test_stable_object_names_and_actions(window):
    for name in OBJECT_NAMES:
        assert window.findChild(object, name) is not None, name
    for name in ACTION_NAMES:
        action(window, name)
    for a in window.actions_by_key.values():  # every user action: name, shortcut, tooltip
        assert a.objectName().startswith("action") and a.toolTip(), a.text()
        assert not a.shortcut().isEmpty(), a.objectName()
    shortcuts = [a.shortcut().toString() for a in window.actions_by_key.values()]
    assert len(shortcuts) == len(set(shortcuts))


def test_clicking_a_unit_shows_the_cores_delta(qtbot, window):
    snapshot = step_once(qtbot, window)
    canvas = window.canvas
    qtbot.mouseClick(canvas.viewport(), Qt.MouseButton.LeftButton, pos=canvas.view_position(1, 2))
    assert canvas.selected_unit == (1, 2)
    # δ from an independent backprop on the same Θ and data
    ws = window.model.workspace
    net = Network(ws.layer_sizes, thetas=snapshot.thetas, hidden_activation=snapshot.hidden_activation)
    expected = net.backprop(ws.X_train, ws.Y_train, snapshot.lam).deltas[1][0, 2]
    assert snapshot.deltas[1][0, 2] == expected
    text = window.inspector.explanation_text()
    assert "Unit 3 of layer 2" in text
    assert fmt(expected) in text
    row_delta = window.inspector.table_model.index(2, 3).data(Qt.ItemDataRole.UserRole)
    assert row_delta == expected


def test_clicking_an_output_unit_explains_a_minus_y(qtbot, window):
    snapshot = step_once(qtbot, window)
    L = len(snapshot.a_columns) - 1
    qtbot.mouseClick(window.canvas.viewport(), Qt.MouseButton.LeftButton,
                     pos=window.canvas.view_position(L, 0))
    a, y = snapshot.a_columns[L][0, 0], snapshot.Y[0, 0]
    assert f"{fmt(a)} − {fmt(y)} = {fmt(a - y)}" in window.inspector.explanation_text()


def test_arrow_keys_move_the_selection(qtbot, window):
    canvas = window.canvas
    canvas.setFocus()
    canvas.select_unit(1, 0)
    qtbot.keyClick(canvas, Qt.Key.Key_Down)
    assert canvas.selected_unit == (1, 1)
    qtbot.keyClick(canvas, Qt.Key.Key_Right)
    assert canvas.selected_unit == (2, 0)  # the output layer has one unit
    qtbot.keyClick(canvas, Qt.Key.Key_Left)
    assert canvas.selected_unit[0] == 1


def test_hover_text_names_a_z_and_delta(qtbot, window):
    step_once(qtbot, window)
    text = window.canvas.unit_tooltip(1, 0)
    assert "a⁽²⁾₁ =" in text and "z⁽²⁾₁ =" in text and "δ⁽²⁾₁ =" in text
    assert "Θ⁽¹⁾" in window.canvas.edge_tooltip(0, 0, 1)


def test_train_and_pause_with_the_actions(qtbot, window):
    action(window, "actionTrain").trigger()
    qtbot.waitUntil(lambda: window.model.snapshot.iteration > 20, timeout=10000)
    assert window.cost_plot.point_count() > 0
    with qtbot.waitSignal(window.model.engine.state_changed, timeout=5000,
                          check_params_cb=lambda state: state == "paused"):
        action(window, "actionPause").trigger()
    assert not window.model.engine.is_running()


def test_malformed_csv_keeps_the_previous_dataset(qtbot, window, tmp_path, monkeypatch):
    bad = tmp_path / "broken.csv"
    bad.write_text("x1,x2,label\n1,2,0\n3,oops,1\n")
    before = window.model.workspace
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(bad), ""))
    skip_csv_import_dialog(monkeypatch)
    action(window, "actionOpenDataset").trigger()
    qtbot.waitUntil(lambda: getattr(window, "last_error", None) is not None, timeout=5000)
    assert "broken.csv" in window.last_error and "line 3" in window.last_error
    assert window.error_dialog.text() == window.last_error
    assert window.model.workspace is before


def test_gradient_check_action_passes(qtbot, window):
    step_once(qtbot, window)
    action(window, "actionGradientCheck").trigger()
    difference, verdict = window.commands.last_gradient_check
    assert verdict == "PASS" and difference < 1e-7


def test_reset_returns_to_the_same_initial_weights(qtbot, window):
    first = window.model.snapshot.thetas[0].copy()
    for _ in range(3):
        step_once(qtbot, window)
    action(window, "actionReset").trigger()
    assert window.model.snapshot.iteration == 0
    np.testing.assert_array_equal(window.model.snapshot.thetas[0], first)


def test_closing_while_training_joins_the_thread(qtbot, window):
    action(window, "actionTrain").trigger()
    qtbot.waitUntil(lambda: window.model.snapshot.iteration > 5, timeout=10000)
    window.close()
    assert not window.model.engine.is_running()


def test_closing_while_training_ends_the_training_process(qtbot, window, monkeypatch):
    if not isinstance(window.model.engine, ProcessTrainer):
        pytest.skip("BP_DESKTOP_ENGINE chose the thread engine")
    action(window, "actionTrain").trigger()
    qtbot.waitUntil(lambda: window.model.snapshot.iteration > 5, timeout=10000)
    assert multiprocessing.active_children()
    window.close()
    assert not multiprocessing.active_children()


@pytest.mark.parametrize("name, engine", [("process", ProcessTrainer), ("thread", TrainerController)])
def test_bp_desktop_engine_chooses_where_iterations_run(monkeypatch, name, engine):
    monkeypatch.setenv("BP_DESKTOP_ENGINE", name)
    assert training_engine() is engine
    monkeypatch.delenv("BP_DESKTOP_ENGINE")
    assert training_engine() is ProcessTrainer  # the default
    monkeypatch.setenv("BP_DESKTOP_ENGINE", "fibre")
    with pytest.raises(ValueError, match="BP_DESKTOP_ENGINE must be one of"):
        training_engine()


def test_canvas_survives_thousands_of_restyles(qtbot, window):
    """PySide6 6.12.0 on Python 3.11 aborts after a few thousand wrapped void calls."""
    s0 = step_once(qtbot, window)
    s1 = step_once(qtbot, window)
    for frame in range(1500):
        window.canvas.show_snapshot(s0 if frame % 2 else s1)
        window.canvas.set_mode(("forward", "backward", "gradient")[frame % 3])
    assert window.canvas.isVisible()


def test_screenshot_mode_writes_a_png(tmp_path):
    out = tmp_path / "shot.png"
    result = subprocess.run([sys.executable, "-m", "bp_desktop", "--screenshot", str(out),
                             "--dataset", "xor", "--iterations", "5", "--select", "2:1"],
                            capture_output=True, text=True, timeout=120,
                            env={**__import__("os").environ, "QT_QPA_PLATFORM": "offscreen"})
    assert result.returncode == 0, result.stderr
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "iteration 5" in result.stdout


def test_screenshot_of_an_untrained_network_exits_cleanly(tmp_path):
    """Without --iterations this crashed on exit (the QApplication destroyed before the window)."""
    out = tmp_path / "untrained.png"
    result = subprocess.run([sys.executable, "-m", "bp_desktop", "--screenshot", str(out),
                             "--dataset", "moons", "--hidden", "8"],
                            capture_output=True, text=True, timeout=120,
                            env={**__import__("os").environ, "QT_QPA_PLATFORM": "offscreen"})
    assert result.returncode == 0, result.stderr
    assert "(iteration 0)" in result.stdout


def test_edge_gradient_explained_and_checked_numerically(qtbot, window):
    snapshot = step_once(qtbot, window)
    window.canvas.select_edge(0, 1, 2)
    text = window.inspector.explanation_text()
    assert fmt(snapshot.gradients[0][1, 2]) in text
    qtbot.mouseClick(window.inspector.numerical_button, Qt.MouseButton.LeftButton)
    assert window.inspector.numerical_estimate == pytest.approx(snapshot.gradients[0][1, 2], rel=1e-6)
    assert "Numerical estimate" in window.inspector.explanation_text()


def test_the_inspector_shows_the_cores_Delta(qtbot, window):
    snapshot = step_once(qtbot, window)
    window.canvas.select_edge(0, 1, 2)
    Delta = snapshot.Deltas[0]  # the lecture's Δ^(1), computed by backprop, not recovered from D
    np.testing.assert_array_equal(window.inspector.heatmaps.image("Δ"), Delta.astype(np.float32))
    assert f"= {fmt(Delta[1, 2])}" in window.inspector.explanation_text()


def test_unit_history_plot_follows_the_engine(qtbot, window):
    window.canvas.select_unit(1, 0)
    window.inspector.tabs.setCurrentWidget(window.inspector.history_plot)
    for _ in range(3):
        step_once(qtbot, window)
    x, y = window.inspector._delta_curve.getData()
    assert list(x) == [0, 1, 2]  # Θ's age at each iteration's pass, as the cost plot counts
    history = window.model.engine.run.history
    np.testing.assert_array_equal(y, history.unit_series(1, 0, "mean_abs_delta"))


def test_unit_history_names_its_unit_and_keeps_its_key_off_the_curves(qtbot, window):
    window.inspector.tabs.setCurrentWidget(window.inspector.history_plot)
    qtbot.mouseClick(window.canvas.viewport(), Qt.MouseButton.LeftButton,
                     pos=window.canvas.view_position(1, 2))
    plot = window.inspector.history_plot.getPlotItem()
    title = plot.titleLabel.text
    assert "unit 3 of layer 2" in title and "mean |δ₃⁽²⁾|" in title and "mean a₃⁽²⁾" in title
    assert plot.legend is None  # no key drawn over the curves
    qtbot.mouseClick(window.canvas.viewport(), Qt.MouseButton.LeftButton,
                     pos=window.canvas.view_position(0, 1))
    assert "unit 2 of layer 1 is an input" in plot.titleLabel.text


@pytest.mark.parametrize("suffix", [".mat", ".npz", ".json", ".zip", ".onnx"])
def test_export_then_import_restores_the_weights(qtbot, window, tmp_path, suffix):
    for _ in range(3):
        step_once(qtbot, window)
    trained = window.model.engine.run.network.params.copy()
    path = tmp_path / f"weights{suffix}"
    assert window.commands.save_weights_to(str(path))
    action(window, "actionReset").trigger()
    assert not np.array_equal(window.model.engine.run.network.params, trained)
    window.ask = lambda question: True  # confirm replacing the (reset) network
    assert window.commands.load_weights_from(str(path))
    np.testing.assert_array_equal(window.model.engine.run.network.params, trained)


def test_import_of_another_architecture_offers_a_switch(qtbot, window, tmp_path):
    from bp_desktop.io import save_weights
    other = Network([2, 5, 3, 1], seed=4)
    path = tmp_path / "other.npz"
    save_weights(other, path)
    questions = []
    window.ask = lambda question: questions.append(question) or True
    assert window.commands.load_weights_from(str(path))
    assert "2-5-3-1" in questions[0]
    assert list(window.model.workspace.layer_sizes) == [2, 5, 3, 1]
    assert window.controls.hidden.text() == "5, 3"
    np.testing.assert_array_equal(window.model.engine.run.network.params, other.params)


def test_unusable_weights_file_changes_nothing(qtbot, window, tmp_path):
    before = window.model.engine.run.network.params.copy()
    bad = tmp_path / "bad.json"
    bad.write_text('{"format": "nonsense"}')
    assert not window.commands.load_weights_from(str(bad))
    assert "bad.json" in window.last_error
    wrong_inputs = tmp_path / "digits.npz"
    from bp_desktop.io import save_weights
    save_weights(Network([64, 5, 10], seed=0), wrong_inputs)
    assert not window.commands.load_weights_from(str(wrong_inputs))
    assert "64 inputs and 10 outputs" in window.last_error
    assert "needs 2 inputs and 1 output." in window.last_error  # xor: one output unit, singular
    np.testing.assert_array_equal(window.model.engine.run.network.params, before)


def test_settings_are_remembered_between_launches(qtbot, tmp_path):
    path = str(tmp_path / "remember.ini")
    first = MainWindow(QSettings(path, QSettings.Format.IniFormat))
    qtbot.addWidget(first)
    first.controls.select_builtin("moons")
    first.controls.hidden.setText("5, 4")
    first.controls.lam.setValue(0.5)
    first.mode.setCurrentIndex(first.mode.findData("backward"))
    first.close()
    second = MainWindow(QSettings(path, QSettings.Format.IniFormat))
    qtbot.addWidget(second)
    assert second.controls.builtin.currentData() == "moons"
    assert second.controls.hidden.text() == "5, 4"
    assert second.controls.lam.value() == 0.5
    assert second.mode.currentData() == "backward"
    assert second.commands.load_selected_builtin()
    assert second.model.workspace.dataset.name.lower().startswith("moons") or "moon" in second.model.workspace.dataset.source
    assert list(second.model.workspace.layer_sizes) == [2, 5, 4, 1]
    second.shutdown()


def test_after_steps_the_inspector_explains_the_exported_weights(qtbot, window, tmp_path):
    """A student checks δ by hand from exported Θ: the numbers must be the same ones."""
    for _ in range(4):
        step_once(qtbot, window)
    qtbot.waitUntil(lambda: window.model.snapshot.preview, timeout=5000)
    assert window.model.snapshot.iteration == 4
    path = tmp_path / "w.npz"
    assert window.commands.save_weights_to(str(path))
    from bp_desktop.io import load_weights
    net, metadata = load_weights(path)
    assert metadata["iteration"] == 4
    ws = window.model.workspace
    # the recorded J is the file's own, and the one the status bar shows at rest
    assert metadata["final_cost"] == net.cost(ws.X_train, ws.Y_train, window.model.snapshot.lam)
    assert metadata["final_cost"] == window.model.snapshot.cost
    expected = net.backprop(ws.X_train, ws.Y_train, window.model.snapshot.lam).deltas[1][0, 1]
    window.canvas.select_unit(1, 1)
    assert window.model.snapshot.deltas[1][0, 1] == expected
    assert fmt(expected) in window.inspector.explanation_text()
    assert "after 4 iterations" in window.inspector.title.text()


def test_screenshot_mode_refuses_a_unit_that_does_not_exist(tmp_path):
    result = subprocess.run([sys.executable, "-m", "bp_desktop", "--screenshot", str(tmp_path / "x.png"),
                             "--dataset", "xor", "--select", "5:9"], capture_output=True, text=True,
                            timeout=120, env={**__import__("os").environ, "QT_QPA_PLATFORM": "offscreen"})
    assert result.returncode == 2
    assert "layer 5 has no unit 9" in result.stderr
    assert not (tmp_path / "x.png").exists()


def test_the_data_box_names_the_dataset_in_use(qtbot, window, tmp_path):
    path = tmp_path / "heights.csv"
    rows = "\n".join(f"{h},{w},{'tall' if h > 170 else 'short'}" for h, w in
                     [(150 + 3 * k, 50 + k) for k in range(20)])
    path.write_text("height,weight,label\n" + rows + "\n")
    assert window.commands.load_file_now(str(path))
    assert "heights" in window.controls.current_dataset.text()
    assert window.controls.current_dataset.toolTip() == str(path)


def test_weights_without_recorded_scaling_offer_raw_inputs(qtbot, window, tmp_path):
    """The course's ex4weights.mat holds only Theta1, Theta2: trained on raw pixel values."""
    import scipy.io
    net = Network(window.model.workspace.layer_sizes, seed=9)
    path = tmp_path / "course_style.mat"
    scipy.io.savemat(path, {f"Theta{l + 1}": t for l, t in enumerate(net.thetas)})
    questions = []
    window.ask = lambda question: questions.append(question) or True
    assert window.commands.load_weights_from(str(path))
    assert any("no feature scaling" in q for q in questions)
    assert window.model.workspace.preparation.scaling == "none"
    assert window.controls.scaling.currentData() == "none"
    np.testing.assert_array_equal(window.model.workspace.X_train, window.model.workspace.train.X)


def test_backward_mode_gives_each_layer_its_own_delta_scale(qtbot, window):
    step_once(qtbot, window)
    window.mode.setCurrentIndex(window.mode.findData("backward"))
    labels = [label.text() for label in window.canvas._scale_labels]
    assert labels[0] == ""                       # inputs have no δ
    assert all(text.startswith("δ: ±") for text in labels[1:])
    window.mode.setCurrentIndex(window.mode.findData("forward"))
    assert all(label.text() == "" for label in window.canvas._scale_labels)


def _boundary_is_drawn_for(window, thetas) -> bool:
    net = Network(window.model.workspace.layer_sizes, thetas=thetas)
    expected = np.asarray(net.forward(window.decision_view.grid).output, dtype=np.float32)
    return np.array_equal(window.decision_view._output, expected)


def test_the_decision_boundary_ends_on_the_weights_shown(qtbot, window):
    """Steps and Reset come faster than the side views' redraw interval; the boundary must
    still show h_Θ for the Θ the rest of the window shows, not an older one."""
    for _ in range(4):
        step_once(qtbot, window)
        qtbot.waitUntil(lambda: window.model.snapshot.preview, timeout=5000)
        assert _boundary_is_drawn_for(window, window.model.snapshot.thetas)
    action(window, "actionReset").trigger()
    assert window.model.snapshot.iteration == 0
    assert _boundary_is_drawn_for(window, window.model.snapshot.thetas)


def test_a_snapshot_too_soon_for_the_side_views_is_drawn_a_little_later(qtbot, window):
    run = window.model.engine.run
    first = run.step()
    second = run.step()
    window.decision_view.follower.offer(first)
    window.decision_view.follower.offer(second)  # within the interval: not drawn yet, but due
    qtbot.waitUntil(lambda: _boundary_is_drawn_for(window, second.thetas), timeout=2000)


def test_status_bar_cost_plot_and_dots_count_iterations_alike(qtbot, window):
    """'iteration n' means Θ after n iterations everywhere: the curve's point n is the pass
    of iteration n + 1 (made at that Θ), and at rest a dot marks the status bar's J."""
    mark = window.cost_plot.current_marks["cost"]
    assert list(mark.getData()[0]) == [0]  # a new run shows J of the initial Θ at once
    assert list(mark.getData()[1]) == [window.model.snapshot.cost]
    for _ in range(3):
        step_once(qtbot, window)
    qtbot.waitUntil(lambda: window.model.snapshot.preview, timeout=5000)
    assert window.status_line.labels["iteration"].text() == "iteration 3"
    x, y = window.cost_plot.train_curve.getOriginalDataset()
    history = window.model.engine.run.history
    assert list(x) == [0, 1, 2]
    np.testing.assert_array_equal(y, history.series("cost"))
    assert list(mark.getData()[0]) == [3] and list(mark.getData()[1]) == [window.model.snapshot.cost]
    assert mark.isVisible()
    # the next iteration's pass is made at this Θ: its point lands where the dot was
    dot = mark.getData()[1][0]
    step_once(qtbot, window)
    assert window.model.engine.run.history.series("cost")[3] == dot


def _switch_scaling(window, kind):
    window.controls.scaling.setCurrentIndex(window.controls.scaling.findData(kind))
    window.ask = lambda question: True  # discard the trained network
    assert window.commands.rebuild_network()


def test_import_offers_the_scaling_the_weights_were_trained_with(qtbot, window, tmp_path):
    """Trained on raw inputs, imported while z-scoring: J would silently be another J."""
    _switch_scaling(window, "none")
    for _ in range(3):
        step_once(qtbot, window)
    path = tmp_path / "raw.npz"
    assert window.commands.save_weights_to(str(path))
    _switch_scaling(window, "zscore")
    questions = []
    window.ask = lambda question: questions.append(question) or True
    assert window.commands.load_weights_from(str(path))
    assert any("scaled by none" in q and "mean normalisation" in q for q in questions)
    assert window.model.workspace.preparation.scaling == "none"
    assert window.controls.scaling.currentData() == "none"
    from bp_desktop.io import load_weights
    _, metadata = load_weights(path)
    assert window.model.snapshot.cost == metadata["final_cost"]  # the file's own J again


def test_import_asks_before_using_weights_trained_for_other_classes(qtbot, window, tmp_path):
    from bp_desktop.io import save_weights
    path = tmp_path / "other-classes.npz"
    save_weights(Network(window.model.workspace.layer_sizes, seed=9), path,
                 metadata={"class_names": ["cat", "dog"]})
    before = window.model.engine.run.network.params.copy()
    questions = []
    window.ask = lambda question: questions.append(question) or False
    assert not window.commands.load_weights_from(str(path))
    assert "cat, dog" in questions[0]
    np.testing.assert_array_equal(window.model.engine.run.network.params, before)


def train_until_stopped(qtbot, window):
    with qtbot.waitSignal(window.model.engine.stopped, timeout=10000):
        action(window, "actionTrain").trigger()


def test_reset_clears_the_old_stop_reason(qtbot, window):
    window.controls.max_iterations.setValue(3)
    train_until_stopped(qtbot, window)
    assert "maximum of 3 iterations" in window.status_line.labels["reason"].text()
    action(window, "actionReset").trigger()
    assert window.status_line.labels["reason"].text() == ""


@pytest.mark.parametrize("name", ["actionTrain", "actionStep"])
def test_train_or_step_at_the_iteration_limit_says_what_to_change(qtbot, window, name):
    window.controls.max_iterations.setValue(3)
    train_until_stopped(qtbot, window)
    window.status_line.labels["reason"].setText("")
    action(window, name).trigger()
    text = window.status_line.labels["reason"].text()
    assert "maximum of 3 iterations" in text and "raise Max iterations" in text and "Reset" in text
    assert window.model.snapshot.iteration == 3 and not window.model.engine.is_running()
    window.controls.max_iterations.setValue(5)  # raising the limit lets training go on
    step_once(qtbot, window)
    assert window.model.snapshot.iteration == 4 and window.status_line.labels["reason"].text() == ""


def test_data_controls_offer_exactly_what_the_generators_accept(qtbot, window):
    from bp_desktop.data import DatasetError, load_builtin
    controls = window.controls
    controls.select_builtin("spiral")
    controls.arms.setValue(8)
    controls.points.setValue(16)
    assert (controls.arms.value(), controls.points.value()) == (8, 16)
    action(window, "actionUseBuiltinDataset").trigger()
    assert window.model.workspace.dataset.num_classes == 8 and window.model.workspace.dataset.m == 16
    assert controls.points.minimum() == 4 and controls.arms.minimum() == 2
    with pytest.raises(DatasetError):  # one more arm than the box offers is refused
        load_builtin("spiral", m=100, arms=controls.arms.maximum() + 1)
    with pytest.raises(DatasetError):
        load_builtin("xor", m=controls.points.minimum() - 1)
    load_builtin("xor", m=controls.points.minimum())


def test_batch_mean_note_says_what_each_canvas_mode_shows(qtbot, window):
    window.controls.example.setValue(0)  # "mean |δ|"
    window.canvas.select_unit(1, 0)
    for key, shown in (("forward", "Forward view shows a for example 1"),
                       ("backward", "the canvas shows the batch mean of |δ|"),
                       ("gradient", "the canvas shows the batch mean of |δ|")):
        window.mode.setCurrentIndex(window.mode.findData(key))
        assert shown in window.inspector.explanation_text(), key
        unit_label = window.canvas.legend._rows[1][0]
        assert ("mean |δ|" in unit_label) == (key != "forward"), (key, unit_label)
    window.controls.example.setValue(1)  # one example: no note
    assert "batch mean" not in window.inspector.explanation_text()


def test_bias_edges_name_the_bias_unit(qtbot, window):
    window.canvas.select_edge(0, 1, 0)
    text = window.inspector.explanation_text()
    assert "from the bias unit a0(1) = +1 of layer 1 to unit 2 of layer 2" in text
    assert "unit 0" not in text
    assert "from the bias unit a₀⁽¹⁾ = +1 of layer 1" in window.canvas.edge_tooltip(0, 1, 0)
    window.canvas.select_edge(0, 1, 2)
    assert "from unit 2 of layer 1" in window.inspector.explanation_text()


def test_hidden_delta_heading_uses_the_units_own_index(qtbot, window):
    window.canvas.select_unit(1, 2)  # unit 3 of layer 2
    text = window.inspector.explanation_text()
    assert "δ3(2) = (Σk Θk3(2) δk(3))" in text
    assert "kj" not in text


def test_clicking_an_edge_after_a_unit_leaves_one_selection(qtbot, window):
    canvas = window.canvas
    qtbot.mouseClick(canvas.viewport(), Qt.MouseButton.LeftButton, pos=canvas.view_position(1, 1))
    assert canvas.selected_unit == (1, 1) and canvas._ring.isVisible()
    theta = window.model.snapshot.thetas[0]
    i, j = np.unravel_index(np.argmax(np.abs(theta)), theta.shape)  # strong: surely highlighted
    (start, end), = canvas._layout.edge_segments(0, np.array([i]), np.array([j]))
    middle = canvas.mapFromScene(*(0.5 * (start + end)))
    qtbot.mouseClick(canvas.viewport(), Qt.MouseButton.LeftButton, pos=middle)
    assert canvas.selected_edge == (0, i, j)
    assert canvas.selected_unit is None and not canvas._ring.isVisible()
    drawn = [item.path() for item in canvas._highlight_items if not item.path().isEmpty()]
    assert len(drawn) == 1 and drawn[0].elementCount() == 2  # only the edge's own line
    weakest = np.unravel_index(np.argmin(np.abs(theta)), theta.shape)
    canvas.select_edge(0, *weakest)  # a faint edge, once selected, is highlighted too
    drawn = [item.path() for item in canvas._highlight_items if not item.path().isEmpty()]
    assert len(drawn) == 1 and drawn[0].elementCount() == 2
    canvas.select_edge(0, i, j)
    qtbot.keyClick(canvas, Qt.Key.Key_Down)  # the arrow keys go on from the edge's target unit
    assert canvas.selected_unit == (1, min(i + 1, window.model.workspace.layer_sizes[1] - 1))


def test_changed_scaling_says_it_is_not_in_use_until_the_network_is_built(qtbot, window):
    pending = window.controls.data_pending
    assert not pending.isVisible()
    window.controls.scaling.setCurrentIndex(window.controls.scaling.findData("minmax"))
    assert pending.isVisible() and "Build network" in pending.text()
    window.controls.scaling.setCurrentIndex(window.controls.scaling.findData("zscore"))
    window.controls.data_seed.setValue(7)  # the split changes too
    assert pending.isVisible()
    window.controls.data_seed.setValue(0)
    window.controls.scaling.setCurrentIndex(window.controls.scaling.findData("zscore"))
    assert not pending.isVisible()  # back to what is in use
    window.controls.validation.setValue(0.3)
    assert pending.isVisible()
    assert window.commands.rebuild_network()
    assert window.model.workspace.preparation.validation == 0.3
    assert not pending.isVisible()


def test_after_a_divergence_every_view_counts_from_the_restored_weights(qtbot, window):
    window.model.engine.set_hyperparameters(alpha=1e6, lam=1.0)  # J overflows within a few dozen
    window.ask = lambda question: True
    window.error = lambda title, text: None  # no dialog in a test
    with qtbot.waitSignal(window.model.engine.failed, timeout=20000):
        action(window, "actionTrain").trigger()
    qtbot.waitUntil(lambda: window.model.snapshot.preview, timeout=5000)
    run = window.model.engine.run
    n = run.iteration
    assert window.status_line.labels["iteration"].text() == f"iteration {n}"
    assert window.model.snapshot.cost == run.network.cost(window.model.workspace.X_train, window.model.workspace.Y_train, 1.0)
    x, _ = window.cost_plot.train_curve.getOriginalDataset()
    assert x[-1] == n - 1  # the curve's last point is the pass of iteration n, at Θ after n − 1
    assert list(window.cost_plot.current_marks["cost"].getData()[0]) == [n]
