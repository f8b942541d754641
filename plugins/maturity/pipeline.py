"""The assessment pipeline, one organisation and one window at a time.

    collect (per account) → validate → load → metrics → score

Airflow maps one task per shard of organisations (``maturity.shards``) onto the ``*_orgs``
functions, which run a step for several organisations, keep one failing organisation from
stopping the others, and send their batches and values through the quality gates together;
the ``*_org`` functions are the one-organisation case, which ``maturity assess --registry``
runs in a loop. Each step is idempotent for its window: it reads what the
previous step left (the landing, the warehouse), writes on natural keys, and returns a small
JSON-able summary (keys, counts, paths) that fits in an XCom.

Two windows are in play. The *collection window* is the scheduler's data interval: what is
fetched, validated and loaded. The *assessment window* is the trailing ``lookback_days``
ending with it: what metrics and scoring read, so a weekly schedule still judges a quarter of
behaviour. Neither ever depends on the wall clock.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, Self

from maturity.errors import ConfigError, ConnectorError, InputError
from maturity.evidence import MetricValue, OrgEvidence, Window
from maturity.shards import Outcome, each

if TYPE_CHECKING:
    from maturity.collect import CollectionRun
    from maturity.connectors.settings import RedditSettings, XSettings
    from maturity.metrics.compute import SqlDialect
    from maturity.pseudonym import Pseudonymiser
    from maturity.quality import BatchValidation
    from maturity.records import CollectionBatch
    from maturity.registry import Organisation, Registry
    from maturity.rubric import Rubric
    from maturity.warehouse import OrgRow, RunInfo, Warehouse
    from maturity.warehouse.runs import RunKind, RunTrigger

DEFAULT_LOOKBACK_DAYS = 91
Summary = dict[str, Any]


@dataclass(frozen=True)
class PipelineSettings:
    """Where the pipeline reads and writes; built from the environment the Airflow way."""

    registry_path: Path
    landing_dir: Path
    warehouse_url: str | None = None
    rubric_path: Path | None = None
    lookback_days: int = DEFAULT_LOOKBACK_DAYS
    allow_demo_pseudonym_key: bool = False
    trigger: RunTrigger = "cli"
    env: Mapping[str, str] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        if self.lookback_days < 7:
            raise ConfigError(
                f"lookback of {self.lookback_days} days is too short to judge behaviour",
                where="MATURITY_LOOKBACK_DAYS",
                fix="use at least 7 days; the default is 91 (13 weeks)",
            )

    @classmethod
    def from_environment(
        cls,
        env: Mapping[str, str] | None = None,
        *,
        registry_path: Path | None = None,
        trigger: RunTrigger = "cli",
    ) -> Self:
        """``MATURITY_REGISTRY``, ``MATURITY_LANDING_DIR`` (else ``$MATURITY_HOME/landing``),
        ``MATURITY_WAREHOUSE_URL`` / ``AIRFLOW_CONN_MATURITY_WAREHOUSE``, ``MATURITY_RUBRIC``,
        ``MATURITY_LOOKBACK_DAYS`` and ``MATURITY_DEMO_PSEUDONYM_KEY=1``."""
        from maturity.connectors.landing import default_landing_root
        from maturity.sandbox.demo import demo_registry_path  # the demo data's one path

        environ = dict(os.environ if env is None else env)
        lookback = environ.get("MATURITY_LOOKBACK_DAYS") or str(DEFAULT_LOOKBACK_DAYS)
        if not lookback.isdigit():
            raise ConfigError(
                f"'{lookback}' is not a whole number of days", where="MATURITY_LOOKBACK_DAYS"
            )
        registry = registry_path or Path(environ.get("MATURITY_REGISTRY") or demo_registry_path())
        landing = environ.get("MATURITY_LANDING_DIR")
        rubric = environ.get("MATURITY_RUBRIC")
        return cls(
            registry_path=Path(registry),
            landing_dir=Path(landing) if landing else default_landing_root(environ),
            warehouse_url=environ.get("MATURITY_WAREHOUSE_URL") or None,
            rubric_path=Path(rubric) if rubric else None,
            lookback_days=int(lookback),
            allow_demo_pseudonym_key=environ.get("MATURITY_DEMO_PSEUDONYM_KEY") == "1",
            trigger=trigger,
            env=environ,
        )

    # -- what the settings open -------------------------------------------------------------

    @cached_property
    def registry(self) -> Registry:
        from maturity.registry import load_registry

        return load_registry(self.registry_path)

    @cached_property
    def rubric(self) -> Rubric:
        from maturity.rubric import load_default_rubric, load_rubric

        return load_rubric(self.rubric_path) if self.rubric_path else load_default_rubric()

    @cached_property
    def warehouse(self) -> Warehouse:
        from maturity.warehouse import Warehouse

        wh = (
            Warehouse(self.warehouse_url)
            if self.warehouse_url
            else Warehouse.from_environment(self.env)
        )
        wh.check()
        wh.migrate()
        return wh

    @cached_property
    def pseudonymiser(self) -> Pseudonymiser:
        from maturity.pseudonym import pseudonymiser_from_environment

        return pseudonymiser_from_environment(
            self.env, allow_demo_key=self.allow_demo_pseudonym_key
        )

    def x_settings(self) -> XSettings:
        from maturity.connectors.settings import load_x_settings

        return load_x_settings(self.env)

    def reddit_settings(self) -> RedditSettings:
        from maturity.connectors.settings import load_reddit_settings

        return load_reddit_settings(self.env)

    def organisation(self, org_id: str) -> Organisation:
        try:
            return self.registry.get(org_id)
        except KeyError:
            known = ", ".join(o.id for o in self.registry.organisations[:10])
            raise InputError(
                f"unknown organisation '{org_id}'",
                where=str(self.registry_path),
                fix=f"use an organisation of the registry: {known}",
            ) from None

    def assessment_window(self, window: Window) -> Window:
        """The trailing window that metrics and scoring read, ending with ``window``."""
        start = min(window.start, window.end - timedelta(days=self.lookback_days))
        return Window(start, window.end)


# -- helpers ----------------------------------------------------------------------------------


def _only_org(registry: Registry, org_id: str) -> Registry:
    return registry.model_copy(
        update={"organisations": tuple(o for o in registry.organisations if o.id == org_id)}
    )


def _org_row(org: Organisation) -> OrgRow:
    from maturity.warehouse import AccountRow, OrgRow

    return OrgRow(
        org_id=org.id,
        name=org.name,
        sector=org.sector,
        timezone=org.timezone,
        accounts=tuple(
            AccountRow(a.platform, a.handle, a.function, a.subreddit) for a in org.accounts
        ),
    )


def _run(settings: PipelineSettings, kind: RunKind, org: Organisation, window: Window) -> RunInfo:
    """A run whose id depends only on what it ran on: the organisation's entry, the rubric
    and the window. The same window run twice writes under the same run id."""
    from maturity.version import code_version
    from maturity.warehouse import RunInfo, deterministic_run_id

    rubric = settings.rubric
    digest = hashlib.sha256(
        json.dumps(
            {
                "org": org.model_dump(mode="json"),
                "rubric": [rubric.rubric, rubric.version],
                "lookback": settings.lookback_days,
            },
            sort_keys=True,
        ).encode()
    ).hexdigest()
    run_id = deterministic_run_id(kind, window, rubric.version, digest)
    return RunInfo(
        run_id=run_id,
        kind=kind,
        trigger=settings.trigger,
        code_version=code_version(),
        rubric_id=rubric.rubric,
        rubric_version=rubric.version,
        window_start=window.start,
        window_end=window.end,
        input_digest=digest,
        started_at=window.end,
    )


def _replay(settings: PipelineSettings, org_id: str, window: Window) -> CollectionRun:
    from maturity.collect import replay

    return replay(
        settings.landing_dir, _only_org(settings.registry, org_id), window, settings.pseudonymiser
    )


# -- the steps --------------------------------------------------------------------------------


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
    from maturity.collect import collect_registry
    from maturity.platforms import REDDIT, X

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
        x_settings=settings.x_settings() if platform == X else None,
        reddit_settings=settings.reddit_settings() if platform == REDDIT else None,
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


def validate_orgs(
    settings: PipelineSettings, org_ids: Sequence[str], window: Window
) -> Outcome[Summary]:
    """:func:`validate_org` for several organisations: one failing does not stop the others,
    and their batches go through the record gates together (one GX validation per suite when
    they all pass)."""
    from maturity.quality import validate_batches

    replayed = each(org_ids, lambda o: (settings.organisation(o), _replay(settings, o, window)))
    owners = [(o, b) for o, (_, run) in replayed.done.items() for b in run]
    checked = validate_batches([b for _, b in owners])
    results: dict[str, list[BatchValidation]] = {o: [] for o in replayed.done}
    for (org_id, _), result in zip(owners, checked, strict=True):
        results[org_id].append(result)

    def write(org_id: str) -> Summary:
        org, run = replayed.done[org_id]
        wh = settings.warehouse
        wh.write_organisations([_org_row(org)])
        run_id = _run(settings, "collect", org, window).run_id
        wh.write_validation(org_id, window, run_id, batch_results=results[org_id])
        return {
            "org_id": org_id,
            "batches": len(results[org_id]),
            "passed": sum(r.success for r in results[org_id]),
            "quarantined": [f"{r.platform}:{r.handle}" for r in results[org_id] if not r.success],
            "not_landed": [f"{f.platform}:{f.handle}" for f in run.failures],
        }

    written = each(replayed.done, write)
    written.failed.update(replayed.failed)
    return written


def validate_org(settings: PipelineSettings, org_id: str, window: Window) -> Summary:
    """Re-normalise the landed pages and run the record quality gates; quarantine failures."""
    return validate_orgs(settings, [org_id], window).raise_for(org_id)


def not_quarantined(
    batches: Iterable[CollectionBatch], quarantined: Iterable[Any]
) -> list[CollectionBatch]:
    """The batches whose account (platform, handle) has no quarantine row in ``quarantined``
    (``Warehouse.quarantined``); handles compare without case."""
    skip = {(q.platform, q.handle.lower()) for q in quarantined}
    return [b for b in batches if (b.platform, b.handle.lower()) not in skip]


def load_org(settings: PipelineSettings, org_id: str, window: Window) -> Summary:
    """Write the batches that passed the gates; quarantined ones stay in the landing only."""
    org = settings.organisation(org_id)
    wh = settings.warehouse
    quarantined = wh.quarantined(org_id, window.start, window.end)
    wh.write_organisations([_org_row(org)])
    loadable = not_quarantined(_replay(settings, org_id, window), quarantined)
    for batch in loadable:
        wh.write_collection(batch)
    links = link_across_accounts(wh, org_id, window)
    return {
        "org_id": org_id,
        "loaded": len(loadable),
        "skipped_quarantined": len(quarantined),
        "reply_links": links,
    }


#: How far back an inbound message may be and still be answered in a later collection window.
REPLY_HORIZON = timedelta(days=14)


def link_across_accounts(wh: Warehouse, org_id: str, window: Window) -> int:
    """Link each inbound message to the organisation's first reply from *any* of its accounts.

    A batch only sees one account, but a hub-and-spoke organisation answers a mention of its
    main account from its service account. Messages up to ``REPLY_HORIZON`` before the window
    are included, so a reply in this window to last week's message is found too.
    """
    from maturity.connectors.replies import link_replies

    records = wh.read_records(org_id, window.start - REPLY_HORIZON, window.end)
    links = link_replies(records.inbound, records.posts)
    wh.write_reply_links(links)
    return len(links)


def _facts(settings: PipelineSettings, org: Organisation) -> tuple[Any, ...]:
    from maturity.questionnaire import load_questionnaire

    if org.questionnaire is None:
        return ()
    return load_questionnaire(org.questionnaire, settings.rubric, org.id).facts


def metrics_orgs(
    settings: PipelineSettings, org_ids: Sequence[str], window: Window
) -> Outcome[Summary]:
    """:func:`metrics_org` for several organisations: one failing does not stop the others,
    and their values go through the metric gates together."""
    from maturity.metrics.compute import compute_metrics
    from maturity.quality import validate_metric_sets

    wh = settings.warehouse
    aw = settings.assessment_window(window)
    dialect: SqlDialect = "postgresql" if wh.url.get_backend_name() == "postgresql" else "sqlite"

    def compute(org_id: str) -> tuple[Organisation, tuple[MetricValue, ...]]:
        org = settings.organisation(org_id)
        records = wh.read_records(org_id, aw.start, aw.end)
        values = compute_metrics(
            org,
            aw,
            records.snapshots,
            records.posts,
            records.inbound,
            records.reply_links,
            sql_dialect=dialect,
        )
        return org, tuple(values)

    computed = each(org_ids, compute)
    checked = dict(
        zip(
            computed.done,
            validate_metric_sets([(o, aw, values) for o, (_, values) in computed.done.items()]),
            strict=True,
        )
    )

    def write(org_id: str) -> Summary:
        org, _ = computed.done[org_id]
        result = checked[org_id]
        run = _run(settings, "assess", org, aw)
        wh.write_validation(org_id, aw, run.run_id, metric_result=result)
        evidence = OrgEvidence(
            org_id,
            aw,
            metrics=result.passed,
            facts=_facts(settings, org),
            platforms_expected=org.platforms,
        )
        wh.write_evidence(_org_row(org), evidence, run)
        return {
            "org_id": org_id,
            "window": aw.key,
            "values": len(result.passed),
            "rejected": len(result.rejected),
            "facts": len(evidence.facts),
        }

    written = each(computed.done, write)
    written.failed.update(computed.failed)
    return written


def metrics_org(settings: PipelineSettings, org_id: str, window: Window) -> Summary:
    """Compute every metric over the assessment window from the warehouse's records, run the
    metric quality gates, and store the passing values with the declared facts."""
    return metrics_orgs(settings, [org_id], window).raise_for(org_id)


def quarantined_in(wh: Warehouse, org_id: str, aw: Window) -> int:
    """Quarantined batches of the collection windows inside ``aw``. (Rejected metric values
    need no count here: they are left out of the stored evidence, which lowers coverage.)"""
    return len(wh.quarantined(org_id, aw.start, aw.end))


def score_org(settings: PipelineSettings, org_id: str, window: Window) -> Summary:
    """Score the stored evidence of the assessment window and write the assessment."""
    from dataclasses import replace

    from maturity.scoring import score

    org = settings.organisation(org_id)
    wh = settings.warehouse
    aw = settings.assessment_window(window)
    stored = wh.read_evidence(org_id, aw)
    evidence = replace(
        stored, platforms_expected=org.platforms, quarantined_batches=quarantined_in(wh, org_id, aw)
    )
    assessment = score(settings.rubric, evidence)
    wh.write_assessment(_org_row(org), evidence, assessment, _run(settings, "assess", org, aw))
    return {
        "org_id": org_id,
        "window": aw.key,
        "verdict": assessment.verdict,
        "phase": int(assessment.phase) if assessment.phase else None,
        "maturity_index": assessment.maturity_index,
        "confidence": assessment.confidence,
    }


def load_orgs(
    settings: PipelineSettings, org_ids: Sequence[str], window: Window
) -> Outcome[Summary]:
    """:func:`load_org` for several organisations; one failing does not stop the others."""
    return each(org_ids, lambda o: load_org(settings, o, window))


def score_orgs(
    settings: PipelineSettings, org_ids: Sequence[str], window: Window
) -> Outcome[Summary]:
    """:func:`score_org` for several organisations; one failing does not stop the others."""
    return each(org_ids, lambda o: score_org(settings, o, window))


ORG_STEPS = {
    "validate": validate_orgs,
    "load": load_orgs,
    "metrics": metrics_orgs,
    "score": score_orgs,
}
"""The per-organisation steps after collection, in order, each for a shard of organisations."""


def assess_org(settings: PipelineSettings, org_id: str, window: Window) -> Summary:
    """Every step for one organisation, in order: what ``maturity assess --registry`` runs."""
    org = settings.organisation(org_id)
    collected = [
        collect_account(settings, org_id, a.platform, a.handle, window)
        for a in org.accounts
        if a.platform in ("x", "reddit")
    ]
    return {
        "org_id": org_id,
        "collect": collected,
        "validate": validate_org(settings, org_id, window),
        "load": load_org(settings, org_id, window),
        "metrics": metrics_org(settings, org_id, window),
        "score": score_org(settings, org_id, window),
    }
