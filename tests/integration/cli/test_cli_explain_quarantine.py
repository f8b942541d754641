"""A quarantined batch is reported where the estimate is explained, and nothing of it lands."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from maturity.cli import app
from maturity.evidence import Window
from maturity.quality import validate_batch
from maturity.records import CollectionBatch, PageRef, Post, SkippedItem
from maturity.sandbox.demo import demo_evidence_path
from maturity.warehouse import OrgRow, Warehouse

pytestmark = pytest.mark.integration

DEMO = demo_evidence_path()
WINDOW = Window(datetime(2026, 8, 3, tzinfo=UTC), datetime(2026, 11, 2, tzinfo=UTC))


def test_explain_reports_the_quarantined_batch(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'w.sqlite'}"
    runner = CliRunner(env={"COLUMNS": "200", "NO_COLOR": "1"})
    assert runner.invoke(app, ["assess", "-i", str(DEMO), "--warehouse", url]).exit_code == 0
    page = PageRef(
        "x/gemeente-heidedorp/heidedorp/w/users_tweets/0001-a.json", "a" * 64, "users_tweets"
    )
    good = Post(
        "x",
        "101",
        "gemeente-heidedorp",
        "heidedorp",
        datetime(2026, 9, 1, tzinfo=UTC),
        "original",
        source=page,
    )
    corrupt = replace(good, post_id="102", like_count=-5)  # counts are never negative
    batch = CollectionBatch(
        "x",
        "gemeente-heidedorp",
        "heidedorp",
        WINDOW.start,
        WINDOW.end,
        posts=(good, corrupt),
        pages=(page,),
        skipped=(SkippedItem(page.path, "103", "created_at", "missing"),),
    )
    result = validate_batch(batch, lookback=timedelta(days=1))
    assert not result.success
    wh = Warehouse(url)
    org = OrgRow("gemeente-heidedorp", "Gemeente Heidedorp")
    wh.write_gated_collection(org, WINDOW, "run-q", [(batch, result)])
    records = wh.read_records("gemeente-heidedorp", WINDOW.start, WINDOW.end)
    assert records.posts == ()  # nothing of the batch was loaded

    out = runner.invoke(app, ["explain", "gemeente-heidedorp", "--warehouse", url])
    assert out.exit_code == 0, out.output
    flat = " ".join(out.output.split())
    assert "Built without quarantined data" in flat
    assert "x:heidedorp" in flat
    assert "like_count" in flat
    assert "1 item(s) skipped" in flat
