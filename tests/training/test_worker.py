"""The training worker process through its client, without Qt: the same numbers as the run
in this process, bit for bit; its reports; its life cycle. Waits on the pipe, never sleeps."""
import os
import select
import signal
import subprocess
import sys

import numpy as np
import pytest
from threadpoolctl import threadpool_limits

from bp_desktop.training import StopCriteria
from bp_desktop.training.worker import RunState, WorkerClient

from .helpers import make_run


@pytest.fixture
def worker():
    client = WorkerClient()
    yield client
    assert client.close(2.0)
    assert not client.is_alive()


def settle(client):
    return client.settle(timeout=30.0)


def rows_of(reports):
    return np.concatenate([r.rows for r in reports if r.rows is not None])


def latest_params(reports):
    return [r.params for r in reports if r.params is not None][-1]


def step_here(run, n):
    with threadpool_limits(limits=1, user_api="blas"):  # as the worker computes
        for _ in range(n):
            run.step()


@pytest.mark.parametrize("optimizer", ["gd", "momentum", "sgd", "cg"])
def test_the_worker_trains_bit_for_bit_as_the_run_in_this_process(worker, optimizer):
    settings = dict(validation=True, optimizer=optimizer, alpha=0.5, lam=0.1, batch_size=16)
    run, here = make_run((2, 5, 1), **settings), make_run((2, 5, 1), **settings)
    worker.send("install", 1, RunState.of(run))
    worker.send("step", 30)
    reports = settle(worker)
    step_here(here, 30)
    assert reports[-1].iteration == 30 and reports[-1].stepped and reports[-1].epoch == 1
    np.testing.assert_array_equal(rows_of(reports), here.history.as_chunk().rows)
    np.testing.assert_array_equal(latest_params(reports), here.network.params)
    worker.send("sync")
    (answer,) = settle(worker)
    assert answer.params is None  # Θ did not change since the last report: not sent again
    assert answer.optimizer_state.keys() == here.optimizer_state().keys()
    for key, value in here.optimizer_state().items():
        np.testing.assert_array_equal(answer.optimizer_state[key], value)


def test_a_run_state_continues_exactly_where_the_run_was():
    run = make_run((2, 5, 1), optimizer="momentum", alpha=0.5, validation=True,
                   stop=StopCriteria(plateau_tolerance=0.0, plateau_window=5))
    step_here(run, 12)
    twin = RunState.of(run).build()
    assert twin.iteration == 12 and len(twin.history) == 12
    np.testing.assert_array_equal(twin.initial_params, run.initial_params)
    step_here(run, 8)
    step_here(twin, 8)
    np.testing.assert_array_equal(twin.network.params, run.network.params)
    np.testing.assert_array_equal(twin.history.as_chunk().rows, run.history.as_chunk().rows)
    twin.reset()
    run.reset()
    np.testing.assert_array_equal(twin.network.params, run.network.params)


def test_reset_with_the_same_seed_repeats_the_run_bit_for_bit_and_reports_the_new_epoch(worker):
    worker.send("install", 1, RunState.of(make_run((2, 5, 1), optimizer="momentum", alpha=0.5)))
    worker.send("step", 25)
    first = settle(worker)
    worker.send("reset", 2, None)
    worker.send("step", 25)
    second = settle(worker)
    assert {r.epoch for r in second} == {2}
    np.testing.assert_array_equal(rows_of(first), rows_of(second))
    np.testing.assert_array_equal(latest_params(first), latest_params(second))


def test_reports_while_training_are_few_and_lose_no_row(worker):
    worker.send("install", 1, RunState.of(make_run((2, 5, 1), stop=StopCriteria(max_iterations=3000))))
    worker.send("start")
    reports = settle(worker)
    assert reports[-1].events == (("stopped", "reached the maximum of 3000 iterations"),)
    assert rows_of(reports)[:, 0].tolist() == list(range(1, 3001))
    # one report per iteration would be 3000; the worker reports at most ~30 times a second
    assert len(reports) < 300


def test_a_divergence_goes_back_and_the_rows_after_it_are_never_reported(worker):
    run = make_run((2, 8, 8, 1), alpha=1e6, lam=1.0)
    worker.send("install", 1, RunState.of(run))
    worker.send("start")
    reports = settle(worker)
    (kind, message), = reports[-1].events
    assert kind == "failed" and "back to Θ after" in message
    final = reports[-1].iteration
    assert np.isfinite(latest_params(reports)).all()
    if reports[-1].rows is not None:  # rows still waiting when it went back were dropped
        assert reports[-1].rows[:, 0].max() <= final
    # rows reported earlier may run past `final`: the parent drops those; the rest is whole
    iterations = rows_of(reports)[:, 0]
    assert iterations[iterations <= final].tolist() == list(range(1, final + 1))


def test_a_new_run_replaces_the_training_one_between_iterations(worker):
    worker.send("install", 1, RunState.of(make_run((2, 5, 1), stop=StopCriteria(max_iterations=10**6))))
    worker.send("start")
    assert worker.poll(30)  # training has begun
    new = make_run((4, 6, 3))
    worker.send("install", 2, RunState.of(new))
    reports = settle(worker)
    assert [r.epoch for r in reports].index(2) == len(reports) - 1  # nothing of the old run after it
    assert reports[-1].iteration == 0 and reports[-1].params is None and reports[-1].rows is None
    worker.send("step", 3)
    last = settle(worker)[-1]
    assert last.epoch == 2 and last.iteration == 3 and last.params.shape == new.network.params.shape


def test_a_bad_command_is_reported_and_the_worker_serves_on(worker):
    worker.send("install", 1, RunState.of(make_run((2, 5, 1))))
    worker.send("hyper", {"alpha": -1.0})
    (report,) = settle(worker)[-1:]
    ((kind, message),) = report.events
    assert kind == "failed" and "could not hyper" in message and "α" in message
    worker.send("step", 2)
    assert settle(worker)[-1].iteration == 2


def test_quit_ends_the_worker_and_a_closed_client_ignores_commands():
    client = WorkerClient()
    client.send("install", 1, RunState.of(make_run((2, 5, 1))))
    client.send("start")
    assert client.poll(30) and client.receive()  # it has started: it gets the time to quit
    assert client.close(5.0)
    assert client.exitcode == 0  # it quit between iterations: no terminate needed
    client.send("start")  # no error: the worker is gone
    assert client.close(1.0)


def test_a_worker_still_starting_is_ended_at_once():
    client = WorkerClient()
    assert client.close(60.0)  # no minute's wait: it has nothing to finish
    assert client.exitcode == -signal.SIGTERM


PARENT = """
import sys
from bp_desktop.training.worker import RunState, WorkerClient
from tests.training.helpers import make_run

client = WorkerClient()
client.send("install", 1, RunState.of(make_run((2, 5, 1))))
client.send("start")
client.poll(30)  # training has begun
print(client.process.pid, flush=True)
sys.stdin.read()  # until killed
"""


@pytest.mark.skipif(not hasattr(os, "pidfd_open"), reason="needs pidfd_open (Linux) to wait for a stranger's exit")
def test_the_worker_ends_when_its_parent_dies_while_training():
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    parent = subprocess.Popen([sys.executable, "-c", PARENT], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, env=env, text=True)
    try:
        pid = int(parent.stdout.readline())
        pidfd = os.pidfd_open(pid)
    finally:
        parent.send_signal(signal.SIGKILL)  # no clean-up code of the parent runs
        parent.wait()
    try:
        # the pidfd becomes readable when the worker exits: it saw its pipe's end close
        readable, _, _ = select.select([pidfd], [], [], 30)
        assert readable, "the worker outlived its parent"
    finally:
        os.close(pidfd)
