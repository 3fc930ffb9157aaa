/* Territory analytics, part 2 of 3 (after analytics-data.js, before analytics.js): what the analytics draw on maps.
 *
 * On the main map, the ground that changed hands between the two dates, hatched and outlined in its new holder's
 * colour, and a ring on a place picked in the list of changes (`drawChanges`, and a click in the list); on the
 * side-by-side map, the other date's zones, with each map's camera following the other's (`drawCompare`).
 * When MapLibre has drawn them, #changes-panel gets data-drawn="<i>-<j>" / data-highlight="<place>" and
 * #compare gets data-compare-date="<date>": the browser tests wait on those.
 */
(function () {
  "use strict";

  const A = window.dashboardAnalyticsParts;
  // Names shared with Python (assets/constants.js, which loads after this file: read when used).
  const C = () => window.dashboardConstants;
  const ID = () => C().ids;

  const MAP = () => `#${ID().MAP} .js-plotly-plot`;
  const COMPARE = () => `#${ID().COMPARE_MAP} .js-plotly-plot`;
  // A camera move whose event has an originalEvent is kept by Plotly as the user's view (see map.js).
  const asUser = { originalEvent: { type: "dashboardAnalytics" } };

  function mapOf(gd) {
    const map = gd && gd._fullLayout && gd._fullLayout.map;
    return map && map._subplot && map._subplot.map;
  }

  /* The MapLibre map of a graph, once it exists and its style has loaded; null if `stale()` first. */
  function mapReady(selector, stale) {
    return new Promise((resolve) => {
      const check = () => {
        if (stale()) return resolve(null);
        const gd = document.querySelector(selector);
        const map = mapOf(gd);
        if (map && map.isStyleLoaded()) resolve({ gd, map });
        else requestAnimationFrame(check);
      };
      check();
    });
  }

  function drawn(map) {
    return new Promise((resolve) => {
      map.once("idle", resolve);
      map.triggerRepaint();
    });
  }

  const EMPTY = { type: "FeatureCollection", features: [] };
  const CHANGES = () => C().layers.changes;
  const HIGHLIGHT = () => C().layers.highlight;

  /* Stripes in a faction's colour over a light veil (the map spec's `changes` style), as a MapLibre image; they
   * run "\", across the claimed-ground hatch map.js draws ("/"). */
  function hatch(colour) {
    const { size, stripe, veil } = A.data.style.hatch;
    const pixels = new Uint8Array(size * size * 4);
    const rgb = [1, 3, 5].map((i) => parseInt(colour.slice(i, i + 2), 16));
    for (let y = 0; y < size; y++) {
      for (let x = 0; x < size; x++) {
        pixels.set((x - y + size) % size < stripe ? [...rgb, 255] : veil, (y * size + x) * 4);
      }
    }
    return { width: size, height: size, data: pixels };
  }

  /* Our sources and layers on the main map, under the place markers (added once per map style). */
  function ensureLayers(map) {
    if (map.getSource(CHANGES())) return;
    const data = A.data;
    for (const f of data.factions) {
      if (!map.hasImage(`hatch-${f.id}`)) map.addImage(`hatch-${f.id}`, hatch(f.colour));
    }
    const { casing, line, highlight } = data.style;
    const colour = ["match", ["get", "holder"], ...data.factions.flatMap((f) => [f.id, f.colour]), C().defaultColour];
    // under map.js's place halos and marker colours if they are on the map, else under Plotly's places
    const places = map.getStyle().layers.find((l) => l.id.startsWith(C().layers.plotlyPrefix));
    const before = map.getLayer(C().layers.halo) ? C().layers.halo : places && places.id;
    map.addSource(CHANGES(), { type: "geojson", data: EMPTY });
    map.addSource(HIGHLIGHT(), { type: "geojson", data: EMPTY });
    const layer = (id, type, source, paint) => map.addLayer({ id, type, source, paint }, before);
    layer(`${CHANGES()}-fill`, "fill", CHANGES(), { "fill-pattern": ["concat", "hatch-", ["get", "holder"]] });
    layer(`${CHANGES()}-casing`, "line", CHANGES(), { "line-color": casing.colour, "line-width": casing.width });
    layer(`${CHANGES()}-line`, "line", CHANGES(), { "line-color": colour, "line-width": line.width });
    const ring = ({ colour: color, width }) => ({
      "circle-radius": highlight.radius,
      "circle-opacity": 0,
      "circle-stroke-color": color,
      "circle-stroke-width": width,
    });
    layer(`${HIGHLIGHT()}-halo`, "circle", HIGHLIGHT(), ring(highlight.halo));
    layer(HIGHLIGHT(), "circle", HIGHLIGHT(), ring(highlight.ring));
  }

  /* ------------------------------------------------------------ the main map: ground that changed hands */

  const panel = () => document.getElementById(ID().CHANGES_PANEL);

  let changesToken = 0;
  let shownKey = null;
  async function drawChanges(key) {
    const token = ++changesToken;
    if (key !== shownKey) unpick(); // another pair: its list may not hold the picked place
    shownKey = key;
    const ready = await mapReady(MAP(), () => token !== changesToken);
    if (!ready || (!key && !ready.map.getSource(CHANGES()))) return;
    ensureLayers(ready.map);
    const entry = key && (A.data.changes[key] || A.data.changes[A.data.same[key]]);
    ready.map.getSource(CHANGES()).setData(entry ? entry.ground : EMPTY);
    if (!panel().dataset.highlight) ready.map.getSource(HIGHLIGHT()).setData(EMPTY);
    await drawn(ready.map);
    if (token === changesToken) panel().dataset.drawn = key || "";
  }

  function unpick() {
    delete panel().dataset.highlight;
    for (const row of document.querySelectorAll(`#${ID().CHANGES_LIST} li.picked`)) row.classList.remove("picked");
  }

  async function highlight(place) {
    const ready = await mapReady(MAP(), () => false);
    const { lon, lat } = A.data.places[place];
    ensureLayers(ready.map);
    ready.map.getSource(HIGHLIGHT()).setData({ type: "Point", coordinates: [lon, lat] });
    ready.map.jumpTo({ center: [lon, lat], zoom: Math.max(ready.map.getZoom(), 8) }, asUser);
    for (const row of document.querySelectorAll(`#${ID().CHANGES_LIST} li[data-place]`)) {
      row.classList.toggle("picked", row.dataset.place === place);
    }
    await drawn(ready.map);
    panel().dataset.highlight = place;
  }

  document.addEventListener("click", (event) => {
    const button = event.target.closest(`#${ID().CHANGES_LIST} button[data-place]`);
    if (button && A.data) highlight(button.dataset.place);
  });

  /* ------------------------------------------------------------ the side-by-side map */

  const linked = new WeakSet();
  /* Each map follows the other's camera; `b` starts where `a` is. */
  function link(a, b) {
    if (linked.has(b)) return;
    linked.add(b);
    let busy = false;
    const follow = (from, to) =>
      from.on("move", () => {
        if (busy) return;
        busy = true;
        to.jumpTo({ center: from.getCenter(), zoom: from.getZoom(), bearing: from.getBearing() }, asUser);
        busy = false;
      });
    follow(a, b);
    follow(b, a);
    b.jumpTo({ center: a.getCenter(), zoom: a.getZoom(), bearing: a.getBearing() }, asUser);
  }

  let compareToken = 0;
  async function drawCompare(other) {
    const token = ++compareToken;
    const stale = () => token !== compareToken;
    const [main, second] = [await mapReady(MAP(), stale), await mapReady(COMPARE(), stale)];
    if (!main || !second) return;
    const url = A.data.downloads.zones.replace("{date}", A.data.dates[other]);
    if (second.gd.data[0].geojson !== url) await window.Plotly.restyle(second.gd, { geojson: [url] }, [0]);
    link(main.map, second.map);
    await drawn(second.map);
    if (!stale()) document.getElementById(ID().COMPARE).dataset.compareDate = A.data.dates[other];
  }

  /* The side-by-side map is off: a drawCompare still waiting for a map gives up. */
  const stopCompare = () => {
    compareToken++;
  };

  Object.assign(A, { drawChanges, drawCompare, stopCompare });
})();
