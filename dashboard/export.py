"""Exports drawn by `figures.map_figure`: a self-contained HTML replay, PNG/SVG/PDF images, an animated GIF.

Static outputs (and the /embed view) draw `map_figure`'s traces and offline style on Plotly's SVG `geo`
subplot instead of MapLibre (`static_figure`). Measured here with kaleido on software WebGL, a MapLibre map cost
8.7-10.5 CPU-seconds per 1200x900 PNG (15-24 s wall); the same figure on `geo` renders in about a second. SVG text
also shapes Arabic labels, which MapLibre cannot do without an RTL plugin that Plotly does not expose, SVG and PDF
stay vector, and the HTML replay needs no WebGL worker (a module worker cannot start from file://).

Images come from kaleido 1.x on the system Chromium: one server is started on first use and kept warm for a batch
(`kaleido.start_sync_server`), with MathJax off so nothing is fetched.
"""

from __future__ import annotations

import base64
import gzip
import html
import io
import json
import math
import os
import shutil
import subprocess
import tempfile
import threading
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any, Literal

import plotly
import plotly.graph_objects as go
import shapely
from shapely.geometry import mapping, shape

from dashboard import figures
from dashboard.build import write_atomically
from dashboard.model import Atlas, GeoJSON

ImageFormat = Literal["png", "svg", "pdf"]
IMAGE_FORMATS: tuple[ImageFormat, ...] = ("png", "svg", "pdf")
LANGS = ("en", "ar")
WIDTH, HEIGHT, SCALE = 1200, 900, 1.0
TITLE_HEIGHT = 46
SLIDER_HEIGHT = 86
FRAME_MS = 900
SCALE_BAR_KM = 100
# Degrees of room around the country in the static view.
PAD = {"west": 0.35, "east": 0.35, "south": 0.35, "north": 0.35}
# The map's share of the width when the legend is shown: the legend and the attribution have the column on its
# right, so they never hide ground (the map is about as wide as tall, so at 4:3 or wider this costs it nothing).
MAP_WIDTH_SHARE = 0.72
AR_MONTHS = (
    "كانون الثاني",
    "شباط",
    "آذار",
    "نيسان",
    "أيار",
    "حزيران",
    "تموز",
    "آب",
    "أيلول",
    "تشرين الأول",
    "تشرين الثاني",
    "كانون الأول",
)
TEXT = {
    "en": {
        "title": "Who controls what in Syria",
        "legend": "<b>Control</b> (share of area)",
        "km": "km",
        "claimed": figures.CLAIMED_LABEL,
    },
    "ar": {
        "title": "خريطة السيطرة في سوريا",
        "legend": "<b>السيطرة</b> (نسبة المساحة)",
        "km": "كم",
        "claimed": "ادعاء فقط — ادعاء أحد الطرفين أو استنتاج",
    },
}
PLOTLY_JS = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
CHOROPLETH_KEYS = frozenset(go.Choropleth()._valid_props)
SCATTERGEO_KEYS = frozenset(go.Scattergeo()._valid_props)
Trace = dict[str, Any]
Figure = dict[str, Any]  # {"data": [...], "layout": {...}, "frames": [...]} as plotly.js takes it


def date_text(day: date, lang: str = "en") -> str:
    return f"{day.day} {AR_MONTHS[day.month - 1]} {day.year}" if lang == "ar" else figures.long_date(day)


def describe(atlas: Atlas, day: date, lang: str = "en") -> str:
    """The text alternative of the map on `day`: the date, then each faction holding ground with its share."""
    share = figures.shares(atlas, day)
    held = [f for f in atlas.timeline.factions if share[f.id] >= 0.0005]  # at least 0.1% as printed
    if lang == "ar":
        parts = "، ".join(f"{f.label_ar} {share[f.id]:.1%}" for f in held)
        return f"السيطرة على الأرض في سوريا في {date_text(day, lang)} (نسبة المساحة): {parts}."
    parts = "; ".join(f"{f.label} {share[f.id]:.1%}" for f in held)
    return f"Control of territory in Syria on {date_text(day, lang)} (share of area): {parts}."


def rtl(text: str, lang: str) -> str:
    """Arabic text as a right-to-left embedding, so numbers and signs inside it keep their place."""
    return f"\u202b{text}\u202c" if lang == "ar" else text


def title_text(day: date, lang: str = "en") -> str:
    return rtl(f"<b>{TEXT[lang]['title']}</b> · {date_text(day, lang)}", lang)


def region(atlas: Atlas) -> tuple[float, float, float, float]:
    """(west, south, east, north) of the static view: the country (or the zones) with room for legend and notes."""
    layer = atlas.base_layers.get("country") or atlas.zones[atlas.dates[-1]]
    (west, south), (east, north) = figures.bounds(layer) or ((-180.0, -85.0), (180.0, 85.0))
    return west - PAD["west"], south - PAD["south"], east + PAD["east"], north + PAD["north"]


# ---------------------------------------------------------------- the static map


def static_figure(
    atlas: Atlas,
    day: date,
    *,
    lang: str = "en",
    place: str | None = None,
    view: tuple[float, float, float, float] | None = None,
    legend: bool = True,
) -> Figure:
    """`map_figure` for `day`, drawn on an SVG geo subplot, with a date title and a scale bar.

    `view`: (west, south, east, north) to show instead of the whole country. A figure dict: the zone GeoJSON is
    large, and validating it again in a `go.Figure` costs more than drawing it.
    """
    return _framed(_drawing(atlas, day, lang), atlas, day, lang=lang, place=place, view=view, legend=legend)


def _drawing(atlas: Atlas, day: date, lang: str) -> Figure:
    """The costly part of `static_figure`, the same whatever the view: base layers and `map_figure`'s traces as geo
    traces, its layout without the geo subplot, and the map's background colour."""
    source = figures.map_figure(atlas, day).to_plotly_json()
    layout = source["layout"]
    style = layout.pop("map")["style"]
    fills, lines = _style_traces(style)
    layout["annotations"] = [a for a in layout["annotations"] if a.get("text") != figures.as_of(day)]
    layout["title"] = {"text": title_text(day, lang), "x": 0.01, "xanchor": "left", "y": 0.985, "font": {"size": 20}}
    layout["legend"]["title"]["text"] = rtl(TEXT[lang]["legend"], lang)
    traces = [*lines, *fills, *(_convert(t) for t in source["data"])]
    return {**localize({"data": traces, "layout": layout}, atlas, lang), "background": _background(style)}


def _framed(
    drawing: Figure,
    atlas: Atlas,
    day: date,
    *,
    lang: str,
    place: str | None,
    view: tuple[float, float, float, float] | None,
    legend: bool,
) -> Figure:
    """A drawing as a figure of its own (nothing shared with `drawing` is changed): the view, the scale bar under
    every trace, the legend on or off, the place marked."""
    west, south, east, north = view or region(atlas)
    # Choropleths always draw under scattergeo traces. A scattergeo comes first: plotly.js fetches a world topojson
    # from its CDN when the first trace of a geo subplot has a `locationmode`, as every choropleth has.
    traces = [*scale_bar(west, south, east, north, lang), *drawing["data"]]
    if place is not None:
        traces.append(_marked_place(atlas, place, lang))
    layout = {**drawing["layout"], "margin": {"l": 0, "r": 0, "t": TITLE_HEIGHT, "b": 0}, "showlegend": legend}
    layout["legend"] = {**layout["legend"], "x": 0.995, "xanchor": "right"}
    layout["geo"] = {
        "projection": {"type": "mercator"},
        "lonaxis": {"range": [west, east]},
        "lataxis": {"range": [south, north]},
        "bgcolor": drawing["background"],
        "domain": {"x": [0, MAP_WIDTH_SHARE if legend else 1], "y": [0, 1]},
        "uirevision": figures.UIREVISION,
        **{f"show{layer}": False for layer in ("land", "ocean", "lakes", "rivers", "countries", "coastlines")},
        "showsubunits": False,
        "showframe": False,
    }
    return {"data": traces, "layout": layout}


def _background(style: dict[str, Any]) -> str:
    return next((ly["paint"]["background-color"] for ly in style["layers"] if ly["type"] == "background"), "white")


def _style_traces(style: dict[str, Any]) -> tuple[list[Trace], list[Trace]]:
    """The offline style's fill layers (drawn under the zones) and line layers (over them) as geo traces."""
    fills, lines = [], []
    for layer in style["layers"]:
        data = style["sources"].get(layer.get("source", ""), {}).get("data")
        if data is None:
            continue
        paint = layer["paint"]
        if layer["type"] == "fill":
            colour = paint["fill-color"]
            features = [
                {**_wound(f), "id": str(i)} for i, f in enumerate(data["features"]) if f["geometry"]["type"] != "Point"
            ]
            fills.append(
                {
                    "type": "choropleth",
                    "geojson": {"type": "FeatureCollection", "features": features},
                    "locations": [f["id"] for f in features],
                    "z": [0] * len(features),
                    "colorscale": [[0, colour], [1, colour]],
                    "showscale": False,
                    "marker": {
                        "opacity": paint.get("fill-opacity", 1),
                        "line": {"width": 0.6, "color": paint.get("fill-outline-color", colour)},
                    },
                    "hoverinfo": "skip",
                    "showlegend": False,
                }
            )
        elif layer["type"] == "line":
            lon, lat = _polylines(data)
            lines.append(
                {
                    "type": "scattergeo",
                    "lon": lon,
                    "lat": lat,
                    "mode": "lines",
                    "line": {
                        "color": paint["line-color"],
                        "width": paint.get("line-width", 1),
                        "dash": "dash" if "line-dasharray" in paint else "solid",
                    },
                    "opacity": paint.get("line-opacity", 1),
                    "hoverinfo": "skip",
                    "showlegend": False,
                }
            )
    return fills, lines


def _polylines(data: GeoJSON) -> tuple[list[float | None], list[float | None]]:
    """Every line and ring of a layer as one lon and one lat list, parts separated by None."""
    lon: list[float | None] = []
    lat: list[float | None] = []
    for feature in data["features"]:
        geometry = feature["geometry"]
        kind, coordinates = geometry["type"], geometry["coordinates"]
        parts = {
            "LineString": [coordinates],
            "MultiLineString": coordinates,
            "Polygon": coordinates,
            "MultiPolygon": [ring for polygon in coordinates for ring in polygon],
        }.get(kind, [])
        for part in parts:
            lon += [p[0] for p in part] + [None]
            lat += [p[1] for p in part] + [None]
    return lon, lat


def _wound(feature: GeoJSON) -> GeoJSON:
    """The feature with clockwise outer rings, as d3-geo wants (GeoJSON's counter-clockwise fills the globe).

    A zero-area stand-in (a faction holding nothing) becomes a speck off the map: d3 would fill the globe with it.
    """
    geometry = shape(feature["geometry"])
    if geometry.area == 0:
        geometry = shapely.box(0.0, 0.0, 1e-6, 1e-6)
    return {**feature, "geometry": mapping(shapely.orient_polygons(geometry, exterior_cw=True))}


def _convert(trace: Trace) -> Trace:
    """A MapLibre trace of `map_figure` as the same trace on the geo subplot (attributes geo lacks dropped)."""
    if trace["type"] == "choroplethmap":
        geojson = trace["geojson"]
        attrs = {k: v for k, v in trace.items() if k in CHOROPLETH_KEYS}
        attrs["geojson"] = {**geojson, "features": [_wound(f) for f in geojson["features"]]}
        return {**attrs, "type": "choropleth", "locationmode": "geojson-id"}
    return {**{k: v for k, v in trace.items() if k in SCATTERGEO_KEYS}, "type": "scattergeo"}


def scale_bar(west: float, south: float, east: float, north: float, lang: str = "en") -> list[Trace]:
    """A 0-50-100 km bar near the bottom-left corner, true to scale at its latitude (Mercator varies with it)."""
    lat = south + 0.05 * (north - south)
    lon0 = west + 0.03 * (east - west)
    degree = SCALE_BAR_KM / (111.32 * math.cos(math.radians(lat)))
    tick = 0.012 * (north - south)
    ticks = [lon0, lon0 + degree / 2, lon0 + degree]
    lon: list[float | None] = [lon0, lon0 + degree, None]
    lats: list[float | None] = [lat, lat, None]
    for x in ticks:
        lon += [x, x, None]
        lats += [lat, lat + tick, None]
    common = {"type": "scattergeo", "hoverinfo": "skip", "showlegend": False}
    label = {
        **common,
        "lon": [lon0 + degree + 0.02 * (east - west)],
        "lat": [lat],
        "mode": "text",
        "text": [rtl(f"{SCALE_BAR_KM} {TEXT[lang]['km']}", lang)],
        "textposition": "middle right",
        "textfont": {"size": 12, "color": "#111"},
    }
    return [
        {**common, "lon": lon, "lat": lats, "mode": "lines", "line": {"color": "white", "width": 6}},
        {**common, "lon": lon, "lat": lats, "mode": "lines", "line": {"color": "#111", "width": 2}},
        label,
    ]


def _marked_place(atlas: Atlas, place_id: str, lang: str) -> Trace:
    place = next(p for p in atlas.timeline.places if p.id == place_id)
    return {
        "type": "scattergeo",
        "lon": [place.lon],
        "lat": [place.lat],
        "mode": "markers+text",
        "marker": {"size": 24, "color": "rgba(0,0,0,0)", "line": {"color": "#111", "width": 3}},
        "text": [f"<b>{place.name_ar if lang == 'ar' else place.name_en}</b>"],
        "textposition": "bottom center",
        "textfont": {"family": figures.LABEL_FONT, "size": 15, "color": "#111"},
        "hoverinfo": "skip",
        "showlegend": False,
    }


def localize(figure: Figure, atlas: Atlas, lang: str) -> Figure:
    """Arabic faction names and claimed ground in the legend, and Arabic place labels (`lang` "ar")."""
    if lang != "ar":
        return figure
    factions = {f"zone-{f.id}": f for f in atlas.timeline.factions}
    names = {p.id: p.name_ar for p in atlas.timeline.places}
    for trace in figure["data"]:
        uid = trace.get("uid")
        if uid in factions:
            share = trace["name"].rsplit(" · ", 1)[-1]
            trace["name"] = rtl(f"{factions[uid].label_ar} · {share}", lang)
        elif uid == "claimed-outline":
            trace["name"] = rtl(TEXT[lang]["claimed"], lang)
        elif uid == "places":
            pairs = zip(trace["customdata"], trace["text"], strict=True)
            trace["text"] = [names[pid] if label else "" for pid, label in pairs]
    return figure


# ---------------------------------------------------------------- the replay (HTML export and /embed)


def replay_figure(
    atlas: Atlas,
    *,
    start: date | None = None,
    lang: str = "en",
    place: str | None = None,
    view: tuple[float, float, float, float] | None = None,
    legend: bool = True,
    controls: bool = True,
) -> Figure:
    """Every date as an animation frame of `static_figure`, with a date slider and play/pause buttons."""
    return Replay(atlas, lang).figure(start=start, place=place, view=view, legend=legend, controls=controls)


class Replay:
    """Every date's drawing in one language, made once: each figure of it (`figure`) then costs next to nothing.

    Each frame carries, for every trace, the attributes that differ between any two dates, so frames can be
    shown in any order. Frames are shared by every figure made here: do not change them.
    """

    def __init__(self, atlas: Atlas, lang: str = "en") -> None:
        self.atlas, self.lang = atlas, lang
        self.drawings = [_drawing(atlas, d, lang) for d in atlas.dates]
        varying = [_varying(traces) for traces in zip(*(drawing["data"] for drawing in self.drawings), strict=True)]
        changing = [i for i, paths in enumerate(varying) if paths]
        first = len(scale_bar(*region(atlas)))  # the drawing's traces come after the scale bar's
        self.frames = [
            {
                "name": d.isoformat(),
                "data": [_pick(drawing["data"][i], varying[i]) for i in changing],
                "traces": [first + i for i in changing],
                "layout": {"title": {"text": title_text(d, lang)}, "meta": {"date": d.isoformat()}},
            }
            for d, drawing in zip(atlas.dates, self.drawings, strict=True)
        ]

    def figure(
        self,
        *,
        start: date | None = None,
        place: str | None = None,
        view: tuple[float, float, float, float] | None = None,
        legend: bool = True,
        controls: bool = True,
    ) -> Figure:
        start = start or self.atlas.dates[-1]
        drawing = self.drawings[self.atlas.dates.index(start)]
        figure = _framed(drawing, self.atlas, start, lang=self.lang, place=place, view=view, legend=legend)
        figure["frames"] = self.frames
        if controls:
            figure["layout"]["margin"]["b"] = SLIDER_HEIGHT
            figure["layout"]["sliders"] = [_slider(self.atlas, start, self.lang)]
            figure["layout"]["updatemenus"] = [_play_buttons(self.lang)]
        return figure


AttrPath = tuple[str, ...]


def _varying(traces: tuple[dict[str, Any], ...]) -> list[AttrPath]:
    """Attribute paths (one or two levels deep) whose values differ between the traces."""
    first = traces[0]
    paths: list[AttrPath] = []
    for key, value in first.items():
        if isinstance(value, dict):
            paths += [(key, k) for k in value if any(t.get(key, {}).get(k) != value[k] for t in traces)]
        elif any(t.get(key) != value for t in traces):
            paths.append((key,))
    return paths


def _pick(trace: dict[str, Any], paths: list[AttrPath]) -> dict[str, Any]:
    out: dict[str, Any] = {"type": trace["type"]}
    for path in paths:
        if len(path) == 1:
            out[path[0]] = trace[path[0]]
        else:
            out.setdefault(path[0], {})[path[1]] = trace[path[0]][path[1]]
    return out


def _animate(duration: int, *, redraw: bool = True) -> dict[str, Any]:
    return {
        "mode": "immediate",
        "fromcurrent": True,
        "frame": {"duration": duration, "redraw": redraw},
        "transition": {"duration": 0},
    }


def _slider(atlas: Atlas, start: date, lang: str) -> dict[str, Any]:
    return {
        "active": atlas.dates.index(start),
        "currentvalue": {"visible": False},
        "x": 0.16,
        "len": 0.82,
        "y": 0,
        "yanchor": "top",
        "pad": {"t": 8, "b": 8},
        "steps": [
            {
                "label": str(d.day) if lang == "ar" else figures.short_date(d),
                "method": "animate",
                "args": [[d.isoformat()], _animate(0)],
            }
            for d in atlas.dates
        ],
    }


def _play_buttons(lang: str) -> dict[str, Any]:
    play, pause = ("▶ تشغيل", "❚❚ إيقاف") if lang == "ar" else ("▶ Play", "❚❚ Pause")
    return {
        "type": "buttons",
        "direction": "left",
        "x": 0.01,
        "y": 0,
        "xanchor": "left",
        "yanchor": "top",
        "pad": {"t": 14},
        "showactive": False,
        "buttons": [
            {"label": play, "method": "animate", "args": [None, _animate(FRAME_MS)]},
            {"label": pause, "method": "animate", "args": [[None], _animate(0, redraw=False)]},
        ],
    }


def script_json(value: Any) -> str:
    """JSON that is safe inside a <script> element: no `<` at all, so no `</script>` and no `<!--<script>` (which
    would make the parser swallow the rest of the page) can come from analyst text."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).replace("<", "\\u003c")


HTML_LOADER = """
(async function () {
  "use strict";
  const gz = Uint8Array.from(atob(document.getElementById("plotly-gz").textContent), (c) => c.charCodeAt(0));
  const stream = new Blob([gz]).stream().pipeThrough(new DecompressionStream("gzip"));
  const code = document.createElement("script");
  code.text = await new Response(stream).text();
  document.head.appendChild(code);
  const fig = JSON.parse(document.getElementById("figure").textContent);
  const gd = document.getElementById("map");
  const alts = JSON.parse(document.getElementById("alts").textContent);
  const shown = () => {
    gd.dataset.mapDate = gd.layout.meta.date;
    document.getElementById("alt").textContent = alts[gd.layout.meta.date];
  };
  await Plotly.newPlot(gd, fig.data, fig.layout, { responsive: true, displaylogo: false, scrollZoom: true });
  await Plotly.addFrames(gd, fig.frames);
  gd.on("plotly_animated", shown);
  shown();
})();
"""


def html_page(atlas: Atlas, *, lang: str = "en") -> str:
    """One self-contained page: plotly.js (gzip, base64) and the replay inlined; works from file:// offline."""
    figure = replay_figure(atlas, lang=lang)
    last = atlas.dates[-1]
    plotly_gz = base64.b64encode(gzip.compress(PLOTLY_JS.read_bytes(), mtime=0)).decode()
    alts = {d.isoformat(): describe(atlas, d, lang) for d in atlas.dates}
    title = f"{TEXT[lang]['title']}, {date_text(atlas.dates[0], lang)} – {date_text(last, lang)}"
    return f"""<!DOCTYPE html>
<html lang="{lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{html.escape(title)}</title>
<style>
html, body {{ margin: 0; height: 100%; font-family: "Noto Sans", "DejaVu Sans", sans-serif; }}
body {{ background: {figures.SEA}; }}
#map {{ position: absolute; inset: 0 0 3.4em 0; }}
p {{ position: absolute; bottom: 0; margin: 0; padding: 0.4em 0.8em; font-size: 13px; }}
</style>
</head>
<body>
<div id="map" role="img" aria-label="{html.escape(title)}"></div>
<p id="alt" dir="{"rtl" if lang == "ar" else "ltr"}">{html.escape(describe(atlas, last, lang))}</p>
<script type="application/json" id="alts">{script_json(alts)}</script>
<script type="application/octet-stream" id="plotly-gz">{plotly_gz}</script>
<script type="application/json" id="figure">{script_json(figure)}</script>
<script>{HTML_LOADER}</script>
</body>
</html>
"""


# ---------------------------------------------------------------- images through kaleido


class ExportError(RuntimeError):
    pass


_lock = threading.Lock()


def start() -> None:
    """Start the kaleido server (Chromium) if it is not running; it stays warm until `stop`."""
    import kaleido  # noqa: PLC0415  (kaleido starts nothing on import, but it is heavy)

    browser = os.environ.get("BROWSER_PATH") or shutil.which("chromium") or shutil.which("google-chrome")
    if browser is None:
        raise ExportError("image export needs Chromium (apt-get install chromium) or BROWSER_PATH")
    kaleido.start_sync_server(n=1, timeout=120, mathjax=False, path=browser, silence_warnings=True)


def stop() -> None:
    import kaleido  # noqa: PLC0415

    kaleido.stop_sync_server(silence_warnings=True)


def render(
    figure: Figure, fmt: ImageFormat, *, width: int = WIDTH, height: int = HEIGHT, scale: float = SCALE
) -> bytes:
    """The figure as PNG, SVG or PDF bytes, on the warm server (started if needed). One render at a time."""
    import kaleido  # noqa: PLC0415

    with _lock:
        start()
        opts = {"format": fmt, "width": width, "height": height, "scale": scale}
        return kaleido.calc_fig_sync(figure, opts=opts)


def image(
    atlas: Atlas,
    day: date,
    fmt: ImageFormat,
    *,
    width: int = WIDTH,
    height: int = HEIGHT,
    scale: float = SCALE,
    place: str | None = None,
    lang: str = "en",
) -> bytes:
    return render(static_figure(atlas, day, lang=lang, place=place), fmt, width=width, height=height, scale=scale)


def series(atlas: Atlas, out: Path) -> Iterator[tuple[date, Path]]:
    """Each date with its numbered file beside `out`: map.png → map-01-2024-11-26.png, ..."""
    for n, day in enumerate(atlas.dates, start=1):
        yield day, out.with_name(f"{out.stem}-{n:02d}-{day.isoformat()}{out.suffix}")


def gif(
    atlas: Atlas, *, width: int = 960, height: int = 720, lang: str = "en", frame_ms: int = FRAME_MS
) -> tuple[bytes, list[bytes]]:
    """An animated GIF of every date (the last held longer), and the PNG frames it was made from."""
    from PIL import Image  # noqa: PLC0415

    pngs = [image(atlas, d, "png", width=width, height=height, lang=lang) for d in atlas.dates]
    frames = [Image.open(io.BytesIO(p)).convert("RGB") for p in pngs]
    palette = frames[-1].quantize(colors=255, method=Image.Quantize.MEDIANCUT)
    indexed = [f.quantize(palette=palette, dither=Image.Dither.NONE) for f in frames]
    buffer = io.BytesIO()
    durations = [frame_ms] * (len(frames) - 1) + [frame_ms * 3]
    indexed[0].save(buffer, "GIF", save_all=True, append_images=indexed[1:], duration=durations, loop=0)
    return buffer.getvalue(), pngs


def mp4(pngs: list[bytes], out: Path, *, frame_ms: int = FRAME_MS) -> bool:
    """Write an H.264 video of the frames with ffmpeg; False (nothing written) where ffmpeg is missing."""
    ffmpeg = shutil.which("ffmpeg")
    if ffmpeg is None:
        return False
    with tempfile.TemporaryDirectory() as tmp:
        for n, png in enumerate(pngs):
            Path(tmp, f"{n:03d}.png").write_bytes(png)
        video = Path(tmp, "out.mp4")
        command = [ffmpeg, "-loglevel", "error", "-framerate", f"{1000 / frame_ms:.4f}", "-i", f"{tmp}/%03d.png"]
        command += ["-vf", "scale=trunc(iw/2)*2:trunc(ih/2)*2", "-c:v", "libx264", "-pix_fmt", "yuv420p", "-r", "25"]
        subprocess.run([*command, str(video)], check=True)
        write_atomically(out, video.read_bytes())
    return True
