/* In-page instrumentation for bench/scrub.py, installed before any page script runs.
 *
 * It listens to what the browser really does: Plotly's `plotly_afterplot` on the graph div and
 * MapLibre's `render` (a frame was drawn) and `idle` (nothing left to draw) on the map behind it
 * (gd._fullLayout.map._subplot.map, hooked again whenever a new figure brings a new map). A
 * measurement is "armed" with what the next frame must show; it starts at the keydown's own
 * timestamp and ends at the first `idle` at which MapLibre's rendered features at the probe points
 * are the expected factions (an `idle` that still shows the old date is recorded as early, not
 * taken). During the torn-frame pass every drawn frame's pixels at the sample points are read back
 * from the WebGL drawing buffer inside the `render` event, before the browser composites it.
 */
(() => {
  if (window.__bench) return;
  // Zone fills: the naive app's Plotly traces, or the app's layers of the date drawn (assets/map.js:
  // date-<YYYY-MM-DD>-zones, one per date, drawn when their opacity is above 0, faction in each feature).
  const PREFIX = "plotly-trace-layer-zone-";
  const SUFFIX = "-fill";
  const DATE_ZONES = /^date-\d{4}-\d{2}-\d{2}-zones$/;
  const B = {
    coldPoster: null, // the app's first paint (assets/poster.js) handed on to the compositor (2 rAF)
    coldZones: null, // first frame with zone features drawn and every tile loaded
    coldIdle: null, // first idle after that
    lastRender: null,
    renders: 0,
    plots: 0,
    maps: 0,
    armed: null,
    result: null,
    pixels: null, // canvas pixels read on every frame (torn-frame pass only)
    lastPx: null,
    waiters: [],
  };
  window.__bench = B;

  function graph() {
    const gd = document.querySelector("#map .js-plotly-plot");
    const map = gd && gd._fullLayout && gd._fullLayout.map;
    return [gd, map && map._subplot && map._subplot.map];
  }
  B.map = () => graph()[1];

  /* The zone fills MapLibre draws now, as [layer id, faction or null]: Plotly's trace layers
   * (plotly-trace-layer-zone-<faction>-fill: the naive app, and the figure as map_figure draws it) and
   * assets/map.js's per-date layers (date-<YYYY-MM-DD>-zones, faction in each feature), which are drawn
   * when the opacity MapLibre paints them with is above 0. */
  const OPACITY = { fill: "fill-opacity", line: "line-opacity", circle: "circle-opacity" };
  function zoneLayers(map) {
    const out = [];
    for (const id of map.getLayersOrder()) {
      let faction;
      if (id.startsWith(PREFIX) && id.endsWith(SUFFIX)) faction = id.slice(PREFIX.length, -SUFFIX.length);
      else if (/^date-\d{4}-\d{2}-\d{2}-zones$/.test(id)) faction = null;
      else continue;
      const layer = map.getLayer(id);
      if (layer.visibility === "none") continue;
      const opacity = layer.paint.get(OPACITY[layer.type]);
      if (opacity && typeof opacity.constantOr === "function" && opacity.constantOr(1) <= 0) continue;
      out.push([id, faction]);
    }
    return out;
  }

  function factionsAt(map, layers, point) {
    const byLayer = Object.fromEntries(layers);
    return map
      .queryRenderedFeatures(point, { layers: layers.map(([id]) => id) })
      .map((f) => byLayer[f.layer.id] || (f.properties && f.properties.faction) || "?");
  }

  /* The factions whose zone MapLibre has drawn at each [lon, lat] (rendered features, not the figure). */
  B.probe = (map, points) => {
    const layers = zoneLayers(map);
    return points.map(([lon, lat]) => factionsAt(map, layers, map.project([lon, lat])).sort().join("+"));
  };

  const same = (a, b) => a.length === b.length && a.every((v, i) => v === b[i]);

  function readPixels(map) {
    const gl = map.painter.context.gl;
    if (gl.getParameter(gl.FRAMEBUFFER_BINDING) !== null) return null;
    const h = gl.drawingBufferHeight;
    const buf = new Uint8Array(4);
    return B.pixels.map(([x, y]) => {
      gl.readPixels(x, h - 1 - y, 1, 1, gl.RGBA, gl.UNSIGNED_BYTE, buf);
      return [buf[0], buf[1], buf[2]];
    });
  }

  /* The app's poster is drawn in the task that inserts it; two animation frames later the frame showing it has
   * been handed on to the compositor (as for a step's "frame passed on"). */
  new MutationObserver((records, observer) => {
    if (!document.querySelector("canvas.map-poster")) return;
    observer.disconnect();
    requestAnimationFrame(() =>
      requestAnimationFrame(() => {
        B.coldPoster = performance.now();
      }),
    );
  }).observe(document, { childList: true, subtree: true });

  function onRender(map) {
    const now = performance.now();
    B.renders += 1;
    B.lastRender = now;
    if (B.coldZones === null && map.areTilesLoaded()) {
      const layers = zoneLayers(map);
      if (layers.length && factionsAt(map, layers, undefined).length) B.coldZones = now;
    }
    const px = B.pixels ? readPixels(map) : null;
    if (px) B.lastPx = px;
    const a = B.armed;
    if (!a || a.t0 === null) return;
    a.renders += 1;
    if (a.firstRender === null) a.firstRender = now;
    if (px) a.frames.push({ t: now, px });
    if (a.expect && a.firstNew === null && map.areTilesLoaded() && same(B.probe(map, a.probes), a.expect)) {
      a.firstNew = now;
    }
    /* Two animation frames after the frame that completes the measurement: it has been handed on to
     * the compositor (the renderer does not begin a frame while the GPU still owes the previous one). */
    if ((a.expect ? a.firstNew : a.firstRender) !== null && !a.presenting) {
      a.presenting = true;
      requestAnimationFrame(() =>
        requestAnimationFrame(() => {
          a.presented = performance.now();
          finish(a);
        }),
      );
    }
  }

  function finish(a) {
    if (a.idle === null || a.presented === null || B.result === a) return;
    if (B.armed === a) B.armed = null;
    B.result = a;
    for (const resolve of B.waiters.splice(0)) resolve(a);
  }

  function onIdle(map) {
    const now = performance.now();
    if (B.coldIdle === null && B.coldZones !== null) B.coldIdle = now;
    const a = B.armed;
    if (!a || a.t0 === null || a.renders === 0) return;
    if (a.expect) {
      const got = B.probe(map, a.probes);
      if (!same(got, a.expect)) {
        a.earlyIdles.push({ t: now, got });
        return;
      }
    }
    if (a.idle !== null) return;
    a.idle = now;
    a.after = B.lastPx;
    finish(a);
  }

  const hooked = new WeakSet();
  function hook() {
    const [gd, map] = graph();
    if (gd && gd.on && !hooked.has(gd)) {
      hooked.add(gd);
      gd.on("plotly_afterplot", () => {
        B.plots += 1;
        const a = B.armed;
        if (a && a.t0 !== null && a.afterplot === null) a.afterplot = performance.now();
        hook();
      });
    }
    if (map && !hooked.has(map)) {
      hooked.add(map);
      B.maps += 1;
      map.on("render", () => onRender(map));
      map.on("idle", () => onIdle(map));
    }
  }
  (function poll() {
    hook();
    if (!B.maps) requestAnimationFrame(poll);
  })();
  function pollWhileArmed() {
    hook();
    if (B.armed) requestAnimationFrame(pollWhileArmed);
  }

  /* spec: {probes: [[lon, lat]], expect: [faction], pan: dx or 0, on: the input events that start the clock
   * (keydown by default; pointerdown, pointermove, touchstart for the pointer paths)}. */
  B.arm = (spec) => {
    B.result = null;
    B.armed = {
      on: spec.on || ["keydown"],
      probes: spec.probes || [],
      expect: spec.expect || null,
      pan: spec.pan || 0,
      t0: null,
      afterplot: null,
      firstRender: null,
      firstNew: null,
      idle: null,
      presenting: false,
      presented: null,
      renders: 0,
      earlyIdles: [],
      frames: [],
      before: B.lastPx,
      after: null,
    };
  };

  /* Resolves with the armed measurement once it has ended (or with timedOut after `ms`). */
  B.wait = (ms) =>
    B.result
      ? Promise.resolve(B.result)
      : new Promise((resolve) => {
          B.waiters.push(resolve);
          setTimeout(() => resolve({ ...B.armed, timedOut: true }), ms);
        });

  /* The measurement starts at the key press's own timestamp. F9 is the benchmark's: a one-pixel pan. */
  function start(event) {
    const a = B.armed;
    if (!a || a.t0 !== null || !a.on.includes(event.type)) return;
    a.t0 = event.timeStamp;
    a.startedBy = event.type;
    if (event.key === "F9" && a.pan) B.map().panBy([a.pan, 0], { animate: false });
    pollWhileArmed();
  }
  for (const type of ["keydown", "pointerdown", "pointermove", "touchstart"]) window.addEventListener(type, start, true);

  /* Resolves once nothing has been drawn for `ms`, and the map is idle. */
  B.quiet = (ms) =>
    new Promise((resolve) => {
      const check = () => {
        const map = B.map();
        const last = B.lastRender === null ? 0 : B.lastRender;
        if (map && map.loaded() && performance.now() - last >= ms) resolve(B.lastRender);
        else setTimeout(check, 50);
      };
      check();
    });

  /* Start reading `pixels` ([x, y] in canvas pixels) on every frame; resolves with a fresh frame's pixels. */
  B.sample = (pixels) =>
    new Promise((resolve) => {
      B.pixels = pixels;
      const map = B.map();
      map.once("render", () => setTimeout(() => resolve(B.lastPx), 0));
      map.triggerRepaint();
    });

  /* Where points land on the page: canvas pixels and page pixels, or null where a sample would not
   * show the zones (off the canvas, under the legend or an annotation, under a city's label). */
  B.locate = ({ points, labels }) => {
    const map = B.map();
    const canvas = map.getCanvas();
    const box = canvas.getBoundingClientRect();
    const scale = canvas.width / box.width;
    const gd = graph()[0];
    const covers = [
      ...gd.querySelectorAll(".legend, .annotation, .modebar, .maplibregl-ctrl"),
      ...document.querySelectorAll("#map-key, .map-tip, .panel:not([hidden]), .controls, .topbar, #area-chart"),
    ].map((el) => el.getBoundingClientRect());
    const labelBoxes = labels.map(([lon, lat, chars]) => {
      const p = map.project([lon, lat]);
      return { left: p.x - 6, right: p.x + 16 + 9 * chars, top: p.y - 30, bottom: p.y + 8 };
    });
    const pad = 6;
    return points.map(([lon, lat]) => {
      const p = map.project([lon, lat]);
      const x = box.left + p.x;
      const y = box.top + p.y;
      if (p.x < pad || p.y < pad || p.x > box.width - pad || p.y > box.height - pad) return null;
      if (x < pad || y < pad || x > window.innerWidth - pad || y > window.innerHeight - pad) return null;
      if (covers.some((r) => x > r.left - pad && x < r.right + pad && y > r.top - pad && y < r.bottom + pad)) {
        return null;
      }
      if (labelBoxes.some((r) => p.x > r.left && p.x < r.right && p.y > r.top && p.y < r.bottom)) return null;
      return { canvas: [Math.round(p.x * scale), Math.round(p.y * scale)], page: [Math.round(x), Math.round(y)] };
    });
  };
})();
