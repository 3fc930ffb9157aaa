"""Fixtures shared by the whole suite: the live app and headless Chromium live in browser_support."""

from browser_support import app_url, browser, page, recorder, shipped_atlas  # noqa: F401
