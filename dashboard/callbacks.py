"""Callbacks: thin adapters from component properties to pure functions and layout.

Server callbacks run only on page load, a place opened (a click on the map sets it in `assets/map.js`) or a search.
Every date step runs in the browser (`assets/map.js`, namespace `dashboardMap`): no server round trip per step.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any
from urllib.parse import parse_qs

from dash import ClientsideFunction, Dash, Input, Output, State, no_update

from dashboard import ids, layout, query
from dashboard.i18n import t
from dashboard.language import search_lang
from dashboard.model import Atlas
from dashboard.render import panel
from dashboard.summary import place_panel


@dataclass(frozen=True)
class Query:
    """What a page address asks for, with a notice for each part that could not be used."""

    index: int
    place: str | None
    notice: str
    since: tuple[str, str | None] | None = None  # the "changes since" mode and, for "date", the date (ISO)


def parse_query(search: str | None, atlas: Atlas, default_index: int) -> Query:
    """Read `?date=YYYY-MM-DD&place=<id or name>&since=day|first|YYYY-MM-DD` by the rules of `dashboard.query`;
    anything unusable falls back to the defaults."""
    params = parse_qs(search.lstrip("?") if isinstance(search, str) else "", keep_blank_values=True)
    first = {key: values[0] for key, values in params.items()}
    lang = search_lang(search if isinstance(search, str) else None)
    day, date_notice = query.read_date(first.get("date"), atlas.dates, atlas.dates[default_index], lang)
    place, place_notice = query.read_place(first.get("place"), atlas, lang)
    since, since_notice = query.read_since(first["since"], atlas.dates, lang) if "since" in first else (None, None)
    lang_notice = query.read_lang(first["lang"], lang)[1] if "lang" in first else None
    notices = [n for n in (date_notice, place_notice, since_notice, lang_notice) if n]
    return Query(atlas.dates.index(day), place, " ".join(notices), since)


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

    def on_search(self, place_id: str | None, search: str | None = None) -> tuple[Any, Any]:
        return self._place(place_id, search)

    def _place(self, place_id: Any, search: str | None) -> tuple[Any, Any]:
        """(place id, no notice) for a known place; no update for none, and a notice for an unknown one."""
        if isinstance(place_id, str) and place_id in self.place_ids:
            return place_id, no_update
        return no_update, no_update if place_id is None else t("notice.unknown_place_clicked", search_lang(search))

    def on_close(self, _: int | None) -> None:
        return None

    def show_panel(self, place_id: str | None, index: int | None, search: str | None = None) -> tuple[Any, ...]:
        """Panel head, body, badge text, badge style and `hidden`, for a place on the date at `index`, in the
        language of the page's address `search`."""
        content = place_panel(self.atlas, place_id, self.atlas.dates[_clamp(index, self.atlas)]) if place_id else None
        if content is None:
            return [], [], "", {}, True
        lang = search_lang(search)
        head, body = layout.panel_head(content, lang), layout.panel_body(content, lang)
        return head, body, *panel.badge(content.holder, lang), False


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
    address = State(ids.URL, "search")
    app.callback(place, notice, Input(ids.SEARCH, "value"), address, prevent_initial_call=True)(callbacks.on_search)
    app.callback(place, Input(ids.PANEL_CLOSE, "n_clicks"), prevent_initial_call=True)(callbacks.on_close)
    app.callback(
        Output(ids.PANEL_HEAD, "children"),
        Output(ids.PANEL_BODY, "children"),
        Output(ids.PANEL_HOLDER, "children"),
        Output(ids.PANEL_HOLDER, "style"),
        Output(ids.PANEL, "hidden"),
        Input(ids.PLACE, "data"),
        State(ids.SLIDER, "value"),
        address,
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
