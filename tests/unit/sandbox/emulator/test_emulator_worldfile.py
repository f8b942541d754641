"""World files: round trips, and errors that name the file, the line and the field."""

from __future__ import annotations

import textwrap
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from emulator_small_world import build_small_world

from maturity.sandbox.emulator import (
    WorldFileError,
    dump_world,
    generate_world,
    load_world,
    world_to_json,
)

pytestmark = pytest.mark.unit

VALID = """\
organisations:
  - id: gemeente-voorbeeld
    name: Gemeente Voorbeeld
    accounts:
      - platform: x
        handle: gemvoorbeeld
        created_at: 2020-01-01T00:00:00Z
        posts:
          - key: p1
            created_at: 2026-01-05T09:00:00Z
            text: Hallo
          - type: reply
            target: p1
            created_at: 2026-01-05T09:05:00Z
            text: Vervolg
        inbound:
          - author: burger1
            created_at: 2026-01-05T10:00:00Z
            text: Vraag
            response: {delay: PT45M, text: Antwoord}
"""


def write(tmp_path: Path, text: str, name: str = "world.yaml") -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def problem(tmp_path: Path, text: str) -> str:
    with pytest.raises(WorldFileError) as err:
        load_world(write(tmp_path, text))
    return str(err.value)


def test_a_valid_yaml_world_loads(tmp_path: Path) -> None:
    world = load_world(write(tmp_path, VALID))
    account = world.organisations[0].accounts[0]
    assert account.inbound[0].response is not None
    assert account.inbound[0].response.delay == timedelta(minutes=45)
    assert account.posts[1].target == "p1"


@pytest.mark.parametrize("suffix", [".json", ".yaml"])
def test_round_trip(tmp_path: Path, suffix: str) -> None:
    world = generate_world(6, 5, datetime(2026, 1, 1, tzinfo=UTC), datetime(2026, 2, 1, tzinfo=UTC))
    path = dump_world(world, tmp_path / f"world{suffix}")
    assert load_world(path) == world
    assert world_to_json(load_world(path)) == world_to_json(world)


def test_the_small_world_round_trips_as_json(tmp_path: Path) -> None:
    small = build_small_world()
    assert load_world(dump_world(small, tmp_path / "small.json")) == small


def test_schema_errors_name_file_line_and_field(tmp_path: Path) -> None:
    text = VALID.replace("handle: gemvoorbeeld", "handle: gem voorbeeld")
    message = problem(tmp_path, text)
    assert "world.yaml:6 (organisations[0].accounts[0].handle)" in message
    assert "should match pattern" in message


def test_unknown_and_missing_fields(tmp_path: Path) -> None:
    text = VALID.replace("        text: Vraag\n", "        txt: Vraag\n").replace(
        "            created_at: 2026-01-05T09:05:00Z\n", ""
    )
    message = problem(tmp_path, text)
    assert "(organisations[0].accounts[0].inbound[0].txt): unknown field" in message
    assert (
        "(organisations[0].accounts[0].posts[1].created_at): required field is missing" in message
    )


def test_timestamps_need_a_timezone(tmp_path: Path) -> None:
    message = problem(tmp_path, VALID.replace("2026-01-05T09:00:00Z", "2026-01-05 09:00:00"))
    assert "posts[0].created_at" in message
    assert "timezone" in message


def test_references_are_checked(tmp_path: Path) -> None:
    message = problem(tmp_path, VALID.replace("target: p1", "target: p9"))
    assert "world.yaml:13 (organisations[0].accounts[0].posts[1].target)" in message
    assert "no post or message has the key 'p9'" in message


def test_reddit_rules_are_checked(tmp_path: Path) -> None:
    text = VALID.replace("platform: x", "platform: reddit").replace(
        "handle: gemvoorbeeld", "handle: GemVoorbeeld"
    )
    message = problem(tmp_path, text)
    assert "posts[0].title): a Reddit submission needs a title" in message


def test_bad_json_names_the_line(tmp_path: Path) -> None:
    path = write(tmp_path, '{"organisations": [\n  {"id": }\n]}', "world.json")
    with pytest.raises(WorldFileError, match=r"world\.json:2"):
        load_world(path)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(WorldFileError, match="not found"):
        load_world(tmp_path / "nope.yaml")
