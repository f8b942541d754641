"""The HTTP transport under tweepy and PRAW: host redirect, timeouts, and the shared policy.

:class:`PolicyAdapter` is a ``requests`` transport adapter. Mounted on the ``requests.Session``
that tweepy or prawcore uses, it sees every HTTP exchange of the client library's real code
path and

* redirects a fixed host (tweepy always calls ``https://api.twitter.com``) to the configured
  base URL: the real API, a proxy, or the loopback emulator;
* applies a default timeout (tweepy sends none);
* runs every request under :class:`~maturity.connectors.ratelimit.RetryPolicy`: rate-limit
  waits, retries of 5xx / timeouts / connection errors, fail-fast on a far reset;
* turns fatal answers into :class:`~maturity.errors.ConnectorError` naming the account and the
  endpoint, never a credential;
* hands each successful page to ``on_page`` (Reddit's raw-page capture) before the library
  parses it.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import requests
from requests.adapters import HTTPAdapter

from maturity.connectors.landing import safe_params
from maturity.connectors.ratelimit import RateLimit, RateLimitDeferred, RetryPolicy, Transient
from maturity.errors import ConnectorError

if TYPE_CHECKING:
    from maturity.connectors.landing import LandedPage

log = logging.getLogger(__name__)
OnPage = Callable[[requests.PreparedRequest, requests.Response, dict[str, str]], None]
RateLimitReader = Callable[[Mapping[str, str], float], RateLimit]
PASS_THROUGH = frozenset({403, 404})
"""4xx answers the connector interprets (protected, suspended, deleted accounts)."""


def _route_scope(path: str) -> str:
    return re.sub(r"/\d+(?=/|$)", "/:id", path)


def _api_message(response: requests.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return ""
    if not isinstance(body, dict):
        return ""
    for key in ("detail", "title", "message", "error_description", "error", "reason"):
        value = body.get(key)
        if isinstance(value, str) and value:
            return value[:200]
    errors = body.get("errors")
    if isinstance(errors, list) and errors and isinstance(errors[0], dict):
        return str(errors[0].get("message") or errors[0].get("detail") or "")[:200]
    return ""


def _read_body(response: requests.Response) -> None:
    """Read the body under the policy: a connection that closes before the body is complete
    is a transient failure, not an error out of the client library after the adapter."""
    try:
        _ = response.content
    except (requests.exceptions.ChunkedEncodingError, requests.ConnectionError) as exc:
        raise Transient(f"incomplete response body ({type(exc).__name__})") from exc


class PolicyAdapter(HTTPAdapter):
    def __init__(
        self,
        *,
        platform: str,
        policy: RetryPolicy,
        read_rate_limit: RateLimitReader,
        timeout: float,
        secrets: Iterable[str] = (),
        redirect: Mapping[str, str] | None = None,
        scope: Callable[[str], str] = _route_scope,
        hide_rate_limit_headers: bool = False,
        on_page: OnPage | None = None,
        pass_through: frozenset[int] = PASS_THROUGH,
    ) -> None:
        super().__init__()
        self.platform = platform
        self.policy = policy
        self.read_rate_limit = read_rate_limit
        self.timeout = timeout
        self._secrets = tuple(s for s in secrets if s)
        self.redirect = dict(redirect or {})
        self.scope = scope
        self.hide_rate_limit_headers = hide_rate_limit_headers
        self.on_page = on_page
        self.pass_through = pass_through
        """4xx answers handed to the connector (Bluesky names a missing or suspended account
        in a 400 ``InvalidRequest`` / ``AccountTakedown``)."""
        self.account = "(no account)"
        """Set by the connector before each account, for error messages."""
        self._blocked: dict[str, float] = {}
        self._replay: list[LandedPage] = []

    def replay(self, pages: Iterable[LandedPage]) -> None:
        """Answer requests from these landed pages instead of the network: a request whose
        path and query match a page's envelope gets that page's body (each page once), and
        is not handed to ``on_page``'s network accounting as a new request. A task attempt
        that resumes after a rate-limit deferral replays the pages the interrupted attempt
        landed, so the client library pages on from where it stopped without asking again."""
        self._replay.extend(p for p in pages if 200 <= p.envelope.status < 300)

    def _replayed(self, request: requests.PreparedRequest) -> requests.Response | None:
        """The landed page that answers ``request`` (handed to ``on_page`` like a fetched
        one), or None: the request goes to the network."""
        if not self._replay or request.method != "GET":
            return None
        path = urlsplit(request.url or "").path
        params = safe_params(request.url or "", self._secrets)
        for i, page in enumerate(self._replay):
            if page.envelope.path == path and page.envelope.params == params:
                del self._replay[i]
                response = requests.Response()
                response.status_code = page.envelope.status
                response._content = page.body
                response.headers["content-type"] = "application/json; charset=utf-8"
                response.url = request.url or ""
                response.request = request
                response.reason = "OK (replayed from the landing)"
                response.encoding = "utf-8"
                if self.on_page is not None:
                    self.on_page(request, response, {})
                return response
        return None

    # -- messages ------------------------------------------------------------------------------
    def redact(self, text: str) -> str:
        for secret in self._secrets:
            text = text.replace(secret, "***")
        return text

    def _where(self, endpoint: str) -> str:
        return f"{self.platform} account {self.account}, {endpoint}"

    def _error(self, what: str, endpoint: str, fix: str | None = None) -> ConnectorError:
        return ConnectorError(self.redact(what), where=self.redact(self._where(endpoint)), fix=fix)

    def _cap_error(self, endpoint: str, reset_at: float) -> ConnectorError:
        reset = datetime.fromtimestamp(reset_at, UTC).isoformat(timespec="seconds")
        away = reset_at - self.policy.clock()
        return self._error(
            f"the rate limit is used up until {reset} ({away:.0f} s from now, more than the "
            f"{self.policy.max_rate_limit_wait:.0f} s this run waits)",
            endpoint,
            fix="run again after the reset; a reset this far away is usually a usage cap of "
            "the API plan (or raise max_rate_limit_wait in the connection's extra)",
        )

    # -- one attempt ---------------------------------------------------------------------------
    def _rate_limit_wait(self, reset_at: float, endpoint: str, scope: str) -> float | None:
        """The policy's choice (:meth:`RetryPolicy.rate_limit_wait`): seconds to wait inline,
        None for a usage cap, or :class:`RateLimitDeferred` (the scope stays blocked)."""
        try:
            return self.policy.rate_limit_wait(
                reset_at,
                platform=self.platform,
                account=self.redact(self.account),
                endpoint=endpoint,
                scope=scope,
            )
        except RateLimitDeferred:
            self._blocked[scope] = reset_at
            raise

    def _respect_block(self, scope: str, endpoint: str) -> None:
        reset_at = self._blocked.get(scope)
        if reset_at is None or reset_at <= self.policy.clock():
            self._blocked.pop(scope, None)
            return
        wait = self._rate_limit_wait(reset_at, endpoint, scope)
        if wait is None:
            raise self._cap_error(endpoint, reset_at)
        log.warning(
            "%s: the rate limit is used up; waiting %.1f s for its reset",
            self.redact(self._where(endpoint)),
            wait,
        )
        self.policy.sleep(wait)
        self._blocked.pop(scope, None)

    def _classify(
        self, response: requests.Response, scope: str, endpoint: str
    ) -> requests.Response:
        limit = self.read_rate_limit(response.headers, self.policy.clock())
        status = response.status_code
        if limit.remaining is not None and limit.remaining <= 0 and limit.reset_at is not None:
            self._blocked[scope] = limit.reset_at
        if status == 429:
            if limit.reset_at is None:
                raise Transient("HTTP 429 Too Many Requests (no reset given)")
            self._blocked.pop(scope, None)
            wait = self._rate_limit_wait(limit.reset_at, endpoint, scope)
            if wait is None:
                raise self._cap_error(endpoint, limit.reset_at)
            raise Transient("HTTP 429 Too Many Requests", wait=wait)
        if status >= 500:
            raise Transient(f"HTTP {status} {response.reason or ''}".strip())
        if 400 <= status < 500 and status not in self.pass_through:
            message = _api_message(response)
            raise self._error(
                f"HTTP {status} {response.reason or ''}{': ' + message if message else ''}",
                endpoint,
                fix=(
                    "check the credentials in the connection (401), the app's access level "
                    "(403) or the request (400); this is not retried"
                ),
            )
        return response

    def _redirect(self, request: requests.PreparedRequest) -> None:
        for prefix, target in self.redirect.items():
            if request.url and request.url.startswith(prefix):
                request.url = target + request.url[len(prefix) :]
                return

    def send(  # type: ignore[override]
        self,
        request: requests.PreparedRequest,
        stream: bool = False,
        timeout: float | tuple[float, float] | None = None,
        verify: bool | str = True,
        cert: Any = None,
        proxies: Mapping[str, str] | None = None,
    ) -> requests.Response:
        self._redirect(request)
        path = urlsplit(request.url or "").path
        endpoint = f"{request.method} {path}"
        scope = self.scope(path)
        replayed = self._replayed(request)
        if replayed is not None:
            return replayed

        def attempt() -> requests.Response:
            self._respect_block(scope, endpoint)
            try:
                response = super(PolicyAdapter, self).send(
                    request,
                    stream=stream,
                    timeout=timeout or self.timeout,
                    verify=verify,
                    cert=cert,
                    proxies=proxies,
                )
            except requests.Timeout as exc:
                raise Transient(f"timeout ({type(exc).__name__})") from exc
            except requests.ConnectionError as exc:
                raise Transient(f"connection error ({type(exc).__name__})") from exc
            if not stream:
                _read_body(response)
            return self._classify(response, scope, endpoint)

        try:
            response = self.policy.run(attempt, what=self.redact(self._where(endpoint)))
        except Transient as exc:
            raise self._error(
                f"{exc.reason}, still after {self.policy.attempts} attempts",
                endpoint,
                fix="the platform is failing or unreachable; try again later "
                "(max_retries and timeout are set in the connection's extra)",
            ) from None
        rate_headers = {
            k.lower(): v
            for k, v in response.headers.items()
            if k.lower().startswith(("x-rate-limit-", "x-ratelimit-", "ratelimit-"))
        }
        if self.on_page is not None and (
            200 <= response.status_code < 300 or response.status_code in self.pass_through
        ):
            self.on_page(request, response, rate_headers)
        if self.hide_rate_limit_headers:
            # prawcore paces and sleeps on these headers with time.sleep; this policy owns waits.
            for name in rate_headers:
                del response.headers[name]
        return response
