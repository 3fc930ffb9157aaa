"""Component trees built from the values they are handed. Nothing here looks anything up."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import plotly.graph_objects as go
from dash import dcc, html

from dashboard import ids
from dashboard.i18n import LANGS, direction, plotly_config, section, t
from dashboard.model import Faction
from dashboard.render import panel as panel_renderer
from dashboard.summary import PlacePanel

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
    lang: str = "en",
) -> html.Div:
    """The whole page: header with search, the map with the place panel, the date controls.

    `stage` goes beside the map, `toolbar` under the date controls, `below` under the full-height app.
    Below 600 px (assets/style.css) the page scrolls: the map at full width, its key behind the Key button,
    the date controls under it and the place panel as a bottom sheet. assets/ui-access.js fills the live region
    and the table view, names what Dash's components leave unnamed and moves focus around the place panel.
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
                    html.H1(title, title=title),
                    switch(lang),
                    dcc.Dropdown(
                        id=ids.SEARCH,
                        className="search",
                        options=search_options,
                        placeholder=t("page.search", lang),
                        clearable=True,
                        search_order="original",
                    ),
                ],
            ),
            html.Div(id=ids.NOTICE, className="notice", role="status"),
            html.Main(
                className="stage",
                children=[
                    html.Button(
                        t("page.key", lang),
                        id=ids.KEY_TOGGLE,
                        className="key-toggle",
                        title=t("page.key_label", lang),
                        **{"aria-expanded": "false", "aria-controls": ids.MAP_KEY},
                    ),
                    html.Div(
                        id=ids.MAP_BOX,
                        className="map",
                        children=dcc.Graph(
                            id=ids.MAP,
                            className="map-graph",
                            figure=figure,
                            config={
                                "displaylogo": False,
                                "scrollZoom": True,
                                "modeBarButtonsToRemove": ["select2d", "lasso2d"],
                                **plotly_config(lang),
                            },
                        ),
                    ),
                    *stage,
                    panel(lang),
                ],
            ),
            controls(marks=marks, index=index, label=label, lang=lang),
            table_view(lang),
            html.Div(id=ids.ANNOUNCE, className="visually-hidden", role="status", **{"aria-live": "polite"}),
            *toolbar,
        ],
    )
    return html.Div([app, *below])


def switch(lang: str) -> html.Nav:
    """EN | عربي: each language's name, the other one a link; assets/map.js keeps the date, place and view when
    it is followed."""
    items = [
        html.Span(t("lang.switch", other), lang=other, className="current")
        if other == lang
        else html.A(t("lang.switch", other), href=f"?lang={other}", lang=other, hrefLang=other, **{"data-lang": other})
        for other in LANGS
    ]
    separator = html.Span(" | ", className="separator", **{"aria-hidden": "true"})
    return html.Nav([items[0], separator, items[1]], id=ids.LANG_SWITCH, className="lang-switch")


def controls(*, marks: dict[int, Any], index: int, label: str, lang: str = "en") -> html.Section:
    """◀ / Play / ▶, the speeds, the date and the slider, in the page's direction.

    Right to left (Arabic) the slider is mirrored with the library's own `reverse` (Radix's `inverted`): the first
    date on the right, the filled track from the right, and its arrow keys flipped (→ is the earlier date). The
    section says its direction in `dir`; assets/scrub.js and map.js read the slider's computed direction from the
    page, so its keys, presses and drags follow. The buttons flow with the direction (◀ first, on the start side)
    and point to the end of the slider they step to: in Arabic "previous day" is on the right and points right.
    """
    mirrored = direction(lang) == "rtl"
    earlier, later = ("▶", "◀") if mirrored else ("◀", "▶")
    return html.Section(
        className="controls",
        dir=direction(lang),
        **{"aria-label": t("page.date", lang)},
        children=[
            html.Div(
                className="buttons",
                children=[
                    html.Button(
                        earlier,
                        id=ids.PREV,
                        className="step",
                        title=t("page.previous", lang),
                        **{"aria-label": t("page.previous_label", lang)},
                    ),
                    html.Button(t("map.play", lang), id=ids.PLAY, className="play", title=t("page.play_title", lang)),
                    html.Button(
                        later,
                        id=ids.NEXT,
                        className="step",
                        title=t("page.next", lang),
                        **{"aria-label": t("page.next_label", lang)},
                    ),
                    dcc.RadioItems(
                        id=ids.SPEED,
                        className="speed",
                        options=[{"label": name, "value": ms} for name, ms in SPEEDS],
                        value=DEFAULT_SPEED,
                        inline=True,
                    ),
                    html.Div(
                        className="date-line",
                        children=[
                            html.Output(label, id=ids.DATE_LABEL, className="date-label"),
                            html.Span(id=ids.DATE_NOTE, className="date-note"),
                        ],
                    ),
                ],
            ),
            html.Div(  # the slider's room, kept from the first paint (dcc.Slider draws once its script arrives)
                className="slider-room",
                children=dcc.Slider(
                    id=ids.SLIDER,
                    className="slider",
                    min=0,
                    max=max(marks),
                    step=1,
                    value=index,
                    marks=marks,
                    updatemode="drag",
                    allow_direct_input=False,
                    reverse=mirrored,
                ),
            ),
        ],
    )


def map_key(*, as_of: str, rows: Sequence[tuple[Faction, str, str]], claimed: str, lang: str = "en") -> html.Div:
    """The map's key, over its top-left corner: the date, each faction's colour and share, and claimed ground.

    `rows`: (faction, swatch colour, text) in legend order. assets/map.js rewrites the date and the texts
    on every date step, in the same frame as the map.
    """
    entries = [
        html.Li(
            [html.Span(className="swatch", style={"backgroundColor": fill, "borderColor": f.colour}), text],
            title=(f.description if lang == "en" else None) or None,
            **{"data-faction": f.id},
        )
        for f, fill, text in rows
    ]
    return html.Div(
        id=ids.MAP_KEY,
        className="map-key",
        children=[
            html.Div(as_of, className="as-of"),
            html.Div([html.B(t("map.legend_title", lang)), t("map.legend_note", lang)], className="title"),
            html.Ul(entries),
            html.Div([html.Span(className="swatch claimed"), claimed], className="claimed-entry"),
        ],
    )


def panel(lang: str = "en") -> html.Aside:
    """The place panel's frame; its content arrives with `panel_head`, the badge and `panel_body`."""
    return html.Aside(
        id=ids.PANEL,
        className="panel",
        hidden=True,
        children=[
            html.Button(
                "×",
                id=ids.PANEL_CLOSE,
                className="close",
                title=t("page.close", lang),
                **{"aria-label": t("page.close", lang)},
            ),
            html.Div(id=ids.PANEL_HEAD),
            html.Div(
                className="holder",
                children=[t("page.held_by", lang), html.Span(id=ids.PANEL_HOLDER, className="badge")],
            ),
            html.Div(id=ids.PANEL_BODY),
        ],
    )


def table_view(lang: str = "en") -> html.Details:
    """The map's information as text (date, each faction's share, the selected place's holder); ui-access.js
    writes it from the key and the place panel whenever they change."""
    return html.Details(
        className="table-view",
        children=[
            html.Summary(t("page.table", lang)),
            html.P(t("page.table_intro", lang), className="quiet"),
            html.Div(id=ids.TABLE_VIEW, **{"data-words": json.dumps(section("access", lang), ensure_ascii=False)}),
        ],
    )


def panel_head(content: PlacePanel, lang: str = "en") -> list[Any]:
    return [panel_renderer.to_dash(node) for node in panel_renderer.head(content.place, lang)]


def panel_body(content: PlacePanel, lang: str = "en") -> list[Any]:
    return [panel_renderer.to_dash(node) for node in panel_renderer.body(content, lang)]
