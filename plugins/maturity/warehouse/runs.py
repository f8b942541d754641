"""Runs: which code, rubric, window and inputs produced a set of rows."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Literal, get_args

from maturity.errors import InputError
from maturity.evidence import Window

RunKind = Literal["assess", "collect", "rescore"]
RunTrigger = Literal["cli", "airflow"]


def _require_aware(value: datetime, field: str) -> None:
    if value.tzinfo is None or value.utcoffset() is None:
        raise InputError(
            f"{field} {value.isoformat()} has no timezone",
            where=f"RunInfo.{field}",
            fix="pass timezone-aware datetimes (the warehouse stores UTC)",
        )


@dataclass(frozen=True, slots=True)
class RunInfo:
    """One run. ``started_at`` is stored only the first time a run id is written."""

    run_id: str
    kind: RunKind
    trigger: RunTrigger
    code_version: str
    rubric_id: str | None
    rubric_version: str | None
    window_start: datetime
    window_end: datetime
    input_digest: str
    started_at: datetime

    def __post_init__(self) -> None:
        if not self.run_id:
            raise InputError("run id is empty", where="RunInfo.run_id")
        if self.kind not in get_args(RunKind):
            raise InputError(
                f"unknown run kind '{self.kind}'",
                where="RunInfo.kind",
                fix=f"use one of {list(get_args(RunKind))}",
            )
        if self.trigger not in get_args(RunTrigger):
            raise InputError(
                f"unknown run trigger '{self.trigger}'",
                where="RunInfo.trigger",
                fix=f"use one of {list(get_args(RunTrigger))}",
            )
        for field in ("window_start", "window_end", "started_at"):
            _require_aware(getattr(self, field), field)
        if self.window_end <= self.window_start:
            raise InputError(
                f"window end {self.window_end.isoformat()} is not after start "
                f"{self.window_start.isoformat()}",
                where="RunInfo.window_end",
            )

    @property
    def window(self) -> Window:
        return Window(self.window_start, self.window_end)


def _utc_stamp(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def deterministic_run_id(
    kind: RunKind, window: Window, rubric_version: str | None, input_digest: str
) -> str:
    """A run id that depends only on its inputs, so a rerun writes under the same id.

    Readable prefix (kind and UTC window), then 16 hex digits of a SHA-256 over everything.
    """
    _require_aware(window.start, "window_start")
    _require_aware(window.end, "window_end")
    key = "\x1f".join(
        (
            kind,
            window.start.astimezone(UTC).isoformat(),
            window.end.astimezone(UTC).isoformat(),
            rubric_version or "",
            input_digest,
        )
    )
    digest = hashlib.sha256(key.encode("utf-8")).hexdigest()[:16]
    return f"{kind}-{_utc_stamp(window.start)}-{_utc_stamp(window.end)}-{digest}"
