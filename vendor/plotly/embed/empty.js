/* Stands in for MapLibre's stylesheet, which plotly.js adds only for `map` subplots: the embed draws `geo`. */
