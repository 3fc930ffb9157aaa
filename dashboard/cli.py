"""Command line: python -m dashboard [run|build|validate|info|sources|export]; the export commands are in
`cli_export`."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

import click

from dashboard.cli_export import export
from dashboard.cli_options import DATA_DIR_OPTION
from dashboard.config import BASEMAPS, DEFAULT_DATA_DIR, Settings

if TYPE_CHECKING:
    from dashboard.problems import Problem


@click.group(invoke_without_command=True)
@click.pass_context
def main(ctx: click.Context) -> None:
    """Syria control map, late 2024. Without a command: run the app."""
    if ctx.invoked_subcommand is None:
        ctx.invoke(run)


@main.command()
@click.option(
    "--data-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=DEFAULT_DATA_DIR,
    show_default=True,
    envvar="DASHBOARD_DATA_DIR",
    help="Folder with places.csv, events.csv, factions.csv, base/ and zones/.",
)
@click.option("--host", default="127.0.0.1", show_default=True, envvar="DASHBOARD_HOST")
@click.option("--port", default=8050, show_default=True, type=click.IntRange(1, 65535), envvar="DASHBOARD_PORT")
@click.option(
    "--basemap", default="offline", show_default=True, type=click.Choice(BASEMAPS), envvar="DASHBOARD_BASEMAP"
)
@click.option("--debug/--no-debug", default=False, show_default=True, envvar="DASHBOARD_DEBUG")
def run(data_dir: Path, host: str, port: int, basemap: str, debug: bool) -> None:
    """Serve the app (development server; use gunicorn in production). Each option may come from its
    DASHBOARD_* variable; the other settings (DASHBOARD_EMBED_ORIGINS, DASHBOARD_STATE_DIR) too."""
    import threading
    from dataclasses import replace

    from dashboard import serving
    from dashboard.app import create_app
    from dashboard.problems import DataError

    settings = replace(Settings.from_env(), data_dir=data_dir, host=host, port=port, basemap=basemap, debug=debug)
    try:
        app = create_app(settings)
    except Exception as error:  # bad data (or a loader bug): the problem list, not a traceback
        _fail(DataError.of(error, data_dir).problems, f"not serving {data_dir}: fix the inputs above")
    # What the app makes on first request (the analytics overlays) is made while it starts serving.
    threading.Thread(target=serving.warm, args=(app.server,), name="warm", daemon=True).start()
    app.run(host=host, port=port, debug=debug)


@main.command()
@DATA_DIR_OPTION
def validate(data_dir: Path) -> None:
    """Check every input file; list each problem with its file, row or feature, and rule."""
    from dashboard.load import validate as validate_inputs
    from dashboard.problems import DataError

    try:
        problems = validate_inputs(data_dir)
    except Exception as error:  # a loader bug: still a problem list
        problems = DataError.of(error, data_dir).problems
    if problems:
        _fail(problems, f"{len(problems)} problem(s) found in {data_dir}")
    click.echo(f"{data_dir}: all inputs valid")


def _fail(problems: list[Problem], last: str) -> NoReturn:
    for problem in problems:
        click.echo(str(problem), err=True)
    click.echo(last, err=True)
    sys.exit(1)


@main.command()
@DATA_DIR_OPTION
def build(data_dir: Path) -> None:
    """Regenerate zones/YYYY-MM-DD.geojson from places, events and overrides."""
    from dashboard.build import build_days, day_problems, write_zones, zone_files
    from dashboard.load import read_inputs
    from dashboard.problems import DataError, Report
    from dashboard.timeline import timeline_dates

    report = Report()
    try:
        inputs = read_inputs(data_dir, report)
    except Exception as error:  # a loader bug: still a problem list
        report.problems += DataError.of(error, data_dir).problems
        inputs = None
    if report.problems or inputs is None:
        _fail(report.problems, "build stopped: fix the inputs above (nothing was written)")
    days_total = len(timeline_dates(inputs.timeline, inputs.dataset.end))
    with click.progressbar(length=days_total, label="Building zones", file=sys.stderr) as bar:
        days = build_days(inputs, on_day=lambda _: bar.update(1))
    broken = {d.day: day_problems(d, inputs) for d in days}
    if any(broken.values()):
        for day, problems in broken.items():
            for problem in problems:
                click.echo(f"zones {day}: {problem}", err=True)
        sys.exit(1)
    written, removed = write_zones(data_dir / "zones", zone_files(days, inputs.timeline.places))
    for path in removed:
        click.echo(f"removed {path.name}: its date is no longer in the data set", err=True)
    click.echo(f"wrote {len(written)} zone files to {data_dir / 'zones'}")


@main.command()
@DATA_DIR_OPTION
@click.option("--compare", is_flag=True, help="Our shares next to the published figures in published_shares.csv.")
def info(data_dir: Path, compare: bool) -> None:
    """Dates, factions, and each faction's area and share per date (in brackets: the share of its zone that is
    only claimed)."""
    from dashboard.load import load_atlas
    from dashboard.problems import DataError, Report
    from dashboard.read_tables import read_published
    from dashboard.stats import combined_percent, held_and_claimed

    try:
        atlas = load_atlas(data_dir)
    except DataError as error:
        raise click.ClickException(str(error)) from error
    factions = atlas.timeline.factions
    held = {d: held_and_claimed(atlas.zones[d], atlas.claimed.get(d)) for d in atlas.dates}
    if compare:
        report = Report()
        figures = read_published(data_dir, report, set(atlas.timeline.faction_ids))
        if report.problems:
            raise click.ClickException("\n".join(str(p) for p in report.problems))
        labels = {f.id: f.label for f in factions}
        for figure in dict.fromkeys(r.figure for r in figures):
            rows = [r for r in figures if r.figure == figure]
            first = rows[0]
            day = first.compare_on
            click.echo(f"\n{first.source} (map of {first.map_date}) — ours on {day}\n  <{first.url}>")
            if day not in held:
                click.echo(f"  no zones for {day}")
                continue
            for r in rows:
                ids = r.factions.split("+")
                ours = combined_percent(held[day], ids)
                claimed = sum(h.claimed_km2 for h in held[day] if h.faction in ids)
                area = sum(h.area_km2 for h in held[day] if h.faction in ids)
                of_it = 100 * claimed / area if area else 0.0
                name = " + ".join(labels[i] for i in ids)
                click.echo(
                    f"  {name:<48} ours {ours:5.1f} % · {of_it:4.1f} % of it claimed   "
                    f"published {r.percent:5.1f} %   difference {ours - r.percent:+5.1f}"
                    + (f"   ({r.note})" if r.note else "")
                )
            unclear = combined_percent(held[day], ["contested"])
            click.echo(f"  {'(contested or unclear, ours)':<48} ours {unclear:5.1f} %")
        return
    click.echo(f"{len(atlas.dates)} dates: {atlas.dates[0]} to {atlas.dates[-1]}")
    click.echo("factions: " + ", ".join(f"{f.id} ({f.label})" for f in factions))
    click.echo(f"{len(atlas.timeline.places)} control points, {len(atlas.timeline.events)} changes of hands\n")
    width = max(len(f.id) for f in factions)
    click.echo("date        " + "  ".join(f"{f.id:>{max(width, 22)}}" for f in factions))
    for day in atlas.dates:
        rows = {h.faction: h for h in held[day]}
        cells = [
            f"{rows[f.id].area_km2:>9,.0f} {rows[f.id].percent:5.1f}% ({rows[f.id].claimed_percent:4.1f})"
            if f.id in rows
            else f"{0:>9,.0f} {0:5.1f}% ({0:4.1f})"
            for f in factions
        ]
        click.echo(f"{day}  " + "  ".join(c.rjust(max(width, 22)) for c in cells))


@main.command()
@DATA_DIR_OPTION
def sources(data_dir: Path) -> None:
    """Who backs the record: rows per domain and per URL, and the confidence mix."""
    from dashboard.load import read_inputs
    from dashboard.model import INFERRED
    from dashboard.problems import Report
    from dashboard.sourcing import tally
    from dashboard.timeline import sourced

    report = Report()
    inputs = read_inputs(data_dir, report)
    if inputs is None:
        raise click.ClickException("\n".join(str(p) for p in report.problems))
    events = inputs.timeline.events
    t = tally(sourced(events), inputs.timeline.area_events, sum(e.confidence == INFERRED for e in events), inputs.sites)
    kinds = {site.domain: site.kind for site in inputs.sites.values()}
    click.echo(
        f"{t.point_rows} point rows (events.csv), {t.area_rows} area rows (area_events.csv), "
        f"{t.inferred_places} inferred changes (no source)"
    )
    click.echo("confidence: " + ", ".join(f"{c} {n}" for c, n in t.confidence.items()))
    click.echo("\nrows per domain:")
    for domain, n in t.by_domain:
        click.echo(f"{n:5d}  {domain} ({kinds.get(domain, 'unlisted')})")
    click.echo("\nrows per URL:")
    for url, n in t.by_url:
        click.echo(f"{n:5d}  {url}")


main.add_command(export)
