"""What every command module shares: the lazily made home, progress lines and the figures line."""

from __future__ import annotations

import click

from model.metrics import figures_line
from service.home import Home
from service.settings import Settings


def figures(**values) -> str:
    return figures_line(values)


def progress(message: str) -> None:
    click.echo(f"... {message}", err=True)


class Context:
    """Settings and home, made on first use so `--help` never touches the environment."""

    def __init__(self):
        self._home: Home | None = None

    @property
    def home(self) -> Home:
        if self._home is None:
            self._home = Home(Settings.from_env())
        return self._home


pass_ctx = click.make_pass_decorator(Context, ensure=True)
