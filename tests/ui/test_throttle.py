"""LatestOnly: at most one draw per interval, always ending on the newest item."""
from PySide6.QtCore import QObject

from bp_desktop.ui.throttle import LatestOnly


def test_items_offered_too_soon_end_in_one_draw_of_the_newest(qtbot):
    drawn = []
    parent = QObject()  # owns the timer: kept alive for the test
    throttle = LatestOnly(parent, 0.2, drawn.append)
    throttle.offer(1)            # the first is drawn at once
    for item in (2, 3, 4):       # within the interval: only the newest waits
        throttle.offer(item)
    assert drawn == [1]
    qtbot.waitUntil(lambda: drawn == [1, 4], timeout=2000)


def test_an_urgent_item_is_drawn_at_once_and_nothing_is_left_waiting(qtbot):
    drawn = []
    parent = QObject()
    throttle = LatestOnly(parent, 10.0, drawn.append)
    throttle.offer("a")
    throttle.offer("b")
    throttle.offer("c", urgent=True)
    assert drawn == ["a", "c"]
    throttle.flush()             # nothing waits any more
    assert drawn == ["a", "c"]


def test_forget_drops_the_waiting_item(qtbot):
    drawn = []
    parent = QObject()
    throttle = LatestOnly(parent, 10.0, drawn.append)
    throttle.offer("old network")
    throttle.offer("its later snapshot")
    throttle.forget()
    throttle.flush()
    assert drawn == ["old network"]
