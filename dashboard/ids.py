"""Component ids shared by layout, callbacks, assets/map.js and the browser tests."""

URL = "url"
NOTICE = "notice"
MAP = "map"
MAP_BOX = "map-box"  # the map's box, on the page before plotly.js has loaded: the poster is drawn over it
KEY_TOGGLE = "map-key-toggle"  # shows and hides the key on phones (assets/ui-access.js)
MAP_KEY = "map-key"  # the map's key (date, each faction's share, claimed ground); map.js updates it
DATA_URL = "data-url"  # store: the content-hashed URL of every date's map data
SLIDER = "date-slider"
DATE_LABEL = "date-label"
DATE_NOTE = "date-note"  # what happened on a key date, beside the date label (assets/ui-access.js)
ANNOUNCE = "announce"  # the polite live region: date, shares, selected place (assets/ui-access.js)
TABLE_VIEW = "table-view"  # the table view's content (assets/ui-access.js)
PREV = "step-prev"
NEXT = "step-next"
PLAY = "play"
SPEED = "play-speed"
TICKER = "play-ticker"
SEARCH = "place-search"
PLACE = "place"  # store: the selected place id, or None
PANEL = "place-panel"
PANEL_HEAD = "place-panel-head"
PANEL_BODY = "place-panel-body"
PANEL_HOLDER = "place-panel-holder"
PANEL_CLOSE = "place-panel-close"
LANG_SWITCH = "lang-switch"  # EN | عربي (map.js keeps the address's date, place and view when it is followed)

# Territory analytics (analytics_layout.py, analytics_callbacks.py, assets/analytics.js)
ANALYTICS_URL = "analytics-url"  # store: the content-hashed URL of every date's and date pair's analytics
AREA_CHART = "area-chart"
POPULATION_CHART = "population-chart"
GOVERNORATE_TITLE = "governorate-title"
GOVERNORATE_TABLE = "governorate-table"
CHANGES_MODE = "changes-mode"  # off | day (since the day before) | first (since the first date) | date
CHANGES_SINCE = "changes-since"  # the date for mode "date"
SIDE_BY_SIDE = "side-by-side"
CHANGES_PANEL = "changes-panel"
CHANGES_TITLE = "changes-title"
CHANGES_SUMMARY = "changes-summary"
CHANGES_LIST = "changes-list"
COMPARE = "compare"  # the second map's frame
COMPARE_LABEL = "compare-label"
COMPARE_MAP = "compare-map"
DOWNLOAD_DAY = "download-day"  # its links: download-day-<kind>
DOWNLOAD_DAY_LABEL = "download-day-label"

# Embed / share panel (embed.py, assets/embed.js)
SHARE = "share"
SHARE_DATA = "share-data"  # store: dates, titles and text alternatives for the links and the iframe snippet
SHARE_LINK = "share-link"
SHARE_SNIPPET = "share-snippet"
SHARE_DOWNLOAD = "share-download"  # its links: share-download-<format>

# Elements outside Dash's layout, shared with assets/*.js through assets/constants.js
MAP_DATA = "map-data"  # the app page's preload link to the map data (app.py)
PAGE_SHELL = "page-shell"  # the page as static HTML, until React has drawn it (shell.py, assets/map.js)
EMBED_DATA = "embed-data"  # the /embed page's figure and texts (embed.py, assets/embed.js)
EMBED_ALT = "alt"  # the /embed page's text alternative
EMBED_HOLDER = "holder-badge"  # the /embed page's holder badge
EMBED_VEIL = "map-veil"  # on touch screens, over the /embed map until tapped (one finger scrolls the article)
