"""What the app says about places, as plain values: the place panel, search, key dates. Pure."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import date

from dashboard.i18n import t
from dashboard.model import INFERRED, Atlas, Event, Faction, Place, Summary
from dashboard.timeline import events_by_place, holder_on, place_history


@dataclass(frozen=True)
class HistoryRow:
    date: date
    before: Faction
    after: Faction
    confidence: str
    source_title: str
    source_url: str  # "" for an inferred change
    note: str
    via: str = ""  # "area event: <area>" or "inferred from <neighbour>": how the change reached this place


def via(event: Event) -> str:
    """How a change reached its place: through an area event, by inference from a neighbour, or ("") its own row."""
    if event.confidence == INFERRED:
        return event.note  # "inferred from <neighbour>"
    return f"area event: {event.area}" if event.area else ""


def source_label(event: Event) -> str:
    """The source's title as lists show it, saying when the change came from an area event or an inference."""
    if event.confidence == INFERRED:
        return event.note
    return f"Area event ({event.area}): {event.source_title}" if event.area else event.source_title


@dataclass(frozen=True)
class PlacePanel:
    place: Place
    day: date
    holder: Faction
    history: tuple[HistoryRow, ...]  # oldest first
    summary: Summary | None


def place_panel(atlas: Atlas, place_id: str, day: date) -> PlacePanel | None:
    """The side panel for `place_id` on `day`; None for an unknown place."""
    place = next((p for p in atlas.timeline.places if p.id == place_id), None)
    if place is None:
        return None
    factions = {f.id: f for f in atlas.timeline.factions}
    events = events_by_place(atlas.timeline.events).get(place_id, ())
    history = tuple(
        HistoryRow(
            date=c.event.date,
            before=factions[c.previous],
            after=factions[c.event.holder],
            confidence=c.event.confidence,
            source_title=c.event.source_title,
            source_url=c.event.source_url,
            note=c.event.note,
            via=via(c.event),
        )
        for c in place_history(place, events)
    )
    holder = factions[holder_on(place, events, day)]
    return PlacePanel(place, day, holder, history, atlas.summaries.get(place_id))


def place_name(place: Place, lang: str = "en") -> str:
    """A place's name as the page in `lang` writes it (in English where it has no Arabic name)."""
    return place.name_ar or place.name_en if lang == "ar" else place.name_en


def fold(text: str) -> str:
    """Lower case without diacritics or Arabic short vowels, hamza forms and taa marbuta folded, for matching."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    kept = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(kept.translate(_ARABIC_FOLD).replace("'", "").replace("-", " ").replace("_", " ").split())


_ARABIC_FOLD = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ة": "ه", "ى": "ي", "ـ": None})


def find_place(atlas: Atlas, query: str) -> Place | None:
    """The place whose English or Arabic name (or id) best matches `query`: exact, then prefix, then substring."""
    wanted = fold(query)
    if not wanted:
        return None
    names = [(p, fold(name)) for p in atlas.timeline.places for name in (p.name_en, p.name_ar, p.id)]
    for matches in (
        lambda n: n == wanted,
        lambda n: n.startswith(wanted),
        lambda n: wanted in n,
    ):
        found = [p for p, n in names if matches(n)]
        if found:
            return max(found, key=lambda p: p.population or 0)
    return None


def search_text(place: Place) -> str:
    """Everything a search for this place may match: its names as written and folded."""
    names = (place.name_en, place.name_ar)
    return " ".join(dict.fromkeys([*names, *(fold(n) for n in names)]))


CONTESTED = "contested"  # the factions.csv id for ground no one holds


def key_dates(atlas: Atlas, place_ids: tuple[str, ...], lang: str = "en") -> dict[date, str]:
    """The day each of these places was first held by another faction (contested days do not count),
    as '<Name> falls' in `lang`; several on one day are one a line."""
    grouped = events_by_place(atlas.timeline.events)
    places = {p.id: p for p in atlas.timeline.places}
    marks: dict[date, list[str]] = {}
    for place in (places[i] for i in place_ids if i in places):
        changes = place_history(place, grouped.get(place.id, ()))
        first = next((c for c in changes if c.event.holder not in (place.baseline_holder, CONTESTED)), None)
        if first is not None and first.event.date in atlas.dates:
            marks.setdefault(first.event.date, []).append(t("map.falls", lang, place=place_name(place, lang)))
    return {day: "\n".join(names) for day, names in sorted(marks.items())}
