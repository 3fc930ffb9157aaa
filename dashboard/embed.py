"""The /embed view, its closed list of parameters, the app's "Embed / share" panel and the export downloads.

/embed is the map of `export.replay_figure` (the same drawing as every export) without the app's chrome: a
title, the map filling the frame's width, a text alternative, optionally a place's summary. Its parameters are a
closed allowlist, each validated and clamped; anything unusable falls back with a notice on the page, which repeats
what it was given only when that is short plain text (`query.quoted`, as the app's notices do).
Framing headers (`frame-ancestors` for /embed, DENY elsewhere) come from `security.py`.
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

import plotly
from dash import ClientsideFunction, Dash, Input, Output, State, dcc
from dash import html as dhtml

from dashboard import export, ids, query, text
from dashboard.config import PROJECT_ROOT
from dashboard.model import Atlas
from dashboard.query import View
from dashboard.render import panel
from dashboard.render import spec as map_spec
from dashboard.summary import place_panel

ALLOWED = ("date", "place", "center", "zoom", "bbox", "controls", "legend", "play", "lang")
FLAGS = (("controls", True), ("legend", True), ("play", False))
# plotly.js built for the embed (vendor/plotly/embed): its figures' traces and nothing they do not use
PLOTLY_JS = PROJECT_ROOT / "vendor" / "plotly" / "plotly-embed.min.js"
PLOTLY_PATH = f"/_embed/plotly-embed-{plotly.__version__}.min.js"
TRACES = frozenset({"scatter", "scattergeo", "choropleth"})  # what that build draws
DOWNLOADS = ("png", "svg", "pdf", "gif", "html")
MIMETYPES = {
    "png": "image/png",
    "svg": "image/svg+xml",
    "pdf": "application/pdf",
    "gif": "image/gif",
    "html": "text/html",  # send_file adds the charset
}
HEIGHT_MESSAGE = "syria-map-height"
EXPORT_PREFIX = "/export/"  # /export/<format>: the share panel's downloads


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
    """Read the allowlisted parameters by the rules of `dashboard.query`; unknown ones are ignored and every
    unusable value falls back, with notices."""
    lang, lang_notice = query.read_lang(args.get("lang"))  # first: every notice is in the page's language
    unknown = [key for key in args if key not in ALLOWED]
    notices = [_ignored(unknown, lang)] if unknown else []
    day, date_notice = query.read_date(args.get("date"), atlas.dates, atlas.dates[-1], lang)
    place, place_notice = query.read_place(args.get("place") or None, atlas, lang)
    notices += [n for n in (date_notice, place_notice) if n]
    flags = {name: query.read_flag(args, name, default, notices, lang) for name, default in FLAGS}
    notices += [lang_notice] if lang_notice else []
    view = query.read_view(args, export.region(atlas), map_spec.ZOOM, notices, lang)
    return EmbedQuery(day, place, view, flags["controls"], flags["legend"], flags["play"], lang, tuple(notices))


def _ignored(keys: list[str], lang: str) -> str:
    """One notice for every unknown parameter, naming at most three."""
    names = ",".join(query.quoted(k) for k in keys[:3])
    if len(keys) == 1:
        return text.t("embed.ignored_one", lang, names=names)
    more = text.t("embed.more", lang, count=len(keys) - 3) if len(keys) > 3 else ""
    return text.t("embed.ignored_many", lang, names=names, more=more)


# ---------------------------------------------------------------- the page


def drawing(replay: export.Replay, query: EmbedQuery) -> export.Figure:
    """The map `page` draws for `query`: its date, place and view, without the legend, controls and other dates
    (the page has its own; the other dates are fetched once this one is drawn)."""
    return replay.figure(
        start=query.day, place=query.place, view=query.view, legend=False, controls=False, frames=False
    )


def page(
    atlas: Atlas,
    query: EmbedQuery,
    figure: export.Figure,
    *,
    script_urls: tuple[str, ...],
    frames_url: str,
    plotly_url: str = PLOTLY_PATH,
) -> str:
    """The /embed page around `figure` (`drawing` for `query`: the page fetches every date's drawing from
    `frames_url` once the first is drawn).

    An article's reader gets ordinary page elements around a bare map: the title (h1), the key (plain HTML:
    nothing in it hides a layer), the date controls (buttons and a range input, by keyboard too), the attribution,
    the text alternative and the place. assets/embed.js draws the map without its title and notes and keeps
    every one of these in step with the date.

    Scripts are files (no inline script, for the CSP); the figure travels as JSON data. In Arabic the page is right
    to left; the map's Arabic strings carry their own embedding (`export.rtl`), as Plotly draws text left to right.
    """
    lang = query.lang
    heading = export.TEXT[lang]["title"]
    day_text = export.date_text(query.day, lang)
    title = f"{heading} · {day_text}"
    legends = {d: map_spec.legend(atlas, d, lang) for d in atlas.dates}
    spec = map_spec.map_spec(atlas, query.day, lang=lang)
    data = {
        "figure": figure,
        "frames": frames_url,
        "play": query.play,
        "dates": [d.isoformat() for d in atlas.dates],
        "labels": [export.date_text(d, lang) for d in atlas.dates],
        "alts": {d.isoformat(): export.describe(atlas, d, lang) for d in atlas.dates},
        "keys": {d.isoformat(): [e["text"] for e in legend["entries"]] for d, legend in legends.items()},
        "holders": _holders(atlas, query.place, lang),
        "message": HEIGHT_MESSAGE,
        "words": {"play": text.TEXT[lang]["play"], "pause": text.TEXT[lang]["pause"]},
    }
    notice = " ".join(query.notices)
    direction = "rtl" if lang == "ar" else "ltr"
    index = atlas.dates.index(query.day)
    e = html.escape
    key = "".join(
        f'<li><span class="swatch" style="background:{e(entry["swatch"])};border-color:{e(entry["colour"])}"></span>'
        f"<span>{e(entry['text'])}</span></li>"
        for entry in legends[query.day]["entries"]
    )
    key_html = (
        f'<div id="{ids.MAP_KEY}" class="key"><p>{_bold(legends[query.day]["title"])}</p><ul>{key}</ul>'
        f'<p class="claimed"><span class="swatch hatch"></span>{e(legends[query.day]["claimed"])}</p></div>'
    )
    # The date controls in the page's direction, with the app's words (layout.controls): right to left the range
    # input is mirrored by the browser (the first date on the right, → the earlier date), ◀ / Play / ▶ flow from
    # the right and each step button points to the end of the range it steps to; assets/embed.js reads the
    # direction from the page for its keys.
    def say(key: str) -> str:
        return e(text.t(key, lang))

    earlier, later = ("▶", "◀") if direction == "rtl" else ("◀", "▶")
    button = '<button type="button" id="{}" class="step" aria-label="{}" title="{}">{}</button>'
    previous = button.format(ids.PREV, say("page.previous_label"), say("page.previous"), earlier)
    following = button.format(ids.NEXT, say("page.next_label"), say("page.next"), later)
    play_text = e(data["words"]["play"])
    play = f'<button type="button" id="{ids.PLAY}" class="play" title="{say("page.play_title")}">{play_text}</button>'
    controls_html = f"""<div class="controls" role="group" dir="{direction}" aria-label="{say("page.date")}">
<div class="buttons">
{previous}
{play}
{following}
</div>
<input type="range" id="{ids.SLIDER}" min="0" max="{len(atlas.dates) - 1}" step="1" value="{index}"
 aria-label="{say("page.date")}" aria-valuetext="{e(day_text)}">
</div>"""
    attribution = " · ".join(e(part) for part in spec["attribution"])
    return f"""<!DOCTYPE html>
<html lang="{lang}" dir="{direction}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
<title>{e(title)}</title>
<style>
body {{ margin: 0; font: 14px/1.4 "Noto Sans", "DejaVu Sans", sans-serif; color: #1d1d1d; background: #fff; }}
main {{ display: flex; flex-direction: column; }}
h1 {{ margin: 0; padding: 8px 10px 4px; font-size: 18px; line-height: 1.25; }}
h1 .date {{ font-weight: 400; white-space: nowrap; }}
.notice {{ margin: 0; padding: 6px 10px; background: #fff4d6; border-bottom: 1px solid #e0c36b; }}
figure {{ margin: 0; }}
.frame {{ position: relative; }}
#map {{ width: 100%; aspect-ratio: 4 / 3; min-height: 260px; max-height: 85vh; background: {map_spec.SEA}; }}
.veil {{ position: absolute; inset: 0; width: 100%; border: 0; background: rgba(0, 0, 0, 0.04); font: inherit;
  color: #1d1d1d; cursor: pointer; }}
.veil span {{ padding: 8px 12px; border-radius: 4px; background: rgba(255, 255, 255, 0.92); font-weight: 600; }}
.veil[hidden] {{ display: none; }}
figcaption {{ padding: 6px 10px; font-size: 13px; color: #333; }}
.controls {{ display: flex; flex-wrap: wrap; align-items: center; gap: 6px 10px; padding: 6px 10px; }}
.buttons {{ display: flex; gap: 6px; }}
.controls button {{ min-width: 44px; min-height: 44px; font: inherit; border: 1px solid #888; border-radius: 4px;
  background: #f7f7f7; cursor: pointer; }}
.controls .play {{ min-width: 6em; font-weight: 600; }}
.controls input {{ flex: 1 1 12rem; min-width: 0; height: 44px; margin: 0; accent-color: #23272b; }}
.key {{ padding: 2px 10px; font-size: 13px; }}
.key ul {{ display: flex; flex-wrap: wrap; gap: 2px 14px; margin: 0; padding: 0; list-style: none; }}
.key p {{ margin: 2px 0; }}
.swatch {{ display: inline-block; width: 18px; height: 10px; margin-inline-end: 5px; border: 1px solid #999;
  vertical-align: -1px; }}
.hatch {{ background: repeating-linear-gradient(-45deg, #333 0 1.5px, #d9d9d9 1.5px 4px); border-style: dashed; }}
.attribution {{ margin: 0; padding: 2px 10px 6px; font-size: 11px; color: #555; }}
.place {{ padding: 6px 10px 10px; border-top: 1px solid #ddd; }}
.place h2 {{ margin: 4px 0; font-size: 17px; }}
.badge {{ padding: 1px 6px; border-radius: 3px; }}
.place table {{ border-collapse: collapse; font-size: 13px; }}
.place td, .place th {{ padding: 2px 6px; text-align: start; }}
.place .dot {{ display: inline-block; width: 9px; height: 9px; border-radius: 50%; margin-inline-end: 3px; }}
.place .quiet {{ color: #555; }}
:focus-visible {{ outline: 3px solid #0b5cd5; outline-offset: 2px; }}
@media (max-width: 599px) {{ #map {{ aspect-ratio: 1 / 1; }} }}
@media (pointer: coarse) {{ #map .modebar-container {{ display: none; }} }}
.visually-hidden {{ position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0);
  white-space: nowrap; }}
</style>
</head>
<body data-embed>
<main>
<h1>{e(heading)} · <span class="date" id="{ids.DATE_LABEL}">{e(day_text)}</span></h1>
{f'<p class="notice" role="status">{e(notice)}</p>' if notice else ""}
<figure>
<div class="frame">
<div id="{ids.MAP}" role="group" aria-label="{e(text.t("embed.map", lang))}" aria-describedby="{ids.EMBED_ALT}"></div>
<button type="button" id="{ids.EMBED_VEIL}" class="veil" hidden><span>{e(text.t("embed.veil", lang))}</span></button>
</div>
<figcaption id="{ids.EMBED_ALT}" dir="{direction}">{e(data["alts"][query.day.isoformat()])}</figcaption>
</figure>
{controls_html if query.controls else ""}
{key_html if query.legend else ""}
<p class="attribution">{attribution}</p>
<p id="{ids.ANNOUNCE}" class="visually-hidden" role="status" aria-live="polite"></p>
{_place_html(atlas, query)}
</main>
<script type="application/json" id="{ids.EMBED_DATA}">{export.script_json(data)}</script>
<script src="{e(plotly_url)}"></script>
{"".join(f'<script src="{e(url)}"></script>' for url in script_urls)}
</body>
</html>
"""


def _bold(plotly_text: str) -> str:
    """Escaped HTML of a Plotly text whose only markup is <b>...</b> (the legend's title)."""
    return html.escape(plotly_text).replace("&lt;b&gt;", "<b>").replace("&lt;/b&gt;", "</b>")


def _holders(atlas: Atlas, place: str | None, lang: str) -> dict[str, dict[str, str]]:
    """For the place shown, its holder's badge on each date, as the panel draws it: label, colour, text colour."""
    if place is None:
        return {}
    out = {}
    for day in atlas.dates:
        content = place_panel(atlas, place, day)
        if content is not None:
            label, style = panel.badge(content.holder, lang)
            out[day.isoformat()] = {"label": label, "colour": style["backgroundColor"], "ink": style["color"]}
    return out


def _place_html(atlas: Atlas, query: EmbedQuery) -> str:
    """The place panel as the app draws it (`render.panel`), with the holder badge /embed keeps in step."""
    content = place_panel(atlas, query.place, query.day) if query.place else None
    if content is None:
        return ""
    lang = query.lang
    label, style = panel.badge(content.holder, lang)
    badge = panel.el("span", label, id=ids.EMBED_HOLDER, className="badge", style=style)
    held = panel.el("p", [text.t("page.held_by", lang), badge])
    nodes = [*panel.head(content.place, lang), held, *panel.body(content, lang)]
    section = panel.el("section", nodes, className="place", **{"aria-label": content.place.name_en})
    return panel.to_html(section)


# ---------------------------------------------------------------- the app's share panel


def register_share(app: Dash) -> None:
    """The share panel's callback: `assets/embed.js` writes the link, the snippet and the downloads' addresses for
    the view on screen (the routes that answer them are in `routes.py`)."""
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


def share_panel(atlas: Atlas, lang: str = "en") -> dhtml.Details:
    """The app's "Embed / share" panel in `lang`; `assets/embed.js` (dashboardEmbed.share) fills it for the current
    view."""
    title = text.t("map.title", lang)
    data = {
        "dates": [d.isoformat() for d in atlas.dates],
        "titles": [text.t("share.snippet_title", lang, title=title, date=text.date_text(d, lang)) for d in atlas.dates],
        "alts": [export.describe(atlas, d, lang) for d in atlas.dates],
        "message": HEIGHT_MESSAGE,
        "params": {} if lang == text.LANGS[0] else {"lang": lang},  # every address this edition hands out keeps it
        "lang": lang,
        "dir": text.direction(lang),
    }
    links = [dhtml.A(fmt.upper(), id=f"{ids.SHARE_DOWNLOAD}-{fmt}", href="", download="") for fmt in DOWNLOADS]
    return dhtml.Details(
        id=ids.SHARE,
        className="share",
        children=[
            dhtml.Summary(text.t("share.summary", lang)),
            dcc.Store(id=ids.SHARE_DATA, data=data),
            dhtml.Label([text.t("share.link", lang), dcc.Input(id=ids.SHARE_LINK, type="text", readOnly=True)]),
            dhtml.Label([text.t("share.code", lang), dcc.Textarea(id=ids.SHARE_SNIPPET, readOnly=True, rows=5)]),
            dhtml.P([text.t("share.download", lang), *[item for link in links for item in (link, " ")]]),
        ],
    )
