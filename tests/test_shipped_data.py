"""Invariants and sourced facts on the data the app ships (data/geo)."""

from __future__ import annotations

import json
from collections import Counter
from datetime import date

import pytest
import shapely
from shapely.geometry import Point, shape

from dashboard.config import DEFAULT_DATA_DIR
from dashboard.load import Inputs, load_atlas, read_inputs, validate
from dashboard.model import Atlas
from dashboard.problems import Report
from dashboard.sourcing import meets_confirmed_rule, site_of
from dashboard.timeline import events_by_place, holder_on, sourced
from dashboard.zones import geodesic_area_km2

D = date.fromisoformat


@pytest.fixture(scope="module")
def atlas() -> Atlas:
    return load_atlas(DEFAULT_DATA_DIR)


@pytest.fixture(scope="module")
def country() -> shapely.Geometry:
    inputs = read_inputs(DEFAULT_DATA_DIR, Report())
    assert inputs is not None
    return inputs.country


def zone_shapes(atlas: Atlas, day: date) -> dict[str, shapely.Geometry]:
    return {f["properties"]["faction"]: shape(f["geometry"]) for f in atlas.zones[day]["features"]}


def test_shipped_inputs_are_valid() -> None:
    assert [str(p) for p in validate(DEFAULT_DATA_DIR)] == []


def test_every_day_from_26_november_to_8_december_has_zones(atlas: Atlas) -> None:
    for day in (D("2024-11-26"), D("2024-12-01"), D("2024-12-08")):
        assert day in atlas.dates
        assert (DEFAULT_DATA_DIR / "zones" / f"{day}.geojson").exists()
    assert list(atlas.dates) == sorted(atlas.dates)


def test_zones_tile_the_country_without_overlaps(atlas: Atlas, country: shapely.Geometry) -> None:
    country_km2 = geodesic_area_km2(country)
    for day in atlas.dates:
        shapes = zone_shapes(atlas, day)
        union = shapely.union_all(list(shapes.values()))
        assert geodesic_area_km2(union.symmetric_difference(country)) < 1e-3 * country_km2, day
        names = list(shapes)
        for i, first in enumerate(names):
            for second in names[i + 1 :]:
                assert shapes[first].intersection(shapes[second]).area == 0, (day, first, second)


def test_zone_areas_sum_to_the_country(atlas: Atlas, country: shapely.Geometry) -> None:
    country_km2 = geodesic_area_km2(country)
    for day in atlas.dates:
        total = sum(f["properties"]["area_km2"] for f in atlas.zones[day]["features"])
        assert total == pytest.approx(country_km2, rel=1e-3), day


def test_every_control_point_lies_in_its_holders_zone(atlas: Atlas, country: shapely.Geometry) -> None:
    events = events_by_place(atlas.timeline.events)
    for day in atlas.dates:
        shapes = zone_shapes(atlas, day)
        for place in atlas.timeline.places:
            location = Point(place.lon, place.lat)
            if not country.covers(location):
                continue  # border towns just outside the simplified outline
            holder = holder_on(place, events.get(place.id, ()), day)
            assert shapes[holder].covers(location), (day, place.id, holder)


def test_zone_files_are_small_rounded_and_counter_clockwise(atlas: Atlas) -> None:
    for day in atlas.dates:
        path = DEFAULT_DATA_DIR / "zones" / f"{day}.geojson"
        assert path.stat().st_size <= 150_000, path
        for feature in json.loads(path.read_text())["features"]:
            props = feature["properties"]
            assert set(props) >= {"faction", "date", "area_km2", "places", "population"}
            assert props["date"] == day.isoformat()
            geometry = shape(feature["geometry"])
            coords = shapely.get_coordinates(geometry)
            assert (coords.round(5) == coords).all()
            for polygon in shapely.get_parts(geometry):
                assert polygon.exterior.is_ccw
                assert all(not ring.is_ccw for ring in polygon.interiors)


def test_factions_keep_one_order_and_colour(atlas: Atlas) -> None:
    ids = atlas.timeline.faction_ids
    assert set(ids) >= {"government", "hts", "sna", "sdf", "sfa", "south", "contested"}
    for day in atlas.dates:
        present = [f["properties"]["faction"] for f in atlas.zones[day]["features"]]
        assert present == [f for f in ids if f in present]


# Sourced facts (see data/geo/SOURCES.md): the holder named by the timeline AND the zone drawn there.
FACTS = [
    ("aleppo", "2024-11-30", "hts"),
    ("hama", "2024-12-04", "government"),
    ("hama", "2024-12-05", "hts"),
    ("tal_rifaat", "2024-12-02", "sna"),
    ("homs", "2024-12-06", "government"),
    ("idlib", "2024-11-26", "hts"),
    ("saraqib", "2024-11-26", "government"),
    ("manbij", "2024-11-26", "sdf"),
]


@pytest.mark.parametrize(("place_id", "day", "expected"), FACTS)
def test_sourced_facts(atlas: Atlas, place_id: str, day: str, expected: str) -> None:
    place = next(p for p in atlas.timeline.places if p.id == place_id)
    assert holder_on(place, events_by_place(atlas.timeline.events).get(place_id, ()), D(day)) == expected
    assert zone_shapes(atlas, D(day))[expected].covers(Point(place.lon, place.lat))


def test_places_named_in_the_sources_are_control_points(atlas: Atlas) -> None:
    ids = {p.id for p in atlas.timeline.places}
    names = {p.name_en.lower() for p in atlas.timeline.places}
    assert len(ids) >= 434
    for name in ("anjara", "khan tuman", "kafr halab", "mizanaz", "latamneh", "kafr zita", "khattab", "kafraa"):
        assert any(name in n for n in names), name


def test_base_layers_are_small(atlas: Atlas) -> None:
    total = sum(p.stat().st_size for p in (DEFAULT_DATA_DIR / "base").glob("*.geojson"))
    assert total <= 400_000
    assert set(atlas.base_layers) >= {"country", "governorates", "neighbours", "rivers", "lakes", "highways"}
    assert all(f["properties"].get("schematic") is True for f in atlas.base_layers["highways"]["features"])


def test_every_data_file_has_provenance() -> None:
    sources = (DEFAULT_DATA_DIR / "SOURCES.md").read_text(encoding="utf-8")
    shipped = [p for p in DEFAULT_DATA_DIR.rglob("*") if p.is_file() and "zones" not in p.parts]
    for path in shipped:
        if path.name != "SOURCES.md":
            assert str(path.relative_to(DEFAULT_DATA_DIR)) in sources, path



def test_every_event_source_is_listed_in_sources_md(atlas: Atlas) -> None:
    sources = (DEFAULT_DATA_DIR / "SOURCES.md").read_text(encoding="utf-8")
    cited = [*sourced(atlas.timeline.events), *atlas.timeline.area_events]
    missing = sorted({e.source_url for e in cited if f"<{e.source_url}>" not in sources})
    assert missing == []


@pytest.fixture(scope="module")
def inputs() -> Inputs:
    found = read_inputs(DEFAULT_DATA_DIR, Report())
    assert found is not None
    return found


def test_no_control_point_is_made_up(atlas: Atlas) -> None:
    assert [p.id for p in atlas.timeline.places if p.kind == "anchor" or p.id.startswith("anchor_")] == []


def test_no_url_backs_more_than_25_point_events_and_every_row_has_evidence(atlas: Atlas) -> None:
    rows = sourced(atlas.timeline.events)
    per_url = Counter(e.source_url for e in rows)
    assert max(per_url.values()) <= 25, per_url.most_common(3)
    assert all(e.evidence.strip() for e in [*rows, *atlas.timeline.area_events])


def test_no_row_cites_a_mirror_and_every_confirmed_row_meets_the_rule(atlas: Atlas, inputs: Inputs) -> None:
    events = atlas.timeline.events
    cited = [*sourced(events), *atlas.timeline.area_events]
    urls = [u for e in cited for u in (e.source_url, e.corroboration) if u]
    assert all(site_of(u, inputs.sites) is not None for u in urls)
    assert [u for u in urls if site_of(u, inputs.sites).kind == "mirror"] == []
    for place_id, group in events_by_place(events).items():
        holder = next(p for p in atlas.timeline.places if p.id == place_id).baseline_holder
        for event in group:
            if event.confidence == "confirmed":
                assert meets_confirmed_rule((event.source_url, event.corroboration), (holder,), inputs.sites), event
            holder = event.holder


def test_inferred_changes_cite_no_source_and_name_their_neighbour(atlas: Atlas) -> None:
    inferred = [e for e in atlas.timeline.events if e.confidence == "inferred"]
    assert inferred
    names = {p.id: p.name_en for p in atlas.timeline.places}
    for event in inferred:
        assert (event.source_url, event.source_title, event.evidence) == ("", "", "")
        assert event.note == f"inferred from {names[event.inferred_from]}"


def test_the_sdf_never_holds_more_than_31_percent(atlas: Atlas) -> None:
    """Published maps put the SDF at about 25.6 % (2020-2024) and 20-28 % after the collapse."""
    for day in atlas.dates:
        areas = {f["properties"]["faction"]: f["properties"]["area_km2"] for f in atlas.zones[day]["features"]}
        assert 100 * areas.get("sdf", 0) / sum(areas.values()) <= 31.0, day


def test_the_record_runs_to_the_end_of_december(atlas: Atlas) -> None:
    assert atlas.dates[-1] == D("2024-12-31") and len(atlas.dates) == 36
