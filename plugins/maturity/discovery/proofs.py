"""The proofs that tie an account to an organisation, and how strong they are together.

A link from the organisation's own website is the organisation's word; a link back from the
account's profile (best: one the server verified, as Mastodon does with ``rel=me``) closes the
loop; a Bluesky handle on the organisation's own domain is proof by itself, because only the
domain's owner can publish it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from maturity.discovery.profile_urls import host_of

ProofKind = Literal[
    "website_rel_me", "website_link", "profile_links_back", "verified_link_back", "domain_handle"
]
Strength = Literal["strong", "website only"]

TWO_WAY: frozenset[str] = frozenset({"profile_links_back", "verified_link_back", "domain_handle"})
LABELS: dict[str, dict[str, str]] = {
    "website_rel_me": {
        "en": "the website links it with rel=me",
        "nl": "de website linkt ernaar met rel=me",
    },
    "website_link": {"en": "the website links it", "nl": "de website linkt ernaar"},
    "profile_links_back": {
        "en": "its profile links back to the website",
        "nl": "het profiel linkt terug naar de website",
    },
    "verified_link_back": {
        "en": "its server verified the link back to the website (rel=me)",
        "nl": "de server heeft de link terug naar de website geverifieerd (rel=me)",
    },
    "domain_handle": {
        "en": "its handle is on the organisation's own domain",
        "nl": "de handle staat op het eigen domein van de organisatie",
    },
}


@dataclass(frozen=True)
class Proof:
    kind: ProofKind
    detail: str
    """Where it was seen: a URL, a field, a DNS name."""

    def label(self, lang: str = "en") -> str:
        return LABELS[self.kind][lang]


def strength(proofs: Iterable[Proof]) -> Strength:
    return "strong" if any(p.kind in TWO_WAY for p in proofs) else "website only"


def links_back(links: Iterable[str], site_domain: str) -> list[str]:
    """The links that point at the organisation's domain or one of its subdomains."""
    out = []
    for link in links:
        host = host_of(link)
        if host == site_domain or host.endswith(f".{site_domain}"):
            out.append(link)
    return out
