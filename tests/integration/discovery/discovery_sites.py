"""Local web servers, one per host name, each answering a fixed set of paths.

The organisation's website, its Bluesky domain, a Mastodon server and a Bluesky AppView, as the
discovery tests meet them; ``--resolve HOST=URL`` sends each host's requests to its server. The
API answers are in the shapes the platforms document (Mastodon's Account entity, Bluesky's
``app.bsky.actor.defs#profileViewDetailed``).
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

Answer = tuple[int, str, bytes]


def html(body: str) -> Answer:
    return 200, "text/html; charset=utf-8", body.encode()


def as_json(data: Any, status: int = 200) -> Answer:
    return status, "application/json", json.dumps(data).encode()


def text(body: str) -> Answer:
    return 200, "text/plain", body.encode()


@dataclass
class Site:
    """``path?query -> answer``; a query-less key answers any query on that path."""

    answers: Mapping[str, Answer]
    requests: list[str]


def _handler(site: Site) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            site.requests.append(self.path)
            parts = urlsplit(self.path)
            query = parse_qs(parts.query)
            key = parts.path + ("?" + "&".join(f"{k}={v[0]}" for k, v in sorted(query.items())))
            answer = site.answers.get(key) or site.answers.get(parts.path)
            status, ctype, body = answer or (404, "application/json", b'{"error":"not found"}')
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    return Handler


@contextmanager
def serve(hosts: Mapping[str, Mapping[str, Answer]]) -> Iterator[tuple[list[str], dict[str, Site]]]:
    """Start one server per host; yield the ``--resolve`` entries and each host's site."""
    servers: list[ThreadingHTTPServer] = []
    sites: dict[str, Site] = {}
    resolve: list[str] = []
    try:
        for host, answers in hosts.items():
            site = Site(dict(answers), [])
            server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(site))
            threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
            servers.append(server)
            sites[host] = site
            resolve.append(f"{host}=http://127.0.0.1:{server.server_address[1]}")
        yield resolve, sites
    finally:
        for server in servers:
            server.shutdown()
            server.server_close()
