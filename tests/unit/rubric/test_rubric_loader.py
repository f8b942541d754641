"""The rubric loader's errors name the file, the line, the criterion and the field.

Each test writes a small rubric into ``tmp_path`` (one gate per phase, one goal per phase) and
breaks one thing. Tests marked ``xfail(strict=True)`` state the behaviour the loader should have and
does not have yet; when the loader is fixed they XPASS and fail, so the marker must then go.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from maturity.errors import InputError
from maturity.rubric import load_rubric

pytestmark = pytest.mark.unit

HEADER = """\
rubric: test-rubric
version: "1"
title: {en: Test rubric, nl: Testrubriek}
goals:
  - {id: p1.g, phase: 1, text: {en: plan, nl: plannen}}
  - {id: p2.g, phase: 2, text: {en: be present, nl: aanwezig zijn}}
  - {id: p3.g, phase: 3, text: {en: engage, nl: betrekken}}
  - {id: p4.g, phase: 4, text: {en: formalise, nl: formaliseren}}
  - {id: p5.g, phase: 5, text: {en: strategic, nl: strategisch}}
  - {id: p6.g, phase: 6, text: {en: converge, nl: convergeren}}
criteria:
"""

# One gate per phase. Each criterion's lines are fixed, so tests can find a field by its text.
GATES = {
    1: ("c.accounts", "presence.accounts_total", "1"),
    2: ("c.weeks", "activity.active_weeks_share", "0.5"),
    3: ("c.response_rate", "responsiveness.response_rate", "0.3"),
    4: ("c.functions", "organisation.functions_with_accounts", "2"),
    5: ("c.sponsor", None, "1"),
    6: ("c.within_1h", "responsiveness.within_1h_share", "0.4"),
}


def criterion(
    cid: str, phase: int, source: str | None, threshold: str, *, role: str = "gate", extra: str = ""
) -> str:
    kind = (
        f"kind: observed\n    metric: {source}"
        if source
        else ("kind: declared\n    fact: declared.executive_sponsor")
    )
    return (
        f"  - id: {cid}\n"
        f"    phase: {phase}\n"
        f"    label: {{en: {cid}, nl: {cid}}}\n"
        f"    help: {{en: checks {cid}, nl: controleert {cid}}}\n"
        f"    {kind}\n"
        f"    threshold: {threshold}\n"
        f"    weight: 3\n"
        f"    role: {role}\n"
        f"    advice: {{en: improve, nl: verbeter}}\n"
        f"    goals: [p{phase}.g]\n"
        f"{extra}"
    )


def rubric_text(**override: str) -> str:
    """The valid test rubric; ``override`` maps a criterion id to replacement text."""
    parts = [HEADER]
    for phase, (cid, source, threshold) in GATES.items():
        parts.append(override.get(cid, criterion(cid, phase, source, threshold)))
    return "".join(parts)


def write(tmp_path: Path, text: str, name: str = "rubric.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def line_of(text: str, needle: str, start_after: str | None = None) -> int:
    """1-based line of the first line containing ``needle`` (after ``start_after``, if given)."""
    lines = text.splitlines()
    begin = 0
    if start_after is not None:
        begin = next(i for i, ln in enumerate(lines) if start_after in ln) + 1
    return next(i for i, ln in enumerate(lines) if i >= begin and needle in ln) + 1


def load_error(path: Path) -> str:
    with pytest.raises(InputError) as info:
        load_rubric(path)
    return str(info.value)


# ---------------------------------------------------------------- a valid file


def test_the_test_rubric_is_valid(tmp_path: Path) -> None:
    rubric = load_rubric(write(tmp_path, rubric_text()))
    assert rubric.rubric == "test-rubric"
    assert [c.id for c in rubric.criteria] == [g[0] for g in GATES.values()]
    assert rubric.criterion("c.sponsor").kind == "declared"


def test_json_is_accepted(tmp_path: Path) -> None:
    import json

    import yaml

    data = yaml.safe_load(rubric_text())
    rubric = load_rubric(write(tmp_path, json.dumps(data), "rubric.json"))
    assert len(rubric.criteria) == len(GATES)


# ---------------------------------------------------------------- syntax and structure


def test_malformed_yaml_names_file_and_line(tmp_path: Path) -> None:
    text = rubric_text().replace("    weight: 3\n", "    weight: [3\n", 1)
    path = write(tmp_path, text)
    msg = load_error(path)
    assert "malformed YAML" in msg
    bad = line_of(text, "weight: [3")
    # PyYAML reports the line where it noticed the problem: at or just after the bad one.
    reported = int(msg.split(":", 2)[1])
    assert str(path) in msg
    assert bad <= reported <= bad + 2


def test_top_level_must_be_a_mapping(tmp_path: Path) -> None:
    msg = load_error(write(tmp_path, "- just\n- a list\n"))
    assert "must be a mapping" in msg


def test_missing_file(tmp_path: Path) -> None:
    msg = load_error(tmp_path / "nope.yaml")
    assert "nope.yaml" in msg
    assert "file not found" in msg


def test_unknown_top_level_field(tmp_path: Path) -> None:
    text = rubric_text().replace('version: "1"\n', 'version: "1"\nauthor: me\n')
    path = write(tmp_path, text)
    msg = load_error(path)
    assert f"{path}:{line_of(text, 'author:')}" in msg
    assert "field 'author'" in msg
    assert "Extra inputs are not permitted" in msg


def test_missing_header_field(tmp_path: Path) -> None:
    msg = load_error(write(tmp_path, rubric_text().replace('version: "1"\n', "")))
    assert "field 'version'" in msg
    assert "Field required" in msg


# ---------------------------------------------------------------- criterion fields


def test_unknown_field_names_file_line_criterion_and_field(tmp_path: Path) -> None:
    bad = criterion(
        "c.functions", 4, "organisation.functions_with_accounts", "2", extra="    colour: red\n"
    )
    text = rubric_text(**{"c.functions": bad})
    path = write(tmp_path, text)
    msg = load_error(path)
    assert f"{path}:{line_of(text, 'colour: red')}" in msg
    assert "'c.functions'" in msg
    assert "field 'colour'" in msg
    assert "Extra inputs are not permitted" in msg


def test_misspelt_field_is_not_ignored(tmp_path: Path) -> None:
    text = rubric_text().replace("    threshold: 0.3\n", "    treshold: 0.3\n")
    msg = load_error(write(tmp_path, text))
    assert "'c.response_rate'" in msg
    assert "field 'threshold'" in msg or "field 'treshold'" in msg


def test_unknown_metric_names_file_line_and_criterion(tmp_path: Path) -> None:
    text = rubric_text().replace("responsiveness.response_rate", "responsiveness.reply_rate")
    path = write(tmp_path, text)
    msg = load_error(path)
    assert "unknown metric 'responsiveness.reply_rate'" in msg
    assert "criterion 'c.response_rate'" in msg


def test_unknown_metric_names_the_metric_field_and_its_line(tmp_path: Path) -> None:
    text = rubric_text().replace("responsiveness.response_rate", "responsiveness.reply_rate")
    path = write(tmp_path, text)
    msg = load_error(path)
    assert "field 'metric'" in msg
    assert f"{path}:{line_of(text, 'responsiveness.reply_rate')}" in msg


def test_observed_criterion_needs_a_metric_not_a_fact(tmp_path: Path) -> None:
    text = rubric_text().replace(
        "    metric: responsiveness.response_rate\n",
        "    fact: declared.training\n",
    )
    msg = load_error(write(tmp_path, text))
    assert "'c.response_rate'" in msg
    assert "observed criterion names a 'metric'" in msg


def test_duplicate_criterion_ids(tmp_path: Path) -> None:
    dup = criterion("c.weeks", 3, "responsiveness.response_rate", "0.3")
    text = rubric_text(**{"c.response_rate": dup})
    path = write(tmp_path, text)
    msg = load_error(path)
    first = line_of(text, "id: c.weeks")
    second = line_of(text, "id: c.weeks", start_after="goals: [p2.g]")
    assert f"{path}:{second}" in msg
    assert "duplicate id 'c.weeks'" in msg
    assert f"first at line {first}" in msg


@pytest.mark.parametrize(
    ("cid", "threshold", "expected"),
    [
        ("c.response_rate", "1.5", "threshold 1.5 for default is out of range"),
        ("c.response_rate", "-0.1", "threshold -0.1 for default is out of range"),
        ("c.response_rate", "{x: 0.5, reddit: 1.2}", "threshold 1.2 for reddit is out of range"),
        ("c.accounts", "-1", "cannot be negative"),
        ("c.sponsor", "2", "declared facts are true (1), false (0) or a share"),
    ],
)
def test_threshold_out_of_range(tmp_path: Path, cid: str, threshold: str, expected: str) -> None:
    phase, source = next((p, s) for p, (c, s, _) in GATES.items() if c == cid)
    text = rubric_text(**{cid: criterion(cid, phase, source, threshold)})
    path = write(tmp_path, text)
    msg = load_error(path)
    assert expected in msg
    assert f"criterion '{cid}', field 'threshold'" in msg
    id_line = line_of(text, f"id: {cid}")
    field_line = next(
        i
        for i, t in enumerate(text.splitlines(), 1)
        if i > id_line and t.strip().startswith("threshold:")
    )
    assert f"{path}:{field_line}" in msg


def test_threshold_out_of_range_names_the_threshold_field(tmp_path: Path) -> None:
    text = rubric_text(
        **{
            "c.response_rate": criterion(
                "c.response_rate", 3, "responsiveness.response_rate", "1.5"
            )
        }
    )
    path = write(tmp_path, text)
    msg = load_error(path)
    assert "field 'threshold'" in msg
    assert f"{path}:{line_of(text, 'threshold: 1.5')}" in msg


def test_threshold_for_an_unknown_platform(tmp_path: Path) -> None:
    text = rubric_text(
        **{
            "c.response_rate": criterion(
                "c.response_rate", 3, "responsiveness.response_rate", "{x: 0.3, tiktok: 0.2}"
            )
        }
    )
    path = write(tmp_path, text)
    msg = load_error(path)
    assert "unknown platform(s) ['tiktok']" in msg
    assert "'c.response_rate'" in msg
    assert "field 'threshold'" in msg
    assert f"{path}:{line_of(text, 'tiktok')}" in msg


def test_pooled_needs_a_threshold_for_every_platform(tmp_path: Path) -> None:
    text = rubric_text(
        **{
            "c.response_rate": criterion(
                "c.response_rate",
                3,
                "responsiveness.response_rate",
                "{x: 0.3, reddit: 0.2}",
                extra="    aggregate: pooled\n",
            )
        }
    )
    path = write(tmp_path, text)
    msg = load_error(path)
    assert "'c.response_rate'" in msg
    assert "field 'aggregate'" in msg
    assert "['bluesky', 'mastodon'] have none" in msg
    assert "add 'default'" in msg
    assert f"{path}:{line_of(text, 'aggregate: pooled')}" in msg


def test_pooled_with_default_or_one_number_is_valid(tmp_path: Path) -> None:
    for threshold in ("{default: 0.3, reddit: 0.2}", "0.3"):
        text = rubric_text(
            **{
                "c.response_rate": criterion(
                    "c.response_rate",
                    3,
                    "responsiveness.response_rate",
                    threshold,
                    extra="    aggregate: pooled\n",
                )
            }
        )
        c = load_rubric(write(tmp_path, text)).criterion("c.response_rate")
        assert c.aggregate == "pooled"


def test_pooled_is_for_observed_criteria(tmp_path: Path) -> None:
    text = rubric_text(
        **{"c.sponsor": criterion("c.sponsor", 5, None, "1", extra="    aggregate: pooled\n")}
    )
    path = write(tmp_path, text)
    msg = load_error(path)
    assert "'c.sponsor'" in msg
    assert "field 'aggregate'" in msg
    assert "for observed criteria" in msg
    assert f"{path}:{line_of(text, 'aggregate: pooled')}" in msg


@pytest.mark.parametrize("weight", ["0", "-2", "101"])
def test_weight_out_of_range(tmp_path: Path, weight: str) -> None:
    body = criterion("c.weeks", 2, "activity.active_weeks_share", "0.5").replace(
        "weight: 3", f"weight: {weight}"
    )
    text = rubric_text(**{"c.weeks": body})
    path = write(tmp_path, text)
    msg = load_error(path)
    assert "'c.weeks'" in msg
    assert "field 'weight'" in msg
    assert f"{path}:{line_of(text, f'weight: {weight}')}" in msg


def test_unknown_role(tmp_path: Path) -> None:
    body = criterion("c.weeks", 2, "activity.active_weeks_share", "0.5", role="blocker")
    text = rubric_text(**{"c.weeks": body})
    path = write(tmp_path, text)
    msg = load_error(path)
    assert "'c.weeks'" in msg
    assert "field 'role'" in msg
    assert f"{path}:{line_of(text, 'role: blocker')}" in msg


def test_messages_say_criterion_in_the_singular(tmp_path: Path) -> None:
    body = criterion("c.weeks", 2, "activity.active_weeks_share", "0.5", role="blocker")
    msg = load_error(write(tmp_path, rubric_text(**{"c.weeks": body})))
    assert "criterion 'c.weeks'" in msg


# ---------------------------------------------------------------- coverage of phases and goals


def test_a_phase_without_criteria(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        rubric_text(**{"c.weeks": ""}).replace(
            "  - {id: p2.g, phase: 2, text: {en: be present, nl: aanwezig zijn}}\n", ""
        ),
    )
    msg = load_error(path)
    assert str(path) in msg
    assert "phase 2 (Presence) has no criteria" in msg


def test_a_phase_without_a_gate(tmp_path: Path) -> None:
    body = criterion("c.sponsor", 5, None, "1", role="support")
    path = write(tmp_path, rubric_text(**{"c.sponsor": body}))
    msg = load_error(path)
    assert str(path) in msg
    assert "phase 5 (Strategic) has no criterion with role 'gate'" in msg


def test_unknown_goal_cited(tmp_path: Path) -> None:
    body = criterion("c.functions", 4, "organisation.functions_with_accounts", "2").replace(
        "goals: [p4.g]", "goals: [p4.g, p4.nope]"
    )
    text = rubric_text(**{"c.functions": body})
    path = write(tmp_path, text)
    msg = load_error(path)
    assert f"{path}:{line_of(text, 'p4.nope')}" in msg
    assert "criterion 'c.functions', field 'goals': unknown goal 'p4.nope'" in msg


def test_a_goal_no_criterion_cites(tmp_path: Path) -> None:
    text = rubric_text().replace(
        "criteria:\n", "  - {id: p4.orphan, phase: 4, text: {en: alone, nl: alleen}}\ncriteria:\n"
    )
    path = write(tmp_path, text)
    msg = load_error(path)
    assert f"{path}:{line_of(text, 'p4.orphan')}" in msg
    assert "goal 'p4.orphan' is not tested by any criterion" in msg


def test_goal_with_a_bad_id(tmp_path: Path) -> None:
    text = rubric_text().replace("{id: p6.g, phase: 6", "{id: P6-g, phase: 6")
    path = write(tmp_path, text)
    msg = load_error(path)
    assert "goal 'P6-g'" in msg
    assert "field 'id'" in msg
    assert f"{path}:{line_of(text, 'P6-g')}" in msg


# ---------------------------------------------------------------- extends and remove

NEW_CRITERION = """\
  - id: c.policy
    phase: 4
    label: {en: Policy, nl: Beleid}
    help: {en: declared policy, nl: verklaard beleid}
    kind: declared
    fact: declared.social_policy
    threshold: 1
    weight: 2
    role: support
    advice: {en: write one, nl: schrijf er een}
    goals: [p4.g]
"""


@pytest.fixture
def base(tmp_path: Path) -> Path:
    return write(tmp_path, rubric_text(), "base.yaml")


def test_extends_overrides_only_the_named_fields(tmp_path: Path, base: Path) -> None:
    path = write(
        tmp_path,
        "extends: base.yaml\nrubric: strict\nversion: '2'\ncriteria:\n"
        "  - id: c.response_rate\n    threshold: 0.6\n",
        "strict.yaml",
    )
    strict, original = load_rubric(path), load_rubric(base)
    assert (strict.rubric, strict.version) == ("strict", "2")
    assert strict.title == original.title
    changed = strict.criterion("c.response_rate")
    assert changed.threshold == 0.6
    assert changed.model_copy(update={"threshold": 0.3}) == original.criterion("c.response_rate")
    assert [c.id for c in strict.criteria] == [c.id for c in original.criteria]


def test_extends_adds_a_criterion(tmp_path: Path, base: Path) -> None:
    path = write(
        tmp_path, "extends: base.yaml\nrubric: plus\ncriteria:\n" + NEW_CRITERION, "plus.yaml"
    )
    rubric = load_rubric(path)
    assert rubric.criterion("c.policy").fact == "declared.social_policy"
    assert len(rubric.criteria) == len(GATES) + 1


def test_extends_removes_a_criterion(tmp_path: Path, base: Path) -> None:
    plus = write(
        tmp_path, "extends: base.yaml\nrubric: plus\ncriteria:\n" + NEW_CRITERION, "plus.yaml"
    )
    minus = write(tmp_path, "extends: plus.yaml\nrubric: minus\nremove: [c.policy]\n", "minus.yaml")
    assert "c.policy" in {c.id for c in load_rubric(plus).criteria}
    assert [c.id for c in load_rubric(minus).criteria] == [g[0] for g in GATES.values()]


def test_removing_an_unknown_id_is_an_error(tmp_path: Path, base: Path) -> None:
    text = "extends: base.yaml\nrubric: bad\nremove:\n  - c.nope\n"
    path = write(tmp_path, text, "bad.yaml")
    msg = load_error(path)
    assert f"{path}:{line_of(text, 'remove:')}" in msg
    assert "'remove' names ids the base rubric does not have: ['c.nope']" in msg


def test_removing_a_phases_only_gate_is_caught(tmp_path: Path, base: Path) -> None:
    path = write(tmp_path, "extends: base.yaml\nrubric: bad\nremove: [c.sponsor]\n", "bad.yaml")
    assert "phase 5 (Strategic) has no criteria" in load_error(path)


def test_an_override_is_validated_like_any_criterion(tmp_path: Path, base: Path) -> None:
    text = "extends: base.yaml\nrubric: bad\ncriteria:\n  - id: c.response_rate\n    threshold: 7\n"
    path = write(tmp_path, text, "bad.yaml")
    msg = load_error(path)
    assert f"{path}:{line_of(text, 'threshold: 7')}" in msg
    assert "'c.response_rate'" in msg
    assert "threshold 7 for default is out of range" in msg


def test_an_extends_chain(tmp_path: Path, base: Path) -> None:
    write(
        tmp_path, "extends: base.yaml\nrubric: middle\ncriteria:\n" + NEW_CRITERION, "middle.yaml"
    )
    top = write(
        tmp_path,
        "extends: middle.yaml\nrubric: top\ncriteria:\n  - id: c.policy\n    role: gate\n",
        "top.yaml",
    )
    rubric = load_rubric(top)
    assert rubric.rubric == "top"
    assert rubric.criterion("c.policy").role == "gate"
    assert rubric.criterion("c.policy").fact == "declared.social_policy"


def test_extends_a_missing_file(tmp_path: Path) -> None:
    path = write(tmp_path, "extends: nothere.yaml\n", "orphan.yaml")
    msg = load_error(path)
    assert "nothere.yaml" in msg
    assert "does not exist" in msg


def test_extends_a_missing_file_names_the_extending_file(tmp_path: Path) -> None:
    path = write(tmp_path, "rubric: x\nextends: nothere.yaml\n", "orphan.yaml")
    assert f"{path}:2" in load_error(path)


def test_a_rubric_cannot_extend_itself(tmp_path: Path) -> None:
    path = write(tmp_path, "extends: self.yaml\n", "self.yaml")
    msg = load_error(path)
    assert f"{path}:1" in msg
    assert "cannot extend itself" in msg


def test_an_extends_cycle_stops(tmp_path: Path) -> None:
    write(tmp_path, "extends: b.yaml\n", "a.yaml")
    write(tmp_path, "extends: a.yaml\n", "b.yaml")
    assert "'extends' forms a cycle" in load_error(tmp_path / "a.yaml")


def test_extends_default(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "extends: default\nrubric: mine\nversion: '1'\ncriteria:\n"
        "  - id: engagement.response_rate\n    threshold: 0.5\n",
        "mine.yaml",
    )
    rubric = load_rubric(path)
    assert rubric.criterion("engagement.response_rate").threshold == 0.5
    assert rubric.rubric == "mine"


# ---------------------------------------------------------------- 2026.12.0: versions, fields


def test_a_bundled_earlier_version_loads_by_its_version() -> None:
    from maturity.rubric.loader import bundled_versions

    assert "2026.11.0" in bundled_versions()
    old = load_rubric("2026.11.0")
    assert old.version == "2026.11.0"
    assert old.decision_rule == "wilson_lower_bound"


def test_contradicted_when_is_for_declared_criteria_only(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "extends: default\nrubric: x-test\ncriteria:\n"
        "  - id: engagement.response_rate\n"
        "    contradicted_when:\n"
        "      - {metric: organisation.employee_accounts, comparator: '<=', threshold: 0,"
        " why: {en: a, nl: b}}\n",
        "bad.yaml",
    )
    msg = load_error(path)
    assert "engagement.response_rate" in msg
    assert "'contradicted_when' is for declared criteria" in msg


def test_a_calibration_minimum_above_the_window_is_refused(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "extends: default\nrubric: x-test\n"
        "calibration: {lookback_days: 60, min_lookback_days: 90}\n",
        "bad.yaml",
    )
    assert "min_lookback_days 90 is above lookback_days 60" in load_error(path)
