"""Makes the small ONNX models in this folder, once, with the real exporters; the tests read
the files and need neither PyTorch nor scikit-learn. Run it again only to remake them:

    python -m venv /tmp/onnxgen
    /tmp/onnxgen/bin/pip install torch onnxscript scikit-learn skl2onnx onnx onnxruntime
    /tmp/onnxgen/bin/python tests/io/data/onnx/make_models.py

Made with torch 2.14.1, onnxscript, scikit-learn 1.9.1, skl2onnx 1.20.0 and onnx 1.23.2.
expected.json holds the examples X (4 features, values exact in float32) and what each
source library predicts for them: torch's forward output, scikit-learn's predict and
predict_proba.

    torch_sigmoid.onnx      Linear(4, 6), Sigmoid, Linear(6, 3), Sigmoid         legacy exporter
    torch_relu_logits.onnx  Flatten, Linear(4, 8), ReLU, Linear(8, 8), ReLU, Linear(8, 3)
                            (logits, as for CrossEntropyLoss)                      dynamo exporter
    torch_mixed.onnx        Linear, Tanh, Linear, ReLU, Linear, Sigmoid: two different hidden
                            g, which bp-desktop refuses (at the Relu node)          legacy exporter
    sklearn_binary.onnx     MLPClassifier((5,), tanh), classes "no"/"yes": one sigmoid output
    sklearn_softmax.onnx    MLPClassifier((6, 5), relu), classes 3/5/7: a softmax output
"""
import json
import warnings
from pathlib import Path

import numpy as np
import torch
from skl2onnx import to_onnx
from sklearn.neural_network import MLPClassifier

HERE = Path(__file__).resolve().parent
warnings.filterwarnings("ignore")


def examples() -> np.ndarray:
    rng = np.random.default_rng(15)
    return np.round(rng.normal(size=(12, 4)) * 8) / 8   # multiples of 1/8: exact in float32


def torch_models(X: np.ndarray) -> dict:
    torch.manual_seed(15)
    nn = torch.nn
    models = {
        "torch_sigmoid": (nn.Sequential(nn.Linear(4, 6), nn.Sigmoid(), nn.Linear(6, 3), nn.Sigmoid()), False),
        "torch_relu_logits": (nn.Sequential(nn.Flatten(), nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 8),
                                            nn.ReLU(), nn.Linear(8, 3)), True),
        "torch_mixed": (nn.Sequential(nn.Linear(4, 5), nn.Tanh(), nn.Linear(5, 5), nn.ReLU(),
                                      nn.Linear(5, 2), nn.Sigmoid()), False),
    }
    x = torch.tensor(X, dtype=torch.float32)
    expected = {}
    for name, (model, dynamo) in models.items():
        model.eval()
        path = HERE / f"{name}.onnx"
        if dynamo:
            program = torch.onnx.export(model, (x,), dynamo=True, input_names=["x"], output_names=["y"],
                                        dynamic_shapes=({0: torch.export.Dim("N")},))
            path.write_bytes(program.model_proto.SerializeToString())
        else:
            torch.onnx.export(model, (x,), str(path), dynamo=False, input_names=["x"], output_names=["y"],
                              dynamic_axes={"x": {0: "N"}, "y": {0: "N"}})
        with torch.no_grad():
            expected[name] = {"output": model(x).numpy().astype(float).tolist()}
    return expected


def sklearn_models(X: np.ndarray) -> dict:
    rng = np.random.default_rng(16)
    X_train = rng.normal(size=(120, 4)).astype(np.float32)
    binary = np.where(X_train[:, 0] + X_train[:, 1] > 0, "yes", "no")
    three = np.select([X_train[:, 2] > 0.5, X_train[:, 3] > 0], [3, 5], 7)
    models = {
        "sklearn_binary": MLPClassifier((5,), activation="tanh", max_iter=300, random_state=0).fit(X_train, binary),
        "sklearn_softmax": MLPClassifier((6, 5), activation="relu", max_iter=300, random_state=0).fit(X_train, three),
    }
    expected = {}
    for name, model in models.items():
        onnx_model = to_onnx(model, X_train[:1])
        (HERE / f"{name}.onnx").write_bytes(onnx_model.SerializeToString())
        expected[name] = {"classes": [str(c) for c in model.classes_],
                          "predict": [str(c) for c in model.predict(X.astype(np.float32))],
                          "predict_proba": model.predict_proba(X.astype(np.float32)).tolist()}
    return expected


if __name__ == "__main__":
    X = examples()
    expected = {"X": X.tolist(), **torch_models(X), **sklearn_models(X)}
    (HERE / "expected.json").write_text(json.dumps(expected, indent=1) + "\n")
