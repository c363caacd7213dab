"""Real Chromium against the real app, served from a background thread.

The browser is Debian's Chromium (never one Playwright downloads). Outside CI a
missing Chromium skips these tests; with CI=true it fails them.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from playwright.sync_api import Browser, Page, Playwright, sync_playwright
from werkzeug.serving import make_server

from triage.config import PROJECT_ROOT

CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
STYLESHEET = PROJECT_ROOT / "triage" / "static" / "frontend.min.css"


def _in_ci() -> bool:
    return os.environ.get("CI") == "true"


@pytest.fixture(scope="session")
def chromium_path() -> Path:
    if CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK):
        return CHROMIUM
    message = f"Chromium is not installed at {CHROMIUM}"
    if _in_ci():
        pytest.fail(f"{message}; .ci/install-servers should have installed it", pytrace=False)
    pytest.skip(
        f"{message}. To run the browser tests, install it (sudo apt-get install chromium) "
        "or set CHROMIUM_PATH, or run them as CI does: CI=true make test"
    )


@pytest.fixture(scope="session")
def playwright(chromium_path: Path) -> Iterator[Playwright]:
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="session")
def browser(playwright: Playwright, chromium_path: Path) -> Iterator[Browser]:
    browser = playwright.chromium.launch(executable_path=str(chromium_path), args=CHROMIUM_ARGS)
    yield browser
    browser.close()


@pytest.fixture
def live_server(app: Flask) -> Iterator[str]:
    """The app from tests/conftest.py (its own migrated SQLite database and
    folders in tmp_path), served over HTTP on a free port."""
    if not STYLESHEET.is_file():
        pytest.fail(
            f"{STYLESHEET.relative_to(PROJECT_ROOT)} is missing: run `make assets` first",
            pytrace=False,
        )
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()


@pytest.fixture
def page(browser: Browser, live_server: str) -> Iterator[Page]:
    context = browser.new_context(base_url=live_server, locale="en-GB")
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()
