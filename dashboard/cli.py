"""Command line: python -m dashboard [run|build|validate|info]."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from dashboard.config import BASEMAPS, DEFAULT_DATA_DIR, Settings

DATA_DIR_OPTION = click.option(
    "--data-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=DEFAULT_DATA_DIR,
    show_default=True,
    help="Folder with places.csv, events.csv, factions.csv, base/ and zones/.",
)


@click.group(invoke_without_command=True)
@click.pass_context
def main(ctx: click.Context) -> None:
    """Syria control map, 26 Nov - 10 Dec 2024. Without a command: run the app."""
    if ctx.invoked_subcommand is None:
        ctx.invoke(run)


@main.command()
@DATA_DIR_OPTION
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8050, show_default=True, type=click.IntRange(1, 65535))
@click.option("--basemap", default="offline", show_default=True, type=click.Choice(BASEMAPS))
@click.option("--debug/--no-debug", default=False, show_default=True)
def run(data_dir: Path, host: str, port: int, basemap: str, debug: bool) -> None:
    """Serve the app (development server; use gunicorn in production)."""
    from dashboard.app import create_app

    settings = Settings(data_dir=data_dir, host=host, port=port, basemap=basemap, debug=debug)
    create_app(settings).run(host=host, port=port, debug=debug)


@main.command()
@DATA_DIR_OPTION
def validate(data_dir: Path) -> None:
    """Check every input file; list each problem with its file, row or feature, and rule."""
    from dashboard.load import validate as validate_inputs

    problems = validate_inputs(data_dir)
    for problem in problems:
        click.echo(str(problem), err=True)
    if problems:
        click.echo(f"{len(problems)} problem(s) found in {data_dir}", err=True)
        sys.exit(1)
    click.echo(f"{data_dir}: all inputs valid")


@main.command()
@DATA_DIR_OPTION
def build(data_dir: Path) -> None:
    """Regenerate zones/YYYY-MM-DD.geojson from places, events and overrides."""
    from dashboard.build import build_days, day_problems, write_zones, zone_files
    from dashboard.load import Report, read_inputs
    from dashboard.timeline import timeline_dates

    report = Report()
    inputs = read_inputs(data_dir, report)
    if report.problems or inputs is None:
        for problem in report.problems:
            click.echo(str(problem), err=True)
        click.echo("build stopped: fix the inputs above (nothing was written)", err=True)
        sys.exit(1)
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
def info(data_dir: Path) -> None:
    """Dates, factions, and each faction's area and share per date."""
    from dashboard.load import DataError, load_atlas

    try:
        atlas = load_atlas(data_dir)
    except DataError as error:
        raise click.ClickException(str(error)) from error
    factions = atlas.timeline.factions
    click.echo(f"{len(atlas.dates)} dates: {atlas.dates[0]} to {atlas.dates[-1]}")
    click.echo("factions: " + ", ".join(f"{f.id} ({f.label})" for f in factions))
    click.echo(f"{len(atlas.timeline.places)} control points, {len(atlas.timeline.events)} events\n")
    width = max(len(f.id) for f in factions)
    click.echo("date        " + "  ".join(f"{f.id:>{max(width, 16)}}" for f in factions))
    for day in atlas.dates:
        areas = {z["properties"]["faction"]: z["properties"]["area_km2"] for z in atlas.zones[day]["features"]}
        total = sum(areas.values())
        cells = [
            f"{areas.get(f.id, 0):>9,.0f} {100 * areas.get(f.id, 0) / total:5.1f}%".rjust(max(width, 16))
            for f in factions
        ]
        click.echo(f"{day}  " + "  ".join(cells))
