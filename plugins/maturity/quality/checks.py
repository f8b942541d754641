"""Expectations as data: what each check asks of which column, and why.

A ``Check`` names one Great Expectations expectation (its class in ``great_expectations.
expectations``) with its keyword arguments. Window bounds are not baked in: they are
``{"$PARAMETER": name}`` placeholders filled at validation time, so one suite serves every
window and is built once per process. The digest of the type and kwargs is part of the
``validation_result`` key, so it must not change unless the expectation does.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


def parameter(name: str) -> dict[str, str]:
    """A kwarg filled in at validation time (GX expectation parameters)."""
    return {"$PARAMETER": name}


def _snake(class_name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", class_name).lower()


@dataclass(frozen=True, slots=True, eq=False)
class Check:
    name: str
    """Stable and readable: ``<frame>.<what>``, e.g. ``posts.like_count_not_negative``."""
    expectation: str
    """The GX class name, e.g. ``ExpectColumnValuesToBeBetween``."""
    kwargs: Mapping[str, Any]
    why: str
    private: bool = False
    """Never store or print the unexpected values (they may be raw third-party ids)."""
    rejects: tuple[str, ...] = ()
    """Metric consistency checks: the metric ids whose values are left out at a failing scope."""

    @property
    def expectation_type(self) -> str:
        return _snake(self.expectation)

    @property
    def column(self) -> str | None:
        if "column" in self.kwargs:
            return str(self.kwargs["column"])
        if "column_A" in self.kwargs:
            return f"{self.kwargs['column_A']},{self.kwargs['column_B']}"
        if "column_list" in self.kwargs:
            return ",".join(self.kwargs["column_list"])
        return None

    @property
    def digest(self) -> str:
        """16 hex digits of SHA-256 over the expectation type and its configured kwargs."""
        canonical = json.dumps(
            {"type": self.expectation_type, "kwargs": dict(self.kwargs)},
            sort_keys=True,
            separators=(",", ":"),
            default=str,
        )
        return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:16]


@dataclass(frozen=True, slots=True, eq=False)
class Suite:
    """One GX expectation suite over one kind of frame."""

    name: str
    checks: tuple[Check, ...]
    id_columns: tuple[str, ...]
    """Columns that identify a row in reports (``unexpected_ids``)."""
    parameters: tuple[str, ...] = field(default=())
    """The expectation parameters the caller must supply."""

    def __post_init__(self) -> None:
        names = [c.name for c in self.checks]
        if len(set(names)) != len(names):
            raise ValueError(f"suite {self.name} repeats a check name: {names}")

    def check(self, name: str) -> Check:
        for c in self.checks:
            if c.name == name:
                return c
        raise KeyError(name)
