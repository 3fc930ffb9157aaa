"""assets/constants.js: the names Python and the browser share (component ids, layer and source ids, download
paths, frame timing), written from `dashboard.ids` and the map spec so that no script spells them itself.

`python -m dashboard.render.constants` writes the file; tests/test_constants.py fails when it is not current.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from dashboard import ids
from dashboard.config import PROJECT_ROOT
from dashboard.render import browser, replay, style
from dashboard.render import spec as map_spec

TARGET = PROJECT_ROOT / "assets" / "constants.js"
HEADER = "/* Generated from dashboard/ids.py and the map spec by `python -m dashboard.render.constants`: do not edit */"


def constants() -> dict[str, Any]:
    from dashboard import embed, routes  # noqa: PLC0415  (they import the web stack)

    return {
        "ids": {name: value for name, value in vars(ids).items() if name.isupper() and isinstance(value, str)},
        "layers": {
            "markersSource": browser.MARKERS_SOURCE,
            "datePrefix": browser.DATE_PREFIX,
            "datesSource": browser.DATES_SOURCE,
            "dayKey": browser.DAY_KEY,
            "halo": browser.ONCE_PREFIX + "halo",
            "plotlyPrefix": "plotly-",  # plotly.js's own layer ids: ours go under them
            "changes": "analytics-changes",
            "highlight": "analytics-highlight",
            "zones": "zones",
            "claimed": "claimed",
            "markers": "markers",
        },
        "under": {"zones": "zones", "places": "places"},  # a spec layer's `under`: see render.spec.Layer
        "downloads": {
            "day": routes.DOWNLOAD_PATH,
            "formats": list(embed.DOWNLOADS),
            "export": embed.EXPORT_PREFIX,
            "heightMessage": embed.HEIGHT_MESSAGE,
        },
        "defaultColour": map_spec.NO_COLOUR,
        "frameMs": replay.FRAME_MS,
        "focusZoom": map_spec.FOCUS_ZOOM,
        "reachPx": style.REACH_PX,
    }


def source() -> str:
    body = json.dumps(constants(), indent=2, ensure_ascii=False)
    return f"{HEADER}\nwindow.dashboardConstants = Object.freeze({body});\n"


def write(target: Path = TARGET) -> None:
    target.write_text(source(), encoding="utf-8")


if __name__ == "__main__":
    write()
