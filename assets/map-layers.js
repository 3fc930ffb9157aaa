/* The live map, part 2 of 3 (after map-data.js, before map.js): the map spec's layers on the MapLibre map, the
 * date step, and the first paint.
 *
 * Every layer, its id, source, paint and place in the order come from the map spec (browser_data's `layers`:
 * dashboard/render/spec.py); this part adds them as given and knows no colour or layer of its own: each date's
 * layers transparent, the date asked for first in its own source, the others once it is drawn, all in one source
 * (browser.py's DATES_SOURCE, each date's layers filtered on its index). A date step then
 * only makes the old date's layers transparent and the new date's opaque, and rewrites the key's text, in one
 * task: MapLibre draws the next frame with the new date complete (no Plotly call, no data sent to the map's
 * worker, no frame mixing dates; a date whose data is not on the map yet is not switched to until it is). When a
 * step lands, #map gets data-map-date=<date> after MapLibre has drawn it ('idle'): tests and the benchmark wait
 * on that. Until then the date asked for is drawn as a poster (assets/poster.js) from the same layers, in the
 * same view. Layer ids: date-<YYYY-MM-DD>-<layer>; tests/browser_support.py and bench/harness.js read what is
 * drawn that way. Ours go under Plotly's layers (ids starting "plotly-"), and stay there when Plotly puts its
 * layers back on top.
 */
(function () {
  "use strict";

  const C = window.dashboardConstants;
  const ID = C.ids;
  const M = (window.dashboardMapParts = window.dashboardMapParts || {});
  const S = M.state;

  /* ------------------------------------------------------------ every date's layers */

  const MARKERS = C.layers.markersSource; // the place markers, with each date's holder as holderKeys[i]
  const NO_FADE = { duration: 0, delay: 0 };

  /* Date `day`'s layers (the spec's, with their ids on this map), and one of them by its spec id. */
  const datedLayers = (day) => M.data.layers.dated[day];
  const layerId = (day, name) => datedLayers(day).find((layer) => layer.layer === name).id;
  const ownSource = (day) => datedLayers(day).find((layer) => layer.source !== MARKERS).source;
  const styleLayer = (layer) => {
    const out = { id: layer.id, type: layer.type, source: layer.source, paint: Object.assign({}, layer.paint) };
    if (layer.filter) out.filter = layer.filter;
    if (Object.keys(layer.layout).length) out.layout = layer.layout;
    return out;
  };

  /* The spec's patterns (the claimed ground's hatching, drawn by assets/poster.js), as addImage takes them. */
  function images() {
    const ratio = Math.max(1, Math.round(window.devicePixelRatio || 1));
    return Object.fromEntries(
      Object.entries(M.data.images).map(([name, hatch]) => [
        name,
        { image: window.dashboardPoster.hatch(hatch, ratio), pixelRatio: ratio },
      ]),
    );
  }

  /* The MapLibre map our layers are on, and what it has of them. A new map, or a new style on it (were Plotly
   * ever to make one), starts afresh. */
  const maps = new WeakMap();
  const listening = new WeakSet();

  function layersOf(map) {
    let state = maps.get(map);
    if (!state || !map.getSource(MARKERS)) {
      state = { sources: new Map(), rest: false }; // date index → the source its zones are in on this map
      maps.set(map, state);
      S.shown = null;
      for (const [name, { image, pixelRatio }] of Object.entries(images())) {
        if (map.hasImage(name)) continue;
        map.addImage(name, image.getContext("2d").getImageData(0, 0, image.width, image.height), { pixelRatio });
      }
      if (M.data.base) addBase(map);
      map.addSource(MARKERS, { type: "geojson", data: M.data.markers });
      for (const layer of M.data.layers.once) map.addLayer(styleLayer(layer), firstPlotlyLayer(map));
    }
    if (!listening.has(map)) {
      listening.add(map);
      M.listen(map);
    }
    return state;
  }

  const firstPlotlyLayer = (map) => map.getLayersOrder().find((id) => id.startsWith(C.layers.plotlyPrefix));

  /* The offline base map (figures.offline_style; the figure has only its background) under Plotly's layers. */
  function addBase(map) {
    const plotlyLayer = firstPlotlyLayer(map);
    for (const [id, source] of Object.entries(M.data.base.sources)) if (!map.getSource(id)) map.addSource(id, source);
    for (const layer of M.data.base.layers) if (!map.getLayer(layer.id)) map.addLayer(layer, plotlyLayer);
  }

  /* Date `day`'s layers, transparent, with its zones from `source` (on `filter`, where given). Zones go under the
   * borders and roads (or under Plotly's layers on an online basemap), marker colours over the halos, under the
   * places trace's transparent markers. */
  function addLayers(map, day, source, filter) {
    const below = { zones: map.getLayer(M.data.below) ? M.data.below : firstPlotlyLayer(map), places: firstPlotlyLayer(map) };
    for (const layer of datedLayers(day)) {
      const added = styleLayer(layer);
      if (layer.source !== MARKERS) {
        added.source = source;
        if (filter) added.filter = layer.filter ? ["all", filter, layer.filter] : filter;
      }
      added.paint[layer.opacity] = 0;
      added.paint[`${layer.opacity}-transition`] = NO_FADE;
      map.addLayer(added, below[layer.under]);
    }
  }

  /* The date asked for, alone in its own source: drawn without waiting for the others. */
  function addDate(map, day) {
    const state = layersOf(map);
    if (state.sources.has(day)) return;
    state.sources.set(day, ownSource(day));
    map.addSource(ownSource(day), { type: "geojson", data: M.data.zones[day] });
    addLayers(map, day, ownSource(day), null);
  }

  /* Every other date, once, in one source (browser.py's DATES_SOURCE: one clipping mask per frame, not one per
   * date), each date's layers filtered on its index. */
  function addTheRest(map) {
    const state = layersOf(map);
    if (state.rest) return;
    state.rest = true;
    const DAY = C.layers.dayKey;
    const rest = M.data.dates.map((_, i) => i).filter((i) => !state.sources.has(i));
    const features = rest.flatMap((i) =>
      M.data.zones[i].features.map((f) => Object.assign({}, f, { properties: Object.assign({}, f.properties, { [DAY]: i }) })),
    );
    map.addSource(C.layers.datesSource, { type: "geojson", data: { type: "FeatureCollection", features } });
    for (const i of rest) {
      state.sources.set(i, C.layers.datesSource);
      addLayers(map, i, C.layers.datesSource, ["==", ["get", DAY], i]);
    }
  }

  /* Resolves once MapLibre holds every tile the view needs of these sources. */
  function loaded(map, sources) {
    const done = () => sources.every((id) => map.isSourceLoaded(id));
    if (done()) return Promise.resolve();
    return new Promise((resolve) => {
      const check = () => {
        if (!done()) return;
        map.off("sourcedata", check);
        resolve();
      };
      map.on("sourcedata", check);
    });
  }

  /* Draw date `day` instead of the one drawn: every change in one task, so in one frame. The paint changes
   * schedule that frame themselves; `painted` resolves when MapLibre is idle after it. */
  let painted = Promise.resolve();
  function switchTo(map, day) {
    painted = new Promise((resolve) => map.once("idle", resolve));
    if (S.shown !== null) for (const layer of datedLayers(S.shown)) map.setPaintProperty(layer.id, layer.opacity, 0);
    for (const layer of datedLayers(day)) map.setPaintProperty(layer.id, layer.opacity, layer.paint[layer.opacity]);
    S.shown = day;
    M.writeKey(day);
    M.tip.refresh(map);
  }

  /* ------------------------------------------------------------ the first paint */

  /* What the map will draw on date `day`, in its order, each layer with its data: the base layers with the
   * spec's layers that go under `M.data.below` among them, then the spec's place layers (halos, the date's marker
   * colours, the labels Plotly draws on the live map), each as the spec gives it. */
  function posterLayers(day) {
    const base = M.data.base.layers
      .filter((layer) => layer.type !== "background")
      .map((layer) => Object.assign({}, layer, { source: M.data.base.sources[layer.source].data }));
    const cut = base.findIndex((layer) => layer.id === M.data.below);
    const spec = [...datedLayers(day), ...M.data.layers.once, ...M.data.layers.figure]
      .sort((a, b) => M.data.layers.order.indexOf(a.layer) - M.data.layers.order.indexOf(b.layer))
      .map((layer) => {
        const source = layer.source === MARKERS ? M.data.markers : M.data.zones[day];
        return Object.assign(styleLayer(layer), { source, under: layer.under });
      });
    const under = (where) => spec.filter((layer) => layer.under === where);
    return [
      ...base.slice(0, cut < 0 ? base.length : cut),
      ...under(C.under.zones),
      ...(cut < 0 ? [] : base.slice(cut)),
      ...under(C.under.places),
    ];
  }

  /* Until the map has drawn a date, the date asked for is drawn by assets/poster.js over it, centred on the
   * place asked for if there is one (as jumpTo will centre the map). */
  function drawPoster(day) {
    const drawnMap = document.getElementById(ID.MAP); // not on the page until plotly.js has loaded
    if (!M.data.base || !M.data.bounds || !document.getElementById(ID.MAP_BOX)) return;
    if (drawnMap && drawnMap.dataset.mapDate) return;
    if (S.posterDrawn && S.posterDrawn.day === day && S.posterDrawn.focus === S.focus) return;
    S.posterDrawn = { day, focus: S.focus };
    window.dashboardPoster.show(ID.MAP_BOX, {
      background: M.data.background,
      layers: posterLayers(day),
      bounds: M.data.bounds,
      padding: M.padding,
      focus: S.focus && { center: [S.focus.lon, S.focus.lat], zoom: M.data.focusZoom },
      images: images(),
      date: M.data.dates[day],
      on: M.posterListeners,
    });
    M.writeKey(day);
    M.tip.refresh(null);
  }

  /* ------------------------------------------------------------ showing a date */

  /* The latest date asked for is drawn once its data is on the map (the old one stays until then: a date
   * is never drawn in part); then the others are added, for steps to come. */
  async function show(day) {
    S.wanted = day;
    drawPoster(day);
    M.graph(); // fits the view again once the graph has settled, if its size changed
    await M.styledMap();
    const map = M.mapOf(M.plot());
    addDate(map, day);
    await loaded(map, [layersOf(map).sources.get(day), MARKERS]);
    if (S.wanted !== day) return;
    if (day !== S.shown) switchTo(map, day); // else already drawn or on its way: no extra frame
    await painted;
    addTheRest(map);
    offerSearch();
    if (day !== S.shown) return;
    document.getElementById(ID.MAP).dataset.mapDate = M.data.dates[day];
    window.dashboardPoster.remove();
  }

  /* The search box gets its options (every place, 1,600+) once the map is drawn: the dropdown indexes every
   * substring of every name as it gets them, most of a second of main thread on a slow machine. */
  let searchable = false;
  function offerSearch() {
    if (searchable) return;
    searchable = true;
    window.dash_clientside.set_props(ID.SEARCH, { options: M.data.search });
  }

  /* After a plot that left the map without our layers (a new map or style), draw the date again. */
  function redraw() {
    const map = M.mapOf(M.plot());
    if (S.wanted !== null && map && !map.getSource(MARKERS)) show(S.wanted);
  }

  Object.assign(M, { datedLayers, layerId, show, drawPoster, redraw });
})();
