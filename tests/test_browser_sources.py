"""The place panel in headless Chromium says how a change reached a place: an area event with its source, or an
inference from a neighbour that cites no source."""

from __future__ import annotations

from typing import Any

import pytest
from browser_support import open_map, wait_for_text

from dashboard import ids
from dashboard.model import Atlas

pytestmark = pytest.mark.browser


def first_change(atlas: Atlas, place_id: str) -> Any:
    return next(e for e in atlas.timeline.events if e.place_id == place_id)


def test_the_panel_of_a_place_moved_by_an_area_event_names_the_area_and_links_its_source(
    page: Any, app_url: str, shipped_atlas: Atlas
) -> None:
    event = first_change(shipped_atlas, "qardaha")  # a town of Latakia governorate with no report of its own
    assert event.area == "Latakia" and event.source_url
    open_map(page, f"{app_url}?date=2024-12-08&place=qardaha")
    wait_for_text(page, f"#{ids.PANEL}", "area event: Latakia")
    row = page.locator(f"#{ids.PANEL} tr", has_text="area event: Latakia")
    assert row.locator("a").get_attribute("href") == event.source_url
    assert event.source_title in row.inner_text()


def test_the_panel_of_an_inferred_change_names_the_neighbour_and_links_nothing(
    page: Any, app_url: str, shipped_atlas: Atlas
) -> None:
    event = first_change(shipped_atlas, "ajil")
    assert event.confidence == "inferred" and event.source_url == ""
    open_map(page, f"{app_url}?date=2024-11-27&place=ajil")
    wait_for_text(page, f"#{ids.PANEL}", "inferred from Urum al-Kubra")
    row = page.locator(f"#{ids.PANEL} tr", has_text="inferred from Urum al-Kubra")
    assert row.locator("a").count() == 0
