"""Load test: gunicorn (gunicorn.conf.py, 4 workers) on 127.0.0.1 and simulated users, for a fixed time.

Run on demand: python bench/load.py [--users 50] [--seconds 60] [--workers 4]

Each user keeps one keep-alive connection and repeats, after a think time of 1-3 s, one of:
- page: the app at a shared address (`/?date=...&place=...`): the page, its layout and callbacks map, the address
  callback and the place panel; one visit in two is a first visit that also fetches every script, style and the
  map and analytics data (what a browser cache or a CDN would otherwise answer);
- embed: one of a few articles' `/embed?...` frames (an article embeds one address for all its readers), and on a
  first visit its scripts;
- zones: the map data and the analytics data (every date's zones and figures: what a page fetches once);
- click: a click on a place marker (its callback, then the place panel's).
The first `--warmup` seconds (each worker filling its caches) are run but not counted. Only loopback addresses
are ever contacted. Prints a Markdown table: requests, p50/p95/p99 latency (ms) and errors per action, the
overall error rate, the server's CPU time and the memory of each worker (RSS, and PSS: preloaded pages are shared).
"""

from __future__ import annotations

import http.client
import json
import os
import random
import re
import signal
import socket
import statistics
import subprocess
import sys
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
    counted_from: float  # time.monotonic() at the end of the warm-up
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, action: str, started: float, seconds: float, ok: bool) -> None:
        if started < self.counted_from:
            return
        with self.lock:
            self.latencies[action].append(seconds)
            if not ok:
                self.errors[action] += 1


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
        self.connection = http.client.HTTPConnection(HOST, port, timeout=30)

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
            data = response.read()
            ok = response.status < 400
        except (OSError, http.client.HTTPException):
            self.connection.close()
            self.connection = http.client.HTTPConnection(HOST, self.port, timeout=30)
            data, ok = b"", False
        self.results.add(action, clock, time.perf_counter() - started, ok)
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
        self.callback("page", "panel", [place], [self.site.dates.index(date)])

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
            place = self.rng.choice(self.site.places)
            self.callback(action, "click", [{"points": [{"customdata": place}]}])
            self.callback(action, "panel", [place], [self.rng.randrange(len(self.site.dates))])

    def run(self, until: float) -> None:
        time.sleep(self.rng.uniform(0, 3))  # users arrive over the first seconds
        while time.monotonic() < until:
            self.act()
            time.sleep(self.rng.uniform(1, 3))
        self.connection.close()


def discover(port: int) -> Site:
    connection = http.client.HTTPConnection(HOST, port, timeout=30)

    def get(path: str) -> str:
        connection.request("GET", path)
        return connection.getresponse().read().decode()

    assets = re.findall(r'<(?:script|link)[^>]+(?:src|href)="(/[^"]+)"', get("/"))
    embed_assets = re.findall(r'<script[^>]+src="(/[^"]+)"', get("/embed"))
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
            "click": _callback(dependencies, f"{ids.MAP}.clickData"),
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
def main(users: int, seconds: int, workers: int, warmup: int) -> None:
    port = free_port()
    command = [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "--bind", f"{HOST}:{port}"]
    command += ["--workers", str(workers)]
    env = {**os.environ, "GUNICORN_CMD_ARGS": ""}
    (PROJECT_ROOT / "bench" / "results").mkdir(exist_ok=True)
    log = open(PROJECT_ROOT / "bench" / "results" / "load-gunicorn.log", "w")  # noqa: SIM115 - closed with the server
    server = subprocess.Popen(command, cwd=PROJECT_ROOT, env=env, stdout=subprocess.DEVNULL, stderr=log)
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                http.client.HTTPConnection(HOST, port, timeout=2).request("GET", "/")
                break
            except OSError:
                time.sleep(0.5)
        time.sleep(2)  # every worker up
        site = discover(port)
        workers_pids = workers_of(server.pid)
        load_before = os.getloadavg()[0]
        results = Results(counted_from=time.monotonic() + warmup)
        until = results.counted_from + seconds
        seeds = random.Random(7)
        threads = [
            threading.Thread(target=User(port, site, results, random.Random(seeds.random())).run, args=(until,))
            for _ in range(users)
        ]
        for t in threads:
            t.start()
        time.sleep(max(0.0, results.counted_from - time.monotonic()))
        busy_before = cpu_seconds(workers_pids)
        for t in threads:
            t.join(timeout=warmup + seconds + 60)
        elapsed = time.monotonic() - results.counted_from
        memory = [memory_mb(pid) for pid in workers_pids]
        busy = cpu_seconds(workers_pids) - busy_before
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=60)
        log.close()
    report(results, elapsed, users, workers, memory, busy, load_before)


def report(
    results: Results,
    elapsed: float,
    users: int,
    workers: int,
    memory: list[tuple[float, float]],
    busy: float,
    load_before: float,
) -> None:
    everything = [x for values in results.latencies.values() for x in values]
    errors = sum(results.errors.values())
    print(f"{users} users, {elapsed:.0f} s, gunicorn with {workers} workers on {os.cpu_count()} cores, loopback")
    print(f"load average before the run: {load_before:.1f} (other work on the machine slows every figure below)")
    print()
    print("| action | requests | p50 ms | p95 ms | p99 ms | errors |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    for action in [*WEIGHTS, "all"]:
        values = everything if action == "all" else results.latencies[action]
        failed = errors if action == "all" else results.errors[action]
        print(
            f"| {action} | {len(values)} | {percentile(values, 50):.0f} | {percentile(values, 95):.0f} | "
            f"{percentile(values, 99):.0f} | {failed} |"
        )
    print()
    print(f"throughput {len(everything) / elapsed:.0f} requests/s; error rate {errors / max(len(everything), 1):.2%}")
    print(
        f"server CPU: {busy / elapsed:.2f} cores on average, {1000 * busy / max(len(everything), 1):.1f} ms a request"
    )
    rss = ", ".join(f"{r:.0f}" for r, _ in memory)
    pss = ", ".join(f"{p:.0f}" for _, p in memory)
    print(f"memory per worker (MB): RSS {rss}; PSS {pss}")


if __name__ == "__main__":
    main()
