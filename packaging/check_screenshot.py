"""Check a `bp-desktop --screenshot` PNG: a real PNG, of the asked size, with a picture in it.

    python packaging/check_screenshot.py out.png [WxH]

Used by `make package-smoke` and by the wheel test. Exit status 1 names what is wrong.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
MIN_BYTES = 20_000        # the window at 800×600 compresses to ~100 KB; a blank one to ~5 KB
MIN_GREY_STD = 10.0       # a blank or single-colour window has a standard deviation near 0


def grey_std(path: Path) -> float:
    """The standard deviation of the picture's grey levels, decoded by Qt."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    import numpy as np
    from PySide6.QtGui import QImage

    image = QImage(str(path)).convertToFormat(QImage.Format.Format_Grayscale8)
    rows = np.frombuffer(image.constBits(), np.uint8).reshape(image.height(), image.bytesPerLine())
    return float(rows[:, :image.width()].std())


def screenshot_problems(path: Path, size: tuple[int, int] | None = None) -> list[str]:
    """What is wrong with the screenshot, as sentences; empty when it is fine."""
    path = Path(path)
    if not path.is_file():
        return [f"{path}: no such file"]
    data = path.read_bytes()
    if data[:8] != PNG_MAGIC:
        return [f"{path}: not a PNG (starts with {data[:8]!r})"]
    from PySide6.QtGui import QImage

    image = QImage(str(path))
    if image.isNull():
        return [f"{path}: Qt cannot decode it"]
    problems = []
    if len(data) < MIN_BYTES:
        problems.append(f"{path}: only {len(data)} bytes, expected at least {MIN_BYTES}")
    if size is not None and (image.width(), image.height()) != size:
        problems.append(f"{path}: {image.width()}×{image.height()}, expected {size[0]}×{size[1]}")
    spread = grey_std(path)
    if spread < MIN_GREY_STD:
        problems.append(f"{path}: looks blank (grey-level std {spread:.1f} < {MIN_GREY_STD})")
    return problems


def main(argv: list[str]) -> int:
    if not 1 <= len(argv) <= 2:
        print(__doc__, file=sys.stderr)
        return 2
    size = tuple(int(v) for v in argv[1].lower().split("x")) if len(argv) == 2 else None
    problems = screenshot_problems(Path(argv[0]), size)
    for problem in problems:
        print(f"check_screenshot: {problem}", file=sys.stderr)
    if not problems:
        print(f"check_screenshot: {argv[0]} is a good screenshot")
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
