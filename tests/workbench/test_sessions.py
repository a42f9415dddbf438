"""Sessions: save, open, continue bit for bit; anything wrong with a file is a SessionFileError."""
import io
import json
import zipfile
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bp_desktop.data import load_builtin, load_csv
from bp_desktop.workbench.sessions import SessionFileError, load_session, save_session
from bp_desktop.training import Hyperparameters, StopCriteria, TrainingRun
from bp_desktop.training.workspace import DataPreparation, NetworkSpec, Workspace

from tests.io.helpers import damage_cuts, damage_flips, damaged

OPTIMIZER_SETTINGS = {
    "gd": dict(alpha=0.5, lam=0.1),
    "momentum": dict(alpha=0.3, momentum=0.8, lam=0.1),
    "sgd": dict(alpha=0.5, batch_size=16, seed=5, lam=0.1),
    "cg": dict(lam=0.1),
}


def new_run(kind="gd", dataset=None, stop=None, hidden=(6,)):
    dataset = dataset if dataset is not None else load_builtin("spiral", m=120, arms=3)
    ws = Workspace(dataset, DataPreparation(validation=0.25, seed=2), NetworkSpec(hidden=hidden, seed=1))
    run = TrainingRun(ws.new_network(), ws.X_train, ws.Y_train, X_val=ws.X_val, Y_val=ws.Y_val,
                      hyper=Hyperparameters(optimizer=kind, **OPTIMIZER_SETTINGS[kind]),
                      stop=stop or StopCriteria())
    return ws, run


def train(run, n):
    return [run.step().cost for _ in range(n)]


def saved(tmp_path, run, ws, name="run.bpsession", **options) -> Path:
    path = tmp_path / name
    save_session(path, run, ws, **options)
    return path


@pytest.mark.parametrize("kind", sorted(OPTIMIZER_SETTINGS))
@pytest.mark.parametrize("first", [1, 6, 17])
def test_continuing_a_saved_run_gives_the_same_costs_bit_for_bit(tmp_path, kind, first):
    total = 30
    _, uninterrupted = new_run(kind)
    expected = train(uninterrupted, total)
    ws, run = new_run(kind)
    before = train(run, first)
    _, resumed = load_session(saved(tmp_path, run, ws)).restore()
    assert resumed.iteration == first
    after = train(resumed, total - first)
    assert before + after == expected  # exact float equality, every iteration
    assert np.array_equal(resumed.network.params, uninterrupted.network.params)
    assert np.array_equal(resumed.history.as_chunk().rows, uninterrupted.history.as_chunk().rows,
                          equal_nan=True)


def test_a_session_saved_twice_in_a_row_still_continues_exactly(tmp_path):
    """Saving a resumed run again (a chain of sessions) loses nothing either."""
    _, uninterrupted = new_run("cg")
    expected = train(uninterrupted, 24)
    ws, run = new_run("cg")
    costs = train(run, 8)
    for _ in range(2):
        ws, run = load_session(saved(tmp_path, run, ws)).restore()
        costs += train(run, 8)
    assert costs == expected


def test_everything_round_trips(tmp_path):
    ws, run = new_run("sgd", stop=StopCriteria(max_iterations=500, target_cost=0.01, plateau_tolerance=1e-6,
                                               plateau_window=7, early_stopping_patience=4))
    run.selected_example = 5
    train(run, 4)
    session = load_session(saved(tmp_path, run, ws))
    assert np.array_equal(session.dataset.X, ws.dataset.X) and np.array_equal(session.dataset.y, ws.dataset.y)
    assert session.dataset.class_names == ws.dataset.class_names
    assert session.dataset.sha256 == ws.dataset.sha256 and session.dataset.source == "builtin:spiral"
    assert session.dataset_embedded
    assert session.preparation == ws.preparation and session.spec == ws.spec
    assert session.hyper == run.hyper and session.stop == run.stop_criteria
    assert session.iteration == 4 and session.selected_example == 5
    assert np.array_equal(session.params, run.network.params)
    assert np.array_equal(session.initial_params, run.initial_params)
    assert session.optimizer_state["rng"] == run.optimizer_state()["rng"]
    ws2, resumed = session.restore()
    assert np.array_equal(ws2.X_train, ws.X_train) and np.array_equal(ws2.X_val, ws.X_val)
    resumed.reset()  # Reset goes back to the original initial Θ, not the saved one
    run.reset()
    assert np.array_equal(resumed.network.params, run.network.params)


def test_stop_criteria_fire_at_the_same_iteration_after_a_restore(tmp_path):
    def stopped_at(run):
        while True:
            snapshot = run.step()
            if run.check_stop_criteria(snapshot):
                return snapshot.iteration, run.stop_reason
    criteria = StopCriteria(plateau_tolerance=0.02, plateau_window=10)
    expected = stopped_at(new_run("gd", stop=criteria)[1])
    ws, run = new_run("gd", stop=criteria)
    train(run, expected[0] - 3)
    _, resumed = load_session(saved(tmp_path, run, ws)).restore()
    assert stopped_at(resumed) == expected


def test_the_session_json_is_documented_and_readable(tmp_path):
    ws, run = new_run("cg")
    train(run, 3)
    with zipfile.ZipFile(saved(tmp_path, run, ws)) as archive:
        names = set(archive.namelist())
        document = json.loads(archive.read("session.json"))
    assert names == {"session.json", "params.npy", "initial_params.npy", "history.npy",
                     "optimizer/s.npy", "optimizer/df1.npy", "dataset/X.npy", "dataset/y.npy"}
    assert document["format"] == "bp-desktop session" and document["version"] == 1
    assert document["iteration"] == 3 and document["network"]["layer_sizes"] == [2, 6, 3]
    assert set(document["optimizer"]["values"]) == {"d1", "z1", "ls_failed", "lam"}


# --- the dataset: embedded, or referenced by path and sha256 ------------------------------------
@pytest.fixture
def csv_dataset(tmp_path):
    path = tmp_path / "points.csv"
    rng = np.random.default_rng(0)
    X = rng.normal(size=(40, 2))
    path.write_text("x1,x2,label\n" + "".join(f"{a!r},{b!r},{'yes' if a * b > 0 else 'no'}\n" for a, b in X.tolist()))
    return path


def test_a_small_file_is_embedded_and_needs_no_file(tmp_path, csv_dataset):
    ws, run = new_run("gd", dataset=load_csv(csv_dataset), hidden=(3,))
    train(run, 2)
    path = saved(tmp_path, run, ws)
    csv_dataset.unlink()
    session = load_session(path)
    assert session.dataset_embedded and session.dataset.source == str(csv_dataset)


def test_a_large_file_is_referenced_and_checked(tmp_path, csv_dataset):
    ws, run = new_run("gd", dataset=load_csv(csv_dataset), hidden=(3,))
    expected = train(run, 4)
    ws, run = new_run("gd", dataset=load_csv(csv_dataset), hidden=(3,))
    first = train(run, 2)
    path = saved(tmp_path, run, ws, embed_limit=0)
    with zipfile.ZipFile(path) as archive:
        assert "dataset/X.npy" not in archive.namelist()
    session = load_session(path)
    assert not session.dataset_embedded
    assert first + train(session.restore()[1], 2) == expected

    original = csv_dataset.read_bytes()
    csv_dataset.write_bytes(original.replace(b"yes", b"YES", 1))
    with pytest.raises(SessionFileError, match="changed since the session was saved") as caught:
        load_session(path)
    assert str(path) in str(caught.value) and str(csv_dataset) in str(caught.value)
    csv_dataset.unlink()
    with pytest.raises(SessionFileError, match="was not found"):
        load_session(path)


# --- hostile files ----------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def valid_bytes(tmp_path_factory):
    folder = tmp_path_factory.mktemp("valid")
    ws, run = new_run("momentum", dataset=load_builtin("xor", m=30), hidden=(2,))
    train(run, 2)
    return saved(folder, run, ws).read_bytes()


def loads_or_refuses(path):
    try:
        load_session(path)
    except SessionFileError as error:
        assert str(path) in str(error)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.binary(max_size=2000))
def test_random_bytes_are_refused_cleanly(tmp_path, data):
    path = tmp_path / "random.bpsession"
    path.write_bytes(data)
    loads_or_refuses(path)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(cut=damage_cuts, flips=damage_flips)
def test_truncated_or_corrupted_sessions_are_refused_cleanly(tmp_path, valid_bytes, cut, flips):
    path = tmp_path / "damaged.bpsession"
    path.write_bytes(damaged(valid_bytes, cut, flips))
    loads_or_refuses(path)


def rewritten(valid_bytes, tmp_path, change_json=None, members=None, drop=()):
    """A copy of the valid session with session.json changed and members replaced or dropped."""
    source = zipfile.ZipFile(io.BytesIO(valid_bytes))
    path = tmp_path / "edited.bpsession"
    with zipfile.ZipFile(path, "w") as target:
        for name in source.namelist():
            if name in drop or name in (members or {}):
                continue
            content = source.read(name)
            if name == "session.json" and change_json:
                document = json.loads(content)
                change_json(document)
                content = json.dumps(document).encode()
            target.writestr(name, content)
        for name, content in (members or {}).items():
            target.writestr(name, content)
    return path


def npy(array) -> bytes:
    buffer = io.BytesIO()
    np.lib.format.write_array(buffer, np.asarray(array), allow_pickle=True)
    return buffer.getvalue()


def refused(path, *fragments):
    with pytest.raises(SessionFileError) as caught:
        load_session(path)
    for fragment in (str(path), *fragments):
        assert fragment in str(caught.value), str(caught.value)


class Trap:
    ran = False

    def __reduce__(self):
        return (Trap.spring, ())

    @staticmethod
    def spring():
        Trap.ran = True


def test_a_pickle_inside_is_refused_and_never_run(tmp_path, valid_bytes):
    path = rewritten(valid_bytes, tmp_path, members={"params.npy": npy(np.array([Trap()], dtype=object))})
    refused(path, "pickle")
    assert not Trap.ran


@pytest.mark.parametrize("change, fragments", [
    (lambda d: d.update(format="something else"), ["not a session file"]),
    (lambda d: d.update(version=99), ["version 99"]),
    (lambda d: d.pop("hyperparameters"), ["hyperparameters"]),
    (lambda d: d["hyperparameters"].update(alpha=-1.0), ["α"]),
    (lambda d: d["hyperparameters"].update(optimizer="adam"), ["adam"]),
    (lambda d: d["hyperparameters"].update(batch_size="32"), ["batch_size"]),
    (lambda d: d["network"].update(hidden=[2, 0]), ["network.hidden"]),
    (lambda d: d["network"].update(layer_sizes=[2, 5, 1]), ["layer_sizes"]),
    (lambda d: d["network"].update(activation="swish"), ["swish"]),
    (lambda d: d["preparation"].update(scaling="log"), ["scaling"]),
    (lambda d: d.update(iteration=-3), ["iteration"]),
    (lambda d: d.update(selected_example=10**6), ["selected_example"]),
    (lambda d: d["dataset"].update(class_names=["a", "b", "c"]), ["dataset"]),
    (lambda d: d["optimizer"].update(kind="cg"), ["optimizer.kind"]),
    (lambda d: d["optimizer"]["values"].update(d1="x"), ["optimizer.values.d1"]),
    (lambda d: d["stop_criteria"].update(plateau_window=0), ["plateau window"]),
])
def test_a_wrong_session_json_is_refused_with_a_clear_message(tmp_path, valid_bytes, change, fragments):
    refused(rewritten(valid_bytes, tmp_path, change_json=change), *fragments)


@pytest.mark.parametrize("members, drop, fragments", [
    ({"params.npy": npy(np.zeros(3))}, (), ["params.npy", "float64"]),
    ({"params.npy": npy(np.full(9, np.nan))}, (), ["non-finite"]),
    ({"history.npy": npy(np.zeros((2, 3)))}, (), ["history.npy"]),
    ({"dataset/y.npy": npy(np.full(30, 7))}, (), ["class"]),
    ({}, ("initial_params.npy",), ["initial_params.npy"]),
    ({}, ("session.json",), ["no session.json"]),
    ({"notes.txt": b"hello"}, (), ["notes.txt"]),
])
def test_wrong_members_are_refused_with_a_clear_message(tmp_path, valid_bytes, members, drop, fragments):
    refused(rewritten(valid_bytes, tmp_path, members=members, drop=drop), *fragments)


def test_a_failed_save_leaves_the_old_file_untouched(tmp_path, monkeypatch):
    ws, run = new_run("gd")
    train(run, 2)
    path = saved(tmp_path, run, ws)
    before = path.read_bytes()
    train(run, 2)

    def disk_full(*args, **kwargs):
        raise OSError(28, "No space left on device")
    monkeypatch.setattr(np.lib.format, "write_array", disk_full)
    with pytest.raises(OSError):
        save_session(path, run, ws)
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == [path.name]


@pytest.mark.parametrize("first", [3, 5, 14])  # each ends on a rise of the validation cost
def test_what_the_stop_criteria_remember_is_rebuilt_from_the_history(tmp_path, first):
    """Recent costs (plateau) and the streak of validation rises (early stopping)."""
    def steps(run, n):
        for _ in range(n):
            run.check_stop_criteria(run.step())
    criteria = StopCriteria(plateau_window=4)
    _, uninterrupted = new_run("momentum", stop=criteria)
    uninterrupted.set_hyperparameters(alpha=3.0)  # big steps: the validation cost goes up and down
    steps(uninterrupted, first)
    ws, run = new_run("momentum", stop=criteria)
    run.set_hyperparameters(alpha=3.0)
    steps(run, first)
    _, resumed = load_session(saved(tmp_path, run, ws)).restore()
    assert list(resumed._stop_rules._recent_costs) == list(uninterrupted._stop_rules._recent_costs)
    rules, expected = resumed._stop_rules, uninterrupted._stop_rules
    assert (rules._rises, rules._last_val_cost) == (expected._rises, expected._last_val_cost)


def test_resume_checks_its_arguments():
    _, run = new_run("gd")
    with pytest.raises(ValueError, match="iteration"):
        run.resume(iteration=-1, initial_params=run.initial_params, history_rows=np.empty((0, 1)),
                   optimizer_state={})
    with pytest.raises(ValueError, match="initial Θ"):
        run.resume(iteration=1, initial_params=np.zeros(3), history_rows=np.empty((0, 1)), optimizer_state={})


@pytest.mark.parametrize("kind, changes", [
    ("momentum", dict(optimizer="cg")),        # a new optimiser chosen while paused (velocity saved)
    ("sgd", dict(seed=9)),                      # a new shuffling seed restarts the shuffling
    ("momentum", dict(alpha=0.05, lam=0.5)),
    ("cg", dict(lam=0.5)),                      # a new λ: fmincg restarts along −∇J
])
def test_settings_changed_just_before_saving_are_saved_consistently(tmp_path, kind, changes):
    _, uninterrupted = new_run(kind)
    train(uninterrupted, 5)
    uninterrupted.set_hyperparameters(**changes)
    expected = train(uninterrupted, 6)
    ws, run = new_run(kind)
    train(run, 5)
    run.set_hyperparameters(**changes)
    _, resumed = load_session(saved(tmp_path, run, ws)).restore()
    assert train(resumed, 6) == expected
