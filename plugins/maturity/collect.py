"""One collection run over a registry and a window, without a scheduler.

Airflow maps one task per shard of accounts onto the same functions; the CLI calls
:func:`collect_registry` or :func:`replay`. An account that fails is reported in
:attr:`CollectionRun.failures` and the others go on.

A run with a ``resume`` key (the Airflow DAG run's id) leaves a marker in each account's
landing manifest when its collection completes; a retry with the same key takes those
accounts from the landing and fetches only the others (``maturity.connectors.landing``).

With ``defer_rate_limits`` (the Airflow collect task), a rate limit whose reset is further
away than the connection's ``max_inline_wait`` stops the run with
:class:`~maturity.connectors.ratelimit.RateLimitDeferred` instead of sleeping: the accounts
completed so far keep their markers, the interrupted account keeps a checkpoint of the pages
it landed, and the next attempt with the same ``resume`` key goes on from there. Without it
(the CLI) the wait is slept inline, logged with the account and endpoint.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from maturity.errors import MaturityError
from maturity.platforms import BLUESKY, MASTODON, REDDIT, X

if TYPE_CHECKING:
    from maturity.connectors.base import Assembler, Connector, Pseudonymise, Target
    from maturity.connectors.context import AssemblyContext
    from maturity.connectors.merge import Gone
    from maturity.connectors.settings import ConnectorSettings, RedditSettings, XSettings
    from maturity.evidence import Window
    from maturity.records import CollectionBatch, Cursor
    from maturity.registry import Registry

log = logging.getLogger(__name__)

CursorsLookup = Callable[[str, str, str], Mapping[str, "Cursor"]]
"""``(platform, org_id, handle) -> {endpoint: Cursor}``, e.g. ``Warehouse.read_cursor``."""


@dataclass(frozen=True)
class AccountIssue:
    platform: str
    org_id: str
    handle: str
    message: str


class CollectionRun(list["CollectionBatch"]):
    """The batches of a run, one per account that succeeded, plus what went wrong or was left."""

    def __init__(self) -> None:
        super().__init__()
        self.failures: list[AccountIssue] = []
        self.notes: list[AccountIssue] = []


@dataclass(frozen=True)
class PlatformConnector:
    """Where a platform's connector and assembler live, imported only when used."""

    platform: str
    connector: str
    """``module:Class``; the class takes ``(settings, pseudonymise, *, sleep, clock)``."""
    assembler: str
    """``module:function``, an :class:`~maturity.connectors.base.Assembler`."""

    def _load(self, ref: str) -> Any:
        import importlib

        module, _, name = ref.partition(":")
        return getattr(importlib.import_module(module), name)

    def make(
        self,
        settings: ConnectorSettings,
        pseudonymise: Pseudonymise,
        sleep: Callable[[float], None] | None,
        clock: Callable[[], float] | None,
    ) -> Connector:
        connector: Connector = self._load(self.connector)(
            settings, pseudonymise, sleep=sleep, clock=clock
        )
        return connector

    def assemble(self) -> Assembler[Any]:
        assembler: Assembler[Any] = self._load(self.assembler)
        return assembler


CONNECTORS: Mapping[str, PlatformConnector] = {
    p.platform: p
    for p in (
        PlatformConnector(
            X, "maturity.connectors.x:XConnector", "maturity.connectors.x_assembler:assemble"
        ),
        PlatformConnector(
            REDDIT,
            "maturity.connectors.reddit:RedditConnector",
            "maturity.connectors.reddit_assembler:assemble",
        ),
        PlatformConnector(
            MASTODON,
            "maturity.connectors.mastodon:MastodonConnector",
            "maturity.connectors.mastodon_assembler:assemble",
        ),
        PlatformConnector(
            BLUESKY,
            "maturity.connectors.bluesky:BlueskyConnector",
            "maturity.connectors.bluesky_assembler:assemble",
        ),
    )
}
"""The collected platforms, in collection order. A new platform adds one entry (and its
settings loader in :data:`maturity.connectors.settings.SETTINGS_LOADERS`)."""
COLLECTED: tuple[str, ...] = tuple(CONNECTORS)


def targets(registry: Registry, platforms: Sequence[str] = COLLECTED) -> list[Target]:
    from maturity.connectors.base import Target

    out = []
    for org in registry.organisations:
        for account in org.accounts:
            if account.platform in platforms:
                own = frozenset(a.handle for a in org.accounts if a.platform == account.platform)
                out.append(Target(org.id, account, own))
    return out


def _connector(
    platform: str,
    settings: ConnectorSettings | None,
    pseudonymise: Pseudonymise,
    sleep: Callable[[float], None] | None,
    clock: Callable[[], float] | None,
) -> Connector | None:
    if settings is None:
        return None
    return CONNECTORS[platform].make(settings, pseudonymise, sleep, clock)


def _log_skipped(batch: CollectionBatch) -> None:
    """Items the assembler could not use, counted by reason, with the account."""
    if not batch.skipped:
        return
    reasons: dict[str, int] = {}
    for item in batch.skipped:
        reasons[item.reason] = reasons.get(item.reason, 0) + 1
    log.info(
        "%s:%s (%s): %d item(s) skipped: %s",
        batch.platform,
        batch.handle,
        batch.org_id,
        len(batch.skipped),
        ", ".join(f"{n} {why}" for why, n in sorted(reasons.items())),
    )


def _collect_platform(
    connector: Connector,
    platform_targets: Sequence[Target],
    window: Window,
    landing: Any,
    cursors_lookup: CursorsLookup,
    run: CollectionRun,
    on_account: Callable[[Target], None],
    resume: str | None = None,
) -> None:
    from maturity.connectors.ratelimit import RateLimitDeferred

    try:
        connector.prepare(platform_targets, window, landing)
    except MaturityError as exc:
        for t in platform_targets:
            run.failures.append(
                AccountIssue(t.account.platform, t.org_id, t.account.handle, exc.render())
            )
        return
    for target in platform_targets:
        account = target.account
        on_account(target)
        try:
            cursors = dict(cursors_lookup(account.platform, target.org_id, account.handle))
            batch = connector.collect(target, window, cursors, landing)
            _log_skipped(batch)
        except RateLimitDeferred as deferred:
            kept = landing.checkpoint(account.platform, target.org_id, account.handle, window)
            log.warning(
                "%s: %d page(s) of %s:%s (%s) landed so far are kept; the next attempt goes "
                "on from the last of them",
                deferred,
                kept,
                account.platform,
                account.handle,
                target.org_id,
            )
            raise
        except MaturityError as exc:
            log.warning("collecting %s:%s failed: %s", account.platform, account.handle, exc)
            run.failures.append(
                AccountIssue(account.platform, target.org_id, account.handle, exc.render())
            )
            continue
        if resume:
            landing.account(account.platform, target.org_id, account.handle, window).mark_completed(
                resume
            )
        run.append(batch)
        for note in connector.notes:
            run.notes.append(AccountIssue(account.platform, target.org_id, account.handle, note))


def _resume(
    landing: Any,
    landing_dir: Path,
    platform_targets: Sequence[Target],
    window: Window,
    pseudonymiser: Pseudonymise,
    resume: str | None,
    run: CollectionRun,
) -> list[Target]:
    """The targets still to fetch: with a ``resume`` key, those whose collection in this run
    completed earlier (an earlier attempt of the task) are taken from the landing instead."""
    if not resume:
        return list(platform_targets)
    todo = []
    for target in platform_targets:
        account = target.account
        if not landing.completed(account.platform, target.org_id, account.handle, window, resume):
            todo.append(target)
            continue
        found = replay_account(landing_dir, target, window, pseudonymiser)
        if found is None:
            todo.append(target)
            continue
        log.info(
            "%s:%s (%s): already collected by %s for this window; not fetched again",
            account.platform,
            account.handle,
            target.org_id,
            resume,
        )
        batch, context = found
        run.append(batch)
        for note in context.notes:
            run.notes.append(AccountIssue(account.platform, target.org_id, account.handle, note))
    return todo


def collect_registry(
    registry: Registry,
    window: Window,
    *,
    landing_dir: Path,
    x_settings: XSettings | None = None,
    reddit_settings: RedditSettings | None = None,
    pseudonymiser: Pseudonymise,
    settings: Mapping[str, ConnectorSettings | None] | None = None,
    cursors_lookup: CursorsLookup | None = None,
    sleep: Callable[[float], None] | None = None,
    clock: Callable[[], float] | None = None,
    only: Callable[[Target], bool] | None = None,
    on_account: Callable[[Target], None] | None = None,
    resume: str | None = None,
    defer_rate_limits: bool = False,
) -> CollectionRun:
    """Collect every account of ``registry`` on a collected platform (:data:`CONNECTORS`) over
    ``window``, landing raw pages. ``settings`` has each platform's connector settings
    (``x_settings`` and ``reddit_settings`` are the older way to give two of them).

    ``only`` narrows the run to some accounts while every account of an organisation still
    counts as its own (so mentions between them keep their handles).

    A platform without settings is skipped with a note per account. The run lists the
    batches as this collection fetched them; the warehouse is fed from the landing instead
    (``maturity.pipeline.gate_and_load`` replays every run of the window, merged), so it holds
    the whole window however often the window was collected.

    ``on_account`` is told each account as its collection starts (a progress display).

    ``resume`` is the scheduler run's key (an Airflow DAG run id): each account whose
    collection completes is marked with it in its landing manifest, and an account already
    marked with it (an earlier attempt of the same run) is replayed from the landing instead
    of fetched again. A run with another key, or none, fetches every account.

    ``defer_rate_limits`` (for a scheduler task, with a ``resume`` key): a rate-limit reset
    further away than the connection's ``max_inline_wait`` raises
    :class:`~maturity.connectors.ratelimit.RateLimitDeferred` instead of being slept; the
    interrupted account's landed pages are kept as a checkpoint of the ``resume`` run, and the
    next call with the same key resumes after them. Without it every wait is slept inline.
    """
    from dataclasses import replace

    from maturity.connectors.landing import Landing

    if defer_rate_limits and not resume:
        raise ValueError("deferring rate limits needs a resume key to go on from")
    by_platform: dict[str, ConnectorSettings | None] = {X: x_settings, REDDIT: reddit_settings}
    by_platform.update(settings or {})
    if defer_rate_limits:
        by_platform = {
            p: replace(st, defer_rate_limits=True) if st is not None else None
            for p, st in by_platform.items()
        }
    secrets = tuple(s for st in by_platform.values() if st for s in st.secrets)
    landing = Landing(Path(landing_dir), secrets=secrets, run_key=resume)
    lookup: CursorsLookup = cursors_lookup or (lambda platform, org_id, handle: {})
    run = CollectionRun()
    all_targets = [t for t in targets(registry) if only is None or only(t)]

    for platform in CONNECTORS:
        platform_targets = [t for t in all_targets if t.account.platform == platform]
        platform_targets = _resume(
            landing, Path(landing_dir), platform_targets, window, pseudonymiser, resume, run
        )
        if not platform_targets:
            continue
        connector = _connector(platform, by_platform.get(platform), pseudonymiser, sleep, clock)
        if connector is None:
            for t in platform_targets:
                run.notes.append(
                    AccountIssue(
                        platform,
                        t.org_id,
                        t.account.handle,
                        f"no {platform} connection configured; skipped",
                    )
                )
            continue
        try:
            _collect_platform(
                connector,
                platform_targets,
                window,
                landing,
                lookup,
                run,
                on_account or (lambda target: None),
                resume,
            )
        finally:
            connector.close()
    return run


def _assemblers() -> dict[str, Assembler[Any]]:
    """Each collected platform's assembler (imported here, not when the module loads)."""
    return {platform: spec.assemble() for platform, spec in CONNECTORS.items()}


def _assembled_runs(
    landing_dir: Path, target: Target, window: Window, pseudonymiser: Pseudonymise
) -> tuple[list[tuple[CollectionBatch, AssemblyContext]], list[MaturityError]]:
    """Every landed run of the account and window assembled, oldest first, and the errors of
    the runs that could not be."""
    from maturity.connectors.landing import read_runs

    account = target.account
    runs = read_runs(Path(landing_dir), account.platform, target.org_id, account.handle, window)
    assemble = _assemblers()[account.platform]
    assembled: list[tuple[CollectionBatch, AssemblyContext]] = []
    errors: list[MaturityError] = []
    for pages, ctx in runs:
        try:
            assembled.append((assemble(pages, ctx, target, window, pseudonymiser), ctx))
        except MaturityError as exc:
            errors.append(exc)
    return assembled, errors


def _gone(platform: str, assembled: Sequence[tuple[CollectionBatch, AssemblyContext]]) -> Gone:
    from maturity.connectors.merge import coverage, gone

    return gone([(b, coverage(platform, ctx, b)) for b, ctx in assembled])


def gone_in_landing(
    landing_dir: Path, target: Target, window: Window, pseudonymiser: Pseudonymise
) -> Gone:
    """What the account's later runs of ``window`` show the platform no longer serves
    (:func:`maturity.connectors.merge.gone`): deleted items, or a withdrawn account."""
    assembled, _ = _assembled_runs(landing_dir, target, window, pseudonymiser)
    return _gone(target.account.platform, assembled)


def replay_account(
    landing_dir: Path, target: Target, window: Window, pseudonymiser: Pseudonymise
) -> tuple[CollectionBatch, AssemblyContext] | None:
    """One account's batch for ``window`` from the landing alone, every landed run assembled
    and merged (the first run that saw an item wins; what a later run shows the platform no
    longer serves is left out), with the last assembled run's context; ``None`` when nothing
    landed.

    A run that cannot be assembled (a malformed page the collection already failed on) is
    left out with a note naming why, so a later good run of the window is used; when no run
    can be assembled the first run's error is raised."""
    from dataclasses import replace

    from maturity.connectors.merge import merge_batches

    assembled, skipped = _assembled_runs(landing_dir, target, window, pseudonymiser)
    if not assembled:
        if skipped:
            raise skipped[0]
        return None
    context = assembled[-1][1]
    notes = tuple(
        f"a landed run of this window was left out: {exc.render().splitlines()[0]}"
        for exc in skipped
    )
    merged = merge_batches([b for b, _ in assembled], _gone(target.account.platform, assembled))
    return merged, replace(context, notes=(*context.notes, *notes))


def replay(
    landing_dir: Path,
    registry: Registry,
    window: Window,
    pseudonymiser: Pseudonymise,
) -> CollectionRun:
    """Rebuild every account's batch for ``window`` from the landing alone: no network."""
    run = CollectionRun()
    order = COLLECTED
    # Platform by platform, like collect_registry, so a replay lists batches in the same order.
    for target in sorted(targets(registry, order), key=lambda t: order.index(t.account.platform)):
        account = target.account
        try:
            found = replay_account(landing_dir, target, window, pseudonymiser)
            if found is None:
                run.failures.append(
                    AccountIssue(
                        account.platform,
                        target.org_id,
                        account.handle,
                        f"nothing landed for this account and window under {landing_dir}",
                    )
                )
                continue
            batch, context = found
        except MaturityError as exc:
            run.failures.append(
                AccountIssue(account.platform, target.org_id, account.handle, exc.render())
            )
            continue
        run.append(batch)
        for note in context.notes:
            run.notes.append(AccountIssue(account.platform, target.org_id, account.handle, note))
    return run
