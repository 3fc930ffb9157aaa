"""The map spec's named-key contract: what `render.spec.map_spec` returns and every renderer reads. Plain
TypedDicts of JSON values: the same keys reach the browser (render/browser.py), no positional arrays."""

from __future__ import annotations

from typing import Any, Literal, NotRequired, TypedDict

from dashboard.model import GeoJSON

Kind = Literal["zone", "claimed"]
Role = Literal["date", "once", "figure"]


class Layer(TypedDict):
    """A style layer. `role`: "date" layers change with the date (the live map shows a date by setting their
    `opacity` property from 0 to its value in `paint`), "once" layers are the same on every date, "figure"
    layers are drawn by the live figure itself (the place labels) and by the poster from here.
    `under`: "zones" (under the base layer `below`) or "places" (under the place markers' hover targets)."""

    id: str
    type: Literal["fill", "line", "circle", "symbol"]
    source: Literal["zones", "markers"]
    paint: dict[str, Any]
    layout: NotRequired[dict[str, Any]]
    filter: NotRequired[list[Any]]
    opacity: str
    role: Role
    under: Literal["zones", "places"]


class LegendEntry(TypedDict):
    faction: str
    label: str
    colour: str
    swatch: str  # the colour as the map draws it (at the zones' opacity), CSS rgba()
    ink: str  # text colour that reads on `colour`
    area_km2: float
    share: float  # of the mapped area
    claimed_km2: float  # of its ground, the part whose latest change is only claimed
    text: str  # the entry as written: label · share
    hover: list[str]  # the lines shown on hovering its zone


class Legend(TypedDict):
    title: str
    entries: list[LegendEntry]
    claimed: str  # the claimed-ground entry


class Focus(TypedDict):
    id: str
    name: str
    lon: float
    lat: float
    zoom: float


class View(TypedDict):
    bounds: list[list[float]] | None  # [[west, south], [east, north]] of the country
    center: dict[str, float]
    zoom: float


class MapSpec(TypedDict):
    date: str
    base: dict[str, Any]  # the offline base map as a MapLibre style (sources inline)
    lang: str
    title: str
    as_of: str
    background: str
    below: str
    layers: list[Layer]
    images: dict[str, Any]  # patterns by name (the claimed-ground hatch)
    zones: GeoJSON  # the date's zones and claimed ground: kind, faction, confidence, area_km2, title, detail
    markers: GeoJSON  # the shown places: id, r, name, ar, label, text, holder, hover
    legend: Legend
    claimed_style: dict[str, Any]
    changes_style: dict[str, Any]
    attribution: list[str]
    view: View
    focus: Focus | None
    since: str | None
    key_dates: dict[str, str]
