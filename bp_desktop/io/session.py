"""Sessions (.bpsession): everything needed to continue a training run exactly where it was.

A session is a zip archive (stored, not compressed: the arrays are float64 noise to zlib):

    session.json             format name and version, app version, the dataset (embedded or
                             referenced), data preparation, network, hyper-parameters, stop
                             criteria, iteration, selected example and the optimiser's scalars
    params.npy               Θ now: the unrolled nn_params (column-major, as the course's)
    initial_params.npy       Θ at iteration 0 (what Reset returns to; the seed is in the JSON)
    history.npy              the cost-history rows (training.history.SERIES columns, then the
                             per-unit statistics), one row per recorded iteration
    optimizer/<name>.npy     the optimiser's arrays (momentum velocity, CG search direction s
                             and fmincg's df1)
    dataset/X.npy, y.npy     the examples and their 0-based classes, when embedded

Built-in datasets, and datasets whose arrays take at most EMBED_LIMIT bytes, are embedded.
Larger ones are referenced by path and sha256, and loading checks that the file is still
there and unchanged. Opening a session and continuing gives the same costs, bit for bit,
as if training had never stopped.

Loading raises SessionFileError (a ValueError) and nothing else, for any file content.
Arrays are read with allow_pickle=False: a pickle is refused, never run.
"""
from __future__ import annotations

import io
import json
import math
import os
import zipfile
from collections.abc import Callable
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import Any

import numpy as np

from .. import __version__
from ..core import ACTIVATIONS, OPTIMIZERS, Network
from ..data import SCALER_KINDS, Dataset, DatasetError, make_dataset
from ..data.regular_files import FileTooLargeError, read_regular_file
from ..training import Hyperparameters, StopCriteria, TrainingRun
from ..training.history import RowLayout
from ..training.workspace import DataPreparation, NetworkSpec, Workspace
from .atomic import atomic_write
from .dataset_files import load_dataset
from .npz_format import ArrayBudget, read_npy_member

FORMAT = "bp-desktop session"
VERSION = 1
SUFFIX = ".bpsession"
EMBED_LIMIT = 20 * 2**20        # bytes of X and y up to which a file's data travel in the session
MAX_SESSION_BYTES = 1 << 30
# Bytes all arrays of a session may declare (as float64): Θ, Θ at iteration 0 and the
# optimiser's arrays within the weights limit, a history of 32 MiB, an embedded dataset.
MAX_SESSION_ARRAY_BYTES = 512 * 2**20


class SessionFileError(ValueError):
    """A session file that cannot be used. `str(error)` names the file and the problem."""

    def __init__(self, path: str | os.PathLike[str], problem: str):
        self.path = os.fspath(path)
        self.problem = problem
        super().__init__(f"{self.path}: {problem}")


@dataclass
class Session:
    """What a .bpsession holds; `restore()` turns it back into a workspace and a run."""

    dataset: Dataset
    preparation: DataPreparation
    spec: NetworkSpec
    hyper: Hyperparameters
    stop: StopCriteria
    iteration: int
    selected_example: int
    params: np.ndarray
    initial_params: np.ndarray
    history_rows: np.ndarray
    optimizer_state: dict[str, Any]
    dataset_embedded: bool = True

    def restore(self) -> tuple[Workspace, TrainingRun]:
        """The workspace and a run that continues exactly where the saved one stopped."""
        workspace = Workspace(self.dataset, self.preparation, self.spec)
        network = Network(workspace.layer_sizes, hidden_activation=self.spec.activation,
                          seed=self.spec.seed, epsilon_init=self.spec.epsilon)
        network.params[...] = self.params
        run = TrainingRun(network, workspace.X_train, workspace.Y_train, X_val=workspace.X_val,
                          Y_val=workspace.Y_val, hyper=self.hyper, stop=self.stop)
        run.selected_example = self.selected_example
        run.resume(iteration=self.iteration, initial_params=self.initial_params,
                   history_rows=self.history_rows, optimizer_state=self.optimizer_state)
        return workspace, run


# --- saving ---------------------------------------------------------------------------------
def save_session(path: str | os.PathLike[str], run: TrainingRun, workspace: Workspace, *,
                 embed_limit: int = EMBED_LIMIT) -> None:
    """Write the run (paused: nobody may step it meanwhile) and its workspace, atomically."""
    run.apply_pending()  # e.g. a new optimiser chosen since the last iteration: save its state
    dataset = workspace.dataset
    embed = dataset.source.startswith("builtin:") or dataset.X.nbytes + dataset.y.nbytes <= embed_limit
    arrays = {"params": run.network.params.copy(), "initial_params": run.initial_params,
              "history": run.history.as_chunk().rows}
    optimizer_arrays, optimizer_values = _split_state(run.optimizer_state())
    arrays.update({f"optimizer/{name}": value for name, value in optimizer_arrays.items()})
    if embed:
        arrays.update({"dataset/X": np.asarray(dataset.X), "dataset/y": np.asarray(dataset.y)})
    document = {
        "format": FORMAT, "version": VERSION, "app_version": __version__,
        "dataset": _dataset_json(dataset, embed),
        "preparation": asdict(workspace.preparation),
        "network": {"layer_sizes": list(run.network.layer_sizes), **asdict(workspace.spec)},
        "hyperparameters": asdict(run.hyper), "stop_criteria": asdict(run.stop_criteria),
        "iteration": run.iteration, "selected_example": run.selected_example,
        "optimizer": {"kind": run.hyper.optimizer, "arrays": sorted(optimizer_arrays),
                      "values": optimizer_values},
    }
    text = json.dumps(document, indent=2, ensure_ascii=False, allow_nan=False)
    atomic_write(path, lambda stream: _write_zip(stream, text, arrays))


def _split_state(state: dict[str, Any]) -> tuple[dict[str, np.ndarray], dict[str, Any]]:
    """Arrays go to .npy members, everything else (numbers, the rng state) to the JSON."""
    arrays = {k: np.asarray(v, dtype=float) for k, v in state.items() if isinstance(v, np.ndarray)}
    values = {k: v for k, v in state.items() if not isinstance(v, np.ndarray)}
    return arrays, json.loads(json.dumps(values, default=_plain))


def _plain(value: Any) -> Any:
    if isinstance(value, np.generic):
        return value.item()
    raise TypeError(f"cannot store {type(value).__name__} in a session")


def _dataset_json(dataset: Dataset, embed: bool) -> dict[str, Any]:
    entry = {"embedded": embed, "name": dataset.name, "source": dataset.source,
             "sha256": dataset.sha256, "class_names": list(dataset.class_names),
             "feature_names": list(dataset.feature_names),
             "image_shape": None if dataset.image_shape is None else list(dataset.image_shape),
             "image_order": dataset.image_order,
             "m": dataset.m, "n": dataset.n}
    if not embed:
        entry["path"] = str(Path(dataset.source).resolve())
    return entry


def _write_zip(stream, text: str, arrays: dict[str, np.ndarray]) -> None:
    with zipfile.ZipFile(stream, "w", compression=zipfile.ZIP_STORED) as archive:
        archive.writestr("session.json", text)
        for name, array in arrays.items():
            buffer = io.BytesIO()
            np.lib.format.write_array(buffer, np.ascontiguousarray(array), allow_pickle=False)
            archive.writestr(f"{name}.npy", buffer.getvalue())


# --- loading --------------------------------------------------------------------------------
def load_session(path: str | os.PathLike[str]) -> Session:
    """A Session from a .bpsession file; SessionFileError for anything wrong with it."""
    path = Path(path)
    try:
        return _load(path)
    except SessionFileError:
        raise
    except OSError as error:
        raise SessionFileError(path, f"cannot be read: {error.strerror or error}") from error
    except ValueError as error:  # includes DatasetError from an embedded dataset
        raise SessionFileError(path, str(error)) from error
    except Exception as error:  # a parser failing in a way nobody foresaw: still the file's fault
        raise SessionFileError(path, f"is corrupt ({type(error).__name__}: {error})") from error


def _load(path: Path) -> Session:
    try:
        data = read_regular_file(path, MAX_SESSION_BYTES)
    except FileTooLargeError as error:
        raise ValueError(f"{error.strerror}; not a session file") from None
    document, arrays = _read_zip(data)
    _check_format(document)
    doc = _Fields(document, "session.json")
    dataset, embedded = _dataset(doc.object("dataset"), arrays, path)
    preparation = _dataclass(DataPreparation, doc.object("preparation"), "preparation")
    network = doc.object("network")
    layer_sizes = network.pop("layer_sizes", None)
    if isinstance(network.get("hidden"), list):
        network["hidden"] = tuple(network["hidden"])
    spec = _dataclass(NetworkSpec, network, "network")
    _check_spec(spec, preparation)
    hyper = _dataclass(Hyperparameters, doc.object("hyperparameters"), "hyperparameters")
    stop = _dataclass(StopCriteria, doc.object("stop_criteria"), "stop_criteria")
    hyper.check()
    stop.check()
    _check_ranges(preparation, spec, hyper, stop)
    sizes = [dataset.n, *spec.hidden, 1 if dataset.num_classes == 2 else dataset.num_classes]
    if layer_sizes != sizes:
        raise ValueError(f"network.layer_sizes is {layer_sizes!r:.80} but the dataset and the hidden "
                         f"layers give {sizes}")
    params, initial = (_vector(arrays, name, _parameter_count(sizes)) for name in ("params", "initial_params"))
    history = _history(arrays, sizes)
    optimizer_state = _optimizer_state(doc.object("optimizer"), arrays, hyper.optimizer, params.size)
    iteration = doc.whole("iteration")
    selected = doc.whole("selected_example")
    _check_counters(iteration, selected, dataset.m, history)
    session = Session(dataset, preparation, spec, hyper, stop, iteration, selected, params, initial,
                      history, optimizer_state, embedded)
    session.restore()  # the last check: the split, the run and the optimiser accept it all
    return session


def _read_zip(data: bytes) -> tuple[Any, dict[str, np.ndarray]]:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except Exception as error:
        raise ValueError(f"is not a session file: not a readable zip archive ({error})") from error
    arrays: dict[str, np.ndarray] = {}
    document = None
    budget = ArrayBudget(MAX_SESSION_ARRAY_BYTES)
    with archive:
        for info in archive.infolist():
            if info.filename == "session.json":
                if info.file_size > 1 << 24:
                    raise ValueError("session.json is implausibly large")
                document = json.loads(archive.read(info).decode("utf-8"), parse_constant=_no_constant)
                continue
            name = info.filename.removesuffix(".npy")
            if name == info.filename or name in arrays:
                raise ValueError(f"unexpected member {info.filename!r}; a session holds session.json "
                                 "and .npy arrays")
            arrays[name] = read_npy_member(archive, info, budget)
    if document is None:
        raise ValueError("is not a session file: it has no session.json")
    return document, arrays


def _no_constant(name: str) -> None:
    raise ValueError(f"session.json holds {name}, which is not a number")


def _check_format(document: Any) -> None:
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise ValueError(f"is not a session file: session.json does not say format {FORMAT!r}")
    version = document.get("version")
    if version != VERSION:
        raise ValueError(f"is a session of format version {version!r:.20}; this bp-desktop "
                         f"({__version__}) reads version {VERSION}")


class _Fields:
    """Typed access to a JSON object, with messages that name the field."""

    def __init__(self, data: Any, where: str):
        if not isinstance(data, dict):
            raise ValueError(f"{where} must be a JSON object")
        self.data, self.where = data, where

    def get(self, key: str) -> Any:
        if key not in self.data:
            raise ValueError(f"{self.where} has no {key!r}")
        return self.data[key]

    def object(self, key: str) -> dict[str, Any]:
        value = self.get(key)
        if not isinstance(value, dict):
            raise ValueError(f"{self.where}: {key} must be a JSON object")
        return dict(value)

    def whole(self, key: str) -> int:
        value = self.get(key)
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            raise ValueError(f"{self.where}: {key} must be a whole number ≥ 0; got {value!r:.40}")
        return value

    def text(self, key: str) -> str:
        value = self.get(key)
        if not isinstance(value, str):
            raise ValueError(f"{self.where}: {key} must be a string")
        return value

    def names(self, key: str) -> list[str]:
        value = self.get(key)
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ValueError(f"{self.where}: {key} must be a list of strings")
        return value


def _dataclass(kind: type, values: dict[str, Any], where: str):
    """kind(**values) when every field is present with the JSON type of its default."""
    names = [f.name for f in fields(kind)]
    if set(values) != set(names):
        raise ValueError(f"{where} must hold exactly {names}; got {sorted(values)!r:.200}")
    defaults = kind()
    for key, value in values.items():
        if not _same_kind(value, getattr(defaults, key)):
            raise ValueError(f"{where}.{key} has the wrong type: {value!r:.40}")
    return kind(**values)


def _same_kind(value: Any, default: Any) -> bool:
    number = isinstance(value, (int, float)) and not isinstance(value, bool)
    if isinstance(value, float) and not math.isfinite(value):
        return False
    if default is None or isinstance(default, float):  # optional numbers; 1 for 1.0 is fine
        return value is None and default is None or number
    if isinstance(default, bool):
        return isinstance(value, bool)
    if isinstance(default, int):
        return isinstance(value, int) and not isinstance(value, bool)
    if isinstance(default, str):
        return isinstance(value, str)
    return isinstance(value, tuple)  # NetworkSpec.hidden, checked in detail by _check_spec


def _check_spec(spec: NetworkSpec, prep: DataPreparation) -> None:
    if not spec.hidden or not all(isinstance(s, int) and not isinstance(s, bool) and s >= 1
                                  for s in spec.hidden):
        raise ValueError(f"network.hidden must be a list of whole numbers ≥ 1; got {list(spec.hidden)!r:.60}")
    if spec.activation not in ACTIVATIONS:
        raise ValueError(f"network.activation {spec.activation!r:.40} is not one of {sorted(ACTIVATIONS)}")
    if spec.epsilon is not None and not (isinstance(spec.epsilon, (int, float)) and spec.epsilon > 0):
        raise ValueError("network.epsilon must be null or a number > 0")
    for name, value in (("network.seed", spec.seed), ("preparation.seed", prep.seed)):
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            raise ValueError(f"{name} must be a whole number ≥ 0")
    if prep.scaling not in SCALER_KINDS:
        raise ValueError(f"preparation.scaling must be one of {list(SCALER_KINDS)}")
    if not isinstance(prep.validation, (int, float)) or not 0 <= prep.validation < 1:
        raise ValueError("preparation.validation must be a number in [0, 1)")


# --- ranges ------------------------------------------------------------------------------------
# Every number must lie where the window can show it and train with it: whole numbers fit
# its 32-bit spin boxes, iteration numbers stay exact in the float64 history.
MAX_WHOLE = 2**31 - 1
MAX_ITERATION = 2**53
MAX_HIDDEN_UNITS = 2000   # per hidden layer, as the window allows
MAX_HIDDEN_LAYERS = 32
MAX_RATE = 1e6            # α and λ: far past any useful value, still finite after a step


def _require(field: str, value: Any, ok: bool, expected: str) -> None:
    """ValueError naming the session field unless ok."""
    if not ok:
        raise ValueError(f"session.json: {field} must be {expected}; got {value!r:.60}")


def _check_ranges(prep: DataPreparation, spec: NetworkSpec, hyper: Hyperparameters,
                  stop: StopCriteria) -> None:
    """The ranges of the settings; their types were checked when they were read."""
    _require("network.hidden", list(spec.hidden), len(spec.hidden) <= MAX_HIDDEN_LAYERS
             and all(s <= MAX_HIDDEN_UNITS for s in spec.hidden),
             f"at most {MAX_HIDDEN_LAYERS} layers of 1 to {MAX_HIDDEN_UNITS} units")
    _require("network.epsilon", spec.epsilon, spec.epsilon is None or spec.epsilon <= 100, "null or ≤ 100")
    for field, value in (("preparation.seed", prep.seed), ("network.seed", spec.seed),
                         ("hyperparameters.seed", hyper.seed),
                         ("hyperparameters.batch_size", hyper.batch_size),
                         ("stop_criteria.max_iterations", stop.max_iterations),
                         ("stop_criteria.plateau_window", stop.plateau_window),
                         ("stop_criteria.early_stopping_patience", stop.early_stopping_patience or 0)):
        _require(field, value, 0 <= value <= MAX_WHOLE, f"a whole number in 0..{MAX_WHOLE}")
    _require("hyperparameters.alpha", hyper.alpha, 0 < hyper.alpha <= MAX_RATE, f"in (0, {MAX_RATE:g}]")
    _require("hyperparameters.lam", hyper.lam, 0 <= hyper.lam <= MAX_RATE, f"in [0, {MAX_RATE:g}]")
    _require("hyperparameters.momentum", hyper.momentum, 0 <= hyper.momentum < 1, "in [0, 1)")
    _require("stop_criteria.target_cost", stop.target_cost,
             stop.target_cost is None or stop.target_cost >= 0, "null or ≥ 0 (J is never negative)")
    _require("stop_criteria.plateau_tolerance", stop.plateau_tolerance,
             stop.plateau_tolerance is None or 0 <= stop.plateau_tolerance <= 1, "null or in [0, 1]")


def _check_counters(iteration: int, selected: int, m: int, history: np.ndarray) -> None:
    """The iteration, the selected example and the iterations the history rows record."""
    _require("iteration", iteration, iteration <= MAX_ITERATION, f"a whole number in 0..{MAX_ITERATION}")
    _require("selected_example", selected, selected < m, f"an example index in 0..{m - 1}")
    recorded = history[:, 0]
    _require("history.npy's iteration column", recorded[:3].tolist(),
             bool(np.isfinite(recorded).all() and (recorded == np.round(recorded)).all()
                  and (np.diff(recorded) > 0).all() and (recorded >= 0).all()
                  and (recorded <= iteration).all()),
             f"increasing whole numbers in 0..iteration ({iteration})")


def _parameter_count(sizes: list[int]) -> int:
    return sum(sizes[l + 1] * (sizes[l] + 1) for l in range(len(sizes) - 1))


def _array(arrays: dict[str, np.ndarray], name: str) -> np.ndarray:
    if name not in arrays:
        raise ValueError(f"has no {name}.npy")
    return arrays[name]


def _vector(arrays: dict[str, np.ndarray], name: str, size: int) -> np.ndarray:
    value = _array(arrays, name)
    if value.dtype != np.float64 or value.shape != (size,):
        raise ValueError(f"{name}.npy must hold {size} float64 values; got {value.dtype} {value.shape}")
    if not np.isfinite(value).all():
        raise ValueError(f"{name}.npy holds non-finite values")
    return value


def _history(arrays: dict[str, np.ndarray], sizes: list[int]) -> np.ndarray:
    rows = _array(arrays, "history")
    ncols = RowLayout(sizes).ncols
    if rows.dtype != np.float64 or rows.ndim != 2 or rows.shape[1] != ncols:
        raise ValueError(f"history.npy must be rows of {ncols} float64 values for layers {sizes}; "
                         f"got {rows.dtype} {rows.shape}")
    return rows


# --- the dataset ------------------------------------------------------------------------------
def _dataset(entry: dict[str, Any], arrays: dict[str, np.ndarray], session: Path) -> tuple[Dataset, bool]:
    info = _Fields(entry, "session.json: dataset")
    embedded = info.get("embedded")
    if not isinstance(embedded, bool):
        raise ValueError("session.json: dataset.embedded must be true or false")
    class_names, feature_names = info.names("class_names"), info.names("feature_names")
    sha256 = info.text("sha256")
    if embedded:
        dataset = _embedded_dataset(info, arrays, class_names, feature_names, sha256)
    else:
        dataset = _referenced_dataset(info, session, sha256)
    if dataset.class_names != class_names or dataset.feature_names != feature_names:
        raise ValueError(f"the dataset {dataset.source} no longer has the classes and features the "
                         "session was trained on")
    return dataset, embedded


def _embedded_dataset(info: _Fields, arrays, class_names, feature_names, sha256) -> Dataset:
    X, y = _array(arrays, "dataset/X"), _array(arrays, "dataset/y")
    if X.dtype != np.float64 or X.ndim != 2 or X.shape[1] != len(feature_names) or not np.isfinite(X).all():
        raise ValueError(f"dataset/X.npy must be m × {len(feature_names)} finite float64 values; "
                         f"got {X.dtype} {X.shape}")
    if y.dtype != np.int64 or y.shape != (len(X),):
        raise ValueError(f"dataset/y.npy must hold {len(X)} int64 classes; got {y.dtype} {y.shape}")
    shape = info.get("image_shape")
    if shape is not None and (not isinstance(shape, list) or len(shape) != 2
                              or not all(isinstance(s, int) and not isinstance(s, bool) for s in shape)):
        raise ValueError("session.json: dataset.image_shape must be null or [height, width]")
    order = info.data.get("image_order", "C")  # sessions saved before .mat datasets lack it
    try:
        return make_dataset(X, y, class_names=class_names, feature_names=feature_names,
                            source=info.text("source"), name=info.text("name"), sha256=sha256,
                            image_shape=None if shape is None else tuple(shape), image_order=order)
    except DatasetError as error:
        raise ValueError(f"the embedded dataset is invalid: {error}") from error


def _referenced_dataset(info: _Fields, session: Path, sha256: str) -> Dataset:
    data_path = Path(info.text("path"))
    if not data_path.is_file():
        raise SessionFileError(session, f"the session's dataset {data_path} was not found (it is not "
                                        "embedded, being large); put the file back at that path")
    try:
        dataset = load_dataset(data_path)
    except DatasetError as error:
        raise SessionFileError(session, f"the session's dataset cannot be loaded: {error}") from error
    if dataset.sha256 != sha256:
        raise SessionFileError(session, f"the session's dataset {data_path} changed since the session "
                                        f"was saved (sha256 {dataset.sha256[:12]}…, expected "
                                        f"{sha256[:12]}…); restore the original file")
    return dataset


# --- the optimiser ------------------------------------------------------------------------------
_STATE_ARRAYS = {"gd": {"velocity"}, "momentum": {"velocity"}, "sgd": {"velocity"}, "cg": {"s", "df1"}}
# value name -> (check, what it must be); fmincg's step length z1 divides, its slope d1
# along a descent direction is never positive
_STATE_VALUES: dict[str, dict[str, tuple[Callable[[Any], bool], str]]] = {
    "gd": {}, "momentum": {},
    "sgd": {"rng": (lambda v: isinstance(v, dict), "a JSON object")},
    "cg": {"d1": (lambda v: _finite_number(v) and v <= 0, "a finite number ≤ 0"),
           "z1": (lambda v: _finite_number(v) and v > 0, "a finite number > 0"),
           "ls_failed": (lambda v: isinstance(v, bool), "true or false"),
           "lam": (lambda v: v is None or (_finite_number(v) and v >= 0), "null or a finite number ≥ 0")},
}


def _finite_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _optimizer_state(entry: dict[str, Any], arrays, kind: str, size: int) -> dict[str, Any]:
    info = _Fields(entry, "session.json: optimizer")
    if info.get("kind") != kind or kind not in OPTIMIZERS:
        raise ValueError(f"session.json: optimizer.kind must be the hyper-parameters' {kind!r}")
    names = info.names("arrays")
    values = info.object("values")
    if not set(names) <= _STATE_ARRAYS[kind]:
        raise ValueError(f"optimiser arrays {sorted(names)} are not those of {kind!r}")
    checks = _STATE_VALUES[kind]
    for key, value in values.items():
        if key not in checks:
            raise ValueError(f"session.json: optimizer.values.{key} is not valid for {kind!r}")
        check, expected = checks[key]
        if not check(value):
            raise ValueError(f"session.json: optimizer.values.{key} must be {expected} for {kind!r}; "
                             f"got {value!r:.40}")
    state: dict[str, Any] = dict(values)
    for name in names:
        state[name] = _vector(arrays, f"optimizer/{name}", size)
    if kind == "cg" and ("s" in state) != ({"d1", "z1", "ls_failed"} <= set(values)):
        raise ValueError("the conjugate-gradient state needs s, d1, z1 and ls_failed together")
    if kind == "sgd" and "rng" in state:
        _check_rng_state(state["rng"])
    return state


def _check_rng_state(state: dict[str, Any]) -> None:
    try:
        np.random.PCG64().state = state  # the bit generator validates it
    except (TypeError, ValueError, KeyError) as error:
        raise ValueError(f"the mini-batch shuffling state is invalid ({error})") from None
