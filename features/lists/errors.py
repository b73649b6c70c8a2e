"""The one error a list reader raises: it names the file and the line, so a user can fix the input."""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path


class ListFormatError(ValueError):
    def __init__(self, path: Path, line: int, message: str):
        self.path, self.line, self.message = path, line, message
        super().__init__(f"{path}:{line}: {message}")


@contextmanager
def csv_errors(path: Path, line: Callable[[], int]) -> Iterator[None]:
    """Turn what reading a (perhaps gzipped) CSV file can raise into a `ListFormatError` at
    `line()`, the reader's current line."""
    try:
        yield
    except csv.Error as exc:
        raise ListFormatError(path, line(), f"malformed CSV: {exc}") from None
    except UnicodeDecodeError as exc:
        raise ListFormatError(path, line(), f"not UTF-8 text: {exc.reason}") from None
    except (OSError, EOFError) as exc:
        raise ListFormatError(path, line(), f"cannot be read (truncated or corrupt gzip?): {exc}") from None
