"""``maturity explain ORG``: how an estimate was reached, criterion by criterion."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Annotated

import typer

from maturity.cli.errors import handle_errors
from maturity.cli.options import JsonOption, Lang, RubricOption, WarehouseOption

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from rich.console import Console

    from maturity.assessment import Assessment, CriterionResult
    from maturity.evidence import EvidenceRef, MetricValue
    from maturity.rubric import Criterion, Rubric
    from maturity.warehouse import Warehouse

MAX_REFS = 3


def _as_of(value: str | None) -> datetime | None:
    from maturity.errors import InputError

    if value is None:
        return None
    try:
        d = date.fromisoformat(value)
    except ValueError:
        raise InputError(
            f"--as-of '{value}' is not a date", fix="write the date as YYYY-MM-DD"
        ) from None
    return datetime(d.year, d.month, d.day, tzinfo=UTC)


def _ref_text(ref: EvidenceRef, purged: Mapping[str, datetime] | None = None) -> str:
    where = "/".join(p for p in (ref.platform, ref.account, ref.endpoint) if p)
    sha = f" sha256:{ref.sha256[:12]}" if ref.sha256 else ""
    gone = (purged or {}).get(ref.ref) if ref.kind == "page" else None
    note = f" [purged {gone:%Y-%m-%d}]" if gone is not None else ""
    return f"{ref.kind} {ref.ref}{sha}" + (f" ({where})" if where else "") + note


def _criterion(rubric: Rubric | None, criterion_id: str) -> Criterion | None:
    if rubric is None:
        return None
    try:
        return rubric.criterion(criterion_id)
    except KeyError:
        return None


def _evidence_lines(
    r: CriterionResult,
    lang: str,
    show_queries: bool,
    rubric: Rubric | None = None,
    purged: Mapping[str, datetime] | None = None,
) -> list[str]:
    from maturity.reasons import criterion_reason

    declared = "declared" if lang == "en" else "verklaard"
    lines = [criterion_reason(r, _criterion(rubric, r.criterion_id), lang)]
    for f in r.facts:
        if f.source:
            lines.append(f"({declared}) source: {f.source}")
    refs = [ref for v in r.metric_values for ref in v.refs]
    for kind, label in (("item", "item"), ("page", "page")):
        these = [ref for ref in refs if ref.kind == kind]
        lines += [f"  ↳ {_ref_text(ref, purged)}" for ref in these[:MAX_REFS]]
        if len(these) > MAX_REFS:
            lines.append(f"  ↳ … {len(these) - MAX_REFS} more {label}s")
    queries = [ref for ref in refs if ref.kind == "query"]
    if queries and show_queries:
        lines += [f"  ↳ SQL: {q.ref}" for q in queries]
    elif queries:
        lines.append(
            f"  ↳ {len(queries)} reproducing SQL quer{'y' if len(queries) == 1 else 'ies'}"
            " (--sql shows them)"
        )
    return lines


def _criteria_table(
    results: tuple[CriterionResult, ...],
    rubric: Rubric | None,
    lang: str,
    show_queries: bool,
    purged: Mapping[str, datetime] | None = None,
) -> object:
    from rich.markup import escape
    from rich.table import Table

    from maturity.cli.render import HEAD, label_of, status_text
    from maturity.phases import Phase

    h = HEAD[lang]
    table = Table(show_lines=True)
    table.add_column(h["phase"])
    table.add_column(h["crit"])
    table.add_column(h["status"])
    table.add_column(h["evidence"], overflow="fold", ratio=3)
    for phase in Phase:
        for r in (r for r in results if r.phase == phase):
            kind = (
                r.kind
                if lang == "en"
                else {"observed": "waargenomen", "declared": "verklaard"}[r.kind]
            )
            table.add_row(
                f"{int(phase)} {phase.label(lang)}",
                f"{escape(label_of(rubric, r.criterion_id, lang))}\n[dim]"
                f"{escape(r.criterion_id)} · {r.role} · {kind} · w{r.weight:g}[/]",
                status_text(r.status.value, lang),
                escape("\n".join(_evidence_lines(r, lang, show_queries, rubric, purged))),
            )
    return table


def _print_header(console: Console, data: object, lang: str) -> None:
    from rich.markup import escape

    from maturity.cli.render import confidence_text, outcome_text

    a = data.assessment  # type: ignore[attr-defined]
    run = data.run  # type: ignore[attr-defined]
    name = data.organisation.name  # type: ignore[attr-defined]
    en = lang == "en"
    console.print(f"[bold]{escape(name)}[/] ({escape(a.org_id)})")
    console.print(
        f"{'Phase' if en else 'Fase'}: [bold]{escape(outcome_text(a, lang))}[/]   "
        f"index {a.maturity_index:.2f}   "
        f"{'confidence' if en else 'zekerheid'} ",
        confidence_text(a.confidence, lang),
        f"  {'coverage' if en else 'dekking'} {a.coverage:.0%}",
    )
    covered = escape(", ".join(a.platforms_covered) or "—")
    missing = escape(", ".join(a.platforms_missing))
    console.print(
        f"{'Window' if en else 'Periode'}: {a.window.start:%Y-%m-%d} – {a.window.end:%Y-%m-%d}   "
        f"platforms: {covered}"
        + (f" ({'not measured' if en else 'niet gemeten'}: {missing})" if missing else "")
    )
    console.print(
        escape(
            f"Rubric {a.rubric_id} {a.rubric_version}   code {run.code_version}   run {run.run_id}"
        )
    )


#: Inbound figures shown side by side: (metric id, English label, Dutch label).
INBOUND_FIGURES = (
    ("responsiveness.inbound_total", "inbound (raw)", "binnenkomend (ruw)"),
    ("responsiveness.inbound_actionable", "actionable", "te beantwoorden"),
    ("responsiveness.inbound_excluded_spam", "spam excluded", "spam weggelaten"),
    ("responsiveness.response_rate_raw", "response rate (raw)", "antwoordpercentage (ruw)"),
    (
        "responsiveness.response_rate",
        "response rate (actionable)",
        "antwoordpercentage (te beantwoorden)",
    ),
    ("responsiveness.automated_reply_share", "automated replies", "automatische antwoorden"),
)


def inbound_line(metrics: Sequence[MetricValue], lang: str) -> str | None:
    """Raw and actionable inbound figures of the window, side by side; None when none was
    measured."""
    from maturity.reasons import fmt

    overall = {v.metric_id: v for v in metrics if v.account is None and v.platform == "all"}
    parts = []
    for metric_id, en, nl in INBOUND_FIGURES:
        v = overall.get(metric_id)
        if v is None or v.value is None:
            continue
        shown = (
            fmt(float(v.value), lang)
            if "share" in metric_id or "rate" in metric_id
            else (f"{float(v.value):.0f}")
        )
        parts.append(
            f"{en if lang == 'en' else nl} {shown}"
            + (f" (n={v.n})" if "rate" in metric_id or "share" in metric_id else "")
        )
    if not parts:
        return None
    return ("Inbound: " if lang == "en" else "Binnenkomend: ") + " · ".join(parts)


def _print_notes(
    console: Console, a: Assessment, metrics: Sequence[MetricValue], lang: str
) -> None:
    """What a reader must know besides the criteria: unreadable accounts (a registry warning
    when not found), a lapsed organisation, capped history, automated replies, the window."""
    from rich.markup import escape

    from maturity.reasons import note_text

    en = lang == "en"
    unreadable = [n for n in a.notes if n.code == "unreadable_account"]
    if unreadable:
        console.print(
            "[bold yellow]"
            + ("Accounts that could not be read" if en else "Accounts die niet te lezen waren")
            + "[/] "
            + ("(no observed evidence):" if en else "(geen waargenomen bewijs):")
        )
        for n in unreadable:
            console.print(f"  {escape(note_text(n, lang))}")
    for n in unreadable:
        if n.detail == "not_found":
            console.print(
                "[bold yellow]"
                + ("Registry warning" if en else "Registerwaarschuwing")
                + "[/]: "
                + escape(note_text(n, lang))
            )
    for n in a.notes:
        if n.code in ("lapsed", "history_capped", "automated_replies", "lookback_mismatch"):
            console.print(f"[yellow]![/] {escape(note_text(n, lang))}")
    line = inbound_line(metrics, lang)
    if line:
        console.print(escape(line))


def _print_quarantine(
    console: Console, wh: Warehouse, org_id: str, start: datetime, end: datetime, lang: str
) -> None:
    """Say which data the estimate was built without, and why."""
    from rich.markup import escape

    batches = wh.quarantined(org_id, start, end)
    values = wh.quarantined_metrics(org_id, start, end)
    if not batches and not values:
        return
    en = lang == "en"
    console.print(
        "[bold yellow]"
        + ("Built without quarantined data" if en else "Opgebouwd zonder data in quarantaine")
        + "[/] "
        + (
            f"({len(batches)} batch(es), {len(values)} metric value(s); confidence lowered):"
            if en
            else f"({len(batches)} batch(es), {len(values)} metriekwaarde(n); zekerheid verlaagd):"
        )
    )
    for b in batches:
        skipped = b.record_counts.get("skipped", 0)
        left_out = (
            (f"; {skipped} item(s) skipped" if en else f"; {skipped} item(s) overgeslagen")
            if skipped
            else ""
        )
        console.print(
            f"  {escape(b.platform)}:{escape(b.handle)} "
            f"{b.window_start:%Y-%m-%d}–{b.window_end:%Y-%m-%d}: "
            f"{escape(b.reason)} ({len(b.pages)} landed page(s) kept{left_out})"
        )
    for v in values:
        where = f"{v.platform}{':' + v.account if v.account else ''}"
        console.print(
            f"  {escape(v.metric_id)} ({escape(where)}) = {v.value} n={v.n}: "
            f"{escape('; '.join(v.failed))}"
        )


@handle_errors
def explain_command(
    org: Annotated[str, typer.Argument(help="Organisation id, as in the warehouse.")],
    as_of: Annotated[
        str | None,
        typer.Option(
            "--as-of",
            help="Latest assessment whose window ended on or before this "
            "date (YYYY-MM-DD). Default: the latest.",
        ),
    ] = None,
    rubric: RubricOption = None,
    warehouse: WarehouseOption = None,
    lang: Lang = "en",
    sql: Annotated[
        bool, typer.Option("--sql", help="Show the SQL that reproduces each value's sample.")
    ] = False,
    as_json: JsonOption = False,
) -> None:
    """Show an organisation's phase, every criterion with its evidence, and the next steps.

    The evidence goes down to example posts and messages, the raw API pages they were read
    from (file in the landing area and its SHA-256), and SQL that reproduces each sample.
    """
    from rich.markup import escape

    from maturity.cli.render import advice_of, label_of, output_console, status_text
    from maturity.cli.resolve import open_warehouse, resolve_rubric
    from maturity.errors import InputError

    when = _as_of(as_of)
    wh = open_warehouse(warehouse, existing=True)
    the_rubric = resolve_rubric(rubric)
    data = wh.latest_assessment(
        org, as_of=when, rubric_version=the_rubric.version, rubric_id=the_rubric.rubric
    )
    if data is None and rubric is None:
        data = wh.latest_assessment(org, as_of=when)
    if data is None:
        raise InputError(
            f"no assessment of '{org}'"
            + (f" on or before {as_of}" if as_of else "")
            + (f" under rubric {the_rubric.rubric} {the_rubric.version}" if rubric else ""),
            where=f"warehouse {wh.url_masked}",
            fix="run `maturity assess` (or `maturity rescore --rubric FILE`) for it first",
        )
    if as_json:
        from maturity.cli.render import print_json
        from maturity.warehouse.payloads import explanation

        print_json(explanation(data))
        return
    a = data.assessment
    used = (
        the_rubric
        if (the_rubric.rubric, the_rubric.version) == (a.rubric_id, a.rubric_version)
        else None
    )
    console = output_console(120)
    _print_header(console, data, lang)
    if used is None:
        console.print(
            f"[yellow]Labels unavailable: assessed under {escape(a.rubric_id)} "
            f"{escape(a.rubric_version)}; pass --rubric with that file.[/]"
        )
    _print_notes(console, a, data.metrics, lang)
    _print_quarantine(console, wh, a.org_id, a.window.start, a.window.end, lang)
    pages = [
        ref.ref for r in a.criteria for v in r.metric_values for ref in v.refs if ref.kind == "page"
    ]
    purged = wh.purged_pages(pages) if pages else {}
    console.print(_criteria_table(a.criteria, used, lang, sql, purged))
    console.print("[bold]Next steps[/]" if lang == "en" else "[bold]Volgende stappen[/]")
    if not a.next_steps:
        console.print("—")
    from maturity.reasons import criterion_reason

    results = {r.criterion_id: r for r in a.criteria}
    for s in a.next_steps:
        advice = advice_of(used, s.criterion_id, lang)
        gap = (
            criterion_reason(results[s.criterion_id], _criterion(used, s.criterion_id), lang)
            if s.criterion_id in results
            else s.gap
        )
        console.print(
            f"{s.rank}. {escape(label_of(used, s.criterion_id, lang))} ",
            status_text(
                results[s.criterion_id].status.value
                if s.criterion_id in results
                else s.status.value,
                lang,
            ),
            f"\n   {escape(gap)}" + (f"\n   → {escape(advice)}" if advice else ""),
        )
