/* plotly.js for /embed: src/core.js of the plotly.js package with only what the embed's figures use (scattergeo
 * and choropleth traces on a geo subplot, hover, the legend's groups, the mode bar) and none of the components they
 * never use (annotations, images, menus, sliders, range sliders and selectors, selections, error bars):
 * 0.33 MB with brotli against the package geo bundle's 0.38 MB. Built by vendor/plotly/fetch.sh (build.js). */
"use strict";

exports.version = require("plotly.js/src/version").version;

require("native-promise-only");
require("plotly.js/build/plotcss");

const Registry = require("plotly.js/src/registry");
const register = (exports.register = Registry.register);

const plotApi = require("plotly.js/src/plot_api");
for (const name of Object.keys(plotApi)) {
  if (name.charAt(0) !== "_") exports[name] = plotApi[name];
  register({ moduleType: "apiMethod", name, fn: plotApi[name] });
}

register(require("plotly.js/src/traces/scatter"));
register([
  require("plotly.js/src/components/shapes"), // the legend lists shapes: its defaults read them
  require("plotly.js/src/components/grid"),
  require("plotly.js/src/components/colorscale"),
  require("plotly.js/src/components/colorbar"),
  require("plotly.js/src/components/legend"),
  require("plotly.js/src/components/fx"),
  require("plotly.js/src/components/modebar"),
]);
register([require("plotly.js/src/locale-en"), require("plotly.js/src/locale-en-us")]);
register([require("plotly.js/lib/scattergeo"), require("plotly.js/lib/choropleth")]);

exports.Icons = require("plotly.js/src/fonts/ploticon");
