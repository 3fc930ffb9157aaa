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
 * Layer ids: date-<YYYY-MM-DD>-<kind> (KINDS below); a date's layers are drawn when their opacity is
 * above 0. tests/browser_support.py and bench/harness.js read what is drawn that way.
 *
 * Plotly internals read here (plotly.js 4.1): gd._fullLayout.map._subplot.map (the MapLibre map),
 * trace._glTrace (set once a trace is on the map), gd._resolveResize (a resize in flight) and the prefix of
 * Plotly's layer ids ("plotly-"): ours go under them, and stay there when Plotly puts its layers back on top.
 */
(function () {
  "use strict";

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
          const gd = document.querySelector("#map .js-plotly-plot");
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
              const gd = document.querySelector("#map .js-plotly-plot");
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
    const key = document.getElementById("map-key");
    return { top: 56, bottom: 16, right: 16, left: 24 + (key ? key.getBoundingClientRect().width : 0) };
  }

  /* Fit the country beside the key, whatever the window's size. */
  let fitted = [0, 0]; // the map's size when it was fitted
  function fit(map) {
    fitted = [map.getCanvas().clientWidth, map.getCanvas().clientHeight];
    if (data.bounds) map.fitBounds(data.bounds, { padding: padding(), animate: false }, asUser);
  }


  /* ------------------------------------------------------------ every date's layers */

  const FOCUS_ZOOM = 7; // the least zoom a jump to a place goes to
  const MARKERS = "dates-markers"; // the place markers, with each date's holder as h<i>
  const HATCH = "claimed-hatch";
  const HALO = "dates-halo"; // a white halo under each place's marker, so it stands out on its zone's colour
  const NO_FADE = { duration: 0, delay: 0 };

  const sourceId = (day) => `date-${data.dates[day]}`; // that date's zones and claimed ground
  const layerId = (day, kind) => `date-${data.dates[day]}-${kind}`;
  const byFaction = (key) => ["match", ["get", key], ...data.order.flatMap((f) => [f, data.factions[f].colour]), "#000"];
  const isKind = (kind) => ["==", ["get", "kind"], kind];

  /* Per date, what draws it: its layer kind, the opacity property that shows it, and that opacity when shown. */
  const KINDS = [
    {
      kind: "zones",
      opacity: "fill-opacity",
      shown: () => data.style.zoneOpacity,
      layer: () => ({ type: "fill", filter: isKind("zone"), paint: { "fill-color": byFaction("faction") } }),
    },
    {
      kind: "borders",
      opacity: "line-opacity",
      shown: () => data.style.zoneOpacity,
      layer: () => ({
        type: "line",
        filter: isKind("zone"),
        paint: { "line-color": byFaction("faction"), "line-width": 1 },
      }),
    },
    {
      kind: "claimed",
      opacity: "fill-opacity",
      shown: () => 1,
      layer: () => ({ type: "fill", filter: isKind("claimed"), paint: { "fill-pattern": HATCH } }),
    },
    {
      kind: "claimed-outline",
      opacity: "line-opacity",
      shown: () => 0.8,
      layer: () => ({
        type: "line",
        filter: isKind("claimed"),
        paint: { "line-color": "#333333", "line-width": 1, "line-dasharray": [2, 2] },
      }),
    },
    {
      kind: "markers",
      opacity: "circle-opacity",
      shown: () => data.style.markerOpacity,
      markers: true,
      layer: (day) => ({ type: "circle", paint: { "circle-color": byFaction(`h${day}`), "circle-radius": ["get", "r"] } }),
    },
  ];

  /* The claimed ground's hatching (assets/poster.js draws it), as MapLibre's addImage takes an image. */
  function hatchImage() {
    const ratio = Math.max(1, Math.round(window.devicePixelRatio || 1));
    return { image: window.dashboardPoster.hatch(ratio), pixelRatio: ratio };
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
      if (!map.hasImage(HATCH)) {
        const { image, pixelRatio } = hatchImage();
        map.addImage(HATCH, image.getContext("2d").getImageData(0, 0, image.width, image.height), { pixelRatio });
      }
      if (data.base) addBase(map);
      map.addSource(MARKERS, { type: "geojson", data: data.markers });
      map.addLayer(Object.assign({ id: HALO, source: MARKERS }, haloLayer()), firstPlotlyLayer(map));
    }
    if (!listening.has(map)) {
      listening.add(map);
      listen(map);
    }
    return state;
  }

  const firstPlotlyLayer = (map) => map.getLayersOrder().find((id) => id.startsWith("plotly-"));

  /* The offline base map (figures.offline_style; the figure has only its background) under Plotly's layers. */
  function addBase(map) {
    const plotlyLayer = firstPlotlyLayer(map);
    for (const [id, source] of Object.entries(data.base.sources)) if (!map.getSource(id)) map.addSource(id, source);
    for (const layer of data.base.layers) if (!map.getLayer(layer.id)) map.addLayer(layer, plotlyLayer);
  }

  /* The place halos as figures.place_traces draws them in static figures (data.style.halo: px beyond the marker). */
  function haloLayer() {
    const { halo, markerOpacity } = data.style;
    return {
      type: "circle",
      paint: { "circle-color": "white", "circle-radius": ["+", ["get", "r"], halo], "circle-opacity": markerOpacity },
    };
  }

  /* A date's source and layers, transparent. Zones go under the borders and roads (or under Plotly's
   * layers on an online basemap), marker colours over the halos, under the places trace's transparent markers. */
  function addDate(map, day) {
    const state = layersOf(map);
    if (state.dates.has(day)) return;
    state.dates.add(day);
    map.addSource(sourceId(day), { type: "geojson", data: data.zones[day] });
    const zonesBelow = map.getLayer(data.style.below) ? data.style.below : firstPlotlyLayer(map);
    const markersBelow = firstPlotlyLayer(map);
    for (const k of KINDS) {
      const spec = k.layer(day);
      spec.paint[k.opacity] = 0;
      spec.paint[`${k.opacity}-transition`] = NO_FADE;
      const layer = Object.assign({ id: layerId(day, k.kind), source: k.markers ? MARKERS : sourceId(day) }, spec);
      map.addLayer(layer, k.markers ? markersBelow : zonesBelow);
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
    for (const k of KINDS) {
      if (shown !== null) map.setPaintProperty(layerId(shown, k.kind), k.opacity, 0);
      map.setPaintProperty(layerId(day, k.kind), k.opacity, k.shown());
    }
    shown = day;
    writeKey(day);
    tip.refresh(map);
  }

  /* The key beside the map: its date line and each faction's share on date `day`. */
  function writeKey(day) {
    const key = document.getElementById("map-key");
    if (!key) return;
    key.querySelector(".as-of").textContent = data.asOf[day];
    data.order.forEach((faction, i) => {
      const row = key.querySelector(`li[data-faction="${faction}"]`);
      if (row) row.lastChild.textContent = data.legend[day][i];
    });
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
      const places = map.queryRenderedFeatures(point, { layers: [layerId(shown, "markers")] });
      if (places.length) {
        const p = places[0].properties;
        return [`${p.name} · ${p.ar}`, data.factions[p[`h${shown}`]].label];
      }
      const layers = [layerId(shown, "zones"), layerId(shown, "claimed")];
      const hits = map.queryRenderedFeatures(point, { layers });
      const zone = hits.find((f) => f.properties.kind === "zone");
      const claimed = hits.find((f) => f.properties.kind === "claimed");
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
   * date's zones and claimed ground among them (under `data.style.below`), the place halos, the date's marker
   * colours, Plotly's place labels. */
  function posterLayers(day) {
    const base = data.base.layers
      .filter((layer) => layer.type !== "background")
      .map((layer) => Object.assign({}, layer, { source: data.base.sources[layer.source].data }));
    const cut = base.findIndex((layer) => layer.id === data.style.below);
    const dated = KINDS.map((k) => {
      const spec = k.layer(day);
      spec.paint[k.opacity] = k.shown();
      return Object.assign(spec, { source: k.markers ? data.markers : data.zones[day], markers: k.markers });
    });
    const { labels } = data.style;
    return [
      ...base.slice(0, cut < 0 ? base.length : cut),
      ...dated.filter((layer) => !layer.markers),
      ...(cut < 0 ? [] : base.slice(cut)),
      Object.assign({ source: data.markers }, haloLayer()),
      ...dated.filter((layer) => layer.markers),
      {
        type: "symbol",
        source: data.markers,
        filter: ["get", "label"],
        layout: {
          "text-field": ["get", "name"],
          "text-font": labels.font,
          "text-size": labels.size,
          "text-offset": labels.offset,
        },
        paint: { "text-color": labels.colour },
      },
    ];
  }

  /* Until the map has drawn a date, the date asked for is drawn by assets/poster.js over it, centred on the
   * place asked for if there is one (as jumpTo will centre the map). */
  let focus = null; // the place the view jumps to
  let posterDrawn = null; // the date and focus the poster shows
  function drawPoster(day) {
    const mapEl = document.getElementById("map");
    if (!data.base || !data.bounds || !mapEl || mapEl.dataset.mapDate) return;
    if (posterDrawn && posterDrawn.day === day && posterDrawn.focus === focus) return;
    posterDrawn = { day, focus };
    const background = data.base.layers.find((layer) => layer.type === "background");
    window.dashboardPoster.show("map", {
      background: background ? background.paint["background-color"] : "#ffffff",
      layers: posterLayers(day),
      bounds: data.bounds,
      padding,
      focus: focus && { center: [focus.lon, focus.lat], zoom: FOCUS_ZOOM },
      images: { [HATCH]: hatchImage() },
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
    const label = document.getElementById("date-label");
    const index = label ? data.labels.indexOf(label.textContent) : -1;
    return index >= 0 ? index : null;
  }

  const preload = document.getElementById("map-data");
  if (preload) {
    load(preload.href).then(() => {
      const early = new MutationObserver(drawOpening);
      function drawOpening() {
        if (!document.getElementById("map") || !document.getElementById("date-label")) return;
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
    const map = mapOf(document.querySelector("#map .js-plotly-plot"));
    addDate(map, day);
    await loaded(map, [sourceId(day), MARKERS]);
    if (wanted !== day) return;
    if (day !== shown) switchTo(map, day); // else already drawn or on its way: no extra frame
    await painted;
    addTheRest(map, day);
    offerSearch();
    if (day !== shown) return;
    document.getElementById("map").dataset.mapDate = data.dates[day];
    window.dashboardPoster.remove();
  }

  /* The search box gets its options (every place, 1,600+) once the map is drawn: the dropdown indexes every
   * substring of every name as it gets them, most of a second of main thread on a slow machine. */
  let searchable = false;
  function offerSearch() {
    if (searchable) return;
    searchable = true;
    window.dash_clientside.set_props("place-search", { options: data.search });
  }

  /* After a plot that left the map without our layers (a new map or style), draw the date again. */
  function redraw() {
    const map = mapOf(document.querySelector("#map .js-plotly-plot"));
    if (wanted !== null && map && !map.getSource(MARKERS)) show(wanted);
  }

  /* Work a step need not wait for runs after the frame that draws it. */
  const afterFrame = (task) => requestAnimationFrame(() => setTimeout(task, 0));

  function validIndex(index) {
    return Number.isInteger(index) && data && index >= 0 && index < data.dates.length;
  }

  const noUpdate = () => window.dash_clientside.no_update;

  /* A value reaching Dash after assets/scrub.js has drawn a later one is not drawn again. */
  const superseded = (index) => Boolean(window.dashboardScrub) && window.dashboardScrub.superseded(index);

  const dashboardMap = {
    async showDate(index, url) {
      await load(url);
      if (!validIndex(index)) return noUpdate();
      if (!superseded(index)) show(index);
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
      map.jumpTo({ center: [where.lon, where.lat], zoom: Math.max(map.getZoom(), FOCUS_ZOOM) }, asUser);
    },

    /* The ◀/▶ buttons are assets/scrub.js's; here a tick of play, which draws the next date at once (scrub.js's
     * goTo) and stops at the last one. */
    step(tick, max) {
      const { goTo, current } = window.dashboardScrub;
      if (current() >= max) return [true, "▶ Play"];
      goTo(current() + 1);
      return [noUpdate(), noUpdate()];
    },

    /* Play steps at once (from the first date again after the last), then on each tick. */
    togglePlay(clicks, stopped, max) {
      if (!stopped) return [true, "▶ Play"];
      const { goTo, current } = window.dashboardScrub;
      goTo(current() >= max ? 0 : current() + 1);
      return [false, "❚❚ Pause"];
    },

    speed(ms) {
      return ms;
    },
  };

  /* Keys assets/scrub.js leaves to the slider (Home, End, Page Up/Down) move its handle in the task of the key
   * press; Dash runs the callbacks the value triggers (showDate among them) later, with every other view's.
   * Following the handle draws the new date in the next frame; showDate covers the address. */
  new MutationObserver((records) => {
    for (const record of records) {
      const index = Number(record.target.getAttribute("aria-valuenow"));
      if (record.target.closest("#date-slider") && validIndex(index) && !superseded(index)) show(index);
    }
  }).observe(document.documentElement, { subtree: true, attributes: true, attributeFilter: ["aria-valuenow"] });

  /* For assets/scrub.js, which takes every input that moves the date: draw date `index` now (the next frame
   * shows it), without Dash. False until the map data is loaded. */
  window.dashboardDraw = (index) => {
    if (!validIndex(index)) return false;
    show(index);
    return true;
  };

  /* Arrow keys step and space plays anywhere on the page, except where they already mean something. */
  document.addEventListener("keydown", (event) => {
    const target = event.target;
    if (event.altKey || event.ctrlKey || event.metaKey) return;
    if (target.closest("input, textarea, select, [role=slider], [role=combobox], .dash-dropdown")) return;
    const button = { ArrowLeft: "step-prev", ArrowRight: "step-next", " ": "play" }[event.key];
    if (!button || (event.key === " " && target.closest("button"))) return;
    event.preventDefault();
    document.getElementById(button).click();
  });

  window.dash_clientside = Object.assign({}, window.dash_clientside, { dashboardMap });
})();
