"""The Dash app: `create_app(settings)` for the CLI and tests, `server` for `gunicorn dashboard.app:server`."""

from __future__ import annotations

import functools
from datetime import date
from typing import Any

from dash import Dash

from dashboard import (
    analytics,
    analytics_callbacks,
    embed,
    figures,
    ids,
    language,
    layout,
    renders,
    routes,
    security,
    serving,
    shell,
    text,
)
from dashboard.callbacks import register_callbacks
from dashboard.config import PROJECT_ROOT, Settings
from dashboard.load import load_atlas
from dashboard.model import Atlas
from dashboard.render import spec as map_spec
from dashboard.summary import key_dates, search_text


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
    index = len(atlas.dates) - 1
    numbers = analytics.compute(atlas)  # every figure the charts, the tables and the downloads show
    parts = analytics_callbacks.attach(app, atlas, numbers, index, basemap=settings.basemap)
    heads, layouts = {}, {}
    for lang in text.LANGS:
        data = {**figures.browser_data(atlas, settings.basemap, lang), "search": search_options(atlas, lang)}
        data_url = serving.serve_json(app, "/_map" if lang == "en" else f"/_map-{lang}", f"map_data_{lang}", data)
        # The address follows the slider (history.replaceState), and Chromium fetches the favicon again after each
        # change: an inline one is no request at all. The map data is fetched while Dash's scripts load, not after
        # (map.js takes its address from this link, to draw the first paint before Dash's callbacks run).
        heads[lang] = (
            f'<link rel="icon" href="data:,"><link id="{ids.MAP_DATA}" rel="preload" href="{data_url}" as="fetch" '
            'crossorigin="anonymous">'
        )
        layouts[lang] = layout.page(
            title=page_title(atlas, lang),
            figure=figures.live_figure(atlas, basemap=settings.basemap, lang=lang),
            data_url=data_url,
            marks=slider_marks(atlas, lang),
            index=index,
            label=text.date_text(atlas.dates[index], lang),
            search_options=[],  # map.js gives the search box its options from the map data once the map is drawn
            stage=[map_key(atlas, index, lang), *parts[lang].stage],
            toolbar=[*parts[lang].toolbar, embed.share_panel(atlas, lang)],
            below=parts[lang].below,
            lang=lang,
        )
    app.index_string = app.index_string.replace("{%favicon%}", language.HEAD).replace(
        "{%app_entry%}", "{%app_entry%}" + language.SHELL
    )
    app.layout = layouts["en"]
    register_callbacks(app, atlas, index)
    embed.register_share(app)
    routes.install(app, atlas, numbers, renders.exports_for(atlas, settings.state_dir))
    security.install(app, embed_origins=settings.embed_origins, remote_map=settings.basemap != "offline")
    serving.install(app, layouts, language.referrer_lang)
    titles = {lang: page_title(atlas, lang) for lang in text.LANGS}
    shells = {lang: shell.page_shell(tree) for lang, tree in layouts.items()}
    language.install(app, titles=titles, heads=heads, shells=shells)
    shell.install(app)
    return app


def page_title(atlas: Atlas, lang: str = "en") -> str:
    """The page's title, spanning the data's dates."""
    first, last = atlas.dates[0], atlas.dates[-1]
    first_day, last_day = text.short_text(first, lang), text.short_text(last, lang)
    return text.t("page.title", lang, first=first_day, last=last_day, year=last.year)


def slider_marks(atlas: Atlas, lang: str = "en") -> dict[int, Any]:
    """One mark per day: the day's number, with its month on the first date and on each 1st; key dates (a key
    city first changes hands) in bold with what happened. A month of full dates would overlap on the track, and so
    would a wide label's neighbours: they keep their tick without a number (a 1st beside a key date, too)."""
    notes = key_dates(atlas, map_spec.KEY_PLACES, lang)
    key = {i for i, d in enumerate(atlas.dates) if d in notes}
    months = {i for i, d in enumerate(atlas.dates) if (i == 0 or d.day == 1) and not {i - 1, i + 1} & key}
    wide = key | months

    def label(i: int, d: date) -> str:
        if i in wide:
            return text.short_text(d, lang)
        return "" if {i - 1, i + 1} & wide else str(d.day)

    return {
        i: {"label": f"{label(i, d)}\n{notes[d]}", "style": {"fontWeight": "700"}} if d in notes else label(i, d)
        for i, d in enumerate(atlas.dates)
    }


def map_key(atlas: Atlas, index: int, lang: str = "en") -> Any:
    """The key as it reads on the date at `index`; the browser rewrites it on every date step."""
    day = atlas.dates[index]
    spec = map_spec.map_spec(atlas, day, lang=lang)
    rows = figures.key_rows(atlas, day, lang)
    return layout.map_key(as_of=spec["as_of"], rows=rows, claimed=spec["legend"]["claimed"], lang=lang)


def search_options(atlas: Atlas, lang: str = "en") -> list[dict[str, str]]:
    """Every place but anchors, largest first, named in `lang` first."""
    places = sorted((p for p in atlas.timeline.places if p.kind != "anchor"), key=lambda p: -(p.population or 0))
    return [
        {"label": " · ".join(_names(p, lang)), "value": p.id, "search": search_text(p)} for p in places
    ]


def _names(place: Any, lang: str) -> tuple[str, str]:
    return (place.name_ar, place.name_en) if lang == "ar" else (place.name_en, place.name_ar)


@functools.cache
def _server() -> Any:
    return create_app(Settings.from_env()).server


def __getattr__(name: str) -> Any:
    """`server` is built on first access, so importing this module loads no data."""
    if name == "server":
        return _server()
    raise AttributeError(name)
