"""Reading the changes of hands: events.csv and area_events.csv, each row checked against its schema, the places,
areas and factions it names, and the sources it cites: listed in sources.csv, not a mirror, published in time."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from pathlib import Path

from shapely.geometry.base import BaseGeometry

from dashboard.model import AreaEvent, Event, Place
from dashboard.problems import Report
from dashboard.read_tables import read_rows
from dashboard.rows import (
    AREA_EVENT_COLUMNS,
    EVENT_COLUMNS,
    AreaEventRow,
    EventRow,
    SourcedRow,
    SourceSite,
)
from dashboard.sourcing import Site, site_of

# A source published later than this after the event needs the row to say why (a retrospective).
LATE_SOURCE_DAYS = 14


def read_sites(data_dir: Path, report: Report) -> dict[str, Site]:
    """sources.csv: every domain the data cites, with its kind and country."""
    file = "sources.csv"
    sites: dict[str, Site] = {}
    for _, where, r in read_rows(data_dir / file, report, SourceSite, keys=("domain",)):
        if r.domain in sites:
            report.add(file, where, "duplicate-id", "domain listed twice")
            continue
        sites[r.domain] = Site(r.domain, r.name, r.kind, r.country, r.party)
    return sites


def _check_source(
    file: str, where: str, r: SourcedRow, day: date, sites: Mapping[str, Site] | None, report: Report
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
    for line, where, r in read_rows(data_dir / file, report, EventRow, EVENT_COLUMNS, ("place_id", "date")):
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
    for _, where, r in read_rows(data_dir / file, report, AreaEventRow, AREA_EVENT_COLUMNS, ("area", "date")):
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
