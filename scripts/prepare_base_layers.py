"""Derive the web-ready base layers in data/geo/base/ from the read-only reference in shared/reference/geo.

Usage (from the repository root)::

    python scripts/prepare_base_layers.py --reference ../shared/reference/geo --out data/geo/base

What it does
------------
* Builds one regional polygon coverage: the 14 Natural Earth governorates (Quneitra split into
  "Quneitra without UNDOF" + "UNDOF zone"), the Golan Heights and the clipped neighbour countries.
  The reference Golan polygon overlaps NE Lebanon by a few m² and is not vertex-matched to it, so
  Lebanon is snapped to the Golan's vertices (<= 2e-5 deg) and the overlap is removed from the Golan.
* Simplifies that coverage in one pass with ``shapely.coverage_simplify`` (topology-preserving
  Visvalingam-Whyatt). Shared borders (governorate/governorate, Syria/neighbour, Syria/Golan) stay
  shared: no gaps, no overlaps, no slivers between layers.
* country.geojson is the union of the simplified governorates, computed once and checked to equal
  the union of the governorates as read back from disk.
* Lines (rivers) and lakes are simplified independently with Douglas-Peucker.
* Coordinates: the reference is already on a 1e-5 deg grid and simplification only drops vertices,
  so output keeps 5 decimals without moving any vertex (rounding to 4 decimals would move shared
  vertices by up to ~7 m and can break validity).
* Output is RFC 7946 GeoJSON: WGS84 lon/lat, exterior rings counter-clockwise, holes clockwise,
  one feature per line, deterministic bytes, each file written atomically (temp file + os.replace).

Checks (the script exits non-zero if one fails): every geometry valid; governorates form a valid
coverage with no gaps/overlaps (``coverage_is_valid(gap_width=...)``); the regional coverage too;
country == union(governorates) exactly; country area within 0.1 % of the reference de facto outline
(geodesic area, pyproj.Geod); outline Hausdorff distance to the reference <= 300 m.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import shapely
from pyproj import Geod, Transformer
from shapely.geometry import mapping, shape
from shapely.geometry.base import BaseGeometry

DECIMALS = 5
DEFAULT_TOLERANCE = 0.002  # deg, coverage_simplify (VW) tolerance: max outline deviation ~100 m
RIVER_TOLERANCE = 0.002  # deg (~200 m), Douglas-Peucker, Natural Earth rivers
GSHHG_TOLERANCE = 0.003  # deg (~300 m); WDB II itself is only good to ~5-8 km
LAKE_TOLERANCE = 0.001  # deg (~100 m)
GAP_WIDTH = 0.005  # deg (~500 m): report gaps/slivers narrower than this (0.01 flags a real notch at the Yarmouk)
MAX_AREA_DIFF_PCT = 0.1
MAX_HAUSDORFF_M = 300.0
MAX_TOTAL_BYTES = 400_000

GEOD = Geod(ellps="WGS84")
# Lambert azimuthal equal-area centred on Syria: metric distances for the Hausdorff check.
_LAEA = Transformer.from_crs("EPSG:4326", "+proj=laea +lat_0=35 +lon_0=38.5 +datum=WGS84", always_xy=True)

GSHHG_SOURCE = "GSHHG 2.3.6 / WDB II rivers (P. Wessel & W.H.F. Smith), LGPL-3.0-or-later"
HIGHWAY_NOTE = (
    "Schematic only: straight segments between GeoNames town waypoints, NOT road geometry "
    "(expect deviations of several km)."
)

# Short status texts for the disputed areas (our own wording).
DISPUTED_STATUS: dict[str, str] = {
    "Golan Heights": (
        "Syrian territory held by Israel since 1967; Israel's 1981 annexation is not recognised "
        "internationally and Syria claims the area."
    ),
    "UNDOF Zone (Area of Separation)": (
        "UN-monitored separation zone created by the 1974 disengagement agreement, part of Quneitra "
        "governorate; Israeli troops have been inside it since 8 Dec 2024."
    ),
    "Shebaa Farms": (
        "Small Israeli-held strip on the slopes of Mount Hermon; claimed by Lebanon, treated by the UN "
        "as part of the occupied Golan."
    ),
}


class CheckError(RuntimeError):
    """A quality check on the derived layers failed."""


# --------------------------------------------------------------------------------------------- I/O


def read_features(path: Path) -> list[tuple[dict[str, Any], BaseGeometry]]:
    data = json.loads(path.read_text(encoding="utf-8"))
    return [(f["properties"], shape(f["geometry"])) for f in data["features"]]


def _round_coords(obj: Any) -> Any:
    if isinstance(obj, (list, tuple)):
        if obj and isinstance(obj[0], (int, float)):
            return [round(float(v), DECIMALS) + 0.0 for v in obj]  # + 0.0 turns -0.0 into 0.0
        return [_round_coords(v) for v in obj]
    return obj


def rfc7946(geom: BaseGeometry) -> BaseGeometry:
    """Single-part multi -> simple type; polygon exterior rings CCW, holes CW (RFC 7946 s3.1.6)."""
    if isinstance(geom, shapely.MultiPolygon | shapely.MultiLineString) and len(geom.geoms) == 1:
        geom = geom.geoms[0]
    if isinstance(geom, shapely.Polygon | shapely.MultiPolygon):
        geom = shapely.orient_polygons(geom, exterior_cw=False)
    return geom


def feature(props: dict[str, Any], geom: BaseGeometry, fid: str | None = None) -> dict[str, Any]:
    geo = mapping(rfc7946(geom))
    out: dict[str, Any] = {"type": "Feature"}
    if fid is not None:
        out["id"] = fid
    out["properties"] = props
    out["geometry"] = {"type": geo["type"], "coordinates": _round_coords(geo["coordinates"])}
    return out


def dumps_collection(features: list[dict[str, Any]]) -> bytes:
    """Deterministic, compact FeatureCollection with one feature per line (diff-friendly)."""
    body = ",\n".join(json.dumps(f, ensure_ascii=False, separators=(",", ":"), allow_nan=False) for f in features)
    return ('{"type":"FeatureCollection","features":[\n' + body + "\n]}\n").encode("utf-8")


def write_atomic(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


# ------------------------------------------------------------------------------------- measurements


def geodesic_area_km2(geom: BaseGeometry) -> float:
    return abs(GEOD.geometry_area_perimeter(geom)[0]) / 1e6


def to_metric(geom: BaseGeometry) -> BaseGeometry:
    return shapely.transform(geom, lambda xy: np.column_stack(_LAEA.transform(xy[:, 0], xy[:, 1])))


def hausdorff_m(a: BaseGeometry, b: BaseGeometry) -> float:
    return float(shapely.hausdorff_distance(to_metric(a.boundary), to_metric(b.boundary)))


def n_vertices(geoms: Iterable[BaseGeometry]) -> int:
    return int(sum(shapely.get_num_coordinates(g) for g in geoms))


def check(ok: bool, message: str) -> None:
    if not ok:
        raise CheckError(message)


# ------------------------------------------------------------------------------------------ layers


@dataclass
class Layer:
    filename: str
    features: list[dict[str, Any]]


@dataclass
class PolygonResult:
    governorates: list[tuple[dict[str, Any], BaseGeometry]]
    country: BaseGeometry
    neighbours: list[tuple[dict[str, Any], BaseGeometry]]
    golan: BaseGeometry
    undof: BaseGeometry
    source_vertices: int
    simplified_vertices: int


def _by_name(rows: list[tuple[dict[str, Any], BaseGeometry]], key: str, value: str) -> int:
    matches = [i for i, (p, _) in enumerate(rows) if p.get(key) == value]
    check(len(matches) == 1, f"expected one feature with {key}={value!r}, found {len(matches)}")
    return matches[0]


def build_polygons(ref: Path, tolerance: float) -> PolygonResult:
    govs = read_features(ref / "syria_governorates.geojson")
    disputed = read_features(ref / "syria_disputed_areas.geojson")
    neighbours = read_features(ref / "neighbours_context.geojson")
    check(len(govs) == 14, f"expected 14 governorates, found {len(govs)}")

    gov_geoms = [rfc7946(g) for _, g in govs]
    golan = disputed[_by_name(disputed, "name_en", "Golan Heights")][1]
    undof = rfc7946(disputed[_by_name(disputed, "name_en", "UNDOF Zone (Area of Separation)")][1])
    iq = _by_name(govs, "ocha_pcode", "SY14")  # Quneitra contains the UNDOF zone
    check(undof.within(gov_geoms[iq]), "UNDOF zone is not inside Quneitra")
    quneitra_rest = gov_geoms[iq].difference(undof)

    # Golan/Lebanon: make the shared edge vertex-matched and remove the tiny overlap from the Golan.
    il = _by_name(neighbours, "adm0_a3", "LBN")
    nb_geoms = [g for _, g in neighbours]
    nb_geoms[il] = shapely.snap(nb_geoms[il], golan, 2e-5)
    golan = golan.difference(nb_geoms[il])

    coverage = [*gov_geoms[:iq], quneitra_rest, *gov_geoms[iq + 1 :], undof, golan, *nb_geoms]
    coverage_arr = np.array(coverage, dtype=object)
    check(bool(shapely.coverage_is_valid(coverage_arr)), "input regional coverage is not valid")

    simplified = list(shapely.coverage_simplify(coverage_arr, tolerance))
    check(bool(shapely.coverage_is_valid(np.array(simplified, dtype=object))), "simplified coverage is invalid")
    s_govs = simplified[:14]
    s_undof, s_golan, s_nbs = simplified[14], simplified[15], simplified[16:]
    s_govs[iq] = shapely.union_all([s_govs[iq], s_undof])

    country = shapely.union_all(s_govs)
    check(country.is_valid and not country.is_empty, "country outline invalid")
    return PolygonResult(
        governorates=[(p, g) for (p, _), g in zip(govs, s_govs, strict=True)],
        country=country,
        neighbours=[(p, g) for (p, _), g in zip(neighbours, s_nbs, strict=True)],
        golan=s_golan,
        undof=s_undof,
        source_vertices=n_vertices(coverage),
        simplified_vertices=n_vertices(simplified),
    )


def simplify_lines(
    rows: list[tuple[dict[str, Any], BaseGeometry]],
    tolerance: float,
    props: Callable[[dict[str, Any]], dict[str, Any]],
) -> list[dict[str, Any]]:
    """Dissolve line features by English name (merging touching parts), then Douglas-Peucker."""
    groups: dict[str, list[tuple[dict[str, Any], BaseGeometry]]] = {}
    for p, g in rows:
        groups.setdefault(p["name_en"], []).append((p, g))
    out = []
    for name, members in groups.items():
        merged = shapely.line_merge(shapely.union_all([g for _, g in members]))
        simple = shapely.simplify(merged, tolerance, preserve_topology=False)
        check(simple.is_valid and not simple.is_empty, f"river {name} invalid after simplification")
        out.append(feature(props(members[0][0]), simple))
    return out


def build_layers(ref: Path, tolerance: float) -> tuple[list[Layer], PolygonResult]:
    poly = build_polygons(ref, tolerance)

    governorates = [
        feature({"name_en": p["name_en"], "name_ar": p["name_ar"], "pcode": p["ocha_pcode"]}, g, fid=p["ocha_pcode"])
        for p, g in sorted(poly.governorates, key=lambda pg: pg[0]["ocha_pcode"])
    ]
    country = [feature({"name": "Syria (de facto)"}, poly.country, fid="SYR")]
    neighbours = [
        feature({"name_en": p["name_en"], "name_ar": p["name_ar"]}, g, fid=p["adm0_a3"]) for p, g in poly.neighbours
    ]

    rivers = simplify_lines(
        read_features(ref / "syria_rivers.geojson"),
        RIVER_TOLERANCE,
        lambda p: {"name_en": p["name_en"], "name_ar": p["name_ar"]},
    )
    rivers_gshhg = simplify_lines(
        read_features(ref / "syria_rivers_extra_gshhg.geojson"),
        GSHHG_TOLERANCE,
        lambda p: {"name_en": p["name_en"], "name_ar": p["name_ar"], "source": GSHHG_SOURCE},
    )

    lakes = []
    for p, g in read_features(ref / "syria_lakes.geojson"):
        simple = shapely.simplify(g, LAKE_TOLERANCE, preserve_topology=True)
        check(simple.is_valid, f"lake {p['name_en']} invalid")
        lakes.append(feature({"name_en": p["name_en"], "name_ar": p["name_ar"], "kind": p["featurecla"]}, simple))

    highways = [
        feature(
            {
                "ref": p["ref"],
                "name_en": p["name_en"],
                "name_ar": p["name_ar"],
                "schematic": True,
                "note": HIGHWAY_NOTE,
                "waypoints": p["waypoints"],
            },
            g,
        )
        for p, g in read_features(ref / "syria_highways_schematic.geojson")
    ]

    ref_disputed = read_features(ref / "syria_disputed_areas.geojson")
    shebaa = ref_disputed[_by_name(ref_disputed, "name_en", "Shebaa Farms")]
    disputed_geoms = {
        "Golan Heights": poly.golan,
        "UNDOF Zone (Area of Separation)": poly.undof,
        "Shebaa Farms": shebaa[1],  # tiny (13 vertices): kept as in the reference
    }
    disputed = []
    for p, _ in ref_disputed:
        name = p["name_en"]
        disputed.append(
            feature({"name_en": name, "name_ar": p["name_ar"], "status": DISPUTED_STATUS[name]}, disputed_geoms[name])
        )

    layers = [
        Layer("governorates.geojson", governorates),
        Layer("country.geojson", country),
        Layer("neighbours.geojson", neighbours),
        Layer("disputed.geojson", disputed),
        Layer("rivers.geojson", rivers),
        Layer("rivers_gshhg.geojson", rivers_gshhg),
        Layer("lakes.geojson", lakes),
        Layer("highways.geojson", highways),
    ]
    return layers, poly


# ------------------------------------------------------------------------------------ verification


def verify(out: Path, ref: Path, tolerance: float) -> list[str]:
    """Re-read the written files and check them; return the report lines."""
    read = {name: read_features(out / name) for name in ("governorates.geojson", "country.geojson")}
    govs = [g for _, g in read["governorates.geojson"]]
    (_, country), *rest = read["country.geojson"]
    check(not rest, "country.geojson must hold exactly one feature")
    check(len(govs) == 14, "governorates.geojson must hold 14 features")

    for name in sorted(p.name for p in out.glob("*.geojson")):
        for props, geom in read_features(out / name):
            check(geom.is_valid, f"{name}: invalid geometry {props}")
            for poly in getattr(geom, "geoms", [geom]):
                if isinstance(poly, shapely.Polygon):
                    check(poly.exterior.is_ccw, f"{name}: exterior ring not CCW {props}")
                    check(all(not r.is_ccw for r in poly.interiors), f"{name}: hole not CW {props}")

    gov_arr = np.array(govs, dtype=object)
    check(bool(shapely.coverage_is_valid(gov_arr, gap_width=GAP_WIDTH)), "governorates: gaps or overlaps found")
    union = shapely.union_all(gov_arr)
    check(union.equals(country) and union.symmetric_difference(country).is_empty, "country != union(governorates)")

    nbs = [g for _, g in read_features(out / "neighbours.geojson")]
    golan = next(g for p, g in read_features(out / "disputed.geojson") if p["name_en"] == "Golan Heights")
    regional = np.array([*govs, golan, *nbs], dtype=object)
    check(bool(shapely.coverage_is_valid(regional)), "governorates + Golan + neighbours: not a clean coverage")

    boundary = read_features(ref / "syria_boundary.geojson")
    ref_country = boundary[_by_name(boundary, "variant", "de_facto")][1]
    ref_govs = [g for _, g in read_features(ref / "syria_governorates.geojson")]
    a_ref = geodesic_area_km2(ref_country)
    a_out = geodesic_area_km2(country)
    diff_pct = (a_out - a_ref) / a_ref * 100
    hd_country = hausdorff_m(country, ref_country)
    hd_govs = max(hausdorff_m(a, b) for a, b in zip(sorted_by_pcode(out), sorted_ref(ref), strict=True))
    ref_union_ok = shapely.union_all(ref_govs).equals(ref_country)

    lines = [
        f"coverage_simplify tolerance: {tolerance} deg; coverage_is_valid(gap_width={GAP_WIDTH}): ok",
        f"reference governorates union == reference de facto outline: {ref_union_ok}",
        f"country area (geodesic, WGS84): {a_out:,.1f} km2  vs reference de facto {a_ref:,.1f} km2  "
        f"diff {diff_pct:+.4f} % (limit +/-{MAX_AREA_DIFF_PCT} %)",
        f"Hausdorff vs reference: country outline {hd_country:.0f} m, worst governorate {hd_govs:.0f} m "
        f"(limit {MAX_HAUSDORFF_M:.0f} m)",
        "country == union(governorates): exact",
    ]
    check(abs(diff_pct) <= MAX_AREA_DIFF_PCT, f"country area off by {diff_pct:.4f} %")
    check(max(hd_country, hd_govs) <= MAX_HAUSDORFF_M, "outline deviates more than the Hausdorff limit")
    return lines


def sorted_by_pcode(out: Path) -> list[BaseGeometry]:
    return [g for _, g in sorted(read_features(out / "governorates.geojson"), key=lambda pg: pg[0]["pcode"])]


def sorted_ref(ref: Path) -> list[BaseGeometry]:
    rows = read_features(ref / "syria_governorates.geojson")
    return [g for _, g in sorted(rows, key=lambda pg: pg[0]["ocha_pcode"])]


# ------------------------------------------------------------------------------------------- main


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--reference", type=Path, required=True, help="folder with the reference GeoJSON")
    parser.add_argument("--out", type=Path, required=True, help="output folder (data/geo/base)")
    parser.add_argument("--tolerance", type=float, default=DEFAULT_TOLERANCE, help="coverage_simplify tolerance, deg")
    args = parser.parse_args(argv)

    layers, poly = build_layers(args.reference, args.tolerance)
    rows = []
    total = 0
    for layer in layers:
        data = dumps_collection(layer.features)
        write_atomic(args.out / layer.filename, data)
        verts = n_vertices(shape(f["geometry"]) for f in layer.features)
        rows.append((layer.filename, len(layer.features), verts, len(data)))
        total += len(data)

    try:
        report = verify(args.out, args.reference, args.tolerance)
    except CheckError as exc:
        print(f"CHECK FAILED: {exc}", file=sys.stderr)
        return 1

    width = max(len(r[0]) for r in rows)
    print(f"{'file':<{width}}  {'features':>8}  {'vertices':>8}  {'bytes':>8}")
    for name, nfeat, verts, size in rows:
        print(f"{name:<{width}}  {nfeat:>8}  {verts:>8}  {size:>8,}")
    print(f"{'total':<{width}}  {sum(r[1] for r in rows):>8}  {sum(r[2] for r in rows):>8}  {total:>8,}")
    print(f"regional coverage vertices: {poly.source_vertices} -> {poly.simplified_vertices}")
    for line in report:
        print(line)
    if total > MAX_TOTAL_BYTES:
        print(f"CHECK FAILED: base layers total {total} bytes > {MAX_TOTAL_BYTES}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
