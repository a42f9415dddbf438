"""Composition root: the `bp-desktop` command."""
from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    print("bp-desktop: the main window is not built yet (issue 5); the numeric core is "
          "ready: see README, 'Use the core from Python'.", file=sys.stderr)
    return 0
