"""Options shared by several commands."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

import typer

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
