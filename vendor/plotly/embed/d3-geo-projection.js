/* Stands in for d3-geo-projection, whose projections plotly.js offers beside d3-geo's: the embed's maps are Mercator
 * (dashboard/render/geo.py), which d3-geo has; the rest is a twentieth of the bundle. */
module.exports = {};
