"""File ▸ Export/Import weights with ONNX models: the window's own, and scikit-learn's."""
import json
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtWidgets import QFileDialog

from bp_desktop.ui.main_window import weights_file_filters

from .windows import action, open_window

pytest.importorskip("onnx")
ONNX_DATA = Path(__file__).parents[1] / "io" / "data" / "onnx"


def test_the_export_dialog_offers_onnx_and_writes_it(qtbot, tmp_path, monkeypatch):
    window = open_window(qtbot, tmp_path, "xor", m=60, seed=0)
    offered = []

    def choose_onnx(parent, title, folder, filters):
        offered.extend(filters.split(";;"))
        return str(tmp_path / "model"), next(f for f in offered if "*.onnx" in f)

    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(choose_onnx))
    action(window, "actionExportWeights").trigger()
    assert (tmp_path / "model.onnx").exists()  # the chosen filter's suffix is added
    assert any(f.startswith("ONNX model") for f in offered)
    window.shutdown()


def test_the_dialogs_say_how_to_enable_onnx_when_it_is_missing(monkeypatch):
    import importlib.util
    assert not any("not installed" in f for f in weights_file_filters())
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *args: None)
    onnx_filter, = [f for f in weights_file_filters() if f.endswith("(*.onnx)")]
    assert 'not installed: pip install "bp-desktop[onnx]"' in onnx_filter


def test_a_scikit_learn_softmax_model_imports_with_its_note_and_predictions(qtbot, tmp_path):
    window = open_window(qtbot, tmp_path, "iris")
    questions = []
    window.ask = lambda question: questions.append(question) or True
    assert window.load_weights_from(str(ONNX_DATA / "sklearn_softmax.onnx"))
    assert any("3, 5, 7" in q for q in questions)            # other class names: asked
    assert window.workspace.preparation.scaling == "none"     # no scaling recorded: raw inputs
    assert list(window.workspace.layer_sizes) == [4, 6, 5, 3]
    assert "Softmax" in window.info_dialog.text() and "sigmoid" in window.info_dialog.text()
    expected = json.loads((ONNX_DATA / "expected.json").read_text())
    predicted = window.controller.run.network.predict(np.array(expected["X"]))
    assert [["3", "5", "7"][k] for k in predicted] == expected["sklearn_softmax"]["predict"]
    window.shutdown()
