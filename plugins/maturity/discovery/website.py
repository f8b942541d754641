"""Read an organisation's website: its title, and every link on it with its ``rel`` values.

``rel=me`` links are read with mf2py (the microformats parser that IndieWeb tools and Mastodon's
own verification follow); plain links with BeautifulSoup. Only the page given is read, never a
crawl: the organisation names the page that lists its accounts.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

import requests

from maturity.discovery.hosts import HostMap
from maturity.errors import ConnectorError, InputError

MAX_BYTES = 5 * 1024 * 1024
TIMEOUT_SECONDS = 15.0
USER_AGENT = "social-maturity-discover (+https://github.com/social-maturity)"


@dataclass(frozen=True)
class SiteLink:
    url: str
    rel_me: bool
    text: str


@dataclass(frozen=True)
class SitePage:
    url: str
    title: str | None
    links: tuple[SiteLink, ...]

    @property
    def host(self) -> str:
        return (urlsplit(self.url).hostname or "").lower()


def check_website_url(url: str) -> str:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise InputError(
            f"'{url}' is not a web address",
            where="--website",
            fix="give the full address of the page that lists the accounts, "
            "such as https://www.example.nl/contact",
        )
    return url


def fetch_site(url: str, hosts: HostMap, session: requests.Session) -> SitePage:
    """The page at ``url``; a clear error when it cannot be read as HTML."""
    check_website_url(url)
    target = hosts.url(url)
    try:
        with session.get(
            target,
            timeout=TIMEOUT_SECONDS,
            stream=True,
            headers={"User-Agent": USER_AGENT, "Accept": "text/html"},
        ) as response:
            response.raise_for_status()
            body = response.raw.read(MAX_BYTES + 1, decode_content=True)
            encoding = response.encoding or "utf-8"
            content_type = response.headers.get("Content-Type", "")
    except requests.HTTPError as exc:
        status = exc.response.status_code if exc.response is not None else "?"
        raise ConnectorError(
            f"the website answered HTTP {status}",
            where=url,
            fix="check the address in a browser; give the page that lists the accounts",
        ) from None
    except requests.RequestException as exc:
        raise ConnectorError(
            f"the website could not be reached ({type(exc).__name__})",
            where=url,
            fix="check the address and the network, or map the host with --resolve",
        ) from None
    if len(body) > MAX_BYTES:
        raise ConnectorError(
            f"the page is larger than {MAX_BYTES // (1024 * 1024)} MiB",
            where=url,
            fix="give the page that lists the accounts, not a download",
        )
    if "html" not in content_type.lower():
        raise ConnectorError(
            f"the page is not HTML (Content-Type {content_type or 'missing'})",
            where=url,
            fix="give the address of a web page",
        )
    return parse_site(url, body.decode(encoding, errors="replace"))


def parse_site(url: str, html: str) -> SitePage:
    import mf2py
    from bs4 import BeautifulSoup

    parsed = mf2py.parse(doc=html, url=url)
    rel_me = {u for u in parsed.get("rels", {}).get("me", [])}
    soup = BeautifulSoup(html, "html.parser")
    links: dict[str, SiteLink] = {}
    for anchor in soup.find_all("a", href=True):
        href = urljoin(url, str(anchor["href"]).strip())
        if urlsplit(href).scheme not in ("http", "https"):
            continue
        text = " ".join(anchor.get_text(" ").split())[:200]
        links.setdefault(href, SiteLink(href, href in rel_me, text))
    for href in rel_me:  # <link rel="me"> in the head has no anchor
        links.setdefault(href, SiteLink(href, True, ""))
    title = soup.title.get_text(" ").strip() if soup.title else None
    return SitePage(url=url, title=title or None, links=tuple(links.values()))
