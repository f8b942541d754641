"""The organisation registry loads, resolves questionnaires and reports errors at file:line."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from maturity.errors import InputError
from maturity.input_file import load_evidence_file
from maturity.registry import load_registry
from maturity.sandbox.demo import demo_evidence_path, demo_registry_path

pytestmark = pytest.mark.unit

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "registry.md"

VALID = """\
format: maturity-registry/1
organisations:
  - id: gemeente-a
    name: Gemeente A
    sector: municipality
    timezone: Europe/Amsterdam
    name_stems: [gemeentea]
    questionnaire: questionnaires/gemeente-a.yaml
    accounts:
      - {platform: x, handle: "@GemeenteA", function: main}
      - platform: reddit
        handle: u/GemeenteA
        function: service
        subreddit: gemeentea
  - id: museum-b
    name: Museum B
"""


def write(tmp_path: Path, text: str, name: str = "reg.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def line_of(text: str, needle: str) -> int:
    return next(i for i, ln in enumerate(text.splitlines(), 1) if needle in ln)


def test_a_valid_registry_loads(tmp_path: Path) -> None:
    registry = load_registry(write(tmp_path, VALID))
    a = registry.get("gemeente-a")
    assert (a.name, a.sector, a.timezone, a.name_stems) == (
        "Gemeente A",
        "municipality",
        "Europe/Amsterdam",
        ("gemeentea",),
    )
    assert a.questionnaire == tmp_path / "questionnaires" / "gemeente-a.yaml"
    assert [acc.key for acc in a.accounts] == ["x:gemeentea", "reddit:gemeentea"]
    assert a.accounts[0].handle == "GemeenteA"
    assert a.accounts[1].subreddit == "gemeentea"
    assert a.platforms == ("reddit", "x")


def test_defaults(tmp_path: Path) -> None:
    b = load_registry(write(tmp_path, VALID)).get("museum-b")
    assert (b.sector, b.timezone, b.name_stems, b.questionnaire, b.accounts) == (
        "other",
        "Europe/Amsterdam",
        (),
        None,
        (),
    )


def test_an_absolute_questionnaire_path_is_kept(tmp_path: Path) -> None:
    text = VALID.replace("questionnaires/gemeente-a.yaml", "/srv/q/gemeente-a.yaml")
    a = load_registry(write(tmp_path, text)).get("gemeente-a")
    assert a.questionnaire == Path("/srv/q/gemeente-a.yaml")


def test_a_federated_handle(tmp_path: Path) -> None:
    text = VALID.replace(
        '{platform: x, handle: "@GemeenteA"',
        '{platform: mastodon, handle: "@gemeentea@social.example"',
    )
    a = load_registry(write(tmp_path, text)).get("gemeente-a")
    assert a.accounts[0].key == "mastodon:gemeentea@social.example"


def test_get_an_unknown_organisation(tmp_path: Path) -> None:
    with pytest.raises(KeyError):
        load_registry(write(tmp_path, VALID)).get("nope")


def test_the_demo_registry_matches_the_demo_evidence() -> None:
    registry = load_registry(demo_registry_path())
    evidence = {o.org_id: o for o in load_evidence_file(demo_evidence_path())}
    assert [o.id for o in registry.organisations] == list(evidence)
    for org in registry.organisations:
        ev = evidence[org.id]
        assert (org.name, org.sector) == (ev.name, ev.sector)
        assert org.platforms == tuple(sorted(ev.evidence.platforms_expected)), org.id


def test_the_example_in_the_docs_loads(tmp_path: Path) -> None:
    doc = DOC.read_text(encoding="utf-8")
    example = next(b for b in re.findall(r"```yaml\n(.*?)```", doc, re.S) if "organisations:" in b)
    registry = load_registry(write(tmp_path, example))
    assert [o.id for o in registry.organisations] == ["gemeente-duinwijk", "museum-kleischuur"]


# ---------------------------------------------------------------- errors: file:line and field

CASES = [
    (
        "unknown platform",
        "platform: reddit",
        "platform: tiktok",
        "platform: tiktok",
        ["organisations[0].accounts[1].platform", "unknown platform 'tiktok'"],
    ),
    (
        "unknown function",
        "function: service",
        "function: helpdesk",
        "function: helpdesk",
        ["organisations[0].accounts[1].function", "unknown function 'helpdesk'"],
    ),
    (
        "bad handle",
        '"@GemeenteA"',
        '"Gemeente A!"',
        "Gemeente A!",
        ["organisations[0].accounts[0].handle", "has characters a handle cannot have"],
    ),
    (
        "unknown timezone",
        "Europe/Amsterdam",
        "Europe/Duinwijk",
        "Europe/Duinwijk",
        ["organisations[0].timezone", "unknown timezone 'Europe/Duinwijk'"],
    ),
    (
        "unknown field",
        "    sector: municipality\n",
        "    sector: municipality\n    website: https://a.example\n",
        "website:",
        ["organisations[0].website", "Extra inputs are not permitted"],
    ),
    (
        "missing name",
        "    name: Gemeente A\n",
        "",
        "id: gemeente-a",
        ["organisations[0].name", "Field required"],
    ),
    (
        "bad id",
        "id: gemeente-a",
        "id: gemeente_a",
        "id: gemeente_a",
        ["organisations[0].id", "pattern"],
    ),
    (
        "accounts not a list",
        "    accounts:\n",
        "    accounts: none\n    spare:\n",
        "accounts:",
        ["organisations[0].accounts", "valid tuple"],
    ),
    (
        "duplicate account",
        "platform: reddit\n        handle: u/GemeenteA\n        function: service\n"
        "        subreddit: gemeentea",
        "platform: x\n        handle: gemeentea\n        function: service",
        "id: gemeente-a",
        ["organisations[0]", "account x:gemeentea is listed twice"],
    ),
    (
        "no organisations",
        "organisations:\n",
        "orgs:\n",
        "format:",
        ["field 'organisations'", "Field required"],
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
        load_registry(path)
    msg = str(info.value)
    assert msg.startswith(f"{path}:{line_of(text, needle)} ")
    for fragment in fragments:
        assert fragment in msg
    assert "docs/registry.md" in msg


def test_duplicate_organisation_ids(tmp_path: Path) -> None:
    text = VALID.replace("id: museum-b", "id: gemeente-a")
    with pytest.raises(InputError, match=r"organisation id\(s\) listed twice: \['gemeente-a'\]"):
        load_registry(write(tmp_path, text))


def test_malformed_yaml_names_the_line(tmp_path: Path) -> None:
    text = VALID.replace("name_stems: [gemeentea]", "name_stems: [gemeentea")
    path = write(tmp_path, text)
    with pytest.raises(InputError, match="malformed YAML") as info:
        load_registry(path)
    bad = line_of(text, "name_stems")
    # PyYAML reports the line where it noticed the problem: at or just after the bad one.
    reported = int(re.match(rf"{re.escape(str(path))}:(\d+): ", str(info.value))[1])
    assert bad <= reported <= bad + 2


def test_the_top_level_must_be_a_mapping(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="must be a mapping with 'organisations'"):
        load_registry(write(tmp_path, "[1, 2]\n"))


def test_subreddit_only_on_reddit_accounts(tmp_path: Path) -> None:
    p = tmp_path / "reg.yaml"
    p.write_text(
        "organisations:\n  - id: org-a\n    name: A\n    accounts:\n"
        "      - {platform: x, handle: a, subreddit: a}\n"
    )
    with pytest.raises(InputError) as exc:
        load_registry(p)
    assert "organisation 'org-a'" in str(exc.value)
    assert "'subreddit' only applies to reddit accounts, not x" in str(exc.value)
    assert f"{p}:5" in str(exc.value)


# -- identifiers that become part of a URL follow each platform's real rules (issue 10, 11) --
IDENTIFIER_OK = [
    ("x", "handle", "a"),
    ("x", "handle", "GemDuinwijk_015"),  # 15
    ("x", "handle", "@Jack"),
    ("reddit", "handle", "u/Abc"),
    ("reddit", "handle", "Tulpenveld_Verzekert"),  # 20
    ("reddit", "handle", "spez-is-here"),
    ("mastodon", "handle", "gemeente.duinwijk@social.duinwijk.example"),
    ("mastodon", "handle", "@Gargron@mastodon.social"),
    ("bluesky", "handle", "kleischuur.bsky.social"),
    ("bluesky", "handle", "xn--bcher-kva.example"),
    ("reddit", "subreddit", "abc"),
    ("reddit", "subreddit", "r/Duinwijk_2025_Actueel"),  # 21 after r/
]
IDENTIFIER_BAD = [
    ("x", "handle", "GemeenteDuinwijk", "an X handle is 1 to 15"),  # 16: HTTP 400 at X
    ("x", "handle", "gemeente-a", "an X handle"),
    ("x", "handle", "a.b", "an X handle"),
    ("x", "handle", "..", "an X handle"),
    ("reddit", "handle", "ab", "a Reddit username is 3 to 20"),
    ("reddit", "handle", "Tulpenveld_Verzekeringen", "a Reddit username"),  # 24
    ("reddit", "handle", "a.b.c", "a Reddit username"),
    ("mastodon", "handle", "gemeenteduinwijk", "user@host"),
    ("mastodon", "handle", "a@localhost", "user@host"),
    ("mastodon", "handle", "a@.example", "user@host"),
    ("bluesky", "handle", "kleischuur", "domain name"),
    ("bluesky", "handle", "-a.bsky.social", "domain name"),
    ("bluesky", "handle", "a.b.123", "domain name"),
    ("bluesky", "handle", "a@b.social", "domain name"),
    ("reddit", "subreddit", "../../api/v1/me?x=", "a subreddit name is 3 to 21"),
    ("reddit", "subreddit", "ab", "a subreddit name"),
    ("reddit", "subreddit", "duin.wijk", "a subreddit name"),
    ("reddit", "subreddit", "a/b/c", "a subreddit name"),
    ("reddit", "subreddit", "Duinwijk_2025_Actueel_", "a subreddit name"),  # 22
]


def _one_account(platform: str, field: str, value: str) -> str:
    handle = "GemA" if field == "subreddit" else value
    extra = f"\n        subreddit: {json.dumps(value)}" if field == "subreddit" else ""
    return (
        "organisations:\n  - id: org-a\n    name: A\n    accounts:\n"
        f"      - platform: {platform}\n        handle: {json.dumps(handle)}{extra}\n"
    )


@pytest.mark.parametrize(("platform", "field", "value"), IDENTIFIER_OK)
def test_identifiers_within_the_platform_rules_load(
    tmp_path: Path, platform: str, field: str, value: str
) -> None:
    [account] = (
        load_registry(write(tmp_path, _one_account(platform, field, value))).get("org-a").accounts
    )
    got = account.subreddit if field == "subreddit" else account.handle
    assert got == value.removeprefix("@").removeprefix("u/").removeprefix("r/")


@pytest.mark.parametrize(("platform", "field", "value", "rule"), IDENTIFIER_BAD)
def test_identifiers_that_break_the_platform_rules_name_file_line_field_and_rule(
    tmp_path: Path, platform: str, field: str, value: str, rule: str
) -> None:
    text = _one_account(platform, field, value)
    path = write(tmp_path, text)
    with pytest.raises(InputError) as info:
        load_registry(path)
    msg = str(info.value)
    line = line_of(text, f"{field}: ")
    assert msg.startswith(f"{path}:{line} (organisations[0].accounts[0].{field})"), msg
    assert f"field 'organisations[0].accounts[0].{field}'" in msg
    assert rule in msg
    assert "use the name exactly as the platform shows it" in msg
    assert "docs/registry.md" in msg


def test_the_shipped_demo_registry_follows_the_platform_rules() -> None:
    registry = load_registry(demo_registry_path())
    handles = {a.handle for o in registry.organisations for a in o.accounts}
    assert "GemDuinwijk" in handles
    assert "GemeenteDuinwijk" in handles  # its Reddit username: 16 is fine on Reddit
