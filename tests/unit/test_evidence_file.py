"""The evidence file loads into OrgEvidence, and each mistake is reported at its file:line."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from maturity.errors import InputError
from maturity.input_file import load_evidence_file
from maturity.sandbox.demo import demo_evidence_path

pytestmark = pytest.mark.unit

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "evidence-file.md"

VALID = """\
format: maturity-evidence/1
window:
  start: 2026-08-03T00:00:00Z
  end: 2026-11-02T00:00:00Z
organisations:
  - id: gemeente-a
    name: Gemeente A
    sector: municipality
    platforms: [x]
    metrics:
      - {metric: responsiveness.response_rate, value: 0.5, n: 40}
      - metric: presence.accounts_total
        value: 2
        n: 2
        platform: x
        refs:
          - {kind: item, ref: "1850000000000000001", platform: x, account: GemA}
      - {metric: responsiveness.first_response_median_hours, value: 6, n: 20, ci: [4, 9]}
    facts:
      - {fact: declared.training, value: true, declared_by: HR, declared_at: 2026-10-01}
"""


def write(tmp_path: Path, text: str, name: str = "ev.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def line_of(text: str, needle: str) -> int:
    return next(i for i, ln in enumerate(text.splitlines(), 1) if needle in ln)


def test_a_valid_file_loads(tmp_path: Path) -> None:
    [org] = load_evidence_file(write(tmp_path, VALID))
    assert (org.org_id, org.name, org.sector) == ("gemeente-a", "Gemeente A", "municipality")
    ev = org.evidence
    assert ev.window.start == datetime(2026, 8, 3, tzinfo=UTC)
    assert ev.window.end == datetime(2026, 11, 2, tzinfo=UTC)
    assert ev.platforms_expected == ("x",)
    rr, accounts, median = ev.metrics
    assert (rr.metric_id, rr.value, rr.n, rr.platform, rr.account) == (
        "responsiveness.response_rate",
        0.5,
        40,
        "all",
        None,
    )
    assert accounts.platform == "x"
    assert accounts.refs[0].kind == "item"
    assert accounts.refs[0].account == "GemA"
    assert (median.ci_low, median.ci_high) == (4, 9)
    [fact] = ev.facts
    assert (fact.fact_id, fact.value, fact.declared_by, fact.declared_at) == (
        "declared.training",
        True,
        "HR",
        date(2026, 10, 1),
    )


def test_json_loads_too(tmp_path: Path) -> None:
    import json

    import yaml

    data = yaml.safe_load(VALID)
    data["window"] = {k: v.isoformat() for k, v in data["window"].items()}
    data["organisations"][0]["facts"][0]["declared_at"] = "2026-10-01"
    [org] = load_evidence_file(write(tmp_path, json.dumps(data), "ev.json"))
    assert len(org.evidence.metrics) == 3


def test_a_naive_window_is_utc(tmp_path: Path) -> None:
    text = VALID.replace("2026-08-03T00:00:00Z", "2026-08-03T00:00:00")
    [org] = load_evidence_file(write(tmp_path, text))
    assert org.evidence.window.start == datetime(2026, 8, 3, tzinfo=UTC)


def test_an_organisation_without_evidence_is_valid(tmp_path: Path) -> None:
    text = VALID + "  - {id: gemeente-b, name: Gemeente B}\n"
    orgs = load_evidence_file(write(tmp_path, text))
    assert orgs[1].evidence.metrics == ()
    assert orgs[1].sector == "other"


def test_the_demo_file_loads() -> None:
    orgs = load_evidence_file(demo_evidence_path())
    assert len(orgs) >= 12
    assert orgs[0].evidence.window.start == datetime(2026, 8, 3, tzinfo=UTC)
    assert orgs[0].evidence.window.end == datetime(2026, 11, 2, tzinfo=UTC)
    assert {o.org_id for o in orgs} >= {"gemeente-duinwijk", "gemeente-moerkerkenveld"}


def test_the_example_in_the_docs_loads(tmp_path: Path) -> None:
    doc = DOC.read_text(encoding="utf-8")
    example = next(
        b for b in re.findall(r"```yaml\n(.*?)```", doc, re.S) if "maturity-evidence/1" in b
    )
    [org] = load_evidence_file(write(tmp_path, example))
    assert org.org_id == "gemeente-voorbeeld"
    assert {f.fact_id for f in org.evidence.facts} == {
        "declared.social_policy",
        "declared.departments_involved",
    }


# ---------------------------------------------------------------- errors: file:line and field

# (name, old text, new text, the line to expect (found by this needle), fragments of the message)
CASES = [
    (
        "format",
        "maturity-evidence/1",
        "maturity-evidence/2",
        "format:",
        ["field 'format'", "maturity-evidence/1"],
    ),
    (
        "window order",
        "end: 2026-11-02",
        "end: 2026-07-02",
        "window:",
        ["field 'window'", "window end must be after its start"],
    ),
    (
        "unknown metric",
        "responsiveness.response_rate",
        "responsiveness.reply_rate",
        "responsiveness.reply_rate",
        [
            "organisation 'gemeente-a'",
            "metrics[0].metric",
            "unknown metric 'responsiveness.reply_rate'",
        ],
    ),
    (
        "proportion above 1",
        "value: 0.5, n: 40",
        "value: 1.5, n: 40",
        "value: 1.5",
        ["organisation 'gemeente-a'", "metrics[0]", "value 1.5 is not a proportion"],
    ),
    (
        "negative value",
        "value: 2\n",
        "value: -2\n",
        "value: -2",
        ["organisation 'gemeente-a'", "metrics[1]", "cannot be negative"],
    ),
    (
        "negative n",
        "n: 40",
        "n: -1",
        "n: -1",
        ["organisation 'gemeente-a'", "metrics[0].n", "greater than or equal to 0"],
    ),
    (
        "unknown platform",
        "platform: x\n",
        "platform: tiktok\n",
        "platform: tiktok",
        ["metrics[1].platform", "unknown platform 'tiktok'"],
    ),
    (
        "unknown field",
        "value: 0.5, n: 40}",
        "value: 0.5, n: 40, unit: share}",
        "unit: share",
        ["metrics[0].unit", "Extra inputs are not permitted"],
    ),
    (
        "ref kind",
        "{kind: item,",
        "{kind: tweet,",
        "kind: tweet",
        ["refs[0].kind", "'item', 'page', 'query' or 'document'"],
    ),
    (
        "ref hash",
        'ref: "1850000000000000001"',
        'ref: "1850000000000000001", sha256: abc',
        "sha256: abc",
        ["refs[0].sha256", "pattern"],
    ),
    (
        "fact share",
        "value: true",
        "value: 1.5",
        "declared.training",
        ["facts[0].value", "must be true, false or a share"],
    ),
    (
        "fact id",
        "fact: declared.training",
        "fact: training",
        "fact: training",
        ["facts[0].fact", "pattern"],
    ),
    (
        "declared_by missing",
        " declared_by: HR,",
        "",
        "declared.training",
        ["facts[0].declared_by", "Field required"],
    ),
    (
        "declared_at",
        "declared_at: 2026-10-01",
        "declared_at: yesterday",
        "yesterday",
        ["facts[0].declared_at", "valid date"],
    ),
    (
        "organisation id",
        "id: gemeente-a",
        "id: Gemeente_A",
        "id: Gemeente_A",
        ["organisation 'Gemeente_A'", "organisations[0].id", "pattern"],
    ),
    (
        "missing name",
        "    name: Gemeente A\n",
        "",
        "id: gemeente-a",
        ["organisations[0].name", "Field required"],
    ),
]


@pytest.mark.parametrize(
    ("old", "new", "needle", "fragments"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_errors_name_file_line_and_field(
    tmp_path: Path, old: str, new: str, needle: str, fragments: list[str]
) -> None:
    assert old in VALID
    text = VALID.replace(old, new, 1)
    path = write(tmp_path, text)
    with pytest.raises(InputError) as info:
        load_evidence_file(path)
    msg = str(info.value)
    assert msg.startswith(f"{path}:{line_of(text, needle)} ")
    for fragment in fragments:
        assert fragment in msg
    assert "docs/evidence-file.md" in msg


def test_duplicate_organisation_ids(tmp_path: Path) -> None:
    text = VALID + VALID[VALID.index("  - id: gemeente-a") :]
    path = write(tmp_path, text)
    with pytest.raises(InputError, match=r"organisation id\(s\) listed twice: \['gemeente-a'\]"):
        load_evidence_file(path)


def test_malformed_yaml_names_the_line(tmp_path: Path) -> None:
    text = VALID.replace("    name: Gemeente A", "    name: [Gemeente A")
    path = write(tmp_path, text)
    with pytest.raises(InputError, match="malformed YAML") as info:
        load_evidence_file(path)
    bad = line_of(text, "[Gemeente A")
    # PyYAML reports the line where it noticed the problem: at or just after the bad one.
    reported = int(re.match(rf"{re.escape(str(path))}:(\d+): ", str(info.value))[1])
    assert bad <= reported <= bad + 2


def test_the_top_level_must_be_a_mapping(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="must be a mapping with format: maturity-evidence/1"):
        load_evidence_file(write(tmp_path, "- a\n- b\n"))


def test_a_missing_file(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="file not found"):
        load_evidence_file(tmp_path / "none.yaml")
