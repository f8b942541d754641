"""Step 2, gate and load: replay each account's landing once, link replies across the
organisation's accounts, run the record quality gate, and write what passed, in one
transaction per organisation.

The landing is the source: every landed run of the window is assembled and merged
(``maturity.collect.replay``), once per account and run. The batches then go through the
record gate together (one GX validation per suite for a whole shard when they pass), with
the created-at window reaching back as far as the connection re-fetched (its overlap), and
the gate's decision goes straight to the write: validation rows and quarantine for every
batch, records and reply links only for the batches that passed.

Reply links are computed here and nowhere else (:func:`link_org`): an organisation answers
a mention of its main account from its service account, so a link may join two accounts,
and a reply in this window may answer a message of the previous weeks.
"""

from __future__ import annotations

import gc
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from maturity.shards import Outcome, each

if TYPE_CHECKING:
    from maturity.collect import CollectionRun
    from maturity.costs import Prices
    from maturity.evidence import Window
    from maturity.pipeline.settings import PipelineSettings
    from maturity.quality import BatchValidation
    from maturity.records import CollectionBatch, InboundMessage, Post, ReplyLink
    from maturity.registry import Organisation
    from maturity.warehouse import Warehouse
    from maturity.warehouse.cost_rows import CostRow

Summary = dict[str, Any]

#: How far back an inbound message may be and still be answered in a later collection window.
REPLY_HORIZON = timedelta(days=14)


@dataclass(frozen=True)
class Gated:
    """An organisation's batches for the window, with their links, through the gate."""

    org: Organisation
    run: CollectionRun
    batches: tuple[CollectionBatch, ...]
    results: tuple[BatchValidation, ...]
    earlier_links: tuple[ReplyLink, ...]
    """Links to messages of earlier windows (no batch of this window holds them)."""


def link_org(
    batches: Sequence[CollectionBatch],
    earlier_inbound: Iterable[InboundMessage] = (),
    earlier_posts: Iterable[Post] = (),
) -> tuple[tuple[CollectionBatch, ...], tuple[ReplyLink, ...]]:
    """Link each inbound message to the organisation's first reply from any of its accounts.

    ``batches`` are one organisation's accounts for the window; ``earlier_*`` are its stored
    records of the :data:`REPLY_HORIZON` before it. Returns the batches, each with the links
    to its own inbound messages, and the links to earlier messages.
    """
    from maturity.connectors.replies import link_replies

    inbound = {(m.platform, m.message_id): m for m in earlier_inbound}
    posts = {(p.platform, p.post_id): p for p in earlier_posts}
    for batch in batches:
        inbound.update({(m.platform, m.message_id): m for m in batch.inbound})
        posts.update({(p.platform, p.post_id): p for p in batch.posts})
    links = link_replies(inbound.values(), posts.values())
    owner = {(m.platform, m.message_id): i for i, b in enumerate(batches) for m in b.inbound}
    per_batch: list[list[ReplyLink]] = [[] for _ in batches]
    earlier: list[ReplyLink] = []
    for link in links:
        i = owner.get((link.platform, link.inbound_id))
        (earlier if i is None else per_batch[i]).append(link)
    linked = tuple(
        replace(b, reply_links=tuple(found)) for b, found in zip(batches, per_batch, strict=True)
    )
    return linked, tuple(earlier)


def _replay(settings: PipelineSettings, org: Organisation, window: Window) -> CollectionRun:
    from maturity.collect import replay

    only = settings.registry.model_copy(update={"organisations": (org,)})
    return replay(settings.landing_dir, only, window, settings.pseudonymiser)


def _earlier(wh: Warehouse, org_id: str, window: Window, stored_orgs: set[str]) -> tuple[Any, Any]:
    """The organisation's stored messages and posts of the reply horizon before the window
    (none before its first load)."""
    if org_id not in stored_orgs:
        return (), ()
    stored = wh.read_records(org_id, window.start - REPLY_HORIZON, window.start)
    return stored.inbound, stored.posts


@contextmanager
def _young_objects_only() -> Iterator[None]:
    """While the step runs, the cyclic garbage collector leaves alone the objects that existed
    before it (the libraries' modules and classes, the settings): replaying allocates many
    thousands of short-lived objects, and each full collection they set off would scan that
    whole older heap again and find nothing (about a quarter of the step's time). Its own
    objects are collected as usual; afterwards the older ones are collectable again. A
    performance measure only: nothing that is computed changes."""
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def gate_and_load_orgs(
    settings: PipelineSettings, org_ids: Sequence[str], window: Window
) -> Outcome[Summary]:
    """Gate and load several organisations: one failing does not stop the others, and all
    their batches go through the record gate together."""
    with _young_objects_only():
        return _gate_and_load_orgs(settings, org_ids, window)


def _gate_and_load_orgs(
    settings: PipelineSettings, org_ids: Sequence[str], window: Window
) -> Outcome[Summary]:
    from maturity.quality import validate_batches

    wh = settings.warehouse
    stored_orgs = {o.org_id for o in wh.list_organisations()}

    def prepare(org_id: str) -> tuple[Organisation, CollectionRun, Any, Any, Any]:
        org = settings.organisation(org_id)
        run = _replay(settings, org, window)
        earlier = _earlier(wh, org_id, window, stored_orgs)
        batches, earlier_links = link_org(list(run), *earlier)
        return org, run, batches, earlier_links, earlier

    prepared = each(org_ids, prepare)
    owned = [(o, b) for o, (_, _, batches, _, _) in prepared.done.items() for b in batches]
    lookbacks = {p: settings.overlap(p) for p in {b.platform for _, b in owned}}
    checked = validate_batches([b for _, b in owned], lookbacks=lookbacks)
    results: dict[str, list[BatchValidation]] = {o: [] for o in prepared.done}
    for (org_id, _), result in zip(owned, checked, strict=True):
        results[org_id].append(result)

    def write(org_id: str) -> Summary:
        org, run, batches, earlier_links, earlier = prepared.done[org_id]
        gated = _relink_if_quarantined(
            Gated(org, run, batches, tuple(results[org_id]), earlier_links), earlier
        )
        return _write(settings, gated, window)

    written = each(prepared.done, write)
    written.failed.update(prepared.failed)
    return written


def _relink_if_quarantined(gated: Gated, earlier: tuple[Any, Any]) -> Gated:
    """With a batch quarantined, its posts are not stored, so they cannot answer anything:
    link again over the batches that passed (the same rule, a narrower input)."""
    if all(r.success for r in gated.results):
        return gated
    passed = [b for b, r in zip(gated.batches, gated.results, strict=True) if r.success]
    relinked, earlier_links = link_org(passed, *earlier)
    by_account = {(b.platform, b.handle): b for b in relinked}
    batches = tuple(by_account.get((b.platform, b.handle), b) for b in gated.batches)
    return replace(gated, batches=batches, earlier_links=earlier_links)


def _write(settings: PipelineSettings, gated: Gated, window: Window) -> Summary:
    from maturity.pipeline.runs import registry_digest, run_info
    from maturity.warehouse import OrgRow

    org, results = gated.org, gated.results
    digest = registry_digest(org, settings.rubric, settings.lookback_days)
    run = run_info("collect", window, settings.rubric, digest, settings.trigger)
    settings.warehouse.write_gated_collection(
        OrgRow.of(org),
        window,
        run.run_id,
        list(zip(gated.batches, results, strict=True)),
        gated.earlier_links,
        costs=_costs(settings, org, window),
    )
    loaded = [b for b, r in zip(gated.batches, results, strict=True) if r.success]
    return {
        "org_id": org.id,
        "batches": len(results),
        "passed": sum(r.success for r in results),
        "quarantined": [f"{r.platform}:{r.handle}" for r in results if not r.success],
        "failed_checks": {
            f"{r.platform}:{r.handle}": sorted({o.check for o in r.failed})
            for r in results
            if not r.success
        },
        "not_landed": [f"{f.platform}:{f.handle}" for f in gated.run.failures],
        "loaded": len(loaded),
        "reply_links": sum(len(b.reply_links) for b in loaded) + len(gated.earlier_links),
        "links": {f"{b.platform}:{b.handle}": len(b.reply_links) for b in loaded},
    }


def _x_prices(settings: PipelineSettings) -> Prices:
    """The X connection's prices (extra ``prices``), or X's documented ones without it."""
    from maturity.costs import Prices
    from maturity.errors import ConfigError

    try:
        return settings.x_settings().prices
    except ConfigError:  # no X connection: a replay; the documented prices
        return Prices()


def _costs(settings: PipelineSettings, org: Organisation, window: Window) -> list[CostRow]:
    """The organisation's X reads in the window's landed pages, priced (``collection_cost``);
    none for an organisation without X accounts. The other platforms' reads are free."""
    from maturity.planning import landed_reads
    from maturity.platforms import X
    from maturity.warehouse.cost_rows import cost_rows

    handles = [a.handle for a in org.accounts if a.platform == X]
    if not handles:
        return []
    reads = landed_reads(settings.landing_dir, org.id, handles, window)
    prices = _x_prices(settings)
    return cost_rows({X: reads}, {X: prices.per_resource}, {X: prices.currency})


def gate_and_load_org(settings: PipelineSettings, org_id: str, window: Window) -> Summary:
    """:func:`gate_and_load_orgs` for one organisation; its error raised."""
    return gate_and_load_orgs(settings, [org_id], window).raise_for(org_id)
