"""Many organisations per task: how a registry is split into shards, and how one
organisation's failure is kept from stopping the others in its shard.

A scheduler pays for every task instance: a process, imports, state in the metadata
database. One task per organisation and step is readable for a dozen organisations and far
too slow for a thousand, so the assessment DAG maps over *shards*: consecutive organisations
of the registry, at most ``orgs_per_task`` of them. With the default (:func:`auto_sizes`) a
small registry still gets one task per organisation, and a large one a bounded number of
tasks per step, the later shards smaller than the first (see there why).

Inside a shard every organisation is run on its own (:func:`each`): a failure is recorded
against that organisation, with its error, and the others go on.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from maturity.errors import ConfigError, InputError

#: With ``orgs_per_task`` left to :func:`auto_sizes`, a step has at most this many tasks.
AUTO_TASKS_PER_STEP = 16
#: With :func:`auto_sizes`, the first shard is about this many times the size of the last.
AUTO_TAPER = 4

T = TypeVar("T")


def auto_sizes(
    n_orgs: int, tasks_per_step: int = AUTO_TASKS_PER_STEP, taper: float = AUTO_TAPER
) -> list[int]:
    """The sizes of the shards of ``n_orgs`` consecutive organisations: one per task up to
    ``tasks_per_step`` organisations; above that ``tasks_per_step`` shards whose sizes fall
    linearly from the first to the last, about ``taper`` times smaller.

    Why tapered: under the APIs' rate limits the shards' collections finish one after the
    other, window by window, and each shard's steps start when its own collection is done. What
    is left after the last rate-limit window is the last shard's steps, so a small last shard
    ends the run sooner; the large first shards do their steps while later ones still wait.
    """
    if tasks_per_step < 1 or taper < 1:
        raise ValueError(
            f"auto_sizes needs tasks_per_step >= 1 and taper >= 1, not {tasks_per_step}, {taper}"
        )
    if n_orgs <= tasks_per_step:
        return [1] * n_orgs
    if tasks_per_step == 1:
        return [n_orgs]
    k = tasks_per_step
    weights = [1 - (1 - 1 / taper) * i / (k - 1) for i in range(k)]
    exact = [n_orgs * w / sum(weights) for w in weights]
    sizes = [max(1, math.floor(x)) for x in exact]
    # the organisations left by rounding down go, one each, to the shards rounded down most
    by_remainder = sorted(range(k), key=lambda i: (sizes[i] - exact[i], i))
    for i in by_remainder[: n_orgs - sum(sizes)]:
        sizes[i] += 1
    while sum(sizes) > n_orgs:  # only when max(1, ...) lifted a shard: take from the largest
        sizes[sizes.index(max(sizes))] -= 1
    return sorted(sizes, reverse=True)


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


def split_sizes(items: Sequence[T], sizes: Sequence[int]) -> list[list[T]]:
    """``items`` in consecutive groups of the given ``sizes`` (which add up to their number),
    in order."""
    if sum(sizes) != len(items) or min(sizes, default=1) < 1:
        raise ValueError(f"shard sizes {list(sizes)} do not split {len(items)} items")
    out, at = [], 0
    for size in sizes:
        out.append(list(items[at : at + size]))
        at += size
    return out


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
