"""The cold first paint of two versions of the app side by side: this checkout and another (a `git worktree` of an
older commit, say), each with its own naive app (bench/naive_app.py), loaded in turn in fresh Chromium contexts.
Prints figures; asserts nothing.

    git worktree add /tmp/old 5542262
    python bench/first_paint_ab.py --other /tmp/old [--rounds 10]

Each app runs from its own tree on its own shipped data (`python -m dashboard run`), so the comparison is of the
product as each commit shipped it. "zones on screen" and "map drawn" are bench/scrub.py's (its harness, the same
for both): the poster handed on to the compositor, else the first frame of the map with its zones; the naive app's
map drawn. Loads go ours, theirs, naive, naive, ... reversed every round, so that the machine's drifting load weighs
on all alike; the ratio of our zones on screen to the naive map drawn is of medians in the same run.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import click
from playwright.sync_api import sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import scrub

HERE = scrub.ROOT


def start(stack: ExitStack, tree: Path, args: list[str], log: Path) -> str:
    """`python <args>` run in `tree` (its own code first on the path), until it answers; stopped on exit."""
    port = scrub.free_port()
    out = stack.enter_context(log.open("ab"))
    env = {**os.environ, "PYTHONPATH": str(tree)}
    process = subprocess.Popen([sys.executable, *args, "--port", str(port)], cwd=tree, stdout=out, stderr=out, env=env)
    stack.callback(process.terminate)
    url = f"http://127.0.0.1:{port}/"
    scrub.first_response(url, process, time.perf_counter())
    return url


def cold(browser: Any, url: str) -> tuple[dict[str, float], dict[str, Any]]:
    tab = scrub.open_tab(browser)
    try:
        tab.page.goto(url, wait_until="commit")
        return scrub.wait_cold(tab.page), tab.page.evaluate(scrub.VIEW)
    finally:
        tab.close()


@click.command()
@click.option("--other", type=click.Path(exists=True, file_okay=False, path_type=Path), required=True)
@click.option("--rounds", default=10, show_default=True)
@click.option("--log", type=click.Path(path_type=Path), default=Path("/tmp/first_paint_ab.log"), show_default=True)
def main(other: Path, rounds: int, log: Path) -> None:
    trees = {"this": HERE, "other": other.resolve()}
    click.echo(f"load average {os.getloadavg()[0]:.1f}; this = {scrub.code_version()}, other = {other}")
    with ExitStack() as stack, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=scrub.CHROMIUM, args=scrub.ARGS)
        urls = {}
        for name, tree in trees.items():
            urls[f"ours-{name}"] = start(stack, tree, ["-m", "dashboard", "run"], log)
            _, view = cold(browser, urls[f"ours-{name}"])  # the naive app opens at the view ours fitted
            where = f"{view['lon']:.6f},{view['lat']:.6f},{view['zoom']:.5f}"
            naive = [str(tree / "bench" / "naive_app.py"), "--map-height", str(view["height"]), "--view", where]
            urls[f"naive-{name}"] = start(stack, tree, naive, log)
            cold(browser, urls[f"naive-{name}"])
        loads: dict[str, list[dict[str, float]]] = {app: [] for app in urls}
        order = list(urls)
        for k in range(rounds):
            for app in order if k % 2 == 0 else order[::-1]:
                loads[app].append(cold(browser, urls[app])[0])
    click.echo(f"{rounds} cold loads each, ms from navigation (p50, and every load):")
    for app, runs in loads.items():
        what = "painted" if app.startswith("ours") else "zones"
        values = [round(r[what]) for r in runs]
        click.echo(
            f"  {app:12s} {'zones on screen' if what == 'painted' else 'map drawn':16s} "
            f"{statistics.median(values):6.0f}  {values}"
        )
    for name in trees:
        ours = statistics.median(r["painted"] for r in loads[f"ours-{name}"])
        naive = statistics.median(r["zones"] for r in loads[f"naive-{name}"])
        click.echo(f"  {name}: zones on screen / naive map drawn = {ours:.0f} / {naive:.0f} = {ours / naive:.3f}")
    click.echo(f"load average {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
