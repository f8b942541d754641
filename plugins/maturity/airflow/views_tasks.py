"""What the views DAG's tasks do: re-create the dashboard views, and report phase changes.

The views are plain SQL views (``sql/views/*.sql``), so they are never stale; re-creating them
from their files brings a warehouse whose views were created by an older release up to this
code's definitions, in one transaction. Phase changes are reported in the task log (a warning
per organisation) and as a small XCom; nothing is sent anywhere else.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from maturity.warehouse import AssessmentSummary, Warehouse

log = logging.getLogger(__name__)

JSON = dict[str, Any]


def _warehouse() -> Warehouse:
    from maturity.airflow.hooks import WarehouseHook

    return WarehouseHook().get_conn()


def refresh_views(warehouse: Warehouse | None = None) -> JSON:
    """Drop and create every shipped view from its file, in one transaction."""
    from maturity.errors import WarehouseError
    from maturity.warehouse.views import replace_views, view_names

    wh = warehouse or _warehouse()
    try:
        status = wh.check()
        if not status.up_to_date:
            raise WarehouseError(
                f"the warehouse schema is at {status.revision}, not {status.head}",
                where=wh.url_masked,
                fix="run the assessment DAG (it migrates) or Warehouse.migrate() first",
            )
        with wh.engine.begin() as connection:
            replace_views(connection)
    finally:
        if warehouse is None:
            wh.dispose()
    names = list(view_names())
    log.info("re-created %d view(s) in %s: %s", len(names), wh.url_masked, ", ".join(names))
    return {"views": names}


def _label(s: AssessmentSummary) -> str:
    from maturity.airflow.api_payloads import phase_label

    number = f"{int(s.phase)} " if s.phase is not None and s.verdict == "assessed" else ""
    return number + str(phase_label(s.phase, s.verdict)["en"])


def _rank(s: AssessmentSummary) -> int:
    """Insufficient evidence and 'no phase' rank below phase 1."""
    return int(s.phase) if s.phase is not None and s.verdict == "assessed" else 0


def phase_change(history: Sequence[AssessmentSummary]) -> JSON | None:
    """The change between the latest two windows of the latest rubric, or None.

    ``history`` is oldest first (``Warehouse.assessment_history``). Several rubric versions of
    one window count once: the latest-sorting version of that rubric.
    """
    if not history:
        return None
    rubric = history[-1].rubric_id
    by_window: dict[tuple[Any, Any], AssessmentSummary] = {}
    for s in history:
        if s.rubric_id == rubric:
            by_window[(s.window.end, s.window.start)] = s
    ordered = [by_window[k] for k in sorted(by_window)]
    if len(ordered) < 2:
        return None
    before, after = ordered[-2], ordered[-1]
    if (before.verdict, before.phase) == (after.verdict, after.phase):
        return None
    direction = "up" if _rank(after) > _rank(before) else "down"
    if _rank(after) == _rank(before):
        direction = "changed"
    return {
        "org_id": after.org_id,
        "rubric": rubric,
        "from": {"window": before.window.key, "phase": _label(before)},
        "to": {"window": after.window.key, "phase": _label(after)},
        "direction": direction,
    }


def phase_changes(warehouse: Warehouse | None = None) -> JSON:
    """Compare every organisation's latest two assessments; warn about each change."""
    wh = warehouse or _warehouse()
    try:
        orgs = wh.list_organisations()
        changes = []
        for history in wh.assessment_histories([o.org_id for o in orgs]).values():
            change = phase_change(history)
            if change is not None:
                changes.append(change)
    finally:
        if warehouse is None:
            wh.dispose()
    for c in changes:
        log.warning(
            "phase change (%s) for %s: %s (%s) -> %s (%s)",
            c["direction"],
            c["org_id"],
            c["from"]["phase"],
            c["from"]["window"],
            c["to"]["phase"],
            c["to"]["window"],
        )
    log.info("%d of %d organisations changed phase", len(changes), len(orgs))
    return {"organisations": len(orgs), "changes": changes}
