"""Every loader reads through ``maturity.yamlfile``: its limits and refusals, each named."""

from __future__ import annotations

import os
import re
import time
from pathlib import Path

import pytest

from maturity import yamlfile
from maturity.errors import InputError
from maturity.questionnaire import load_questionnaire, render_template
from maturity.registry import load_registry
from maturity.rubric import load_default_rubric
from maturity.yamlfile import MAX_ALIASES, MAX_DEPTH, load_document

pytestmark = [pytest.mark.unit, pytest.mark.timeout(30)]


def _refused(path: Path) -> str:
    with pytest.raises(InputError) as caught:
        load_document(path)
    return str(caught.value.render())


def _laughs(levels: int = 9) -> str:
    lines = ['l0: &l0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for i in range(1, levels):
        lines.append(f"l{i}: &l{i} [" + ", ".join([f"*l{i - 1}"] * 9) + "]")
    return "\n".join(lines) + "\n"


def test_billion_laughs_is_refused_quickly_naming_the_expansion_limit(tmp_path: Path) -> None:
    path = tmp_path / "laughs.yaml"
    path.write_text(_laughs())  # 9**9 strings when expanded, under 600 bytes
    started = time.monotonic()
    message = _refused(path)
    assert time.monotonic() - started < 5
    assert str(path) in message
    assert "limit on alias expansion" in message
    assert re.search(r"laughs\.yaml:\d+", message), "names the line"


def test_too_many_aliases_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "aliases.yaml"
    path.write_text("a: &a 1\nb: [" + ", ".join(["*a"] * (MAX_ALIASES + 1)) + "]\n")
    assert "limit on aliases" in _refused(path)


def test_a_recursive_alias_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "loop.yaml"
    path.write_text("a: &a [1, *a]\n")
    assert "recursive alias" in _refused(path)


@pytest.mark.parametrize("depth", [MAX_DEPTH + 1, 1000, 100_000])
def test_deep_nesting_is_refused_naming_the_depth_limit(tmp_path: Path, depth: int) -> None:
    path = tmp_path / "deep.yaml"
    path.write_text("x: " + "[" * depth + "]" * depth + "\n")
    message = _refused(path)
    assert "limit on depth" in message


def test_deep_block_nesting_names_the_line_where_the_limit_was_hit(tmp_path: Path) -> None:
    path = tmp_path / "deep.yaml"
    path.write_text("x:\n" + "".join("  " * i + "- \n" for i in range(1, MAX_DEPTH + 10)))
    assert f"deep.yaml:{MAX_DEPTH + 1}" in _refused(path)


def test_deep_json_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "deep.json"
    path.write_text('{"x": ' + "[" * 100_000 + "]" * 100_000 + "}")
    assert "limit on depth" in _refused(path)


def test_a_file_over_the_size_limit_is_refused_before_parsing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(yamlfile, "MAX_BYTES", 1000)
    path = tmp_path / "big.yaml"
    path.write_text("a: " + "x" * 2000 + "\n")
    message = _refused(path)
    assert "limit on size" in message
    assert str(path) in message


def test_aliases_within_the_limits_still_load_with_lines(tmp_path: Path) -> None:
    path = tmp_path / "ok.yaml"
    path.write_text("base: &b {x: 1}\ncopy: *b\nlist:\n  - 1\n  - 2\n")
    doc = load_document(path)
    assert doc.data == {"base": {"x": 1}, "copy": {"x": 1}, "list": [1, 2]}
    assert doc.lines[("copy",)] == 2
    assert doc.lines[("list", 1)] == 5


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_a_fifo_is_refused_without_opening_it(tmp_path: Path) -> None:
    fifo = tmp_path / "q.yaml"
    os.mkfifo(fifo)
    assert "not a regular file" in _refused(fifo)


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="needs /dev/zero")
def test_a_device_is_refused() -> None:
    assert "not a regular file" in _refused(Path("/dev/zero"))


def test_a_duplicate_key_is_refused_naming_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "reg.yaml"
    path.write_text(
        "format: maturity-registry/1\n"
        "organisations:\n  - {id: a, name: A}\n"
        "organisations:\n  - {id: b, name: B}\n"
    )
    with pytest.raises(InputError) as caught:
        load_registry(path)
    message = caught.value.render()
    assert f"{path}:4" in message
    assert "'organisations' appears twice" in message


def test_a_duplicate_key_in_json_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "reg.json"
    path.write_text('{"organisations": [], "organisations": []}')
    assert "appears twice" in _refused(path)


def test_a_duplicate_questionnaire_answer_is_refused(tmp_path: Path) -> None:
    rubric = load_default_rubric()
    text = render_template("acme", rubric, "en")
    first = next(line for line in text.splitlines() if line.startswith("  declared."))
    fact = first.split(":")[0].strip()
    text = text.replace(first, f"  {fact}: true\n  {fact}: false", 1)
    path = tmp_path / "q.yaml"
    path.write_text(text)
    with pytest.raises(InputError) as caught:
        load_questionnaire(path, rubric)
    assert f"'{fact}' appears twice" in caught.value.render()


@pytest.mark.parametrize("value", ["2026-02-30", "2026-13-01", "2026-02-29 10:00:00"])
def test_an_impossible_date_is_bad_input_at_its_line(tmp_path: Path, value: str) -> None:
    path = tmp_path / "dates.yaml"
    path.write_text(f"ok: 2026-02-28\nwhen: {value}\n")
    message = _refused(path)
    assert "dates.yaml:2" in message
    assert "not a valid date" in message
