"""The project's exceptions.

Every error a user can cause says *what* was wrong, *where* (file, line, field,
account, endpoint) and *how to fix it*. The CLI maps ``InputError`` to exit code
2 and every other ``MaturityError`` to exit code 1.
"""

from __future__ import annotations


class MaturityError(Exception):
    """Base class: a failure the product can explain to its user."""

    exit_code = 1

    def __init__(self, what: str, *, where: str | None = None, fix: str | None = None) -> None:
        self.what = what
        self.where = where
        self.fix = fix
        super().__init__(self.render())

    def render(self) -> str:
        parts = [f"{self.where}: {self.what}" if self.where else self.what]
        if self.fix:
            parts.append(f"Fix: {self.fix}")
        return "\n".join(parts)


class InputError(MaturityError):
    """Bad input from the user: a file, a field, an argument. Exit code 2."""

    exit_code = 2


class ConfigError(InputError):
    """A connection or setting is missing or malformed."""


class WarehouseError(MaturityError):
    """The warehouse could not be reached or written."""


class ConnectorError(MaturityError):
    """A platform API call failed in a way that retrying will not fix."""
