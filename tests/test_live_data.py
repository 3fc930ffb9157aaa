"""Data faults while the app runs or restarts (live_data.py): the last good data stays served; the log says why."""

from __future__ import annotations

import json
import re
import shutil
import time
from dataclasses import replace
from pathlib import Path

import pytest
from werkzeug.test import Client

from dashboard.build import build_days, write_zones, zone_files
from dashboard.config import Settings
from dashboard.live_data import SNAPSHOT, LiveServer
from dashboard.load import read_inputs
from dashboard.problems import DataError, Report

VALID = Path(__file__).resolve().parent / "fixtures" / "valid"


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """tests/fixtures/valid with its zones built, and a state folder of its own."""
    data = tmp_path / "data"
    shutil.copytree(VALID, data)
    report = Report()
    inputs = read_inputs(data, report)
    assert inputs is not None
    write_zones(data / "zones", zone_files(build_days(inputs), inputs.timeline.places))
    return Settings(data_dir=data, state_dir=tmp_path / "state")


def attribution(client: Client) -> str:
    layout = client.get("/_dash-layout").get_data(as_text=True)
    return re.search(r"(Test fixture[^\"<]*)", layout).group(1)


def data_url(client: Client) -> str:
    layout = client.get("/_dash-layout").get_data(as_text=True).replace("\\u002f", "/")
    return re.search(r"/_map/data-[0-9a-f]{16}\.json", layout).group(0)


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_a_broken_file_keeps_the_last_good_data_served_and_the_log_names_file_and_feature(
    settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    live = LiveServer(settings, poll_seconds=None)
    client = Client(live)
    served = live.current
    assert attribution(client) == "Test fixture (made up for the test suite)"
    zone = settings.data_dir / "zones" / "2024-11-28.geojson"
    edit(zone, '"faction":"hts"', '"faction":"rebels"')
    edit(settings.data_dir / "events.csv", "2024-11-29,abu_al_duhur,hts", "2024-11-29,abu_al_duhur,nobody")

    assert live.check() is False
    assert live.current is served and client.get("/").status_code == 200
    assert attribution(client) == "Test fixture (made up for the test suite)"
    log = caplog.text
    assert "still serving the data loaded before" in log
    assert "events.csv row 4 (place_id=abu_al_duhur, date=2024-11-29): [unknown-faction]" in log
    assert re.search(r"zones/2024-11-28\.geojson feature \d: \[unknown-faction\]", log)
    caplog.clear()
    assert live.check() is False and caplog.text == ""  # the same broken files are reported once


def test_good_files_are_swapped_in_and_the_old_data_url_is_still_served(settings: Settings) -> None:
    live = LiveServer(settings, poll_seconds=None)
    client = Client(live)
    old_url = data_url(client)
    edit(settings.data_dir / "dataset.yaml", "(made up for the test suite)", "(corrected)")
    edit(settings.data_dir / "factions.csv", "hts,HTS,", "hts,HTS-led,")  # in the map data: a new data URL
    assert live.check() is True
    assert attribution(client) == "Test fixture (corrected)"
    new_url = data_url(client)
    assert new_url != old_url
    assert client.get(new_url).status_code == client.get(old_url).status_code == 200  # a page loaded just before
    assert client.get("/_map/data-0000000000000000.json").status_code == 404
    assert live.check() is False  # nothing changed since


@pytest.mark.parametrize(
    ("file", "damage", "logged"),
    [
        ("zones/2024-11-30.geojson", lambda text: text[: len(text) // 2], "zones/2024-11-30.geojson: [json]"),
        ("zones/2024-11-27.geojson", lambda text: text.replace('"area_km2"', '"area"', 1), "feature 0: [geometry]"),
        ("factions.csv", lambda text: text.replace("faction_id,", "id,"), "factions.csv header: [columns]"),
    ],
)
def test_a_restart_with_broken_files_serves_the_last_good_data_set(
    settings: Settings, caplog: pytest.LogCaptureFixture, file: str, damage, logged: str
) -> None:
    LiveServer(settings, poll_seconds=None)  # a good start keeps the data set
    assert (settings.state_dir / SNAPSHOT).exists()
    path = settings.data_dir / file
    path.write_text(damage(path.read_text(encoding="utf-8")), encoding="utf-8")
    restarted = LiveServer(settings, poll_seconds=None)
    assert attribution(Client(restarted)) == "Test fixture (made up for the test suite)"
    assert f"still serving the last good data set ({settings.state_dir / SNAPSHOT})" in caplog.text
    assert logged in caplog.text


def test_a_first_start_with_broken_files_and_no_good_data_set_fails_loudly(settings: Settings) -> None:
    (settings.data_dir / "factions.csv").write_text("nonsense\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"factions\.csv header: \[columns\]"):
        LiveServer(settings, poll_seconds=None)


def test_a_new_app_that_cannot_be_built_leaves_the_old_one_serving(
    settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    from dashboard.app import create_app

    builds = iter([create_app])

    def build(s: Settings, atlas):  # the first build works, the next one fails
        return next(builds, lambda *_: json.loads("{"))(s, atlas)

    live = LiveServer(settings, build=build, poll_seconds=None)
    served = live.current
    edit(settings.data_dir / "dataset.yaml", "(made up for the test suite)", "(corrected)")
    assert live.check() is False and live.current is served
    assert "loaded but not served" in caplog.text and "JSONDecodeError" in caplog.text


def test_a_state_folder_that_cannot_be_written_is_logged_not_fatal(
    settings: Settings, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    blocked = tmp_path / "file"
    blocked.write_text("not a folder", encoding="utf-8")
    live = LiveServer(replace(settings, state_dir=blocked / "state"), poll_seconds=None)
    assert Client(live).get("/").status_code == 200
    assert "the last good data set is not kept" in caplog.text


def test_the_watcher_thread_swaps_in_edited_files_by_itself(settings: Settings) -> None:
    live = LiveServer(settings, poll_seconds=0.05)
    client = Client(live)
    assert client.get("/").status_code == 200  # the first request starts the watcher
    served = live.current
    edit(settings.data_dir / "dataset.yaml", "(made up for the test suite)", "(corrected)")
    deadline = time.monotonic() + 60
    while live.current is served and time.monotonic() < deadline:
        time.sleep(0.05)
    assert attribution(client) == "Test fixture (corrected)"
