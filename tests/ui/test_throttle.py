"""LatestOnly: at most one draw per interval, always ending on the newest item."""
import pytest
from PySide6.QtCore import QObject

from bp_desktop.ui.throttle import LatestOnly


@pytest.fixture
def throttled(qtbot):
    """make(interval) -> (the items drawn so far, a LatestOnly drawing into it)."""
    parents = []  # own the timers for the whole test

    def make(interval):
        drawn, parent = [], QObject()
        parents.append(parent)
        return drawn, LatestOnly(parent, interval, drawn.append)
    return make


def test_items_offered_too_soon_end_in_one_draw_of_the_newest(qtbot, throttled):
    drawn, throttle = throttled(0.2)
    throttle.offer(1)            # the first is drawn at once
    for item in (2, 3, 4):       # within the interval: only the newest waits
        throttle.offer(item)
    assert drawn == [1]
    qtbot.waitUntil(lambda: drawn == [1, 4], timeout=2000)


def test_an_urgent_item_is_drawn_at_once_and_nothing_is_left_waiting(throttled):
    drawn, throttle = throttled(10.0)
    throttle.offer("a")
    throttle.offer("b")
    throttle.offer("c", urgent=True)
    assert drawn == ["a", "c"]
    throttle.flush()             # nothing waits any more
    assert drawn == ["a", "c"]


def test_forget_drops_the_waiting_item(throttled):
    drawn, throttle = throttled(10.0)
    throttle.offer("old network")
    throttle.offer("its later snapshot")
    throttle.forget()
    throttle.flush()
    assert drawn == ["old network"]
