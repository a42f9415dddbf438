"""Everything on screen is named: features on the inputs, classes on the outputs, and each
example's row and line of its file."""
import numpy as np
import pytest
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QHelpEvent
from PySide6.QtWidgets import QApplication, QGraphicsSimpleTextItem, QToolTip

from .windows import open_window

FEATURES = ["petal length (cm)", "petal width (cm)", "sepal length"]
COLOURS = ["red", "white", "blue"]


@pytest.fixture
def flowers(tmp_path):
    """A CSV with a comment, a header and a blank line among the rows: file lines and data
    rows differ."""
    rng = np.random.default_rng(0)
    lines = ["# flowers measured in the garden", ",".join([*FEATURES, "colour"])]
    for i in range(60):
        values = [rng.normal(4 + i % 3, 0.5), rng.normal(1 + i % 3, 0.3), rng.normal(5, 0.4)]
        lines.append(",".join(f"{v:.1f}" for v in values) + f",{COLOURS[i % 3]}")
        if i == 10:
            lines.append("")
    path = tmp_path / "flowers.csv"
    path.write_text("\n".join(lines) + "\n")
    return path


@pytest.fixture
def window(qtbot, tmp_path, flowers):
    w = open_window(qtbot, tmp_path, "xor")
    w.controls.hidden.setText("4")
    assert w.load_file_now(str(flowers))
    yield w
    w.shutdown()


def click_unit(qtbot, window, layer, unit):
    canvas = window.canvas
    qtbot.mouseClick(canvas.viewport(), Qt.MouseButton.LeftButton, pos=canvas.view_position(layer, unit))
    assert canvas.selected_unit == (layer, unit)


def canvas_texts(window):
    return {item.text() for item in window.canvas.scene().items()
            if isinstance(item, QGraphicsSimpleTextItem)}


def test_the_canvas_names_the_inputs_and_the_outputs(qtbot, window):
    classes = window.workspace.dataset.class_names
    assert sorted(classes) == sorted(COLOURS)
    assert set(FEATURES) | set(classes) <= canvas_texts(window)
    # the tooltip names the unit too, shown by a real tooltip event over it
    canvas = window.canvas
    position = canvas.view_position(2, 1)
    QApplication.sendEvent(canvas.viewport(), QHelpEvent(QEvent.Type.ToolTip, position,
                                                         canvas.viewport().mapToGlobal(position)))
    assert QToolTip.text().startswith(f"layer 3, unit 2: {classes[1]}")
    assert canvas.unit_tooltip(0, 2).startswith("layer 1, unit 3: sepal length")
    assert "(petal width (cm)) to unit 4 of layer 2" in canvas.edge_tooltip(0, 3, 2)


def test_the_inspector_shows_an_inputs_name_and_its_value_in_the_file(qtbot, window, flowers):
    window.controls.example.setValue(5)  # example t = 5
    click_unit(qtbot, window, 0, 0)
    inspector = window.inspector
    data = window.workspace.train
    raw, scaled = data.X[4, 0], window.workspace.X_train[4, 0]
    assert inspector.title.text().startswith("Layer 1, unit 1 (petal length (cm))")
    text = inspector.explanation_text()
    assert "an input: petal length (cm)" in text
    assert f"x1 = {raw:g} in the file → scaled a1(1) = {scaled:.6g}".replace("-", "−") in text
    # "example t" names its data row and its file line, as the loader's messages count them
    row, line = data.original_rows[4] + 1, data.source_lines[4]
    assert f"example t = 5 (data row {row}, file line {line})" in text
    cells = flowers.read_text().split("\n")[line - 1].split(",")
    assert [float(c) for c in cells[:3]] == list(data.X[4]) and cells[3] == data.class_names[data.y[4]]
    assert line > row + 1  # the comment and the blank line count
    # the layer table: named rows, the file's values beside the scaled ones
    model = inspector.table_model
    assert [model.headerData(j, Qt.Orientation.Vertical) for j in range(3)] == \
        [f"j = {j + 1}  {name}" for j, name in enumerate(FEATURES)]
    assert model.headerData(0, Qt.Orientation.Horizontal) == "x in the file"
    assert model.data(model.index(2, 0), Qt.ItemDataRole.UserRole) == data.X[4, 2]
    assert model.data(model.index(2, 1), Qt.ItemDataRole.UserRole) == window.workspace.X_train[4, 2]


def test_the_inspector_names_an_output_units_class_and_the_examples(qtbot, window):
    data = window.workspace.train
    click_unit(qtbot, window, 2, 1)
    name, truth = data.class_names[1], data.class_names[data.y[0]]
    text = window.inspector.explanation_text()
    assert f"Unit 2 of layer 3 ({name}), training example t = 1 (data row" in text
    assert f"Example t is {truth}." in text
    model = window.inspector.table_model
    assert model.headerData(1, Qt.Orientation.Vertical) == f"j = 2  {name}"


def test_an_edge_from_an_input_names_both_ends(qtbot, window):
    window.canvas.select_edge(0, 3, 2)
    assert "from unit 2 of layer 1 (petal width (cm)) to unit 4 of layer 2" in \
        window.inspector.explanation_text()


def test_two_classes_on_one_output_unit_name_the_probability(qtbot, tmp_path):
    window = open_window(qtbot, tmp_path, "xor")
    try:
        classes = window.workspace.dataset.class_names
        name = f"{classes[1]} vs {classes[0]}"  # h = P(y = 1): the second class
        assert window.canvas.unit_name(2, 0) == name
        assert window.canvas.unit_tooltip(2, 0).startswith(f"layer 3, unit 1: {name}")
        assert any(name.startswith(text.rstrip("…")) and text for text in canvas_texts(window)
                   if text.endswith("…") or text == name)  # shortened to the margin if need be
        assert "data row" in window.inspector.explanation_text()  # generated: no file line
        assert "file line" not in window.inspector.explanation_text()
    finally:
        window.shutdown()
