"""The map's look: colours, opacities, sizes, the claimed-ground hatch, the change overlay, the label font and the
offline base map. The map spec (render/spec.py) puts these into its layers; no renderer uses them otherwise.

Pure: imports neither dash nor plotly.
"""

from __future__ import annotations

from typing import Any

from dashboard.model import GeoJSON

ZONE_OPACITY = 0.5
MARKER_OPACITY = 0.7
# Villages (1,400+) are left off the map: their dots hid the towns, and a click on a town picked the
# village next to it. They are found by search, which opens their panel.
MARKER_KINDS = frozenset({"city", "town", "airbase", "military_site", "hill", "crossing", "district"})
LABEL_KINDS = frozenset({"city"})
LABEL_FONT = "Noto Sans, Noto Sans Arabic, DejaVu Sans, sans-serif"
# The live map draws Arabic labels from a font the app serves (scripts/make_label_font.py): MapLibre shapes the
# names into Arabic presentation forms and renders each glyph from this file in the browser, with no glyph server.
LABEL_FONT_FACES = {
    "Noto Sans Arabic": [
        {
            "url": "/assets/fonts/noto-sans-arabic-labels.woff2",
            "unicode-range": ["U+0600-06FF", "U+FB50-FDFF", "U+FE70-FEFF"],
        }
    ]
}
LABEL_SIZE = 13
LABEL_COLOUR = "#1d1d1d"
HALO_COLOUR = "#ffffff"
HALO_PX = 3  # the white halo's diameter beyond its marker's
SEA = "#d4e3ec"
# Where the zone fills go among the base layers: above land and water, below borders and roads.
ZONES_BELOW = "governorates"
CENTER = {"lat": 35.0, "lon": 38.5}
ZOOM = 5.6
FOCUS_ZOOM = 7  # the least zoom a jump to a place goes to
REACH_PX = 4  # a marker is picked this many CSS px beyond its circle (a finger's reach); the nearest centre wins
KEY_PLACES = ("aleppo", "hama", "homs", "damascus")
HATCH = "claimed-hatch"
# Ground whose latest change is only claimed: hatched; where the renderer has patterns (MapLibre, canvas) as this
# tile, where it has none (Plotly) as the same stripes drawn as lines clipped to the ground.
CLAIMED_HATCH = {
    "size": 8,
    "width": 1.6,
    "stripes": [{"colour": "rgba(20,20,20,0.7)", "offset": 0.0}, {"colour": "rgba(255,255,255,0.8)", "offset": 0.5}],
}
CLAIMED_OUTLINE = "#333333"
# Ground that changed hands since another date (the analytics overlay): stripes in the new holder's colour.
CHANGES = {
    "casing": {"colour": "#111111", "width": 3.5},
    "line": {"width": 2},
    "hatch": {"size": 8, "stripe": 3, "veil": [255, 255, 255, 90]},
    "highlight": {"radius": 16, "halo": {"colour": "#ffffff", "width": 6}, "ring": {"colour": "#111111", "width": 3}},
}
NO_COLOUR = "#000000"


DARK_INK, LIGHT_INK = "#111111", "#ffffff"


def luminance(colour: str) -> float:
    """WCAG 2.1 relative luminance of #rrggbb."""
    channels = (int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5))
    r, g, b = (c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    """WCAG 2.1 contrast ratio of two #rrggbb colours (1 to 21)."""
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def ink(colour: str) -> str:
    """Black or white text on `colour` (#rrggbb), whichever has the higher WCAG contrast ratio: the holder badge,
    the map's labels and the browser's copies of both (render/browser.py) all take this one rule."""
    return DARK_INK if contrast(colour, DARK_INK) >= contrast(colour, LIGHT_INK) else LIGHT_INK


def translucent(colour: str, alpha: float) -> str:
    """#rrggbb at `alpha`, as CSS rgba()."""
    r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgba({r},{g},{b},{alpha})"


def offline_style(base_layers: dict[str, GeoJSON]) -> dict[str, Any]:
    """A MapLibre style with every source inline: no tiles, sprites or glyph URLs.

    Without a `glyphs` URL MapLibre draws label glyphs locally from the browser's fonts.
    """
    sources = {name: {"type": "geojson", "data": data} for name, data in base_layers.items()}

    def layer(source: str, kind: str, paint: dict[str, Any], layer_id: str | None = None) -> dict[str, Any]:
        return {"id": layer_id or source, "type": kind, "source": source, "paint": paint}

    layers = [
        {"id": "background", "type": "background", "paint": {"background-color": SEA}},
        layer("neighbours", "fill", {"fill-color": "#ecebe6", "fill-outline-color": "#b9b6ad"}),
        layer("country", "fill", {"fill-color": "#fbfaf6"}, "country-fill"),
        layer("disputed", "fill", {"fill-color": "#8c8c8c", "fill-opacity": 0.15}),
        layer("lakes", "fill", {"fill-color": "#a8cbe0"}),
        layer("rivers", "line", {"line-color": "#79aacb", "line-width": 1.4}),
        layer("rivers_gshhg", "line", {"line-color": "#79aacb", "line-width": 0.8}),
        layer("governorates", "line", {"line-color": "#6f6f6f", "line-width": 0.7, "line-dasharray": [3, 2]}),
        layer("highways", "line", {"line-color": "#9a5b2e", "line-width": 1.3, "line-opacity": 0.75}),
        layer(
            "disputed", "line", {"line-color": "#555555", "line-width": 1, "line-dasharray": [1, 1]}, "disputed-line"
        ),
        layer("country", "line", {"line-color": "#2b2b2b", "line-width": 1.6}, "country-line"),
    ]
    drawn = [ly for ly in layers if ly["type"] == "background" or ly["source"] in sources]
    # No fades: a paint change (a date step in map.js) is drawn in one frame, and MapLibre stops there instead
    # of redrawing for 300 ms while every paint property of the changed layers "transitions" to its own value.
    no_fade = {"duration": 0, "delay": 0}
    return {
        "version": 8, "name": "offline", "sources": sources, "layers": drawn, "transition": no_fade,
        "font-faces": LABEL_FONT_FACES,
    }  # fmt: skip


def online_outlines(base_layers: dict[str, GeoJSON]) -> list[tuple[GeoJSON, str, float]]:
    """Over a remote basemap, only the outlines the basemap lacks: (layer, colour, width)."""
    return [
        (base_layers[name], colour, width)
        for name, colour, width in (("governorates", "#6f6f6f", 0.7), ("country", "#2b2b2b", 1.6))
        if name in base_layers
    ]
