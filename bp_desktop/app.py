"""Composition root: the `bp-desktop` command (window, screenshot mode, headless commands)."""
from __future__ import annotations

import argparse
import multiprocessing
import os
import sys

from bp_desktop import __version__

HEADLESS_COMMANDS = ("train", "gradcheck", "predict")


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="bp-desktop",
        description="See backpropagation happen: a network canvas, a live cost curve and a layer "
                    "inspector that explains every δ. Headless commands: "
                    + ", ".join(HEADLESS_COMMANDS) + " (see 'bp-desktop train --help').")
    parser.add_argument("--dataset", default=None,
                        help="built-in dataset name (e.g. xor, spiral, iris, digits), or the path of a "
                             "CSV file or a MAT-file with X and y (the course's ex4data1.mat); "
                             "default: the last one used, else the two-arm spiral")
    parser.add_argument("--hidden", type=int, action="append",
                        help="units of a hidden layer (repeat for more layers), e.g. --hidden 8 --hidden 8")
    parser.add_argument("--screenshot", metavar="PNG",
                        help="build the window, train, render it to this PNG file and exit")
    parser.add_argument("--iterations", type=int, default=0,
                        help="with --screenshot: iterations to train before the picture")
    parser.add_argument("--select", metavar="LAYER:UNIT",
                        help="with --screenshot: select this unit, numbered as in the lecture (e.g. 2:3)")
    parser.add_argument("--mode", choices=["forward", "backward", "gradient"],
                        help="what the canvas colours show")
    parser.add_argument("--size", default="1600x1000", help="window size for --screenshot, WxH")
    parser.add_argument("--algorithm", metavar="LINE[:t[:l]]",
                        help="open the Algorithm view at a line of the backprop slide: zero, input, forward, "
                             "output_delta, hidden_delta, accumulate, D or update, with example t and "
                             "layer l (e.g. accumulate:40, forward:3:2)")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument("--self-check", action="store_true",
                        help="check that this installation is complete (modules, datasets, weight "
                             "formats, icon) and exit")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    # In the standalone build the training worker process (ui/process_trainer.py) starts as
    # this program with multiprocessing's arguments: run the worker and exit, before parsing
    # them as ours. Elsewhere this does nothing.
    multiprocessing.freeze_support()
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] in HEADLESS_COMMANDS:
        from bp_desktop.cli import main as cli_main
        return cli_main(argv)
    args = parse_args(argv)
    if args.self_check:
        return _self_check()
    if args.screenshot and "QT_QPA_PLATFORM" not in os.environ and not os.environ.get("DISPLAY"):
        os.environ["QT_QPA_PLATFORM"] = "offscreen"  # a screenshot needs no screen

    import shiboken6
    from PySide6.QtWidgets import QApplication

    from bp_desktop.ui.launch import build_window, take_screenshot

    from threadpoolctl import threadpool_limits

    # one BLAS thread for the whole app: two are slower on a busy machine (measured), and the
    # second core is the GUI's while the trainer thread computes
    threadpool_limits(1, "blas")
    app = QApplication.instance() or QApplication(sys.argv[:1])
    window = build_window(app, args)
    if window is None:
        return 2
    try:
        if args.screenshot:
            return take_screenshot(app, window, args)
        window.show()
        return app.exec()
    finally:
        # Destroy the window while the QApplication still exists: left to Python's teardown,
        # the order is arbitrary, and the app's going first crashed on exit (measured: every
        # --screenshot run without --iterations ended in a segmentation fault).
        shiboken6.delete(window)


def _self_check() -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # the checks draw nothing on screen
    from bp_desktop.selfcheck import self_check

    failures = self_check()
    for failure in failures:
        print(f"bp-desktop: self-check failed: {failure}", file=sys.stderr)
    print(f"bp-desktop {__version__}: self-check {'failed' if failures else 'passed'}")
    return 1 if failures else 0


if __name__ == "__main__":  # python -m bp_desktop.app, as python -m bp_desktop
    raise SystemExit(main())
