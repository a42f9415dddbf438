"""From an ONNX graph to Θ: plain multilayer perceptrons are read, everything else refused.

Understood, from the one input to the output:

    Cast (to float or double), Identity, Flatten (axis 1)   passed through
    Sub(x, c) then Div(·, c)                                the feature scaling (x − shift) / scale
    Gemm(a, B, C): transA 0, any transB, alpha, beta         one layer, Θ = [β C | α B]
    or MatMul(a, W) with an optional Add(·, b)              one layer, Θ = [b | Wᵀ]
    Sigmoid, Tanh or Relu after each hidden layer           the same g in all of them
    Sigmoid after the output layer                          as bp-desktop computes it
    or Softmax, LogSoftmax, or nothing (logits)             read with a note (OnnxNetwork.notes)

This covers torch.onnx.export of a stack of Linear + Sigmoid/Tanh/ReLU (Gemm with transB 1)
and skl2onnx's MLPClassifier (Cast, MatMul + Add, Softmax or Sigmoid). After the output
layer, nodes that only present its values are allowed (skl2onnx's classifier head:
ArgMax, ZipMap, ArrayFeatureExtractor, Concat, Sub, Reshape, Cast, Identity); the labels
ArrayFeatureExtractor looks up become the class names. Constants are initializers,
Constant nodes, and Identity/Transpose/Cast of constants. Any other node is refused with
a message naming the first one that does not fit.
"""
from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

import numpy as np

MAX_ELEMENTS = 1 << 27   # per tensor: 1 GiB as float64, more than any file we accept holds
MAX_NODES = 100_000
HIDDEN_ACTIVATIONS = {"Sigmoid": "sigmoid", "Tanh": "tanh", "Relu": "relu"}
OUTPUT_ACTIVATIONS = ("Sigmoid", "Softmax", "LogSoftmax")
PASS_THROUGH = ("Cast", "Identity", "Flatten")
HEAD_OPS = {("", "ArgMax"), ("", "Concat"), ("", "Sub"), ("", "Reshape"), ("", "Cast"),
            ("", "Identity"), ("ai.onnx.ml", "ZipMap"), ("ai.onnx.ml", "ArrayFeatureExtractor")}
CONSTANT_OPS = ("Constant", "Identity", "Transpose", "Cast")
FLOAT, DOUBLE = 1, 11   # TensorProto data types
_NUMERIC = {FLOAT: ("<f4", "float_data"), DOUBLE: ("<f8", "double_data"),
            7: ("<i8", "int64_data"), 6: ("<i4", "int32_data")}
_STRING = 8
_TYPE_NAMES = {6: "int32", 7: "int64", 8: "string", 2: "uint8", 3: "int8", 4: "uint16", 5: "int16", 9: "bool", 10: "float16",
               12: "uint32", 13: "uint64", 14: "complex64", 15: "complex128", 16: "bfloat16"}


@dataclass
class OnnxNetwork:
    """What the graph holds, in the course's terms."""

    thetas: list[np.ndarray] = field(default_factory=list)
    hidden_activation: str | None = None     # None: no hidden layer
    output_op: str | None = None             # "Sigmoid", "Softmax", "LogSoftmax" or None (logits)
    shift: np.ndarray | None = None          # the graph's feature scaling, when it has one
    scale: np.ndarray | None = None
    dtype: Any = np.float64                  # of the scaling constants, to compare with metadata
    class_names: list[str] | None = None
    scaling_guessed: bool = False

    def notes(self, producer: str, version: str) -> str | None:
        """What differs between the file's model and the network bp-desktop makes of it."""
        notes = []
        same_class = ("The predicted class (the largest z^(L)) is the same; h_Θ(x){}, J and "
                      "δ^(L) = a^(L) − y are those of bp-desktop's sigmoid network with these Θ.")
        if self.output_op == "Softmax":
            notes.append("The file's output layer applies Softmax; bp-desktop's applies the sigmoid g "
                         "of the course. " + same_class.format(" (whose K outputs need not sum to 1)"))
        elif self.output_op == "LogSoftmax":
            notes.append("The file's output layer applies LogSoftmax (log-probabilities); bp-desktop's "
                         "applies the sigmoid g of the course. " + same_class.format(""))
        elif self.output_op is None:
            notes.append("The file's output layer has no activation (it outputs the logits z^(L)); "
                         "bp-desktop applies the sigmoid g of the course to them. " + same_class.format(""))
        if self.scaling_guessed:
            notes.append("The graph scales its inputs, (x − shift) / scale, before the first layer: "
                         "read as a z-score feature scaling.")
        if not notes:
            return None
        source = f"{producer} {version}".strip() or "another program"
        return f"Read from a model made by {source}. " + " ".join(notes)


class NotAnMlp(ValueError):
    """A node that does not fit a plain multilayer perceptron."""

    def __init__(self, node, reason: str):
        super().__init__(f"{describe(node)} does not fit a plain multilayer perceptron: {reason}")


def describe(node) -> str:
    op = node.op_type if node.domain in ("", "ai.onnx") else f"{node.domain}.{node.op_type}"
    if node.name:
        return f"node {node.name!r} ({op})"
    output = next((o for o in node.output if o), "")
    return f"the {op} node computing {output!r}" if output else f"an unnamed {op} node"


def read_network(onnx, graph_proto) -> OnnxNetwork:
    graph = _Graph(onnx, graph_proto)
    network = OnnxNetwork()
    chain: set[int] = set()   # id() of every node on the path from the input to the output
    tensor, flattened = _pass_through(graph, graph.input.name, chain)
    tensor = _scaling(graph, tensor, chain, network)
    layers, tensor = _layers(graph, tensor, chain)
    _check_activations(layers, network)
    network.thetas = [theta for theta, _, _ in layers]
    _check_widths(graph, layers, network, flattened)
    _check_the_rest(graph, chain, tensor, network)
    return network


# --- the graph and its constants ------------------------------------------------------------
class _Graph:
    def __init__(self, onnx, graph):
        self.helper = onnx.helper
        if len(graph.node) > MAX_NODES:
            raise ValueError(f"has {len(graph.node)} nodes; a multilayer perceptron has far fewer")
        if len(graph.sparse_initializer):
            raise ValueError("holds sparse initializers, which bp-desktop does not read")
        self.nodes = list(graph.node)
        self.initializers: dict[str, Any] = {}
        for tensor in graph.initializer:
            if tensor.name in self.initializers:
                raise ValueError(f"has two initializers named {tensor.name!r}")
            self.initializers[tensor.name] = tensor
        self.producer: dict[str, Any] = {}
        self.consumers: dict[str, list] = defaultdict(list)
        for node in self.nodes:
            for name in filter(None, node.output):
                if name in self.producer or name in self.initializers:
                    raise NotAnMlp(node, f"it computes {name!r}, which is already defined")
                self.producer[name] = node
            for name in dict.fromkeys(filter(None, node.input)):  # Gemm(x, x) consumes x once
                self.consumers[name].append(node)
        inputs = [value for value in graph.input if value.name not in self.initializers]
        if len(inputs) != 1:
            names = ", ".join(repr(value.name) for value in inputs) or "none"
            raise ValueError(f"has {len(inputs)} inputs ({names}); a network has one, the features")
        self.input = inputs[0]
        elem_type = self.input.type.tensor_type.elem_type
        if not self.input.type.HasField("tensor_type") or elem_type not in (FLOAT, DOUBLE):
            kind = _TYPE_NAMES.get(elem_type, "not a tensor of float or double")
            raise ValueError(f"its input {self.input.name!r} is {kind}; a network takes float or double features")
        if self.input.name in self.producer:
            raise NotAnMlp(self.producer[self.input.name], "it computes the graph's input")
        self.outputs = [value.name for value in graph.output]
        self._constants: dict[str, np.ndarray | None] = {}

    def sole_consumer(self, tensor: str, chain: set[int]):
        """The one node that takes `tensor`, if only one does (a cycle back into the path is refused)."""
        consumers = self.consumers.get(tensor, [])
        if len(consumers) != 1:
            return None
        if id(consumers[0]) in chain:
            raise NotAnMlp(consumers[0], "the graph runs in a circle")
        return consumers[0]

    def attributes(self, node) -> dict[str, Any]:
        values: dict[str, Any] = {}
        for attribute in node.attribute:
            if attribute.name in values:
                raise NotAnMlp(node, f"it has the attribute {attribute.name!r} twice")
            values[attribute.name] = self.helper.get_attribute_value(attribute)
        return values

    def constant(self, name: str, depth: int = 0) -> np.ndarray | None:
        """The value of a constant tensor; None for anything computed from the input."""
        if name not in self._constants:
            self._constants[name] = self._evaluate(name, depth)
        return self._constants[name]

    def _evaluate(self, name: str, depth: int) -> np.ndarray | None:
        if name in self.initializers:
            return tensor_array(self.initializers[name])
        node = self.producer.get(name)
        if node is None or node.domain not in ("", "ai.onnx") or node.op_type not in CONSTANT_OPS or depth > 16:
            return None
        attributes = self.attributes(node)
        if node.op_type == "Constant":
            return _constant_node_value(node, attributes)
        if len([i for i in node.input if i]) != 1:
            return None
        value = self.constant(node.input[0], depth + 1)
        if value is None or node.op_type == "Identity":
            return value
        if node.op_type == "Transpose":
            perm = attributes.get("perm", list(reversed(range(value.ndim))))
            if sorted(perm) != list(range(value.ndim)):
                raise NotAnMlp(node, f"perm {perm} does not fit a {value.ndim}-D tensor")
            return np.transpose(value, perm)
        return _cast(node, value, attributes.get("to"))

    def is_constant_node(self, node) -> bool:
        outputs = [o for o in node.output if o]
        return bool(outputs) and all(self.constant(o) is not None for o in outputs)


def tensor_array(tensor) -> np.ndarray:
    """A TensorProto as a numpy array, its declared size checked against the data present
    before anything is allocated; external data is refused, never opened."""
    name = tensor.name
    if tensor.data_location == 1 or len(tensor.external_data):
        where = next((entry.value for entry in tensor.external_data if entry.key == "location"), "")
        raise ValueError(f"tensor {name!r} is stored in another file ({where!r:.100}); bp-desktop "
                         "reads only self-contained models and never opens other files")
    if tensor.HasField("segment"):
        raise ValueError(f"tensor {name!r} is a segment of a larger tensor, which is not supported")
    dims = list(tensor.dims)
    if any(d < 0 for d in dims):
        raise ValueError(f"tensor {name!r} has a negative dimension {dims}")
    count = math.prod(dims)
    if count > MAX_ELEMENTS:
        raise ValueError(f"tensor {name!r} declares {count} elements (shape {dims}); "
                         f"more than {MAX_ELEMENTS}, so it is refused")
    if tensor.data_type == _STRING:
        if len(tensor.string_data) != count:
            raise ValueError(f"tensor {name!r} declares {count} strings and holds {len(tensor.string_data)}")
        return np.array([s.decode("utf-8", "replace") for s in tensor.string_data], dtype=str).reshape(dims)
    if tensor.data_type not in _NUMERIC:
        kind = _TYPE_NAMES.get(tensor.data_type, f"data type {tensor.data_type}")
        raise ValueError(f"tensor {name!r} holds {kind}; bp-desktop reads float and double weights")
    dtype, field_name = _NUMERIC[tensor.data_type]
    if tensor.raw_data:
        expected = count * np.dtype(dtype).itemsize
        if len(tensor.raw_data) != expected:
            raise ValueError(f"tensor {name!r} of shape {dims} needs {expected} bytes and holds "
                             f"{len(tensor.raw_data)}")
        return np.frombuffer(tensor.raw_data, dtype=dtype).reshape(dims)
    values = getattr(tensor, field_name)
    if len(values) != count:
        raise ValueError(f"tensor {name!r} of shape {dims} holds {len(values)} values, not {count}")
    return np.array(values, dtype=dtype).reshape(dims)


def _constant_node_value(node, attributes: dict[str, Any]) -> np.ndarray:
    if len(attributes) != 1:
        raise NotAnMlp(node, "a Constant node has exactly one value attribute")
    (key, value), = attributes.items()
    if key == "value":
        return tensor_array(value)
    if key in ("value_float", "value_floats"):
        return np.array(value, dtype=np.float32)
    if key in ("value_int", "value_ints"):
        return np.array(value, dtype=np.int64)
    raise NotAnMlp(node, f"a Constant given by {key!r} is not supported")


def _cast(node, value: np.ndarray, to: Any) -> np.ndarray | None:
    """A Cast of a constant to a number type, or None (then the node is not a constant)."""
    if to not in _NUMERIC or value.dtype.kind not in "fiu":
        return None
    return value.astype(_NUMERIC[to][0])


# --- the path from the input to the output ----------------------------------------------------
def _pass_through(graph: _Graph, tensor: str, chain: set[int]) -> tuple[str, bool]:
    flattened = False
    while (node := graph.sole_consumer(tensor, chain)) is not None and _is(node, *PASS_THROUGH):
        attributes = graph.attributes(node)
        if len([i for i in node.input if i]) != 1 or len(node.output) != 1:
            raise NotAnMlp(node, "it takes more than the features")
        if node.op_type == "Cast" and attributes.get("to") not in (FLOAT, DOUBLE):
            raise NotAnMlp(node, f"it casts the features to data type {attributes.get('to')}; "
                                 "only float and double are read")
        if node.op_type == "Flatten":
            if attributes.get("axis", 1) != 1:
                raise NotAnMlp(node, "only Flatten with axis 1 (one row per example) is read")
            flattened = True
        chain.add(id(node))
        tensor = node.output[0]
    return tensor, flattened


def _scaling(graph: _Graph, tensor: str, chain: set[int], network: OnnxNetwork) -> str:
    sub = graph.sole_consumer(tensor, chain)
    if sub is None or not _is(sub, "Sub") or list(sub.input[:1]) != [tensor] or len(sub.input) != 2:
        return tensor
    div = graph.sole_consumer(sub.output[0], chain)
    shift = graph.constant(sub.input[1])
    scale = None
    if div is not None and _is(div, "Div") and len(div.input) == 2 and div.input[0] == sub.output[0]:
        scale = graph.constant(div.input[1])
    if shift is None or scale is None:
        raise NotAnMlp(sub, "before the first layer, bp-desktop reads only the feature scaling "
                            "(x − shift) / scale: a Sub of a constant, then a Div by a constant")
    for node, value, what in ((sub, shift, "shift"), (div, scale, "scale")):
        if value.dtype.kind != "f" or value.ndim > 2 or (value.ndim == 2 and value.shape[0] != 1):
            raise NotAnMlp(node, f"the scaling {what} must be a row of floating-point numbers")
    if not (np.all(np.isfinite(shift)) and np.all(np.isfinite(scale)) and np.all(scale != 0)):
        raise NotAnMlp(div, "the scaling holds non-finite numbers or divides by 0")
    network.shift = shift.astype(np.float64).reshape(-1)
    network.scale = scale.astype(np.float64).reshape(-1)
    network.dtype = shift.dtype
    chain.update((id(sub), id(div)))
    return div.output[0]


def _layers(graph: _Graph, tensor: str, chain: set[int]) -> tuple[list, str]:
    """[(Θ, its activation node or None, its first node)], and the output tensor."""
    layers = []
    while (node := graph.sole_consumer(tensor, chain)) is not None:
        linear = _linear(graph, node, tensor, chain)
        if linear is None:
            break
        theta, tensor, nodes = linear
        chain.update(map(id, nodes))
        activation = graph.sole_consumer(tensor, chain)
        if activation is not None and _is(activation, *HIDDEN_ACTIVATIONS, *OUTPUT_ACTIVATIONS):
            _check_activation_attributes(graph, activation)
            chain.add(id(activation))
            tensor = activation.output[0]
        else:
            activation = None
        layers.append((theta, activation, node))
    if not layers:
        consumers = graph.consumers.get(tensor, [])
        if not consumers:
            raise ValueError(f"its input {graph.input.name!r} feeds no layer (Gemm, or MatMul and Add)")
        if len(consumers) > 1:
            raise NotAnMlp(consumers[0], f"{tensor!r} feeds several nodes; in a plain multilayer "
                                         "perceptron the features feed only the first layer")
        raise NotAnMlp(consumers[0], "expected a layer here (Gemm, or MatMul and Add) taking the features")
    return layers, tensor


def _linear(graph: _Graph, node, tensor: str, chain: set[int]):
    """(Θ, output tensor, nodes used) for a Gemm or MatMul(+Add) layer taking `tensor`."""
    if _is(node, "Gemm"):
        return _gemm(graph, node, tensor)
    if not _is(node, "MatMul"):
        return None
    if len(node.input) != 2 or node.input[0] != tensor:
        raise NotAnMlp(node, "expected the activations times a constant matrix")
    weights = _float_matrix(graph, node, node.input[1], "weights").T
    add = graph.sole_consumer(node.output[0], chain)
    if add is None or not _is(add, "Add") or len(add.input) != 2:
        return _theta(node, np.zeros(weights.shape[0]), weights), node.output[0], [node]
    other = add.input[1] if add.input[0] == node.output[0] else add.input[0]
    bias = graph.constant(other)
    if bias is None:
        raise NotAnMlp(add, "it adds something that is not a constant bias to the layer")
    return _theta(add, _bias(add, bias, weights.shape[0]), weights), add.output[0], [node, add]


def _gemm(graph: _Graph, node, tensor: str):
    attributes = graph.attributes(node)
    unknown = sorted(set(attributes) - {"alpha", "beta", "transA", "transB"})
    if unknown:
        raise NotAnMlp(node, f"unknown attribute(s) {', '.join(unknown)}")
    inputs = list(node.input)
    if len(inputs) < 2 or inputs[0] != tensor or attributes.get("transA", 0) != 0:
        raise NotAnMlp(node, "expected the activations (not transposed) times a constant matrix")
    alpha, beta = float(attributes.get("alpha", 1.0)), float(attributes.get("beta", 1.0))
    weights = _float_matrix(graph, node, inputs[1], "B")
    if not attributes.get("transB", 0):
        weights = weights.T
    weights = alpha * weights if alpha != 1.0 else weights
    if len(inputs) > 2 and inputs[2]:
        bias = graph.constant(inputs[2])
        if bias is None:
            raise NotAnMlp(node, "its C (the bias) is not a constant")
        bias = _bias(node, bias, weights.shape[0]) * beta
    else:
        bias = np.zeros(weights.shape[0])
    return _theta(node, bias, weights), node.output[0], [node]


def _float_matrix(graph: _Graph, node, name: str, what: str) -> np.ndarray:
    value = graph.constant(name)
    if value is None:
        raise NotAnMlp(node, f"its {what} {name!r} is not a constant")
    if value.dtype.kind != "f" or value.ndim != 2:
        raise NotAnMlp(node, f"its {what} must be a matrix of floating-point numbers; got "
                             f"{value.dtype.name} of shape {list(value.shape)}")
    return value.astype(np.float64)


def _bias(node, value: np.ndarray, units: int) -> np.ndarray:
    if value.dtype.kind != "f":
        raise NotAnMlp(node, "its bias must hold floating-point numbers")
    if value.size == 1:
        return np.full(units, float(value.reshape(-1)[0]))
    if value.shape not in ((units,), (1, units)):
        raise NotAnMlp(node, f"its bias has shape {list(value.shape)}; the layer has {units} units")
    return value.astype(np.float64).reshape(-1)


def _theta(node, bias: np.ndarray, weights: np.ndarray) -> np.ndarray:
    if weights.shape[0] < 1 or weights.shape[1] < 1:
        raise NotAnMlp(node, f"a layer of shape {list(weights.shape)} has no units")
    return np.hstack([bias.reshape(-1, 1), weights])


def _check_activation_attributes(graph: _Graph, node) -> None:
    attributes = graph.attributes(node)
    if node.op_type in ("Softmax", "LogSoftmax"):
        if set(attributes) - {"axis"} or attributes.get("axis", -1) not in (-1, 1):
            raise NotAnMlp(node, "only a softmax over the units of each example (axis 1) is read")
    elif attributes:
        raise NotAnMlp(node, f"unexpected attribute(s) {', '.join(sorted(attributes))}")


def _check_activations(layers: list, network: OnnxNetwork) -> None:
    """One g for every hidden layer; Sigmoid, Softmax, LogSoftmax or nothing on the output."""
    hidden = None
    for l, (_, activation, _) in enumerate(layers[:-1], start=2):
        if activation is None:
            raise NotAnMlp(layers[l - 1][2], f"it follows layer {l}, which has no activation; "
                                             "each hidden layer of bp-desktop's network applies g")
        op = activation.op_type
        if op not in HIDDEN_ACTIVATIONS:
            raise NotAnMlp(activation, f"hidden layer {l} applies {op}; bp-desktop's hidden "
                                       "layers apply sigmoid, tanh or relu")
        if hidden is None:
            hidden = op
        elif op != hidden:
            raise NotAnMlp(activation, f"hidden layer {l} applies {op} but layer 2 applies "
                                       f"{hidden}; bp-desktop's network has one g for all hidden layers")
    last = layers[-1][1]
    if last is not None and last.op_type not in OUTPUT_ACTIVATIONS:
        raise NotAnMlp(last, f"the output layer applies {last.op_type}; bp-desktop's output "
                             "layer is a classifier's sigmoid")
    network.hidden_activation = HIDDEN_ACTIVATIONS[hidden] if hidden else None
    network.output_op = None if last is None else last.op_type


def _check_widths(graph: _Graph, layers: list, network: OnnxNetwork, flattened: bool) -> None:
    for (before, _, _), (theta, _, node) in zip(layers, layers[1:]):
        if theta.shape[1] != before.shape[0] + 1:
            raise NotAnMlp(node, f"it takes {theta.shape[1] - 1} values but the layer before "
                                 f"gives {before.shape[0]}")
    inputs = layers[0][0].shape[1] - 1
    dims = [d.dim_value if d.HasField("dim_value") else None
            for d in graph.input.type.tensor_type.shape.dim]
    if not flattened and len(dims) == 2 and dims[1] is not None and dims[1] != inputs:
        raise ValueError(f"its input {graph.input.name!r} has {dims[1]} features but the first "
                         f"layer takes {inputs}")
    if network.shift is not None:
        for name in ("shift", "scale"):
            values = getattr(network, name)
            if values.size == 1:
                setattr(network, name, np.full(inputs, values[0]))
            elif values.size != inputs:
                raise ValueError(f"the input scaling has {values.size} {name} values for {inputs} features")


def _check_the_rest(graph: _Graph, chain: set[int], output: str, network: OnnxNetwork) -> None:
    """Every node off the path computes a constant or presents the output (a classifier head)."""
    derived = {output}
    for node in graph.nodes:
        if id(node) in chain or graph.is_constant_node(node):
            continue
        inputs = [name for name in node.input if name]
        if ((node.domain if node.domain != "ai.onnx" else "", node.op_type) in HEAD_OPS
                and any(name in derived for name in inputs)
                and all(name in derived or graph.constant(name) is not None for name in inputs)):
            derived.update(name for name in node.output if name)
            _class_labels(graph, node, network)
            continue
        branching = next((name for name in inputs if len(graph.consumers[name]) > 1
                          and (name in derived or name == graph.input.name)), None)
        if branching:
            raise NotAnMlp(node, f"{branching!r} feeds several nodes; in a plain multilayer "
                                 "perceptron each layer feeds only the next")
        raise NotAnMlp(node, "bp-desktop reads layers of Gemm (or MatMul and Add), each followed "
                             "by Sigmoid, Tanh or Relu, and a classifier's output")
    if not any(name in derived for name in graph.outputs):
        raise ValueError("no output of the graph comes from its last layer")


def _class_labels(graph: _Graph, node, network: OnnxNetwork) -> None:
    if node.op_type != "ArrayFeatureExtractor":
        return
    labels = graph.constant(node.input[0])
    units = network.thetas[-1].shape[0]
    if labels is not None and labels.ndim == 1 and labels.size in ({units, 2} if units == 1 else {units}):
        network.class_names = [str(label) for label in labels.tolist()]


def _is(node, *ops: str) -> bool:
    return node.domain in ("", "ai.onnx") and node.op_type in ops
