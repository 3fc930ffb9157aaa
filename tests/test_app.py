"""The app on the toy atlas: address parsing and fallbacks, callbacks as plain functions, the data route."""

from __future__ import annotations

import gzip
import importlib
import json
import re
import sys
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
from dash import no_update
from toy import toy_atlas

from dashboard import ids
from dashboard.callbacks import Callbacks, parse_query

ATLAS = toy_atlas()
LAST = len(ATLAS.dates) - 1
MAP_JS = Path(__file__).resolve().parent.parent / "assets" / "map.js"


@pytest.fixture(scope="module")
def callbacks(app) -> Callbacks:
    return Callbacks(ATLAS, LAST)


def component(tree, component_id: str):
    """The component with this id anywhere in a layout tree."""
    if getattr(tree, "id", None) == component_id:
        return tree
    children = getattr(tree, "children", None)
    for child in children if isinstance(children, list) else [children] if children is not None else []:
        found = component(child, component_id)
        if found is not None:
            return found
    return None


def data_url(app) -> str:
    return component(app.layout, ids.DATA_URL).data


# ---------------------------------------------------------------- the address


def test_date_and_place_from_the_address() -> None:
    query = parse_query("?date=2024-12-05&place=hama", ATLAS, LAST)
    assert (query.index, query.place, query.notice) == (9, "hama", "")


def test_no_address_gives_the_defaults_without_a_notice() -> None:
    for search in (None, "", "?"):
        assert parse_query(search, ATLAS, LAST) == parse_query("", ATLAS, LAST)
        assert parse_query(search, ATLAS, LAST).index == LAST and not parse_query(search, ATLAS, LAST).notice


@pytest.mark.parametrize("raw", ["2024-13-45", "yesterday", "20241205", "2024-W49-4", "", "2024-12-05'--"])
def test_unusable_date_falls_back_to_the_default_with_a_notice(raw: str) -> None:
    query = parse_query(f"?date={raw}&place=hama", ATLAS, LAST)
    assert query.index == LAST and query.place == "hama"
    assert f"The date “{raw}” must be YYYY-MM-DD" in query.notice and "2024-11-26 to 2024-12-10" in query.notice


@pytest.mark.parametrize(
    ("raw", "index"), [("2023-01-01", 0), ("2024-11-25", 0), ("2024-12-11", LAST), ("9999-12-31", LAST)]
)
def test_a_date_outside_the_data_clamps_to_the_nearest_date_with_a_notice(raw: str, index: int) -> None:
    query = parse_query(f"?date={raw}", ATLAS, 3)
    assert query.index == index
    shown = ATLAS.dates[index]
    assert query.notice == f"No map for date “{raw}” (dates run 2024-11-26 to 2024-12-10): showing {shown}."


def test_place_by_arabic_name_and_unknown_place() -> None:
    assert parse_query("?place=%D8%AD%D9%85%D8%A7%D8%A9", ATLAS, LAST).place == "hama"  # حماة
    query = parse_query("?date=2024-12-01&place=atlantis", ATLAS, LAST)
    assert (query.index, query.place) == (5, None) and query.notice == "Unknown place “atlantis”."


@pytest.mark.parametrize("raw", ["<script>", "x\"onmouseover=\"alert(1)", "&lt;b&gt;", "a" * 41, "tab\there"])
def test_a_notice_never_repeats_markup_or_long_values(raw: str) -> None:
    query = parse_query("?" + urlencode({"date": raw, "place": raw}), ATLAS, LAST)
    assert raw not in query.notice and query.notice.startswith("The date must be YYYY-MM-DD (dates run")
    assert query.notice.endswith("Unknown place.")


def test_from_url_callback(callbacks: Callbacks) -> None:
    assert callbacks.from_url("?date=2024-12-04&place=hama") == (8, "hama", "", no_update, no_update)
    index, place, notice, *_ = callbacks.from_url("?date=nonsense")
    assert (index, place) == (LAST, None) and notice
    assert callbacks.from_url("?since=2024-12-01")[3:] == ("date", "2024-12-01")
    assert callbacks.from_url("?since=day")[3:] == ("day", no_update)


@pytest.mark.parametrize(
    ("raw", "since", "noticed"),
    [
        ("day", ("day", None), False),
        ("first", ("first", None), False),
        ("2024-12-01", ("date", "2024-12-01"), False),
        ("2024-11-01", ("date", "2024-11-26"), True),  # clamps to the data, as `date` does
        ("2025-01-01", ("date", "2024-12-10"), True),
        ("yesterday", None, True),
        ("<b>x</b>", None, True),
    ],
)
def test_the_address_can_ask_for_changes_since_a_mode_or_a_date(raw: str, since: Any, noticed: bool) -> None:
    query = parse_query("?" + urlencode({"date": "2024-12-05", "since": raw}), ATLAS, LAST)
    assert query.since == since and bool(query.notice) == noticed and "<" not in query.notice
    assert ATLAS.dates[query.index].isoformat() == "2024-12-05"


# ---------------------------------------------------------------- callbacks as plain functions


def test_search_selects_a_place_and_close_clears_it(callbacks: Callbacks) -> None:
    assert callbacks.on_search("idlib") == ("idlib", no_update) and callbacks.on_search(None) == (no_update, no_update)
    assert callbacks.on_close(3) is None


@pytest.mark.parametrize("value", ["atlantis", 3, ["hama"], {"id": "hama"}])
def test_an_unknown_place_from_the_search_gives_no_update_and_a_notice(callbacks: Callbacks, value) -> None:
    assert callbacks.on_search(value) == (no_update, "That place is not on the map.")


def test_panel_for_hama_before_and_after_it_fell(callbacks: Callbacks) -> None:
    head, body, label, style, hidden = callbacks.show_panel("hama", 8)
    assert (label, style, hidden) == ("Syrian government", {"backgroundColor": "#9d0014", "color": "#ffffff"}, False)
    _, _, label, style, _ = callbacks.show_panel("hama", 9)
    assert label == "HTS-led" and style["backgroundColor"] == "#27a500"
    text = json.dumps([head, body], default=lambda c: c.to_plotly_json(), ensure_ascii=False)
    for expected in ("Hama", "حماة", "2024-12-05", "confirmed", "https://example.org/hama/2024-12-05", "Hama fell on"):
        assert expected in text


def test_panel_hidden_without_a_place_or_for_an_unknown_one(callbacks: Callbacks) -> None:
    assert callbacks.show_panel(None, 3) == ([], [], "", {}, True)
    assert callbacks.show_panel("atlantis", 3) == ([], [], "", {}, True)


def test_panel_with_an_out_of_range_slider_value_shows_the_last_date(callbacks: Callbacks) -> None:
    assert callbacks.show_panel("hama", 99)[2] == callbacks.show_panel("hama", None)[2] == "HTS-led"


# ---------------------------------------------------------------- the app and its routes


def test_every_callback_is_registered(app) -> None:
    outputs = " ".join(app.callback_map)
    for prop in (f"{ids.SLIDER}.value", f"{ids.PANEL_BODY}.children", f"{ids.DATE_LABEL}.children", f"{ids.TICKER}"):
        assert prop in outputs


def test_every_clientside_function_exists_in_map_js(app) -> None:
    source = MAP_JS.read_text(encoding="utf-8")
    functions = [c["clientside_function"] for c in app._callback_list if c.get("clientside_function")]
    names = {f["function_name"] for f in functions if f["namespace"] == "dashboardMap"}
    assert names == {"showDate", "holder", "syncAddress", "jumpTo", "step", "togglePlay", "speed"}
    for name in names:
        assert re.search(rf"\n    (async )?{name}\(", source), name


def test_ids_map_js_uses_come_from_the_generated_constants() -> None:
    source = "".join(p.read_text(encoding="utf-8") for p in sorted(MAP_JS.parent.glob("map*.js")))
    used = set(re.findall(r"\bID\.([A-Z_]+)", source))
    assert used == {"PREV", "NEXT", "PLAY", "MAP", "MAP_BOX", "MAP_KEY", "SEARCH", "SLIDER", "DATE_LABEL", "MAP_DATA",
                    "PAGE_SHELL", "LANG_SWITCH", "PLACE", "PANEL", "PANEL_HEAD", "PANEL_BODY", "PANEL_HOLDER"}
    assert all(hasattr(ids, name) for name in used)


def test_search_offers_every_place_but_anchors_biggest_first_once_the_map_is_drawn(app, client) -> None:
    assert component(app.layout, ids.SEARCH).options == []  # map.js sets them from the map data
    options = client.get(data_url(app)).get_json()["search"]
    assert [o["value"] for o in options] == ["aleppo", "hama", "idlib", "morek", "kafr_nabl"]
    assert options[1]["label"] == "Hama · حماة" and "حماه" in options[1]["search"]


def test_page_and_layout_serve(client) -> None:
    assert client.get("/").status_code == 200
    layout = client.get("/_dash-layout").get_json()
    assert ids.SLIDER in json.dumps(layout) and "As of 10 December 2024" in json.dumps(layout)


def test_map_data_is_content_hashed_cached_for_good_and_compressed(app, client) -> None:
    url = data_url(app)
    assert re.fullmatch(r"/_map/data-[0-9a-f]{16}\.json", url)
    response = client.get(url, headers={"Accept-Encoding": "gzip"})
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert response.headers["Content-Encoding"] == "gzip"
    data = json.loads(gzip.decompress(response.data))
    assert data["dates"][0] == "2024-11-26" and len(data["zones"]) == 15
    again = client.get(url, headers={"If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304 and again.data == b""


def test_the_map_key_reads_the_default_date_with_each_factions_share_and_claimed_ground(app) -> None:
    key = json.dumps(component(app.layout, ids.MAP_KEY), default=lambda c: c.to_plotly_json(), ensure_ascii=False)
    for expected in ("As of 10 December 2024", "Syrian government · ", "HTS-led · ", "SDF · 6.9%", "Claimed only"):
        assert expected in key
    assert '"data-faction": "hts"' in key


def test_the_page_needs_no_favicon_request(client) -> None:
    """The address follows the slider (history.replaceState) and Chromium fetches a favicon again after each change."""
    page = client.get("/").get_data(as_text=True)
    assert '<link rel="icon" href="data:,">' in page and "favicon.ico" not in page


def test_the_page_preloads_the_map_data_as_the_fetch_in_map_js_asks_for_it(app, client) -> None:
    """Same URL, `as="fetch"` and CORS mode as `fetch(url)`, or Chromium downloads it twice."""
    page = client.get("/").get_data(as_text=True)
    assert f'<link id="map-data" rel="preload" href="{data_url(app)}" as="fetch" crossorigin="anonymous">' in page


def test_a_stale_data_url_is_a_404_not_the_index_page(client) -> None:
    assert client.get("/_map/data-0000000000000000.json").status_code == 404


def test_importing_the_app_module_loads_no_data(monkeypatch) -> None:
    monkeypatch.setenv("DASHBOARD_DATA_DIR", "/nonexistent")
    sys.modules.pop("dashboard.app", None)
    module = importlib.import_module("dashboard.app")
    with pytest.raises(Exception, match="does not exist"):
        module.server  # noqa: B018 - built on first access, from the environment


def test_server_attribute_is_a_flask_app_built_from_the_environment(monkeypatch, tmp_path) -> None:
    module = importlib.import_module("dashboard.app")
    module._server.cache_clear()
    monkeypatch.setattr(module, "load_atlas", lambda data_dir: ATLAS)
    server = module.server
    assert server is module.server  # built once
    assert server.test_client().get("/_dash-layout").status_code == 200
    module._server.cache_clear()


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_no_wide_slider_label_has_a_labelled_neighbour_and_every_key_date_is_labelled(lang: str) -> None:
    """On the shipped dates (36 on a 1,280 px track: about 34 px a mark) a label with a month or an event is wider
    than a mark, so the marks beside it keep their tick without a number."""
    from dashboard.app import slider_marks
    from dashboard.config import DEFAULT_DATA_DIR
    from dashboard.load import load_atlas
    from dashboard.render.spec import KEY_PLACES, key_dates

    atlas = load_atlas(DEFAULT_DATA_DIR)
    marks = slider_marks(atlas, lang)
    labels = [m["label"] if isinstance(m, dict) else m for m in marks.values()]
    wide = [i for i, text in enumerate(labels) if not text.isdigit() and text]
    assert wide and all(labels[j] == "" for i in wide for j in (i - 1, i + 1) if 0 <= j < len(labels))
    assert all(labels[atlas.dates.index(d)] for d in key_dates(atlas, KEY_PLACES, lang))
