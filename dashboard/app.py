"""The Dash app: `create_app(settings)` for the CLI and tests, `server` for `gunicorn dashboard.app:server`."""

from __future__ import annotations

import functools
from datetime import date
from typing import Any

from dash import Dash

from dashboard import analytics_callbacks, embed, figures, ids, layout, renders, security, serving, text
from dashboard.callbacks import register_callbacks
from dashboard.config import PROJECT_ROOT, Settings
from dashboard.load import load_atlas
from dashboard.model import Atlas
from dashboard.render import spec as map_spec
from dashboard.summary import key_dates, search_text

LANG = "en"  # the page's <html lang>: the one place to change it (`html_attributes`)


def create_app(settings: Settings, atlas: Atlas | None = None) -> Dash:
    """A fresh app with its callbacks; `atlas` defaults to the data in `settings.data_dir`."""
    atlas = atlas if atlas is not None else load_atlas(settings.data_dir)
    title = page_title(atlas)
    app = Dash(
        __name__,
        title=title,
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
    preload = f'<link id="{ids.MAP_DATA}" rel="preload" href="{data_url}" as="fetch" crossorigin="anonymous">'
    app.index_string = app.index_string.replace("{%favicon%}", f'<link rel="icon" href="data:,">{preload}').replace(
        "<html>", f"<html {html_attributes(LANG)}>"
    )
    index = len(atlas.dates) - 1
    analytics = analytics_callbacks.attach(app, atlas, index, basemap=settings.basemap)
    app.layout = layout.page(
        title=title,
        figure=figures.live_figure(atlas, basemap=settings.basemap),
        data_url=data_url,
        marks=slider_marks(atlas),
        index=index,
        label=text.long_date(atlas.dates[index]),
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


def html_attributes(lang: str) -> str:
    """The attributes of the page's <html> element for `lang`."""
    return f'lang="{lang}"'


def page_title(atlas: Atlas) -> str:
    """The page's title, spanning the data's dates."""
    first, last = atlas.dates[0], atlas.dates[-1]
    return f"Syria: who controls what, {text.short_date(first)} – {text.short_date(last)} {last.year}"


def slider_marks(atlas: Atlas) -> dict[int, Any]:
    """One mark per day: the day's number, with its month on the first date and on each 1st; key dates (a key
    city first changes hands) in bold with what happened. A month of full dates would overlap on the track."""
    notes = key_dates(atlas, map_spec.KEY_PLACES)

    def label(i: int, d: date) -> str:
        return text.short_date(d) if i == 0 or d.day == 1 or d in notes else str(d.day)

    return {
        i: {"label": f"{label(i, d)}\n{notes[d]}", "style": {"fontWeight": "700"}} if d in notes else label(i, d)
        for i, d in enumerate(atlas.dates)
    }


def map_key(atlas: Atlas, index: int) -> Any:
    """The key as it reads on the date at `index`; the browser rewrites it on every date step."""
    day = atlas.dates[index]
    spec = map_spec.map_spec(atlas, day)
    return layout.map_key(as_of=spec["as_of"], rows=figures.key_rows(atlas, day), claimed=spec["legend"]["claimed"])


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
