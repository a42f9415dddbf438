"""The control panel, driven through its real widgets inside the main window."""
import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import QAbstractSpinBox, QApplication, QComboBox

from .windows import open_window


@pytest.fixture
def window(qtbot, tmp_path):
    w = open_window(qtbot, tmp_path, "xor", m=120, noise=0.1, seed=0)
    w.resize(1400, 500)  # short: the Controls panel scrolls
    yield w
    w.shutdown()


def wheel(widget, notches: int = -1) -> QWheelEvent:
    """One real wheel event over the middle of the widget, as a mouse sends it."""
    centre = QPointF(widget.rect().center())
    event = QWheelEvent(centre, QPointF(widget.mapToGlobal(centre.toPoint())), QPoint(0, 0),
                        QPoint(0, 120 * notches), Qt.MouseButton.NoButton,
                        Qt.KeyboardModifier.NoModifier, Qt.ScrollPhase.NoScrollPhase, False)
    QApplication.sendEvent(widget, event)
    return event


def test_the_wheel_passes_unfocused_settings_on_to_the_panel(window):
    controls = window.controls
    boxes = [*controls.findChildren(QAbstractSpinBox), *controls.findChildren(QComboBox)]
    assert {controls.alpha, controls.lam, controls.optimizer, controls.example} <= set(boxes)
    for box in boxes:
        assert not box.hasFocus()
        assert box.focusPolicy() == Qt.FocusPolicy.StrongFocus  # a wheel gives no focus
        before = box.value() if isinstance(box, QAbstractSpinBox) else box.currentIndex()
        for notches in (-1, 1):
            event = wheel(box, notches)
            # left unaccepted, a wheel event from the mouse goes on to the parent: the
            # scroll area under the panel scrolls (a synthetic one stops here)
            assert not event.isAccepted(), box.objectName()
        after = box.value() if isinstance(box, QAbstractSpinBox) else box.currentIndex()
        assert after == before, box.objectName()


def test_a_focused_spin_or_combo_box_still_takes_the_wheel(qtbot, window):
    controls = window.controls
    window.activateWindow()
    controls.alpha.setFocus()
    qtbot.waitUntil(controls.alpha.hasFocus)
    wheel(controls.alpha, notches=-1)
    assert controls.alpha.value() == pytest.approx(0.9)  # α 1.0, one step of 0.1 down
    controls.optimizer.setFocus()
    qtbot.waitUntil(controls.optimizer.hasFocus)
    index = controls.optimizer.currentIndex()
    wheel(controls.optimizer, notches=-1)
    assert controls.optimizer.currentIndex() == index + 1


def step_once(qtbot, window):
    target = window.snapshot.iteration + 1
    with qtbot.waitSignal(window.controller.snapshot_ready, timeout=5000,
                          check_params_cb=lambda s: s.iteration == target):
        window.step(1)


@pytest.mark.parametrize("answer", [True, False])
def test_enter_in_hidden_layers_builds_the_network_as_the_button_does(qtbot, window, answer):
    step_once(qtbot, window)
    questions = []
    window.ask = lambda question: questions.append(question) or answer
    hidden = window.controls.hidden
    hidden.setFocus()
    hidden.selectAll()
    qtbot.keyClicks(hidden, "5, 3")
    qtbot.keyClick(hidden, Qt.Key.Key_Return)
    assert len(questions) == 1 and questions[0].startswith("Build a new network?")
    if answer:
        assert window.workspace.layer_sizes == [2, 5, 3, 1]
        assert window.snapshot.iteration == 0
    else:
        assert window.workspace.layer_sizes == [2, 8, 1]  # the trained network stays
        assert window.snapshot.iteration == 1
