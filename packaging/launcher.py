"""Entry script of the standalone build (PyInstaller needs a script, not an entry point)."""
import sys

from bp_desktop.app import main

if __name__ == "__main__":
    sys.exit(main())
