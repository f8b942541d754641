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


def window_option(start: datetime, end: datetime) -> Window:
    """The window ``--start`` .. ``--end`` in UTC; an end not after the start is bad input."""
    from maturity.errors import InputError
    from maturity.evidence import Window

    def utc(value: datetime) -> datetime:
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)

    try:
        return Window(utc(start), utc(end))
    except ValueError as exc:
        raise InputError(
            str(exc), where="--start/--end", fix="give an --end after --start"
        ) from None


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
