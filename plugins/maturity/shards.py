"""Many organisations per task: how a registry is split into shards, and how one
organisation's failure is kept from stopping the others in its shard.

A scheduler pays for every task instance: a process, imports, state in the metadata
database. One task per organisation and step is readable for a dozen organisations and far
too slow for a thousand, so the assessment DAG maps over *shards*: consecutive organisations
of the registry, at most ``orgs_per_task`` of them. With the default (:func:`auto_size`) a
small registry still gets one task per organisation, and a large one a bounded number of
tasks per step.

Inside a shard every organisation is run on its own (:func:`each`): a failure is recorded
against that organisation, with its error, and the others go on.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from maturity.errors import ConfigError, InputError

#: With ``orgs_per_task`` left to :func:`auto_size`, a step has at most this many tasks.
AUTO_TASKS_PER_STEP = 16

T = TypeVar("T")


def auto_size(n_orgs: int, tasks_per_step: int = AUTO_TASKS_PER_STEP) -> int:
    """Organisations per task so that a step has at most ``tasks_per_step`` tasks: one per
    task up to that many organisations."""
    return max(1, math.ceil(n_orgs / tasks_per_step))


def parse_orgs_per_task(raw: str | None, where: str) -> int | None:
    """``None`` for automatic sizing (unset, empty or ``auto``), else a whole number ≥ 1."""
    text = (raw or "").strip().lower()
    if text in ("", "auto"):
        return None
    if not text.isdigit() or int(text) < 1:
        raise ConfigError(
            f"'{raw}' is not a number of organisations per task",
            where=where,
            fix="use a whole number of at least 1, or 'auto' (the default)",
        )
    return int(text)


def split(items: Sequence[T], size: int) -> list[list[T]]:
    """``items`` in consecutive groups of at most ``size``, in order."""
    if size < 1:
        raise ValueError(f"shard size must be at least 1, not {size}")
    return [list(items[i : i + size]) for i in range(0, len(items), size)]


def label(org_ids: Sequence[str], index: int, total: int) -> str:
    """How a shard is named in the UI: the organisation itself when it is alone, else the
    first and last organisation, their number and the shard's place."""
    if len(org_ids) == 1:
        return org_ids[0]
    return f"{org_ids[0]} .. {org_ids[-1]} ({len(org_ids)} orgs, shard {index + 1}/{total})"


def retryable(error: BaseException) -> bool:
    """Whether another attempt could succeed: not for bad input, which would be read again,
    nor for an error that says so (a ``retryable = False`` attribute)."""
    return bool(getattr(error, "retryable", not isinstance(error, InputError)))


def describe(error: BaseException) -> str:
    """One line for logs and XComs: an ``InputError``'s rendering (place, problem, fix), else
    the exception's type and the first line of its message."""
    if isinstance(error, InputError):
        return " ".join(line.strip() for line in error.render().splitlines() if line.strip())
    text = str(error).strip().splitlines()
    return f"{type(error).__name__}: {text[0] if text else 'no message'}"


@dataclass
class Outcome(Generic[T]):
    """What a step did for each key (an organisation or an account) of a shard."""

    done: dict[str, T] = field(default_factory=dict)
    failed: dict[str, BaseException] = field(default_factory=dict)

    @property
    def retryable(self) -> list[str]:
        return [k for k, e in self.failed.items() if retryable(e)]

    def raise_for(self, key: str) -> T:
        """The result for ``key``, or its error raised again."""
        if key in self.failed:
            raise self.failed[key]
        return self.done[key]

    def errors(self) -> dict[str, str]:
        return {k: describe(e) for k, e in self.failed.items()}


def each(keys: Iterable[str], run: Callable[[str], T]) -> Outcome[T]:
    """``run(key)`` for every key, in order; an exception is recorded against its key.

    Only ``Exception`` is caught: a task timeout or an interrupt (``BaseException``) still
    stops the whole shard, as it must.
    """
    outcome: Outcome[T] = Outcome()
    for key in keys:
        try:
            outcome.done[key] = run(key)
        except Exception as exc:  # recorded against this key, see the docstring
            outcome.failed[key] = exc
    return outcome
