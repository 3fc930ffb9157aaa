"""Options the commands of `dashboard.cli` and `dashboard.cli_export` share."""

from __future__ import annotations

from pathlib import Path

import click

from dashboard.config import DEFAULT_DATA_DIR

DATA_DIR_OPTION = click.option(
    "--data-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=DEFAULT_DATA_DIR,
    show_default=True,
    help="Folder with places.csv, events.csv, factions.csv, base/ and zones/.",
)
OUT_OPTION = click.option(
    "--out", required=True, type=click.Path(dir_okay=False, path_type=Path), help="File to write."
)
LANG_OPTION = click.option("--lang", default="en", show_default=True, type=click.Choice(["en", "ar"]))
