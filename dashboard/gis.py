"""The control zones as files a GIS opens directly (QGIS, ArcGIS): GeoPackage, zipped Shapefile and FlatGeobuf,
besides the GeoJSON of `downloads`, written with geopandas (pyogrio) in WGS84. Each carries the title, dates,
licence, sources and attribution: as dataset metadata (GeoPackage), layer title and description (FlatGeobuf), or a
LICENCE.txt beside the layer in the zip (Shapefile has no place for it).
"""

from __future__ import annotations

import io
import tempfile
import zipfile
from datetime import date
from pathlib import Path

import geopandas as gpd

from dashboard.downloads import Download, metadata
from dashboard.model import Atlas

CRS = "EPSG:4326"
LAYER = "zones"
# The file name's ending (after "zones."), the GDAL driver and the media type.
FORMATS = {
    "gpkg": ("GPKG", "application/geopackage+sqlite3"),
    "fgb": ("FlatGeobuf", "application/octet-stream"),
    "shp.zip": ("ESRI Shapefile", "application/zip"),
}


def zones_frame(atlas: Atlas, day: date | None) -> gpd.GeoDataFrame:
    """Every faction's zone on `day` (every date if None), one row each, with its date."""
    days = atlas.dates if day is None else (day,)
    features = [
        {**f, "properties": {**f["properties"], "date": d.isoformat()}}
        for d in days
        for f in atlas.zones[d]["features"]
    ]
    return gpd.GeoDataFrame.from_features(features, crs=CRS)


def zones_file(atlas: Atlas, day: date | None, fmt: str, lang: str = "en") -> Download:
    """The zones on `day` (every date if None) as `fmt` (a key of FORMATS), described in `lang`."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}: one of {', '.join(FORMATS)}")
    if day is not None and day not in atlas.zones:
        raise ValueError(f"no data for {day}")
    driver, media_type = FORMATS[fmt]
    meta = metadata(atlas, "zones", day, lang)
    frame = zones_frame(atlas, day)
    scope = day.isoformat() if day else f"{atlas.dates[0]}_{atlas.dates[-1]}"
    name = f"syria-control-{scope}-zones"
    with tempfile.TemporaryDirectory() as folder:
        if fmt == "shp.zip":
            body = _shapefile(frame, Path(folder), name, meta)
        else:
            path = Path(folder) / f"{name}.{fmt}"
            if fmt == "gpkg":
                frame.to_file(path, driver=driver, layer=LAYER, engine="pyogrio", dataset_metadata=meta)
            else:
                about = {"TITLE": meta["title"], "DESCRIPTION": _text(meta)}
                frame.to_file(path, driver=driver, engine="pyogrio", layer_options=about)
            body = path.read_bytes()
    return Download(f"{name}.{fmt}", media_type, body)


def _text(meta: dict[str, str]) -> str:
    return "\n".join(f"{key}: {value}" for key, value in meta.items())


def _shapefile(frame: gpd.GeoDataFrame, folder: Path, name: str, meta: dict[str, str]) -> bytes:
    """The layer's files (.shp, .shx, .dbf, .prj, .cpg) and LICENCE.txt, zipped."""
    frame.to_file(folder / f"{name}.shp", driver="ESRI Shapefile", engine="pyogrio", encoding="UTF-8")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(folder.iterdir()):
            archive.write(path, path.name)
        archive.writestr("LICENCE.txt", _text(meta) + "\n")
    return buffer.getvalue()
