"""The data behind the map as files: zones (GeoJSON), places with their holder, events, the area table (CSV).

For one date or for the whole series. Every file names its sources and licence: CSV files in leading lines
that start with `#`, GeoJSON in a top-level `metadata` member (RFC 7946 allows foreign members). Pure.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

from dashboard.analytics import Analytics
from dashboard.i18n import t
from dashboard.model import Atlas, GeoJSON, Place
from dashboard.timeline import Change, events_by_place, holders_by_date, place_history

Kind = Literal["zones", "places", "events", "areas"]
KINDS: tuple[Kind, ...] = ("zones", "places", "events", "areas")
LICENCE = "CC BY 4.0"
LICENCE_URL = "https://creativecommons.org/licenses/by/4.0/"
EXTENSIONS: dict[Kind, str] = {"zones": "geojson", "places": "csv", "events": "csv", "areas": "csv"}
MEDIA_TYPES: dict[Kind, str] = {
    "zones": "application/geo+json",
    "places": "text/csv; charset=utf-8",
    "events": "text/csv; charset=utf-8",
    "areas": "text/csv; charset=utf-8",
}


@dataclass(frozen=True)
class Download:
    filename: str
    media_type: str
    body: bytes


def download(atlas: Atlas, analytics: Analytics, kind: Kind, day: date | None, lang: str = "en") -> Download:
    """One file: `kind` for `day`, or for every date if `day` is None. `day` must be one of the atlas's dates.

    `lang` is the language of the leading lines and of the labels in the rows; the keys and the column names stay
    English in every language, so that one script reads both editions."""
    if kind not in KINDS:
        raise ValueError(f"unknown download {kind!r}: one of {', '.join(KINDS)}")
    if day is not None and day not in atlas.zones:
        raise ValueError(f"no data for {day}")
    days = atlas.dates if day is None else (day,)
    scope = day.isoformat() if day else f"{atlas.dates[0]}_{atlas.dates[-1]}"
    meta = metadata(atlas, kind, day, lang)
    if kind == "zones":
        body = _zones(atlas, days, meta)
    else:
        if kind == "places":
            header, rows = _places(atlas, days)
        elif kind == "events":
            header, rows = _events(atlas, days)
        else:
            header, rows = _areas(atlas, analytics, days, lang)
        body = _csv(meta, header, rows)
    return Download(f"syria-control-{scope}-{kind}.{EXTENSIONS[kind]}", MEDIA_TYPES[kind], body)


def metadata(atlas: Atlas, kind: Kind, day: date | None, lang: str = "en") -> dict[str, str]:
    first, last = atlas.dates[0], atlas.dates[-1]
    return {
        "title": t("download.title", lang, what=t(f"download.what_{kind}", lang)),
        "dates": day.isoformat() if day else t("download.dates", lang, first=first, last=last),
        "licence": f"{LICENCE} ({LICENCE_URL})",
        "sources": f"{t(f'download.sources_{kind}', lang)} {t('download.provenance', lang)}",
        "attribution": " ".join(atlas.attribution_in(lang).split()),
    }


def _zones(atlas: Atlas, days: Sequence[date], meta: dict[str, str]) -> bytes:
    features = [
        {**f, "properties": {**f["properties"], "date": day.isoformat()}}
        for day in days
        for f in atlas.zones[day]["features"]
    ]
    collection: GeoJSON = {"type": "FeatureCollection", "metadata": meta, "features": features}
    return json.dumps(collection, ensure_ascii=False, separators=(",", ":")).encode()


def _csv(meta: dict[str, str], header: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    out = io.StringIO()
    for key, value in meta.items():
        out.write(f"# {key}: {value}\n")
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode()


Table = tuple[list[str], list[list[Any]]]


def _places(atlas: Atlas, days: Sequence[date]) -> Table:
    by_date = holders_by_date(atlas.timeline, tuple(days))
    holders = [by_date[d] for d in days]
    columns = ["holder"] if len(days) == 1 else [f"holder_{d}" for d in days]
    header = ["place_id", "name_en", "name_ar", "kind", "governorate", "lat", "lon", "population", *columns]
    rows = [
        [p.id, p.name_en, p.name_ar, p.kind, p.governorate, p.lat, p.lon, p.population, *(h[p.id] for h in holders)]
        for p in atlas.timeline.places
    ]
    return header, rows


def _events(atlas: Atlas, days: Sequence[date]) -> Table:
    places = {p.id: p for p in atlas.timeline.places}
    wanted = set(days)
    changes = sorted(
        (
            c
            for place_id, events in events_by_place(atlas.timeline.events).items()
            for c in place_history(places[place_id], events)
            if c.event.date in wanted
        ),
        key=lambda c: (c.event.date, c.event.place_id),
    )
    header = ["date", "place_id", "name_en", "name_ar", "governorate", "previous_holder", "holder", "confidence"]
    header += ["source_title", "source_url", "note"]
    return header, [_event_row(c, places[c.event.place_id]) for c in changes]


def _event_row(change: Change, place: Place) -> list[Any]:
    e = change.event
    where = [e.date, e.place_id, place.name_en, place.name_ar, place.governorate]
    return [*where, change.previous, e.holder, e.confidence, e.source_title, e.source_url, e.note]


def _areas(atlas: Atlas, analytics: Analytics, days: Sequence[date], lang: str) -> Table:
    labels = {f.id: f.label_in(lang) for f in atlas.timeline.factions}
    header = ["date", "region", "faction", "faction_label", "area_km2", "percent_of_region", "claimed_km2"]
    rows = [
        [day, region.name, s.faction, labels[s.faction], s.area_km2, round(s.percent, 2), round(s.claimed_km2, 1)]
        for day in days
        for region in analytics.regions[day]
        for s in region.shares
    ]
    return header, rows
