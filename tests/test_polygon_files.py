"""Analysts' polygons in the formats QGIS writes: the valid fixture's override, saved as GeoPackage, Shapefile, KML,
FlatGeobuf or GeoJSON in another CRS, reads back as the same polygon in WGS84; a file with no CRS or that is not
what its name says is a problem naming the file and the rule."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import geopandas
import pytest
import shapely
from shapely.geometry import shape

from dashboard.load import read_inputs
from dashboard.polygon_files import PolygonFileError, polygon_files, read_feature_collection
from dashboard.problems import Report

VALID = Path(__file__).resolve().parent / "fixtures" / "valid"
OVERRIDE = VALID / "zones" / "overrides" / "2024-11-29.geojson"
SQUARE = shape(json.loads(OVERRIDE.read_text())["features"][0]["geometry"])  # 36.50-36.72 E, 35.85-35.98 N


def saved(folder: Path, name: str, crs: str = "EPSG:4326", driver: str | None = None) -> Path:
    """The fixture's override saved as `name` in `crs` (as QGIS's 'Save Features As…' would)."""
    frame = geopandas.read_file(OVERRIDE).to_crs(crs)
    folder.mkdir(parents=True, exist_ok=True)
    frame.to_file(folder / name, driver=driver)
    return folder / name


def same_square(collection: dict) -> bool:
    [feature] = collection["features"]
    return shapely.equals_exact(shape(feature["geometry"]).normalize(), SQUARE.normalize(), tolerance=1e-6)


@pytest.mark.parametrize(
    ("name", "crs", "driver"),
    [
        ("a.gpkg", "EPSG:3857", None),  # Web Mercator metres
        ("a.shp", "EPSG:32637", None),  # UTM 37N, Syria's usual projected CRS
        ("a.kml", "EPSG:4326", "KML"),
        ("a.fgb", "EPSG:3857", None),
        ("a.geojson", "EPSG:4326", None),
    ],
)
def test_each_format_reads_back_as_the_same_polygon_in_wgs84(tmp_path: Path, name: str, crs: str, driver):
    collection = read_feature_collection(saved(tmp_path, name, crs, driver))
    assert same_square(collection)
    assert collection["features"][0]["properties"]["faction"] == "hts"


def test_a_shapefile_without_its_prj_is_refused_not_guessed(tmp_path: Path):
    path = saved(tmp_path, "a.shp", "EPSG:3857")
    path.with_suffix(".prj").unlink()
    with pytest.raises(PolygonFileError) as raised:
        read_feature_collection(path)
    assert raised.value.rule == "crs" and ".prj" in str(raised.value)


def test_a_file_that_is_not_what_its_name_says_is_unreadable(tmp_path: Path):
    path = tmp_path / "a.gpkg"
    path.write_text("not a GeoPackage", encoding="utf-8")
    with pytest.raises(PolygonFileError) as raised:
        read_feature_collection(path)
    assert raised.value.rule == "unreadable" and "GeoPackage" in str(raised.value)


def test_only_known_formats_are_listed_and_a_shapefile_once(tmp_path: Path):
    saved(tmp_path, "b.shp")
    (tmp_path / "notes.txt").write_text("x", encoding="utf-8")
    saved(tmp_path, "a.gpkg")
    assert [p.name for p in polygon_files(tmp_path)] == ["a.gpkg", "b.shp"]


def data_with_override(tmp_path: Path, name: str, crs: str) -> Path:
    data = tmp_path / "data"
    shutil.copytree(VALID, data)
    (data / "zones" / "overrides" / OVERRIDE.name).unlink()
    saved(data / "zones" / "overrides", name, crs)
    return data


@pytest.mark.parametrize(("name", "crs"), [("2024-11-29.gpkg", "EPSG:3857"), ("2024-11-29.geojson", "EPSG:3857")])
def test_an_override_in_another_format_or_crs_becomes_the_same_override(tmp_path: Path, name: str, crs: str):
    report = Report()
    inputs = read_inputs(data_with_override(tmp_path, name, crs), report)
    assert report.problems == [] and inputs is not None
    [override] = inputs.overrides
    assert (override.faction, override.label) == ("hts", f"overrides/{name}#feature 0")
    assert shapely.equals_exact(override.geometry.normalize(), SQUARE.normalize(), tolerance=1e-6)


def test_an_area_polygon_as_a_geopackage_still_needs_its_provenance(tmp_path: Path):
    data = tmp_path / "data"
    shutil.copytree(VALID, data)
    saved(data / "areas", "idlib_pocket.gpkg", "EPSG:3857")
    report = Report()
    read_inputs(data, report)
    assert [(p.file, p.rule) for p in report.problems] == [("areas/idlib_pocket.gpkg", "provenance")]
