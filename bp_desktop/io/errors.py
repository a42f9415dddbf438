"""The one exception a weights file can cause."""
from __future__ import annotations

import os


class WeightsFileError(ValueError):
    """A weights file that cannot be used: unreadable, corrupt, or not what it claims.

    `str(error)` names the file and what is wrong with it, ready to show to a user;
    `path` and `problem` hold the two parts separately.
    """

    def __init__(self, path: str | os.PathLike[str], problem: str):
        self.path = os.fspath(path)
        self.problem = problem
        super().__init__(f"{self.path}: {problem}")
