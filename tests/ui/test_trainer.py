"""The window's two training engines with pytest-qt: TrainerController (a thread) and
ProcessTrainer (a worker process) pass the same tests. Waits on signals and conditions,
never on time.

Where they differ is which pass a snapshot shows: the thread's are the passes iterations
made (at Θ before their update), the process's the pass at the current Θ. So tests about
weights compare snapshots by `theta_iteration` (how many iterations Θ had had) and use
`run.preview()` once the engine rests: the same statements hold for both."""
import numpy as np
import pytest
import shiboken6
from PySide6.QtCore import QCoreApplication, QThread
from PySide6.QtWidgets import QWidget

from bp_desktop.core import Network
from bp_desktop.training import STOPPED_BY_USER, StopCriteria
from bp_desktop.ui.process_trainer import ProcessTrainer
from bp_desktop.ui.trainer import TrainerController
from tests.training.helpers import make_run

ENGINES = {"thread": TrainerController, "process": ProcessTrainer}


@pytest.fixture(params=list(ENGINES))
def engine(request):
    return ENGINES[request.param]


def engines_made(engine):
    """A factory of `engine`s on a small run (or the run given), each shut down afterwards,
    leaving no thread or worker process behind: for a fixture to yield from."""
    made = []

    def make(run=None, **kwargs):
        controller = engine(run if run is not None else make_run((2, 5, 1)), **kwargs)
        made.append(controller)
        return controller

    yield make
    for controller in made:
        if shiboken6.isValid(controller):
            assert controller.shutdown(2000)
            assert not getattr(controller, "worker_alive", bool)()


@pytest.fixture
def make_controller(qtbot, engine):
    yield from engines_made(engine)


class Recorder:
    """Collects what a controller emits; its methods are bound methods of a GUI-thread object."""

    def __init__(self, controller):
        self.snapshots, self.chunks, self.states, self.stops, self.failures = [], [], [], [], []
        self.threads = set()
        controller.snapshot_ready.connect(self.on_snapshot)
        controller.history_appended.connect(self.on_chunk)
        controller.state_changed.connect(self.states.append)
        controller.stopped.connect(self.stops.append)
        controller.failed.connect(self.failures.append)

    def on_snapshot(self, snapshot):
        self.threads.add(QThread.currentThread())
        self.snapshots.append(snapshot)

    def on_chunk(self, chunk):
        self.threads.add(QThread.currentThread())
        self.chunks.append(chunk)

    def iterations(self):
        return [int(i) for chunk in self.chunks for i in chunk.iteration]


def test_step_delivers_exactly_the_stepped_iteration(qtbot, make_controller):
    controller = make_controller()
    recorder = Recorder(controller)
    for expected in (1, 2, 3):
        with qtbot.waitSignal(controller.snapshot_ready, timeout=5000) as blocker:
            controller.step()
        assert blocker.args[0].iteration == expected
    qtbot.waitUntil(lambda: recorder.iterations() == [1, 2, 3], timeout=5000)
    assert [s.iteration for s in recorder.snapshots] == [1, 2, 3]
    assert recorder.threads == {QCoreApplication.instance().thread()}  # delivered in the GUI thread
    assert controller.state == "paused" and not controller.is_running()


def test_step_n_runs_exactly_n_iterations_and_delivers_every_history_row(qtbot, make_controller):
    controller = make_controller()
    recorder = Recorder(controller)
    with qtbot.waitSignal(controller.snapshot_ready, timeout=5000,
                          check_params_cb=lambda s: s.iteration == 25):
        controller.step(25)
    qtbot.waitUntil(lambda: len(recorder.iterations()) == 25, timeout=5000)
    assert recorder.iterations() == list(range(1, 26))
    assert controller.run.iteration == 25


def test_reported_costs_equal_network_cost_at_the_snapshot_weights(qtbot, make_controller):
    run = make_run((2, 4, 1), lam=0.5)
    controller = make_controller(run)
    with qtbot.waitSignal(controller.snapshot_ready, timeout=5000) as blocker:
        controller.step(7)
    snapshot = blocker.args[0]
    net = Network(run.network.layer_sizes, thetas=snapshot.thetas)
    assert snapshot.cost == pytest.approx(net.cost(run.X, run.Y, 0.5), rel=1e-12)


def test_run_until_a_stop_criterion_reports_the_reason_and_pauses(qtbot, make_controller):
    controller = make_controller(make_run(stop=StopCriteria(max_iterations=300)))
    recorder = Recorder(controller)
    with qtbot.waitSignal(controller.stopped, timeout=10000) as blocker:
        controller.start()
    assert blocker.args == ["reached the maximum of 300 iterations"]
    qtbot.waitUntil(lambda: len(recorder.iterations()) == 300, timeout=5000)
    assert recorder.iterations() == list(range(1, 301))  # nothing lost between frames
    assert recorder.states == ["running", "paused"] and controller.thread_alive()


def test_pause_then_start_goes_on_from_the_same_iteration(qtbot, make_controller):
    controller = make_controller()
    recorder = Recorder(controller)
    controller.start()
    qtbot.waitUntil(lambda: len(recorder.snapshots) >= 2, timeout=5000)
    controller.pause()
    assert controller.state == "paused"
    assert controller.wait_until_idle(5000)
    paused_at = controller.run.iteration
    qtbot.waitUntil(lambda: recorder.iterations()[-1:] == [paused_at], timeout=5000)
    controller.set_stop_criteria(max_iterations=paused_at + 10)
    with qtbot.waitSignal(controller.stopped, timeout=5000):
        controller.start()
    assert controller.run.iteration == paused_at + 10
    qtbot.waitUntil(lambda: len(recorder.iterations()) == paused_at + 10, timeout=5000)
    assert recorder.iterations() == list(range(1, paused_at + 11))


def test_stop_joins_the_thread_and_says_so(qtbot, make_controller):
    controller = make_controller()
    recorder = Recorder(controller)
    controller.start()
    qtbot.waitUntil(lambda: len(recorder.snapshots) >= 1, timeout=5000)
    controller.stop()
    assert not controller.thread_alive() and controller.state == "stopped"
    assert recorder.stops == [STOPPED_BY_USER]
    assert recorder.states == ["running", "stopped"]
    iteration = controller.run.iteration
    with qtbot.waitSignal(controller.snapshot_ready, timeout=5000) as blocker:
        controller.step()  # a new thread goes on from the same weights
    assert blocker.args[0].iteration == iteration + 1


def test_a_hundred_rapid_start_pause_stop_cycles_leave_no_thread_running(qtbot, make_controller):
    controller = make_controller()
    for _ in range(100):
        controller.start()
        controller.pause()
        controller.stop()
        assert not controller.thread_alive()
    for _ in range(100):
        controller.start()
        controller.step(2)
        controller.start()
        controller.stop()
    assert not controller.thread_alive() and controller.state == "stopped"


def test_reset_to_the_same_seed_reproduces_the_cost_sequence_bit_for_bit(qtbot, make_controller):
    run = make_run((2, 5, 1), optimizer="momentum", alpha=0.5, stop=StopCriteria(max_iterations=40))
    controller = make_controller(run)
    recorder = Recorder(controller)
    sequences = []
    for _ in range(2):
        with qtbot.waitSignal(controller.stopped, timeout=10000):
            controller.start()
        qtbot.waitUntil(lambda: len(recorder.iterations()) == 40, timeout=5000)
        sequences.append(np.concatenate([chunk.cost for chunk in recorder.chunks]))
        recorder.chunks.clear()
        with qtbot.waitSignal(controller.reset_done, timeout=1000):
            controller.reset()
        assert run.iteration == 0 and not controller.thread_alive()
    assert sequences[0].tobytes() == sequences[1].tobytes()


def test_reset_while_running_stops_first_and_a_new_seed_changes_the_weights(qtbot, make_controller):
    run = make_run((2, 5, 1))
    controller = make_controller(run)
    recorder = Recorder(controller)
    controller.start()
    qtbot.waitUntil(lambda: len(recorder.snapshots) >= 1, timeout=5000)
    controller.reset(new_seed=5)
    assert run.iteration == 0 and controller.state == "stopped" and not controller.thread_alive()
    np.testing.assert_array_equal(run.network.params, Network((2, 5, 1), seed=5).params)


def test_a_hyperparameter_change_takes_effect_at_the_next_iteration(qtbot, make_controller):
    controller = make_controller(make_run((2, 3, 1), alpha=1.0))
    passes = {0: controller.run.preview()}  # by theta_iteration: the pass at Θ after k iterations
    recorder = Recorder(controller)
    with qtbot.waitSignal(controller.snapshot_ready, timeout=5000):
        controller.step()
    controller.set_hyperparameters(alpha=0.25)
    for _ in range(2):
        with qtbot.waitSignal(controller.snapshot_ready, timeout=5000):
            controller.step()
    passes.update((s.theta_iteration, s) for s in recorder.snapshots)
    assert {0, 1, 2} <= set(passes)
    for k in sorted(passes)[1:]:  # iteration k took Θ after k − 1 iterations to Θ after k
        alpha = 1.0 if k == 1 else 0.25
        for t_before, D, t_after in zip(passes[k - 1].thetas, passes[k - 1].gradients, passes[k].thetas):
            np.testing.assert_allclose(t_after, t_before - alpha * D, rtol=0, atol=1e-15)


def test_divergence_is_reported_and_the_weights_restored(qtbot, make_controller):
    run = make_run((2, 8, 8, 1), alpha=1e6, lam=1.0)
    controller = make_controller(run)
    recorder = Recorder(controller)
    with qtbot.waitSignal(controller.failed, timeout=10000) as blocker:
        controller.start()
    message = blocker.args[0]
    assert message.startswith("diverged at iteration ") and "back to Θ after" in message
    assert controller.state == "paused" and controller.thread_alive()
    assert np.isfinite(run.network.params).all()
    qtbot.waitUntil(lambda: recorder.snapshots and recorder.snapshots[-1].theta_iteration == run.iteration,
                    timeout=5000)
    np.testing.assert_array_equal(run.network.thetas[0], recorder.snapshots[-1].thetas[0])
    assert run.history.series("iteration")[-1] == run.iteration  # the undone rows are gone


@pytest.mark.parametrize("state", ["never started", "running", "paused", "stepping", "diverged",
                                   "stopped", "paced"])
def test_shutdown_joins_within_half_a_second_from_every_state(qtbot, make_controller, state):
    run = make_run((2, 8, 8, 1), alpha=1e6, lam=1.0) if state == "diverged" else make_run((2, 5, 1))
    controller = make_controller(run)
    recorder = Recorder(controller)
    if state in ("running", "paused", "paced"):
        if state == "paced":
            controller.set_max_rate(0.01)
        controller.start()
        qtbot.waitUntil(lambda: len(recorder.snapshots) >= 1, timeout=5000)
        if state == "paused":
            controller.pause()
    elif state == "stepping":
        controller.step(10**9)
        qtbot.waitUntil(lambda: len(recorder.snapshots) >= 1, timeout=5000)
    elif state == "diverged":
        with qtbot.waitSignal(controller.failed, timeout=10000):
            controller.start()
    elif state == "stopped":
        controller.step()
        controller.stop()
    assert controller.shutdown(timeout_ms=500)
    assert not controller.thread_alive() and controller.state == "stopped"
    assert controller.shutdown(timeout_ms=500)  # idempotent
    controller.start()  # ignored after shutdown
    assert not controller.thread_alive()


class TrainingWindow(QWidget):
    """What the main window does: shut the trainer down when it closes."""

    def __init__(self, controller):
        super().__init__()
        self.controller = controller

    def closeEvent(self, event):
        self.controller.shutdown()
        super().closeEvent(event)


def test_closing_the_window_while_training_joins_the_thread(qtbot, make_controller):
    controller = make_controller()
    recorder = Recorder(controller)
    window = TrainingWindow(controller)
    qtbot.addWidget(window)
    window.show()
    controller.start()
    qtbot.waitUntil(lambda: len(recorder.snapshots) >= 1, timeout=5000)
    window.close()
    assert not controller.thread_alive() and controller.state == "stopped"


def test_set_run_joins_the_old_thread_and_trains_the_new_run(qtbot, make_controller):
    controller = make_controller()
    recorder = Recorder(controller)
    controller.start()
    qtbot.waitUntil(lambda: len(recorder.snapshots) >= 1, timeout=5000)
    old = controller.run
    new = make_run((4, 6, 3))
    with qtbot.waitSignal(controller.run_replaced, timeout=1000):
        controller.set_run(new)
    assert controller.run is new and not controller.thread_alive()
    old_iteration = old.iteration
    with qtbot.waitSignal(controller.snapshot_ready, timeout=5000,
                          check_params_cb=lambda s: s.layer_sizes == (4, 6, 3)) as blocker:
        controller.step()
    assert blocker.args[0].iteration == 1 and old.iteration == old_iteration


def test_bad_hyperparameters_raise_in_the_callers_thread(make_controller):
    controller = make_controller()
    with pytest.raises(ValueError, match="α"):
        controller.set_hyperparameters(alpha=-1)
    with pytest.raises(ValueError, match="fps"):
        type(controller)(make_run(), fps=0)


def test_stop_criteria_can_be_replaced_whole_while_paused(qtbot, make_controller):
    controller = make_controller()
    controller.set_stop_criteria(StopCriteria(max_iterations=3))
    with qtbot.waitSignal(controller.stopped, timeout=5000) as blocker:
        controller.start()
    assert blocker.args == ["reached the maximum of 3 iterations"]
    assert controller.run.iteration == 3


def test_the_application_quitting_shuts_the_trainer_down(qtbot, make_controller):
    controller = make_controller()
    recorder = Recorder(controller)
    controller.start()
    qtbot.waitUntil(lambda: len(recorder.snapshots) >= 1, timeout=5000)
    controller._on_about_to_quit()  # what QCoreApplication.aboutToQuit triggers
    assert not controller.thread_alive() and controller.state == "stopped"


def test_the_selected_example_of_the_history_can_change_between_steps(qtbot, make_controller):
    controller = make_controller()
    with qtbot.waitSignal(controller.history_appended, timeout=5000):
        controller.step()
    assert controller.wait_until_idle(5000)
    at_theta_1 = controller.run.preview()  # iteration 2's pass is made at Θ after 1 iteration
    controller.set_selected_example(9)
    with qtbot.waitSignal(controller.snapshot_ready, timeout=5000):
        controller.step()
    qtbot.waitUntil(lambda: len(controller.run.history) == 2, timeout=5000)
    assert controller.run.history.unit_series(1, 0, "selected_a")[-1] == at_theta_1.activations[1][9, 0]
    with pytest.raises(ValueError, match="selected example"):
        controller.set_selected_example(10**6)


def test_pause_and_wait_returns_with_the_loop_parked_between_iterations(qtbot, make_controller):
    controller = make_controller()
    recorder = Recorder(controller)
    assert controller.pause_and_wait()  # no thread yet: nothing to wait for
    controller.start()
    qtbot.waitUntil(lambda: len(recorder.snapshots) >= 1, timeout=5000)
    assert controller.pause_and_wait()
    parked_at = controller.run.iteration
    params = controller.run.network.params.copy()  # safe to read now
    assert len(controller.run.history) == parked_at  # and the history is complete
    D = Network(controller.run.network.layer_sizes, thetas=controller.run.network.thetas).backprop(
        controller.run.X, controller.run.Y).gradient_vector
    with qtbot.waitSignal(controller.snapshot_ready, timeout=5000,
                          check_params_cb=lambda s: s.iteration == parked_at + 1):
        controller.step()
    assert controller.wait_until_idle(5000) and controller.run.iteration == parked_at + 1
    # the next iteration went on from exactly the Θ read: Θ − α D with α = 1
    np.testing.assert_allclose(controller.run.network.params, params - D, rtol=0, atol=1e-15)
