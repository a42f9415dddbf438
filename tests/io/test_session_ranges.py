"""Every number in a session is range-checked, and the message names the field."""
import numpy as np
import pytest

from bp_desktop.data import load_builtin
from bp_desktop.io.session import load_session

from .test_session import new_run, npy, refused, rewritten, saved, train


@pytest.fixture(scope="module")
def cg_bytes(tmp_path_factory):
    folder = tmp_path_factory.mktemp("cg")
    ws, run = new_run("cg", dataset=load_builtin("xor", m=30), hidden=(2,))
    train(run, 3)
    return saved(folder, run, ws).read_bytes()


def values(**changes):
    return lambda d: d["optimizer"]["values"].update(changes)


@pytest.mark.parametrize("change, field", [
    (values(z1=0), "optimizer.values.z1 must be a finite number > 0"),     # the division by 0
    (values(z1=-1.5), "optimizer.values.z1 must be a finite number > 0"),
    (values(d1=2.0), "optimizer.values.d1 must be a finite number ≤ 0"),
    (values(lam=-1), "optimizer.values.lam must be null or a finite number ≥ 0"),
    (lambda d: d.update(iteration=10**100), "iteration must be a whole number in 0..9007199254740992"),
    (lambda d: d["hyperparameters"].update(alpha=1e300), "hyperparameters.alpha must be in (0, 1e+06]"),
    (lambda d: d["hyperparameters"].update(lam=1e9), "hyperparameters.lam must be in [0, 1e+06]"),
    (lambda d: d["hyperparameters"].update(batch_size=2**40), "hyperparameters.batch_size must be a whole"),
    (lambda d: d["hyperparameters"].update(seed=2**70), "hyperparameters.seed must be a whole"),
    (lambda d: d["network"].update(seed=2**31), "network.seed must be a whole number in 0..2147483647"),
    (lambda d: d["preparation"].update(seed=2**40), "preparation.seed must be a whole number"),
    (lambda d: d["network"].update(hidden=[10**6], layer_sizes=[2, 10**6, 1]), "network.hidden must be"),
    (lambda d: d["network"].update(epsilon=1e200), "network.epsilon must be null or ≤ 100"),
    (lambda d: d["stop_criteria"].update(max_iterations=2**31), "stop_criteria.max_iterations must be"),
    (lambda d: d["stop_criteria"].update(target_cost=-1.0), "stop_criteria.target_cost must be null or ≥ 0"),
    (lambda d: d["stop_criteria"].update(plateau_tolerance=5.0), "stop_criteria.plateau_tolerance must be"),
    (lambda d: d["stop_criteria"].update(early_stopping_patience=2**31),
     "stop_criteria.early_stopping_patience must be"),
    (lambda d: d.update(selected_example=30), "selected_example must be an example index in 0..29"),
])
def test_out_of_range_fields_are_refused_by_name(tmp_path, cg_bytes, change, field):
    refused(rewritten(cg_bytes, tmp_path, change_json=change), f"session.json: {field}")


def test_history_iterations_must_increase_within_the_iteration(tmp_path, cg_bytes):
    session = load_session(rewritten(cg_bytes, tmp_path))
    rows = session.history_rows.copy()
    rows[:, 0] = rows[::-1, 0]
    refused(rewritten(cg_bytes, tmp_path, members={"history.npy": npy(rows)}), "history.npy's iteration column")
    rows = session.history_rows.copy()
    rows[-1, 0] = 10**9
    refused(rewritten(cg_bytes, tmp_path, members={"history.npy": npy(rows)}), "0..iteration (3)")


def test_a_valid_cg_session_still_loads_and_steps(tmp_path, cg_bytes):
    workspace, run = load_session(rewritten(cg_bytes, tmp_path)).restore()
    assert run.iteration == 3 and np.isfinite(run.step().cost)
