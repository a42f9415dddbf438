"""The training loop: runs a TrainingRun under a RunControl and posts to a Mailbox."""
from __future__ import annotations

from collections.abc import Callable

import numpy as np
from threadpoolctl import threadpool_limits

from .control import Mailbox, RunControl
from .run import QUIET, Diverged, TrainingRun

STOPPED_BY_USER = "stopped by the user"
INTERRUPTED = "interrupted"


def run_training(run: TrainingRun, control: RunControl, mailbox: Mailbox,
                 should_abort: Callable[[], bool] = lambda: False) -> str:
    """Iterate while `control` grants iterations; return why the loop ended.

    A stop criterion, a divergence or an error pauses the run (the loop parks,
    ready for reset or new settings) and posts a 'stopped' or 'failed' event;
    only control.stop() or `should_abort` ends the loop. One BLAS thread: the
    other core belongs to the GUI (measured: two BLAS threads are 2–20× slower
    on a busy host).
    """
    shown = True  # the pass at the current Θ has been published (or nothing ran yet)

    def show_the_pass_at_rest() -> None:
        """Before the loop parks: the pass at the current Θ, the one Export writes, so the
        window shows it at once, without waiting for the loop or computing it itself."""
        nonlocal shown
        if not shown:
            run.flush_rows()
            mailbox.put(run.preview(), stepped=True)
            shown = True

    try:
        with threadpool_limits(limits=1, user_api="blas"), np.errstate(**QUIET):
            while control.acquire_iteration(on_park=show_the_pass_at_rest):
                shown = False
                _one_iteration(run, control, mailbox)
                if should_abort():
                    return INTERRUPTED
        return INTERRUPTED if should_abort() else STOPPED_BY_USER
    finally:
        run.flush_rows()
        control.loop_finished()


def _one_iteration(run: TrainingRun, control: RunControl, mailbox: Mailbox) -> None:
    stepped = control.last_grant_ends_step
    reason = run.limit_reached()
    if reason:
        _pause(run, control, mailbox, "stopped", reason)
        return
    try:
        record = run.advance()
    except Diverged as diverged:
        if diverged.record is not None:
            mailbox.put(diverged.record, stepped=stepped)
        run.stop_reason = str(diverged)
        _pause(run, control, mailbox, "failed", str(diverged))
        return
    except Exception as error:  # a bug or bad state must not kill the thread silently
        run.stop_reason = f"{type(error).__name__}: {error}"
        _pause(run, control, mailbox, "failed", run.stop_reason)
        return
    if not stepped:  # the last of step(n) is shown by the pass at rest, published as the loop parks
        mailbox.put(record)
    reason = run.check_stop_criteria(record)
    if reason:
        _pause(run, control, mailbox, "stopped", reason)


def _pause(run: TrainingRun, control: RunControl, mailbox: Mailbox, kind: str, message: str) -> None:
    run.flush_rows()  # the loop parks now: leave no row pending
    control.pause()
    mailbox.post(kind, message)
