"""The training engine: a run, its run control, its mailbox and the loop. No Qt.

    run = TrainingRun(Network([2, 8, 1], seed=0), X, Y, hyper=Hyperparameters(alpha=1.0))
    control, mailbox = RunControl(), Mailbox()
    thread = threading.Thread(target=run_training, args=(run, control, mailbox))
    thread.start(); control.step(10); control.wait_until_idle()
    snapshot, chunk = mailbox.drain()
"""
from .control import Mailbox, RunControl
from .history import DEFAULT_HISTORY_BYTES, SERIES, UNIT_STATS, History, HistoryChunk, RowLayout
from .loop import INTERRUPTED, STOPPED_BY_USER, run_training
from .run import Diverged, Hyperparameters, IterationRecord, Snapshot, StopCriteria, TrainingRun

__all__ = [
    "DEFAULT_HISTORY_BYTES", "INTERRUPTED", "SERIES", "STOPPED_BY_USER", "UNIT_STATS", "Diverged",
    "History", "HistoryChunk", "Hyperparameters", "IterationRecord", "Mailbox", "RowLayout",
    "RunControl", "Snapshot", "StopCriteria", "TrainingRun", "run_training",
]
