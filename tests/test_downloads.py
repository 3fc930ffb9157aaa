"""Downloads parse as CSV / GeoJSON, hold the expected rows, and name their sources and licence."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import date
from pathlib import Path

import pytest
from toy import toy_atlas

from dashboard import analytics, downloads
from dashboard.config import DEFAULT_DATA_DIR
from dashboard.load import load_atlas

D = date.fromisoformat
ATLAS = toy_atlas()
ANALYTICS = analytics.compute(ATLAS)
SCOPES = [D("2024-12-05"), None]


def get(kind: downloads.Kind, day: date | None) -> downloads.Download:
    return downloads.download(ATLAS, ANALYTICS, kind, day)


def read_csv(body: bytes) -> tuple[dict[str, str], list[dict[str, str]]]:
    """The `# key: value` metadata lines, then the table."""
    lines = body.decode().splitlines(keepends=True)
    meta = dict(line[2:].rstrip("\n").split(": ", 1) for line in lines if line.startswith("#"))
    table = [line for line in lines if not line.startswith("#")]
    return meta, list(csv.DictReader(io.StringIO("".join(table))))


def metadata_of(kind: downloads.Kind, day: date | None) -> dict[str, str]:
    body = get(kind, day).body
    return json.loads(body)["metadata"] if kind == "zones" else read_csv(body)[0]


@pytest.mark.parametrize("day", SCOPES)
@pytest.mark.parametrize("kind", downloads.KINDS)
def test_every_file_names_its_sources_and_licence(kind: downloads.Kind, day: date | None) -> None:
    meta = metadata_of(kind, day)
    assert meta["licence"] == "CC BY 4.0 (https://creativecommons.org/licenses/by/4.0/)"
    assert meta["attribution"] == ATLAS.attribution
    assert meta["title"].startswith("Territorial control in Syria: ") and "SOURCES.md" in meta["sources"]
    assert meta["dates"] == ("2024-12-05" if day else "2024-11-26 to 2024-12-10")


def latin_words(value: str) -> set[str]:
    """Latin words outside file names, code, URLs, column names and the names of sources and licences a reader
    looks up as written."""
    value = re.sub(r"`[^`]*`|\S+\.(csv|md)\b|https?://\S+|\(CC BY 4\.0\)|WGS84|10m|admin-1", " ", value)
    names = {"GeoNames", "Who's", "On", "First", "Natural", "Earth", "CC", "BY"}
    columns = {name for kind in ("places", "events", "areas") for name in read_csv(get(kind, None).body)[1][0]}
    return {w for w in re.findall(r"[A-Za-z_']+[0-9]*", value) if w not in names | columns}


@pytest.mark.parametrize("day", SCOPES)
@pytest.mark.parametrize("kind", downloads.KINDS)
def test_the_arabic_files_lead_with_arabic_words_and_keep_the_english_columns(
    kind: downloads.Kind, day: date | None
) -> None:
    """Leading lines in Arabic; keys and column names the same in both editions, so one script reads either."""
    english, arabic = get(kind, day), downloads.download(ATLAS, ANALYTICS, kind, day, "ar")
    meta = json.loads(arabic.body)["metadata"] if kind == "zones" else read_csv(arabic.body)[0]
    assert meta.keys() == metadata_of(kind, day).keys()
    assert meta["title"].startswith("السيطرة على الأرض في سوريا") and "SOURCES.md" in meta["sources"]
    assert meta["attribution"] == " ".join(ATLAS.attribution_in("ar").split())
    for key in ("title", "dates", "sources"):
        assert not latin_words(meta[key]), (key, meta[key])
    assert arabic.filename == english.filename
    if kind != "zones":
        assert read_csv(arabic.body)[1][0].keys() == read_csv(english.body)[1][0].keys()


def test_the_arabic_area_table_names_the_factions_in_arabic() -> None:
    _, rows = read_csv(downloads.download(ATLAS, ANALYTICS, "areas", D("2024-12-05"), "ar").body)
    labels = {f.id: f.label_ar for f in ATLAS.timeline.factions}
    assert {r["faction_label"] for r in rows} == {labels[r["faction"]] for r in rows}


def test_file_names_say_what_and_when() -> None:
    assert get("zones", D("2024-12-05")).filename == "syria-control-2024-12-05-zones.geojson"
    assert get("areas", None).filename == "syria-control-2024-11-26_2024-12-10-areas.csv"
    assert get("places", None).media_type == "text/csv; charset=utf-8"


def test_zones_of_a_date_are_that_dates_zone_file_plus_metadata() -> None:
    collection = json.loads(get("zones", D("2024-12-05")).body)
    assert collection["features"] == ATLAS.zones[D("2024-12-05")]["features"]


def test_zones_of_the_series_carry_their_date() -> None:
    features = json.loads(get("zones", None).body)["features"]
    assert len(features) == sum(len(ATLAS.zones[d]["features"]) for d in ATLAS.dates)
    assert {f["properties"]["date"] for f in features} == {d.isoformat() for d in ATLAS.dates}


def test_places_with_their_holder_on_a_date_and_over_the_series() -> None:
    _, rows = read_csv(get("places", D("2024-12-04")).body)
    assert {r["place_id"]: r["holder"] for r in rows}["hama"] == "government"
    _, rows = read_csv(get("places", None).body)
    hama = next(r for r in rows if r["place_id"] == "hama")
    assert (hama["holder_2024-12-04"], hama["holder_2024-12-05"], hama["population"]) == ("government", "hts", "460602")
    assert len(rows) == len(ATLAS.timeline.places)


def test_events_of_a_date_with_the_previous_holder_and_source() -> None:
    _, rows = read_csv(get("events", D("2024-12-05")).body)
    assert rows == [
        {
            "date": "2024-12-05",
            "place_id": "hama",
            "name_en": "Hama",
            "name_ar": "حماة",
            "governorate": "Hama",
            "previous_holder": "government",
            "holder": "hts",
            "confidence": "confirmed",
            "source_title": "Report on hama",
            "source_url": "https://example.org/hama/2024-12-05",
            "note": "",
        }
    ]
    _, every = read_csv(get("events", None).body)
    assert [r["place_id"] for r in every] == ["aleppo", "morek", "hama"]


def test_area_table_shares_add_to_100_percent_per_region_and_date() -> None:
    _, rows = read_csv(get("areas", None).body)
    totals: dict[tuple[str, str], float] = {}
    for row in rows:
        key = (row["date"], row["region"])
        totals[key] = totals.get(key, 0.0) + float(row["percent_of_region"])
    assert {region for _, region in totals} == {"East", "West", "Syria"}
    assert all(total == pytest.approx(100, abs=0.1) for total in totals.values())


def test_unknown_kind_or_date_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown download"):
        downloads.download(ATLAS, ANALYTICS, "pictures", None)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="no data for 2025-01-01"):
        get("zones", D("2025-01-01"))


@pytest.mark.parametrize("file", ["places.csv", "events.csv", "zones/YYYY-MM-DD.geojson"])
def test_the_licence_we_state_is_the_one_sources_md_gives(file: str) -> None:
    sources = (Path(DEFAULT_DATA_DIR) / "SOURCES.md").read_text(encoding="utf-8")
    row = next(line for line in sources.splitlines() if line.startswith(f"| `{file}`"))
    licence = row.rstrip(" |").rsplit("|", 1)[1]
    assert re.search(r"\bCC BY 4\.0\b", licence), row


def test_the_readmes_way_to_skip_the_metadata_lines_is_right() -> None:
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    skip = int(re.search(r"read_csv\(path, skiprows=(\d+)\)", readme).group(1))  # type: ignore[union-attr]
    for kind, header in (("places", "place_id,"), ("events", "date,"), ("areas", "date,")):
        lines = get(kind, None).body.decode().splitlines()  # type: ignore[arg-type]
        assert all(line.startswith("# ") for line in lines[:skip]) and lines[skip].startswith(header)


def test_the_area_table_gives_the_claimed_part_of_each_factions_ground() -> None:
    atlas = load_atlas(DEFAULT_DATA_DIR)
    day = D("2024-12-11")
    _, rows = read_csv(downloads.download(atlas, analytics.compute(atlas), "areas", day).body)
    country = {r["faction"]: float(r["claimed_km2"]) for r in rows if r["region"] == "Syria"}
    claimed: dict[str, float] = {}
    for feature in atlas.claimed[day]["features"]:
        faction = feature["properties"]["faction"]
        claimed[faction] = claimed.get(faction, 0.0) + feature["properties"]["area_km2"]
    assert claimed, "the shipped record has claimed ground on 11 Dec"
    assert country == pytest.approx({f: claimed.get(f, 0.0) for f in country}, abs=0.1)
    by_governorate = sum(float(r["claimed_km2"]) for r in rows if r["region"] != "Syria")
    assert by_governorate == pytest.approx(sum(claimed.values()), rel=0.02)
