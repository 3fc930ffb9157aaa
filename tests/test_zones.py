"""Zone geometry on toy shapes: unit squares whose answers can be checked in one's head."""

from datetime import date

import pytest
import shapely
from shapely.geometry import Point, box

from dashboard import zones
from dashboard.model import Override
from dashboard.zones import ControlPoint

# A 2°×1° "country" near Syria's latitude, so the longitude scaling is the real one.
COUNTRY = box(36.0, 35.0, 38.0, 36.0)
WEST, EAST = ControlPoint("west", 36.5, 35.5), ControlPoint("east", 37.5, 35.5)


def test_two_points_split_the_country_at_their_bisector() -> None:
    cells = zones.voronoi_cells([WEST, EAST], COUNTRY)
    assert cells[0].equals(box(36.0, 35.0, 37.0, 36.0))  # same order as the points
    assert cells[1].equals(box(37.0, 35.0, 38.0, 36.0))


def test_cells_tile_the_country_for_many_points() -> None:
    points = [ControlPoint(f"p{i}", 36.05 + (i * 0.37) % 1.9, 35.03 + (i * 0.61) % 0.94) for i in range(40)]
    cells = zones.voronoi_cells(points, COUNTRY)
    assert shapely.union_all(cells).symmetric_difference(COUNTRY).area < 1e-12
    assert sum(c.area for c in cells) == pytest.approx(COUNTRY.area)
    assert all(cell.contains(Point(p.lon, p.lat)) for cell, p in zip(cells, points, strict=True))


def test_point_at_same_location_is_an_error() -> None:
    with pytest.raises(ValueError, match="same location"):
        zones.voronoi_cells([WEST, ControlPoint("twin", WEST.lon, WEST.lat), EAST], COUNTRY)


def test_dissolve_merges_cells_per_holder() -> None:
    a, b, c = box(0, 0, 1, 1), box(1, 0, 2, 1), box(2, 0, 3, 1)
    merged = zones.dissolve([a, b, c], ["gov", "gov", "reb"])
    assert merged["gov"].equals(box(0, 0, 2, 1))
    assert merged["reb"].equals(c)


def override(day: str, faction: str, geometry: object, label: str = "o.geojson#feature 0") -> Override:
    return Override(date.fromisoformat(day), faction, geometry, label)


def test_override_wins_inside_its_footprint() -> None:
    derived = {"gov": box(36.0, 35.0, 37.0, 36.0), "reb": box(37.0, 35.0, 38.0, 36.0)}
    drawn = zones.apply_overrides(derived, [override("2024-12-01", "reb", box(36.5, 35.0, 37.0, 36.0))], COUNTRY)
    assert drawn["gov"].equals(box(36.0, 35.0, 36.5, 36.0))
    assert drawn["reb"].equals(box(36.5, 35.0, 38.0, 36.0))


def test_override_is_clipped_to_the_country_and_can_add_a_faction() -> None:
    derived = {"gov": COUNTRY}
    drawn = zones.apply_overrides(derived, [override("2024-12-01", "sdf", box(37.5, 35.5, 39.0, 37.0))], COUNTRY)
    assert drawn["sdf"].equals(box(37.5, 35.5, 38.0, 36.0))
    assert drawn["gov"].area + drawn["sdf"].area == pytest.approx(COUNTRY.area)


def test_later_override_wins_over_earlier_one_where_they_overlap() -> None:
    first = override("2024-12-01", "reb", box(36.0, 35.0, 37.0, 36.0), "a#feature 0")
    second = override("2024-12-03", "gov", box(36.0, 35.0, 36.5, 36.0), "b#feature 0")
    active = zones.active_overrides([second, first], date(2024, 12, 4), {})
    assert active == [first, second]
    drawn = zones.apply_overrides({"gov": COUNTRY}, active, COUNTRY)
    assert drawn["reb"].equals(box(36.5, 35.0, 37.0, 36.0))


def test_override_applies_from_its_date_until_a_later_event_inside_it() -> None:
    o = override("2024-12-01", "reb", box(36.0, 35.0, 37.0, 36.0))
    ends = {o.label: date(2024, 12, 4)}
    assert zones.active_overrides([o], date(2024, 11, 30), ends) == []
    assert zones.active_overrides([o], date(2024, 12, 1), ends) == [o]
    assert zones.active_overrides([o], date(2024, 12, 3), ends) == [o]
    assert zones.active_overrides([o], date(2024, 12, 4), ends) == []


def test_clean_coverage_keeps_shared_borders_shared_and_rounds() -> None:
    # A jagged shared border with 1e-4° wiggles: simplified away, identically on both sides.
    wiggle = [(37.0 + (0.0001 if i % 2 else 0.0), 35.0 + i / 100) for i in range(101)]
    west = shapely.Polygon([(36.0, 35.0), *wiggle, (36.0, 36.0)])
    east = shapely.Polygon([*wiggle, (38.0, 36.0), (38.0, 35.0)])
    cleaned = zones.clean_coverage({"reb": east, "gov": west}, ["gov", "reb"])
    assert list(cleaned) == ["gov", "reb"]  # faction order, not input order
    assert shapely.coverage_is_valid(list(cleaned.values()), gap_width=0.001)
    assert shapely.get_num_coordinates(cleaned["gov"]) < shapely.get_num_coordinates(west)
    assert cleaned["gov"].intersection(cleaned["reb"]).area == 0
    assert shapely.union_all(list(cleaned.values())).symmetric_difference(COUNTRY).area < 1e-9
    coords = shapely.get_coordinates(cleaned["gov"])
    assert (coords.round(5) == coords).all()


def test_clean_coverage_orients_exterior_rings_counter_clockwise() -> None:
    clockwise = shapely.Polygon([(36, 35), (36, 36), (38, 36), (38, 35)])
    assert not clockwise.exterior.is_ccw
    cleaned = zones.clean_coverage({"gov": clockwise}, ["gov"])
    assert cleaned["gov"].exterior.is_ccw


def test_geodesic_area_of_one_degree_square_at_35n() -> None:
    # 1° of latitude ≈ 110.9 km; 1° of longitude at 35.5°N ≈ 90.7 km.
    assert zones.geodesic_area_km2(box(36.0, 35.0, 37.0, 36.0)) == pytest.approx(10_060, rel=0.01)


def test_coverage_problems_finds_gaps_and_overlaps() -> None:
    good = {"gov": box(36.0, 35.0, 37.0, 36.0), "reb": box(37.0, 35.0, 38.0, 36.0)}
    assert zones.coverage_problems(good, COUNTRY) == []
    gap = {"gov": box(36.0, 35.0, 36.9, 36.0), "reb": box(37.0, 35.0, 38.0, 36.0)}
    assert [p.split(" km²")[0].split(" ")[0] for p in zones.coverage_problems(gap, COUNTRY)] == ["zones"]
    overlap = {"gov": box(36.0, 35.0, 37.1, 36.0), "reb": box(37.0, 35.0, 38.0, 36.0)}
    assert any("gov and reb overlap" in p for p in zones.coverage_problems(overlap, COUNTRY))


def test_misplaced_points() -> None:
    good = {"gov": box(36.0, 35.0, 37.0, 36.0), "reb": box(37.0, 35.0, 38.0, 36.0)}
    assert zones.misplaced_points(good, [WEST, EAST], {"west": "gov", "east": "reb"}) == []
    assert zones.misplaced_points(good, [WEST, EAST], {"west": "reb", "east": "reb"}) == ["west"]


def test_remote_ground_is_what_lies_beyond_reach_of_every_point() -> None:
    country = box(0, 0, 2, 1)
    remote = zones.remote_ground([ControlPoint("a", 0.0, 0.5)], country, reach_km=0.5 * zones.KM_PER_DEGREE)
    assert not remote.covers(Point(0.3 / zones.LON_SCALE, 0.5))  # 0.3 degrees in the scaled frame: within reach
    assert remote.covers(Point(0.7 / zones.LON_SCALE, 0.5))
    assert remote.covers(Point(1.9, 0.9))


def test_split_cells_cut_each_cell_into_near_and_remote_parts_that_tile_it() -> None:
    cells = [box(0, 0, 1, 1), box(1, 0, 2, 1)]
    near, remote = zones.split_cells(cells, box(0.5, 0, 2, 1))
    assert near[0].equals(box(0, 0, 0.5, 1)) and remote[0].equals(box(0.5, 0, 1, 1))
    assert near[1].is_empty and remote[1].equals(cells[1])


def test_noded_turns_overlapping_or_gapped_zones_into_an_exact_coverage() -> None:
    overlapping = {"gov": box(0, 0, 1.001, 1), "reb": box(1, 0, 2, 1)}  # a 0.001-wide overlap
    result = zones.noded(overlapping, ["gov", "reb"])
    assert result["gov"].intersection(result["reb"]).area == 0
    assert result["gov"].equals(box(0, 0, 1.001, 1))  # the first in order keeps the disputed sliver
    gapped = {"gov": box(0, 0, 1, 1), "reb": box(1.001, 0, 2, 1), "all": box(0, 0, 2, 1)}
    assert zones.noded(gapped, ["gov", "reb", "all"])["all"].equals(box(1, 0, 1.001, 1))


def test_noded_snap_rounds_to_the_grid() -> None:
    result = zones.noded({"gov": box(0, 0, 1.000004, 1), "reb": box(1.000004, 0, 2, 1)}, ["gov", "reb"], 1e-5)
    assert result["gov"].equals(box(0, 0, 1, 1)) and result["reb"].equals(box(1, 0, 2, 1))
