"""Fixtures shared by the whole suite: the app on the toy atlas here; the live app and headless Chromium in
browser_support."""

from typing import Any

import pytest
from browser_support import app_url, browser, page, recorder, shipped_atlas  # noqa: F401
from toy import toy_atlas

from dashboard.app import create_app
from dashboard.config import Settings


@pytest.fixture(scope="module")
def app() -> Any:
    """The app on the toy atlas (tests/toy.py), one per test module."""
    return create_app(Settings(), toy_atlas())


@pytest.fixture
def client(app: Any) -> Any:
    return app.server.test_client()
