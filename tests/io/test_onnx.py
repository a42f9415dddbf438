"""ONNX weights files: what onnxruntime computes from an exported model is the core's forward
pass; models made by PyTorch and skl2onnx import and predict as their source did; anything
else is refused with WeightsFileError, naming the node that does not fit."""
import json
import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from bp_desktop.core import ACTIVATIONS, Network, theta_shapes
from bp_desktop.data import Scaler
from bp_desktop.io import WeightsFileError, load_weights, onnx_unavailable, save_weights
from .test_hostile_files import load_fails

onnx = pytest.importorskip("onnx")
ort = pytest.importorskip("onnxruntime")
from onnx import TensorProto, helper, numpy_helper  # noqa: E402

DATA = Path(__file__).parent / "data" / "onnx"
EXPECTED = json.loads((DATA / "expected.json").read_text())
X_EXAMPLES = np.array(EXPECTED["X"])


def run(path, X, name="features"):
    session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    return session.run(None, {name: X})[0]


def softmax(z):
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


@st.composite
def moderate_networks(draw):
    sizes = draw(st.lists(st.integers(1, 6), min_size=2, max_size=4))
    weights = st.floats(-4, 4, allow_nan=False, width=64)
    thetas = [draw(hnp.arrays(np.float64, shape, elements=weights)) for shape in theta_shapes(sizes)]
    return Network(sizes, thetas=thetas, hidden_activation=draw(st.sampled_from(sorted(ACTIVATIONS))))


# --- export: onnxruntime computes the core's h_Θ(x) ---------------------------------------------
@pytest.mark.parametrize("dtype, tolerance", [("float64", 1e-12), ("float32", 1e-6)])
@settings(max_examples=25, deadline=None)
@given(network=moderate_networks(), seed=st.integers(0, 2**32 - 1))
def test_onnxruntime_computes_the_cores_forward_pass(tmp_path_factory, dtype, tolerance, network, seed):
    path = tmp_path_factory.mktemp("onnx") / "w.onnx"
    X = np.random.default_rng(seed).normal(size=(9, network.layer_sizes[0]))
    save_weights(network, path, dtype=dtype)
    h = run(path, X.astype(dtype))
    assert h.dtype == np.dtype(dtype) and h.shape == (9, network.layer_sizes[-1])
    # the runtime computes with the Θ and x the file and the caller hold: rounded to dtype
    held = Network(network.layer_sizes, hidden_activation=network.hidden_activation,
                   thetas=[theta.astype(dtype).astype(float) for theta in network.thetas])
    expected = held.forward(X.astype(dtype).astype(float)).output
    np.testing.assert_allclose(h, expected, rtol=0, atol=tolerance)


@pytest.mark.parametrize("dtype, tolerance", [("float64", 1e-12), ("float32", 1e-6)])
@pytest.mark.parametrize("kind", ["zscore", "minmax"])
def test_the_graph_scales_raw_inputs_as_the_app_does(tmp_path, dtype, tolerance, kind):
    rng = np.random.default_rng(3)
    X_raw = rng.normal(size=(40, 3)) * [10.0, 0.5, 200.0] + [5.0, -1.0, 1000.0]
    scaler = Scaler.fit(X_raw, kind)
    network = Network([3, 5, 2], hidden_activation="tanh", seed=2)
    save_weights(network, tmp_path / "w.onnx", metadata={"scaling": scaler.to_dict()}, dtype=dtype)
    h = run(tmp_path / "w.onnx", X_raw.astype(dtype))
    np.testing.assert_allclose(h, network.forward(scaler.transform(X_raw)).output, rtol=0, atol=tolerance)


def test_without_scaling_in_the_graph_the_model_takes_scaled_inputs(tmp_path):
    X = np.random.default_rng(4).normal(size=(10, 3)) * 7 + 3
    scaler = Scaler.fit(X)
    network = Network([3, 4, 3], seed=5)
    save_weights(network, tmp_path / "w.onnx", metadata={"scaling": scaler.to_dict()}, scaling_in_graph=False)
    model = onnx.load(tmp_path / "w.onnx")
    assert [node.op_type for node in model.graph.node] == ["Gemm", "Sigmoid", "Gemm", "Sigmoid"]
    np.testing.assert_allclose(run(tmp_path / "w.onnx", scaler.transform(X)),
                               network.forward(scaler.transform(X)).output, rtol=0, atol=1e-12)
    loaded, metadata = load_weights(tmp_path / "w.onnx")
    assert metadata["scaling"] == scaler.to_dict()


def test_the_exported_graph_is_standard_and_carries_the_metadata(tmp_path):
    network = Network([3, 4, 4, 2], hidden_activation="relu", seed=6)
    scaler = Scaler.fit(np.random.default_rng(6).normal(size=(20, 3)))
    metadata = {"class_names": ["cat", "dog"], "feature_names": ["x1", "x2", "x3"],
                "scaling": scaler.to_dict(), "iteration": 12}
    save_weights(network, tmp_path / "w.onnx", metadata=metadata)
    model = onnx.load(tmp_path / "w.onnx")
    onnx.checker.check_model(model, full_check=True)
    assert [node.op_type for node in model.graph.node] == [
        "Sub", "Div", "Gemm", "Relu", "Gemm", "Relu", "Gemm", "Sigmoid"]
    assert model.producer_name == "bp-desktop"
    (features,), (probabilities,) = model.graph.input, model.graph.output
    assert features.name == "features" and "x1, x2, x3" in features.doc_string
    assert probabilities.name == "probabilities"
    assert [d.dim_param or d.dim_value for d in probabilities.type.tensor_type.shape.dim] == ["N", 2]
    # what a user of onnxruntime reads: each metadata entry as JSON text
    session = ort.InferenceSession(str(tmp_path / "w.onnx"), providers=["CPUExecutionProvider"])
    props = session.get_modelmeta().custom_metadata_map
    assert json.loads(props["class_names"]) == ["cat", "dog"]
    assert json.loads(props["scaling"]) == scaler.to_dict()
    assert json.loads(props["layer_sizes"]) == [3, 4, 4, 2]


def test_round_trip_with_the_scaling_in_the_graph_is_exact(tmp_path):
    scaler = Scaler.fit(np.random.default_rng(7).normal(size=(30, 4)) * 3 + 1)
    network = Network([4, 3, 3], hidden_activation="tanh", seed=7)
    metadata = {"scaling": scaler.to_dict(), "class_names": ["a", "b", "c"]}
    save_weights(network, tmp_path / "w.onnx", metadata=metadata)
    loaded, loaded_metadata = load_weights(tmp_path / "w.onnx")
    assert all(np.array_equal(a, b) for a, b in zip(loaded.thetas, network.thetas))
    assert loaded.hidden_activation == "tanh"
    assert loaded_metadata["scaling"] == scaler.to_dict()
    assert "import_note" not in loaded_metadata


def test_a_float32_round_trip_gives_theta_rounded_to_float32_and_the_exact_metadata(tmp_path):
    scaler = Scaler.fit(np.random.default_rng(8).normal(size=(30, 2)) / 3)
    network = Network([2, 3, 1], seed=8)
    save_weights(network, tmp_path / "w.onnx", metadata={"scaling": scaler.to_dict()}, dtype="float32")
    loaded, metadata = load_weights(tmp_path / "w.onnx")
    for theta, original in zip(loaded.thetas, network.thetas):
        assert theta.dtype == np.float64
        assert np.array_equal(theta, original.astype(np.float32).astype(np.float64))
    assert metadata["scaling"] == scaler.to_dict()  # float64, from the metadata


def test_float32_refuses_weights_beyond_its_range(tmp_path):
    network = Network([1, 1], thetas=[np.array([[0.0, 1e39]])])
    with pytest.raises(ValueError, match="beyond the range of float32"):
        save_weights(network, tmp_path / "w.onnx", dtype="float32")
    assert not (tmp_path / "w.onnx").exists()


def test_onnx_options_are_refused_for_other_formats(tmp_path):
    with pytest.raises(ValueError, match="apply to .onnx files only"):
        save_weights(Network([2, 1], seed=0), tmp_path / "w.npz", dtype="float32")
    with pytest.raises(ValueError, match="dtype must be one of"):
        save_weights(Network([2, 1], seed=0), tmp_path / "w.onnx", dtype="float16")


# --- import: PyTorch and scikit-learn models (made once by data/onnx/make_models.py) -----------
def test_a_pytorch_sigmoid_network_imports_exactly():
    network, metadata = load_weights(DATA / "torch_sigmoid.onnx")
    assert network.layer_sizes == (4, 6, 3) and network.hidden_activation == "sigmoid"
    assert "import_note" not in metadata
    np.testing.assert_allclose(network.forward(X_EXAMPLES).output,
                               EXPECTED["torch_sigmoid"]["output"], rtol=0, atol=1e-6)


def test_pytorch_logits_import_with_a_note_and_the_same_predictions():
    network, metadata = load_weights(DATA / "torch_relu_logits.onnx")
    assert network.layer_sizes == (4, 8, 8, 3) and network.hidden_activation == "relu"
    logits = np.array(EXPECTED["torch_relu_logits"]["output"])
    np.testing.assert_allclose(network.forward(X_EXAMPLES).z[-1], logits, rtol=0, atol=1e-5)
    assert np.array_equal(network.predict(X_EXAMPLES), logits.argmax(axis=1))
    assert "logits" in metadata["import_note"] and "pytorch" in metadata["import_note"]


def test_a_pytorch_network_with_two_hidden_activations_is_refused_at_the_second():
    with pytest.raises(WeightsFileError, match=r"node '/3/Relu' \(Relu\).*layer 2 applies Tanh"):
        load_weights(DATA / "torch_mixed.onnx")


def test_a_binary_scikit_learn_mlp_imports_exactly_with_its_classes():
    network, metadata = load_weights(DATA / "sklearn_binary.onnx")
    expected = EXPECTED["sklearn_binary"]
    assert network.layer_sizes == (4, 5, 1) and network.hidden_activation == "tanh"
    assert metadata["class_names"] == expected["classes"] == ["no", "yes"]
    assert "import_note" not in metadata
    h = network.forward(X_EXAMPLES).output[:, 0]
    np.testing.assert_allclose(h, np.array(expected["predict_proba"])[:, 1], rtol=0, atol=1e-5)
    assert [metadata["class_names"][k] for k in network.predict(X_EXAMPLES)] == expected["predict"]


def test_a_softmax_scikit_learn_mlp_imports_with_a_note_and_the_same_predictions():
    network, metadata = load_weights(DATA / "sklearn_softmax.onnx")
    expected = EXPECTED["sklearn_softmax"]
    assert network.layer_sizes == (4, 6, 5, 3) and network.hidden_activation == "relu"
    assert metadata["class_names"] == ["3", "5", "7"]
    assert [metadata["class_names"][k] for k in network.predict(X_EXAMPLES)] == expected["predict"]
    # z^(L) is the file's: its softmax is scikit-learn's predict_proba
    np.testing.assert_allclose(softmax(network.forward(X_EXAMPLES).z[-1]), expected["predict_proba"],
                               rtol=0, atol=1e-5)
    assert "Softmax" in metadata["import_note"] and "sigmoid" in metadata["import_note"]


@pytest.mark.filterwarnings("ignore")  # the exporters' deprecation and convergence warnings
def test_a_pytorch_network_built_now_imports_exactly(tmp_path):
    torch = pytest.importorskip("torch")
    torch.manual_seed(0)
    model = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.Tanh(), torch.nn.Linear(4, 2), torch.nn.Sigmoid())
    x = torch.randn(5, 3)
    torch.onnx.export(model, (x,), str(tmp_path / "m.onnx"), input_names=["x"], output_names=["y"],
                      dynamic_axes={"x": {0: "N"}})
    network, _ = load_weights(tmp_path / "m.onnx")
    with torch.no_grad():
        np.testing.assert_allclose(network.forward(x.numpy()).output, model(x).numpy(), atol=1e-6)


@pytest.mark.filterwarnings("ignore")
def test_a_scikit_learn_network_built_now_imports_with_the_same_predictions(tmp_path):
    pytest.importorskip("sklearn")
    skl2onnx = pytest.importorskip("skl2onnx")
    from sklearn.neural_network import MLPClassifier
    X = np.random.default_rng(1).normal(size=(60, 3)).astype(np.float32)
    y = np.where(X[:, 0] > 0, "left", np.where(X[:, 1] > 0, "up", "down"))
    model = MLPClassifier((4,), activation="logistic", max_iter=50, random_state=0).fit(X, y)
    (tmp_path / "m.onnx").write_bytes(skl2onnx.to_onnx(model, X[:1]).SerializeToString())
    network, metadata = load_weights(tmp_path / "m.onnx")
    predicted = [metadata["class_names"][k] for k in network.predict(X)]
    assert predicted == list(model.predict(X))


# --- hostile and foreign files --------------------------------------------------------------
def make_model(nodes, initializers, inputs=(("x", 2),), outputs=("y",), opsets=(("", 17),), **fields):
    graph = helper.make_graph(
        nodes, "g", [helper.make_tensor_value_info(name, TensorProto.FLOAT, ["N", n]) for name, n in inputs],
        [helper.make_tensor_value_info(name, TensorProto.FLOAT, None) for name in outputs], initializers)
    return helper.make_model(graph, opset_imports=[helper.make_opsetid(d, v) for d, v in opsets], **fields)


def floats(name, values):
    return numpy_helper.from_array(np.asarray(values, dtype=np.float32), name)


def one_layer(*extra_nodes, output="a2"):
    """x (2 features) -> Gemm -> Sigmoid -> a2, plus the extra nodes."""
    return [helper.make_node("Gemm", ["x", "W", "b"], ["z2"], name="layer", transB=1),
            helper.make_node("Sigmoid", ["z2"], [output], name="g"), *extra_nodes]


LAYER_CONSTANTS = [floats("W", [[1.0, 2.0]]), floats("b", [0.5])]


def save(tmp_path, model) -> Path:
    path = tmp_path / "w.onnx"
    path.write_bytes(model.SerializeToString())
    return path


def test_a_minimal_hand_made_model_loads(tmp_path):
    network, _ = load_weights(save(tmp_path, make_model(one_layer(output="y"), LAYER_CONSTANTS)))
    assert np.array_equal(network.thetas[0], [[0.5, 1.0, 2.0]])


@pytest.mark.parametrize("nodes, fragment", [
    (one_layer(helper.make_node("Conv", ["a2", "W"], ["y"], name="conv")), "node 'conv' (Conv)"),
    (one_layer(helper.make_node("Frobnicate", ["a2"], ["y"], name="odd", domain="com.example")),
     "node 'odd' (com.example.Frobnicate)"),
    ([helper.make_node("Relu", ["x"], ["r"], name="first"),
      helper.make_node("Gemm", ["r", "W", "b"], ["y"], name="layer", transB=1)], "node 'first' (Relu)"),
    (one_layer(helper.make_node("Gemm", ["a2", "W", "b"], ["y"], name="second", transB=1)),
     "node 'second' (Gemm)"),
    ([helper.make_node("Gemm", ["x", "W", "b"], ["z2"], name="layer", transB=1),
      helper.make_node("Tanh", ["z2"], ["y"], name="out")], "the output layer applies Tanh"),
])
def test_other_graphs_are_refused_naming_the_first_node_that_does_not_fit(nodes, fragment, tmp_path):
    opsets = (("", 17), ("com.example", 1))
    load_fails(save(tmp_path, make_model(nodes, LAYER_CONSTANTS, opsets=opsets)), fragment)


def test_a_branching_network_is_refused(tmp_path):
    nodes = one_layer(helper.make_node("Gemm", ["x", "W", "b"], ["side"], name="skip", transB=1),
                      helper.make_node("Add", ["a2", "side"], ["y"], name="join"))
    load_fails(save(tmp_path, make_model(nodes, LAYER_CONSTANTS)), "'x' feeds several nodes")


def test_a_graph_running_in_a_circle_is_refused(tmp_path):
    nodes = [helper.make_node("Gemm", ["x", "W", "b"], ["z"], name="layer", transB=1),
             helper.make_node("Sigmoid", ["z"], ["x"], name="back")]
    load_fails(save(tmp_path, make_model(nodes, LAYER_CONSTANTS, outputs=("z",))), "node 'back'")


def test_two_inputs_are_refused(tmp_path):
    model = make_model(one_layer(output="y"), LAYER_CONSTANTS, inputs=(("x", 2), ("mask", 2)))
    load_fails(save(tmp_path, model), "has 2 inputs ('x', 'mask')")


def test_an_input_of_other_numbers_is_refused(tmp_path):
    model = make_model(one_layer(output="y"), LAYER_CONSTANTS)
    model.graph.input[0].type.tensor_type.elem_type = TensorProto.INT64
    load_fails(save(tmp_path, model), "its input 'x' is int64")


def test_weights_computed_from_the_input_are_refused(tmp_path):
    nodes = [helper.make_node("Gemm", ["x", "x", "b"], ["y"], name="layer")]
    load_fails(save(tmp_path, make_model(nodes, LAYER_CONSTANTS)), "node 'layer' (Gemm)", "not a constant")


_opened: list[str] | None = None  # files opened while a test watches (an audit hook)


def _record_opens(event, args):
    if event == "open" and _opened is not None:
        _opened.append(str(args[0]))


sys.addaudithook(_record_opens)


def test_external_data_is_refused_and_never_read(tmp_path):
    global _opened
    secret = tmp_path / "secret.bin"
    secret.write_bytes(np.ones(2, np.float32).tobytes())
    weights = floats("W", [[1.0, 2.0]])
    weights.ClearField("raw_data")
    weights.data_location = TensorProto.EXTERNAL
    weights.external_data.add(key="location", value=str(secret))
    path = save(tmp_path, make_model(one_layer(output="y"), [weights, floats("b", [0.5])]))
    _opened = []
    try:
        load_fails(path, "tensor 'W' is stored in another file", "never opens other files")
        opened = _opened
    finally:
        _opened = None
    assert str(path) in opened and str(secret) not in opened


@pytest.mark.parametrize("dims, fragment", [
    ([2**40, 2**40], "declares 1208925819614629174706176 elements"),
    ([100_000, 100_000], "more than"),
    ([1000, 1000], "needs 4000000 bytes and holds 8"),
    ([-1, 2], "negative dimension"),
])
def test_huge_or_lying_dimensions_are_refused_before_allocating(dims, fragment, tmp_path):
    weights = TensorProto(name="W", data_type=TensorProto.FLOAT, dims=dims,
                          raw_data=np.ones(2, np.float32).tobytes())
    load_fails(save(tmp_path, make_model(one_layer(output="y"), [weights, floats("b", [0.5])])), fragment)


@pytest.mark.parametrize("tensor, fragment", [
    (helper.make_tensor("W", TensorProto.INT64, [1, 2], [1, 2]), "must be a matrix of floating-point"),
    (helper.make_tensor("W", TensorProto.BOOL, [1, 2], [1, 0]), "holds bool"),
    (helper.make_tensor("W", TensorProto.STRING, [1, 2], [b"a", b"b"]), "must be a matrix of floating-point"),
    (helper.make_tensor("W", TensorProto.FLOAT, [1, 2], [1.0, np.inf]), "non-finite"),
    (helper.make_tensor("W", TensorProto.FLOAT, [1, 1], [1.0]), "holds 1 values, not 2"),
])
def test_weights_of_the_wrong_kind_are_refused(tensor, fragment, tmp_path):
    tensor.dims[:] = [1, 2]  # the last case claims two values and holds one
    load_fails(save(tmp_path, make_model(one_layer(output="y"), [tensor, floats("b", [0.5])])), fragment)


def test_a_model_without_an_opset_or_graph_is_refused(tmp_path):
    model = make_model(one_layer(output="y"), LAYER_CONSTANTS)
    del model.opset_import[:]
    load_fails(save(tmp_path, model), "declares no ONNX operator set")
    (tmp_path / "empty.onnx").write_bytes(onnx.ModelProto(ir_version=8).SerializeToString())
    load_fails(tmp_path / "empty.onnx", "holds no graph")


def test_metadata_props_of_the_wrong_kind_are_refused(tmp_path):
    model = make_model(one_layer(output="y"), LAYER_CONSTANTS)
    helper.set_model_props(model, {"class_names": "a,b"})
    load_fails(save(tmp_path, model), "metadata_props 'class_names' is not valid JSON")
    helper.set_model_props(model, {"class_names": '["a", "b", "c"]'})
    load_fails(save(tmp_path, model), "class_names")


def test_another_tools_plain_text_metadata_is_kept(tmp_path):
    model = make_model(one_layer(output="y"), LAYER_CONSTANTS)
    helper.set_model_props(model, {"author": "Ada", "version": "3"})
    _, metadata = load_weights(save(tmp_path, model))
    assert metadata["author"] == "Ada" and metadata["version"] == 3


def test_a_scaling_that_disagrees_with_the_metadata_is_refused(tmp_path):
    scaler = Scaler.fit(np.random.default_rng(9).normal(size=(10, 2)))
    save_weights(Network([2, 1], seed=9), tmp_path / "w.onnx", metadata={"scaling": scaler.to_dict()})
    model = onnx.load(tmp_path / "w.onnx")
    helper.set_model_props(model, {**{p.key: p.value for p in model.metadata_props},
                                   "scaling": json.dumps({**scaler.to_dict(), "shift": [0.0, 0.0]})})
    load_fails(save(tmp_path, model), "the graph's scaling shift disagrees with metadata 'scaling'")


@pytest.mark.parametrize("name", sorted(p.name for p in DATA.glob("*.onnx")))
def test_every_prefix_of_a_foreign_model_gives_weights_file_error(name, tmp_path):
    data = (DATA / name).read_bytes()
    for cut in range(0, len(data), 7):
        (tmp_path / "w.onnx").write_bytes(data[:cut])
        with pytest.raises(WeightsFileError):
            load_weights(tmp_path / "w.onnx")


# --- without the optional package --------------------------------------------------------------
def test_without_onnx_saving_and_loading_say_how_to_install_it(tmp_path, monkeypatch):
    save_weights(Network([2, 1], seed=0), tmp_path / "w.onnx")
    monkeypatch.setitem(sys.modules, "onnx", None)  # import onnx now raises ImportError
    with pytest.raises(WeightsFileError, match=r'pip install "bp-desktop\[onnx\]"'):
        load_weights(tmp_path / "w.onnx")
    with pytest.raises(ValueError, match=r'pip install "bp-desktop\[onnx\]"'):
        save_weights(Network([2, 1], seed=0), tmp_path / "new.onnx")
    assert not (tmp_path / "new.onnx").exists()


def test_onnx_unavailable_says_how_to_install_it(monkeypatch):
    import importlib.util
    assert onnx_unavailable() is None
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *args: None)
    assert 'pip install "bp-desktop[onnx]"' in onnx_unavailable()


def test_the_standalone_build_says_it_has_no_onnx(monkeypatch):
    import importlib.util
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *args: None)
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    assert "this standalone build has no ONNX support" in onnx_unavailable()


def test_onnx_is_imported_only_when_an_onnx_file_is_used():
    import subprocess
    code = ("import sys; import bp_desktop.io, bp_desktop.cli, bp_desktop.selfcheck; "
            "sys.exit('onnx imported' if 'onnx' in sys.modules else 0)")
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)


def test_the_torchlib_layout_flatten_transpose_matmul_add_is_read(tmp_path):
    """What torch.onnx.export's dynamo exporter writes before optimising: the weight as
    W (out × in) with a Transpose node, MatMul, then Add; a Constant node for the bias."""
    nodes = [helper.make_node("Flatten", ["x"], ["flat"], axis=1),
             helper.make_node("Identity", ["flat"], ["same"]),
             helper.make_node("Transpose", ["W"], ["Wt"], perm=[1, 0]),
             helper.make_node("Constant", [], ["b"], value=floats("b_value", [0.25, -0.5, 1.0])),
             helper.make_node("MatMul", ["same", "Wt"], ["mm"]),
             helper.make_node("Add", ["mm", "b"], ["z"]),
             helper.make_node("Tanh", ["z"], ["a2"]),
             helper.make_node("Gemm", ["a2", "V", "c"], ["y"], alpha=2.0, beta=0.5)]
    W = np.arange(6, dtype=np.float32).reshape(3, 2) / 4
    V = np.array([[1.0], [-1.0], [0.5]], dtype=np.float32)   # transB 0: in × out
    model = make_model(nodes, [floats("W", W), floats("V", V), floats("c", [3.0])])
    network, metadata = load_weights(save(tmp_path, model))
    assert network.layer_sizes == (2, 3, 1) and network.hidden_activation == "tanh"
    assert np.array_equal(network.thetas[0], np.hstack([[[0.25], [-0.5], [1.0]], W]))
    assert np.array_equal(network.thetas[1], [[1.5, 2.0, -2.0, 1.0]])   # [β c | α Vᵀ]
    X = np.random.default_rng(0).normal(size=(6, 2)).astype(np.float32)
    np.testing.assert_allclose(network.forward(X).z[-1], run(tmp_path / "w.onnx", X, "x"), atol=1e-5)
    assert "logits" in metadata["import_note"]


def test_a_foreign_models_sub_div_prefix_becomes_the_scaling(tmp_path):
    nodes = [helper.make_node("Sub", ["x", "mean"], ["centred"]),
             helper.make_node("Div", ["centred", "std"], ["scaled"]),
             helper.make_node("Gemm", ["scaled", "W", "b"], ["z2"], transB=1),
             helper.make_node("Sigmoid", ["z2"], ["y"])]
    model = make_model(nodes, [floats("mean", [1.0, 2.0]), floats("std", [0.5, 4.0]), *LAYER_CONSTANTS])
    network, metadata = load_weights(save(tmp_path, model))
    assert metadata["scaling"] == {"kind": "zscore", "shift": [1.0, 2.0], "scale": [0.5, 4.0]}
    assert "read as a z-score feature scaling" in metadata["import_note"]
    X = np.array([[1.5, 6.0], [-2.0, 0.0]], dtype=np.float32)
    scaled = Scaler.from_dict(metadata["scaling"]).transform(X)
    np.testing.assert_allclose(network.forward(scaled).output, run(tmp_path / "w.onnx", X, "x"), atol=1e-6)
