"""The key that signs the review pages' session cookies when none is set: random, kept in the
home so every gunicorn worker (and a restart) signs and reads the same cookies."""

from __future__ import annotations

import os
import secrets
import tempfile
from pathlib import Path

SECRET_FILE = "ui-secret"


def secret_key(home: Path) -> str:
    """The home's signing key, made on first use: written whole to a private temporary file, then
    linked into place, so a racing worker either wins or reads the winner's key, never half of one."""
    path = Path(home) / SECRET_FILE
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=".ui-secret-")  # mode 0600
        try:
            with os.fdopen(fd, "w") as out:
                out.write(secrets.token_hex(32))
            os.link(temporary, path)
        except FileExistsError:
            pass
        finally:
            os.unlink(temporary)
    return path.read_text().strip()
