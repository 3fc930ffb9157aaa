"""The analytics numbers as the browser reads them: named-key rows (TypedDicts, the contract with
`assets/analytics*.js`), packed once per language into the JSON the page fetches."""

from __future__ import annotations

from datetime import date
from typing import TypedDict

from dashboard import text
from dashboard.analytics import COUNTRY, LIST_LIMIT, Analytics, Region, ground_collection
from dashboard.i18n import catalogue
from dashboard.model import Atlas, GeoJSON, Place
from dashboard.summary import source_label
from dashboard.timeline import Change


class ShareRow(TypedDict):
    faction: str
    km2: float
    percent: float
    claimedKm2: float  # the part of `km2` whose latest change of hands is only claimed


class RegionRow(TypedDict):
    name: str
    km2: float
    shares: list[ShareRow]


class PlaceRow(TypedDict):
    name: str  # in the page's language
    other: str  # in the other language
    lon: float
    lat: float


class SourceRow(TypedDict):
    title: str
    url: str


class ChangeRow(TypedDict):
    place: str
    date: int  # index into `dates`
    previous: str
    holder: str
    confidence: str
    source: int  # index into `sources`


class PairEntry(TypedDict):
    ground: GeoJSON
    count: int
    places: list[ChangeRow]


class BrowserData(TypedDict):
    """What assets/analytics.js reads (the app adds `downloads` and `style`)."""

    lang: str
    words: dict[str, str]  # the catalogue's entries analytics.js writes (JS_SECTIONS), keyed "section.name"
    dates: list[str]
    labels: list[str]
    shortLabels: list[str]
    factions: list[dict[str, str]]
    regions: list[list[RegionRow]]  # per date
    places: dict[str, PlaceRow]
    sources: list[SourceRow]
    changes: dict[str, PairEntry]  # "i-j"
    same: dict[str, str]  # "i-j" → the key holding its entry


# The catalogue's sections analytics.js writes words from (its `words`, keyed "section.name").
JS_SECTIONS = ("analytics", "changes", "number", "panel")


def region_name(name: str, lang: str) -> str:
    """A governorate's name (as the base layer gives it in English) or the country's, in `lang`."""
    key = "analytics.country" if name == COUNTRY else f"governorate.{name}"
    return text.t(key, lang) if key in catalogue(lang) else name


def browser_data(atlas: Atlas, analytics: Analytics, limit: int = LIST_LIMIT, lang: str = "en") -> BrowserData:
    """Everything analytics.js shows on any date or pair of dates, as JSON-ready values, sent once.

    `changes` is keyed "i-j" (indices into `dates`, i < j); each lists at most `limit` places, most important
    first, and `count`, how many changed in all. A pair with the same zones as an earlier one is only named in
    `same` ("i-j" to the key that holds its entry).
    """
    index = {d: i for i, d in enumerate(analytics.dates)}
    first_key: dict[int, tuple[date, date]] = {}
    for key, pair in analytics.changes.items():
        first_key.setdefault(id(pair), key)
    listed = {k: pair.places[:limit] for k, pair in analytics.changes.items()}
    sources = sorted({(source_label(c.event), c.event.source_url) for rows in listed.values() for c in rows})
    source_index = {s: i for i, s in enumerate(sources)}
    places = {p.id: p for p in atlas.timeline.places}
    shown = sorted({c.event.place_id for rows in listed.values() for c in rows})

    def change(c: Change) -> ChangeRow:
        e = c.event
        return {
            "place": e.place_id,
            "date": index[e.date],
            "previous": c.previous,
            "holder": e.holder,
            "confidence": e.confidence,
            "source": source_index[source_label(e), e.source_url],
        }

    return {
        "lang": lang,
        "words": {k: v for k, v in catalogue(lang).items() if k.split(".")[0] in JS_SECTIONS},
        "dates": [d.isoformat() for d in analytics.dates],
        "labels": [text.date_text(d, lang) for d in analytics.dates],
        "shortLabels": [text.short_text(d, lang) for d in analytics.dates],
        "factions": [
            {"id": f.id, "label": f.label_in(lang), "colour": f.colour}
            for f in atlas.timeline.factions
        ],
        "regions": [[_region_row(r, lang) for r in regions] for regions in analytics.regions.values()],
        "places": {i: _place_row(places[i], lang) for i in shown},
        # a source's title as written; a change inferred from a neighbour (no source) says so in `lang`
        "sources": [
            {"title": title if url or lang == "en" else text.t("panel.inferred", lang), "url": url}
            for title, url in sources
        ],
        "changes": {
            f"{index[a]}-{index[b]}": {
                "ground": ground_collection(pair),
                "count": len(pair.places),
                # stable sort: importance within a day
                "places": [change(c) for c in sorted(listed[a, b], key=lambda c: c.event.date)],
            }
            for (a, b), pair in analytics.changes.items()
            if first_key[id(pair)] == (a, b)
        },
        "same": {
            f"{index[a]}-{index[b]}": "-".join(str(index[d]) for d in first_key[id(pair)])
            for (a, b), pair in analytics.changes.items()
            if first_key[id(pair)] != (a, b)
        },
    }


def _place_row(place: Place, lang: str) -> PlaceRow:
    """The place's name in `lang` (`name`) and in the other language (`other`), and where it is."""
    ar = place.name_ar or place.name_en
    name, other = (ar, place.name_en) if lang == "ar" else (place.name_en, place.name_ar)
    return {"name": name, "other": other, "lon": place.lon, "lat": place.lat}


def _region_row(region: Region, lang: str = "en") -> RegionRow:
    shares: list[ShareRow] = [
        {"faction": s.faction, "km2": s.area_km2, "percent": round(s.percent, 2), "claimedKm2": round(s.claimed_km2, 1)}
        for s in region.shares
    ]
    return {"name": region_name(region.name, lang), "km2": region.area_km2, "shares": shares}
