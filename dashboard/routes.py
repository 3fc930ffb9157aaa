"""Every HTTP route the app serves beside Dash's own, in one table (`install`), and how each reads its address.

| path | answers with |
| --- | --- |
| `/embed?date=&place=&lang=&…` | the embeddable page (`embed.page`), cached per query |
| `/_embed/plotly-embed-<version>.min.js` | plotly.js as built for /embed (`vendor/plotly/embed`), cached for a year |
| `/_embed/frames[-<lang>]/data-<digest>.json` | every date's drawing, which /embed fetches once its first is drawn |
| `/_dash-component-suites/plotly/package_data/plotly.min.js` | the live app's plotly.js: the map bundle (below) |
| `/export/<png|svg|pdf|gif|html>?date=&place=&lang=` | a rendered export (`renders`: a closed set, on disk) |
| `/download/<YYYY-MM-DD|all>/<kind>.<ext>?lang=` | the data as files (`downloads`, `gis`) |

The map's and the analytics' data are JSON at content-hashed paths (`/_map…`, `/_analytics…`), registered by
`serving.serve_json` / `serve_json_later` when the data is made; Dash serves the page, its layout and callbacks.
Hooks that apply to every route (headers, limits, errors) are in `security.py`; the page's language in
`language.py`. A file is named by its address: a date without a map or a language we do not have is a 404, never
a nearby file.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Mapping
from datetime import date
from pathlib import Path
from typing import cast
from urllib.parse import urlencode

from dash import Dash
from flask import Response, abort, redirect, request, send_file
from werkzeug.wrappers import Response as WerkzeugResponse

from dashboard import analytics, downloads, embed, export, gis, query, renders, serving
from dashboard.i18n import LANGS
from dashboard.model import Atlas
from dashboard.summary import find_place

DOWNLOAD_PATH = "/download/{scope}/{kind}.{ext}"
# Where Dash's Graph loads plotly.js from when the app serves its own scripts (dash-renderer sets it; no setting
# changes it). The live app's map and charts draw scattermap, choroplethmap and scatter only: plotly.js's map bundle
# (vendored beside the geo bundle by vendor/plotly/fetch.sh) is served there instead of the full build, 0.66 MB
# with brotli against 1.4 MB, and evaluated in a third of the time (1.1 s against 3.8 s on a phone-speed CPU).
DASH_PLOTLY_PATH = "_dash-component-suites/plotly/package_data/plotly.min.js"
LIVE_PLOTLY_JS = export.PLOTLY_JS.with_name("plotly-map.min.js")
LIVE_TRACES = frozenset({"scatter", "scattermap", "choroplethmap", "densitymap"})  # what the map bundle draws
SERIES = "all"  # the scope of a download of every date


def install(app: Dash, atlas: Atlas, numbers: analytics.Analytics, exports: renders.Exports) -> None:
    """Register the table above on `app`'s server. Each language's replay (what /embed draws) is made before the
    first visitor asks (`serving.warm`)."""
    script_urls = (app.get_asset_url("constants.js"), app.get_asset_url("embed.js"))  # the names, then the script

    @functools.cache
    def replay(lang: str) -> export.Replay:
        return export.Replay(atlas, lang)

    later = app.server.extensions.setdefault(serving.LATER, [])
    bundles = (plotly_script(path)[0].warm for path in (embed.PLOTLY_JS, LIVE_PLOTLY_JS))
    later.extend([*(functools.partial(replay, lang) for lang in LANGS), *bundles])

    frames_urls = {
        lang: serving.serve_json_later(
            app,
            "/_embed/frames" if lang == LANGS[0] else f"/_embed/frames-{lang}",
            f"embed_frames_{lang}",
            f"{exports.version} {lang}".encode(),
            lambda lang=lang: replay(lang).frames,
        )
        for lang in LANGS
    }

    @functools.lru_cache(maxsize=64)  # a page is about 0.25 MB, 0.05 MB with brotli
    def embed_page(q: embed.EmbedQuery) -> tuple[serving.Encoded, str]:
        figure = embed.drawing(replay(q.lang), q)
        page = embed.page(atlas, q, figure, script_urls=script_urls, frames_url=frames_urls[q.lang]).encode()
        return serving.Encoded(lambda: page, encoders=serving.PAGE_ENCODERS), hashlib.sha256(page).hexdigest()[:16]

    def embed_view() -> Response:
        page, digest = embed_page(embed.parse_query(request.args, atlas))
        return page.response("text/html", {}, digest).make_conditional(request)

    def plotly_js() -> Response:  # its address names its version
        return script(embed.PLOTLY_JS, {"Cache-Control": "public, max-age=31536000"})

    def live_plotly_js() -> Response:  # its address does not: asked again, it answers 304 while it is the same
        return script(LIVE_PLOTLY_JS, {"Cache-Control": "no-cache"}).make_conditional(request)

    def export_view(fmt: str) -> Response | WerkzeugResponse:
        if fmt not in embed.DOWNLOADS:
            abort(404)
        job = export_job(fmt, request.args, atlas)
        if isinstance(job, str):
            return redirect(job)
        try:
            path = exports.file(job)
        except renders.BusyError:
            headers = {"Retry-After": str(renders.RETRY_AFTER)}
            return Response("Busy rendering: try again shortly.\n", 503, mimetype="text/plain", headers=headers)
        response = send_file(path, mimetype=embed.MIMETYPES[fmt], max_age=3600, conditional=True)
        response.headers["Content-Disposition"] = f'attachment; filename="{job.filename()}"'
        response.set_etag(path.stem)  # content-addressed: the same on every machine
        return response

    @functools.cache
    def data_file(kind: downloads.Kind, day: date | None, lang: str) -> downloads.Download:
        return downloads.download(atlas, numbers, kind, day, lang)

    @functools.lru_cache(maxsize=16)
    def gis_file(fmt: str, day: date | None, lang: str) -> downloads.Download:
        return gis.zones_file(atlas, day, fmt, lang)

    def download_view(scope: str, kind: str, ext: str) -> Response:
        name = f"{kind}.{ext}"  # zones.shp.zip arrives as kind "zones.shp", ext "zip"
        lang = file_lang(request.args.get("lang"))
        if name.startswith(f"{gis.LAYER}.") and name.removeprefix(f"{gis.LAYER}.") in gis.FORMATS:
            made = gis_file(name.removeprefix(f"{gis.LAYER}."), scope_day(scope, atlas), lang)
        elif kind in downloads.KINDS and downloads.EXTENSIONS[cast(downloads.Kind, kind)] == ext:
            made = data_file(cast(downloads.Kind, kind), scope_day(scope, atlas), lang)
        else:
            abort(404)
        response = Response(made.body, content_type=made.media_type)  # it names its charset
        response.headers["Content-Disposition"] = f'attachment; filename="{made.filename}"'
        response.headers["Cache-Control"] = "no-cache"
        response.add_etag()
        return response.make_conditional(request)

    table = (
        ("/embed", "embed", embed_view),
        (embed.PLOTLY_PATH, "embed_plotly", plotly_js),
        (f"{app.config.routes_pathname_prefix}{DASH_PLOTLY_PATH}", "live_plotly", live_plotly_js),
        (f"{embed.EXPORT_PREFIX}<fmt>", "export_download", export_view),
        (DOWNLOAD_PATH.format(scope="<scope>", kind="<kind>", ext="<ext>"), "analytics_download", download_view),
    )
    for path, endpoint, view in table:
        app.server.add_url_rule(path, endpoint, view)


def script(path: Path, headers: dict[str, str]) -> Response:
    """A vendored plotly.js build in the best encoding the browser takes, with an ETag of its content."""
    encoded, digest = plotly_script(path)
    return encoded.response("text/javascript", headers, digest)


@functools.cache
def plotly_script(path: Path) -> tuple[serving.Encoded, str]:
    """A plotly.js build, the largest part of a first view (/embed's is 1.2 MB), and a digest of it. Its brotli
    form at quality 11 is vendored beside it (seconds to make; 0.35 MB against 0.43 MB at the per-response level)."""
    raw = path.read_bytes()
    made = {"br": path.with_name(f"{path.name}.br").read_bytes(), "identity": raw}
    return serving.Encoded(lambda: raw, made), hashlib.sha256(raw).hexdigest()[:16]


def download_url(kind: downloads.Kind, scope: str, lang: str) -> str:
    """A data file's address; the default language's has no `lang` (a file's words follow the page's language)."""
    path = DOWNLOAD_PATH.format(scope=scope, kind=kind, ext=downloads.EXTENSIONS[kind])
    return path if lang == LANGS[0] else f"{path}?{urlencode({'lang': lang})}"


def export_job(fmt: str, args: Mapping[str, str], atlas: Atlas) -> renders.Job | str:
    """The export an address asks for, from the closed set `renders.report_jobs` lists, or the address of the
    nearest one in it (a place without a summary: the whole country); anything else is a 404 that says why."""
    lang = file_lang(args.get("lang"))
    if fmt in renders.SERIES:  # every date: one file whatever the date and place
        return renders.Job(fmt, None, None, lang)
    raw = args.get("date")
    day = atlas.dates[-1] if raw is None else query.exact_date(raw, atlas.dates)
    if day is None:  # one address per image: no aliases, no clamping (the date rule's strict form)
        abort(404, description=query.date_form(atlas.dates))
    place = find_place(atlas, args["place"]) if args.get("place") else None
    if args.get("place") and place is None:
        abort(404, description="No such place: use a place id, as in the app's share links.")
    if place is not None and place.id not in atlas.summaries:
        return f"{request.path}?{urlencode({'date': day.isoformat(), 'lang': lang})}"
    return renders.Job(fmt, day, place.id if place else None, lang)


def file_lang(raw: str | None) -> str:
    """The language a file's address names (the default if none); one we do not have is a 404."""
    lang, notice = query.read_lang(raw)
    if notice:
        abort(404, description=notice)
    return lang


def scope_day(scope: str, atlas: Atlas) -> date | None:
    """None for the whole series, else a date with a map; any date the date rule would change is a 404 (a file is
    named by its date)."""
    if scope == SERIES:
        return None
    day = query.exact_date(scope, atlas.dates)
    if day is None:
        abort(404, description=query.date_form(atlas.dates))
    return day
