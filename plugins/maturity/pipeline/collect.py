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
) -> Outcome[Summary]:
    """Fetch the pages of several ``(org_id, handle)`` accounts on ``platform`` for the
    collection window and land them verbatim, with one connector (one client, one users
    lookup per 100 handles). Keyed ``platform:handle``; one account failing does not stop the
    others."""
    from maturity.collect import CONNECTORS, collect_registry

    def key(handle: str) -> str:
        return f"{platform}:{handle}"

    outcome: Outcome[Summary] = Outcome()
    wanted: dict[tuple[str, str], str] = {}
    for org_id, handle in accounts:
        try:
            org = settings.organisation(org_id)
            if not any(a.platform == platform and a.handle == handle for a in org.accounts):
                raise InputError(
                    f"{platform}:{handle} is not an account of '{org_id}'",
                    where=str(settings.registry_path),
                )
        except InputError as exc:
            outcome.failed[key(handle)] = exc
            continue
        wanted[(org_id, handle)] = key(handle)
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
    )
    batches = {(b.org_id, b.handle): b for b in run}
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
    return outcome


def collect_account(
    settings: PipelineSettings, org_id: str, platform: str, handle: str, window: Window
) -> Summary:
    """Fetch one account's pages for the collection window and land them verbatim."""
    return collect_accounts(settings, platform, [(org_id, handle)], window).raise_for(
        f"{platform}:{handle}"
    )
