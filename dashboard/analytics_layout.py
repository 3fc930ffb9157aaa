"""Component trees of the analytics views, built from the values they are handed.

`toolbar` (under the date slider) chooses the "changes since" mode; `stage` goes beside the map (the second
date's map, the list of changes); `section` goes under the page (charts, the governorate table, downloads).
What changes with the slider is filled in by `assets/analytics.js`.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import plotly.graph_objects as go
from dash import dcc, html

from dashboard import ids
from dashboard.analytics import Coverage, long_date
from dashboard.downloads import KINDS, LICENCE, LICENCE_URL, Kind

MODES = (("off", "Off"), ("day", "the day before"), ("first", "{first}"), ("date", "another date:"))
LINKS: dict[Kind, tuple[str, str]] = {  # kind → (one date, whole series)
    "zones": ("Zones (GeoJSON)", "Zones (GeoJSON)"),
    "places": ("Places with holder (CSV)", "Places, holder per date (CSV)"),
    "events": ("Events of the day (CSV)", "All events (CSV)"),
    "areas": ("Area table (CSV)", "Area table (CSV)"),
}
PLURALS = {"city": "cities", "town": "towns", "village": "villages", "district": "districts"}
MAP_CONFIG = {"displaylogo": False, "scrollZoom": True}
GRAPH_CONFIG = {"displaylogo": False, "modeBarButtonsToRemove": ["select2d", "lasso2d", "autoScale2d"]}


def toolbar(dates: tuple[date, ...]) -> html.Div:
    first = f"{dates[0].day} {dates[0]:%b}"
    return html.Div(
        className="changes-bar",
        children=[
            html.Span("Changes since", className="changes-bar-title"),
            dcc.RadioItems(
                id=ids.CHANGES_MODE,
                className="changes-mode",
                options=[{"label": label.format(first=first), "value": value} for value, label in MODES],
                value="off",
                inline=True,
            ),
            dcc.Dropdown(
                id=ids.CHANGES_SINCE,
                className="changes-since",
                options=[{"label": f"{d.day} {d:%b}", "value": d.isoformat()} for d in dates],
                value=dates[0].isoformat(),
                clearable=False,
                searchable=False,
                disabled=True,
            ),
            dcc.Checklist(
                id=ids.SIDE_BY_SIDE,
                className="side-by-side",
                options=[{"label": "side by side", "value": "on", "disabled": True}],
                value=[],
                inline=True,
            ),
        ],
    )


def stage() -> list[Any]:
    """Beside the map, on its right: the second date's map, then the list of changes."""
    compare = html.Div(
        id=ids.COMPARE,
        className="compare",
        hidden=True,
        children=[
            html.Div(id=ids.COMPARE_LABEL, className="compare-label"),
            dcc.Graph(
                id=ids.COMPARE_MAP, className="map", figure={}, config={"displaylogo": False, "scrollZoom": True}
            ),
        ],
    )
    changes = html.Aside(
        id=ids.CHANGES_PANEL,
        className="panel changes",
        hidden=True,
        **{"aria-label": "Changes"},
        children=[
            html.H2(id=ids.CHANGES_TITLE),
            html.Div(id=ids.CHANGES_SUMMARY, className="changes-summary"),
            html.P(
                "Ground that changed hands is hatched in the colour of its new holder. Click a place to find it.",
                className="quiet",
            ),
            html.Div(id=ids.CHANGES_LIST),
        ],
    )
    return [compare, changes]


def section(
    *,
    data_url: str,
    dates: tuple[date, ...],
    area: go.Figure,
    population: go.Figure,
    coverage: Coverage,
    series: dict[Kind, str],
) -> html.Section:
    """Under the map: territory and population over time, the governorates on the slider's date, downloads."""
    return html.Section(
        className="analytics",
        **{"aria-label": "Territory analytics"},
        children=[
            dcc.Store(id=ids.ANALYTICS_URL, data=data_url),
            html.Div(
                className="charts",
                children=[
                    html.Figure(
                        [
                            html.Figcaption("Territory: share of the country (left) and km² (right)"),
                            dcc.Graph(id=ids.AREA_CHART, figure=area, config=GRAPH_CONFIG),
                        ]
                    ),
                    html.Figure(
                        [
                            html.Figcaption("Population under each faction"),
                            dcc.Graph(id=ids.POPULATION_CHART, figure=population, config=GRAPH_CONFIG),
                            html.P(coverage_note(coverage), className="note"),
                        ]
                    ),
                ],
            ),
            html.Div(
                className="analytics-row",
                children=[
                    html.Div(
                        className="governorates",
                        children=[html.H2(id=ids.GOVERNORATE_TITLE), html.Div(id=ids.GOVERNORATE_TABLE)],
                    ),
                    downloads(series, dates),
                ],
            ),
        ],
    )


def coverage_note(coverage: Coverage) -> str:
    kinds = ", ".join(
        f"{with_figure:,} of {total:,} {PLURALS.get(kind, kind + 's')}"
        for kind, (with_figure, total) in sorted(coverage.by_kind.items(), key=lambda kv: kv[1][1])
    )
    typical = ", ".join(
        f"{kind} {figure:,}" for kind, figure in coverage.typical.items() if kind in ("town", "village")
    )
    share = coverage.unknown_estimate / coverage.known if coverage.known else 0.0
    return (
        f"Counted: places with a population figure (GeoNames) — {kinds}. "
        f"{coverage.without_figure:,} of {coverage.places:,} places have none. "
        f"At the median figure of their kind ({typical}) they would add about {_millions(coverage.unknown_estimate)} "
        f"to the {_millions(coverage.known)} counted ({share:.0%} more): the lines follow the cities and large "
        "towns, and jump when a city changes hands. Each point's bar adds that estimate for the faction."
    )


def _millions(people: int) -> str:
    return f"{people / 1e6:.1f} million"


def downloads(series: dict[Kind, str], dates: tuple[date, ...]) -> html.Div:
    """Links for the slider's date (hrefs set in the browser) and for the whole series."""
    return html.Div(
        className="downloads",
        children=[
            html.H2("Download the data"),
            html.P(
                [
                    "Every file names its sources and licence (",
                    html.A(LICENCE, href=LICENCE_URL, target="_blank", rel="noopener"),
                    "): CSV files in their first lines, starting with #; GeoJSON in a “metadata” member.",
                ],
                className="quiet",
            ),
            html.H3(id=ids.DOWNLOAD_DAY_LABEL),
            html.Ul(
                id=ids.DOWNLOAD_DAY,
                children=[html.Li(html.A(LINKS[k][0], id=f"{ids.DOWNLOAD_DAY}-{k}", download="")) for k in KINDS],
            ),
            html.H3(f"The whole series, {long_date(dates[0])} – {long_date(dates[-1])}"),
            html.Ul([html.Li(html.A(LINKS[k][1], href=series[k], download="")) for k in KINDS]),
        ],
    )
