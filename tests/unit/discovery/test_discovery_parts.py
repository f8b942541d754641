"""Which links are accounts, and which function an account's words point at."""

from __future__ import annotations

import pytest

from maturity.discovery.classify import classify
from maturity.discovery.hosts import HostMap
from maturity.discovery.profile_urls import profile_ref
from maturity.discovery.proposal import _comment
from maturity.errors import InputError

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://x.com/GemDuinwijk", ("x", "GemDuinwijk")),
        ("https://twitter.com/@DuinwijkHelpt/", ("x", "DuinwijkHelpt")),
        ("https://x.com/intent/tweet?text=a", None),
        ("https://x.com/i/lists/1", None),
        ("https://x.com/name_far_too_long_for_x", None),
        ("https://www.reddit.com/user/GemeenteDuinwijk", ("reddit", "GemeenteDuinwijk")),
        ("https://old.reddit.com/u/Polder-Stroom", ("reddit", "Polder-Stroom")),
        ("https://bsky.app/profile/Duinwijk.Example", ("bluesky", "duinwijk.example")),
        ("https://bsky.app/profile/did:plc:abc123", ("bluesky", "did:plc:abc123")),
        ("https://social.example.nl/@gemeente", ("mastodon", "gemeente@social.example.nl")),
        ("https://social.example.nl/users/gemeente", ("mastodon", "gemeente@social.example.nl")),
        ("https://social.example.nl/@gemeente/1123", None),
        ("https://www.duinwijk.example/contact", None),
        ("mailto:info@duinwijk.example", None),
    ],
)
def test_profile_links_name_their_platform_and_handle(
    url: str, expected: tuple[str, str] | None
) -> None:
    ref = profile_ref(url)
    assert (None if ref is None else (ref.platform, ref.handle)) == expected


def test_a_subreddit_link_is_a_subreddit_not_an_account() -> None:
    ref = profile_ref("https://www.reddit.com/r/duinwijk/")
    assert ref is not None
    assert ref.subreddit == "duinwijk"
    assert ref.handle == ""


@pytest.mark.parametrize(
    ("handle", "name", "bio", "function"),
    [
        ("DuinwijkHelpt", "", "", "service"),
        ("GemDuinwijk", "Gemeente Duinwijk", "Het officiële account", "main"),
        ("WerkenBijPolder", "", "", "careers"),
        ("PolderPers", "Persvoorlichting", "", "press"),
        ("BurgDuinwijk", "Burgemeester van Duinwijk", "", "leadership"),
        ("duinwijk_noord", "", "Nieuws uit stadsdeel Noord en de wijk", "regional"),
        ("acme", "", "Customer care 24/7, we help you", "service"),
    ],
)
def test_functions_come_from_the_words_of_handle_name_and_bio(
    handle: str, name: str, bio: str, function: str
) -> None:
    assert classify(handle, name, bio).function == function


def test_the_guess_names_the_words_it_rests_on() -> None:
    guess = classify("DuinwijkHelpt", "", "Webcare van de gemeente")
    assert guess.function == "service"
    assert "'webcare'" in guess.reason()
    assert "'helpt'" in guess.reason()


def test_host_map_rewrites_only_mapped_hosts() -> None:
    hosts = HostMap.parse(["social.example.nl=http://127.0.0.1:8080"])
    assert hosts.url("https://social.example.nl/api/v1/x?a=1") == (
        "http://127.0.0.1:8080/api/v1/x?a=1"
    )
    assert hosts.url("https://other.example/") == "https://other.example/"
    with pytest.raises(InputError, match="is not HOST=URL"):
        HostMap.parse(["social.example.nl=ftp://x"])


def test_text_from_profiles_cannot_break_out_of_a_yaml_comment() -> None:
    assert _comment("bio\nfunction: x\r\n- evil") == "# bio function: x - evil"
