/* esbuild, as plotly.js's own esbuild-config.js builds its bundles, with three modules the embed never uses replaced. */
const path = require("path");
const esbuild = require("esbuild");
const { environmentPlugin } = require("esbuild-plugin-environment");

const here = __dirname;
esbuild
  .build({
    entryPoints: [path.join(here, "entry.js")],
    outfile: process.argv[2],
    format: "iife",
    globalName: "Plotly",
    bundle: true,
    minify: true,
    banner: { js: `/* plotly.js (embed - minified) v${process.argv[3]}, MIT licence, Plotly, Inc.; built by vendor/plotly/embed */` },
    plugins: [environmentPlugin({ NODE_DEBUG: false })],
    alias: {
      regl: "@plotly/regl",
      stream: "stream-browserify",
      "maplibre-gl/dist/maplibre-gl.css": path.join(here, "empty.js"),
      "country-iso-search": path.join(here, "country-iso-search.js"),
      "d3-geo-projection": path.join(here, "d3-geo-projection.js"),
    },
    nodePaths: [path.join(process.cwd(), "node_modules")],
    define: { global: "window", "define.amd": "false" },
    target: "es2016",
    logLevel: "warning",
  })
  .catch(() => process.exit(1));
