"""The map spec on Plotly's MapLibre subplot (`map_figure`, `live_figure`), and every date's spec for the browser.

The app's graph starts from `live_figure`: the view and the place targets, without anything that changes from
day to day. `assets/map.js` then adds the spec's layers for every date (`browser_data`, sent once) to the map
Plotly made, as they are given, and a date step only switches which date's layers are drawn.
`map_figure` draws one date with Plotly's own traces (the benchmark's naive app and tests use it).
"""

from __future__ import annotations

from datetime import date
from typing import Any

import plotly.graph_objects as go

from dashboard.model import Atlas, Faction
from dashboard.render import spec as map_spec
from dashboard.render import style, traces
from dashboard.render.browser import browser_data, one_source
from dashboard.render.schema import MapSpec
from dashboard.render.spec import shown_places
from dashboard.text import long_date, short_date

__all__ = [
    "browser_data",
    "key_rows",
    "live_figure",
    "long_date",
    "map_figure",
    "one_source",
    "short_date",
    "shown_places",
]  # fmt: skip
UIREVISION = "map"


def map_figure(atlas: Atlas, day: date, *, basemap: str = "offline", height: int | None = None) -> go.Figure:
    """The map on `day`: zones per faction, claimed ground, places, base layers, legend with shares, attribution."""
    spec = map_spec.map_spec(atlas, day)
    below = map_spec.zones_below(atlas, basemap)
    annotations = [traces.as_of_annotation(spec), traces.attribution_annotation(spec)]
    fig = _figure(atlas, spec, traces.map_traces(spec, "map", below), annotations, basemap, height)
    fig.update_layout(meta={"date": day.isoformat()})
    return fig


def live_figure(atlas: Atlas, *, basemap: str = "offline", lang: str = "en") -> go.Figure:
    """The app's map before `assets/map.js` draws a date on it: `map_figure` without what changes by date.

    The view and the attribution as `map_figure` draws them; the place labels; the markers themselves
    transparent, as hover and click targets (map.js draws their halos and their colour for the date shown
    under them, and the key, with the legend's entries, beside the map).
    """
    spec = map_spec.map_spec(atlas, atlas.dates[-1], lang=lang)
    _, markers = traces.place_traces(spec)
    markers.update(hoverinfo="none", marker={**markers["marker"], "opacity": 0})
    del markers["hovertext"], markers["hovertemplate"]
    fig = _figure(atlas, spec, [markers], [traces.attribution_annotation(spec)], basemap, None)
    fig.update_layout(showlegend=False)
    if basemap == "offline":
        # Only the sea: the base layers come with `browser_data` (`base`), so the browser gets them once, for
        # map.js to put on the map and for the first paint (assets/poster.js), which comes before plotly.js.
        # An empty source stands in for them: Plotly drops an empty `sources` on a figure update, and MapLibre
        # then refuses the style ("missing required property sources").
        empty = {"none": {"type": "FeatureCollection", "features": []}}
        fig.update_layout(map_style=map_spec.offline_style(empty))
    return fig


def _online_layers(atlas: Atlas) -> list[dict[str, Any]]:
    return [
        {"sourcetype": "geojson", "source": layer, "type": "line", "color": colour, "line": {"width": width}}
        for layer, colour, width in style.online_outlines(atlas.base_layers)
    ]


def _figure(
    atlas: Atlas,
    spec: MapSpec,
    data: list[Any],
    annotations: list[dict[str, Any]],
    basemap: str,
    height: int | None,
) -> go.Figure:
    """Base map, view and legend frame around `data`."""
    offline = basemap == "offline"
    return go.Figure(
        data,
        go.Layout(
            map={
                "style": spec["base"] if offline else basemap,
                "layers": [] if offline else _online_layers(atlas),
                "center": spec["view"]["center"],
                "zoom": spec["view"]["zoom"],
                "uirevision": UIREVISION,
            },
            uirevision=UIREVISION,
            height=height,
            margin={"l": 0, "r": 0, "t": 0, "b": 0},
            paper_bgcolor=spec["background"],
            font={"family": map_spec.LABEL_FONT},
            legend=traces.legend_layout(spec),
            annotations=annotations,
            hoverlabel={"font": {"family": map_spec.LABEL_FONT}},
        ),
    )


def key_rows(atlas: Atlas, day: date, lang: str = "en") -> list[tuple[Faction, str, str]]:
    """The key's rows on `day`, in legend order, from the spec's legend: faction, swatch colour, text."""
    factions = {f.id: f for f in atlas.timeline.factions}
    return [(factions[e["faction"]], e["swatch"], e["text"]) for e in map_spec.legend(atlas, day, lang)["entries"]]
