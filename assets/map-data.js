/* The live map, part 1 of 3 (then map-layers.js, map.js): the map data and the MapLibre map.
 *
 * Every date's map arrives once (render/browser.py `browser_data`: a content-hashed JSON URL, cached for good);
 * Plotly draws the view and the places once (figures.live_figure). This part loads the data and finds the
 * MapLibre map behind the graph once Plotly has styled it, with the view fitted to the country beside the key.
 * The three parts share `window.dashboardMapParts` (M) and its `state` (S: the date drawn, the date wanted, the
 * place focused, what the poster shows). Names shared with Python come from assets/constants.js.
 *
 * Plotly internals read here (plotly.js 4.1): gd._fullLayout.map._subplot.map (the MapLibre map),
 * trace._glTrace (set once a trace is on the map), gd._resolveResize (a resize in flight).
 */
(function () {
  "use strict";

  const C = window.dashboardConstants;
  const ID = C.ids;
  const M = (window.dashboardMapParts = window.dashboardMapParts || {});
  // What the parts share: the index of the date the map draws (`shown`) and of the latest date asked for
  // (`wanted`), the place the view jumps to (`focus`), the date and focus the poster shows (`posterDrawn`).
  M.state = M.state || { shown: null, wanted: null, focus: null, posterDrawn: null };
  M.data = M.data || null;

  const plot = () => document.querySelector(`#${ID.MAP} .js-plotly-plot`);
  let loading = null;

  function load(url) {
    if (!loading) {
      loading = fetch(url)
        .then((r) => {
          if (!r.ok) throw new Error(`map data: HTTP ${r.status}`);
          return r.json();
        })
        .then((d) => (M.data = d));
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
                gd.on("plotly_afterplot", () => M.redraw());
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

  /* The room left around the country when the view is fitted, beside the key. */
  function padding() {
    const key = document.getElementById(ID.MAP_KEY);
    const beside = 24 + (key ? key.getBoundingClientRect().width : 0); // the key's side: right in Arabic
    return document.documentElement.dir === "rtl"
      ? { top: 56, bottom: 16, left: 16, right: beside }
      : { top: 56, bottom: 16, right: 16, left: beside };
  }

  /* Fit the country beside the key, whatever the window's size. */
  let fitted = [0, 0]; // the map's size when it was fitted
  function fit(map) {
    fitted = [map.getCanvas().clientWidth, map.getCanvas().clientHeight];
    if (M.data.bounds) map.fitBounds(M.data.bounds, { padding: padding(), animate: false }, asUser);
  }


  Object.assign(M, { plot, load, mapOf, styledMap, graph, asUser, padding });
})();
