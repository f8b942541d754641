"""Self-contained HTML reports: one file, charts as inline SVG, a print stylesheet, no request
to anywhere when opened (its Content-Security-Policy forbids every fetch)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from maturity.dashboard import reads
from maturity.dashboard.pages import Pages
from maturity.errors import InputError

if TYPE_CHECKING:
    from maturity.rubric import Rubric
    from maturity.warehouse import Warehouse


def organisation_report(wh: Warehouse, org_id: str, lang: str, rubric: Rubric | None) -> str:
    """One organisation: its phase, how sure, what it rests on, and the next steps."""
    pages = Pages(rubric, lang=lang)
    with wh.engine.connect() as connection:
        view = reads.organisation(connection, org_id)
    if view.latest is None:
        raise InputError(
            f"no assessment of '{org_id}' in the warehouse",
            where=f"warehouse {wh.url_masked}",
            fix="run `maturity assess` for it first",
        )
    return pages.organisation_report(org_id, view, wh.url_masked)


def portfolio_report(wh: Warehouse, lang: str, rubric: Rubric | None) -> str:
    """Every organisation's latest phase, and who moved since the previous window."""
    pages = Pages(rubric, lang=lang)
    with wh.engine.connect() as connection:
        rows = reads.portfolio(connection)
    return pages.portfolio_report(rows, wh.url_masked)


def write_report(html: str, out: Path) -> Path:
    """Write ``html`` to ``out`` (UTF-8); its folder must exist."""
    if not out.parent.is_dir():
        raise InputError(
            f"folder {out.parent} does not exist",
            where="--out",
            fix="create the folder first, or write the report elsewhere",
        )
    if out.suffix.lower() not in (".html", ".htm"):
        raise InputError(
            f"report file {out.name} does not end in .html",
            where="--out",
            fix="name the file FILE.html, so a mail client and a browser open it as a page",
        )
    out.write_text(html, encoding="utf-8")
    return out
