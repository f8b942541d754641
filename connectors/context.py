"""The typed seam between a connector and its assembler: the plan and the manifest context.

A connector decides, per endpoint, what to ask for (an :class:`EndpointPlan`), remembers the
cursors it started from (:class:`PriorCursor`) and what it had to leave out (notes), and lands
all of that with the run's pages as the run's *context* in the window's manifest
(:meth:`maturity.connectors.landing.AccountLanding.commit`). The platform's assembler reads the
same context, live or on replay, so the context holds exactly what the assembler needs beyond
the pages, and nothing from the clock or the network.

:class:`AssemblyContext` has what every platform has. A platform with more subclasses it (frozen,
keyword-only, every field with a default) and extends :meth:`AssemblyContext._manifest_fields`
and :meth:`AssemblyContext.to_manifest`; :data:`CONTEXT_TYPES` says which class reads a
platform's manifests.

On disk the context is a JSON object::

    {"plans": {"<cursor endpoint>": {"lower": ISO-8601 | null, "since_id": str | null,
                                     "cap": int, "page_size": int (only if set)}},
     "prior": {"<cursor endpoint>": {"newest_id": str, "newest_at": ISO-8601}},
     "notes": [str, ...],
     ...platform fields (X: "own_ids"; Reddit: "subreddit")}

Every key may be missing (a manifest written before a key existed reads as its default: X
contexts had no ``notes``; an account that was not active has no ``plans``); keys this version
does not know are ignored.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Self

from maturity.platforms import REDDIT, X


def _time(value: str) -> datetime:
    """An ISO-8601 timestamp as written by ``datetime.isoformat`` (or with ``Z``), in UTC."""
    return datetime.fromisoformat(value.replace("Z", "+00:00")).astimezone(UTC)


@dataclass(frozen=True, kw_only=True)
class EndpointPlan:
    """What a connector asked one paged endpoint for, and what the assembler keeps of it."""

    lower: datetime | None
    """Oldest creation time requested and kept (inclusive); None when ``since_id`` bounds."""
    since_id: str | None = None
    """Ask only for items after this id (X, with no overlap and a cursor inside the window)."""
    cap: int
    """The most items the connector would page through; reaching it marks the cursor truncated."""
    page_size: int | None = None
    """Items per page, when the platform's truncation test needs it (X)."""

    def to_manifest(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "lower": self.lower.isoformat() if self.lower else None,
            "since_id": self.since_id,
            "cap": self.cap,
        }
        if self.page_size is not None:
            out["page_size"] = self.page_size
        return out

    @classmethod
    def from_manifest(cls, data: Mapping[str, Any]) -> EndpointPlan:
        page_size = data.get("page_size")
        return cls(
            lower=_time(data["lower"]) if data.get("lower") else None,
            since_id=str(data["since_id"]) if data.get("since_id") else None,
            cap=int(data["cap"]),
            page_size=int(page_size) if page_size is not None else None,
        )


@dataclass(frozen=True, kw_only=True)
class PriorCursor:
    """The saved cursor of one endpoint the run started from (never moves a cursor back)."""

    newest_id: str
    newest_at: datetime

    def to_manifest(self) -> dict[str, Any]:
        return {"newest_id": self.newest_id, "newest_at": self.newest_at.isoformat()}

    @classmethod
    def from_manifest(cls, data: Mapping[str, Any]) -> PriorCursor:
        return cls(newest_id=str(data["newest_id"]), newest_at=_time(data["newest_at"]))


@dataclass(frozen=True, kw_only=True)
class AssemblyContext:
    """What every platform's assembler needs besides the pages; landed in the manifest.

    Keys of ``plans`` and ``prior`` are the platform's cursor endpoints (``posts``,
    ``mentions``, ``submissions``, …); an endpoint without a plan was not collected and gets no
    cursor. Use this class as is for a platform that needs nothing more.
    """

    plans: Mapping[str, EndpointPlan] = field(default_factory=dict)
    prior: Mapping[str, PriorCursor] = field(default_factory=dict)
    """The saved cursors the run started from, by cursor endpoint."""
    notes: tuple[str, ...] = ()
    """What the run left out or could not read, one line each (shown to the user)."""

    @property
    def seen_before(self) -> bool:
        """The account had saved cursors, so an account that cannot be found was deleted."""
        return bool(self.prior)

    def to_manifest(self) -> dict[str, Any]:
        """This context as a JSON-ready object (see the module docstring)."""
        return {
            "plans": {name: plan.to_manifest() for name, plan in self.plans.items()},
            "prior": {name: cursor.to_manifest() for name, cursor in self.prior.items()},
            "notes": list(self.notes),
        }

    @classmethod
    def from_manifest(cls, data: Mapping[str, Any]) -> Self:
        """Read a context written by :meth:`to_manifest`, by this or an older version."""
        return cls(**cls._manifest_fields(data))

    @classmethod
    def _manifest_fields(cls, data: Mapping[str, Any]) -> dict[str, Any]:
        """The constructor arguments read from ``data``; subclasses add their own fields."""
        return {
            "plans": {
                str(name): EndpointPlan.from_manifest(plan)
                for name, plan in (data.get("plans") or {}).items()
            },
            "prior": {
                str(name): PriorCursor.from_manifest(cursor)
                for name, cursor in (data.get("prior") or {}).items()
            },
            "notes": tuple(str(note) for note in data.get("notes") or ()),
        }


@dataclass(frozen=True, kw_only=True)
class XContext(AssemblyContext):
    own_ids: Mapping[str, str] = field(default_factory=dict)
    """X user id → handle of each of the organisation's accounts the lookup resolved; authors
    with these ids keep their handle, everyone else becomes a pseudonym."""

    def to_manifest(self) -> dict[str, Any]:
        return {**super().to_manifest(), "own_ids": dict(self.own_ids)}

    @classmethod
    def _manifest_fields(cls, data: Mapping[str, Any]) -> dict[str, Any]:
        own_ids = {str(k): str(v) for k, v in (data.get("own_ids") or {}).items()}
        return {**super()._manifest_fields(data), "own_ids": own_ids}


@dataclass(frozen=True, kw_only=True)
class RedditContext(AssemblyContext):
    subreddit: str | None = None
    """The organisation's subreddit (from the registry): its moderators speak for it there."""

    def to_manifest(self) -> dict[str, Any]:
        return {**super().to_manifest(), "subreddit": self.subreddit}

    @classmethod
    def _manifest_fields(cls, data: Mapping[str, Any]) -> dict[str, Any]:
        subreddit = data.get("subreddit")
        return {
            **super()._manifest_fields(data),
            "subreddit": str(subreddit) if subreddit else None,
        }


CONTEXT_TYPES: Mapping[str, type[AssemblyContext]] = {X: XContext, REDDIT: RedditContext}
"""The context class of each platform; a new platform adds its own (or uses the base class)."""


def context_from_manifest(platform: str, data: Mapping[str, Any]) -> AssemblyContext:
    """The typed context of a landed run of ``platform`` (base class for a platform not listed)."""
    return CONTEXT_TYPES.get(platform, AssemblyContext).from_manifest(data)
