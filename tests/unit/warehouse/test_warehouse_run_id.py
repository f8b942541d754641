"""Run ids depend only on their inputs; run info validates itself."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from maturity.errors import InputError
from maturity.evidence import Window
from maturity.warehouse import OrgRow, RunInfo, deterministic_run_id

pytestmark = pytest.mark.unit

W = Window(datetime(2025, 1, 1, tzinfo=UTC), datetime(2025, 4, 1, tzinfo=UTC))


def test_same_inputs_same_id_and_readable() -> None:
    a = deterministic_run_id("assess", W, "2025.1", "abc")
    assert a == deterministic_run_id("assess", W, "2025.1", "abc")
    assert a.startswith("assess-20250101T000000Z-20250401T000000Z-")


def test_the_same_instants_in_another_zone_give_the_same_id() -> None:
    ams = ZoneInfo("Europe/Amsterdam")
    shifted = Window(W.start.astimezone(ams), W.end.astimezone(ams))
    assert deterministic_run_id("assess", shifted, "1", "d") == deterministic_run_id(
        "assess", W, "1", "d"
    )


@pytest.mark.parametrize(
    "other",
    [
        ("rescore", W, "2025.1", "abc"),
        ("assess", Window(W.start, W.end + timedelta(days=1)), "2025.1", "abc"),
        ("assess", W, "2025.2", "abc"),
        ("assess", W, None, "abc"),
        ("assess", W, "2025.1", "abd"),
    ],
)
def test_any_input_changes_the_id(other: tuple[object, ...]) -> None:
    assert deterministic_run_id(*other) != deterministic_run_id("assess", W, "2025.1", "abc")  # type: ignore[arg-type]


def test_naive_window_is_refused() -> None:
    naive = Window(datetime(2025, 1, 1), datetime(2025, 4, 1))
    with pytest.raises(InputError, match="has no timezone"):
        deterministic_run_id("assess", naive, "1", "d")


def _run(**changes: object) -> RunInfo:
    fields: dict[str, object] = {
        "run_id": "r1",
        "kind": "assess",
        "trigger": "cli",
        "code_version": "0.1.0",
        "rubric_id": "social-business",
        "rubric_version": "2025.1",
        "window_start": W.start,
        "window_end": W.end,
        "input_digest": "d",
        "started_at": W.end,
    }
    fields.update(changes)
    return RunInfo(**fields)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("changes", "where"),
    [
        ({"kind": "guess"}, "RunInfo.kind"),
        ({"trigger": "cron"}, "RunInfo.trigger"),
        ({"started_at": datetime(2025, 7, 1)}, "RunInfo.started_at"),
        ({"window_end": W.start}, "RunInfo.window_end"),
        ({"run_id": ""}, "RunInfo.run_id"),
    ],
)
def test_run_info_names_the_bad_field(changes: dict[str, object], where: str) -> None:
    with pytest.raises(InputError) as info:
        _run(**changes)
    assert info.value.where == where


def test_org_row_defaults_and_validation() -> None:
    org = OrgRow("acme", "Acme")
    assert (org.sector, org.timezone, org.accounts) == ("other", "Europe/Amsterdam", ())
    with pytest.raises(InputError, match="has no name"):
        OrgRow("acme", "")
