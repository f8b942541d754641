"""The dashboard in a real browser: Debian's headless Chromium, driven by Playwright.

``maturity serve`` runs as a subprocess over a demo-like warehouse; the test reads the
portfolio table, checks that a chart's marks are in the page, and follows a drill-down to a
landing page's SHA-256. A report opened from disk makes no request but for its own file.
Screenshots go to ``MATURITY_SCREENSHOTS`` (a folder) when set, else to the test's tmp folder.
The browser (``browser`` fixture) is in this folder's ``conftest.py``.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from maturity.sandbox.bench.dashboard_bench import EXAMPLE_ORG, EXAMPLE_SHA256

pytestmark = pytest.mark.integration


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def served(demo_warehouse_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    port = _free_port()
    log = tmp_path_factory.mktemp("serve") / "serve.log"
    exe = shutil.which("maturity", path=str(Path(sys.executable).parent)) or "maturity"
    with log.open("w") as out:
        proc = subprocess.Popen(
            [exe, "serve", "--port", str(port), "--warehouse", f"sqlite:///{demo_warehouse_path}"],
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                break
            except OSError:
                assert proc.poll() is None, log.read_text()
                time.sleep(0.2)
        else:
            pytest.fail(f"maturity serve did not listen on {port}: {log.read_text()}")
        assert f"Dashboard: {url}/" in log.read_text()
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def _shots(tmp_path: Path) -> Path:
    folder = Path(os.environ.get("MATURITY_SCREENSHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def test_portfolio_organisation_and_drill_down_in_a_browser(
    browser: Any, served: str, tmp_path: Path
) -> None:
    shots = _shots(tmp_path)
    page = browser.new_page(viewport={"width": 1200, "height": 900})
    page.goto(f"{served}/")
    assert page.locator("#portfolio tbody tr").count() == 13
    assert page.locator("#count").inner_text() == "13 shown of 13"
    assert page.locator("figure svg .mark-rect path").count() >= 6  # the distribution's bars
    page.screenshot(path=str(shots / "dashboard-portfolio.png"))

    page.select_option("#f-sector", "municipality")
    page.get_by_role("button", name="Apply").click()
    rows = page.locator("#portfolio tbody tr")
    assert 0 < rows.count() < 13
    assert all(s == "municipality" for s in rows.locator("td:nth-child(2)").all_inner_texts())

    page.get_by_role("link", name="Gemeente Duinwijk", exact=True).first.click()
    page.wait_for_url(f"**/org/{EXAMPLE_ORG}?*")
    assert page.locator("#phase").inner_text() == "5 Strategic"
    assert page.locator("figure svg .mark-rect path").count() > 20  # the heat map's cells
    page.screenshot(path=str(shots / "dashboard-organisation.png"), full_page=False)

    page.get_by_role("link", name="Inbound messages get an answer").first.click()
    page.wait_for_url("**/criterion/engagement.response_rate?*")
    hashes = page.locator("table.items .landing-sha256").all_inner_texts()
    assert hashes == [EXAMPLE_SHA256]
    page.screenshot(path=str(shots / "dashboard-evidence.png"), full_page=True)

    page.get_by_role("link", name="NL", exact=True).click()
    assert page.locator("html").get_attribute("lang") == "nl"
    assert page.get_by_text("Voorbeelditems").count() == 1
    page.close()


def test_keyboard_alone_reaches_an_organisation(browser: Any, served: str) -> None:
    page = browser.new_page()
    page.goto(f"{served}/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to content"
    page.keyboard.press("Enter")
    for _ in range(40):  # from the content, tab to the first organisation's link
        page.keyboard.press("Tab")
        href = page.evaluate("document.activeElement.getAttribute('href') || ''")
        if "/org/" in href:
            break
    else:
        pytest.fail("no organisation link is reachable with Tab")
    page.keyboard.press("Enter")
    page.wait_for_url("**/org/**")
    assert page.locator("h1").count() == 1
    page.close()


def test_a_report_opened_from_disk_requests_nothing_else(
    browser: Any, demo_warehouse_path: Path, tmp_path: Path
) -> None:
    from maturity.dashboard.report import organisation_report, write_report
    from maturity.rubric import load_default_rubric
    from maturity.warehouse import Warehouse

    wh = Warehouse(f"sqlite:///{demo_warehouse_path}")
    out = write_report(
        organisation_report(wh, EXAMPLE_ORG, "en", load_default_rubric()), tmp_path / "r.html"
    )
    wh.dispose()
    requests: list[str] = []
    context = browser.new_context()
    context.route("**/*", lambda route: (requests.append(route.request.url), route.continue_()))
    page = context.new_page()
    blocked: list[str] = []  # what the report's CSP stopped before it became a request
    page.on("console", lambda m: blocked.append(m.text) if "Content Security" in m.text else None)
    page.goto(out.as_uri())
    page.wait_for_load_state("networkidle")
    assert page.locator("svg .mark-rect path").count() > 20
    assert [u for u in requests if u != out.as_uri()] == []
    assert blocked == []
    assert requests == [out.as_uri()]  # the interception works: it saw the file itself
    nav = page.locator("header.top nav").first
    assert nav.is_visible()
    page.emulate_media(media="print")
    assert not nav.is_visible()  # the print stylesheet hides the page furniture
    context.close()
