"""Landed pages whose JSON is decoded at most once while an account's batch is assembled.

An assembler reads a page more than once (its items, then its paging metadata for the history
cap, then its authors), and decoding the JSON was the largest single cost of a replay. The
decoded body is shared by those reads, so an assembler must not change it (none does)."""

from __future__ import annotations

import functools
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from maturity.connectors.landing import LandedPage


@dataclass(frozen=True)
class DecodedPage(LandedPage):
    """A :class:`LandedPage` that keeps its decoded JSON after the first read. A body that is
    not JSON raises ``ValueError`` on every read, as the plain page does."""

    @functools.cached_property
    def _decoded(self) -> Any:
        return json.loads(self.body)

    def json(self) -> Any:
        return self._decoded


def decoded(pages: Sequence[LandedPage]) -> list[LandedPage]:
    """``pages`` in the same order, each decoding its JSON once."""
    return [
        p if isinstance(p, DecodedPage) else DecodedPage(p.ref, p.envelope, p.body) for p in pages
    ]
