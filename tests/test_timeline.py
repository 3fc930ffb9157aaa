"""Timeline look-ups on a toy timeline whose answers can be checked by eye."""

from datetime import date

import pytest

from dashboard.model import Event, Faction, Place, Timeline
from dashboard.timeline import (
    changed_places,
    date_range,
    events_by_place,
    holder_on,
    holders_by_date,
    holders_on,
    latest_event,
    latest_events_by_date,
    place_history,
    timeline_dates,
)

D = date.fromisoformat
FACTIONS = (Faction("gov", "Gov", "ح", "#ff0000", 1), Faction("reb", "Reb", "م", "#00ff00", 2))
TOWN = Place("town", "Town", "بلدة", 35.0, 37.0, "town", "Hama", 1000, "gov")
VILLAGE = Place("village", "Village", "قرية", 35.1, 37.1, "village", "Hama", None, "reb")


def event(day: str, place: str, holder: str) -> Event:
    return Event(D(day), place, holder, "reported", "https://example.org/a", "Example")


EVENTS = (
    event("2024-11-30", "town", "reb"),
    event("2024-11-28", "town", "contested"),
    event("2024-12-02", "town", "gov"),
)
TIMELINE = Timeline(FACTIONS, (TOWN, VILLAGE), EVENTS, D("2024-11-26"))


def test_holder_is_baseline_before_any_event() -> None:
    assert holder_on(TOWN, EVENTS, D("2024-11-26")) == "gov"
    assert holder_on(TOWN, EVENTS, D("2024-11-27")) == "gov"


def test_holder_is_last_event_on_or_before_the_day_whatever_the_row_order() -> None:
    assert holder_on(TOWN, EVENTS, D("2024-11-28")) == "contested"
    assert holder_on(TOWN, EVENTS, D("2024-11-29")) == "contested"
    assert holder_on(TOWN, EVENTS, D("2024-11-30")) == "reb"
    assert holder_on(TOWN, EVENTS, D("2024-12-01")) == "reb"
    assert holder_on(TOWN, EVENTS, D("2024-12-05")) == "gov"


def test_holders_on_covers_places_without_events() -> None:
    assert holders_on(TIMELINE, D("2024-11-30")) == {"town": "reb", "village": "reb"}


def test_holders_by_date_is_holders_on_for_each_date() -> None:
    days = timeline_dates(TIMELINE)
    assert holders_by_date(TIMELINE, days) == {d: holders_on(TIMELINE, d) for d in days}
    assert holders_by_date(TIMELINE, days)[D("2024-11-29")] == {"town": "contested", "village": "reb"}


def test_holders_are_kept_for_each_timeline_and_cannot_be_changed() -> None:
    """Kept by the timeline's identity: another timeline (here without the 2 Dec event) gets its own answer."""
    day = D("2024-12-05")
    without_last = Timeline(FACTIONS, (TOWN, VILLAGE), EVENTS[:2], D("2024-11-26"))
    assert holders_on(TIMELINE, day)["town"] == "gov"
    assert holders_on(without_last, day)["town"] == "reb"
    assert holders_on(TIMELINE, day)["town"] == "gov"
    assert events_by_place(EVENTS)["town"][-1].holder == "gov"
    assert events_by_place(EVENTS[:2])["town"][-1].holder == "reb"
    with pytest.raises(TypeError):
        holders_on(TIMELINE, day)["town"] = "reb"  # type: ignore[index]
    with pytest.raises(TypeError):
        events_by_place(EVENTS)["town"] = ()  # type: ignore[index]


def test_place_history_lists_each_change_with_previous_holder() -> None:
    history = place_history(TOWN, EVENTS)
    assert [(c.event.date.isoformat(), c.previous, c.event.holder) for c in history] == [
        ("2024-11-28", "gov", "contested"),
        ("2024-11-30", "contested", "reb"),
        ("2024-12-02", "reb", "gov"),
    ]


def test_latest_event() -> None:
    assert latest_event(EVENTS, D("2024-11-27")) is None
    assert latest_event(EVENTS, D("2024-12-01")) == EVENTS[0]


def test_changed_places_reports_net_changes_only() -> None:
    def changes(start: date, end: date) -> tuple:
        holders = holders_by_date(TIMELINE, (start, end))
        return changed_places(holders[start], holders[end], latest_events_by_date(TIMELINE, (end,))[end])

    assert [(c.event.place_id, c.previous, c.event.holder) for c in changes(D("2024-11-27"), D("2024-11-30"))] == [
        ("town", "gov", "reb")
    ]
    # gov → contested → reb → gov: no net change over the whole period
    assert changes(D("2024-11-26"), D("2024-12-05")) == ()
    assert changes(D("2024-11-30"), D("2024-11-30")) == ()


def test_dates() -> None:
    assert date_range(D("2024-11-30"), D("2024-12-02")) == (D("2024-11-30"), D("2024-12-01"), D("2024-12-02"))
    assert timeline_dates(TIMELINE) == date_range(D("2024-11-26"), D("2024-12-02"))
    assert timeline_dates(TIMELINE, D("2024-12-08"))[-1] == D("2024-12-08")
