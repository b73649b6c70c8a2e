"""What every command module shares: the lazily made home, progress lines and the figures line."""

from __future__ import annotations

import re

import click

from model.metrics import figures_line
from service.home import Home
from service.settings import Settings


def figures(**values) -> str:
    return figures_line(values)


def progress(message: str) -> None:
    click.echo(f"... {message}", err=True)


_DURATION = re.compile(r"^(\d+(?:\.\d+)?)([smhd]?)$")
_UNITS = {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400}


class Duration(click.ParamType):
    """A time span such as 90s, 30m, 1h or 1d."""

    name = "duration"

    def convert(self, value, param, ctx):
        match = _DURATION.match(str(value).strip())
        if not match or float(match.group(1)) <= 0:
            self.fail(f"{value!r} is not a duration such as 90s, 30m, 1h or 1d", param, ctx)
        return float(match.group(1)) * _UNITS[match.group(2)]


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
