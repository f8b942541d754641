"""Alerts: the assessment DAG's report calls the notifier the Airflow Variable
``maturity_notify`` names, with the organisation, its old and new phase, and the organisations
not assessed. The notifier here is a fake ``BaseNotifier`` that records what it would send."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, ClassVar

import pytest
from airflow.sdk import BaseNotifier
from airflow.sdk.exceptions import AirflowFailException

from maturity.airflow import assessment_tasks as t
from maturity.airflow import notify
from maturity.errors import ConfigError
from maturity.evidence import Window
from maturity.input_file import load_evidence_file
from maturity.phases import outcome_labels
from maturity.pipeline.score import score_inputs
from maturity.rubric import load_default_rubric
from maturity.sandbox.demo import demo_evidence_path
from maturity.warehouse import Warehouse

pytestmark = pytest.mark.unit

W1 = Window(datetime(2026, 8, 3, tzinfo=UTC), datetime(2026, 11, 2, tzinfo=UTC))
W2 = Window(W1.start + timedelta(days=7), W1.end + timedelta(days=7))
DUINWIJK = "gemeente-duinwijk"


class FakeNotifier(BaseNotifier):
    """Records each notification instead of sending it."""

    template_fields = ("message", "heading")
    sent: ClassVar[list[dict[str, Any]]] = []

    def __init__(self, *, to: str, message: str, heading: str | None = None) -> None:
        super().__init__()
        self.to, self.message, self.heading = to, message, heading

    def notify(self, context: Any) -> None:
        FakeNotifier.sent.append({"to": self.to, "heading": self.heading, "message": self.message})


CONFIG = json.dumps(
    {
        "notifier": f"{__name__}.FakeNotifier",
        "kwargs": {"to": "marketing@example.org"},
        "title_arg": "heading",
        "text_arg": "message",
    }
)


@pytest.fixture(autouse=True)
def _clear() -> None:
    FakeNotifier.sent.clear()


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Warehouse]:
    """The demo evidence over W1, then over W2 with duinwijk's evidence gone."""
    wh = Warehouse(f"sqlite:///{tmp_path_factory.mktemp('notify') / 'warehouse.sqlite'}")
    wh.migrate()
    rubric = load_default_rubric()
    orgs = load_evidence_file(demo_evidence_path())
    score_inputs(orgs, rubric, wh, input_digest="week-1")
    gone = {"metrics": (), "facts": ()}
    later = [
        replace(
            o,
            evidence=replace(o.evidence, window=W2, **(gone if o.org_id == DUINWIJK else {})),
        )
        for o in orgs
    ]
    score_inputs(later, rubric, wh, input_digest="week-2")
    yield wh
    wh.dispose()


def _run(written: list[str], failed: dict[str, str] | None = None) -> tuple[list[Any], list[Any]]:
    shards = [{"label": "all", "orgs": [{"org_id": o} for o in [*written, *(failed or {})]]}]
    steps = [{"step": "score", "done": {o: {} for o in written}, "failed": failed or {}}]
    return shards, steps


def _context(window: Window = W2) -> dict[str, Any]:
    return {"data_interval_start": window.end - timedelta(days=7), "data_interval_end": window.end}


def test_a_phase_change_calls_the_notifier_with_org_old_and_new_phase(warehouse: Warehouse) -> None:
    orgs = [o.org_id for o in warehouse.list_organisations()]
    shards, steps = _run(orgs)
    result = t.report(shards, steps, _context(), warehouse=warehouse, notify_config=CONFIG)
    [change] = result["phase_changes"]
    assert (change["org_id"], change["direction"]) == (DUINWIJK, "down")
    [sent] = FakeNotifier.sent
    assert sent["to"] == "marketing@example.org"
    before = warehouse.assessment_history(DUINWIJK)[0]
    old = f"{int(before.phase)} {outcome_labels(before.phase, before.verdict)['en']}"
    new = outcome_labels(None, "insufficient_evidence")["en"]
    assert sent["message"] == (
        f"Phase change: Gemeente Duinwijk ({DUINWIJK}) went down from {old} to {new}."
    )
    assert "1 phase change(s), 0 organisation(s) not assessed" in sent["heading"]


def test_an_organisation_not_assessed_is_alerted_in_dutch_and_fails_the_run(
    warehouse: Warehouse,
) -> None:
    shards, steps = _run(["polderstroom-energie"], {DUINWIJK: "the X API answered 503"})
    dutch = json.dumps({**json.loads(CONFIG), "lang": "nl"})
    with pytest.raises(AirflowFailException, match=DUINWIJK):
        t.report(shards, steps, _context(), warehouse=warehouse, notify_config=dutch)
    [sent] = FakeNotifier.sent
    assert sent["message"] == (
        f"Niet beoordeeld: Gemeente Duinwijk ({DUINWIJK}): score: the X API answered 503"
    )
    assert "0 fasewijziging(en), 1 organisatie(s) niet beoordeeld" in sent["heading"]


def test_nothing_is_sent_without_news_or_without_a_notifier(warehouse: Warehouse) -> None:
    # the change of W2 was alerted in W2's run; a run of a later window without one is quiet
    shards, steps = _run([DUINWIJK])
    later = Window(W2.start + timedelta(days=7), W2.end + timedelta(days=7))
    result = t.report(shards, steps, _context(later), warehouse=warehouse, notify_config=CONFIG)
    assert (result["phase_changes"], FakeNotifier.sent) == ([], [])
    # no Variable: the change goes to the log only
    result = t.report(shards, steps, _context(), warehouse=warehouse, notify_config="")
    assert len(result["phase_changes"]) == 1
    assert FakeNotifier.sent == []


def test_registry_text_is_not_rendered_as_a_template() -> None:
    message = notify.Alert("title", ("Not assessed: {{ conn.password }} (x): y",))
    settings = notify.NotifySettings.parse(CONFIG)
    notify.send(message, settings, {})
    assert FakeNotifier.sent[0]["message"] == "Not assessed: {{ conn.password }} (x): y"


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("{not json", "not JSON"),
        ('{"kwargs": {}}', "must be a JSON object with 'notifier'"),
        ('{"notifier": "Smtp"}', "dotted path of a notifier class"),
        ('{"notifier": "my.Notifier"}', "message arguments are known"),
        (json.dumps({**json.loads(CONFIG), "lang": "fr"}), "'lang' 'fr'"),
    ],
)
def test_a_bad_variable_is_refused_naming_it(raw: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message) as info:
        notify.configured(raw)
    assert "maturity_notify" in str(info.value)


def test_an_unimportable_notifier_names_its_provider(tmp_path: Path) -> None:
    settings = notify.NotifySettings("airflow.providers.nope.Notifier", text_arg="text")
    with pytest.raises(ConfigError, match="cannot import the notifier"):
        notify.send(notify.Alert("t", ("l",)), settings, {})


def test_the_variable_is_read_from_airflow(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AIRFLOW_VAR_MATURITY_NOTIFY", CONFIG)
    settings = notify.configured()
    assert settings is not None
    assert settings.notifier.endswith("FakeNotifier")
    assert settings.kwargs == {"to": "marketing@example.org"}
