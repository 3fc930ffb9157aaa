/* The date slider's hot path, in the browser.
 *
 * Every date's map update arrives once (a content-hashed JSON URL, cached for good). A date step
 * applies that date's update (figures.date_update) to the graph already on screen with one
 * Plotly.update call: no server round trip, no new figure, the base map untouched. When a step
 * lands, #map gets data-map-date=<date> after MapLibre has drawn it ('idle'): tests and the
 * benchmark wait on that.
 *
 * Plotly internals read here (plotly.js 4.1): gd._fullLayout.map._subplot.map (the MapLibre map),
 * trace._glTrace (set once a trace is on the map) and gd._resolveResize (a resize in flight).
 */
(function () {
  "use strict";

  let data = null;
  let loading = null;
  let wanted = null;
  let running = false;
  let current = null; // the index of the date the figure holds
  let plots = 0; // plotly_afterplot events seen

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

  /* The graph div, once Dash's Graph has finished its first plot and first resize, with the view
   * fitted to the country (whatever the window's size). */
  let ready = null;
  function graph() {
    if (!ready) {
      ready = new Promise((resolve) => {
        const check = () => {
          const gd = document.querySelector("#map .js-plotly-plot");
          const map = mapOf(gd);
          const settled = map && !gd.classList.contains("dash-graph--pending") && !gd._resolveResize;
          if (settled && map.isStyleLoaded() && gd._fullData.every((trace) => trace._glTrace)) {
            gd.on("plotly_afterplot", afterPlot);
            current = data.dates.indexOf(gd.layout.meta.date);
            resolve(fit(gd, map));
          } else requestAnimationFrame(check);
        };
        check();
      });
    }
    return ready;
  }

  /* Plotly keeps a view only when it thinks the user chose it: a camera move whose event carries an
   * `originalEvent` is stored in the figure's layout (no replot), any other is undone by the next plot. */
  const asUser = { originalEvent: { type: "dashboard" } };

  /* Fit the country beside the legend, whatever the window's size. */
  function fit(gd, map) {
    const legend = gd.querySelector(".legend");
    const left = 24 + (legend ? legend.getBoundingClientRect().width : 0);
    const padding = { top: 56, bottom: 16, right: 16, left };
    if (data.bounds) map.fitBounds(data.bounds, { padding, animate: false }, asUser);
    return gd;
  }

  /* Resolves once MapLibre has finished drawing what it was given. */
  function drawn(gd) {
    const map = mapOf(gd);
    return new Promise((resolve) => {
      map.once("idle", resolve);
      map.triggerRepaint();
    });
  }

  /* JSON has no undefined: null means "leave this trace's attribute alone". */
  function traceUpdate(update) {
    const out = {};
    for (const [key, values] of Object.entries(update)) {
      out[key] = values.map((v) => (v === null ? undefined : v));
    }
    return out;
  }

  /* Apply the latest wanted date; dates asked for while one is drawing are skipped, not queued.
   *
   * A plot that Plotly began before this update (a resize, a relayout) can finish after it and hand
   * MapLibre that older plot's data. Our update makes exactly one plotly_afterplot, so more than one
   * while it runs means another plot finished in between, and one while none runs means another plot
   * finished after it: either way the date is applied again. */
  let forced = false;

  function afterPlot() {
    plots += 1;
    if (!running && current !== null) {
      forced = true;
      if (wanted === null) wanted = current;
      apply();
    }
  }

  async function apply() {
    if (running) return;
    running = true;
    try {
      while (wanted !== null) {
        const i = wanted;
        wanted = null;
        const gd = await graph();
        const update = i !== current || forced;
        const before = plots;
        forced = false;
        if (update) {
          const step = data.updates[i];
          await window.Plotly.update(gd, traceUpdate(step.data), step.layout, data.traces);
        }
        await drawn(gd);
        if (plots - before > (update ? 1 : 0)) {
          forced = true;
          if (wanted === null) wanted = i;
          continue;
        }
        current = i;
        document.getElementById("map").dataset.mapDate = data.dates[i];
      }
    } finally {
      running = false;
    }
  }

  function validIndex(index) {
    return Number.isInteger(index) && data && index >= 0 && index < data.dates.length;
  }

  const noUpdate = () => window.dash_clientside.no_update;

  const dashboardMap = {
    async showDate(index, url) {
      await load(url);
      if (!validIndex(index)) return noUpdate();
      wanted = index;
      apply();
      return data.labels[index];
    },

    async holder(index, place, url) {
      await load(url);
      if (!place || !validIndex(index) || !(place in data.holders[index])) return [noUpdate(), noUpdate()];
      const faction = data.factions[data.holders[index][place]];
      return [faction.label, { backgroundColor: faction.colour, color: faction.ink }];
    },

    async syncAddress(index, place, url) {
      await load(url);
      if (!validIndex(index)) return;
      const params = new URLSearchParams({ date: data.dates[index] });
      if (place) params.set("place", place);
      window.history.replaceState(window.history.state, "", `${window.location.pathname}?${params}`);
    },

    async jumpTo(place, url) {
      await load(url);
      const where = place && data.places[place];
      if (!where) return;
      const map = mapOf(await graph());
      map.jumpTo({ center: [where.lon, where.lat], zoom: Math.max(map.getZoom(), 7) }, asUser);
    },

    step(prev, next, tick, value, max) {
      const trigger = window.dash_clientside.callback_context.triggered_id;
      if (trigger === "step-prev") return [Math.max(0, value - 1), noUpdate(), noUpdate()];
      if (trigger === "step-next") return [Math.min(max, value + 1), noUpdate(), noUpdate()];
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
