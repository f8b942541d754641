"""Options shared by several commands."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Literal

import typer

if TYPE_CHECKING:
    from maturity.evidence import Window

#: What ``--start`` / ``--end`` accept; a time without a zone is UTC.
DATE_FORMATS = ["%Y-%m-%d", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M:%S%z", "%Y-%m-%d %H:%M:%S"]


#: The earliest start and latest end a window may have. Windows far outside them cannot be
#: collected (no platform existed) and overflow date arithmetic (lookback, overlaps).
EARLIEST_START = datetime(2000, 1, 1, tzinfo=UTC)
LATEST_END = datetime(2100, 1, 1, tzinfo=UTC)


def window_option(start: datetime, end: datetime) -> Window:
    """The window ``--start`` .. ``--end`` in UTC; an end not after the start, or a window
    outside [:data:`EARLIEST_START`, :data:`LATEST_END`], is bad input."""
    from maturity.errors import InputError
    from maturity.evidence import Window

    bounds = f"{EARLIEST_START:%Y-%m-%d} and {LATEST_END:%Y-%m-%d}"

    def utc(value: datetime) -> datetime:
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)

    try:
        window = Window(utc(start), utc(end))
    except OverflowError:
        raise InputError(
            "the window lies outside the dates a computer calendar can hold",
            where="--start/--end",
            fix=f"give dates between {bounds}",
        ) from None
    except ValueError as exc:
        raise InputError(
            str(exc), where="--start/--end", fix="give an --end after --start"
        ) from None
    if window.start < EARLIEST_START or window.end > LATEST_END:
        raise InputError(
            f"the window {window.start.date().isoformat()} – {window.end.date().isoformat()} "
            f"is not between {bounds}",
            where="--start/--end",
            fix=f"give dates between {bounds}",
        )
    return window


RubricOption = Annotated[
    Path | None,
    typer.Option("--rubric", help="Rubric file to use instead of the default rubric."),
]
WarehouseOption = Annotated[
    str | None,
    typer.Option(
        "--warehouse",
        help="SQLAlchemy URL of the warehouse. Default: the Airflow connection "
        "maturity_warehouse (AIRFLOW_CONN_MATURITY_WAREHOUSE), else the embedded SQLite file.",
        show_default=False,
    ),
]
Lang = Annotated[Literal["en", "nl"], typer.Option("--lang", help="Language of labels and advice.")]
JsonOption = Annotated[
    bool,
    typer.Option(
        "--json",
        help="Print the result as JSON on standard output (progress and messages go to "
        "standard error), e.g. for jq.",
    ),
]
