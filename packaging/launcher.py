"""Entry script of the standalone build (PyInstaller needs a script, not an entry point)."""
import multiprocessing
import sys

from bp_desktop.app import main

if __name__ == "__main__":
    multiprocessing.freeze_support()  # a training worker process runs and exits here
    sys.exit(main())
