"""Turn project exceptions into clear messages and exit codes."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import ParamSpec, TypeVar

import typer
from rich.console import Console
from rich.text import Text

from maturity.errors import MaturityError

P = ParamSpec("P")
R = TypeVar("R")

err_console = Console(stderr=True, highlight=False)


def handle_errors(func: Callable[P, R]) -> Callable[P, R]:
    """Print a :class:`MaturityError` as what/where/fix and exit with its code."""

    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return func(*args, **kwargs)
        except MaturityError as exc:
            kind = "Bad input" if exc.exit_code == 2 else "Error"
            # The message quotes input (names, paths, patterns): printed as plain text, never
            # as Rich markup.
            message = Text.assemble((f"{kind}:", "bold red"), " ", exc.render())
            err_console.print(message, soft_wrap=True)
            raise typer.Exit(code=exc.exit_code) from None

    return wrapper
