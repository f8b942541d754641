"""Each candidate looked up on its own platform: who it is, and which links its profile carries.

Mastodon through Mastodon.py (``accounts/lookup`` on the account's own server: profile fields,
and which of them the server *verified* with a ``rel=me`` link back); Bluesky through ``atproto``
on the public AppView, with no login (``app.bsky.actor.getProfile``), and a domain's handle
through the two methods the AT Protocol defines: ``https://DOMAIN/.well-known/atproto-did`` and
the DNS TXT record ``_atproto.DOMAIN``. X and Reddit are not looked up: X charges per read and
Reddit needs an approved app, so their accounts rest on the website's link alone.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import requests

from maturity.discovery.hosts import HostMap
from maturity.discovery.profile_urls import ProfileRef
from maturity.platforms import BLUESKY, MASTODON

DEFAULT_APPVIEW = "https://public.api.bsky.app"
TIMEOUT_SECONDS = 15.0
_URLISH = re.compile(r"(?:https?://)?(?:[A-Za-z0-9-]+\.)+[A-Za-z]{2,63}(?:/[^\s<>\"']*)?")
_DID = re.compile(r"did:(?:plc|web):[A-Za-z0-9._:%-]{1,2048}")


@dataclass(frozen=True)
class RemoteProfile:
    """What a platform says of an account. ``links``: every web address in its bio and fields;
    ``verified_links``: those the platform itself verified (Mastodon's ``verified_at``)."""

    platform: str
    handle: str
    display_name: str
    bio: str
    links: tuple[str, ...]
    verified_links: tuple[str, ...] = ()
    did: str | None = None


@dataclass(frozen=True)
class LookupFailure:
    platform: str
    handle: str
    reason: str


def _hrefs(html: str) -> list[str]:
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(html or "", "html.parser")
    return [str(a["href"]) for a in soup.find_all("a", href=True)]


def _text(html: str) -> str:
    from bs4 import BeautifulSoup

    return " ".join(BeautifulSoup(html or "", "html.parser").get_text(" ").split())


def lookup_mastodon(ref: ProfileRef, hosts: HostMap) -> RemoteProfile | LookupFailure:
    from mastodon import Mastodon, MastodonError, MastodonNotFoundError

    user = ref.handle.split("@", 1)[0]
    api = Mastodon(
        api_base_url=hosts.base(ref.scheme, ref.host),
        request_timeout=TIMEOUT_SECONDS,
        version_check_mode="none",
        ratelimit_method="throw",
    )
    try:
        account = api.account_lookup(user)
    except MastodonNotFoundError:
        return LookupFailure(MASTODON, ref.handle, f"{ref.host} knows no account '{user}'")
    except MastodonError as exc:
        return LookupFailure(
            MASTODON,
            ref.handle,
            f"{ref.host} did not answer as a Mastodon server ({type(exc).__name__})",
        )
    fields = list(account.get("fields") or [])
    links = _hrefs(str(account.get("note") or ""))
    verified: list[str] = []
    for f in fields:
        hrefs = _hrefs(str(f.get("value") or "")) or [_text(str(f.get("value") or ""))]
        links.extend(hrefs)
        if f.get("verified_at"):
            verified.extend(hrefs)
    return RemoteProfile(
        platform=MASTODON,
        handle=f"{account.get('username') or user}@{ref.host}",
        display_name=str(account.get("display_name") or ""),
        bio=_text(str(account.get("note") or "")),
        links=tuple(dict.fromkeys(links)),
        verified_links=tuple(dict.fromkeys(verified)),
    )


def lookup_bluesky(actor: str, appview: str) -> RemoteProfile | LookupFailure:
    """``actor`` is a handle or a DID."""
    from atproto import Client
    from atproto_client.exceptions import AtProtocolError, BadRequestError

    client = Client(base_url=f"{appview.rstrip('/')}/xrpc")
    try:
        profile = client.app.bsky.actor.get_profile({"actor": actor})
    except BadRequestError:
        return LookupFailure(BLUESKY, actor, "the AppView knows no such profile")
    except AtProtocolError as exc:
        return LookupFailure(
            BLUESKY, actor, f"the AppView could not be asked ({type(exc).__name__})"
        )
    bio = str(profile.description or "")
    return RemoteProfile(
        platform=BLUESKY,
        handle=str(profile.handle),
        display_name=str(profile.display_name or ""),
        bio=bio,
        links=tuple(dict.fromkeys(_URLISH.findall(bio))),
        did=str(profile.did),
    )


TxtResolver = Callable[[str], list[str]]
"""``name -> TXT strings``; the default asks the system's DNS resolver."""


def dns_txt(name: str) -> list[str]:
    import dns.exception
    import dns.resolver

    try:
        answer = dns.resolver.resolve(name, "TXT", lifetime=5.0)
    except dns.exception.DNSException:
        return []
    return [b"".join(r.strings).decode("utf-8", "replace") for r in answer]


@dataclass(frozen=True)
class DomainDid:
    domain: str
    did: str
    method: str  # "https" or "dns"


def did_for_domain(
    domain: str, hosts: HostMap, session: requests.Session, txt: TxtResolver = dns_txt
) -> DomainDid | None:
    """The DID a domain names as its Bluesky handle, by either AT Protocol method."""
    url = hosts.url(f"https://{domain}/.well-known/atproto-did")
    try:
        response = session.get(url, timeout=TIMEOUT_SECONDS)
        if response.ok:
            text = response.text.strip()
            if _DID.fullmatch(text):
                return DomainDid(domain, text, "https")
    except requests.RequestException:
        pass
    for record in txt(f"_atproto.{domain}"):
        value = record.strip()
        if value.startswith("did="):
            did = value.removeprefix("did=")
            if _DID.fullmatch(did):
                return DomainDid(domain, did, "dns")
    return None
