"""Discovery of one organisation's official accounts: website → candidates → lookups → proofs.

:func:`discover` returns every account it considered: the ones it proposes, each with its
proofs and function, and the ones it could not confirm, each with the reason.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

import requests

from maturity.discovery import lookups
from maturity.discovery.classify import Classification, classify
from maturity.discovery.hosts import HostMap
from maturity.discovery.lookups import LookupFailure, RemoteProfile, TxtResolver
from maturity.discovery.profile_urls import ProfileRef, profile_ref
from maturity.discovery.proofs import Proof, Strength, links_back, strength
from maturity.discovery.website import SitePage, fetch_site
from maturity.platforms import BLUESKY, MASTODON, REDDIT

Status = Literal["proposed", "not found"]


@dataclass(frozen=True)
class Candidate:
    platform: str
    handle: str
    classification: Classification
    proofs: tuple[Proof, ...]
    status: Status
    reason: str = ""
    subreddit: str | None = None
    display_name: str = ""

    @property
    def strength(self) -> Strength:
        return strength(self.proofs)


@dataclass(frozen=True)
class Discovery:
    org_id: str
    website: str
    title: str | None
    candidates: tuple[Candidate, ...]
    notes: tuple[str, ...] = field(default=())

    @property
    def proposed(self) -> tuple[Candidate, ...]:
        return tuple(c for c in self.candidates if c.status == "proposed")


@dataclass
class _Draft:
    platform: str
    handle: str
    proofs: list[Proof]
    profile: RemoteProfile | None = None
    failure: str = ""
    subreddit: str | None = None


def _site_domain(page: SitePage) -> str:
    return page.host.removeprefix("www.")


def _website_proof(rel_me: bool, url: str) -> Proof:
    return Proof("website_rel_me" if rel_me else "website_link", url)


def _check_back(draft: _Draft, domain: str) -> None:
    profile = draft.profile
    if profile is None:
        return
    verified = links_back(profile.verified_links, domain)
    if verified:
        draft.proofs.append(Proof("verified_link_back", verified[0]))
        return
    back = links_back(profile.links, domain)
    if back:
        draft.proofs.append(Proof("profile_links_back", back[0]))


def _domain_handle(
    draft: _Draft, domain: str, hosts: HostMap, session: requests.Session, txt: TxtResolver
) -> None:
    profile = draft.profile
    if profile is None or profile.did is None:
        return
    handle = profile.handle.lower()
    if handle != domain and not handle.endswith(f".{domain}"):
        return
    found = lookups.did_for_domain(handle, hosts, session, txt)
    if found is not None and found.did == profile.did:
        where = (
            f"https://{handle}/.well-known/atproto-did"
            if found.method == "https"
            else f"_atproto.{handle} (DNS TXT)"
        )
        draft.proofs.append(Proof("domain_handle", where))


def discover(
    org_id: str,
    website: str,
    *,
    hosts: HostMap | None = None,
    appview: str = lookups.DEFAULT_APPVIEW,
    functions: Mapping[str, str] | None = None,
    session: requests.Session | None = None,
    txt: TxtResolver = lookups.dns_txt,
) -> Discovery:
    """The accounts ``website`` names for ``org_id``, looked up and proven.

    ``functions``: ``handle (lower case) -> function`` that overrides the guess.
    """
    hosts = hosts or HostMap()
    appview = hosts.url(appview)
    functions = {k.lower().removeprefix("@"): v for k, v in (functions or {}).items()}
    own_session = session is None
    session = session or requests.Session()
    try:
        page = fetch_site(website, hosts, session)
        domain = _site_domain(page)
        drafts: dict[str, _Draft] = {}
        subreddits: list[str] = []
        for link in page.links:
            ref = profile_ref(link.url)
            if ref is None:
                continue
            if ref.subreddit is not None:
                subreddits.append(ref.subreddit)
                continue
            draft = drafts.get(ref.key)
            if draft is None:
                draft = drafts[ref.key] = _Draft(ref.platform, ref.handle, [])
                _look_up(draft, ref, hosts, appview)
            draft.proofs.append(_website_proof(link.rel_me, link.url))
        _own_domain_handle(drafts, domain, hosts, appview, session, txt)
        for draft in drafts.values():
            _check_back(draft, domain)
            if draft.platform == BLUESKY:
                _domain_handle(draft, domain, hosts, session, txt)
        notes = _attach_subreddits(drafts, subreddits)
        candidates = tuple(_candidate(d, functions) for d in drafts.values())
    finally:
        if own_session:
            session.close()
    order = {"proposed": 0, "not found": 1}
    candidates = tuple(sorted(candidates, key=lambda c: (order[c.status], c.platform, c.handle)))
    return Discovery(org_id, website, page.title, candidates, tuple(notes))


def _look_up(draft: _Draft, ref: ProfileRef, hosts: HostMap, appview: str) -> None:
    found: RemoteProfile | LookupFailure | None = None
    if ref.platform == MASTODON:
        found = lookups.lookup_mastodon(ref, hosts)
    elif ref.platform == BLUESKY:
        found = lookups.lookup_bluesky(ref.handle, appview)
    if isinstance(found, LookupFailure):
        draft.failure = found.reason
    elif found is not None:
        draft.profile = found
        draft.handle = found.handle


def _own_domain_handle(
    drafts: dict[str, _Draft],
    domain: str,
    hosts: HostMap,
    appview: str,
    session: requests.Session,
    txt: TxtResolver,
) -> None:
    """The Bluesky account whose handle is the organisation's domain, linked or not."""
    if any(d.platform == BLUESKY and d.handle.lower() == domain for d in drafts.values()):
        return
    found = lookups.did_for_domain(domain, hosts, session, txt)
    if found is None:
        return
    profile = lookups.lookup_bluesky(found.did, appview)
    if isinstance(profile, LookupFailure):
        return
    key = f"{BLUESKY}:{profile.handle.lower()}"
    if key not in drafts:
        drafts[key] = _Draft(BLUESKY, profile.handle, [], profile=profile)


def _attach_subreddits(drafts: dict[str, _Draft], subreddits: list[str]) -> list[str]:
    reddit = [d for d in drafts.values() if d.platform == REDDIT]
    names = list(dict.fromkeys(subreddits))
    if not names:
        return []
    if len(reddit) == 1 and len(names) == 1:
        reddit[0].subreddit = names[0]
        return []
    return [
        f"the website links subreddit(s) {', '.join('r/' + n for n in names)}; "
        "add 'subreddit' to the Reddit account that moderates it"
    ]


def _candidate(draft: _Draft, functions: Mapping[str, str]) -> Candidate:
    profile = draft.profile
    name = profile.display_name if profile else ""
    bio = profile.bio if profile else ""
    override = functions.get(draft.handle.lower())
    classification = (
        Classification(override, (), overridden=True)
        if override
        else classify(draft.handle, name, bio)
    )
    looked_up = draft.platform in (MASTODON, BLUESKY)
    if looked_up and profile is None:
        return Candidate(
            draft.platform,
            draft.handle,
            classification,
            tuple(draft.proofs),
            "not found",
            reason=draft.failure or "not looked up",
        )
    return Candidate(
        draft.platform,
        draft.handle,
        classification,
        tuple(draft.proofs),
        "proposed",
        subreddit=draft.subreddit,
        display_name=name,
    )
