"""Who moved, filters and sorting of the portfolio: rules a reader can check in a table."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from maturity.dashboard.pages import Filters, Sort
from maturity.dashboard.reads import PortfolioRow
from maturity.errors import InputError

pytestmark = pytest.mark.unit

END = datetime(2026, 11, 2, tzinfo=UTC)


def row(
    org_id: str = "a",
    phase: int | None = 3,
    verdict: str | None = "assessed",
    previous: int | None = None,
    previous_verdict: str | None = None,
    confidence: float | None = 0.8,
    sector: str = "municipality",
) -> PortfolioRow:
    return PortfolioRow(
        org_id, org_id.upper(), sector, verdict, phase, 2.5, confidence, 0.9, END,
        previous_verdict, previous, None,
    )  # fmt: skip


@pytest.mark.parametrize(
    ("now", "verdict", "before", "before_verdict", "moved"),
    [
        (3, "assessed", None, None, 0),  # no earlier window
        (3, "assessed", 3, "assessed", 0),
        (4, "assessed", 3, "assessed", 1),
        (2, "assessed", 3, "assessed", -1),
        (1, "assessed", None, "assessed", 1),  # from no phase attained
        (None, "assessed", 1, "assessed", -1),
        (1, "assessed", None, "insufficient_evidence", 0),  # missing data is no move
        (None, "insufficient_evidence", 2, "assessed", 0),
        (None, "insufficient_evidence", None, "insufficient_evidence", 0),
        (None, "assessed", None, "insufficient_evidence", 0),  # neither has a phase
    ],
)
def test_moved(
    now: int | None, verdict: str, before: int | None, before_verdict: str | None, moved: int
) -> None:
    assert (
        row(phase=now, verdict=verdict, previous=before, previous_verdict=before_verdict).moved
        == moved
    )


@pytest.mark.parametrize(
    ("filters", "kept"),
    [
        (Filters(), {"a", "b", "c", "d"}),
        (Filters(phase="3"), {"a"}),
        (Filters(phase="insufficient"), {"b"}),
        (Filters(phase="unassessed"), {"c"}),
        (Filters(confidence="high"), {"a"}),
        (Filters(confidence="low"), {"b", "d"}),
        (Filters(sector="museum"), {"d"}),
        (Filters(sector="museum", confidence="high"), set()),
    ],
)
def test_filters(filters: Filters, kept: set[str]) -> None:
    rows = [
        row("a", 3, confidence=0.8),
        row("b", None, "insufficient_evidence", confidence=0.2),
        row("c", None, None, confidence=None),
        row("d", 5, confidence=0.49, sector="museum"),
    ]
    assert {r.org_id for r in rows if filters.keep(r)} == kept


def test_sort_by_phase_puts_unassessed_and_insufficient_first() -> None:
    rows = [row("a", 3), row("b", None, "insufficient_evidence"), row("c", None, None), row("d", 5)]
    assert [r.org_id for r in Sort("phase", "asc").apply(rows)] == ["c", "b", "a", "d"]
    assert [r.org_id for r in Sort("phase", "desc").apply(rows)] == ["d", "a", "b", "c"]


@pytest.mark.parametrize(
    ("make", "names"),
    [
        (lambda: Filters(phase="7"), "query parameter phase"),
        (lambda: Filters(confidence="sure"), "query parameter confidence"),
        (lambda: Sort("colour"), "query parameter sort"),
        (lambda: Sort("name", "up"), "query parameter order"),
    ],
)
def test_bad_parameters_name_the_parameter_and_the_choices(make: object, names: str) -> None:
    with pytest.raises(InputError) as exc:
        make()  # type: ignore[operator]
    assert exc.value.where == names
    assert exc.value.fix
