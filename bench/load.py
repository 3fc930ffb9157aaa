"""Load test: gunicorn (gunicorn.conf.py, 4 workers) on 127.0.0.1 and simulated users, for a fixed time.

Run on demand: python bench/load.py [--users 50] [--seconds 60] [--workers 4] [--exporters 10]

Each user keeps one keep-alive connection and repeats, after a think time of 1-3 s, one of:
- page: the app at a shared address (`/?date=...&place=...`): the page, its layout and callbacks map, the address
  callback and the place panel; one visit in two is a first visit that also fetches every script, style and the
  map and analytics data (what a browser cache or a CDN would otherwise answer);
- embed: one of a few articles' `/embed?...` frames (an article embeds one address for all its readers), and on a
  first visit its scripts and the other dates' drawings;
- zones: the map data and the analytics data (every date's zones and figures: what a page fetches once);
- click: a click on a place marker (the page sets the place; the place panel's callback).
With `--exporters N` (the export scenario), the users run `--seconds` alone ("idle"), then `--seconds` more while N
clients (threads of a process of their own) each ask, one after another with no pause, for exports they have not
asked for before (PNG, SVG or PDF of a date, language and place of the closed set `dashboard/renders.py` serves; now
and then the GIF or the replay), against an empty render cache: the figures of both phases, each export answer
(rendered, 503, other), and the peak memory of the whole server (RSS summed over gunicorn, its workers, the renderer
and Chromium; PSS too).
The first `--warmup` seconds (each worker filling its caches) are run but not counted. Only loopback addresses
are ever contacted. Prints a Markdown table: requests, p50/p95/p99 latency (ms) and errors per action, the
overall error rate, the server's CPU time and the memory of each worker (RSS, and PSS: preloaded pages are shared).
"""

from __future__ import annotations

import http.client
import json
import multiprocessing
import os
import random
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import click

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from dashboard import ids
from dashboard.config import DEFAULT_DATA_DIR, PROJECT_ROOT
from dashboard.load import load_atlas

HOST = "127.0.0.1"
BROWSER = {"Accept-Encoding": "gzip, deflate, br, zstd", "User-Agent": "bench/load.py"}
CALLBACK = "/_dash-update-component"
WEIGHTS = {"page": 3, "embed": 2, "zones": 1, "click": 4}
ARTICLES = ("?date=2024-12-05&place=hama", "?date=2024-11-30&place=aleppo", "?date=2024-12-08&place=homs", "")


@dataclass
class Results:
    """Latencies and errors per (phase, action); a request counts in the phase it started in."""

    phases: list[tuple[str, float, float]]  # name, start, end (time.monotonic())
    latencies: dict[tuple[str, str], list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: dict[tuple[str, str], int] = field(default_factory=lambda: defaultdict(int))
    statuses: dict[tuple[str, int], int] = field(default_factory=lambda: defaultdict(int))
    lock: threading.Lock = field(default_factory=threading.Lock)

    def figures(self) -> tuple[dict[Any, Any], ...]:
        """What another process collected, to `merge` here (plain dicts: they cross a pipe)."""
        return dict(self.latencies), dict(self.errors), dict(self.statuses)

    def merge(self, figures: tuple[dict[Any, Any], ...]) -> None:
        latencies, errors, statuses = figures
        with self.lock:
            for k, values in latencies.items():
                self.latencies[k] += values
            for k, count in errors.items():
                self.errors[k] += count
            for k, count in statuses.items():
                self.statuses[k] += count

    def phase(self, started: float) -> str | None:
        return next((name for name, start, end in self.phases if start <= started < end), None)

    def add(self, action: str, started: float, seconds: float, ok: bool, status: int = 0) -> None:
        phase = self.phase(started)
        if phase is None:
            return
        with self.lock:
            self.latencies[phase, action].append(seconds)
            self.statuses[phase, status] += action == "export"
            if not ok:
                self.errors[phase, action] += 1


@dataclass(frozen=True)
class Site:
    """What the users ask for: static files, data URLs, dates and places."""

    assets: list[str]
    embed_assets: list[str]
    data: list[str]
    dates: list[str]
    places: list[str]
    callbacks: dict[str, dict[str, Any]]


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


class User:
    def __init__(self, port: int, site: Site, results: Results, rng: random.Random) -> None:
        self.port, self.site, self.results, self.rng = port, site, results, rng
        self.connection = http.client.HTTPConnection(HOST, port, timeout=60)
        self.status = 0

    def request(self, action: str, method: str, path: str, body: Any = None) -> bytes:
        headers = dict(BROWSER)
        payload = None
        if body is not None:
            payload = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        started, clock = time.perf_counter(), time.monotonic()
        try:
            self.connection.request(method, path, body=payload, headers=headers)
            response = self.connection.getresponse()
            data, status = response.read(), response.status
            if status == 302 and action == "export":  # a place outside the closed set: its country view
                self.connection.request(method, response.getheader("Location", "/"), headers=headers)
                response = self.connection.getresponse()
                data, status = response.read(), response.status
        except (OSError, http.client.HTTPException):
            self.connection.close()
            self.connection = http.client.HTTPConnection(HOST, self.port, timeout=60)
            data, status = b"", 0
        self.status = status
        ok = 0 < status < 400 or (action == "export" and status == 503)  # a 503 for an export is deliberate
        self.results.add(action, clock, time.perf_counter() - started, ok, status)
        return data

    def callback(self, action: str, name: str, inputs: list[Any], state: list[Any] = ()) -> None:
        spec = self.site.callbacks[name]
        self.request(
            action,
            "POST",
            CALLBACK,
            {
                "output": spec["output"],
                "outputs": spec["outputs"],
                "inputs": [{**i, "value": v} for i, v in zip(spec["inputs"], inputs, strict=True)],
                "state": [{**s, "value": v} for s, v in zip(spec["state"], state, strict=True)],
                "changedPropIds": [f"{i['id']}.{i['property']}" for i in spec["inputs"]],
            },
        )

    def page(self) -> None:
        date, place = self.rng.choice(self.site.dates), self.rng.choice(self.site.places)
        query = f"?date={date}&place={place}"
        self.request("page", "GET", "/" + query)
        for part in ("/_dash-layout", "/_dash-dependencies"):
            self.request("page", "GET", part)
        if self.rng.random() < 0.5:  # a first visit
            for url in self.site.assets + self.site.data:
                self.request("page", "GET", url)
        self.callback("page", "from_url", [query])
        self.callback("page", "panel", [place], [self.site.dates.index(date), query])

    def embed(self) -> None:
        self.request("embed", "GET", "/embed" + self.rng.choice(ARTICLES))
        if self.rng.random() < 0.5:
            for url in self.site.embed_assets:
                self.request("embed", "GET", url)

    def act(self) -> None:
        action = self.rng.choices(list(WEIGHTS), weights=list(WEIGHTS.values()))[0]
        if action == "page":
            self.page()
        elif action == "embed":
            self.embed()
        elif action == "zones":
            for url in self.site.data:
                self.request(action, "GET", url)
        else:
            # A click on a place: the browser sets the place (assets/map.js) and asks for its panel.
            place, lang = self.rng.choice(self.site.places), self.rng.choice(("", "?lang=ar"))
            self.callback(action, "panel", [place], [self.rng.randrange(len(self.site.dates)), lang])

    def run(self, until: float) -> None:
        time.sleep(self.rng.uniform(0, 3))  # users arrive over the first seconds
        while time.monotonic() < until:
            self.act()
            time.sleep(self.rng.uniform(1, 3))
        self.connection.close()


class Exporter(User):
    """A client asking for exports it has not asked for before, one after another; after a 503 it waits a second."""

    def exports(self) -> list[str]:
        atlas = load_atlas(DEFAULT_DATA_DIR)
        views = [None, *sorted(atlas.summaries)]
        paths = [
            f"/export/{fmt}?date={day}&lang={lang}" + (f"&place={place}" if place else "")
            for fmt in ("png", "svg", "pdf") for day in self.site.dates for lang in ("en", "ar") for place in views
        ]  # fmt: skip
        self.rng.shuffle(paths)
        for n in range(12, len(paths), 25):  # now and then the series
            paths.insert(n, f"/export/{self.rng.choice(['gif', 'html'])}?lang={self.rng.choice(['en', 'ar'])}")
        return paths

    def run(self, until: float) -> None:
        for path in self.exports():
            if time.monotonic() >= until:
                break
            self.request("export", "GET", path)
            if self.status == 503:
                time.sleep(1)
        self.connection.close()


def discover(port: int) -> Site:
    connection = http.client.HTTPConnection(HOST, port, timeout=30)

    def get(path: str) -> str:
        connection.request("GET", path)
        return connection.getresponse().read().decode()

    assets = re.findall(r'<(?:script|link)[^>]+(?:src|href)="(/[^"]+)"', get("/"))
    embed_page = get("/embed")
    frames = re.findall(r'"frames":"(/_embed/frames[^"]*)"', embed_page)  # the other dates, fetched once drawn
    embed_assets = [*re.findall(r'<script[^>]+src="(/[^"]+)"', embed_page), *frames]
    layout = get("/_dash-layout").replace("\\u002f", "/")
    data = sorted(set(re.findall(r'"(/_(?:map|analytics)/data-[0-9a-f]+\.json)"', layout)))
    dependencies = json.loads(get("/_dash-dependencies"))
    connection.close()
    atlas = load_atlas(DEFAULT_DATA_DIR)
    return Site(
        assets=[*assets, "/_dash-component-suites/plotly/package_data/plotly.min.js"],
        embed_assets=embed_assets,
        data=data,
        dates=[d.isoformat() for d in atlas.dates],
        places=[p.id for p in atlas.timeline.places if p.kind in ("city", "town")],
        callbacks={
            "from_url": _callback(dependencies, f"{ids.URL}.search"),
            "panel": _callback(dependencies, f"{ids.PLACE}.data"),
        },
    )


def _callback(dependencies: list[dict[str, Any]], trigger: str) -> dict[str, Any]:
    """The server callback that `trigger` sets off, as the browser would call it."""
    found = next(
        d
        for d in dependencies
        if trigger in [f"{i['id']}.{i['property']}" for i in d["inputs"]] and d["clientside_function"] is None
    )
    parts = found["output"].strip(".").split("...")
    outputs = [dict(zip(("id", "property"), p.rsplit(".", 1), strict=True)) for p in parts]
    return {
        "output": found["output"],
        "outputs": outputs if found["output"].startswith("..") else outputs[0],
        "inputs": found["inputs"],
        "state": found["state"],
    }


def tree_of(root: int) -> list[int]:
    """`root` and every process under it (the renderer's Chromium too)."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parents[int(entry.name)] = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
    tree, frontier = [root], [root]
    while frontier:
        children = [pid for pid, parent in parents.items() if parent in frontier]
        tree += children
        frontier = children
    return tree


class MemoryWatch(threading.Thread):
    """The peak, sampled every second, of RSS and of PSS summed over the server's whole process tree (MB)."""

    def __init__(self, root: int) -> None:
        super().__init__(daemon=True)
        self.root, self.peak_rss, self.peak_pss, self.processes = root, 0.0, 0.0, 0
        self.stopped = threading.Event()

    def run(self) -> None:
        while not self.stopped.wait(1.0):
            rss = pss = 0.0
            tree = tree_of(self.root)
            for pid in tree:
                try:
                    r, p = memory_mb(pid)
                except (OSError, KeyError, ValueError):
                    continue
                rss, pss = rss + r, pss + p
            if rss > self.peak_rss:
                self.peak_rss, self.processes = rss, len(tree)
            self.peak_pss = max(self.peak_pss, pss)


def workers_of(master: int) -> list[int]:
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    return [int(pid) for pid in children]


def cpu_seconds(pids: list[int]) -> float:
    """User and system CPU time the processes have used so far."""
    ticks = 0
    for pid in pids:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        ticks += int(fields[11]) + int(fields[12])  # utime, stime
    return ticks / os.sysconf("SC_CLK_TCK")


def memory_mb(pid: int) -> tuple[float, float]:
    """(RSS, PSS) in MB."""
    fields = dict(line.split(":", 1) for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()[1:])
    return int(fields["Rss"].split()[0]) / 1024, int(fields["Pss"].split()[0]) / 1024


def percentile(values: list[float], p: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[int(p) - 1] * 1000 if len(values) > 1 else 0.0


@click.command()
@click.option("--users", default=50, show_default=True, type=click.IntRange(1, 200))
@click.option("--seconds", default=60, show_default=True, type=click.IntRange(5, 600))
@click.option("--workers", default=4, show_default=True, type=click.IntRange(1, 16))
@click.option("--warmup", default=60, show_default=True, type=click.IntRange(0, 300), help="Seconds not counted.")
@click.option("--exporters", default=0, show_default=True, type=click.IntRange(0, 50), help="The export scenario.")
def main(users: int, seconds: int, workers: int, warmup: int, exporters: int) -> None:
    port = free_port()
    command = [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "--bind", f"{HOST}:{port}"]
    command += ["--workers", str(workers)]
    env = {**os.environ, "GUNICORN_CMD_ARGS": ""}
    state = tempfile.TemporaryDirectory(prefix="bench-state-")  # an empty render cache: every export is new
    if exporters:
        env["DASHBOARD_STATE_DIR"] = state.name
    (PROJECT_ROOT / "bench" / "results").mkdir(exist_ok=True)
    log = open(PROJECT_ROOT / "bench" / "results" / "load-gunicorn.log", "w")  # noqa: SIM115 - closed with the server
    server = subprocess.Popen(command, cwd=PROJECT_ROOT, env=env, stdout=subprocess.DEVNULL, stderr=log)
    watch = MemoryWatch(server.pid)
    try:
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            try:
                http.client.HTTPConnection(HOST, port, timeout=2).request("GET", "/")
                break
            except OSError:
                time.sleep(0.5)
        time.sleep(2)  # every worker up
        watch.start()
        site = discover(port)
        children = workers_of(server.pid)  # the workers, and the renderer process
        workers_pids = [pid for pid in children if b"gunicorn" in Path(f"/proc/{pid}/cmdline").read_bytes()]
        load_before = os.getloadavg()[0]
        start = time.monotonic() + warmup
        phases = [("idle", start, start + seconds), ("exports", start + seconds, start + 2 * seconds)]
        results = Results(phases if exporters else [("all", start, start + seconds)])
        until = results.phases[-1][2]
        seeds = random.Random(7)
        threads = [
            threading.Thread(target=User(port, site, results, random.Random(seeds.random())).run, args=(until,))
            for _ in range(users)
        ]
        exporting = _exporters(port, site, results.phases, exporters) if exporters else None
        for t in threads:
            t.start()
        time.sleep(max(0.0, start - time.monotonic()))
        busy_before = cpu_seconds(workers_pids)
        _join(threads, exporting, results, warmup + 2 * seconds + 90)
        elapsed = time.monotonic() - start
        memory = [memory_mb(pid) for pid in workers_pids]
        busy = cpu_seconds(workers_pids) - busy_before
    finally:
        watch.stopped.set()
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=90)
        log.close()
        state.cleanup()
    report(results, elapsed, users, workers, memory, busy, load_before)
    if exporters:
        report_exports(results, exporters, watch)


def _exporters(port: int, site: Site, phases: list[tuple[str, float, float]], n: int) -> tuple[Any, Any]:
    """The exporters in a process of their own, as other clients are: in the users' process they would share its
    interpreter lock, and the users' figures would count the exporters' client-side work. Gives (a queue that gets
    their figures, the process)."""
    context = multiprocessing.get_context("fork")
    figures = context.Queue()
    process = context.Process(target=_export, args=(port, site, phases, n, figures), daemon=True)
    process.start()
    return figures, process


def _join(threads: list[threading.Thread], exporting: tuple[Any, Any] | None, results: Results, timeout: float) -> None:
    for t in threads:
        t.join(timeout=timeout)
    if exporting:
        results.merge(exporting[0].get(timeout=120))
        exporting[1].join()


def _export(port: int, site: Site, phases: list[tuple[str, float, float]], n: int, figures: Any) -> None:
    results = Results(phases)
    start, until = phases[1][1], phases[-1][2]
    threads = [
        threading.Thread(target=_later, args=(start, Exporter(port, site, results, random.Random(k)), until))
        for k in range(n)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    figures.put(results.figures())


def _later(at: float, exporter: Exporter, until: float) -> None:
    time.sleep(max(0.0, at - time.monotonic()))
    exporter.run(until)


def report(
    results: Results,
    elapsed: float,
    users: int,
    workers: int,
    memory: list[tuple[float, float]],
    busy: float,
    load_before: float,
) -> None:
    print(f"{users} users, {elapsed:.0f} s, gunicorn with {workers} workers on {os.cpu_count()} cores, loopback")
    print(f"load average before the run: {load_before:.1f} (other work on the machine slows every figure below)")
    total = errors = 0
    for phase, _, _ in results.phases:
        print()
        print(f"phase: {phase}")
        print()
        print("| action | requests | p50 ms | p95 ms | p99 ms | errors |")
        print("| --- | ---: | ---: | ---: | ---: | ---: |")
        everything = [x for (p, _), values in results.latencies.items() if p == phase for x in values]
        failed_all = sum(n for (p, _), n in results.errors.items() if p == phase)
        total, errors = total + len(everything), errors + failed_all
        for action in [*WEIGHTS, "export", "all"]:
            values = everything if action == "all" else results.latencies.get((phase, action), [])
            failed = failed_all if action == "all" else results.errors.get((phase, action), 0)
            if values:
                print(
                    f"| {action} | {len(values)} | {percentile(values, 50):.0f} | {percentile(values, 95):.0f} | "
                    f"{percentile(values, 99):.0f} | {failed} |"
                )
    print()
    print(f"throughput {total / elapsed:.0f} requests/s; error rate {errors / max(total, 1):.2%}")
    print(f"workers' CPU: {busy / elapsed:.2f} cores on average, {1000 * busy / max(total, 1):.1f} ms a request")
    rss = ", ".join(f"{r:.0f}" for r, _ in memory)
    pss = ", ".join(f"{p:.0f}" for _, p in memory)
    print(f"memory per worker (MB): RSS {rss}; PSS {pss}")


def report_exports(results: Results, exporters: int, watch: MemoryWatch) -> None:
    """The export scenario's verdicts: 5xx, the 503s, p95 against idle, peak memory."""
    answers = {status: n for (phase, status), n in results.statuses.items() if phase == "exports" and n}
    print()
    print(f"export answers from {exporters} clients (status: count): {dict(sorted(answers.items()))}")
    others = sum(n for (p, a), n in results.errors.items() if a != "export")
    server_errors = sum(n for s, n in answers.items() if s >= 500 and s != 503)
    print(f"exports: 5xx other than the deliberate 503s: {server_errors}; 503s: {answers.get(503, 0)}")
    print(f"errors of every other action, both phases (any status >= 400 or no answer): {others}")
    for action in ("page", "click", "embed"):
        idle, busy = (percentile(results.latencies.get((p, action), []), 95) for p in ("idle", "exports"))
        print(f"{action}: p95 {idle:.0f} ms idle, {busy:.0f} ms during exports ({busy / max(idle, 1e-9):.2f}x)")
    print(
        f"peak memory of the whole server ({watch.processes} processes): RSS {watch.peak_rss / 1024:.2f} GB summed "
        f"(shared pages counted in each process), PSS {watch.peak_pss / 1024:.2f} GB"
    )


if __name__ == "__main__":
    main()
