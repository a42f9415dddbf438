"""The window benchmark reaches into both engines (the worker's pid, the snapshot cost):
keep it runnable."""
from bp_desktop.data import load_builtin
from tests.benchmarks import bench_window


def test_both_engines_and_the_worker_alone_are_measured(qtbot, monkeypatch):
    monkeypatch.setenv("BP_DESKTOP_ENGINE", "process")  # open_window sets it: restored afterwards
    probe = bench_window.GapProbe()
    for engine in bench_window.ENGINES:
        window = bench_window.open_window(engine, load_builtin("xor"), "3")
        qtbot.addWidget(window)
        result = bench_window.bench_window(window, 0.3, probe)
        assert result["rate"] > 0 and result["snapshots"] > 0
        assert (result["worker cpu"] > 0) == (engine == "process")
    rate, cpu = bench_window.bench_worker(window, 0.3)
    assert rate > 0 and cpu > 0
