from __future__ import annotations

import hashlib
import json
from pathlib import Path
from unittest import mock

import pytest

from maturity.connectors.context import EndpointPlan, XContext
from maturity.connectors.landing import Landing, read_manifest
from maturity.errors import ConnectorError, InputError
from maturity.evidence import Window

pytestmark = pytest.mark.unit
BODY = b'{"data": [{"id": "1"}], "meta": {"result_count": 1}}'
SECRET = "sekrit-token-0123456789"


def land(tmp_path: Path, window: Window, body: bytes = BODY, **kw: object):  # type: ignore[no-untyped-def]
    account = Landing(tmp_path, secrets=(SECRET,)).account("x", "acme-org", "acme", window)
    page = account.land(
        endpoint="users_tweets",
        route="/2/users/:id/tweets",
        url=f"https://api.x.test/2/users/10/tweets?max_results=100&access_token={SECRET}"
        f"&pagination_token=abc&other={SECRET}",
        status=200,
        headers={
            "x-rate-limit-remaining": "5",
            "x-rate-limit-reset": "99",
            "Authorization": f"Bearer {SECRET}",
            "set-cookie": "a=b",
        },
        body=body,
        **kw,
    )
    return account, page


def test_page_is_verbatim_content_addressed_with_a_clean_envelope(
    tmp_path: Path, window: Window
) -> None:
    _account, page = land(tmp_path, window)
    sha = hashlib.sha256(BODY).hexdigest()
    assert page.ref.sha256 == sha
    assert page.ref.endpoint == "users_tweets"
    assert page.ref.path == (
        f"x/acme-org/acme/20250310T000000Z_20250311T000000Z/users_tweets/0001-{sha[:12]}.json"
    )
    assert (tmp_path / page.ref.path).read_bytes() == BODY
    meta = json.loads((tmp_path / page.ref.path).with_suffix(".meta.json").read_text())
    assert meta["params"] == {"max_results": "100", "pagination_token": "abc"}
    assert meta["rate_limit"] == {"x-rate-limit-remaining": "5", "x-rate-limit-reset": "99"}
    assert (meta["route"], meta["path"], meta["status"]) == (
        "/2/users/:id/tweets",
        "/2/users/10/tweets",
        200,
    )
    for path in tmp_path.rglob("*"):
        if path.is_file():
            assert SECRET.encode() not in path.read_bytes(), path


def test_a_body_carrying_a_secret_is_refused(tmp_path: Path, window: Window) -> None:
    with pytest.raises(ConnectorError, match="secret"):
        land(tmp_path, window, body=f'{{"echo": "{SECRET}"}}'.encode())
    assert not [p for p in tmp_path.rglob("*") if p.is_file()]


def test_writes_are_atomic(tmp_path: Path, window: Window) -> None:
    with (
        mock.patch("os.replace", side_effect=OSError("disk full")),
        pytest.raises(OSError, match="disk full"),
    ):
        land(tmp_path, window)
    assert not [p for p in tmp_path.rglob("*") if p.is_file()]  # no partial or temp file


def test_manifest_replays_the_pages_and_detects_tampering(tmp_path: Path, window: Window) -> None:
    account, page = land(tmp_path, window)
    assert read_manifest(tmp_path, "x", "acme-org", "acme", window) is None  # not committed
    committed = XContext(plans={"posts": EndpointPlan(lower=None, since_id="7", cap=3200)})
    account.commit(committed)
    pages, context = read_manifest(tmp_path, "x", "acme-org", "acme", window) or ([], None)
    assert [p.body for p in pages] == [BODY]
    assert context == committed
    (tmp_path / page.ref.path).write_bytes(BODY.replace(b"1", b"2"))
    with pytest.raises(InputError, match="SHA-256"):
        read_manifest(tmp_path, "x", "acme-org", "acme", window)


def test_a_window_keeps_each_distinct_run_once(tmp_path: Path, window: Window) -> None:
    from maturity.connectors.landing import read_runs

    def run(n: int) -> XContext:
        return XContext(notes=(f"run {n}",))

    first, _ = land(tmp_path, window)
    first.commit(run(1))
    same, _ = land(tmp_path, window)
    same.commit(run(2))  # the very same pages: not recorded again
    assert [ctx for _, ctx in read_runs(tmp_path, "x", "acme-org", "acme", window)] == [run(1)]
    other, _ = land(tmp_path, window, body=b'{"data": [], "meta": {"result_count": 0}}')
    other.commit(run(3))
    runs = read_runs(tmp_path, "x", "acme-org", "acme", window)
    assert [ctx for _, ctx in runs] == [run(1), run(3)]
    assert read_manifest(tmp_path, "x", "acme-org", "acme", window)[1] == run(3)  # type: ignore[index]


def test_a_resume_marker_names_the_run_and_survives_later_commits(
    tmp_path: Path, window: Window
) -> None:
    landing = Landing(tmp_path)
    account, _ = land(tmp_path, window)
    with pytest.raises(ValueError, match="commit the run before"):
        account.mark_completed("run-1")  # nothing committed: no marker for a failed account
    assert not landing.completed("x", "acme-org", "acme", window, "run-1")
    account.commit(XContext(notes=("first",)))
    account.mark_completed("run-1")
    account.mark_completed("run-1")  # idempotent
    assert landing.completed("x", "acme-org", "acme", window, "run-1")
    assert not landing.completed("x", "acme-org", "acme", window, "run-2")  # a new run
    assert not landing.completed("x", "acme-org", "other", window, "run-1")  # another account
    later = Window(window.end, window.end + (window.end - window.start))
    assert not landing.completed("x", "acme-org", "acme", later, "run-1")  # another window
    # a later run of the window (another key) keeps the first run's marker and adds its own
    other, _ = land(tmp_path, window, body=b'{"data": [], "meta": {"result_count": 0}}')
    other.commit(XContext(notes=("second",)))
    assert landing.completed("x", "acme-org", "acme", window, "run-1")
    other.mark_completed("run-2")
    manifest = json.loads((account.directory / "manifest.json").read_bytes())
    assert manifest["completed"] == ["run-1", "run-2"]
    assert len(manifest["runs"]) == 2


def test_redacting_takes_items_out_of_a_page_and_the_landing_still_replays(
    tmp_path: Path, window: Window
) -> None:
    from maturity.connectors.landing import read_runs, redact_pages
    from maturity.connectors.x import without_tweets

    body = json.dumps(
        {"data": [{"id": "1"}, {"id": "2"}], "includes": {"tweets": [{"id": "2"}]}}
    ).encode()
    account, page = land(tmp_path, window, body=body)
    account.commit(XContext())
    _, untouched = land(tmp_path, window, body=b'{"data": [{"id": "3"}]}')
    rewritten = redact_pages(
        tmp_path,
        account.directory.parent,
        ["users_tweets"],
        without_tweets(frozenset({"2"})),
        "deleted on the platform",
    )
    assert rewritten == [page.ref.path], "only the page that held the item"
    ((pages, _),) = read_runs(tmp_path, "x", "acme-org", "acme", window)  # sha checks pass
    assert pages[0].json() == {"data": [{"id": "1"}], "includes": {"tweets": []}}
    assert pages[0].envelope.redacted == "deleted on the platform"
    assert pages[0].ref.path == page.ref.path, "the page keeps its path, its evidence id"
    assert b'"2"' not in (tmp_path / page.ref.path).read_bytes()
    # every tweet of a withdrawn account; then nothing left to take out
    assert redact_pages(
        tmp_path, account.directory.parent, ["users_tweets"], without_tweets(None), "protected"
    ) == sorted([page.ref.path, untouched.ref.path])
    assert (
        redact_pages(
            tmp_path, account.directory.parent, ["users_tweets"], without_tweets(None), "protected"
        )
        == []
    )
