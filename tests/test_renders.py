"""Exports as a bounded, shared resource (dashboard/renders.py): single-flight, a bounded queue answering 503, a
content-addressed cache on disk, the renderer process's socket, the closed set of exports and pre-rendering."""

from __future__ import annotations

import http.client
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from toy import toy_atlas

from dashboard import renders
from dashboard.app import create_app
from dashboard.config import PROJECT_ROOT, Settings
from dashboard.renders import BusyError, Exports, Job, Renderer

ATLAS = toy_atlas()
LAST = ATLAS.dates[-1]


class Gate:
    """A render that waits until the test opens the gate, counting how often it ran."""

    def __init__(self) -> None:
        self.opened, self.calls = threading.Event(), 0

    def draw(self) -> bytes:
        self.calls += 1
        assert self.opened.wait(10)
        return b"image"


def until(condition: Any) -> None:
    for _ in range(200):
        if condition():
            return
        time.sleep(0.05)
    pytest.fail("timed out")


def test_simultaneous_requests_for_one_file_cost_one_render(tmp_path: Path) -> None:
    renderer, gate = Renderer(size=2), Gate()
    with ThreadPoolExecutor(8) as pool:
        waiting = [pool.submit(renderer.get, tmp_path / "a.png", gate.draw) for _ in range(8)]
        until(lambda: gate.calls == 1)
        time.sleep(0.2)  # the other seven asking meanwhile
        gate.opened.set()
        paths = [w.result() for w in waiting]
    assert paths == [tmp_path / "a.png"] * 8 and gate.calls == renderer.renders == 1
    assert renderer.get(tmp_path / "a.png", gate.draw) == tmp_path / "a.png" and gate.calls == 1  # from disk


def test_a_full_queue_refuses_another_render_and_takes_it_once_there_is_room(tmp_path: Path) -> None:
    renderer, gate = Renderer(size=2, wait=5), Gate()
    with ThreadPoolExecutor(2) as pool:
        first = [pool.submit(renderer.get, tmp_path / f"{n}.png", gate.draw) for n in range(2)]
        until(lambda: len(renderer.pending) == 2)
        with pytest.raises(BusyError):
            renderer.get(tmp_path / "2.png", gate.draw)
        gate.opened.set()
        assert [f.result() for f in first] == [tmp_path / "0.png", tmp_path / "1.png"]
    assert renderer.get(tmp_path / "2.png", gate.draw).read_bytes() == b"image" and renderer.renders == 3


def test_a_render_that_outlasts_the_wait_is_busy_and_still_lands_in_the_cache(tmp_path: Path) -> None:
    renderer, gate = Renderer(size=2, wait=0.2), Gate()
    with pytest.raises(BusyError):
        renderer.get(tmp_path / "slow.png", gate.draw)
    gate.opened.set()
    for _ in range(50):
        if (tmp_path / "slow.png").exists():
            break
        time.sleep(0.05)
    assert renderer.get(tmp_path / "slow.png", gate.draw).read_bytes() == b"image" and gate.calls == 1


def test_a_failed_render_reaches_every_waiter_and_the_next_request_tries_again(tmp_path: Path) -> None:
    renderer = Renderer()

    def broken() -> bytes:
        raise ValueError("no")

    with pytest.raises(ValueError, match="no"):
        renderer.get(tmp_path / "x.png", broken)
    assert renderer.pending == {} and renderer.get(tmp_path / "x.png", lambda: b"ok").read_bytes() == b"ok"


def test_chromium_is_restarted_every_few_renders_even_while_more_wait(tmp_path: Path) -> None:
    """Its memory grows with every render: a server busy without pause must still get a fresh one (a restart that
    waited for an empty queue never came under a steady stream of exports)."""
    restarts: list[int] = []
    renderer = Renderer(size=8, wait=10, restart_every=3, restart=lambda: restarts.append(renderer.renders))
    gate = Gate()
    with ThreadPoolExecutor(7) as pool:
        waiting = [pool.submit(renderer.get, tmp_path / f"{n}.png", gate.draw) for n in range(7)]
        until(lambda: len(renderer.pending) == 7)  # every one queued before the first finishes
        gate.opened.set()
        assert len([w.result() for w in waiting]) == 7
    assert restarts == [3, 6]


def test_after_each_render_the_renderer_rests_as_long_as_the_render_took(tmp_path: Path) -> None:
    """A stream of renders takes at most half of a core: pages and callbacks keep the rest."""
    rests: list[float] = []
    renderer = Renderer(sleep=rests.append)

    def slow() -> bytes:
        time.sleep(0.2)
        return b"image"

    renderer.get(tmp_path / "a.png", slow)
    until(lambda: rests)
    assert rests[0] >= 0.2 * renders.REST > 0


# ---------------------------------------------------------------- the closed set and the cache key


def test_the_report_set_is_every_date_language_and_summarised_place_and_one_series_per_language() -> None:
    jobs = list(renders.report_jobs(ATLAS))
    views = len(ATLAS.dates) * 2 * (1 + len(ATLAS.summaries))
    assert len(jobs) == 3 * views + 2 * 2 and len(set(jobs)) == len(jobs)
    assert Job("png", LAST, "hama", "ar") in jobs and Job("gif", None, None, "en") in jobs
    assert {j.place for j in jobs} == {None, *ATLAS.summaries}


def test_the_cache_key_changes_with_the_data_and_the_job() -> None:
    version = renders.data_version(ATLAS)
    assert version == renders.data_version(toy_atlas())
    job = Job("png", LAST, None, "en")
    assert renders.key(version, job) == renders.key(version, Job("png", LAST, None, "en"))
    assert renders.key(version, job) != renders.key(version, Job("svg", LAST, None, "en"))
    assert renders.key(version, job) != renders.key("other data", job)


# ---------------------------------------------------------------- over HTTP, with real renders


@pytest.fixture
def client(tmp_path: Path) -> Iterator[Any]:
    yield create_app(Settings(state_dir=tmp_path), ATLAS).server.test_client()


@pytest.fixture
def renderer(monkeypatch: pytest.MonkeyPatch) -> Iterator[Renderer]:
    """A fresh process renderer for the test (the module keeps one per process)."""
    fresh = Renderer()
    monkeypatch.setitem(renders._local, "renderer", fresh)
    yield fresh
    renders.export.stop()


def test_simultaneous_first_requests_for_an_image_share_one_render(client: Any, renderer: Renderer) -> None:
    url = f"/export/png?date={LAST}&place=hama&lang=ar"
    with ThreadPoolExecutor(6) as pool:
        answers = list(pool.map(lambda _: client.get(url), range(6)))
    assert [a.status_code for a in answers] == [200] * 6
    assert {a.data for a in answers} == {answers[0].data} and answers[0].data.startswith(b"\x89PNG")
    assert renderer.renders == 1
    assert client.get(url).data == answers[0].data and renderer.renders == 1


def test_a_full_renderer_answers_503_with_retry_after(
    client: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    full, gate = Renderer(size=1, wait=5), Gate()
    monkeypatch.setitem(renders._local, "renderer", full)
    with ThreadPoolExecutor(1) as pool:
        pool.submit(full.get, tmp_path / "held.png", gate.draw)
        until(lambda: len(full.pending) == 1)
        response = client.get(f"/export/svg?date={LAST}")
        gate.opened.set()
    assert response.status_code == 503 and response.headers["Retry-After"] == str(renders.RETRY_AFTER)
    assert b"Traceback" not in response.data


def test_places_outside_the_set_redirect_to_the_country_view_or_are_a_404(client: Any) -> None:
    moved = client.get(f"/export/png?date={LAST}&place=morek&lang=ar")  # a place without a summary
    assert moved.status_code == 302 and moved.headers["Location"] == f"/export/png?date={LAST}&lang=ar"
    unknown = client.get("/export/png?place=atlantis")
    assert unknown.status_code == 404 and b"No such place" in unknown.data and b"atlantis" not in unknown.data
    assert client.get("/export/png?lang=fr").status_code == 404


def test_prerendered_files_are_served_without_a_render(tmp_path: Path, renderer: Renderer) -> None:
    exports = Exports(ATLAS, tmp_path / renders.FOLDER)
    jobs = [Job("png", LAST, None, "en"), Job("html", None, None, "ar")]
    assert renders.prerender(exports, jobs) == 2 and renders.prerender(exports, jobs) == 0
    client = create_app(Settings(state_dir=tmp_path), ATLAS).server.test_client()  # another server, same folder
    png = client.get(f"/export/png?date={LAST}")
    assert png.status_code == 200 and png.data == exports.path(jobs[0]).read_bytes()
    assert client.get("/export/html?lang=ar").status_code == 200 and renderer.renders == 0


# ---------------------------------------------------------------- the renderer process's socket


def test_workers_ask_the_renderer_process_over_its_socket(tmp_path: Path, renderer: Renderer) -> None:
    socket_path = str(tmp_path / "renderer.sock")
    folder = tmp_path / renders.FOLDER
    server = renders.RenderServer(socket_path, toy_atlas, folder)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        worker = Exports(ATLAS, folder, socket_path)
        path = worker.file(Job("svg", LAST, "hama", "en"))
        assert path.read_bytes().startswith(b"<svg") and server.renderer.renders == 1
        assert worker.file(Job("svg", LAST, "hama", "en")) == path and server.renderer.renders == 1
        stale = Exports(ATLAS, folder, socket_path)
        stale.version = "data the renderer does not have"
        with pytest.raises(BusyError):
            stale.file(Job("png", LAST, None, "en"))
        assert renderer.renders == 0  # nothing rendered in the worker
    finally:
        server.shutdown()
        server.server_close()


# ---------------------------------------------------------------- under gunicorn


def _tree(root: int) -> list[str]:
    """The command lines of `root` and every process under it."""
    parents = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parents[int(entry.name)] = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
    tree, frontier = [root], [root]
    while frontier:
        frontier = [pid for pid, parent in parents.items() if parent in frontier]
        tree += frontier
    lines = []
    for pid in tree:
        try:
            lines.append(Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode())
        except OSError:
            continue
    return lines


def test_gunicorn_workers_share_one_renderer_and_one_chromium(tmp_path: Path) -> None:
    """Three workers asked at once for one image: one render, in the one renderer process, by its one Chromium."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "DASHBOARD_STATE_DIR": str(tmp_path), "GUNICORN_CMD_ARGS": ""}
    command = [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "--bind", f"127.0.0.1:{port}"]
    server = subprocess.Popen(
        [*command, "--workers", "3"], cwd=PROJECT_ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )

    def get(path: str) -> tuple[int, bytes]:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        connection.request("GET", path)
        response = connection.getresponse()
        return response.status, response.read()

    try:
        until_up = time.monotonic() + 180
        while time.monotonic() < until_up:
            try:
                get("/_dash-dependencies")
                break
            except OSError:
                time.sleep(1)
        renderer_socket = Path(tempfile.gettempdir(), f"dashboard-renderer-{server.pid}.sock")
        while time.monotonic() < until_up and not renderer_socket.exists():  # it loads the data before it listens
            time.sleep(0.5)
        day = "2024-12-05"
        with ThreadPoolExecutor(6) as pool:
            answers = list(pool.map(lambda _: get(f"/export/png?date={day}&place=hama"), range(6)))
        assert [status for status, _ in answers] == [200] * 6 and len({body for _, body in answers}) == 1
        assert len(list((tmp_path / renders.FOLDER).glob("*.png"))) == 1
        tree = _tree(server.pid)
        assert sum("dashboard.renders" in line for line in tree) == 1
        programs = [line.split(" ")[0] for line in tree if "--type=" not in line]  # not Chromium's helpers
        browsers = [p for p in programs if p.endswith(("/chromium", "/chrome"))]
        assert len(browsers) == 1, browsers
    finally:
        server.terminate()
        server.wait(timeout=60)


def prerender_cli(state: Path, formats: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "dashboard", "export", "prerender", "--state-dir", str(state)]
    return subprocess.run(
        [*command, "--formats", formats], cwd=PROJECT_ROOT, capture_output=True, text=True, check=False, timeout=300
    )


def test_prerender_on_the_command_line_fills_the_cache_once(tmp_path: Path) -> None:
    first = prerender_cli(tmp_path, "html")
    assert first.returncode == 0, first.stderr
    assert first.stdout.strip() == f"2 rendered, 0 already in {tmp_path / renders.FOLDER}"
    assert len(list((tmp_path / renders.FOLDER).glob("*.html"))) == 2
    assert prerender_cli(tmp_path, "html").stdout.strip() == f"0 rendered, 2 already in {tmp_path / renders.FOLDER}"
    bad = prerender_cli(tmp_path, "png,bmp")
    assert bad.returncode == 2 and "unknown format(s) bmp" in bad.stderr and "Traceback" not in bad.stderr


@pytest.mark.skipif(len(os.sched_getaffinity(0)) < 2, reason="one core: nothing to leave free")
def test_the_renderer_leaves_the_first_core_to_pages_and_callbacks() -> None:
    """`confine` (called in the renderer process) keeps it and its Chromium off core 0; run apart, so this test
    process keeps its cores."""
    script = "import os; from dashboard.renders import confine; confine(); print(sorted(os.sched_getaffinity(0)))"
    shown = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True, cwd=PROJECT_ROOT)
    cores = sorted(os.sched_getaffinity(0))
    assert shown.stdout.strip() == str(cores[1:])


def test_the_renderer_and_the_chromium_it_starts_run_only_on_cpu_time_nothing_else_wants() -> None:
    """`yield_cpu` (called in the renderer process) makes it SCHED_IDLE, and what it starts inherits that."""
    script = (
        "import os, subprocess, sys; from dashboard.renders import yield_cpu; yield_cpu(); "
        "child = 'import os; print(os.sched_getscheduler(0))'; "
        "print(os.sched_getscheduler(0), subprocess.run([sys.executable, '-c', child], capture_output=True, "
        "text=True).stdout.strip())"
    )
    shown = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True, cwd=PROJECT_ROOT)
    assert shown.stdout.split() == [str(os.SCHED_IDLE)] * 2
