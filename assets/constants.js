/* Generated from dashboard/ids.py and the map spec by `python -m dashboard.render.constants`: do not edit */
window.dashboardConstants = Object.freeze({
  "ids": {
    "URL": "url",
    "NOTICE": "notice",
    "MAP": "map",
    "MAP_KEY": "map-key",
    "DATA_URL": "data-url",
    "SLIDER": "date-slider",
    "DATE_LABEL": "date-label",
    "PREV": "step-prev",
    "NEXT": "step-next",
    "PLAY": "play",
    "SPEED": "play-speed",
    "TICKER": "play-ticker",
    "SEARCH": "place-search",
    "PLACE": "place",
    "PANEL": "place-panel",
    "PANEL_HEAD": "place-panel-head",
    "PANEL_BODY": "place-panel-body",
    "PANEL_HOLDER": "place-panel-holder",
    "PANEL_CLOSE": "place-panel-close",
    "ANALYTICS_URL": "analytics-url",
    "AREA_CHART": "area-chart",
    "POPULATION_CHART": "population-chart",
    "GOVERNORATE_TITLE": "governorate-title",
    "GOVERNORATE_TABLE": "governorate-table",
    "CHANGES_MODE": "changes-mode",
    "CHANGES_SINCE": "changes-since",
    "SIDE_BY_SIDE": "side-by-side",
    "CHANGES_PANEL": "changes-panel",
    "CHANGES_TITLE": "changes-title",
    "CHANGES_SUMMARY": "changes-summary",
    "CHANGES_LIST": "changes-list",
    "COMPARE": "compare",
    "COMPARE_LABEL": "compare-label",
    "COMPARE_MAP": "compare-map",
    "DOWNLOAD_DAY": "download-day",
    "DOWNLOAD_DAY_LABEL": "download-day-label",
    "SHARE": "share",
    "SHARE_DATA": "share-data",
    "SHARE_LINK": "share-link",
    "SHARE_SNIPPET": "share-snippet",
    "SHARE_DOWNLOAD": "share-download",
    "MAP_DATA": "map-data",
    "EMBED_DATA": "embed-data",
    "EMBED_ALT": "alt",
    "EMBED_HOLDER": "holder-badge"
  },
  "layers": {
    "markersSource": "dates-markers",
    "datePrefix": "date-",
    "halo": "dates-halo",
    "plotlyPrefix": "plotly-",
    "changes": "analytics-changes",
    "highlight": "analytics-highlight",
    "zones": "zones",
    "claimed": "claimed",
    "markers": "markers"
  },
  "under": {
    "zones": "zones",
    "places": "places"
  },
  "downloads": {
    "day": "/download/{scope}/{kind}.{ext}",
    "formats": [
      "png",
      "svg",
      "pdf",
      "gif",
      "html"
    ],
    "export": "/export/",
    "heightMessage": "syria-map-height"
  },
  "defaultColour": "#000000",
  "text": {
    "play": "▶ Play",
    "pause": "❚❚ Pause"
  },
  "frameMs": 900,
  "focusZoom": 7
});
