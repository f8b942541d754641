"""The raw landing area: every API page verbatim, with an envelope, and a manifest per run.

Layout under the landing root (``maturity.pipeline.settings.landing_root``)::

    <platform>/<org_id>/<handle>/<window>/<endpoint>/<seq>-<sha12>.json       the page, as received
    <platform>/<org_id>/<handle>/<window>/<endpoint>/<seq>-<sha12>.meta.json  its envelope
    <platform>/<org_id>/<handle>/<window>/manifest.json                       every distinct run

``<window>`` is ``<start>_<end>`` in compact UTC (``20250101T000000Z_20250102T000000Z``). Page
names are content-addressed, so a rerun never overwrites a different page, and the same page
lands once. The manifest keeps every distinct run that finished: its pages, in order, plus what
the platform's assembler needs to turn them into records again (the run's context, typed by
:mod:`maturity.connectors.context`; replay merges the runs, see ``commit``); it is written
last, so a crashed run leaves the previous manifest in place. Every file is written to a
temporary name and renamed.

The manifest also keeps a *resume marker* per scheduler run (``completed``: the run keys, e.g.
an Airflow DAG run's id, whose collection of this account and window completed; see
:meth:`AccountLanding.mark_completed`). A retry of the same run skips an account whose marker
is there; a run with another key collects it again, incrementally.

A task attempt that stops for a rate limit (``maturity.connectors.ratelimit.RateLimitDeferred``)
leaves a *checkpoint* (``pending``: per run key, the pages the unfinished collection of the
account had landed, in order; :meth:`Landing.checkpoint`). The next attempt of the same run
reads them back (:meth:`Landing.pending`): the connector's transport answers the same requests
from them, and :meth:`AccountLanding.land` takes each re-landed page from the checkpoint instead
of writing it again, so the collection goes on from its last landed page with the same page
names, and without asking the API twice. The account's commit drops its checkpoint.

Envelopes hold the request route and concrete path, the query parameters with anything secret
removed, ``fetched_at`` (metadata only: no record is derived from it), the HTTP status, the
rate-limit headers and nothing else of the headers, and the body's SHA-256.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import tempfile
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from maturity.connectors.context import AssemblyContext, context_from_manifest
from maturity.errors import ConnectorError, InputError
from maturity.evidence import Window
from maturity.records import PageRef

MANIFEST = "manifest.json"
COMPLETED = "completed"
"""The manifest's list of resume markers: run keys whose collection of the account completed."""
PENDING = "pending"
"""The manifest's checkpoints: per run key, the pages of a collection a rate limit deferred."""
SHARED_ORG = "_shared"
_SECRET_PARAM = re.compile(
    r"(access|refresh|bearer|auth|id|oauth)_?token|secret|passw|api_?key|^key$|signature|^code$"
    r"|authori[sz]ation",
    re.IGNORECASE,
)
"""Query keys that carry credentials; paging tokens (``pagination_token``) are kept."""
_RATE_LIMIT_HEADER = re.compile(r"^(x-)?rate-?limit-", re.IGNORECASE)
_SAFE = re.compile(r"[^A-Za-z0-9_.@\-]")


def window_dir(window: Window) -> str:
    def fmt(d: datetime) -> str:
        return d.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")

    return f"{fmt(window.start)}_{fmt(window.end)}"


_WINDOW_DIR = re.compile(r"^(\d{8}T\d{6}Z)_(\d{8}T\d{6}Z)$")


def window_of_dir(name: str) -> Window | None:
    """The window a directory named by :func:`window_dir` holds; ``None`` for other names."""
    match = _WINDOW_DIR.match(name)
    if match is None:
        return None
    try:
        start, end = (
            datetime.strptime(g, "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC) for g in match.groups()
        )
        return Window(start, end)
    except ValueError:
        return None


def _segment(text: str) -> str:
    cleaned = _SAFE.sub("_", text)
    if not cleaned or cleaned in {".", ".."}:
        raise ValueError(f"{text!r} cannot be a landing path segment")
    return cleaned


def rate_limit_headers(headers: Mapping[str, str]) -> dict[str, str]:
    return {k.lower(): v for k, v in sorted(headers.items()) if _RATE_LIMIT_HEADER.match(k)}


def safe_params(url: str, secrets: Iterable[str] = ()) -> dict[str, str]:
    """The query parameters of ``url``, without anything that looks or is known to be secret."""
    hidden = {s for s in secrets if s}
    return {
        k: v
        for k, v in sorted(parse_qsl(urlsplit(url).query, keep_blank_values=True))
        if not _SECRET_PARAM.search(k) and v not in hidden
    }


def write_atomic(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


@dataclass(frozen=True)
class Envelope:
    platform: str
    endpoint: str
    route: str
    path: str
    params: dict[str, str]
    fetched_at: str
    status: int
    rate_limit: dict[str, str]
    sha256: str
    size: int
    redacted: str | None = None
    """Why items were taken out of the page after it landed (content the platform no longer
    serves, see :func:`redact_pages`); ``sha256`` and ``size`` are then the redacted body's."""

    def to_json(self) -> bytes:
        meta = {k: v for k, v in self.__dict__.items() if k != "redacted" or v}
        return json.dumps(meta, indent=1, sort_keys=True).encode()


@dataclass(frozen=True)
class LandedPage:
    ref: PageRef
    envelope: Envelope
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


def _now() -> datetime:
    return datetime.now(UTC)


@dataclass
class AccountLanding:
    """The pages of one collection of one account over one window, in the order fetched."""

    root: Path
    platform: str
    org_id: str
    handle: str
    window: Window
    clock: Callable[[], datetime] = _now
    secrets: tuple[str, ...] = field(default=(), repr=False)
    pages: list[LandedPage] = field(default_factory=list)
    _seq: dict[str, int] = field(default_factory=dict)
    run_key: str | None = None
    """The scheduler run this collection belongs to: its checkpoint (if a rate limit deferred
    an earlier attempt) is taken up page by page, see :meth:`land`."""
    _resume: list[LandedPage] | None = field(default=None, repr=False)

    def _resumed(self) -> list[LandedPage]:
        if self._resume is None:
            self._resume = (
                _read_pending(self.root, self.directory, self.run_key) if self.run_key else []
            )
        return self._resume

    def _take(self, endpoint: str, sha: str, path: str | None = None) -> LandedPage | None:
        """The checkpoint's next page, when it is this one (same endpoint and body, or the
        same path): the page is already landed, so it is not written again."""
        queue = self._resumed()
        if not queue:
            return None
        head = queue[0]
        if head.ref.endpoint != endpoint or head.ref.sha256 != sha:
            return None
        if path is not None and head.ref.path != path:
            return None
        queue.pop(0)
        self.pages.append(head)
        name = Path(head.ref.path).name
        if head.ref.path.startswith(self.directory.relative_to(self.root).as_posix() + "/"):
            seq = int(name.split("-", 1)[0]) if name[:4].isdigit() else 0
            self._seq[endpoint] = max(self._seq.get(endpoint, 0), seq)
        return head

    @property
    def directory(self) -> Path:
        return (
            self.root
            / _segment(self.platform)
            / _segment(self.org_id)
            / _segment(self.handle)
            / window_dir(self.window)
        )

    def land(
        self,
        *,
        endpoint: str,
        route: str,
        url: str,
        status: int,
        headers: Mapping[str, str],
        body: bytes,
    ) -> LandedPage:
        """Write one page and its envelope; return it with its :class:`PageRef`."""
        for secret in self.secrets:
            if secret and secret.encode() in body:
                raise ConnectorError(
                    f"a {endpoint} response contains a configured secret; it was not landed",
                    where=f"{self.platform} account {self.handle}",
                    fix="check the API base URL: a real API never echoes credentials",
                )
        sha = hashlib.sha256(body).hexdigest()
        taken = self._take(endpoint, sha)
        if taken is not None:
            return taken
        seq = self._seq.get(endpoint, 0) + 1
        self._seq[endpoint] = seq
        page_path = self.directory / _segment(endpoint) / f"{seq:04d}-{sha[:12]}.json"
        envelope = Envelope(
            platform=self.platform,
            endpoint=endpoint,
            route=route,
            path=urlsplit(url).path,
            params=safe_params(url, self.secrets),
            fetched_at=self.clock().isoformat(),
            status=status,
            rate_limit=rate_limit_headers(headers),
            sha256=sha,
            size=len(body),
        )
        write_atomic(page_path, body)
        write_atomic(page_path.with_suffix(".meta.json"), envelope.to_json())
        ref = PageRef(
            path=page_path.relative_to(self.root).as_posix(), sha256=sha, endpoint=endpoint
        )
        page = LandedPage(ref=ref, envelope=envelope, body=body)
        self.pages.append(page)
        return page

    def include(self, page: LandedPage) -> None:
        """Count a page landed elsewhere (a shared lookup) as part of this collection."""
        if self._take(page.ref.endpoint, page.ref.sha256, page.ref.path) is None:
            self.pages.append(page)

    def commit(self, context: AssemblyContext) -> None:
        """Record this run in the window's manifest: its pages, in order, and its context.

        A window's manifest keeps every distinct run (a rerun with cursors fetches only what
        is new, so its pages complement the first run's); a run whose pages are exactly those
        of a run already recorded is not added again. Replay assembles each run and merges
        them, so collecting the same window twice replays to the same records.
        """
        pages = [_ref_json(p) for p in self.pages]
        run: dict[str, Any] = {"pages": pages, "context": context.to_manifest()}
        runs = _read_runs_raw(self.directory)
        shas = [p["sha256"] for p in pages]
        if not any([p["sha256"] for p in r["pages"]] == shas for r in runs):
            runs.append(run)
        pending = _read_pending_raw(self.directory)
        pending.pop(self.run_key or "", None)
        self._write_manifest(runs, _read_completed(self.directory), pending)

    def checkpoint(self) -> int:
        """Record the pages this unfinished collection landed (and any of the checkpoint it
        resumed that it did not reach) under its run key, for the next attempt; returns how
        many."""
        if not self.run_key:
            raise ValueError("a checkpoint needs a run key")
        pages = [*self.pages, *self._resumed()]
        pending = _read_pending_raw(self.directory)
        pending[self.run_key] = [_ref_json(p) for p in pages]
        self._write_manifest(
            _read_runs_raw(self.directory), _read_completed(self.directory), pending
        )
        return len(pages)

    def mark_completed(self, run_key: str) -> None:
        """Record that run ``run_key`` (a scheduler run's id) completed this account's
        collection of the window: a retry of that run skips the account
        (:meth:`Landing.completed`). Called after the account's run was committed and its
        records were assembled, so a marker never names an account that failed."""
        if not run_key:
            raise ValueError("a resume marker needs a run key")
        runs = _read_runs_raw(self.directory)
        if not runs:
            raise ValueError(
                f"nothing was committed for {self.platform}:{self.handle} in {self.directory}; "
                "commit the run before marking it completed"
            )
        completed = _read_completed(self.directory)
        if run_key not in completed:
            self._write_manifest(runs, [*completed, run_key], _read_pending_raw(self.directory))

    def _write_manifest(
        self,
        runs: list[dict[str, Any]],
        completed: list[str],
        pending: Mapping[str, Any] | None = None,
    ) -> None:
        manifest: dict[str, Any] = {
            "platform": self.platform,
            "org_id": self.org_id,
            "handle": self.handle,
            "window": {"start": self.window.start.isoformat(), "end": self.window.end.isoformat()},
            "runs": runs,
        }
        if completed:
            manifest[COMPLETED] = completed
        if pending:
            manifest[PENDING] = dict(pending)
        data = json.dumps(manifest, indent=1, sort_keys=True, default=str).encode()
        write_atomic(self.directory / MANIFEST, data)


def _ref_json(page: LandedPage) -> dict[str, str]:
    return {"path": page.ref.path, "sha256": page.ref.sha256, "endpoint": page.ref.endpoint}


def _read_pending_raw(directory: Path) -> dict[str, Any]:
    manifest = _read_manifest_raw(directory)
    found = (manifest or {}).get(PENDING) or {}
    return dict(found) if isinstance(found, dict) else {}


def _read_pending(root: Path, directory: Path, run_key: str) -> list[LandedPage]:
    """The checkpoint of ``run_key``: its pages, read back and checked. A page that is gone
    or changed drops the checkpoint from there on (those pages are fetched again)."""
    refs = _read_pending_raw(directory).get(run_key) or []
    pages: list[LandedPage] = []
    for ref in refs:
        try:
            pages.append(read_page(root, ref))
        except (InputError, KeyError, TypeError, ValueError):
            break
    return pages


def _read_manifest_raw(directory: Path) -> dict[str, Any] | None:
    try:
        manifest = json.loads((directory / MANIFEST).read_bytes())
    except FileNotFoundError:
        return None
    except json.JSONDecodeError as exc:
        raise InputError(
            f"the landing manifest is not valid JSON ({exc.msg})",
            where=str(directory / MANIFEST),
            fix="restore the manifest from a backup or collect the window again",
        ) from None
    if not isinstance(manifest, dict):
        raise InputError(
            "the landing manifest is not a JSON object",
            where=str(directory / MANIFEST),
            fix="restore the manifest from a backup or collect the window again",
        )
    return manifest


def _read_completed(directory: Path) -> list[str]:
    manifest = _read_manifest_raw(directory)
    found = (manifest or {}).get(COMPLETED) or []
    return [str(k) for k in found] if isinstance(found, list) else []


def _read_runs_raw(directory: Path) -> list[dict[str, Any]]:
    manifest = _read_manifest_raw(directory)
    if manifest is None:
        return []
    if "runs" in manifest:
        return list(manifest["runs"])
    return [{"pages": manifest["pages"], "context": manifest.get("context") or {}}]


@dataclass(frozen=True)
class Landing:
    """A landing root; hands out one :class:`AccountLanding` per account and window."""

    root: Path
    clock: Callable[[], datetime] = _now
    secrets: tuple[str, ...] = field(default=(), repr=False)
    run_key: str | None = None
    """The scheduler run (an Airflow DAG run id): account landings take up its checkpoints."""
    _open: dict[tuple[str, str, str, Window], AccountLanding] = field(
        default_factory=dict, repr=False, compare=False
    )

    def account(self, platform: str, org_id: str, handle: str, window: Window) -> AccountLanding:
        al = AccountLanding(
            self.root,
            platform,
            org_id,
            handle,
            window,
            self.clock,
            self.secrets,
            run_key=self.run_key if org_id != SHARED_ORG else None,
        )
        if org_id != SHARED_ORG:
            # only the latest: a connector collects one account at a time, and a run must not
            # keep every account's pages in memory
            self._open.clear()
            self._open[(platform, org_id, handle, window)] = al
        return al

    def pending(self, platform: str, org_id: str, handle: str, window: Window) -> list[LandedPage]:
        """The pages of this run's checkpoint for the account (empty without a run key or a
        checkpoint), in the order they were landed."""
        if not self.run_key:
            return []
        return _read_pending(self.root, self._dir(platform, org_id, handle, window), self.run_key)

    def _dir(self, platform: str, org_id: str, handle: str, window: Window) -> Path:
        return AccountLanding(self.root, platform, org_id, handle, window).directory

    def checkpoint(self, platform: str, org_id: str, handle: str, window: Window) -> int:
        """Keep what the account's unfinished collection landed, for the next attempt of this
        run (the account must be the last one :meth:`account` handed out); returns the number
        of pages kept."""
        al = self._open.get((platform, org_id, handle, window))
        if al is None or not self.run_key:
            return 0
        return al.checkpoint()

    def shared(self, platform: str, name: str, window: Window) -> AccountLanding:
        return self.account(platform, SHARED_ORG, name, window)

    def completed(
        self, platform: str, org_id: str, handle: str, window: Window, run_key: str
    ) -> bool:
        """Whether run ``run_key`` already completed this account's collection of ``window``
        (its resume marker is in the manifest, with at least one committed run)."""
        directory = self._dir(platform, org_id, handle, window)
        return run_key in _read_completed(directory) and bool(_read_runs_raw(directory))


def read_page(root: Path, ref: Mapping[str, str]) -> LandedPage:
    path = root / ref["path"]
    try:
        body = path.read_bytes()
        meta = json.loads(path.with_suffix(".meta.json").read_bytes())
    except FileNotFoundError as exc:
        raise InputError(
            f"landed page {ref['path']} is missing",
            where=str(root),
            fix="replay a complete landing directory",
        ) from exc
    sha = hashlib.sha256(body).hexdigest()
    if sha != ref["sha256"] or sha != meta.get("sha256"):
        raise InputError(
            f"landed page {ref['path']} does not match its SHA-256; it was changed",
            where=str(path),
            fix="restore the page from a backup or collect again",
        )
    return LandedPage(PageRef(ref["path"], sha, ref["endpoint"]), Envelope(**meta), body)


def _read_context(platform: str, data: Mapping[str, Any], directory: Path) -> AssemblyContext:
    try:
        return context_from_manifest(platform, data)
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise InputError(
            f"a run's context in the landing manifest is not readable ({type(exc).__name__}: "
            f"{exc})",
            where=str(directory / MANIFEST),
            fix="restore the manifest from a backup or collect the window again",
        ) from None


def read_runs(
    root: Path, platform: str, org_id: str, handle: str, window: Window
) -> list[tuple[list[LandedPage], AssemblyContext]]:
    """Every recorded run of this account and window: its pages and context, oldest first.

    Each context is read as ``platform``'s context class
    (:data:`maturity.connectors.context.CONTEXT_TYPES`)."""
    directory = root / _segment(platform) / _segment(org_id) / _segment(handle) / window_dir(window)
    return [
        (
            [read_page(root, ref) for ref in run["pages"]],
            _read_context(platform, run.get("context") or {}, directory),
        )
        for run in _read_runs_raw(directory)
    ]


def read_manifest(
    root: Path, platform: str, org_id: str, handle: str, window: Window
) -> tuple[list[LandedPage], AssemblyContext] | None:
    """The pages and context of the last complete run for this account and window, if any."""
    runs = read_runs(root, platform, org_id, handle, window)
    return runs[-1] if runs else None


def redact_pages(
    root: Path,
    account_dir: Path,
    endpoints: Iterable[str],
    rewrite: Callable[[Any], Any | None],
    why: str,
    windows: Iterable[Window] | None = None,
) -> list[str]:
    """Take items out of an account's landed pages: every page of ``endpoints`` under
    ``account_dir`` (in ``windows``, or every window) whose JSON ``rewrite`` changes (it
    returns the new JSON, or ``None`` to leave the page as it is).

    The page keeps its path (its evidence id); its body, its envelope's ``sha256`` and
    ``size`` (with ``redacted`` set to ``why``) and every manifest reference to it are
    rewritten, each atomically, so the landing still replays. Pages that are not JSON are
    left alone (nothing can be read out of them either). Returns the paths rewritten,
    relative to ``root``."""
    wanted = set(endpoints)
    dirs = (
        [account_dir / window_dir(w) for w in windows]
        if windows is not None
        else sorted(p for p in account_dir.glob("*") if window_of_dir(p.name) is not None)
    )
    done: list[str] = []
    for directory in dirs:
        changed: dict[str, str] = {}
        for endpoint in sorted(wanted):
            for page in sorted((directory / _segment(endpoint)).glob("*.json")):
                if page.name.endswith(".meta.json"):
                    continue
                new_sha = _redact_page(page, rewrite, why)
                if new_sha is not None:
                    changed[page.relative_to(root).as_posix()] = new_sha
        if changed:
            _rewrite_refs(directory, changed)
            done.extend(sorted(changed))
    return done


def _redact_page(page: Path, rewrite: Callable[[Any], Any | None], why: str) -> str | None:
    try:
        body = json.loads(page.read_bytes())
    except (ValueError, FileNotFoundError):
        return None
    new = rewrite(body)
    if new is None:
        return None
    data = json.dumps(new, separators=(",", ":"), sort_keys=True).encode()
    sha = hashlib.sha256(data).hexdigest()
    meta_path = page.with_suffix(".meta.json")
    meta = json.loads(meta_path.read_bytes())
    envelope = Envelope(**{**meta, "sha256": sha, "size": len(data), "redacted": why})
    write_atomic(page, data)
    write_atomic(meta_path, envelope.to_json())
    return sha


def _rewrite_refs(directory: Path, changed: Mapping[str, str]) -> None:
    manifest = _read_manifest_raw(directory)
    if manifest is None:
        return
    runs = manifest.get("runs") or [{"pages": manifest.get("pages") or []}]
    for run in runs:
        for ref in run.get("pages") or []:
            if ref.get("path") in changed:
                ref["sha256"] = changed[ref["path"]]
    data = json.dumps(manifest, indent=1, sort_keys=True, default=str).encode()
    write_atomic(directory / MANIFEST, data)
