"""Who held what, when: pure look-ups over a validated Timeline."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date, timedelta
from types import MappingProxyType
from typing import Any

from dashboard.model import INFERRED, AreaEvent, Event, Place, Timeline


@dataclass(frozen=True)
class Change:
    """One change of hands: `event` moved the place from `previous` to `event.holder`."""

    event: Event
    previous: str


class _Kept:
    """Results of a pure function of one large immutable object, kept by that object's identity for the latest few
    objects (hashing a timeline costs about as much as the look-up). The start-up asks for every date's holders
    several times (each language's map specs, the tables) and every place panel regroups the events: kept, they are
    computed once per loaded timeline; a reload makes new objects, so a stale entry is never found."""

    def __init__(self, size: int = 4) -> None:
        self.size, self.items, self.lock = size, {}, threading.Lock()  # the server's threads share it

    def get(self, key: object, make: Callable[[], Any]) -> Any:
        hit = self.items.get(id(key))
        if hit is not None and hit[0] is key:
            return hit[1]
        value = make()
        with self.lock:
            while len(self.items) >= self.size:
                self.items.pop(next(iter(self.items)))
            self.items[id(key)] = (key, value)  # the key is held, so its id is not reused while kept
        return value


_GROUPED, _HOLDERS = _Kept(), _Kept()


def date_range(first: date, last: date) -> tuple[date, ...]:
    """Every day from `first` to `last`, inclusive."""
    return tuple(first + timedelta(days=i) for i in range((last - first).days + 1))


def timeline_dates(timeline: Timeline, last: date | None = None) -> tuple[date, ...]:
    """The baseline day through the last event day (or `last`, if later)."""
    end = max([timeline.baseline, *(e.date for e in timeline.events), *([last] if last else [])])
    return date_range(timeline.baseline, end)


def events_by_place(events: tuple[Event, ...]) -> Mapping[str, tuple[Event, ...]]:
    """Events grouped per place, each group in date order (read-only: it is shared)."""

    def group() -> Mapping[str, tuple[Event, ...]]:
        grouped: dict[str, list[Event]] = {}
        for event in sorted(events, key=lambda e: (e.date, e.place_id)):
            grouped.setdefault(event.place_id, []).append(event)
        return MappingProxyType({place_id: tuple(group) for place_id, group in grouped.items()})

    return _GROUPED.get(events, group)


def holder_on(place: Place, events: tuple[Event, ...], day: date) -> str:
    """The baseline holder, then the holder named by the last event on or before `day`.

    `events` are this place's events (any order).
    """
    holder = place.baseline_holder
    for event in sorted(events, key=lambda e: e.date):
        if event.date > day:
            break
        holder = event.holder
    return holder


def holders_on(timeline: Timeline, day: date) -> Mapping[str, str]:
    """Holder of every place on `day`, keyed by place id."""
    return holders_by_date(timeline, (day,))[day]


def latest_event(events: tuple[Event, ...], day: date) -> Event | None:
    """The last of a place's events on or before `day`, if any."""
    past = [e for e in events if e.date <= day]
    return max(past, key=lambda e: e.date) if past else None


def place_history(place: Place, events: tuple[Event, ...]) -> tuple[Change, ...]:
    """Every change of hands at a place, oldest first."""
    changes: list[Change] = []
    holder = place.baseline_holder
    for event in sorted(events, key=lambda e: e.date):
        changes.append(Change(event=event, previous=holder))
        holder = event.holder
    return tuple(changes)


def holders_by_date(timeline: Timeline, dates: tuple[date, ...]) -> dict[date, Mapping[str, str]]:
    """`holders_on` for many dates (read-only: each date's is computed once per timeline and shared)."""
    kept: dict[date, Mapping[str, str]] = _HOLDERS.get(timeline, dict)
    grouped = events_by_place(timeline.events)
    for d in dates:
        if d not in kept:
            kept[d] = MappingProxyType({p.id: holder_on(p, grouped.get(p.id, ()), d) for p in timeline.places})
    return {d: kept[d] for d in dates}


def latest_events_by_date(timeline: Timeline, dates: tuple[date, ...]) -> dict[date, dict[str, Event]]:
    """For each date, each place's last event on or before it (places with none left out)."""
    grouped = events_by_place(timeline.events)
    return {
        d: {place_id: last for place_id, events in grouped.items() if (last := latest_event(events, d))} for d in dates
    }


def changed_places(before: dict[str, str], after: dict[str, str], last_events: dict[str, Event]) -> tuple[Change, ...]:
    """Places whose holder differs between two dates, from the holders on both and each place's last event on the
    later one (`latest_events_by_date`): a changed holder implies such an event. Each entry is that event, with
    `previous` = the holder on the earlier date."""
    changed = [Change(last_events[p], before[p]) for p, holder in after.items() if holder != before[p]]
    return tuple(sorted(changed, key=lambda c: (c.event.date, c.event.place_id)))


def follow_order(places: Iterable[Place]) -> list[Place]:
    """Places that follow a neighbour, each after the neighbour it follows (chains allowed, cycles not)."""
    by_id = {p.id: p for p in places}
    ordered: list[Place] = []
    state: dict[str, str] = {}  # "open" while its chain is walked, "done" once placed

    def visit(place: Place) -> None:
        if state.get(place.id) == "done":
            return
        if state.get(place.id) == "open":
            raise ValueError(f"{place.id} follows itself through a chain of neighbours")
        state[place.id] = "open"
        leader = by_id.get(place.follows)
        if leader is not None and leader.follows:
            visit(leader)
        state[place.id] = "done"
        ordered.append(place)

    for place in by_id.values():
        if place.follows:
            visit(place)
    return ordered


def resolve_events(
    places: tuple[Place, ...],
    point_events: Iterable[Event],
    area_events: Iterable[AreaEvent],
    inside: Mapping[str, frozenset[str]],
) -> tuple[Event, ...]:
    """Every change of hands, day by day: a place's own row wins; then area events (in order) move the places
    inside their area (`inside[area]`, place ids) whose holder is in their filter; then a place that follows a
    neighbour takes the neighbour's new holder the day the neighbour changes hands (confidence `inferred`)."""
    names = {p.id: p.name_en for p in places}
    holders = {p.id: p.baseline_holder for p in places}
    followers = follow_order(places)
    by_day: dict[date, list[Event]] = {}
    for event in point_events:
        by_day.setdefault(event.date, []).append(event)
    areas_by_day: dict[date, list[AreaEvent]] = {}
    for area_event in area_events:
        areas_by_day.setdefault(area_event.date, []).append(area_event)
    resolved: list[Event] = []
    for day in sorted({*by_day, *areas_by_day}):
        moved = {e.place_id: e for e in by_day.get(day, ())}
        for a in areas_by_day.get(day, ()):
            for place_id in sorted(inside.get(a.area, frozenset())):
                before = holders[place_id]
                if place_id in moved or before == a.holder or (a.from_holders and before not in a.from_holders):
                    continue
                moved[place_id] = Event(
                    day,
                    place_id,
                    a.holder,
                    a.confidence,
                    a.source_url,
                    a.source_title,
                    a.note,
                    a.evidence,
                    a.area,
                    corroboration=a.corroboration,
                )
        for place in followers:
            leader = moved.get(place.follows)
            if place.id in moved or leader is None or leader.holder == holders[place.id]:
                continue
            moved[place.id] = replace(
                leader, place_id=place.id, confidence=INFERRED, source_url="", source_title="", evidence="",
                area="", corroboration="", inferred_from=place.follows,
                note=f"inferred from {names.get(place.follows, place.follows)}",
            )  # fmt: skip
        for place_id, event in sorted(moved.items()):
            holders[place_id] = event.holder
            resolved.append(event)
    return tuple(resolved)


def sourced(events: Iterable[Event]) -> tuple[Event, ...]:
    """The rows of events.csv: neither applied from an area event nor inferred."""
    return tuple(e for e in events if not e.area and e.confidence != INFERRED)
