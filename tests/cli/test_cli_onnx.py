"""`train --export model.onnx` and `predict model.onnx`: the model takes raw feature values."""
import json
from pathlib import Path

import numpy as np
import pytest

from bp_desktop.io import load_weights

from .test_cli import IRIS, accuracy_in, run

onnx = pytest.importorskip("onnx")
ort = pytest.importorskip("onnxruntime")
ONNX_DATA = Path(__file__).parents[1] / "io" / "data" / "onnx"


@pytest.mark.parametrize("float32", [False, True])
def test_an_exported_onnx_model_predicts_raw_features_as_the_app_does(capsys, tmp_path, float32):
    model = tmp_path / "iris.onnx"
    code, out, _ = run(capsys, "train", IRIS, "--hidden", "5", "--iterations", "30", "--optimizer", "cg",
                       "--validation", "0", "--export", str(model), *(["--float32"] if float32 else []))
    assert code == 0 and f"weights written to {model}" in out
    code, predicted, err = run(capsys, "predict", str(model), IRIS)
    assert code == 0 and accuracy_in(err, "") == pytest.approx(accuracy_in(out, "training"), abs=0.01)

    session = ort.InferenceSession(str(model), providers=["CPUExecutionProvider"])
    raw = np.loadtxt(IRIS, delimiter=",", skiprows=1, usecols=range(4))
    h = session.run(None, {"features": raw.astype(np.float32 if float32 else np.float64)})[0]
    names = json.loads(session.get_modelmeta().custom_metadata_map["class_names"])
    assert [names[k] for k in h.argmax(axis=1)] == predicted.splitlines()
    assert h.dtype == (np.float32 if float32 else np.float64)


def test_float32_is_refused_before_training_for_other_formats(capsys, tmp_path):
    code, out, err = run(capsys, "train", "--builtin", "xor", "--export", str(tmp_path / "w.npz"), "--float32")
    assert code == 2 and out == "" and "--float32 applies to --export to an .onnx file" in err


def test_without_onnx_an_onnx_export_fails_before_training(capsys, tmp_path, monkeypatch):
    import importlib.util
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *args: None)
    code, out, err = run(capsys, "train", "--builtin", "xor", "--export", str(tmp_path / "w.onnx"))
    assert code == 2 and out == "" and 'pip install "bp-desktop[onnx]"' in err


def test_predict_with_a_softmax_model_notes_what_differs(capsys, tmp_path):
    expected = json.loads((ONNX_DATA / "expected.json").read_text())
    data = tmp_path / "x.csv"
    data.write_text("\n".join(",".join(map(str, row)) for row in expected["X"]) + "\n")
    code, out, err = run(capsys, "predict", str(ONNX_DATA / "sklearn_softmax.onnx"), str(data))
    assert code == 0 and out.splitlines() == expected["sklearn_softmax"]["predict"]
    assert err.startswith("note: Read from a model made by skl2onnx") and "Softmax" in err
    _, metadata = load_weights(ONNX_DATA / "sklearn_softmax.onnx")
    assert "scaling" not in metadata  # the raw values go in, as scikit-learn took them
