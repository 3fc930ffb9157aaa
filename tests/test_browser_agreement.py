"""In headless Chromium, one date drawn by the live map (MapLibre), the first paint (the poster's canvas), the key
and /embed (Plotly's geo) agrees with the map spec: layers, colours, legend entries and shares, for three dates,
English and Arabic (/embed; the app is English), with and without a focused place."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest
from browser_support import Recorder, wait_for_map_date

from dashboard import figures, ids
from dashboard.model import Atlas
from dashboard.render import spec as map_spec
from dashboard.render.traces import evaluate, layer

pytestmark = pytest.mark.browser

DAYS = (date(2024, 11, 26), date(2024, 12, 5), date(2024, 12, 10))
POSTER = "canvas.map-poster"
# Records what map.js hands the poster (the layers it draws and the view), without changing either script.
SPY = """(() => {
  let poster;
  Object.defineProperty(window, "dashboardPoster", {
    configurable: true,
    get: () => poster,
    set(value) {
      const show = value.show;
      value.show = (id, options) => {
        window.posterShown = { date: options.date, focus: options.focus, background: options.background,
          layers: options.layers.map((l) => ({ type: l.type, paint: l.paint, filter: l.filter || null })) };
        return show(id, options);
      };
      poster = value;
    },
  });
})();"""
PAINTS = """(layers) => {
  const map = document.querySelector('#map .js-plotly-plot')._fullLayout.map._subplot.map;
  return layers.map(([id, props]) => map.getLayer(id)
    ? Object.fromEntries(props.map((p) => [p, map.getPaintProperty(id, p)])) : null);
}"""


def colours_only(paint: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in paint.items() if not k.endswith("opacity")}


@pytest.mark.parametrize(("day", "focus"), [(DAYS[0], None), (DAYS[1], "hama"), (DAYS[2], None), (DAYS[2], "homs")])
def test_live_map_poster_and_key_draw_the_spec(
    page: Any, app_url: str, recorder: Recorder, shipped_atlas: Atlas, day: date, focus: str | None
) -> None:
    spec = map_spec.map_spec(shipped_atlas, day, focus=focus)
    data = json.loads(json.dumps(figures.browser_data(shipped_atlas)))
    i = data["dates"].index(day.isoformat())
    held: list[Any] = []
    page.add_init_script(SPY)
    page.route("**/plotly.min.js*", lambda route: held.append(route))  # noqa: PLW0108 (a bound method is refused)
    page.goto(f"{app_url}?date={day}" + (f"&place={focus}" if focus else ""))
    page.wait_for_selector(f'{POSTER}[data-date="{day}"]')
    if not held:
        page.wait_for_event("request", predicate=lambda request: "plotly.min.js" in request.url)
    held[0].continue_()
    wait_for_map_date(page, day.isoformat())

    # The poster drew the spec's layers for the date (after the base map's), in the spec's order, as given.
    shown = page.evaluate("window.posterShown")
    assert shown["date"] == day.isoformat() and shown["background"] == spec["background"]
    spec_layers = [
        {"type": ly["type"], "paint": _as_drawn(ly["paint"], data["holderKeys"][i]), "filter": ly.get("filter")}
        for ly in spec["layers"]
    ]
    base = ["get", "base_source"]
    drawn_spec = [ly for ly in shown["layers"] if not (ly["filter"] and ly["filter"][1] == base)]
    assert drawn_spec == [spec_layers[k] for k in _poster_order(spec)]
    if focus:
        assert shown["focus"] == {"center": [spec["focus"]["lon"], spec["focus"]["lat"]], "zoom": spec["focus"]["zoom"]}
    else:
        assert shown["focus"] is None

    # The live map holds the same paint for the date's layers, drawn at the spec's opacity.
    dated = data["layers"]["dated"][i]
    paints = page.evaluate(PAINTS, [[ly["id"], list(ly["paint"])] for ly in dated])
    by_id = {ly["id"]: ly for ly in spec["layers"]}
    for drawn, paint in zip(dated, paints, strict=True):
        want = _as_drawn(by_id[drawn["layer"]]["paint"], data["holderKeys"][i])
        assert colours_only(paint) == colours_only(want), drawn["id"]
        assert paint[drawn["opacity"]] == want[drawn["opacity"]] > 0

    # The key beside the map: every faction's entry and share as the spec's legend writes it.
    rows = page.eval_on_selector_all(
        "#map-key li[data-faction]", "els => els.map((el) => [el.dataset.faction, el.lastChild.textContent])"
    )
    assert rows == [[e["faction"], e["text"]] for e in spec["legend"]["entries"]]
    assert page.locator("#map-key .as-of").text_content() == spec["as_of"]
    assert recorder.errors == []


def _as_drawn(paint: dict[str, Any], holder_key: str) -> dict[str, Any]:
    return json.loads(json.dumps(paint).replace('["get", "holder"]', f'["get", "{holder_key}"]'))


def _poster_order(spec: map_spec.MapSpec) -> list[int]:
    """The spec's layers as the poster stacks them: those under the base map's borders, then the place layers."""
    under = [k for k, ly in enumerate(spec["layers"]) if ly["under"] == "zones"]
    return under + [k for k, ly in enumerate(spec["layers"]) if ly["under"] == "places"]


@pytest.mark.parametrize(
    ("day", "lang", "focus"),
    [(DAYS[0], "en", None), (DAYS[0], "ar", "hama"), (DAYS[1], "en", "hama"), (DAYS[1], "ar", None),
     (DAYS[2], "en", None), (DAYS[2], "ar", "homs")],
)  # fmt: skip
def test_embed_draws_the_spec(
    page: Any, app_url: str, recorder: Recorder, shipped_atlas: Atlas, day: date, lang: str, focus: str | None
) -> None:
    spec = map_spec.map_spec(shipped_atlas, day, lang=lang, focus=focus)
    page.goto(f"{app_url}embed?date={day}&lang={lang}" + (f"&place={focus}" if focus else ""))
    page.wait_for_selector(f'#map[data-map-date="{day}"]', state="attached")
    traces = page.evaluate(
        """() => document.getElementById('map').data.map((t) => ({uid: t.uid || null, name: t.name || null,
             colour: t.colorscale ? t.colorscale[0][1] : null, markers: t.marker ? t.marker.color : null,
             text: t.text || null}))"""
    )
    zones = [t for t in traces if (t["uid"] or "").startswith("zone-")]
    entries = spec["legend"]["entries"]
    fill = layer(spec, "zones")["paint"]["fill-color"]
    assert [(t["uid"], t["name"]) for t in zones] == [(f"zone-{e['faction']}", e["text"]) for e in entries]
    assert [t["colour"] for t in zones] == [evaluate(fill, {"faction": e["faction"]}) for e in entries]
    places = next(t for t in traces if t["uid"] == "places")
    colour = layer(spec, "markers")["paint"]["circle-color"]
    assert places["markers"] == [evaluate(colour, f["properties"]) for f in spec["markers"]["features"]]
    assert next(t for t in traces if t["uid"] == "claimed-hatch-0")["name"] == spec["legend"]["claimed"]
    marked = [t["text"] for t in traces if t["text"] == [f"<b>{spec['focus']['name']}</b>"]] if focus else []
    assert len(marked) == (1 if focus else 0)
    # The embed's key is page HTML around the map (the plot has no legend of its own).
    legend = page.locator(f"#{ids.MAP_KEY} li").all_text_contents()
    assert [text.replace("\u202b", "").replace("\u202c", "") for text in legend] == [
        e["text"].replace("\u202b", "").replace("\u202c", "") for e in entries
    ]
    assert recorder.errors == []
