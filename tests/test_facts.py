"""Dated, sourced facts against the BUILT zones: does the map put each place in the right hands on that day?

tests/fixtures/facts.csv holds one fact a row (date, place, lat, lon, expected holder, source URL, note), drawn
from the sources listed in data/geo/SOURCES.md. Some are control points; at least ten are places between control
points (GeoNames coordinates), where only the shape of the zones decides. Wrong facts are never "fixed" here:
fix the data (places.csv, events.csv) and rebuild.
"""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from shapely.geometry import Point, shape

from dashboard.config import DEFAULT_DATA_DIR
from dashboard.load import load_atlas
from dashboard.model import Atlas

FACTS_CSV = Path(__file__).parent / "fixtures" / "facts.csv"
COLUMNS = ["date", "place", "lat", "lon", "expected_holder", "source_url", "note"]
BETWEEN_KM = 0.5  # a fact this far from every control point is "between control points"


@dataclass(frozen=True)
class Fact:
    day: date
    place: str
    lat: float
    lon: float
    expected: str
    source_url: str
    note: str


def read_facts(path: Path = FACTS_CSV) -> list[Fact]:
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        assert reader.fieldnames == COLUMNS, reader.fieldnames
        return [
            Fact(date.fromisoformat(r["date"]), r["place"], float(r["lat"]), float(r["lon"]), r["expected_holder"],
                 r["source_url"], r["note"])
            for r in reader
        ]  # fmt: skip


def holder_in_zones(atlas: Atlas, day: date, lon: float, lat: float) -> str | None:
    """The faction whose built zone covers the point on `day` (None if none does)."""
    location = Point(lon, lat)
    for feature in atlas.zones[day]["features"]:
        if shape(feature["geometry"]).covers(location):
            return feature["properties"]["faction"]
    return None


def check(atlas: Atlas, facts: list[Fact]) -> list[tuple[Fact, str | None]]:
    """The facts the zones get wrong, each with the holder the map shows instead."""
    wrong = []
    for fact in facts:
        shown = holder_in_zones(atlas, fact.day, fact.lon, fact.lat)
        if shown != fact.expected:
            wrong.append((fact, shown))
    return wrong


def km_to_nearest_control_point(atlas: Atlas, fact: Fact) -> float:
    scale = math.cos(math.radians(fact.lat))
    return min(math.hypot((p.lon - fact.lon) * scale, p.lat - fact.lat) * 111.32 for p in atlas.timeline.places)


@pytest.fixture(scope="module")
def atlas() -> Atlas:
    return load_atlas(DEFAULT_DATA_DIR)


@pytest.fixture(scope="module")
def facts() -> list[Fact]:
    return read_facts()


def test_the_facts_are_many_dated_sourced_and_partly_between_control_points(atlas: Atlas, facts: list[Fact]) -> None:
    assert len(facts) >= 40
    sources = (DEFAULT_DATA_DIR / "SOURCES.md").read_text(encoding="utf-8")
    for fact in facts:
        assert fact.day in atlas.dates, fact
        assert fact.expected in atlas.timeline.faction_ids, fact
        assert f"<{fact.source_url}>" in sources, f"{fact.place}: source not listed in SOURCES.md"
    between = [f for f in facts if km_to_nearest_control_point(atlas, f) >= BETWEEN_KM]
    assert len(between) >= 10, [f.place for f in between]


def test_the_built_zones_agree_with_every_fact(atlas: Atlas, facts: list[Fact]) -> None:
    wrong = check(atlas, facts)
    right = len(facts) - len(wrong)
    print(f"\nfacts right: {right}/{len(facts)} ({100 * right / len(facts):.1f}%)")
    assert [f"{f.day} {f.place}: expected {f.expected}, zones show {shown}" for f, shown in wrong] == []


def test_the_check_catches_a_wrong_fact(atlas: Atlas, facts: list[Fact]) -> None:
    """The comparison can fail: the same facts with another holder are all reported wrong."""
    ids = atlas.timeline.faction_ids
    flipped = [Fact(f.day, f.place, f.lat, f.lon, ids[(ids.index(f.expected) + 1) % len(ids)], f.source_url, f.note)
               for f in facts]  # fmt: skip
    assert len(check(atlas, flipped)) == len(facts)
