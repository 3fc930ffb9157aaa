"""Plain, frozen data types shared by every layer. No I/O, no dash, no plotly."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal

Confidence = Literal["confirmed", "reported", "claimed", "inferred"]
CONFIDENCES: tuple[Confidence, ...] = ("confirmed", "reported", "claimed")  # what a sourced row may say
INFERRED: Confidence = "inferred"  # only the build gives it: a place that follows a neighbour, citing no source

GeoJSON = dict[str, Any]


@dataclass(frozen=True)
class Faction:
    id: str
    label: str
    label_ar: str
    colour: str
    order: int
    description: str = ""

    def label_in(self, lang: str) -> str:
        return self.label_ar if lang == "ar" else self.label


@dataclass(frozen=True)
class Place:
    id: str
    name_en: str
    name_ar: str
    lat: float
    lon: float
    kind: str
    governorate: str
    population: int | None
    baseline_holder: str
    coord_source: str = ""
    note: str = ""
    follows: str = ""  # id of the neighbour whose changes of hands this place takes (inferred, unsourced)


@dataclass(frozen=True)
class Event:
    """A change of hands at one place: from events.csv, from an area event, or inferred from a neighbour."""

    date: date
    place_id: str
    holder: str
    confidence: Confidence
    source_url: str
    source_title: str
    note: str = ""
    evidence: str = ""  # where the source names the place (or the area containing it) and the change
    area: str = ""  # the area event that moved the place, if one did
    inferred_from: str = ""  # the neighbour (place id) it followed, if inferred
    corroboration: str = ""  # a second source's URL


@dataclass(frozen=True)
class AreaEvent:
    """A change of hands reported for an area: every control point inside it whose holder the day before is in
    `from_holders` (any holder if empty) passes to `holder`."""

    date: date
    area: str  # a governorate name or areas/<file>.geojson
    from_holders: tuple[str, ...]
    holder: str
    confidence: Confidence
    source_url: str
    source_title: str
    evidence: str
    note: str = ""
    corroboration: str = ""


@dataclass(frozen=True)
class Source:
    title: str
    url: str


@dataclass(frozen=True)
class Summary:
    place_id: str
    text: str
    sources: tuple[Source, ...]
    text_ar: str = ""  # the summary in Arabic, written apart (not a translation of `text`)
    sources_ar: tuple[Source, ...] = ()  # Arabic-language reports, shown after `sources` in Arabic

    def in_lang(self, lang: str) -> tuple[str, tuple[Source, ...]]:
        """The text and the sources a page in `lang` shows: in Arabic, the Arabic text (if written) with the
        Arabic-language sources first, then the others."""
        if lang == "ar" and self.text_ar:
            return self.text_ar, (*self.sources_ar, *self.sources)
        return self.text, self.sources


@dataclass(frozen=True)
class Override:
    """A hand-drawn polygon that wins over derived zones from `date` on."""

    date: date
    faction: str
    geometry: Any  # shapely Polygon/MultiPolygon, WGS84
    label: str  # "<file>#<feature index>" for messages


@dataclass(frozen=True)
class Timeline:
    """The validated analyst input: everything `build` needs besides geometry."""

    factions: tuple[Faction, ...]
    places: tuple[Place, ...]
    events: tuple[Event, ...]  # every change of hands: sourced rows, area events applied, inferred ones
    baseline: date
    area_events: tuple[AreaEvent, ...] = ()

    @property
    def faction_ids(self) -> tuple[str, ...]:
        return tuple(f.id for f in self.factions)


@dataclass(frozen=True)
class Atlas:
    """Everything the app shows, loaded and validated once at start-up."""

    timeline: Timeline
    dates: tuple[date, ...]
    zones: dict[date, GeoJSON]  # one FeatureCollection per date, as built
    base_layers: dict[str, GeoJSON]
    summaries: dict[str, Summary] = field(default_factory=dict)
    attribution: str = ""
    claimed: dict[date, GeoJSON] = field(default_factory=dict)  # per date: ground whose latest change is claimed
    as_of: date | None = None  # when the timeline was last reviewed
    attribution_ar: str = ""  # the attribution in Arabic (English where empty)

    def attribution_in(self, lang: str) -> str:
        return self.attribution_ar if lang == "ar" and self.attribution_ar else self.attribution
