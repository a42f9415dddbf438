"""Sessions in the application model: what a session captures of a run, and turning a saved
session back into a workspace and a run that continues exactly where it stopped.

io/session.py is the file format (a JSON document and arrays); this module decides what the
document's settings and the optimiser's state must hold, with messages that name the field,
so any file content gives SessionFileError and nothing else.
"""
from __future__ import annotations

import json
import math
import os
from collections.abc import Callable
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import Any

import numpy as np

from bp_desktop.core import ACTIVATIONS, OPTIMIZERS, Network
from bp_desktop.data import SCALER_KINDS, Dataset
from bp_desktop.io.session import (EMBED_LIMIT, SUFFIX, JsonFields, SessionFile, SessionFileError,
                                   array_member, read_session, session_errors, vector_member,
                                   write_session)
from bp_desktop.training import Hyperparameters, StopCriteria, TrainingRun
from bp_desktop.training.history import RowLayout
from bp_desktop.training.workspace import DataPreparation, NetworkSpec, Workspace

__all__ = ["SUFFIX", "Session", "SessionFileError", "load_session", "restore_session", "save_session"]


@dataclass
class Session:
    """What a .bpsession holds, checked; `restore_session` turns it into a workspace and a run."""

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
        return restore_session(self)


def restore_session(session: Session) -> tuple[Workspace, TrainingRun]:
    """The workspace and a run that continues exactly where the saved one stopped."""
    workspace = Workspace(session.dataset, session.preparation, session.spec)
    network = Network(workspace.layer_sizes, hidden_activation=session.spec.activation,
                      seed=session.spec.seed, epsilon_init=session.spec.epsilon)
    network.params[...] = session.params
    run = TrainingRun(network, workspace.X_train, workspace.Y_train, X_val=workspace.X_val,
                      Y_val=workspace.Y_val, hyper=session.hyper, stop=session.stop)
    run.selected_example = session.selected_example
    run.resume(iteration=session.iteration, initial_params=session.initial_params,
               history_rows=session.history_rows, optimizer_state=session.optimizer_state)
    return workspace, run


# --- saving ---------------------------------------------------------------------------------
def save_session(path: str | os.PathLike[str], run: TrainingRun, workspace: Workspace, *,
                 embed_limit: int = EMBED_LIMIT) -> None:
    """Write the run (paused: nobody may step it meanwhile) and its workspace, atomically."""
    run.apply_pending()  # e.g. a new optimiser chosen since the last iteration: save its state
    arrays = {"params": run.network.params.copy(), "initial_params": run.initial_params,
              "history": run.history.as_chunk().rows}
    optimizer_arrays, optimizer_values = _split_state(run.optimizer_state())
    arrays.update({f"optimizer/{name}": value for name, value in optimizer_arrays.items()})
    document = {
        "preparation": asdict(workspace.preparation),
        "network": {"layer_sizes": list(run.network.layer_sizes), **asdict(workspace.spec)},
        "hyperparameters": asdict(run.hyper), "stop_criteria": asdict(run.stop_criteria),
        "iteration": run.iteration, "selected_example": run.selected_example,
        "optimizer": {"kind": run.hyper.optimizer, "arrays": sorted(optimizer_arrays),
                      "values": optimizer_values},
    }
    write_session(path, document, arrays, workspace.dataset, embed_limit=embed_limit)


def _split_state(state: dict[str, Any]) -> tuple[dict[str, np.ndarray], dict[str, Any]]:
    """Arrays go to .npy members, everything else (numbers, the rng state) to the JSON."""
    arrays = {k: np.asarray(v, dtype=float) for k, v in state.items() if isinstance(v, np.ndarray)}
    values = {k: v for k, v in state.items() if not isinstance(v, np.ndarray)}
    return arrays, json.loads(json.dumps(values, default=_plain))


def _plain(value: Any) -> Any:
    if isinstance(value, np.generic):
        return value.item()
    raise TypeError(f"cannot store {type(value).__name__} in a session")


# --- loading --------------------------------------------------------------------------------
def load_session(path: str | os.PathLike[str]) -> Session:
    """A checked Session from a .bpsession file; SessionFileError for anything wrong with it."""
    path = Path(path)
    file = read_session(path)
    return session_errors(path, lambda: _checked(file))


def _checked(file: SessionFile) -> Session:
    doc, arrays, dataset = JsonFields(file.document, "session.json"), file.arrays, file.dataset
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
    params, initial = (vector_member(arrays, name, _parameter_count(sizes))
                       for name in ("params", "initial_params"))
    history = _history(arrays, sizes)
    optimizer_state = _optimizer_state(doc.object("optimizer"), arrays, hyper.optimizer, params.size)
    iteration = doc.whole("iteration")
    selected = doc.whole("selected_example")
    _check_counters(iteration, selected, dataset.m, history)
    session = Session(dataset, preparation, spec, hyper, stop, iteration, selected, params, initial,
                      history, optimizer_state, file.dataset_embedded)
    restore_session(session)  # the last check: the split, the run and the optimiser accept it all
    return session


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


def _history(arrays: dict[str, np.ndarray], sizes: list[int]) -> np.ndarray:
    rows = array_member(arrays, "history")
    ncols = RowLayout(sizes).ncols
    if rows.dtype != np.float64 or rows.ndim != 2 or rows.shape[1] != ncols:
        raise ValueError(f"history.npy must be rows of {ncols} float64 values for layers {sizes}; "
                         f"got {rows.dtype} {rows.shape}")
    return rows


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
    info = JsonFields(entry, "session.json: optimizer")
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
        state[name] = vector_member(arrays, f"optimizer/{name}", size)
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
