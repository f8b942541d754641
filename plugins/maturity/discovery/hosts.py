"""Where a host's requests really go: ``--resolve HOST=URL``, as curl's option of that name.

An organisation's website and its Mastodon instance are named by host. A test, a proxy or a
private mirror serves them elsewhere; the proofs still speak of the real host, only the request
goes to the mapped base URL.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from urllib.parse import urlsplit, urlunsplit

from maturity.errors import InputError


@dataclass(frozen=True)
class HostMap:
    """``host -> base URL`` (scheme, host and port of where the host is really served)."""

    bases: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def parse(cls, entries: Iterable[str], *, option: str = "--resolve") -> HostMap:
        bases: dict[str, str] = {}
        for entry in entries:
            host, sep, base = entry.partition("=")
            parts = urlsplit(base)
            if not sep or not host or parts.scheme not in ("http", "https") or not parts.netloc:
                raise InputError(
                    f"'{entry}' is not HOST=URL",
                    where=option,
                    fix="write it as social.example.nl=http://127.0.0.1:8080",
                )
            bases[host.lower()] = urlunsplit((parts.scheme, parts.netloc, "", "", ""))
        return cls(bases)

    def base(self, scheme: str, host: str) -> str:
        """The base URL requests for ``host`` go to."""
        return self.bases.get(host.lower(), f"{scheme}://{host}")

    def url(self, url: str) -> str:
        """``url`` with its scheme and host replaced by the host's mapped base, if any."""
        parts = urlsplit(url)
        mapped = self.bases.get((parts.hostname or "").lower())
        if mapped is None:
            return url
        base = urlsplit(mapped)
        return urlunsplit((base.scheme, base.netloc, parts.path, parts.query, ""))
