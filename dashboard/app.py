"""The Dash app: `create_app(settings)` for the CLI and tests, `server` for `gunicorn dashboard.app:server`."""

from __future__ import annotations

import functools
from typing import Any

from dash import Dash

from dashboard import analytics_callbacks, embed, figures, layout, renders, security, serving
from dashboard.callbacks import register_callbacks
from dashboard.config import PROJECT_ROOT, Settings
from dashboard.load import load_atlas
from dashboard.model import Atlas
from dashboard.summary import key_dates, search_text

TITLE = "Syria: who controls what, 26 Nov – 10 Dec 2024"
KEY_PLACES = ("aleppo", "hama", "homs", "damascus")


def create_app(settings: Settings, atlas: Atlas | None = None) -> Dash:
    """A fresh app with its callbacks; `atlas` defaults to the data in `settings.data_dir`."""
    atlas = atlas if atlas is not None else load_atlas(settings.data_dir)
    app = Dash(
        __name__,
        title=TITLE,
        update_title=None,
        assets_folder=str(PROJECT_ROOT / "assets"),
        compress=True,
        serve_locally=True,
    )
    data_url = serving.serve_json(
        app, "/_map", "map_data", {**figures.browser_data(atlas, settings.basemap), "search": search_options(atlas)}
    )
    # The address follows the slider (history.replaceState), and Chromium fetches the favicon again after each
    # change: an inline one is no request at all. The map data is fetched while Dash's scripts load, not after
    # (map.js takes its address from this link, to draw the first paint before Dash's callbacks run).
    preload = f'<link id="map-data" rel="preload" href="{data_url}" as="fetch" crossorigin="anonymous">'
    app.index_string = app.index_string.replace("{%favicon%}", f'<link rel="icon" href="data:,">{preload}')
    index = len(atlas.dates) - 1
    analytics = analytics_callbacks.attach(app, atlas, index, basemap=settings.basemap)
    app.layout = layout.page(
        title=TITLE,
        figure=figures.live_figure(atlas, basemap=settings.basemap),
        data_url=data_url,
        marks=slider_marks(atlas),
        index=index,
        label=figures.long_date(atlas.dates[index]),
        search_options=[],  # map.js gives the search box its options from the map data once the map is drawn
        stage=[map_key(atlas, index), *analytics.stage],
        toolbar=[*analytics.toolbar, embed.share_panel(atlas)],
        below=analytics.below,
    )
    register_callbacks(app, atlas, index)
    embed.register(app, atlas, renders.exports_for(atlas, settings.state_dir))
    security.install(app, embed_origins=settings.embed_origins, remote_map=settings.basemap != "offline")
    serving.install(app)
    return app


def slider_marks(atlas: Atlas) -> dict[int, Any]:
    """One labelled mark per day; key dates (a key city first changes hands) carry what happened."""
    notes = key_dates(atlas, KEY_PLACES)
    return {
        i: {"label": f"{figures.short_date(d)}\n{notes[d]}", "style": {"fontWeight": "700"}}
        if d in notes
        else figures.short_date(d)
        for i, d in enumerate(atlas.dates)
    }


def map_key(atlas: Atlas, index: int) -> Any:
    """The key as it reads on the date at `index`; the browser rewrites it on every date step."""
    day = atlas.dates[index]
    rows = figures.key_rows(atlas, day)
    return layout.map_key(as_of=figures.as_of_text(day), rows=rows, claimed=figures.CLAIMED_LABEL)


def search_options(atlas: Atlas) -> list[dict[str, str]]:
    places = sorted((p for p in atlas.timeline.places if p.kind != "anchor"), key=lambda p: -(p.population or 0))
    return [{"label": f"{p.name_en} · {p.name_ar}", "value": p.id, "search": search_text(p)} for p in places]


@functools.cache
def _server() -> Any:
    return create_app(Settings.from_env()).server


def __getattr__(name: str) -> Any:
    """`server` is built on first access, so importing this module loads no data."""
    if name == "server":
        return _server()
    raise AttributeError(name)
