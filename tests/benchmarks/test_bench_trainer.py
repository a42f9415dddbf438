"""The trainer benchmark reaches into the run's row code (its 'floor' mode): keep it runnable."""
import numpy as np

from tests.benchmarks import bench_trainer


def test_cpu_per_iteration_measures_core_floor_and_engine():
    core, floor, engine = bench_trainer.cpu_per_iteration((2, 8, 8, 1), 50, iterations=20)
    assert all(np.isfinite(t) and t > 0 for t in (core, floor, engine))

