"""Figures for the analytics views: territory and population over time, and the map of a second date.

Each chart is a function of precomputed `Analytics`. Both charts mark one date with `layout.shapes[0]`, which
`assets/analytics.js` moves when the slider moves; every point carries its date's index in `customdata[0]`, so a
click on the chart can move the slider.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import plotly.graph_objects as go

from dashboard import text
from dashboard.analytics import Analytics
from dashboard.model import Atlas, Faction
from dashboard.render import spec as map_spec
from dashboard.render.traces import layer

HEIGHT = 330
FONT = {"family": map_spec.LABEL_FONT, "size": 12, "color": "#1d1d1d"}
MARK = {"color": "#1d1d1d", "width": 2, "dash": "dot"}
EMPTY: dict[str, Any] = {"type": "FeatureCollection", "features": []}


def mark(day: date, lang: str = "en") -> dict[str, Any]:
    """The vertical line that marks the slider's date on a chart."""
    return {
        "type": "line",
        "xref": "x",
        "yref": "paper",
        "x0": day.isoformat(),
        "x1": day.isoformat(),
        "y0": 0,
        "y1": 1,
        "line": MARK,
        "label": {"text": text.short_text(day, lang), "textposition": "end", "textangle": 0, "font": {"size": 11}},
    }


def _dates_axis(dates: tuple[date, ...], lang: str) -> dict[str, Any]:
    """Every other date, with its month where a month starts, in `lang` (Plotly's own labels are English)."""
    shown = dates[::2]
    ticks = [
        text.short_text(d, lang) if i == 0 or d.month != shown[i - 1].month else str(d.day) for i, d in enumerate(shown)
    ]
    return {"type": "date", "tickvals": [d.isoformat() for d in shown], "ticktext": ticks, "showgrid": False}


def _layout(day: date, yaxis: dict[str, Any], dates: tuple[date, ...], lang: str, **extra: Any) -> go.Layout:
    return go.Layout(
        height=HEIGHT,
        margin={"l": 58, "r": 70, "t": 24, "b": 10},
        font=FONT,
        paper_bgcolor="#ffffff",
        plot_bgcolor="#f4f3ef",
        hovermode="x unified",
        legend={"orientation": "h", "x": 0, "y": -0.1, "yanchor": "top", "traceorder": "normal", "font": {"size": 11}},
        xaxis=_dates_axis(dates, lang),
        yaxis={"rangemode": "tozero", "gridcolor": "#dddddd", **yaxis},
        shapes=[mark(day, lang)],
        uirevision="chart",
        **extra,
    )


def _held(atlas: Atlas, analytics: Analytics) -> list[Faction]:
    """The factions that hold ground on some date, in display order."""
    present = {s.faction for shares in analytics.shares.values() for s in shares}
    return [f for f in atlas.timeline.factions if f.id in present]


def area_figure(atlas: Atlas, analytics: Analytics, day: date, lang: str = "en") -> go.Figure:
    """Each faction's share of the country per date, stacked to 100 %, with the same scale in km² on the right."""
    x = [d.isoformat() for d in analytics.dates]
    total = sum(s.area_km2 for s in analytics.shares[analytics.dates[0]])
    traces = []
    for faction in _held(atlas, analytics):
        held = [next((s for s in analytics.shares[d] if s.faction == faction.id), None) for d in analytics.dates]
        traces.append(
            go.Scatter(
                x=x,
                y=[s.percent if s else 0.0 for s in held],
                customdata=[
                    [i, s.area_km2 if s else 0.0, text.claimed_part(s.claimed_percent / 100 if s else 0.0, lang)]
                    for i, s in enumerate(held)
                ],
                name=faction.label_in(lang),
                stackgroup="area",
                mode="lines",
                line={"width": 0.6, "color": faction.colour},
                fillcolor=faction.colour,
                hovertemplate=text.t(
                    "analytics.area_hover",
                    lang,
                    share=text.t("number.percent", lang, value="%{y:.1f}"),
                    area=text.t("number.km2", lang, value="%{customdata[1]:,.0f}"),
                    claimed="%{customdata[2]}",
                ),
            )
        )
    # Plotly draws an axis only for traces on it: an invisible point puts the km² scale on the right.
    traces.append(go.Scatter(x=x[:1], y=[0], yaxis="y2", mode="markers", opacity=0, hoverinfo="skip", showlegend=False))
    return go.Figure(
        traces,
        _layout(
            day,
            {"title": {"text": text.t("analytics.share_axis", lang)}, "range": [0, 100], "ticksuffix": "%"},
            analytics.dates,
            lang,
            yaxis2={
                "title": {"text": text.t("analytics.km2_axis", lang)},
                "overlaying": "y",
                "side": "right",
                "range": [0, total],
                "tickformat": ",.0f",
                "showgrid": False,
            },
        ),
    )


def population_figure(atlas: Atlas, analytics: Analytics, day: date, lang: str = "en") -> go.Figure:
    """Known population under each faction per date; the error bar adds its places without a figure, each
    counted at the median figure of places of its kind."""
    x = [d.isoformat() for d in analytics.dates]
    traces = []
    for faction in _held(atlas, analytics):
        rows = [next((r for r in analytics.populations[d] if r.faction == faction.id), None) for d in analytics.dates]
        traces.append(
            go.Scatter(
                x=x,
                y=[r.known if r else 0 for r in rows],
                customdata=[
                    [i, r.places, r.without_figure, r.unknown_estimate] if r else [i, 0, 0, 0]
                    for i, r in enumerate(rows)
                ],
                error_y={
                    "type": "data",
                    "symmetric": False,
                    "array": [r.unknown_estimate if r else 0 for r in rows],
                    "arrayminus": [0] * len(rows),
                    "color": map_spec.translucent(faction.colour, 0.45),
                    "thickness": 1,
                    "width": 3,
                },
                name=faction.label_in(lang),
                mode="lines+markers",
                line={"width": 2.5, "color": faction.colour},
                marker={"size": 6, "color": faction.colour, "line": {"width": 1, "color": "#333333"}},
                hovertemplate=text.t(
                    "analytics.population_hover",
                    lang,
                    known="%{y:,.0f}",
                    places="%{customdata[1]}",
                    without="%{customdata[2]}",
                    estimate="%{customdata[3]:,.0f}",
                ),
            )
        )
    # "~s" writes 5M: a Latin letter in Arabic, where the number is written out instead.
    people = {"title": {"text": text.t("analytics.people_axis", lang)}, "tickformat": ",d" if lang == "ar" else "~s"}
    return go.Figure(traces, _layout(day, people, analytics.dates, lang))


def compare_figure(atlas: Atlas, *, basemap: str = "offline") -> go.Figure:
    """A second map for side-by-side comparison: every faction's zone in one trace, no places, coloured and
    framed as the map spec draws the main map.

    It starts empty; the browser points `geojson` at a date's zone file (a URL it fetches once per date).
    """
    spec = map_spec.map_spec(atlas, atlas.dates[-1])
    entries = spec["legend"]["entries"]
    last = max(len(entries) - 1, 1)
    offline = basemap == "offline"
    zones = go.Choroplethmap(
        uid="compare-zones",
        geojson=EMPTY,
        featureidkey="properties.faction",
        locations=[e["faction"] for e in entries],
        z=list(range(len(entries))),
        zmin=0,
        zmax=last,
        colorscale=[[i / last, e["colour"]] for i, e in enumerate(entries)],
        showscale=False,
        marker={"opacity": layer(spec, "zones")["paint"]["fill-opacity"], "line": {"width": 0.8, "color": "#ffffff"}},
        text=[e["label"] for e in entries],
        hovertemplate="%{text}<extra></extra>",
        below=map_spec.zones_below(atlas, basemap),
    )
    return go.Figure(
        [zones],
        go.Layout(
            map={
                "style": spec["base"] if offline else basemap,
                "center": spec["view"]["center"],
                "zoom": spec["view"]["zoom"],
                "uirevision": "compare",
            },
            uirevision="compare",
            margin={"l": 0, "r": 0, "t": 0, "b": 0},
            paper_bgcolor=spec["background"],
            font={"family": map_spec.LABEL_FONT},
            showlegend=False,
        ),
    )
