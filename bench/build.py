"""Benchmark: how long building every date's zones takes, and how big the files are.

Run on demand: python bench/build.py [--data-dir data/geo] [--repeat 5]
Prints figures; asserts nothing (speed is not a unit test on a shared machine).
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

import click

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from dashboard.build import build_days, dumps, zone_files
from dashboard.config import DEFAULT_DATA_DIR
from dashboard.load import read_inputs
from dashboard.problems import Report


@click.command()
@click.option("--data-dir", type=click.Path(file_okay=False, path_type=Path), default=DEFAULT_DATA_DIR)
@click.option("--repeat", default=5, show_default=True)
def main(data_dir: Path, repeat: int) -> None:
    started = time.perf_counter()
    inputs = read_inputs(data_dir, Report())
    read_s = time.perf_counter() - started
    assert inputs is not None
    timings = []
    for _ in range(repeat):
        started = time.perf_counter()
        days = build_days(inputs)
        texts = [dumps(c) for c in zone_files(days, inputs.timeline.places).values()]
        timings.append(time.perf_counter() - started)
    sizes = [len(t.encode()) for t in texts]
    click.echo(
        f"control points: {len(inputs.timeline.places)}, events: {len(inputs.timeline.events)}, dates: {len(days)}"
    )
    click.echo(f"read + validate inputs: {read_s:.2f} s")
    click.echo(f"build all dates (n={repeat}): median {statistics.median(timings):.2f} s, max {max(timings):.2f} s")
    click.echo(f"zone file size: median {statistics.median(sizes) / 1e3:.1f} KB, max {max(sizes) / 1e3:.1f} KB")


if __name__ == "__main__":
    main()
