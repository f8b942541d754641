"""Step 1, collect: fetch accounts' pages for the collection window and land them verbatim.

Nothing is written to the warehouse here but nothing is lost either: the landing is the
record of what the APIs said, and the next step replays it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from maturity.errors import ConnectorError, InputError
from maturity.shards import Outcome

if TYPE_CHECKING:
    from maturity.evidence import Window
    from maturity.pipeline.settings import PipelineSettings

Summary = dict[str, Any]


def collect_accounts(
    settings: PipelineSettings,
    platform: str,
    accounts: Sequence[tuple[str, str]],
    window: Window,
    *,
    resume: str | None = None,
    defer_rate_limits: bool = False,
) -> Outcome[Summary]:
    """Fetch the pages of several ``(org_id, handle)`` accounts on ``platform`` for the
    collection window and land them verbatim, with one connector (one client, one users
    lookup per 100 handles). Keyed ``platform:handle``; one account failing does not stop the
    others.

    ``resume`` (the DAG run's id) makes a retry of the same run skip the accounts it already
    collected (:func:`maturity.collect.collect_registry`). ``defer_rate_limits`` (with
    ``resume``) raises :class:`~maturity.connectors.ratelimit.RateLimitDeferred` for a long
    rate-limit wait instead of sleeping; the next call with the same ``resume`` goes on from
    the pages already landed."""
    from maturity.collect import CONNECTORS, collect_registry

    def key(handle: str) -> str:
        return f"{platform}:{handle}"

    outcome: Outcome[Summary] = Outcome()
    wanted = _registered(settings, platform, accounts, outcome)
    if not wanted:
        return outcome
    if platform not in CONNECTORS:
        raise InputError(
            f"no connector collects platform '{platform}'",
            where="collect",
            fix=f"collect one of {sorted(CONNECTORS)}",
        )
    org_ids = {o for o, _ in wanted}
    run = collect_registry(
        settings.registry.model_copy(
            update={
                "organisations": tuple(
                    o for o in settings.registry.organisations if o.id in org_ids
                )
            }
        ),
        window,
        landing_dir=settings.landing_dir,
        settings={platform: settings.connector_settings(platform)},
        pseudonymiser=settings.pseudonymiser,
        cursors_lookup=settings.warehouse.read_cursor,
        only=lambda t: t.account.platform == platform and (t.org_id, t.account.handle) in wanted,
        resume=resume,
        defer_rate_limits=defer_rate_limits,
    )
    batches = {(b.org_id, b.handle): b for b in run}
    purged = _purge_gone(settings, platform, list(batches), window)
    for issue in run.failures:
        outcome.failed[key(issue.handle)] = ConnectorError(
            issue.message, where=f"{platform}:{issue.handle} ({issue.org_id})"
        )
    for (org_id, handle), k in wanted.items():
        if k in outcome.failed:
            continue
        batch = batches.get((org_id, handle))
        outcome.done[k] = {
            "org_id": org_id,
            "platform": platform,
            "handle": handle,
            "status": batch.snapshots[0].status if batch and batch.snapshots else "unknown",
            "pages": len(batch.pages) if batch else 0,
            "posts": len(batch.posts) if batch else 0,
            "inbound": len(batch.inbound) if batch else 0,
            "notes": [n.message for n in run.notes if n.handle == handle],
        }
        if (org_id, handle) in purged:
            outcome.done[k]["purged"] = purged[(org_id, handle)]
    return outcome


def _registered(
    settings: PipelineSettings,
    platform: str,
    accounts: Sequence[tuple[str, str]],
    outcome: Outcome[Summary],
) -> dict[tuple[str, str], str]:
    """``(org_id, handle) -> key`` of the accounts the registry lists; the others fail in
    ``outcome``."""
    wanted: dict[tuple[str, str], str] = {}
    for org_id, handle in accounts:
        k = f"{platform}:{handle}"
        try:
            org = settings.organisation(org_id)
            if not any(a.platform == platform and a.handle == handle for a in org.accounts):
                raise InputError(
                    f"{platform}:{handle} is not an account of '{org_id}'",
                    where=str(settings.registry_path),
                )
        except InputError as exc:
            outcome.failed[k] = exc
            continue
        wanted[(org_id, handle)] = k
    return wanted


def _purge_gone(
    settings: PipelineSettings, platform: str, collected: Sequence[tuple[str, str]], window: Window
) -> dict[tuple[str, str], str]:
    """After a collection: purge what its accounts' runs show the platform no longer serves
    (deleted content, a withdrawn account; ``maturity.pipeline.retention.purge_gone``).
    Returns, per account that had any, what went."""
    import logging

    from maturity.collect import gone_in_landing, targets
    from maturity.pipeline.retention import purge_gone

    wanted = set(collected)
    out: dict[tuple[str, str], str] = {}
    for target in targets(settings.registry, (platform,)):
        key = (target.org_id, target.account.handle)
        if key not in wanted:
            continue
        gone = gone_in_landing(settings.landing_dir, target, window, settings.pseudonymiser)
        if not gone:
            continue
        done = purge_gone(settings.landing_dir, settings.warehouse, target, window, gone)
        if not done.pages and (done.rows is None or not done.rows.total):
            continue  # purged by an earlier collection already
        what = (
            f"the account is {gone.withdrawn}: its posts were purged"
            if gone.withdrawn
            else f"{len(gone.posts)} post(s) and {len(gone.inbound)} message(s) no longer "
            "served by the platform were purged"
        )
        out[key] = f"{what} ({done.describe()})"
        logging.getLogger(__name__).warning(
            "%s:%s (%s): %s", platform, target.account.handle, target.org_id, out[key]
        )
    return out


def collect_account(
    settings: PipelineSettings, org_id: str, platform: str, handle: str, window: Window
) -> Summary:
    """Fetch one account's pages for the collection window and land them verbatim."""
    return collect_accounts(settings, platform, [(org_id, handle)], window).raise_for(
        f"{platform}:{handle}"
    )
