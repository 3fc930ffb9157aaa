"""The analytics tables and series: on the toy atlas (answers checked by eye) and on the shipped data."""

from __future__ import annotations

from datetime import date

import pytest
from shapely.geometry import Point, box
from toy import toy_atlas

from dashboard import analytics, analytics_payload
from dashboard.model import Atlas
from dashboard.zones import geodesic_area_km2

D = date.fromisoformat
TOY = toy_atlas()
TOY_ANALYTICS = analytics.compute(TOY)


@pytest.fixture(scope="module")
def shipped(shipped_atlas: Atlas) -> analytics.Analytics:
    return analytics.compute(shipped_atlas)


# ---------------------------------------------------------------- toy


def test_every_pair_of_dates_is_precomputed_earlier_first() -> None:
    n = len(TOY.dates)
    assert len(TOY_ANALYTICS.changes) == n * (n - 1) // 2
    assert all(a < b for a, b in TOY_ANALYTICS.changes)


def test_changes_between_a_date_and_itself_are_empty() -> None:
    for day in TOY.dates:
        assert analytics.changes(TOY_ANALYTICS, day, day) == analytics.PairChanges(day, day, (), ())


def test_changes_are_the_same_whichever_date_comes_first() -> None:
    forward = analytics.changes(TOY_ANALYTICS, D("2024-12-04"), D("2024-12-05"))
    assert analytics.changes(TOY_ANALYTICS, D("2024-12-05"), D("2024-12-04")) is forward


def test_hama_and_the_strip_west_of_it_change_hands_on_5_december() -> None:
    pair = analytics.changes(TOY_ANALYTICS, D("2024-12-04"), D("2024-12-05"))
    assert [(c.event.place_id, c.previous, c.event.holder) for c in pair.places] == [("hama", "government", "hts")]
    gained = next(c for c in pair.ground if (c.previous, c.holder) == ("government", "hts"))
    strip = box(36.4, 34.0, 37.05, 37.0)  # the front moved from 36.40°E to 37.05°E
    assert gained.geometry.symmetric_difference(strip).area < 1e-9
    assert gained.area_km2 == pytest.approx(geodesic_area_km2(strip), abs=0.1)


def test_changed_places_are_listed_cities_first_then_by_population() -> None:
    pair = analytics.changes(TOY_ANALYTICS, D("2024-11-26"), D("2024-12-10"))
    assert [c.event.place_id for c in pair.places] == ["aleppo", "hama", "morek"]


def test_population_rows_count_places_without_a_figure_and_estimate_them() -> None:
    assert TOY_ANALYTICS.populations[D("2024-11-26")] == (
        analytics.PopulationRow("government", 2573812, 3, 0, 0),
        analytics.PopulationRow("hts", 128840, 2, 1, 0),  # Kafr Nabl: no figure, and no village has one
    )
    coverage = TOY_ANALYTICS.coverage
    assert (coverage.known, coverage.places, coverage.without_figure) == (2702652, 5, 1)
    assert coverage.by_kind == {"city": (3, 3), "town": (1, 1)}


def test_regions_are_the_governorates_then_the_country() -> None:
    regions = TOY_ANALYTICS.regions[D("2024-12-05")]
    assert [r.name for r in regions] == ["East", "West", "Syria"]
    west = regions[1]
    assert [(s.faction, round(s.percent, 1)) for s in west.shares] == [("government", 22.5), ("hts", 77.5)]


def test_browser_data_lists_the_most_important_places_and_how_many_changed() -> None:
    data = analytics_payload.browser_data(TOY, TOY_ANALYTICS, limit=1)
    assert data["dates"][0] == "2024-11-26" and data["labels"][9] == "5 December 2024"
    everything = data["changes"]["0-14"]
    assert everything["count"] == 3
    aleppo_source = data["sources"].index({"title": "Report on aleppo", "url": "https://example.org/aleppo/2024-11-29"})
    assert everything["places"] == [
        {
            "place": "aleppo",
            "date": 3,
            "previous": "government",
            "holder": "hts",
            "confidence": "reported",
            "source": aleppo_source,
        }
    ]
    assert data["places"]["aleppo"] == {"name": "Aleppo", "other": "حلب", "lon": 37.16, "lat": 36.2}
    hama_day = data["changes"]["8-9"]
    assert [(p["place"], p["date"], p["confidence"]) for p in hama_day["places"]] == [("hama", 9, "confirmed")]
    west = data["regions"][9][1]
    assert west["name"] == "West" and {s["faction"] for s in west["shares"]} == {"government", "hts"}
    assert set(west["shares"][0]) == {"faction", "km2", "percent", "claimedKm2"}
    assert {"previous": "government", "holder": "hts", "area_km2": 19627.2} in [
        f["properties"] for f in hama_day["ground"]["features"]
    ]


# ---------------------------------------------------------------- shipped data


def test_shares_add_to_100_percent_on_every_date(shipped: analytics.Analytics) -> None:
    for day in shipped.dates:
        assert sum(s.percent for s in shipped.shares[day]) == pytest.approx(100, abs=0.1)
        for region in shipped.regions[day]:
            assert sum(s.percent for s in region.shares) == pytest.approx(100, abs=0.1), (day, region.name)


def test_governorate_areas_add_up_to_the_zone_files_area(shipped_atlas: Atlas, shipped: analytics.Analytics) -> None:
    for day in shipped.dates:
        *governorates, country = shipped.regions[day]
        for share in country.shares:
            summed = sum(s.area_km2 for r in governorates for s in r.shares if s.faction == share.faction)
            assert summed == pytest.approx(share.area_km2, rel=1e-3, abs=2.0), (day, share.faction)


def test_changes_from_4_to_5_december_include_hama_government_to_hts(
    shipped_atlas: Atlas, shipped: analytics.Analytics
) -> None:
    pair = analytics.changes(shipped, D("2024-12-04"), D("2024-12-05"))
    assert pair.places[0].event.place_id == "hama"
    assert (pair.places[0].previous, pair.places[0].event.holder) == ("government", "hts")
    hama = next(p for p in shipped_atlas.timeline.places if p.id == "hama")
    under_hama = [c for c in pair.ground if c.geometry.covers(Point(hama.lon, hama.lat))]
    assert [(c.previous, c.holder) for c in under_hama] == [("government", "hts")]


def test_a_changes_view_between_a_shipped_date_and_itself_is_empty(shipped: analytics.Analytics) -> None:
    for day in shipped.dates:
        pair = analytics.changes(shipped, day, day)
        assert pair.ground == () and pair.places == ()


def test_shipped_population_is_the_same_total_on_every_date(shipped: analytics.Analytics) -> None:
    totals = {sum(r.known for r in shipped.populations[d]) for d in shipped.dates}
    assert totals == {shipped.coverage.known}
    estimates = {sum(r.unknown_estimate for r in shipped.populations[d]) for d in shipped.dates}
    assert estimates == {shipped.coverage.unknown_estimate}


def test_the_country_has_the_same_area_on_every_date(shipped: analytics.Analytics) -> None:
    """The area chart's km² scale is the % scale times this one total."""
    totals = [sum(s.area_km2 for s in shipped.shares[d]) for d in shipped.dates]
    assert max(totals) - min(totals) < 1e-3 * totals[0]
