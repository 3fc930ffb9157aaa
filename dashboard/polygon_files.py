"""Analysts' polygon files in the formats QGIS writes, read as a GeoJSON FeatureCollection in WGS84.

Area polygons (`areas/`) and hand-drawn overrides (`zones/overrides/`) are drawn in QGIS or geojson.io; asking
analysts to convert them first loses the CRS check and invites mistakes, so geopandas reads them as saved.
"""

from __future__ import annotations

import json
from pathlib import Path

import geopandas
import pyogrio.errors

from dashboard.model import GeoJSON

# suffix → what to call it in messages; a Shapefile's .dbf/.prj/.shx sit beside its .shp
FORMATS = {
    ".geojson": "GeoJSON",
    ".gpkg": "GeoPackage",
    ".shp": "Shapefile",
    ".kml": "KML",
    ".fgb": "FlatGeobuf",
}
WGS84 = "EPSG:4326"


class PolygonFileError(ValueError):
    """A file that cannot be read as polygons in a known CRS; `rule` names the check for the problem list."""

    def __init__(self, rule: str, message: str) -> None:
        super().__init__(message)
        self.rule = rule


def polygon_files(folder: Path) -> list[Path]:
    """The readable files in `folder`, by name."""
    if not folder.is_dir():
        return []
    return sorted(path for path in folder.iterdir() if path.suffix.lower() in FORMATS and path.is_file())


def read_feature_collection(path: Path) -> GeoJSON:
    """Every feature of the file's first layer, reprojected to WGS84 (lon/lat).

    A file whose CRS is unknown (a Shapefile without its .prj) is refused: guessing degrees would put the
    polygon anywhere.
    """
    try:
        frame = geopandas.read_file(path)
    except (pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError, OSError, ValueError) as error:
        kind = FORMATS.get(path.suffix.lower(), "file")
        raise PolygonFileError("unreadable", f"not a readable {kind}: {error}") from error
    if frame.crs is None:
        raise PolygonFileError("crs", "no CRS (for a Shapefile, keep its .prj beside it): cannot place it on a map")
    frame = frame.to_crs(WGS84)
    return json.loads(frame.to_json(na="drop", drop_id=True))
