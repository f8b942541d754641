"""``maturity purge --older-than``: raw data past retention goes, the audit trail stays; all or
nothing; idempotent; on SQLite and PostgreSQL."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select
from typer.testing import CliRunner
from warehouse_samples import Q1, assessment, batch, dump, evidence, org_row, run_for

from maturity.cli import app
from maturity.connectors.landing import window_dir
from maturity.errors import InputError
from maturity.evidence import EvidenceRef, Window
from maturity.pipeline.retention import Age, parse_age, plan_purge, purge
from maturity.records import PageRef
from maturity.warehouse import Warehouse
from maturity.warehouse import schema as t

pytestmark = pytest.mark.integration

NOW = datetime.now(UTC).replace(microsecond=0)
RECENT = Window(NOW - timedelta(days=14), NOW - timedelta(days=7))
CUTOFF = NOW - timedelta(days=400)
RAW = ("post", "inbound_message", "reply_link", "account_snapshot")
AUDIT = ("organisation", "account", "run", "metric_value", "declared_fact", "assessment")
AUDIT += ("criterion_result", "next_step", "collection_cursor", "landing_page")


def _page(window: Window, name: str) -> PageRef:
    path = f"x/acme/AcmeZorg/{window_dir(window)}/mentions/{name}.json"
    return PageRef(path=path, sha256=name * 64, endpoint="mentions")


OLD_PAGE = _page(Q1, "a")
NEW_PAGE = _page(RECENT, "b")


def _shifted(window: Window, page: PageRef, suffix: str) -> object:
    """The sample batch moved into ``window``, naming ``page``, with ids ending in ``suffix``."""
    b = batch()
    shift = window.start - Q1.start
    pages = {"source": page}
    snapshots = tuple(replace(s, observed_at=window.end, **pages) for s in b.snapshots)
    posts = tuple(
        replace(p, post_id=p.post_id + suffix, created_at=p.created_at + shift) for p in b.posts
    )
    inbound = tuple(
        replace(m, message_id=m.message_id + suffix, created_at=m.created_at + shift, **pages)
        for m in b.inbound
    )
    links = tuple(
        replace(
            r,
            inbound_id=r.inbound_id + suffix,
            reply_post_id=r.reply_post_id + suffix,
            inbound_at=r.inbound_at + shift,
            replied_at=r.replied_at + shift,
        )
        for r in b.reply_links
    )
    cursors = tuple(replace(c, newest_at=c.newest_at + shift) for c in b.cursors)
    return replace(
        b,
        window_start=window.start,
        window_end=window.end,
        snapshots=snapshots,
        posts=posts,
        inbound=inbound,
        reply_links=links,
        cursors=cursors,
        pages=(page,),
    )


@pytest.fixture
def landing(tmp_path: Path) -> Path:
    root = tmp_path / "landing"
    for page in (OLD_PAGE, NEW_PAGE):
        file = root / page.path
        file.parent.mkdir(parents=True)
        file.write_bytes(b'{"data": []}')
        file.with_suffix(".meta.json").write_bytes(b"{}")
        (file.parent.parent / "manifest.json").write_bytes(b"{}")
    return root


@pytest.fixture
def stocked(warehouse: Warehouse, landing: Path) -> Warehouse:
    """Raw rows of an old window and a recent one, and an assessment citing the old page."""
    warehouse.write_collection(_shifted(Q1, OLD_PAGE, ""))  # type: ignore[arg-type]
    warehouse.write_collection(_shifted(RECENT, NEW_PAGE, "-new"))  # type: ignore[arg-type]
    ev = evidence()
    ref = EvidenceRef("page", OLD_PAGE.path, "x", None, "mentions", OLD_PAGE.sha256)
    ev = replace(ev, metrics=tuple(replace(m, refs=(*m.refs, ref)) for m in ev.metrics))
    a = assessment(ev)
    warehouse.write_assessment(org_row(), ev, a, run_for(a))
    return warehouse


def _counts(wh: Warehouse) -> dict[str, int]:
    return {table: len(rows) for table, rows in dump(wh).items()}


def test_parse_age_accepts_days_months_and_iso() -> None:
    assert parse_age("400d") == Age(days=400)
    assert parse_age("8w") == Age(days=56)
    assert parse_age("18mo") == Age(months=18)
    assert parse_age("2y") == Age(years=2)
    assert parse_age("P400D") == Age(days=400)
    assert parse_age("P1Y6M") == Age(years=1, months=6)
    assert Age(months=1).before(datetime(2026, 3, 31, tzinfo=UTC)) == datetime(
        2026, 2, 28, tzinfo=UTC
    )
    assert Age(months=18).before(datetime(2026, 12, 2, tzinfo=UTC)) == datetime(
        2025, 6, 2, tzinfo=UTC
    )
    for bad in ("", "400", "d400", "-5d", "P", "PT5H", "0d", "400 days", "P1.5Y"):
        with pytest.raises(InputError):
            parse_age(bad)


def test_purge_deletes_old_raw_data_and_keeps_the_audit_trail(
    stocked: Warehouse, landing: Path
) -> None:
    before = _counts(stocked)
    assert all(before[t_] for t_ in RAW)

    plan = plan_purge(landing, stocked, CUTOFF)
    assert plan.window_dirs == (Path(OLD_PAGE.path).parent.parent.as_posix(),)
    assert plan.files == 3
    assert plan.warehouse is not None
    assert plan.warehouse.rows == {
        "reply_link": 1,
        "inbound_message": 1,
        "post": 2,
        "account_snapshot": 1,
    }
    assert plan.warehouse.pages == 1
    assert _counts(stocked) == before  # planning deletes nothing
    assert (landing / OLD_PAGE.path).is_file()

    done = purge(landing, stocked, CUTOFF, now=NOW)
    assert done.warehouse == plan.warehouse
    assert not (landing / OLD_PAGE.path).parent.parent.exists()
    assert (landing / NEW_PAGE.path).is_file()
    assert not list(landing.glob(".purging-*"))
    after = _counts(stocked)
    for table in RAW:
        assert after[table] == before[table] - plan.warehouse.rows[table], table
        assert after[table] > 0, table  # the recent window's rows stay
    for table in AUDIT:
        assert after[table] == before[table], table
    with stocked.engine.connect() as c:
        pages = dict(c.execute(select(t.landing_page.c.path, t.landing_page.c.purged_at)).all())
    assert pages[OLD_PAGE.path] == NOW
    assert pages[NEW_PAGE.path] is None
    assert stocked.purged_pages([OLD_PAGE.path, NEW_PAGE.path]) == {OLD_PAGE.path: NOW}
    data = stocked.latest_assessment("acme")
    assert data is not None
    assert any(r.ref == OLD_PAGE.path for m in data.metrics for r in m.refs)

    # idempotent: nothing more goes, nothing changes
    snapshot = dump(stocked)
    again = purge(landing, stocked, CUTOFF, now=NOW + timedelta(hours=1))
    assert again.window_dirs == ()
    assert again.warehouse is not None
    assert again.warehouse.total == 0
    assert again.warehouse.pages == 0
    assert dump(stocked) == snapshot


def test_a_failing_warehouse_puts_the_landing_back(
    stocked: Warehouse, landing: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = _counts(stocked)
    files = sorted(p.relative_to(landing) for p in landing.rglob("*"))

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("the database went away")

    monkeypatch.setattr(stocked, "purge_older", broken)
    with pytest.raises(RuntimeError):
        purge(landing, stocked, CUTOFF, now=NOW)
    assert sorted(p.relative_to(landing) for p in landing.rglob("*")) == files
    monkeypatch.undo()
    assert _counts(stocked) == before


def test_cli_dry_run_then_purge_then_explain_says_purged(stocked: Warehouse, landing: Path) -> None:
    runner = CliRunner(env={"COLUMNS": "240", "NO_COLOR": "1"})
    url = stocked.url.render_as_string(hide_password=False)
    args = ["purge", "--older-than", "400d", "--landing", str(landing), "--warehouse", url]
    before = _counts(stocked)

    dry = runner.invoke(app, [*args, "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert "would delete 1 window folder(s), 3 file(s)" in dry.output
    assert "2 post" in dry.output
    assert "Dry run: nothing was deleted." in dry.output
    assert _counts(stocked) == before
    assert (landing / OLD_PAGE.path).is_file()

    done = runner.invoke(app, args)
    assert done.exit_code == 0, done.output
    assert "deleted 1 window folder(s)" in done.output
    assert not (landing / OLD_PAGE.path).exists()

    again = runner.invoke(app, args)
    assert again.exit_code == 0, again.output
    assert "deleted 0 window folder(s)" in again.output

    bad = runner.invoke(app, ["purge", "--older-than", "soon", "--warehouse", url])
    assert bad.exit_code == 2
    assert "is not a duration" in bad.output

    shown = runner.invoke(app, ["explain", "acme", "--warehouse", url])
    assert shown.exit_code == 0, shown.output
    assert f"page {OLD_PAGE.path}" in shown.output
    assert "[purged " in shown.output
