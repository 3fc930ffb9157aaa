"""Every date as an animation frame of the static figure (`Replay`), and the self-contained HTML replay page.

Each frame carries, for every trace, the attributes that differ between any two dates, so frames can be shown in
any order; the /embed view and the HTML export both draw a `Replay`.
"""

from __future__ import annotations

import base64
import gzip
import html
import json
from datetime import date
from typing import Any

from dashboard import text
from dashboard.config import PROJECT_ROOT
from dashboard.model import Atlas
from dashboard.render import geo
from dashboard.render import spec as map_spec
from dashboard.render.geo import Figure, View

SLIDER_HEIGHT = 86
FRAME_MS = 900
# plotly.js's geo bundle (the trace types a geo map draws: a third of plotly.min.js), vendored by
# vendor/plotly/fetch.sh at the version the plotly package ships.
PLOTLY_JS = PROJECT_ROOT / "vendor" / "plotly" / "plotly-geo.min.js"
AttrPath = tuple[str, ...]


def replay_figure(
    atlas: Atlas,
    *,
    start: date | None = None,
    lang: str = "en",
    place: str | None = None,
    view: View | None = None,
    legend: bool = True,
    controls: bool = True,
) -> Figure:
    """Every date as an animation frame of `static_figure`, with a date slider and play/pause buttons."""
    return Replay(atlas, lang).figure(start=start, place=place, view=view, legend=legend, controls=controls)


class Replay:
    """Every date's drawing in one language, made once: each figure of it (`figure`) then costs next to nothing.

    Frames are shared by every figure made here: do not change them.
    """

    def __init__(self, atlas: Atlas, lang: str = "en") -> None:
        self.atlas, self.lang = atlas, lang
        self.drawings = [geo.drawing(map_spec.map_spec(atlas, d, lang=lang)) for d in atlas.dates]
        varying = [_varying(traces) for traces in zip(*(drawing["data"] for drawing in self.drawings), strict=True)]
        changing = [i for i, paths in enumerate(varying) if paths]
        first = len(geo.scale_bar(*geo.region(atlas)))  # the drawing's traces come after the scale bar's
        self.frames = [
            {
                "name": d.isoformat(),
                "data": [_pick(drawing["data"][i], varying[i]) for i in changing],
                "traces": [first + i for i in changing],
                "layout": {"title": {"text": drawing["layout"]["title"]["text"]}, "meta": {"date": d.isoformat()}},
            }
            for d, drawing in zip(atlas.dates, self.drawings, strict=True)
        ]

    def figure(
        self,
        *,
        start: date | None = None,
        place: str | None = None,
        view: View | None = None,
        legend: bool = True,
        controls: bool = True,
        frames: bool = True,
    ) -> Figure:
        """The drawing of `start` with every date as a frame; without them (`frames=False`) for a page that fetches
        `self.frames` apart (/embed: they are the largest part of its data, and the first view draws one date)."""
        start = start or self.atlas.dates[-1]
        drawing = self.drawings[self.atlas.dates.index(start)]
        focus = map_spec.focus_of(self.atlas, place, self.lang)
        figure = geo.framed(drawing, self.atlas, lang=self.lang, focus=focus, view=view, legend=legend)
        if frames:
            figure["frames"] = self.frames
        if controls:
            figure["layout"]["margin"]["b"] = SLIDER_HEIGHT
            figure["layout"]["sliders"] = [_slider(self.atlas, start, self.lang)]
            figure["layout"]["updatemenus"] = [_play_buttons(self.lang)]
        return figure


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
                "label": _tick(i, d, lang),
                "method": "animate",
                "args": [[d.isoformat()], _animate(0)],
            }
            for i, d in enumerate(atlas.dates)
        ],
    }


def _tick(i: int, day: date, lang: str) -> str:
    """A step's label: the short date; in Arabic, whose month names are long, the day's number with the month on
    the first date and on each 1st."""
    if lang == "ar" and i > 0 and day.day != 1:
        return str(day.day)
    return text.short_text(day, lang)


def _play_buttons(lang: str) -> dict[str, Any]:
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
            {"label": text.t("map.play", lang), "method": "animate", "args": [None, _animate(FRAME_MS)]},
            {"label": text.t("map.pause", lang), "method": "animate", "args": [[None], _animate(0, redraw=False)]},
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
    alts = {d.isoformat(): map_spec.describe(atlas, d, lang) for d in atlas.dates}
    first_day, last_day = text.date_text(atlas.dates[0], lang), text.date_text(last, lang)
    title = text.t("replay.title", lang, title=text.t("map.title", lang), first=first_day, last=last_day)
    return f"""<!DOCTYPE html>
<html lang="{lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{html.escape(title)}</title>
<style>
html, body {{ margin: 0; height: 100%; font-family: "Noto Sans", "DejaVu Sans", sans-serif; }}
body {{ background: {map_spec.SEA}; }}
#map {{ position: absolute; inset: 0 0 3.4em 0; }}
p {{ position: absolute; bottom: 0; margin: 0; padding: 0.4em 0.8em; font-size: 13px; }}
</style>
</head>
<body>
<div id="map" role="img" aria-label="{html.escape(title)}"></div>
<p id="alt" dir="{text.direction(lang)}">{html.escape(map_spec.describe(atlas, last, lang))}</p>
<script type="application/json" id="alts">{script_json(alts)}</script>
<script type="application/octet-stream" id="plotly-gz">{plotly_gz}</script>
<script type="application/json" id="figure">{script_json(figure)}</script>
<script>{HTML_LOADER}</script>
</body>
</html>
"""
