"""The /embed view, its closed list of parameters, the app's "Embed / share" panel and the export downloads.

/embed is the map of `export.replay_figure` (the same drawing as every export) without the app's chrome: a
title, the map filling the frame's width, a text alternative, optionally a place's summary. Its parameters are a
closed allowlist, each validated and clamped; anything unusable falls back with a notice on the page, which repeats
what it was given only when that is short plain text (`callbacks.quoted`, as the app's notices do).
Framing headers (`frame-ancestors` for /embed, DENY elsewhere) come from `security.py`.
"""

from __future__ import annotations

import functools
import html
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from urllib.parse import urlencode

import plotly
from dash import ClientsideFunction, Dash, Input, Output, State, dcc
from dash import html as dhtml
from flask import Response, abort, redirect, request, send_file
from werkzeug.wrappers import Response as WerkzeugResponse

from dashboard import export, figures, ids, renders, serving
from dashboard.callbacks import quoted
from dashboard.downloads import parse_date
from dashboard.model import Atlas
from dashboard.summary import find_place, place_panel

ALLOWED = ("date", "place", "center", "zoom", "bbox", "controls", "legend", "play", "lang")
TRUE, FALSE = ("1", "true", "yes", "on"), ("0", "false", "no", "off")
ZOOM_RANGE = (4.0, 12.0)
MIN_SPAN = 0.05  # degrees: a smaller bbox shows nothing useful
PLOTLY_PATH = f"/_embed/plotly-{plotly.__version__}.min.js"
DOWNLOADS = ("png", "svg", "pdf", "gif", "html")
MIMETYPES = {
    "png": "image/png",
    "svg": "image/svg+xml",
    "pdf": "application/pdf",
    "gif": "image/gif",
    "html": "text/html",  # send_file adds the charset
}
HEIGHT_MESSAGE = "syria-map-height"
View = tuple[float, float, float, float]  # west, south, east, north


@dataclass(frozen=True)
class EmbedQuery:
    """What an /embed address asks for, after validation, with a notice for each part that could not be used."""

    day: date
    place: str | None = None
    view: View | None = None
    controls: bool = True
    legend: bool = True
    play: bool = False
    lang: str = "en"
    notices: tuple[str, ...] = field(default=())


def parse_query(args: Mapping[str, str], atlas: Atlas) -> EmbedQuery:
    """Read the allowlisted parameters; unknown ones are ignored and every unusable value falls back, with notices."""
    unknown = [key for key in args if key not in ALLOWED]
    notices = [_ignored(unknown)] if unknown else []
    day = _day(args.get("date"), atlas, notices)
    place = None
    if args.get("place"):
        found = find_place(atlas, args["place"])
        place = found.id if found else None
        if found is None:
            notices.append(f"Unknown place{quoted(args['place'])}.")
    flags = {name: _flag(args, name, default, notices) for name, default in (("controls", True), ("legend", True))}
    play = _flag(args, "play", False, notices)
    lang = args.get("lang", "en")
    if lang not in export.LANGS:
        notices.append(f"Unknown language{quoted(lang)} (en or ar): showing en.")
        lang = "en"
    view = _view(args, export.region(atlas), notices)
    return EmbedQuery(day, place, view, flags["controls"], flags["legend"], play, lang, tuple(notices))


def _ignored(keys: list[str]) -> str:
    """One notice for every unknown parameter, naming at most three."""
    more = f" and {len(keys) - 3} more" if len(keys) > 3 else ""
    return f"Ignored unknown parameter{'s' * (len(keys) > 1)}{','.join(quoted(k) for k in keys[:3])}{more}."


def _day(raw: str | None, atlas: Atlas, notices: list[str]) -> date:
    """The date asked for; outside the data it clamps to the first or last date, malformed gives the last."""
    last = atlas.dates[-1]
    if raw is None:
        return last
    asked = parse_date(raw)
    if asked is None:
        span = f"dates run {atlas.dates[0]} to {last}"
        notices.append(f"The date{quoted(raw)} must be YYYY-MM-DD ({span}): showing {last}.")
        return last
    shown = min(max(asked, atlas.dates[0]), last)
    if shown != asked:
        notices.append(f"No map for date{quoted(raw)} (dates run {atlas.dates[0]} to {last}): showing {shown}.")
    return shown


def _flag(args: Mapping[str, str], name: str, default: bool, notices: list[str]) -> bool:
    raw = args.get(name)
    if raw is None:
        return default
    if raw.lower() in TRUE + FALSE:
        return raw.lower() in TRUE
    notices.append(f"“{name}” must be 1 or 0{_not(raw)}: using {int(default)}.")
    return default


def _numbers(raw: str, count: int) -> list[float] | None:
    try:
        values = [float(v) for v in raw.split(",")]
    except ValueError:
        return None
    return values if len(values) == count and all(math.isfinite(v) for v in values) else None


def _view(args: Mapping[str, str], limits: View, notices: list[str]) -> View | None:
    """The view from `bbox` (west,south,east,north) or `center` (lat,lon) with `zoom`, clamped to `limits`."""
    west, south, east, north = limits
    if "bbox" in args:
        if "center" in args or "zoom" in args:
            notices.append("“center” and “zoom” ignored: “bbox” is given.")
        box = _numbers(args["bbox"], 4)
        if box is None:
            notices.append(f"“bbox” must be west,south,east,north in degrees{_not(args['bbox'])}.")
            return None
        w, s, e, n = (_clamp(box[0], west, east), _clamp(box[1], south, north), _clamp(box[2], west, east),
                      _clamp(box[3], south, north))  # fmt: skip
        if e - w < MIN_SPAN or n - s < MIN_SPAN:
            notices.append(f"“bbox”{quoted(args['bbox'])} is empty or outside the map: showing the whole country.")
            return None
        if (w, s, e, n) != tuple(box):
            notices.append(f"“bbox” clamped to the map: {w:g},{s:g},{e:g},{n:g}.")
        return w, s, e, n
    if "center" not in args and "zoom" not in args:
        return None
    centre = _numbers(args.get("center", f"{(south + north) / 2},{(west + east) / 2}"), 2)
    if centre is None:
        notices.append(f"“center” must be lat,lon in degrees{_not(args['center'])}.")
        centre = [(south + north) / 2, (west + east) / 2]
    lat, lon = _clamp(centre[0], south, north), _clamp(centre[1], west, east)
    if (lat, lon) != tuple(centre):
        notices.append(f"“center” clamped to the map: {lat:g},{lon:g}.")
    zoom = _numbers(args.get("zoom", str(figures.ZOOM)), 1)
    if zoom is None:
        notices.append(f"“zoom” must be a number{_not(args['zoom'])}: using {figures.ZOOM}.")
        zoom = [figures.ZOOM]
    level = _clamp(zoom[0], *ZOOM_RANGE)
    if level != zoom[0]:
        notices.append(f"“zoom” clamped to {level:g} (from {ZOOM_RANGE[0]:g} to {ZOOM_RANGE[1]:g}).")
    factor = 2 ** (figures.ZOOM - level) / 2  # the whole map at the app's zoom, halved per level in
    half_lon, half_lat = (east - west) * factor, (north - south) * factor
    return lon - half_lon, lat - half_lat, lon + half_lon, lat + half_lat


def _not(raw: str) -> str:
    """`, not “raw”` when `raw` may be repeated (`quoted`), else nothing."""
    return f", not{quoted(raw)}" if quoted(raw) else ""


def _clamp(value: float, low: float, high: float) -> float:
    return min(max(value, low), high)


# ---------------------------------------------------------------- the page


def page(
    atlas: Atlas, query: EmbedQuery, figure: export.Figure, *, script_url: str, plotly_url: str = PLOTLY_PATH
) -> str:
    """The /embed page around `figure` (`replay_figure` for `query`).

    Scripts are files (no inline script, for the CSP); the figure travels as JSON data. Only the text
    alternative is right-to-left in Arabic, not the page: Plotly measures text in a hidden element of the body and
    misplaces annotations in a right-to-left document (Arabic strings in the map carry their own embedding,
    `export.rtl`).
    """
    title = f"{export.TEXT[query.lang]['title']} · {export.date_text(query.day, query.lang)}"
    data = {
        "figure": figure,
        "play": query.play,
        "alts": {d.isoformat(): export.describe(atlas, d, query.lang) for d in atlas.dates},
        "holders": _holders(atlas, query.place),
        "message": HEIGHT_MESSAGE,
    }
    notice = " ".join(query.notices)
    direction = "rtl" if query.lang == "ar" else "ltr"
    e = html.escape
    return f"""<!DOCTYPE html>
<html lang="{query.lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{e(title)}</title>
<style>
body {{ margin: 0; font: 14px/1.4 "Noto Sans", "DejaVu Sans", sans-serif; color: #1d1d1d; background: #fff; }}
.notice {{ margin: 0; padding: 6px 10px; background: #fff4d6; border-bottom: 1px solid #e0c36b; }}
figure {{ margin: 0; }}
#map {{ width: 100%; aspect-ratio: 4 / 3; min-height: 300px; background: {figures.SEA}; }}
figcaption {{ padding: 6px 10px; font-size: 13px; color: #333; }}
.place {{ padding: 6px 10px 10px; border-top: 1px solid #ddd; }}
.place h2 {{ margin: 4px 0; font-size: 17px; }}
.badge {{ padding: 1px 6px; border-radius: 3px; }}
.place ol {{ margin: 4px 0; padding-inline-start: 20px; font-size: 13px; }}
</style>
</head>
<body data-embed>
{f'<p class="notice" role="status">{e(notice)}</p>' if notice else ""}
<figure>
<div id="map" role="img" aria-label="{e(title)}" aria-describedby="alt"></div>
<figcaption id="alt" dir="{direction}">{e(data["alts"][query.day.isoformat()])}</figcaption>
</figure>
{_place_html(atlas, query)}
<script type="application/json" id="embed-data">{export.script_json(data)}</script>
<script src="{e(plotly_url)}"></script>
<script src="{e(script_url)}"></script>
</body>
</html>
"""


def _holders(atlas: Atlas, place: str | None) -> dict[str, dict[str, str]]:
    """For the place shown, its holder on each date: label, colour, text colour."""
    if place is None:
        return {}
    out = {}
    for day in atlas.dates:
        content = place_panel(atlas, place, day)
        if content is not None:
            f = content.holder
            out[day.isoformat()] = {"label": f.label, "colour": f.colour, "ink": figures.ink(f.colour)}
    return out


def _place_html(atlas: Atlas, query: EmbedQuery) -> str:
    content = place_panel(atlas, query.place, query.day) if query.place else None
    if content is None:
        return ""
    e, place, holder = html.escape, content.place, content.holder
    history = "".join(
        f"<li>{row.date.isoformat()}: {e(row.before.label)} → {e(row.after.label)} ({e(row.confidence)})</li>"
        for row in content.history
    )
    summary = f"<p>{e(content.summary.text)}</p>" if content.summary else ""
    return f"""<section class="place" aria-label="{e(place.name_en)}">
<h2>{e(place.name_en)} <span lang="ar" dir="rtl">{e(place.name_ar)}</span></h2>
<p>Held by <span id="holder" class="badge" style="background:{e(holder.colour)};color:{figures.ink(holder.colour)}">\
{e(holder.label)}</span></p>
{summary}{f"<ol>{history}</ol>" if history else ""}
</section>"""


# ---------------------------------------------------------------- routes and the app's share panel


def export_job(fmt: str, args: Mapping[str, str], atlas: Atlas) -> renders.Job | str:
    """The export an address asks for, from the closed set `renders.report_jobs` lists, or the address of the
    nearest one in it (a place without a summary: the whole country); anything else is a 404 that says why."""
    lang = args.get("lang", "en")
    if lang not in export.LANGS:
        abort(404, description="lang is en or ar.")
    if fmt in renders.SERIES:  # every date: one file whatever the date and place
        return renders.Job(fmt, None, None, lang)
    raw = args.get("date")
    day = atlas.dates[-1] if raw is None else parse_date(raw)
    if day not in atlas.dates:  # one address per image: no aliases, no clamping
        abort(404, description=f"Dates are written YYYY-MM-DD, from {atlas.dates[0]} to {atlas.dates[-1]}.")
    place = find_place(atlas, args["place"]) if args.get("place") else None
    if args.get("place") and place is None:
        abort(404, description="No such place: use a place id, as in the app's share links.")
    if place is not None and place.id not in atlas.summaries:
        return f"{request.path}?{urlencode({'date': day.isoformat(), 'lang': lang})}"
    return renders.Job(fmt, day, place.id if place else None, lang)


def register(app: Dash, atlas: Atlas, exports: renders.Exports) -> None:
    """/embed, plotly.js for it, /export/<format> downloads (`renders`: a closed set, cached on disk), and the share
    panel's callback. Each language's replay is made before the first visitor asks (`serving.warm`)."""
    server = app.server
    script_url = app.get_asset_url("embed.js")

    @functools.cache
    def replay(lang: str) -> export.Replay:
        return export.Replay(atlas, lang)

    server.extensions.setdefault(serving.LATER, []).extend(functools.partial(replay, lang) for lang in export.LANGS)

    @functools.lru_cache(maxsize=32)  # a page is about 1.6 MB
    def embed_page(q: EmbedQuery) -> str:
        figure = replay(q.lang).figure(start=q.day, place=q.place, view=q.view, legend=q.legend, controls=q.controls)
        return page(atlas, q, figure, script_url=script_url)

    def embed() -> Response:
        return Response(embed_page(parse_query(request.args, atlas)), mimetype="text/html")

    def plotly_js() -> Response:
        body = export.PLOTLY_JS.read_bytes()
        return Response(body, mimetype="text/javascript", headers={"Cache-Control": "public, max-age=31536000"})

    def download(fmt: str) -> Response | WerkzeugResponse:
        if fmt not in DOWNLOADS:
            abort(404)
        job = export_job(fmt, request.args, atlas)
        if isinstance(job, str):
            return redirect(job)
        try:
            path = exports.file(job)
        except renders.BusyError:
            headers = {"Retry-After": str(renders.RETRY_AFTER)}
            return Response("Busy rendering: try again shortly.\n", 503, mimetype="text/plain", headers=headers)
        response = send_file(path, mimetype=MIMETYPES[fmt], max_age=3600, conditional=True)
        response.headers["Content-Disposition"] = f'attachment; filename="{job.filename()}"'
        response.set_etag(path.stem)  # content-addressed: the same on every machine
        return response

    server.add_url_rule("/embed", "embed", embed)
    server.add_url_rule(PLOTLY_PATH, "embed_plotly", plotly_js)
    server.add_url_rule("/export/<fmt>", "export_download", download)
    app.clientside_callback(
        ClientsideFunction(namespace="dashboardEmbed", function_name="share"),
        Output(ids.SHARE_LINK, "value"),
        Output(ids.SHARE_SNIPPET, "value"),
        *(Output(f"{ids.SHARE_DOWNLOAD}-{fmt}", "href") for fmt in DOWNLOADS),
        Input(ids.SLIDER, "value"),
        Input(ids.PLACE, "data"),
        Input(ids.CHANGES_MODE, "value"),
        Input(ids.CHANGES_SINCE, "value"),
        State(ids.SHARE_DATA, "data"),
    )


def share_panel(atlas: Atlas) -> dhtml.Details:
    """The app's "Embed / share" panel; `assets/embed.js` (dashboardEmbed.share) fills it for the current view."""
    data = {
        "dates": [d.isoformat() for d in atlas.dates],
        "titles": [f"{export.TEXT['en']['title']} · {figures.long_date(d)}" for d in atlas.dates],
        "alts": [export.describe(atlas, d) for d in atlas.dates],
        "message": HEIGHT_MESSAGE,
    }
    links = [dhtml.A(fmt.upper(), id=f"{ids.SHARE_DOWNLOAD}-{fmt}", href="", download="") for fmt in DOWNLOADS]
    return dhtml.Details(
        id=ids.SHARE,
        className="share",
        children=[
            dhtml.Summary("Embed / share"),
            dcc.Store(id=ids.SHARE_DATA, data=data),
            dhtml.Label(["Link to this view", dcc.Input(id=ids.SHARE_LINK, type="text", readOnly=True)]),
            dhtml.Label(["Embed code", dcc.Textarea(id=ids.SHARE_SNIPPET, readOnly=True, rows=5)]),
            dhtml.P(["Download: ", *[item for link in links for item in (link, " ")]]),
        ],
    )
