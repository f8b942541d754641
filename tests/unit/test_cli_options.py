"""The --start/--end options every command shares: one list of formats, one window rule."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from typer.testing import CliRunner

from maturity.cli import app
from maturity.cli.options import window_option
from maturity.errors import InputError

pytestmark = pytest.mark.unit


def test_a_time_without_a_zone_is_utc_and_a_zone_is_converted() -> None:
    w = window_option(
        datetime(2026, 8, 3), datetime(2026, 11, 2, 1, tzinfo=timezone(timedelta(hours=1)))
    )
    assert (w.start, w.end) == (datetime(2026, 8, 3, tzinfo=UTC), datetime(2026, 11, 2, tzinfo=UTC))


def test_an_end_not_after_the_start_names_the_options_and_the_fix() -> None:
    with pytest.raises(InputError) as caught:
        window_option(datetime(2026, 11, 2), datetime(2026, 8, 3))
    rendered = caught.value.render()
    assert "--start/--end" in rendered
    assert "give an --end after --start" in rendered


@pytest.mark.parametrize("command", ["assess", "collect"])
def test_every_command_reads_a_date_and_time_with_a_space(command: str, tmp_path: Path) -> None:
    registry = tmp_path / "registry.yaml"
    registry.write_text("organisations: []\n")
    args = {
        "assess": ["assess", "--registry", str(registry)],
        "collect": ["collect", str(registry)],
    }[command]
    result = CliRunner().invoke(
        app, [*args, "--start", "2026-11-02 00:00:00", "--end", "2026-08-03 00:00:00"]
    )
    # both dates were read: what is refused is the window they make
    assert result.exit_code == 2, result.output
    assert "give an --end after --start" in result.output


def test_help_text_is_reflowed_to_the_terminal_not_broken_at_the_docstrings_lines() -> None:
    """A docstring's line breaks are not kept: at 80 columns each paragraph wraps once."""
    from typer.testing import CliRunner

    from maturity.cli import app

    out = CliRunner().invoke(app, ["purge", "--help"], env={"COLUMNS": "80"}).output
    assert "posts, inbound messages, reply links" in out
    assert "\n messages," not in out
