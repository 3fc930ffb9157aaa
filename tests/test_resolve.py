"""Area events and inferred followers resolved into per-place changes, on toy places and toy areas."""

from dataclasses import replace
from datetime import date

import pytest
from shapely.geometry import box

from dashboard.model import AreaEvent, Event, Place
from dashboard.read_geo import area_members
from dashboard.timeline import follow_order, resolve_events, sourced

D = date.fromisoformat
URL = "https://example.org/a"


def place(pid: str, lon: float, holder: str = "gov", follows: str = "") -> Place:
    return Place(pid, pid.title(), "", 0.5, lon, "village", "X", None, holder, follows=follows)


WEST = place("west", 0.5)  # inside the west unit square
EAST = place("east", 1.5)  # inside the east unit square
LEADER = place("leader", 2.5, holder="reb")
FOLLOWER = place("follower", 2.6, follows="leader")
PLACES = (WEST, EAST, LEADER, FOLLOWER)
AREAS = {"West": box(0, 0, 1, 1), "Both": box(0, 0, 2, 1)}
COUNTRY = box(0, 0, 3, 1)


def area_event(day: str, area: str, holder: str, from_holders: tuple[str, ...] = ("gov",)) -> AreaEvent:
    return AreaEvent(D(day), area, from_holders, holder, "reported", URL, "Area report", "names the area")


def point(day: str, pid: str, holder: str) -> Event:
    return Event(D(day), pid, holder, "reported", URL, "Report", evidence="names the place")


def test_area_members_are_the_points_inside_each_area() -> None:
    assert area_members(PLACES, AREAS, COUNTRY) == {"West": {"west"}, "Both": {"west", "east"}}


def test_an_area_event_moves_every_selected_point_inside_it_and_names_itself() -> None:
    resolved = resolve_events(
        PLACES, (), (area_event("2024-11-30", "Both", "reb"),), area_members(PLACES, AREAS, COUNTRY)
    )
    assert [(e.place_id, e.holder, e.area, e.source_url) for e in resolved] == [
        ("east", "reb", "Both", URL),
        ("west", "reb", "Both", URL),
    ]


def test_the_from_filter_and_a_places_own_row_win_over_the_area() -> None:
    members = area_members(PLACES, AREAS, COUNTRY)
    resolved = resolve_events(
        PLACES,
        (point("2024-11-28", "west", "sdf"), point("2024-11-30", "east", "sna")),
        (area_event("2024-11-30", "Both", "reb"),),  # west is sdf by then (filter: gov), east has its own row
        members,
    )
    assert [(e.date.day, e.place_id, e.holder, e.area) for e in resolved] == [
        (28, "west", "sdf", ""),
        (30, "east", "sna", ""),
    ]


def test_a_follower_takes_its_neighbours_new_holder_as_inferred_with_no_source() -> None:
    resolved = resolve_events(
        PLACES, (point("2024-12-01", "leader", "gov"), point("2024-12-03", "leader", "sdf")), (), {}
    )
    inferred = [e for e in resolved if e.place_id == "follower"]
    assert [(e.date.day, e.holder, e.confidence, e.source_url, e.inferred_from) for e in inferred] == [
        (3, "sdf", "inferred", "", "leader")  # on 1 Dec the leader became gov, which the follower already was
    ]
    assert inferred[0].note == "inferred from Leader"
    assert sourced(resolved) == tuple(e for e in resolved if e.place_id == "leader")


def test_followers_of_followers_resolve_in_order_and_cycles_are_refused() -> None:
    second = place("second", 2.7, follows="follower")
    resolved = resolve_events((second, *PLACES), (point("2024-12-03", "leader", "sdf"),), (), {})
    assert {e.place_id: e.holder for e in resolved} == {"leader": "sdf", "follower": "sdf", "second": "sdf"}
    loop = (replace(LEADER, follows="follower"), FOLLOWER)
    with pytest.raises(ValueError, match="follows itself"):
        follow_order(loop)
