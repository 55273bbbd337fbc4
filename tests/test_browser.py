"""A real browser against `streamlit run app.py`: Debian's chromium driven by Playwright.

Loads the app on the sample county, schedules a small village school, sees the grid and a
chart, switches to English; screenshots go to `test-artifacts/`. CI installs chromium
(`.ci/run`); elsewhere the test is skipped when chromium is missing, never in CI.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from i18n import t

CHROMIUM = Path("/usr/bin/chromium")
ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "test-artifacts"
SCHOOL = "ZY016"  # a small village school: solves in well under a second

if not CHROMIUM.exists():
    if os.environ.get("CI"):
        raise RuntimeError("CI must install Debian's chromium for the browser test")
    pytest.skip("Debian's chromium is not installed", allow_module_level=True)

from playwright.sync_api import expect, sync_playwright  # noqa: E402


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def app_url(tmp_path):
    """`streamlit run app.py` on 127.0.0.1 with a fresh database; stopped afterwards."""
    port = _free_port()
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'app.db'}"}
    cmd = [
        sys.executable, "-m", "streamlit", "run", "app.py",
        "--server.headless", "true", "--server.address", "127.0.0.1",
        "--server.port", str(port), "--browser.gatherUsageStats", "false",
    ]  # fmt: skip
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                time.sleep(0.5)
        else:
            raise RuntimeError("streamlit did not start")
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def test_schedule_a_school_in_a_real_browser(app_url: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=str(CHROMIUM),
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run"],
        )  # fmt: skip
        page = browser.new_page(viewport={"width": 1500, "height": 1100})
        page.set_default_timeout(180_000)
        # The first start imports the county (with its ~66,000 club choices, ~30 s of CPU);
        # solving takes a while.
        expect.set_options(timeout=180_000)
        page.goto(f"{app_url}/schedule?school={SCHOOL}")
        # First start imports the sample county, then the page shows the app title.
        expect(page.get_by_text(t("app.title", "zh")).first).to_be_visible()
        page.get_by_role("button", name=t("ui.sched.solve", "zh"), exact=True).click()
        # After solving: the grid of sessions and the load charts.
        expect(page.locator('[data-testid="stPlotlyChart"]').first).to_be_visible()
        expect(page.locator('[data-testid="stDataFrame"]').first).to_be_visible()
        passed = t("ui.sched.check_ok", "zh").split("{")[0]  # "独立检查通过：" before the count
        expect(page.get_by_text(passed).first).to_be_visible()
        page.screenshot(path=str(ARTIFACTS / "browser-schedule-zh.png"), full_page=True)
        # Switch to English: the title and the solve button follow.
        page.get_by_text(t("lang.name", "en"), exact=True).click()
        expect(page.get_by_text(t("app.title", "en")).first).to_be_visible()
        expect(
            page.get_by_role("button", name=t("ui.sched.solve", "en"), exact=True)
        ).to_be_visible()
        page.screenshot(path=str(ARTIFACTS / "browser-schedule-en.png"), full_page=True)
        browser.close()
