"""Exports (PNG, SVG, PDF, GIF, HTML replay) as a bounded resource that every worker shares.

- **A closed set.** An export is a `Job`: a format, a date with map data, a language, and either no place or a place
  with a summary (`report_jobs` lists them all; GIF and HTML are one per language). Anything else is not rendered:
  a known place without a summary is the country view (a redirect), an unknown one a 404 (`embed.py`).
- **A content-addressed cache on disk.** A job's file is `<state_dir>/renders/<key>.<ext>`, `key` hashing the data
  (`data_version`), the package's code (`serving.code_version`) and the job. Every worker of every machine that
  mounts the folder serves the same file; `python -m dashboard export prerender` fills it at deploy time.
- **One renderer per process group.** Misses go to one `Renderer`: one render at a time (one Chromium), each
  followed by a rest as long as it took (`REST`), at most `QUEUE` distinct renders waiting or running (one more is
  `BusyError`: 503 with Retry-After), and single-flight: the requests for a job already queued wait for that render.
  Under gunicorn it runs in its own process (`python -m dashboard.renders`, started by gunicorn.conf.py, at low CPU
  priority), which the workers ask over a Unix socket (`DASHBOARD_RENDERER`); elsewhere (the development server,
  tests) it is a thread of the process.
- **A memory ceiling.** Chromium is restarted every `RESTART_EVERY` renders, busy or not: its memory grows with each.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import logging
import os
import queue
import signal
import socket
import socketserver
import sys
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import asdict, dataclass
from datetime import date
from pathlib import Path
from typing import Any, cast

from dashboard import export, serving
from dashboard.files import write_atomically
from dashboard.model import Atlas

log = logging.getLogger(__name__)

IMAGES: tuple[export.ImageFormat, ...] = export.IMAGE_FORMATS
SERIES = ("gif", "html")  # every date in one file
FORMATS = (*IMAGES, *SERIES)
QUEUE = 4  # distinct renders waiting or running; a request for another is refused (503)
WAIT_SECONDS = 20.0  # how long a request waits for its render (the render goes on after: the next request has it)
RETRY_AFTER = 10  # seconds, in a 503's Retry-After
RESTART_EVERY = 25  # renders per Chromium: it grows about 8 MB (PSS) a render, from about 450 MB
# After each render the renderer rests this many times the render's own time: a stream of renders takes at most
# half a core, and pages and callbacks the rest (a low priority alone still doubled their p95 under export load).
REST = 1.0
RELOAD_SECONDS = 10.0
SOCKET_ENV = "DASHBOARD_RENDERER"
FOLDER = "renders"


class BusyError(Exception):
    """No room for another render now (or it took too long): try again in `RETRY_AFTER` seconds."""


@dataclass(frozen=True)
class Job:
    """One export: `day` and `place` are None for the series formats (and `place` for the country view)."""

    fmt: str
    day: date | None
    place: str | None
    lang: str

    def filename(self) -> str:
        return f"syria-control-{self.day.isoformat() if self.day else 'replay'}.{self.fmt}"

    def to_json(self) -> dict[str, Any]:
        return {**asdict(self), "day": self.day.isoformat() if self.day else None}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Job:
        day = date.fromisoformat(data["day"]) if data["day"] else None
        return cls(str(data["fmt"]), day, data["place"], str(data["lang"]))


def data_version(atlas: Atlas) -> str:
    """A digest of everything an export is drawn from (about 0.2 s for the shipped data)."""
    content = [
        [d.isoformat() for d in atlas.dates], {d.isoformat(): z for d, z in atlas.zones.items()},
        {d.isoformat(): z for d, z in atlas.claimed.items()}, repr(atlas.timeline), repr(atlas.summaries),
        atlas.attribution, atlas.attribution_ar, str(atlas.as_of), atlas.base_layers,
    ]  # fmt: skip
    return hashlib.sha256(json.dumps(content, sort_keys=True, default=str).encode()).hexdigest()


def key(version: str, job: Job) -> str:
    text = json.dumps([version, serving.code_version(), job.to_json()], sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def report_jobs(atlas: Atlas, formats: tuple[str, ...] = FORMATS) -> Iterator[Job]:
    """Every export a report can link to: each date × language × (the whole country, each place with a summary)."""
    places = [None, *sorted(atlas.summaries)]
    for fmt in formats:
        for lang in export.LANGS:
            if fmt in SERIES:
                yield Job(fmt, None, None, lang)
                continue
            yield from (Job(fmt, day, place, lang) for day in atlas.dates for place in places)


def make(atlas: Atlas, job: Job) -> bytes:
    """The export itself (kaleido for images and the GIF)."""
    if job.fmt == "html":
        return export.html_page(atlas, lang=job.lang).encode()
    if job.fmt == "gif":
        return export.gif(atlas, lang=job.lang)[0]
    assert job.day is not None
    return export.image(atlas, job.day, cast(export.ImageFormat, job.fmt), place=job.place, lang=job.lang)


class Renderer:
    """Renders one at a time in a thread of its own, into files: single-flight, at most `size` waiting or running."""

    def __init__(
        self,
        size: int = QUEUE,
        wait: float = WAIT_SECONDS,
        restart_every: int = RESTART_EVERY,
        restart: Callable[[], None] = export.stop,
        rest: float = REST,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.size, self.wait, self.restart_every, self.restart = size, wait, restart_every, restart
        self.rest, self.sleep = rest, sleep
        self.pending: dict[Path, Future[Path]] = {}
        self.jobs: queue.Queue[tuple[Path, Callable[[], bytes], Future[Path]]] = queue.Queue()
        self.lock = threading.Lock()
        self.renders = 0  # made since start (tests count them)
        self.thread: threading.Thread | None = None

    def get(self, path: Path, draw: Callable[[], bytes]) -> Path:
        """`path`, made by `draw` unless it exists; `BusyError` if the queue is full or the render outlasts the wait."""
        if path.exists():
            return path
        with self.lock:
            future = self.pending.get(path)
            if future is None:
                if len(self.pending) >= self.size:
                    raise BusyError
                future = self.pending[path] = Future()
                self.jobs.put((path, draw, future))
                if self.thread is None or not self.thread.is_alive():
                    self.thread = threading.Thread(target=self._run, name="renderer", daemon=True)
                    self.thread.start()
        try:
            return future.result(timeout=self.wait)
        except FutureTimeout:
            raise BusyError from None

    def _run(self) -> None:
        while True:
            path, draw, future = self.jobs.get()
            error: Exception | None = None
            started = time.monotonic()
            try:
                write_atomically(path, draw())  # before it leaves `pending`: a later request finds the file
                self.renders += 1
            except Exception as failure:  # the requests waiting for it get the error, the renderer goes on
                log.exception("render of %s failed", path.name)
                error = failure
            with self.lock:
                del self.pending[path]
            if error is None:
                future.set_result(path)
            else:
                future.set_exception(error)
            if error is None and self.restart_every and self.renders % self.restart_every == 0:
                self.restart()  # a fresh Chromium on the next render, busy or not: its memory grows with each
            self.sleep(self.rest * (time.monotonic() - started))


_local: dict[str, Renderer] = {}
_local_lock = threading.Lock()


def local_renderer() -> Renderer:
    """This process's renderer (one for every app it serves: one Chromium)."""
    with _local_lock:
        return _local.setdefault("renderer", Renderer())


class Exports:
    """What the web app asks for: a job's file, from the cache, else from the renderer (here or over the socket)."""

    def __init__(self, atlas: Atlas, folder: Path, socket_path: str | None = None) -> None:
        self.atlas, self.folder, self.socket_path = atlas, folder, socket_path
        self.version = data_version(atlas)

    def path(self, job: Job) -> Path:
        return self.folder / f"{key(self.version, job)}.{job.fmt}"

    def file(self, job: Job) -> Path:
        path = self.path(job)
        if path.exists():
            return path
        if self.socket_path:
            return ask(self.socket_path, self.version, job, path)
        return local_renderer().get(path, lambda: make(self.atlas, job))


def exports_for(atlas: Atlas, state_dir: Path) -> Exports:
    return Exports(atlas, state_dir / FOLDER, os.environ.get(SOCKET_ENV) or None)


def prerender(exports: Exports, jobs: list[Job], on_job: Callable[[Job, bool], None] = lambda *_: None) -> int:
    """Render into the cache every job not in it yet (in this process); the number rendered."""
    made = 0
    try:
        for job in jobs:
            path = exports.path(job)
            fresh = not path.exists()
            if fresh:
                write_atomically(path, make(exports.atlas, job))
                made += 1
            on_job(job, fresh)
    finally:
        export.stop()
    return made


# ---------------------------------------------------------------- the renderer process and its socket


def ask(socket_path: str, version: str, job: Job, path: Path) -> Path:
    """Ask the renderer process for `job` (one JSON line each way); `BusyError` if it is full, stale or unreachable."""
    request = json.dumps({"version": version, "job": job.to_json()}).encode() + b"\n"
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as connection:
            connection.settimeout(WAIT_SECONDS + 5)
            connection.connect(socket_path)
            connection.sendall(request)
            answer = json.loads(connection.makefile("rb").readline() or b"{}")
    except (OSError, ValueError) as error:
        log.warning("renderer at %s not reachable: %s", socket_path, error)
        raise BusyError from error
    if answer.get("status") != "done" or not path.exists():
        if answer.get("status") == "error":
            raise RuntimeError(f"render failed: {answer.get('message')}")
        raise BusyError
    return path


class RenderServer(socketserver.ThreadingUnixStreamServer):
    """The renderer process: the data of the data folder (its last good set), one `Renderer`, one Chromium."""

    daemon_threads = True
    request_queue_size = 64  # connections waiting to be accepted (socketserver's default, 5, refuses a burst)

    def __init__(self, socket_path: str, load: Callable[[], Atlas], folder: Path) -> None:
        self.load, self.folder = load, folder
        self.renderer = Renderer()
        self.data_lock = threading.Lock()
        self.exports = Exports(load(), folder)
        self.loaded = time.monotonic()
        super().__init__(socket_path, _Handler)

    def exports_of(self, version: str) -> Exports | None:
        """The data a worker drew from: this process's, or the data folder's now (a worker that reloaded; looked
        at once in RELOAD_SECONDS at most, as a worker still serving the data before a reload asks too)."""
        with self.data_lock:
            if self.exports.version != version and time.monotonic() - self.loaded > RELOAD_SECONDS:
                self.exports, self.loaded = Exports(self.load(), self.folder), time.monotonic()
            return self.exports if self.exports.version == version else None

    def answer(self, request: dict[str, Any]) -> dict[str, str]:
        job = Job.from_json(request["job"])
        exports = self.exports_of(str(request["version"]))
        if exports is None:
            return {"status": "stale"}
        try:
            self.renderer.get(exports.path(job), lambda: make(exports.atlas, job))
        except BusyError:
            return {"status": "busy"}
        except Exception as error:  # logged by the renderer
            return {"status": "error", "message": type(error).__name__}
        return {"status": "done"}


class _Handler(socketserver.StreamRequestHandler):
    server: RenderServer

    def handle(self) -> None:
        try:
            answer = self.server.answer(json.loads(self.rfile.readline()))
        except (ValueError, KeyError, TypeError):
            answer = {"status": "error", "message": "bad request"}
        self.wfile.write(json.dumps(answer).encode() + b"\n")


def serve(socket_path: str, load: Callable[[], Atlas], folder: Path) -> None:
    """Answer on `socket_path` until SIGTERM; Chromium is stopped on the way out (no orphan browser)."""
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    Path(socket_path).unlink(missing_ok=True)
    try:
        with RenderServer(socket_path, load, folder) as server:
            try:
                export.render({"data": [], "layout": {}}, "png", width=10, height=10)  # Chromium up before requests
            except Exception:  # the first request tries again
                log.exception("Chromium did not start")
            log.info("renderer listening on %s", socket_path)
            server.serve_forever()
    finally:
        export.stop()
        Path(socket_path).unlink(missing_ok=True)


def yield_cpu() -> None:
    """Pages and callbacks first: the renderer (and Chromium, which inherits it) runs as SCHED_IDLE, only on CPU
    time nothing else wants; `nice` 10 still took about a tenth of a busy core from the workers."""
    os.sched_setscheduler(0, os.SCHED_IDLE, os.sched_param(0))


def confine() -> None:
    """Keep the renderer (and the Chromium it starts, which inherits this) off one core, where the machine has
    more than one: a low priority alone still lets a render take every core for seconds, and a page that arrives
    meanwhile waits for a time slice."""
    cores = sorted(os.sched_getaffinity(0))
    if len(cores) > 1:
        os.sched_setaffinity(0, cores[1:])


def main() -> None:
    """`python -m dashboard.renders --socket PATH`: the renderer process, data and state from the environment."""
    from dashboard.config import Settings  # noqa: PLC0415
    from dashboard.live_data import load_good  # noqa: PLC0415

    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("--socket", required=True)
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="[renderer] %(levelname)s %(name)s: %(message)s")
    for chatty in ("kaleido", "choreographer", "logistro"):  # a line per tab and per temporary folder
        logging.getLogger(chatty).setLevel(logging.WARNING)
    yield_cpu()
    confine()
    settings = Settings.from_env()
    serve(args.socket, lambda: load_good(settings)[0], settings.state_dir / FOLDER)


if __name__ == "__main__":
    main()
