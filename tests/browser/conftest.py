"""Fixtures of the browser tests: Debian's Chromium driven by Playwright.

Every test in this folder has the marker ``browser`` (``pytest -m "not browser"`` leaves them
out while working; ``make test`` runs them). Chromium comes from apt (``make browser``), never
from ``playwright install``; without it the tests are skipped with a reason, and in CI, where
nothing is skipped, they fail.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import pytest

from tests.support import CHROMIUM, TIMEOUT_MS, PageWatch, browser_missing

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

HERE = Path(__file__).resolve().parent
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark every test of this folder ``browser``."""
    for item in items:
        if HERE in item.path.parents:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """A headless Chromium for the whole session; skipped with a reason when unavailable."""
    reason = browser_missing()
    if reason is not None:
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=LAUNCH_ARGS
        )
        try:
            yield instance
        finally:
            instance.close()


@pytest.fixture
def tab(browser: Browser) -> Iterator[tuple[Page, PageWatch]]:
    """A fresh page (own context: no storage shared between tests) and its watcher.

    Anything that would leave 127.0.0.1 is recorded by the watcher and then stopped here, so
    no test depends on the network. The test asks for the server it opens pages on."""
    context = browser.new_context(viewport={"width": 1400, "height": 1100}, locale="nl-NL")
    context.route(
        lambda url: urlsplit(url).hostname not in (None, "127.0.0.1"),
        lambda route: route.abort(),
    )
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    watch = PageWatch()
    watch.attach(page)
    try:
        yield page, watch
    finally:
        context.close()
