"""The analytics views in the app: data computed once at start-up, served by URL, and thin callbacks.

Every slider step stays in the browser (`assets/analytics.js`, namespace `dashboardAnalytics`): it marks the date
on the charts, fills the governorate table, the date's download links and the list of changes, and draws the
ground that changed hands on the map. The section under the map is filled with `set_props` once it is on screen,
so scrubbing the map pays nothing for it. The one server callback builds the second map the first time it shows.
"""

from __future__ import annotations

import functools
import json
import logging
import time
from dataclasses import dataclass
from typing import Any

import plotly.graph_objects as go
from dash import ClientsideFunction, Dash, Input, Output, State, no_update

from dashboard import analytics, analytics_layout, analytics_payload, charts, downloads, ids, routes, serving
from dashboard.i18n import LANGS
from dashboard.model import Atlas
from dashboard.render import spec as map_spec

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Parts:
    """Where the analytics views go in the page (see `layout.page`)."""

    toolbar: list[Any]
    stage: list[Any]
    below: list[Any]


def attach(
    app: Dash, atlas: Atlas, numbers: analytics.Analytics, index: int, *, basemap: str = "offline"
) -> dict[str, Parts]:
    """Serve the figures' data (per language), register the callbacks; return the views in each language."""
    register_callbacks(app, atlas, basemap)
    day = atlas.dates[index]
    parts = {}
    for lang in LANGS:
        data_url = serving.serve_json_later(
            app,
            "/_analytics" if lang == LANGS[0] else f"/_analytics-{lang}",
            f"analytics_data_{lang}",
            _data_key(atlas) + lang.encode(),
            functools.partial(_browser_data, atlas, numbers, lang),
        )
        section = analytics_layout.section(
            data_url=data_url,
            dates=atlas.dates,
            area=charts.area_figure(atlas, numbers, day, lang),
            population=charts.population_figure(atlas, numbers, day, lang),
            coverage=numbers.coverage,
            series={k: routes.download_url(k, routes.SERIES, lang) for k in downloads.KINDS},
            lang=lang,
        )
        toolbar = [analytics_layout.toolbar(atlas.dates, lang)]
        parts[lang] = Parts(toolbar=toolbar, stage=analytics_layout.stage(lang), below=[section])
    return parts


def _browser_data(atlas: Atlas, numbers: analytics.Analytics, lang: str = "en") -> dict[str, Any]:
    started = time.perf_counter()
    payload = analytics_payload.browser_data(atlas, numbers, lang=lang)
    payload["downloads"] = {k: routes.download_url(k, "{date}", lang) for k in downloads.KINDS}
    payload["style"] = map_spec.CHANGES  # how the map draws ground that changed hands
    log.info("analytics: computed and packed in %.1f s", time.perf_counter() - started)
    return payload


def _data_key(atlas: Atlas) -> bytes:
    """Everything the analytics data is made from: the zones, the timeline and the governorates."""
    zones = {d.isoformat(): atlas.zones[d] for d in atlas.dates}
    inputs = [zones, repr(atlas.timeline), atlas.base_layers.get("governorates")]
    return json.dumps(inputs, sort_keys=True, ensure_ascii=False).encode()


@dataclass(frozen=True)
class Callbacks:
    """The server callback, as a plain method tests can call."""

    atlas: Atlas
    basemap: str

    def compare_map(self, side_by_side: list[str] | None, figure: dict[str, Any] | None) -> go.Figure | Any:
        """The second map, built the first time it is shown; the browser swaps its dates."""
        if "on" not in (side_by_side or []) or (figure or {}).get("data"):
            return no_update
        return charts.compare_figure(self.atlas, basemap=self.basemap)


def _js(name: str) -> ClientsideFunction:
    return ClientsideFunction(namespace="dashboardAnalytics", function_name=name)


def register_callbacks(app: Dash, atlas: Atlas, basemap: str) -> Callbacks:
    callbacks = Callbacks(atlas, basemap)
    app.callback(
        Output(ids.COMPARE_MAP, "figure"),
        Input(ids.SIDE_BY_SIDE, "value"),
        State(ids.COMPARE_MAP, "figure"),
        prevent_initial_call=True,
    )(callbacks.compare_map)
    slider, url = Input(ids.SLIDER, "value"), State(ids.ANALYTICS_URL, "data")
    app.clientside_callback(_js("section"), slider, url)  # fills the section under the map, by set_props
    since = [Input(ids.CHANGES_MODE, "value"), Input(ids.CHANGES_SINCE, "value")]
    app.clientside_callback(
        _js("changes"),
        Output(ids.CHANGES_PANEL, "hidden"),
        Output(ids.CHANGES_TITLE, "children"),
        Output(ids.CHANGES_SUMMARY, "children"),
        Output(ids.CHANGES_LIST, "children"),
        Output(ids.CHANGES_SINCE, "disabled"),
        Output(ids.SIDE_BY_SIDE, "options"),
        slider,
        *since,
        State(ids.SIDE_BY_SIDE, "options"),
        url,
    )
    app.clientside_callback(
        _js("compare"),
        Output(ids.COMPARE, "hidden"),
        Output(ids.COMPARE_LABEL, "children"),
        slider,
        *since,
        Input(ids.SIDE_BY_SIDE, "value"),
        Input(ids.COMPARE_MAP, "figure"),
        url,
    )
    return callbacks
