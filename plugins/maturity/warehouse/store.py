"""The warehouse: one object that owns the engine and opens one transaction per write."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from types import TracebackType

from sqlalchemy import Connection, Engine, text
from sqlalchemy.engine import URL
from sqlalchemy.exc import DBAPIError, SQLAlchemyError

from maturity.assessment import Assessment
from maturity.connections import WAREHOUSE_CONN_ID as CONN_ID
from maturity.errors import WarehouseError
from maturity.evidence import AccountState, OrgEvidence, Window
from maturity.quality_results import BatchValidation, MetricValidation
from maturity.records import CollectionBatch, Cursor, ReplyLink
from maturity.warehouse import (
    cost_rows,
    metrics_and_facts,
    migrations,
    quality_reads,
    quality_writes,
    reads,
    rekey,
    retention,
    writes,
)
from maturity.warehouse.engine import make_engine
from maturity.warehouse.org import OrgRow
from maturity.warehouse.quality_rows import QuarantinedMetricRow, QuarantineRow, ValidationRow
from maturity.warehouse.reads import AssessmentSummary, ExplainData, RecordSet
from maturity.warehouse.rekey import RekeyResult
from maturity.warehouse.retention import RawCounts
from maturity.warehouse.runs import RunInfo
from maturity.warehouse.url import masked, resolve_url

#: PostgreSQL advisory lock key that serialises concurrent ``migrate()`` calls.
_MIGRATION_LOCK = 0x6D61747572697479 & 0x7FFFFFFFFFFFFFFF

_CONNECT_FIX = (
    "check that the database server runs and accepts connections, and that the warehouse URL "
    f"(MATURITY_WAREHOUSE_URL or the Airflow connection '{CONN_ID}') points at it"
)
_WRITE_FIX = (
    "check that the warehouse is migrated (Warehouse.migrate) and writable; nothing of this "
    "write was kept, so it is safe to run again"
)


@dataclass(frozen=True, slots=True)
class WarehouseStatus:
    url: str
    """Masked: never shows the password."""
    dialect: str
    revision: str | None
    head: str | None

    @property
    def up_to_date(self) -> bool:
        return self.revision == self.head


class Warehouse:
    """The SQL warehouse (embedded SQLite or PostgreSQL), by URL."""

    def __init__(self, url: URL | str) -> None:
        self.url: URL = resolve_url(url)
        self.engine: Engine = make_engine(self.url)

    @property
    def url_masked(self) -> str:
        return masked(self.url)

    def __repr__(self) -> str:
        return f"Warehouse({self.url_masked!r})"

    def __enter__(self) -> Warehouse:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.dispose()

    def dispose(self) -> None:
        self.engine.dispose()

    # -- errors and transactions ---------------------------------------------------------

    def _reason(self, exc: SQLAlchemyError) -> str:
        orig = exc.orig if isinstance(exc, DBAPIError) else None
        first = (str(orig) if orig is not None else str(exc)).strip().splitlines()
        reason = first[0] if first else type(exc).__name__
        password = self.url.password
        return reason.replace(str(password), "***") if password else reason

    def _error(self, what: str, exc: SQLAlchemyError, fix: str) -> WarehouseError:
        return WarehouseError(f"{what}: {self._reason(exc)}", where=self.url_masked, fix=fix)

    @contextmanager
    def _transaction(self, what: str) -> Iterator[Connection]:
        """One transaction; a database failure becomes a ``WarehouseError`` after rollback."""
        try:
            with self.engine.begin() as connection:
                yield connection
        except DBAPIError as exc:
            fix = _CONNECT_FIX if exc.connection_invalidated or _is_connect(exc) else _WRITE_FIX
            raise self._error(what, exc, fix) from None
        except SQLAlchemyError as exc:
            raise self._error(what, exc, _WRITE_FIX) from None

    # -- schema --------------------------------------------------------------------------

    def check(self) -> WarehouseStatus:
        """Connect and report the schema revision; ``WarehouseError`` if unreachable."""
        with self._transaction("cannot connect to the warehouse") as connection:
            connection.execute(text("SELECT 1"))
            revision = migrations.current_revision(connection)
        return WarehouseStatus(
            self.url_masked, self.url.get_backend_name(), revision, migrations.head_revision()
        )

    def migrate(self) -> None:
        """Upgrade to the newest schema (``alembic upgrade head``), in one transaction.

        Idempotent: at head it does nothing. On PostgreSQL an advisory lock keeps two
        concurrent callers from migrating at once.
        """
        with self._transaction("migrating the warehouse failed") as connection:
            if connection.dialect.name == "postgresql":
                connection.execute(
                    text("SELECT pg_advisory_xact_lock(:key)"), {"key": _MIGRATION_LOCK}
                )
            migrations.upgrade(connection)

    # -- writes --------------------------------------------------------------------------

    def write_organisations(self, orgs: Sequence[OrgRow]) -> None:
        """Upsert organisations and their accounts (the registry), in one transaction."""
        with self._transaction("writing organisations failed") as connection:
            writes.write_organisations(connection, orgs)

    def write_assessment(
        self, org: OrgRow, evidence: OrgEvidence, assessment: Assessment, run: RunInfo
    ) -> None:
        """Write one organisation's window in one transaction: organisation, run (kept as
        first written), the window's metric values and facts (replacing the set), the
        assessment (upserted on its key) and its criterion results and next steps (replaced).
        """
        writes.validate_assessment(org, evidence, assessment, run)
        what = f"writing the assessment of {org.org_id} for {evidence.window.key} failed"
        with self._transaction(what) as connection:
            writes.write_assessment(connection, org, evidence, assessment, run)

    def write_collection(self, batch: CollectionBatch) -> None:
        """Write one account's collected records and cursors in one transaction."""
        writes.validate_batch(batch)
        what = f"writing the collection of {batch.platform}:{batch.handle} failed"
        with self._transaction(what) as connection:
            writes.write_collection(connection, batch)

    def write_reply_links(self, links: Sequence[ReplyLink]) -> None:
        """Upsert reply links across an organisation's accounts, in one transaction."""
        with self._transaction("writing reply links failed") as connection:
            writes.write_reply_links(connection, links)

    def write_evidence(self, org: OrgRow, evidence: OrgEvidence, run: RunInfo) -> None:
        """Replace the window's metric values and declared facts, in one transaction."""
        with self._transaction(f"writing the evidence of {org.org_id} failed") as connection:
            metrics_and_facts.write_evidence(connection, org, evidence, run)

    def read_evidence(self, org_id: str, window: Window) -> OrgEvidence:
        """The stored metric values and declared facts of one organisation and window."""
        with self._transaction(f"reading the evidence of {org_id} failed") as connection:
            return metrics_and_facts.read_evidence(connection, org_id, window)

    def stored_windows(self, org_id: str | None = None) -> list[tuple[str, Window]]:
        """Every (organisation, window) with stored evidence, oldest first."""
        with self._transaction("reading stored windows failed") as connection:
            return metrics_and_facts.stored_windows(connection, org_id)

    # -- reads ---------------------------------------------------------------------------

    def list_organisations(self) -> list[OrgRow]:
        with self._transaction("reading organisations failed") as connection:
            return reads.list_organisations(connection)

    def latest_assessment(
        self,
        org_id: str,
        as_of: datetime | None = None,
        rubric_version: str | None = None,
        rubric_id: str | None = None,
    ) -> ExplainData | None:
        with self._transaction(f"reading the assessment of {org_id} failed") as connection:
            return reads.latest_assessment(connection, org_id, as_of, rubric_version, rubric_id)

    def account_states(
        self, org_id: str, window_start: datetime, window_end: datetime
    ) -> tuple[AccountState, ...]:
        """The last status of each account of ``org_id`` observed in the window."""
        with self._transaction(f"reading account statuses of {org_id} failed") as connection:
            return reads.account_states(connection, org_id, window_start, window_end)

    def assessment_history(self, org_id: str) -> list[AssessmentSummary]:
        with self._transaction(f"reading the history of {org_id} failed") as connection:
            return reads.assessment_history(connection, org_id)

    def assessment_histories(self, org_ids: Sequence[str]) -> dict[str, list[AssessmentSummary]]:
        """:meth:`assessment_history` of many organisations, in one transaction."""
        with self._transaction(f"reading the history of {len(org_ids)} organisations failed") as c:
            return reads.assessment_histories(c, org_ids)

    def read_cursor(self, platform: str, org_id: str, handle: str) -> dict[str, Cursor]:
        with self._transaction(f"reading cursors of {platform}:{handle} failed") as connection:
            return reads.read_cursor(connection, platform, org_id, handle)

    # -- pseudonym rotation -------------------------------------------------------------

    def rekey_pseudonyms(
        self, mapping: Mapping[str, str], unlinkable: Callable[[str], str], *, write: bool
    ) -> RekeyResult:
        """Rewrite every stored pseudonym through ``mapping`` in one transaction (see
        ``maturity.warehouse.rekey``); nothing is written when any raw row's pseudonym is
        missing from it, nor when ``write`` is false."""
        from maturity.errors import InputError

        with self._transaction("re-keying pseudonyms failed") as connection:
            result = rekey.rekey(connection, mapping, unlinkable, write=write)
            if result.missing and write:  # raised inside: the transaction rolls back
                detail = ", ".join(f"{n} in {table}" for table, n in result.missing.items())
                raise InputError(
                    f"pseudonyms with no raw id in the landing ({detail}) cannot be re-keyed,"
                    " so nothing was changed",
                    where=f"warehouse {self.url_masked}",
                    fix="the landing of those rows was purged or is elsewhere: run `maturity "
                    "purge --older-than` with the landing's retention first (it deletes those "
                    "raw rows), point --landing at the full landing area, or --registry at one "
                    "that still lists every account",
                )
        return result

    # -- retention (maturity purge) -------------------------------------------------------

    def count_older(self, cutoff: datetime, page_dirs: Sequence[str] = ()) -> RawCounts:
        """The raw rows older than ``cutoff``, and the unpurged pages under ``page_dirs``."""
        with self._transaction("counting raw rows to purge failed") as connection:
            return retention.count_older(connection, cutoff, page_dirs)

    def purge_older(self, cutoff: datetime, page_dirs: Sequence[str], now: datetime) -> RawCounts:
        """Delete the raw rows older than ``cutoff`` and mark the pages under ``page_dirs``
        purged at ``now``, in one transaction (see ``maturity.warehouse.retention``)."""
        with self._transaction("purging raw rows failed") as connection:
            return retention.purge_older(connection, cutoff, page_dirs, now)

    def purge_gone(
        self,
        platform: str,
        *,
        posts: Sequence[str] = (),
        inbound: Sequence[str] = (),
        withdrawn: tuple[str, str] | None = None,
    ) -> retention.GoneCounts:
        """Delete content the platform no longer serves, in one transaction (see
        ``maturity.warehouse.retention.purge_gone``)."""
        with self._transaction("purging content the platform no longer serves failed") as c:
            return retention.purge_gone(
                c, platform, posts=posts, inbound=inbound, withdrawn=withdrawn
            )

    def purged_pages(self, paths: Sequence[str]) -> dict[str, datetime]:
        """When each of these landing page paths was purged (only those that were)."""
        with self._transaction("reading purged pages failed") as connection:
            return retention.purged_pages(connection, paths)

    def read_records(self, org_id: str, window_start: datetime, window_end: datetime) -> RecordSet:
        with self._transaction(f"reading records of {org_id} failed") as connection:
            return reads.read_records(connection, org_id, window_start, window_end)

    # -- quality gates -------------------------------------------------------------------

    def write_validation(
        self,
        org_id: str,
        window: Window,
        run_id: str,
        batch_results: Sequence[BatchValidation] = (),
        metric_result: MetricValidation | None = None,
    ) -> None:
        """Store quality gate results of one organisation and window, in one transaction.

        For every batch result, that account's record validation rows and quarantine row are
        replaced (a failed batch gets a ``quarantined_batch`` row, a passing one loses it);
        with ``metric_result``, the window's metric validation rows and quarantined values
        are. Rerunning with the same results changes nothing.
        """
        quality_writes.validate(org_id, window, batch_results, metric_result)
        what = f"writing the validation of {org_id} for {window.key} failed"
        with self._transaction(what) as connection:
            quality_writes.write_validation(
                connection, org_id, window, run_id, batch_results, metric_result
            )

    def write_gated_collection(
        self,
        org: OrgRow,
        window: Window,
        run_id: str,
        gated: Sequence[tuple[CollectionBatch, BatchValidation]],
        earlier_links: Sequence[ReplyLink] = (),
        costs: Sequence[cost_rows.CostRow] | None = None,
    ) -> None:
        """An organisation's batches of one window through the record gate, in one
        transaction: the organisation, every batch's validation rows and quarantine (as
        ``write_validation``), the records, cursors and reply links of the batches that
        passed, and ``earlier_links`` (replies to messages of earlier windows), and, when
        ``costs`` is given, the window's reads and their price (``collection_cost``, exactly
        those rows). Rerunning with the same input changes nothing."""
        for batch, validation in gated:
            quality_writes.check_batch(batch, validation)
            writes.validate_batch(batch)
        results = [v for _, v in gated]
        quality_writes.validate(org.org_id, window, results, None)
        what = f"writing the gated collection of {org.org_id} for {window.key} failed"
        with self._transaction(what) as connection:
            writes.write_organisations(connection, [org])
            quality_writes.write_validation(connection, org.org_id, window, run_id, results, None)
            writes.write_collections(connection, [b for b, v in gated if v.success])
            writes.write_reply_links(connection, earlier_links)
            if costs is not None:
                cost_rows.write_costs(connection, org.org_id, window, run_id, costs)

    def reads_between(
        self, start: datetime, end: datetime, platform: str, excluding: Window | None = None
    ) -> int:
        """Reads recorded for collection windows ending in ``[start, end)`` (the month's
        budget subtracts them), without the window ``excluding``."""
        with self._transaction("reading the recorded reads failed") as connection:
            return cost_rows.reads_between(connection, start, end, platform, excluding)

    def costs_of(self, org_id: str, window: Window) -> list[cost_rows.CostRow]:
        """The organisation's recorded reads and prices of one collection window."""
        with self._transaction(f"reading the costs of {org_id} failed") as connection:
            return cost_rows.costs_of(connection, org_id, window)

    def quarantined(
        self, org_id: str, window_start: datetime, window_end: datetime
    ) -> list[QuarantineRow]:
        """Quarantined batches of the collection windows inside ``[window_start, window_end]``."""
        with self._transaction(f"reading quarantined batches of {org_id} failed") as connection:
            return quality_reads.quarantined(connection, org_id, window_start, window_end)

    def quarantined_metrics(
        self, org_id: str, window_start: datetime, window_end: datetime
    ) -> list[QuarantinedMetricRow]:
        """Metric values left out by the metric gate, of the windows inside the given one."""
        with self._transaction(f"reading quarantined metrics of {org_id} failed") as connection:
            return quality_reads.quarantined_metrics(connection, org_id, window_start, window_end)

    def validation_results(
        self, org_id: str, window_start: datetime, window_end: datetime
    ) -> list[ValidationRow]:
        """Stored expectation results of the windows inside the given one."""
        with self._transaction(f"reading validation results of {org_id} failed") as connection:
            return quality_reads.validation_results(connection, org_id, window_start, window_end)


def _is_connect(exc: DBAPIError) -> bool:
    """True when the failure happened while connecting (no statement was run)."""
    return exc.statement is None
