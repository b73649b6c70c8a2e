"""The one error a list reader raises: it names the file and the line, so a user can fix the input."""

from __future__ import annotations

from pathlib import Path


class ListFormatError(ValueError):
    def __init__(self, path: Path, line: int, message: str):
        self.path, self.line, self.message = path, line, message
        super().__init__(f"{path}:{line}: {message}")
