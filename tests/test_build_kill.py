"""A build killed with SIGKILL leaves the previous zones intact (files.write_all_atomically), and the next build
clears what it left behind. The build runs as `python -m dashboard build` in a child process on a copy of
tests/fixtures/valid whose events were changed, so the new zones differ from the old ones."""

from __future__ import annotations

import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from dashboard.config import PROJECT_ROOT
from dashboard.load import load_atlas

VALID = Path(__file__).resolve().parent / "fixtures" / "valid"
# The child: the build CLI, with `os.<hook>` wrapped to SIGKILL the process at its n-th call (n=0: never) and to
# wait `pause` seconds at each call (so a kill from outside lands while it writes).
CHILD = """
import os, signal, sys, time
hook, n, pause = sys.argv[2], int(sys.argv[3]), float(sys.argv[4])
real, calls = getattr(os, hook), [0]
def wrapped(*args):
    calls[0] += 1
    time.sleep(pause)
    if calls[0] == n:
        os.kill(os.getpid(), signal.SIGKILL)
    return real(*args)
setattr(os, hook, wrapped)
from dashboard.cli import main
main(["build", "--data-dir", sys.argv[1]])
"""


def build(data: Path, hook: str = "fsync", n: int = 0, pause: float = 0.0) -> subprocess.Popen[bytes]:
    command = [sys.executable, "-c", CHILD, str(data), hook, str(n), str(pause)]
    return subprocess.Popen(command, cwd=PROJECT_ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def zone_files(data: Path) -> dict[str, bytes]:
    return {p.relative_to(data).as_posix(): p.read_bytes() for p in sorted((data / "zones").rglob("*.geojson"))}


def leftovers(data: Path) -> list[Path]:
    return sorted((data / "zones").rglob(".*.tmp"))


@pytest.fixture
def data(tmp_path: Path) -> Path:
    """The fixture with its zones built, then events changed: from 27 Nov on, every day's zones differ."""
    data = tmp_path / "data"
    shutil.copytree(VALID, data)
    assert build(data).wait(timeout=120) == 0
    events = data / "events.csv"
    text = events.read_text().replace("2024-11-30,hama,contested", "2024-11-30,hama,hts")
    row = "2024-11-27,maarat_al_numan,contested,claimed,https://example.org/fixture/m,Source,2024-11-27,Names it,,,"
    events.write_text(text + row + "\n")
    return data


@pytest.mark.parametrize(
    ("hook", "n"),
    [("fsync", 1), ("fsync", 10), ("replace", 1)],  # writing the first file, the last (10th), before any rename
)
def test_a_build_that_kills_itself_while_writing_leaves_the_previous_zones(data: Path, hook: str, n: int) -> None:
    before = zone_files(data)
    assert build(data, hook, n).wait(timeout=120) == -signal.SIGKILL
    assert zone_files(data) == before
    assert leftovers(data)  # it was killed while writing
    assert load_atlas(data).zones  # the app loads the previous zones
    finish(data, before)


def test_a_build_killed_from_outside_while_writing_leaves_the_previous_zones(data: Path) -> None:
    before = zone_files(data)
    child = build(data, "fsync", 0, pause=0.2)  # each file takes 0.2 s to write
    deadline = time.monotonic() + 120
    while len(leftovers(data)) < 5 and child.poll() is None and time.monotonic() < deadline:  # half written
        time.sleep(0.01)
    child.send_signal(signal.SIGKILL)
    assert child.wait(timeout=60) == -signal.SIGKILL
    assert zone_files(data) == before
    finish(data, before)


def finish(data: Path, before: dict[str, bytes]) -> None:
    """The next build succeeds, writes the new zones and removes the killed build's temporary files."""
    assert build(data).wait(timeout=120) == 0
    assert leftovers(data) == []
    after = zone_files(data)
    assert after.keys() == before.keys()
    changed = {name for name in after if after[name] != before[name]}
    assert {"zones/2024-11-27.geojson", "zones/2024-11-30.geojson"} <= changed
