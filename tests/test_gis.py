"""The zones as GIS files (GeoPackage, zipped Shapefile, FlatGeobuf): read back with pyogrio, they hold the same
zones as the GeoJSON download, in WGS84, with the licence and attribution; served under /download/<date>/."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path
from typing import Any

import geopandas as gpd
import pyogrio
import pytest
import shapely
from toy import D, toy_atlas

from dashboard import gis

ATLAS = toy_atlas()
DAY = D("2024-12-05")


def read(fmt: str, body: bytes, folder: Path) -> tuple[gpd.GeoDataFrame, dict[str, Any], Path]:
    if fmt == "shp.zip":
        zipfile.ZipFile(io.BytesIO(body)).extractall(folder)
        path = next(folder.glob("*.shp"))
    else:
        path = folder / f"zones.{fmt}"
        path.write_bytes(body)
    return gpd.read_file(path, engine="pyogrio"), pyogrio.read_info(path), path


@pytest.mark.parametrize("fmt", list(gis.FORMATS))
def test_a_gis_file_holds_the_days_zones_in_wgs84_with_their_licence(fmt: str, tmp_path: Path) -> None:
    made = gis.zones_file(ATLAS, DAY, fmt)
    assert made.filename == f"syria-control-2024-12-05-zones.{fmt}"
    frame, info, path = read(fmt, made.body, tmp_path)
    assert frame.crs.to_epsg() == 4326
    frame = frame.sort_values("faction").reset_index(drop=True)  # FlatGeobuf orders features by its spatial index
    zones = sorted(ATLAS.zones[DAY]["features"], key=lambda f: f["properties"]["faction"])
    assert list(frame["faction"]) == [f["properties"]["faction"] for f in zones]
    assert list(frame["area_km2"]) == pytest.approx([f["properties"]["area_km2"] for f in zones])
    assert set(frame["date"]) == {"2024-12-05"}
    for geometry, feature in zip(frame.geometry, zones, strict=True):
        assert geometry.equals(shapely.geometry.shape(feature["geometry"]))
    if fmt == "gpkg":
        about = json.dumps(info["dataset_metadata"])
    elif fmt == "fgb":
        about = json.dumps(info["layer_metadata"])
    else:
        about = (tmp_path / "LICENCE.txt").read_text(encoding="utf-8")
        assert path.with_suffix(".prj").exists()
    assert "CC BY 4.0" in about and "Natural Earth" in about


def test_every_date_in_one_file() -> None:
    frame = gis.zones_frame(ATLAS, None)
    assert sorted(set(frame["date"])) == [d.isoformat() for d in ATLAS.dates]


@pytest.mark.parametrize("fmt", list(gis.FORMATS))
def test_served_under_download(client: Any, fmt: str, tmp_path: Path) -> None:
    response = client.get(f"/download/2024-12-05/zones.{fmt}")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == f'attachment; filename="syria-control-2024-12-05-zones.{fmt}"'
    frame, _, _ = read(fmt, response.data, tmp_path)
    assert len(frame) == len(ATLAS.zones[DAY]["features"])
    assert client.get(f"/download/2024-12-04x/zones.{fmt}").status_code == 404
    assert client.get("/download/2024-12-05/places.gpkg").status_code == 404
