"""The app served from data that analysts edit by hand: reloaded when the files change, never from broken files.

`server` (gunicorn's `wsgi_app` in gunicorn.conf.py) hands each request to the Dash app built from the last good
data set. A thread in each worker looks at the data folder every few seconds; when a file has changed it loads
the data again and, if every file is valid, builds a new app and swaps it in. If a file is broken it logs every
problem (file, row or feature, rule) and goes on serving the last good data.

The last good data set is also kept on disk (`<state_dir>/last-good-data.tar`): a server that starts while the
files are broken serves that. For a few minutes after a swap, the content-hashed data URLs of the app before it
are still served, so a page loaded just before the swap still finds its data.
"""

from __future__ import annotations

import functools
import io
import logging
import os
import tarfile
import tempfile
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dash import Dash
from flask import Flask

from dashboard import serving
from dashboard.app import create_app
from dashboard.config import Settings
from dashboard.load import load_atlas
from dashboard.model import Atlas
from dashboard.problems import DataError

log = logging.getLogger(__name__)

SNAPSHOT = "last-good-data.tar"
POLL_SECONDS = 3.0
GRACE_SECONDS = 600.0  # how long the app before a swap still serves its own data URLs
Fingerprint = tuple[tuple[str, int, int], ...]


def fingerprint(data_dir: Path) -> Fingerprint:
    """(path, mtime, size) of every data file; hidden files (a build's temporary files) do not count."""
    files = []
    for path in sorted(data_dir.rglob("*")):
        relative = path.relative_to(data_dir)
        if path.is_file() and not any(part.startswith(".") for part in relative.parts):
            stat = path.stat()
            files.append((relative.as_posix(), stat.st_mtime_ns, stat.st_size))
    return tuple(files)


def save_snapshot(data_dir: Path, files: Fingerprint, target: Path) -> None:
    """Keep these files as the last good data set: one tar file, replaced atomically. A state folder that cannot
    be written (a read-only install) is logged, not fatal: the data is served all the same."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as archive:
        for relative, _, _ in files:
            archive.add(data_dir / relative, arcname=relative)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, temporary = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    except OSError as error:
        log.warning("the last good data set is not kept (%s): a restart with broken files will fail", error)
        return
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(buffer.getvalue())
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def load_snapshot(snapshot: Path) -> Atlas:
    with tempfile.TemporaryDirectory() as folder, tarfile.open(snapshot) as archive:
        archive.extractall(folder, filter="data")
        return load_atlas(Path(folder))


def log_problems(data_dir: Path, error: DataError, serving: str) -> None:
    log.error("data in %s not loaded (%d problem(s)); still serving %s", data_dir, len(error.problems), serving)
    for problem in error.problems:
        log.error("  %s", problem)


def load_good(settings: Settings) -> tuple[Atlas, Fingerprint]:
    """The data set in `settings.data_dir` if it is good (and kept as the last good one), else the last good one."""
    snapshot = settings.state_dir / SNAPSHOT
    before = fingerprint(settings.data_dir)
    try:
        atlas = load_atlas(settings.data_dir)
    except Exception as error:  # any loader failure: the last good data set covers it
        if not snapshot.exists():
            raise DataError.of(error, settings.data_dir) from error
        log_problems(settings.data_dir, DataError.of(error, settings.data_dir), f"the last good data set ({snapshot})")
        return load_snapshot(snapshot), before
    if fingerprint(settings.data_dir) == before:
        save_snapshot(settings.data_dir, before, snapshot)
    return atlas, before


@dataclass(frozen=True)
class Generation:
    """One app, the literal routes it serves (its content-hashed data URLs among them) and when it went out."""

    server: Flask
    paths: frozenset[str]
    retired: float = 0.0

    @classmethod
    def of(cls, server: Flask) -> Generation:
        return cls(server, frozenset(rule.rule for rule in server.url_map.iter_rules() if not rule.arguments))


class LiveServer:
    """A WSGI app: the Dash app of the last good data, swapped for a new one when the data files change."""

    def __init__(
        self,
        settings: Settings,
        build: Callable[[Settings, Atlas], Dash] = create_app,
        poll_seconds: float | None = POLL_SECONDS,
    ) -> None:
        """`poll_seconds`: how often a thread looks at the files (None: only when `check` is called)."""
        self.settings = settings
        self.build = build
        self.poll_seconds = poll_seconds
        atlas, self.seen = load_good(settings)
        self.current = Generation.of(self._served(atlas))
        self.previous: Generation | None = None
        self.lock = threading.Lock()
        self.watcher_pid = 0  # the process whose watcher thread runs

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        if self.poll_seconds is not None:
            self._watch()
        path = environ.get("PATH_INFO", "")
        current, previous = self.current, self.previous
        if previous is not None and path in previous.paths and path not in current.paths:
            return previous.server(environ, start_response)
        return current.server(environ, start_response)

    def check(self) -> bool:
        """Reload if the data files changed and are good; True if a new app is being served."""
        with self.lock:
            if self.previous is not None and time.monotonic() - self.previous.retired > GRACE_SECONDS:
                self.previous = None
            seen = fingerprint(self.settings.data_dir)
            if seen == self.seen:
                return False
            try:
                atlas = load_atlas(self.settings.data_dir)
            except Exception as error:  # a loader bug too: logged as a problem, once, not a traceback every look
                self.seen = seen
                data_dir = self.settings.data_dir
                log_problems(data_dir, DataError.of(error, data_dir), "the data loaded before")
                return False
            if fingerprint(self.settings.data_dir) != seen:
                return False  # still being written: look again next time
            try:
                server = self._served(atlas)
            except Exception:
                self.seen = seen
                log.exception(
                    "data in %s loaded but not served; still serving the data loaded before", self.settings.data_dir
                )
                return False
            self.previous = Generation(self.current.server, self.current.paths, time.monotonic())
            self.current, self.seen = Generation.of(server), seen
            save_snapshot(self.settings.data_dir, seen, self.settings.state_dir / SNAPSHOT)
            log.info("data in %s reloaded: %d dates", self.settings.data_dir, len(atlas.dates))
            return True

    def _served(self, atlas: Atlas) -> Flask:
        """The app's server, with what it would make on first request already made: no visitor waits for it."""
        server = self.build(self.settings, atlas).server
        serving.warm(server)
        return server

    def _watch(self) -> None:
        """Start the watcher in this process (after gunicorn forks a worker: threads do not survive a fork)."""
        if self.watcher_pid == os.getpid():
            return
        with self.lock:
            if self.watcher_pid != os.getpid():
                threading.Thread(target=self._poll, name="data-watcher", daemon=True).start()
                self.watcher_pid = os.getpid()

    def _poll(self) -> None:
        while True:
            time.sleep(self.poll_seconds or POLL_SECONDS)
            try:
                self.check()
            except Exception:  # the watcher must outlive any one look at the files
                log.exception("data watcher")


@functools.cache
def _server() -> LiveServer:
    return LiveServer(Settings.from_env())


def __getattr__(name: str) -> Any:
    """`server` is built on first access (gunicorn loads it once, before forking its workers)."""
    if name == "server":
        return _server()
    raise AttributeError(name)
