"""Component trees built from the values they are handed. Nothing here looks anything up."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import plotly.graph_objects as go
from dash import dcc, html

from dashboard import ids
from dashboard.figures import ink
from dashboard.model import Faction
from dashboard.summary import HistoryRow, PlacePanel

SPEEDS = (("0.5×", 1600), ("1×", 800), ("2×", 400), ("4×", 200))
DEFAULT_SPEED = 800


def page(
    *,
    title: str,
    figure: go.Figure,
    data_url: str,
    marks: dict[int, Any],
    index: int,
    label: str,
    search_options: list[dict[str, str]],
    stage: Sequence[Any] = (),
    toolbar: Sequence[Any] = (),
    below: Sequence[Any] = (),
) -> html.Div:
    """The whole page: header with search, the map with the place panel, the date controls.

    `stage` goes beside the map, `toolbar` under the date controls, `below` under the full-height app.
    """
    app = html.Div(
        className="app",
        children=[
            dcc.Location(id=ids.URL, refresh=False),
            dcc.Store(id=ids.DATA_URL, data=data_url),
            dcc.Store(id=ids.PLACE, data=None),
            dcc.Interval(id=ids.TICKER, interval=DEFAULT_SPEED, disabled=True),
            html.Header(
                className="topbar",
                children=[
                    html.H1(title),
                    dcc.Dropdown(
                        id=ids.SEARCH,
                        className="search",
                        options=search_options,
                        placeholder="Find a place — English or العربية",
                        clearable=True,
                        search_order="original",
                    ),
                ],
            ),
            html.Div(id=ids.NOTICE, className="notice", role="status"),
            html.Main(
                className="stage",
                children=[
                    dcc.Graph(
                        id=ids.MAP,
                        className="map",
                        figure=figure,
                        config={
                            "displaylogo": False,
                            "scrollZoom": True,
                            "modeBarButtonsToRemove": ["select2d", "lasso2d"],
                        },
                    ),
                    *stage,
                    panel(),
                ],
            ),
            controls(marks=marks, index=index, label=label),
            *toolbar,
        ],
    )
    return html.Div([app, *below])


def controls(*, marks: dict[int, Any], index: int, label: str) -> html.Section:
    return html.Section(
        className="controls",
        **{"aria-label": "Date"},
        children=[
            html.Div(
                className="buttons",
                children=[
                    html.Button("◀", id=ids.PREV, className="step", title="Previous day (←)"),
                    html.Button("▶ Play", id=ids.PLAY, className="play", title="Play / pause (space)"),
                    html.Button("▶", id=ids.NEXT, className="step", title="Next day (→)"),
                    dcc.RadioItems(
                        id=ids.SPEED,
                        className="speed",
                        options=[{"label": name, "value": ms} for name, ms in SPEEDS],
                        value=DEFAULT_SPEED,
                        inline=True,
                    ),
                    html.Output(label, id=ids.DATE_LABEL, className="date-label", **{"aria-live": "polite"}),
                ],
            ),
            dcc.Slider(
                id=ids.SLIDER,
                className="slider",
                min=0,
                max=max(marks),
                step=1,
                value=index,
                marks=marks,
                updatemode="drag",
                allow_direct_input=False,
            ),
        ],
    )


def map_key(*, as_of: str, rows: Sequence[tuple[Faction, str, str]], claimed: str) -> html.Div:
    """The map's key, over its top-left corner: the date, each faction's colour and share, and claimed ground.

    `rows`: (faction, swatch colour, text) in legend order. assets/map.js rewrites the date and the texts
    on every date step, in the same frame as the map.
    """
    entries = [
        html.Li(
            [html.Span(className="swatch", style={"backgroundColor": fill, "borderColor": f.colour}), text],
            title=f.description or None,
            **{"data-faction": f.id},
        )
        for f, fill, text in rows
    ]
    return html.Div(
        id=ids.MAP_KEY,
        className="map-key",
        children=[
            html.Div(as_of, className="as-of"),
            html.Div([html.B("Control"), " (share of area)"], className="title"),
            html.Ul(entries),
            html.Div([html.Span(className="swatch claimed"), claimed], className="claimed-entry"),
        ],
    )


def panel() -> html.Aside:
    """The place panel's frame; its content arrives with `panel_head`, `holder_badge` and `panel_body`."""
    return html.Aside(
        id=ids.PANEL,
        className="panel",
        hidden=True,
        children=[
            html.Button("×", id=ids.PANEL_CLOSE, className="close", title="Close"),
            html.Div(id=ids.PANEL_HEAD),
            html.Div(className="holder", children=["Held by ", html.Span(id=ids.PANEL_HOLDER, className="badge")]),
            html.Div(id=ids.PANEL_BODY),
        ],
    )


def holder_badge(faction: Faction) -> tuple[str, dict[str, str]]:
    """The badge's text and style (the browser sets the same two on every date change)."""
    return faction.label, {"backgroundColor": faction.colour, "color": ink(faction.colour)}


def panel_head(content: PlacePanel) -> list[Any]:
    place = content.place
    return [
        html.H2([place.name_en, " ", html.Span(place.name_ar, lang="ar", dir="rtl", className="ar")]),
        html.P(f"{place.kind.replace('_', ' ').capitalize()} · {place.governorate}", className="quiet"),
    ]


def _source_cell(row: HistoryRow) -> list[Any]:
    """The source link, and how the change reached the place (an area event, or inferred with no source)."""
    link = [html.A(row.source_title or "source", href=row.source_url, target="_blank", rel="noopener")]
    if not row.source_url:
        return [html.Span(row.via, className="via")]
    return [*link, html.Span(f" · {row.via}", className="via")] if row.via else link


def panel_body(content: PlacePanel) -> list[Any]:
    rows = [
        html.Tr(
            [
                html.Td(row.date.isoformat()),
                html.Td([_dot(row.before), row.before.label, " → ", _dot(row.after), row.after.label]),
                html.Td(row.confidence, className=f"confidence {row.confidence}"),
                html.Td(_source_cell(row)),
            ],
            title=row.note,
        )
        for row in content.history
    ]
    history = (
        html.Table(
            className="history",
            children=[
                html.Thead(html.Tr([html.Th("Date"), html.Th("Change"), html.Th("Confidence"), html.Th("Source")])),
                html.Tbody(rows),
            ],
        )
        if rows
        else html.P("No change of hands in this period.", className="quiet")
    )
    return [
        html.H3("Control history"),
        history,
        *_summary(content),
    ]


def _dot(faction: Faction) -> html.Span:
    return html.Span(className="dot", style={"backgroundColor": faction.colour})


def _summary(content: PlacePanel) -> list[Any]:
    if content.summary is None:
        return []
    return [
        html.H3("What happened"),
        html.P(content.summary.text, className="summary"),
        html.Ul(
            className="sources",
            children=[
                html.Li(html.A(s.title, href=s.url, target="_blank", rel="noopener")) for s in content.summary.sources
            ],
        ),
    ]
