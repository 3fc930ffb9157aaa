"""`python -m dashboard build` end to end on a copy of the shipped data."""

from __future__ import annotations

import csv
import hashlib
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from shapely.geometry import Point, box, shape

from dashboard.config import DEFAULT_DATA_DIR


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "dashboard", *args], capture_output=True, text=True, check=False)


def digests(folder: Path, pattern: str = "*") -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob(pattern))
        if p.is_file()
    }


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    target = tmp_path / "geo"
    shutil.copytree(DEFAULT_DATA_DIR, target)
    return target


def test_build_reproduces_the_shipped_zones_byte_for_byte(data_copy: Path) -> None:
    shutil.rmtree(data_copy / "zones" / "claimed")
    for built_file in (data_copy / "zones").glob("????-??-??.geojson"):
        built_file.unlink()  # zones/overrides/ are analyst input and stay
    first = run_cli("build", "--data-dir", str(data_copy))
    assert first.returncode == 0, first.stderr
    assert digests(data_copy / "zones") == digests(DEFAULT_DATA_DIR / "zones", "????-??-??.geojson")
    built = digests(data_copy / "zones")
    second = run_cli("build", "--data-dir", str(data_copy))
    assert second.returncode == 0, second.stderr
    assert digests(data_copy / "zones") == built


def test_build_leaves_analyst_files_untouched_and_no_temporary_files(data_copy: Path) -> None:
    before = {k: v for k, v in digests(data_copy).items() if not k.startswith("zones/2")}
    assert run_cli("build", "--data-dir", str(data_copy)).returncode == 0
    after = {k: v for k, v in digests(data_copy).items() if not k.startswith("zones/2")}
    assert after == before
    assert not list(data_copy.rglob("*.tmp"))


def test_build_refuses_bad_input_and_writes_nothing(data_copy: Path) -> None:
    before = digests(data_copy / "zones")
    with (data_copy / "events.csv").open("a", encoding="utf-8") as handle:
        handle.write("2024-12-01,atlantis,hts,reported,https://www.politico.eu/x,Ex,2024-12-01,Names Atlantis,,,\n")
    result = run_cli("build", "--data-dir", str(data_copy))
    assert result.returncode == 1
    assert "events.csv row" in result.stderr and "unknown-place" in result.stderr and "atlantis" in result.stderr
    assert digests(data_copy / "zones") == before


def test_an_override_wins_from_its_date_on(data_copy: Path) -> None:
    """A hand-drawn SDF square in the open desert of Homs governorate, far from any control point."""
    square = [[38.4, 34.2], [38.6, 34.2], [38.6, 34.4], [38.4, 34.4], [38.4, 34.2]]
    inside = Point(38.5, 34.3)
    with (data_copy / "places.csv").open(encoding="utf-8") as handle:
        places = [Point(float(row["lon"]), float(row["lat"])) for row in csv.DictReader(handle)]
    assert not any(box(38.4, 34.2, 38.6, 34.4).covers(p) for p in places), "the test square must hold no control point"
    override = {
        "type": "FeatureCollection",
        "features": [{"type": "Feature", "properties": {"faction": "sdf"},
                      "geometry": {"type": "Polygon", "coordinates": [square]}}],
    }  # fmt: skip
    (data_copy / "zones" / "overrides").mkdir(parents=True, exist_ok=True)
    (data_copy / "zones" / "overrides" / "2024-12-02.geojson").write_text(json.dumps(override))
    result = run_cli("build", "--data-dir", str(data_copy))
    assert result.returncode == 0, result.stderr

    def holder_at(day: str) -> str:
        collection = json.loads((data_copy / "zones" / f"{day}.geojson").read_text())
        return next(f["properties"]["faction"] for f in collection["features"] if shape(f["geometry"]).covers(inside))

    assert holder_at("2024-12-01") != "sdf"
    assert holder_at("2024-12-02") == "sdf"
    assert holder_at("2024-12-05") == "sdf"


def test_info_prints_each_factions_share_per_date() -> None:
    result = run_cli("info")
    assert result.returncode == 0, result.stderr
    assert "2024-11-26" in result.stdout and "2024-12-08" in result.stdout
    assert "government" in result.stdout and "%" in result.stdout


def test_claimed_ground_is_inside_its_factions_zone_and_only_where_the_latest_change_is_claimed() -> None:
    from dashboard.load import load_atlas
    from dashboard.timeline import events_by_place, latest_event

    atlas = load_atlas(DEFAULT_DATA_DIR)
    events = events_by_place(atlas.timeline.events)
    for day in atlas.dates:
        zones = {f["properties"]["faction"]: shape(f["geometry"]) for f in atlas.zones[day]["features"]}
        claimed = {f["properties"]["faction"]: shape(f["geometry"]) for f in atlas.claimed[day]["features"]}
        for faction, ground in claimed.items():
            assert zones[faction].buffer(2e-5).covers(ground), (day, faction)  # within rounding (≈ 1 m)
        for place in atlas.timeline.places:
            last = latest_event(events.get(place.id, ()), day)
            here = Point(place.lon, place.lat)
            in_claimed = any(g.covers(here) for g in claimed.values())
            if last is None or last.confidence != "claimed":
                assert not any(g.contains(here) for g in claimed.values()), (day, place.id)
            elif any(z.covers(here) for z in zones.values()):
                assert in_claimed, (day, place.id)
    assert any(atlas.claimed[d]["features"] for d in atlas.dates)


def test_info_compare_prints_our_share_next_to_each_published_figure() -> None:
    result = run_cli("info", "--compare")
    assert result.returncode == 0, result.stderr
    jusoor = result.stdout.split("\n\n")[0]
    assert "ours on 2024-11-26" in jusoor and "published  63.4 %" in jusoor
    lines = [line for line in jusoor.splitlines() if "published" in line]
    assert len(lines) == 3
    for line in lines:  # every faction within 2 points of Jusoor on 26 Nov 2024
        assert abs(float(line.split("difference")[1].split()[0])) <= 2.0, line
    assert "of it claimed" in result.stdout


def test_sources_prints_rows_per_domain_and_url_and_the_confidence_mix() -> None:
    result = run_cli("sources")
    assert result.returncode == 0, result.stderr
    head, _, rest = result.stdout.partition("\nrows per domain:\n")
    domains, _, urls = rest.partition("\nrows per URL:\n")
    points = int(head.split(" point rows")[0])
    areas = int(head.split("(events.csv), ")[1].split(" area rows")[0])
    mix = dict(item.split() for item in head.split("confidence: ")[1].splitlines()[0].split(", "))
    assert sum(int(n) for n in mix.values()) == points + areas
    assert sum(int(line.split()[0]) for line in domains.strip().splitlines()) == points + areas
    assert sum(int(line.split()[0]) for line in urls.strip().splitlines()) == points + areas
    assert "(mirror)" not in domains and "(unlisted)" not in domains
