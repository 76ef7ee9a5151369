"""Shared pytest fixtures."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, Playwright, sync_playwright

from browser import launch, phone_context
from roster_edit import SMALL
from sites import mkdocs_build, project


@pytest.fixture(scope="session")
def playwright_instance() -> Iterator[Playwright]:
    """One Playwright driver for the whole run."""
    with sync_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="session")
def browser(playwright_instance: Playwright) -> Iterator[Browser]:
    """Debian's headless Chromium, launched once per run."""
    browser = launch(playwright_instance)
    yield browser
    browser.close()


@pytest.fixture
def phone(browser: Browser) -> Iterator[Page]:
    """A new page in a fresh phone-sized context (390×844 at 3×, touch, zh-CN)."""
    context = phone_context(browser)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture(scope="session")
def small_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The site built by `mkdocs build` from the small hand-made roster, once per run."""
    folder = project(tmp_path_factory.mktemp("small-site"), SMALL)
    r = mkdocs_build(folder)
    assert r.returncode == 0, r.stderr
    return folder / "site"
