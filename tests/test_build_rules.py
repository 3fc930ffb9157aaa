"""`build_days` on toy inputs: the remote part of a cell whose place changed hands is drawn as unclear."""

from __future__ import annotations

from datetime import date

from shapely.geometry import Point, box

from dashboard import build
from dashboard.load import Inputs
from dashboard.model import Event, Faction, Place, Timeline
from dashboard.rows import DatasetInfo
from dashboard.zones import KM_PER_DEGREE, LON_SCALE

D = date.fromisoformat
FACTIONS = (
    Faction("gov", "Gov", "ح", "#ff0000", 1),
    Faction("reb", "Reb", "م", "#00ff00", 2),
    Faction(build.UNCLEAR, "Unclear", "غ", "#888888", 3),
)
# Two towns 2 degrees apart in a 4 x 1 degree country: each cell reaches far beyond REACH_KM of its town.
WEST = Place("west", "West", "", 0.5, 1.0, "town", "X", None, "gov")
EAST = Place("east", "East", "", 0.5, 3.0, "town", "X", None, "gov")
COUNTRY = box(0, 0, 4, 1)
DATASET = DatasetInfo(
    title="toy", baseline=D("2024-11-26"), end=D("2024-11-27"), as_of=D("2024-11-27"), attribution="-"
)


def days(events: tuple[Event, ...]) -> dict[date, build.DayZones]:
    timeline = Timeline(FACTIONS, (WEST, EAST), events, D("2024-11-26"))
    return {d.day: d for d in build.build_days(Inputs(timeline, COUNTRY, (), DATASET, {}))}


def test_far_ground_of_a_place_that_changed_hands_is_unclear_and_an_unchanged_one_keeps_it() -> None:
    built = days((Event(D("2024-11-27"), "east", "reb", "reported", "https://example.org", "x"),))
    far_east, near_east, far_west = Point(3.9, 0.5), Point(3.1, 0.5), Point(0.02, 0.95)
    for far, town in ((far_east, EAST), (far_west, WEST)):  # both well beyond reach, even in the scaled frame
        assert far.distance(Point(town.lon, town.lat)) * LON_SCALE > 2 * build.REACH_KM / KM_PER_DEGREE
    before, after = built[D("2024-11-26")].geometry, built[D("2024-11-27")].geometry
    assert set(before) == {"gov"}
    assert after["reb"].covers(near_east) and not after["reb"].covers(far_east)
    assert after[build.UNCLEAR].covers(far_east)
    assert after["gov"].covers(far_west)  # the west town never changed hands: its far ground stays its holder's
