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
from dashboard.analytics import Coverage
from dashboard.downloads import KINDS, LICENCE, LICENCE_URL, Kind
from dashboard.i18n import catalogue, plotly_config
from dashboard.text import date_text, short_text, t

MODES = (("off", "changes.off"), ("day", "changes.day"), ("first", None), ("date", "changes.another"))
MAP_CONFIG = {"displaylogo": False, "scrollZoom": True}
GRAPH_CONFIG = {"displaylogo": False, "modeBarButtonsToRemove": ["select2d", "lasso2d", "autoScale2d"]}


def toolbar(dates: tuple[date, ...], lang: str = "en") -> html.Div:
    first = short_text(dates[0], lang)
    return html.Div(
        className="changes-bar",
        children=[
            html.Span(t("changes.since", lang), className="changes-bar-title"),
            dcc.RadioItems(
                id=ids.CHANGES_MODE,
                className="changes-mode",
                options=[{"label": t(key, lang) if key else first, "value": value} for value, key in MODES],
                value="off",
                inline=True,
            ),
            dcc.Dropdown(
                id=ids.CHANGES_SINCE,
                className="changes-since",
                options=[{"label": short_text(d, lang), "value": d.isoformat()} for d in dates],
                value=dates[0].isoformat(),
                clearable=False,
                searchable=False,
                disabled=True,
            ),
            dcc.Checklist(
                id=ids.SIDE_BY_SIDE,
                className="side-by-side",
                options=[{"label": t("changes.side_by_side", lang), "value": "on", "disabled": True}],
                value=[],
                inline=True,
            ),
        ],
    )


def stage(lang: str = "en") -> list[Any]:
    """Beside the map, on its right: the second date's map, then the list of changes."""
    compare = html.Div(
        id=ids.COMPARE,
        className="compare",
        hidden=True,
        children=[
            html.Div(id=ids.COMPARE_LABEL, className="compare-label"),
            dcc.Graph(
                id=ids.COMPARE_MAP, className="map", figure={}, config={**MAP_CONFIG, **plotly_config(lang)}
            ),
        ],
    )
    changes = html.Aside(
        id=ids.CHANGES_PANEL,
        className="panel changes",
        hidden=True,
        **{"aria-label": t("changes.aria", lang)},
        children=[
            html.H2(id=ids.CHANGES_TITLE),
            html.Div(id=ids.CHANGES_SUMMARY, className="changes-summary"),
            html.P(t("changes.panel_note", lang), className="quiet"),
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
    lang: str = "en",
) -> html.Section:
    """Under the map: territory and population over time, the governorates on the slider's date, downloads."""
    config = {**GRAPH_CONFIG, **plotly_config(lang)}
    return html.Section(
        className="analytics",
        **{"aria-label": t("analytics.aria", lang)},
        children=[
            dcc.Store(id=ids.ANALYTICS_URL, data=data_url),
            html.Div(
                className="charts",
                children=[
                    html.Figure(
                        [
                            html.Figcaption(t("analytics.territory", lang)),
                            dcc.Graph(id=ids.AREA_CHART, figure=area, config=config),
                        ]
                    ),
                    html.Figure(
                        [
                            html.Figcaption(t("analytics.population", lang)),
                            dcc.Graph(id=ids.POPULATION_CHART, figure=population, config=config),
                            html.P(coverage_note(coverage, lang), className="note"),
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
                    downloads(series, dates, lang),
                ],
            ),
        ],
    )


def coverage_note(coverage: Coverage, lang: str = "en") -> str:
    kinds = "، ".join if lang == "ar" else ", ".join
    counted = kinds(
        t("analytics.coverage_kind", lang, count=f"{with_figure:,}", total=f"{total:,}", kind=_plural(kind, lang))
        for kind, (with_figure, total) in sorted(coverage.by_kind.items(), key=lambda kv: kv[1][1])
    )
    typical = kinds(
        t("analytics.coverage_typical", lang, kind=t(f"analytics.singular_{kind}", lang), figure=f"{figure:,}")
        for kind, figure in coverage.typical.items()
        if kind in ("town", "village")
    )
    share = coverage.unknown_estimate / coverage.known if coverage.known else 0.0
    return t(
        "analytics.coverage",
        lang,
        kinds=counted,
        without=f"{coverage.without_figure:,}",
        places=f"{coverage.places:,}",
        typical=typical,
        estimate=_millions(coverage.unknown_estimate, lang),
        known=_millions(coverage.known, lang),
        share=t("number.percent", lang, value=f"{share * 100:.0f}"),
    )


def _plural(kind: str, lang: str) -> str:
    key = f"analytics.plural_{kind}"
    return t(key, lang) if key in catalogue(lang) else kind


def _millions(people: int, lang: str) -> str:
    return t("analytics.millions", lang, value=f"{people / 1e6:.1f}")


def downloads(series: dict[Kind, str], dates: tuple[date, ...], lang: str = "en") -> html.Div:
    """Links for the slider's date (hrefs set in the browser) and for the whole series."""
    return html.Div(
        className="downloads",
        children=[
            html.H2(t("analytics.downloads", lang)),
            html.P(
                [
                    t("analytics.licence_before", lang),
                    html.A(LICENCE, href=LICENCE_URL, target="_blank", rel="noopener"),
                    t("analytics.licence_after", lang),
                ],
                className="quiet",
            ),
            html.H3(id=ids.DOWNLOAD_DAY_LABEL),
            html.Ul(
                id=ids.DOWNLOAD_DAY,
                children=[
                    html.Li(html.A(t(f"analytics.{k}_day", lang), id=f"{ids.DOWNLOAD_DAY}-{k}", download=""))
                    for k in KINDS
                ],
            ),
            html.H3(t("analytics.series", lang, first=date_text(dates[0], lang), last=date_text(dates[-1], lang))),
            html.Ul([html.Li(html.A(t(f"analytics.{k}_series", lang), href=series[k], download="")) for k in KINDS]),
        ],
    )
