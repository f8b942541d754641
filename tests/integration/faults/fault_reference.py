"""The fault-free reference run the catalogue compares with (a module of its own: test modules
import it by name, which a ``conftest`` cannot be when several are on the path)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from maturity.sandbox import faultrun as fr


@dataclass(frozen=True)
class Reference:
    home: fr.Home
    dump: dict[str, list[tuple[Any, ...]]]
    calls: dict[str, int]
