"""Territory figures on toy squares and on the shipped data."""

from datetime import date

import pytest
from shapely.geometry import Point, box, mapping

from dashboard import stats
from dashboard.config import DEFAULT_DATA_DIR
from dashboard.load import load_atlas
from dashboard.model import Faction, Place, Timeline
from dashboard.zones import geodesic_area_km2

WEST, EAST = box(36.0, 35.0, 37.0, 36.0), box(37.0, 35.0, 38.0, 36.0)


def collection(**zones: object) -> dict:
    return {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "properties": {"faction": f, "area_km2": geodesic_area_km2(g)}, "geometry": mapping(g)}
            for f, g in zones.items()
        ],
    }


def test_shares_of_two_equal_halves() -> None:
    result = stats.shares(collection(gov=box(36, 35, 37, 36), reb=box(37, 35, 38, 36)))
    assert [s.faction for s in result] == ["gov", "reb"]
    assert [round(s.percent, 1) for s in result] == [50.0, 50.0]


def test_populations_count_places_without_a_figure() -> None:
    factions = (Faction("gov", "G", "ح", "#ff0000", 1), Faction("reb", "R", "م", "#00ff00", 2))
    places = (
        Place("a", "A", "", 35.5, 36.5, "city", "Hama", 1000, "gov"),
        Place("b", "B", "", 35.5, 36.6, "village", "Hama", None, "gov"),
        Place("c", "C", "", 35.5, 37.5, "town", "Hama", 50, "reb"),
        Place("x", "X", "", 35.5, 37.6, "anchor", "Hama", None, "reb"),
    )
    result = stats.populations(Timeline(factions, places, (), date(2024, 11, 26)), date(2024, 11, 26))
    assert result == [stats.Population("gov", 1000, 2, 1), stats.Population("reb", 50, 1, 0)]


def test_by_governorate_splits_zones_along_governorate_lines() -> None:
    governorates = collection(north=box(36, 35.5, 38, 36), south=box(36, 35, 38, 35.5))
    for feature in governorates["features"]:
        feature["properties"]["name_en"] = feature["properties"]["faction"]
    table = stats.by_governorate({"gov": WEST, "reb": EAST}, governorates)
    assert set(table) == {"north", "south"}
    assert [(s.faction, round(s.percent)) for s in table["north"]] == [("gov", 50), ("reb", 50)]


def test_territory_changes_between_two_days() -> None:
    before = {"gov": WEST, "reb": EAST}
    after = {"gov": box(36.0, 35.0, 36.5, 36.0), "reb": box(36.5, 35.0, 38.0, 36.0)}
    changes = stats.territory_changes(before, after)
    assert [(c.previous, c.holder) for c in changes] == [("gov", "reb")]
    assert changes[0].geometry.equals(box(36.5, 35.0, 37.0, 36.0))
    assert changes[0].area_km2 == pytest.approx(geodesic_area_km2(box(36.5, 35.0, 37.0, 36.0)), abs=0.1)


def test_no_territory_changes_between_a_day_and_itself() -> None:
    assert stats.territory_changes({"gov": WEST, "reb": EAST}, {"gov": WEST, "reb": EAST}) == []


def test_shipped_shares_add_to_100_percent_on_every_date() -> None:
    atlas = load_atlas(DEFAULT_DATA_DIR)
    for day in atlas.dates:
        assert sum(s.percent for s in stats.shares(atlas.zones[day])) == pytest.approx(100, abs=0.1)


def test_shipped_changes_from_4_to_5_december_include_hama_to_hts() -> None:
    atlas = load_atlas(DEFAULT_DATA_DIR)
    before = stats.zone_shapes(atlas.zones[date(2024, 12, 4)])
    after = stats.zone_shapes(atlas.zones[date(2024, 12, 5)])
    hama = next(p for p in atlas.timeline.places if p.id == "hama")
    moved = [c for c in stats.territory_changes(before, after) if c.geometry.covers(Point(hama.lon, hama.lat))]
    assert [(c.previous, c.holder) for c in moved] == [("government", "hts")]


def test_typical_populations_are_medians_per_kind_without_anchors_or_blanks() -> None:
    places = (
        Place("a", "A", "", 35.0, 36.0, "town", "Hama", 1000, "gov"),
        Place("b", "B", "", 35.0, 36.1, "town", "Hama", 3000, "gov"),
        Place("c", "C", "", 35.0, 36.2, "town", "Hama", 8000, "gov"),
        Place("d", "D", "", 35.0, 36.3, "village", "Hama", None, "gov"),
        Place("x", "X", "", 35.0, 36.4, "anchor", "Hama", 5, "gov"),
    )
    assert stats.typical_populations(places) == {"town": 3000}


def test_unknown_populations_count_blank_places_at_the_typical_figure_of_their_kind() -> None:
    factions = (Faction("gov", "G", "ح", "#ff0000", 1), Faction("reb", "R", "م", "#00ff00", 2))
    places = (
        Place("a", "A", "", 35.5, 36.5, "town", "Hama", 1000, "gov"),
        Place("b", "B", "", 35.5, 36.6, "town", "Hama", None, "gov"),
        Place("c", "C", "", 35.5, 36.7, "village", "Hama", None, "reb"),
        Place("d", "D", "", 35.5, 36.8, "airbase", "Hama", None, "reb"),
        Place("x", "X", "", 35.5, 37.6, "anchor", "Hama", None, "reb"),
    )
    timeline = Timeline(factions, places, (), date(2024, 11, 26))
    typical = {"town": 1000, "village": 200}
    assert stats.unknown_populations(timeline, date(2024, 11, 26), typical) == {"gov": 1000, "reb": 200}


def test_held_and_claimed_give_the_claimed_part_of_each_zone_apart() -> None:
    zones_file = {
        "features": [
            {"properties": {"faction": "gov", "area_km2": 300.0}},
            {"properties": {"faction": "reb", "area_km2": 100.0}},
        ]
    }
    claimed_file = {"features": [{"properties": {"faction": "reb", "area_km2": 25.0}}]}
    gov, reb = stats.held_and_claimed(zones_file, claimed_file)
    assert (gov.percent, gov.claimed_percent) == (75.0, 0.0)
    assert (reb.percent, reb.claimed_km2, reb.claimed_percent) == (25.0, 25.0, 25.0)
    assert str(reb) == "25.0 % · 25.0 % of it claimed"
    assert stats.combined_percent([gov, reb], ["gov", "reb"]) == 100.0


def test_by_governorate_gives_the_claimed_part_inside_each_governorate() -> None:
    governorates = collection(north=box(36, 35.5, 38, 36), south=box(36, 35, 38, 35.5))
    for feature in governorates["features"]:
        feature["properties"]["name_en"] = feature["properties"]["faction"]
    claimed_ne = box(37.5, 35.5, 38.0, 36.0)  # the north-east quarter of the rebels' square
    table = stats.by_governorate({"gov": WEST, "reb": EAST}, governorates, {"reb": claimed_ne})
    north = {s.faction: s for s in table["north"]}
    south = {s.faction: s for s in table["south"]}
    assert north["reb"].claimed_km2 == pytest.approx(geodesic_area_km2(claimed_ne), abs=0.1)
    assert round(north["reb"].claimed_percent) == 50
    assert north["gov"].claimed_km2 == south["reb"].claimed_km2 == 0.0


def test_two_claimed_pieces_of_one_faction_add_up() -> None:
    zones_file = {"features": [{"properties": {"faction": "reb", "area_km2": 100.0}}]}
    claimed_file = {"features": [{"properties": {"faction": "reb", "area_km2": a}} for a in (10.0, 15.0)]}
    (reb,) = stats.held_and_claimed(zones_file, claimed_file)
    assert reb.claimed_km2 == 25.0
