"""Callbacks: thin adapters from component properties to pure functions and layout.

Server callbacks run only on page load, a click or a search. Every date step runs in the browser
(`assets/map.js`, namespace `dashboardMap`): no server round trip per step.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from datetime import date
from functools import cached_property
from typing import Any
from urllib.parse import parse_qs

from dash import ClientsideFunction, Dash, Input, Output, State, no_update

from dashboard import ids, layout
from dashboard.model import Atlas
from dashboard.summary import find_place, place_panel

SINCE_MODES = ("day", "first")  # `since` values that name a "changes since" mode; a date names the mode "date"


@dataclass(frozen=True)
class Query:
    """What a page address asks for, with a notice for each part that could not be used."""

    index: int
    place: str | None
    notice: str
    since: tuple[str, str | None] | None = None  # the "changes since" mode and, for "date", the date (ISO)


def parse_query(search: str | None, atlas: Atlas, default_index: int) -> Query:
    """Read `?date=YYYY-MM-DD&place=<id or name>&since=day|first|YYYY-MM-DD`; anything unusable falls back to the
    defaults.

    A date outside the data clamps to the nearest date with a map; a malformed one gives the default date.
    """
    params = parse_qs(search.lstrip("?") if isinstance(search, str) else "", keep_blank_values=True)
    notices, index, place = [], default_index, None
    if "date" in params:
        raw = params["date"][0]
        index = _date_index(raw, atlas, default_index)
        if atlas.dates[index].isoformat() != raw:
            first, last = atlas.dates[0], atlas.dates[-1]
            notices.append(f"No map for date{quoted(raw)} (dates run {first} to {last}): showing {atlas.dates[index]}.")
    if "place" in params:
        raw = params["place"][0]
        found = find_place(atlas, raw)
        place = found.id if found else None
        if found is None:
            notices.append(f"Unknown place{quoted(raw)}.")
    since = _since(params["since"][0], atlas, notices) if "since" in params else None
    return Query(index, place, " ".join(notices), since)


def _since(raw: str, atlas: Atlas, notices: list[str]) -> tuple[str, str | None] | None:
    """The "changes since" mode `raw` names: day, first or a date (clamped to the data, as `date` is)."""
    if raw in SINCE_MODES:
        return raw, None
    index = _date_index(raw, atlas, -1)
    if index < 0:
        notices.append(f"“since” must be day, first or a date{quoted(raw)}: changes are not shown.")
        return None
    if atlas.dates[index].isoformat() != raw:
        notices.append(f"No map for date{quoted(raw)}: showing changes since {atlas.dates[index]}.")
    return "date", atlas.dates[index].isoformat()


def _date_index(raw: str, atlas: Atlas, default_index: int) -> int:
    """The index of the date `raw` names, or of the nearest earlier date with a map (the first if none)."""
    try:
        day = date.fromisoformat(raw) if re.fullmatch(r"\d{4}-\d{2}-\d{2}", raw) else None
    except ValueError:
        day = None
    return default_index if day is None else max(0, bisect.bisect_right(atlas.dates, day) - 1)


def quoted(raw: str) -> str:
    """` “raw”` for a notice, if it is short plain text; else nothing: a notice never repeats markup it was sent."""
    plain = len(raw) <= 40 and raw.isprintable() and not set(raw) & set('<>&"`\\')
    return f" “{raw}”" if plain else ""


@dataclass(frozen=True)
class Callbacks:
    """The server callbacks, as plain methods that tests can call."""

    atlas: Atlas
    default_index: int

    def from_url(self, search: str | None) -> tuple[Any, ...]:
        """Slider index, place, notice, and the "changes since" mode and date (no update when not asked for)."""
        query = parse_query(search, self.atlas, self.default_index)
        mode, since = query.since or (no_update, None)
        return query.index, query.place, query.notice, mode, since or no_update

    @cached_property
    def place_ids(self) -> frozenset[str]:
        return frozenset(p.id for p in self.atlas.timeline.places)

    def on_click(self, click_data: dict[str, Any] | None) -> tuple[Any, Any]:
        """The clicked place and no notice; a click on anything else, no update."""
        points = (click_data or {}).get("points")
        point = points[0] if isinstance(points, list) and points else {}
        return self._place(point.get("customdata") if isinstance(point, dict) else None)

    def on_search(self, place_id: str | None) -> tuple[Any, Any]:
        return self._place(place_id)

    def _place(self, place_id: Any) -> tuple[Any, Any]:
        """(place id, no notice) for a known place; no update for none, and a notice for an unknown one."""
        if isinstance(place_id, str) and place_id in self.place_ids:
            return place_id, no_update
        return no_update, no_update if place_id is None else "That place is not on the map."

    def on_close(self, _: int | None) -> None:
        return None

    def show_panel(self, place_id: str | None, index: int | None) -> tuple[Any, ...]:
        """Panel head, body, badge text, badge style and `hidden`, for a place on the date at `index`."""
        content = place_panel(self.atlas, place_id, self.atlas.dates[_clamp(index, self.atlas)]) if place_id else None
        if content is None:
            return [], [], "", {}, True
        return layout.panel_head(content), layout.panel_body(content), *layout.holder_badge(content.holder), False


def _clamp(index: int | None, atlas: Atlas) -> int:
    """Dash does not hold a slider to its min and max: any other value means the last date."""
    return index if isinstance(index, int) and 0 <= index < len(atlas.dates) else len(atlas.dates) - 1


def register_callbacks(app: Dash, atlas: Atlas, default_index: int) -> Callbacks:
    callbacks = Callbacks(atlas, default_index)
    app.callback(
        Output(ids.SLIDER, "value"),
        Output(ids.PLACE, "data"),
        Output(ids.NOTICE, "children"),
        Output(ids.CHANGES_MODE, "value"),
        Output(ids.CHANGES_SINCE, "value"),
        Input(ids.URL, "search"),
    )(callbacks.from_url)
    place = Output(ids.PLACE, "data", allow_duplicate=True)
    notice = Output(ids.NOTICE, "children", allow_duplicate=True)
    app.callback(place, notice, Input(ids.MAP, "clickData"), prevent_initial_call=True)(callbacks.on_click)
    app.callback(place, notice, Input(ids.SEARCH, "value"), prevent_initial_call=True)(callbacks.on_search)
    app.callback(place, Input(ids.PANEL_CLOSE, "n_clicks"), prevent_initial_call=True)(callbacks.on_close)
    app.callback(
        Output(ids.PANEL_HEAD, "children"),
        Output(ids.PANEL_BODY, "children"),
        Output(ids.PANEL_HOLDER, "children"),
        Output(ids.PANEL_HOLDER, "style"),
        Output(ids.PANEL, "hidden"),
        Input(ids.PLACE, "data"),
        State(ids.SLIDER, "value"),
    )(callbacks.show_panel)
    register_clientside(app)
    return callbacks


def _js(name: str) -> ClientsideFunction:
    return ClientsideFunction(namespace="dashboardMap", function_name=name)


def register_clientside(app: Dash) -> None:
    """The browser side: every one of these runs in `assets/map.js`."""
    app.clientside_callback(
        _js("showDate"), Output(ids.DATE_LABEL, "children"), Input(ids.SLIDER, "value"), State(ids.DATA_URL, "data")
    )
    app.clientside_callback(
        _js("holder"),
        Output(ids.PANEL_HOLDER, "children", allow_duplicate=True),
        Output(ids.PANEL_HOLDER, "style", allow_duplicate=True),
        Input(ids.SLIDER, "value"),
        State(ids.PLACE, "data"),
        State(ids.DATA_URL, "data"),
        prevent_initial_call=True,
    )
    app.clientside_callback(
        _js("syncAddress"),
        Input(ids.SLIDER, "value"),
        Input(ids.PLACE, "data"),
        Input(ids.CHANGES_MODE, "value"),
        Input(ids.CHANGES_SINCE, "value"),
        State(ids.DATA_URL, "data"),
        prevent_initial_call=True,  # the address is read (from_url) before it is written
    )
    app.clientside_callback(
        _js("jumpTo"), Input(ids.PLACE, "data"), State(ids.DATA_URL, "data"), prevent_initial_call=True
    )
    # Play and its ticks draw the date first and hand the slider its value after that frame (assets/scrub.js).
    app.clientside_callback(
        _js("step"),
        Output(ids.TICKER, "disabled", allow_duplicate=True),
        Output(ids.PLAY, "children", allow_duplicate=True),
        Input(ids.TICKER, "n_intervals"),
        State(ids.SLIDER, "max"),
        prevent_initial_call=True,
    )
    app.clientside_callback(
        _js("togglePlay"),
        Output(ids.TICKER, "disabled"),
        Output(ids.PLAY, "children"),
        Input(ids.PLAY, "n_clicks"),
        State(ids.TICKER, "disabled"),
        State(ids.SLIDER, "max"),
        prevent_initial_call=True,
    )
    app.clientside_callback(_js("speed"), Output(ids.TICKER, "interval"), Input(ids.SPEED, "value"))
