/* The date slider's hot path, in the browser.
 *
 * Every date's map arrives once (figures.browser_data: a content-hashed JSON URL, cached for good).
 * Plotly draws the view and the places once (figures.live_figure). This file adds the offline base layers
 * and the place halos (once, under Plotly's), each date's zones and claimed ground to the MapLibre map behind
 * the graph as a source and four layers, and the place markers' colour on that date as a fifth layer, all
 * transparent: the date asked for first, the others once it is drawn (nearest first). A date step then only
 * makes the old date's layers transparent and the new date's opaque, and rewrites the key's text, in one
 * task: MapLibre draws the next frame with the new date complete (no Plotly call, no data sent to the map's
 * worker, no frame mixing dates; a date whose data is not on the map yet is not switched to until it is). When a step lands, #map gets
 * data-map-date=<date> after MapLibre has drawn it ('idle'): tests and the benchmark wait on that.
 * Until then the date asked for is drawn as a poster (assets/poster.js) from the same data, in the same view.
 *
 * Every layer, its id, source, paint and place in the order come from the map spec (browser_data's
 * `layers`: dashboard/render/spec.py); this file adds them as given and knows no colour or layer of its own.
 * Layer ids: date-<YYYY-MM-DD>-<layer>; a date's layers are drawn when their opacity is above 0.
 * tests/browser_support.py and bench/harness.js read what is drawn that way. Names shared with Python come
 * from assets/constants.js (generated from dashboard/ids.py and the spec).
 *
 * Plotly internals read here (plotly.js 4.1): gd._fullLayout.map._subplot.map (the MapLibre map),
 * trace._glTrace (set once a trace is on the map), gd._resolveResize (a resize in flight) and the prefix of
 * Plotly's layer ids ("plotly-"): ours go under them, and stay there when Plotly puts its layers back on top.
 */
(function () {
  "use strict";

  const C = window.dashboardConstants;
  const ID = C.ids;
  const plot = () => document.querySelector(`#${ID.MAP} .js-plotly-plot`);
  let data = null;
  let loading = null;

  function load(url) {
    if (!loading) {
      loading = fetch(url)
        .then((r) => {
          if (!r.ok) throw new Error(`map data: HTTP ${r.status}`);
          return r.json();
        })
        .then((d) => (data = d));
    }
    return loading;
  }

  function mapOf(gd) {
    const map = gd && gd._fullLayout && gd._fullLayout.map;
    return map && map._subplot && map._subplot.map;
  }

  /* The MapLibre map once Plotly has put its style and traces on it, with the view fitted to the country:
   * date layers can go on it then, while Dash's Graph is still settling (its first resize). */
  let styled = null;
  function styledMap() {
    if (!styled) {
      styled = new Promise((resolve) => {
        const check = () => {
          const gd = plot();
          const map = mapOf(gd);
          if (map && map.isStyleLoaded() && gd._fullData.every((trace) => trace._glTrace)) {
            fit(map);
            resolve(map);
          } else requestAnimationFrame(check);
        };
        check();
      });
    }
    return styled;
  }

  /* The graph div, once Dash's Graph has finished its first plot and first resize, with the view
   * fitted again if that resize changed the map's size. */
  let ready = null;
  function graph() {
    if (!ready) {
      ready = styledMap().then(
        () =>
          new Promise((resolve) => {
            const check = () => {
              const gd = plot();
              const map = mapOf(gd);
              if (!gd.classList.contains("dash-graph--pending") && !gd._resolveResize) {
                gd.on("plotly_afterplot", redraw);
                if (map.getCanvas().clientWidth !== fitted[0] || map.getCanvas().clientHeight !== fitted[1]) fit(map);
                resolve(gd);
              } else requestAnimationFrame(check);
            };
            check();
          }),
      );
    }
    return ready;
  }

  /* Plotly keeps a view only when it thinks the user chose it: a camera move whose event carries an
   * `originalEvent` is stored in the figure's layout (no replot), any other is undone by the next plot. */
  const asUser = { originalEvent: { type: "dashboard" } };

  /* The room left around the country when the view is fitted: the key is on the left. */
  function padding() {
    const key = document.getElementById(ID.MAP_KEY);
    return { top: 56, bottom: 16, right: 16, left: 24 + (key ? key.getBoundingClientRect().width : 0) };
  }

  /* Fit the country beside the key, whatever the window's size. */
  let fitted = [0, 0]; // the map's size when it was fitted
  function fit(map) {
    fitted = [map.getCanvas().clientWidth, map.getCanvas().clientHeight];
    if (data.bounds) map.fitBounds(data.bounds, { padding: padding(), animate: false }, asUser);
  }


  /* ------------------------------------------------------------ every date's layers */

  const MARKERS = C.layers.markersSource; // the place markers, with each date's holder as holderKeys[i]
  const NO_FADE = { duration: 0, delay: 0 };

  /* Date `day`'s layers (the spec's, with their ids on this map), and one of them by its spec id. */
  const datedLayers = (day) => data.layers.dated[day];
  const layerId = (day, name) => datedLayers(day).find((layer) => layer.layer === name).id;
  const sourceId = (day) => datedLayers(day).find((layer) => layer.source !== MARKERS).source;
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
      Object.entries(data.images).map(([name, hatch]) => [
        name,
        { image: window.dashboardPoster.hatch(hatch, ratio), pixelRatio: ratio },
      ]),
    );
  }

  /* The MapLibre map our layers are on, and what it has of them. A new map, or a new style on it (were Plotly
   * ever to make one), starts afresh. */
  const maps = new WeakMap();
  const listening = new WeakSet();
  let shown = null; // the index of the date the map draws

  function layersOf(map) {
    let state = maps.get(map);
    if (!state || !map.getSource(MARKERS)) {
      state = { dates: new Set(), rest: false };
      maps.set(map, state);
      shown = null;
      for (const [name, { image, pixelRatio }] of Object.entries(images())) {
        if (map.hasImage(name)) continue;
        map.addImage(name, image.getContext("2d").getImageData(0, 0, image.width, image.height), { pixelRatio });
      }
      if (data.base) addBase(map);
      map.addSource(MARKERS, { type: "geojson", data: data.markers });
      for (const layer of data.layers.once) map.addLayer(styleLayer(layer), firstPlotlyLayer(map));
    }
    if (!listening.has(map)) {
      listening.add(map);
      listen(map);
    }
    return state;
  }

  const firstPlotlyLayer = (map) => map.getLayersOrder().find((id) => id.startsWith(C.layers.plotlyPrefix));

  /* The offline base map (figures.offline_style; the figure has only its background) under Plotly's layers. */
  function addBase(map) {
    const plotlyLayer = firstPlotlyLayer(map);
    for (const [id, source] of Object.entries(data.base.sources)) if (!map.getSource(id)) map.addSource(id, source);
    for (const layer of data.base.layers) if (!map.getLayer(layer.id)) map.addLayer(layer, plotlyLayer);
  }

  /* A date's source and layers, transparent. Zones go under the borders and roads (or under Plotly's
   * layers on an online basemap), marker colours over the halos, under the places trace's transparent markers. */
  function addDate(map, day) {
    const state = layersOf(map);
    if (state.dates.has(day)) return;
    state.dates.add(day);
    map.addSource(sourceId(day), { type: "geojson", data: data.zones[day] });
    const below = { zones: map.getLayer(data.below) ? data.below : firstPlotlyLayer(map), places: firstPlotlyLayer(map) };
    for (const layer of datedLayers(day)) {
      const added = styleLayer(layer);
      added.paint[layer.opacity] = 0;
      added.paint[`${layer.opacity}-transition`] = NO_FADE;
      map.addLayer(added, below[layer.under]);
    }
  }

  /* Every other date, nearest to `day` first (one worker parses them in that order), once. */
  function addTheRest(map, day) {
    const state = layersOf(map);
    if (state.rest) return;
    state.rest = true;
    const order = data.dates.map((_, i) => i).sort((a, b) => Math.abs(a - day) - Math.abs(b - day));
    for (const i of order) addDate(map, i);
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
    if (shown !== null) for (const layer of datedLayers(shown)) map.setPaintProperty(layer.id, layer.opacity, 0);
    for (const layer of datedLayers(day)) map.setPaintProperty(layer.id, layer.opacity, layer.paint[layer.opacity]);
    shown = day;
    writeKey(day);
    tip.refresh(map);
  }

  /* The key beside the map: its date line and each faction's share on date `day`. */
  function writeKey(day) {
    const key = document.getElementById(ID.MAP_KEY);
    if (!key) return;
    key.querySelector(".as-of").textContent = data.asOf[day];
    for (const [faction, text] of Object.entries(data.legend[day])) {
      const row = key.querySelector(`li[data-faction="${faction}"]`);
      if (row) row.lastChild.textContent = text;
    }
  }

  /* ------------------------------------------------------------ hover */

  /* What is under the pointer on the date drawn: a place (name, Arabic name, holder), else a zone
   * (faction, area and share) and claimed ground. figures.py writes the same lines into the static figure. */
  const tip = {
    el: null,
    at: null, // the last pointer event on the map

    move(map, event) {
      tip.at = event;
      tip.refresh(map);
    },

    hide() {
      tip.at = null;
      if (tip.el) tip.el.hidden = true;
    },

    lines(map, point) {
      const places = map.queryRenderedFeatures(point, { layers: [layerId(shown, C.layers.markers)] });
      if (places.length) {
        const p = places[0].properties;
        return [p.title, data.factions[p[data.holderKeys[shown]]].label];
      }
      const [zone] = map.queryRenderedFeatures(point, { layers: [layerId(shown, C.layers.zones)] });
      const [claimed] = map.queryRenderedFeatures(point, { layers: [layerId(shown, C.layers.claimed)] });
      if (!zone) return null;
      const lines = [zone.properties.title, zone.properties.detail];
      if (claimed) lines.push(`${claimed.properties.title} ${claimed.properties.detail}`);
      return lines;
    },

    refresh(map) {
      const lines = tip.at && shown !== null ? tip.lines(map, tip.at.point) : null;
      if (!lines) {
        if (tip.el) tip.el.hidden = true;
        return;
      }
      if (!tip.el) {
        tip.el = document.createElement("div");
        tip.el.className = "map-tip";
        tip.el.setAttribute("role", "tooltip");
        document.body.appendChild(tip.el);
      }
      const [head, ...rest] = lines;
      const title = document.createElement("b");
      title.textContent = head;
      tip.el.replaceChildren(title, ...rest.flatMap((line) => [document.createElement("br"), line]));
      const { clientX, clientY } = tip.at.originalEvent;
      tip.el.style.left = `${clientX + 14}px`;
      tip.el.style.top = `${clientY + 14}px`;
      tip.el.hidden = false;
    },
  };

  function listen(map) {
    map.on("mousemove", (event) => tip.move(map, event));
    map.on("mouseout", tip.hide);
    map.on("movestart", tip.hide);
  }

  /* ------------------------------------------------------------ the first paint */

  /* What the map will draw on date `day`, in its order, each layer with its data: the base layers with the
   * spec's layers that go under `data.below` among them, then the spec's place layers (halos, the date's marker
   * colours, the labels Plotly draws on the live map), each as the spec gives it. */
  function posterLayers(day) {
    const base = data.base.layers
      .filter((layer) => layer.type !== "background")
      .map((layer) => Object.assign({}, layer, { source: data.base.sources[layer.source].data }));
    const cut = base.findIndex((layer) => layer.id === data.below);
    const spec = [...datedLayers(day), ...data.layers.once, ...data.layers.figure]
      .sort((a, b) => data.layers.order.indexOf(a.layer) - data.layers.order.indexOf(b.layer))
      .map((layer) => Object.assign(styleLayer(layer), { source: layer.source === MARKERS ? data.markers : data.zones[day], under: layer.under }));
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
  let focus = null; // the place the view jumps to
  let posterDrawn = null; // the date and focus the poster shows
  function drawPoster(day) {
    const mapEl = document.getElementById(ID.MAP);
    if (!data.base || !data.bounds || !mapEl || mapEl.dataset.mapDate) return;
    if (posterDrawn && posterDrawn.day === day && posterDrawn.focus === focus) return;
    posterDrawn = { day, focus };
    window.dashboardPoster.show(ID.MAP, {
      background: data.background,
      layers: posterLayers(day),
      bounds: data.bounds,
      padding,
      focus: focus && { center: [focus.lon, focus.lat], zoom: data.focusZoom },
      images: images(),
      date: data.dates[day],
    });
    writeKey(day);
  }

  /* The date the page opens on, as soon as the layout is on the page (Dash's callbacks, which set the slider
   * from the address, wait on a server round trip, by which time plotly.js may be taking the main thread): the
   * address's date if it is one of ours, else the date the layout's label shows. null for a date the server
   * must clamp: showDate draws that one. A place given by its id is focused at once; by name, once jumpTo has
   * it from the server. */
  function openingIndex() {
    const asked = new URLSearchParams(window.location.search).get("date");
    if (asked !== null) return data.dates.includes(asked) ? data.dates.indexOf(asked) : null;
    const label = document.getElementById(ID.DATE_LABEL);
    const index = label ? data.labels.indexOf(label.textContent) : -1;
    return index >= 0 ? index : null;
  }

  const preload = document.getElementById(ID.MAP_DATA);
  if (preload) {
    load(preload.href).then(() => {
      const early = new MutationObserver(drawOpening);
      function drawOpening() {
        if (!document.getElementById(ID.MAP) || !document.getElementById(ID.DATE_LABEL)) return;
        early.disconnect();
        const index = openingIndex();
        if (index === null || wanted !== null) return;
        focus = data.places[new URLSearchParams(window.location.search).get("place")] || null;
        drawPoster(index);
      }
      early.observe(document.body, { childList: true, subtree: true });
      drawOpening();
    });
  }

  /* ------------------------------------------------------------ showing a date */

  /* The latest date asked for is drawn once its data is on the map (the old one stays until then: a date
   * is never drawn in part); then the others are added, for steps to come. */
  let wanted = null;
  async function show(day) {
    wanted = day;
    drawPoster(day);
    graph(); // fits the view again once the graph has settled, if its size changed
    await styledMap();
    const map = mapOf(plot());
    addDate(map, day);
    await loaded(map, [sourceId(day), MARKERS]);
    if (wanted !== day) return;
    if (day !== shown) switchTo(map, day); // else already drawn or on its way: no extra frame
    await painted;
    addTheRest(map, day);
    offerSearch();
    if (day !== shown) return;
    document.getElementById(ID.MAP).dataset.mapDate = data.dates[day];
    window.dashboardPoster.remove();
  }

  /* The search box gets its options (every place, 1,600+) once the map is drawn: the dropdown indexes every
   * substring of every name as it gets them, most of a second of main thread on a slow machine. */
  let searchable = false;
  function offerSearch() {
    if (searchable) return;
    searchable = true;
    window.dash_clientside.set_props(ID.SEARCH, { options: data.search });
  }

  /* After a plot that left the map without our layers (a new map or style), draw the date again. */
  function redraw() {
    const map = mapOf(plot());
    if (wanted !== null && map && !map.getSource(MARKERS)) show(wanted);
  }

  /* Work a step need not wait for runs after the frame that draws it. */
  const afterFrame = (task) => requestAnimationFrame(() => setTimeout(task, 0));

  function validIndex(index) {
    return Number.isInteger(index) && data && index >= 0 && index < data.dates.length;
  }

  const noUpdate = () => window.dash_clientside.no_update;

  const dashboardMap = {
    async showDate(index, url) {
      await load(url);
      if (!validIndex(index)) return noUpdate();
      show(index);
      return data.labels[index];
    },

    async holder(index, place, url) {
      await load(url);
      if (!place || !validIndex(index) || !(place in data.places)) return [noUpdate(), noUpdate()];
      const faction = data.factions[data.order[data.holders[index][data.places[place].row]]];
      return [faction.label, { backgroundColor: faction.colour, color: faction.ink }];
    },

    async syncAddress(index, place, mode, since, url) {
      await load(url);
      if (!validIndex(index)) return;
      const params = new URLSearchParams({ date: data.dates[index] });
      if (place) params.set("place", place);
      if (mode === "day" || mode === "first") params.set("since", mode);
      else if (mode === "date" && data.dates.includes(since)) params.set("since", since);
      afterFrame(() => window.history.replaceState(window.history.state, "", `${window.location.pathname}?${params}`));
    },

    async jumpTo(place, url) {
      await load(url);
      const where = place && data.places[place];
      if (!where) return;
      focus = where;
      if (posterDrawn) drawPoster(wanted ?? posterDrawn.day);
      const map = mapOf(await graph());
      map.jumpTo({ center: [where.lon, where.lat], zoom: Math.max(map.getZoom(), data.focusZoom) }, asUser);
    },

    step(prev, next, tick, value, max) {
      const trigger = window.dash_clientside.callback_context.triggered_id;
      if (trigger === ID.PREV) return [Math.max(0, value - 1), noUpdate(), noUpdate()];
      if (trigger === ID.NEXT) return [Math.min(max, value + 1), noUpdate(), noUpdate()];
      if (value >= max) return [max, true, "▶ Play"];
      return [value + 1, noUpdate(), noUpdate()];
    },

    togglePlay(clicks, stopped, value, max) {
      if (!stopped) return [true, "▶ Play", noUpdate()];
      return [false, "❚❚ Pause", value >= max ? 0 : noUpdate()];
    },

    speed(ms) {
      return ms;
    },
  };

  /* The slider's handle takes its new value in the task of the key press or drag that moves it; Dash runs
   * the callbacks the value triggers (showDate among them) in a later task, with every other view's, which
   * can take hundreds of ms on a slow machine. Following the handle draws the new date in the next frame
   * whatever the rest of the page costs; showDate covers every other way the value changes (the address,
   * the step buttons, play). */
  new MutationObserver((records) => {
    for (const record of records) {
      const index = Number(record.target.getAttribute("aria-valuenow"));
      if (record.target.closest(`#${ID.SLIDER}`) && validIndex(index)) show(index);
    }
  }).observe(document.documentElement, { subtree: true, attributes: true, attributeFilter: ["aria-valuenow"] });

  /* An arrow key on the slider's handle draws the new date in the next frame and only then hands the value to
   * Dash, whose callbacks for a step (the label, the address, the panels) would otherwise run before that frame.
   * Keys pressed before Dash has the value step on from the last one. */
  let pendingIndex = null;
  document.addEventListener(
    "keydown",
    (event) => {
      const handle = event.target.closest && event.target.closest(`#${ID.SLIDER} [role=slider]`);
      const delta = { ArrowLeft: -1, ArrowDown: -1, ArrowRight: 1, ArrowUp: 1 }[event.key];
      if (!handle || !delta || !data || event.altKey || event.ctrlKey || event.metaKey || event.shiftKey) return;
      event.preventDefault();
      event.stopPropagation();
      const from = pendingIndex ?? Number(handle.getAttribute("aria-valuenow"));
      const to = Math.min(Math.max(from + delta, 0), data.dates.length - 1);
      if (to === from || !validIndex(to)) return;
      pendingIndex = to;
      show(to);
      afterFrame(() => {
        if (pendingIndex !== to) return; // a later key press hands its own value over
        pendingIndex = null;
        window.dash_clientside.set_props(ID.SLIDER, { value: to });
      });
    },
    true,
  );

  /* Arrow keys step and space plays anywhere on the page, except where they already mean something. */
  document.addEventListener("keydown", (event) => {
    const target = event.target;
    if (event.altKey || event.ctrlKey || event.metaKey) return;
    if (target.closest("input, textarea, select, [role=slider], [role=combobox], .dash-dropdown")) return;
    const button = { ArrowLeft: ID.PREV, ArrowRight: ID.NEXT, " ": ID.PLAY }[event.key];
    if (!button || (event.key === " " && target.closest("button"))) return;
    event.preventDefault();
    document.getElementById(button).click();
  });

  window.dash_clientside = Object.assign({}, window.dash_clientside, { dashboardMap });
})();
