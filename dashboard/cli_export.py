"""python -m dashboard export [html|png|svg|pdf|gif|prerender|site]: the map as files, and the render cache."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from dashboard.cli_options import DATA_DIR_OPTION, LANG_OPTION, OUT_OPTION
from dashboard.config import Settings

if TYPE_CHECKING:
    from dashboard.model import Atlas


@click.group()
def export() -> None:
    """Write the map as a self-contained HTML replay, PNG/SVG/PDF images or an animated GIF."""


def _atlas(data_dir: Path) -> Atlas:
    from dashboard.load import load_atlas
    from dashboard.problems import DataError

    try:
        return load_atlas(data_dir)
    except DataError as error:
        raise click.ClickException(str(error)) from error


@export.command("html")
@DATA_DIR_OPTION
@OUT_OPTION
@LANG_OPTION
def export_html(data_dir: Path, out: Path, lang: str) -> None:
    """One self-contained page with every date, its own slider and play button; works offline from file://."""
    from dashboard import export as exports
    from dashboard.files import write_atomically

    write_atomically(out, exports.html_page(_atlas(data_dir), lang=lang))
    click.echo(f"wrote {out} ({out.stat().st_size / 1e6:.1f} MB)")


def _image_command(fmt: str) -> click.Command:
    @DATA_DIR_OPTION
    @OUT_OPTION
    @LANG_OPTION
    @click.option("--date", "day", help="YYYY-MM-DD (default: the last date).")
    @click.option("--place", help="Mark this place (id or name).")
    @click.option("--width", default=1200, show_default=True, type=click.IntRange(200, 6000))
    @click.option("--height", default=900, show_default=True, type=click.IntRange(200, 6000))
    @click.option("--scale", default=1.0, show_default=True, type=click.FloatRange(0.25, 8))
    @click.option("--all-dates", is_flag=True, help="Write every date: OUT-01-2024-11-26.EXT, ...")
    def command(
        data_dir: Path,
        out: Path,
        lang: str,
        day: str | None,
        place: str | None,
        width: int,
        height: int,
        scale: float,
        all_dates: bool,
    ) -> None:
        from dashboard import export as exports
        from dashboard.files import write_atomically
        from dashboard.query import exact_date
        from dashboard.summary import find_place

        atlas = _atlas(data_dir)
        found = find_place(atlas, place) if place else None
        if place and found is None:
            raise click.BadParameter(f"unknown place {place!r}", param_hint="--place")
        if all_dates:
            jobs = list(exports.series(atlas, out))
        else:
            chosen = exact_date(day, atlas.dates) if day else atlas.dates[-1]
            if chosen is None:  # a file is named by its date: no other date stands in for it
                span = f"{atlas.dates[0]} to {atlas.dates[-1]}"
                raise click.BadParameter(f"no map for {day} ({span})", param_hint="--date")
            jobs = [(chosen, out)]
        try:
            for chosen, path in jobs:
                data = exports.image(
                    atlas, chosen, fmt, width=width, height=height, scale=scale, place=found and found.id, lang=lang
                )
                write_atomically(path, data)
                click.echo(f"wrote {path}")
        except exports.ExportError as error:
            raise click.ClickException(str(error)) from error
        finally:
            exports.stop()

    command.__doc__ = f"A {fmt.upper()} image of one date (or --all-dates): title, legend with shares, scale bar."
    return command


for _fmt in ("png", "svg", "pdf"):
    export.command(_fmt)(_image_command(_fmt))


@export.command("gif")
@DATA_DIR_OPTION
@OUT_OPTION
@LANG_OPTION
@click.option("--width", default=960, show_default=True, type=click.IntRange(200, 3000))
@click.option("--height", default=720, show_default=True, type=click.IntRange(200, 3000))
def export_gif(data_dir: Path, out: Path, lang: str, width: int, height: int) -> None:
    """An animated replay of every date, the date in each frame's title; also OUT.mp4 where ffmpeg is installed."""
    from dashboard import export as exports
    from dashboard.files import write_atomically

    atlas = _atlas(data_dir)
    try:
        animation, frames = exports.gif(atlas, width=width, height=height, lang=lang)
    except exports.ExportError as error:
        raise click.ClickException(str(error)) from error
    finally:
        exports.stop()
    write_atomically(out, animation)
    click.echo(f"wrote {out} ({len(frames)} frames)")
    video = out.with_suffix(".mp4")
    if exports.mp4(frames, video):
        click.echo(f"wrote {video}")
    else:
        click.echo("no ffmpeg on PATH: no mp4 written")


@export.command("prerender")
@DATA_DIR_OPTION
@click.option("--state-dir", type=click.Path(file_okay=False, path_type=Path), help="Default: DASHBOARD_STATE_DIR.")
@click.option(
    "--formats", default="png,gif,html", show_default=True, help="Comma-separated, of png, svg, pdf, gif, html."
)
def export_prerender(data_dir: Path, state_dir: Path | None, formats: str) -> None:
    """Render at deploy time what a report links to (every date × language × the whole country and each place with a
    summary; the GIF and the replay per language) into the cache every server shares: <state-dir>/renders."""
    from dashboard import renders

    chosen = _formats(formats)
    exports = renders.Exports(_atlas(data_dir), (state_dir or Settings.from_env().state_dir) / renders.FOLDER)
    jobs = list(renders.report_jobs(exports.atlas, chosen))
    with click.progressbar(length=len(jobs), label="Rendering", file=sys.stderr) as bar:
        made = renders.prerender(exports, jobs, on_job=lambda *_: bar.update(1))
    click.echo(f"{made} rendered, {len(jobs) - made} already in {exports.folder}")


@export.command("site")
@DATA_DIR_OPTION
@click.option("--out", required=True, type=click.Path(file_okay=False, path_type=Path), help="Folder (replaced).")
@click.option("--state-dir", type=click.Path(file_okay=False, path_type=Path), help="Default: DASHBOARD_STATE_DIR.")
@click.option("--formats", default="png,gif,html", show_default=True, help="Files besides the embed pages and data.")
def export_site(data_dir: Path, out: Path, state_dir: Path | None, formats: str) -> None:
    """Static files for any CDN: the /embed page of every date and language, images, replays, data downloads, with
    content-hashed names, a manifest and a _headers file (see dashboard/site.py)."""
    from dashboard import renders, site

    chosen = _formats(formats)
    atlas = _atlas(data_dir)
    exports = renders.Exports(atlas, (state_dir or Settings.from_env().state_dir) / renders.FOLDER)
    jobs = sum(1 for _ in renders.report_jobs(atlas, chosen))
    with click.progressbar(length=jobs, label="Rendering", file=sys.stderr) as bar:
        written = site.write_site(atlas, out, exports, chosen, on_job=lambda *_: bar.update(1))
    click.echo(f"wrote {len(list(out.rglob('*')))} files to {out} ({len(written.manifest)} content-hashed)")


def _formats(text: str) -> tuple[str, ...]:
    from dashboard import renders

    chosen = tuple(f.strip() for f in text.split(",") if f.strip())
    unknown = sorted(set(chosen) - set(renders.FORMATS))
    if unknown:
        raise click.BadParameter(f"unknown format(s) {', '.join(unknown)}", param_hint="--formats")
    return chosen
