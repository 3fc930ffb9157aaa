"""The only module that opens input files.

Every reader checks what it reads and records each problem with the file, the row or feature,
and the rule broken, then keeps going with the rows that were good, so `validate` can list
every problem at once and the app can keep serving what was good.
"""

from __future__ import annotations

import csv
import io
import json
import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any

import shapely
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator
from shapely.geometry import Point, shape
from shapely.geometry.base import BaseGeometry

from dashboard import polygon_files
from dashboard.model import (
    CONFIDENCES,
    INFERRED,
    AreaEvent,
    Atlas,
    Event,
    Faction,
    GeoJSON,
    Override,
    Place,
    Source,
    Summary,
    Timeline,
)
from dashboard.sourcing import Site, meets_confirmed_rule, site_of
from dashboard.timeline import date_range, events_by_place, follow_order, holder_on, resolve_events

log = logging.getLogger(__name__)

# "site": oil and gas fields, mines, dams, junctions: real places without residents.
PLACE_KINDS = ("city", "town", "village", "district", "airbase", "military_site", "hill", "crossing", "site")
BASE_LAYERS = ("country", "governorates", "neighbours", "rivers", "rivers_gshhg", "lakes", "highways", "disputed")
POLYGONAL = ("Polygon", "MultiPolygon")
WGS84_NAMES = ("urn:ogc:def:crs:OGC:1.3:CRS84", "urn:ogc:def:crs:OGC::CRS84", "EPSG:4326", "urn:ogc:def:crs:EPSG::4326")
# A place may sit this far (degrees, ~2 km) outside the simplified outline: border towns.
BORDER_TOLERANCE_DEG = 0.02
DATE_STEM = re.compile(r"^\d{4}-\d{2}-\d{2}$")
# A source published later than this after the event needs the row to say why (a retrospective).
LATE_SOURCE_DAYS = 14
SOURCE_KINDS = ("wire", "independent", "monitor", "state_media", "partisan", "reference", "mirror")
COUNTRY_AREA = "Syria"  # the area name for the whole country
AREA_PROVENANCE = ("source", "source_date", "source_url")  # properties every area polygon must carry


@dataclass(frozen=True)
class Problem:
    file: str
    where: str  # "row 12 (place_id=hama)", "feature 3", "" for the whole file
    rule: str
    message: str

    def __str__(self) -> str:
        where = f" {self.where}" if self.where else ""
        return f"{self.file}{where}: [{self.rule}] {self.message}"


class DataError(Exception):
    """Input that cannot be used; `problems` lists every reason."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))

    @classmethod
    def of(cls, error: Exception, data_dir: Path) -> DataError:
        """Any failure to load `data_dir` as a DataError: a loader bug is a problem to list, not a traceback."""
        if isinstance(error, DataError):
            return error
        return cls([Problem(str(data_dir), "", "unreadable", f"{type(error).__name__}: {error}")])


@dataclass
class Report:
    """Collects problems while readers keep going."""

    problems: list[Problem] = field(default_factory=list)

    def add(self, file: str, where: str, rule: str, message: str) -> None:
        self.problems.append(Problem(file, where, rule, message))


# ---------------------------------------------------------------- row schemas


def _http_url(value: str) -> str:
    if not re.match(r"^https?://[^\s/$.?#][^\s]*$", value, re.IGNORECASE):
        raise ValueError("must be an http(s) URL")
    return value


class _Row(BaseModel):
    model_config = ConfigDict(str_strip_whitespace=True, extra="forbid", frozen=True)


class FactionRow(_Row):
    faction_id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    label: str = Field(min_length=1)
    label_ar: str = Field(min_length=1)
    colour: str = Field(pattern=r"^#[0-9a-fA-F]{6}$")
    order: int
    description: str = ""


class PlaceRow(_Row):
    place_id: str = Field(pattern=r"^[a-z0-9][a-z0-9_]*$")
    name_en: str = Field(min_length=1)
    name_ar: str = ""
    lat: float = Field(ge=-90, le=90)
    lon: float = Field(ge=-180, le=180)
    kind: str
    governorate: str = Field(min_length=1)
    population: int | None = Field(default=None, ge=0)
    baseline_holder: str
    coord_source: str = ""
    note: str = ""
    follows: str = ""

    @field_validator("population", mode="before")
    @classmethod
    def _empty_is_none(cls, value: Any) -> Any:
        return None if value == "" else value

    @field_validator("kind")
    @classmethod
    def _known_kind(cls, value: str) -> str:
        if value not in PLACE_KINDS:
            raise ValueError(f"must be one of {', '.join(PLACE_KINDS)}")
        return value


def _iso(value: Any) -> Any:
    if isinstance(value, str) and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value.strip()):
        raise ValueError("must be a date written YYYY-MM-DD")
    return value


class _SourcedRow(_Row):
    """What every sourced row carries: the source, when it was published, and what it says."""

    confidence: str
    source_url: str
    source_title: str = Field(min_length=1)
    published: date | None = None  # blank only for an undated retrospective (e.g. an encyclopedia article)
    evidence: str = Field(min_length=1)  # where the source names the place or its area, and the change
    retrospective: str = ""  # why a source written long after the event is used
    corroboration: str = ""  # a second source's URL (needed for `confirmed`)
    note: str = ""

    @field_validator("confidence")
    @classmethod
    def _known_confidence(cls, value: str) -> str:
        if value not in CONFIDENCES:
            raise ValueError(f"must be one of {', '.join(CONFIDENCES)}")
        return value

    @field_validator("source_url")
    @classmethod
    def _http(cls, value: str) -> str:
        return _http_url(value)

    @field_validator("published", mode="before")
    @classmethod
    def _published(cls, value: Any) -> Any:
        return None if value == "" else _iso(value)

    @field_validator("corroboration")
    @classmethod
    def _corroboration(cls, value: str) -> str:
        return value and _http_url(value)

    @model_validator(mode="after")
    def _dated_or_retrospective(self) -> _SourcedRow:
        if self.published is None and not self.retrospective:
            raise ValueError("published is blank: give the source's date, or say in `retrospective` why it has none")
        return self


class EventRow(_SourcedRow):
    date: date
    place_id: str = Field(min_length=1)
    holder: str = Field(min_length=1)

    @field_validator("date", mode="before")
    @classmethod
    def _iso_date(cls, value: Any) -> Any:
        return _iso(value)


EVENT_COLUMNS = (
    "date", "place_id", "holder", "confidence", "source_url", "source_title", "published", "evidence",
    "retrospective", "corroboration", "note",
)  # fmt: skip


class AreaEventRow(_SourcedRow):
    date: date
    area: str = Field(min_length=1)
    from_holders: str = ""  # space-separated faction ids; blank = any holder
    holder: str = Field(min_length=1)

    @field_validator("date", mode="before")
    @classmethod
    def _iso_date(cls, value: Any) -> Any:
        return _iso(value)


AREA_EVENT_COLUMNS = (
    "date", "area", "from_holders", "holder", "confidence", "source_url", "source_title", "published", "evidence",
    "retrospective", "corroboration", "note",
)  # fmt: skip


class SourceSite(_Row):
    """A row of sources.csv: one domain the data cites and what kind of source it is."""

    domain: str = Field(pattern=r"^[a-z0-9.-]+\.[a-z]{2,}$")
    name: str = Field(min_length=1)
    kind: str
    country: str = Field(min_length=1)
    party: str = ""  # the party to the war whose voice it is (state or partisan media)
    note: str = ""

    @field_validator("kind")
    @classmethod
    def _known_kind(cls, value: str) -> str:
        if value not in SOURCE_KINDS:
            raise ValueError(f"must be one of {', '.join(SOURCE_KINDS)}")
        return value


class PublishedRow(_Row):
    """A row of published_shares.csv: one faction's (or group's) share of Syria on a published map."""

    figure: str = Field(pattern=r"^[a-z0-9_]+$")
    source: str = Field(min_length=1)
    map_date: date
    compare_on: date
    url: str
    factions: str = Field(min_length=1)  # faction ids joined by "+"
    percent: float = Field(ge=0, le=100)
    note: str = ""

    @field_validator("url")
    @classmethod
    def _http(cls, value: str) -> str:
        return _http_url(value)


class SourceEntry(_Row):
    title: str = Field(min_length=1)
    url: str

    @field_validator("url")
    @classmethod
    def _http(cls, value: str) -> str:
        return _http_url(value)


class SummaryEntry(_Row):
    summary: str = Field(min_length=1)
    sources: list[SourceEntry] = Field(min_length=1)
    summary_ar: str = ""
    sources_ar: list[SourceEntry] = Field(default_factory=list)

    @field_validator("summary_ar")
    @classmethod
    def _arabic(cls, value: str) -> str:
        if value and not re.search("[\u0600-\u06ff]", value):
            raise ValueError("must be written in Arabic")
        return value


class DatasetInfo(_Row):
    title: str
    baseline: date
    end: date
    as_of: date
    attribution: str = Field(min_length=1)
    attribution_ar: str = ""

    @model_validator(mode="after")
    def _end_after_baseline(self) -> DatasetInfo:
        if self.end <= self.baseline:
            raise ValueError(f"end ({self.end}) must be after baseline ({self.baseline})")
        return self


def _explain(error: ValidationError) -> str:
    parts = []
    for e in error.errors():
        loc = ".".join(str(x) for x in e["loc"]) or "row"
        parts.append(f"{loc}: {e['msg']}")
    return "; ".join(parts)


# ---------------------------------------------------------------- readers


def _read_csv(path: Path, report: Report, columns: tuple[str, ...]) -> list[tuple[int, dict[str, str]]]:
    """Rows with their line numbers; a wrong header is a problem for the whole file."""
    name = path.name
    if not path.exists():
        report.add(name, "", "missing-file", f"{path} does not exist")
        return []
    try:
        text = path.read_bytes().decode("utf-8-sig")  # newlines untouched, as csv wants; BOM as Excel saves it
    except UnicodeDecodeError as error:
        report.add(name, "", "encoding", f"not UTF-8: {error}")
        return []
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = tuple(reader.fieldnames or ())
    if header != columns:
        report.add(name, "header", "columns", f"expected columns {', '.join(columns)}; found {', '.join(header)}")
        return []
    rows = []
    try:
        for row in reader:
            line = reader.line_num
            if None in row or any(v is None for v in row.values()):
                report.add(name, f"row {line}", "columns", "wrong number of fields")
                continue
            rows.append((line, row))
    except csv.Error as error:  # e.g. a field over csv.field_size_limit(); the rest of the file is not read
        # line_num counts the lines before the one the parser stopped on
        report.add(name, f"row {reader.line_num + 1}", "csv-syntax", f"{error}; the rest of the file was not read")
    return rows


def read_dataset(data_dir: Path, report: Report) -> DatasetInfo | None:
    path = data_dir / "dataset.yaml"
    try:
        return DatasetInfo.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))
    except FileNotFoundError:
        report.add(path.name, "", "missing-file", f"{path} does not exist")
    except (yaml.YAMLError, ValidationError, TypeError, UnicodeDecodeError) as error:
        detail = _explain(error) if isinstance(error, ValidationError) else str(error)
        report.add(path.name, "", "schema", detail)
    return None


def read_factions(data_dir: Path, report: Report) -> tuple[Faction, ...]:
    file = "factions.csv"
    factions: dict[str, Faction] = {}
    for line, row in _read_csv(data_dir / file, report, tuple(FactionRow.model_fields)):
        try:
            r = FactionRow.model_validate(row)
        except ValidationError as error:
            report.add(file, f"row {line}", "schema", _explain(error))
            continue
        if r.faction_id in factions:
            report.add(file, f"row {line} (faction_id={r.faction_id})", "duplicate-id", "faction id used twice")
            continue
        factions[r.faction_id] = Faction(r.faction_id, r.label, r.label_ar, r.colour.lower(), r.order, r.description)
    return tuple(sorted(factions.values(), key=lambda f: (f.order, f.id)))


def read_places(
    data_dir: Path, report: Report, faction_ids: set[str], country: BaseGeometry | None
) -> tuple[Place, ...]:
    file = "places.csv"
    places: dict[str, Place] = {}
    located: dict[tuple[float, float], str] = {}
    for line, row in _read_csv(data_dir / file, report, tuple(PlaceRow.model_fields)):
        where = f"row {line} (place_id={row.get('place_id', '')})"
        try:
            r = PlaceRow.model_validate(row)
        except ValidationError as error:
            report.add(file, where, "schema", _explain(error))
            continue
        if r.place_id in places:
            report.add(file, where, "duplicate-id", "place id used twice")
            continue
        if r.baseline_holder not in faction_ids:
            report.add(file, where, "unknown-faction", f"baseline_holder {r.baseline_holder!r} is not in factions.csv")
            continue
        if country is not None and not _near(country, r.lon, r.lat):
            if _near(country, r.lat, r.lon):
                report.add(file, where, "lat-lon-swapped", f"lat={r.lat}, lon={r.lon} lies in Syria only if swapped")
            else:
                report.add(file, where, "outside-syria", f"lat={r.lat}, lon={r.lon} is outside Syria")
            continue
        if (r.lon, r.lat) in located:
            report.add(file, where, "duplicate-location", f"same coordinates as {located[r.lon, r.lat]}")
            continue
        located[r.lon, r.lat] = r.place_id
        places[r.place_id] = Place(
            r.place_id, r.name_en, r.name_ar, r.lat, r.lon, r.kind, r.governorate, r.population,
            r.baseline_holder, r.coord_source, r.note, r.follows,
        )  # fmt: skip
    return _check_follows(file, tuple(places.values()), report)


def _check_follows(file: str, places: tuple[Place, ...], report: Report) -> tuple[Place, ...]:
    """A place may follow only another known place, and no chain of followers may loop."""
    ids = {p.id for p in places}
    kept = []
    for place in places:
        if place.follows and (place.follows not in ids or place.follows == place.id):
            where, message = f"place_id={place.id}", f"follows {place.follows!r}: no other such place"
            report.add(file, where, "unknown-follows", message)
            kept.append(replace(place, follows=""))
        else:
            kept.append(place)
    try:
        follow_order(kept)
    except ValueError as error:
        report.add(file, "", "follows-cycle", str(error))
        return tuple(replace(p, follows="") for p in kept)
    return tuple(kept)


def _near(country: BaseGeometry, lon: float, lat: float) -> bool:
    return country.dwithin(Point(lon, lat), BORDER_TOLERANCE_DEG)


def read_sites(data_dir: Path, report: Report) -> dict[str, Site]:
    """sources.csv: every domain the data cites, with its kind and country."""
    file = "sources.csv"
    sites: dict[str, Site] = {}
    for line, row in _read_csv(data_dir / file, report, tuple(SourceSite.model_fields)):
        where = f"row {line} (domain={row.get('domain', '')})"
        try:
            r = SourceSite.model_validate(row)
        except ValidationError as error:
            report.add(file, where, "schema", _explain(error))
            continue
        if r.domain in sites:
            report.add(file, where, "duplicate-id", "domain listed twice")
            continue
        sites[r.domain] = Site(r.domain, r.name, r.kind, r.country, r.party)
    return sites


def _check_source(
    file: str, where: str, r: _SourcedRow, day: date, sites: Mapping[str, Site] | None, report: Report
) -> bool:
    """The row's sources are listed sites, not mirrors, and were published in time (or the row says why not)."""
    ok = True
    for url in filter(None, (r.source_url, r.corroboration)):
        site = site_of(url, sites) if sites is not None else None
        if sites is not None and site is None:
            report.add(file, where, "unknown-source", f"the domain of {url} is not listed in sources.csv")
            ok = False
        elif site is not None and site.kind == "mirror":
            report.add(file, where, "mirror-source", f"{site.domain} is a mirror or re-post: cite the original")
            ok = False
        elif site is not None and site.kind == "reference":
            report.add(file, where, "reference-source", f"{site.domain} is a reference work: cite the outlet it cites")
            ok = False
    if r.published is not None and r.published < day:
        report.add(file, where, "source-predates-event", f"the source ({r.published}) predates the event ({day})")
        ok = False
    elif r.published is not None and (r.published - day).days > LATE_SOURCE_DAYS and not r.retrospective:
        report.add(
            file, where, "late-source",
            f"the source ({r.published}) is over {LATE_SOURCE_DAYS} days after the event: say why in `retrospective`",
        )  # fmt: skip
        ok = False
    return ok


def read_events(
    data_dir: Path,
    report: Report,
    places: tuple[Place, ...],
    faction_ids: set[str],
    first: date,
    last: date,
    sites: Mapping[str, Site] | None = None,
    lines: dict[tuple[str, date], int] | None = None,
) -> tuple[Event, ...]:
    """Events that name a known place and faction, dated after the baseline, one per place and day, with a source
    that is listed in sources.csv (when `sites` is given), not a mirror, and published in time. `lines`, if
    given, receives each kept row's line number by (place id, date)."""
    file = "events.csv"
    place_by_id = {p.id: p for p in places}
    seen: dict[tuple[str, date], int] = {} if lines is None else lines
    events: list[Event] = []
    for line, row in _read_csv(data_dir / file, report, EVENT_COLUMNS):
        where = f"row {line} (place_id={row.get('place_id', '')}, date={row.get('date', '')})"
        try:
            r = EventRow.model_validate(row)
        except ValidationError as error:
            report.add(file, where, "schema", _explain(error))
            continue
        if r.place_id not in place_by_id:
            report.add(file, where, "unknown-place", f"place {r.place_id!r} is not in places.csv")
            continue
        if r.holder not in faction_ids:
            report.add(file, where, "unknown-faction", f"holder {r.holder!r} is not in factions.csv")
            continue
        if not first < r.date <= last:
            report.add(file, where, "date-out-of-range", f"{r.date} is outside {first} (baseline, exclusive)-{last}")
            continue
        if (r.place_id, r.date) in seen:
            report.add(
                file,
                where,
                "duplicate-event",
                f"row {seen[r.place_id, r.date]} already changes this place on this date",
            )
            continue
        if not _check_source(file, where, r, r.date, sites, report):
            continue
        seen[r.place_id, r.date] = line
        events.append(
            Event(
                r.date, r.place_id, r.holder, r.confidence, r.source_url, r.source_title, r.note,  # type: ignore[arg-type]
                r.evidence, corroboration=r.corroboration,
            )
        )  # fmt: skip
    return tuple(sorted(events, key=lambda e: (e.date, e.place_id)))


def read_areas(data_dir: Path, report: Report) -> dict[str, BaseGeometry]:
    """Cited area polygons, areas/<name>.<geojson|gpkg|shp|kml|fgb>: each feature names its source (published map
    or treaty text)."""
    areas: dict[str, BaseGeometry] = {}
    for path in polygon_files.polygon_files(data_dir / "areas"):
        file = f"areas/{path.name}"
        data = read_polygon_file(path, report, file)
        if data is None:
            continue
        parts = []
        for index, feature in enumerate(data["features"]):
            geometry = feature_geometry(file, index, feature, report)
            properties = feature.get("properties") if isinstance(feature, dict) else None
            missing = [k for k in AREA_PROVENANCE if not (isinstance(properties, dict) and properties.get(k))]
            if missing:
                report.add(file, f"feature {index}", "provenance", f"an area polygon needs {', '.join(missing)}")
                continue
            if geometry is not None:
                parts.append(geometry)
        if parts:
            areas[file] = shapely.union_all(parts)
    return areas


def read_area_events(
    data_dir: Path,
    report: Report,
    areas: Mapping[str, BaseGeometry],
    faction_ids: set[str],
    first: date,
    last: date,
    sites: Mapping[str, Site] | None = None,
) -> tuple[AreaEvent, ...]:
    """area_events.csv (optional): changes of hands reported for a governorate or a cited area polygon."""
    file = "area_events.csv"
    if not (data_dir / file).exists():
        return ()
    result: list[AreaEvent] = []
    for line, row in _read_csv(data_dir / file, report, AREA_EVENT_COLUMNS):
        where = f"row {line} (area={row.get('area', '')}, date={row.get('date', '')})"
        try:
            r = AreaEventRow.model_validate(row)
        except ValidationError as error:
            report.add(file, where, "schema", _explain(error))
            continue
        if r.area not in areas:
            report.add(file, where, "unknown-area", f"{r.area!r} is neither a governorate nor a file in areas/")
            continue
        unknown = [f for f in (r.holder, *r.from_holders.split()) if f not in faction_ids]
        if unknown:
            report.add(file, where, "unknown-faction", f"{', '.join(unknown)} not in factions.csv")
            continue
        if not first < r.date <= last:
            report.add(file, where, "date-out-of-range", f"{r.date} is outside {first} (baseline, exclusive)-{last}")
            continue
        if not _check_source(file, where, r, r.date, sites, report):
            continue
        result.append(
            AreaEvent(
                r.date, r.area, tuple(r.from_holders.split()), r.holder, r.confidence,  # type: ignore[arg-type]
                r.source_url, r.source_title, r.evidence, r.note, r.corroboration,
            )
        )  # fmt: skip
    return tuple(result)


def governorate_areas(base_layers: dict[str, GeoJSON], report: Report) -> dict[str, BaseGeometry]:
    """Governorate outlines by English name, usable as areas."""
    layer = base_layers.get("governorates")
    if layer is None:
        return {}
    areas = {}
    for index, feature in enumerate(layer["features"]):
        geometry = feature_geometry("governorates.geojson", index, feature, report)
        if geometry is not None:
            areas[feature["properties"]["name_en"]] = geometry
    return areas


def area_members(
    places: tuple[Place, ...], areas: Mapping[str, BaseGeometry], country: BaseGeometry
) -> dict[str, frozenset[str]]:
    """The control points inside each area; a border town just outside the simplified outline counts in the
    areas within the border tolerance of it."""
    points = {p.id: Point(p.lon, p.lat) for p in places}
    outside = {i for i, point in points.items() if not country.covers(point)}
    return {
        name: frozenset(
            i for i, point in points.items()
            if area.covers(point) or (i in outside and area.dwithin(point, BORDER_TOLERANCE_DEG))
        )
        for name, area in areas.items()
    }  # fmt: skip


def _check_changes(
    events: tuple[Event, ...], places: dict[str, Place], lines: Mapping[tuple[str, date], int], report: Report
) -> None:
    """A row of events.csv must hand its place to someone other than its holder the day before."""
    for place_id, group in events_by_place(events).items():
        holder = places[place_id].baseline_holder
        for event in group:
            if event.holder == holder and not event.area and event.confidence != INFERRED:
                line = lines.get((place_id, event.date), 0)
                report.add(
                    "events.csv", f"row {line} (place_id={place_id}, date={event.date})", "no-change",
                    f"{place_id} is already held by {holder} before {event.date}",
                )  # fmt: skip
            holder = event.holder


def _check_confirmed(
    events: tuple[Event, ...], places: dict[str, Place], sites: Mapping[str, Site], report: Report
) -> None:
    """Every `confirmed` change meets the rule (two independent outlets, or the losing side's admission)."""
    for place_id, group in events_by_place(events).items():
        holder = places[place_id].baseline_holder
        for event in group:
            if event.confidence == "confirmed" and not meets_confirmed_rule(
                (event.source_url, event.corroboration), (holder,), sites
            ):
                file = "area_events.csv" if event.area else "events.csv"
                report.add(
                    file, f"place_id={place_id}, date={event.date}", "confirmed-rule",
                    "`confirmed` needs two independent outlets (corroboration) or the losing side's own admission",
                )  # fmt: skip
            holder = event.holder


def read_polygon_file(path: Path, report: Report, file: str) -> GeoJSON | None:
    """An analyst's polygon file as a FeatureCollection in WGS84: GeoJSON checked as below (another CRS is
    reprojected), the other formats QGIS writes read by geopandas; None (with a problem) if unreadable."""
    if path.suffix.lower() == ".geojson":
        return read_geojson(path, report, file, reproject=True)
    try:
        return polygon_files.read_feature_collection(path)
    except polygon_files.PolygonFileError as error:
        report.add(file, "", error.rule, str(error))
        return None


def read_geojson(path: Path, report: Report, file: str = "", *, reproject: bool = False) -> GeoJSON | None:
    """A FeatureCollection in WGS84, or None (with a problem) if unreadable. `file` names it in messages.

    Another CRS is a problem, or with `reproject` the collection reprojected to WGS84."""
    file = file or path.name
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        report.add(file, "", "missing-file", f"{path} does not exist")
        return None
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        report.add(file, "", "json", f"not valid JSON: {error}")
        return None
    if (
        not isinstance(data, dict)
        or data.get("type") != "FeatureCollection"
        or not isinstance(data.get("features"), list)
    ):
        report.add(file, "", "geojson", "must be a GeoJSON FeatureCollection")
        return None
    crs = data.get("crs")
    if crs is not None:
        properties = crs.get("properties") if isinstance(crs, dict) else None
        name = properties.get("name", "") if isinstance(properties, dict) else ""
        if name not in WGS84_NAMES and reproject:
            try:
                return polygon_files.read_feature_collection(path)
            except polygon_files.PolygonFileError as error:
                report.add(file, "crs", error.rule, str(error))
                return None
        if name not in WGS84_NAMES:
            report.add(file, "crs", "crs", f"CRS {name or crs!r} is not WGS84 (EPSG:4326 / CRS84)")
            return None
    return data


def feature_geometry(
    file: str, index: int, feature: Any, report: Report, kinds: tuple[str, ...] = POLYGONAL
) -> BaseGeometry | None:
    """The feature's shapely geometry if it is of an allowed type and valid."""
    where = f"feature {index}"
    if not isinstance(feature, dict) or not isinstance(feature.get("geometry"), dict):
        report.add(file, where, "geometry", "feature has no geometry")
        return None
    kind = feature["geometry"].get("type")
    if kind not in kinds:
        report.add(file, where, "geometry-type", f"{kind} is not allowed here (expected {' or '.join(kinds)})")
        return None
    try:
        geometry = shape(feature["geometry"])
    except (ValueError, TypeError, AttributeError, IndexError, shapely.errors.GEOSException) as error:
        report.add(file, where, "geometry", f"unreadable coordinates: {error}")
        return None
    if geometry.is_empty:
        report.add(file, where, "geometry", "geometry is empty")
        return None
    if not geometry.is_valid:
        report.add(file, where, "invalid-geometry", shapely.is_valid_reason(geometry))
        return None
    return geometry


def read_base_layers(data_dir: Path, report: Report) -> dict[str, GeoJSON]:
    layers = {}
    for name in BASE_LAYERS:
        layer = read_geojson(data_dir / "base" / f"{name}.geojson", report)
        if layer is not None:
            layers[name] = layer
    return layers


def country_outline(base_layers: dict[str, GeoJSON], report: Report) -> BaseGeometry | None:
    layer = base_layers.get("country")
    if layer is None:
        return None
    parts = [feature_geometry("country.geojson", i, f, report) for i, f in enumerate(layer["features"])]
    valid = [p for p in parts if p is not None]
    return shapely.union_all(valid) if valid else None


def read_overrides(
    data_dir: Path, report: Report, faction_ids: set[str], first: date, last: date
) -> tuple[Override, ...]:
    """Hand-drawn polygons from zones/overrides/YYYY-MM-DD.<geojson|gpkg|shp|kml|fgb>; polygons in one file may not
    overlap."""
    overrides: list[Override] = []
    for path in polygon_files.polygon_files(data_dir / "zones" / "overrides"):
        file = f"overrides/{path.name}"
        try:
            if not DATE_STEM.match(path.stem):
                raise ValueError(path.name)
            day = date.fromisoformat(path.stem)
        except ValueError:
            report.add(file, "", "file-name", "override files must be named YYYY-MM-DD.<format> (e.g. .geojson)")
            continue
        if not first <= day <= last:
            report.add(file, "", "date-out-of-range", f"{day} is outside {first}-{last}")
            continue
        data = read_polygon_file(path, report, file)
        if data is None:
            continue
        in_file: list[Override] = []
        for index, feature in enumerate(data["features"]):
            geometry = feature_geometry(file, index, feature, report)
            if geometry is None:
                continue
            properties = feature.get("properties")
            faction = properties.get("faction") if isinstance(properties, dict) else None
            if not isinstance(faction, str) or faction not in faction_ids:
                report.add(file, f"feature {index}", "unknown-faction", f"faction {faction!r} is not in factions.csv")
                continue
            overlap = next((o for o in in_file if o.geometry.intersection(geometry).area > 0), None)
            if overlap is not None:
                report.add(file, f"feature {index}", "overlapping-overrides", f"overlaps {overlap.label}")
                continue
            in_file.append(Override(day, faction, geometry, f"{file}#feature {index}"))
        overrides.extend(in_file)
    return tuple(overrides)


def read_published(data_dir: Path, report: Report, faction_ids: set[str]) -> tuple[PublishedRow, ...]:
    """published_shares.csv (optional): area figures of published maps, for `info --compare`."""
    file = "published_shares.csv"
    if not (data_dir / file).exists():
        return ()
    rows = []
    for line, row in _read_csv(data_dir / file, report, tuple(PublishedRow.model_fields)):
        try:
            r = PublishedRow.model_validate(row)
        except ValidationError as error:
            report.add(file, f"row {line}", "schema", _explain(error))
            continue
        unknown = [f for f in r.factions.split("+") if f not in faction_ids]
        if unknown:
            report.add(file, f"row {line}", "unknown-faction", f"{', '.join(unknown)} not in factions.csv")
            continue
        rows.append(r)
    return tuple(rows)


def read_summaries(
    data_dir: Path, report: Report, place_ids: set[str], sites: Mapping[str, Site] | None = None
) -> dict[str, Summary]:
    """summaries.yaml: each place's summary and its sources, which (given `sites`) follow the events' rules:
    a domain listed in sources.csv, never a mirror or re-post."""
    file = "summaries.yaml"
    path = data_dir / file
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except FileNotFoundError:
        return {}
    except (yaml.YAMLError, UnicodeDecodeError) as error:
        report.add(file, "", "yaml", str(error))
        return {}
    if not isinstance(raw, dict):
        report.add(file, "", "schema", "must map place ids to {summary, sources}")
        return {}
    summaries = {}
    for place_id, entry in raw.items():
        where = f"entry {place_id}"
        if place_id not in place_ids:
            report.add(file, where, "unknown-place", f"place {place_id!r} is not in places.csv")
            continue
        try:
            e = SummaryEntry.model_validate(entry)
        except ValidationError as error:
            report.add(file, where, "schema", _explain(error))
            continue
        sources, sources_ar = (tuple(Source(s.title, s.url) for s in group) for group in (e.sources, e.sources_ar))
        summaries[place_id] = Summary(place_id, e.summary, sources, e.summary_ar, sources_ar)
        for source in [*e.sources, *e.sources_ar] if sites is not None else ():
            site = site_of(source.url, sites)
            if site is None:
                report.add(file, where, "unknown-source", f"the domain of {source.url} is not listed in sources.csv")
            elif site.kind == "mirror":
                report.add(file, where, "mirror-source", f"{site.domain} is a mirror or re-post: cite the original")
    return summaries


def read_zones(
    data_dir: Path, report: Report, dates: tuple[date, ...], faction_ids: set[str], kind: str = ""
) -> dict[date, GeoJSON]:
    """Built zone files for every date (`python -m dashboard build`): zones/ or, with kind, zones/<kind>/."""
    zones = {}
    for day in dates:
        file = "/".join(["zones", *([kind] if kind else []), f"{day.isoformat()}.geojson"])
        path = data_dir / file
        if not path.exists():
            report.add(file, "", "missing-file", "zones not built for this date: run `python -m dashboard build`")
            continue
        data = read_geojson(path, report, file)
        if data is None:
            continue
        bad = [i for i, f in enumerate(data["features"]) if not _names_faction(f, faction_ids)]
        if bad:
            report.add(file, f"feature {bad[0]}", "unknown-faction", "zone faction is not in factions.csv")
            continue
        flat = [i for i, f in enumerate(data["features"]) if not _drawable(f)]
        if flat:
            report.add(file, f"feature {flat[0]}", "geometry", "a zone needs polygon coordinates and an area_km2")
            continue
        zones[day] = data
    return zones


def _drawable(feature: dict[str, Any]) -> bool:
    """Enough of a zone feature for the map and the legend (full geometry checks are `build`'s)."""
    geometry, area = feature.get("geometry"), feature["properties"].get("area_km2")
    return (
        isinstance(geometry, dict)
        and geometry.get("type") in POLYGONAL
        and isinstance(geometry.get("coordinates"), list)
        and isinstance(area, (int, float))
        and not isinstance(area, bool)
    )


def _names_faction(feature: Any, faction_ids: set[str]) -> bool:
    properties = feature.get("properties") if isinstance(feature, dict) else None
    faction = properties.get("faction") if isinstance(properties, dict) else None
    return isinstance(faction, str) and faction in faction_ids


# ---------------------------------------------------------------- whole data set


@dataclass(frozen=True)
class Inputs:
    """What `build` needs: the timeline, the country outline, overrides and the dataset header."""

    timeline: Timeline
    country: BaseGeometry
    overrides: tuple[Override, ...]
    dataset: DatasetInfo
    base_layers: dict[str, GeoJSON]
    sites: dict[str, Site] = field(default_factory=dict)


def read_inputs(data_dir: Path, report: Report) -> Inputs | None:
    """Read and cross-check every analyst input; None if something essential is unusable."""
    dataset = read_dataset(data_dir, report)
    factions = read_factions(data_dir, report)
    base_layers = read_base_layers(data_dir, report)
    country = country_outline(base_layers, report)
    if dataset is None or not factions or country is None:
        return None
    faction_ids = {f.id for f in factions}
    places = read_places(data_dir, report, faction_ids, country)
    sites = read_sites(data_dir, report)
    lines: dict[tuple[str, date], int] = {}
    events = read_events(data_dir, report, places, faction_ids, dataset.baseline, dataset.end, sites, lines)
    areas = {COUNTRY_AREA: country, **governorate_areas(base_layers, report), **read_areas(data_dir, report)}
    area_events = read_area_events(data_dir, report, areas, faction_ids, dataset.baseline, dataset.end, sites)
    resolved = resolve_events(places, events, area_events, area_members(places, areas, country))
    place_by_id = {p.id: p for p in places}
    _check_changes(resolved, place_by_id, lines, report)
    _check_confirmed(resolved, place_by_id, sites, report)
    timeline = Timeline(factions, places, resolved, dataset.baseline, area_events)
    overrides = read_overrides(data_dir, report, faction_ids, dataset.baseline, dataset.end)
    _check_overrides_against_places(timeline, overrides, report)
    return Inputs(timeline, country, overrides, dataset, base_layers, sites)


def _check_overrides_against_places(timeline: Timeline, overrides: tuple[Override, ...], report: Report) -> None:
    """A hand-drawn zone may not contradict a control point inside it on the day it is drawn."""
    events = events_by_place(timeline.events)
    for override in overrides:
        for place in timeline.places:
            if not override.geometry.contains(Point(place.lon, place.lat)):
                continue
            holder = holder_on(place, events.get(place.id, ()), override.date)
            if holder != override.faction:
                file, _, where = override.label.partition("#")
                report.add(
                    file, where, "override-contradicts-place",
                    f"{place.id} lies inside but is held by {holder} on {override.date}, not {override.faction}",
                )  # fmt: skip


def validate(data_dir: Path) -> list[Problem]:
    """Every problem in the analyst inputs and summaries (not the built zones)."""
    report = Report()
    inputs = read_inputs(data_dir, report)
    if inputs is not None:
        read_summaries(data_dir, report, {p.id for p in inputs.timeline.places}, inputs.sites)
        read_published(data_dir, report, set(inputs.timeline.faction_ids))
    return report.problems


def load_atlas(data_dir: Path, *, strict: bool = True) -> Atlas:
    """Everything the app shows. With strict=False bad rows are skipped and logged, not fatal."""
    report = Report()
    inputs = read_inputs(data_dir, report)
    if inputs is None:
        raise DataError(report.problems)
    timeline = inputs.timeline
    dates = date_range(inputs.dataset.baseline, inputs.dataset.end)
    zones = read_zones(data_dir, report, dates, set(timeline.faction_ids))
    claimed = read_zones(data_dir, report, dates, set(timeline.faction_ids), "claimed")
    summaries = read_summaries(data_dir, report, {p.id for p in timeline.places}, inputs.sites)
    if report.problems:
        if strict or not zones:
            raise DataError(report.problems)
        for problem in report.problems:
            log.warning("skipped: %s", problem)
    served = tuple(d for d in dates if d in zones)
    return Atlas(
        timeline, served, zones, inputs.base_layers, summaries, inputs.dataset.attribution, claimed,
        inputs.dataset.as_of, inputs.dataset.attribution_ar,
    )  # fmt: skip
