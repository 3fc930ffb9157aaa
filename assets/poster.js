/* The first paint: the date asked for, drawn on a 2D canvas over the map while plotly.js and MapLibre load
 * (seconds on a slow machine with software WebGL; the map data comes long before).
 *
 * assets/map.js hands it the layers it will put on the MapLibre map, in MapLibre's style language (the base
 * layers, the date's zones and claimed ground, the marker colours), plus the place halos and labels Plotly
 * draws, and the padding it fits the view with. This file draws that subset of the style language (fill, line,
 * circle and text layers; constant paint values, `get`, `match`, `==` and `+`) in the view MapLibre's
 * fitBounds makes (or map.js's jump to a place), so the real map replaces the poster without a jump. map.js draws it
 * again on each date step until the map has drawn a date, then removes it. Until then the poster answers the pointer
 * as the map will: it tells map.js what it drew under a point (`featuresAt`, as MapLibre's queryRenderedFeatures),
 * so hovering and tapping a place work seconds before MapLibre is ready on a slow phone.
 */
(function () {
  "use strict";

  const NO_COLOUR = window.dashboardConstants.defaultColour; // MapLibre's colour where a style gives none

  /* MapLibre's world coordinates (Web Mercator, 0..1 from the antimeridian and from the north). */
  function mercator(lon, lat) {
    const y = 180 - (180 / Math.PI) * Math.log(Math.tan(Math.PI / 4 + (lat * Math.PI) / 360));
    return [(lon + 180) / 360, y / 360];
  }

  /* Where fitBounds(bounds, {padding}) puts [lon, lat] on a width × height map: the bounds' box, scaled to
   * fit the box the padding leaves, centred in it. With a `focus` ({center, zoom}), where a jumpTo from there
   * to that centre, at that zoom or the fitted one if closer, puts it (MapLibre's world is 512 px at zoom 0). */
  function projection(bounds, width, height, padding, focus) {
    const [west, south] = mercator(bounds[0][0], bounds[0][1]);
    const [east, north] = mercator(bounds[1][0], bounds[1][1]);
    const boxWidth = width - padding.left - padding.right;
    const boxHeight = height - padding.top - padding.bottom;
    let scale = Math.min(boxWidth / (east - west), boxHeight / (south - north));
    let x0 = padding.left + (boxWidth - scale * (east - west)) / 2 - scale * west;
    let y0 = padding.top + (boxHeight - scale * (south - north)) / 2 - scale * north;
    if (focus) {
      const [x, y] = mercator(...focus.center);
      scale = Math.max(scale, 512 * 2 ** focus.zoom);
      x0 = width / 2 - scale * x;
      y0 = height / 2 - scale * y;
    }
    return (lon, lat) => {
      const [x, y] = mercator(lon, lat);
      return [x0 + scale * x, y0 + scale * y];
    };
  }

  /* A style expression's value for a feature's properties (a constant, or one of the few operators used). */
  function evaluate(value, props) {
    if (!Array.isArray(value) || typeof value[0] !== "string") return value;
    const [op, ...args] = value;
    if (op === "get") return props[args[0]];
    if (op === "==") return evaluate(args[0], props) === evaluate(args[1], props);
    if (op === "+") return args.reduce((sum, arg) => sum + evaluate(arg, props), 0);
    if (op === "match") {
      const key = evaluate(args[0], props);
      for (let i = 1; i < args.length - 1; i += 2) if (args[i] === key) return args[i + 1];
      return args[args.length - 1];
    }
    throw new Error(`poster: no ${op} expression`);
  }

  /* Adds a geometry's rings or lines to the current path (of a 2D context or a Path2D). */
  function trace(ctx, project, geometry) {
    const line = (coordinates, closed) => {
      coordinates.forEach(([lon, lat], i) => {
        const [x, y] = project(lon, lat);
        if (i) ctx.lineTo(x, y);
        else ctx.moveTo(x, y);
      });
      if (closed) ctx.closePath();
    };
    const c = geometry.coordinates;
    if (geometry.type === "Polygon") c.forEach((ring) => line(ring, true));
    else if (geometry.type === "MultiPolygon") c.forEach((polygon) => polygon.forEach((ring) => line(ring, true)));
    else if (geometry.type === "LineString") line(c, false);
    else if (geometry.type === "MultiLineString") c.forEach((part) => line(part, false));
    else if (geometry.type === "GeometryCollection") geometry.geometries.forEach((g) => trace(ctx, project, g));
  }

  /* Features that share a paint are filled or stroked as one path. */
  function groups(features, paint, keys) {
    const out = new Map();
    for (const feature of features) {
      const props = feature.properties || {};
      const values = keys.map((key) => evaluate(paint[key], props));
      const id = JSON.stringify(values);
      if (!out.has(id)) out.set(id, { values, features: [] });
      out.get(id).features.push(feature);
    }
    return out.values();
  }

  /* An image as MapLibre's addImage takes it ({image, pixelRatio}), repeated at one CSS pixel per image pixel
   * divided by its ratio. */
  function patternOf(ctx, { image, pixelRatio }) {
    const pattern = ctx.createPattern(image, "repeat");
    const scale = 1 / pixelRatio;
    pattern.setTransform(new DOMMatrix([scale, 0, 0, scale, 0, 0]));
    return pattern;
  }

  function stroke(ctx, width, colour, opacity, dashes) {
    ctx.globalAlpha = opacity;
    ctx.lineWidth = width;
    ctx.strokeStyle = colour;
    ctx.setLineDash((dashes || []).map((d) => d * width));
    ctx.stroke();
  }

  const PAINTERS = {
    fill(ctx, project, features, paint, images) {
      const keys = ["fill-color", "fill-opacity", "fill-outline-color", "fill-pattern"];
      for (const { values, features: same } of groups(features, paint, keys)) {
        const [colour, opacity = 1, outline, pattern] = values;
        ctx.beginPath();
        same.forEach((f) => trace(ctx, project, f.geometry));
        ctx.globalAlpha = opacity;
        ctx.fillStyle = pattern ? patternOf(ctx, images[pattern]) : colour || NO_COLOUR;
        ctx.fill("evenodd");
        if (outline) stroke(ctx, 1, outline, opacity);
      }
    },
    line(ctx, project, features, paint) {
      const keys = ["line-color", "line-width", "line-opacity", "line-dasharray"];
      for (const { values, features: same } of groups(features, paint, keys)) {
        const [colour = NO_COLOUR, width = 1, opacity = 1, dashes] = values;
        ctx.beginPath();
        same.forEach((f) => trace(ctx, project, f.geometry));
        stroke(ctx, width, colour, opacity, dashes);
      }
    },
    circle(ctx, project, features, paint) {
      for (const f of features) {
        const props = f.properties || {};
        const [x, y] = project(...f.geometry.coordinates);
        ctx.beginPath();
        ctx.arc(x, y, evaluate(paint["circle-radius"], props), 0, 2 * Math.PI);
        ctx.globalAlpha = evaluate(paint["circle-opacity"] ?? 1, props);
        ctx.fillStyle = evaluate(paint["circle-color"], props);
        ctx.fill();
      }
    },
    /* Point labels: text-field, text-font, text-size, text-color, and text-offset (in ems) from a bottom-left
     * anchor, which is where Plotly puts a "top right" label. MapLibre's anchor is the bottom of a line box
     * 1.2 em high, so the text's top is about 1.2 em below a 2D canvas's "bottom". Like MapLibre, a label that
     * would overlap one already drawn is left out. */
    symbol(ctx, project, features, paint, _images, layout) {
      const size = layout["text-size"];
      const [dx, dy] = layout["text-offset"].map((em) => em * size);
      ctx.globalAlpha = 1;
      ctx.font = `${size}px ${layout["text-font"]}`;
      ctx.fillStyle = paint["text-color"];
      ctx.textBaseline = "top";
      const placed = [];
      for (const f of features) {
        const [x, y] = project(...f.geometry.coordinates);
        const text = evaluate(layout["text-field"], f.properties);
        const top = y + dy + 0.2 * size;
        const box = [x + dx, top, x + dx + ctx.measureText(text).width, top + 1.2 * size];
        if (placed.some((b) => box[0] < b[2] && b[0] < box[2] && box[1] < b[3] && b[1] < box[3])) continue;
        placed.push(box);
        ctx.fillText(text, box[0], box[1]);
      }
    },
  };

  let canvas = null;
  let last = null; // what was drawn, to draw again at a new size
  let drawn = []; // each layer drawn, with its features, for featuresAt

  /* The map's element, watched for a new size (the window, or the place panel opening beside it); looked up each
   * time, in case React has put a new element with the same id in its place. */
  let watched = null;
  const resized = new ResizeObserver(() => {
    const mapEl = element();
    if (canvas && last && mapEl && (mapEl.clientWidth !== last.width || mapEl.clientHeight !== last.height)) {
      show(last.mapId, last);
    }
  });
  function element() {
    const mapEl = last && document.getElementById(last.mapId);
    if (mapEl && mapEl !== watched) {
      resized.disconnect();
      resized.observe(mapEl);
      watched = mapEl;
    }
    return mapEl;
  }

  function place(mapEl) {
    Object.assign(canvas.style, {
      left: `${mapEl.offsetLeft}px`,
      top: `${mapEl.offsetTop}px`,
      width: `${last.width}px`,
      height: `${last.height}px`,
    });
  }

  /* The poster, drawn over an element that has since been replaced by another with its id (React drawing the
   * page over its shell), goes over the new one: drawn again only if its size differs. */
  function follow() {
    const mapEl = element();
    if (!canvas || !mapEl) return;
    mapEl.after(canvas);
    if (mapEl.clientWidth !== last.width || mapEl.clientHeight !== last.height) show(last.mapId, last);
    else place(mapEl);
  }

  /* Draw `layers` (style layers, each with its `source`: a GeoJSON FeatureCollection) over the element `mapId`,
   * in the view fitBounds(bounds, {padding: padding()}) makes, or a jump from there to `focus`; `images` as
   * MapLibre's addImage takes them, by name; `on`: listeners for the poster's pointer events, by event type. */
  function show(mapId, { background, layers, bounds, padding, focus, images, date, on }) {
    last = { mapId, background, layers, bounds, padding, focus, images, date, on };
    const mapEl = element();
    if (!mapEl) return;
    if (!canvas) {
      canvas = document.createElement("canvas");
      canvas.className = "map-poster";
      canvas.setAttribute("aria-hidden", "true");
      for (const [type, listener] of Object.entries(on || {})) canvas.addEventListener(type, listener);
      mapEl.after(canvas);
    }
    const width = mapEl.clientWidth;
    const height = mapEl.clientHeight;
    Object.assign(last, { width, height });
    const ratio = window.devicePixelRatio || 1;
    place(mapEl);
    canvas.width = Math.round(width * ratio);
    canvas.height = Math.round(height * ratio);
    canvas.dataset.date = date;
    const ctx = canvas.getContext("2d");
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    ctx.fillStyle = background;
    ctx.fillRect(0, 0, width, height);
    const project = projection(bounds, width, height, padding(), focus);
    last.project = project;
    drawn = [];
    for (const layer of layers) {
      const features = layer.source.features.filter((f) => !layer.filter || evaluate(layer.filter, f.properties || {}));
      PAINTERS[layer.type](ctx, project, features, layer.paint || {}, images, layer.layout || {});
      drawn.push({ layer, features });
    }
  }

  /* The properties of the features of layer `id` the poster drew under `point` ({x, y}: CSS px from the poster's
   * top left, which is the map's), as MapLibre's queryRenderedFeatures gives them: fills that contain the point,
   * the topmost first; circles within their radius and a few px more (a finger's reach), the nearest first. */
  const REACH = window.dashboardConstants.reachPx;
  function featuresAt(point, id) {
    const layer = canvas && last.project && drawn.find((d) => d.layer.id === id);
    if (!layer) return [];
    const { features, layer: style } = layer;
    const { project } = last;
    if (style.type === "circle") {
      const radius = (f) => evaluate((style.paint || {})["circle-radius"], f.properties || {}) + REACH;
      const distance = (f) => Math.hypot(...project(...f.geometry.coordinates).map((v, i) => v - [point.x, point.y][i]));
      const near = features.map((f) => [distance(f), f]).filter(([d, f]) => d <= radius(f));
      return near.sort((a, b) => a[0] - b[0]).map(([, f]) => f.properties || {});
    }
    if (style.type !== "fill") return [];
    const ctx = canvas.getContext("2d"); // its transform maps CSS px to the canvas's pixels
    const ratio = canvas.width / last.width;
    const inside = features.filter((f) => {
      const path = new Path2D();
      trace(path, project, f.geometry);
      return ctx.isPointInPath(path, point.x * ratio, point.y * ratio, "evenodd");
    });
    return inside.reverse().map((f) => f.properties || {});
  }

  /* Where the poster drew [lon, lat], in the page's CSS px (null with no poster): for tests and the benchmark,
   * which tap a place before the map exists. */
  function pointOf(lon, lat) {
    if (!canvas || !last.project) return null;
    const [x, y] = last.project(lon, lat);
    const box = canvas.getBoundingClientRect();
    return { x: box.left + x, y: box.top + y };
  }

  function remove() {
    if (!canvas) return;
    resized.disconnect();
    watched = null;
    canvas.remove();
    canvas = null;
    last = null;
    drawn = [];
  }

  /* Diagonal stripes on nothing, as the spec's hatch gives them (`size` and `width` in CSS px, each stripe's
   * colour and its offset as a share of the tile): reads as hatched over any faction's colour (claimed ground). */
  function hatch({ size: cssSize, width, stripes }, ratio) {
    const size = cssSize * ratio;
    const tile = document.createElement("canvas");
    tile.width = size;
    tile.height = size;
    const ctx = tile.getContext("2d");
    ctx.lineWidth = width * ratio;
    for (const { colour, offset } of stripes) {
      ctx.strokeStyle = colour;
      ctx.beginPath();
      for (const shift of [-size, 0, size]) {
        // a "/" stripe and its copies one tile left and right, so tiles join without a seam
        ctx.moveTo(shift + offset * size - size, size);
        ctx.lineTo(shift + offset * size + size, -size);
      }
      ctx.stroke();
    }
    return tile;
  }

  window.dashboardPoster = { show, follow, remove, hatch, featuresAt, pointOf };
})();
