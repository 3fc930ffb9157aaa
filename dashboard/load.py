"""Every input read and checked across files: `validate` lists what is wrong, `load_atlas` is everything the app
shows, `read_inputs` is what build needs.

Only the readers open input files: read_tables, read_events and read_geo (with polygon_files). Each checks what it
reads and records each problem with the file, the row or feature, and the rule broken, then keeps going with the
rows that were good, so `validate` can list every problem at once and the app can keep serving what was good.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from shapely.geometry import Point
from shapely.geometry.base import BaseGeometry

from dashboard.model import INFERRED, Atlas, Event, GeoJSON, Override, Place, Timeline
from dashboard.problems import DataError, Problem, Report
from dashboard.read_events import read_area_events, read_events, read_sites
from dashboard.read_geo import (
    area_members,
    country_outline,
    governorate_areas,
    read_areas,
    read_base_layers,
    read_overrides,
    read_zones,
)
from dashboard.read_tables import read_dataset, read_factions, read_places, read_published, read_summaries
from dashboard.rows import DatasetInfo
from dashboard.sourcing import Site, meets_confirmed_rule
from dashboard.timeline import date_range, events_by_place, holder_on, resolve_events

log = logging.getLogger(__name__)

COUNTRY_AREA = "Syria"  # the area name for the whole country


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
