"""The directory where gunicorn workers leave their Prometheus samples (prometheus_client's
multiprocess mode).

prometheus_client decides on multiprocess mode when it is first imported, from the environment,
so this module must not import it at the top: `serve` and the gunicorn config call `prepare`
before anything imports it.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

ENV = "PROMETHEUS_MULTIPROC_DIR"


def prepare(path: Path) -> Path:
    """Empty (samples of a previous run would be counted again) and name the directory in the environment."""
    shutil.rmtree(path, ignore_errors=True)
    path.mkdir(parents=True)
    os.environ[ENV] = str(path)
    return path


def mark_dead(pid: int) -> None:
    """gunicorn child_exit: drop a dead worker's live gauges."""
    from prometheus_client import multiprocess  # imported late: see the module's docstring

    multiprocess.mark_process_dead(pid)
