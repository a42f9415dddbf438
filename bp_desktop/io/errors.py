"""The one exception a weights file can cause."""
from __future__ import annotations

import os


class WeightsFileError(ValueError):
    """A weights file that cannot be used: unreadable, corrupt, or not what it claims.

    `WeightsFileError(path, problem)`: `str(error)` is "<path>: <problem>", ready to show
    to a user; `path` and `problem` hold the two parts. Like any ValueError it can also be
    raised with just a message (then `path` is None), which is also how it unpickles.
    """

    def __init__(self, path: str | os.PathLike[str], problem: str | None = None):
        if problem is None:
            self.path, self.problem = None, str(path)
            super().__init__(self.problem)
            return
        self.path = os.fspath(path)
        self.problem = problem
        super().__init__(f"{self.path}: {problem}")
