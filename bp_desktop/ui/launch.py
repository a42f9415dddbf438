"""Starting the window from command-line options, and the --screenshot mode."""
from __future__ import annotations

import os
import sys
from pathlib import Path

from PySide6.QtCore import QEventLoop, QSettings, QTimer

from bp_desktop import __version__
from bp_desktop.workbench.algorithm import parse_step

from .icon import APP_ID, app_icon
from .main_window import MainWindow

SCREENSHOT_TIMEOUT_MS = 120_000


def build_window(app, args, settings: QSettings | None = None) -> MainWindow | None:
    """The window on the dataset the arguments name, else on the last one used (settings:
    the user's, unless given)."""
    app.setApplicationName("bp-desktop")
    app.setOrganizationName("bp-desktop")
    app.setApplicationVersion(__version__)
    app.setDesktopFileName(APP_ID)
    app.setWindowIcon(app_icon())
    # a screenshot must look the same whatever the user's saved layout is
    if args.screenshot:
        settings = QSettings(str(Path(os.devnull)), QSettings.Format.IniFormat)
    window = MainWindow(settings)
    if args.hidden:
        window.controls.hidden.setText(", ".join(str(h) for h in args.hidden))
    name = args.dataset
    if name is None:
        ok = _load_last_dataset(window)
    else:
        ok = window.commands.load_file_now(name) if Path(name).suffix else window.commands.load_builtin(name)
    if not ok:
        print(f"bp-desktop: {getattr(window, 'last_error', 'could not start')}", file=sys.stderr)
        return None
    if args.mode:
        window.mode.setCurrentIndex(window.mode.findData(args.mode))
    if args.algorithm and not args.screenshot:  # a screenshot opens it after training
        if not _open_algorithm(window, args.algorithm):
            window.shutdown()
            return None
    return window


def _open_algorithm(window: MainWindow, line: str) -> bool:
    """The Algorithm view at `line` (--algorithm); False with a message if it does not fit."""
    walk = window.algorithm_view.walk
    try:
        step = parse_step(line, walk.m, walk.L)
    except ValueError as error:
        print(f"bp-desktop: {error}", file=sys.stderr)
        return False
    window.show_algorithm()
    walk.go_to(step)
    return True


def _load_last_dataset(window: MainWindow) -> bool:
    """The dataset used last: a file if it can still be read, else the built-in the control
    panel remembers (or the default), with a word in the status bar about the file."""
    last = str(window.settings.value("dataset", "") or "")
    if not Path(last).is_absolute():  # "builtin:…" (or nothing yet)
        return window.commands.load_selected_builtin()
    if Path(last).is_file() and window.commands.load_file_now(last):
        return True
    why = ("could not be read again: " + window.last_error if Path(last).is_file()
           else "no longer exists")
    if not window.commands.load_selected_builtin():
        return False
    # in the permanent field: a temporary message could pass before the window is looked at
    window.model.set_status(
        f"The last dataset, {last}, {why}; using the built-in {window.model.workspace.dataset.name}.")
    return True


def take_screenshot(app, window: MainWindow, args) -> int:
    width, height = (int(v) for v in args.size.lower().split("x"))
    window.resize(width, height)
    window.show()
    if args.iterations > 0:
        _train_until(window, args.iterations)
    if args.select:
        layer, unit = (int(v) for v in args.select.split(":"))
        sizes = window.model.workspace.layer_sizes
        if not (1 <= layer <= len(sizes) and 1 <= unit <= sizes[layer - 1]):
            print(f"bp-desktop: --select {args.select}: the network {'-'.join(map(str, sizes))} has "
                  f"layers 1..{len(sizes)}, and layer {layer} has no unit {unit}", file=sys.stderr)
            window.shutdown()
            return 2
        window.model.select_unit(layer - 1, unit - 1)
    if args.algorithm and not _open_algorithm(window, args.algorithm):
        window.shutdown()
        return 2
    app.processEvents()
    ok = window.grab().save(args.screenshot)
    window.shutdown()
    if not ok:
        print(f"bp-desktop: could not write {args.screenshot}", file=sys.stderr)
        return 1
    print(f"bp-desktop: wrote {args.screenshot} (iteration {window.model.snapshot.iteration})")
    return 0


def _train_until(window: MainWindow, iterations: int) -> None:
    loop = QEventLoop()

    def check(snapshot):
        if snapshot.iteration >= iterations:
            loop.quit()

    window.model.events.snapshot.connect(check)
    QTimer.singleShot(SCREENSHOT_TIMEOUT_MS, loop.quit)
    window.model.step(iterations)
    loop.exec()
    window.model.events.snapshot.disconnect(check)
