"""``maturity discover`` against an organisation's website served locally, with a Mastodon
server, a Bluesky AppView and the Bluesky domains answering in the platforms' documented shapes."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
import yaml
from discovery_sites import Answer, Site, as_json, html, serve, text
from typer.testing import CliRunner

from maturity.cli import app
from maturity.discovery.discover import Discovery, discover
from maturity.discovery.hosts import HostMap
from maturity.registry import Organisation

pytestmark = pytest.mark.integration

WEBSITE = "https://www.duinwijk.example/contact"
APPVIEW = "https://appview.test.example"
MAIN_DID = "did:plc:duinwijkmain0000000000aa"
JOBS_DID = "did:plc:duinwijkjobs0000000000aa"
STRAY_DID = "did:plc:strayprofile0000000000aa"

PAGE = """<!doctype html>
<html><head><title>Gemeente Duinwijk</title>
<link rel="me" href="https://social.duinwijk.example/@gemeente">
</head><body>
<nav><a href="/">Home</a> <a href="https://x.com/intent/tweet?text=hoi">Deel</a></nav>
<h1>Contact</h1>
<ul>
 <li><a rel="me noopener" href="https://x.com/GemDuinwijk">X</a></li>
 <li><a href="https://twitter.com/DuinwijkHelpt">Webcare op X</a></li>
 <li><a href="https://www.reddit.com/user/GemeenteDuinwijk">Reddit</a>
     en ons forum <a href="https://www.reddit.com/r/duinwijk">r/duinwijk</a></li>
 <li><a href="https://bsky.app/profile/werkenbij.duinwijk.example">Werken bij (Bluesky)</a></li>
 <li><a href="https://bsky.app/profile/someone-else.bsky.social">Een fan</a></li>
 <li><a href="https://social.duinwijk.example/@wethouder">Wethouder</a></li>
 <li><a href="https://social.duinwijk.example/@opgeheven">Oud account</a></li>
 <li><a href="https://blog.example/@schrijver">Blog</a></li>
</ul></body></html>"""


def mastodon_account(username: str, name: str, note: str, fields: list[dict[str, Any]]) -> Any:
    # The Account entity of Mastodon's REST API (docs: entities/Account).
    return {
        "id": "109" + str(abs(hash(username)) % 10**12),
        "username": username,
        "acct": username,
        "display_name": name,
        "locked": False,
        "bot": False,
        "discoverable": True,
        "group": False,
        "created_at": "2022-11-07T00:00:00.000Z",
        "note": note,
        "url": f"https://social.duinwijk.example/@{username}",
        "uri": f"https://social.duinwijk.example/users/{username}",
        "avatar": "https://social.duinwijk.example/avatars/original/missing.png",
        "avatar_static": "https://social.duinwijk.example/avatars/original/missing.png",
        "header": "https://social.duinwijk.example/headers/original/missing.png",
        "header_static": "https://social.duinwijk.example/headers/original/missing.png",
        "followers_count": 1200,
        "following_count": 80,
        "statuses_count": 640,
        "last_status_at": "2026-11-30",
        "emojis": [],
        "fields": fields,
    }


def bluesky_profile(did: str, handle: str, name: str, description: str) -> Any:
    # app.bsky.actor.defs#profileViewDetailed
    return {
        "did": did,
        "handle": handle,
        "displayName": name,
        "description": description,
        "followersCount": 300,
        "followsCount": 20,
        "postsCount": 150,
        "indexedAt": "2026-11-01T00:00:00.000Z",
        "createdAt": "2024-02-06T00:00:00.000Z",
        "labels": [],
    }


def world() -> dict[str, dict[str, Answer]]:
    lookup = "/api/v1/accounts/lookup"
    profile = "/xrpc/app.bsky.actor.getProfile"
    verified = {
        "name": "Website",
        "value": '<a href="https://www.duinwijk.example" rel="nofollow noopener me" '
        'target="_blank">www.duinwijk.example</a>',
        "verified_at": "2025-03-01T10:00:00.000+00:00",
    }
    unverified = {
        "name": "Site",
        "value": '<a href="https://duinwijk.example/bestuur">duinwijk.example/bestuur</a>',
        "verified_at": None,
    }
    jobs = bluesky_profile(
        JOBS_DID, "werkenbij.duinwijk.example", "Werken bij Duinwijk", "Vacatures en stages."
    )
    main = bluesky_profile(
        MAIN_DID, "duinwijk.example", "Gemeente Duinwijk", "Nieuws en service. duinwijk.example"
    )
    stray = bluesky_profile(STRAY_DID, "someone-else.bsky.social", "Fan", "Ik woon in Duinwijk")
    return {
        "www.duinwijk.example": {"/contact": html(PAGE)},
        "duinwijk.example": {"/.well-known/atproto-did": text(MAIN_DID + "\n")},
        "werkenbij.duinwijk.example": {"/.well-known/atproto-did": text(JOBS_DID)},
        "social.duinwijk.example": {
            f"{lookup}?acct=gemeente": as_json(
                mastodon_account(
                    "gemeente", "Gemeente Duinwijk", "<p>Officieel account</p>", [verified]
                )
            ),
            f"{lookup}?acct=wethouder": as_json(
                mastodon_account(
                    "wethouder", "Wethouder Jansen", "<p>Wethouder van Duinwijk</p>", [unverified]
                )
            ),
            lookup: as_json({"error": "Record not found"}, status=404),
        },
        "appview.test.example": {
            f"{profile}?actor=werkenbij.duinwijk.example": as_json(jobs),
            f"{profile}?actor={MAIN_DID}": as_json(main),
            f"{profile}?actor=someone-else.bsky.social": as_json(stray),
            profile: as_json({"error": "InvalidRequest", "message": "Profile not found"}, 400),
        },
    }


@pytest.fixture(scope="module")
def sites() -> Iterator[tuple[list[str], dict[str, Site]]]:
    with serve(world()) as served:
        yield served


def no_dns(name: str) -> list[str]:
    return []


def run(resolve: list[str], **kw: Any) -> Discovery:
    return discover(
        "gemeente-duinwijk",
        WEBSITE,
        hosts=HostMap.parse(resolve),
        appview=APPVIEW,
        txt=no_dns,
        **kw,
    )


def by_key(d: Discovery) -> dict[str, Any]:
    return {f"{c.platform}:{c.handle.lower()}": c for c in d.candidates}


def test_discovery_finds_every_planted_account_with_its_proof(sites: Any) -> None:
    resolve, _ = sites
    found = by_key(run(resolve))
    proofs = {k: sorted(p.kind for p in c.proofs) for k, c in found.items()}
    assert proofs["mastodon:gemeente@social.duinwijk.example"] == [
        "verified_link_back",
        "website_rel_me",
    ]
    assert proofs["mastodon:wethouder@social.duinwijk.example"] == [
        "profile_links_back",
        "website_link",
    ]
    assert proofs["x:gemduinwijk"] == ["website_rel_me"]
    assert proofs["x:duinwijkhelpt"] == ["website_link"]
    assert proofs["reddit:gemeenteduinwijk"] == ["website_link"]
    assert found["reddit:gemeenteduinwijk"].subreddit == "duinwijk"
    # A handle on the organisation's own domain, proven by the domain's well-known DID.
    assert proofs["bluesky:werkenbij.duinwijk.example"] == ["domain_handle", "website_link"]
    # Not linked from the page at all: found through the domain's own atproto-did.
    assert proofs["bluesky:duinwijk.example"] == ["domain_handle", "profile_links_back"]
    assert found["bluesky:duinwijk.example"].strength == "strong"
    assert found["x:gemduinwijk"].strength == "website only"
    # A fan's profile linked from the page proves nothing back: proposed as website-only.
    assert found["bluesky:someone-else.bsky.social"].strength == "website only"


def test_accounts_the_platform_does_not_know_are_not_proposed_and_say_why(sites: Any) -> None:
    resolve, _ = sites
    found = by_key(run(resolve))
    gone = found["mastodon:opgeheven@social.duinwijk.example"]
    assert gone.status == "not found"
    assert "knows no account 'opgeheven'" in gone.reason
    blog = found["mastodon:schrijver@blog.example"]
    assert blog.status == "not found"
    assert "did not answer as a Mastodon server" in blog.reason
    # Page links that are not accounts (share intents, the home page) are no candidates.
    assert not any(k.startswith("x:intent") for k in found)


def test_functions_are_guessed_from_handle_and_bio_and_can_be_overridden(sites: Any) -> None:
    resolve, _ = sites
    found = by_key(run(resolve))
    assert found["x:duinwijkhelpt"].classification.function == "service"
    assert found["bluesky:werkenbij.duinwijk.example"].classification.function == "careers"
    assert found["mastodon:wethouder@social.duinwijk.example"].classification.function == (
        "leadership"
    )
    assert found["x:gemduinwijk"].classification.function == "main"
    overridden = by_key(run(resolve, functions={"GemDuinwijk": "press"}))["x:gemduinwijk"]
    assert overridden.classification.function == "press"
    assert overridden.classification.reason() == "set by the user"


def test_the_cli_writes_a_registry_entry_that_loads(sites: Any, tmp_path: Any) -> None:
    resolve, _ = sites
    out = tmp_path / "proposal.yaml"
    args = ["discover", "gemeente-duinwijk", "--website", WEBSITE, "--appview", APPVIEW]
    for entry in resolve:
        args += ["--resolve", entry]
    result = CliRunner().invoke(app, [*args, "--out", str(out)])
    assert result.exit_code == 0, result.output
    doc = yaml.safe_load(out.read_text())
    org = Organisation.model_validate(doc["organisations"][0])
    assert org.name == "Gemeente Duinwijk"
    keys = {a.key for a in org.accounts}
    assert "mastodon:gemeente@social.duinwijk.example" in keys
    assert "bluesky:duinwijk.example" in keys
    assert "mastodon:opgeheven@social.duinwijk.example" not in keys
    assert "# not proposed: mastodon opgeheven@social.duinwijk.example" in out.read_text()

    as_data = CliRunner().invoke(app, [*args, "--json"])
    assert as_data.exit_code == 0, as_data.output
    data = json.loads(as_data.stdout)
    statuses = {c["handle"]: c["status"] for c in data["candidates"]}
    assert statuses["opgeheven@social.duinwijk.example"] == "not found"


def test_an_unreachable_website_is_a_clear_error_naming_it() -> None:
    result = CliRunner().invoke(
        app,
        [
            "discover",
            "gemeente-duinwijk",
            "--website",
            "https://www.duinwijk.example/",
            "--resolve",
            "www.duinwijk.example=http://127.0.0.1:9",
        ],
    )
    assert result.exit_code == 1
    assert "https://www.duinwijk.example/" in result.output
    assert "could not be reached" in result.output
    assert "Traceback" not in result.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["Gemeente X", "--website", WEBSITE], "is not an organisation id"),
        (["gemeente-x", "--website", "www.duinwijk.example"], "is not a web address"),
        (["gemeente-x", "--website", WEBSITE, "--function", "a=chief"], "HANDLE=FUNCTION"),
        (["gemeente-x", "--website", WEBSITE, "--resolve", "nohost"], "is not HOST=URL"),
    ],
)
def test_bad_arguments_exit_2_naming_the_argument(args: list[str], message: str) -> None:
    result = CliRunner().invoke(app, ["discover", *args])
    assert result.exit_code == 2
    assert message in result.output
