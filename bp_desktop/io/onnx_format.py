"""ONNX models: the network as a standard graph, for onnxruntime, PyTorch and other runtimes.

The optional package `onnx` (`pip install "bp-desktop[onnx]"`) is imported only when an
.onnx file is written or read, so the app runs without it.

Writing (opset 17, IR version 8; float64 by default, float32 on request):

    features          N × s_1 input: raw feature values when the graph scales them (below)
    Sub, Div          (x − shift) / scale, the feature scaling of the metadata, when there is
                      one and `scaling_in_graph` (the default); otherwise the input is a^(1)
    Gemm              z^(l+1) = a^(l) Θ_weightsᵀ + Θ_bias per layer (transB = 1, the layout of
                      torch.nn.Linear): Theta{l}_bias is Θ^(l)'s column 1, Theta{l}_weights the rest
    Sigmoid/Tanh/Relu a^(l+1) = g(z^(l+1)) in the hidden layers; Sigmoid on the output layer
    probabilities     N × s_L output h_Θ(x): one sigmoid unit per class (one-vs-all)

The metadata goes into the model's metadata_props, one entry per key, the value as JSON
text (onnxruntime's `custom_metadata_map`). The graph is written last in the file, so a
file cut short anywhere lacks it or fails to parse.

Reading: see onnx_graph.py for the graphs it understands (its own, PyTorch's, skl2onnx's
MLPClassifier). Tensors are checked against their declared sizes before any array is made,
and tensors stored in external files are refused: nothing outside the model is ever read.
"""
from __future__ import annotations

import importlib
import importlib.util
import sys
from typing import Any, BinaryIO

import numpy as np

from ..data import DatasetError, Scaler
from .metadata import METADATA_KEYS, metadata_to_json, parse_json
from .onnx_graph import OnnxNetwork, describe, read_network
from .thetas import WeightsContent, checked_theta, theta_name

INSTALL_HINT = 'pip install "bp-desktop[onnx]"'
OPSET = 17        # Gemm, Sigmoid, Tanh, Relu, Sub, Div: supported by every current runtime
IR_VERSION = 8    # the IR of opset 17; newer IRs are refused by older onnxruntime versions
PRODUCER = "bp-desktop"
INPUT, OUTPUT = "features", "probabilities"
DTYPES = {"float64": np.float64, "float32": np.float32}
_GRAPH_FIELD = 7  # ModelProto.graph
_ACTIVATION_OPS = {"sigmoid": "Sigmoid", "tanh": "Tanh", "relu": "Relu"}


def onnx_unavailable() -> str | None:
    """None when the onnx package is installed; otherwise what to do about it."""
    if importlib.util.find_spec("onnx") is None:
        return _missing()
    return None


def _missing(detail: str = "") -> str:
    if getattr(sys, "frozen", False):  # the standalone build leaves the optional packages out
        return (f"this standalone build has no ONNX support{detail}; install bp-desktop with "
                f"pip for it: {INSTALL_HINT}")
    return f"ONNX needs the optional package onnx{detail}: {INSTALL_HINT}"


def _onnx():
    # imported here, not at the top: the app runs without it, and it takes ~1 s to import
    try:
        return importlib.import_module("onnx")
    except ImportError as error:
        raise ValueError(_missing(f" ({error})")) from None


# --- writing ------------------------------------------------------------------------------
def write_onnx(stream: BinaryIO, thetas: list[np.ndarray], metadata: dict[str, Any], *,
               dtype: str = "float64", scaling_in_graph: bool = True) -> None:
    stream.write(onnx_bytes(thetas, metadata, dtype=dtype, scaling_in_graph=scaling_in_graph))


def onnx_bytes(thetas: list[np.ndarray], metadata: dict[str, Any], *, dtype: str = "float64",
               scaling_in_graph: bool = True) -> bytes:
    """The model file's bytes, checked by onnx's checker."""
    onnx = _onnx()
    if dtype not in DTYPES:
        raise ValueError(f"dtype must be one of {', '.join(DTYPES)}; got {dtype!r}")
    scaler = _scaler_for_graph(metadata) if scaling_in_graph else None
    graph = _graph(onnx, thetas, metadata, DTYPES[dtype], scaler)
    model = onnx.helper.make_model(
        graph, opset_imports=[onnx.helper.make_opsetid("", OPSET)], ir_version=IR_VERSION,
        producer_name=PRODUCER, producer_version=str(metadata.get("app_version", "")),
        doc_string="A multilayer perceptron trained with bp-desktop (course notation: "
                   "z^(l+1) = Θ^(l) [1; a^(l)], a = g(z)); metadata_props hold its metadata as JSON.")
    onnx.helper.set_model_props(model, {key: metadata_to_json(value) for key, value in metadata.items()})
    onnx.checker.check_model(model, full_check=True)
    graph_bytes = model.graph.SerializeToString()
    model.ClearField("graph")
    return model.SerializeToString() + _length_delimited(_GRAPH_FIELD, graph_bytes)


def _scaler_for_graph(metadata: dict[str, Any]) -> Scaler | None:
    """The metadata's feature scaling when it is one bp-desktop can apply (not 'none')."""
    recorded = metadata.get("scaling")
    if recorded is None:
        return None
    try:
        scaler = Scaler.from_dict(recorded)
    except DatasetError:
        return None  # an opaque scaling entry stays metadata only
    if scaler.n != metadata["layer_sizes"][0]:
        raise ValueError(f"the metadata's scaling is for {scaler.n} features; the network has "
                         f"{metadata['layer_sizes'][0]} inputs")
    return None if scaler.kind == "none" else scaler


def _graph(onnx, thetas, metadata, dtype, scaler):
    helper, TensorProto = onnx.helper, onnx.TensorProto
    elem = TensorProto.DOUBLE if dtype == np.float64 else TensorProto.FLOAT
    nodes, initializers = [], []

    def constant(name: str, values: np.ndarray) -> str:
        with np.errstate(over="ignore"):  # a value beyond float32 becomes inf: refused below
            array = np.asarray(values, dtype=np.float64).astype(dtype)
        if not np.all(np.isfinite(array)):
            raise ValueError(f"{name} holds values beyond the range of {np.dtype(dtype).name}; "
                             "export as float64")
        initializers.append(onnx.numpy_helper.from_array(array, name))
        return name

    a = INPUT
    if scaler is not None:
        if np.any(scaler.scale.astype(dtype) == 0):
            raise ValueError(f"a feature scale rounds to 0 in {np.dtype(dtype).name}; export as float64")
        scale = constant("scaling_scale", scaler.scale)
        nodes += [helper.make_node("Sub", [a, constant("scaling_shift", scaler.shift)],
                                   ["centred_features"], name="scaling_Sub"),
                  helper.make_node("Div", ["centred_features", scale], ["a1"], name="scaling_Div")]
        a = "a1"
    for l, theta in enumerate(thetas, start=1):
        output = OUTPUT if l == len(thetas) else f"a{l + 1}"
        op = "Sigmoid" if l == len(thetas) else _ACTIVATION_OPS[metadata["hidden_activation"]]
        weights = constant(f"{theta_name(l)}_weights", theta[:, 1:])
        bias = constant(f"{theta_name(l)}_bias", theta[:, 0])
        nodes += [helper.make_node("Gemm", [a, weights, bias], [f"z{l + 1}"], name=f"layer{l}_Gemm", transB=1),
                  helper.make_node(op, [f"z{l + 1}"], [output], name=f"layer{l + 1}_{op}")]
        a = output
    sizes = metadata["layer_sizes"]
    inputs = [helper.make_tensor_value_info(INPUT, elem, ["N", sizes[0]], _input_doc(metadata, scaler))]
    outputs = [helper.make_tensor_value_info(OUTPUT, elem, ["N", sizes[-1]], _output_doc(metadata))]
    return helper.make_graph(nodes, "bp_desktop_network", inputs, outputs, initializers)


def _input_doc(metadata: dict[str, Any], scaler: Scaler | None) -> str:
    names = metadata.get("feature_names")
    columns = f" ({', '.join(names)})" if names else ""
    if scaler is not None:
        return (f"one row per example, the raw feature values{columns}; the graph scales them "
                "as metadata 'scaling' records")
    if metadata.get("scaling") is not None:
        return f"one row per example{columns}, scaled first as metadata 'scaling' records"
    return f"one row per example{columns}"


def _output_doc(metadata: dict[str, Any]) -> str:
    names = metadata.get("class_names")
    if names and len(names) == 2 and metadata["layer_sizes"][-1] == 1:
        return f"h_Θ(x): the probability of {names[1]!r} (against {names[0]!r})"
    classes = f" ({', '.join(names)})" if names else ""
    return (f"h_Θ(x): one sigmoid output per class{classes}, each a probability of its own "
            "(one-vs-all: they need not sum to 1)")


def _length_delimited(field: int, payload: bytes) -> bytes:
    """One protobuf field of wire type 2: tag, length as a varint, the bytes."""
    header = bytearray([field << 3 | 2])
    length = len(payload)
    while True:
        byte, length = length & 0x7F, length >> 7
        header.append(byte | (0x80 if length else 0))
        if not length:
            return bytes(header) + payload


# --- reading ------------------------------------------------------------------------------
def read_onnx(data: bytes) -> WeightsContent:
    onnx = _onnx()
    model = onnx.ModelProto()
    try:
        model.ParseFromString(data)
    except Exception as error:  # protobuf's DecodeError, whatever the bytes
        raise ValueError(f"is not an ONNX model (cut short or corrupt: {error})") from None
    if not model.HasField("graph"):
        raise ValueError("is not an ONNX model: it holds no graph (cut short, or another kind of file)")
    _check_opsets(model)
    network = read_network(onnx, model.graph)
    metadata = _metadata(model)
    thetas = [checked_theta(theta_name(l), theta) for l, theta in enumerate(network.thetas, start=1)]
    _merge_scaling(metadata, network)
    if network.class_names is not None and "class_names" not in metadata:
        metadata["class_names"] = network.class_names
    notes = network.notes(model.producer_name, model.producer_version)
    if notes:
        metadata["import_note"] = notes
    return WeightsContent(thetas, hidden_activation=network.hidden_activation, metadata=metadata)


def _check_opsets(model) -> None:
    """Every operator domain the nodes use is imported (a file cut short may lack some)."""
    imported = {"" if opset.domain == "ai.onnx" else opset.domain for opset in model.opset_import}
    if "" not in imported:
        raise ValueError("declares no ONNX operator set (opset_import): not a complete ONNX model")
    for node in model.graph.node:
        domain = "" if node.domain == "ai.onnx" else node.domain
        if domain not in imported:
            raise ValueError(f"{describe(node)} uses the operator domain {node.domain!r}, which the "
                             "model does not import (opset_import): not a complete ONNX model")


def _metadata(model) -> dict[str, Any]:
    """metadata_props as a dict: each value is JSON text; another tool's plain text stays text."""
    metadata: dict[str, Any] = {}
    for entry in model.metadata_props:
        if entry.key in metadata:
            raise ValueError(f"metadata_props has the key {entry.key!r} twice")
        try:
            metadata[entry.key] = parse_json(entry.value)
        except ValueError as error:
            if entry.key in METADATA_KEYS:
                raise ValueError(f"metadata_props {entry.key!r} is not valid JSON: {error}") from None
            metadata[entry.key] = entry.value
    return metadata


def _merge_scaling(metadata: dict[str, Any], network: OnnxNetwork) -> None:
    """Sub/Div nodes before the first layer are the feature scaling: they must agree with the
    metadata's (to the graph's precision), or become the metadata's scaling when it has none."""
    if network.shift is None:
        return
    if metadata.get("scaling") is None:
        metadata["scaling"] = {"kind": "zscore", "shift": network.shift.tolist(),
                               "scale": network.scale.tolist()}
        network.scaling_guessed = True
        return
    try:
        recorded = Scaler.from_dict(metadata["scaling"])
    except DatasetError as error:
        raise ValueError(f"metadata 'scaling' is not a feature scaling ({error}), yet the graph "
                         "scales its inputs") from None
    for name, graph_values, recorded_values in (("shift", network.shift, recorded.shift),
                                                ("scale", network.scale, recorded.scale)):
        if graph_values.shape != recorded_values.shape or not np.array_equal(
                graph_values, recorded_values.astype(network.dtype).astype(np.float64)):
            raise ValueError(f"the graph's scaling {name} disagrees with metadata 'scaling'")
