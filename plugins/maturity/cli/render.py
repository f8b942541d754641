"""Rich renderings of rubrics and assessments, in English or Dutch, and the consoles and JSON
output the commands print them with.

Output that is not a terminal (a pipe, a file) must not lose text: Rich would lay it out 80
columns wide and cut cells ("Plann…"). :func:`output_console` gives such output a width no
table reaches, and every table column folds instead of cutting, whatever the width.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from maturity.assessment import STATUS_LABELS
from maturity.confidence import BAND_LABELS, band
from maturity.phases import Phase, outcome_labels

if TYPE_CHECKING:
    from collections.abc import Mapping

    from maturity.assessment import Assessment
    from maturity.evidence import Window
    from maturity.rubric import Criterion, Rubric
    from maturity.warehouse import AssessmentSummary, OrgRow

STATUS_STYLE = {
    "met": ("✔", "green"),
    "not_met": ("✘", "red"),
    "uncertain": ("?", "yellow"),
    "unknown": ("·", "dim"),
    "contradicted": ("≠", "red"),
}
HEAD = {
    "en": {
        "org": "Organisation",
        "phase": "Phase",
        "index": "Index",
        "conf": "Confidence",
        "next": "Top next step",
        "crit": "Criterion",
        "status": "Status",
        "evidence": "Evidence",
        "kind": "Kind",
        "threshold": "Threshold",
        "weight": "Weight",
        "role": "Role",
        "id": "Id",
        "source": "Reads",
        "platforms": "Platforms",
    },
    "nl": {
        "org": "Organisatie",
        "phase": "Fase",
        "index": "Index",
        "conf": "Zekerheid",
        "next": "Belangrijkste volgende stap",
        "crit": "Criterium",
        "status": "Status",
        "evidence": "Bewijs",
        "kind": "Soort",
        "threshold": "Drempel",
        "weight": "Gewicht",
        "role": "Rol",
        "id": "Id",
        "source": "Leest",
        "platforms": "Platforms",
    },
}


#: The width of output that is not a terminal: wider than any table the commands print, so a
#: pipe or file gets every cell on one line (``less -S`` scrolls sideways).
PIPE_WIDTH = 1000


def output_console(min_width: int = 0) -> Console:
    """The console for a command's results on standard output: the terminal's width (at least
    ``min_width``), or :data:`PIPE_WIDTH` when standard output is not a terminal."""
    probe = Console()
    if not probe.is_terminal:
        return Console(width=PIPE_WIDTH)
    return Console(width=max(probe.width, min_width))


def print_json(payload: Any) -> None:
    """``payload`` as JSON on standard output, alone (progress and logs go to standard error),
    so ``maturity ... --json | jq`` reads it. UTF-8, not ASCII-escaped."""
    sys.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2) + "\n")
    sys.stdout.flush()


def _table(title: Text | str, *columns: str, **kwargs: Any) -> Table:
    """A table whose columns fold a long word onto the next line instead of cutting it."""
    table = Table(title=title, **kwargs)
    for column in columns:
        table.add_column(column, overflow="fold")
    return table


def phase_text(phase: int | None, verdict: str, lang: str) -> str:
    """The outcome's label; a phase is numbered ("4 Formalized")."""
    label = outcome_labels(phase, verdict)[lang]
    numbered = phase is not None and verdict != "insufficient_evidence"
    return f"{phase} {label}" if numbered else label


def outcome_text(a: Assessment, lang: str) -> str:
    """The phase, and when the next phase fails only on sample size, that it cannot be decided
    yet: "2 Presence; phase 3 cannot be decided yet (too little evidence)"."""
    from maturity.reasons import note_text

    text = phase_text(a.phase, a.verdict, lang)
    undecided = [n for n in a.notes if n.code == "next_phase_undecided"]
    return "; ".join([text, *(note_text(n, lang) for n in undecided)])


def registry_warnings(rows: Sequence[tuple[str, Assessment]], lang: str) -> list[Text]:
    """A warning per account the platform does not know: the registry needs a fix."""
    from maturity.reasons import note_text

    word = "registry" if lang == "en" else "register"
    return [
        Text.assemble((f"{word} ", "yellow"), f"{a.org_id} {note_text(n, lang)}")
        for _, a in rows
        for n in a.notes
        if n.code == "unreadable_account" and n.detail == "not_found"
    ]


def status_text(status: str, lang: str) -> Text:
    icon, style = STATUS_STYLE[status]
    return Text(f"{icon} {STATUS_LABELS[lang][status]}", style=style)


BAND_STYLE = {"high": "green", "medium": "yellow", "low": "red"}


def confidence_text(value: float, lang: str) -> Text:
    b = band(value)
    return Text(f"{value:.2f} {BAND_LABELS[lang][b]}", style=BAND_STYLE[b])


def threshold_text(c: Criterion) -> str:
    return ", ".join(
        f"{c.comparator} {t:g}" if p == "default" else f"{p} {c.comparator} {t:g}"
        for p, t in c.thresholds().items()
    )


def rubric_table(rubric: Rubric, lang: str) -> Table:
    h = HEAD[lang]
    table = _table(
        Text(f"{rubric.title.get(lang)} — {rubric.rubric} {rubric.version}"),
        h["phase"],
        h["id"],
        h["crit"],
        h["kind"],
        h["source"],
        h["threshold"],
        "n≥",
        h["weight"],
        h["role"],
        show_lines=False,
    )
    for phase in Phase:
        for c in rubric.for_phase(phase):
            table.add_row(
                f"{int(phase)} {phase.label(lang)}",
                Text(c.id),
                Text(c.label.get(lang)),
                c.kind,
                Text(c.source),
                Text(threshold_text(c)),
                str(c.min_sample),
                f"{c.weight:g}",
                Text(c.role, style="bold" if c.role == "gate" else ""),
            )
        table.add_section()
    return table


def label_of(rubric: Rubric | None, criterion_id: str, lang: str) -> str:
    if rubric is None:
        return criterion_id
    try:
        return rubric.criterion(criterion_id).label.get(lang)
    except KeyError:
        return criterion_id


def advice_of(rubric: Rubric | None, criterion_id: str, lang: str) -> str | None:
    if rubric is None:
        return None
    try:
        return rubric.criterion(criterion_id).advice.get(lang)
    except KeyError:
        return None


def summary_table(
    rows: Sequence[tuple[str, Assessment]], rubric: Rubric | None, lang: str, title: str
) -> Table:
    h = HEAD[lang]
    table = _table(
        Text(title), h["org"], h["phase"], h["index"], h["conf"], h["platforms"], h["next"]
    )
    table.columns[2].justify = "right"  # the index
    for name, a in rows:
        step = a.next_steps[0] if a.next_steps else None
        step_txt = label_of(rubric, step.criterion_id, lang) if step else "—"
        platforms = ", ".join(a.platforms_covered) or "—"
        if a.platforms_missing:
            platforms += f" (−{', '.join(a.platforms_missing)})"
        # Names and labels come from input files: Text, never Rich markup.
        table.add_row(
            Text(name),
            Text(outcome_text(a, lang)),
            f"{a.maturity_index:.2f}",
            confidence_text(a.confidence, lang),
            Text(platforms),
            Text(step_txt),
        )
    return table


def side_by_side_table(
    windows: Sequence[tuple[str, Window]],
    history: Mapping[str, Sequence[AssessmentSummary]],
    orgs: Mapping[str, OrgRow],
    rubric: Rubric,
    lang: str,
) -> Table:
    """Each (organisation, window) with its phase under every stored rubric version, the one
    just re-scored last, so that a change of rubric shows organisation by organisation."""
    this = (rubric.rubric, rubric.version)
    versions = sorted(
        {(s.rubric_id, s.rubric_version) for hs in history.values() for s in hs} - {this}
    )
    columns = [*versions, this]
    h = HEAD[lang]
    title = "Side by side" if lang == "en" else "Naast elkaar"
    table = Table(title=Text(f"{title}: {', '.join(f'{r} {v}' for r, v in columns)}"))
    table.add_column(h["org"])
    for r, v in columns:
        table.add_column(Text(f"{h['phase']} {v}" + ("" if r == rubric.rubric else f" ({r})")))
    for org_id, w in windows:
        found = {
            (s.rubric_id, s.rubric_version): s for s in history.get(org_id, ()) if s.window == w
        }
        cells = [
            phase_text(found[c].phase, found[c].verdict, lang) if c in found else "—"
            for c in columns
        ]
        name = orgs[org_id].name if org_id in orgs else org_id
        table.add_row(Text(f"{name} {w.start:%Y-%m-%d}–{w.end:%Y-%m-%d}"), *cells)
    return table
