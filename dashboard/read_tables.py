"""Reading the analyst's tables: dataset.yaml, factions.csv, places.csv, published_shares.csv and summaries.yaml,
each row checked against its schema (rows.py) and the ids it names. `read_csv` reads any of the CSV files, `read_rows`
checks each row against its schema."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Mapping
from dataclasses import replace
from pathlib import Path
from typing import TypeVar

import yaml
from pydantic import BaseModel, ValidationError
from shapely.geometry import Point
from shapely.geometry.base import BaseGeometry

from dashboard.model import Faction, Place, Source, Summary
from dashboard.problems import Report
from dashboard.read_geo import BORDER_TOLERANCE_DEG
from dashboard.rows import DatasetInfo, FactionRow, PlaceRow, PublishedRow, SummaryEntry, explain
from dashboard.sourcing import Site, site_of
from dashboard.timeline import follow_order

Row = TypeVar("Row", bound=BaseModel)


def read_csv(path: Path, report: Report, columns: tuple[str, ...]) -> list[tuple[int, dict[str, str]]]:
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


def read_rows(
    path: Path, report: Report, model: type[Row], columns: tuple[str, ...] = (), keys: tuple[str, ...] = ()
) -> Iterator[tuple[int, str, Row]]:
    """Each row of the CSV file at `path` that `model` accepts, with its line and where it is ("row N (key=value,
    …)" for `keys`); a row it refuses is a `schema` problem. `columns` defaults to the model's fields."""
    for line, row in read_csv(path, report, columns or tuple(model.model_fields)):
        named = ", ".join(f"{key}={row.get(key, '')}" for key in keys)
        where = f"row {line} ({named})" if keys else f"row {line}"
        try:
            valid = model.model_validate(row)
        except ValidationError as error:
            report.add(path.name, where, "schema", explain(error))
            continue
        yield line, where, valid


def read_dataset(data_dir: Path, report: Report) -> DatasetInfo | None:
    path = data_dir / "dataset.yaml"
    try:
        return DatasetInfo.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))
    except FileNotFoundError:
        report.add(path.name, "", "missing-file", f"{path} does not exist")
    except (yaml.YAMLError, ValidationError, TypeError, UnicodeDecodeError) as error:
        detail = explain(error) if isinstance(error, ValidationError) else str(error)
        report.add(path.name, "", "schema", detail)
    return None


def read_factions(data_dir: Path, report: Report) -> tuple[Faction, ...]:
    file = "factions.csv"
    factions: dict[str, Faction] = {}
    for line, _, r in read_rows(data_dir / file, report, FactionRow):
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
    for _, where, r in read_rows(data_dir / file, report, PlaceRow, keys=("place_id",)):
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


def read_published(data_dir: Path, report: Report, faction_ids: set[str]) -> tuple[PublishedRow, ...]:
    """published_shares.csv (optional): area figures of published maps, for `info --compare`."""
    file = "published_shares.csv"
    if not (data_dir / file).exists():
        return ()
    rows = []
    for _, where, r in read_rows(data_dir / file, report, PublishedRow):
        unknown = [f for f in r.factions.split("+") if f not in faction_ids]
        if unknown:
            report.add(file, where, "unknown-faction", f"{', '.join(unknown)} not in factions.csv")
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
            report.add(file, where, "schema", explain(error))
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
