"""How the main window behaves around a run: its axes, start-up, closing, first hints."""
import pytest

from bp_desktop.ui.cost_plot import X_MIN

from .windows import action, open_window


@pytest.fixture
def window(qtbot, tmp_path):
    w = open_window(qtbot, tmp_path, "xor", m=120, noise=0.1, seed=0)
    yield w
    w.shutdown()


def train_to(qtbot, window, iterations: int) -> None:
    with qtbot.waitSignal(window.controller.snapshot_ready, timeout=10000,
                          check_params_cb=lambda s: s.iteration >= iterations):
        window.step(iterations - window.snapshot.iteration)
    qtbot.waitUntil(lambda: window.cost_plot.point_count() >= iterations)


def shown_iterations(plot):
    """The left end of both plots' x ranges, and every iteration the axis labels."""
    low = min(axes.vb.viewRange()[0][0] for axes in (plot.cost_axes, plot.accuracy_axes))
    axis = plot.accuracy_axes.getAxis("bottom")
    ticks = [v for _spacing, values in axis.tickValues(*plot.cost_axes.vb.viewRange()[0], 600)
             for v in values]
    return low, ticks


@pytest.mark.parametrize("restart", ["actionReset", "actionBuildNetwork"])
def test_the_cost_plot_starts_at_iteration_0_after_a_restart(qtbot, window, restart):
    train_to(qtbot, window, 400)
    low, _ = shown_iterations(window.cost_plot)
    assert low >= X_MIN
    window.ask = lambda question: True
    action(window, restart).trigger()
    qtbot.waitUntil(lambda: window.cost_plot.point_count() == 0)
    low, ticks = shown_iterations(window.cost_plot)
    assert low >= X_MIN and min(ticks) == 0
    high = window.cost_plot.cost_axes.vb.viewRange()[0][1]
    assert high < 50  # the old run's 400 iterations are not kept as the width
